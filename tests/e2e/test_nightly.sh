# euprio-nightly: a run on samples, the next day's changes, a re-run, the
# lock, killed and timed-out stages, signals, nights without listings or
# applications, odd names, unreadable inputs, what every exit status leaves
# on disk, modes, planted links, --today going back, required folders, and
# the options parsed as the C programs parse theirs.  The fault loop, a
# full disk and the long catalogue of names are in test_nightly_faults.sh
# and test_nightly_disk.sh.
# fsync is most of what a run spends its time on here, and these tests need
# no disk: a memory file system when there is one.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; export TMPDIR; fi
. "$(dirname "$0")/lib.sh"
command -v flock >/dev/null || { echo "skip: flock not installed"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not installed"; exit 77; }
command -v setsid >/dev/null && command -v pgrep >/dev/null && [ -x /usr/bin/kill ] ||
	{ echo "skip: setsid, pgrep or /usr/bin/kill missing"; exit 77; }
STATE="python3 $EUPRIO_SRC/tests/e2e/nightly_state.py"

mkdir -p "$T/in/applications" "$T/in/listings"
cp "$SAMPLES"/applications-*.xml "$SAMPLES"/cordis-project.xml "$T/in/applications/"
cp "$SAMPLES"/sdeo-2025-w09.csv "$SAMPLES"/sdeo-2025-w10-cp1252.tsv "$T/in/listings/"
out="$T/night"   # not $T/out: expect_status writes stdout there

# A copy of the programs in which one can be replaced by a fake.
mkdir "$T/bin"
for p in "$EUPRIO_BIN"/euprio-*; do [ -x "$p" ] && cp "$p" "$T/bin/"; done
real() { cp "$EUPRIO_BIN/$1" "$T/bin/$1"; }
fake() { printf '#!/bin/sh\n%s\n' "$2" >"$T/bin/$1"; chmod +x "$T/bin/$1"; }

# consistent OUT LABEL: the published folder agrees with itself.
consistent() {
	if $STATE check "$1" ${3:-} >"$T/newest" 2>"$T/faults"; then pass; else fail "$2: $(cat "$T/faults")"; fi
}
# untouched OUT SNAPSHOT LABEL: a reader sees exactly what they saw before.
untouched() { $STATE state "$1" >"$T/now.state"; same "$T/now.state" "$2" "$3"; }
# rows OUT N LABEL: history.csv has N rows besides its header.
rows() {
	n=$(($(wc -l <"$1/history.csv") - 1))
	[ "$n" -eq "$2" ] && pass || fail "$3: history has $n rows, expected $2"
}
last_row() { tail -n 1 "$1/history.csv"; }
# ids FILE...: the sorted ids of the records in candidates or rejects files.
ids() { python3 -c 'import csv, sys
print("\n".join(sorted(r["id"] for f in sys.argv[1:] for r in csv.DictReader(open(f, encoding="utf-8")))))' "$@"; }
# The processes of a session that still run (a zombie waits for a reaper,
# which a container's first process may never be).
running() { ps -o stat=,pid=,args= -s "$1" | grep -v '^Z' || true; }
no_workdir() {
	if ls -a "$1" | grep -q '^\.euprio-\(run\|gone\)'; then fail "$2: a work folder was left behind"; else pass; fi
}
# modes OUT: outputs name people: every file 0640, every folder 0750.
modes() {
	bad=$(find "$1" \( -type f ! -perm 640 \) -o \( -type d ! -perm 750 \) | head -5)
	[ -z "$bad" ] && pass || fail "$2: wrong modes: $(for f in $bad; do stat -c '%a %n' "$f"; done)"
}

# ---- A first night: everything published at once, 0640 in 0750.
expect_status 1 euprio-nightly -i "$T/in" -o "$out" --today 2025-03-01
for f in candidates-2025-03-01.csv rejected-2025-03-01.csv changes-2025-03-01.csv candidates-2025-03-01.xlsx \
	candidates-latest.csv candidates-latest.xlsx log/euprio-2025-03-01.log history.csv \
	days/2025-03-01/candidates-2025-03-01.csv days/latest/candidates-2025-03-01.xlsx; do
	[ -s "$out/$f" ] && pass || fail "missing $f"
done
consistent "$out" "first night" --tidy
[ "$(cat "$T/newest")" = 2025-03-01 ] && pass || fail "newest day $(cat "$T/newest")"
same "$out/candidates-latest.csv" "$out/candidates-2025-03-01.csv" "latest is the day"
[ "$(readlink "$out/candidates-latest.xlsx")" = days/candidates-latest.xlsx ] && pass || fail "latest workbook link"
modes "$out" "first night"
[ "$(stat -c %a "$out/days/latest/candidates-2025-03-01.xlsx")" = 640 ] && pass || fail "workbook not 0640"
contains "$out/log/euprio-2025-03-01.log" "[xlsx] euprio-xlsx:" "log keeps the workbook's summary"
contains "$out/log/euprio-2025-03-01.log" "stage xlsx: exit 0" "workbook stage status logged"
contains "$out/log/euprio-2025-03-01.log" "stage time limit: 900 s" "log gives the time limit"
contains "$T/err" "euprio-nightly: 2025-03-01: 11 candidates, 5 rejected" "one-line summary"
contains "$out/log/euprio-2025-03-01.log" "stage rank: exit 1" "log has stage statuses"
contains "$out/log/euprio-2025-03-01.log" "[apps] euprio-apps:" "log keeps stage messages"
contains "$out/history.csv" "date,run_at,status,summary,changes,seconds" "history header"
last_row "$out" | grep -q '^2025-03-01,[0-9-]* [0-9:]*,1,"11 candidates, 5 rejected' && pass || fail "history row: $(last_row "$out")"

# ---- The next day: one application added, one removed, one changed.
mv "$T/in/applications/cordis-project.xml" "$T/cordis-project.xml"
sed -e 's/Velfærdsteknologi i hjemmeplejen/Velfærdsteknologi og plejerobotter i hjemmeplejen/' \
	-e 's/afprøvning af sensorer/afprøvning af plejerobotter/' \
	"$SAMPLES/applications-ahf.xml" >"$T/in/applications/applications-ahf.xml"
cat >"$T/in/applications/applications-new.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<portfolio xmlns="urn:odense:portfolio:export:2">
  <application id="NEW-1" status="idea">
    <title xml:lang="da">Robotter i ældreplejen</title>
    <deadline>2025-06-01</deadline>
    <partners><partner role="partner"><name>SDU</name><type>research</type></partner></partners>
  </application>
</portfolio>
X
expect_status 1 euprio-nightly -i "$T/in" -o "$out" --today 2025-03-02
C="$out/changes-2025-03-02.csv"
contains "$C" "new,NEW-1,Robotter i ældreplejen" "added application is new"
contains "$C" "left,101069000," "removed application left"
contains "$C" "score,AHF-2025-009,Velfærdsteknologi og plejerobotter i hjemmeplejen,consider,consider,51.3,54.8" "changed score: plejerobotter makes G9 count beside G3"
lacks "$C" "AHF-2025-003" "unchanged candidates are not listed"
consistent "$out" "second night" --tidy
[ "$(cat "$T/newest")" = 2025-03-02 ] && pass || fail "latest moved on"
same "$out/candidates-latest.csv" "$out/candidates-2025-03-02.csv" "latest is the new day"
same "$out/days/2025-03-01/candidates-2025-03-01.csv" "$out/candidates-2025-03-01.csv" "yesterday kept"
rows "$out" 2 "two runs"

# A re-run of the day replaces it whole, still compares with the day
# before, and leaves no superseded folder behind.
cp "$C" "$T/changes-0302.csv"
expect_status 1 euprio-nightly -i "$T/in" -o "$out" --today 2025-03-02
same "$C" "$T/changes-0302.csv" "a re-run compares with the day before, not with itself"
consistent "$out" "re-run" --tidy
[ "$(ls "$out/.euprio-data" | wc -l)" -eq 3 ] && pass || fail "store holds $(ls "$out/.euprio-data")"
rows "$out" 3 "three runs"
$STATE state "$out" >"$T/y.state"     # "yesterday", for every failure below
cp "$out/history.csv" "$T/y.history"

# ---- 5: another run holds the lock: nothing done, no row.
flock "$out/.euprio.lock" sleep 2 &
sleep 0.5
expect_status 5 euprio-nightly -i "$T/in" -o "$out" --today 2025-03-03
contains "$T/err" "another euprio-nightly run holds the lock" "lock message"
wait
untouched "$out" "$T/y.state" "refused run"
same "$out/history.csv" "$T/y.history" "a refused run writes no row"

# ---- 4: a failed stage.  Nothing published, the rest byte-identical, a log
# and a row that say which stage.
fake euprio-goals 'kill -9 $$'
expect_status 4 "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-03
contains "$T/err" "stage goals failed (exit 137); yesterday's output is untouched" "killed stage reported"
untouched "$out" "$T/y.state" "killed stage"
no_workdir "$out" "killed stage"
rows "$out" 4 "a failed run has its row"
last_row "$out" | grep -q '^2025-03-03,.*,4,"stage goals failed (exit 137)",,' && pass || fail "failed row: $(last_row "$out")"
contains "$out/log/euprio-2025-03-03.log" "failed: stage goals failed (exit 137); exit 4" "failure logged"
[ ! -e "$out/candidates-2025-03-03.csv" ] && [ ! -L "$out/candidates-2025-03-03.csv" ] && pass || fail "a failed day left a name"
real euprio-goals

# So does a workbook writer that dies.
fake euprio-xlsx 'kill -9 $$'
expect_status 4 "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-03
contains "$T/err" "the workbook could not be written: stage xlsx failed (exit 137); yesterday's output is untouched" "killed workbook reported"
untouched "$out" "$T/y.state" "killed workbook writer"
real euprio-xlsx

# ---- 10: a stage past stage_time_limit_seconds is stopped, with its whole
# process group (it ignores SIGTERM and has a child), and fails the night.
cp -r "$CONFIG" "$T/cfg1"
sed -i 's/^stage_time_limit_seconds,900,/stage_time_limit_seconds,1,/' "$T/cfg1/settings.csv"
fake euprio-goals "cat >/dev/null; sleep 60 & echo \$! >'$T/child'; wait"
expect_status 4 "$T/bin/euprio-nightly" -c "$T/cfg1" -i "$T/in" -o "$out" --today 2025-03-03
contains "$T/err" "stage goals exceeded its time limit of 1 s (stage_time_limit_seconds in settings.csv); yesterday's output is untouched" "time limit reported"
contains "$out/log/euprio-2025-03-03.log" "[goals] timeout: sending signal TERM" "the log shows the stage stopped"
ps -o stat= -p "$(cat "$T/child")" | grep -q '^[^Z]' && fail "the stage's child outlived its time limit" || pass
untouched "$out" "$T/y.state" "timed-out stage"
real euprio-goals
# The limit is policy, checked and read by euprio-check-config, whatever
# form the spreadsheet saved settings.csv in.
python3 -c 'import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1], encoding="utf-8")) if r and not r[0].startswith("#")]
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f, delimiter=";", lineterminator="\r\n")
    w.writerow(rows[0]); f.write("# saved by Excel\r\n")
    for r in rows[1:]:
        w.writerow([" 42 " if r[0] == "stage_time_limit_seconds" and i == 1 else c for i, c in enumerate(r)])' \
	"$CONFIG/settings.csv" "$T/cfg1/settings.csv"
expect_status 0 euprio-check-config -c "$T/cfg1" --get stage_time_limit_seconds
[ "$(cat "$T/out")" = 42 ] && pass || fail "--get read '$(cat "$T/out")' from a ;-separated BOM CRLF table"
expect_status 0 euprio-nightly -n -c "$T/cfg1" -i "$T/in" -o "$out"
contains "$T/err" "stage time limit 42 s" "the dry run reads the limit"
for bad in "1.5:'1.5' is not a whole number of seconds" "0:0 is out of range" "soon:'soon' is not a number"; do
	sed "s/^stage_time_limit_seconds,900,/stage_time_limit_seconds,${bad%%:*},/" "$CONFIG/settings.csv" >"$T/cfg1/settings.csv"
	expect_status 2 euprio-check-config -c "$T/cfg1"
	line=$(grep -n '^stage_time_limit_seconds,' "$T/cfg1/settings.csv" | cut -d: -f1)
	contains "$T/err" "settings.csv:$line:2: ${bad#*:}" "bad time limit ${bad%%:*}"
done
grep -v '^stage_time_limit_seconds' "$CONFIG/settings.csv" >"$T/cfg1/settings.csv"
expect_status 2 euprio-check-config -c "$T/cfg1"
contains "$T/err" "missing setting 'stage_time_limit_seconds'" "the limit is required"
cp "$CONFIG/settings.csv" "$T/cfg1/settings.csv"
expect_status 2 euprio-check-config -c "$T/cfg1" --get no_such_key
contains "$T/err" "missing setting 'no_such_key'" "--get of a missing key"
[ ! -s "$T/out" ] && pass || fail "--get printed something for a missing key"

# ---- 4: SIGTERM to the whole run (what a shutdown sends) and to the shell
# alone, while a stage runs: 4, the truth, a row, the stages gone.
fake euprio-goals "cat >/dev/null; exec sleep 30"
for target in group shell; do
	# A session of its own, so that its process group can be signalled.
	setsid "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-03 >"$T/term.out" 2>"$T/term.err" &
	pid=$!
	i=0
	until pgrep -s "$pid" -x sleep >/dev/null; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
	if [ "$target" = group ]; then /usr/bin/kill -s TERM -- "-$pid"; else kill -TERM "$pid"; fi
	st=0; wait "$pid" || st=$?
	[ "$st" = 4 ] && pass || fail "SIGTERM to the $target: exit $st, expected 4"
	contains "$T/term.err" "stopped by SIGTERM while the stages ran; nothing published; yesterday's output is untouched" "SIGTERM to the $target: message"
	untouched "$out" "$T/y.state" "SIGTERM to the $target"
	no_workdir "$out" "SIGTERM to the $target"
	last_row "$out" | grep -q '^2025-03-03,.*,4,"stopped by SIGTERM while the stages ran; nothing published",,' && pass ||
		fail "SIGTERM row: $(last_row "$out")"
	sleep 0.2
	[ -z "$(running "$pid")" ] && pass || fail "SIGTERM to the $target: processes left: $(running "$pid")"
done

# ---- 4, 5: SIGKILL to the shell: the next run removes its work folder,
# writes the row it could not, and runs.
setsid "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-03 >/dev/null 2>&1 &
pid=$!
i=0
until pgrep -s "$pid" -x sleep >/dev/null; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
ls -a "$out" | grep -q '^\.euprio-run' && pass || fail "SIGKILL left no work folder to find"
untouched "$out" "$T/y.state" "SIGKILL to the shell"
# Its stage still holds the lock: a run now is refused, and the stage ends.
expect_status 5 "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-03
kill "$(pgrep -s "$pid" -x sleep)"
flock "$out/.euprio.lock" true
real euprio-goals
rows "$out" 8 "before the run after SIGKILL"
expect_status 1 "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-03
no_workdir "$out" "run after SIGKILL"
rows "$out" 10 "the killed run's row, and the run's own"
tail -n 2 "$out/history.csv" | head -n 1 | grep -q '^2025-03-03,.*,4,"killed before publishing; nothing published (row written by the next run)",,$' &&
	pass || fail "recovered row: $(tail -n 2 "$out/history.csv")"
contains "$out/log/euprio-2025-03-03.log" "killed before publishing (SIGKILL, a crash or a power cut); nothing published; found by the run of" "the killed run's log"
contains "$out/log/euprio-2025-03-03.log" "found the work folder of run" "the run says what it found"
consistent "$out" "after recovery" --tidy
$STATE state "$out" >"$T/y.state"
cp "$out/history.csv" "$T/y.history"

# ---- A run that ended, killed while its work folder was being removed
# (CI's fault loop caught one: rm had taken row.published, and the next run
# wrote a second row saying nothing was published).  The folder is renamed
# before it is removed: what is left is only removed, and no row is added.
gone="$out/.euprio-gone.2025-03-03.20250303T010203-4242"
mkdir -p "$gone/day" && echo partial >"$gone/log"
n0=$(wc -l <"$out/history.csv")
expect_status 1 euprio-nightly -i "$T/in" -o "$out" --today 2025-03-03
[ ! -e "$gone" ] && pass || fail "a .euprio-gone folder outlived the next run"
[ "$(wc -l <"$out/history.csv")" = $((n0 + 1)) ] && pass || fail "rows after a .euprio-gone folder: $(tail -n 3 "$out/history.csv")"
last_row "$out" | grep -q '^2025-03-03,.*,1,' && pass || fail "the run's own row: $(last_row "$out")"
no_workdir "$out" "run after a .euprio-gone folder"
consistent "$out" "after a .euprio-gone folder" --tidy
$STATE state "$out" >"$T/y.state"
cp "$out/history.csv" "$T/y.history"

# ---- 8: --today before the newest published day is refused unless forced;
# forced, it publishes that day, and latest stays at the newest.
expect_status 2 euprio-nightly -i "$T/in" -o "$out" --today 2025-02-20
contains "$T/err" "--today 2025-02-20 is before 2025-03-03, the newest day already published (history.csv); nothing was run (--force runs it anyway)" "earlier date refused"
untouched "$out" "$T/y.state" "refused date"
last_row "$out" | grep -q '^2025-02-20,.*,2,' && pass || fail "refused date row: $(last_row "$out")"
expect_status 1 euprio-nightly -f -i "$T/in" -o "$out" --today 2025-03-01
consistent "$out" "forced earlier day" --tidy
[ "$(cat "$T/newest")" = 2025-03-03 ] && pass || fail "latest moved back to $(cat "$T/newest")"
[ "$(grep -c 'published days/2025-03-01$' "$out/log/euprio-2025-03-01.log")" -eq 2 ] && pass || fail "forced day not published"
contains "$out/log/euprio-2025-03-01.log" "--force: 2025-03-01 is before 2025-03-03; latest stays at the newest day" "forced run logged"
tail -n 8 "$out/log/euprio-2025-03-01.log" | grep -q "changes against: nothing (the first night)" && pass || fail "no earlier day: compared as the first night"
$STATE state "$out" >"$T/y.state"

# ---- 1: nights without listings, without applications, without either.
# euprio-sdeo must not be called at all without listings.
fake euprio-sdeo 'echo "euprio-sdeo called with $# arguments" >&2; exit 2'
mkdir -p "$T/nolist/applications" "$T/nolist/listings" "$T/noapps/listings" "$T/nothing"
cp "$SAMPLES/applications-ahf.xml" "$T/nolist/applications/"
for case in "nolist:listings folder empty" "noapps:no applications folder" "nothing:no folders at all"; do
	dir=${case%%:*}
	expect_status 0 "$T/bin/euprio-nightly" -i "$T/$dir" -o "$T/o-$dir" --today 2025-03-01
	consistent "$T/o-$dir" "$case" --tidy
	lacks "$T/o-$dir/log/euprio-2025-03-01.log" "euprio-sdeo called" "$case: sdeo not called"
	contains "$T/o-$dir/log/euprio-2025-03-01.log" "listings: none; the applications pass through" "$case logged"
	rows "$T/o-$dir" 1 "$case"
done
contains "$T/o-nolist/candidates-latest.csv" "AHF-2025-003" "applications pass through without listings"
rmdir "$T/nolist/listings"
expect_status 0 "$T/bin/euprio-nightly" -i "$T/nolist" -o "$T/o-nolist2" --today 2025-03-01
same "$T/o-nolist2/candidates-latest.csv" "$T/o-nolist/candidates-latest.csv" "no listings folder"
real euprio-sdeo
cp "$SAMPLES/sdeo-2025-w09.csv" "$T/noapps/listings/"
expect_status 1 euprio-nightly -i "$T/noapps" -o "$T/o-noapps" --today 2025-03-02
contains "$T/o-noapps/log/euprio-2025-03-02.log" "applications: none" "listings alone"

# ---- 2, 3: odd names are read once each; what cannot be read gives 3 with
# the rest published, a log that names it, and a row.
mkdir -p "$T/odd/applications" "$T/odd/listings"
cp "$SAMPLES/applications-ahf.xml" "$T/odd/applications/AHF eksport marts.xml"
cp "$SAMPLES/applications-bsf.xml" "$T/odd/applications/*.xml"
cp "$SAMPLES/cordis-project.xml" "$T/odd/applications/-n.xml"
cp "$SAMPLES/applications-bkf-v1.xml" "$T/odd/applications/it's \"q\".xml"
cp "$SAMPLES/sdeo-2025-w09.csv" "$T/odd/listings/-uge 9.csv"
mkdir -p "$T/plain/applications" "$T/plain/listings"
cp "$SAMPLES"/applications-*.xml "$SAMPLES"/cordis-project.xml "$T/plain/applications/"
cp "$SAMPLES"/sdeo-2025-w09.csv "$T/plain/listings/"
expect_status 1 euprio-nightly -i "$T/plain" -o "$T/o-plain" --today 2025-03-01
expect_status 1 euprio-nightly -i "$T/odd" -o "$T/o-odd" --today 2025-03-01
ids "$T/o-plain/candidates-2025-03-01.csv" "$T/o-plain/rejected-2025-03-01.csv" >"$T/ids.plain"
ids "$T/o-odd/candidates-2025-03-01.csv" "$T/o-odd/rejected-2025-03-01.csv" >"$T/ids.odd"
same "$T/ids.odd" "$T/ids.plain" "odd names: every record once, as under plain names"
[ "$(grep -c '^application: ' "$T/o-odd/log/euprio-2025-03-01.log")" -eq 4 ] && pass || fail "odd names: not four applications"
ln -s "$T/nowhere.xml" "$T/odd/applications/broken.xml"
mkfifo "$T/odd/applications/fifo.xml"
mkdir "$T/odd/applications/folder.xml"
expect_status 3 euprio-nightly -i "$T/odd" -o "$T/o-odd" --today 2025-03-02
contains "$T/err" "exit 3" "status 3 summary"
consistent "$T/o-odd" "unreadable inputs" --tidy
ids "$T/o-odd/candidates-2025-03-02.csv" "$T/o-odd/rejected-2025-03-02.csv" >"$T/ids.odd2"
same "$T/ids.odd2" "$T/ids.plain" "the rest published"
contains "$T/o-odd/log/euprio-2025-03-02.log" "broken.xml: a broken link; the night goes on without it" "broken link logged"
contains "$T/o-odd/log/euprio-2025-03-02.log" "fifo.xml: not a regular file" "fifo logged"
contains "$T/o-odd/log/euprio-2025-03-02.log" "folder.xml: not a regular file" "folder logged"
last_row "$T/o-odd" | grep -q '^2025-03-02,.*,3,".*; 3 input(s) could not be read",0,' && pass || fail "row for 3: $(last_row "$T/o-odd")"
if [ "$(id -u)" != 0 ]; then
	cp "$SAMPLES/applications-ahf.xml" "$T/odd/applications/secret.xml"; chmod 000 "$T/odd/applications/secret.xml"
	expect_status 3 euprio-nightly -i "$T/odd" -o "$T/o-odd" --today 2025-03-02
	contains "$T/o-odd/log/euprio-2025-03-02.log" "secret.xml: not readable" "unreadable file logged"
fi
rm -rf "$T/odd/listings"; printf 'not a folder\n' >"$T/odd/listings"
expect_status 3 euprio-nightly -i "$T/odd" -o "$T/o-odd" --today 2025-03-02
contains "$T/o-odd/log/euprio-2025-03-02.log" "cannot read the listing folder" "a listings 'folder' that is a file"
modes "$T/o-odd" "after status 3"

# ---- #21: the portal's calls in IN/calls (any name, any form euprio-calls
# reads) join the stream after the listings; IN/cordis (CORDIS participant
# files) names the calls' Funen partners.  Every record once; the calls on
# their own sheet; new calls and a call's deadline come near in the changes.
mkdir -p "$T/wc/applications" "$T/wc/listings" "$T/wc/calls" "$T/wc/cordis"
cp "$SAMPLES"/applications-*.xml "$T/wc/applications/"
cp "$SAMPLES/sdeo-2025-w09.csv" "$T/wc/listings/"
cp "$SAMPLES/ft-topics.json" "$T/wc/calls/portal snapshot 2026.json"
printf '%s\n' 'identifier,title,action_type,start_date,deadline,budget_max,description' \
	'HORIZON-CL4-2026-TWIN-01-07,Collaborative robots for manufacturing SMEs,HORIZON-IA,2026-01-10T00:00:00,2026-09-15T17:00:00,4000000,Cobots and robots in small factories: research and pilots.' \
	>"$T/wc/calls/-uge 9 eksport.csv"
H='"projectID";"projectAcronym";"organisationID";"vatNumber";"name";"shortName";"SME";"activityType";"street";"postCode";"city";"country";"nutsCode";"geolocation";"organizationURL";"contactForm";"contentUpdateDate";"rcn";"order";"role";"ecContribution";"netEcContribution";"totalCost";"endOfParticipation";"active"'
row() { printf '"%s";"%s";"";"%s";"%s";"";"false";"%s";"";"%s";"%s";"%s";"";"";"";"";"";"";"1";"%s";"1000";"1000";"0";"false";""\n' "$@"; }
{ echo "$H"
  row 101000001 ROBOFAB DK29283958 "SYDDANSK UNIVERSITET" HES 5230 "Odense M" DK coordinator
  row 101000001 ROBOFAB "" "Tampere University" HES 33100 Tampere FI participant
  row 101000002 HOMECARE DK29283958 "SYDDANSK UNIVERSITET" HES 5230 "Odense M" DK participant
  row 101000002 HOMECARE "" "ODENSE KOMMUNE" PUB 5000 "Odense C" DK participant
  row 101000002 HOMECARE "" "Blue Ocean Robotics ApS" PRC 5230 "Odense M" DK participant
} >"$T/wc/cordis/organization fyn.csv"
expect_status 1 euprio-nightly -i "$T/wc" -o "$T/o-wc" --today 2026-03-01
consistent "$T/o-wc" "a night with calls" --tidy
W="$T/o-wc/days/2026-03-01"
L="$T/o-wc/log/euprio-2026-03-01.log"
for c in HORIZON-CL4-2026-TWIN-01-07 HORIZON-CL5-2027-02-D4-07 LIFE-2027-CET-ENERPOV ERASMUS-EDU-2027-PI-ALL-INNO; do
	grep -q "^[0-9]*,explore,.*,$c,[^,]*$" "$W/candidates-2026-03-01.csv" && pass || fail "call $c not explored"
done
contains "$L" "call: $T/wc/calls/-uge 9 eksport.csv" "the call files logged, odd names whole"
contains "$L" "CORDIS: $T/wc/cordis/organization fyn.csv" "the CORDIS file logged"
contains "$L" "stage calls: exit 0" "calls stage status logged"
contains "$L" "stage cordis: exit" "CORDIS stage status logged"
contains "$L" "2 CORDIS projects, 2 Funen organisations" "rank read the CORDIS projects"
contains "$W/candidates-2026-03-01.csv" "mulige lokale partnere: Universal Robots (collaborative robot" "a call's suggested partners"
contains "$W/candidates-2026-03-01.csv" "fynske deltagere i Horizon Europe-projekter: Syddansk Universitet (2), Blue Ocean Robotics (1)" "Funen participants of CORDIS projects, the municipality left out"
# Conservation: applications + listings + calls in, candidates + rejects out.
apps_in=$(euprio-apps "$T"/wc/applications/*.xml 2>/dev/null | mlr --icsv --ojson count | grep -o '[0-9]*')
list_in=$(euprio-sdeo "$T/wc/listings/sdeo-2025-w09.csv" 2>/dev/null | mlr --icsv --ojson count | grep -o '[0-9]*')
out_n=$(ids "$W/candidates-2026-03-01.csv" "$W/rejected-2026-03-01.csv" | wc -l)
[ "$out_n" -eq $((apps_in + list_in + 4 - 1)) ] && pass || fail "with calls: $apps_in + $list_in + 4 calls - 1 joined in, $out_n out"
# Four from the portal and SDEO-2025-060, a listing of type Call.
[ "$(grep -c '^new_call,' "$W/changes-2026-03-01.csv")" = 5 ] && pass || fail "the first night: five new calls"
if python3 "$EUPRIO_SRC/tests/e2e/check_xlsx.py" "$W/candidates-2026-03-01.xlsx" "$CONFIG" "$W/candidates-2026-03-01.csv" \
	--rejects "$W/rejected-2026-03-01.csv" --changes "$W/changes-2026-03-01.csv" 2>"$T/check.err"; then pass; else
	fail "the night's workbook with its calls sheet: $(head -c 1000 "$T/check.err")"; fi
expect_status 0 euprio-nightly -n -i "$T/wc" -o "$T/o-wc"
contains "$T/err" "3 application file(s), 1 listing file(s), 2 call file(s), 1 CORDIS file(s)" "the dry run counts calls and CORDIS"
# The next night, three weeks before the CSV call's deadline, with a call
# more and a call file that cannot be read.
sed 's/LIFE-2027-CET-ENERPOV/LIFE-2027-CET-ENERPOV-02/' "$SAMPLES/ft-topics.json" >"$T/wc/calls/more.json"
mkdir "$T/wc/calls/folder.json"
expect_status 3 euprio-nightly -i "$T/wc" -o "$T/o-wc" --today 2026-08-25
C2="$T/o-wc/changes-2026-08-25.csv"
contains "$C2" "call_deadline_soon,HORIZON-CL4-2026-TWIN-01-07,Collaborative robots for manufacturing SMEs,explore,explore," "a call's deadline come near"
contains "$C2" "new_call,LIFE-2027-CET-ENERPOV-02," "a new call"
contains "$T/o-wc/log/euprio-2026-08-25.log" "folder.json: not a regular file; the night goes on without it" "an unreadable call file"
contains "$T/o-wc/rejected-2026-08-25.csv" "DUPLICATE" "the other topics of more.json are repeats"
consistent "$T/o-wc" "the second night with calls" --tidy
rm -rf "$T/wc/calls/folder.json"

# ---- 2: a configuration fault: 2, nothing published, the faults on stderr,
# a log and a row (the run held the lock).
mkdir "$T/badcfg" && cp -r "$CONFIG"/* "$T/badcfg/"
sed 's/^dkk_rate,7.46,/dkk_rate,lots,/' "$CONFIG/settings.csv" >"$T/badcfg/settings.csv"
expect_status 2 euprio-nightly -c "$T/badcfg" -i "$T/in" -o "$out"  --today 2025-03-03
contains "$T/err" "settings.csv:3:2: 'lots' is not a number" "config fault with file:line:col"
contains "$T/err" "the configuration has faults; nothing was run" "config fault message"
untouched "$out" "$T/y.state" "config fault"
last_row "$out" | grep -q '^2025-03-03,.*,2,"the configuration has faults; nothing was run",,' && pass || fail "config row: $(last_row "$out")"
contains "$out/log/euprio-2025-03-03.log" "[check-config] euprio-check-config: " "config faults logged"

# An output folder that cannot be written fails cleanly.
expect_status 4 euprio-nightly -i "$T/in" -o /proc/euprio-out --today 2025-03-04
contains "$T/err" "cannot create output folder /proc/euprio-out" "unwritable output"
expect_status 4 euprio-nightly -i "$T/in" -o /proc/self --today 2025-03-04
contains "$T/err" "euprio-nightly: output folder /proc/self is not writable" "existing but unwritable output"

# --dry-run checks and writes nothing.
expect_status 0 euprio-nightly -n -i "$T/in" -o "$T/dry"
[ ! -e "$T/dry" ] && pass || fail "dry run wrote something"
contains "$T/err" "dry run: configuration OK; 4 application file(s), 2 listing file(s)" "dry run summary"

# ---- 7: planted links in the output folder are refused (4, nothing run)
# and the files they lead to are never written.
printf 'precious\n' >"$T/victim"
for name in .euprio.lock history.csv log/euprio-2025-03-03.log; do
	cp -a "$out" "$T/trap"
	rm -f "$T/trap/$name"; ln -s "$T/victim" "$T/trap/$name"
	expect_status 4 euprio-nightly -i "$T/in" -o "$T/trap" --today 2025-03-03
	contains "$T/err" "it is a symbolic link, which euprio-nightly never makes there" "planted $name refused"
	[ "$(cat "$T/victim")" = precious ] && pass || fail "planted $name: the file it leads to was written"
	rm -rf "$T/trap"
done

# ---- 9: the folders are required: from / with nothing set, a usage error
# and nothing created anywhere.
ls -a / >"$T/root.before"
st=0; (cd / && env -u EUPRIO_INPUT -u EUPRIO_OUTPUT "$EUPRIO_BIN/euprio-nightly" >"$T/out" 2>"$T/err") || st=$?
[ "$st" = 2 ] && pass || fail "no folders: exit $st"
contains "$T/err" "euprio-nightly: the input folder is required: -i DIR, or EUPRIO_INPUT" "no input folder"
contains "$T/err" "Try 'euprio-nightly --help' for more information." "hint"
st=0; (cd / && env -u EUPRIO_OUTPUT "$EUPRIO_BIN/euprio-nightly" -i "$T/in" >"$T/out" 2>"$T/err") || st=$?
[ "$st" = 2 ] && pass || fail "no output folder: exit $st"
contains "$T/err" "the output folder is required" "no output folder"
expect_status 2 env EUPRIO_INPUT="$T/in" EUPRIO_OUTPUT=/ euprio-nightly
contains "$T/err" "the output folder must not be /" "output / refused"
expect_status 2 euprio-nightly -i / -o "$T/o-root"
contains "$T/err" "the input folder must not be /" "input / refused"
ls -a / >"$T/root.after"
same "$T/root.after" "$T/root.before" "nothing created in /"
[ ! -e "$T/o-root" ] && pass || fail "a refused run created its output folder"
# The environment gives the folders too.
expect_status 1 env EUPRIO_INPUT="$T/in" EUPRIO_OUTPUT="$T/o-env" euprio-nightly --today 2025-03-01
consistent "$T/o-env" "folders from the environment" --tidy

# ---- 3, 6: the sample units agree with the statuses and modes above.
U="$EUPRIO_SRC/samples/cron/euprio-nightly.service"
grep -qx 'SuccessExitStatus=1' "$U" && pass || fail "the sample unit's SuccessExitStatus is not 1 alone"
grep -qx 'UMask=0027' "$U" && pass || fail "the sample unit has no UMask=0027"
grep -qF 'the sample service counts 0 and 1 as success' "$EUPRIO_SRC/man/euprio-nightly.1" && pass || fail "the man page does not say what the unit counts as success"
grep -q '^15 2 \* \* \* euprio-nightly -i /srv/euprio/in -o /srv/euprio/out$' "$EUPRIO_SRC/samples/cron/crontab" && pass || fail "the sample crontab line"

# ---- #23: options as getopt_long reads them.
version=$(sed -n 's/^project(euprio VERSION \([0-9.]*\).*/\1/p' "$EUPRIO_SRC/CMakeLists.txt")
expect_status 0 euprio-nightly --version
[ "$(cat "$T/out")" = "euprio-nightly (euprio) $version" ] && pass || fail "--version: '$(cat "$T/out")'"
expect_status 0 euprio-nightly -nV
[ "$(cat "$T/out")" = "euprio-nightly (euprio) $version" ] && pass || fail "-nV: '$(cat "$T/out")'"
expect_status 0 euprio-nightly --he
contains "$T/out" "usage: euprio-nightly" "an unambiguous prefix of --help"
for bad in "--bogus:unrecognized option '--bogus'" "-x:invalid option -- 'x'" "-ni:option requires an argument -- 'i'" \
	"--output:option '--output' requires an argument" "--help=yes:option '--help' doesn't allow an argument" \
	"stray:unexpected argument 'stray'" "--lang=de:--lang must be da or en, not 'de'" \
	"--today=2025-02-30:--today 2025-02-30 is not a date" "-t1.3.2025:--today wants YYYY-MM-DD, not '1.3.2025'"; do
	expect_status 2 euprio-nightly -i "$T/in" -o "$T/o-opt" ${bad%%:*}
	[ "$(head -n 1 "$T/err")" = "euprio-nightly: ${bad#*:}" ] && pass || fail "${bad%%:*}: $(head -n 1 "$T/err")"
	[ "$(sed -n 3p "$T/err")" = "Try 'euprio-nightly --help' for more information." ] && pass || fail "${bad%%:*}: no hint"
	[ "$(wc -l <"$T/err")" -eq 3 ] && pass || fail "${bad%%:*}: $(wc -l <"$T/err") lines, not error, usage and hint"
done
[ ! -e "$T/o-opt" ] && pass || fail "a usage error created the output folder"
# --opt=value, attached short values, combined flags, and -- before a
# folder whose name starts with '-'.
mkdir -p "$T/-in" && cp -r "$T/in/applications" "$T/in/listings" "$T/-in/"
st=0; (cd "$T" && euprio-nightly --input=-in -o-out --lang=en -ft 2025-03-01 -- >"$T/out" 2>"$T/err") || st=$?
[ "$st" = 1 ] && pass || fail "--opt=value and clusters: exit $st: $(cat "$T/err")"
consistent "$T/-out" "folders named -in and -out" --tidy
st=0; (cd "$T" && euprio-nightly -i -in -o -out -t 2025-03-02 >"$T/out" 2>"$T/err") || st=$?
[ "$st" = 1 ] && pass || fail "-i -in: exit $st: $(cat "$T/err")"
expect_status 2 euprio-nightly -i "$T/in" -o "$T/o-opt" -- -n
contains "$T/err" "unexpected argument '-n'" "after --, -n is not an option"
finish
