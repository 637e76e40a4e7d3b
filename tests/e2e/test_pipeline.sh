# The whole pipeline on samples/ against golden files, with conservation:
# every input record ends in exactly one of the two outputs.
. "$(dirname "$0")/lib.sh"
cd "$SAMPLES"

# run N [RANK OPTIONS...]: the pipeline into $T/candN.csv and $T/rejN.csv.
run() {
	n=$1
	shift
	euprio-apps applications-*.xml cordis-project.xml 2>"$T/apps.err" |
		euprio-sdeo --append sdeo-2025-w09.csv sdeo-2025-w10-cp1252.tsv 2>"$T/sdeo.err" |
		euprio-local 2>"$T/local.err" | euprio-goals 2>"$T/goals.err" |
		euprio-rank --today 2025-03-01 --rejects "$T/rej$n.csv" "$@" >"$T/cand$n.csv" 2>"$T/rank.err"
}
set +e
run 1 --lang da --bom; rc=$?
set -e
[ "$rc" -eq 1 ] && pass || fail "pipeline exited $rc, expected 1 (bad sample records)"
golden pipeline-candidates.csv "$T/cand1.csv"
golden pipeline-rejected.csv "$T/rej1.csv"

# Conservation: records in (applications + listings rows) = out, a
# listing joined onto its application counted inside it.
apps_in=$(euprio-apps applications-*.xml cordis-project.xml 2>/dev/null | euprio-cat | mlr --icsv --ojson count | grep -o '[0-9]*')
listing_in=$(euprio-sdeo sdeo-2025-w09.csv sdeo-2025-w10-cp1252.tsv 2>/dev/null | mlr --icsv --ojson count | grep -o '[0-9]*')
joined=$(grep -o '[0-9]* listings inside the applications they joined' "$T/sdeo.err" | grep -o '^[0-9]*')
[ "$joined" = 1 ] && pass || fail "one listing (SDEO-2025-044) is an application's project: $joined joined"
contains "$T/sdeo.err" "listing SDEO-2025-072 may be the same project as application BSF-2025-019" "the doubtful pair named"
cand=$(sed '1s/^\xef\xbb\xbf//' "$T/cand1.csv" | mlr --icsv --ojson count | grep -o '[0-9]*')
rej=$(mlr --icsv --ojson count "$T/rej1.csv" | grep -o '[0-9]*')
contains "$T/rank.err" "$cand candidates, $rej rejected" "rank reports its counts"
if [ $((apps_in + listing_in - joined)) -eq $((cand + rej)) ]; then pass; else
	fail "conservation: $apps_in apps + $listing_in listings - $joined joined != $cand + $rej"; fi

# Byte-identical on a second run, and in English.
run 2 --lang da --bom || true
same "$T/cand2.csv" "$T/cand1.csv" "deterministic output"
run 3 --lang en --all-columns || true
golden pipeline-candidates-en-all.csv "$T/cand3.csv"
contains "$T/cand3.csv" "deadline in 52 days" "English reasons"
head -1 "$T/cand3.csv" | grep -q ',knowledge_points,reputation_points,score,' && pass || fail "--all-columns keeps the stream"


# The portal's calls through local, goals and rank's call track, with the
# samples' applications and listings as CORDIS-like projects (their
# partners): the golden file is what a coordinator reads of them.
euprio-apps applications-*.xml 2>/dev/null | euprio-sdeo --append sdeo-2025-w09.csv 2>/dev/null >"$T/projects.csv" || true
euprio-calls --today 2026-11-01 ft-topics.json 2>/dev/null | euprio-local 2>/dev/null | euprio-goals 2>/dev/null |
	euprio-rank --today 2026-11-01 --cordis "$T/projects.csv" --rejects "$T/crej.csv" >"$T/calls.csv" 2>"$T/crank.err" || true
golden pipeline-calls.csv "$T/calls.csv"
contains "$T/crank.err" "3 candidates, 0 rejected" "the three sample calls explored"

# Re-running a stage replaces its columns instead of adding more.
euprio-apps applications-bsf.xml 2>/dev/null | euprio-local | euprio-goals >"$T/once.csv"
euprio-local "$T/once.csv" | euprio-goals >"$T/twice.csv"
same "$T/twice.csv" "$T/once.csv" "stages are idempotent"

# Danish Excel dialect: BOM, ';', CRLF, decimal comma.
run 4 --dialect excel-da --bom || true
head -c 3 "$T/cand4.csv" | od -An -tx1 | grep -q 'ef bb bf' && pass || fail "excel-da has no BOM"
head -1 "$T/cand4.csv" | grep -q "^.*rank;decision;score;" && pass || fail "excel-da delimiter"
head -1 "$T/cand4.csv" | od -c | grep -q '\\r  \\n' && pass || fail "excel-da CRLF"
grep -q ';73,3;' "$T/cand4.csv" && pass || fail "excel-da decimal comma in score"

finish
