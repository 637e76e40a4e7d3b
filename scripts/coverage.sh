#!/bin/sh
# Line and branch coverage of libcore, the workbook writer and the programs
# by the whole test suite (gcov instrumentation, gcovr's summary), printed
# and kept as build-cov/coverage.txt.  Usage: scripts/coverage.sh [BUILD]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-cov}
sh "$here/scripts/setup.sh" deps gcovr >/dev/null
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DEUPRIO_COVERAGE=ON >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
find "$build" -name '*.gcda' -delete
(cd "$build" && ctest -j "$(nproc)" >"$build/ctest.log" 2>&1) || {
	tail -30 "$build/ctest.log"; echo "coverage: the tests failed" >&2; exit 1; }
# Tests and fuzz harnesses are not the code under test.
# gcovr's own status, not the pipe's: an unreadable count must fail the run.
gcovr -r "$here" --object-directory "$build" -e "$here/tests/" --print-summary \
	-o "$build/coverage.txt" "$build" >"$build/coverage.log" 2>&1 || {
	tail -20 "$build/coverage.log"; echo "coverage: gcovr failed" >&2; exit 1; }
tail -3 "$build/coverage.log"
gcovr -r "$here" --object-directory "$build" -e "$here/tests/" "$build" | sed -n '/^File/,$p' |
	awk 'NR <= 2 || /^src|^include/' | sort -k4 -n | head -12
