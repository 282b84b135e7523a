#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The unmodified upstream ena driver (base tree; the series adds nothing to
# probe yet) against ena-model in a VM with kmemleak on: clean probe, the
# profile's MAC, keep-alive interrupts, link up, 20 reload cycles, no leaks.
#
#   scripts/tests/vm-probe.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"

mac=02:ee:11:22:33:44
exec "$LAB_SCRIPTS/vm-run" --name probe --kmemleak --model-arg --mac --model-arg "$mac" -- \
	"$LAB_SCRIPTS/guest/ena-probe-check.sh" "$mac"
