# The coordinator's decisions over nights with euprio-nightly (#24): a
# decline held, brought back by a material change measured against the
# night it was declined, an expired until; pursue and watch; a decline
# made between nights not told as 'left'; a typo in the table that stops
# the night and changes nothing; a killed night and a missed one that
# change nothing either; names with spaces.
. "$(dirname "$0")/lib.sh"
command -v flock >/dev/null || { echo "skip: flock not installed"; exit 77; }
command -v iconv >/dev/null || { echo "skip: iconv not installed"; exit 77; }
umask 022

in="$T/in"
out="$T/night"
mkdir -p "$in/applications" "$in/listings"
cp "$SAMPLES"/applications-*.xml "$SAMPLES"/cordis-project.xml "$in/applications/"
cp "$SAMPLES"/sdeo-2025-w09.csv "$SAMPLES"/sdeo-2025-w10-cp1252.tsv "$in/listings/"
field() { # field FILE ID COLUMN: a column of the row with that id
	mlr --icsv --ojson filter -S '$id == "'"$2"'"' then cut -f "$3" "$1" | sed -n 's/^ *"'"$3"'": "\(.*\)",\{0,1\}$/\1/p'
}

# The table as Danish Excel saves it: ';', Windows-1252, CRLF, a Danish
# date, a capitalised word.
decisions() {
	printf '%s\r\n' "$@" | iconv -f UTF-8 -t WINDOWS-1252 >"$in/decisions.csv"
}
decisions 'id;decision;until;note;by' \
	'BKF-2025-011;Decline;;Ikke vores område;AB' \
	'AHF-2025-009;decline;02-03-2025;Vent på budget 2026;AB' \
	'BSF-2025-019;pursue;;Vi går efter den;CD' \
	'SDEO-2025-052;watch;;Hold øje med frist;EF' \
	'NOPE-1;watch;;;EF'

# Night 1: both declines held, the note their reason; pursue leads its
# group; the workbook shows the staff columns; the memory is written.
expect_status 1 euprio-nightly -i "$in" -o "$out" --today 2025-03-01
R1="$out/rejected-2025-03-01.csv" C1="$out/candidates-2025-03-01.csv" L1="$out/log/euprio-2025-03-01.log"
contains "$R1" "DECLINED,Ikke vores område,BKF-2025-011" "declined: the note is the reason"
contains "$R1" "DECLINED,Vent på budget 2026,AHF-2025-009" "declined until a date"
lacks "$C1" "BKF-2025-011" "a declined record is no candidate"
contains "$T/err" "euprio-nightly: 2025-03-01: 9 candidates, 7 rejected (DECLINED 2," "summary counts the declines"
[ "$(field "$C1" BSF-2025-019 decision)" = consider ] && pass || fail "BSF-2025-019 is not consider"
first=$(mlr --icsv --ojson filter '$decision == "consider"' then head -n 1 then cut -f id "$C1" | sed -n 's/.*"id": "\(.*\)".*/\1/p')
[ "$first" = BSF-2025-019 ] && pass || fail "the pursued record leads consider, not $first"
contains "$C1" "STAFF_PURSUE" "pursue flag"
[ "$(field "$C1" SDEO-2025-052 staff_note)" = "Hold øje med frist" ] && pass || fail "watch note in the candidates"
contains "$L1" "decisions: $in/decisions.csv" "the log names the table"
contains "$L1" "[rank] euprio-rank: $in/decisions.csv:6: 'NOPE-1' (watch) matches no record in this run" "unmatched id warned with file:line"
[ "$(grep -c "NOPE-1" "$L1")" -eq 1 ] && pass || fail "unmatched id warned more than once"
M="$out/decline-memory.csv"
contains "$M" "BKF-2025-011,2025-03-01,,Ikke vores område,AB," "memory of the first decline"
contains "$M" "AHF-2025-009,2025-03-01,2025-03-02,Vent på budget 2026,AB," "memory of the dated decline"
[ "$(stat -c %a "$M")" = 640 ] && pass || fail "memory is $(stat -c %a "$M"), not 640: it names staff"
[ "$(stat -L -c %a "$C1")" = 640 ] && pass || fail "candidates naming staff are world-readable"
lacks "$out/changes-2025-03-01.csv" "BKF-2025-011" "the first night's changes hold no declined record"
python3 - "$out/candidates-2025-03-01.xlsx" <<'EOF' && pass || fail "workbook lacks the staff's decision and note"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read("xl/worksheets/sheet1.xml").decode()
sys.exit(0 if "Personalets beslutning" in sheet and "Vi går efter den" in sheet and "forfølges" in sheet else 1)
EOF

# Night 2: BKF-2025-011's EU grant rises 25 % (a material change) and the
# watched listing gets a new deadline; BSF-2025-014 is declined this
# morning; AHF-2025-009's until is today, so it still holds.
sed 's/<euGrant currency="DKK">8952000</<euGrant currency="DKK">11190000</' \
	"$SAMPLES/applications-bkf-v1.xml" >"$in/applications/applications-bkf-v1.xml"
sed 's/;3\. juli 2025;/;15. august 2025;/' "$SAMPLES/sdeo-2025-w09.csv" >"$in/listings/sdeo-2025-w09.csv"
decisions 'id;decision;until;note;by' \
	'BKF-2025-011;Decline;;Ikke vores område;AB' \
	'AHF-2025-009;decline;02-03-2025;Vent på budget 2026;AB' \
	'BSF-2025-019;pursue;;Vi går efter den;CD' \
	'SDEO-2025-052;watch;;Hold øje med frist;EF' \
	'BSF-2025-014;decline;;For dyrt for os;CD'
expect_status 1 euprio-nightly -i "$in" -o "$out" --today 2025-03-02
C2="$out/candidates-2025-03-02.csv" G2="$out/changes-2025-03-02.csv"
[ "$(field "$C2" BKF-2025-011 staff_decision)" = decline ] && pass || fail "the record back still shows the staff's decline"
contains "$C2" "SINCE_DECLINE_GRANT" "flag says what changed"
[ "$(field "$C2" BKF-2025-011 since_declined)" = "fravalgt 2025-03-01, siden da: EU-tilskud 1500000 EUR (før 1200000)" ] && pass ||
	fail "since_declined: $(field "$C2" BKF-2025-011 since_declined)"
contains "$G2" 'back,BKF-2025-011,Grøn havn og byrum ved Odense Å,,' "the changes tell it is back"
lacks "$G2" "new,BKF-2025-011" "back, not new"
lacks "$G2" "BSF-2025-014" "declined this morning: not told as left"
contains "$out/rejected-2025-03-02.csv" "DECLINED,For dyrt for os,BSF-2025-014" "the new decline holds"
contains "$out/rejected-2025-03-02.csv" "DECLINED,Vent på budget 2026,AHF-2025-009" "until is the last day it holds"
contains "$G2" "watched,SDEO-2025-052,Cirkulær byggeri i Østersøregionen,consider,consider," "a watched record's change"
contains "$G2" ",2025-07-03,2025-08-15,deadline" "with the column and its values"
contains "$M" "BKF-2025-011,2025-03-01,,Ikke vores område,AB,Grøn havn og byrum ved Odense Å,2025-10-01,VandCenter Syd,1200000," \
	"the memory keeps the record as declined, not as tonight"
contains "$M" "BSF-2025-014,2025-03-02," "the new decline remembered"
cp "$M" "$T/memory-2.csv"
cp "$C2" "$T/cand-2.csv"

# A typo in the table: the night stops, nothing changes, the log says
# where.
decisions 'id;decision;until;note;by' 'BKF-2025-011;declien;;Ikke vores område;AB'
expect_status 4 euprio-nightly -i "$in" -o "$out" --today 2025-03-03
contains "$out/log/euprio-2025-03-03.log" "decisions.csv:2:2: unknown decision 'declien' for 'BKF-2025-011'" "typo at file:line:col"
contains "$T/err" "stage rank failed (exit 2); yesterday's output is untouched" "the night is refused"
same "$M" "$T/memory-2.csv" "memory untouched by a refused night"
[ "$(readlink "$out/days/latest")" = 2025-03-02 ] && pass || fail "latest moved on a refused night"

# A night killed before rank has read it all (a stage before it dies)
# leaves the memory as it was; one killed after rank (the workbook dies)
# is not published, and keeps what rank learnt, which stays true: the
# dated decline has expired on the 3rd, the other is as first declined.
mkdir "$T/bin"
for p in "$EUPRIO_BIN"/euprio-*; do [ -x "$p" ] && cp "$p" "$T/bin/"; done
printf '#!/bin/sh\nkill -9 $$\n' >"$T/bin/euprio-goals"
chmod +x "$T/bin/euprio-goals"
decisions 'id;decision;until;note;by' \
	'BKF-2025-011;Decline;;Ikke vores område;AB' \
	'AHF-2025-009;decline;02-03-2025;Vent på budget 2026;AB' \
	'BSF-2025-019;pursue;;Vi går efter den;CD' \
	'SDEO-2025-052;watch;;Hold øje med frist;EF' \
	'BSF-2025-014;decline;;For dyrt for os;CD'
expect_status 4 "$T/bin/euprio-nightly" -i "$in" -o "$out" --today 2025-03-03
same "$M" "$T/memory-2.csv" "memory untouched when a stage before rank dies"
cp "$EUPRIO_BIN/euprio-goals" "$T/bin/"
printf '#!/bin/sh\nkill -9 $$\n' >"$T/bin/euprio-xlsx"
expect_status 4 "$T/bin/euprio-nightly" -i "$in" -o "$out" --today 2025-03-03
[ "$(readlink "$out/days/latest")" = 2025-03-02 ] && pass || fail "latest moved on a killed night"
contains "$M" "BKF-2025-011,2025-03-01," "a killed night keeps the decline's first night"
lacks "$M" "AHF-2025-009" "an expired decline is forgotten"
ls -a "$out" | grep -q '^\.decline-memory' && fail "temporary memory left behind" || pass

# Night 3, two days on (the 3rd was lost): AHF-2025-009's until has
# passed, so it is back, told once, with where the table says so; BKF-2025-011
# stays back and is not told again.
expect_status 1 euprio-nightly -i "$in" -o "$out" --today 2025-03-04
C3="$out/candidates-2025-03-04.csv" G3="$out/changes-2025-03-04.csv" L3="$out/log/euprio-2025-03-04.log"
contains "$C3" "DECLINE_EXPIRED" "expired decline flagged"
[ "$(field "$C3" AHF-2025-009 since_declined)" = "fravalgt til og med 2025-03-02, og den dato er passeret" ] && pass ||
	fail "expired: $(field "$C3" AHF-2025-009 since_declined)"
contains "$G3" "back,AHF-2025-009," "the expired decline is back in the changes"
lacks "$G3" "back,BKF-2025-011" "back is told once"
lacks "$G3" "new,AHF-2025-009" "back, not new"
contains "$L3" "decisions.csv:3: decline 'AHF-2025-009' was until 2025-03-02, which has passed" "expired until told at its row"
lacks "$M" "AHF-2025-009" "an expired decline stays forgotten"
contains "$M" "BKF-2025-011,2025-03-01," "the material-change memory is kept"
[ "$(field "$C3" BKF-2025-011 since_declined)" = "fravalgt 2025-03-01, siden da: EU-tilskud 1500000 EUR (før 1200000)" ] && pass ||
	fail "night 3 compares with the decline, not last night"
[ "$(awk -F, 'NR > 1 && $3 ~ /^[013]$/' "$out/history.csv" | wc -l)" -eq 3 ] && pass || fail "history has three published nights"
[ "$(awk -F, 'NR > 1 && $3 == 4' "$out/history.csv" | wc -l)" -eq 3 ] && pass || fail "history has the three failed runs"

# Without decisions.csv the night is as it always was: no staff columns,
# the memory left alone.
rm "$in/decisions.csv"
cp "$M" "$T/memory-3.csv"
expect_status 1 euprio-nightly -i "$in" -o "$out" --today 2025-03-05
lacks "$out/candidates-2025-03-05.csv" "staff_decision" "no staff columns without a table"
contains "$out/log/euprio-2025-03-05.log" "decisions: (none)" "the log says there is none"
same "$M" "$T/memory-3.csv" "memory untouched without a table"

# Folders with spaces in their names: the table is read and the memory
# written there.
mkdir -p "$T/in put/applications" "$T/in put/listings"
cp "$SAMPLES"/applications-*.xml "$T/in put/applications/"
cp "$SAMPLES"/sdeo-2025-w09.csv "$T/in put/listings/"
printf 'id,decision,note\nBKF-2025-011,decline,Ikke vores\nSPACE-1,watch,\n' >"$T/in put/decisions.csv"
expect_status 1 euprio-nightly -i "$T/in put" -o "$T/out put" --today 2025-03-01
contains "$T/out put/log/euprio-2025-03-01.log" "decisions: $T/in put/decisions.csv" "log names a table under a folder with spaces"
contains "$T/out put/log/euprio-2025-03-01.log" "$T/in put/decisions.csv:3: 'SPACE-1' (watch) matches no record" "rank read it"
contains "$T/out put/rejected-2025-03-01.csv" "DECLINED,Ikke vores,BKF-2025-011" "and applied it"
contains "$T/out put/decline-memory.csv" "BKF-2025-011,2025-03-01," "memory written under a folder with spaces"
ls -a "$T/out put" | grep -q '^\.decline-memory' && fail "temporary memory left behind" || pass

# A planted link in the memory's place is refused, as for the script's
# other names.
ln -s /etc/passwd "$T/night-link"
mkdir "$T/linked" && ln -s "$T/night-link" "$T/linked/decline-memory.csv"
expect_status 4 euprio-nightly -i "$T/in put" -o "$T/linked" --today 2025-03-01
contains "$T/err" "decline-memory.csv: it is a symbolic link" "planted memory link refused"
finish
