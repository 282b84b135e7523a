#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside a VM booted with a distribution's prebuilt kernel on which
# our package was installed with dkms (scripts/tests/dist-install.sh).
# Checks that udev loaded our ena at boot (nobody insmod'ed it), that it
# says it is ours, that it moves traffic and passes the ethtool matrix;
# then the same for the kernel's own ena, for comparison. One line per
# check: "ok", "not ok" or "skip" (with the reason), the matrix's own lines
# prefixed with the driver; exit 1 if a check of our driver failed.
#
#   dist-check.sh VERSION host|llq [distro-matrix]
#
# distro-matrix: run the whole matrix on the kernel's driver too (by default
# it gets the basic checks only). Its failures are reported, not fatal: it
# is the baseline, not the driver under test.
version=$1 mode=$2 distro_matrix=${3:-}
[ -n "$version" ] && case $mode in host | llq) true ;; *) false ;; esac ||
	{ echo "usage: $0 VERSION host|llq [distro-matrix]" >&2 && exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
kver=$(uname -r)

# shellcheck source=SCRIPTDIR/../../ena-model/tests/vm/peer-net.sh
. "$here/../../ena-model/tests/vm/peer-net.sh"

failed=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*" && failed=1; }
skip() { echo "skip - $*"; }
check() {
	local name=$1
	shift
	if "$@" 2>/tmp/check.err; then ok "$name"; else not_ok "$name $(head -c 200 /tmp/check.err)"; fi
}

echo "# kernel $kver, model mode $mode, package $version"

# --- our driver, as udev loaded it at boot --------------------------------
# nothing in this script loaded a module yet: what is there came from udev
check "ena loaded at boot (by udev, from modules.alias)" test -d /sys/module/ena
check "the loaded ena is ours: /sys/module/ena/version = $version" \
	test "$(cat /sys/module/ena/version 2>/dev/null)" = "$version"
file=$(modinfo -F filename ena 2>/dev/null)
check "modprobe resolves ena to the dkms copy ($file)" \
	bash -c "case '$file' in /lib/modules/$kver/updates/*|/usr/lib/modules/$kver/updates/*) true;; *) false;; esac"
check "it taints the kernel out-of-tree (O): $(cat /sys/module/ena/taint 2>/dev/null)" grep -q O /sys/module/ena/taint
find_netdevs || { not_ok "no ena netdev or no peer"; exit 1; }
check "ethtool -i: driver ena, version $version" \
	bash -c "ethtool -i $ena | grep -qx 'driver: ena' && ethtool -i $ena | grep -qx 'version: $version'"
if [ -e /sys/kernel/debug/kmemleak ]; then
	ok "kmemleak: available (scan after the matrix)"
else
	skip "kmemleak: this kernel has no CONFIG_DEBUG_KMEMLEAK"
fi
check "devlink: enable_phc parameter present" bash -c "devlink dev param show pci/$(basename "$(readlink -f /sys/class/net/$ena/device)") name enable_phc >/dev/null"

matrix() {
	local who=$1
	shift
	# the matrix cables the peer itself; one run per boot leaves it cabled
	"$@" "$here/ena-ethtool-matrix.sh" "$mode" >/tmp/matrix.out 2>&1
	local rc=$?
	sed "s/^/# $who matrix: /" /tmp/matrix.out
	# what the kernel cannot do is a result line of its own
	sed -n "s/^skip - /skip - $who: /p" /tmp/matrix.out
	return $rc
}
if matrix ours env; then
	ok "ours: ethtool matrix ($(tail -n 1 /tmp/matrix.out | sed 's/^# //'))"
else
	not_ok "ours: ethtool matrix ($(tail -n 1 /tmp/matrix.out | sed 's/^# //'))"
fi
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	check "kmemleak: no leaks reported" test -z "$(cat /sys/kernel/debug/kmemleak)"
fi

# --- the kernel's own ena, for comparison ---------------------------------
# dkms keeps the kernel's own module aside while ours is installed (next
# to a NAME.origin file that records where it came from)
distro_ko=$(find "/lib/modules/$kver/kernel/drivers/net/ethernet/amazon/ena" \
	"/var/lib/dkms/ena/original_module/$kver" -name 'ena.ko*' ! -name '*.origin' 2>/dev/null | head -n 1)
if [ -z "$distro_ko" ]; then
	skip "distro: this kernel ships no ena module"
	exit $failed
fi
ip netns del peer 2>/dev/null
pkill iperf3 2>/dev/null
if [ -n "$distro_matrix" ]; then
	if matrix distro env ENA_KO="$distro_ko"; then
		echo "ok - distro: ethtool matrix ($(tail -n 1 /tmp/matrix.out | sed 's/^# //'))"
	else
		echo "not ok - distro: ethtool matrix ($(tail -n 1 /tmp/matrix.out | sed 's/^# //')) [baseline: not fatal]"
	fi
else
	export ENA_KO=$distro_ko
	why=
	find_netdevs || why="no ena netdev or peer after insmod $distro_ko: $(dmesg | grep -i ena | tail -n 2 | tr '\n' ' ')"
	[ -n "$why" ] || cable_peer || why="cabling the peer failed"
	[ -n "$why" ] || wait_carrier 1 || why="no carrier"
	[ -n "$why" ] || ping -q -c 3 -i 0.2 -W 2 192.0.2.2 >/dev/null || why="ping failed"
	ip netns exec peer iperf3 -s -D >/dev/null 2>&1
	sleep 1
	[ -n "$why" ] || iperf3 -c 192.0.2.2 -n 2M >/dev/null 2>&1 || why="TCP to the peer failed"
	[ -n "$why" ] || iperf3 -c 192.0.2.2 -n 2M -R >/dev/null 2>&1 || why="TCP from the peer failed"
	if [ -z "$why" ]; then
		echo "ok - distro: ping and TCP both ways (version $(ethtool -i "$ena" | sed -n 's/^version: //p'))"
	else
		echo "not ok - distro: $why [baseline: not fatal]"
	fi
fi
exit $failed
