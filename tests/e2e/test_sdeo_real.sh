# euprio-sdeo on the real exports in ../shared/data/real (issue #18): every
# record in comes out, on its own and with --append; kroner as kroner;
# partner cells split; ids that tell projects apart; CORDIS participants
# grouped, completed by the project table, and never called goal-less when
# there was nothing to read.  Skipped (77) when the data is absent.
. "$(dirname "$0")/lib.sh"
[ -d "$REAL" ] || { echo "skip: real data not found at $REAL" >&2; exit 77; }
E07="$REAL/dk-erdf-erhvervsstyrelsen/ERDF_Denmark_2007-2013.csv"
E14="$REAL/dk-erdf-erhvervsstyrelsen/ERDF_Denmark_2014-2020.original.csv"
HE="$REAL/cordis-horizon-europe-org"
FYN="$HE/organization_fyn_projects.csv"
PROJ="$HE/project_2021_cleaned_invalid_fields.csv"
FP3="$REAL/cordis-fp3-org/organizations-fp3-1990-1994.csv"

# count FILE [MLR FILTER]: records of a CSV (or those the filter keeps).
count() {
	if [ $# -gt 1 ]; then mlr --icsv --ojson filter "$2" then count "$1"; else mlr --icsv --ojson count "$1"; fi |
		grep -o '[0-9]*' || echo 0
}
# field FILE MATCH-FIELD VALUE FIELD: FIELD of the record whose MATCH-FIELD is VALUE.
field() {
	mlr --icsv --ocsv --headerless-csv-output filter "\$$2 == \"$3\"" then cut -f "$4" "$1"
}

# ERDF 2014-2020 (Windows-1252, ';') and 2007-2013 (UTF-8, ','): every row a
# record, none rejected, every id once, kroner converted.
expect_status 0 euprio-sdeo "$E14"
cp "$T/out" "$T/e14.csv"
[ "$(count "$T/e14.csv")" = 107 ] && pass || fail "ERDF 2014-2020: $(count "$T/e14.csv") records, want 107"
[ "$(count "$T/e14.csv" '$reject_reason != ""')" = 0 ] && pass || fail "ERDF 2014-2020: rejected rows"
mlr --icsv --ocsv filter '$title == "Vækst 2.0"' then cut -o -f title,total_eur,eu_grant_eur,total_original,start_date,programme "$T/e14.csv" >"$T/v"
printf 'title,total_eur,eu_grant_eur,total_original,start_date,programme\nVækst 2.0,2066326.27,1033163.14,15414794 DKK,2014-04-24,ERDF\n' >"$T/vw"
same "$T/v" "$T/vw" "Vækst 2.0: DKK 15.414.794 in euros, as stated, its start and fund"
expect_status 0 euprio-sdeo "$E07"
cp "$T/out" "$T/e07.csv"
[ "$(count "$T/e07.csv")" = 598 ] && pass || fail "ERDF 2007-2013: $(count "$T/e07.csv") records, want 598"
[ "$(field "$T/e14.csv" title "Growth by Design" total_eur)" = 3799476.54 ] && pass || fail "Growth by Design: DKK 28.344.095 is EUR 3 799 476.54"
for f in e07 e14; do
	d=$(mlr --icsv --ojson count-distinct -f id then filter '$count > 1' then count "$T/$f.csv" | grep -o '[0-9]*')
	[ "$d" = 0 ] && pass || fail "$f: $d ids shared by two projects"
done
[ "$(count "$T/e07.csv" '$programme == "ESF"')" = 253 ] && pass || fail "2007-2013: ESF projects labelled ESF"
[ "$(count "$T/e14.csv" '$programme == "ESF"')" = 50 ] && pass || fail "2014-2020: ESF projects labelled ESF"
contains "$T/e14.csv" ",erdf," "source names the profile"

# Partner cells: ". " between names, the lead once and first.
n=$(mlr --icsv --ojson filter '$title =~ "^KOMP-AD"' then put '$n = strlen(gsub($partners, "[^\n]", "")) + 1' then cut -f n "$T/e07.csv" | grep -o '[0-9]*')
[ "$n" = 28 ] && pass || fail "KOMP-AD: $n partners, want the lead and 27"
contains "$T/e07.csv" "$(printf 'Middelfart Erhvervsråd\t\t\tpartner')" "SMV Kompetenceudvikling names Middelfart Erhvervsråd"
sund=$(mlr --icsv --ocsv --headerless-csv-output filter '$title =~ "^SUND VÆKST - Skabelse"' then cut -f partners "$T/e07.csv" | tr -d '"')
case "$sund" in "$(printf 'Odense Kommune\t')"*) pass ;; *) fail "SUND VÆKST: the lead Odense Kommune first: $sund" ;; esac
[ "$(printf '%s\n' "$sund" | grep -c '^Odense Kommune')" = 1 ] && pass || fail "SUND VÆKST: Odense Kommune once"
printf '%s\n' "$sund" | grep -q "^Syddansk Universitet	" && pass || fail "SUND VÆKST keeps its other partners"
printf '%s\n' "$sund" | grep -q "^Region Syddanmark	" && pass || fail "SUND VÆKST: Region Syddanmark"
[ "$(printf '%s\n' "$sund" | grep -c '^Region Syddanmark')" = 1 ] && pass || fail "Region Syddanmark three times in the cell is one partner"
lines=$(mlr --icsv --ojson filter '$title =~ "^Ungeguide"' then put '$n = strlen(gsub($partners, "[^\n]", "")) + 1' then cut -f n "$T/e14.csv" | grep -o '[0-9]*')
[ "$lines" = 1 ] && pass || fail "Ungeguide: the lead named twice in the cell is one partner ($lines)"
# ... and euprio-local sees SUND VÆKST's local partners, not only the
# municipality whose name was in the cell.
mlr --icsv --ocsv filter '$title =~ "^SUND VÆKST - Skabelse"' "$T/e07.csv" | euprio-local >"$T/sund.csv" 2>/dev/null
lc=$(mlr --icsv --ocsv --headerless-csv-output cut -f local_count "$T/sund.csv")
[ "${lc:-0}" -ge 1 ] && pass || fail "SUND VÆKST: $lc local partners (was rejected NO_LOCAL_PARTNER)"
contains "$T/sund.csv" "Syddansk Universitet" "SUND VÆKST: SDU is a local partner"

# CORDIS participants, Funen: one record per project, every participant a
# partner but the 14 who left, totals of 0 left empty.
expect_status 0 euprio-sdeo "$FYN"
cp "$T/out" "$T/fyn.csv"
nproj=$(tail -n +2 "$FYN" | cut -d';' -f1 | sort -u | wc -l)
[ "$(count "$T/fyn.csv")" = "$nproj" ] && pass || fail "CORDIS: $(count "$T/fyn.csv") records, want $nproj projects"
rows=$(($(wc -l <"$FYN") - 1))
ended=$(grep -c '"true";"[^"]*"$' "$FYN")
kept=$(mlr --icsv --ojson put '$n = strlen(gsub($partners, "[^\n]", "")) + 1' then stats1 -a sum -f n "$T/fyn.csv" | grep -o '[0-9]*' | tail -1)
[ "$kept" = $((rows - ended)) ] && pass || fail "CORDIS: $kept partners, $rows rows of which $ended ended"
[ "$(grep -o 'has ended its participation' "$T/fyn.csv" | wc -l)" = "$ended" ] && pass || fail "ended participants noted"
[ "$(count "$T/fyn.csv" '$total_eur == ""')" = 31 ] && pass || fail "CORDIS totals of 0 below the grant left empty"
contains "$T/err" "31 projects: a total below the EU grant" "said once"

# Other layouts: FP3 is FP3, the project table is CORDIS's, not SDEO's.
expect_status 0 euprio-sdeo "$FP3"
[ "$(count "$T/out")" = 5527 ] && pass || fail "FP3: $(count "$T/out") projects, want 5527"
[ "$(count "$T/out" '$programme != "FP3" || $id !=~ "^FP3-"')" = 0 ] && pass || fail "FP3 projects labelled FP3"
expect_status 0 euprio-sdeo "$PROJ"
cp "$T/out" "$T/proj.csv"
[ "$(count "$T/proj.csv")" = 4 ] && pass || fail "project table: 4 rows"
[ "$(field "$T/proj.csv" id HE-101177315 call_id)" = HORIZON-CL2-2024-DEMOCRACY-01-09 ] && pass || fail "project table: topic as call id"
[ "$(field "$T/proj.csv" id HE-101177315 total_eur)" = 2494217.5 ] && pass || fail "project table: totalCost"
[ "$(count "$T/proj.csv" '$summary == "" || $sdeo_id != "" || $source != "cordis"')" = 0 ] && pass || fail "project table: objective as summary, not SDEO"
contains "$T/proj.csv" 'used to ""play around"" with' "un-doubled quotes kept as text"
expect_status 0 euprio-sdeo "$PROJ" "$FYN"
[ "$(count "$T/out")" = $((nproj + 4)) ] && pass || fail "project table beside the participants: $(count "$T/out")"

# All seven files in one run: the three Horizon Europe extracts are one set
# of projects (a project in two extracts is one record).
he=$(for f in "$HE"/organization_*.csv; do tail -n +2 "$f" | cut -d';' -f1; done | sort -u | wc -l)
expect_status 0 euprio-sdeo "$E07" "$E14" "$HE"/organization_*.csv "$PROJ" "$FP3"
cp "$T/out" "$T/all.csv"
[ "$(count "$T/all.csv")" = $((598 + 107 + he + 4 + 5527)) ] && pass || fail "all files: $(count "$T/all.csv") records, want $((598 + 107 + he + 4 + 5527))"

# --append onto applications (the auditor's): nothing vanishes, projects
# join only their own applications.
cat >"$T/apps.csv" <<'A'
id,source,status,title,acronym,programme,call_id,deadline,total_eur,eu_grant_eur,own_cost_eur,odense_role,department,contact,summary,keywords,partners,sdeo_id,origin
APP-1,application,draft,Inspire application (acronym shared by two CORDIS projects),INSPIRE,Horizon Europe,,2025-06-01,1000000,800000,50000,partner,,,Test application sharing an acronym with two listed projects.,,,,apps-small.csv:2
APP-2,application,running,ARCADIA (Odense's own participation),ARCADIA,Horizon Europe,,,18586620,17562795,100000,partner,,,Odense's own record of the ARCADIA project.,,,,apps-small.csv:3
APP-3,application,idea,An idea with neither call id nor acronym,,,,,,,,,,,No join key at all.,,,,apps-small.csv:4
APP-4,application,draft,Robots at the harbour,HARBOUR,Horizon Europe,HORIZON-CL4-2025-DIGITAL-EMERGING-03,2025-09-16,2000000,1500000,60000,partner,,,Application on the call the issue names.,,,,apps-small.csv:5
APP-5,application,draft,Public administration,SUPA,Horizon Europe,,2025-05-01,,,,partner,,,Shares the acronym of a project-table row.,,,,apps-small.csv:6
A
for f in e07:"$E07" e14:"$E14" fyn:"$FYN" proj:"$PROJ" fp3:"$FP3"; do
	k=${f%%:*}
	n=$(count "$T/$k.csv" 2>/dev/null || true)
	[ -s "$T/$k.csv" ] || n=5527
	euprio-sdeo --append "${f#*:}" <"$T/apps.csv" >"$T/a.csv" 2>"$T/a.err" || true
	out=$(count "$T/a.csv")
	joined=$(mlr --icsv --ojson filter '$source == "application" && $sdeo_id != ""' then count "$T/a.csv" | grep -o '[0-9]*')
	[ $((5 + n)) = $((out + joined)) ] && pass || fail "$k --append: 5 + $n in, $out out + $joined joined"
	contains "$T/a.err" "5 applications and $n listings in" "$k --append counts"
done
[ "$(field "$T/a.csv" id APP-4 sdeo_id)" = "" ] && pass || fail "no FP3 project joins the harbour application"
euprio-sdeo --append "$FYN" <"$T/apps.csv" >"$T/a.csv" 2>"$T/a.err" || true
[ "$(field "$T/a.csv" id APP-2 sdeo_id)" = HE-101112737 ] && pass || fail "ARCADIA joins Odense's ARCADIA"
[ "$(field "$T/a.csv" id APP-1 sdeo_id)" = "" ] && pass || fail "two INSPIRE projects: APP-1 joins neither"
contains "$T/a.err" "listing HE-101057043 and listing HE-101058537 fit application APP-1 equally well" "the ambiguity named"

# The Funen projects through the pipeline: nothing to read is NO_TEXT,
# never NO_GOAL; with the project table's text they are judged.
euprio-local "$T/fyn.csv" 2>/dev/null | euprio-goals 2>/dev/null |
	euprio-rank --today 2025-03-01 -r "$T/rej.csv" >"$T/cand.csv" 2>/dev/null || true
[ "$(count "$T/rej.csv" '$reject_code == "NO_GOAL"')" = 0 ] && pass || fail "NO_GOAL claimed on records with no text"
[ "$(count "$T/rej.csv" '$reject_code == "NO_TEXT"')" -gt 90 ] && pass || fail "NO_TEXT for the textless projects"
[ $(($(count "$T/rej.csv") + $(count "$T/cand.csv"))) = "$nproj" ] && pass || fail "rank: candidates + rejects = records"
finish
