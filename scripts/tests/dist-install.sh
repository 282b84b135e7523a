#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Our driver installed from its source package (scripts/dist) on Debian's
# prebuilt kernels, as a user installs it, and compared with each kernel's
# own ena. For every kernel in DIST_KERNELS (the toolchain root has their
# images and headers, see toolchain/packages):
#
#   1. build from the tarball with the compiler that kernel was built with,
#      W=1: no warning allowed, modinfo shows the package's version;
#   2. dkms add/build/install: the module lands in updates/dkms;
#   3. boot that kernel on the device model: udev loads our ena at boot,
#      then scripts/guest/dist-check.sh (traffic, the ethtool matrix, the
#      kernel's own ena for comparison);
#   4. dkms remove: modinfo shows the kernel's own ena again.
#
# Prints a kernel x driver table at the end. CI boots every kernel in host
# mode, with the basic checks (ping, TCP both ways) for the kernel's own
# driver; ENA_LAB_FULL=1 (scripts/test --full) adds LLQ mode and the whole
# matrix for the kernel's own driver too.
#
#   scripts/tests/dist-install.sh [KERNEL_RELEASE...]

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
# shellcheck source=SCRIPTDIR/lib.sh
. "$LAB_SCRIPTS/tests/lib.sh"
. "$LAB_SCRIPTS/lib/dist.sh"

# Debian 12's kernel, Debian 13's and the 7.3 from trixie-backports
DIST_KERNELS=(6.1.0-57-amd64 6.12.117+deb13-amd64 7.3.4+deb13-amd64)
[ $# = 0 ] || DIST_KERNELS=("$@")
modes=(host)
[ -z "${ENA_LAB_FULL:-}" ] || modes+=(llq)
command -v dkms >/dev/null || die "dkms is not in the toolchain root: re-run scripts/toolchain"

tarball=$("$LAB_SCRIPTS/dist" | tail -n 1) || die "scripts/dist failed"
version=$(basename "$tarball" .tar.gz)
version=${version#ena-}
art=$LAB_ARTIFACTS/dist-install
rm -rf "$art"
mkdir -p "$art"
table=()

# a dkms registration left by an interrupted run would make "dkms add" fail
dkms_cleanup() {
	dkms remove "ena/$version" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/ena-$version"
}
trap dkms_cleanup EXIT
dkms_cleanup

# expect_refusal DESC TEXT CMD...: CMD fails and its output contains TEXT
expect_refusal() {
	local desc=$1 text=$2
	shift 2
	if "$@" >"$TEST_LOG" 2>&1; then
		fail "$desc" "succeeded, but should have failed saying: $text"
	elif grep -qF -- "$text" "$TEST_LOG"; then
		pass "$desc: $(grep -F -- "$text" "$TEST_LOG" | head -n 1 | cut -c1-110)"
	else
		fail "$desc" "failed without saying '$text':
$(tail -n 15 "$TEST_LOG")"
	fi
}

# the compiler a kernel was built with, as its config names it
kernel_cc_text() { sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$1/.config"; }

# A broken package or build environment is refused with what to fix.
kdir=/usr/src/linux-headers-${DIST_KERNELS[0]}
bad=$art/broken
mkdir -p "$bad"
tar -xzf "$tarball" -C "$bad"
rm "$bad/ena-$version/ena_xdp.c"
expect_refusal "a package missing a file" "This package lacks ena_xdp.c" \
	make -C "$bad/ena-$version" KDIR="$kdir"
rm -rf "$bad" && mkdir -p "$bad" && tar -xzf "$tarball" -C "$bad"
expect_refusal "a kernel without headers" "No kernel headers at /lib/modules/0.0.0-none/build" \
	make -C "$bad/ena-$version" KVER=0.0.0-none
expect_refusal "a compiler that is not there" "The kernel was built with: $(kernel_cc_text "$kdir")" \
	make -C "$bad/ena-$version" KDIR="$kdir" CC=gcc-no-such-version
rm -rf "$bad"

for kver in "${DIST_KERNELS[@]}"; do
	kdir=/usr/src/linux-headers-$kver
	[ -f "$kdir/Makefile" ] || die "no headers for $kver at $kdir: add them to toolchain/packages"
	[ -f "/boot/vmlinuz-$kver" ] || die "no /boot/vmlinuz-$kver: add its linux-image to toolchain/packages"
	cc=$(kernel_cc_text "$kdir" | cut -d' ' -f1)
	command -v "$cc" >/dev/null || die "$kver was built with $cc, which the toolchain root lacks"

	# 1. by hand, W=1
	work=$art/$kver
	mkdir -p "$work"
	tar -xzf "$tarball" -C "$work"
	start=$SECONDS
	if make -C "$work/ena-$version" KVER="$kver" KDIR="$kdir" CC="$cc" W=1 >"$work/build.log" 2>&1; then
		pass "$kver: builds from the tarball with $cc, W=1 ($((SECONDS - start)) s)"
		build="ok $((SECONDS - start))s"
	else
		fail "$kver: builds from the tarball with $cc, W=1" "$(grep -E 'error|Error' "$work/build.log" | head -n 20)"
		build=FAIL
	fi
	warnings=$(grep -c 'warning:' "$work/build.log" || true)
	expect_eq "$kver: no compiler warnings with W=1" 0 "$warnings"
	ko=$work/ena-$version/ena.ko
	expect_eq "$kver: modinfo version of the built ena.ko" "$version" "$(modinfo -F version "$ko" 2>/dev/null)"
	expect_eq "$kver: vermagic" "$kver" "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)"

	# 2. dkms, as INSTALL tells the user
	start=$SECONDS
	cp -r "$work/ena-$version" "/usr/src/ena-$version"
	make -s -C "/usr/src/ena-$version" KDIR="$kdir" clean >/dev/null 2>&1
	if { dkms add "ena/$version" && dkms build "ena/$version" -k "$kver" &&
		dkms install "ena/$version" -k "$kver"; } >"$work/dkms.log" 2>&1; then
		pass "$kver: dkms add/build/install ($((SECONDS - start)) s)"
	else
		fail "$kver: dkms add/build/install" "$(tail -n 20 "$work/dkms.log"; cat /var/lib/dkms/ena/"$version"/build/make.log 2>/dev/null | tail -n 20)"
	fi
	file=$(modinfo -k "$kver" -F filename ena 2>/dev/null)
	case $file in
	*/updates/*) pass "$kver: modinfo ena -> $file" ;;
	*) fail "$kver: modinfo ena points into updates/" "$file" ;;
	esac
	expect_eq "$kver: modinfo -k $kver -F version ena" "$version" "$(modinfo -k "$kver" -F version ena 2>/dev/null)"

	# 3. boot it: udev loads the installed module
	for mode in "${modes[@]}"; do
		name=dist-$kver-$mode
		args=(--name "$name" --kernel "/boot/vmlinuz-$kver" --peer)
		[ "$mode" != host ] || args+=(--model-arg --set --model-arg llq=off)
		guest=("$LAB_SCRIPTS/guest/dist-check.sh" "$version" "$mode")
		[ -z "${ENA_LAB_FULL:-}" ] || guest+=(distro-matrix)
		start=$SECONDS
		if "$LAB_SCRIPTS/vm-run" "${args[@]}" -- "${guest[@]}" >"$TEST_LOG" 2>&1; then
			pass "$kver, $mode mode: our ena loaded by udev, every check passes ($((SECONDS - start)) s)"
		else
			fail "$kver, $mode mode: our ena loaded by udev, every check passes" "$(grep '^not ok' "$TEST_LOG")"
		fi
		out=$LAB_ARTIFACTS/vm/$name/stdout.log
		grep -E '^(not ok|skip) ' "$out" | sed "s/^/# $kver $mode: /"
		ours=$(sed -n 's/^\(not \)\{0,1\}ok - ours: ethtool matrix (\(.*\))$/\2/p' "$out")
		distro=$(sed -n 's/^\(not \)\{0,1\}ok - distro: \(.*\)$/\2/p' "$out")
		skips=$(grep -c '^skip ' "$out" || true)
		table+=("$kver|$mode|$build|$warnings|ours: ${ours:-no result}|$skips skipped|distro: ${distro:-no result}")
	done

	# 4. back to the kernel's own driver
	dkms remove "ena/$version" -k "$kver" >>"$work/dkms.log" 2>&1
	file=$(modinfo -k "$kver" -F filename ena 2>/dev/null)
	case $file in
	*/kernel/drivers/net/ethernet/amazon/ena/*) pass "$kver: after dkms remove, modinfo ena -> $file" ;;
	*) fail "$kver: after dkms remove, modinfo ena points at the kernel's own" "$file" ;;
	esac
	dkms_cleanup
done

echo "# package ena-$version"
printf '# %-22s %-5s %-10s %-9s %s\n' kernel mode build W=1-warn "guest results"
for row in "${table[@]}"; do
	IFS='|' read -r k m b w o s d <<<"$row"
	printf '# %-22s %-5s %-10s %-9s %s; %s; %s\n' "$k" "$m" "$b" "$w" "$o" "$s" "$d"
done
test_summary
