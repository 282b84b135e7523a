#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA configuration rules, each checked by reading the result back and with
traffic afterwards: ring sizes (powers of two, at least 256), the LLQ push
buffer length (96 or 224 bytes only, 224 halving the TX ring), push mode
fixed by the device, the queue and MTU limits XDP brings, and the RX
copybreak tunable.
"""

import errno

from lib.py import ksft_run, ksft_eq, ksft_ge, ksft_true
from lib.py import ksft_disruptive, KsftFailEx, KsftSkipEx, NetDrvEpEnv
from lib.py import EthtoolFamily, NlError, cmd, defer, ethtool, ip
from ena_lib import require_ena, ena_exit, ethtool_stats, queue_stat
from ena_lib import l3_overhead, ping, tcp_to_remote, udp_from_remote

MIN_RING = 256
LLQ_HEADER = 96
LLQ_LARGE_HEADER = 224
TRANSFER = 4 << 20


def _rings(cfg):
    return cfg.ethnl.rings_get({"header": {"dev-index": cfg.ifindex}})


def _set_rings(cfg, **attrs):
    req = {"header": {"dev-index": cfg.ifindex}}
    req |= {k.replace("_", "-"): v for k, v in attrs.items()}
    cfg.ethnl.rings_set(req)


def _traffic(cfg, what):
    ping(cfg, count=3, size=1400)
    ksft_eq(tcp_to_remote(cfg, TRANSFER), TRANSFER,
            f"bytes of a TCP transfer received by the remote, {what}")


def _pow2(val):
    return val > 0 and val & (val - 1) == 0


@ksft_disruptive
def ring_sizes(cfg):
    """-G rx/tx: sizes are rounded down to a power of two, never below 256."""
    require_ena(cfg)
    cfg.require_cmd("socat", remote=True)
    orig = _rings(cfg)
    defer(_set_rings, cfg, rx=orig["rx"], tx=orig["tx"])
    for req in (MIN_RING, 300, MIN_RING - 1, min(orig["rx-max"], orig["tx-max"])):
        try:
            _set_rings(cfg, rx=min(req, orig["rx-max"]),
                       tx=min(req, orig["tx-max"]))
        except NlError as exc:
            # below the minimum, refusing is as good as rounding up
            ksft_true(req < MIN_RING, f"ring size {req} refused: {exc}")
            continue
        now = _rings(cfg)
        for kind in ("rx", "tx"):
            want = min(req, orig[f"{kind}-max"])
            got = now[kind]
            ksft_true(_pow2(got), f"{kind} ring {got} for {want}: not a power of two")
            ksft_ge(got, MIN_RING, f"{kind} ring for {want}")
            if want >= MIN_RING:
                ksft_ge(want, got, f"{kind} ring for {want}")
                ksft_ge(got * 2, want + 1, f"{kind} ring for {want}: not rounded down")
        _traffic(cfg, f"rings rx {now['rx']} tx {now['tx']}")


def _require_llq(cfg):
    rings = _rings(cfg)
    if not rings.get("tx-push-buf-len-max"):
        raise KsftSkipEx("the device runs without LLQ (no TX push buffer)")
    return rings


@ksft_disruptive
def tx_push_buf_len(cfg):
    """LLQ: push buffer of 96 or 224 bytes, 224 halves the TX ring; others refused."""
    require_ena(cfg)
    cfg.require_cmd("socat", remote=True)
    orig = _require_llq(cfg)
    defer(_set_rings, cfg, tx_push_buf_len=orig["tx-push-buf-len"])
    defer(_set_rings, cfg, tx=orig["tx"])

    _set_rings(cfg, tx_push_buf_len=LLQ_HEADER)
    small = _rings(cfg)
    ksft_eq(small["tx-push-buf-len"], LLQ_HEADER, "tx-push-buf-len read back")
    _traffic(cfg, f"tx-push-buf-len {LLQ_HEADER}")

    if orig["tx-push-buf-len-max"] >= LLQ_LARGE_HEADER:
        _set_rings(cfg, tx_push_buf_len=LLQ_LARGE_HEADER)
        large = _rings(cfg)
        ksft_eq(large["tx-push-buf-len"], LLQ_LARGE_HEADER,
                "tx-push-buf-len read back")
        # an LLQ entry twice the size: half as many fit in the device memory
        ksft_eq(large["tx-max"], small["tx-max"] // 2,
                f"TX ring maximum with {LLQ_LARGE_HEADER}-byte headers")
        ksft_ge(large["tx-max"], large["tx"], "TX ring above its maximum")
        _traffic(cfg, f"tx-push-buf-len {LLQ_LARGE_HEADER}")
        _set_rings(cfg, tx_push_buf_len=LLQ_HEADER)
        ksft_eq(_rings(cfg)["tx-max"], small["tx-max"],
                f"TX ring maximum back with {LLQ_HEADER}-byte headers")

    for bad in (64, 100, 128, 256):
        if bad > orig["tx-push-buf-len-max"]:
            continue
        try:
            _set_rings(cfg, tx_push_buf_len=bad)
            raise KsftFailEx(f"tx-push-buf-len {bad} accepted")
        except NlError as exc:
            ksft_eq(exc.error, errno.EINVAL, f"tx-push-buf-len {bad} refused")
    ksft_eq(_rings(cfg)["tx-push-buf-len"], LLQ_HEADER,
            "tx-push-buf-len changed by a refused request")


def tx_push_fixed(cfg):
    """-G tx-push: the placement is the device's choice, the other one is refused."""
    require_ena(cfg)
    push = bool(_rings(cfg).get("tx-push", 0))
    res = cmd(f"ethtool -G {cfg.ifname} tx-push {'off' if push else 'on'}",
              fail=False)
    ksft_true(res.ret != 0, f"tx-push {'off' if push else 'on'} accepted")
    ksft_eq(bool(_rings(cfg).get("tx-push", 0)), push, "tx-push changed")
    ping(cfg)


def _channels(cfg):
    return cfg.ethnl.channels_get({"header": {"dev-index": cfg.ifindex}})


def _set_channels(cfg, count):
    cfg.ethnl.channels_set({"header": {"dev-index": cfg.ifindex},
                            "combined-count": count})


def _link(cfg):
    return ip(f"-d link show dev {cfg.ifname}", json=True)[0]


def _xdp_attach(cfg, fail=True):
    prog = cfg.net_lib_dir / "xdp_dummy.bpf.o"
    return cmd(f"ip link set dev {cfg.ifname} xdpdrv obj {prog} sec xdp",
               fail=fail)


@ksft_disruptive
def xdp_limits(cfg):
    """XDP takes a TX queue per channel and page-sized buffers: queue and MTU limits."""
    require_ena(cfg)
    if not (cfg.net_lib_dir / "xdp_dummy.bpf.o").exists():
        raise KsftSkipEx("xdp_dummy.bpf.o not built")
    chans = _channels(cfg)
    cur, cmax = chans["combined-count"], chans["combined-max"]
    if cmax < 2:
        raise KsftSkipEx(f"XDP needs 2 queues, the device has {cmax}")
    dev = _link(cfg)
    mtu, max_mtu = dev["mtu"], dev["max_mtu"]
    defer(_set_channels, cfg, cur)
    defer(ip, f"link set dev {cfg.ifname} xdpdrv off")

    # more channels than free queues for XDP TX: refused
    _set_channels(cfg, cmax // 2 + 1)
    res = _xdp_attach(cfg, fail=False)
    ksft_true(res.ret != 0, f"XDP attached with {cmax // 2 + 1} of {cmax} channels")
    ksft_true("xdp" not in _link(cfg), "XDP program attached anyway")

    _set_channels(cfg, cmax // 2)
    _xdp_attach(cfg)
    ksft_true("xdp" in _link(cfg), "no XDP program attached")
    ping(cfg)
    res = cmd(f"ethtool -L {cfg.ifname} combined {cmax // 2 + 1}", fail=False)
    ksft_true(res.ret != 0, f"-L combined {cmax // 2 + 1} accepted with XDP")
    ksft_eq(_channels(cfg)["combined-count"], cmax // 2, "channels changed")

    # page-sized RX buffers: the MTU is capped while XDP is attached
    xdp_max = _link(cfg)["max_mtu"]
    ksft_ge(max_mtu, xdp_max, "max MTU with XDP")
    if xdp_max < max_mtu:
        res = cmd(f"ip link set dev {cfg.ifname} mtu {xdp_max + 1}", fail=False)
        ksft_true(res.ret != 0, f"MTU {xdp_max + 1} accepted with XDP")
    ip(f"link set dev {cfg.ifname} xdpdrv off")
    ksft_eq(_link(cfg)["max_mtu"], max_mtu, "max MTU after XDP detach")

    # and XDP is refused above that MTU
    if xdp_max < max_mtu:
        defer(ip, f"link set dev {cfg.ifname} mtu {mtu}")
        ip(f"link set dev {cfg.ifname} mtu {xdp_max + 1}")
        res = _xdp_attach(cfg, fail=False)
        ksft_true(res.ret != 0, f"XDP attached with MTU {xdp_max + 1}")
        ip(f"link set dev {cfg.ifname} mtu {mtu}")
    ping(cfg)


def _copybreak(cfg):
    out = ethtool(f"--get-tunable {cfg.ifname} rx-copybreak").stdout
    return int(out.split(":")[-1])


def _copied(cfg, count, size):
    """Datagrams received intact, and RX copybreak packets counted meanwhile."""
    before = sum(queue_stat(ethtool_stats(cfg), "rx", "rx_copybreak_pkt").values())
    got = udp_from_remote(cfg, count, size)
    after = sum(queue_stat(ethtool_stats(cfg), "rx", "rx_copybreak_pkt").values())
    intact = len([d for d in got if d == b"0" * size])
    return intact, after - before


def rx_copybreak(cfg):
    """rx-copybreak: frames up to it are copied (and counted), up to the MTU."""
    require_ena(cfg)
    orig = _copybreak(cfg)
    defer(ethtool, f"--set-tunable {cfg.ifname} rx-copybreak {orig}")
    count = 50
    small = 100
    frame = small + l3_overhead(cfg) + 14
    large = 1000

    ethtool(f"--set-tunable {cfg.ifname} rx-copybreak {frame}")
    ksft_eq(_copybreak(cfg), frame, "rx-copybreak read back")
    intact, copied = _copied(cfg, count, small)
    ksft_eq(intact, count, f"{small}-byte datagrams with rx-copybreak {frame}")
    ksft_ge(copied, count, f"rx_copybreak_pkt for {count} frames of {frame} bytes")
    intact, copied = _copied(cfg, count, large)
    ksft_eq(intact, count, f"{large}-byte datagrams with rx-copybreak {frame}")
    ksft_ge(count // 5, copied, f"rx_copybreak_pkt for {count} frames over {frame}")

    ethtool(f"--set-tunable {cfg.ifname} rx-copybreak 0")
    intact, copied = _copied(cfg, count, small)
    ksft_eq(intact, count, f"{small}-byte datagrams with rx-copybreak 0")
    ksft_eq(copied, 0, "rx_copybreak_pkt with rx-copybreak 0")

    mtu = _link(cfg)["mtu"]
    res = cmd(f"ethtool --set-tunable {cfg.ifname} rx-copybreak {mtu + 1}",
              fail=False)
    ksft_true(res.ret != 0, f"rx-copybreak {mtu + 1} above the MTU accepted")


def main() -> None:
    """Ksft boiler plate main"""
    with NetDrvEpEnv(__file__) as cfg:
        cfg.ethnl = EthtoolFamily()
        ksft_run([ring_sizes, tx_push_buf_len, tx_push_fixed, xdp_limits,
                  rx_copybreak], args=(cfg, ))
    ena_exit(cfg)


if __name__ == "__main__":
    main()
