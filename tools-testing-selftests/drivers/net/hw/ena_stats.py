#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA statistics against the traffic actually sent: ethtool -S per-queue
counters, ip -s link and the per-queue netlink qstats agree with each
other and with a known number of datagrams each way; page_pool stats
move under traffic; the driver's tracepoints fire for probe, ifup,
traffic and a device reset.
"""

import glob
import os
import socket
import time

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_ge, ksft_true
from lib.py import ksft_disruptive, KsftSkipEx, NetDrvEpEnv
from lib.py import NetdevFamily, NlError, cmd, defer, ip
from ena_lib import require_ena, stats, queue_stat, delta, link_stats
from ena_lib import ping, wait_ping, RemoteSender, ModelCtl

COUNT = 200
SIZE = 300
PORT = 5299
SLACK = 10      # background packets (neighbour discovery) meanwhile


def _sums(cfg):
    st = stats(cfg)
    return {f"{d}_{n}": sum(queue_stat(st, d, n).values())
            for d in ("rx", "tx") for n in ("cnt", "bytes")}


def _quiet(cfg, fn):
    """fn() once the counters stop moving (stats are read apart in time)."""
    last = None
    for _ in range(10):
        now = _sums(cfg)
        if now == last:
            break
        last = now
        time.sleep(0.3)
    return fn()


def _exchange(cfg):
    """COUNT datagrams each way between bound sockets (no ICMP errors)."""
    rcv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # room for every datagram whatever the driver's truesize: drops at the
    # socket would hide what this is about
    rcv.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), 16 << 20)
    rcv.bind((cfg.addr_v["4"], PORT))
    rcv.settimeout(1)
    snd = RemoteSender(cfg, dport=PORT)
    snd.send(PORT, COUNT, size=SIZE)
    got = 0
    try:
        while got < COUNT:
            rcv.recv(2048)
            got += 1
    except socket.timeout:
        pass
    rcv.connect((cfg.remote_addr_v["4"], PORT))
    for _ in range(COUNT):
        rcv.send(b"s" * SIZE)
    time.sleep(0.5)
    rcv.close()
    snd.close()
    return got


def _in_range(val, lo, hi, what):
    ksft_true(lo <= val <= hi, f"{what}: {val} not in {lo}..{hi}")


def counters_vs_traffic(cfg):
    """ethtool -S and ip -s link count the datagrams sent, packets and bytes."""
    e0 = _quiet(cfg, lambda: _sums(cfg))
    l0 = link_stats(cfg)
    got = _exchange(cfg)
    ksft_eq(got, COUNT, "datagrams received by the local socket "
            f"(rx dropped: {link_stats(cfg)['rx_dropped'] - l0['rx_dropped']})")
    e1 = _quiet(cfg, lambda: _sums(cfg))
    l1 = link_stats(cfg)
    de = delta(e0, e1)
    dl = {k: l1[k] - l0[k] for k in ("rx_packets", "tx_packets", "rx_bytes", "tx_bytes")}
    wire = SIZE + 28        # IPv4 + UDP headers
    for d in ("rx", "tx"):
        _in_range(de[f"{d}_cnt"], COUNT, COUNT + SLACK, f"ethtool -S queue_*_{d}_cnt")
        _in_range(dl[f"{d}_packets"], COUNT, COUNT + SLACK, f"ip -s link {d}_packets")
        _in_range(de[f"{d}_bytes"], COUNT * wire, COUNT * (wire + 18) + SLACK * 1514,
                  f"ethtool -S queue_*_{d}_bytes")
        _in_range(dl[f"{d}_packets"] - de[f"{d}_cnt"], -2, 2,
                  f"ip -s link vs ethtool -S {d} packets")
    try:
        ctl = ModelCtl()
    except KsftSkipEx:
        return
    # the device model's own count of what it delivered and sent
    m0 = _quiet(cfg, lambda: ctl("counters"))
    got = _exchange(cfg)
    m1 = _quiet(cfg, lambda: ctl("counters"))
    for key in ("ena0.rx_frames", "ena0.tx_frames"):
        if key in m0 and key in m1:
            _in_range(int(m1[key]) - int(m0[key]), COUNT, COUNT + SLACK,
                      f"model counter {key}")


def _qstats(cfg, nf):
    try:
        rows = nf.qstats_get({"ifindex": cfg.ifindex, "scope": "queue"}, dump=True)
    except NlError as e:
        raise KsftSkipEx(f"no per-queue qstats from the driver ({e})") from e
    if not rows:
        raise KsftSkipEx("no per-queue qstats from the driver")
    return rows


def qstats_vs_ethtool(cfg):
    """netdev qstats-get per queue = ethtool -S per queue, and count traffic."""
    nf = NetdevFamily()
    _qstats(cfg, nf)
    for _ in range(2):
        rows = _quiet(cfg, lambda: _qstats(cfg, nf))
        st = stats(cfg)
        for r in rows:
            kind, q = r["queue-type"], r["queue-id"]
            name = "cnt"
            if f"{kind}-packets" not in r:
                raise KsftSkipEx(f"qstats without {kind}-packets")
            _in_range(r[f"{kind}-packets"] - st[f"queue_{q}_{kind}_{name}"], -2, 2,
                      f"qstats {kind}-packets vs ethtool -S queue {q}")
        before = {(r["queue-type"], r["queue-id"]): r for r in rows}
        _exchange(cfg)
    after = _quiet(cfg, lambda: _qstats(cfg, nf))
    for kind in ("rx", "tx"):
        moved = sum(r[f"{kind}-packets"] - before[(r["queue-type"], r["queue-id"])][f"{kind}-packets"]
                    for r in after if r["queue-type"] == kind)
        _in_range(moved, COUNT, COUNT + SLACK, f"qstats {kind}-packets after {COUNT} datagrams")


def page_pool_stats(cfg):
    """page-pool-stats-get: the device's pools allocate and recycle under traffic."""
    nf = NetdevFamily()

    def pools():
        try:
            rows = nf.page_pool_stats_get({}, dump=True)
        except NlError as e:
            raise KsftSkipEx(f"no page_pool stats ({e})") from e
        return [r for r in rows if r.get("info", {}).get("ifindex") == cfg.ifindex]

    if not pools():
        raise KsftSkipEx("the driver uses no page pools")
    fields = ("alloc-fast", "alloc-slow", "recycle-cached", "recycle-ring")

    def total(rows):
        return {f: sum(r.get(f, 0) for r in rows) for f in fields}
    t0 = total(pools())
    snd = RemoteSender(cfg)
    snd.send(PORT, COUNT, size=1000)
    snd.close()
    cmd(f"ping -4 -q -c 50 -i 0.01 -s 1400 {cfg.remote_addr_v['4']}", fail=False)
    time.sleep(0.5)
    t1 = total(pools())
    # a page may hold several 1 KiB buffers: at least a quarter as many
    # allocations as frames
    ksft_ge(t1["alloc-fast"] + t1["alloc-slow"] - t0["alloc-fast"] - t0["alloc-slow"],
            COUNT // 4, "page pool allocations after RX traffic")
    ksft_ge(t1["recycle-cached"] + t1["recycle-ring"] - t0["recycle-cached"] - t0["recycle-ring"],
            1, "page pool recycling after RX traffic")


TRACE = "/sys/kernel/tracing"
EVENTS = ("ena_admin_submit", "ena_admin_complete", "ena_aenq_event", "ena_reset",
          "ena_queue_create", "ena_queue_destroy", "ena_tx_complete", "ena_rx_complete")


def _restore_addrs(cfg):
    # (already there, unless the netdev was re-created)
    cmd(f"ip addr add {cfg.addr_v['4']}/24 dev {cfg.ifname}", fail=False)
    if cfg.addr_v["6"]:
        cmd(f"ip -6 addr add {cfg.addr_v['6']}/64 dev {cfg.ifname} nodad", fail=False)
    ip(f"link set dev {cfg.ifname} up")


def _rebind(cfg):
    """Unbind and bind the PCI function: a full probe."""
    pci = os.path.basename(os.readlink(f"/sys/class/net/{cfg.ifname}/device"))
    with open("/sys/bus/pci/drivers/ena/unbind", "w", encoding="ascii") as f:
        f.write(pci)
    with open("/sys/bus/pci/drivers/ena/bind", "w", encoding="ascii") as f:
        f.write(pci)
    for _ in range(100):
        names = glob.glob(f"/sys/bus/pci/drivers/ena/{pci}/net/*")
        if names and os.path.basename(names[0]) == cfg.ifname:
            break
        cmd("udevadm settle", fail=False)
        time.sleep(0.1)
    cfg.ifindex = ip(f"link show dev {cfg.ifname}", json=True)[0]["ifindex"]
    cmd(f"sysctl -qw net.ipv6.conf.{cfg.ifname}.keep_addr_on_down=1", fail=False)
    _restore_addrs(cfg)


@ksft_disruptive
def tracepoints(cfg):
    """ena:* tracepoints fire for probe, ifup, traffic, ifdown and a reset."""
    if not os.path.isdir(f"{TRACE}/events"):
        cmd(f"mount -t tracefs nodev {TRACE}", fail=False)
    if not os.path.isdir(f"{TRACE}/events/ena"):
        raise KsftSkipEx("the driver has no ena tracepoints")
    missing = [e for e in EVENTS if not os.path.isdir(f"{TRACE}/events/ena/{e}")]
    ksft_eq(missing, [], "tracepoints missing from events/ena")

    def write(path, val):
        with open(f"{TRACE}/{path}", "w", encoding="ascii") as f:
            f.write(val)
    write("trace", "")
    write("buffer_size_kb", "4096")
    for e in EVENTS:
        write(f"events/ena/{e}/enable", "1")
        defer(write, f"events/ena/{e}/enable", "0")
    _rebind(cfg)
    ksft_true(wait_ping(cfg, 15), "no traffic after unbind/bind")
    ip(f"link set dev {cfg.ifname} down")
    _restore_addrs(cfg)
    ksft_true(wait_ping(cfg, 15), "no traffic after down/up")
    ping(cfg, count=5)
    want = set(EVENTS)
    try:
        ctl = ModelCtl()
    except KsftSkipEx:
        want.discard("ena_reset")
        ctl = None
    if ctl:
        before = stats(cfg).get("wd_expired", 0)
        ctl("keepalive stop")
        defer(ctl, "keepalive resume")
        for _ in range(40):
            if stats(cfg).get("wd_expired", 0) > before:
                break
            time.sleep(0.5)
        ctl("keepalive resume")
        ksft_true(wait_ping(cfg, 15), "no traffic after the reset")
    with open(f"{TRACE}/trace", encoding="ascii") as f:
        text = f.read()
    seen = {e for e in EVENTS if f" {e}:" in text}
    ksft_eq(sorted(want - seen), [], "tracepoints that did not fire")


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        require_ena(cfg)
        ksft_run([counters_vs_traffic, qstats_vs_ethtool, page_pool_stats, tracepoints],
                 args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
