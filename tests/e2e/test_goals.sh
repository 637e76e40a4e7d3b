# euprio-goals end to end: the output and the messages are the same on any
# number of threads, with or without the memo and AVX2, on samples, on a
# generated stream of many batches with bad rows among good ones, on two
# inputs, and on real descriptions from ../shared/data/real; the labelled
# dev set meets its targets; --jobs faults; a closed stdout and a full disk
# with worker threads running.
. "$(dirname "$0")/lib.sh"

# Runs euprio-goals ARGS... with stdout, stderr and status in $T/NAME.*
run() {
	name=$1; shift
	set +e
	"$@" >"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
	set -e
}

# all_same LABEL INPUT...: -j1 without memo, scanning with SSE2 where the
# processor has AVX2 and filtering compounds by the byte-pair table, is
# the reference.
all_same() {
	label=$1; shift
	run ref env EUPRIO_GOALS_NO_MEMO=1 EUPRIO_GOALS_NO_AVX2=1 EUPRIO_GOALS_NO_SSSE3=1 euprio-goals -j1 "$@"
	[ -s "$T/ref.out" ] && pass || fail "$label: no output"
	for j in 1 2 3 8; do
		run j$j euprio-goals -j $j "$@"
		same "$T/j$j.out" "$T/ref.out" "$label: stdout with -j $j"
		same "$T/j$j.err" "$T/ref.err" "$label: messages with -j $j"
		same "$T/j$j.rc" "$T/ref.rc" "$label: status with -j $j"
	done
	run nomemo2 env EUPRIO_GOALS_NO_MEMO=1 euprio-goals -j 2 "$@"
	same "$T/nomemo2.out" "$T/ref.out" "$label: stdout without memo, -j 2"
	run noavx2 env EUPRIO_GOALS_NO_AVX2=1 euprio-goals -j 2 "$@"
	same "$T/noavx2.out" "$T/ref.out" "$label: stdout without AVX2, -j 2"
}

all_same samples "$SAMPLES/records.csv"

# Many batches (256 KiB or 1024 records each), with rows the reader cannot
# trust and rows rejected upstream among them, over two files.
python3 "$EUPRIO_SRC/bench/gen.py" stream 3 "$T/stream.csv"
python3 - "$T/stream.csv" "$T/mixed.csv" <<'EOF'
import csv, sys
csv.field_size_limit(1 << 30)
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
head, body = rows[0], rows[1:]
rr = head.index('reject_reason')
with open(sys.argv[2], 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(head)
    for i, r in enumerate(body):
        if i % 97 == 5:
            f.write('ragged,row\n')
        if i % 89 == 7:
            r = list(r); r[rr] = 'CLOSED: upstream'
        w.writerow(r)
EOF
printf 'id,title,summary\nX-1,"robot \377 klima",ok\nX-2,Grøn omstilling,ældre og børn\n' >"$T/bad-utf8.csv"
all_same "generated stream" "$T/stream.csv"
count='import csv, sys; csv.field_size_limit(1 << 30); print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))) - 1)'
in=$(python3 -c "$count" "$T/stream.csv")
out=$(python3 -c "$count" "$T/j2.out")
[ "$in" -gt 1024 ] && pass || fail "the generated stream is too small to cross batches ($in records)"
[ "$in" = "$out" ] && pass || fail "records in $in, out $out with -j 2"
all_same "mixed, two files" "$T/mixed.csv" "$T/bad-utf8.csv"
contains "$T/j2.err" "ragged" "bad rows reported with -j 2"
contains "$T/j2.err" "mixed.csv:" "messages name the file"
contains "$T/j2.err" "bad-utf8.csv:2" "messages name the second file's line"

# Real descriptions: Danish ERDF projects and EU calls in English.
if [ -d "$REAL/dk-erdf-erhvervsstyrelsen" ] && [ -d "$REAL/ft-calls-mjarmak" ]; then
	euprio-sdeo "$REAL/dk-erdf-erhvervsstyrelsen/ERDF_Denmark_2014-2020.original.csv" >"$T/erdf.csv" 2>/dev/null || true
	python3 - "$REAL/ft-calls-mjarmak/output_query-open_1729947526918.csv" "$T/calls.csv" <<'EOF'
import csv, sys
csv.field_size_limit(1 << 30)
with open(sys.argv[1], newline='', encoding='utf-8') as fh, open(sys.argv[2], 'w', newline='', encoding='utf-8') as out:
    w = csv.writer(out)
    w.writerow(['id', 'title', 'summary', 'keywords', 'programme', 'call_id'])
    for n, r in enumerate(csv.DictReader(fh)):
        w.writerow(['C%d' % n, r['title'], (r['description'] or '') + ' ' + (r['destination_details'] or ''),
                    r['mission_details'], r['action_type'], r['identifier']])
EOF
	all_same "ERDF 2014-2020 descriptions" "$T/erdf.csv"
	all_same "EU calls" "$T/calls.csv"
	contains "$T/j2.out" "G8:" "calls find the climate goal"
else
	echo "SKIP: real data not found under $REAL (ERDF and F&T calls); the memo and threads were compared on samples and generated data only" >&2
fi

# The labelled real texts (../shared/data/labelled/goals-dev): the salience
# rule and the terms hold the issue's targets there, micro precision and
# recall at 0.85 or more and no goal under 0.6 precision (docs/testing.md
# gives the figures and the cross-validated ones).
DEV="$EUPRIO_SRC/../shared/data/labelled/goals-dev"
if [ -f "$DEV/texts.csv" ] && [ -f "$DEV/score.py" ]; then
	euprio-goals "$DEV/texts.csv" >"$T/dev.csv" && pass || fail "dev set: euprio-goals failed"
	python3 "$DEV/score.py" "$T/dev.csv" >"$T/dev.score"
	python3 - "$T/dev.score" <<'EOF2' && pass || fail "dev set below its targets: $(tail -1 "$T/dev.score")"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
m = re.search(r'micro precision ([\d.]+) recall ([\d.]+)', lines[-1])
low = [l.split()[0] for l in lines if re.match(r'G\d+ ', l) and (int(l.split()[2]) + int(l.split()[4])) and
       int(l.split()[2]) / (int(l.split()[2]) + int(l.split()[4])) < 0.6]
sys.exit(0 if m and float(m.group(1)) >= 0.85 and float(m.group(2)) >= 0.85 and not low else 1)
EOF2
else
	echo "SKIP: the labelled dev set is not at $DEV; the salience rule was checked by the unit tests only" >&2
fi

# --jobs faults.
for bad in 0 65 abc -1 2x ""; do
	expect_status 2 euprio-goals -j "$bad" "$SAMPLES/records.csv"
	contains "$T/err" "--jobs wants a number from 1 to 64" "-j '$bad' refused"
done

# A closed stdout ends quietly, and a full disk is status 4, with workers
# running.
expect_status 0 sh -c "euprio-goals -j 2 '$T/stream.csv' | head -1"
[ ! -s "$T/err" ] && pass || fail "head -1 left messages: $(cat "$T/err")"
if [ -w /dev/full ]; then
	expect_status 4 sh -c "euprio-goals -j 2 '$T/stream.csv' >/dev/full"
	contains "$T/err" "write error" "write error reported with -j 2"
fi

finish
