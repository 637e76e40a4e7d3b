#!/bin/sh
# Runs every unit test, and every program of the pipeline on samples/,
# under valgrind memcheck: any memory error or definite leak fails.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build-vg
"$here/scripts/setup.sh" deps valgrind >&2
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
export EUPRIO_CONFIG="$here/config"
# memcheck cannot follow PCRE2 JIT code (it reports its reads as uses of
# uninitialised memory); the interpreter gives the same matches.
export EUPRIO_NO_JIT=1
pass=0 fail=0
run() {    # run LABEL CMD...: fails only on a valgrind finding (status 99)
	label=$1; shift
	set +e
	"$@" >/dev/null 2>"$build/vg.err"
	rc=$?
	set -e
	if [ "$rc" -eq 99 ] || grep -q '^==[0-9]*==' "$build/vg.err"; then
		echo "memcheck: $label: FAIL"; cat "$build/vg.err" >&2; fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
for t in "$build"/tests/test_*; do
	run "$(basename "$t")" $vg "$t"
done
cd "$here/samples"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
run euprio-apps $vg "$build/euprio-apps" applications-bsf.xml applications-ahf.xml applications-bkf-v1.xml cordis-project.xml "$here"/tests/corpus/bad/*.xml
"$build/euprio-apps" applications-*.xml cordis-project.xml >"$t/apps.csv" 2>/dev/null || true
run euprio-sdeo $vg "$build/euprio-sdeo" --append sdeo-2025-w09.csv sdeo-2025-w10-cp1252.tsv <"$t/apps.csv"
"$build/euprio-sdeo" --append sdeo-2025-w09.csv sdeo-2025-w10-cp1252.tsv <"$t/apps.csv" >"$t/sdeo.csv" 2>/dev/null || true
run euprio-local $vg "$build/euprio-local" "$t/sdeo.csv"
"$build/euprio-local" "$t/sdeo.csv" >"$t/local.csv" 2>/dev/null || true
run euprio-goals $vg "$build/euprio-goals" "$t/local.csv"
"$build/euprio-goals" "$t/local.csv" >"$t/goals.csv" 2>/dev/null || true
run euprio-rank $vg "$build/euprio-rank" --today 2025-03-01 -r "$t/rej.csv" "$t/goals.csv"
"$build/euprio-rank" --today 2025-03-01 -r "$t/rej.csv" --all-columns "$t/goals.csv" >"$t/cand.csv" 2>/dev/null || true
run euprio-cat $vg "$build/euprio-cat" "$t/cand.csv" "$t/rej.csv"
run euprio-changes $vg "$build/euprio-changes" "$t/cand.csv" "$t/cand.csv"
"$build/euprio-changes" "$t/rej.csv" "$t/cand.csv" >"$t/chg.csv" 2>/dev/null || true
run euprio-split $vg "$build/euprio-split" --records 3 --prefix "$t/p-" "$t/cand.csv"
run euprio-calls $vg "$build/euprio-calls" ft-topics.json
# The call track, with suggested partners and CORDIS partners judged.
"$build/euprio-calls" --today 2026-11-01 ft-topics.json 2>/dev/null | "$build/euprio-local" 2>/dev/null |
	"$build/euprio-goals" >"$t/calls.csv" 2>/dev/null || true
run "euprio-rank (calls)" $vg "$build/euprio-rank" --today 2026-11-01 --cordis "$t/sdeo.csv" -r "$t/crej.csv" "$t/calls.csv"
run euprio-check-config $vg "$build/euprio-check-config" -q
run euprio-xlsx $vg "$build/euprio-xlsx" -o "$t/book.xlsx" -r "$t/rej.csv" --changes "$t/chg.csv" -t 2025-03-01 "$t/cand.csv"
echo "memcheck: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
