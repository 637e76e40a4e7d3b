# euprio-rank on hand-made scored records: the sort order on ties
# (decision, score, deadline, id), formula escaping, required options.
. "$(dirname "$0")/lib.sh"

# Five records with the same goals and partners, so the same score; they
# differ in deadline and id only, and one is a running project under cost.
P='SDU\t\tresearch\tpartner\t5230\tOdense M\tDK'
{
	echo 'id,status,title,deadline,goals,goal_count,goal_strength,goal_evidence,local_count,local_tier,local_types,partners,eu_grant_eur,own_cost_eur'
	for r in "B,draft,=cmd(),2025-06-01" "A,draft,-5 projects,2025-06-01" "C,draft,Early,2025-04-01" "D,draft,No deadline," "E,running,Old,2025-04-01"; do
		IFS=, read -r id st title dl <<-X
		$r
		X
		own=1000
		[ "$id" = E ] && own=999999999
		printf '%s,%s,%s,%s,G9,1,G9:1,G9: robot (title),1,odense,research,"%b",100000,%s\n' "$id" "$st" "$title" "$dl" "$P" "$own"
	done
} >"$T/in.csv"
expect_status 0 euprio-rank --today 2025-03-01 -r "$T/rej.csv" "$T/in.csv"
mlr --icsv --ocsv cut -o -f rank,decision,id,deadline "$T/out" >"$T/order.csv"
cat >"$T/want.csv" <<'W'
rank,decision,id,deadline
1,consider,C,2025-04-01
2,consider,A,2025-06-01
3,consider,B,2025-06-01
4,consider,D,
5,review,E,2025-04-01
W
same "$T/order.csv" "$T/want.csv" "ties: deadline first, then id; no deadline last; review after"
contains "$T/out" ",'=cmd()," "a formula in a text cell is escaped"
contains "$T/out" ",'-5 projects," "a leading minus in text is escaped"
lacks "$T/out" ",'100000," "numbers in numeric columns are not escaped"
expect_status 0 euprio-rank --no-escape --today 2025-03-01 -r "$T/rej.csv" "$T/in.csv"
contains "$T/out" ",=cmd()," "--no-escape writes cells as they are"
expect_status 2 euprio-rank "$T/in.csv"
contains "$T/err" "--rejects FILE is required" "rejects required"
expect_status 2 euprio-rank --today 2025-02-30 -r "$T/rej.csv" "$T/in.csv"
contains "$T/err" "--today wants a date" "bad --today"

# A stream the goals and local stages have not seen is refused, not
# rejected NO_GOAL record by record.
expect_status 2 euprio-rank --today 2025-03-01 -r "$T/rej.csv" "$SAMPLES/records.csv"
contains "$T/err" "no goal_count column: run euprio-goals before euprio-rank" "missing goals stage named"
contains "$T/err" "no local_count column: run euprio-local before euprio-rank" "missing local stage named"
[ ! -s "$T/out" ] && pass || fail "refused run wrote candidates"

# Time: an ERDF project that ended is rejected ENDED, one running is
# review; an unreadable deadline (as euprio-sdeo leaves it: empty, with a
# warning) is flagged and never prioritised.
{
	echo 'id,status,title,deadline,start_date,end_date,warnings,goals,goal_count,goal_strength,goal_evidence,local_count,local_tier,local_types,partners,eu_grant_eur,own_cost_eur'
	printf 'ERDF-06a0457e,,Robots at Play,,2008-03-14,2010-07-31,,G9,1,G9:1,G9: robot (title),1,odense,research,"%b",100000,1000
' "$P"
	printf 'ERDF-RUN,,Robots running,,2024-01-01,2026-12-31,,G9,1,G9:1,G9: robot (title),1,odense,research,"%b",100000,1000
' "$P"
	printf "SDEO-2025-060,Åben,Kunstig intelligens,,,,deadline: '01-13-2025' is not a date,G9,1,G9:1,G9: robot (title),1,odense,research,"%%b",100000,1000
" "$P"
} >"$T/time.csv"
expect_status 0 euprio-rank --today 2025-03-01 -r "$T/rej.csv" "$T/time.csv"
contains "$T/rej.csv" "ENDED,Projektet sluttede 2010-07-31,ERDF-06a0457e" "ended project rejected ENDED"
contains "$T/rej.csv" '"SDU (Odense M, DK)"' "rejects show partners as the candidates do"
contains "$T/out" "review," "running project is review"
contains "$T/out" "bør vurderes: projektet kører til 2026-12-31" "running reason"
mlr --icsv --ocsv filter '$id == "SDEO-2025-060"' "$T/out" >"$T/unreadable.csv"
contains "$T/unreadable.csv" "fristen '01-13-2025' kan ikke læses" "unreadable deadline in the reason"
contains "$T/unreadable.csv" "DEADLINE_UNREADABLE" "unreadable deadline flag"
lacks "$T/unreadable.csv" "ingen frist" "an unreadable deadline is not 'no deadline'"
lacks "$T/unreadable.csv" "prioritise" "an unreadable deadline is never prioritised"

# A night with no records at all (no applications, no listings): a header
# and nothing else is a normal stream (qsort was once given NULL here).
printf 'id,source,goal_count,local_count\n' >"$T/none.csv"
expect_status 0 euprio-rank --today 2025-03-01 -r "$T/rej0.csv" "$T/none.csv"
[ "$(wc -l <"$T/out")" -eq 1 ] && pass || fail "no records: candidates should be the header alone"
[ "$(wc -l <"$T/rej0.csv")" -eq 1 ] && pass || fail "no records: rejects should be the header alone"
contains "$T/err" "0 candidates, 0 rejected" "no records summarised"
finish
