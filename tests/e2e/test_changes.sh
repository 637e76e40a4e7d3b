# euprio-changes as the nightly run calls it: two nights' candidates from
# euprio-rank in either dialect, "-" as standard input, a missing OLD
# refused (exit 3, nothing written), --first-run, and the flag changes that
# matter (#19: own cost raised until VALUE_BELOW_COST appears, with score
# and decision unchanged).
. "$(dirname "$0")/lib.sh"
cd "$SAMPLES"
euprio-apps applications-*.xml cordis-project.xml 2>/dev/null |
	euprio-sdeo --append sdeo-2025-w09.csv sdeo-2025-w10-cp1252.tsv 2>/dev/null |
	euprio-local 2>/dev/null | euprio-goals >"$T/scored.csv" 2>/dev/null
euprio-rank --today 2025-03-01 -r /dev/null "$T/scored.csv" >"$T/night1.csv" 2>/dev/null || true
euprio-rank --today 2025-03-01 -r /dev/null --dialect excel-da "$T/scored.csv" >"$T/night1-da.csv" 2>/dev/null || true
H='change,id,title,old_decision,new_decision,old_score,new_score,old_rank,new_rank,old_value,new_value,detail'

# The same night in both dialects: nothing changed.
expect_status 0 euprio-changes "$T/night1-da.csv" "$T/night1.csv"
[ "$(cat "$T/out")" = "$H" ] && pass || fail "excel-da against rfc4180 should be no change: $(head -c 300 "$T/out")"
expect_status 0 euprio-changes "$T/night1.csv" "$T/night1-da.csv"
[ "$(cat "$T/out")" = "$H" ] && pass || fail "rfc4180 against excel-da should be no change"

# Night two: BSF-2025-014's own cost raised sevenfold (value_ratio 2.3 ->
# 0.33: VALUE_BELOW_COST), AHF-2025-003's deadline moved within 30 days.
mlr --icsv --ocsv put 'if ($id == "BSF-2025-014") { $own_cost_eur = $own_cost_eur * 7 }
	if ($id == "AHF-2025-003") { $deadline = "2025-03-20" }' "$T/scored.csv" >"$T/scored2.csv"
euprio-rank --today 2025-03-01 -r /dev/null "$T/scored2.csv" >"$T/night2.csv" 2>/dev/null || true
expect_status 0 euprio-changes - "$T/night2.csv" <"$T/night1-da.csv"
contains "$T/out" "below_cost,BSF-2025-014,Robotter som jobskabere,prioritise,consider," "VALUE_BELOW_COST appearing is reported"
contains "$T/out" ",2.3,0.33," "with the ratio before and after, in plain numbers"
contains "$T/out" "deadline_soon,AHF-2025-003,Robotics for Healthy Ageing,prioritise,prioritise,73.3,73.3,2,2,52,19,2025-03-20" "DEADLINE_SOON appearing is reported"
lacks "$T/out" "new," "'-' is standard input, not a file named '-'"
expect_status 0 euprio-changes "$T/night1.csv" - <"$T/night2.csv"
contains "$T/out" "below_cost,BSF-2025-014" "'-' as NEW"

# A missing or mistyped OLD is an error, and nothing is written.
expect_status 3 euprio-changes "$T/candidates-latest.csv" "$T/night2.csv"
[ ! -s "$T/out" ] && pass || fail "a missing OLD wrote output: $(head -c 200 "$T/out")"
contains "$T/err" "candidates-latest.csv: cannot open: No such file or directory" "names the missing file"
contains "$T/err" "--first-run" "points at --first-run"
expect_status 3 euprio-changes /dev/null "$T/night2.csv"
contains "$T/err" "/dev/null: empty: no header row" "an empty OLD"
expect_status 3 euprio-changes "$T/night1.csv" "$T/nothing.csv"
[ ! -s "$T/out" ] && pass || fail "a missing NEW wrote output"

# A call (SDEO-2025-071, a listing of type Call: explore) whose deadline
# comes within 30 days is told as a call's, not as any deadline_soon.
mlr --icsv --ocsv put 'if ($id == "SDEO-2025-071") { $deadline = "2025-03-25" }' "$T/scored.csv" >"$T/scored3.csv"
euprio-rank --today 2025-03-01 -r /dev/null "$T/scored3.csv" >"$T/night3.csv" 2>/dev/null || true
expect_status 0 euprio-changes "$T/night1.csv" "$T/night3.csv"
contains "$T/out" "call_deadline_soon,SDEO-2025-071,Øresund-samarbejde om grøn mobilitet,explore,explore," "a call's deadline come near"
contains "$T/out" ",213,24,2025-03-25" "with the days before and after and the deadline"
grep -q '^deadline_soon,SDEO-2025-071' "$T/out" && fail "told also as deadline_soon" || pass

# The first night: every candidate new, the calls as new calls.
expect_status 0 euprio-changes --first-run "$T/night1.csv"
ncalls=$(mlr --icsv --ojson filter '$decision == "explore"' then count "$T/night1.csv" | grep -o '[0-9][0-9]*')
[ "$ncalls" -ge 3 ] && pass || fail "the samples have SDEO calls to explore: $ncalls"
[ "$(grep -c '^new_call,' "$T/out")" = "$ncalls" ] && pass || fail "--first-run: every call a new call"
[ "$(grep -c -E '^new(_call)?,' "$T/out")" = "$(mlr --icsv --ojson count "$T/night1.csv" | grep -o '[0-9][0-9]*')" ] && pass ||
	fail "--first-run: every candidate new"
expect_status 2 euprio-changes --first-run "$T/night1.csv" "$T/night2.csv"
contains "$T/err" "--first-run takes NEW only" "--first-run with OLD"
expect_status 2 euprio-changes - - </dev/null
contains "$T/err" "cannot both be standard input" "'-' twice"
finish
