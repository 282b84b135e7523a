#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The per-patch checks catch what they claim to: a scratch series on the
# real base tree with one clean patch and one patch that breaks every rule
# once (checkpatch, a compiler warning, a sparse warning, a kernel-doc
# warning, a coccinelle report, no Signed-off-by, wrong subject prefix, a
# message naming our tooling), a selftests patch whose subject must carry
# the selftests prefix, a Rust module rustfmt rejects and one clippy
# rejects, a kernel crate patch clippy rejects; a second run reuses the
# results.
#
#   scripts/tests/check-series.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
. "$LAB_SCRIPTS/tests/lib.sh"

T=$(mktemp -d /tmp/check-series.XXXXXX)
trap 'rm -rf "$T"' EXIT
P=$T/proj
mkdir -p "$P/patches"
: >"$P/series"
export ENA_LAB_REPO=$P

W=$T/tree
"$LAB_SCRIPTS/apply-series" "$W" >/dev/null
export GIT_AUTHOR_NAME="Ann Tester" GIT_AUTHOR_EMAIL=ann@example.org
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
# fixed dates: the same scratch patches every run, so that check-series can
# reuse its results while nothing they depend on changed
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
netdev=$W/$LAB_ENA_DIR/ena_netdev.c

# 1: clean. A comment, properly sent.
sed -i '0,/^static struct workqueue_struct \*ena_wq;/s//\/* Driver-wide workqueue for reset and timer work. *\/\n&/' "$netdev"
git -C "$W" commit -q -a -s -m "net: ena: explain the driver workqueue" \
	-m "A reader meeting ena_wq first does not know what it is for."

# 2: everything wrong once.
cat >>"$netdev" <<'EOF'

/**
 * ena_lab_bad() - breaks every per-patch check once
 *
 * Return: a value
 */
static int __maybe_unused ena_lab_bad(int count, void *buf)
{
	int unused;
	u32 raw = cpu_to_le32(count);

	if (buf)
		kfree(buf);
	return raw;   
}
EOF
git -C "$W" commit -q -a -m "ena: add a bad helper" -m "For the checker's tests, run with scripts/test on ena-model."

# 3: a selftests patch under the driver's prefix.
printf '# a comment\n' >>"$W/tools/testing/selftests/drivers/net/hw/Makefile"
git -C "$W" commit -q -a -s -m "net: ena: comment the hw tests' Makefile" -m "A selftests patch is named after its directory."

# commit_rust_module NAME SUBJECT MESSAGE: a Rust module NAME in its own
# directory under the ena directory, the body of its init() from stdin.
commit_rust_module() {
	local dir=$W/$LAB_ENA_DIR/$1
	mkdir -p "$dir"
	printf '# SPDX-License-Identifier: GPL-2.0\nobj-m += %s.o\n' "$1" >"$dir/Makefile"
	{
		cat <<EOF
// SPDX-License-Identifier: GPL-2.0

//! A module for the checker's tests.

use kernel::prelude::*;

module! {
    type: Test,
    name: "$1",
    authors: ["Ann Tester"],
    description: "checker test",
    license: "GPL",
}

struct Test;

impl kernel::Module for Test {
    fn init(_module: &'static ThisModule) -> Result<Self> {
EOF
		cat
		printf '        Ok(Test)\n    }\n}\n'
	} >"$dir/$1.rs"
	git -C "$W" add -A
	git -C "$W" commit -q -s -m "$2" -m "$3"
}

# 4: a Rust module, badly formatted and with an unused variable.
commit_rust_module rust_t "net: ena: add a Rust test module" "The Rust checks must catch it." <<'EOF'
        let   unused = 1;
EOF

# 5: a Rust module rustfmt accepts, with something clippy rejects.
commit_rust_module rust_c "net: ena: add another Rust test module" "Clippy must catch it." <<'EOF'
        let value = 1u32;
        pr_info!("{}\n", u32::from(value));
EOF

# 6: a kernel crate patch, rustfmt-clean, with something clippy rejects.
cat >>"$W/rust/kernel/workqueue.rs" <<'EOF'

/// A helper for the checker's tests.
pub fn checker_test_helper(value: u32) -> u32 {
    u32::from(value)
}
EOF
git -C "$W" commit -q -a -s -m "rust: workqueue: add a helper for the checker" \
	-m "Clippy must catch it in the kernel crate."

"$LAB_SCRIPTS/export-series" "$W" >/dev/null

rc=0
"$LAB_SCRIPTS/check-series" >"$T/out" 2>&1 || rc=$?
expect_eq "check-series fails when a patch breaks the rules" 1 "$rc"
row() { grep -E "^$1" "$T/out" | tr -s ' '; }
expect_eq "the clean patch passes every check" \
	"0001-net-ena-explain-the-driver-workqueue ok ok ok ok ok n/a ok ok ok " "$(row 0001)"
expect_eq "the bad patch fails every check" \
	"0002-ena-add-a-bad-helper FAIL FAIL FAIL FAIL FAIL n/a FAIL FAIL FAIL " "$(row 0002)"
expect_eq "a selftests patch needs the selftests prefix (subject column)" \
	FAIL "$(row 0003 | cut -d' ' -f9)"
expect_eq "a badly formatted Rust module with a warning fails the rust check" \
	FAIL "$(row 0004 | cut -d' ' -f7)"
expect_ok "rustfmt's complaint is shown" grep -q 'rustfmt --check wants these changes' "$T/out"
expect_eq "a Rust module clippy warns about fails the rust check" \
	FAIL "$(row 0005 | cut -d' ' -f7)"
expect_ok "clippy's complaint is shown" grep -q 'useless conversion' "$T/out"
expect_eq "a kernel crate patch clippy warns about fails the rust check" \
	"0006-rust-workqueue-add-a-helper-for-the-checker ok ok ok n/a n/a FAIL ok ok ok " "$(row 0006)"
expect_ok "... with clippy's complaint about the kernel crate" grep -q 'clippy warns about the kernel crate' "$T/out"
expect_ok "the tooling named in a message is shown" grep -q 'scripts/test on ena-model' "$T/out"
expect_ok "checkpatch's complaint is shown" grep -q 'trailing whitespace' "$T/out"
expect_ok "the compiler warning is shown" grep -q "unused variable 'unused'" "$T/out"
expect_ok "the sparse warning is shown" grep -q 'incorrect type in initializer' "$T/out"
expect_ok "the kernel-doc warning is shown" grep -qE "(parameter|Function parameter).*'count'" "$T/out"
expect_ok "the coccinelle report is shown" grep -q 'NULL check before some freeing functions' "$T/out"

# a second run with nothing changed reuses every patch's results, and
# prints the same table
rc=0
"$LAB_SCRIPTS/check-series" >"$T/out2" 2>&1 || rc=$?
expect_eq "a second run reuses the results of all six patches" 6 "$(grep -c 'results reused' "$T/out2")"
expect_eq "... and reports the same table" "$(row 0002)" "$(grep -E '^0002' "$T/out2" | tr -s ' ')"
expect_eq "... and ends with its summary (nothing computed, nothing timed)" \
	"per-patch checks: 6 patch(es), 12 failure(s)" "$(tail -n 1 "$T/out2")"
[ "$TESTS_FAILED" = 0 ] || sed 's/^/#   /' "$T/out"
test_summary
