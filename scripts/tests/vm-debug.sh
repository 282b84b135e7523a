#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug kernel's pass (scripts/test --full): builds the debug VM kernel
# (KASAN, UBSAN, lockdep, sleep-in-atomic, debug objects, the netdev
# refcount tracker), then on it: the ena selftests with our driver (the
# fault matrix and the stress cases included), the fault matrix with
# upstream's driver (failing only the cases the series fixes), and
# vm-ethtool. Each must pass as on the regular kernel, and no console may
# show a splat; one from outside ena is still a failure here (it is
# printed, so it can be reported upstream).

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
# shellcheck source=SCRIPTDIR/lib.sh
. "$LAB_SCRIPTS/tests/lib.sh"

start=$SECONDS
expect_ok "the debug VM kernel builds" "$LAB_SCRIPTS/build-vm-kernel" --debug
log "debug kernel: built in $((SECONDS - start)) s"
export ENA_LAB_DEBUG_KERNEL=1
lab_select_vm_kernel
base_ko=$LAB_VM_BASE_ENA_DIR/ena.ko

consoles=()
start=$SECONDS
expect_ok "ena selftests (our driver) on the debug kernel" \
	"$LAB_SCRIPTS/selftests" --suite ena --name debug-ours
consoles+=("$LAB_ARTIFACTS/selftests/debug-ours/ena.console.log")
log "debug kernel: ena selftests in $((SECONDS - start)) s"
start=$SECONDS
# Upstream's driver fails the two cases whose bugs the series fixes
# (rx_bad_first: patch 0003, rx_bad_len: patch 0005), and only those.
"$LAB_SCRIPTS/selftests" --suite ena --name debug-upstream \
	--test drivers/net/lab/lab_faults.py --module "$base_ko" || true
ktap=$LAB_ARTIFACTS/selftests/debug-upstream/ena/drivers_net_lab_lab_faults.py.ktap
expect_ok "the fault matrix (upstream's driver) ran to its end" grep -q '^# Totals:' "$ktap"
expect_eq "the fault matrix (upstream's driver) fails only what the series fixes" \
	"lab_faults.rx_bad_first lab_faults.rx_bad_len" \
	"$(sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$ktap" | sort | xargs)"
consoles+=("$LAB_ARTIFACTS/selftests/debug-upstream/ena.console.log")
log "debug kernel: fault matrix (upstream) in $((SECONDS - start)) s"
start=$SECONDS
expect_ok "vm-ethtool on the debug kernel" "$LAB_SCRIPTS/tests/vm-ethtool.sh"
consoles+=("$LAB_ARTIFACTS"/vm/ethtool-*/console.log)
log "debug kernel: vm-ethtool in $((SECONDS - start)) s"

for c in "${consoles[@]}"; do
	expect_eq "no splat in $(basename "$(dirname "$c")")/$(basename "$c")" "" "$(console_splats "$c")"
done
test_summary
