#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM started with "scripts/vm-run --peer" (see
# scripts/tests/vm-probe.sh), on its own or after the other guest checks:
# the Rust driver (ena_rust) moves packets. It takes the ENA function
# through driver_override, its interface is cabled to the virtio-net peer
# (netns "peer", 192.0.2.2) and must: ping both ways, with DF at the full
# MTU and one byte more refused; carry AMOUNT (default 100M) of TCP each
# way with iperf3 (4 flows), received over more than one queue when it has
# several; count what it moved in its interface statistics and per-queue
# debugfs counters, with checksums the device verified and TCP checksums
# it completed on the way out; report its
# driver, counters and channels through ethtool, run TCP on one queue pair
# after "ethtool -L combined 1" and on several again after the maximum,
# and stop using the device's checksums after "ethtool -K rx off tx off";
# take MTUs 576, 4000
# and the device's largest (frames over several RX pages) with full-size
# DF pings both ways, and refuse one more; get traffic going again after a
# link flap, a keep-alive loss and lost TX completions (the model's control
# port; the device must hint a missed-TX threshold below 10 for the last,
# as a ping leaves only about that many packets in flight). Then 20
# down/unbind/bind/up/traffic cycles, the function goes back to the C
# driver, kmemleak (if the kernel has it) finds nothing and the kernel
# logged no WARN or BUG.
#
#   scripts/vm-run --peer -- scripts/guest/rust-ena-traffic.sh [AMOUNT]

set -o pipefail
amount=${1:-100M}
. "$(dirname "$0")/../tests/lib.sh"
# shellcheck source=SCRIPTDIR/../../ena-model/tests/vm/peer-net.sh
. "$(dirname "$0")/../../ena-model/tests/vm/peer-net.sh"

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
# the first ENA function, by its vendor id
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1d0f ] && bdf=$(basename "$d") && break
done
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)"; }
queues_file=/sys/kernel/debug/ena_rust-$bdf/queues
queue_sum() { awk -F': ' -v c="$1" '$1 ~ "^queue_[0-9]+_" c "$" { s += $2 } END { print s + 0 }' "$queues_file"; }
queues_with() { awk -F': ' -v c="$1" '$1 ~ "^queue_[0-9]+_" c "$" && $2 > 0 { n++ } END { print n + 0 }' "$queues_file"; }
state() { sed -n "s/^$1: //p" "/sys/kernel/debug/ena_rust-$bdf/state"; }
ctl() {
	"${ENA_LAB_CACHE:-/root/.cache/ena-lab}/work/build/model/ena-model-ctl" \
		/dev/virtio-ports/org.ena-lab.ctl "$@" >/dev/null
}

# the peer: into its namespace once
peer=$(netdev_of /sys/bus/virtio/drivers/virtio_net/virtio*/net/*)
if ip netns list 2>/dev/null | grep -qw peer; then
	# the NIC that has the peer's address (the namespace has tunnels too)
	peer=$(ip -n peer -o -4 addr show | awk '$4 ~ /^192\.0\.2\.2\// { print $2; exit }')
else
	expect_ok "the peer goes into its namespace" peer_into_netns
fi

bind_rust() { to_ena_rust "$bdf" && [ "$(driver_of)" = ena_rust ]; }
# up_rust: address the Rust driver's interface and bring it up ($ena)
up_rust() {
	ena=$(rust_netdev_of "$bdf") || return 1
	ip addr add 192.0.2.1/24 dev "$ena" 2>/dev/null
	ip link set "$ena" up
}
carrier_on() { [ "$(cat "/sys/class/net/$ena/carrier" 2>/dev/null)" = 1 ]; }
wait_for() {
	local n=$1
	shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.2; done
	return 1
}
pings() { ping -c "${1:-3}" -i 0.2 -W 2 192.0.2.2 >/dev/null; }

expect_ok "ena_rust takes $bdf" bind_rust
expect_ok "its interface comes up" up_rust
expect_ok "carrier" wait_for 50 carrier_on
echo "rust-netdev: $ena, $(ls "/sys/class/net/$ena/queues" | tr '\n' ' ')"

expect_ok "ping ENA -> peer" ping -c 10 -i 0.2 -W 2 192.0.2.2
expect_ok "ping peer -> ENA, 1400-byte payload" ip netns exec peer ping -c 10 -i 0.2 -s 1400 -W 2 192.0.2.1
expect_ok "ping with DF at the full 1500-byte MTU" ping -c 3 -Mdo -s 1472 -W 2 192.0.2.2
expect_ok "... one byte more is refused locally" sh -c "! ping -c 1 -Mdo -s 1473 -W 2 192.0.2.2 2>/dev/null"

# the receiver's total, in MB (iperf3's "MBytes" are MiB; -n 100M sends
# 100 MiB, of which the receiver's summary may miss the last few KB)
megabytes() { awk '/SUM.*receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "MBytes") print int($i * 1.048576); else if ($(i + 1) == "GBytes") print int($i * 1073.741824) }'; }
iperf() {
	local port=$1
	shift
	ip netns exec peer iperf3 -s -D -1 -p "$port" >/dev/null 2>&1
	sleep 1
	iperf3 -c 192.0.2.2 -p "$port" -n "$amount" -f m "$@" 2>&1 | tee -a /tmp/iperf.log | megabytes
}
want=${amount%M}
sent=$(iperf 5201 -P 4)
expect_ok "iperf3 TCP ENA -> peer: at least $want MB (got ${sent:-0} MB)" test "${sent:-0}" -ge "$want"
got=$(iperf 5202 -P 4 -R)
expect_ok "iperf3 TCP peer -> ENA: at least $want MB (got ${got:-0} MB)" test "${got:-0}" -ge "$want"
grep -E 'SUM.*(sender|receiver)' /tmp/iperf.log | sed 's/^/rust-iperf3: /'

# spread_flows: 32 TCP connection attempts from the peer to closed ports
# (a SYN each, answered with a reset): 32 flows for the device's RSS, so
# that with several queues more than one receives (iperf3's few flows may
# all hash to one)
spread_flows() {
	ip netns exec peer bash -c 'for p in $(seq 40000 40031); do
		(exec 3<>/dev/tcp/192.0.2.1/$p) 2>/dev/null; done'
}
nq=$(ls -d "/sys/class/net/$ena/queues/rx-"* | wc -l)
spread_flows
rx_queues=$(queues_with rx_packets)
if [ "$nq" -gt 1 ]; then
	expect_ok "received flows (iperf3's and 32 SYNs) land on more than one of the $nq queues ($rx_queues did)" test "$rx_queues" -gt 1
fi
rx_bytes=$(queue_sum rx_bytes) tx_bytes=$(queue_sum tx_bytes)
expect_ok "the queues counted what came in (${rx_bytes} bytes)" test "$rx_bytes" -ge $((want * 1000000))
expect_ok "... and what went out (${tx_bytes} bytes)" test "$tx_bytes" -ge $((want * 1000000))
stat_rx=$(cat "/sys/class/net/$ena/statistics/rx_bytes")
expect_ok "the interface statistics are the queues' sums" test "$stat_rx" -ge "$rx_bytes"
expect_ok "the device verified received checksums" test "$(queue_sum rx_csum_good)" -gt 0
expect_eq "no checksum it rejected" 0 "$(queue_sum rx_csum_bad)"
expect_ok "the device completed sent TCP checksums ($(queue_sum tx_csum_offload) packets)" \
	test "$(queue_sum tx_csum_offload)" -gt $((want * 1000000 / 1500))
expect_eq "... none left to software" 0 "$(queue_sum tx_csum_software)"
sed 's/^/rust-queues: /' "$queues_file"

# ethtool: driver, counters, channels, RX checksum result off
info=$(ethtool -i "$ena")
expect_eq "ethtool -i: driver and bus" "ena_rust $bdf" \
	"$(sed -n 's/^driver: //p' <<<"$info") $(sed -n 's/^bus-info: //p' <<<"$info")"
est() { ethtool -S "$ena" | awk -v k="$1:" '$1 == k { print $2 }'; }
est_sum() { ethtool -S "$ena" | awk -v c="$1" '$1 ~ "^queue_[0-9]+_" c ":$" { s += $2 } END { print s + 0 }'; }
expect_ok "ethtool -S: admin commands completed ($(est admin_completed))" test "$(est admin_completed)" -gt 0
expect_eq "ethtool -S: no admin command failed" 0 "$(est admin_failed)"
expect_ok "ethtool -S: keep-alive events ($(est aenq_keep_alive))" test "$(est aenq_keep_alive)" -gt 0
expect_ok "ethtool -S: the queues' RX bytes ($(est_sum rx_bytes))" test "$(est_sum rx_bytes)" -ge $((want * 1000000))
expect_ok "ethtool -S: the queues' TX packets ($(est_sum tx_packets))" test "$(est_sum tx_packets)" -gt 0
channels() { ethtool -l "$ena" | awk -v part="$1" '$0 ~ "^" part { p = 1 } p && /^Combined:/ { print $2; exit }'; }
expect_eq "ethtool -l: as many channels as queues, all in use" "$nq $nq" "$(channels Pre-set) $(channels Current)"
# RX on queues other than 0: the debugfs counters cover every pair
rx_others() { awk -F': ' '$1 ~ /^queue_[1-9][0-9]*_rx_packets$/ { s += $2 } END { print s + 0 }' "$queues_file"; }
small=$((want / 10))
if [ "$nq" -gt 1 ]; then
	expect_ok "ethtool -L combined 1" ethtool -L "$ena" combined 1
	expect_eq "... one TX and one RX queue left" "1 1" \
		"$(ls -d "/sys/class/net/$ena/queues/tx-"* | wc -l) $(ls -d "/sys/class/net/$ena/queues/rx-"* | wc -l)"
	expect_eq "... ethtool -S shows queue 0 only" 0 "$(ethtool -S "$ena" | grep -c 'queue_[1-9]')"
	before=$(rx_others) stat_before=$(cat "/sys/class/net/$ena/statistics/rx_packets")
	got=$(amount=${small}M iperf 5203 -P 4 -R)
	expect_ok "... TCP peer -> ENA on one pair: $small MB (got ${got:-0} MB)" test "${got:-0}" -ge "$small"
	expect_eq "... nothing received on the other pairs" "$before" "$(rx_others)"
	expect_ok "... the interface totals kept counting" test "$(cat "/sys/class/net/$ena/statistics/rx_packets")" -gt "$stat_before"
	expect_ok "ethtool -L combined $nq" ethtool -L "$ena" combined "$nq"
	before=$(rx_others)
	got=$(amount=${small}M iperf 5204 -P 4 -R)
	expect_ok "... TCP peer -> ENA on $nq pairs: $small MB (got ${got:-0} MB)" test "${got:-0}" -ge "$small"
	spread_flows
	expect_ok "... received on pairs other than 0 again" test "$(rx_others)" -gt "$before"
	expect_ok "ethtool -L combined $((nq + 1)) is refused" sh -c "! ethtool -L $ena combined $((nq + 1)) 2>/dev/null"
fi
expect_ok "ethtool -K rx off tx off" ethtool -K "$ena" rx off tx off
good=$(queue_sum rx_csum_good) offloaded=$(queue_sum tx_csum_offload)
got=$(amount=${small}M iperf 5205 -P 2 -R)
expect_ok "... TCP peer -> ENA: $small MB (got ${got:-0} MB)" test "${got:-0}" -ge "$small"
got=$(amount=${small}M iperf 5206 -P 2)
expect_ok "... TCP ENA -> peer: $small MB (got ${got:-0} MB)" test "${got:-0}" -ge "$small"
expect_eq "... no checksum result taken from the device" "$good" "$(queue_sum rx_csum_good)"
expect_eq "... no checksum left to it" "$offloaded" "$(queue_sum tx_csum_offload)"
expect_ok "ethtool -K rx on tx on" ethtool -K "$ena" rx on tx on

# MTU: frames over more than one RX buffer at the largest
max_mtu=$(ip -d link show "$ena" | sed -n 's/.*maxmtu \([0-9]*\).*/\1/p')
echo "rust-peer: $peer"
for mtu in 576 4000 "$max_mtu"; do
	expect_ok "MTU $mtu on both ends" sh -c "ip link set $ena mtu $mtu && ip -n peer link set $peer mtu $mtu"
	expect_ok "MTU $mtu: DF pings of $((mtu - 28)) bytes both ways" \
		sh -c "ping -c 3 -i 0.2 -Mdo -s $((mtu - 28)) -W 2 192.0.2.2 >/dev/null &&
			ip netns exec peer ping -c 3 -i 0.2 -Mdo -s $((mtu - 28)) -W 2 192.0.2.1 >/dev/null"
done
expect_ok "MTU $((max_mtu + 1)) is refused" sh -c "! ip link set $ena mtu $((max_mtu + 1)) 2>/dev/null"
ip link set "$ena" mtu 1500
ip -n peer link set "$peer" mtu 1500

# recovery: link flap, keep-alive loss, lost TX completions
ctl link down
expect_ok "link down: carrier off" wait_for 50 sh -c "! grep -q 1 /sys/class/net/$ena/carrier"
ctl link up
expect_ok "link up: carrier on, traffic again" sh -c "$(declare -f wait_for carrier_on pings); ena=$ena; wait_for 50 carrier_on && pings"
resets=$(state resets)
ctl keepalive stop
expect_ok "keep-alive loss: the device is reset" wait_for 100 sh -c "[ \"\$(sed -n 's/^resets: //p' /sys/kernel/debug/ena_rust-$bdf/state)\" -gt $resets ]"
ctl keepalive resume
expect_ok "... and traffic flows again" wait_for 100 pings 2
resets=$(state resets)
# (the device hints a threshold of 8: see the test that boots this)
ctl tx-comp drop 40
ping -c 30 -i 0.05 -W 1 192.0.2.2 >/dev/null 2>&1
ctl tx-comp normal
expect_ok "lost TX completions: the device is reset" wait_for 100 sh -c "[ \"\$(sed -n 's/^resets: //p' /sys/kernel/debug/ena_rust-$bdf/state)\" -gt $resets ]"
expect_eq "... for missing TX completions" "MissingTxCompletion (3)" "$(state last_reset_reason)"
expect_ok "... and traffic flows again" wait_for 100 pings 2

failed=
for i in $(seq 20); do
	ip link set "$ena" down || failed+=" down#$i"
	echo "$bdf" >/sys/bus/pci/drivers/ena_rust/unbind || failed+=" unbind#$i"
	echo "$bdf" >/sys/bus/pci/drivers/ena_rust/bind || failed+=" bind#$i"
	up_rust || failed+=" up#$i"
	wait_for 50 carrier_on && pings 2 || failed+=" traffic#$i"
done
expect_eq "20 down/unbind/bind/up/traffic cycles" "" "$failed"

echo "$bdf" >/sys/bus/pci/drivers/ena_rust/unbind
echo >"/sys/bus/pci/devices/$bdf/driver_override"
expect_ok "rmmod ena_rust" rmmod ena_rust
echo "$bdf" >/sys/bus/pci/drivers/ena/bind
expect_eq "the C driver takes $bdf back" ena "$(driver_of)"
if [ -w /sys/kernel/debug/kmemleak ]; then
	for _ in 1 2; do
		sleep 6
		echo scan >/sys/kernel/debug/kmemleak
	done
	expect_eq "kmemleak reports no leaks" "" "$(cat /sys/kernel/debug/kmemleak)"
fi
expect_eq "no WARN or BUG from the kernel" "" "$(dmesg | grep -E 'WARNING:|BUG:' | head -n 3)"
test_summary
