#!/bin/sh
# Builds the libFuzzer harnesses with clang (ASan+UBSan) and runs each for
# SECONDS (default 20), seeded from samples/ and, when present, prefixes of
# the real exports in ../shared/data/real (copied to a temporary corpus, not
# into the repository).  A crash leaves its input in tests/fuzz/crashes/.
#
#   scripts/fuzz.sh [SECONDS]       fails on any crash (for developers)
#   scripts/fuzz.sh --ci [SECONDS]  replays tests/fuzz/corpus/ first and
#       fails on any crash there (a regression); then fuzzes, and reports a
#       new crash loudly without failing the run, the way continuous
#       fuzzing reports rather than blocks: fix it, add it to the corpus.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
ci=0
[ "${1:-}" = --ci ] && { ci=1; shift; }
secs=${1:-20}
build=$here/build-fuzz
"$here/scripts/setup.sh" deps clang libclang-rt-14-dev >&2
CC=clang cmake -S "$here" -B "$build" -DEUPRIO_FUZZ=ON -DEUPRIO_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
real="$here/../shared/data/real"
seed() {    # seed NAME FILES...
	d="$work/$1"; shift
	mkdir -p "$d"
	for f; do [ -f "$f" ] && head -c 20000 "$f" >"$d/$(basename "$f")"; done
	[ -d "$here/tests/fuzz/corpus/$(basename "$d")" ] && cp "$here/tests/fuzz/corpus/$(basename "$d")"/* "$d/" 2>/dev/null || true
}
seed reader "$here"/samples/*.csv "$here"/samples/*.tsv "$real"/cordis-horizon-europe-org/project_2021_cleaned_invalid_fields.csv "$real"/dk-erdf-erhvervsstyrelsen/ERDF_Denmark_2007-2013.csv
seed partners "$here"/samples/records.csv
seed apps "$here"/samples/*.xml "$here"/tests/corpus/bad/*.xml
seed values "$here"/samples/sdeo-2025-w09.csv
seed config "$here"/config/*.csv
seed goals "$here"/samples/records.csv
seed listings "$here"/samples/sdeo-*.csv "$here"/samples/sdeo-*.tsv "$real"/dk-erdf-erhvervsstyrelsen/ERDF_Denmark_2014-2020.original.csv "$real"/cordis-horizon-europe-org/organization_fyn_projects.csv "$real"/cordis-horizon-europe-org/project_2021_cleaned_invalid_fields.csv
# The portal's formats: the sample, the start of the snapshot (gunzipped:
# the harness reads gzip too, but mutating inflated text finds more), the
# search API response and a CSV export.
seed calls "$here"/samples/ft-topics.json "$real"/ft-search-api-mjarmak/call_search_10_06_24.json "$real"/ft-calls-mjarmak/CL3.csv "$real"/ft-calls-oscarsalgado/2026-08-10.json
[ -f "$real"/ft-calls-oscarsalgado/open.jsonl.gz ] && zcat "$real"/ft-calls-oscarsalgado/open.jsonl.gz | head -c 20000 >"$work/calls/open.json" || true
mkdir -p "$here/tests/fuzz/crashes"
status=0
if [ "$ci" = 1 ]; then
	for h in reader partners apps values config goals calls listings; do
		[ -d "$here/tests/fuzz/corpus/$h" ] || continue
		if "$build/tests/fuzz/fuzz_$h" -runs=0 "$here/tests/fuzz/corpus/$h"/* >"$work/replay.log" 2>&1; then
			echo "fuzz $h: corpus replayed, no regression"
		else
			echo "fuzz $h: REGRESSION on a committed corpus input"
			tail -30 "$work/replay.log" >&2
			status=1
		fi
	done
fi
for h in reader partners apps values config goals calls listings; do
	printf 'fuzz %-9s ' "$h"
	if "$build/tests/fuzz/fuzz_$h" "$work/$h" -max_total_time="$secs" -max_len=65536 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$here/tests/fuzz/crashes/$h-" >"$work/$h.log" 2>&1; then
		grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$work/$h.log" | head -1 | grep -Eo '[0-9]+$' |
			sed 's/$/ executions, no crash/' || echo "ran"
		tail -1 "$work/$h.log" | grep -q 'Done' || true
	else
		echo "CRASH (see tests/fuzz/crashes/)"
		tail -30 "$work/$h.log" >&2
		if [ "$ci" = 1 ]; then
			echo "fuzz: NEW CRASH FOUND by fuzz_$h: reported, not failing the run (see above)" >&2
		else
			status=1
		fi
	fi
done
exit $status
