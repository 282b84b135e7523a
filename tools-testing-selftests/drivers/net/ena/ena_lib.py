# SPDX-License-Identifier: GPL-2.0

"""
Helpers shared by the ENA driver tests: the driver check every case starts
with, ethtool -S counters, and UDP/TCP exchanges with the remote endpoint.
"""

import os
import socket
import sys
import time

from lib.py import ksft_exit, KsftSkipEx
from lib.py import bkg, cmd, ethtool, ip, rand_port, wait_port_listen

KSFT_SKIP = 4
# how long a listener on the remote may take to start (slow or busy hosts)
LISTEN_WAIT = 20


def require_ena(cfg):
    """Skip the case unless the device under test is driven by ena."""
    drv = getattr(cfg, "ena_driver", None)
    if drv is None:
        link = f"/sys/class/net/{cfg.ifname}/device/driver"
        drv = os.path.basename(os.readlink(link)) if os.path.islink(link) \
            else "none"
        cfg.ena_driver = drv
    if drv != "ena":
        raise KsftSkipEx(f"{cfg.ifname} is not an ENA device (driver: {drv})")


def ena_exit(cfg):
    """
    ksft_exit(), but with the kselftest skip code when the device is not
    ENA: every case was skipped, and the runner should say so.
    """
    if getattr(cfg, "ena_driver", "ena") != "ena":
        sys.exit(KSFT_SKIP)
    ksft_exit()


def ethtool_stats(cfg):
    """ethtool -S as a dict of name -> int."""
    out = {}
    for line in ethtool(f"-S {cfg.ifname}").stdout.splitlines()[1:]:
        name, _, val = line.partition(":")
        try:
            out[name.strip()] = int(val)
        except ValueError:
            pass
    return out


def queue_stat(stats, kind, name):
    """ENA per-queue counter queue_<q>_<kind>_<name>, as {q: value}."""
    res = {}
    for key, val in stats.items():
        parts = key.split("_", 3)
        if len(parts) == 4 and parts[0] == "queue" and parts[2] == kind and \
           parts[3] == name:
            res[int(parts[1])] = val
    return res


def link_stats(cfg):
    """ip -s link counters, as {"rx_packets": ..., "tx_bytes": ...}."""
    stats64 = ip(f"-s link show dev {cfg.ifname}", json=True)[0]["stats64"]
    return {f"{d}_{k}": v for d in ("rx", "tx") for k, v in stats64[d].items()}


def l3_overhead(cfg):
    """IP + UDP header bytes of a datagram in the current IP version."""
    return (40 if cfg.addr_ipver == "6" else 20) + 8


def _family(cfg):
    return socket.AF_INET6 if cfg.addr_ipver == "6" else socket.AF_INET


def udp_send_from_remote(cfg, port, count, size):
    """count datagrams of size bytes ("000...") from the remote endpoint."""
    # one write per datagram: bash's printf writes its output at once
    cmd(f"exec 5<>/dev/udp/{cfg.addr}/{port}; for _ in $(seq {count}); "
        f"do printf '%0{size}d' 0 >&5; done", host=cfg.remote, shell=True)


def udp_from_remote(cfg, count, size):
    """
    count datagrams of size bytes from the remote endpoint to a local
    socket; returns the payloads received (in order).
    """
    port = rand_port(socket.SOCK_DGRAM)
    with socket.socket(_family(cfg), socket.SOCK_DGRAM) as rcv:
        # room for every datagram whatever the truesize: drops at the
        # socket would hide what the tests look at
        rcv.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33),
                       16 << 20)
        rcv.bind((cfg.addr, port))
        rcv.settimeout(2)
        udp_send_from_remote(cfg, port, count, size)
        got = []
        try:
            while len(got) < count:
                got.append(rcv.recv(65536))
        except socket.timeout:
            pass
    return got


def udp_to_remote(cfg, count, size):
    """count datagrams of size bytes to a listener on the remote endpoint."""
    cfg.require_cmd("socat", remote=True)
    port = rand_port(socket.SOCK_DGRAM)
    listener = f"socat -{cfg.addr_ipver} -T 2 -u UDP-RECV:{port},reuseport /dev/null"
    with bkg(listener, host=cfg.remote, exit_wait=True):
        wait_port_listen(port, proto="udp", host=cfg.remote, deadline=LISTEN_WAIT)
        with socket.socket(_family(cfg), socket.SOCK_DGRAM) as snd:
            for _ in range(count):
                snd.sendto(b"s" * size, (cfg.remote_addr, port))


def tcp_to_remote(cfg, nbytes):
    """A TCP transfer of nbytes to the remote endpoint; bytes it received."""
    cfg.require_cmd("socat", remote=True)
    port = rand_port()
    listener = f"socat -{cfg.addr_ipver} -u TCP-LISTEN:{port},reuseaddr STDOUT | wc -c"
    with bkg(listener, host=cfg.remote, exit_wait=True) as srv:
        wait_port_listen(port, proto="tcp", host=cfg.remote, deadline=LISTEN_WAIT)
        with socket.create_connection((cfg.remote_addr, port), timeout=30) as snd:
            chunk = b"t" * 65536
            left = nbytes
            while left > 0:
                snd.sendall(chunk[:min(left, len(chunk))])
                left -= min(left, len(chunk))
    return int(srv.stdout.strip() or 0)


def _global_addrs(cfg):
    out = ip(f"addr show dev {cfg.ifname} scope global", json=True)
    # (entries of other scopes are there, empty)
    return {f"{a['local']}/{a['prefixlen']}" for dev in out
            for a in dev.get("addr_info", []) if "local" in a}


def wait_carrier(cfg, deadline=10):
    """Wait for carrier on the device; True if it comes."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with open(f"/sys/class/net/{cfg.ifname}/carrier",
                      encoding="ascii") as carrier:
                if carrier.read().strip() == "1":
                    return True
        except OSError:
            pass    # EINVAL while the device is down
        time.sleep(0.05)
    return False


def link_down_up(cfg):
    """
    ip link set down, then up; puts back the addresses the down removed
    (IPv6 without keep_addr_on_down) and waits for carrier.
    """
    addrs = _global_addrs(cfg)
    ip(f"link set dev {cfg.ifname} down")
    ip(f"link set dev {cfg.ifname} up")
    for addr in addrs - _global_addrs(cfg):
        nodad = " nodad" if ":" in addr else ""
        ip(f"addr add {addr} dev {cfg.ifname}{nodad}")
    return wait_carrier(cfg)


def ping(cfg, count=3, size=56, fail=True):
    """Ping the remote endpoint; returns the cmd object."""
    return cmd(f"ping -{cfg.addr_ipver} -q -c {count} -i 0.2 -W 2 -w {count + 5} "
               f"-s {size} {cfg.remote_addr}", fail=fail, timeout=count + 15)


def wait_ping(cfg, deadline=10):
    """Wait until the remote endpoint answers again; True if it does."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if ping(cfg, count=1, fail=False).ret == 0:
            return True
        time.sleep(0.2)
    return False
