#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA: the device misbehaving on demand (the model's "fault" command), one
case per fault: an admin queue that stops answering or answers with an
error, TX completions naming a buffer never sent or one twice, RX
completions naming a buffer never posted, reporting more bytes than the
buffer holds, spreading a frame over too many buffers or marking two
buffers of a frame as its first, interrupts that get lost, a fatal
device error, and a reset the device asks for. Each case
checks that the driver recovers the way it should: the reset it asks the
device for and its reason (read from the model, so that any driver can be
checked), the counter that counts it, what the kernel log says, and
traffic again within a stated time.
"""

import re
import socket
import time

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_true
from lib.py import ksft_disruptive, KsftSkipEx, NetDrvEpEnv, cmd, defer, ethtool, ip
from lab_lib import require_ena, ping, wait_ping, channels
from lab_lib import dmesg_lines, dmesg_since, splat, model_resets, wait_fault_reset

# DEV_CTL reset reasons (the ENA interface)
REASON = {
    "keep_alive_timeout": 1,
    "admin_timeout": 2,
    "missing_tx_completion": 3,
    "invalid_rx_req_id": 4,
    "invalid_tx_req_id": 5,
    "too_many_rx_descs": 6,
    "netdev_watchdog": 10,
    "generic": 13,
    "missing_interrupt": 14,
    # past 15: DEV_CTL's four bits plus four more where the device offers
    # extended reset reasons (the model does by default); a driver that
    # does not send them sends generic
    "rx_descriptor_malformed": 16,
    "device_request": 19,
}
# traffic must flow again this long after the reset
RECOVERY_S = 20
# the AENQ group of the device's reset requests (the ENA interface)
AENQ_RESET_REQUEST = 7


def _model(ctl):
    """The model's resets by reason ({reason: count}) and its current fault."""
    return model_resets(ctl), ctl("counters")["ena0.fault"]


def _recovers(cfg, ctl, fault, reasons, deadline, poke=None, log=None, counter=None,
              command=None):
    """
    Inject fault (the control command "fault FAULT", or command), wait for
    a reset with one of reasons, then for traffic.
    counter: the per-queue ethtool -S counter (queue_N_<counter>) that must
    have counted the fault; the driver resets its ring counters with the
    device, so it is read from the statistics it logs when it resets.
    """
    ping(cfg)
    resets, _ = _model(ctl)
    mark = len(dmesg_lines())
    ctl(command or f"fault {fault}")
    defer(ctl, "fault clear")
    start = time.monotonic()
    reason = wait_fault_reset(ctl, resets, deadline,
                              poke or (lambda: ping(cfg, count=1, fail=False)))
    ksft_true(reason is not None, f"no device reset within {deadline} s of '{fault}'")
    if reason is None:
        return
    ksft_true(reason in [REASON[r] for r in reasons],
              f"reset reason {reason}, expected one of {reasons}")
    took = time.monotonic() - start
    ksft_true(wait_ping(cfg, RECOVERY_S), f"no traffic within {RECOVERY_S} s of the reset")
    print(f"# {fault}: reset (reason {reason}) after {took:.1f} s, traffic after "
          f"{time.monotonic() - start:.1f} s")
    ksft_eq(_model(ctl)[1], "none", "the fault outlived the device reset")
    log_now = dmesg_since(mark)
    if log:
        ksft_true(log in log_now, f"the kernel log does not say '{log}'")
    if counter:
        pattern = rf"queue_\d+_{counter}: [1-9]"
        ksft_true(re.search(pattern, log_now),
                  f"{counter} did not count (no '{pattern}' in the statistics the reset logged)")
    bad = splat(log_now)
    ksft_true(bad is None, f"kernel log has a {bad}")


@ksft_disruptive
def admin_stall(cfg):
    """Admin queue stops answering: the command times out, the driver resets (admin timeout)."""
    ctl = require_ena(cfg, model=True)
    mtu = ip(f"-j link show dev {cfg.ifname}", json=True)[0]["mtu"]
    defer(cmd, f"ip link set dev {cfg.ifname} mtu {mtu}", fail=False)

    def poke():
        # an admin command (set feature MTU) to be left unanswered
        cmd(f"ip link set dev {cfg.ifname} mtu {mtu - 100}", fail=False, timeout=30)
    _recovers(cfg, ctl, "admin-stall", ["admin_timeout"], 30, poke=poke)


@ksft_disruptive
def admin_error(cfg):
    """An admin command answered with an error: the request fails, no reset, traffic flows."""
    ctl = require_ena(cfg, model=True)
    mtu = ip(f"-j link show dev {cfg.ifname}", json=True)[0]["mtu"]
    defer(cmd, f"ip link set dev {cfg.ifname} mtu {mtu}", fail=False)
    resets, _ = _model(ctl)
    ctl("fault admin-error 1 5")
    defer(ctl, "fault clear")
    res = cmd(f"ip link set dev {cfg.ifname} mtu {mtu - 100}", fail=False)
    ksft_true(res.ret != 0, "the MTU change passed though the device refused it")
    ksft_eq(ip(f"-j link show dev {cfg.ifname}", json=True)[0]["mtu"], mtu,
            "MTU after a refused change")
    time.sleep(2)
    ksft_eq(_model(ctl)[0], resets, "device resets after one refused command")
    ping(cfg)


@ksft_disruptive
def tx_bad_req_id(cfg):
    """A TX completion names a buffer never sent: bad_req_id counts, reset (invalid TX req id)."""
    ctl = require_ena(cfg, model=True)
    _recovers(cfg, ctl, "tx-bad-req-id", ["invalid_tx_req_id"], 15,
              counter="tx_bad_req_id")


@ksft_disruptive
def tx_repeat_req_id(cfg):
    """A TX completion repeats one already completed: reset (invalid TX req id)."""
    ctl = require_ena(cfg, model=True)
    _recovers(cfg, ctl, "tx-repeat-req-id", ["invalid_tx_req_id"], 15,
              counter="tx_bad_req_id")


@ksft_disruptive
def rx_bad_req_id(cfg):
    """An RX completion names a buffer never posted: bad_req_id counts, reset (invalid RX req id)."""
    ctl = require_ena(cfg, model=True)
    _recovers(cfg, ctl, "rx-bad-req-id", ["invalid_rx_req_id"], 15,
              counter="rx_bad_req_id")


@ksft_disruptive
def rx_too_many(cfg):
    """A frame spread over more buffers than the device may use: bad_desc_num, reset."""
    ctl = require_ena(cfg, model=True)
    _recovers(cfg, ctl, "rx-too-many", ["too_many_rx_descs"], 15,
              poke=lambda: ping(cfg, count=1, size=1400, fail=False),
              log="Too many RX cdescs", counter="rx_bad_desc_num")


@ksft_disruptive
def rx_bad_first(cfg):
    """A frame's second completion also marked first: reset (malformed)."""
    ctl = require_ena(cfg, model=True)
    _recovers(cfg, ctl, "rx-bad-first", ["rx_descriptor_malformed", "generic"], 15,
              log="First bit is on")


@ksft_disruptive
def rx_bad_len(cfg):
    """An RX completion longer than its buffer: dropped, bad_desc_num, reset (malformed)."""
    ctl = require_ena(cfg, model=True)
    _recovers(cfg, ctl, "rx-bad-len", ["rx_descriptor_malformed", "generic"], 15,
              log="longer than its buffer", counter="rx_bad_desc_num")


@ksft_disruptive
def fatal_error(cfg):
    """The device reports a fatal error and stops: the driver resets it, traffic flows.

    The error comes as DEV_STS' fatal bit and an AENQ event. Upstream's
    driver has no handler for that event and finds the stopped device
    through its other checks (TX completions that do not come, a keep-alive
    or admin timeout), so any reason but a normal reset is accepted.
    """
    ctl = require_ena(cfg, model=True)
    _recovers(cfg, ctl, "fatal", ["keep_alive_timeout", "admin_timeout",
                                  "missing_tx_completion", "generic",
                                  "netdev_watchdog", "missing_interrupt"], 30,
              poke=lambda: _udp_burst(cfg, count=50), command="fatal")


@ksft_disruptive
def reset_request(cfg):
    """The device asks for a reset (its AENQ reset request): the driver resets it, traffic flows.

    A driver that leaves the device reset request group disabled (upstream
    Linux's, up to 7.3) never receives the event: the case skips.
    """
    ctl = require_ena(cfg, model=True)
    if not int(ctl("counters")["ena0.aenq_enabled"], 16) & 1 << AENQ_RESET_REQUEST:
        raise KsftSkipEx("the driver has not enabled the device reset request events")
    _recovers(cfg, ctl, "reset-request", ["device_request", "generic"], 10,
              command="event reset-request",
              log="The device requested a reset")


def _udp_burst(cfg, count=300):
    """count datagrams to the remote: TX descriptors to leave uncompleted."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(count):
            try:
                s.sendto(b"x" * 64, (cfg.remote_addr_v["4"], 9))
            except OSError:
                break


@ksft_disruptive
def irq_loss(cfg):
    """IO interrupts lost for 3 s: TX completions pile up unseen, the driver resets.

    Which check finds it first depends on the traffic: the missing TX
    completion check, or the stack's TX watchdog once the ring is full.
    """
    ctl = require_ena(cfg, model=True)
    # one queue pair, so that the lost interrupt is the one the traffic needs
    cur, _ = channels(cfg)
    if cur != 1:
        ethtool(f"-L {cfg.ifname} combined 1")
        defer(ethtool, f"-L {cfg.ifname} combined {cur}")
        ksft_true(wait_ping(cfg, 10), "no traffic after ethtool -L combined 1")
    _recovers(cfg, ctl, "irq-loss 3000",
              ["missing_tx_completion", "missing_interrupt", "netdev_watchdog"], 40,
              poke=lambda: _udp_burst(cfg))


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        ksft_run([admin_error, admin_stall, tx_bad_req_id, tx_repeat_req_id,
                  rx_bad_req_id, rx_too_many, rx_bad_first, rx_bad_len, irq_loss,
                  fatal_error, reset_request],
                 args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
