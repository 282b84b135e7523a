#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/vm-run itself: the guest command's exit status comes back, the
# console and the model's log are kept, a --rwdir directory takes what the
# guest writes there, and nothing is left running or lying around
# afterwards, also when the command fails.
#
#   scripts/tests/vm-harness.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
. "$LAB_SCRIPTS/tests/lib.sh"

leftovers() {
	pgrep -a -f "ena-model --socket $LAB_WORK/run\\.|vfio-user-pci.*$LAB_WORK/run\\." || true
	ls -d "$LAB_WORK"/run.* 2>/dev/null || true
}
expect_eq "nothing of an earlier run is left before the test" "" "$(leftovers)"

rw=$LAB_ARTIFACTS/harness-rw
rm -rf "$rw"
mkdir -p "$rw"
rc=0
"$LAB_SCRIPTS/vm-run" --name harness --rwdir "$rw" -- \
	sh -c 'echo guest-says-hello; ls /sys/bus/pci/devices >/dev/null; echo written >/tmp/rw/0/from-guest; exit 3' \
	>"$LAB_ARTIFACTS/harness.stdout" 2>&1 || rc=$?
out=$LAB_ARTIFACTS/vm/harness
expect_eq "the guest command's exit status is returned" 3 "$rc"
expect_ok "the command's stdout is passed through" grep -qx guest-says-hello "$LAB_ARTIFACTS/harness.stdout"
expect_ok "what vm-run printed before the guest ran is not overwritten" grep -q "==> booting" "$LAB_ARTIFACTS/harness.stdout"
expect_ok "the guest console is kept" grep -q 'Linux version' "$out/console.log"
expect_ok "the model's log is kept and shows QEMU connecting" grep -q 'client connected' "$out/model.log"
expect_eq "the exit status is recorded" 3 "$(cat "$out/status")"
expect_eq "what the guest wrote to /tmp/rw/0 is in the --rwdir directory" written "$(cat "$rw/from-guest" 2>/dev/null)"
expect_eq "no model, QEMU or run directory is left afterwards" "" "$(leftovers)"
expect_fail_with "a missing kernel is a one-line error" "no kernel at $LAB_WORK/nope" \
	"$LAB_SCRIPTS/vm-run" --kernel "$LAB_WORK/nope" -- true
expect_fail_with "a missing --rwdir directory is a one-line error" "--rwdir $LAB_WORK/nope: no such directory" \
	"$LAB_SCRIPTS/vm-run" --rwdir "$LAB_WORK/nope" -- true
test_summary
