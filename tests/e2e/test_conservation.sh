# Conservation across the whole pipeline: N generated records, K of them
# broken in ways different stages catch (the reader: ragged rows, NUL,
# invalid UTF-8, an unterminated quote; euprio-rank: no id, duplicates,
# passed deadlines), and candidates + rejected = N exactly, with every
# rejected record naming its origin.
. "$(dirname "$0")/lib.sh"
python3 - "$SAMPLES/records.csv" "$T/in.csv" <<'EOF2'
import csv, random, sys
random.seed(7)
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
cols = list(rows[0].keys())
out = open(sys.argv[2], "wb")
w = lambda line: out.write(line)
buf = []
import io
def rec(r):
    s = io.StringIO(); csv.writer(s, lineterminator="\n").writerow([r.get(c, "") for c in cols]); return s.getvalue().encode()
s = io.StringIO(); csv.writer(s, lineterminator="\n").writerow(cols); w(s.getvalue().encode())
N, broken = 2000, 0
for i in range(N - 1):
    r = dict(random.choice(rows)); r["id"] = f"GEN-{i}"
    k = i % 97
    if k == 1:   w(rec(r).rstrip(b"\n") + b",extra\n"); broken += 1        # ragged
    elif k == 2: w(rec(r).replace(b"GEN-", b"GEN\x00-", 1)); broken += 1   # NUL
    elif k == 3: w(rec(r).replace(b"GEN-", b"GEN\xff-", 1)); broken += 1   # invalid UTF-8
    elif k == 4: r["id"] = ""; w(rec(r)); broken += 1                      # no id
    elif k == 5: r["id"] = "GEN-0"; w(rec(r)); broken += 1                 # duplicate
    elif k == 6: r["deadline"] = "2001-01-01"; r["status"] = "open"; w(rec(r)); broken += 1
    else: w(rec(r))
w(b'LAST,application,open,"never closed\n'); broken += 1                   # unterminated quote at EOF
print(N, broken, file=open(sys.argv[2] + ".n", "w"))
EOF2
read n k <"$T/in.csv.n"
set +e
euprio-local "$T/in.csv" 2>"$T/local.err" | euprio-goals 2>"$T/goals.err" |
	euprio-rank --today 2025-03-01 --rejects "$T/rej.csv" >"$T/cand.csv" 2>"$T/rank.err"
set -e
counts=$(python3 - "$T/cand.csv" "$T/rej.csv" <<'EOF2'
import csv, sys
csv.field_size_limit(1 << 30)
c = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
r = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
no_origin = sum(1 for x in r if not x.get("origin"))
bad = sum(1 for x in r if x.get("reject_code") == "BAD_INPUT")
print(len(c), len(r), no_origin, bad)
EOF2
)
set -- $counts
[ $(($1 + $2)) -eq "$n" ] && pass || fail "candidates $1 + rejected $2 != $n records"
[ "$3" -eq 0 ] && pass || fail "$3 rejected records without an origin"
[ "$4" -ge $((k / 2)) ] && pass || fail "only $4 BAD_INPUT rejects for $k broken records"
contains "$T/local.err" "in.csv:" "reader faults name the file and line"
echo "conservation: $n records, $k broken: $1 candidates + $2 rejected" >&2
finish
