#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (see scripts/tests/vm-probe.sh), after the C driver's
# checks: the Rust driver (ena_rust) takes the ENA function through
# driver_override, reads the device the way the C driver does and shows it
# in debugfs; 20 unbind/bind cycles; then the function goes back to the C
# driver, which passes traffic, and kmemleak and dmesg stay clean.
#
# Prints the debugfs file as "rust-debugfs: KEY: VALUE" lines, which the
# host compares with what the model says it offers.
#
#   rust-ena-check.sh EXPECTED_MAC

set -o nounset -o pipefail
. "$(dirname "$0")/../tests/lib.sh"
# shellcheck source=SCRIPTDIR/../../ena-model/tests/vm/peer-net.sh
. "$(dirname "$0")/../../ena-model/tests/vm/peer-net.sh"

mac=${1:?expected MAC}
driver_of() { basename "$(readlink -f "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)"; }
on_driver() { [ "$(driver_of)" = "$1" ]; }
debugfs_file() { echo "/sys/kernel/debug/ena_rust-$bdf/device"; }
value() { sed -n "s/^$1: //p" "$(debugfs_file)"; }

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
# the first ENA function, by its vendor id (whatever the C driver makes of it)
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1d0f ] && bdf=$(basename "$d") && break
done
expect_ok "an ENA function is there" test -n "${bdf:-}"
modprobe ena
wait_for 50 sh -c 'ls /sys/bus/pci/drivers/ena/*/net >/dev/null 2>&1'
udevadm settle
dev=$(ena_netdev)
c_mtu=$(ip -d link show dev "$dev" 2>/dev/null | sed -n 's/.* maxmtu \([0-9]*\).*/\1/p')
dmesg -C

expect_ok "modprobe ena_rust" modprobe ena_rust
expect_eq "ena_rust binds no device by itself (no ID table entry)" "ena" "$(driver_of)"
[ ! -e "/sys/bus/pci/drivers/ena/$bdf" ] || echo "$bdf" >/sys/bus/pci/drivers/ena/unbind
echo ena_rust >"/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" >/sys/bus/pci/drivers/ena_rust/bind
expect_eq "driver_override + bind puts $bdf on ena_rust" ena_rust "$(driver_of)"
expect_ok "debugfs shows the device" test -r "$(debugfs_file)"
sed 's/^/rust-debugfs: /' "$(debugfs_file)"
expect_eq "the MAC is the profile's" "$mac" "$(value mac)"
expect_eq "max MTU as the C driver saw it" "$c_mtu" "$(value max_mtu)"
expect_eq "readless register reads (the model's default)" yes "$(value readless)"
expect_eq "admin commands: all submitted ones completed" "$(value admin_submitted)" "$(value admin_completed)"
expect_eq "admin commands: none failed" 0 "$(value admin_failed)"
expect_eq "admin commands: no timeouts" 0 "$(value admin_timeouts)"
expect_ok "the probe said what it found" sh -c "dmesg | grep -q 'ena_rust.*ENA found, MAC $mac'"

failed_cycles=
for i in $(seq 20); do
	echo "$bdf" >/sys/bus/pci/drivers/ena_rust/unbind || failed_cycles+=" unbind#$i"
	[ ! -e "$(debugfs_file)" ] || failed_cycles+=" debugfs-left#$i"
	echo "$bdf" >/sys/bus/pci/drivers/ena_rust/bind || failed_cycles+=" bind#$i"
	on_driver ena_rust && [ "$(value admin_failed)" = 0 ] || failed_cycles+=" probe#$i"
done
expect_eq "20 unbind/bind cycles all probe" "" "$failed_cycles"

# back to the C driver: the device was left usable
echo "$bdf" >/sys/bus/pci/drivers/ena_rust/unbind
echo >"/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" >/sys/bus/pci/drivers/ena/bind
expect_eq "the C driver takes $bdf back" ena "$(driver_of)"
expect_ok "the C driver registers its netdev again" find_netdevs
expect_ok "cable the peer" cable_peer
expect_ok "carrier" wait_carrier 1
expect_ok "the C driver passes traffic after the Rust driver" ping -c 3 -W 2 192.0.2.2
expect_ok "rmmod ena_rust" rmmod ena_rust

if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	expect_eq "kmemleak reports no leaks" "" "$(cat /sys/kernel/debug/kmemleak)"
fi
expect_eq "no kernel warnings, bugs or leaks in dmesg" "" "$(kernel_splats)"
test_summary
