#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of scripts/demo: load the driver, cable the ENA to the peer in
# netns "peer", ping and TCP both ways, and show what the driver reports.
#
#   [ENA_KO=/path/ena.ko] [TOUR_OUT=DIR] demo.sh [PUSH_LEN]
#
# Without ENA_KO the kernel's own ena is used; with TOUR_OUT, tour.sh
# records the tour's steps into DIR first.
set -o pipefail
push=${1:-}
# shellcheck source=SCRIPTDIR/../../ena-model/tests/vm/peer-net.sh
. "$(dirname "$0")/../../ena-model/tests/vm/peer-net.sh"

section() { printf '\n== %s\n' "$*"; }

if [ -n "${ENA_KO:-}" ]; then
	section "loading our ena.ko into $(uname -r)"
	modinfo -F vermagic "$ENA_KO" | sed 's/^/vermagic: /'
else
	section "the kernel's own ena driver in $(uname -r)"
fi
if [ -n "${TOUR_OUT:-}" ]; then
	# the tour loads the driver, cables the peer and leaves the ENA up
	"$(dirname "$0")/tour.sh" "$TOUR_OUT" || exit 1
	ena=$(ena_netdev)
	peer=$(ip -n peer -br link | awk '$1 != "lo" { print $1; exit }')
else
	find_netdevs || { echo "the ENA netdev did not appear"; dmesg | tail -n 20; exit 1; }
fi
echo "ENA netdev: $ena (PCI $(basename "$(readlink -f "/sys/class/net/$ena/device")")), peer: $peer"
if [ -n "$push" ]; then
	ethtool -G "$ena" tx-push-buf-len "$push" || exit 1
	ena=$(ena_netdev)
fi

section "addresses: ENA here, virtio-net in netns 'peer'"
[ -n "${TOUR_OUT:-}" ] || cable_peer || exit 1
wait_carrier 1
ip -br addr show dev "$ena"
ip -n peer -br addr show dev "$peer"

rc=0
section "ping the peer"
ping -c 5 -i 0.2 -W 2 192.0.2.2 | tail -n 2 || rc=1

section "TCP, 3 s each way (iperf3)"
ip netns exec peer iperf3 -s -D >/dev/null 2>&1
sleep 0.5
echo "ENA -> peer:"
iperf3 -c 192.0.2.2 -t 3 -f m 2>&1 | grep -E 'receiver|error' || rc=1
echo "peer -> ENA:"
iperf3 -c 192.0.2.2 -t 3 -f m -R 2>&1 | grep -E 'receiver|error' || rc=1

section "ethtool -i $ena"
ethtool -i "$ena"
section "ethtool -g $ena (rings; push buffer in LLQ mode)"
ethtool -g "$ena" | sed -n '/Current/,$p'

section "ethtool -S $ena (highlights)"
ethtool -S "$ena" | grep -E '^ *(tx_timeout|wd_expired|interface_up|queue_0_(tx|rx)_(cnt|bytes|csum_good|llq_buffer_copy|tx_doorbells)|ena_admin_q_(aborted_cmd|submitted_cmd|completed_cmd|no_completion)|rx_drops|tx_drops|bw_(in|out)_allowance_exceeded|pps_allowance_exceeded|conntrack_allowance_exceeded):'

section "the driver's messages"
dmesg | grep -E ' ena |ena:|ena 0000' | tail -n 20
exit $rc
