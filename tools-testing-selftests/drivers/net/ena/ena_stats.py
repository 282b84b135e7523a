#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA statistics and tracing against the traffic actually sent: ethtool -S
per-queue counters, ip -s link and the per-queue netlink qstats agree with
each other and with a known number of datagrams each way (frames counted
with their Ethernet header, TCP by wire segment, XDP drops as received);
the RX page pools allocate and recycle under traffic; the ena tracepoints
fire for link down/up, a channel count change and traffic.
"""

import math
import os
import socket
import time

from lib.py import ksft_run, ksft_eq, ksft_ge, ksft_pr, ksft_true
from lib.py import ksft_disruptive, KsftFailEx, KsftSkipEx, NetDrvEpEnv
from lib.py import EthtoolFamily, NetdevFamily, NlError
from lib.py import bpf_map_set, cmd, defer, ip, rand_port
from ena_lib import require_ena, ena_exit, ethtool_stats, queue_stat
from ena_lib import link_stats, l3_overhead, link_down_up, ping, wait_ping
from ena_lib import tcp_to_remote, udp_from_remote, udp_send_from_remote
from ena_lib import udp_to_remote

COUNT = 200
SIZE = 300
# other packets the device may see meanwhile (neighbour discovery, ...)
SLACK = 10
ETH_HLEN = 14


def _ethtool_sums(cfg):
    stats = ethtool_stats(cfg)
    return {f"{d}_{n}": sum(queue_stat(stats, d, n).values())
            for d in ("rx", "tx") for n in ("cnt", "bytes")}


def _quiet(cfg):
    """Wait until the counters stop moving (completions, late frames)."""
    last = None
    for _ in range(20):
        now = _ethtool_sums(cfg)
        if now == last:
            return
        last = now
        time.sleep(0.3)


def _qstats(cfg):
    """Per-queue qstats: {(type, id): row}; failing if the driver has none."""
    try:
        rows = cfg.netnl.qstats_get({"ifindex": cfg.ifindex, "scope": "queue"},
                                    dump=True)
    except NlError as exc:
        raise KsftFailEx(f"no per-queue qstats from the driver ({exc})") from exc
    if not rows:
        raise KsftFailEx("no per-queue qstats from the driver")
    return {(r["queue-type"], r["queue-id"]): r for r in rows}


def _qstat_sums(cfg):
    rows = _qstats(cfg).values()
    return {f"{d}_{n}": sum(r.get(f"{d}-{n}", 0) for r in rows if r["queue-type"] == d)
            for d in ("rx", "tx") for n in ("packets", "bytes")}


def _check(what, pkts, nbytes, frame, mtu):
    """pkts/bytes deltas for COUNT frames of frame bytes, plus a few others."""
    ksft_true(COUNT <= pkts <= COUNT + SLACK,
              f"{what} packets: {pkts} for {COUNT} datagrams")
    low = COUNT * frame
    high = low + max(pkts - COUNT, 0) * (mtu + ETH_HLEN)
    ksft_true(low <= nbytes <= high,
              f"{what} bytes: {nbytes} for {COUNT} frames of {frame} bytes "
              f"(Ethernet header included), expected {low}..{high}")


def _exchange(cfg):
    """COUNT datagrams of SIZE bytes each way; checks they were received."""
    got = udp_from_remote(cfg, COUNT, SIZE)
    ksft_eq(len(got), COUNT, "datagrams received from the remote")
    udp_to_remote(cfg, COUNT, SIZE)


def _mtu(cfg):
    return ip(f"link show dev {cfg.ifname}", json=True)[0]["mtu"]


def counters_vs_traffic(cfg):
    """ethtool -S per-queue sums and ip -s link count the datagrams sent."""
    require_ena(cfg)
    cfg.require_cmd("socat", remote=True)
    frame = SIZE + l3_overhead(cfg) + ETH_HLEN
    mtu = _mtu(cfg)
    _quiet(cfg)
    eth0, link0 = _ethtool_sums(cfg), link_stats(cfg)
    _exchange(cfg)
    _quiet(cfg)
    eth1, link1 = _ethtool_sums(cfg), link_stats(cfg)
    for way in ("rx", "tx"):
        epkts = eth1[f"{way}_cnt"] - eth0[f"{way}_cnt"]
        lpkts = link1[f"{way}_packets"] - link0[f"{way}_packets"]
        _check(f"ethtool -S queue_*_{way}", epkts,
               eth1[f"{way}_bytes"] - eth0[f"{way}_bytes"], frame, mtu)
        _check(f"ip -s link {way}", lpkts,
               link1[f"{way}_bytes"] - link0[f"{way}_bytes"], frame, mtu)
        ksft_true(abs(lpkts - epkts) <= 2,
                  f"{way} packets: ip -s link {lpkts}, ethtool -S {epkts}")


def _per_queue(cfg):
    """Per-queue packets from qstats and from ethtool -S, {(type, id): n}."""
    rows = _qstats(cfg)
    stats = ethtool_stats(cfg)
    qst, eth = {}, {}
    for (kind, qid), row in rows.items():
        for key in ("packets", "bytes"):
            ksft_true(f"{kind}-{key}" in row, f"qstats {kind} queue {qid} lack {key}")
        qst[(kind, qid)] = row.get(f"{kind}-packets", 0)
        eth[(kind, qid)] = stats.get(f"queue_{qid}_{kind}_cnt", 0)
    return qst, eth


def qstats_vs_traffic(cfg):
    """Per-queue qstats follow ethtool -S per queue, and count the datagrams."""
    require_ena(cfg)
    cfg.require_cmd("socat", remote=True)
    frame = SIZE + l3_overhead(cfg) + ETH_HLEN
    mtu = _mtu(cfg)
    _quiet(cfg)
    qst0, eth0 = _per_queue(cfg)
    # RX packets are the same count; TX ones may differ by the TSO
    # super-packets of earlier traffic, so only compare what moves now
    for key, val in qst0.items():
        if key[0] == "rx":
            ksft_true(abs(val - eth0[key]) <= 2,
                      f"qstats rx-packets {val} vs ethtool -S queue_{key[1]}_rx_cnt "
                      f"{eth0[key]}")
    before = _qstat_sums(cfg)
    _exchange(cfg)
    _quiet(cfg)
    after = _qstat_sums(cfg)
    qst1, eth1 = _per_queue(cfg)
    for key, val in qst1.items():
        moved, emoved = val - qst0.get(key, 0), eth1[key] - eth0.get(key, 0)
        ksft_true(abs(moved - emoved) <= 2,
                  f"queue {key[1]}: qstats {key[0]}-packets moved by {moved}, "
                  f"ethtool -S queue_{key[1]}_{key[0]}_cnt by {emoved}")
    for way in ("rx", "tx"):
        _check(f"qstats {way}", after[f"{way}_packets"] - before[f"{way}_packets"],
               after[f"{way}_bytes"] - before[f"{way}_bytes"], frame, mtu)


def qstats_tx_segments(cfg):
    """TCP: tx-packets/tx-bytes count frames on the wire, not TSO super-packets."""
    require_ena(cfg)
    cfg.require_cmd("socat", remote=True)
    feats = cmd(f"ethtool -k {cfg.ifname}").stdout
    tso = [l.strip() for l in feats.splitlines() if "tcp-segmentation:" in l]
    ksft_pr(f"{cfg.ifname}: {tso[0] if tso else 'no TSO feature'}")
    nbytes = 8 << 20
    hdrs = l3_overhead(cfg) - 8 + 20
    mss = _mtu(cfg) - hdrs
    _quiet(cfg)
    before = _qstat_sums(cfg)
    ksft_eq(tcp_to_remote(cfg, nbytes), nbytes, "bytes received by the remote")
    _quiet(cfg)
    after = _qstat_sums(cfg)
    segs = math.ceil(nbytes / mss)
    pkts = after["tx_packets"] - before["tx_packets"]
    ksft_ge(pkts, segs, f"qstats tx-packets for {nbytes} bytes of TCP (MSS <= {mss})")
    ksft_ge(after["tx_bytes"] - before["tx_bytes"],
            nbytes + segs * (hdrs + ETH_HLEN),
            f"qstats tx-bytes for {nbytes} bytes of TCP in {segs}+ frames")


@ksft_disruptive
def qstats_xdp_drop(cfg):
    """Frames dropped by XDP are counted as received, with their Ethernet header."""
    require_ena(cfg)
    prog = cfg.net_lib_dir / "xdp_native.bpf.o"
    if not prog.exists():
        raise KsftSkipEx("xdp_native.bpf.o not built")
    chans = cfg.ethnl.channels_get({"header": {"dev-index": cfg.ifindex}})
    cur, cmax = chans["combined-count"], chans["combined-max"]
    if cmax < 2:
        raise KsftSkipEx(f"XDP needs 2 queues, the device has {cmax}")
    if cur * 2 > cmax:
        # a TX queue for XDP per channel must be free
        defer(cfg.ethnl.channels_set, {"header": {"dev-index": cfg.ifindex},
                                       "combined-count": cur})
        cfg.ethnl.channels_set({"header": {"dev-index": cfg.ifindex},
                                "combined-count": cmax // 2})
    cmd(f"ip link set dev {cfg.ifname} xdpdrv obj {prog} sec xdp")
    defer(ip, f"link set dev {cfg.ifname} xdpdrv off")
    port = rand_port(socket.SOCK_DGRAM)
    bpf_map_set("map_xdp_setup", 1, port)      # XDP_PORT
    bpf_map_set("map_xdp_setup", 0, 1)         # XDP_MODE_DROP

    frame = SIZE + l3_overhead(cfg) + ETH_HLEN
    _quiet(cfg)
    before = _qstat_sums(cfg)
    drops = sum(queue_stat(ethtool_stats(cfg), "rx", "xdp_drop").values())
    udp_send_from_remote(cfg, port, COUNT, SIZE)
    _quiet(cfg)
    after = _qstat_sums(cfg)
    drops = sum(queue_stat(ethtool_stats(cfg), "rx", "xdp_drop").values()) - drops
    ksft_eq(drops, COUNT, "ethtool -S queue_*_rx_xdp_drop")
    _check("qstats rx (XDP_DROP)", after["rx_packets"] - before["rx_packets"],
           after["rx_bytes"] - before["rx_bytes"], frame, _mtu(cfg))


def page_pool_stats(cfg):
    """The RX page pools of the device allocate and recycle under traffic."""
    require_ena(cfg)

    def pools():
        return [p for p in cfg.netnl.page_pool_get({}, dump=True)
                if p.get("ifindex") == cfg.ifindex]

    ksft_true(pools(), "no page pools of the device")

    def totals():
        try:
            rows = cfg.netnl.page_pool_stats_get({}, dump=True)
        except NlError as exc:
            raise KsftFailEx(f"no page pool stats ({exc}): "
                             "kernel without CONFIG_PAGE_POOL_STATS?") from exc
        rows = [r for r in rows if r.get("info", {}).get("ifindex") == cfg.ifindex]
        keys = ("alloc-fast", "alloc-slow", "recycle-cached", "recycle-ring")
        return {k: sum(r.get(k, 0) for r in rows) for k in keys}

    start = totals()
    got = udp_from_remote(cfg, COUNT, 1000)
    ksft_eq(len(got), COUNT, "datagrams received from the remote")
    ping(cfg, count=20, size=1400)
    time.sleep(0.5)
    end = totals()
    # a page may hold several buffers: at least a quarter as many
    # allocations as frames
    ksft_ge(end["alloc-fast"] + end["alloc-slow"] -
            start["alloc-fast"] - start["alloc-slow"],
            COUNT // 4, "page pool allocations for RX traffic")
    ksft_ge(end["recycle-cached"] + end["recycle-ring"] -
            start["recycle-cached"] - start["recycle-ring"],
            1, "page pool recycling under RX traffic")


TRACEFS = "/sys/kernel/tracing"
EVENTS = {"ena_admin_submit", "ena_admin_complete", "ena_admin_timeout",
          "ena_aenq_event", "ena_reset", "ena_queue_create", "ena_queue_destroy"}
# events the steps below cause on any ENA device
ROUTINE = {"ena_admin_submit", "ena_admin_complete", "ena_aenq_event",
           "ena_queue_create", "ena_queue_destroy"}
# and events they must not cause
UNEXPECTED = {"ena_admin_timeout", "ena_reset"}


def _write(path, val):
    with open(path, "w", encoding="ascii") as out:
        out.write(val)


def _trace_instance():
    """A trace instance of its own: the global buffer is left alone."""
    if not os.path.isdir(f"{TRACEFS}/events"):
        cmd(f"mount -t tracefs nodev {TRACEFS}")
        defer(cmd, f"umount {TRACEFS}")
    inst = f"{TRACEFS}/instances/ena_stats_{os.getpid()}"
    os.mkdir(inst)
    defer(os.rmdir, inst)
    _write(f"{inst}/buffer_size_kb", "2048")
    return inst


def _fired(inst):
    with open(f"{inst}/trace", encoding="ascii") as trace:
        text = trace.read()
    return {e: text.count(f" {e}: ") for e in EVENTS}


@ksft_disruptive
def tracepoints(cfg):
    """The ena tracepoints exist, and fire for down/up, -L and traffic."""
    require_ena(cfg)
    inst = _trace_instance()
    if not os.path.isdir(f"{TRACEFS}/events/ena"):
        raise KsftFailEx("no ena tracepoints (events/ena)")
    have = {e for e in os.listdir(f"{TRACEFS}/events/ena")
            if os.path.isdir(f"{TRACEFS}/events/ena/{e}")}
    ksft_eq(sorted(have), sorted(EVENTS), "events in events/ena")

    _write(f"{inst}/events/ena/enable", "1")
    defer(_write, f"{inst}/events/ena/enable", "0")

    ksft_true(link_down_up(cfg), "no carrier after down/up")
    ksft_true(wait_ping(cfg, 15), "no traffic after down/up")
    chans = cfg.ethnl.channels_get({"header": {"dev-index": cfg.ifindex}})
    cur, cmax = chans["combined-count"], chans["combined-max"]
    if cmax > 1:
        defer(cfg.ethnl.channels_set, {"header": {"dev-index": cfg.ifindex},
                                       "combined-count": cur})
        for count in (1 if cur > 1 else 2, cur):
            cfg.ethnl.channels_set({"header": {"dev-index": cfg.ifindex},
                                    "combined-count": count})
            ksft_true(wait_ping(cfg, 15), f"no traffic with {count} channels")
    ping(cfg, count=5)
    # keep-alive AENQ events come every second
    for _ in range(50):
        fired = _fired(inst)
        if fired["ena_aenq_event"]:
            break
        time.sleep(0.1)

    missing = sorted(e for e in ROUTINE if not fired.get(e))
    ksft_eq(missing, [], "tracepoints that did not fire")
    extra = sorted(e for e in UNEXPECTED if fired.get(e))
    ksft_eq(extra, [], "tracepoints fired by routine operations")
    ksft_eq(fired["ena_queue_create"], fired["ena_queue_destroy"],
            "queues created vs destroyed over down/up and -L and back")
    ksft_eq(fired["ena_admin_complete"], fired["ena_admin_submit"],
            "admin commands completed vs submitted")


def main() -> None:
    """Ksft boiler plate main"""
    with NetDrvEpEnv(__file__) as cfg:
        cfg.ethnl = EthtoolFamily()
        cfg.netnl = NetdevFamily()
        ksft_run([counters_vs_traffic, qstats_vs_traffic, qstats_tx_segments,
                  qstats_xdp_drop, page_pool_stats, tracepoints], args=(cfg, ))
    ena_exit(cfg)


if __name__ == "__main__":
    main()
