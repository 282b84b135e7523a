# SPDX-License-Identifier: GPL-2.0

"""
Helpers shared by the project's own ENA tests (lab_*.py), which run on the
emulated ENA only and are not part of the kernel series: driver check,
ethtool -S counters, UDP flows sent from the remote endpoint, and the
control channel of the ENA device model.

The guest runner copies these files next to the installed drv-net tests
(drivers/net/lab/, with the lib/py shim of drivers/net/hw), so that
"from lib.py import ..." is the kernel's drv-net library.
"""

import errno
import json
import os
import select
import socket
import subprocess
import time

from lib.py import ksft_eq, ksft_true, KsftFailEx, KsftSkipEx, cmd, ethtool, ip, wait_port_listen

CTL_DEFAULT = "/dev/virtio-ports/org.ena-lab.ctl"


def require_ena(cfg, model=False, ipv4=True):
    """
    Checks every case starts with: skip unless the device under test is
    driven by ena (and, with model=True, unless the model's control
    channel is there); these tests use IPv4 addresses.
    """
    link = f"/sys/class/net/{cfg.ifname}/device/driver"
    drv = os.path.basename(os.readlink(link)) if os.path.islink(link) else "none"
    if drv != "ena":
        raise KsftSkipEx(f"{cfg.ifname} is not an ENA device (driver: {drv})")
    if ipv4:
        cfg.require_ipver("4")
    return ModelCtl() if model else None


def devlink_dev(cfg):
    """The devlink handle of the interface under test: pci/BDF."""
    pci = os.path.realpath(f"/sys/class/net/{cfg.ifname}/device")
    return f"pci/{os.path.basename(pci)}"


def devlink_param(dev, name):
    """The driverinit value of a devlink parameter of dev."""
    out = json.loads(cmd(f"devlink -j dev param show {dev} name {name}").stdout)
    return out["param"][dev][0]["values"][0]["value"]


def devlink_reload(dev, timeout=120):
    """
    devlink dev reload dev; fails the case if it does not return in time.
    Not cmd(): a driver that deadlocks leaves devlink in D state, which no
    kill ends; report that instead of waiting for it forever.
    """
    proc = subprocess.Popen(["devlink", "dev", "reload", dev],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise KsftFailEx(f"devlink dev reload {dev} did not return in {timeout} s "
                         "(the driver is stuck, RTNL may be held)") from exc
    if proc.returncode:
        raise KsftFailEx(f"devlink dev reload {dev}: {err.strip()}")


def stats(cfg):
    """ethtool -S as a dict of name -> int."""
    out = {}
    for line in ethtool(f"-S {cfg.ifname}").stdout.splitlines()[1:]:
        name, _, val = line.partition(":")
        try:
            out[name.strip()] = int(val)
        except ValueError:
            pass
    return out


def queue_stat(st, kind, name):
    """Per-queue counter: {queue: value} for queue_<q>_<kind>_<name>."""
    res = {}
    for key, val in st.items():
        parts = key.split("_", 3)
        if len(parts) == 4 and parts[0] == "queue" and parts[2] == kind and \
           parts[3] == name:
            res[int(parts[1])] = val
    return res


def delta(before, after):
    """Per-key difference of two dicts of counters."""
    return {k: after[k] - before.get(k, 0) for k in after}


def link_stats(cfg):
    """ip -s link counters of the interface under test, as rx_packets..."""
    st = ip(f"-s link show dev {cfg.ifname}", json=True)[0]["stats64"]
    return {f"{d}_{k}": v for d in ("rx", "tx") for k, v in st[d].items()}


def channels(cfg):
    """Current and maximum combined channel counts."""
    out = ethtool(f"-l {cfg.ifname}").stdout.splitlines()
    vals = {}
    section = None
    for line in out:
        if line.startswith("Pre-set maximums"):
            section = "max"
        elif line.startswith("Current hardware settings"):
            section = "cur"
        elif line.strip().startswith("Combined:") and section:
            val = line.split(":", 1)[1].strip()
            vals[section] = int(val) if val.isdigit() else 0
    return vals.get("cur", 0), vals.get("max", 0)


def ping(cfg, count=3, size=56, dont_fragment=False, fail=True):
    """Ping the remote endpoint over IPv4; returns the cmd object."""
    df = "-M do " if dont_fragment else ""
    return cmd(f"ping -4 -q -c {count} -i 0.2 -W 2 -w {count + 5} -s {size} {df}"
               f"{cfg.remote_addr_v['4']}", fail=fail, timeout=count + 15)


def wait_ping(cfg, deadline=10):
    """Wait until the remote endpoint answers again; True if it does."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if ping(cfg, count=1, fail=False).ret == 0:
            return True
        time.sleep(0.2)
    return False


def dmesg_lines():
    """The kernel log, a list of lines (not cleared: the runner keeps it)."""
    return cmd("dmesg", fail=False).stdout.splitlines()


def dmesg_since(mark):
    """The kernel log after its first mark lines, as one string."""
    return "\n".join(dmesg_lines()[mark:])


def splat(log):
    """The first sign of a kernel splat in log, or None."""
    for bad in ("WARNING:", "BUG:", "Oops", "general protection", "kernel BUG"):
        if bad in log:
            return bad
    return None


def model_resets(ctl):
    """The model's device resets by the reason the driver gave: {reason: count}."""
    return {int(k.rsplit("_", 1)[1]): int(v) for k, v in ctl("counters").items()
            if k.startswith("ena0.resets_reason_")}


def wait_fault_reset(ctl, before, deadline, poke=None):
    """
    Wait for a device reset with a reason other than normal (0, which the
    driver's re-initialisation sends) beyond the counts in before; the
    reason, or None after deadline seconds. poke() runs between looks.
    """
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        moved = [r for r, n in model_resets(ctl).items()
                 if r != 0 and n > before.get(r, 0)]
        if moved:
            return moved[0]
        if poke:
            poke()
        time.sleep(0.5)
    return None


class RemoteSender:
    """
    UDP flows from the remote endpoint to the local address. With a netns
    remote, the sockets are opened in the remote namespace once and packets
    go out without spawning processes (fast enough to probe many flows);
    otherwise each burst is one command on the remote.
    """

    def __init__(self, cfg, dport=None):
        self.cfg = cfg
        self.dst = cfg.addr_v["4"]
        self.src = cfg.remote_addr_v["4"]
        self.dport = dport or 9
        self.socks = {}
        self.netns = None
        if cfg.env.get("REMOTE_TYPE") == "netns" and hasattr(os, "setns"):
            self.netns = f"/run/netns/{cfg.env['REMOTE_ARGS']}"

    def _sock(self, sport):
        if sport in self.socks:
            return self.socks[sport]
        orig = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(self.netns, os.O_RDONLY)
        try:
            os.setns(target, os.CLONE_NEWNET)
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((self.src, sport))
        finally:
            os.setns(orig, os.CLONE_NEWNET)
            os.close(orig)
            os.close(target)
        self.socks[sport] = sock
        return sock

    def send(self, sport, count, size=64):
        """count datagrams of size bytes from sport to the local address."""
        if self.netns:
            sock = self._sock(sport)
            for _ in range(count):
                sock.sendto(b"e" * size, (self.dst, self.dport))
            return
        prog = (f"import socket; s=socket.socket(socket.AF_INET,"
                f"socket.SOCK_DGRAM); s.bind(('{self.src}',{sport}));"
                f"[s.sendto(b'e'*{size},('{self.dst}',{self.dport})) "
                f"for _ in range({count})]")
        cmd(f"python3 -c \"{prog}\"", host=self.cfg.remote)

    def close(self):
        """Close the remote sockets."""
        for sock in self.socks.values():
            sock.close()
        self.socks = {}


class Iperf3:
    """
    iperf3 TCP between local and remote, secs long, in the background: both
    ways, or with bidir=False from local to remote only.
    """

    def __init__(self, cfg, secs, bidir=True):
        cfg.require_cmd("iperf3", remote=True)
        self.secs = secs
        port = 5201 + (os.getpid() % 1000)
        self.server = cmd(f"iperf3 -s -1 -p {port}", host=cfg.remote, background=True)
        # the server may take seconds to listen on a slow (debug) kernel,
        # and a refused connection is not retried
        wait_port_listen(port, host=cfg.remote, sleep=0.1, deadline=30)
        self.client = cmd(f"iperf3 -c {cfg.remote_addr_v['4']} -p {port} -t {secs} "
                          f"{'--bidir ' if bidir else ''}-J --connect-timeout 10000",
                          background=True)
        self.start = time.monotonic()

    def running(self):
        return self.client.proc.poll() is None

    def finish(self):
        """Wait for the end; iperf3's JSON report, or None if it failed."""
        self.client.process(terminate=False, fail=False, timeout=self.secs + 90)
        self.server.process(terminate=self.server.proc.poll() is None, fail=False)
        ksft_eq(self.client.ret, 0, f"iperf3 failed: {self.client.stdout[-500:]}"
                f"{self.client.stderr[-500:]}")
        if self.client.ret != 0:
            return None
        try:
            return json.loads(self.client.stdout)
        except json.JSONDecodeError:
            return None

    def check_tail(self, report, last=2):
        """
        Both directions carried data in the report's last seconds, taken
        together. Not each second: on the debug kernel one second showed
        nothing sent one way, 11 s after a reset the driver had recovered
        from in 3 s, while the seconds around it carried data (iperf3
        counts what the sender wrote, and a sender waiting on a full
        socket buffer or a TCP retransmission timer writes nothing).
        """
        ksft_true(report is not None, "no JSON report from iperf3")
        if report is None:
            return
        tail = report["intervals"][-last:]
        ksft_eq(len(tail), last, "iperf3 intervals")
        sent = sum(iv["sum"]["bytes"] for iv in tail)
        back = sum(iv["sum_bidir_reverse"]["bytes"] for iv in tail)
        per_s = ", ".join(f"{iv['sum']['bytes']}/{iv['sum_bidir_reverse']['bytes']}"
                          for iv in tail)
        ksft_true(sent > 0 and back > 0,
                  f"no traffic one way in the last {last} s: local->remote {sent} B, "
                  f"remote->local {back} B (per second, out/in: {per_s})")


class ModelCtl:
    """
    The ENA device model's control channel: a virtio-serial port in the
    guest. One command line out; the reply is "ok" or "error: ...", then
    key=value lines, then a line with only ".".
    """

    def __init__(self):
        path = os.environ.get("ENA_MODEL_CTL", CTL_DEFAULT)
        if not os.path.exists(path):
            raise KsftSkipEx("no ENA device model control channel "
                             "(real hardware)")
        self.path = path

    def __call__(self, line, timeout=10):
        fd = os.open(self.path, os.O_RDWR | os.O_NONBLOCK)
        try:
            os.write(fd, (line + "\n").encode())
            buf = b""
            end = time.monotonic() + timeout
            while not buf.endswith(b"\n.\n") and buf != b".\n":
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"model control: no reply to '{line}'")
                select.select([fd], [], [], left)
                try:
                    buf += os.read(fd, 4096)
                except OSError as e:
                    if e.errno != errno.EAGAIN:
                        raise
        finally:
            os.close(fd)
        lines = buf.decode().splitlines()[:-1]
        if not lines or lines[0] != "ok":
            raise RuntimeError(f"model control '{line}': {lines}")
        return dict(l.split("=", 1) for l in lines[1:] if "=" in l)
