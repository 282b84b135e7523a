#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA: recovery from device events, driven through the ENA device model's
control channel (skipped on real hardware, where the events cannot be
caused on demand): link down/up, keep-alive loss (the driver's watchdog
resets the device) and TX completions that never come (the driver's
missing completion detection resets it).
"""

import time

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_ge, ksft_true
from lib.py import NetDrvEpEnv, defer
from ena_lib import require_ena, stats, ping, wait_ping, ModelCtl


def _carrier(cfg):
    with open(f"/sys/class/net/{cfg.ifname}/carrier", encoding="ascii") as f:
        return f.read().strip()


def _wait_carrier(cfg, want, deadline):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if _carrier(cfg) == want:
            return True
        time.sleep(0.05)
    return _carrier(cfg) == want


def link_flap(cfg):
    """Link down: carrier off within 1 s, no traffic; up: traffic again."""
    ctl = ModelCtl()
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


def _reset_recovers(cfg, ctl, stop, resume, counter, deadline):
    ping(cfg)
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


def reset_keepalive(cfg):
    """Keep-alive events stop: watchdog reset, traffic recovers."""
    _reset_recovers(cfg, ModelCtl(), "keepalive stop", "keepalive resume",
                    "wd_expired", 15)


def reset_missing_tx_completions(cfg):
    """TX completions swallowed: the driver resets and traffic recovers."""
    ctl = ModelCtl()
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


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        require_ena(cfg)
        ksft_eq(_carrier(cfg), "1", "no carrier at start")
        ksft_run([link_flap, reset_keepalive, reset_missing_tx_completions],
                 args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
