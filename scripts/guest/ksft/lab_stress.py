#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA under load while things change: a device reset while iperf3 runs both
ways, ethtool -L, -G and MTU changes looped while it runs, and the module
unloaded and loaded again while the remote floods it with pings. Each case
checks that TCP survives (iperf3 completes, and both directions carry data
in its last seconds) or that traffic flows again within a stated time, and
that the kernel log has no splat.

The counts are small by default; with LAB_FULL=1 in the environment
(scripts/selftests --full) the loops run longer and the module is
reloaded 50 times.
"""

import itertools
import os
import time

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_ge, ksft_true
from lib.py import ksft_disruptive, KsftSkipEx, NetDrvEpEnv, cmd, defer, ethtool, ip
from lab_lib import require_ena, ping, wait_ping, channels
from lab_lib import dmesg_lines, dmesg_since, splat, model_resets, wait_fault_reset
from lab_lib import Iperf3

FULL = os.environ.get("LAB_FULL") == "1"
# traffic must flow again this long after a reset or a module load
RECOVERY_S = 20
# DEV_CTL reset reason of a TX completion naming a buffer never sent
INVALID_TX_REQ_ID = 5


def _no_splat(mark):
    bad = splat(dmesg_since(mark))
    ksft_true(bad is None, f"kernel log has a {bad}")


@ksft_disruptive
def reset_under_iperf3(cfg):
    """A device reset while iperf3 runs both ways: TCP survives, both ways carry data after it."""
    ctl = require_ena(cfg, model=True)
    mark = len(dmesg_lines())
    before = model_resets(ctl)
    flow = Iperf3(cfg, 40 if FULL else 20)
    time.sleep(5)
    ctl("fault tx-bad-req-id")
    defer(ctl, "fault clear")
    reason = wait_fault_reset(ctl, before, 15)
    ksft_eq(reason, INVALID_TX_REQ_ID, "reset reason after a bad TX request id")
    ksft_true(flow.running(), "iperf3 ended before the reset was over")
    flow.check_tail(flow.finish(), last=5)
    _no_splat(mark)


def _mtu(cfg):
    link = ip(f"-d -j link show dev {cfg.ifname}", json=True)[0]
    return link["mtu"], link.get("max_mtu", link["mtu"])


def _rings(cfg):
    """Current and maximum RX and TX ring sizes: {"rx": (cur, max), "tx": ...}."""
    vals = {}
    section = None
    for line in ethtool(f"-g {cfg.ifname}").stdout.splitlines():
        if line.startswith("Pre-set maximums"):
            section = "max"
        elif line.startswith("Current hardware settings"):
            section = "cur"
        elif section and line.split(":")[0] in ("RX", "TX"):
            val = line.split(":", 1)[1].strip()
            if val.isdigit():
                vals[(line.split(":")[0].lower(), section)] = int(val)
    return {d: (vals[(d, "cur")], vals[(d, "max")]) for d in ("rx", "tx")}


@ksft_disruptive
def config_loop_under_iperf3(cfg):
    """ethtool -L, -G and MTU changes looped while iperf3 runs both ways: TCP survives."""
    require_ena(cfg)
    mark = len(dmesg_lines())
    ctl = None
    try:
        ctl = require_ena(cfg, model=True)
        before = model_resets(ctl)
    except KsftSkipEx:
        pass
    cur_ch, max_ch = channels(cfg)
    rings = _rings(cfg)
    mtu, max_mtu = _mtu(cfg)
    defer(ethtool, f"-L {cfg.ifname} combined {cur_ch}")
    defer(ethtool, f"-G {cfg.ifname} rx {rings['rx'][0]} tx {rings['tx'][0]}")
    defer(ip, f"link set dev {cfg.ifname} mtu {mtu}")
    # each a pair of settings to alternate between, as (tool, arguments)
    steps = []
    if max_ch > 1:
        steps.append([(ethtool, f"-L {cfg.ifname} combined {n}") for n in (1, max_ch)])
    # half the ring, or double it where half is below ENA's minimum (256)
    other = {d: c // 2 if c // 2 >= 256 else min(m, c * 2) for d, (c, m) in rings.items()}
    steps.append([(ethtool, f"-G {cfg.ifname} rx {other['rx']} tx {other['tx']}"),
                  (ethtool, f"-G {cfg.ifname} rx {rings['rx'][0]} tx {rings['tx'][0]}")])
    big_mtu = min(max_mtu, 4000)
    if big_mtu > 1500:
        steps.append([(ip, f"link set dev {cfg.ifname} mtu {big_mtu}"),
                      (ip, f"link set dev {cfg.ifname} mtu 1500")])
    flow = Iperf3(cfg, 120 if FULL else 30)
    changes = 0
    slowest = 0.0
    # the changes stop in time for iperf3's last 5 s, which must see both
    # ways: a change starts only if the slowest one so far would end by then
    # (a debug kernel takes seconds for one)
    for tool, setting in itertools.cycle([s for pair in steps for s in pair]):
        if time.monotonic() - flow.start + slowest > flow.secs - 5:
            break
        began = time.monotonic()
        tool(setting)
        slowest = max(slowest, time.monotonic() - began)
        changes += 1
    ksft_ge(changes, 2, "settings changed during the iperf3 run")
    print(f"# {changes} changes ({len(steps)} setting pairs), slowest {slowest:.1f} s")
    flow.check_tail(flow.finish(), last=3)
    if ctl:
        now = model_resets(ctl)
        faulted = {r: n - before.get(r, 0) for r, n in now.items()
                   if r != 0 and n > before.get(r, 0)}
        ksft_eq(faulted, {}, "device resets for a fault (reason: count) during the changes")
    _no_splat(mark)


def _module_path():
    """The ena.ko the runner loaded instead of the kernel's, or None."""
    return os.environ.get("ENA_MODULE") or None


def _addresses(ifname):
    return [(a["family"], f"{a['local']}/{a['prefixlen']}")
            for a in ip(f"-j addr show dev {ifname}", json=True)[0]["addr_info"]
            if a.get("scope") == "global"]


def _netdev_of(bdf, deadline):
    end = time.monotonic() + deadline
    path = f"/sys/bus/pci/devices/{bdf}/net"
    while time.monotonic() < end:
        if os.path.isdir(path) and os.listdir(path):
            return os.listdir(path)[0]
        time.sleep(0.1)
    return None


@ksft_disruptive
def reload_under_ping_flood(cfg):
    """The module unloaded and loaded again while the remote floods the device with pings."""
    require_ena(cfg)
    mark = len(dmesg_lines())
    bdf = os.path.basename(os.readlink(f"/sys/class/net/{cfg.ifname}/device"))
    addrs = _addresses(cfg.ifname)
    ko = _module_path()
    count = 50 if FULL else 10
    flood = cmd(f"ping -4 -f -q -W 1 -w 3600 {cfg.addr_v['4']}", host=cfg.remote,
                background=True, fail=False)
    defer(flood.process, terminate=True, fail=False)
    took = []
    for i in range(count):
        cmd("rmmod ena", timeout=60)
        start = time.monotonic()
        cmd(f"insmod {ko}" if ko else "modprobe ena", timeout=60)
        # the netdev comes as ethN; udev then gives it its predictable name
        cmd("udevadm settle -t 20", fail=False, timeout=30)
        name = _netdev_of(bdf, 20)
        ksft_true(name is not None, f"reload {i + 1}: no netdev for {bdf} within 20 s")
        if name is None:
            return
        if name != cfg.ifname:
            ip(f"link set dev {name} name {cfg.ifname}")
        for family, addr in addrs:
            ip(f"-{4 if family == 'inet' else 6} addr add {addr} dev {cfg.ifname}"
               f"{' nodad' if family == 'inet6' else ''}")
        ip(f"link set dev {cfg.ifname} up")
        ok = wait_ping(cfg, RECOVERY_S)
        ksft_true(ok, f"reload {i + 1}: no traffic within {RECOVERY_S} s")
        if not ok:
            return
        took.append(time.monotonic() - start)
    print(f"# {count} reloads, load to traffic: {min(took):.1f}-{max(took):.1f} s")
    _no_splat(mark)


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        ksft_run([reset_under_iperf3, config_loop_under_iperf3,
                  reload_under_ping_flood], args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
