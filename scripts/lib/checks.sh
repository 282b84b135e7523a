# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The per-patch checks, modelled on netdev's patchwork CI. Source after
# common.sh, series.sh and kernel.sh.
#
# Every check_* function takes the check worktree (at the patch's commit),
# the patch file and an output file for details; it returns 0 for ok, 1 for
# a failure and 2 for "does not apply to this patch".

SUBJECT_PREFIX='net: ena: '
SELFTEST_SUBJECT_PREFIX='selftests: drv-net: '
RUST_SUBJECT_PREFIX='rust: '
# names of this project's tools, which mean nothing upstream
OUR_TOOLING_RE='ena-lab|ena_lab|ena-model|ena_model|bench-rx|vm-run|check-series|apply-series|export-series|scripts/(test|selftests|demo|build|bench|check|vm|guest)|virtio-ports/org\.'
CODESPELL_DICT=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt

# normalize_warnings TREE: compiler, sparse, kernel-doc and coccinelle
# diagnostics from stdin, reduced to "file: message" (path relative to the
# tree, no line or column numbers) and sorted, so that a patch moving code
# around does not turn old warnings into new ones. Formats seen:
#   ../../../trees/check/drivers/...c:12:3: warning: ...   (gcc, clang, M=)
#   drivers/...c:12:3: warning: ...                         (sparse)
#   Warning: drivers/...c:12 function parameter ...         (kernel-doc)
#   ./ena_netdev.c:12:2-7: WARNING: ...                     (coccicheck M=)
normalize_warnings() {
	local tree=$1
	{ grep -E '(warning|error|Warning|WARNING|ERROR):' || true; } |
		sed -E -e "s#$tree/##g" -e 's#^([^ :]*/)?trees/[^/ :]+/##' \
			-e "s#^\./#$LAB_ENA_DIR/#" \
			-e 's#^(Warning|warning): ([^: ]+):[0-9]+ #\2: \1: #' \
			-e 's#^([^: ]+):[0-9]+(:[0-9]+)?(-[0-9]+)?:#\1:#' \
			-e 's#(line|lines) [0-9]+(-[0-9]+)?#\1 N#g' |
		LC_ALL=C sort
}

# new_lines BASELINE CURRENT: lines of CURRENT not in BASELINE (as multisets).
new_lines() { LC_ALL=C comm -13 "$1" "$2"; }

# The warnings of building the ena directory of TREE with W=1 C=1 (sparse)
# under compiler CC against the prepared OUT. Fails if the build fails.
ena_build_warnings() {
	local tree=$1 out=$2 cc=$3 log
	log=$(mktemp)
	# kbuild quietly drops C=1 when sparse is missing or too old: a check
	# that did not run must not pass.
	if ! build_ena "$tree" "$out" "$cc" W=1 C=1 >"$log" 2>&1 ||
		grep -q 'specified, but .* is not available' "$log"; then
		cat "$log"
		rm -f "$log"
		return 1
	fi
	normalize_warnings "$tree" <"$log"
	rm -f "$log"
}

kdoc_warnings() {
	local tree=$1 file
	shift
	for file in "$@"; do
		[ -f "$tree/$file" ] || continue
		(cd "$tree" && scripts/kernel-doc -none -Wall "$file" 2>&1)
	done | normalize_warnings "$tree"
}

# cocci_reports TREE OUT DIR: coccicheck's reports on DIR (the ena
# directory or a copy of it) as spatch prints them, "./file.c:line:col:
# WARNING: ..." relative to DIR. Fails (printing spatch's output) if
# coccicheck itself fails.
cocci_reports() {
	local tree=$1 out=$2 dir=$3 log
	log=$(mktemp)
	if ! kmake "$tree" "$out" gcc coccicheck MODE=report M="$dir" >"$log" 2>&1; then
		cat "$log"
		rm -f "$log"
		return 1
	fi
	{ grep -E '^\./[^ :]+:[0-9]+' "$log" || true; } | LC_ALL=C sort -u
	rm -f "$log"
}

# cocci_warnings TREE OUT: the reports on TREE's ena directory, normalized.
cocci_warnings() {
	local reports
	reports=$(cocci_reports "$1" "$2" "$1/$LAB_ENA_DIR") || { printf '%s\n' "$reports"; return 1; }
	[ -z "$reports" ] || printf '%s\n' "$reports" | normalize_warnings "$1"
}

# cocci_blame TREE BASE TIP OUT BASELINE: coccicheck once, on the ena
# directory as commit TIP has it (a copy: TREE's checkout is left alone),
# each report the base tree does not have printed as "COMMIT REPORT",
# REPORT normalized like the baseline BASELINE. COMMIT is the commit after
# BASE that last wrote the report's line; a report on a line the base
# already had counts only where TIP has more reports of its kind than the
# base, and then goes to the last commit that touched its file.
cocci_blame() {
	local tree=$1 base=$2 tip=$3 out=$4 baseline=$5
	local copy reports line file lineno norm commit
	local -A excess series
	copy=$(mktemp -d)
	git -C "$tree" archive "$tip" "$LAB_ENA_DIR" | tar -x -C "$copy"
	reports=$(cocci_reports "$tree" "$out" "$copy/$LAB_ENA_DIR") || {
		printf '%s\n' "$reports"
		rm -rf "$copy"
		return 1
	}
	rm -rf "$copy"
	[ -n "$reports" ] || return 0
	while read -r commit; do series[$commit]=1; done < <(git -C "$tree" rev-list "$base..$tip")
	# how many more reports of each kind the tip has than the base
	while read -r line; do
		excess[$line]=$((${excess[$line]:-0} + 1))
	done < <(printf '%s\n' "$reports" | normalize_warnings "$tree")
	while read -r line; do
		[ -z "$line" ] || excess[$line]=$((${excess[$line]:-0} - 1))
	done <"$baseline"
	while read -r line; do
		file=${line%%:*}
		file=$LAB_ENA_DIR/${file#./}
		lineno=${line#*:}
		lineno=${lineno%%:*}
		norm=$(printf '%s\n' "$line" | normalize_warnings "$tree")
		commit=$(git -C "$tree" blame --porcelain -L "$lineno,$lineno" "$tip" -- "$file" | head -n 1 | cut -d' ' -f1)
		if [ -z "${series[$commit]:-}" ]; then
			[ "${excess[$norm]:-0}" -gt 0 ] || continue
			commit=$(git -C "$tree" log -1 --format=%H "$base..$tip" -- "$file")
		fi
		excess[$norm]=$((${excess[$norm]:-0} - 1))
		printf '%s %s\n' "$commit" "$norm"
	done < <(printf '%s\n' "$reports")
}

# The files (in the tree) a commit touches, one a line.
touched_files() { git -C "$1" diff-tree --no-commit-id --name-only -r HEAD; }

# The base tree is committed without history, so the commit ids a message
# names (Fixes: tags) cannot be looked up in it: UNKNOWN_COMMIT_ID is off,
# their format (GIT_COMMIT_ID: 12+ digits, the subject quoted) is checked.
check_checkpatch() {
	local tree=$1 patch=$2 details=$3
	"$tree/scripts/checkpatch.pl" --strict --max-line-length=80 --codespell \
		--codespellfile "$CODESPELL_DICT" --no-tree --summary-file \
		--ignore UNKNOWN_COMMIT_ID "$patch" \
		>"$details" 2>&1 && return 0
	local maintained=
	if grep -qxF -- "$MAINTAINERS_WARNING" "$details"; then
		new_files_maintained "$tree" >>"$details" || return 1
		maintained=1
	fi
	only_accepted_complaints "$details" "$maintained"
}

MAINTAINERS_WARNING='WARNING: added, moved or deleted file(s), does MAINTAINERS need updating?'

# netdev keeps C to 80 columns; Rust is formatted by rustfmt, whose width
# the kernel sets to 100 (the rustfmt check enforces it). True if every
# complaint in checkpatch's output DETAILS is a line of a .rs file of at
# most 100 columns, or (MAINTAINED set) the question about MAINTAINERS,
# which new_files_maintained answered; says so at its end.
only_accepted_complaints() {
	local details=$1 maintained=${2:-} others
	others=$(awk -v maintained="$maintained" -v mw="$MAINTAINERS_WARNING" '
		maintained != "" && $0 == mw { next }
		/^(ERROR|WARNING|CHECK):/ { msg = $0; next }
		msg != "" && /^#[0-9]+: FILE: / {
			ok = 0
			if (msg ~ /^WARNING: line length of [0-9]+ exceeds 80 columns$/ && $3 ~ /\.rs:[0-9]+:$/) {
				n = msg; sub(/^WARNING: line length of /, "", n); sub(/ .*/, "", n)
				ok = n + 0 <= 100
			}
			if (!ok) print msg " " $3
			msg = ""
			next
		}
		msg != "" && !/^#[0-9]+:/ { print msg; msg = "" }
	' "$details")
	[ -z "$others" ] && grep -qE '^(WARNING|ERROR|CHECK):' "$details" || return 1
	echo "accepted: the only complaints are Rust lines of 81-100 columns (rustfmt's width)${maintained:+ and new files MAINTAINERS covers}" >>"$details"
}

# checkpatch asks about MAINTAINERS for every added file, even one inside a
# directory an existing section already covers (as netdev's CI does; the
# maintainers ignore it then). True if every file HEAD adds in TREE has a
# MAINTAINERS section of its own (not just "THE REST"); says which.
new_files_maintained() {
	local tree=$1 f sections
	while read -r f; do
		sections=$(cd "$tree" && scripts/get_maintainer.pl --no-git --no-git-fallback --sections -f "$f" 2>/dev/null |
			grep -E '^[A-Z0-9][^:]*$' | grep -vx 'THE REST' | head -n 1)
		[ -n "$sections" ] || { echo "no MAINTAINERS section covers the new file $f"; return 1; }
		echo "accepted: the new file $f is covered by MAINTAINERS section '$sections'"
	done < <(git -C "$tree" diff-tree --no-commit-id --diff-filter=A --name-only -r HEAD)
}

# check_build_CC TREE PATCH DETAILS BASELINE_DIR
# touches_build TREE: the patch at TREE's HEAD changes something a build of
# the ena directory reads (not only selftests, documentation, MAINTAINERS).
touches_build() {
	# (not grep -q: under pipefail an early exit may fail the pipeline)
	[ -n "$(touched_files "$1" | grep -v -e '^tools/testing/selftests/' -e '^Documentation/' -e '^MAINTAINERS$')" ]
}

# The build is incremental, so a file's warnings show again whenever a later
# patch makes it compile again (a header or the kernel crate changed). A
# warning an earlier patch of this run introduced was reported against that
# patch (its DETAILS, a sibling of this one) and is not blamed again.
check_build() {
	local cc=$1 tree=$2 details=$4 baseline=$5/build-$1.txt current known
	touches_build "$tree" || return 2
	current=$(mktemp)
	if ! ena_build_warnings "$tree" "$LAB_BUILD/check-$cc" "$cc" >"$current"; then
		mv "$current" "$details"
		return 1
	fi
	known=$(mktemp)
	cat "$baseline" "$(dirname "$details")"/../*/"$(basename "$details")" 2>/dev/null |
		LC_ALL=C sort >"$known" || true
	new_lines "$known" "$current" >"$details"
	rm -f "$current" "$known"
	[ ! -s "$details" ]
}
check_build_gcc() { check_build gcc "$@"; }
check_build_clang() { check_build clang "$@"; }

# kernel-doc on the touched C files, against the same files one commit back.
check_kdoc() {
	local tree=$1 details=$3 before after head
	local -a files
	mapfile -t files < <(touched_files "$tree" | grep -E '\.[ch]$' || true)
	[ ${#files[@]} -gt 0 ] || return 2
	after=$(mktemp)
	before=$(mktemp)
	kdoc_warnings "$tree" "${files[@]}" >"$after"
	head=$(git -C "$tree" rev-parse HEAD)
	git -C "$tree" checkout -q --detach HEAD~1
	kdoc_warnings "$tree" "${files[@]}" >"$before"
	git -C "$tree" checkout -q --detach "$head"
	new_lines "$before" "$after" >"$details"
	rm -f "$before" "$after"
	[ ! -s "$details" ]
}

# The series' coccinelle reports come from one run at its tip (check-series
# sets COCCI_BLAMED to cocci_blame's output): a patch that touches the ena
# directory's C files fails with the reports on lines it wrote.
check_cocci() {
	local tree=$1 details=$3 head
	touched_files "$tree" | grep -qE "^$LAB_ENA_DIR/.*\\.[ch]$" || return 2
	head=$(git -C "$tree" rev-parse HEAD)
	{ grep "^$head " "${COCCI_BLAMED:?}" || true; } | cut -d' ' -f2- >"$details"
	[ ! -s "$details" ]
}

check_signoff() {
	local tree=$1 details=$3 author
	author=$(git -C "$tree" log -1 --format='%an <%ae>')
	git -C "$tree" log -1 --format=%B | grep -qxF "Signed-off-by: $author" && return 0
	echo "no 'Signed-off-by: $author' line in the commit message" >"$details"
	return 1
}

# The subject prefix netdev expects: selftests patches (which may add
# their MAINTAINERS entry) are named after their directory, a Rust
# abstraction (rust/ only) after the Rust tree's prefix, everything else
# after the driver.
check_subject() {
	local tree=$1 details=$3 subject prefix=$SUBJECT_PREFIX
	subject=$(git -C "$tree" log -1 --format=%s)
	[ -n "$(touched_files "$tree" | grep -v -e '^tools/testing/selftests/' -e '^MAINTAINERS$')" ] ||
		prefix=$SELFTEST_SUBJECT_PREFIX
	[ -n "$(touched_files "$tree" | grep -v -e '^rust/')" ] || prefix=$RUST_SUBJECT_PREFIX
	case $subject in
	"$prefix"?*) return 0 ;;
	esac
	echo "subject '$subject' does not start with '$prefix'" >"$details"
	return 1
}

# A commit message goes upstream: it describes the method, never the
# project's own tools (scripts, the device model, the lab) by name.
check_message() {
	local tree=$1 details=$3
	git -C "$tree" log -1 --format=%B | grep -inE "$OUR_TOOLING_RE" >"$details" || return 0
	sed -i '1i the commit message names out-of-tree tooling; describe the method instead:' "$details"
	return 1
}

# Rust files: rustfmt and clippy with the tree's own settings
# (.rustfmt.toml, .clippy.toml: taken from the base repo's checkout, as the
# base commit leaves dot-files out), clippy with no warning: each touched
# Rust module directory is built as an external module against the VM
# kernel. A kernel crate change also gets its documentation built.
check_rust() {
	local tree=$1 details=$3 dir scratch prepare_log
	local -a files dirs extra
	mapfile -t files < <(touched_files "$tree" | grep -E '\.rs$' || true)
	[ ${#files[@]} -gt 0 ] || return 2
	if ! (cd "$tree" && rustfmt --config-path "$LAB_BASE_REPO/.rustfmt.toml" --check "${files[@]}") \
		>"$details" 2>&1; then
		sed -i '1i rustfmt --check wants these changes:' "$details"
		return 1
	fi
	[ -f "$LAB_BUILD/vm/rust/kernel.o" ] || {
		echo "no Rust-enabled VM kernel at $LAB_BUILD/vm: run scripts/build-vm-kernel" >"$details"
		return 1
	}
	mapfile -t dirs < <(printf '%s\n' "${files[@]}" | xargs -n 1 dirname | sort -u)
	for dir in "${dirs[@]}"; do
		[ -f "$tree/$dir/Makefile" ] || continue
		scratch=$LAB_WORK/scratch/check-rust
		rm -rf "$scratch" && mkdir -p "$scratch"
		cp "$tree/$dir"/* "$scratch/"
		mv "$scratch/Makefile" "$scratch/Kbuild"
		if ! make -s -C "$LAB_BUILD/vm" M="$scratch" "CC=ccache $LAB_VM_CC" CLIPPY=1 \
			CLIPPY_CONF_DIR="$LAB_BASE_REPO" -j"$JOBS" modules >>"$details" 2>&1; then
			sed -i "1i clippy build of $dir failed:" "$details"
			return 1
		fi
	done
	if grep -qE '^(warning|error)' "$details"; then
		sed -i '1i clippy warns:' "$details"
		return 1
	fi
	# A kernel crate change: the gcc check tree compiled the crates it
	# touches through clippy (check-series' modules_prepare, logged next to
	# these details), which must not warn; its documentation (the rustdoc
	# target) must build without a warning, intra-doc links included. Its
	# doc tests run in the VM kernel (CONFIG_RUST_KERNEL_DOCTESTS).
	if printf '%s\n' "${files[@]}" | grep -q '^rust/'; then
		prepare_log=$(dirname "$details")/prepare-gcc.log
		if [ ! -f "$prepare_log" ]; then
			echo "no clippy build of the kernel crate for this patch ($prepare_log)" >"$details"
			return 1
		fi
		if grep -qE '^(warning|error)' "$prepare_log"; then
			{ echo "clippy warns about the kernel crate:"; cat "$prepare_log"; } >"$details"
			return 1
		fi
		mapfile -t extra < <(check_make_args gcc)
		if ! kmake "$tree" "$LAB_BUILD/check-gcc" gcc "${extra[@]}" rustdoc >"$details" 2>&1; then
			sed -i '1i rustdoc failed:' "$details"
			return 1
		fi
		if grep -qE '^(warning|error)' "$details"; then
			sed -i '1i rustdoc warns:' "$details"
			return 1
		fi
	fi
	: >"$details"
}

# check_make_args gcc|clang: extra make arguments for that check tree, one a
# line. The gcc tree compiles Rust through clippy, with the tree's own lint
# settings (the same objects as rustc's, plus its lints).
check_make_args() {
	[ "$1" != gcc ] || printf '%s\n' CLIPPY=1 "CLIPPY_CONF_DIR=$LAB_BASE_REPO"
}

# check_tree_options gcc|clang: prepare_distro_tree's options for that check
# tree. The clang tree, there for the C warnings clang gives, leaves Rust
# out: rustc is the same compiler in both trees, and a patch to the kernel
# crate would have it compiled twice.
check_tree_options() {
	[ "$1" != clang ] || echo --no-rust
}

CHECKS=(checkpatch build_gcc build_clang kdoc cocci rust signoff subject message)

# record_baseline TREE DIR: the base tree's own warnings, once per base and
# toolchain; our patches are never blamed for them.
record_baseline() {
	local tree=$1 dir=$2
	[ -f "$dir/complete" ] && return 0
	mkdir -p "$dir"
	log "recording the base tree's warnings in $dir (once)"
	ena_build_warnings "$tree" "$LAB_BUILD/check-gcc" gcc >"$dir/build-gcc.txt" ||
		die "the base tree's ena directory does not build with gcc W=1 C=1: see $dir/build-gcc.txt"
	ena_build_warnings "$tree" "$LAB_BUILD/check-clang" clang >"$dir/build-clang.txt" ||
		die "the base tree's ena directory does not build with clang W=1 C=1: see $dir/build-clang.txt"
	cocci_warnings "$tree" "$LAB_BUILD/check-gcc" >"$dir/cocci.txt" ||
		die "make coccicheck fails on the base tree: see $dir/cocci.txt"
	touch "$dir/complete"
}
