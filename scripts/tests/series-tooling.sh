#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the patch-stack tooling (apply-series, export-series,
# cover-letter, quilt compatibility, the mirrors) on a scratch kernel tree
# and a scratch project, so they never touch the real series.
#
#   scripts/tests/series-tooling.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
. "$LAB_SCRIPTS/tests/lib.sh"

T=$(mktemp -d /tmp/series-tooling.XXXXXX)
[ -n "${KEEP_TEST_DIR:-}" ] || trap 'rm -rf "$T"' EXIT
S=$LAB_SCRIPTS
export GIT_AUTHOR_NAME="Ann Tester" GIT_AUTHOR_EMAIL=ann@example.org
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL

# A scratch "kernel": just enough for the tooling's sanity checks.
mk_kernel() {
	local k=$1
	mkdir -p "$k/$LAB_ENA_DIR" "$k/tools/testing/selftests/drivers/net/hw"
	printf '// SPDX-License-Identifier: GPL-2.0\nstatic int ena_probe(void)\n{\n\treturn 0;\n}\n' >"$k/$LAB_ENA_DIR/ena_netdev.c"
	printf 'obj-m += ena.o\n' >"$k/$LAB_ENA_DIR/Makefile"
	printf 'TEST_PROGS :=\n' >"$k/tools/testing/selftests/drivers/net/hw/Makefile"
	seq 1 40 | sed 's/^/line /' >"$k/MAINTAINERS"
	git -C "$k" init -q -b master
	git -C "$k" add -A
	git -C "$k" commit -q -m base
}
mk_kernel "$T/linux"

# A scratch project: empty series, a mirror directory that already holds
# out-of-tree build support (which export must keep).
P=$T/proj
mkdir -p "$P/patches" "$P/drivers-net-ethernet-amazon-ena"
: >"$P/series"
printf 'obj-m := ena.o\n' >"$P/drivers-net-ethernet-amazon-ena/Makefile"
printf 'net: ena: scratch series\n\nA series to test the tooling.\n' >"$P/cover-letter.txt"
git -C "$P" init -q -b main
git -C "$P" add -A
git -C "$P" commit -q -m init

export KSRC=$T/linux ENA_LAB_REPO=$P ENA_LAB_CACHE=$T/cache
W=$T/work
commit_in() {
	local dir=$1 msg=$2
	git -C "$dir" add -A
	git -C "$dir" commit -q -s -m "$msg" -m "Why this change is needed."
}

# --- a series is written with the documented workflow --------------------
expect_ok "apply an empty series makes a worktree at the base" "$S/apply-series" "$W"
sed -i 's/return 0;/return 1;/' "$W/$LAB_ENA_DIR/ena_netdev.c"
commit_in "$W" "net: ena: return one"
printf '/* SPDX-License-Identifier: GPL-2.0 */\n#define ENA_TRACE 1\n' >"$W/$LAB_ENA_DIR/ena_trace.h"
commit_in "$W" "net: ena: add a trace header"
printf '#!/usr/bin/env python3\nprint("ok")\n' >"$W/tools/testing/selftests/drivers/net/hw/ena_test.py"
chmod +x "$W/tools/testing/selftests/drivers/net/hw/ena_test.py"
commit_in "$W" "selftests: drv-net: add an ena test"
expect_ok "export writes the commits to patches/" "$S/export-series" "$W"
expect_eq "series lists the three patches in order" \
	"$(printf '0001-net-ena-return-one.patch\n0002-net-ena-add-a-trace-header.patch\n0003-selftests-drv-net-add-an-ena-test.patch')" \
	"$(cat "$P/series")"
expect_ok "the new driver file is mirrored" cmp "$W/$LAB_ENA_DIR/ena_trace.h" "$P/drivers-net-ethernet-amazon-ena/ena_trace.h"
expect_ok "the new selftest is mirrored, executable" test -x "$P/tools-testing-selftests/drivers/net/hw/ena_test.py"
expect_ok "out-of-tree build support in a mirror is kept" grep -q 'obj-m := ena.o' "$P/drivers-net-ethernet-amazon-ena/Makefile"
expect_ok "a modified upstream file is not mirrored" test ! -e "$P/drivers-net-ethernet-amazon-ena/ena_netdev.c"
git -C "$P" add -A
git -C "$P" commit -q -m "series v1"

# --- round trip: apply into a fresh worktree and export again ------------
W2=$T/work2
expect_ok "apply the exported series to a fresh worktree" "$S/apply-series" "$W2"
expect_ok "export from it" "$S/export-series" "$W2"
expect_eq "apply + export round-trips with no diff" "" "$(git -C "$P" status --porcelain)"
expect_ok "re-applying an unchanged series is a no-op" "$S/apply-series" "$W2"

# --- editing patch 2 by the README's workflow -----------------------------
printf '#define ENA_TRACE_LEVEL 2\n' >>"$W2/$LAB_ENA_DIR/ena_trace.h"
git -C "$W2" commit -q -a --fixup=HEAD~1
expect_ok "autosquash the fixup into patch 2" \
	env GIT_SEQUENCE_EDITOR=true git -C "$W2" rebase -q -i --autosquash "$(git -C "$T/linux" rev-parse HEAD)"
expect_ok "export the edited series" "$S/export-series" "$W2"
expect_eq "only patch 2 and its mirrored file changed" \
	"$(printf ' M drivers-net-ethernet-amazon-ena/ena_trace.h\n M patches/0002-net-ena-add-a-trace-header.patch')" \
	"$(git -C "$P" status --porcelain)"
git -C "$P" commit -q -a -m "series v2"

# --- quilt push -a works on the same files --------------------------------
Q=$T/quilt
mkdir -p "$Q"
git -C "$T/linux" archive HEAD | tar -x -C "$Q"
expect_ok "quilt push -a applies the series" \
	sh -c "cd '$Q' && QUILT_PATCHES='$P/patches' QUILT_SERIES='$P/series' quilt push -a -q"
expect_ok "quilt's tree equals the git worktree's" \
	diff -r -x .git -x .pc -x '*.orig' "$Q" "$W2"

# --- work that was never exported is never thrown away --------------------
printf 'extra\n' >>"$W2/$LAB_ENA_DIR/ena_netdev.c"
expect_fail_with "apply refuses a worktree with uncommitted changes" "uncommitted changes" "$S/apply-series" "$W2"
git -C "$W2" commit -q -a -m "net: ena: not exported yet"
expect_fail_with "apply refuses a worktree with unexported commits" "not exported" "$S/apply-series" "$W2"
expect_ok "--force discards them on request" "$S/apply-series" --force "$W2"

# --- bad input: clear one-line errors -------------------------------------
expect_fail_with "a missing KSRC is named" "KSRC=$T/nope does not exist" \
	env KSRC="$T/nope" "$S/apply-series" "$T/w3"
mkdir -p "$T/notlinux"
expect_fail_with "a KSRC without the ENA driver is named" "is not a Linux tree" \
	env KSRC="$T/notlinux" "$S/apply-series" "$T/w3"
mk_kernel "$T/other"
printf 'drifted\n' >"$T/other/$LAB_ENA_DIR/ena_netdev.c"
git -C "$T/other" commit -q -a -m drift
expect_fail_with "a tree where a patch does not apply names the first failing patch" \
	"patch 1 of 3 (0001-net-ena-return-one.patch) does not apply" \
	env KSRC="$T/other" "$S/apply-series" "$T/w4"
expect_fail_with "a series entry without its file is named" "series lists 0009-missing.patch" \
	sh -c "echo 0009-missing.patch >>'$P/series' && '$S/apply-series' '$T/w5'"
git -C "$P" checkout -q -- series

# --- the cover letter is something b4 understands ------------------------
expect_ok "cover-letter writes the mails" "$S/cover-letter" "$T/out"
N=$T/out/net-next
expect_ok "without net fixes there is no net set" test ! -e "$T/out/net"
expect_ok "the cover letter carries the base-commit" \
	grep -q "^base-commit: $(git -C "$T/linux" rev-parse HEAD)" "$N/0000-cover-letter.patch"
expect_ok "the cover letter carries our subject" \
	grep -q '^Subject: \[PATCH net-next 0/3\] net: ena: scratch series' "$N/0000-cover-letter.patch"
expect_ok "the mails go to netdev" grep -q '^To: netdev@vger.kernel.org' "$N/0001-net-ena-return-one.patch"
cat "$N"/*.patch >"$T/series.mbox"
expect_ok "b4 parses the series with its cover letter and base-commit" \
	sh -c "cd '$T/linux' && b4 -n --offline-mode am -m '$T/series.mbox' -o '$T/b4out' 2>&1 | tee '$T/b4.log' |
		grep -q 'Base: using specified base-commit $(git -C "$T/linux" rev-parse HEAD)'"
expect_ok "b4's mbox applies to the base" \
	sh -c "git -C '$T/linux' worktree add -q --detach '$T/w6' HEAD && git -C '$T/w6' am -q '$T'/b4out/*.mbx"

# --- fixes for net are mailed apart from net-next -------------------------
printf '# for net\nnet: ena: return one\n' >"$P/net-fixes.txt"
expect_ok "cover-letter splits net and net-next" "$S/cover-letter" "$T/out2"
expect_ok "the fix is a single [PATCH net] mail" \
	sh -c "ls '$T/out2/net' | grep -qx 0001-net-ena-return-one.patch && [ \$(ls '$T/out2/net' | wc -l) = 1 ] &&
		grep -q '^Subject: \\[PATCH net\\] net: ena: return one' '$T/out2/net/0001-net-ena-return-one.patch'"
expect_ok "net-next is numbered without it" \
	grep -q '^Subject: \[PATCH net-next 0/2\] net: ena: scratch series' "$T/out2/net-next/0000-cover-letter.patch"
cat "$T/out2/net-next"/*.patch >"$T/next.mbox"
expect_ok "net-next applies to the base without the net fix" \
	sh -c "cd '$T/linux' && b4 -n --offline-mode am -m '$T/next.mbox' -o '$T/b4next' >/dev/null 2>&1 &&
		git -C '$T/linux' worktree add -q --detach '$T/w7' HEAD && git -C '$T/w7' am -q '$T'/b4next/*.mbx"
printf 'selftests: drv-net: add an ena test\n' >"$P/net-fixes.txt"
expect_fail_with "a net fix after net-next patches is refused" "comes after net-next patches" \
	"$S/cover-letter" "$T/out3"
printf 'net: ena: no such patch\n' >"$P/net-fixes.txt"
expect_fail_with "a net fix that is not in the series is named" "no patch of the series" \
	"$S/cover-letter" "$T/out3"
rm -f "$P/net-fixes.txt"

test_summary
