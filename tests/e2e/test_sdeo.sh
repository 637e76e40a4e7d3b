# euprio-sdeo end to end on samples/: dialects, ragged rows, the join of
# projects (and many listings per call, from bench/gen.py).  The real
# exports are test_sdeo_real.sh's.
. "$(dirname "$0")/lib.sh"
cd "$SAMPLES"

expect_status 1 euprio-sdeo sdeo-2025-w09.csv sdeo-2025-w10-cp1252.tsv
golden sdeo-samples.csv "$T/out"
contains "$T/err" "sdeo-2025-w09.csv:4: record SDEO-2025-031: ragged row: 15 fields where the header (line 3) has 14" "ragged row with line and id"
contains "$T/out" "SDEO-2025-031,sdeo,,Green Harbour Cities,GREENHARB" "ragged row keeps the fields before the break"
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

# The join of projects: a listing joins the application that is its
# project (the same call and title, or acronym, or lead partner), never
# another application on its call; the rest stay their own records.
cat >"$T/apps.csv" <<'A'
id,source,call_id,title,acronym,contact,sdeo_id,programme
A-1,application,ESF-2025-SOC-INNO-01,Sociale iværksættere i udsatte boligområder,,,,
A-2,application,esf-2025-soc-inno-01 ,Robotter som jobskabere,ROBOJOB,Own Contact,,
A-3,application,NONE-1,Third,,,,
A-4,application,,Cirkulært byggeri,CIRCBUILD,,,Interreg Baltic Sea Region
A
euprio-sdeo --append sdeo-2025-w09.csv <"$T/apps.csv" >"$T/j.csv" 2>"$T/j.err" || true
contains "$T/j.csv" "A-1,application,ESF-2025-SOC-INNO-01,Sociale iværksættere i udsatte boligområder,SOCENT,Mette Nielsen,SDEO-2025-047" "matched application filled"
contains "$T/j.csv" "A-2,application,esf-2025-soc-inno-01 ,Robotter som jobskabere,ROBOJOB,Own Contact,," "another project on the same call is not joined"
contains "$T/j.csv" "A-3,application,NONE-1,Third,,," "unmatched application untouched"
contains "$T/j.csv" "A-4,application,BSR-2025-C2-11,Cirkulært byggeri,CIRCBUILD,Lars Holm,SDEO-2025-052" "joined by acronym and programme without a call; the call filled"
lacks "$T/j.csv" "SDEO-2025-047,sdeo" "matched listing not emitted twice"
contains "$T/j.csv" "SDEO-2025-044,sdeo" "unmatched listing emitted"
contains "$T/j.err" "4 applications and 6 listings in; out: 4 applications (2 joined with a listing, named in their sdeo_id) and 4 listings as their own records" "join counts"
contains "$T/j.err" "2 listings inside the applications they joined" "joined listings counted"
# Records in = records out: 4 + 6 = 4 + 4 rows + 2 inside applications.
n=$(mlr --icsv --ojson count "$T/j.csv" | grep -o '[0-9]*')
[ "$n" = 8 ] && pass || fail "join: $n records out, want 8"

# Many listings on one call (bench/gen.py's generated listing lost 181 of
# 372 rows to the old join): every one is written or joined.
python3 "$EUPRIO_SRC/bench/gen.py" listing 1 "$T/gen-listing.csv"
python3 "$EUPRIO_SRC/bench/gen.py" xml 2 "$T/gen-apps.xml"
euprio-apps "$T/gen-apps.xml" >"$T/gen-apps.csv" 2>/dev/null
euprio-sdeo --append "$T/gen-listing.csv" <"$T/gen-apps.csv" >"$T/gen-out.csv" 2>"$T/gen.err" || true
python3 - "$T/gen-apps.csv" "$T/gen-listing.csv" "$T/gen-out.csv" >"$T/gen.check" <<'P'
import csv, sys
csv.field_size_limit(1 << 30)
apps = [r["id"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
lst = [r["Projekt-ID"] for r in csv.DictReader(open(sys.argv[2], encoding="cp1252"), delimiter=";")]
out = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
ids = {r["id"] for r in out}
joined = {r["sdeo_id"] for r in out if r["source"] == "application" and r["sdeo_id"]}
lost = [l for l in lst if l not in ids and l not in joined]
per_call = max(sum(1 for r in out if r["source"] == "sdeo" and r["call_id"] == c) for c in {r["call_id"] for r in out})
print(len(apps), len(lst), len(out), len(joined), len(lost), per_call)
P
read na nl no nj nlost pc <"$T/gen.check"
[ "$nlost" = 0 ] && pass || fail "generated listings: $nlost of $nl lost"
[ $((na + nl)) = $((no + nj)) ] && pass || fail "generated: $na apps + $nl listings != $no out + $nj joined"
[ "$pc" -ge 5 ] && pass || fail "generated: at most $pc listings per call; the test wants many"
contains "$T/gen.err" "$na applications and $nl listings in" "generated join counts"

finish
