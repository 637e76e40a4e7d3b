# euprio-nightly: a run on samples, the next day's changes, the lock, a
# stage killed mid-run, an unwritable output folder, --dry-run.
. "$(dirname "$0")/lib.sh"
command -v flock >/dev/null || { echo "skip: flock not installed"; exit 77; }

mkdir -p "$T/in/applications" "$T/in/listings"
cp "$SAMPLES"/applications-*.xml "$SAMPLES"/cordis-project.xml "$T/in/applications/"
cp "$SAMPLES"/sdeo-2025-w09.csv "$SAMPLES"/sdeo-2025-w10-cp1252.tsv "$T/in/listings/"
out="$T/night"   # not $T/out: expect_status writes stdout there

expect_status 1 euprio-nightly -i "$T/in" -o "$out" --today 2025-03-01
for f in candidates-2025-03-01.csv rejected-2025-03-01.csv changes-2025-03-01.csv candidates-2025-03-01.xlsx log/euprio-2025-03-01.log history.csv; do
	[ -s "$out/$f" ] && pass || fail "missing $f"
done
[ "$(readlink "$out/candidates-latest.csv")" = candidates-2025-03-01.csv ] && pass || fail "latest link"
[ "$(readlink "$out/candidates-latest.xlsx")" = candidates-2025-03-01.xlsx ] && pass || fail "latest workbook link"
contains "$out/log/euprio-2025-03-01.log" "[xlsx] euprio-xlsx:" "log keeps the workbook's summary"
contains "$out/log/euprio-2025-03-01.log" "stage xlsx: exit 0" "workbook stage status logged"
contains "$T/err" "euprio-nightly: 2025-03-01: 9 candidates, 5 rejected" "one-line summary"
contains "$out/log/euprio-2025-03-01.log" "stage rank: exit 1" "log has stage statuses"
contains "$out/log/euprio-2025-03-01.log" "[apps] euprio-apps:" "log keeps stage messages"

# The next day: one application added, one removed, one changed.
rm "$T/in/applications/cordis-project.xml"
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
[ "$(readlink "$out/candidates-latest.csv")" = candidates-2025-03-02.csv ] && pass || fail "latest moved on"
[ "$(wc -l <"$out/history.csv")" -eq 3 ] && pass || fail "history has two runs"

# A second run while one holds the lock is refused.
flock "$out/.euprio.lock" sleep 3 &
sleep 0.5
expect_status 5 euprio-nightly -i "$T/in" -o "$out" --today 2025-03-03
contains "$T/err" "another euprio-nightly run holds the lock" "lock message"
wait
[ ! -e "$out/candidates-2025-03-03.csv" ] && pass || fail "refused run wrote output"

# A stage killed mid-run leaves yesterday's output in place.
mkdir "$T/bin"
for p in "$EUPRIO_BIN"/euprio-*; do [ -x "$p" ] && cp "$p" "$T/bin/"; done
printf '#!/bin/sh\nkill -9 $$\n' >"$T/bin/euprio-goals"
chmod +x "$T/bin/euprio-goals"
cp "$out/candidates-2025-03-02.csv" "$T/before.csv"
expect_status 4 "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-02
contains "$T/err" "stage goals failed; yesterday's output is untouched" "killed stage reported"
same "$out/candidates-2025-03-02.csv" "$T/before.csv" "output untouched after a killed stage"
ls -a "$out" | grep -q '^\.euprio-run' && fail "work folder left behind" || pass

# So does a workbook writer that dies.
cp "$EUPRIO_BIN/euprio-goals" "$T/bin/"
printf '#!/bin/sh\nkill -9 $$\n' >"$T/bin/euprio-xlsx"
cp "$out/candidates-2025-03-02.xlsx" "$T/before.xlsx"
expect_status 4 "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-02
contains "$T/err" "the workbook could not be written; yesterday's output is untouched" "killed workbook reported"
same "$out/candidates-2025-03-02.xlsx" "$T/before.xlsx" "workbook untouched"
same "$out/candidates-2025-03-02.csv" "$T/before.csv" "candidates untouched when the workbook fails"

# SIGTERM to the whole run (what systemd and a shutdown send) mid-stage:
# exit 4, no work folder, the previous outputs as they were.
cp "$EUPRIO_BIN/euprio-xlsx" "$T/bin/"
printf '#!/bin/sh\ncat >/dev/null; sleep 30\n' >"$T/bin/euprio-goals"
# A new session, so the whole process group can be signalled (dash's kill
# cannot name a group).
python3 -c 'import os, sys; os.setsid(); os.execv(sys.argv[1], sys.argv[1:])' "$T/bin/euprio-nightly" -i "$T/in" -o "$out" --today 2025-03-02 >"$T/term.out" 2>"$T/term.err" &
pid=$!
i=0
while [ ! -e "$out/.euprio.lock" ] || ! ls -a "$out" | grep -q '^\.euprio-run'; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
sleep 0.5
python3 -c 'import os, signal, sys; os.killpg(int(sys.argv[1]), signal.SIGTERM)' "$pid"
st=0; wait "$pid" || st=$?
[ "$st" = 4 ] && pass || fail "SIGTERM: exit $st, expected 4"
same "$out/candidates-2025-03-02.csv" "$T/before.csv" "candidates untouched after SIGTERM"
same "$out/candidates-2025-03-02.xlsx" "$T/before.xlsx" "workbook untouched after SIGTERM"
ls -a "$out" | grep -q '^\.euprio-run' && fail "work folder left after SIGTERM" || pass

# An output folder that cannot be written fails cleanly.
expect_status 4 euprio-nightly -i "$T/in" -o /proc/euprio-out --today 2025-03-04
contains "$T/err" "cannot create output folder /proc/euprio-out" "unwritable output"
expect_status 4 euprio-nightly -i "$T/in" -o /proc/self --today 2025-03-04
contains "$T/err" "euprio-nightly: output folder /proc/self is not writable" "existing but unwritable output"

# --dry-run checks and writes nothing; a bad configuration stops everything.
expect_status 0 euprio-nightly -n -i "$T/in" -o "$T/dry"
[ ! -e "$T/dry" ] && pass || fail "dry run wrote something"
contains "$T/err" "dry run: configuration OK; 4 application file(s), 2 listing file(s)" "dry run summary"
mkdir "$T/badcfg" && cp -r "$CONFIG"/* "$T/badcfg/"
printf 'key,value\ndkk_rate,lots\n' >"$T/badcfg/settings.csv"
expect_status 2 euprio-nightly -c "$T/badcfg" -i "$T/in" -o "$T/bad"
contains "$T/err" "settings.csv:2:2: 'lots' is not a number" "config fault with file:line:col"
[ ! -e "$T/bad" ] && pass || fail "bad config wrote output"
finish
