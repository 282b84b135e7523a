#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (see scripts/tests/vm-probe.sh): the ena driver binds
# the emulated device cleanly, keep-alive interrupts arrive about once a
# second, the link comes up, and 20 unload/load cycles probe cleanly with
# nothing for kmemleak to report.
#
#   ena-probe-check.sh EXPECTED_MAC

set -o nounset -o pipefail
. "$(dirname "$0")/../tests/lib.sh"

mac=${1:?expected MAC}

ena_netdev() {
	local d
	for d in /sys/bus/pci/drivers/ena/*/net/*; do
		[ -e "$d" ] && basename "$d" && return
	done
}
# ena's messages at warning level or worse
ena_warnings() { dmesg --level=emerg,alert,crit,err,warn | grep -E '(^| )ena '; }
mgmt_irqs() { awk '/ena-mgmnt/ { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n }' /proc/interrupts; }

has_netdev() { [ -n "$(ena_netdev)" ]; }

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
echo clear >/sys/kernel/debug/kmemleak 2>/dev/null
# udev may have loaded ena at boot already: start from an unloaded driver
# so that this probe's messages are the ones checked.
modprobe -r ena
dmesg -C

expect_ok "modprobe ena" modprobe ena
expect_ok "ena binds the device and registers a netdev" wait_for 50 has_netdev
# udev renames eth0 (to enp0s9) right after registration
udevadm settle
dev=$(ena_netdev)
expect_eq "no ena warnings or errors in dmesg" "" "$(ena_warnings)"
# the model offers LLQ, as Nitro devices do: TX headers are pushed
expect_ok "the driver uses LLQ (ethtool -g: TX push on)" sh -c "ethtool -g '$dev' | grep -qi '^tx push:[[:space:]]*on'"
expect_eq "ip link shows the profile's MAC" "$mac" "$(cat "/sys/class/net/$dev/address")"
expect_eq "ethtool -i says driver ena" "driver: ena" "$(ethtool -i "$dev" | grep '^driver:')"

before=$(mgmt_irqs)
sleep 5
after=$(mgmt_irqs)
rate="$before -> $after in 5 s"
if [ $((after - before)) -ge 4 ] && [ $((after - before)) -le 7 ]; then
	pass "management interrupts rise about once a second (keep-alive): $rate"
else
	fail "management interrupts rise about once a second (keep-alive)" "$rate"
fi

expect_ok "ip link set up" ip link set "$dev" up
carrier() { [ "$(cat "/sys/class/net/$dev/carrier" 2>/dev/null)" = 1 ]; }
expect_ok "carrier comes up" wait_for 25 carrier
expect_ok "ip link set down" ip link set "$dev" down

failed_cycles=
for i in $(seq 20); do
	rmmod ena || failed_cycles+=" rmmod#$i"
	modprobe ena || failed_cycles+=" modprobe#$i"
	wait_for 50 has_netdev || failed_cycles+=" probe#$i"
done
expect_eq "20 rmmod/modprobe cycles all probe" "" "$failed_cycles"
expect_eq "no ena warnings after the cycles" "" "$(ena_warnings)"

if [ -w /sys/kernel/debug/kmemleak ]; then
	rmmod ena
	# kmemleak reports an object only after it was unreferenced for two scans
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	expect_eq "kmemleak reports no leaks" "" "$(cat /sys/kernel/debug/kmemleak)"
else
	fail "kmemleak is on" "/sys/kernel/debug/kmemleak is not writable: boot with kmemleak=on"
fi
expect_eq "no kernel warnings, bugs or leaks in dmesg" "" "$(kernel_splats)"

test_summary
