# euprio-calls end to end: the sample, bad inputs with their statuses and
# messages, every topic accounted for, output errors; and the real portal
# files in ../shared/data/real (skipped, status 77, when they are absent),
# read and through local, goals and rank's call track.
. "$(dirname "$0")/lib.sh"
# Under AddressSanitizer freed memory is held in quarantine, so peak RSS
# says nothing about the program's own memory: the RSS bounds are checked
# in the ordinary build only.
sanitized=0
ldd "$(command -v euprio-calls)" 2>/dev/null | grep -q 'libasan\|libtsan' && sanitized=1
cd "$SAMPLES"

# count FILE: records in a record stream; rejected FILE: those with a reason.
count() { mlr --icsv --ojson count "$1" | grep -o '[0-9][0-9]*' || echo 0; }
rejected() { mlr --icsv --ojson filter '$reject_reason != ""' then count "$1" | grep -o '[0-9][0-9]*' || echo 0; }
want_counts() {   # want_counts FILE RECORDS REJECTED LABEL
	n=$(count "$1"); r=$(rejected "$1")
	[ "$n" = "$2" ] && [ "$r" = "$3" ] && pass || fail "$4: $n records ($r rejected), want $2 ($3)"
}

expect_status 0 euprio-calls --today 2026-12-02 ft-topics.json
golden calls-sample.csv "$T/out"
want_counts "$T/out" 3 0 "sample"
contains "$T/out" "Europe’s regions" "mojibake repaired"
contains "$T/out" "mojibake repaired in summary" "repair noted"
contains "$T/out" "vulnerable households & tenants." "HTML stripped, entity decoded"
# The same through a pipe, gzip, and as JSON lines.
mlr --csv cut -x -f origin "$T/out" >"$T/noorigin.csv"
gzip -c ft-topics.json >"$T/t.json.gz"
expect_status 0 euprio-calls --today 2026-12-02 "$T/t.json.gz"
mlr --csv cut -x -f origin "$T/out" >"$T/gz.csv"
same "$T/gz.csv" "$T/noorigin.csv" "gzip"
euprio-calls --today 2026-12-02 <ft-topics.json | mlr --csv cut -x -f origin >"$T/pipe.csv"
same "$T/pipe.csv" "$T/noorigin.csv" "standard input"
# The pipeline: calls go through goals with every record kept.
euprio-calls --today 2026-12-02 ft-topics.json | euprio-goals >"$T/g.csv"
want_counts "$T/g.csv" 3 0 "through euprio-goals"
# Robots are the call's purpose; the schools and care homes they renovate
# are its setting, not its aim: the salience rule leaves G3 out.
contains "$T/g.csv" ",G9,1,G9:" "robotics call: its purpose, G9"
lacks "$T/g.csv" "G3" "the setting of a robotics call is not its goal"

# Bad input: each with its status, file and object in the message, the
# rest read.
head -c 1500 ft-topics.json >"$T/cut.json"
expect_status 1 euprio-calls "$T/cut.json"
want_counts "$T/out" 2 1 "truncated at the end"
contains "$T/err" "cut.json:1: object 2 topic LIFE-2027-CET-ENERPOV: the input ends inside this topic" "truncated message"
# Cut in the middle, the rest after it: every topic accounted for.
{ head -c 1500 ft-topics.json; tail -c +4 ft-topics.json; } >"$T/mid.json"
expect_status 1 euprio-calls "$T/mid.json"
want_counts "$T/out" 5 1 "truncated in the middle"
contains "$T/err" "reading on from byte" "resync message"
printf 'not json at all\n' >"$T/text.txt"
expect_status 3 euprio-calls "$T/text.txt" ft-topics.json
want_counts "$T/out" 3 0 "a file that is not JSON beside a good one"
contains "$T/err" "text.txt:1: neither JSON nor a CSV export of topics" "not JSON"
: >"$T/empty.json"
expect_status 3 euprio-calls "$T/empty.json"
contains "$T/err" "empty.json: empty file: no topics" "empty file"
expect_status 3 euprio-calls "$T/missing.json"
contains "$T/err" "missing.json: cannot open" "missing file"
printf '{"date":"2026-08-10","summary":{"new":1},"events":[{"type":"NEW","topicId":"X"}]}' >"$T/changelog.json"
expect_status 3 euprio-calls "$T/changelog.json"
want_counts "$T/out" 0 0 "changelog"
contains "$T/err" "a changelog of the portal snapshot" "changelog refused"
{ cat ft-topics.json; printf '\000\000'; cat ft-topics.json; } >"$T/nul.json"
expect_status 3 euprio-calls "$T/nul.json"
want_counts "$T/out" 6 0 "NUL bytes between objects"
contains "$T/err" "not JSON (NUL bytes among them): skipped" "NUL reported"
contains "$T/err" "1 byte-order mark between objects skipped" "BOM in the middle"
gzip -c ft-topics.json | head -c 600 >"$T/cut.gz"
expect_status 3 euprio-calls "$T/cut.gz"
contains "$T/err" "the gzip data ends early" "truncated gzip"
python3 - "$T/huge.json" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('{"topicId":"BIG-1","title":"big","description":"' + 'x' * (100 << 20) + '"}')
    f.write('{"topicId":"OK-1","title":"fine","callStatus":"open"}')
PY
expect_status 1 /usr/bin/time -f '%M' -o "$T/rss" euprio-calls "$T/huge.json"
want_counts "$T/out" 2 1 "100 MB description"
contains "$T/err" "object 1 topic BIG-1: a text longer than calls.max_text_bytes" "100 MB description rejected"
rss=$(tail -1 "$T/rss")
if [ "$sanitized" = 1 ]; then pass; else
	[ "$rss" -lt 40000 ] && pass || fail "100 MB description: peak RSS $rss KiB"
fi
rm -f "$T/huge.json"
printf 'identifier,title,deadline\nA-1,One,2024-12-01\nA-2,Two\n' >"$T/rag.csv"
expect_status 1 euprio-calls --today 2024-10-01 "$T/rag.csv"
want_counts "$T/out" 2 1 "ragged CSV row"
contains "$T/err" "rag.csv:3: (no id): ragged row" "ragged row with line"
expect_status 2 euprio-calls --today soon ft-topics.json
expect_status 2 euprio-calls --bogus
# Output errors.
expect_status 4 sh -c 'euprio-calls ft-topics.json >/dev/full'
contains "$T/err" "No space left on device" "full disk"
euprio-calls ft-topics.json | head -c 10 >/dev/null && pass

if [ ! -d "$REAL" ]; then
	echo "skip: real data not found at $REAL" >&2
	finish || exit 1
	exit 77
fi
FT="$REAL/ft-calls-oscarsalgado"
expect_status 0 euprio-calls --today 2026-12-02 "$FT/open.jsonl.gz"
want_counts "$T/out" 629 0 "the 2026 snapshot"
n=$(mlr --icsv --ojson filter 'is_present($warnings) && $warnings =~ "mojibake repaired"' then count "$T/out" | grep -o '[0-9][0-9]*')
[ "$n" = 529 ] && pass || fail "snapshot: mojibake repaired in $n topics, want 529"
lacks "$T/out" "â€" "no mojibake left"
mlr --icsv --ocsv filter '$id == "ERC-2026-POC"' then cut -o -f id,status,deadline,budget_max_eur,expected_grants,eu_grant_eur "$T/out" >"$T/erc"
printf 'id,status,deadline,budget_max_eur,expected_grants,eu_grant_eur\nERC-2026-POC,Closed,2026-03-17,150000,400,150000\n' >"$T/erc.want"
same "$T/erc" "$T/erc.want" "ERC PoC values"
expect_status 3 euprio-calls "$FT/2026-08-10.json"
want_counts "$T/out" 0 0 "changelog"
M="$REAL/ft-calls-mjarmak"
for f in output_query-open_1724530395206.csv:452 output_query-open_1729947526918.csv:304 output_query-upcoming_1728752739240.csv:8 CL3.csv:24; do
	expect_status 0 euprio-calls --today 2024-10-01 "$M/${f%%:*}"
	want_counts "$T/out" "${f##*:}" 0 "${f%%:*}"
done
mlr --icsv --ocsv filter '$id == "HORIZON-CL5-2024-D2-02-01"' then cut -o -f id,status,deadline,budget_max_eur,programme "$T/out" >/dev/null
expect_status 0 euprio-calls --today 2024-10-01 "$M/output_query-open_1724530395206.csv"
mlr --icsv --ocsv filter '$id == "HORIZON-CL5-2024-D2-02-01"' then cut -o -f id,status,deadline,budget_max_eur,programme,status_basis "$T/out" >"$T/h"
printf 'id,status,deadline,budget_max_eur,programme,status_basis\nHORIZON-CL5-2024-D2-02-01,Closed,2024-09-05,8000000,Horizon Europe,dates 2024-10-01\n' >"$T/h.want"
same "$T/h" "$T/h.want" "HORIZON-CL5-2024-D2-02-01"
lacks "$T/out" "<p>" "HTML stripped from the CSV descriptions"
expect_status 0 euprio-calls "$REAL/ft-search-api-mjarmak/call_search_10_06_24.json"
want_counts "$T/out" 1 0 "search API response"
contains "$T/out" "EUAF-2023-TRAI-03,call,Closed,Staff exchanges" "search API topic"
# The three real files through the whole pipeline (#21): every topic ends
# once, every candidate is a call to explore with time left, and the gates
# of time and status (which come before the goals, so another goal table
# does not move them) reject what they should.
pipeline() {   # pipeline DATE FILE...: $T/pc.csv candidates, $T/pr.csv rejects
	d=$1; shift
	euprio-calls --today "$d" "$@" 2>/dev/null | euprio-local 2>/dev/null | euprio-goals 2>/dev/null |
		euprio-rank --today "$d" -r "$T/pr.csv" >"$T/pc.csv" 2>"$T/prank.err"
}
codes() { mlr --icsv --ojson filter "\$reject_code == \"$2\"" then count "$1" | grep -o '[0-9][0-9]*' || echo 0; }
pipeline 2024-10-01 "$M"/*.csv
cat "$T/prank.err" >&2
nc=$(count "$T/pc.csv"); nr=$(count "$T/pr.csv")
[ $((nc + nr)) = 788 ] && pass || fail "2024 exports through rank: $nc + $nr, want 788"
[ "$(mlr --icsv --ojson filter '$decision != "explore"' then count "$T/pc.csv" | grep -o '[0-9]*')" = 0 ] && pass || fail "a 2024 call not explored"
[ "$nc" -ge 200 ] && pass || fail "2024: only $nc calls to explore"
[ "$(codes "$T/pr.csv" CLOSED)" = 291 ] && pass || fail "2024: CLOSED $(codes "$T/pr.csv" CLOSED), want 291"
[ "$(codes "$T/pr.csv" DEADLINE_TOO_CLOSE)" = 41 ] && pass || fail "2024: DEADLINE_TOO_CLOSE $(codes "$T/pr.csv" DEADLINE_TOO_CLOSE), want 41"
[ "$(codes "$T/pr.csv" DEADLINE_PASSED)" = 3 ] && pass || fail "2024: DEADLINE_PASSED $(codes "$T/pr.csv" DEADLINE_PASSED), want 3 (two-stage topics past their first stage)"
[ "$(codes "$T/pr.csv" NO_LOCAL_PARTNER)" = 0 ] && pass || fail "a call rejected for having no partners"
[ "$(mlr --icsv --ojson filter '$days_left != "" && $days_left < 14' then count "$T/pc.csv" | grep -o '[0-9]*')" = 0 ] && pass || fail "a call with under 14 days explored"
[ "$(mlr --icsv --onidx cut -f id "$T/pc.csv" | sort | uniq -d | wc -l)" = 0 ] && pass || fail "a topic twice among the candidates"
mlr --icsv --ojson filter '$title =~ "(?i)robot" && $suggested_partners =~ "Odense Robotics"' then count "$T/pc.csv" | grep -q '"count": [1-9]' &&
	pass || fail "no robotics call suggests Odense Robotics"
pipeline 2026-08-10 "$FT/open.jsonl.gz"
cat "$T/prank.err" >&2
nc=$(count "$T/pc.csv"); nr=$(count "$T/pr.csv")
[ $((nc + nr)) = 629 ] && pass || fail "the snapshot through rank: $nc + $nr, want 629"
[ "$(codes "$T/pr.csv" CLOSED)" = 4 ] && pass || fail "snapshot: CLOSED $(codes "$T/pr.csv" CLOSED), want 4"
[ "$(codes "$T/pr.csv" DEADLINE_TOO_CLOSE)" = 2 ] && pass || fail "snapshot: DEADLINE_TOO_CLOSE $(codes "$T/pr.csv" DEADLINE_TOO_CLOSE), want 2"
[ "$nc" -ge 500 ] && pass || fail "2026-08-10: only $nc calls to explore"
grep -q ',CALL_FORTHCOMING' "$T/pc.csv" && pass || fail "no Forthcoming call flagged in the snapshot"

# Ten snapshots end to end (gzip members joined with cat): ten times the
# records, memory flat.
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$FT/open.jsonl.gz"; done >"$T/ten.gz"
expect_status 0 /usr/bin/time -f '%M' -o "$T/rss10" euprio-calls "$T/ten.gz"
want_counts "$T/out" 6290 0 "the snapshot ten times"
contains "$T/err" "9 byte-order marks between objects skipped" "BOMs of the joined files"
rss=$(tail -1 "$T/rss10")
if [ "$sanitized" = 1 ]; then pass; else
	[ "$rss" -lt 20000 ] && pass || fail "ten snapshots: peak RSS $rss KiB"
fi
finish
