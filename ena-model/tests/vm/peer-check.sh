#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the VM started with "scripts/vm-run --peer": the ENA netdev
# (192.0.2.1) and the virtio-net NIC cabled to it through the model's
# dgram backend (moved into netns "peer", 192.0.2.2) ping each other and
# run a short iperf3 TCP transfer in both directions.
#
#   scripts/vm-run --peer -- ena-model/tests/vm/peer-check.sh [SECONDS|SIZE [PUSH_LEN]]
#
# SIZE (say 120M) transfers that much each way instead of running SECONDS.
# PUSH_LEN (96 or 224, in the model's default LLQ mode) is set with
# "ethtool -G tx-push-buf-len" first.
set -o pipefail
secs=${1:-10}
push=${2:-}
case $secs in
*[KMG]) amount=(-n "$secs") ;;
*) amount=(-t "$secs") ;;
esac

. "$(dirname "$0")/peer-net.sh"
find_netdevs || { echo "ena netdev: ${ena:-none}, peer netdev: ${peer:-none}"; exit 1; }
echo "ena netdev: $ena, peer netdev: $peer"

dmesg | grep -iE 'ena.*(LLQ|placement)' | tail -n 3
if [ -n "$push" ]; then
	ethtool -G "$ena" tx-push-buf-len "$push" || exit 1
	sleep 1
	ena=$(ena_netdev)
fi
ethtool -g "$ena" 2>/dev/null | grep -iE 'push|TX:' | head -n 4

cable_peer || exit 1
wait_carrier 1 200
echo "carrier: $(cat /sys/class/net/$ena/carrier)"
ethtool -k "$ena" | grep -E '^(tx-checksum-ip|tcp-segmentation-offload|rx-checksumming|receive-hashing):'
ethtool -c "$ena" | grep -E 'Adaptive|usecs:' | head -n 4

rc=0
echo "== ping ENA -> peer"
ping -c 20 -i 0.2 -W 2 192.0.2.2 | tail -n 3 || rc=1
echo "== ping peer -> ENA, 1400-byte payload"
ip netns exec peer ping -c 10 -i 0.2 -s 1400 -W 2 192.0.2.1 | tail -n 3 || rc=1
if command -v iperf3 >/dev/null; then
	ip netns exec peer iperf3 -s -D -1 -p 5201 >/dev/null 2>&1 ||
		{ ip netns exec peer iperf3 -s -1 -p 5201 >/dev/null 2>&1 & }
	sleep 1
	echo "== iperf3 TCP ENA -> peer (${amount[*]})"
	iperf3 -c 192.0.2.2 -p 5201 "${amount[@]}" -f m 2>&1 | grep -E 'sender|receiver|error' || rc=1
	ip netns exec peer iperf3 -s -D -1 -p 5202 >/dev/null 2>&1 ||
		{ ip netns exec peer iperf3 -s -1 -p 5202 >/dev/null 2>&1 & }
	sleep 1
	echo "== iperf3 TCP peer -> ENA (${amount[*]}, -R)"
	iperf3 -c 192.0.2.2 -p 5202 "${amount[@]}" -f m -R 2>&1 | grep -E 'sender|receiver|error' || rc=1
fi
echo "== ethtool -S $ena (non-zero)"
ethtool -S "$ena" | awk -F: '$2 + 0 != 0' | head -n 60
echo "== ena messages"
dmesg | grep -iE ' ena |ena:' | grep -viE 'LLQ is not supported' | tail -n 15
# booted with kmemleak=on: unload the driver after the traffic, then
# nothing may be left unreferenced (an object shows after two scans)
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "== kmemleak after unloading ena"
	ip netns exec peer pkill iperf3
	ip link set "$ena" down
	rmmod ena || rc=1
	for _ in 1 2; do
		sleep 6
		echo scan >/sys/kernel/debug/kmemleak
	done
	leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
	echo "kmemleak: $leaks unreferenced objects"
	[ "$leaks" = 0 ] || { head -n 40 /sys/kernel/debug/kmemleak; rc=1; }
fi
exit $rc
