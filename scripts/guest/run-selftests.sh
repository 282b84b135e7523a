#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of scripts/selftests: run the NIC selftests (drivers/net,
# drivers/net/hw, drivers/net/ena) and the project's own lab_*.py in HW
# mode against the ENA netdev, with the virtio-net peer of "vm-run --peer"
# moved into netns "peer" as the remote endpoint.
#
#   run-selftests.sh INSTALL_DIR LIST_DIR
#
# LIST_DIR/tests lists the tests, one TEST[:TIMEOUT] per line; TEST is a
# path under INSTALL_DIR (e.g. drivers/net/ping.py), or drivers/net/lab/X
# for scripts/guest/ksft/X (copied there with the lib/py shim of
# drivers/net/hw), nsim+TEST: TEST in netdevsim mode, run from a copy of
# its directory without net.config (drivers/net/ena.nsim), or rust+TEST:
# TEST with the Rust driver (ena_rust) bound to the function instead of
# ena (the first such test moves it there for the rest of the run, so they
# come last). LIST_DIR/module, if
# present, names an ena.ko to load instead of the kernel's; LIST_DIR/full
# asks for the long versions of the project's tests. The installed tests are
# copied to /tmp (net.config is written next to them). The guest cannot
# write to the host's directories, so everything comes back on stdout,
# framed: after each test its output (KTAP) and its dmesg as "@@file NAME"
# ... "@@end", then "@@result TEST RC SECONDS"; the host splits them into
# files. Exits 0 once every test ran, whatever their results; non-zero if
# the environment could not be set up.

set -u
inst=$1
mapfile -t tests <"$2/tests"
out=/tmp/ksft-out
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ena-model/tests/vm/peer-net.sh
. "$here/../../ena-model/tests/vm/peer-net.sh"
: "${ena:=}" "${peer:=}"

LOCAL_V4=192.0.2.1 REMOTE_V4=192.0.2.2
LOCAL_V6=2001:db8:1::1 REMOTE_V6=2001:db8:1::2
LOCAL_PREFIX_V6=2001:db8:2::/64
REMOTE_NS=peer

rm -rf "$out"
mkdir -p "$out"
say() { printf '# %s\n' "$*"; }

# LIST_DIR/full (scripts/selftests --full) asks the lab tests for their
# long versions
[ ! -f "$2/full" ] || export LAB_FULL=1
if [ -f "$2/module" ]; then
	# a test that reloads the driver loads the same file (lab_stress.py)
	ENA_MODULE=$(cat "$2/module")
	export ENA_MODULE
	modprobe -r ena 2>/dev/null
	insmod "$ENA_MODULE" || {
		say "could not load $ENA_MODULE"
		exit 1
	}
	udevadm settle 2>/dev/null
	say "loaded $ENA_MODULE"
fi
find_netdevs || {
	say "no ENA or no virtio-net netdev found"
	exit 1
}
# tests take the link down and up: keep the IPv6 addresses
sysctl -qw net.ipv6.conf.all.keep_addr_on_down=1 net.ipv6.conf.default.keep_addr_on_down=1
sysctl -qw "net.ipv6.conf.$ena.keep_addr_on_down=1" 2>/dev/null
cable_peer || {
	say "could not cable the peer"
	exit 1
}
ip netns exec "$REMOTE_NS" sysctl -qw net.ipv6.conf.all.keep_addr_on_down=1
ip -6 addr add "$LOCAL_V6/64" dev "$ena" nodad
ip -n "$REMOTE_NS" -6 addr add "$REMOTE_V6/64" dev "$peer" nodad
# LOCAL_PREFIX_V6 (netkit tests) must be reachable from the remote
ip -n "$REMOTE_NS" -6 route add "$LOCAL_PREFIX_V6" via "$LOCAL_V6"
for _ in $(seq 50); do
	[ "$(cat "/sys/class/net/$ena/carrier" 2>/dev/null)" = 1 ] && break
	sleep 0.2
done
ping -q -c 2 -W 2 "$REMOTE_V4" >/dev/null || ping -q -c 2 -W 5 "$REMOTE_V4" >/dev/null ||
	say "warning: no IPv4 ping to the peer before the tests"
ping -q -c 1 -W 5 "$REMOTE_V6" >/dev/null || say "warning: no IPv6 ping to the peer before the tests"

# model control channel (absent on real hardware)
ctl=/dev/virtio-ports/org.ena-lab.ctl
[ -e "$ctl" ] && export ENA_MODEL_CTL=$ctl

say "ENA $ena, peer $peer in netns $REMOTE_NS; driver $(ethtool -i "$ena" | sed -n 's/^version: //p'), kernel $(uname -r)"
say "model control channel: ${ENA_MODEL_CTL:-none}"

work=/tmp/ksft
rm -rf "$work"
cp -a "$inst" "$work"
# the project's tests, next to the kernel's, importing the same lib.py
if [ -d "$work/drivers/net/hw/lib/py" ]; then
	mkdir -p "$work/drivers/net/lab/lib/py"
	cp "$work/drivers/net/hw/lib/py/__init__.py" "$work/drivers/net/lab/lib/py/"
	cp "$here"/ksft/*.py "$work/drivers/net/lab/"
fi
# netdevsim mode: the same depth (for lib/py's relative paths), no net.config
[ ! -d "$work/drivers/net/ena" ] || cp -a "$work/drivers/net/ena" "$work/drivers/net/ena.nsim"
write_config() {
	local d
	for d in drivers/net drivers/net/hw drivers/net/ena drivers/net/lab; do
		[ -d "$work/$d" ] || continue
		# no quotes: lib/py/env.py takes the values verbatim
		cat >"$work/$d/net.config" <<-EOF
			NETIF=$ena
			LOCAL_V4=$LOCAL_V4
			LOCAL_V6=$LOCAL_V6
			REMOTE_V4=$REMOTE_V4
			REMOTE_V6=$REMOTE_V6
			LOCAL_PREFIX_V6=$LOCAL_PREFIX_V6
			REMOTE_TYPE=netns
			REMOTE_ARGS=$REMOTE_NS
		EOF
	done
}
write_config

# the driver of the function under test, and its netdev
driver=ena
netdev_now() { netdev_of /sys/bus/pci/drivers/$driver/*/net/*; }
# to_rust: move the function to ena_rust, address and cable its netdev as
# the C driver's was, and point net.config at it
to_rust() {
	local bdf
	bdf=$(basename "$(readlink -f "/sys/class/net/$ena/device")") &&
		to_ena_rust "$bdf" || return 1
	driver=ena_rust
	ena=$(rust_netdev_of "$bdf") || return 1
	sysctl -qw "net.ipv6.conf.$ena.keep_addr_on_down=1"
	ip addr add "$LOCAL_V4/24" dev "$ena" &&
		ip -6 addr add "$LOCAL_V6/64" dev "$ena" nodad &&
		ip link set "$ena" up || return 1
	for _ in $(seq 50); do
		[ "$(cat "/sys/class/net/$ena/carrier" 2>/dev/null)" = 1 ] && break
		sleep 0.2
	done
	ping -q -c 2 -W 5 "$REMOTE_V4" >/dev/null || return 1
	write_config
	say "moved to ena_rust: $ena ($bdf)"
}
rust=""

emit() {
	printf '@@file %s\n' "$1"
	sed 's/^@@/@ @/' "$2"
	printf '@@end\n'
}
emit net.config "$work/drivers/net/net.config"

for t in "${tests[@]}"; do
	limit=${t##*:}
	[ "$limit" != "$t" ] || limit=300
	t=${t%:*}
	name=${t//\//_}
	# where it runs: nsim+drivers/net/ena/X runs drivers/net/ena.nsim/X
	path=$t
	envs=()
	if [ "${t#nsim+}" != "$t" ]; then
		path=${t#nsim+}
		path=$(dirname "$path").nsim/$(basename "$path")
		envs=(-u NETIF)
	elif [ "${t#rust+}" != "$t" ]; then
		path=${t#rust+}
		[ -n "$rust" ] || { to_rust && rust=ok || rust=failed; }
		if [ "$rust" != ok ]; then
			say "$t: could not move the function to ena_rust"
			printf '@@result %s 1 0\n' "$t"
			continue
		fi
	fi
	say "running $t (timeout ${limit}s)"
	dmesg -C 2>/dev/null
	start=$(date +%s)
	rc=0
	# as kselftest's runner does: a test that lost its exec bit runs
	# through the interpreter its first line names
	run=("./$(basename "$path")")
	if [ ! -x "$work/$path" ]; then
		read -r shebang <"$work/$path"
		[ "${shebang#\#!}" = "$shebang" ] || read -ra run <<<"${shebang#\#!} ./$(basename "$path")"
	fi
	(cd "$work/$(dirname "$path")" && timeout -k 10 "$limit" env "${envs[@]}" "${run[@]}") \
		>"$out/$name.ktap" 2>&1 </dev/null || rc=$?
	secs=$(($(date +%s) - start))
	dmesg >"$out/$name.dmesg" 2>/dev/null
	emit "$name.ktap" "$out/$name.ktap"
	emit "$name.dmesg" "$out/$name.dmesg"
	printf '@@result %s %s %s\n' "$t" "$rc" "$secs"
	say "$t: rc $rc in ${secs}s"
	# a test that broke the setup must not take the others with it
	ip link show "$ena" >/dev/null 2>&1 || ena=$(netdev_now)
	[ -z "$ena" ] || ip link set "$ena" up 2>/dev/null
	ip netns exec "$REMOTE_NS" true 2>/dev/null || say "warning: netns $REMOTE_NS is gone"
done
exit 0
