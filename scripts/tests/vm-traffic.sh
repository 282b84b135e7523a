#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Traffic through the emulated ENA with the upstream driver: the ENA
# netdev cabled to a virtio-net NIC in a netns (vm-run --peer), ping both
# ways and a TCP transfer each way, in host (regular) TX mode and in LLQ
# mode with large LLQ headers (tx-push-buf-len 224).
#
#   scripts/tests/vm-traffic.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
. "$LAB_SCRIPTS/tests/lib.sh"

check=$LAB_REPO/ena-model/tests/vm/peer-check.sh
expect_ok "ping and TCP both ways, host TX mode" \
	"$LAB_SCRIPTS/vm-run" --name traffic-host --peer -- "$check" 5
expect_ok "ping and TCP both ways, LLQ with 224-byte push headers" \
	"$LAB_SCRIPTS/vm-run" --name traffic-llq --peer --model-arg --set --model-arg llq=on -- "$check" 5 224
for mode in host llq; do
	grep -E 'sender|receiver|packet loss' "$LAB_ARTIFACTS/vm/traffic-$mode/stdout.log" | sed "s/^/# $mode: /"
done
test_summary
