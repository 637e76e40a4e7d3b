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
finish
