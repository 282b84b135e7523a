#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (see scripts/tests/vm-probe.sh), after the C driver's
# checks: the Rust driver (ena_rust) takes the ENA function through
# driver_override, reads the device the way the C driver does and shows it
# in debugfs, and registers a network interface (the device's MAC and MTU
# limits, the carrier following the link, what it is given sent and
# counted; rust-ena-traffic.sh tests its data path). Through the model's
# control port:
# keep-alives arrive, the link state and the carrier follow the device,
# and a keep-alive loss and a fatal error each
# make the watchdog reset and re-initialise the device. Then 20 unbind/bind
# cycles, the function goes back to the C driver, which passes traffic, and
# kmemleak and dmesg stay clean.
#
# Prints the debugfs files as "rust-debugfs: KEY: VALUE" lines, which the
# host compares with what the model says it offers.
#
#   rust-ena-check.sh EXPECTED_MAC          the full check (default profile)
#   rust-ena-check.sh --defaults            probe only: the profile withholds
#                                           optional features

set -o nounset -o pipefail
. "$(dirname "$0")/../tests/lib.sh"
# shellcheck source=SCRIPTDIR/../../ena-model/tests/vm/peer-net.sh
. "$(dirname "$0")/../../ena-model/tests/vm/peer-net.sh"

mac=${1:?expected MAC or --defaults}
driver_of() { basename "$(readlink -f "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)"; }
on_driver() { [ "$(driver_of)" = "$1" ]; }
debugfs_file() { echo "/sys/kernel/debug/ena_rust-$bdf/${1:-device}"; }
value() { sed -n "s/^$1: //p" "$(debugfs_file)"; }
state() { sed -n "s/^$1: //p" "$(debugfs_file state)"; }
ctl() {
	"${ENA_LAB_CACHE:-/root/.cache/ena-lab}/work/build/model/ena-model-ctl" \
		/dev/virtio-ports/org.ena-lab.ctl "$@" >/dev/null
}
# the state file's KEY is VALUE (for wait_for)
state_is() { [ "$(state "$1")" = "$2" ]; }
# at least 2 keep-alive events since the last bring-up (for wait_for)
keep_alives_counted() { [ "$(state aenq_keep_alive)" -ge 2 ] 2>/dev/null; }
# admin commands all completed, none failed, aborted or timed out
admin_clean() {
	[ "$(state admin_submitted)" = "$(state admin_completed)" ] &&
		[ "$(state admin_failed)$(state admin_aborted)$(state admin_timeouts)" = 000 ]
}

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
# the first ENA function, by its vendor id (whatever the C driver makes of it)
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1d0f ] && bdf=$(basename "$d") && break
done
expect_ok "an ENA function is there" test -n "${bdf:-}"

if [ "$mac" = --defaults ]; then
	# No readless reads, no hints, no LLQ: the driver falls back to plain
	# register reads and the C driver's default timeouts.
	modprobe ena_rust
	[ ! -e "/sys/bus/pci/drivers/ena/$bdf" ] || echo "$bdf" >/sys/bus/pci/drivers/ena/unbind
	echo ena_rust >"/sys/bus/pci/devices/$bdf/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers/ena_rust/bind
	expect_eq "ena_rust probes a device without readless, hints or LLQ" ena_rust "$(driver_of)"
	sed 's/^/rust-debugfs: /' "$(debugfs_file)" "$(debugfs_file state)"
	expect_eq "plain register reads" no "$(value readless)"
	expect_eq "no hints shown" none "$(value hints)"
	expect_eq "no LLQ shown" none "$(value llq)"
	expect_eq "the C driver's keep-alive timeout (6 s)" 6000 "$(value keep_alive_timeout_ms)"
	expect_ok "keep-alives arrive" wait_for 30 keep_alives_counted
	expect_ok "admin commands all completed cleanly" admin_clean
	expect_ok "unbind" sh -c "echo $bdf >/sys/bus/pci/drivers/ena_rust/unbind"
	expect_ok "rmmod ena_rust" rmmod ena_rust
	expect_eq "no kernel warnings, bugs or leaks in dmesg" "" "$(kernel_splats)"
	test_summary
	exit
fi
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
t0=$(date +%s%N)
echo "$bdf" >/sys/bus/pci/drivers/ena_rust/bind
echo "probe-time: ena_rust $((($(date +%s%N) - t0) / 1000)) us (the bind write, on this TCG guest)"
expect_eq "driver_override + bind puts $bdf on ena_rust" ena_rust "$(driver_of)"
expect_ok "debugfs shows the device" test -r "$(debugfs_file)"
# the host information the driver sent carries these (the host checks it)
echo "rust-uname: release: $(uname -r)"
sed 's/^/rust-debugfs: /' "$(debugfs_file)" "$(debugfs_file state)"
expect_eq "the MAC is the profile's" "$mac" "$(value mac)"
expect_eq "max MTU as the C driver saw it" "$c_mtu" "$(value max_mtu)"
expect_eq "readless register reads (the model's default)" yes "$(value readless)"
expect_eq "host information sent" yes "$(value host_info_sent)"
expect_eq "every event group enabled" 0x1f "$(value aenq_enabled_groups)"
expect_eq "admin commands complete through the interrupt after probe" interrupt "$(state admin_mode)"
expect_ok "admin commands: all completed, none failed, aborted or timed out" admin_clean
expect_ok "the probe said what it found" sh -c "dmesg | grep -q 'ena_rust.*ENA found, MAC $mac'"

# The network interface: the device's MAC and MTU limits, the carrier
# following the link.
# one readdir: a glob would race with udev renaming the interface
netif_of_bdf() { ls "/sys/bus/pci/devices/$bdf/net/" 2>/dev/null | head -n 1; }
udevadm settle
netif=$(netif_of_bdf)
carrier_is() { [ "$(cat "/sys/class/net/$(netif_of_bdf)/carrier" 2>/dev/null)" = "$1" ]; }
expect_ok "a network interface is registered ($netif)" test -n "$netif" -a -e "/sys/class/net/$netif"
expect_eq "... with the device's MAC" "$mac" "$(cat "/sys/class/net/$netif/address" 2>/dev/null)"
expect_eq "... whose maximum MTU is the device's" "$c_mtu" \
	"$(ip -d link show dev "$netif" 2>/dev/null | sed -n 's/.* maxmtu \([0-9]*\).*/\1/p')"
expect_ok "... MTU $((c_mtu + 1)) refused" sh -c "! ip link set dev $netif mtu $((c_mtu + 1)) 2>/dev/null"
expect_ok "... MTU 127 refused (the minimum is 128)" sh -c "! ip link set dev $netif mtu 127 2>/dev/null"
expect_ok "... MTU $c_mtu and back to 1500 taken" \
	sh -c "ip link set dev $netif mtu $c_mtu && ip link set dev $netif mtu 1500"
expect_ok "ip link set up" ip link set dev "$netif" up
expect_ok "carrier on: the device said the link is up" wait_for 10 carrier_is 1
# what the stack sends goes out and is counted (ARP requests here)
sent_before=$(cat "/sys/class/net/$netif/statistics/tx_packets")
dropped_before=$(cat "/sys/class/net/$netif/statistics/tx_dropped")
ip addr add 198.51.100.1/24 dev "$netif"
ping -q -c 2 -W 1 -I "$netif" 198.51.100.2 >/dev/null 2>&1
sent=$(($(cat "/sys/class/net/$netif/statistics/tx_packets") - sent_before))
dropped=$(($(cat "/sys/class/net/$netif/statistics/tx_dropped") - dropped_before))
expect_ok "packets sent on it are transmitted ($sent) and none dropped ($dropped)" \
	test "$sent" -ge 1 -a "$dropped" = 0
ip addr flush dev "$netif"

# An admin command after probe: it completes through the interrupt.
by_irq=$(state admin_by_interrupt)
expect_eq "basic stats through an admin command" "status: ok" "$(tail -n 1 "$(debugfs_file basic_stats)")"
expect_eq "... completed in interrupt mode" $((by_irq + 1)) "$(state admin_by_interrupt)"

# Keep-alives at the device's rate (1/s): 2 to 5 in 3 s.
k0=$(state aenq_keep_alive)
sleep 3
k1=$(state aenq_keep_alive)
expect_ok "keep-alives arrive at the device's rate ($k0 -> $k1 in 3 s)" \
	test $((k1 - k0)) -ge 2 -a $((k1 - k0)) -le 5
expect_ok "the last keep-alive is recent" test "$(state keep_alive_age_ms)" -lt 1500

expect_eq "the link is up" up "$(state link)"
ctl link down
expect_ok "link down within 1 s" wait_for 5 state_is link down
expect_ok "... carrier off" wait_for 5 carrier_is 0
ctl link up
expect_ok "link up within 1 s" wait_for 5 state_is link up
expect_ok "... carrier on" wait_for 5 carrier_is 1
ctl notify
expect_ok "a hints notification is counted" wait_for 10 state_is aenq_notification 1

# Keep-alive loss: the watchdog resets the device within its timeout (6 s,
# checked every second) and brings it up again.
timeout_ms=$(value keep_alive_timeout_ms)
t0=$(date +%s%N)
ctl keepalive stop
wait_for 100 state_is resets 1
waited_ms=$((($(date +%s%N) - t0) / 1000000))
ctl keepalive resume
# the last keep-alive came up to 1 s before the stop; the watchdog looks
# once a second; 2 s more for a slow guest
expect_ok "keep-alive loss: reset after ${waited_ms} ms, the timeout being $timeout_ms ms" \
	test "$waited_ms" -ge $((timeout_ms - 1000)) -a "$waited_ms" -le $((timeout_ms + 3000))
expect_eq "... for the keep-alive timeout" "KeepAliveTimeout (1)" "$(state last_reset_reason)"
expect_ok "... and keep-alives count again" wait_for 30 keep_alives_counted
expect_eq "... after one reset only" 1 "$(state resets)"
expect_eq "... the device is up" no "$(state failed)"
expect_ok "... admin commands clean after the re-initialisation" admin_clean

# Fatal error: the same recovery.
ctl fatal
expect_ok "fatal error: reset within 2 s" wait_for 10 state_is resets 2
expect_eq "... for the fatal error" "Generic (13)" "$(state last_reset_reason)"
expect_ok "... and keep-alives count again" wait_for 30 keep_alives_counted
expect_eq "... the link state is known again" up "$(state link)"
expect_ok "... carrier on again" wait_for 10 carrier_is 1
expect_eq "... basic stats work again" "status: ok" "$(tail -n 1 "$(debugfs_file basic_stats)")"
expect_ok "... admin commands clean" admin_clean
expect_ok "the resets are in the kernel log" \
	sh -c "dmesg | grep -q 'resetting the device: KeepAliveTimeout' && dmesg | grep -q 'resetting the device: Generic'"
sed 's/^/rust-state-after-resets: /' "$(debugfs_file state)"

failed_cycles=
for i in $(seq 20); do
	echo "$bdf" >/sys/bus/pci/drivers/ena_rust/unbind || failed_cycles+=" unbind#$i"
	[ ! -e "$(debugfs_file)" ] || failed_cycles+=" debugfs-left#$i"
	echo "$bdf" >/sys/bus/pci/drivers/ena_rust/bind || failed_cycles+=" bind#$i"
	on_driver ena_rust && admin_clean || failed_cycles+=" probe#$i"
	[ -n "$(netif_of_bdf)" ] || failed_cycles+=" no-netif#$i"
done
expect_eq "20 unbind/bind cycles all probe" "" "$failed_cycles"

# back to the C driver: the device was left usable
echo "$bdf" >/sys/bus/pci/drivers/ena_rust/unbind
echo >"/sys/bus/pci/devices/$bdf/driver_override"
t0=$(date +%s%N)
echo "$bdf" >/sys/bus/pci/drivers/ena/bind
echo "probe-time: ena $((($(date +%s%N) - t0) / 1000)) us (the bind write, on this TCG guest)"
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
