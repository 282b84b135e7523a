#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the VM started with "scripts/vm-run --peer" while the host
# drives the model's control socket (link down/up, dropped TX completions,
# stopped keep-alives): sets up ENA <-> virtio-net peer as peer-check.sh,
# then pings once a second for SECONDS and reports carrier and ping per
# second, then what the ena driver logged.
#
#   ctl-check.sh [SECONDS]
secs=${1:-40}
. "$(dirname "$0")/peer-net.sh"
find_netdevs || exit 1
cable_peer || exit 1
line=
for i in $(seq "$secs"); do
	ena=$(ena_netdev)
	c=$(cat /sys/class/net/$ena/carrier 2>/dev/null || echo -)
	if ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1; then p=ok; else p=--; fi
	line+="$i:$c$p "
	[ $((i % 10)) = 0 ] && { echo "$line"; line=; }
	sleep 0.5
done
[ -n "$line" ] && echo "$line"
echo "== ena messages"
dmesg | grep -E ' ena |ena:' | grep -vE 'LLQ is not|version|found at|renamed' | tail -n 20
