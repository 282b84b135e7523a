#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ethtool/netdev matrix (scripts/guest/ena-ethtool-matrix.sh) in the VM:
# channels, rings, tx-push-buf-len, coalescing, RSS, flow hash, features,
# counters and MTU with traffic after each change, then link down/up and a
# keep-alive reset through the model's control port. CI runs upstream's
# ena.ko in LLQ mode (the oracle: where it fails, the model is wrong; our
# driver goes through the same settings in the selftests); ENA_LAB_FULL=1
# (scripts/test --full) runs both drivers in both modes.
#
#   scripts/tests/vm-ethtool.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
# shellcheck source=SCRIPTDIR/lib.sh
. "$LAB_SCRIPTS/tests/lib.sh"

matrix=$LAB_SCRIPTS/guest/ena-ethtool-matrix.sh

vm_driver_runs "llq base"
for run in "${runs[@]}"; do
	read -r mode driver <<<"$run"
	args=(--name "ethtool-$mode-$driver" --peer)
	# LLQ is the model's default, as on Nitro devices
	[ "$mode" != host ] || args+=(--model-arg --set --model-arg llq=off)
	env=()
	[ "$driver" = series ] || env=(ENA_KO="$base_ko")
	expect_ok "$mode mode, $driver driver: every check of the matrix" \
		"$LAB_SCRIPTS/vm-run" "${args[@]}" -- env "${env[@]}" "$matrix" "$mode"
	sed -n 's/^\(not ok\|# [0-9]\)/# '"$mode $driver"': &/p' "$LAB_ARTIFACTS/vm/ethtool-$mode-$driver/stdout.log"
done
test_summary
