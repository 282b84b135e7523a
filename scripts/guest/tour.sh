#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of scripts/demo --tour: record what the ena driver does in
# each step of the tour, with ftrace (the function tracer on the ena module,
# fprobe events for the arguments that matter, and the driver's own
# tracepoints where it has them), and label the model's log with a mark at
# each step so that the host can put both sides together.
#
#   ENA_KO=/path/ena.ko (or unset: the kernel's own) tour.sh OUTDIR
#
# OUTDIR gets, per step N-NAME: N-NAME.trace (the ftrace buffer) and
# N-NAME.dmesg, and steps.txt (N NAME, one per line, in order) and info.txt.
# The ENA is left up and cabled to the peer, for the demo that follows.
set -o pipefail
out=${1:?usage: tour.sh OUTDIR}
# shellcheck source=SCRIPTDIR/../../ena-model/tests/vm/peer-net.sh
. "$(dirname "$0")/../../ena-model/tests/vm/peer-net.sh"

ctl_port=/dev/virtio-ports/org.ena-lab.ctl
ctl_tool=${ENA_LAB_CACHE:-/root/.cache/ena-lab}/work/build/model/ena-model-ctl
T=/sys/kernel/tracing
# the model's control port; the trace gets a mark too, so that the host can
# place the command on both sides
ctl() {
	echo "tour: ctl $*" >"$T/trace_marker" 2>/dev/null
	"$ctl_tool" "$ctl_port" "$@" >/dev/null
}
fail() { echo "tour: $*" >&2; exit 1; }

mountpoint -q "$T" || mount -t tracefs nodev "$T" || fail "no tracefs"
find_netdevs || fail "the ENA netdev did not appear"
bdf=$(basename "$(readlink -f "/sys/class/net/$ena/device")")
{
	echo "kernel $(uname -r)"
	echo "driver ${ENA_KO:-$(modinfo -F filename ena)}, version $(ethtool -i "$ena" | sed -n 's/^version: //p')"
	echo "pci $bdf"
} >"$out/info.txt"

# The peer waits in its namespace with its neighbour entry set, and IPv6
# stays off, so that the packet step carries exactly one frame each way.
peer_into_netns || fail "could not set up the peer"
ip netns exec peer sysctl -qw "net.ipv6.conf.all.disable_ipv6=1"
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# The driver lets go of the device, so that its probe can be watched.
echo "$bdf" >/sys/bus/pci/drivers/ena/unbind || fail "could not unbind $bdf"

echo 0 >"$T/tracing_on"
echo nop >"$T/current_tracer"
echo 16384 >"$T/buffer_size_kb"
echo ':mod:ena' >"$T/set_ftrace_filter" || fail "the function tracer cannot filter on the ena module"
echo >"$T/dynamic_events"
# fprobe events: the admin command's opcode and feature id (bytes 2 and 17 of
# the submission entry), its return value, the reset reason, the AENQ's
# head when its handler starts (BTF: which event it handles first), and the
# TX request id; each only if the function exists in this driver
probe() {
	grep -qx "${2%%%*}" <(sed 's/ .*//' "$T/available_filter_functions") || return 0
	echo "f:tour/$1 $2${3:+ $3}" >>"$T/dynamic_events" ||
		echo "tour: fprobe on $2 refused" >&2
}
probe admin_submit ena_com_execute_admin_command 'opcode=+2($arg2):u8 feature=+17($arg2):u8'
probe admin_done 'ena_com_execute_admin_command%return' 'ret=$retval:s32'
probe dev_reset ena_com_dev_reset 'reason=$arg2:u32'
probe aenq ena_com_aenq_intr_handler 'head=ena_dev->aenq.head depth=ena_dev->aenq.q_depth'
probe tx_prepare ena_com_prepare_tx 'bufs=+32($arg2):u16 req_id=+34($arg2):u16'
echo 1 >"$T/events/tour/enable" 2>/dev/null
[ ! -d "$T/events/ena" ] || echo 1 >"$T/events/ena/enable"
echo function >"$T/current_tracer"
echo 1 >"$T/options/irq-info" 2>/dev/null

n=0
dmesg_lines=$(dmesg | wc -l)
# step NAME LEVEL: start recording step NAME, the model logging at LEVEL
step() {
	n=$((n + 1))
	name="$n-$1"
	echo "$n $1" >>"$out/steps.txt"
	ctl log "$2"
	ctl mark step "$name"
	echo >"$T/trace"
	echo 1 >"$T/tracing_on"
}
# end: stop recording and keep what the step left in the buffer and dmesg
end() {
	sleep "${1:-0.5}"
	echo 0 >"$T/tracing_on"
	ctl log info
	cat "$T/trace" >"$out/$name.trace"
	dmesg | tail -n +"$((dmesg_lines + 1))" >"$out/$name.dmesg"
	dmesg_lines=$(dmesg | wc -l)
}

step probe regs
echo "$bdf" >/sys/bus/pci/drivers/ena/bind || fail "could not bind $bdf"
for _ in $(seq 100); do
	ena=$(ena_netdev)
	[ -n "$ena" ] && break
	sleep 0.1
done
[ -n "$ena" ] || fail "no netdev after the probe"
end 1
udevadm settle
ena=$(ena_netdev)

step up regs
ip addr add 192.0.2.1/24 dev "$ena" && ip link set "$ena" up || fail "could not bring $ena up"
wait_carrier 1 || fail "no carrier on $ena"
end 1

ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev "$ena" nud permanent
ip -n peer neigh replace 192.0.2.1 lladdr "$(cat "/sys/class/net/$ena/address")" \
	dev "$peer" nud permanent
step packet regs
ping -c 1 -W 5 192.0.2.2 >/dev/null || fail "the ping got no reply"
end 0.5

step keep-alive regs
sleep 1.5
end 0

step link regs
ctl link down
wait_carrier 0 || fail "the carrier did not drop"
ctl link up
wait_carrier 1 || fail "the carrier did not come back"
end 0.5

step reset trace
ctl keepalive stop
deadline=$((SECONDS + 30))
until dmesg | tail -n +"$((dmesg_lines + 1))" | grep -q 'Keep alive watchdog timeout'; do
	[ $SECONDS -lt $deadline ] || fail "no keep-alive watchdog reset within 30 s"
	sleep 0.2
done
ctl keepalive resume
deadline=$((SECONDS + 60))
until ena=$(ena_netdev) && ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1; do
	[ $SECONDS -lt $deadline ] || fail "no traffic within 60 s of the reset"
	sleep 0.2
done
end 0.5

echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
echo 0 >"$T/events/tour/enable" 2>/dev/null
[ ! -d "$T/events/ena" ] || echo 0 >"$T/events/ena/enable"
echo >"$T/dynamic_events"
echo "tour: $n steps recorded in $out"
