# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Building kernels and the ena directory. Source after common.sh.

JOBS=${JOBS:-$(nproc)}
# The VM kernel's compiler (scripts/build-vm-kernel); modules built against
# it must use the same.
LAB_VM_CC=gcc
export CCACHE_DIR=$LAB_WORK/ccache CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# Paths relative to the work cache, so worktrees at other paths share hits.
export CCACHE_BASEDIR=$LAB_WORK CCACHE_NOHASHDIR=1
# Depend mode: a miss compiles once, without the extra preprocessor run that
# the default mode makes to look the result up (kbuild's -MMD lists what a
# hit must check). Measured on five large files: a miss 5.6% slower than
# no ccache in the default mode, as fast in depend mode; a cold VM kernel
# build is nothing but misses.
export CCACHE_DEPEND=1

# kmake TREE OUT gcc|clang [MAKE ARGS...]: make in TREE with output in OUT
# using the named compiler (clang means the whole LLVM toolchain), through
# ccache. Rust is compiled without debug info: nothing here debugs Rust
# with a debugger, BTF is made from the C objects only (pahole leaves Rust
# out), and with it the kernel crate and its doc tests were the longest
# part of a cold build.
kmake() {
	local tree=$1 out=$2 cc=$3
	shift 3
	local -a tc
	mapfile -t tc < <(toolchain_args "$cc")
	mkdir -p "$out"
	make -s -C "$tree" O="$out" -j"$JOBS" "${tc[@]}" KRUSTFLAGS=-Cdebuginfo=0 "$@"
}

# toolchain_args gcc|clang: make variables selecting that compiler (clang
# means the whole LLVM toolchain), through ccache. One word per line.
toolchain_args() {
	case $1 in
	gcc) printf '%s\n' "CC=ccache gcc" ;;
	clang) printf '%s\n' LLVM=1 "CC=ccache clang" ;;
	*) die "unknown compiler '$1'" ;;
	esac
}

# export_ena_dir REV DIR: the ena directory of the kernel tree at commit REV,
# copied to DIR (out-of-tree builds then never write into a worktree).
# Rewritten only when that directory's content changed.
export_ena_dir() {
	local rev=$1 dir=$2 src id
	src=$(lab_ksrc)
	id=$(git -C "$src" rev-parse --verify -q "$rev:$LAB_ENA_DIR") ||
		die "$rev has no $LAB_ENA_DIR in $src"
	[ "$(cat "$dir/.tree-id" 2>/dev/null)" = "$id" ] && return 0
	rm -rf "$dir"
	mkdir -p "$dir"
	git -C "$src" archive "$id" | tar -x -C "$dir" || die "could not export $LAB_ENA_DIR of $rev to $dir"
	printf '%s\n' "$id" >"$dir/.tree-id"
}

# build_ena_external SRC KDIR OUT gcc|clang: ena.ko from the sources in SRC
# as an external module against KDIR, a prepared kernel build directory or
# a linux-headers directory; the objects land in OUT.
build_ena_external() {
	local src=$1 kdir=$2 out=$3 cc=$4 ko
	local -a tc
	[ -f "$kdir/Makefile" ] && [ -f "$kdir/Module.symvers" ] ||
		die "$kdir is not a prepared kernel build or headers directory (no Makefile or Module.symvers)"
	mkdir -p "$out"
	mapfile -t tc < <(toolchain_args "$cc")
	make -s -C "$kdir" -j"$JOBS" "${tc[@]}" M="$src" MO="$out" modules >"$out/build.log" 2>&1 ||
		die "building ena.ko from $src against $kdir failed: see $out/build.log"
	ko=$out/ena.ko
	[ -f "$ko" ] || die "no $ko after building against $kdir: see $out/build.log"
}

# config_require OUT SYMBOL=VALUE...: stop if the resolved .config lost an
# option we asked for (a missing dependency, or a toolchain Kconfig rejected).
config_require() {
	local out=$1 want sym val got
	shift
	for want in "$@"; do
		sym=${want%%=*}
		val=${want#*=}
		got=$(grep -E "^(# )?CONFIG_${sym}[= ]" "$out/.config" || true)
		case $val in
		n) [ -z "$got" ] || [ "$got" = "# CONFIG_$sym is not set" ] ;;
		*) [ "$got" = "CONFIG_$sym=$val" ] ;;
		esac || die "CONFIG_$sym=$val did not stick in $out/.config (got '${got:-nothing}'): check its dependencies ('make O=$out menuconfig', search $sym)"
	done
}

# The Debian 7.3 amd64 kernel config, and the Module.symvers of Debian's
# prebuilt kernel built with it (both from the toolchain root).
DEBIAN_CONFIG=/usr/src/linux-config-7.3/config.amd64_none_amd64.xz
DEBIAN_HEADERS=
for d in /usr/src/linux-headers-7.3.*[0-9]-amd64; do
	[ -f "$d/Module.symvers" ] && DEBIAN_HEADERS=$d
done

# prepare_distro_tree [--no-rust] TREE OUT gcc|clang [MAKE ARGS...]: OUT
# configured with Debian's config (with Rust off for --no-rust) and ready for
# building single directories (modules_prepare, given the extra make
# arguments).
prepare_distro_tree() {
	local rust=y
	[ "$1" != --no-rust ] || { rust=n && shift; }
	local tree=$1 out=$2 cc=$3
	shift 3
	[ -f "$DEBIAN_CONFIG" ] || die "$DEBIAN_CONFIG missing: re-run scripts/toolchain (package linux-config-7.3)"
	[ -n "$DEBIAN_HEADERS" ] || die "Debian's linux-headers for 7.3 missing: re-run scripts/toolchain"
	# .config.debian: what OUT/.config was made from
	if ! cmp -s <(xz -dc "$DEBIAN_CONFIG" && echo "# rust=$rust") "$out/.config.debian" 2>/dev/null; then
		mkdir -p "$out"
		{ xz -dc "$DEBIAN_CONFIG" && echo "# rust=$rust"; } >"$out/.config.debian"
		cp "$out/.config.debian" "$out/.config"
		# Debian's build injects its own certificates; a local build has none.
		"$tree/scripts/config" --file "$out/.config" --set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" --set-str MODULE_SIG_KEY "certs/signing_key.pem"
		[ $rust = y ] || "$tree/scripts/config" --file "$out/.config" --disable RUST
		kmake "$tree" "$out" "$cc" olddefconfig
		config_require "$out" "RUST=$rust"
	fi
	config_require "$out" ENA_ETHERNET=m
	kmake "$tree" "$out" "$cc" "$@" modules_prepare
	cp "$DEBIAN_HEADERS/Module.symvers" "$out/Module.symvers"
}

# build_ena TREE OUT gcc|clang [MAKE ARGS...]: build only the ena directory
# of TREE against the prepared OUT, from clean so that every warning is
# printed. The objects land in OUT/ena (never in TREE); prints nothing but
# the compiler's output.
build_ena() {
	local tree=$1 out=$2 cc=$3
	shift 3
	rm -rf "$out/ena"
	kmake "$tree" "$out" "$cc" "$@" M="$tree/$LAB_ENA_DIR" MO="$out/ena" modules
}
