#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One VM boot with kmemleak on, two drivers on the emulated ENA:
# - the C driver (base + series): clean probe, the profile's MAC, keep-alive
#   interrupts, link up, 20 reload cycles, no leaks;
# - the Rust driver (ena_rust) through driver_override: what it shows in
#   debugfs equals what the model offers (its log is the independent
#   record), the admin counters add up, 20 unbind/bind cycles, then the C
#   driver takes the function back and passes traffic.
#
#   scripts/tests/vm-probe.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
. "$LAB_SCRIPTS/tests/lib.sh"

mac=02:ee:11:22:33:44
out=$LAB_ARTIFACTS/vm/probe
rc=0
"$LAB_SCRIPTS/vm-run" --name probe --kmemleak --peer --model-arg --mac --model-arg "$mac" -- \
	sh -c '"$0/ena-probe-check.sh" "$1"; a=$?; "$0/rust-ena-check.sh" "$1"; b=$?; [ $a = 0 ] && [ $b = 0 ]' \
	"$LAB_SCRIPTS/guest" "$mac" || rc=$?
expect_eq "the guest's checks (above) all pass" 0 "$rc"

# What the Rust driver read from the device, against the model's own log.
rust() { sed -n "s/^rust-debugfs: $1: //p" "$out/stdout.log"; }
pairs=$(grep -m 1 -o '[0-9]* queue pairs' "$out/model.log" | cut -d' ' -f1)
readless=$(grep -m 1 -o 'readless o[nf]*' "$out/model.log" | cut -d' ' -f2)
expect_eq "Rust driver: max TX queues as the model offers ($pairs)" "$pairs" "$(rust max_tx_queues)"
expect_eq "Rust driver: max RX queues as the model offers" "$pairs" "$(rust max_rx_queues)"
expect_eq "Rust driver: readless as the model offers" "$([ "$readless" = on ] && echo yes || echo no)" "$(rust readless)"
expect_ok "the model executed the Rust driver's GET_FEATUREs without error" \
	sh -c "! grep -E 'admin cmd .* -> (malformed|illegal|bad|unsupported|resource)' '$out/model.log'"
test_summary
