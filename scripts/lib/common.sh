# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for the project's scripts. Source it, do not run it.
#
# Paths (all overridable from the environment):
#   ENA_LAB_CACHE  caches and build output, outside the repo
#                  (default: ${XDG_CACHE_HOME:-$HOME/.cache}/ena-lab)
#   KSRC           a kernel git tree to use instead of the cached base tree
#   ENA_LAB_REPO   the project checkout whose series/ and patches/ are used
#                  (default: the checkout holding this file)
#   ENA_LAB_DEBUG_KERNEL  non-empty: the VM tests boot the debug VM kernel

set -o errexit -o nounset -o pipefail

LAB_REPO=${ENA_LAB_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_CACHE=${ENA_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ena-lab}
LAB_ROOT=$LAB_CACHE/root          # the debootstrap toolchain root
LAB_WORK=$LAB_CACHE/work          # everything else; bind-mounted into the root
LAB_BASE_REPO=$LAB_WORK/linux     # git repo of the unpacked base tree
LAB_BASE_TAG=ena-lab-base         # tag of the base commit in that repo
LAB_BUILD=$LAB_WORK/build         # O= build directories
# The VM kernel the VM tests boot, and upstream's ena.ko built for it;
# ENA_LAB_DEBUG_KERNEL=1 picks the debug kernel (build-vm-kernel --debug).
# A script that changes the variable calls this again.
lab_select_vm_kernel() {
	if [ -n "${ENA_LAB_DEBUG_KERNEL:-}" ]; then
		LAB_VM_KERNEL=$LAB_BUILD/vm-debug
		LAB_VM_BASE_ENA_DIR=$LAB_BUILD/vm-debug-ena-base
	else
		LAB_VM_KERNEL=$LAB_BUILD/vm
		LAB_VM_BASE_ENA_DIR=$LAB_BUILD/vm-ena-base
	fi
}
lab_select_vm_kernel
LAB_ARTIFACTS=$LAB_WORK/artifacts # logs and results worth keeping
LAB_ENA_DIR=drivers/net/ethernet/amazon/ena

export ENA_LAB_CACHE=$LAB_CACHE ENA_LAB_REPO=$LAB_REPO

log() { printf '%s\n' "==> $*" >&2; }
warn() { printf '%s\n' "warning: $*" >&2; }
die() {
	printf '%s\n' "error: $*" >&2
	exit 1
}

# need_cmd CMD HINT: stop with a one-line error naming what to install.
need_cmd() {
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found: $2"
}

# lab_bind_out DIR: create DIR and let the toolchain root write into it at
# the same absolute path (scripts/in-root binds ENA_LAB_BIND_OUT); the
# absolute path is left in LAB_OUT. Call it before lab_enter_root.
lab_bind_out() {
	mkdir -p "$1" || die "cannot create --out $1"
	LAB_OUT=$(cd "$1" && pwd)
	export ENA_LAB_BIND_OUT=$LAB_OUT
}

in_root() { [ "${ENA_LAB_IN_ROOT:-0}" = 1 ]; }

# run_dir_owned DIR: the vm-run that made the run directory DIR is still
# running (DIR/owner names a live process).
run_dir_owned() {
	local owner
	owner=$(cat "$1/owner" 2>/dev/null) && [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null
}

# console_splats FILE: the lines of a VM console log that show a kernel
# bug, a memory or locking error found by the debug kernel's checkers, or
# a leak (nothing when the log is clean).
console_splats() {
	grep -E 'BUG:|WARNING:|Oops|UBSAN:|KASAN:|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|ODEBUG:|refcount_t:|leaked reference|kmemleak: [0-9]+ new suspected' "$1" || true
}

# lab_enter_root "$0" "$@": re-run the calling script inside the toolchain
# root (creating it first if needed). A no-op when already inside.
lab_enter_root() {
	in_root && return 0
	[ "$(id -u)" = 0 ] || die "the toolchain root needs root privileges (debootstrap, chroot): run as root or with sudo"
	"$LAB_SCRIPTS/toolchain" --ensure
	exec "$LAB_SCRIPTS/in-root" "$@"
}

# Stage timing: stage_run NAME CMD... runs CMD, records how long it took and
# whether it passed; stage_summary prints the table and the pass/fail line.
STAGE_NAMES=()
STAGE_SECS=()
STAGE_RESULTS=()
stage_run() {
	local name=$1 start rc=0
	shift
	log "stage: $name"
	start=$(date +%s)
	"$@" || rc=$?
	STAGE_NAMES+=("$name")
	STAGE_SECS+=($(($(date +%s) - start)))
	if [ $rc = 0 ]; then STAGE_RESULTS+=(pass); else STAGE_RESULTS+=("FAIL($rc)"); fi
	log "stage: $name: ${STAGE_RESULTS[-1]} in ${STAGE_SECS[-1]}s"
	return 0
}
# Background stages: builds and scripts that need no VM can run beside the
# VM tests, whose guests leave the CPUs idle much of the time.
# stage_background_start NAME SCRIPT [NAME SCRIPT...] runs the scripts one
# after another, in a single background job at the lowest CPU and I/O
# priority (the VM tests keep the CPUs they ask for), each one's output held
# in a file; stage_background_wait waits for that job, prints the output and
# records the stages (their seconds overlap the other stages').
STAGE_BG_PID=
STAGE_BG_DIR=
stage_background_start() {
	STAGE_BG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ena-lab-stages.XXXXXX")
	log "stage: $(printf '%s ' "$@" | awk '{for (i = 1; i <= NF; i += 2) printf "%s ", $i}')in the background (output held until they end)"
	(
		while [ $# -gt 1 ]; do
			name=$1 start=$(date +%s) rc=0
			nice -n 19 ionice -c 3 "$2" >"$STAGE_BG_DIR/$name.log" 2>&1 </dev/null || rc=$?
			printf '%s %s %s\n' "$name" "$rc" "$(($(date +%s) - start))" >>"$STAGE_BG_DIR/results"
			shift 2
		done
	) &
	STAGE_BG_PID=$!
}
stage_background_wait() {
	local name rc secs
	[ -n "$STAGE_BG_PID" ] || return 0
	log "stage: waiting for the background stages"
	wait "$STAGE_BG_PID" || true
	STAGE_BG_PID=
	while read -r name rc secs; do
		log "stage: $name (background): its output"
		cat "$STAGE_BG_DIR/$name.log"
		STAGE_NAMES+=("$name (background)")
		STAGE_SECS+=("$secs")
		if [ "$rc" = 0 ]; then STAGE_RESULTS+=(pass); else STAGE_RESULTS+=("FAIL($rc)"); fi
		log "stage: $name (background): ${STAGE_RESULTS[-1]} in ${secs}s"
	done <"$STAGE_BG_DIR/results"
	rm -rf "$STAGE_BG_DIR"
}
stage_summary() {
	local i passed=0 failed=0
	printf '\n%-32s %-10s %8s\n' stage result seconds
	for i in "${!STAGE_NAMES[@]}"; do
		printf '%-32s %-10s %8s\n' "${STAGE_NAMES[$i]}" "${STAGE_RESULTS[$i]}" "${STAGE_SECS[$i]}"
		if [ "${STAGE_RESULTS[$i]}" = pass ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	done
	printf '\n%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" = 0 ]
}

# The kernel tree to work on: KSRC if given, else the cached base tree.
lab_ksrc() {
	if [ -n "${KSRC:-}" ]; then
		[ -d "$KSRC" ] || die "KSRC=$KSRC does not exist: point KSRC at a Linux source tree or unset it"
		[ -f "$KSRC/$LAB_ENA_DIR/ena_netdev.c" ] || die "KSRC=$KSRC is not a Linux tree with the ENA driver ($LAB_ENA_DIR/ena_netdev.c missing)"
		git -C "$KSRC" rev-parse --git-dir >/dev/null 2>&1 || die "KSRC=$KSRC is not a git repository: the series is applied with git am, so KSRC must be a git clone"
		(cd "$KSRC" && pwd)
	else
		[ -d "$LAB_BASE_REPO/.git" ] || die "base tree missing at $LAB_BASE_REPO: run scripts/base-tree first"
		printf '%s\n' "$LAB_BASE_REPO"
	fi
}

# The commit the series applies to: KSRC's HEAD (or KSRC_BASE if set), else
# the base tag of the cached tree.
lab_base_rev() {
	local src
	src=$(lab_ksrc)
	if [ -n "${KSRC:-}" ]; then
		git -C "$src" rev-parse --verify "${KSRC_BASE:-HEAD}^{commit}" 2>/dev/null ||
			die "KSRC_BASE=${KSRC_BASE:-HEAD} is not a commit in $src"
	else
		git -C "$src" rev-parse --verify "$LAB_BASE_TAG^{commit}"
	fi
}

# lab_read_series: fill SERIES_PATCHES with the series' patch files, in
# order, as absolute paths.
SERIES_PATCHES=()
lab_read_series() {
	local series=$LAB_REPO/series line
	[ -f "$series" ] || die "no series file at $series"
	SERIES_PATCHES=()
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		line=${line//[[:space:]]/}
		[ -n "$line" ] || continue
		[ -f "$LAB_REPO/patches/$line" ] || die "series lists $line but patches/$line does not exist"
		SERIES_PATCHES+=("$LAB_REPO/patches/$line")
	done <"$series"
}

# A hash of everything that decides the content of the applied tree.
lab_series_hash() {
	local base
	base=$(lab_base_rev)
	lab_read_series
	{
		printf '%s\n' "$base"
		[ ${#SERIES_PATCHES[@]} = 0 ] || cat "${SERIES_PATCHES[@]}"
	} | sha256sum | cut -c1-16
}
