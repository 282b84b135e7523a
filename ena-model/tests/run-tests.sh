#!/bin/sh
# Run every test program against the model of each build directory given,
# e.g. "run-tests.sh build build-asan".  Prints the per-test lines, then a
# last line "N passed, N failed"; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.." || exit 2

total_pass=0
total_fail=0
for dir in "$@"; do
	for t in "$dir"/test_*; do
		[ -x "$t" ] || continue
		echo "== $t (model: $dir/ena-model)"
		out=$(ENA_MODEL="$dir/ena-model" "$t")
		rc=$?
		printf '%s\n' "$out" | grep -v '^RESULT '
		res=$(printf '%s\n' "$out" | sed -n 's/^RESULT //p' | tail -n1)
		if [ -z "$res" ]; then
			# crashed before reporting: count the program as one failure
			echo "FAIL $t exited with status $rc without a result"
			total_fail=$((total_fail + 1))
			continue
		fi
		p=${res% *}
		f=${res#* }
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "FAIL $t exited with status $rc"
			total_fail=$((total_fail + 1))
		fi
	done
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
