# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by the in-VM scripts run under "scripts/vm-run --peer": find the
# ENA and virtio-net netdevs, and cable them as 192.0.2.1 (ENA, this
# namespace) <-> 192.0.2.2 (virtio-net, netns "peer").

netdev_of() {
	local d
	for d in "$@"; do
		[ -e "$d" ] && basename "$d" && return
	done
}
ena_netdev() { netdev_of /sys/bus/pci/drivers/ena/*/net/*; }

# wait_carrier 0|1 [TRIES]: the ENA's carrier reaches that state within
# TRIES x 50 ms (default 100); $ena follows the netdev (resets rename it).
wait_carrier() {
	local want=$1 tries=${2:-100}
	for _ in $(seq "$tries"); do
		ena=$(ena_netdev)
		[ "$(cat "/sys/class/net/$ena/carrier" 2>/dev/null)" = "$want" ] && return 0
		sleep 0.05
	done
	return 1
}

# load_ena: the driver under test. ENA_KO=/path/ena.ko replaces the ena
# module udev loaded at boot; without it, the kernel's own ena is used.
load_ena() {
	if [ -n "${ENA_KO:-}" ]; then
		modprobe -r ena 2>/dev/null
		[ ! -d /sys/module/ena ] || rmmod ena || return 1
		insmod "$ENA_KO" || return 1
	else
		modprobe ena 2>/dev/null
	fi
}

# to_ena_rust BDF [KO]: move PCI function BDF from ena to the Rust driver,
# loaded from KO if it is not loaded yet (default: the kernel's module).
to_ena_rust() {
	if [ -n "${2:-}" ]; then
		[ -d /sys/module/ena_rust ] || insmod "$2" || return 1
	else
		modprobe ena_rust || return 1
	fi
	[ ! -e "/sys/bus/pci/drivers/ena/$1" ] || echo "$1" >/sys/bus/pci/drivers/ena/unbind
	echo ena_rust >"/sys/bus/pci/devices/$1/driver_override"
	[ -e "/sys/bus/pci/drivers/ena_rust/$1" ] || echo "$1" >/sys/bus/pci/drivers/ena_rust/bind
	[ -e "/sys/bus/pci/drivers/ena_rust/$1" ]
}

# rust_netdev_of BDF: the Rust driver's netdev of BDF, waited for (5 s).
rust_netdev_of() {
	local n
	for _ in $(seq 50); do
		udevadm settle 2>/dev/null
		n=$(netdev_of /sys/bus/pci/drivers/ena_rust/"$1"/net/*)
		[ -n "$n" ] && echo "$n" && return 0
		sleep 0.1
	done
	return 1
}

# find_netdevs: load ena, wait for both netdevs; sets $ena and $peer.
find_netdevs() {
	load_ena || return 1
	for _ in $(seq 50); do
		udevadm settle 2>/dev/null
		ena=$(ena_netdev)
		peer=$(netdev_of /sys/bus/virtio/drivers/virtio_net/virtio*/net/*)
		[ -n "$ena" ] && [ -n "$peer" ] && return 0
		sleep 0.2
	done
	return 1
}

# peer_into_netns: move the peer into its namespace, addressed and up.
peer_into_netns() {
	mkdir -p /run/netns
	ip netns add peer &&
		ip link set "$peer" netns peer &&
		ip -n peer link set lo up &&
		ip -n peer addr add 192.0.2.2/24 dev "$peer" &&
		ip -n peer link set "$peer" up
}

# cable_peer: move the peer into its namespace, address both ends, up.
cable_peer() {
	peer_into_netns &&
		ip addr add 192.0.2.1/24 dev "$ena" &&
		ip link set "$ena" up
}
