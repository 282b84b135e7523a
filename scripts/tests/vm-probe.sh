#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One VM boot with kmemleak on, two drivers on the emulated ENA:
# - the C driver (base + series): clean probe, the profile's MAC, keep-alive
#   interrupts, link up, 20 reload cycles, no leaks;
# - the Rust driver (ena_rust) through driver_override: what it shows in
#   debugfs equals what the model offers (its log is the independent
#   record), the admin counters add up, events and the watchdog's recovery
#   from a keep-alive loss and a fatal error, its network interface (MAC,
#   MTU limits, carrier following the link), 20 unbind/bind cycles, then
#   the C driver takes the function back and passes traffic;
# - the Rust driver's data path (scripts/guest/rust-ena-traffic.sh): pings
#   both ways, 100 MB of TCP each way, flows over several queues, MTUs up
#   to the device's largest, recovery from a link flap, a keep-alive loss
#   and lost TX completions (the device hints a missed-TX threshold of 8,
#   so that a few swallowed completions matter), 20 cycles, no leaks; the
#   model's pcap holds its frames;
# - the doc tests of the kernel crate modules the series adds to or changes,
#   workqueue, utsname, net_netdev, net_napi and net_packet (KUnit, enabled
#   for this boot).
# A second, short boot probes the Rust driver on a profile without readless
# reads, hints or LLQ.
#
#   scripts/tests/vm-probe.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
. "$LAB_SCRIPTS/tests/lib.sh"

mac=02:ee:11:22:33:44
out=$LAB_ARTIFACTS/vm/probe
rc=0
# one glob (KUnit takes one) for workqueue_rs_N, utsname_rs_N and
# net_{netdev,napi,packet}_rs_N, no other file
doctests='rust_doctests_kernel.rust_doctest_kernel_[wun][ote][rst][kn_][a-z_]*_rs_*'
"$LAB_SCRIPTS/vm-run" --name probe --kmemleak --peer --model-arg --mac --model-arg "$mac" \
	--model-arg --pcap --model-arg "$out/frames.pcap" --model-arg --pcap-snaplen --model-arg 96 \
	--model-arg --set --model-arg hint_missed_tx_threshold=8 \
	--append kunit.enable=1 --append "kunit.filter_glob=$doctests" -- \
	sh -c '"$0/ena-probe-check.sh" "$1"; a=$?; "$0/rust-ena-check.sh" "$1"; b=$?
		"$0/rust-ena-traffic.sh" 100M; c=$?; [ $a = 0 ] && [ $b = 0 ] && [ $c = 0 ]' \
	"$LAB_SCRIPTS/guest" "$mac" || rc=$?
expect_eq "the guest's checks (above) all pass" 0 "$rc"

# The Rust driver's frames, in the model's pcap (the C driver's few pings
# are in it too; the TCP is the Rust driver's).
icmp=$(tcpdump -nn -r "$out/frames.pcap" 'icmp and host 192.0.2.1 and host 192.0.2.2' 2>/dev/null | wc -l)
tcp=$(tcpdump -nn -r "$out/frames.pcap" 'tcp and host 192.0.2.1 and host 192.0.2.2' 2>/dev/null | wc -l)
expect_ok "the model's pcap holds the Rust driver's frames ($icmp ICMP, $tcp TCP)" \
	test "$icmp" -ge 60 -a "$tcp" -ge 10000
rm -f "$out/frames.pcap"
grep -E '^rust-iperf3' "$out/stdout.log" || true
expect_ok "the model found no malformed IO descriptor" \
	sh -c "! grep -qE 'phase mismatch|outside guest memory|req_id beyond|without a buffer' '$out/model.log'"

# What the Rust driver read from the device, against the model's own log.
rust() { sed -n "s/^rust-debugfs: $1: //p" "$out/stdout.log"; }
pairs=$(grep -m 1 -o '[0-9]* queue pairs' "$out/model.log" | cut -d' ' -f1)
readless=$(grep -m 1 -o 'readless o[nf]*' "$out/model.log" | cut -d' ' -f2)
expect_eq "Rust driver: max TX queues as the model offers ($pairs)" "$pairs" "$(rust max_tx_queues)"
expect_eq "Rust driver: max RX queues as the model offers" "$pairs" "$(rust max_rx_queues)"
expect_eq "Rust driver: readless as the model offers" "$([ "$readless" = on ] && echo yes || echo no)" "$(rust readless)"
expect_ok "the model executed the Rust driver's admin commands without error" \
	sh -c "! grep -E 'admin cmd .* -> (malformed|illegal|bad|unsupported|resource)' '$out/model.log'"
expect_ok "the model got the keep-alive timeout as the reset reason" \
	grep -q 'device reset requested (reason 1:' "$out/model.log"
expect_ok "the model got the generic reason after its fatal error" \
	grep -q 'device reset requested (reason 13:' "$out/model.log"
# The host information the Rust driver (version 0.1.0) sent: the kernel's
# release and version string, as the C driver sends them.
release=$(sed -n 's/^rust-uname: release: //p' "$out/stdout.log")
code=$(sed -E 's/^([0-9]+)\.([0-9]+)(\.([0-9]+))?.*/\1.\2.\4/; s/\.$/.0/' <<<"$release")
ere() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }
expect_ok "Rust driver: host info with release '$release', its version string and code $code" \
	grep -qE "host info: os type 1, release \"$(ere "$release")\", version \"#[^\"]+\", kernel $(ere "$code"), driver 0\.1\.0" "$out/model.log"

# The workqueue, utsname, netdev, NAPI and packet doc tests (cancel_sync's
# among them) all ran in that boot.
generated=$LAB_BUILD/vm/rust/doctests_kernel_generated.rs
expect_ok "cancel_sync's doc test is built into the VM kernel" grep -q 'cancel_sync' "$generated"
for file in workqueue utsname net_netdev net_napi net_packet; do
	built=$(grep -o "rust_doctest_kernel_${file}_rs_[0-9]*" "$generated" | sort -u | wc -l)
	reported=$(grep -c " ok [0-9]* rust_doctest_kernel_${file}_rs_" "$out/console.log" || true)
	failed=$(grep -c "not ok [0-9]* rust_doctest_kernel_${file}_rs_" "$out/console.log" || true)
	expect_ok "the kernel crate has $file doc tests" test "$built" -gt 0
	expect_eq "the kernel crate's $file doc tests all ran" "$built" "$reported"
	expect_eq "... and none failed" 0 "$failed"
done

# Optional features withheld: plain register reads, the default timeouts.
rc=0
"$LAB_SCRIPTS/vm-run" --name probe-defaults \
	--model-arg --set --model-arg readless=0 --model-arg --set --model-arg hw_hints=0 \
	--model-arg --set --model-arg llq=0 -- \
	"$LAB_SCRIPTS/guest/rust-ena-check.sh" --defaults || rc=$?
expect_eq "the guest's checks on the withholding profile (above) pass" 0 "$rc"
test_summary
