# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The project's jobs as lists of stages, shared by scripts/build and
# scripts/test. Each stage is one of the entry-point scripts; stage_run
# times it and records pass/fail. Source after common.sh.

# Everything a developer needs: toolchain root, base tree, the series applied,
# the VM kernel and the distro build of ena.ko. --for-tests leaves out the
# distro build: check-series builds every patch against the same Debian
# config (W=1, sparse, gcc and clang), the last one included.
run_build_stages() {
	stage_run toolchain "$LAB_SCRIPTS/toolchain" --ensure
	stage_run base-tree "$LAB_SCRIPTS/base-tree"
	stage_run apply-series "$LAB_SCRIPTS/apply-series"
	stage_run build-vm-kernel "$LAB_SCRIPTS/build-vm-kernel"
	[ "${1:-}" = --for-tests ] ||
		stage_run build-distro-ena "$LAB_SCRIPTS/build-distro-ena"
}

# The tests on top of the build. The per-patch checks and their own tests
# (builds, checkpatch, coccinelle, clippy: no VM) run in the background
# beside the VM tests; cold, they are about half an hour of CPU that the
# guests' idle time mostly absorbs.
run_test_stages() {
	stage_background_start check-series-tests "$LAB_SCRIPTS/tests/check-series.sh" \
		check-series "$LAB_SCRIPTS/check-series"
	stage_run lint-scripts "$LAB_SCRIPTS/tests/lint-scripts.sh"
	stage_run series-tooling-tests "$LAB_SCRIPTS/tests/series-tooling.sh"
	stage_run model-unit-tests "$LAB_SCRIPTS/tests/model-unit.sh"
	stage_run vm-harness "$LAB_SCRIPTS/tests/vm-harness.sh"
	stage_run vm-probe "$LAB_SCRIPTS/tests/vm-probe.sh"
	stage_run vm-traffic "$LAB_SCRIPTS/tests/vm-traffic.sh"
	stage_run vm-ethtool "$LAB_SCRIPTS/tests/vm-ethtool.sh"
	stage_run demo-tour "$LAB_SCRIPTS/tests/demo-tour.sh"
	stage_run dist-install "$LAB_SCRIPTS/tests/dist-install.sh"
	if [ -n "${ENA_LAB_FULL:-}" ]; then
		stage_run selftests "$LAB_SCRIPTS/selftests" --full
		# not in CI: the debug kernel's cold build (about 24 min) and its
		# runs on top of a cold CI run would exceed the 75-minute budget
		stage_run vm-debug "$LAB_SCRIPTS/tests/vm-debug.sh"
	else
		stage_run selftests "$LAB_SCRIPTS/selftests"
	fi
	stage_background_wait
}
