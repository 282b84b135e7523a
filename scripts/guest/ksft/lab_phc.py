#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
ENA: the PTP hardware clock on the emulated ENA, whose clock is the host's
CLOCK_REALTIME. devlink's enable_phc and a reload give the device a PHC;
each read of it must fall between two readings of the host's clock taken
through the model's control channel, and the driver's PHC statistics
(debugfs phc_stats) count the reads. A read the device answers with an
error flag, or not at all, fails with EBUSY; once the device's block
timeout has passed the next read works and the driver counts why the
failed one failed (phc_err_ts: error flag, phc_err_dv: no answer).
"""

import errno
import os
import shutil
import time

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_true
from lib.py import ksft_disruptive, KsftSkipEx, NetDrvEpEnv, cmd
from lab_lib import require_ena, devlink_dev, devlink_reload
from lab_lib import wait_ping

READS = 20
# set when a case turned the PHC on: main() turns it off again
ENABLED = []
# the model's block timeout (phc_block_us, 100 ms) and some slack
BLOCKED_S = 0.3


def _ptp_dev(cfg):
    """/dev/ptpN of the interface's PCI device, or None."""
    dev = os.path.realpath(f"/sys/class/net/{cfg.ifname}/device")
    for ptp in sorted(os.listdir("/sys/class/ptp")) if os.path.isdir("/sys/class/ptp") else []:
        if os.path.realpath(f"/sys/class/ptp/{ptp}/device") == dev:
            return f"/dev/{ptp}"
    return None


def _enable(cfg):
    """Turn the driver's PHC on (enable_phc, reload) unless it is; /dev/ptpN."""
    if not shutil.which("devlink"):
        raise KsftSkipEx("no devlink tool")
    ptp = _ptp_dev(cfg)
    if ptp:
        return ptp
    dev = devlink_dev(cfg)
    set_phc = cmd(f"devlink dev param set {dev} name enable_phc value true cmode driverinit",
                  fail=False)
    if set_phc.ret:
        raise KsftSkipEx(f"enable_phc refused (no PHC on this device): {set_phc.stderr.strip()}")
    ENABLED.append(dev)
    devlink_reload(dev)
    ksft_true(wait_ping(cfg, deadline=30), "no ping within 30 s of the reload")
    ptp = _ptp_dev(cfg)
    if not ptp:
        raise KsftSkipEx("enable_phc is on but the driver registered no PHC")
    return ptp


def _disable(cfg):
    """Back to the default (enable_phc off), if a case turned it on."""
    for dev in ENABLED[:1]:
        cmd(f"devlink dev param set {dev} name enable_phc value false cmode driverinit")
        devlink_reload(dev)
        wait_ping(cfg, deadline=30)


def _read(ptp):
    """One read of the PHC (clock_gettime on its dynamic clock id), in ns."""
    fd = os.open(ptp, os.O_RDONLY)
    try:
        return time.clock_gettime_ns(((~fd) << 3) | 3)
    finally:
        os.close(fd)


def _phc_stats(cfg):
    """The driver's debugfs phc_stats as a dict."""
    pci = os.path.basename(devlink_dev(cfg))
    path = f"/sys/kernel/debug/{pci}/phc_stats"
    if not os.path.exists(path):
        raise KsftSkipEx(f"no {path} (debugfs or the driver's PHC statistics)")
    with open(path, encoding="ascii") as f:
        return {k.strip(): int(v) for k, v in (l.split(":") for l in f if ":" in l)}


def _host_ns(ctl):
    return int(ctl("clock")["realtime_ns"])


def _read_fails(ptp):
    """The errno of a read that must fail, or 0 if it succeeded."""
    try:
        _read(ptp)
    except OSError as e:
        return e.errno
    return 0


@ksft_disruptive
def phc_reads_host_clock(cfg):
    """Each PHC read lies between two readings of the host's clock; phc_cnt counts them."""
    ctl = require_ena(cfg, model=True)
    ptp = _enable(cfg)
    before = _phc_stats(cfg)
    widest = 0
    for _ in range(READS):
        t0 = _host_ns(ctl)
        phc = _read(ptp)
        t1 = _host_ns(ctl)
        widest = max(widest, t1 - t0)
        ksft_true(t0 <= phc <= t1,
                  f"PHC {phc} outside the host's [{t0}, {t1}] (off by "
                  f"{min(abs(phc - t0), abs(phc - t1)) / 1e6:.3f} ms)")
    print(f"# {READS} reads, each within a window of at most {widest / 1e6:.2f} ms")
    after = _phc_stats(cfg)
    ksft_eq(after["phc_cnt"] - before["phc_cnt"], READS, "phc_cnt after the reads")
    ksft_eq(after["phc_exp"] - before["phc_exp"], 0, "phc_exp after the reads")


def _failed_read(cfg, ctl, fault, counter):
    ptp = _enable(cfg)
    before = _phc_stats(cfg)
    ctl(f"fault {fault} 1")
    ksft_eq(_read_fails(ptp), errno.EBUSY, f"a read with {fault}")
    time.sleep(BLOCKED_S)
    # the driver looks at the failed read's answer when the next one starts
    ksft_eq(_read_fails(ptp), 0, "a read after the block timeout")
    ksft_eq(_phc_stats(cfg)[counter] - before[counter], 1, f"{counter} after {fault}")


@ksft_disruptive
def phc_error_flag(cfg):
    """A read answered with the timestamp error flag fails with EBUSY, counted in phc_err_ts."""
    _failed_read(cfg, require_ena(cfg, model=True), "phc-error", "phc_err_ts")


@ksft_disruptive
def phc_no_answer(cfg):
    """A read the device never answers expires with EBUSY, counted in phc_err_dv."""
    _failed_read(cfg, require_ena(cfg, model=True), "phc-stall", "phc_err_dv")


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        try:
            ksft_run([phc_reads_host_clock, phc_error_flag, phc_no_answer], args=(cfg, ))
        finally:
            _disable(cfg)
    ksft_exit()


if __name__ == "__main__":
    main()
