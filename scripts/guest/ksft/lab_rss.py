#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA RSS, checked exactly with traffic from the remote (the generic rss_ctx
and rss_api tests look at configuration or spread, not at where each flow
lands): UDP flows (one source port
each) and the per-queue RX counters of ethtool -S tell where each flow
landed. The indirection table steers flows exactly as programmed, -X
equal/weight keep flows on the chosen queues, a new hash key moves flows,
and rx-flow-hash without ports puts all flows of one address pair on one
queue.
"""

import random

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_ge, ksft_true
from lib.py import ksft_disruptive, KsftSkipEx, NetDrvEpEnv
from lib.py import EthtoolFamily, defer, ethtool
from lab_lib import require_ena, stats, queue_stat, delta, channels
from lab_lib import RemoteSender

FLOWS = 16
BURST = 4
SPORT = 40000


def _rss(cfg):
    return ethtool(f"-x {cfg.ifname}", json=True)[0]


def _key(cfg):
    key = _rss(cfg)["rss-hash-key"]
    if isinstance(key, list):
        key = ":".join(f"{b:02x}" for b in key)
    return key


def _set_indir(cfg, table):
    cfg.ethnl.rss_set({"header": {"dev-index": cfg.ifindex}, "indir": table})
    ksft_eq(_rss(cfg)["rss-indirection-table"], table, "indirection table read back")


def _rx(cfg):
    return queue_stat(stats(cfg), "rx", "cnt")


def _flow_queue(cfg, snd, flow):
    """The RX queue one flow lands on, from the per-queue counters."""
    for _ in range(3):
        before = _rx(cfg)
        snd.send(SPORT + flow, BURST)
        for _ in range(20):
            d = delta(before, _rx(cfg))
            hit = [q for q, v in d.items() if v >= BURST]
            if hit or min(d.values()) < 0:
                break
        if min(d.values()) >= 0:
            break
        # the counters restarted (a device reset): measure again
    ksft_eq(len(hit), 1, f"flow {flow}: {BURST} packets not on exactly one queue: {d}")
    ksft_true(sum(d.values()) < 2 * BURST, f"flow {flow} split over queues: {d}")
    return hit[0]


def _flow_map(cfg):
    snd = RemoteSender(cfg)
    try:
        return [_flow_queue(cfg, snd, f) for f in range(FLOWS)]
    finally:
        snd.close()


def _batch(cfg):
    """All flows at once; per-queue RX deltas."""
    snd = RemoteSender(cfg)
    before = _rx(cfg)
    for f in range(FLOWS):
        snd.send(SPORT + f, BURST)
    snd.close()
    for _ in range(20):
        d = delta(before, _rx(cfg))
        if sum(d.values()) >= FLOWS * BURST:
            break
    return d


def _setup(cfg):
    """At least two queues, ports in the UDP hash; returns (queues, size)."""
    require_ena(cfg)
    cur, cmax = channels(cfg)
    if cmax < 2:
        raise KsftSkipEx(f"RSS needs 2 queues, the device has {cmax}")
    defer(ethtool, f"-L {cfg.ifname} combined {cur}")
    nq = cmax
    ethtool(f"-L {cfg.ifname} combined {nq}")
    defer(ethtool, f"-X {cfg.ifname} default")
    ethtool(f"-N {cfg.ifname} rx-flow-hash udp4 sdfn")
    return nq, len(_rss(cfg)["rss-indirection-table"])


@ksft_disruptive
def indir_steering(cfg):
    """Learn each flow's table entry bit by bit, then check a random table."""
    nq, size = _setup(cfg)
    bits = nq.bit_length() - 1
    mask = (1 << bits) - 1
    buckets = [0] * FLOWS
    shift = 0
    while (1 << shift) < size:
        _set_indir(cfg, [(b >> shift) & mask for b in range(size)])
        for f, q in enumerate(_flow_map(cfg)):
            buckets[f] |= q << shift
        shift += bits
    ksft_ge(len(set(buckets)), 2, f"16 flows hash to one entry: {buckets}")
    rnd = random.Random(4242)
    for _ in range(2):
        table = [rnd.randrange(nq) for _ in range(size)]
        _set_indir(cfg, table)
        got = _flow_map(cfg)
        ksft_eq(got, [table[b] for b in buckets],
                f"flows (entries {buckets}) not on the queues the table names")
        want = {}
        for b in buckets:
            want[table[b]] = want.get(table[b], 0) + BURST
        d = _batch(cfg)
        # exact, but for a background packet or two
        ksft_true(all(want.get(q, 0) <= v <= want.get(q, 0) + 2 for q, v in d.items())
                  and sum(d.values()) <= sum(want.values()) + 2,
                  f"per-queue RX counters for all flows at once: {d}, want {want}")


@ksft_disruptive
def equal_weight(cfg):
    """-X equal N / weight: flows only on the queues given."""
    nq, _ = _setup(cfg)
    for q in range(nq):
        weights = " ".join("1" if i == q else "0" for i in range(nq))
        ethtool(f"-X {cfg.ifname} weight {weights}")
        d = _batch(cfg)
        # (a background packet or two may land anywhere)
        ksft_true(FLOWS * BURST <= d.get(q, 0) <= FLOWS * BURST + 2 and
                  sum(d.values()) - d.get(q, 0) <= 2, f"weight on queue {q} only: {d}")
    for n in sorted({1, nq}):
        ethtool(f"-X {cfg.ifname} equal {n}")
        table = _rss(cfg)["rss-indirection-table"]
        ksft_eq(set(table), set(range(n)), f"-X equal {n} table")
        d = _batch(cfg)
        used = {q for q, v in d.items() if v}
        ksft_true(used <= set(range(n)), f"-X equal {n}: RX on {used}")
        if n > 1:
            ksft_ge(len(used), 2, f"-X equal {n}: 16 flows on one queue")


@ksft_disruptive
def hash_key(cfg):
    """A new hash key is applied and moves flows; the old one brings them back."""
    _setup(cfg)
    old = _key(cfg)
    first = _flow_map(cfg)
    key = ":".join(f"{random.randrange(256):02x}" for _ in range(len(old.split(":"))))
    ethtool(f"-X {cfg.ifname} hkey {key}")
    defer(ethtool, f"-X {cfg.ifname} hkey {old}")
    ksft_eq(_key(cfg), key, "hash key read back")
    second = _flow_map(cfg)
    ksft_true(first != second, "no flow moved with a new hash key")
    ethtool(f"-X {cfg.ifname} hkey {old}")
    ksft_eq(_flow_map(cfg), first, "flows not back with the old key")


@ksft_disruptive
def flow_hash_fields(cfg):
    """rx-flow-hash udp4 sd: one address pair -> one queue; sdfn spreads."""
    _setup(cfg)
    defer(ethtool, f"-N {cfg.ifname} rx-flow-hash udp4 sdfn")
    ethtool(f"-N {cfg.ifname} rx-flow-hash udp4 sd")
    fields = ethtool(f"-n {cfg.ifname} rx-flow-hash udp4").stdout
    ksft_true("IP SA" in fields and "IP DA" in fields and "L4 bytes" not in fields,
              f"rx-flow-hash udp4 sd read back: {fields}")
    d = _batch(cfg)
    ksft_eq(len([q for q, v in d.items() if v]), 1, f"sd: flows on several queues: {d}")
    ethtool(f"-N {cfg.ifname} rx-flow-hash udp4 sdfn")
    fields = ethtool(f"-n {cfg.ifname} rx-flow-hash udp4").stdout
    ksft_true("L4 bytes 0 & 1" in fields, f"rx-flow-hash udp4 sdfn read back: {fields}")
    d = _batch(cfg)
    ksft_ge(len([q for q, v in d.items() if v]), 2, f"sdfn: 16 flows on one queue: {d}")


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        cfg.ethnl = EthtoolFamily()
        ksft_run([indir_steering, equal_weight, hash_key, flow_hash_fields],
                 args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
