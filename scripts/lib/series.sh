# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Applying the series to worktrees of the kernel tree, and exporting it back.
# Source after common.sh.

# Where a named worktree lives: under the work cache, apart per source tree
# so the cached base and a user's KSRC never share a worktree.
lab_tree_dir() {
	local name=$1
	if [ -n "${KSRC:-}" ]; then
		printf '%s/trees/ksrc-%s/%s\n' "$LAB_WORK" "$(lab_ksrc | sha256sum | cut -c1-8)" "$name"
	else
		printf '%s/trees/%s\n' "$LAB_WORK" "$name"
	fi
}

# The state file apply writes into a worktree's git dir: the series hash it
# applied and the HEAD it produced. A HEAD that moved since means commits
# that only live in the worktree.
# worktree_clean DIR: no uncommitted changes to tracked files.
worktree_clean() { [ -z "$(git -C "$1" status --porcelain --untracked-files=no)" ]; }

applied_state_file() { printf '%s/ena-lab-applied\n' "$(git -C "$1" rev-parse --absolute-git-dir)"; }

record_applied_state() {
	printf '%s %s\n' "$(lab_series_hash)" "$(git -C "$1" rev-parse HEAD)" >"$(applied_state_file "$1")"
}

# guard_unsaved DIR: stop if DIR holds work that re-applying would lose.
guard_unsaved() {
	local dir=$1 state head
	worktree_clean "$dir" ||
		die "$dir has uncommitted changes: commit them and run scripts/export-series, or discard them (git -C $dir reset --hard)"
	[ -d "$(git -C "$dir" rev-parse --absolute-git-dir)/rebase-apply" ] &&
		die "$dir is in the middle of git am/rebase: finish or abort it first"
	state=$(applied_state_file "$dir")
	[ -f "$state" ] || return 0
	head=$(git -C "$dir" rev-parse HEAD)
	[ "$(cut -d' ' -f2 "$state")" = "$head" ] ||
		die "$dir has commits not exported to patches/ (HEAD moved since the series was applied): run scripts/export-series $dir, or pass --force to discard them"
}

# series_apply DIR [--force]: make DIR a worktree of the kernel tree at the
# base with every patch of the series applied as a commit (git am). Quick
# when DIR already holds exactly this series; only changed files are
# rewritten otherwise, so incremental builds stay incremental.
series_apply() {
	local dir=$1 force=${2:-} src base hash state i patch
	src=$(lab_ksrc)
	base=$(lab_base_rev)
	hash=$(lab_series_hash)
	lab_read_series

	if [ -e "$dir/.git" ]; then
		[ "$(git -C "$dir" rev-parse --path-format=absolute --git-common-dir)" -ef "$(git -C "$src" rev-parse --path-format=absolute --git-common-dir)" ] ||
			die "$dir is a worktree of another repository than $src: remove it or choose another directory"
		state=$(applied_state_file "$dir")
		if [ -f "$state" ] && [ "$(cat "$state")" = "$hash $(git -C "$dir" rev-parse HEAD)" ] &&
			worktree_clean "$dir"; then
			return 0
		fi
		[ "$force" = --force ] || guard_unsaved "$dir"
		git -C "$dir" am --abort >/dev/null 2>&1 || true
	elif [ -e "$dir" ]; then
		die "$dir exists and is not a git worktree: remove it or choose another directory"
	else
		mkdir -p "$(dirname "$dir")"
		git -C "$src" worktree prune
		git -C "$src" worktree add -q --detach "$dir" "$base" ||
			die "could not create a worktree of $src at $dir"
	fi
	git -C "$dir" checkout -q -B "ena-lab/$(basename "$dir")" "$base"
	git -C "$dir" reset -q --hard "$base"
	rm -f "$(applied_state_file "$dir")"

	for i in "${!SERIES_PATCHES[@]}"; do
		patch=${SERIES_PATCHES[$i]}
		if ! git -C "$dir" am -q --keep-cr "$patch" >"$dir.am.log" 2>&1; then
			git -C "$dir" am --abort >/dev/null 2>&1 || true
			die "patch $((i + 1)) of ${#SERIES_PATCHES[@]} ($(basename "$patch")) does not apply to $src at ${base:0:12}: $(grep -m1 -E '^(error|Patch failed)' "$dir.am.log" || head -1 "$dir.am.log")"
		fi
	done
	rm -f "$dir.am.log"
	record_applied_state "$dir"
}

# Mirror directories: files the series adds under a kernel path are copied
# to the mirror directory of that path. mirrors.list records what was
# copied, so a file dropped from the series is dropped from its mirror and
# anything else in a mirror directory (out-of-tree build support) is kept.
MIRROR_MAP=(
	"$LAB_ENA_DIR/:drivers-net-ethernet-amazon-ena/"
	"tools/testing/selftests/:tools-testing-selftests/"
	"Documentation/:Documentation/"
)

mirror_path() {
	local file=$1 entry
	for entry in "${MIRROR_MAP[@]}"; do
		case $file in
		"${entry%%:*}"*) printf '%s%s\n' "${entry#*:}" "${file#"${entry%%:*}"}" && return 0 ;;
		esac
	done
	return 1
}

# refresh_mirrors DIR: bring the mirror directories in line with the files
# DIR's commits add on top of the base.
refresh_mirrors() {
	local dir=$1 base list=$LAB_REPO/mirrors.list file mirror
	base=$(lab_base_rev)
	if [ -f "$list" ]; then
		while IFS= read -r mirror; do
			rm -f "$LAB_REPO/$mirror"
		done <"$list"
	fi
	: >"$list.new"
	while IFS= read -r file; do
		mirror=$(mirror_path "$file") || continue
		mkdir -p "$(dirname "$LAB_REPO/$mirror")"
		git -C "$dir" show "HEAD:$file" >"$LAB_REPO/$mirror"
		[ ! -x "$dir/$file" ] || chmod +x "$LAB_REPO/$mirror"
		printf '%s\n' "$mirror" >>"$list.new"
	done < <(git -C "$dir" diff --no-renames --diff-filter=A --name-only "$base" HEAD)
	mv "$list.new" "$list"
}

# Fixed format-patch options, so that exporting the same commits always
# writes the same bytes whatever the user's git configuration.
FORMAT_PATCH_OPTS=(--zero-commit --no-signature --abbrev=12 --diff-algorithm=myers
	--no-renames --no-numbered --no-cover-letter --no-base --subject-prefix=PATCH)

# series_export DIR: write DIR's commits on top of the base to patches/ and
# series, and refresh the mirror directories.
series_export() {
	local dir=$1 base tmp f old count
	base=$(lab_base_rev)
	[ -e "$dir/.git" ] || die "$dir is not a worktree: run scripts/apply-series first"
	git -C "$dir" merge-base --is-ancestor "$base" HEAD ||
		die "$dir is not based on the base commit ${base:0:12}: rebase it onto $LAB_BASE_TAG first"
	worktree_clean "$dir" ||
		die "$dir has uncommitted changes: commit them (git commit --fixup, then git rebase -i --autosquash) before exporting"
	count=$(git -C "$dir" rev-list --count --no-merges "$base..HEAD")
	[ "$(git -C "$dir" rev-list --count "$base..HEAD")" = "$count" ] ||
		die "$dir has merge commits between the base and HEAD: the series must be linear"

	tmp=$(mktemp -d)
	# The user's and the system's git config stay out of the bytes written.
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
		git -C "$dir" format-patch -q "${FORMAT_PATCH_OPTS[@]}" -o "$tmp" "$base..HEAD"

	mkdir -p "$LAB_REPO/patches"
	lab_read_series
	for old in "${SERIES_PATCHES[@]}"; do
		[ -e "$tmp/$(basename "$old")" ] || rm -f "$old"
	done
	: >"$LAB_REPO/series.new"
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$LAB_REPO/patches/$(basename "$f")" || cp "$f" "$LAB_REPO/patches/"
		basename "$f" >>"$LAB_REPO/series.new"
	done
	rm -rf "$tmp"
	mv "$LAB_REPO/series.new" "$LAB_REPO/series"
	refresh_mirrors "$dir"
	record_applied_state "$dir"
	log "exported $count patch(es) from $dir to $LAB_REPO/patches"
}
