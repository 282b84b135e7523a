# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The out-of-tree source package (scripts/dist) and installing it on
# distribution kernels (scripts/tests/dist-*.sh). Source after common.sh.

# What the package leaves out of the ena directory: the Rust driver, which
# needs a kernel built with Rust.
DIST_LEAVES_OUT=rust

# dist_version TREE OOT: <base release>+v<series revision>.<hash>: the
# kernel release the series is based on (TREE's Makefile), the revision
# the cover letter's newest "Changes in vN" names (v1 without one), and 12
# hex digits of a hash over the package's sources (the ena directory's files
# at TREE's HEAD but DIST_LEAVES_OUT, as git lists them, and every file
# under OOT), so that two packages with different sources never share a
# version.
dist_version() {
	local tree=$1 oot=$2 release rev id files
	release=$(make -s -C "$tree" kernelversion 2>/dev/null) ||
		die "cannot read the kernel version of $tree"
	rev=$(sed -n 's/^Changes in v\([0-9][0-9]*\).*/\1/p' "$LAB_REPO/cover-letter.txt" | sort -n | tail -n 1)
	files=$(git -C "$tree" ls-tree -r "HEAD:$LAB_ENA_DIR") ||
		die "$tree has no $LAB_ENA_DIR at HEAD"
	id=$({
		grep -v "$(printf '\t')$DIST_LEAVES_OUT/" <<<"$files"
		(cd "$oot" && find . -type f | LC_ALL=C sort | xargs sha256sum)
	} | sha256sum | cut -c1-12)
	printf '%s+v%s.%s\n' "$release" "${rev:-1}" "$id"
}

# dist_check_contents DIR: stop if the package in DIR lacks a file a build
# needs (a broken oot/ directory, or a series that dropped a source).
dist_check_contents() {
	local pkg=$1 f obj
	for f in Makefile Kbuild Kbuild.ena compat-probe ena_compat.h ena_oot.c \
		dkms.conf INSTALL VERSION MANIFEST; do
		[ -f "$pkg/$f" ] || die "the package lacks $f"
	done
	ls "$pkg"/probes/*.c "$pkg"/requires/*.c >/dev/null 2>&1 || die "the package has no compat probes"
	# every object Kbuild.ena names has its source
	for obj in $(sed -n 's/^ena-y[[:space:]]*:\{0,1\}+\{0,1\}=//p' "$pkg/Kbuild.ena"); do
		[ -f "$pkg/${obj%.o}.c" ] || die "Kbuild.ena builds $obj but the package has no ${obj%.o}.c"
	done
}
