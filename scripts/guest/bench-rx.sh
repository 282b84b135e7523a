#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM started by scripts/bench-rx (vm-run --peer): RX
# benchmark of two ena.ko builds, in alternating rounds (A, B, A, B, ...).
# Each round loads the module, cables the ENA (192.0.2.1) to the virtio-net
# peer (192.0.2.2, netns "peer"), lets the peer send to an iperf3 server on
# the ENA side, and measures a steady window of SECONDS after a warm-up:
#
#   pkts      ENA rx_packets delta
#   Mbit/s    ENA rx_bytes delta over the window
#   softirq   softirq time of the ENA CPU (NAPI: the driver's RX/TX
#             cleaning, page allocation or recycling, GRO, IP/TCP input)
#   rx-cpu    softirq + irq + system time of the ENA CPU; system time is the
#             iperf3 server's recv(), which copies the data and frees the
#             skbs, i.e. where RX pages go back to the allocator (base) or
#             to the page pool (page_pool driver)
#   pages     /proc/vmstat pgalloc_* delta (whole VM, peer included)
#
# The ENA runs one channel with its interrupt on the last CPU (the ENA
# CPU) together with the iperf3 server; the peer's interrupts and iperf3
# client are kept on CPU 0, so the ENA CPU's time is the receive side only.
#
#   bench-rx.sh SECONDS ROUNDS tcp|udp NAME_A KO_A NAME_B KO_B

set -o nounset -o pipefail

secs=${1:?seconds}
rounds=${2:?rounds}
proto=${3:?tcp or udp}
names=("${4:?name A}" "${6:?name B}")
kos=("${5:?ko A}" "${7:?ko B}")
warmup=3

die() {
	echo "error: $*" >&2
	exit 1
}

for ko in "${kos[@]}"; do
	[ -f "$ko" ] || die "no module at $ko"
done
case $proto in tcp | udp) ;; *) die "protocol must be tcp or udp, not $proto" ;; esac

ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || die "needs 2 CPUs, the VM has $ncpu"
enacpu=$((ncpu - 1))
hz=$(getconf CLK_TCK)

ena_netdev() {
	local d
	for d in /sys/bus/pci/drivers/ena/*/net/*; do
		[ -e "$d" ] && basename "$d" && return
	done
}

# pin_irqs PATTERN CPU: every interrupt whose /proc/interrupts line matches
# PATTERN to CPU.
pin_irqs() {
	local irq
	awk -v p="$1" '$0 ~ p { sub(":", "", $1); print $1 }' /proc/interrupts |
		while read -r irq; do
			echo "$2" >"/proc/irq/$irq/smp_affinity_list" 2>/dev/null || true
		done
}

# snapshot: "rx_packets rx_bytes softirq irq system pgalloc" right now.
snapshot() {
	local stat vm
	stat=$(awk -v c="cpu$enacpu" '$1 == c { print $8, $7, $4 }' /proc/stat)
	vm=$(awk '$1 ~ /^pgalloc_/ { n += $2 } END { print n + 0 }' /proc/vmstat)
	echo "$(cat "/sys/class/net/$ena/statistics/rx_packets")" \
		"$(cat "/sys/class/net/$ena/statistics/rx_bytes")" "$stat" "$vm"
}

# The peer: the virtio-net NIC in netns "peer", once.
peer=
for d in /sys/bus/virtio/drivers/virtio_net/virtio*/net/*; do
	[ -e "$d" ] && peer=$(basename "$d")
done
[ -n "$peer" ] || die "no virtio-net peer NIC (run under vm-run --peer)"
mkdir -p /run/netns
ip netns add peer || die "cannot create netns peer"
if ! { ip link set "$peer" netns peer &&
	ip -n peer link set lo up &&
	ip -n peer addr add 192.0.2.2/24 dev "$peer" &&
	ip -n peer link set "$peer" up; }; then
	die "cannot set up the peer NIC"
fi
pin_irqs virtio 0

# load KO: (re)load the driver, one channel, interrupt on the ENA CPU.
load() {
	modprobe -r ena 2>/dev/null
	rmmod ena 2>/dev/null
	insmod "$1" || die "insmod $1 failed"
	ena=
	for _ in $(seq 100); do
		udevadm settle 2>/dev/null
		ena=$(ena_netdev)
		[ -n "$ena" ] && break
		sleep 0.2
	done
	[ -n "$ena" ] || die "no ENA netdev after loading $1"
	ethtool -L "$ena" combined 1 >/dev/null 2>&1
	if ! { ip addr add 192.0.2.1/24 dev "$ena" && ip link set "$ena" up; }; then
		die "cannot bring $ena up"
	fi
	for _ in $(seq 100); do
		[ "$(cat "/sys/class/net/$ena/carrier" 2>/dev/null)" = 1 ] && break
		sleep 0.2
	done
	pin_irqs ena-comp "$enacpu"
	ping -c 3 -i 0.3 -W 2 192.0.2.2 >/dev/null || die "no ping through $ena with $1"
}

results=()
echo "bench-rx: ${secs}s window after ${warmup}s warm-up, $rounds rounds, $proto," \
	"ENA CPU $enacpu, USER_HZ $hz"
for round in $(seq "$rounds"); do
	for i in 0 1; do
		load "${kos[$i]}"
		taskset -c "$enacpu" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
		server=$!
		for _ in $(seq 100); do
			ss -Hltn 'sport = :5201' | grep -q . && break
			sleep 0.2
		done
		args=(-c 192.0.2.1 -p 5201 -t $((secs + warmup + 1)))
		[ "$proto" = tcp ] || args+=(-u -b 0 -l 1400)
		ip netns exec peer taskset -c 0 iperf3 "${args[@]}" >/tmp/bench-iperf.log 2>&1 &
		client=$!
		sleep "$warmup"
		read -r p0 b0 s0 i0 y0 g0 <<<"$(snapshot)"
		sleep "$secs"
		read -r p1 b1 s1 i1 y1 g1 <<<"$(snapshot)"
		wait "$client" || die "iperf3 failed in round $round (${names[$i]}): $(tail -n 3 /tmp/bench-iperf.log)"
		wait "$server" 2>/dev/null
		results+=("$round ${names[$i]} $((p1 - p0)) $((b1 - b0)) $((s1 - s0)) $((i1 - i0)) $((y1 - y0)) $((g1 - g0))")
		echo "round $round ${names[$i]}: done"
	done
done
modprobe -r ena 2>/dev/null
rmmod ena 2>/dev/null

printf '%s\n' "${results[@]}" | awk -v secs="$secs" -v hz="$hz" -v a="${names[0]}" -v b="${names[1]}" '
function us(t, p) { return p ? t * 1e6 / hz / p : 0 }
function row(r, d, p, by, s, c, g) {
	printf "%-6s %-8s %10d %9.1f %12.2f %12.2f %10.4f\n", r, d, p, by * 8 / secs / 1e6, us(s, p), us(c, p), p ? g / p : 0
}
BEGIN {
	printf "\n%-6s %-8s %10s %9s %12s %12s %10s\n", "round", "driver", "pkts", "Mbit/s", "softirq/pkt", "rx-cpu/pkt", "pages/pkt"
	printf "%-6s %-8s %10s %9s %12s %12s %10s\n", "", "", "", "", "(us)", "(us)", ""
}
{
	row($1, $2, $3, $4, $5, $5 + $6 + $7, $8)
	P[$2] += $3; B[$2] += $4; S[$2] += $5; C[$2] += $5 + $6 + $7; G[$2] += $8; N[$2]++
}
END {
	for (k = 0; k < 2; k++) {
		d = k ? b : a
		row("total", d, P[d], B[d] / N[d], S[d], C[d], G[d])
	}
	printf "\nratio %s/%s: softirq/pkt %.3f, rx-cpu/pkt %.3f, pages/pkt %.3f\n", b, a,
		us(S[a], P[a]) ? us(S[b], P[b]) / us(S[a], P[a]) : 0,
		us(C[a], P[a]) ? us(C[b], P[b]) / us(C[a], P[a]) : 0,
		G[a] / P[a] ? (G[b] / P[b]) / (G[a] / P[a]) : 0
}'
