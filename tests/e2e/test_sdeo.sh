# euprio-sdeo end to end: dialects, ragged rows, the join, and the real
# ERDF and CORDIS exports from ../shared/data/real.
. "$(dirname "$0")/lib.sh"
cd "$SAMPLES"

expect_status 1 euprio-sdeo sdeo-2025-w09.csv sdeo-2025-w10-cp1252.tsv
golden sdeo-samples.csv "$T/out"
contains "$T/err" "sdeo-2025-w09.csv:4: ragged row: 15 fields where the header (line 3) has 14" "ragged row with line"
contains "$T/out" "Øresund-samarbejde om grøn mobilitet" "cp1252 decoded"
contains "$T/out" ",2412868.63,1200000," "18 mio. kr. in EUR, EUR 1,2 mio"
contains "$T/out" ",2025-07-03," "3. juli 2025"
contains "$T/out" "$(printf 'Syddansk Universitet\t\t\tpartner\t5230\tOdense M\tDK')" "free-text partner parsed"

# Dialects: ',' with LF and no BOM; TAB; forced options.
printf 'Project ID,Title,Call ID,Deadline,Partners\nP-1,"A, B",C-1,2025-05-15,"SDU (DK, 5230 Odense M)"\n' >"$T/comma.csv"
expect_status 0 euprio-sdeo "$T/comma.csv"
contains "$T/out" 'P-1,sdeo,,"A, B"' "comma dialect"
expect_status 0 euprio-sdeo --delimiter , --encoding utf-8 --profile sdeo "$T/comma.csv"
printf 'no,header,here\n1,2,3\n' >"$T/nohdr.csv"
expect_status 3 euprio-sdeo "$T/nohdr.csv"
contains "$T/err" "nohdr.csv:1: no header row found" "no header found"

# The join: matched (fills empty fields, sets sdeo_id), two applications on
# one call, unmatched listings as their own records.
cat >"$T/apps.csv" <<'A'
id,source,call_id,title,contact,sdeo_id
A-1,application,ESF-2025-SOC-INNO-01,First,,
A-2,application,esf-2025-soc-inno-01 ,Second,Own Contact,
A-3,application,NONE-1,Third,,
A
euprio-sdeo --append sdeo-2025-w09.csv <"$T/apps.csv" >"$T/j.csv" 2>"$T/j.err" || true
contains "$T/j.csv" "A-1,application,ESF-2025-SOC-INNO-01,First,Mette Nielsen,SDEO-2025-047" "matched application filled"
contains "$T/j.csv" "A-2,application,esf-2025-soc-inno-01 ,Second,Own Contact,SDEO-2025-047" "second application on the same call"
contains "$T/j.csv" "A-3,application,NONE-1,Third,," "unmatched application untouched"
lacks "$T/j.csv" "SDEO-2025-047,sdeo" "matched listing not emitted twice"
contains "$T/j.csv" "SDEO-2025-052,sdeo" "unmatched listing emitted"
contains "$T/j.err" "2 applications joined with a listing, 1 listings matched" "join counts"

if [ -d "$REAL" ]; then
	ERDF="$REAL/dk-erdf-erhvervsstyrelsen/ERDF_Denmark_2014-2020.original.csv"
	expect_status 0 euprio-sdeo "$ERDF"
	n=$(mlr --icsv --ojson count "$T/out" | grep -o '[0-9]*')
	[ "$n" = 107 ] && pass || fail "ERDF: $n records, want 107"
	rej=$(mlr --icsv --ojson filter '$reject_reason != ""' then count "$T/out" | grep -o '[0-9]*' || echo 0)
	[ "${rej:-0}" = 0 ] && pass || fail "ERDF: $rej rejected rows"
	mlr --icsv --ocsv filter '$title == "Vækst 2.0"' then cut -o -f title,total_eur,eu_grant_eur,start_date "$T/out" >"$T/v"
	printf 'title,total_eur,eu_grant_eur,start_date\nVækst 2.0,15414794,7707397,2014-04-24\n' >"$T/vw"
	same "$T/v" "$T/vw" "Vækst 2.0 amounts and start"

	CORDIS="$REAL/cordis-horizon-europe-org/organization_fyn_projects.csv"
	expect_status 0 euprio-sdeo "$CORDIS"
	want=$(tail -n +2 "$CORDIS" | cut -d';' -f1 | sort -u | wc -l)
	got=$(mlr --icsv --ojson count "$T/out" | grep -o '[0-9]*')
	[ "$got" = "$want" ] && pass || fail "CORDIS: $got records, want $want projects"
	total_rows=$(($(wc -l <"$CORDIS") - 1))
	kept=$(mlr --icsv --ojson put '$n = strlen(gsub($partners, "[^\n]", "")) + 1' then stats1 -a sum -f n "$T/out" | grep -o '[0-9]*' | tail -1)
	[ "$kept" = "$total_rows" ] && pass || fail "CORDIS: $kept partners kept, $total_rows participant rows"
else
	echo "skip: real data not found at $REAL" >&2
fi
finish
