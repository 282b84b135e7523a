#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lint (shellcheck, warnings and errors) over the project's own shell scripts.
#
#   scripts/tests/lint-scripts.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"
. "$LAB_SCRIPTS/tests/lib.sh"

cd "$LAB_REPO" || exit
mapfile -t entry_points < <(grep -rlE '^#!/bin/(ba)?sh' scripts .ci ena-model/tests ena-model/fuzz drivers-net-ethernet-amazon-ena | sort)
mapfile -t libs < <(find scripts ena-model/tests -name '*.sh' ! -perm -u+x | sort)
for f in "${entry_points[@]}"; do
	expect_ok "shellcheck $f" shellcheck -x -S warning "$f"
done
# Variables a library sets are used by the scripts that source it.
for f in "${libs[@]}"; do
	expect_ok "shellcheck $f" shellcheck -x -S warning -e SC2034 "$f"
done
test_summary
