# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Building kernels and the ena directory. Source after common.sh.

JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=$LAB_WORK/ccache CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# Paths relative to the work cache, so worktrees at other paths share hits.
export CCACHE_BASEDIR=$LAB_WORK CCACHE_NOHASHDIR=1

# kmake TREE OUT gcc|clang [MAKE ARGS...]: make in TREE with output in OUT
# using the named compiler (clang means the whole LLVM toolchain), through
# ccache.
kmake() {
	local tree=$1 out=$2 cc=$3
	shift 3
	local -a tc
	case $cc in
	gcc) tc=(CC="ccache gcc") ;;
	clang) tc=(LLVM=1 CC="ccache clang") ;;
	*) die "kmake: unknown compiler '$cc'" ;;
	esac
	mkdir -p "$out"
	make -s -C "$tree" O="$out" -j"$JOBS" "${tc[@]}" "$@"
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

# prepare_distro_tree TREE OUT gcc|clang: OUT configured with Debian's config
# and ready for building single directories (modules_prepare).
prepare_distro_tree() {
	local tree=$1 out=$2 cc=$3
	[ -f "$DEBIAN_CONFIG" ] || die "$DEBIAN_CONFIG missing: re-run scripts/toolchain (package linux-config-7.3)"
	[ -n "$DEBIAN_HEADERS" ] || die "Debian's linux-headers for 7.3 missing: re-run scripts/toolchain"
	if ! cmp -s <(xz -dc "$DEBIAN_CONFIG") "$out/.config.debian" 2>/dev/null; then
		mkdir -p "$out"
		xz -dc "$DEBIAN_CONFIG" >"$out/.config.debian"
		cp "$out/.config.debian" "$out/.config"
		# Debian's build injects its own certificates; a local build has none.
		"$tree/scripts/config" --file "$out/.config" --set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" --set-str MODULE_SIG_KEY "certs/signing_key.pem"
		kmake "$tree" "$out" "$cc" olddefconfig
	fi
	config_require "$out" ENA_ETHERNET=m
	kmake "$tree" "$out" "$cc" modules_prepare
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
