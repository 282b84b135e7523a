#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM started by scripts/bench-rx (vm-run --peer): RX
# benchmark of two or more ENA driver modules, in alternating rounds
# (A, B, C, A, B, C, ...). ena.ko builds replace each other; ena_rust.ko
# (the Rust driver) takes the function through driver_override.
# Each round loads the module, cables the ENA (192.0.2.1) to the virtio-net
# peer (192.0.2.2, netns "peer"), has the peer send, and measures a steady
# window of SECONDS after a warm-up. Traffic:
#
#   tcp      iperf3 from the peer to an iperf3 server on the ENA CPU
#   udp      the same with UDP (-b 0 -l 1400)
#   pktgen   the kernel's pktgen on the peer sends 1500-byte UDP frames at
#            PPS packets a second (the same load for both drivers, since
#            the cost per packet depends on how many each interrupt
#            brings; 0: as fast as it can), to the ENA's IP but another host's MAC (the
#            model delivers every frame): the stack drops them as "other
#            host" right at IP input, so the ENA CPU runs nothing but the
#            driver's RX path (interrupt, NAPI, building the skb, page
#            allocation or recycling, GRO, freeing the skb); the pktgen
#            skb is cloned, so the sender allocates (almost) no pages
#
# Counted over the window:
#
#   pkts      ENA rx_packets delta
#   Mbit/s    ENA rx_bytes delta over the window
#   busy      the ENA CPU's non-idle time: the window's length (clock)
#             minus the CPU's idle and iowait time, which NO_HZ accounts
#             exactly (not by sampling ticks, which would miss short RX
#             bursts); with tcp/udp this includes the iperf3 server's
#             recv(), which copies the data and frees the skbs, i.e. where
#             RX pages go back to the allocator (base) or the page pool
#   pages     /proc/vmstat pgalloc_* delta (whole VM, peer included)
#
# The ENA runs one channel (the Rust driver, which cannot change its
# channels, has one flow, so one busy queue) with its interrupts on the
# last CPU (the ENA CPU), with the iperf3 server if there is one; the peer's interrupts and
# sender are kept on CPU 0, so the ENA CPU's time is the receive side only.
#
# With PROFILE_DIR, perf samples the ENA CPU during each window (cpu-clock,
# 999 Hz, perf itself on CPU 0) and PROFILE_DIR/NAME-ROUND.txt gets the
# report by symbol, made while that module is still loaded. Sampling costs
# CPU time of its own, so busy/pkt is higher while profiling.
#
#   bench-rx.sh SECONDS ROUNDS tcp|udp|pktgen PPS MTU PROFILE_DIR|- NAME_A KO_A NAME_B KO_B [NAME KO]...
#
# Ratios are against the first module (A).

set -o nounset -o pipefail
# shellcheck source=SCRIPTDIR/../../ena-model/tests/vm/peer-net.sh
. "$(dirname "$0")/../../ena-model/tests/vm/peer-net.sh"

secs=${1:?seconds}
rounds=${2:?rounds}
proto=${3:?tcp, udp or pktgen}
pps=${4:?packets a second}
mtu=${5:?MTU}
profile=${6:?profile directory or -}
[ "$profile" != - ] || profile=
shift 6
names=() kos=()
while [ $# -ge 2 ]; do
	names+=("$1") kos+=("$2")
	shift 2
done
[ $# = 0 ] && [ ${#names[@]} -ge 2 ] || { echo "error: NAME KO pairs, two or more" >&2; exit 1; }
warmup=3

die() {
	echo "error: $*" >&2
	exit 1
}

for ko in "${kos[@]}"; do
	[ -f "$ko" ] || die "no module at $ko"
done
if [ -n "$profile" ]; then
	command -v perf >/dev/null || die "no perf in the VM (toolchain package linux-perf)"
	mkdir -p "$profile" || die "cannot create $profile"
fi
case $proto in tcp | udp | pktgen) ;; *) die "traffic must be tcp, udp or pktgen, not $proto" ;; esac

ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || die "needs 2 CPUs, the VM has $ncpu"
enacpu=$((ncpu - 1))
hz=$(getconf CLK_TCK)

# pin_irqs PATTERN CPU: every interrupt whose /proc/interrupts line matches
# PATTERN to CPU; fails if none matches.
pin_irqs() {
	local irq n=0
	for irq in $(awk -v p="$1" '$0 ~ p { sub(":", "", $1); print $1 }' /proc/interrupts); do
		echo "$2" >"/proc/irq/$irq/smp_affinity_list" 2>/dev/null && n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# snapshot: "rx_packets rx_bytes clock_ns idle pgalloc irqs_ena_cpu
# irqs_all" right now: idle is the ENA CPU's idle + iowait time in USER_HZ
# ticks; irqs are the ENA's IO interrupts, on the ENA CPU and on all CPUs.
snapshot() {
	local idle vm irqs
	idle=$(awk -v c="cpu$enacpu" '$1 == c { print $5 + $6 }' /proc/stat)
	vm=$(awk '$1 ~ /^pgalloc_/ { n += $2 } END { print n + 0 }' /proc/vmstat)
	irqs=$(awk -v p="$irq_pattern" -v c="$enacpu" -v n="$ncpu" '
		$0 ~ p { on += $(c + 2); for (i = 2; i < n + 2; i++) all += $i }
		END { print on + 0, all + 0 }' /proc/interrupts)
	# by the function, whatever udev renamed its interface to meanwhile
	local stats=(/sys/bus/pci/devices/"$bdf"/net/*/statistics)
	[ -r "${stats[0]}/rx_packets" ] || die "no interface statistics under $bdf"
	echo "$(cat "${stats[0]}/rx_packets")" "$(cat "${stats[0]}/rx_bytes")" "$(date +%s%N)" \
		"$idle" "$vm" "$irqs"
}

# pg FILE LINE: one pktgen command, in the peer's netns.
pg() {
	ip netns exec peer sh -c "echo '$2' >/proc/net/pktgen/$1" ||
		die "pktgen refused '$2' (/proc/net/pktgen/$1)"
}

# pktgen_setup: the peer's pktgen thread on CPU 0 sends UDP to the ENA's
# IP and to OTHER_MAC, until stopped.
other_mac=02:00:00:00:00:01
pktgen_setup() {
	[ "$(cat "/sys/class/net/$ena/address")" != $other_mac ] ||
		die "the ENA has the MAC $other_mac that pktgen sends to as another host's"
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device $peer"
	pg "$peer" "count 0"
	pg "$peer" "clone_skb 1000"
	pg "$peer" "pkt_size 1500"
	if [ "$pps" -gt 0 ]; then
		pg "$peer" "ratep $pps"
	else
		pg "$peer" "delay 0"
	fi
	pg "$peer" "dst 192.0.2.1"
	pg "$peer" "src_min 192.0.2.2"
	pg "$peer" "src_max 192.0.2.2"
	pg "$peer" "dst_mac $other_mac"
	pg "$peer" "udp_src_min 9"
	pg "$peer" "udp_src_max 9"
	pg "$peer" "udp_dst_min 9"
	pg "$peer" "udp_dst_max 9"
}

# profile_report DATA OUT: perf's report by symbol, now that the module the
# samples hit is loaded; the top lines on stdout. Symbols come from
# /proc/kallsyms alone (an empty --symfs): by file, perf would take the VM
# kernel's ena.ko for whichever module is loaded.
profile_report() {
	mkdir -p /tmp/no-symfs
	taskset -c 0 perf report -i "$1" --symfs=/tmp/no-symfs --kallsyms=/proc/kallsyms \
		--no-children --sort sym --stdio 2>/dev/null |
		grep -v '^#' | grep -v '^$' >"$2" || die "perf report of $1 failed"
	rm -f "$1"
	echo "  top of $2:"
	head -n 12 "$2" | sed 's/^/  /'
}

# start_traffic SECONDS: the sender (and server) for one round; sets
# $sender (and $server).
start_traffic() {
	local args
	server=
	if [ "$proto" = pktgen ]; then
		pktgen_setup
		ip netns exec peer sh -c 'echo start >/proc/net/pktgen/pgctrl' &
		sender=$!
		return
	fi
	taskset -c "$enacpu" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	server=$!
	for _ in $(seq 100); do
		ss -Hltn 'sport = :5201' | grep -q . && break
		sleep 0.2
	done
	args=(-c 192.0.2.1 -p 5201 -t "$1")
	[ "$proto" = tcp ] || args+=(-u -b 0 -l 1400)
	ip netns exec peer taskset -c 0 iperf3 "${args[@]}" >/tmp/bench-iperf.log 2>&1 &
	sender=$!
}

# stop_traffic ROUND NAME: wait for iperf3, or stop pktgen.
stop_traffic() {
	if [ "$proto" = pktgen ]; then
		ip netns exec peer sh -c 'echo stop >/proc/net/pktgen/pgctrl'
		wait "$sender"
		pg kpktgend_0 rem_device_all
		return
	fi
	wait "$sender" || die "iperf3 failed in round $1 ($2): $(tail -n 3 /tmp/bench-iperf.log)"
	wait "$server" 2>/dev/null
}

# The peer: the virtio-net NIC in netns "peer", once.
peer=$(netdev_of /sys/bus/virtio/drivers/virtio_net/virtio*/net/*)
[ -n "$peer" ] || die "no virtio-net peer NIC (run under vm-run --peer)"
peer_into_netns || die "cannot set up the peer NIC in netns peer"
ip -n peer link set "$peer" mtu "$mtu" || die "the peer refuses MTU $mtu"
pin_irqs virtio 0 || die "no virtio interrupt to pin in /proc/interrupts"
if [ "$proto" = pktgen ]; then
	modprobe pktgen ||
		die "no pktgen module in the VM kernel (CONFIG_NET_PKTGEN=m: rebuild it with scripts/build-vm-kernel)"
fi

# The ENA function.
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1d0f ] && bdf=$(basename "$d") && break
done
[ -n "${bdf:-}" ] || die "no ENA function"

# load KO: (re)load the driver, one channel, interrupts on the ENA CPU.
load() {
	if [ "$(basename "$1")" = ena_rust.ko ]; then
		to_ena_rust "$bdf" "$1" || die "ena_rust could not take $bdf"
		driver=ena_rust
	else
		if [ -e "/sys/bus/pci/drivers/ena_rust/$bdf" ]; then
			echo "$bdf" >/sys/bus/pci/drivers/ena_rust/unbind
			echo >"/sys/bus/pci/devices/$bdf/driver_override"
		fi
		ENA_KO=$1 load_ena || die "could not replace the ena module by $1"
		driver=ena
	fi
	ena=
	for _ in $(seq 100); do
		udevadm settle 2>/dev/null
		ena=$(netdev_of /sys/bus/pci/drivers/"$driver"/"$bdf"/net/*)
		[ -n "$ena" ] && break
		sleep 0.2
	done
	[ -n "$ena" ] || die "no ENA netdev after loading $1"
	ethtool -L "$ena" combined 1 >/dev/null 2>&1
	ip link set "$ena" mtu "$mtu" || die "$ena refuses MTU $mtu"
	if ! { ip addr add 192.0.2.1/24 dev "$ena" && ip link set "$ena" up; }; then
		die "cannot bring $ena up"
	fi
	# up to 20 s; the ping below fails if the carrier never came
	wait_carrier 1 400 || true
	# the C driver names its IO interrupts after the interface, the Rust one not
	irq_pattern="$ena-Tx-Rx-"
	[ "$driver" = ena ] || irq_pattern=ena_rust-io
	pin_irqs "$irq_pattern" "$enacpu" || die "no $irq_pattern interrupt to pin in /proc/interrupts"
	ping -c 3 -i 0.3 -W 2 192.0.2.2 >/dev/null || die "no ping through $ena with $1"
}

results=()
rate=
[ "$proto" != pktgen ] || [ "$pps" = 0 ] || rate=" at $pps packets/s"
echo "bench-rx: ${secs}s window after ${warmup}s warm-up, $rounds rounds, $proto$rate, MTU $mtu," \
	"ENA CPU $enacpu"
for round in $(seq "$rounds"); do
	for i in "${!kos[@]}"; do
		load "${kos[$i]}"
		start_traffic $((secs + warmup + 1))
		sleep "$warmup"
		read -r p0 b0 t0 d0 g0 e0 a0 <<<"$(snapshot)"
		if [ -n "$profile" ]; then
			taskset -c 0 perf record -q -F 999 -C "$enacpu" -e cpu-clock \
				-o "/tmp/perf-$round.data" -- sleep "$secs" ||
				die "perf record failed in round $round (${names[$i]})"
		else
			sleep "$secs"
		fi
		read -r p1 b1 t1 d1 g1 e1 a1 <<<"$(snapshot)"
		stop_traffic "$round" "${names[$i]}"
		# the ENA CPU's time is only the RX path's if its interrupts were
		# there; none at all: the poll never completed (it kept up with
		# the load only by polling), on the CPU of the last interrupt,
		# the ENA CPU since the pings of load()
		{ [ $((a1 - a0)) = 0 ] && [ $((p1 - p0)) -gt 0 ]; } ||
			{ [ $((a1 - a0)) -gt 0 ] && [ $(((e1 - e0) * 100 / (a1 - a0))) -ge 95 ]; } ||
			die "round $round (${names[$i]}): only $((e1 - e0)) of $((a1 - a0)) ENA interrupts on CPU $enacpu"
		# window, busy: ns
		window=$((t1 - t0))
		busy=$((window - (d1 - d0) * 1000000000 / hz))
		results+=("$round ${names[$i]} $((p1 - p0)) $((b1 - b0)) $window $busy $((g1 - g0))")
		echo "round $round ${names[$i]}: done"
		[ -z "$profile" ] || profile_report "/tmp/perf-$round.data" "$profile/${names[$i]}-$round.txt"
	done
done
[ ! -e "/sys/bus/pci/drivers/ena_rust/$bdf" ] || echo "$bdf" >/sys/bus/pci/drivers/ena_rust/unbind
modprobe -r ena 2>/dev/null
rmmod ena 2>/dev/null
rmmod ena_rust 2>/dev/null

printf '%s\n' "${results[@]}" | awk -v names="${names[*]}" '
function ns(t, p) { return p ? t / p : 0 }
function row(r, d, p, by, w, c, g) {
	printf "%-6s %-8s %10d %9.1f %6.1f%% %12.0f %10.4f\n", r, d, p, w ? by * 8e3 / w : 0,
		w ? c * 100 / w : 0, ns(c, p), p ? g / p : 0
}
BEGIN {
	printf "\n%-6s %-8s %10s %9s %7s %12s %10s\n", "round", "driver", "pkts", "Mbit/s", "busy", "busy/pkt", "pages/pkt"
	printf "%-6s %-8s %10s %9s %7s %12s %10s\n", "", "", "", "", "", "(ns)", ""
}
{
	row($1, $2, $3, $4, $5, $6, $7)
	P[$2] += $3; B[$2] += $4; W[$2] += $5; C[$2] += $6; G[$2] += $7
}
END {
	n = split(names, d, " ")
	for (k = 1; k <= n; k++)
		row("total", d[k], P[d[k]], B[d[k]], W[d[k]], C[d[k]], G[d[k]])
	a = d[1]
	print ""
	for (k = 2; k <= n; k++) {
		b = d[k]
		printf "ratio %s/%s: busy/pkt %.3f, pages/pkt %.3f\n", b, a,
			ns(C[a], P[a]) ? ns(C[b], P[b]) / ns(C[a], P[a]) : 0,
			G[a] / P[a] ? (G[b] / P[b]) / (G[a] / P[a]) : 0
	}
}'
