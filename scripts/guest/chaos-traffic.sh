#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (see scripts/chaos-run): traffic through the ENA for
# SECONDS while the model garbles a fraction of what it writes to the
# guest. The driver may reset, drop and complain; this script only keeps
# traffic going and reports what happened. That it ends at all (the host
# side puts a deadline on it) shows nothing hung; the host side reads the
# console for crashes and memory errors.
#
#   chaos-traffic.sh SECONDS

set -o nounset -o pipefail
secs=${1:?seconds}
. "$(dirname "$0")/../../ena-model/tests/vm/peer-net.sh"

find_netdevs || { echo "chaos: ena netdev: ${ena:-none}, peer netdev: ${peer:-none}"; exit 1; }
cable_peer || { echo "chaos: cannot address the ENA and its peer"; exit 1; }
wait_carrier 1 200

end=$((SECONDS + secs))
rounds=0 ok_rounds=0 mb=0
ip netns exec peer iperf3 -s -D -p 5201 >/dev/null 2>&1
while [ $SECONDS -lt $end ]; do
	rounds=$((rounds + 1))
	ena=$(ena_netdev)
	# the interface may be mid-reset: bring it up again if it is down
	[ -z "$ena" ] || ip link set "$ena" up 2>/dev/null
	ip addr add 192.0.2.1/24 dev "$ena" 2>/dev/null
	dir=()
	[ $((rounds % 2)) = 0 ] || dir=(-R)
	out=$(timeout 40 iperf3 -c 192.0.2.2 -p 5201 -t 10 -f m --connect-timeout 3000 "${dir[@]}" 2>&1)
	# "... 600 MBytes 503 Mbits/sec receiver": the MB that arrived
	if got=$(awk '/receiver$/ { print $(NF-4) }' <<<"$out") && [ -n "$got" ]; then
		ok_rounds=$((ok_rounds + 1))
		mb=$((mb + ${got%.*}))
	fi
	ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null 2>&1
done
echo "chaos: $rounds rounds of iperf3 (10 s, both ways in turn), $ok_rounds completed"
echo "chaos: $mb MB moved in completed rounds"
ena=$(ena_netdev)
echo "chaos: ena netdev at the end: ${ena:-none}"
[ -z "$ena" ] || ethtool -S "$ena" | grep -E '^ *(reset_fail|wd_expired|interface_(up|down)|tx_timeout|bad_rx_(req_id|desc_num)|bad_tx_req_id|missing_tx_cmpl|illegal_.*|admin_q_aborted_cmd|ena_admin_q_.*):' | sed 's/^ */chaos: /'
dmesg | grep -cE 'ena .*(reset|Reset)' | sed 's/^/chaos: kernel log lines about resets: /'
# the driver must still unload cleanly
ip netns exec peer pkill iperf3
if rmmod ena; then echo "chaos: ena unloaded"; else echo "chaos: rmmod ena failed"; exit 1; fi
