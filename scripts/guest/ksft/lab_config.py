#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA: ethtool and netdev configuration, each change checked with traffic on
the emulated ENA (the ring and push buffer rules are in the kernel's
drivers/net/ena/ena_config.py): channels (-L) with flows spread over
exactly the active queues, interrupt moderation (-C) seen in the RTT, the
MTU range with DF pings, XDP programs (XDP_PASS passes, XDP_DROP drops,
detach passes), and enable_phc kept by devlink reload.
"""

import os
import shutil
import socket
import time

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_ge, ksft_lt, ksft_true
from lib.py import ksft_disruptive, KsftSkipEx, NetDrvEpEnv
from lib.py import bpf_map_set, cmd, defer, ethtool, ip
from lab_lib import require_ena, stats, queue_stat, delta, channels, ping
from lab_lib import wait_ping, devlink_dev, devlink_param, devlink_reload
from lab_lib import RemoteSender

def _sysfs_queues(cfg, kind):
    return len([q for q in os.listdir(f"/sys/class/net/{cfg.ifname}/queues")
                if q.startswith(kind + "-")])


def _rx_spread(cfg, flows=16):
    """Send flows from the remote; return per-queue RX packet deltas."""
    snd = RemoteSender(cfg)
    before = queue_stat(stats(cfg), "rx", "cnt")
    for i in range(flows):
        snd.send(20000 + i, 4)
    snd.close()
    time.sleep(0.3)
    return delta(before, queue_stat(stats(cfg), "rx", "cnt"))


@ksft_disruptive
def channels_traffic(cfg):
    """ethtool -L combined 1, 2, max/2, max: queues exist, carry traffic, RSS spreads."""
    require_ena(cfg)
    cur, cmax = channels(cfg)
    defer(ethtool, f"-L {cfg.ifname} combined {cur}")
    counts = sorted({1, 2, cmax // 2, cmax} & set(range(1, cmax + 1)))
    for n in counts:
        ethtool(f"-L {cfg.ifname} combined {n}")
        ksft_eq(channels(cfg)[0], n, f"-L combined {n} not applied")
        ksft_eq(_sysfs_queues(cfg, "rx"), n, f"rx queues in sysfs with {n} channels")
        ksft_eq(_sysfs_queues(cfg, "tx"), n, f"tx queues in sysfs with {n} channels")
        ping(cfg, count=3)
        spread = _rx_spread(cfg)
        ksft_ge(sum(spread.values()), 64, f"RX packets lost with {n} channels: {spread}")
        used = [q for q, v in spread.items() if v > 0]
        ksft_true(all(q < n for q in used), f"RX on a queue beyond {n}: {spread}")
        if n > 1:
            ksft_ge(len(used), 2, f"16 flows all on one queue with {n} channels: {spread}")


def _tcp_transfer(cfg, nbytes=2000000):
    """A TCP transfer local -> remote of nbytes; checks every byte arrived."""
    cfg.require_cmd("socat", remote=True)
    port = 5201 + (os.getpid() % 1000)
    srv = cmd(f"socat -u TCP4-LISTEN:{port},reuseaddr STDOUT | wc -c",
              host=cfg.remote, background=True)
    time.sleep(1)
    cmd(f"head -c {nbytes} /dev/zero | socat -u STDIN "
        f"TCP4:{cfg.remote_addr_v['4']}:{port},retry=20", shell=True, timeout=60)
    srv.process(terminate=False, timeout=30)
    ksft_eq(int(srv.stdout.strip() or 0), nbytes, "bytes received by the remote")


def _coalesce(cfg):
    out = {}
    for line in ethtool(f"-c {cfg.ifname}").stdout.splitlines():
        if ":" in line:
            key, val = (s.strip() for s in line.split(":", 1))
            out[key] = val
    return out


def _min_rtt_ms(cfg, count=10):
    # new delays reach the device with the next interrupt unmask: warm up
    cmd(f"ping -4 -q -c 4 -i 0.05 -W 2 {cfg.remote_addr_v['4']}")
    out = cmd(f"ping -4 -c {count} -i 0.05 -W 2 {cfg.remote_addr_v['4']}").stdout
    for line in out.splitlines():
        if "min/avg/max" in line:
            return float(line.split("=")[1].split("/")[0])
    raise AssertionError(f"no RTT in ping output: {out}")


def coalesce(cfg):
    """ethtool -C: values read back; a long rx/tx delay shows in the RTT."""
    require_ena(cfg)
    orig = _coalesce(cfg)
    defer(ethtool, f"-C {cfg.ifname} adaptive-rx {orig.get('Adaptive RX', 'off').split()[0]} "
          f"rx-usecs {orig.get('rx-usecs', '0')} tx-usecs {orig.get('tx-usecs', '64')}")
    ethtool(f"-C {cfg.ifname} adaptive-rx off rx-usecs 0 tx-usecs 0")
    base = _min_rtt_ms(cfg)
    ethtool(f"-C {cfg.ifname} rx-usecs 20000 tx-usecs 20000")
    now = _coalesce(cfg)
    ksft_eq(now.get("rx-usecs"), "20000", "rx-usecs read back")
    ksft_eq(now.get("tx-usecs"), "20000", "tx-usecs read back")
    slow = _min_rtt_ms(cfg)
    ksft_ge(slow, 10.0, f"min RTT {slow} ms with 20 ms moderation (base {base} ms)")
    ethtool(f"-C {cfg.ifname} rx-usecs 0 tx-usecs 0")
    fast = _min_rtt_ms(cfg)
    ksft_lt(fast, slow, "RTT did not come down with moderation off again")
    ethtool(f"-C {cfg.ifname} adaptive-rx on")
    ksft_true(_coalesce(cfg).get("Adaptive RX", "").startswith("on"), "adaptive-rx read back")
    ping(cfg, count=5)
    _tcp_transfer(cfg)


@ksft_disruptive
def mtu_range(cfg):
    """MTU min..max: applied, DF ping of the full size passes at each."""
    require_ena(cfg)
    dev = ip(f"-d link show dev {cfg.ifname}", json=True)[0]
    mtu, lo, hi = dev["mtu"], dev["min_mtu"], dev["max_mtu"]
    rdev = ip(f"-d link show dev {cfg.remote_ifname}", json=True, host=cfg.remote)[0]
    defer(ip, f"link set dev {cfg.ifname} mtu {mtu}")
    defer(ip, f"link set dev {cfg.remote_ifname} mtu {rdev['mtu']}", host=cfg.remote)
    ip(f"link set dev {cfg.remote_ifname} mtu {min(hi, rdev['max_mtu'])}", host=cfg.remote)
    for m in (hi, 1500, max(lo, 576)):
        ip(f"link set dev {cfg.ifname} mtu {m}")
        ksft_eq(ip(f"link show dev {cfg.ifname}", json=True)[0]["mtu"], m, "MTU read back")
        if m <= rdev["max_mtu"]:
            ping(cfg, count=2, size=m - 28, dont_fragment=True)
        too_big = ping(cfg, count=1, size=m - 27, dont_fragment=True, fail=False)
        ksft_true(too_big.ret != 0, f"DF ping one byte over MTU {m} passed")
    for bad in (lo - 1, hi + 1):
        ksft_true(cmd(f"ip link set dev {cfg.ifname} mtu {bad}", fail=False).ret != 0,
                  f"MTU {bad} outside {lo}..{hi} accepted")


def _udp_to_local(cfg, port, count):
    """count datagrams from the remote to a local socket; returns received."""
    rcv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rcv.bind((cfg.addr_v["4"], port))
    rcv.settimeout(0.5)
    snd = RemoteSender(cfg, dport=port)
    snd.send(30000, count, size=100)
    snd.close()
    got = 0
    try:
        while True:
            rcv.recv(2048)
            got += 1
    except socket.timeout:
        pass
    rcv.close()
    return got


@ksft_disruptive
def xdp_pass_drop(cfg):
    """XDP attach: PASS delivers, DROP drops (counted), detach delivers."""
    require_ena(cfg)
    prog = cfg.net_lib_dir / "xdp_native.bpf.o"
    port = 4789
    cur, cmax = channels(cfg)
    # ENA needs free TX queues for XDP: half the maximum at most
    if cur * 2 > cmax:
        defer(ethtool, f"-L {cfg.ifname} combined {cur}")
        ethtool(f"-L {cfg.ifname} combined {max(1, cmax // 2)}")
    cmd(f"ip link set dev {cfg.ifname} xdpdrv obj {prog} sec xdp")
    defer(ip, f"link set dev {cfg.ifname} xdpdrv off")
    ksft_true("xdp" in ip(f"-d link show dev {cfg.ifname}", json=True)[0],
              "no XDP program attached")
    bpf_map_set("map_xdp_setup", 1, port)       # port
    bpf_map_set("map_xdp_setup", 0, 0)          # XDP_PASS
    ksft_eq(_udp_to_local(cfg, port, 20), 20, "datagrams through XDP_PASS")
    ping(cfg, count=3)
    bpf_map_set("map_xdp_setup", 0, 1)          # XDP_DROP
    before = sum(queue_stat(stats(cfg), "rx", "xdp_drop").values())
    ksft_eq(_udp_to_local(cfg, port, 20), 0, "datagrams through XDP_DROP")
    dropped = sum(queue_stat(stats(cfg), "rx", "xdp_drop").values()) - before
    ksft_ge(dropped, 20, "queue_*_rx_xdp_drop")
    ping(cfg, count=3)      # other traffic is not dropped
    ip(f"link set dev {cfg.ifname} xdpdrv off")
    ksft_eq(_udp_to_local(cfg, port, 20), 20, "datagrams after XDP detach")


@ksft_disruptive
def devlink_enable_phc(cfg):
    """devlink dev reload returns, keeps enable_phc, and traffic passes after it."""
    require_ena(cfg)
    if not shutil.which("devlink"):
        raise KsftSkipEx("no devlink tool")
    dev = devlink_dev(cfg)
    phc = devlink_param(dev, "enable_phc")
    devlink_reload(dev)
    ksft_true(wait_ping(cfg, deadline=30), "no ping within 30 s of the reload")
    ksft_eq(devlink_param(dev, "enable_phc"), phc, "enable_phc changed by the reload")
    _tcp_transfer(cfg)


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        ksft_run([channels_traffic, coalesce, mtu_range, xdp_pass_drop,
                  devlink_enable_phc], args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
