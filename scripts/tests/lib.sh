# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Assertions for the shell tests. Each prints "ok - ..." or "not ok - ..."
# with the evidence; test_summary prints "N passed, N failed" and sets the
# exit status.

TESTS_PASSED=0
TESTS_FAILED=0
TEST_LOG=$(mktemp)

pass() {
	TESTS_PASSED=$((TESTS_PASSED + 1))
	printf 'ok - %s\n' "$1"
}
fail() {
	TESTS_FAILED=$((TESTS_FAILED + 1))
	printf 'not ok - %s\n' "$1"
	# the first 30 lines of the evidence; sed reads it all, as a reader that
	# stops early (head) would fail the pipe and, under errexit, the test
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed -n '1,30s/^/#   /p'
}

# expect_ok DESC CMD...: CMD succeeds.
expect_ok() {
	local desc=$1
	shift
	if "$@" >"$TEST_LOG" 2>&1; then pass "$desc"; else fail "$desc" "$(cat "$TEST_LOG")"; fi
}

# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected: $2
actual:   $3"; fi
}

# expect_fail_with DESC TEXT CMD...: CMD fails, and its output says TEXT on
# a line starting with "error: " (the one-line error the user sees).
expect_fail_with() {
	local desc=$1 text=$2
	shift 2
	if "$@" >"$TEST_LOG" 2>&1; then
		fail "$desc" "succeeded, but should have failed with: $text"
	elif grep '^error: ' "$TEST_LOG" | grep -qF -- "$text"; then
		pass "$desc"
	else
		fail "$desc" "failed without 'error: ...$text...':
$(cat "$TEST_LOG")"
	fi
}

# The VM tests that run both drivers in both modes: sets base_ko (upstream's
# ena.ko for the VM kernel) and runs ("MODE DRIVER" pairs): the one pair
# given in CI, all four with ENA_LAB_FULL=1 (scripts/test --full).
vm_driver_runs() {
	base_ko=$LAB_VM_BASE_ENA_DIR/ena.ko
	[ -f "$base_ko" ] || die "no upstream ena.ko at $base_ko: run scripts/build-vm-kernel"
	runs=("$1")
	[ -z "${ENA_LAB_FULL:-}" ] || runs=("host series" "llq base" "host base" "llq series")
}

# wait_for TRIES CMD...: CMD succeeds within TRIES x 200 ms.
wait_for() {
	local tries=$1
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || return 1
		sleep 0.2
	done
}

# Anything in dmesg that smells of a kernel bug.
kernel_splats() { dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|kmemleak: [0-9]+ new suspected'; }

test_summary() {
	rm -f "$TEST_LOG"
	printf '%d passed, %d failed\n' "$TESTS_PASSED" "$TESTS_FAILED"
	[ "$TESTS_FAILED" = 0 ]
}
