#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA: device events driven through the ENA device model's control channel
(they cannot be caused on demand on real hardware): link down/up,
keep-alive loss (the driver's watchdog resets the device, and the
ena_reset tracepoint says so), TX completions that never come (the
driver's missing completion detection resets it), the model's own
frame counters against the traffic sent, and EC2's allowances set low on
the model's wire (the ENI statistics the driver shows must move).
"""

import os
import socket
import time

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_ge, ksft_true
from lib.py import ksft_disruptive, KsftSkipEx, NetDrvEpEnv, defer
from lab_lib import require_ena, stats, ping, wait_ping, Iperf3, RemoteSender

TRACEFS = "/sys/kernel/tracing"


def _carrier(cfg):
    try:
        with open(f"/sys/class/net/{cfg.ifname}/carrier", encoding="ascii") as f:
            return f.read().strip()
    except OSError:
        return "?"


def _wait_carrier(cfg, want, deadline):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if _carrier(cfg) == want:
            return True
        time.sleep(0.05)
    return _carrier(cfg) == want


@ksft_disruptive
def link_flap(cfg):
    """Link down: carrier off within 1 s, no traffic; up: traffic again."""
    ctl = require_ena(cfg, model=True)
    ksft_true(_wait_carrier(cfg, "1", 5), "no carrier at start")
    ping(cfg)
    ctl("link down")
    defer(ctl, "link up")
    ksft_true(_wait_carrier(cfg, "0", 1), "carrier still on 1 s after link down")
    down = ping(cfg, count=2, fail=False)
    ksft_true(down.ret != 0, "ping passed with the link down")
    ctl("link up")
    ksft_true(_wait_carrier(cfg, "1", 1), "carrier still off 1 s after link up")
    ksft_true(wait_ping(cfg, 5), "no traffic after link up")


def _wait_stat(cfg, name, above, deadline):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if stats(cfg).get(name, 0) > above:
            return True
        time.sleep(0.5)
    return False


def _write(path, val):
    with open(path, "w", encoding="ascii") as f:
        f.write(val)


def _trace_reset():
    """Trace ena_reset in an instance of its own; returns the instance."""
    if not os.path.isdir(f"{TRACEFS}/events/ena/ena_reset"):
        return None
    inst = f"{TRACEFS}/instances/lab_ctl_{os.getpid()}"
    os.mkdir(inst)
    defer(os.rmdir, inst)
    _write(f"{inst}/events/ena/ena_reset/enable", "1")
    defer(_write, f"{inst}/events/ena/ena_reset/enable", "0")
    return inst


def _reset_recovers(cfg, ctl, stop, resume, counter, deadline):
    ping(cfg)
    inst = _trace_reset()
    before = stats(cfg)
    ctl(stop)
    defer(ctl, resume)
    ksft_true(_wait_stat(cfg, counter, before.get(counter, 0), deadline),
              f"{counter} did not move within {deadline} s of '{stop}'")
    ctl(resume)
    ksft_true(wait_ping(cfg, 15), "no traffic within 15 s of the reset")
    after = stats(cfg)
    ksft_ge(after.get("interface_up", 0), before.get("interface_up", 0) + 1,
            "the reset did not bring the interface up again")
    # the queues came back: the counters still count
    ping(cfg, count=5)
    ksft_ge(stats(cfg)["queue_0_tx_cnt"], after["queue_0_tx_cnt"],
            "TX counters went backwards after the reset")
    return inst


@ksft_disruptive
def reset_keepalive(cfg):
    """Keep-alive events stop: watchdog reset (ena_reset fires), traffic recovers."""
    ctl = require_ena(cfg, model=True)
    inst = _reset_recovers(cfg, ctl, "keepalive stop", "keepalive resume",
                           "wd_expired", 15)
    ksft_true(inst, "no ena:ena_reset tracepoint")
    if inst:
        with open(f"{inst}/trace", encoding="ascii") as f:
            lines = [l for l in f if " ena_reset: " in l]
        ksft_eq(len(lines), 1, f"ena_reset events for one recovery: {lines}")
        ksft_true(lines and "keep" in lines[0].lower(),
                  f"ena_reset reason: {lines}")


@ksft_disruptive
def reset_missing_tx_completions(cfg):
    """TX completions swallowed: the driver resets and traffic recovers."""
    ctl = require_ena(cfg, model=True)
    before = stats(cfg)
    ctl("tx-comp drop 16")
    defer(ctl, "tx-comp normal")
    # make sure there is TX to leave uncompleted
    ping(cfg, count=10, fail=False)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        now = stats(cfg)
        if now.get("interface_up", 0) > before.get("interface_up", 0):
            break
        ping(cfg, count=2, fail=False)
    now = stats(cfg)
    ksft_ge(now.get("interface_up", 0), before.get("interface_up", 0) + 1,
            "no reset within 30 s of lost TX completions")
    ctl("tx-comp normal")
    ksft_true(wait_ping(cfg, 15), "no traffic within 15 s of the reset")


COUNT = 200
SIZE = 300
SLACK = 10


def _quiet(ctl):
    last = None
    for _ in range(10):
        now = ctl("counters")
        if now == last:
            break
        last = now
        time.sleep(0.3)
    return last


def model_counters(cfg):
    """The model's own count of frames delivered and sent matches the traffic."""
    ctl = require_ena(cfg, model=True)
    port = 5299
    m0 = _quiet(ctl)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rcv:
        rcv.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), 16 << 20)
        rcv.bind((cfg.addr_v["4"], port))
        rcv.settimeout(1)
        snd = RemoteSender(cfg, dport=port)
        snd.send(port, COUNT, size=SIZE)
        got = 0
        try:
            while got < COUNT:
                rcv.recv(2048)
                got += 1
        except socket.timeout:
            pass
        ksft_eq(got, COUNT, "datagrams received")
        rcv.connect((cfg.remote_addr_v["4"], port))
        for _ in range(COUNT):
            rcv.send(b"s" * SIZE)
        time.sleep(0.5)
        snd.close()
    m1 = _quiet(ctl)
    for key in ("ena0.rx_frames", "ena0.tx_frames"):
        ksft_true(key in m0 and key in m1, f"model counter {key} missing: {m1}")
        if key in m0 and key in m1:
            moved = int(m1[key]) - int(m0[key])
            ksft_true(COUNT <= moved <= COUNT + SLACK,
                      f"model counter {key}: {moved} for {COUNT} datagrams")


def _eni_stat(cfg, name):
    """An ENI statistic from ethtool -S; skips where the driver shows none."""
    st = stats(cfg)
    if name not in st:
        raise KsftSkipEx(f"the driver shows no {name} (no ENI statistics)")
    return st[name]


def _allowance(cfg, kind, value, stat):
    """Set an ENI allowance on the model until the case ends; stat's value before."""
    ctl = require_ena(cfg, model=True)
    before = _eni_stat(cfg, stat)
    ctl(f"allowance {kind} {value}")
    defer(ctl, f"allowance {kind} 0")
    return ctl, before


BW_OUT_MBPS = 40


def _sent_mbps(report):
    return report["end"]["sum_received"]["bits_per_second"] / 1e6


@ksft_disruptive
def allowance_bw_out(cfg):
    """Outbound bandwidth allowance (40 Mb/s, or half of what the guest sends
    unshaped on a slower kernel): iperf3 is held to it, bw_out_allowance_exceeded
    moves."""
    free = Iperf3(cfg, 2, bidir=False).finish()
    ksft_true(free is not None, "iperf3 failed without an allowance")
    if free is None:
        return
    # TCP must be able to exceed the allowance for it to be exceeded
    limit = max(1, min(BW_OUT_MBPS, int(_sent_mbps(free) / 2)))
    _, before = _allowance(cfg, "bw-out", limit, "bw_out_allowance_exceeded")
    report = Iperf3(cfg, 4, bidir=False).finish()
    ksft_true(report is not None, "iperf3 failed through the allowance")
    if report is None:
        return
    mbps = _sent_mbps(report)
    print(f"# {mbps:.1f} Mb/s through an allowance of {limit} Mb/s "
          f"({_sent_mbps(free):.1f} Mb/s without it)")
    ksft_true(0 < mbps <= limit * 1.05,
              f"{mbps:.1f} Mb/s through an allowance of {limit} Mb/s")
    ksft_ge(_eni_stat(cfg, "bw_out_allowance_exceeded") - before, 1,
            "bw_out_allowance_exceeded after iperf3 hit the allowance")


CONNTRACK = 4
FLOWS = 10


@ksft_disruptive
def allowance_conntrack(cfg):
    """Conntrack allowance 4: datagrams of 10 new flows, those past it dropped and counted."""
    ctl, before = _allowance(cfg, "conntrack", CONNTRACK, "conntrack_allowance_exceeded")
    for i in range(FLOWS):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((cfg.addr_v["4"], 6100 + i))
            s.sendto(b"c" * 64, (cfg.remote_addr_v["4"], 6200))
    time.sleep(0.5)
    model = ctl("counters")
    ksft_eq(model.get("ena0.eni_conntrack_tracked"), str(CONNTRACK),
            "connections the model tracks")
    # other traffic of the interface can only take more of the allowance
    ksft_ge(_eni_stat(cfg, "conntrack_allowance_exceeded") - before, FLOWS - CONNTRACK,
            "conntrack_allowance_exceeded after more flows than the allowance")


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        ksft_run([link_flap, reset_keepalive, reset_missing_tx_completions,
                  model_counters, allowance_bw_out, allowance_conntrack], args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
