#!/bin/sh
# Replay a corpus through the fuzz harnesses: every file once, no fuzzing.
#   replay.sh BUILD CORPUS HARNESS...   (runs BUILD/fuzz_H on CORPUS/H)
# Prints a line per harness and exits non-zero on the first failure.
set -u
[ $# -ge 3 ] || { echo "usage: replay.sh BUILD CORPUS HARNESS..." >&2; exit 2; }
build=$1 corpus=$2
shift 2
for h in "$@"; do
	bin=$build/fuzz_$h dir=$corpus/$h
	[ -x "$bin" ] || { echo "replay: no harness $bin (run make fuzz)" >&2; exit 2; }
	n=$(find "$dir" -type f 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] || { echo "replay: no corpus in $dir" >&2; exit 2; }
	log=$build/replay-$h.log
	if ! "$bin" -runs=0 "$dir" >"$log" 2>&1; then
		echo "FAIL fuzz_$h: a corpus input crashed or leaked, see $log" >&2
		tail -n 30 "$log" >&2
		exit 1
	fi
	echo "ok   fuzz_$h: $n inputs replayed"
done
