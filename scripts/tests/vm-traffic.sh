#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Traffic through the emulated ENA: the ENA netdev cabled to a virtio-net
# NIC in a netns (vm-run --peer), ping both ways and a TCP transfer of at
# least 100 MB each way, in host (regular) TX mode and in LLQ mode with
# large LLQ headers (tx-push-buf-len 224); the model's pcap must hold the
# frames. CI runs base + series (the VM kernel's ena) in host mode, with
# kmemleak: after the traffic it is unloaded and nothing may leak (vm-ethtool
# runs upstream's ena.ko in LLQ mode, the selftests ours in LLQ mode);
# ENA_LAB_FULL=1 (scripts/test --full) runs both drivers in both modes.
#
#   scripts/tests/vm-traffic.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
# shellcheck source=SCRIPTDIR/lib.sh
. "$LAB_SCRIPTS/tests/lib.sh"

check=$LAB_REPO/ena-model/tests/vm/peer-check.sh

vm_driver_runs "host series"

# megabytes DIRECTION-HEADER FILE: what iperf3's receiver got after HEADER
megabytes() {
	awk -v h="$1" 'index($0, h) { on = 1; next } on && /receiver/ {
		for (i = 1; i < NF; i++) if ($(i + 1) == "MBytes") print int($i); else if ($(i + 1) == "GBytes") print int($i * 1024)
		exit }' "$2"
}

for run in "${runs[@]}"; do
	read -r mode driver <<<"$run"
	name=traffic-$mode-$driver
	out=$LAB_ARTIFACTS/vm/$name
	args=(--name "$name" --peer --model-arg --pcap --model-arg "$out/frames.pcap"
		--model-arg --pcap-snaplen --model-arg 96)
	push=
	# LLQ is the model's default, as on Nitro devices
	if [ "$mode" = host ]; then args+=(--model-arg --set --model-arg llq=off); else push=224; fi
	env=()
	# our driver also gets a load/traffic/unload cycle under kmemleak
	if [ "$driver" = series ]; then args+=(--kmemleak); else env=(ENA_KO="$base_ko"); fi
	expect_ok "$mode mode, $driver driver: ping and TCP both ways" \
		"$LAB_SCRIPTS/vm-run" "${args[@]}" -- env "${env[@]}" "$check" 120M $push
	tx=$(megabytes "iperf3 TCP ENA -> peer" "$out/stdout.log") rx=$(megabytes "iperf3 TCP peer -> ENA" "$out/stdout.log")
	if [ "${tx:-0}" -ge 100 ] && [ "${rx:-0}" -ge 100 ]; then
		pass "$mode mode, $driver driver: at least 100 MB each way (sent $tx MB, received $rx MB)"
	else
		fail "$mode mode, $driver driver: at least 100 MB each way (sent ${tx:-?} MB, received ${rx:-?} MB)"
	fi
	# the pcap: ICMP both ways between the two addresses, and the TCP frames
	icmp=$(tcpdump -nn -r "$out/frames.pcap" 'icmp and host 192.0.2.1 and host 192.0.2.2' 2>/dev/null | wc -l)
	tcp=$(tcpdump -nn -r "$out/frames.pcap" 'tcp and host 192.0.2.1 and host 192.0.2.2' 2>/dev/null | wc -l)
	if [ "$icmp" -ge 60 ] && [ "$tcp" -ge 10000 ]; then
		pass "$mode mode, $driver driver: the model's pcap holds the frames ($icmp ICMP, $tcp TCP)"
	else
		fail "$mode mode, $driver driver: the model's pcap holds the frames ($icmp ICMP, $tcp TCP)"
	fi
	rm -f "$out/frames.pcap"
	grep -E 'sender|receiver|packet loss' "$out/stdout.log" | sed "s/^/# $mode $driver: /"
done
test_summary
