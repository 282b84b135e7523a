#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Annotate a recorded tour (scripts/demo --tour).

The guest (scripts/guest/tour.sh) leaves, per step, the ftrace buffer of
the ena driver; the model's log holds the device's side, cut into steps by
the marks the guest sent. This puts both sides of each step in one order:
a driver event that causes a device event (an admin command, a reset, a
TX packet) comes before it, one that answers a device event (an interrupt
handler, an AENQ handler) after it; everything else keeps its own side's
order. Each line names its function and file, in the driver and in the
model, and the first of its kind in a step says what it means.

  tour.py --steps DIR --model-log FILE --driver-src DIR --model-src DIR
"""
import argparse
import errno
import os
import re
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tour_notes import (ADMIN_ERRORS, ANCHORS, DEVICE, DRIVER, FEATURES,  # noqa: E402
                        OPCODES, STEPS)

TRACE_RE = re.compile(r"^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+"
                      r"(?P<flags>\S+)\s+(?P<ts>\d+\.\d+):\s+(?P<body>.*)$")
FUNC_RE = re.compile(r"^(?P<func>[\w.]+) <-(?P<parent>\S+)$")
EVENT_RE = re.compile(r"^(?P<event>\w+): (?P<args>.*)$")
MODEL_RE = re.compile(r"^ena-model\[(?P<ts>\d+\.\d+)\](?: (?P<who>[^:]+))?: (?P<msg>.*)$")
MARK_RE = re.compile(r"^control: mark step (?P<step>\S+)$")
# functions whose fprobe event says more than their function-tracer line
PROBED = {"ena_com_execute_admin_command": "admin_submit",
          "ena_com_aenq_intr_handler": "aenq",
          "ena_com_dev_reset": "dev_reset", "ena_com_prepare_tx": "tx_prepare"}


class Event:
    def __init__(self, side, text, kind, note="", where="", ctx="", anchor=None):
        self.side, self.text, self.kind = side, text, kind
        self.note, self.where, self.ctx, self.anchor = note, where, ctx, anchor
        self.count = 1


class Sources:
    """file:line of driver functions and of the model's log messages"""

    def __init__(self, driver_dir, model_dir):
        self.driver = self._read(driver_dir)
        self.model = self._read(model_dir)
        self.cache = {}
        self.regs = {}
        for name, text in self.model:
            for m in re.finditer(r"EIF_REG_(\w+)\s*=\s*(0x[0-9a-fA-F]+)", text):
                self.regs.setdefault(int(m.group(2), 16), m.group(1))

    @staticmethod
    def _read(d):
        files = []
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h")):
                with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
                    files.append((name, f.read()))
        return files

    def function(self, func):
        """where the driver defines func: 'file.c:line'"""
        key = ("f", func)
        if key not in self.cache:
            self.cache[key] = ""
            pat = re.compile(r"^[a-z][^;(]*\b" + re.escape(func) + r"\(", re.M)
            for name, text in self.driver:
                for m in pat.finditer(text):
                    end = text.find("\n{", m.end())
                    semi = text.find(";", m.end())
                    if end != -1 and (semi == -1 or end < semi):
                        line = text.count("\n", 0, m.start()) + 1
                        self.cache[key] = f"{name}:{line}"
                        break
                if self.cache[key]:
                    break
        return self.cache[key]

    def reg_name(self, off):
        """the model's name of the register at BAR0 offset off"""
        return self.regs.get(off, f"register 0x{off:x} (a queue doorbell or interrupt register)")

    def message(self, fmt):
        """where the model prints a message that starts with fmt: 'file.c:line func()'"""
        key = ("m", fmt)
        if key not in self.cache:
            self.cache[key] = ""
            for name, text in self.model:
                pos = text.find(fmt)
                if pos == -1 or not name.endswith(".c"):
                    continue
                line = text.count("\n", 0, pos) + 1
                head = text[:pos].split("\n")
                func = ""
                for ln in reversed(head):
                    m = re.match(r"^[a-z][\w\s\*]*?\b(\w+)\(", ln)
                    if m:
                        func = m.group(1)
                        break
                self.cache[key] = f"{name}:{line} {func}()" if func else f"{name}:{line}"
                break
        return self.cache[key]


def context(task, flags):
    irq = flags[2] if len(flags) > 2 else "."
    if irq in "hH":
        return "hard IRQ"
    if irq in "sb":
        return "softirq"
    return "work" if task.startswith("kworker") else "process"


def driver_events(path, src):
    events = []
    pending_admin = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if not m:
                continue
            body, ctx = m.group("body"), context(m.group("task"), m.group("flags"))
            ts = float(m.group("ts"))
            fm = FUNC_RE.match(body)
            if fm:
                func = re.sub(r"\.(cold|part\.\d+|constprop\.\d+|isra\.\d+)$", "", fm.group("func"))
                if func in PROBED:
                    continue
                ev = Event("driver", f"{func}()", func, DRIVER.get(func, ""),
                           src.function(func), ctx, ANCHORS.get(func))
                events.append(ev)
                continue
            em = EVENT_RE.match(body)
            if not em:
                continue
            name, args = em.group("event"), em.group("args")
            vals = dict(re.findall(r"(\w+)=(\S+)", args))
            if name == "admin_submit":
                op = int(vals.get("opcode", "0"), 0)
                feat = int(vals.get("feature", "0"), 0)
                what = OPCODES.get(op, f"opcode {op}")
                if op in (8, 9):
                    what += f" {feat} ({FEATURES.get(feat, 'feature')})"
                key = f"admin:{op}:{feat if op in (8, 9) else 0}"
                ev = Event("driver", f"admin command: {what}", "admin_submit",
                           DRIVER["ena_com_execute_admin_command"],
                           src.function("ena_com_execute_admin_command"), ctx,
                           (key, ANCHORS["admin_submit"][1]))
                ev.ts = ts
                pending_admin.append(ev)
                events.append(ev)
            elif name == "admin_done":
                ret = int(vals.get("ret", "0"), 0)
                took = ""
                if pending_admin:
                    took = f", {(ts - pending_admin.pop(0).ts) * 1000:.2f} ms after submission"
                if ret == 0:
                    what, kind = "0 (success)", "admin_done"
                    note = "the completion was found (polled, or by vector 0)"
                else:
                    name = errno.errorcode.get(-ret, "?")
                    what, kind = f"{ret} (-{name})", "admin_fail:" + name
                    note = ADMIN_ERRORS.get(name, "the command failed")
                events.append(Event("driver", f"admin command done: {what}{took}", kind, note,
                                    src.function("ena_com_execute_admin_command"), ctx))
            elif name == "dev_reset":
                events.append(Event("driver", f"ena_com_dev_reset(reason {vals.get('reason')})",
                                    "dev_reset", DRIVER["ena_com_dev_reset"],
                                    src.function("ena_com_dev_reset"), ctx, ANCHORS["dev_reset"]))
            elif name == "aenq":
                # the device counts events from 0, the driver's head from the depth
                index = int(vals.get("head", "0"), 0) - int(vals.get("depth", "0"), 0)
                events.append(Event("driver", "ena_com_aenq_intr_handler()",
                                    "ena_com_aenq_intr_handler",
                                    DRIVER["ena_com_aenq_intr_handler"],
                                    src.function("ena_com_aenq_intr_handler"), ctx,
                                    (f"aenq:{index}", "device")))
            elif name == "tx_prepare":
                events.append(Event("driver", f"ena_com_prepare_tx(req_id {vals.get('req_id')}, "
                                    f"{vals.get('bufs')} buffer(s))", "tx_prepare",
                                    DRIVER["ena_com_prepare_tx"],
                                    src.function("ena_com_prepare_tx"), ctx, ANCHORS["tx_prepare"]))
            elif name == "tracing_mark_write":
                mk = re.match(r"tour: ctl (.*)$", args)
                if mk and not mk.group(1).startswith(("log ", "mark ")):
                    events.append(Event("tour", f"sends the model: {mk.group(1)}", "ctl",
                                        "what the tour does next, through the model's control port",
                                        "", "", (f"ctl:{mk.group(1)}", "driver")))
            elif name.startswith("ena_"):
                # the driver's own tracepoints (ours has them)
                events.append(Event("driver", f"tracepoint {name}: {args}", "tp:" + name,
                                    "the driver's control-path tracepoint", "", ctx))
    # vector 0 calls the AENQ handler for admin completions too: only a call
    # that found an event (a group handler ran) is paired with the device's
    for i, ev in enumerate(events):
        if ev.kind != "ena_com_aenq_intr_handler":
            continue
        handled = False
        for nxt in events[i + 1:]:
            if nxt.kind in ("ena_com_aenq_intr_handler", "ena_intr_msix_mgmnt"):
                break
            if nxt.kind in AENQ_GROUP_HANDLERS or nxt.kind == "tp:ena_aenq_event":
                handled = True
                break
        if not handled:
            ev.anchor = None
    return events


AENQ_GROUP_HANDLERS = ("ena_keep_alive_wd", "ena_update_on_link_change", "ena_notification",
                       "unimplemented_aenq_handler")
MODEL_OPS = {"create SQ": 1, "destroy SQ": 2, "create CQ": 3, "destroy CQ": 4}


def device_anchor(msg):
    if msg.startswith("control: "):
        return "ctl:" + msg[len("control: "):]
    m = re.match(r"RX SQ \d+ doorbell tail", msg)
    if m:
        return "rx-doorbell"
    m = re.match(r"admin cmd \d+: (?:(get|set) feature (\d+)|get stats|([\w ]+?) \(\d+\))", msg)
    if m:
        if m.group(1):
            return f"admin:{8 if m.group(1) == 'get' else 9}:{m.group(2)}"
        if m.group(3) in MODEL_OPS:
            return f"admin:{MODEL_OPS[m.group(3)]}:0"
        return "admin:11:0"
    if msg.startswith(("readless read ", "mmio read ")):
        return "regread"
    if msg.startswith("device reset requested"):
        return "reset"
    if msg.startswith("TX SQ ") and "-> packet" in msg:
        return "tx"
    # vector 0's interrupts stay unpaired (see ANCHORS in tour_notes.py)
    m = re.match(r"MSI-X vector ([1-9]\d*)$", msg)
    if m:
        return "irq-io"
    m = re.match(r"AENQ <- .* \(syndrome \d+\), tail (\d+)", msg)
    if m:
        return f"aenq:{int(m.group(1)) - 1}"
    return None


def device_steps(path, src):
    """the model's events of each step: {step: [Event]}"""
    steps, cur = {}, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = MODEL_RE.match(line.rstrip("\n"))
            if not m:
                continue
            msg = m.group("msg")
            mk = MARK_RE.match(msg)
            if mk:
                cur = steps.setdefault(mk.group("step"), [])
                continue
            if msg.startswith("control: log "):
                if msg == "control: log info":
                    cur = None
                continue
            if cur is None:
                continue
            note, where = "", ""
            for pat, fmt, text in DEVICE:
                dm = re.match(pat, msg)
                if dm:
                    fields = dm.groupdict()
                    if "reg" in fields:
                        off = int(fields["reg"], 16)
                        fields["reg_name"] = src.reg_name(off)
                    note = text.format(**fields)
                    where = src.message(fmt)
                    break
            who = m.group("who") or "model"
            ev = Event("device", f"{who}: {msg}", note, note, where, "", device_anchor(msg))
            cur.append(ev)
    return steps


def merge(drv, dev):
    """one order for both sides; see the module's docstring"""
    out, di, used = [], 0, set()

    def partner(key):
        for j in range(di, len(dev)):
            if j not in used and dev[j].anchor == key:
                return j
        return None

    for ev in drv:
        j = partner(ev.anchor[0]) if ev.anchor else None
        if j is None:
            out.append(ev)
            continue
        if ev.anchor[1] == "driver":
            out.append(ev)
        out.extend(dev[di:j + 1])
        used.add(j)
        di = j + 1
        if ev.anchor[1] == "device":
            out.append(ev)
    out.extend(dev[di:])
    return out


def same(a, b):
    return a.side == b.side and a.text == b.text and a.ctx == b.ctx


def collapse(events):
    """a line, or a block of up to 4 lines, repeated becomes one with a count"""
    out, i, n = [], 0, len(events)
    while i < n:
        for k in (1, 2, 3, 4):
            r = 1
            while i + (r + 1) * k <= n and all(same(events[i + t], events[i + r * k + t])
                                               for t in range(k)):
                r += 1
            if r > 1:
                break
        if r > 1:
            out.extend(events[i:i + k])
            out[-k].count = r
            out[-k].block = k
            i += r * k
        else:
            out.append(events[i])
            i += 1
    return out


def render(step_no, total, name, events, width=100):
    title, intro = STEPS.get(name, (name, ""))
    lines = [f"== step {step_no}/{total}: {title}"]
    lines += textwrap.wrap(intro, 76)
    lines.append("")
    seen = set()
    for ev in events:
        text = ev.text
        if ev.count > 1 and getattr(ev, "block", 1) > 1:
            text += f"  (this and the next {ev.block - 1} line(s): x{ev.count})"
        elif ev.count > 1:
            text += f"  (x{ev.count})"
        if ev.ctx and ev.ctx != "process":
            text += f"  [{ev.ctx}]"
        where = ev.where
        first = f"  {ev.side:<6}  {text}"
        if where:
            pad = max(1, width - len(first) - len(where))
            first += " " * pad + where
        lines.append(first)
        if ev.note and ev.kind not in seen:
            seen.add(ev.kind)
            for w in textwrap.wrap(ev.note, 76):
                lines.append(f"          {w}")
    lines.append("")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--steps", required=True)
    ap.add_argument("--model-log", required=True)
    ap.add_argument("--driver-src", required=True)
    ap.add_argument("--model-src", required=True)
    a = ap.parse_args()
    for path in (a.steps, a.driver_src, a.model_src):
        if not os.path.isdir(path):
            sys.exit(f"tour.py: {path}: not a directory")
    if not os.path.isfile(a.model_log):
        sys.exit(f"tour.py: {a.model_log}: no such file")
    src = Sources(a.driver_src, a.model_src)
    with open(os.path.join(a.steps, "steps.txt"), encoding="utf-8") as f:
        steps = [ln.split() for ln in f if ln.strip()]
    info = ""
    if os.path.exists(os.path.join(a.steps, "info.txt")):
        with open(os.path.join(a.steps, "info.txt"), encoding="utf-8") as f:
            info = f.read()
    dev = device_steps(a.model_log, src)
    out = ["The tour: what the ena driver and the device say to each other",
           "(driver: ftrace in the guest; device: the model's log)", ""]
    out += [f"  {ln}" for ln in info.splitlines()] + [""]
    for no, name in steps:
        key = f"{no}-{name}"
        trace = os.path.join(a.steps, key + ".trace")
        if not os.path.exists(trace):
            out.append(f"== step {no}/{len(steps)}: {name}: not recorded (the guest stopped)")
            continue
        events = collapse(merge(driver_events(trace, src), dev.get(key, [])))
        out += render(no, len(steps), name, events)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
