#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
devlink reload (driver_reinit) of the devlink instance behind the tested
netdev: the command returns within a bound, and the netdev comes back with
its addresses and carrier and passes traffic to the remote end.
"""

import errno
import os
import subprocess
import time

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_pr, ksft_true
from lib.py import ksft_disruptive, KsftFailEx, KsftSkipEx
from lib.py import DevlinkFamily, NlError, NetDrvEpEnv
from lib.py import cmd, ip

# A driver that deadlocks in reload leaves the devlink task in D state,
# holding the devlink instance lock (and often RTNL): report it instead
# of waiting forever.
RELOAD_TIMEOUT = 60
# Time for the netdev to reappear and get carrier back after the reload.
UP_TIMEOUT = 30


def _devlink_handle(cfg, devnl):
    """bus-name and dev-name of the devlink instance of the netdev."""
    try:
        ports = devnl.port_get({}, dump=True)
    except NlError as exc:
        if exc.error == errno.EOPNOTSUPP:
            ports = []
        else:
            raise
    for port in ports:
        if port.get("port-netdev-ifindex") == cfg.ifindex:
            return port["bus-name"], port["dev-name"]

    # No devlink port: try the instance of the parent device.
    dev = f"/sys/class/net/{cfg.ifname}/device"
    if not os.path.exists(dev):
        raise KsftSkipEx(f"{cfg.ifname} has no parent device")
    bus = os.path.basename(os.path.realpath(f"{dev}/subsystem"))
    name = os.path.basename(os.path.realpath(dev))
    for inst in devnl.get({}, dump=True):
        if (inst["bus-name"], inst["dev-name"]) == (bus, name):
            return bus, name
    raise KsftSkipEx(f"no devlink instance for {cfg.ifname}")


def _addrs(ifname):
    """The global addresses of ifname, as "addr/prefixlen" strings."""
    out = ip(f"addr show dev {ifname} scope global", json=True)
    # (entries of other scopes are there, empty)
    return {f"{a['local']}/{a['prefixlen']}" for dev in out
            for a in dev.get("addr_info", []) if "local" in a}


def _wait_netdev(cfg, was_up, addrs):
    """Wait for the netdev to come back; put back what a re-creation lost."""
    end = time.monotonic() + UP_TIMEOUT
    while not os.path.exists(f"/sys/class/net/{cfg.ifname}"):
        if time.monotonic() > end:
            raise KsftFailEx(f"{cfg.ifname} did not come back after reload")
        time.sleep(0.1)
    for addr in addrs - _addrs(cfg.ifname):
        nodad = " nodad" if ":" in addr else ""
        ip(f"addr add {addr} dev {cfg.ifname}{nodad}")
    if was_up:
        ip(f"link set dev {cfg.ifname} up")
    while time.monotonic() < end:
        with open(f"/sys/class/net/{cfg.ifname}/carrier",
                  encoding="ascii") as carrier:
            try:
                if carrier.read().strip() == "1":
                    return
            except OSError:
                pass    # EINVAL while the link is down
        time.sleep(0.1)
    raise KsftFailEx(f"no carrier on {cfg.ifname} {UP_TIMEOUT} s after reload")


def _ping(cfg):
    """Ping the remote end, retrying while neighbours are resolved again."""
    end = time.monotonic() + UP_TIMEOUT
    while True:
        res = cmd(f"ping -{cfg.addr_ipver} -c 1 -W 1 {cfg.remote_addr}",
                  fail=False)
        if res.ret == 0 or time.monotonic() > end:
            return res.ret == 0
        time.sleep(0.5)


@ksft_disruptive
def reload_driver_reinit(cfg):
    """Reload returns in time, traffic passes after it."""
    cfg.require_nsim(False)
    cfg.require_cmd("devlink")
    devnl = DevlinkFamily()
    bus, name = _devlink_handle(cfg, devnl)
    handle = f"{bus}/{name}"

    ksft_true(_ping(cfg), "no traffic before the reload")
    was_up = "UP" in ip(f"link show dev {cfg.ifname}", json=True)[0]["flags"]
    addrs = _addrs(cfg.ifname)

    start = time.monotonic()
    try:
        res = cmd(f"devlink dev reload {handle} action driver_reinit",
                  fail=False, timeout=RELOAD_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise KsftFailEx(f"devlink dev reload {handle} did not return in "
                         f"{RELOAD_TIMEOUT} s") from exc
    if res.ret != 0:
        if "Operation not supported" in res.stderr:
            raise KsftSkipEx(f"{handle} does not support reload")
        raise KsftFailEx(f"devlink dev reload {handle}: {res.stderr.strip()}")
    elapsed = time.monotonic() - start
    ksft_pr(f"devlink dev reload {handle}: {elapsed:.1f} s")

    inst = devnl.get({"bus-name": bus, "dev-name": name})
    ksft_eq(inst.get("reload-failed", 0), 0, "reload-failed set")
    _wait_netdev(cfg, was_up, addrs)
    ksft_true(_ping(cfg), f"no traffic after the reload (took {elapsed:.1f} s)")


def main() -> None:
    """ Ksft boiler plate main """
    with NetDrvEpEnv(__file__) as cfg:
        ksft_run([reload_driver_reinit], args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
