# euprio-xlsx: the workbook of the samples checked cell by cell against the
# CSVs (check_xlsx.py opens it as a zip); hostile cells; missing columns;
# unreadable rows; and, where LibreOffice is installed, a round trip to CSV
# and a PDF and PNG rendering kept for a person to look at.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "skip: python3 not installed"; exit 77; }
check() { if python3 "$EUPRIO_SRC/tests/e2e/check_xlsx.py" "$@" 2>"$T/check.err"; then pass; else
	fail "check_xlsx $*: $(head -c 2000 "$T/check.err")"; fi; }

# The samples through the whole pipeline, then a second day for changes.
sh "$EUPRIO_SRC/scripts/demo.sh" "$EUPRIO_BIN" >"$T/cand.csv" 2>/dev/null
cp "${TMPDIR:-/tmp}/euprio-demo/rejected.csv" "$T/rej.csv"
head -n 1 "$T/cand.csv" >"$T/empty.csv"
euprio-changes "$T/empty.csv" "$T/cand.csv" >"$T/chg.csv"
n=$(python3 -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))))' "$T/cand.csv")
[ "$n" -ge 5 ] && pass || fail "the samples gave only $n candidates"
nc=$(grep -c ',explore,' "$T/cand.csv")
[ "$nc" -ge 3 ] && pass || fail "the samples' SDEO calls: only $nc to explore"

expect_status 0 euprio-xlsx -o "$T/book.xlsx" -r "$T/rej.csv" --changes "$T/chg.csv" -t 2025-03-01 "$T/cand.csv"
contains "$T/err" "euprio-xlsx: $T/book.xlsx: $((n - nc)) candidates, $nc calls, 5 rejected (0 unreadable rows), $n changes" "summary line"
check "$T/book.xlsx" "$CONFIG" "$T/cand.csv" --rejects "$T/rej.csv" --changes "$T/chg.csv"
# English, from standard input, without the optional sheets.
expect_status 0 euprio-xlsx -o "$T/en.xlsx" --lang en -t 2025-03-01 <"$T/cand.csv"
check "$T/en.xlsx" "$CONFIG" "$T/cand.csv" --lang en

# The checker itself must catch a wrong workbook: checking the English one
# as Danish, and against other candidates, fails.
if python3 "$EUPRIO_SRC/tests/e2e/check_xlsx.py" "$T/en.xlsx" "$CONFIG" "$T/cand.csv" 2>/dev/null; then
	fail "checker accepted English sheets as Danish"; else pass; fi
sed '2d' "$T/cand.csv" >"$T/fewer.csv"
if python3 "$EUPRIO_SRC/tests/e2e/check_xlsx.py" "$T/en.xlsx" "$CONFIG" "$T/fewer.csv" --lang en 2>/dev/null; then
	fail "checker accepted a workbook of other candidates"; else pass; fi

# The calls (rank's explore) are on Indkaldelser, second, and not on
# Kandidater; the checker fails a workbook that put them elsewhere.  A
# layout without calls rows (a workbook.csv from before the sheet) keeps
# them on Kandidater.
python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); sys.stdout.buffer.write(z.read("xl/workbook.xml") + z.read("xl/worksheets/sheet1.xml") + b"\n@@\n" + z.read("xl/worksheets/sheet2.xml"))' \
	"$T/book.xlsx" >"$T/calls.xml"
contains "$T/calls.xml" 'name="Indkaldelser" sheetId="2"' "calls sheet second"
[ "$(sed -n '/^@@$/,$p' "$T/calls.xml" | grep -o '>udforsk<' | wc -l)" = 0 ] && pass || fail "calls sheet shows its decision"
sed -n '1,/^@@$/p' "$T/calls.xml" | grep -q '>Øresund-samarbejde om grøn mobilitet<' && fail "a call on Kandidater" || pass
sed -n '/^@@$/,$p' "$T/calls.xml" | grep -q '>Øresund-samarbejde om grøn mobilitet<' && pass || fail "the SDEO call not on Indkaldelser"
mkdir -p "$T/nocalls" && cp "$CONFIG"/*.csv "$T/nocalls/" && cp -r "$CONFIG/profiles" "$CONFIG/listings" "$T/nocalls/"
sed -i '/^calls,/d' "$T/nocalls/workbook.csv"
if python3 "$EUPRIO_SRC/tests/e2e/check_xlsx.py" "$T/book.xlsx" "$T/nocalls" "$T/cand.csv" --rejects "$T/rej.csv" --changes "$T/chg.csv" 2>/dev/null; then
	fail "checker accepted calls off the candidates sheet for a layout without calls"; else pass; fi
expect_status 0 euprio-xlsx -c "$T/nocalls" -o "$T/nocalls.xlsx" -r "$T/rej.csv" -t 2025-03-01 "$T/cand.csv"
check "$T/nocalls.xlsx" "$T/nocalls" "$T/cand.csv" --rejects "$T/rej.csv"
contains "$T/err" "$n candidates, 0 calls" "without the sheet the calls are candidates"

# Hostile cells: formulas stay text, control characters and CRs are
# cleaned, a 40 000-character cell is cut under Excel's limit, odd numbers
# stay text with a warning, a call id that is no topic is not linked.
python3 - "$T/cand.csv" "$T/hostile.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
r = rows[0]
r["title"] = '=HYPERLINK("http://evil.example","click")'
r["programme"] = "+SUM(A1:A9)\x01\x1b tab\there"
r["reasons"] = "line one\r\nline two\rline three"
r["partners"] = ("Ærø Kommune (Ærøskøbing, DK) 😀\n" * 1400)[:41000]
r["call_id"] = "not a topic; =1+1"
rows[1]["title"] = "@cmd|' /C calc'!A0"
rows[1]["call_id"] = "HORIZON-" + "X" * 300
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
EOF
expect_status 0 euprio-xlsx -o "$T/hostile.xlsx" -t 2025-03-01 "$T/hostile.csv"
check "$T/hostile.xlsx" "$CONFIG" "$T/hostile.csv"
python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml"))' \
	"$T/hostile.xlsx" >"$T/sheet1.xml"
lacks "$T/sheet1.xml" "<f>" "no cell is a formula"
contains "$T/sheet1.xml" "[… afkortet]" "cut marker"
sed -i 's/^\(1,prioritise,\)[0-9.]*/\1eleven/' "$T/hostile.csv"
expect_status 0 euprio-xlsx -o "$T/hostile2.xlsx" -t 2025-03-01 "$T/hostile.csv"
contains "$T/err" "hostile.csv:2: column 'score': 'eleven' is not a number; written as text" "bad number reported with file:line"

# A file that is not rank's output: every missing column named, nothing written.
printf 'id,title,score\nA,B,1\n' >"$T/other.csv"
expect_status 3 euprio-xlsx -o "$T/other.xlsx" "$T/other.csv"
contains "$T/err" "lacks the columns the workbook needs: rank, decision, programme, call_id, deadline, days_left, goals, local_tier" "missing columns named"
[ ! -e "$T/other.xlsx" ] && pass || fail "a workbook was written for bad input"
ls "$T" | grep -q 'other.xlsx\.' && fail "temporary workbook left behind" || pass

# A row the reader cannot trust lands on the rejected sheet with its origin.
{ cat "$T/cand.csv"; printf '99,consider,"unterminated\n'; } >"$T/broken.csv"
expect_status 1 euprio-xlsx -o "$T/broken.xlsx" -r "$T/rej.csv" -t 2025-03-01 "$T/broken.csv"
contains "$T/err" "broken.csv:" "bad row reported with file:line"
check "$T/broken.xlsx" "$CONFIG" "$T/cand.csv" --rejects "$T/rej.csv" --bad 1

# Usage and configuration faults.
expect_status 2 euprio-xlsx "$T/cand.csv"
contains "$T/err" "-o FILE.xlsx is required" "-o required"
expect_status 2 euprio-xlsx -o "$T/x.xlsx" --lang fr "$T/cand.csv"
mkdir "$T/cfg" && cp "$CONFIG"/* "$T/cfg/" 2>/dev/null || true
printf 'sheet,column,kind,title_da,title_en\ncandidates,rank,sparkle,Nr.,Rank\n' >"$T/cfg/workbook.csv"
expect_status 2 euprio-xlsx -c "$T/cfg" -o "$T/x.xlsx" "$T/cand.csv"
contains "$T/err" "workbook.csv:2:3: unknown kind 'sparkle'" "layout fault with file:line:col"
cp "$CONFIG/workbook.csv" "$T/cfg/"
sed -i 's/^sheet.rejected,Afviste,/sheet.rejected,Af[vi]ste,/' "$T/cfg/labels.csv"
expect_status 2 euprio-xlsx -c "$T/cfg" -o "$T/x.xlsx" "$T/cand.csv"
contains "$T/err" "cannot name a sheet: it contains one of [ ] : * ? / \\" "bad sheet name refused"
expect_status 2 euprio-check-config -c "$T/cfg"
contains "$T/err" "label sheet.rejected: 'Af[vi]ste' cannot name a sheet" "check-config checks the workbook's labels"
expect_status 4 euprio-xlsx -o /proc/euprio/x.xlsx "$T/cand.csv"

# The staff's decisions: their columns (optional in workbook.csv) appear
# where rank wrote them, their words in the sheet's language, and the
# workbook, naming who decided, is not world-readable.  Without them the
# sheets are as above.
euprio-apps "$SAMPLES"/*.xml 2>/dev/null | euprio-sdeo --append "$SAMPLES"/sdeo-*.csv "$SAMPLES"/sdeo-*.tsv 2>/dev/null |
	euprio-local 2>/dev/null | euprio-goals >"$T/scored.csv" 2>/dev/null
printf 'id,decision,until,note,by\nBSF-2025-019,pursue,2025-06-30,Vi går efter den,AB\nBKF-2025-011,decline,,Ikke vores område,CD\nSDEO-2025-052,watch,,Budget?,EF\nBKF-2024-002,pursue,,,AB\n' >"$T/decisions.csv"
expect_status 1 euprio-rank --today 2025-03-01 -r "$T/srej.csv" --decisions "$T/decisions.csv" "$T/scored.csv"
cp "$T/out" "$T/scand.csv"
umask 022
expect_status 0 euprio-xlsx -o "$T/staff.xlsx" -r "$T/srej.csv" -t 2025-03-01 "$T/scand.csv"
check "$T/staff.xlsx" "$CONFIG" "$T/scand.csv" --rejects "$T/srej.csv"
python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml"))' \
	"$T/staff.xlsx" >"$T/staff1.xml"
contains "$T/staff1.xml" "Personalets beslutning" "staff column shown when rank wrote it"
contains "$T/staff1.xml" ">forfølges<" "staff decision in the sheet's words"
lacks "$T/sheet1.xml" "Personalets" "no staff column without decisions"
[ "$(stat -c %a "$T/staff.xlsx")" = 640 ] && pass || fail "staffed workbook is $(stat -c %a "$T/staff.xlsx"), expected 640"
[ "$(stat -c %a "$T/book.xlsx")" = 644 ] && pass || fail "plain workbook is $(stat -c %a "$T/book.xlsx"), expected 644"
cp "$CONFIG/labels.csv" "$T/cfg/"
sed 's/^candidates,staff_note,wrap,\(.*\),yes$/candidates,staff_note,wrap,\1,maybe/' "$CONFIG/workbook.csv" >"$T/cfg/workbook.csv"
expect_status 2 euprio-xlsx -c "$T/cfg" -o "$T/x.xlsx" "$T/cand.csv"
contains "$T/err" "optional is 'yes' or empty, not 'maybe'" "bad optional refused"

# LibreOffice, when installed (CI installs it): the values come back, and a
# rendering is kept as an artifact.
if command -v soffice >/dev/null; then
	lo() { HOME="$T/home" soffice -env:UserInstallation="file://$T/lo-profile" --headless "$@" >>"$T/lo.log" 2>&1; }
	mkdir -p "$T/lo" "$T/home"
	lo --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,1' \
		--outdir "$T/lo" "$T/en.xlsx"
	# LibreOffice names the file after the sheet when it picks one.
	locsv=$(ls "$T"/lo/en*.csv 2>/dev/null | head -n 1)
	if [ -n "$locsv" ] && [ -s "$locsv" ]; then
		check --roundtrip "$T/en.xlsx" "$CONFIG" "$T/cand.csv" "$locsv"
	else
		fail "LibreOffice did not convert the workbook: $(cat "$T/lo.log")"
	fi
	lo --convert-to pdf --outdir "$T/lo" "$T/book.xlsx"
	art="${EUPRIO_ARTIFACTS:-$EUPRIO_BIN/artifacts}"
	mkdir -p "$art"
	cp "$T/book.xlsx" "$art/samples-workbook.xlsx"
	if [ -s "$T/lo/book.pdf" ]; then
		cp "$T/lo/book.pdf" "$art/samples-workbook.pdf"
		pages=$(pdfinfo "$T/lo/book.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
		[ "${pages:-0}" -ge 3 ] && pass || fail "rendering has ${pages:-0} pages, expected at least 3"
		command -v pdftoppm >/dev/null && pdftoppm -png -r 60 "$T/lo/book.pdf" "$art/samples-workbook" && pass
	else
		fail "LibreOffice did not render the workbook: $(cat "$T/lo.log")"
	fi
else
	echo "note: soffice not installed; LibreOffice round trip and rendering skipped" >&2
fi
finish
