#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM started with "scripts/vm-run --peer": every ethtool
# and netdev knob of the ena driver that the device model implements is
# changed, read back, and followed by traffic to the peer (ping and TCP both
# ways) and a look at dmesg; then link down/up and a keep-alive stop through
# the model's control port. One "ok"/"not ok" line per check, exit 1 if any
# check failed.
#
#   ena-ethtool-matrix.sh host|llq
#
# ENA_KO=/path/ena.ko tests that module instead of the kernel's ena.
# "llq" expects the model's default LLQ mode (host: --set llq=off) and adds
# tx-push-buf-len 96/224.
mode=${1:-host}
case $mode in host | llq) ;; *) echo "usage: $0 host|llq" >&2 && exit 2 ;; esac
ctl_port=/dev/virtio-ports/org.ena-lab.ctl
ctl=${ENA_LAB_CACHE:-/root/.cache/ena-lab}/work/build/model/ena-model-ctl

# shellcheck source=SCRIPTDIR/../../ena-model/tests/vm/peer-net.sh
. "$(dirname "$0")/../../ena-model/tests/vm/peer-net.sh"

failed=0 passed=0 skipped=0
# result lines carry the seconds since the start
ok() { echo "ok - $* [${SECONDS}s]" && passed=$((passed + 1)); }
not_ok() { echo "not ok - $* [${SECONDS}s]" && failed=$((failed + 1)); }
# a check the running kernel cannot do, with the reason
skip() { echo "skip - $* [${SECONDS}s]" && skipped=$((skipped + 1)); }
# kernel_older_than VERSION: the running kernel predates Linux VERSION
kernel_older_than() { ! printf '%s\n%s\n' "$1" "$(uname -r)" | sort -V -C; }
# check NAME CMD...: one result line for CMD's status
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# dmesg lines of error level or worse (and kernel warnings) since the last
# call; the keep-alive check expects some and names them in $1
dmesg_mark=0
dmesg_clean() {
	local expected=${1:-^$} lines bad
	lines=$(dmesg --level=emerg,alert,crit,err | wc -l)
	bad=$( (dmesg --level=emerg,alert,crit,err | tail -n +$((dmesg_mark + 1))
		dmesg | grep -E 'WARNING:|BUG:|Call Trace' | sed 's/^/(trace) /') | grep -vE "$expected")
	dmesg_mark=$lines
	[ -z "$bad" ] || { printf '    dmesg: %s\n' "$bad" | head -n 5; return 1; }
}

# traffic LABEL: ping and a TCP transfer each way must succeed, dmesg clean
traffic() {
	local label=$1 why=
	wait_carrier 1 || why="no carrier"
	[ -n "$why" ] || ping -q -c 2 -i 0.2 -W 2 192.0.2.2 >/dev/null || why="ping failed"
	[ -n "$why" ] || iperf3 -c 192.0.2.2 -n 2M >/dev/null 2>&1 || why="TCP to the peer failed"
	[ -n "$why" ] || iperf3 -c 192.0.2.2 -n 2M -R >/dev/null 2>&1 || why="TCP from the peer failed"
	[ -n "$why" ] || dmesg_clean || why="errors in dmesg"
	if [ -z "$why" ]; then ok "traffic after $label"; else not_ok "traffic after $label: $why"; fi
}

# field VALUE-LINE-PREFIX SECTION CMD...: the value on the first line
# starting with PREFIX after the line SECTION in CMD's output
field() {
	local prefix=$1 section=$2
	shift 2
	"$@" 2>/dev/null | awk -v s="$section" -v p="$prefix" \
		'index($0, s) == 1 { on = 1; next } on && index($0, p) == 1 { print $NF; exit }'
}

stat_sum() { ethtool -S "$ena" | awk -v pat="$1" '$1 ~ pat { s += $2 } END { print s + 0 }'; }

find_netdevs || { echo "not ok - setup: ena netdev '${ena:-}', peer '${peer:-}'"; exit 1; }
if ! cable_peer || ! wait_carrier 1; then
	echo "not ok - setup: cabling the peer"
	exit 1
fi
ip netns exec peer iperf3 -s -D >/dev/null 2>&1
iperf3 -s -D >/dev/null 2>&1
sleep 1
echo "# driver under test: ${ENA_KO:-ena of the running kernel}, mode $mode"
dmesg_clean "LLQ is not supported" >/dev/null
traffic "setup"

# -S: counters follow the traffic
tx0=$(stat_sum '^queue_[0-9]+_tx_cnt:') rx0=$(stat_sum '^queue_[0-9]+_rx_cnt:')
ping -q -c 50 -i 0.02 192.0.2.2 >/dev/null
tx1=$(stat_sum '^queue_[0-9]+_tx_cnt:') rx1=$(stat_sum '^queue_[0-9]+_rx_cnt:')
check "ethtool -S: 50 pings counted (tx +$((tx1 - tx0)), rx +$((rx1 - rx0)))" \
	test $((tx1 - tx0)) -ge 50 -a $((rx1 - rx0)) -ge 50

# -l/-L
max_ch=$(field Combined: "Pre-set maximums" ethtool -l "$ena")
for n in 1 2 "$max_ch"; do
	ethtool -L "$ena" combined "$n" && wait_carrier 1
	check "ethtool -L combined $n (of $max_ch)" test "$(field Combined: "Current hardware" ethtool -l "$ena")" = "$n"
	traffic "-L combined $n"
done
check "ethtool -L beyond the maximum is refused" bash -c "! ethtool -L $ena combined $((max_ch + 1)) 2>/dev/null"

# -g/-G
rx_max=$(field RX: "Pre-set maximums" ethtool -g "$ena")
rx_def=$(field RX: "Current hardware" ethtool -g "$ena")
tx_def=$(field TX: "Current hardware" ethtool -g "$ena")
for size in $(printf '%s\n' 256 512 "$rx_max" "$rx_def" | awk '!seen[$0]++'); do
	ethtool -G "$ena" rx "$size" tx "$([ "$size" -le "$tx_def" ] && echo "$size" || echo "$tx_def")" && wait_carrier 1
	check "ethtool -G rx $size" test "$(field RX: "Current hardware" ethtool -g "$ena")" = "$size"
	traffic "-G rx $size"
done
if kernel_older_than 6.5; then
	skip "tx-push-buf-len: kernel $(uname -r) has no such ring parameter (added in Linux 6.5)"
elif [ "$mode" = llq ]; then
	for len in 224 96; do
		ethtool -G "$ena" tx-push-buf-len "$len" && wait_carrier 1
		check "ethtool -G tx-push-buf-len $len" \
			test "$(ethtool -g "$ena" | awk '/^TX push buff len:/ { v = $NF } END { print v }')" = "$len"
		traffic "-G tx-push-buf-len $len"
	done
else
	check "tx-push-buf-len refused without LLQ" bash -c "! ethtool -G $ena tx-push-buf-len 224 2>/dev/null"
fi

# -c/-C
ethtool -C "$ena" adaptive-rx off rx-usecs 64 tx-usecs 128
check "ethtool -C rx-usecs 64 tx-usecs 128" test \
	"$(ethtool -c "$ena" | awk '/^rx-usecs:/ { r = $2 } /^tx-usecs:/ { t = $2 } END { print r "/" t }')" = 64/128
traffic "-C rx-usecs 64 tx-usecs 128"
ethtool -C "$ena" adaptive-rx on
check "ethtool -C adaptive-rx on" bash -c "ethtool -c $ena | grep -q '^Adaptive RX: on'"
traffic "-C adaptive-rx on"
ethtool -C "$ena" adaptive-rx off rx-usecs 0 tx-usecs 64

# -x/-X: the indirection table steers received flows
queue_rx() { stat_sum "^queue_$1_rx_cnt:"; }
# ethtool >= 6.7 sends "no change" in the ioctl's input_xfrm byte, which
# kernels before 6.8 reject as a nonzero reserved field, whatever the driver
if ! ethtool -X "$ena" equal 1 2>/tmp/setrxfh.err &&
	grep -q 'Invalid argument' /tmp/setrxfh.err && kernel_older_than 6.8; then
	skip "ethtool -X: kernel $(uname -r) rejects the input_xfrm byte that $(ethtool --version) sends (a reserved field before Linux 6.8)"
else
	check "ethtool -X equal 1" bash -c "ethtool -x $ena | awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) if (\$i != 0) bad = 1 } END { exit bad }'"
	before=$(stat_sum '^queue_[1-9][0-9]*_rx_cnt:') q0=$(queue_rx 0)
	ip netns exec peer iperf3 -c 192.0.2.1 -n 4M -P 4 >/dev/null 2>&1 || true
	check "all flows on queue 0 after -X equal 1 (queue 0 +$(($(queue_rx 0) - q0)), others +$(($(stat_sum '^queue_[1-9][0-9]*_rx_cnt:') - before)))" \
		test "$(stat_sum '^queue_[1-9][0-9]*_rx_cnt:')" = "$before" -a "$(queue_rx 0)" -gt "$((q0 + 100))"
	ethtool -X "$ena" weight 0 1
	q1=$(queue_rx 1) q0=$(queue_rx 0)
	ip netns exec peer iperf3 -c 192.0.2.1 -n 4M -P 4 >/dev/null 2>&1 || true
	check "all flows on queue 1 after -X weight 0 1" test "$(queue_rx 1)" -gt "$((q1 + 100))" -a "$(queue_rx 0)" -lt "$((q0 + 20))"
	old_key=$(ethtool -x "$ena" | sed -n '/hash key/,/^$/p' | tail -n +2 | tr -d ' \n')
	ethtool -X "$ena" hkey "$(openssl rand -hex 40 2>/dev/null | sed 's/../&:/g; s/:$//' || echo)" 2>/dev/null ||
		ethtool -X "$ena" hkey "$(head -c 40 /dev/urandom | od -An -tx1 | tr -s ' \n' ':' | sed 's/^://; s/:$//')"
	new_key=$(ethtool -x "$ena" | sed -n '/hash key/,/^$/p' | tail -n +2 | tr -d ' \n')
	check "ethtool -X hkey changes the key" test -n "$new_key" -a "$new_key" != "$old_key"
	ethtool -X "$ena" default
	traffic "-X default"
fi

# -n/-N rx-flow-hash
check "ethtool -n rx-flow-hash tcp4 hashes on IPs and ports" \
	bash -c "ethtool -n $ena rx-flow-hash tcp4 | grep -q 'L4 bytes 0 & 1'"
ethtool -N "$ena" rx-flow-hash udp4 sd
check "ethtool -N rx-flow-hash udp4 sd" bash -c "! ethtool -n $ena rx-flow-hash udp4 | grep -q 'L4 bytes'"
ethtool -N "$ena" rx-flow-hash udp4 sdfn
check "ethtool -N rx-flow-hash udp4 sdfn" bash -c "ethtool -n $ena rx-flow-hash udp4 | grep -q 'L4 bytes 0 & 1'"
traffic "-N rx-flow-hash"

# -k/-K
check "ethtool -k: RX/TX checksumming and TSO on" bash -c \
	"ethtool -k $ena | grep -q '^rx-checksumming: on' && ethtool -k $ena | grep -q '^tcp-segmentation-offload: on'"
ethtool -K "$ena" rxhash off
check "ethtool -K rxhash off" bash -c "ethtool -k $ena | grep -q '^receive-hashing: off'"
traffic "-K rxhash off"
ethtool -K "$ena" rxhash on

# MTU up to the device's maximum (the peer follows, to receive it)
max_mtu=$(ip -d link show "$ena" | sed -n 's/.*maxmtu \([0-9]*\).*/\1/p')
ip -n peer link set "$peer" mtu "$max_mtu" 2>/dev/null || ip -n peer link set "$peer" mtu 9000
for mtu in 576 4000 "$max_mtu" 1500; do
	ip link set "$ena" mtu "$mtu" && wait_carrier 1
	check "MTU $mtu (max $max_mtu)" bash -c "ip link show $ena | grep -q 'mtu $mtu '"
	if ip -n peer link show "$peer" | grep -qE "mtu ($mtu|$max_mtu) " || [ "$mtu" -le 9000 ]; then
		check "ping with $((mtu - 28))-byte payload, DF, at MTU $mtu" \
			bash -c "ping -q -c 3 -i 0.2 -W 2 -M do -s $((mtu - 28)) 192.0.2.2 >/dev/null"
	fi
	traffic "MTU $mtu"
done
check "MTU above the maximum is refused" bash -c "! ip link set $ena mtu $((max_mtu + 1)) 2>/dev/null"

# link down/up and keep-alive, through the model's control port
if [ -c "$ctl_port" ]; then
	"$ctl" "$ctl_port" link down >/dev/null
	check "ctl link down: carrier lost within 1 s" wait_carrier 0 20
	"$ctl" "$ctl_port" link up >/dev/null
	check "ctl link up: carrier back within 2 s" wait_carrier 1 40
	traffic "link down/up"
	resets=$(ethtool -S "$ena" | awk '/^ *wd_expired:/ { print $2 }')
	"$ctl" "$ctl_port" keepalive stop >/dev/null
	for _ in $(seq 60); do
		[ "$(ethtool -S "$(ena_netdev)" 2>/dev/null | awk '/^ *wd_expired:/ { print $2 }')" -gt "${resets:-0}" ] && break
		sleep 0.25
	done
	"$ctl" "$ctl_port" keepalive resume >/dev/null
	ena=$(ena_netdev)
	check "keep-alive stop: the driver's watchdog fired (wd_expired $resets -> $(ethtool -S "$ena" | awk '/^ *wd_expired:/ { print $2 }'))" \
		test "$(ethtool -S "$ena" | awk '/^ *wd_expired:/ { print $2 }')" -gt "${resets:-0}"
	check "the driver reset the device (dmesg)" bash -c "dmesg | grep -qiE 'keep.?alive|Trigger reset'"
	wait_carrier 1 200
	# the reset path logs the driver's statistics at error level: start afresh
	dmesg_clean >/dev/null
	traffic "keep-alive reset recovery"
else
	not_ok "no model control port $ctl_port: link and reset checks not run"
fi

echo "# $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
