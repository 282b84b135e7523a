#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ena-model's own tests (no VM): built normally and with ASan + UBSan, a
# test client playing QEMU and the driver against the model; then the
# libFuzzer harnesses (clang) replay the corpus in ena-model/fuzz/corpus.
#
#   scripts/tests/model-unit.sh

. "$(dirname "$0")/../lib/common.sh"
lab_enter_root "$0" "$@"

make -s -C "$LAB_REPO/ena-model" BUILD="$LAB_BUILD/model" check || exit 1
exec make -s -C "$LAB_REPO/ena-model" BUILD="$LAB_BUILD/model" fuzz-check
