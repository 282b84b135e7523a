#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/vm-run itself: the guest command's exit status comes back, the
# console and the model's log are kept, a --rwdir directory takes what the
# guest writes there, and nothing is left running or lying around
# afterwards, also when the command fails, and what a vm-run killed with
# SIGKILL left behind is swept by the next one.
#
#   scripts/tests/vm-harness.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
. "$LAB_SCRIPTS/tests/lib.sh"

# run directories whose owner is not alive, and any model or QEMU that names
# a run directory which is gone or has no live owner (a vm-run of someone
# else that is running now is not a leftover)
leftovers() {
	local dir line
	for dir in "$LAB_WORK"/run.*; do
		[ -d "$dir" ] || continue
		run_dir_owned "$dir" || echo "$dir"
	done
	(pgrep -a -f "ena-model --socket $LAB_WORK/run\\.|vfio-user-pci.*$LAB_WORK/run\\." ||
		true) | while read -r line; do
			dir=$(grep -o "$LAB_WORK/run\\.[A-Za-z0-9]*" <<<"$line" | head -n 1)
			run_dir_owned "$dir" || echo "$line"
		done
}

# what a vm-run killed with SIGKILL leaves: a run directory with a dead owner
# and a model still listening in it
stale=$(mktemp -d "$LAB_WORK/run.XXXXXX")
sh -c 'exit 0' & dead_pid=$!
wait "$dead_pid"
echo "$dead_pid" >"$stale/owner"
make -s -C "$LAB_REPO/ena-model" BUILD="$LAB_BUILD/model" "$LAB_BUILD/model/ena-model" ||
	die "could not build ena-model"
# started from a subshell so that, once killed, init reaps it
("$LAB_BUILD/model/ena-model" --socket "$stale/ena0.sock" >/dev/null 2>&1 & echo $! >"$stale/model.pid")
stale_model=$(cat "$stale/model.pid")

rw=$LAB_ARTIFACTS/harness-rw
rm -rf "$rw"
mkdir -p "$rw"
rc=0
"$LAB_SCRIPTS/vm-run" --name harness --rwdir "$rw" -- \
	sh -c 'echo guest-says-hello; echo "cache=$ENA_LAB_CACHE"; ls /sys/bus/pci/devices >/dev/null; echo written >/tmp/rw/0/from-guest; exit 3' \
	>"$LAB_ARTIFACTS/harness.stdout" 2>&1 || rc=$?
out=$LAB_ARTIFACTS/vm/harness
expect_eq "the guest command's exit status is returned" 3 "$rc"
expect_ok "the command's stdout is passed through" grep -qx guest-says-hello "$LAB_ARTIFACTS/harness.stdout"
expect_ok "the guest knows where the work cache is (ENA_LAB_CACHE)" grep -qx "cache=$LAB_CACHE" "$LAB_ARTIFACTS/harness.stdout"
expect_ok "what vm-run printed before the guest ran is not overwritten" grep -q "==> booting" "$LAB_ARTIFACTS/harness.stdout"
expect_ok "the guest console is kept" grep -q 'Linux version' "$out/console.log"
expect_ok "the model's log is kept and shows QEMU connecting" grep -q 'client connected' "$out/model.log"
expect_eq "the exit status is recorded" 3 "$(cat "$out/status")"
expect_eq "what the guest wrote to /tmp/rw/0 is in the --rwdir directory" written "$(cat "$rw/from-guest" 2>/dev/null)"
expect_eq "no model, QEMU or run directory is left afterwards" "" "$(leftovers)"
expect_eq "the run directory of a killed vm-run is swept" "" "$(ls -d "$stale" 2>/dev/null)"
expect_eq "the model a killed vm-run left behind is stopped" "" "$(ps -o pid= -p "$stale_model")"
expect_fail_with "a missing kernel is a one-line error" "no kernel at $LAB_WORK/nope" \
	"$LAB_SCRIPTS/vm-run" --kernel "$LAB_WORK/nope" -- true
expect_fail_with "a missing --rwdir directory is a one-line error" "--rwdir $LAB_WORK/nope: no such directory" \
	"$LAB_SCRIPTS/vm-run" --rwdir "$LAB_WORK/nope" -- true
test_summary
