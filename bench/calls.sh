#!/bin/sh
# euprio-calls on the real portal files (../shared/data/real): records out and
# rejected per file; throughput against `jq -c .` on the decompressed
# snapshot (median of 5 runs); peak RSS on the snapshot once and ten times
# over; and the goal figures of the goals-dev set's F&T call texts read
# through euprio-calls against the same texts read from texts.csv.
#   bench/calls.sh [BUILD_DIR]     (default build/)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build}
real=$here/../shared/data/real
dev=$here/../shared/data/labelled/goals-dev
export EUPRIO_CONFIG=$here/config
[ -d "$real" ] || { echo "calls.sh: no real data at $real" >&2; exit 77; }
command -v jq >/dev/null || { echo "calls.sh: apt-get install -y jq" >&2; exit 2; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
calls=$bin/euprio-calls
records() { python3 -c 'import csv,sys; csv.field_size_limit(1<<30); r=list(csv.DictReader(open(sys.argv[1]))); print(len(r), sum(1 for x in r if x["reject_reason"]))' "$1"; }

echo "## files read (records out, rejected)"
S=$real/ft-calls-oscarsalgado/open.jsonl.gz
for f in "$S" "$real"/ft-calls-mjarmak/*.csv "$real"/ft-search-api-mjarmak/call_search_10_06_24.json; do
	"$calls" --today 2026-12-02 "$f" >"$t/o.csv" 2>/dev/null || true
	printf '%s: %s\n' "$(basename "$f")" "$(records "$t/o.csv")"
done
set +e; "$calls" "$real/ft-calls-oscarsalgado/2026-08-10.json" >"$t/o.csv" 2>"$t/e"; st=$?; set -e
printf '2026-08-10.json: status %s, %s; %s\n' "$st" "$(records "$t/o.csv")" "$(cat "$t/e")"

echo "## throughput on the decompressed snapshot (median of 5, wall seconds)"
zcat "$S" >"$t/snap.json"
median() { sort -n | sed -n 3p; }
runs() { for i in 1 2 3 4 5; do /usr/bin/time -f %e -o "$t/tm" "$@" >/dev/null 2>&1 || true; cat "$t/tm"; done | median; }
size=$(stat -c %s "$t/snap.json")
a=$(runs "$calls" --today 2026-12-02 "$t/snap.json")
b=$(runs jq -c . "$t/snap.json")
python3 -c "import sys; s,a,b=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'euprio-calls {a:.2f} s ({s/a/1e6:.1f} MB/s), jq -c . {b:.2f} s ({s/b/1e6:.1f} MB/s): {b/a:.1f}x')" "$size" "$a" "$b"

echo "## peak RSS"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$S"; done >"$t/ten.gz"
for f in "$S" "$t/ten.gz"; do
	/usr/bin/time -f %M -o "$t/rss" "$calls" --today 2026-12-02 "$f" >"$t/o.csv" 2>/dev/null || true
	printf '%s: %s KiB, %s\n' "$(basename "$f")" "$(tail -1 "$t/rss")" "$(records "$t/o.csv")"
done

echo "## goal figures of the F&T call texts (goals-dev)"
python3 - "$dev/truth.csv" "$t/truth_ft.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')) if r['source_file'].startswith('ft-calls-')]
w = csv.DictWriter(open(sys.argv[2], 'w', newline='', encoding='utf-8'), fieldnames=list(rows[0].keys()))
w.writeheader(); w.writerows(rows)
print(len(rows), 'F&T call texts in the dev set')
PY
# Through euprio-calls: the files the texts came from; for each text the
# first record of its file whose call_id is its record_key (two texts are
# cascade calls, judged under the topic that funds them), under its id.
files=$(python3 -c 'import csv,sys; print(" ".join(sorted({r["source_file"] for r in csv.DictReader(open(sys.argv[1]))})))' "$t/truth_ft.csv")
for f in $files; do "$calls" --today 2026-12-02 "$real/$f"; done 2>/dev/null | "$bin/euprio-cat" >"$t/calls.csv"
python3 - "$t/truth_ft.csv" "$t/calls.csv" "$t/picked.csv" <<'PY'
import csv, sys, os
csv.field_size_limit(1 << 30)
want = {(os.path.basename(r['source_file']), r['record_key']): r['id'] for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))}
rd = csv.DictReader(open(sys.argv[2], encoding='utf-8'))
out = csv.DictWriter(open(sys.argv[3], 'w', newline='', encoding='utf-8'), fieldnames=rd.fieldnames)
out.writeheader(); seen = set()
for r in rd:
    k = (os.path.basename(r['origin'].rsplit(':', 1)[0]), r['call_id'])
    if k in want and k not in seen:
        seen.add(k); r['id'] = want[k]; out.writerow(r)
print(len(seen), 'of', len(want), 'found among the records euprio-calls wrote')
PY
"$bin/euprio-goals" "$t/picked.csv" >"$t/picked.goals.csv"
echo "through euprio-calls:"
TRUTH=$t/truth_ft.csv python3 "$dev/score.py" "$t/picked.goals.csv" | tail -2
python3 - "$dev/texts.csv" "$t/truth_ft.csv" "$t/texts_ft.csv" <<'PY'
import csv, sys
ids = {r['id'] for r in csv.DictReader(open(sys.argv[2], encoding='utf-8'))}
rd = csv.DictReader(open(sys.argv[1], encoding='utf-8'))
out = csv.DictWriter(open(sys.argv[3], 'w', newline='', encoding='utf-8'), fieldnames=rd.fieldnames)
out.writeheader(); [out.writerow(r) for r in rd if r['id'] in ids]
PY
"$bin/euprio-goals" "$t/texts_ft.csv" >"$t/texts.goals.csv"
echo "the same texts from texts.csv:"
TRUTH=$t/truth_ft.csv python3 "$dev/score.py" "$t/texts.goals.csv" | tail -2
if [ -n "${VERBOSE:-}" ]; then
	TRUTH=$t/truth_ft.csv python3 "$dev/score.py" "$t/picked.goals.csv" -v | grep -E 'misses|wrongly' >"$t/a"
	TRUTH=$t/truth_ft.csv python3 "$dev/score.py" "$t/texts.goals.csv" -v | grep -E 'misses|wrongly' >"$t/b"
	diff "$t/b" "$t/a" || true
fi
