# euprio-nightly under faults (#22): SIGTERM and SIGKILL at random moments,
# to the whole process group, the shell alone, one stage, or every process
# of the run; each trial must leave either yesterday exactly as a reader saw
# it or today complete and consistent, the history with its rows, and a next
# run that tidies up.  Then a catalogue of odd file and folder names, links
# planted in the output folder, and the modes of everything written.
#
# EUPRIO_FAULT_TRIALS (default 30) sets the number of trials, EUPRIO_FAULT_SEED
# the random seed (default: the time, printed so a failure can be replayed).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; export TMPDIR; fi
. "$(dirname "$0")/lib.sh"
for c in flock python3 setsid pgrep; do
	command -v "$c" >/dev/null || { echo "skip: $c not installed"; exit 77; }
done
[ -x /usr/bin/kill ] || { echo "skip: /usr/bin/kill (procps) not installed"; exit 77; }
STATE="python3 $EUPRIO_SRC/tests/e2e/nightly_state.py"
trials=${EUPRIO_FAULT_TRIALS:-30}
seed=${EUPRIO_FAULT_SEED:-$(date +%s)}
echo "fault trials: $trials, seed $seed"

mkdir -p "$T/in/applications" "$T/in/listings" "$T/in/calls" "$T/in/cordis"
cp "$SAMPLES"/applications-*.xml "$SAMPLES"/cordis-project.xml "$T/in/applications/"
cp "$SAMPLES"/sdeo-2025-w09.csv "$SAMPLES"/sdeo-2025-w10-cp1252.tsv "$T/in/listings/"
# The calls and CORDIS stages run first: a signal may land in them too.
cp "$SAMPLES/ft-topics.json" "$T/in/calls/"
cp "$SAMPLES/sdeo-2025-w09.csv" "$T/in/cordis/projects.csv"

running() { ps -o stat=,pid=,args= -s "$1" | grep -v '^Z' || true; }
modes() {
	bad=$(find "$1" \( -type f ! -perm 640 \) -o \( -type d ! -perm 750 \) -print | head -5)
	[ -z "$bad" ] && pass || fail "$2: wrong modes: $bad"
}
nrows() { echo $(($(wc -l <"$1/history.csv") - 1)); }
# A number in [0, 1) from the seed and a counter, the same on every run of
# the same seed.
rnd() { awk -v s="$seed" -v i="$1" 'BEGIN { srand((s % 1000003) * 131 + i * 7919); rand(); rand(); print rand() }'; }
now_ms() { date +%s%3N; }

# Yesterday, and today as a run that nobody disturbs publishes it.
euprio-nightly -i "$T/in" -o "$T/Y" --today 2025-03-01 2>/dev/null || [ $? = 1 ] || fail "yesterday's run"
$STATE state "$T/Y" >"$T/Y.state"
cp -a "$T/Y" "$T/R"
t0=$(now_ms)
euprio-nightly -i "$T/in" -o "$T/R" --today 2025-03-02 2>/dev/null || [ $? = 1 ] || fail "today's run"
span=$(($(now_ms) - t0))
$STATE state "$T/R" >"$T/R.state"
cmp -s "$T/Y.state" "$T/R.state" && fail "yesterday and today look the same: the trials could tell nothing apart"
yrows=$(nrows "$T/Y")
ybytes=$(wc -c <"$T/Y/history.csv")
echo "an undisturbed run takes $span ms"

t0=$(now_ms)
allmodes="term-group kill-group term-shell kill-shell term-stage kill-stage kill-session"
summary=
i=0
while [ "$i" -lt "$trials" ]; do
	i=$((i + 1))
	mode=$(echo $allmodes | cut -d' ' -f$(( (i - 1) % 7 + 1 )))
	# Anywhere from the start to a little past the end of an undisturbed run;
	# every other trial in its second half, where it writes and publishes.
	delay=$(awk -v r="$(rnd "$i")" -v s="$span" -v i="$i" 'BEGIN { lo = i % 2 ? 0 : 0.5; hi = i % 2 ? 1.1 : 1.0; printf "%.3f", (lo + r * (hi - lo)) * s / 1000 }')
	W="$T/w$i"
	cp -a "$T/Y" "$W"
	setsid euprio-nightly -i "$T/in" -o "$W" --today 2025-03-02 >"$T/run.out" 2>"$T/run.err" &
	pid=$!
	sleep "$delay"
	target=
	case $mode in
	# A run may have ended before its signal: a kill that finds nothing is no fault.
	term-group) /usr/bin/kill -s TERM -- "-$pid" 2>/dev/null || true ;;
	kill-group) /usr/bin/kill -s KILL -- "-$pid" 2>/dev/null || true ;;
	term-shell) kill -TERM "$pid" 2>/dev/null || true ;;
	kill-shell) kill -KILL "$pid" 2>/dev/null || true ;;
	term-stage | kill-stage)
		stages=$(ps -o pid=,comm= -s "$pid" 2>/dev/null | awk '$2 ~ /^euprio-(apps|sdeo|local|goals|rank|changes|xlsx)$/ { print $1 }')
		n=$(echo $stages | wc -w)
		if [ "$n" -gt 0 ]; then
			k=$(awk -v r="$(rnd "$((i + 100000))")" -v n="$n" 'BEGIN { print int(r * n) + 1 }')
			target=$(echo $stages | cut -d' ' -f"$k")
			case $mode in term-*) kill -TERM "$target" ;; *) kill -KILL "$target" ;; esac 2>/dev/null || true
		fi ;;
	kill-session) for p in $(ps -o pid= -s "$pid" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done ;;
	esac
	st=0; wait "$pid" || st=$?
	cp "$T/run.err" "$T/run.err.kill"
	# Stages of a run whose shell was killed hold the lock until they end.
	if [ -e "$W/.euprio.lock" ]; then
		timeout 60 flock "$W/.euprio.lock" true || fail "trial $i: the lock is still held after 60 s"
	fi
	left=no; ls -a "$W" | grep -q '^\.euprio-run\.' && left=yes
	killrows=$(($(nrows "$W") - yrows))
	label="trial $i ($mode after ${delay}s, exit $st)"

	$STATE state "$W" --check >"$T/W.state" 2>"$T/faults" && pass || fail "$label: inconsistent: $(cat "$T/faults")"
	if cmp -s "$T/W.state" "$T/Y.state"; then outcome=yesterday
	elif cmp -s "$T/W.state" "$T/R.state"; then outcome=today
	else
		outcome=neither
		fail "$label: neither yesterday nor today: $(diff "$T/Y.state" "$T/W.state" | head -20)"
	fi
	head -c "$ybytes" "$W/history.csv" | cmp -s - "$T/Y/history.csv" && pass || fail "$label: yesterday's history changed"
	# What the run said is what it left.
	case $st in
	1) [ "$outcome" = today ] && pass || fail "$label: exit 1 but not published"
	   [ "$killrows" = 1 ] && pass || fail "$label: published with $killrows new rows"
	   tail -n 1 "$W/history.csv" | grep -q '^2025-03-02,.*,1,' && pass || fail "$label: row $(tail -n 1 "$W/history.csv")" ;;
	4) [ "$outcome" = yesterday ] && pass || fail "$label: exit 4 but $outcome"
	   grep -q "yesterday's output is untouched" "$T/run.err" && pass || fail "$label: exit 4 said $(cat "$T/run.err")"
	   [ "$left" = no ] && pass || fail "$label: exit 4 left its work folder"
	   if grep -q "before the run started\|before it started" "$T/run.err"; then
		[ "$killrows" = 0 ] && pass || fail "$label: stopped before it started, yet $killrows rows"
	   else
		[ "$killrows" = 1 ] && tail -n 1 "$W/history.csv" | grep -q '^2025-03-02,.*,4,"' && pass ||
			fail "$label: failed run's rows: $killrows, $(tail -n 1 "$W/history.csv")"
	   fi ;;
	137 | 143) [ "$killrows" -le 1 ] && pass || fail "$label: $killrows rows from a killed run" ;;
	*) fail "$label: unexpected status; stderr: $(cat "$T/run.err")" ;;
	esac
	[ "$outcome" = today ] && [ "$st" != 1 ] && [ "$killrows" = 0 ] && [ "$left" = no ] &&
		fail "$label: published, killed, and left nothing for the next run to write its row from"

	# The next night's run: writes what the killed run could not, tidies up,
	# and publishes today.
	st2=0; euprio-nightly -i "$T/in" -o "$W" --today 2025-03-02 >"$T/run.out" 2>"$T/run.err" || st2=$?
	[ "$st2" = 1 ] && pass || fail "$label: the next run exited $st2: $(cat "$T/run.err")"
	$STATE state "$W" --check --tidy >"$T/W.state" 2>"$T/faults" && pass || fail "$label: not tidy after the next run: $(cat "$T/faults")"
	same "$T/W.state" "$T/R.state" "$label: the next run's day"
	ls -a "$W" | grep -q '^\.euprio-\(run\|gone\)\.' && fail "$label: a work folder outlived the next run" || pass
	newrows=$(($(nrows "$W") - yrows))
	if [ "$left" = yes ] || [ "$killrows" = 1 ]; then want=2; else want=1; fi
	[ "$newrows" = "$want" ] && pass || fail "$label: $newrows new rows after the next run, expected $want: $(tail -n 3 "$W/history.csv")"
	if [ "$want" = 2 ]; then
		krow=$(tail -n 2 "$W/history.csv" | head -n 1)
		case $outcome in
		today) echo "$krow" | grep -q '^2025-03-02,.*,1,"' ;;
		*) echo "$krow" | grep -q '^2025-03-02,.*,4,"' ;;
		esac && pass || fail "$label: the killed run's row says otherwise: $krow"
	fi
	modes "$W" "$label"
	[ -z "$(running "$pid")" ] && pass || fail "$label: processes left: $(running "$pid")"
	# Today published and a signal taken after it is told apart from a
	# run that had ended before its signal.
	grep -q "came after the day was published" "$T/run.err.kill" 2>/dev/null && outcome="$outcome(signal-after-publishing)"
	summary="$summary$mode:$outcome:$st
"
	rm -rf "$W"
done
echo "mode:outcome:exit of the $trials trials ($(($(now_ms) - t0)) ms):"
printf '%s' "$summary" | sort | uniq -c | awk '{ printf "  %3d  %s\n", $1, $2 }'
t0=$(now_ms)
printf '%s' "$summary" | awk -F: '{ sub(/\(.*/, "", $2); n[$2]++ } END { printf "outcomes: %d yesterday, %d today, %d neither\n", n["yesterday"], n["today"], n["neither"] }'

# ---- Odd names: each readable file is read once, whatever its name; what
# is not an application file is left alone; nothing in a name is run.
O="$T/-odd in \"q\" \$(touch pwned)"
mkdir -p "$O/applications" "$O/listings" "$T/elsewhere"
n=0
app() {  # FILE NAME: a portfolio with one application, ODD-n
	n=$((n + 1))
	id=$(printf 'ODD-%03d' "$n")
	cat >"$1" <<X
<?xml version="1.0" encoding="UTF-8"?>
<portfolio xmlns="urn:odense:portfolio:export:2">
  <application id="$id" status="idea">
    <title xml:lang="da">Robotter i ældreplejen $n</title>
    <deadline>2025-06-01</deadline>
    <partners><partner role="partner"><name>SDU</name><type>research</type></partner></partners>
  </application>
</portfolio>
X
}
: >"$T/read.ids"; : >"$T/skipped.ids"
nl='
'
cr=$(printf '\r')
tab=$(printf '\t')
for name in "space name" " leading space" "trailing space " "-n" "--help" "-" "--output=x" "it's" 'say "hi"' \
	'back\slash' '$(touch pwned)' '`touch pwned`' '; touch pwned' '| touch pwned' '& touch pwned' '<in>' '>out' \
	'*' '?' '[a]' '[!a]' '{a,b}' '~root' '#hash' '%s%n%d' '!bang' "tab${tab}name" "new${nl}line" "ends in newline${nl}" \
	"carriage${cr}return" 'æøå ÆØÅ' '🇩🇰 emoji' "$(printf 'rtl\342\200\256lmx')" "$(printf 'e\314\201 combining')" \
	"$(printf '%0200d' 0)" 'x.xml' 'a=b' '$HOME' '${IFS}' 'name\n' "'; rm -rf ~ #" '*.csv' 'a:b,c' ' ' '--'; do
	app "$O/applications/$name.xml"
	echo "$id" >>"$T/read.ids"
done
# A name that is not UTF-8 reaches the records' origin column, which the
# next stage refuses: the record travels on as rejected, not lost.
app "$O/applications/$(printf 'bad utf8 \377\376').xml"
# Not application files: hidden, another extension, another case, a backup,
# one folder down.  None may be read.
for name in .hidden.xml ..dots.xml ....xml UPPER.XML x.xml.bak 'x.xml~' .xml; do
	app "$O/applications/$name"; echo "$id" >>"$T/skipped.ids"
done
mkdir "$O/applications/sub"; app "$O/applications/sub/deeper.xml"; echo "$id" >>"$T/skipped.ids"
# A link to a file elsewhere is read like the file.
app "$T/elsewhere/real.xml"; echo "$id" >>"$T/read.ids"
ln -s "$T/elsewhere/real.xml" "$O/applications/link to real.xml"
cp "$SAMPLES/sdeo-2025-w09.csv" "$O/listings/-uge 9 \$(touch pwned).csv"
cp "$SAMPLES/sdeo-2025-w10-cp1252.tsv" "$O/listings/uge${nl}10.tsv"
cp "$SAMPLES/sdeo-2025-w09.csv" "$O/listings/*.csv"
# Calls under odd names: any name is a calls file, each read once.
mkdir -p "$O/calls"
k=0
for name in "-n" "say \"hi\"" "new${nl}line" '$(touch pwned).json.gz' '*'; do
	k=$((k + 1))
	sed "s/HORIZON-CL5-2027-02-D4-07/HORIZON-CL5-2027-02-D4-0$k/; s/LIFE-2027-CET-ENERPOV/LIFE-2027-CET-ENERPOV-$k/; s/ERASMUS-EDU-2027-PI-ALL-INNO/ERASMUS-EDU-2027-PI-ALL-INNO-$k/" \
		"$SAMPLES/ft-topics.json" >"$O/calls/$name"
done
st=0; (cd "$T" && euprio-nightly -i "${O#"$T/"}" -o "-odd out * 'q'" --today 2025-03-01 >"$T/out" 2>"$T/err") || st=$?
[ "$st" = 1 ] && pass || fail "odd names: exit $st: $(cat "$T/err")"
OO="$T/-odd out * 'q'"
python3 -c 'import csv, sys
ids = [r["id"] for f in sys.argv[1:] for r in csv.DictReader(open(f, encoding="utf-8"))]
print("\n".join(sorted(i for i in ids if i.startswith("ODD-"))))' \
	"$OO/candidates-2025-03-01.csv" "$OO/rejected-2025-03-01.csv" >"$T/got.ids"
sort "$T/read.ids" >"$T/want.ids"
same "$T/got.ids" "$T/want.ids" "odd names: every application file read exactly once"
[ "$(grep -c '^listing: ' "$OO/log/euprio-2025-03-01.log")" -eq 3 ] && pass || fail "odd names: not three listings"
[ "$(grep -c '^call: ' "$OO/log/euprio-2025-03-01.log")" -eq 5 ] && pass || fail "odd names: not five call files"
[ "$(grep -c -E '^[0-9]+,explore,.*,(HORIZON-CL5-2027-02-D4-0|LIFE-2027-CET-ENERPOV-|ERASMUS-EDU-2027-PI-ALL-INNO-)[1-5],' "$OO/candidates-2025-03-01.csv")" -eq 15 ] &&
	pass || fail "odd names: not the 15 calls of the five files explored"
contains "$OO/log/euprio-2025-03-01.log" "/applications/new?line.xml" "a line break in a name is shown as ?"
grep -q '^line.xml$' "$OO/log/euprio-2025-03-01.log" && fail "a line break in a name broke a line of the log" || pass
grep -a -q 'invalid UTF-8 in field' "$OO/rejected-2025-03-01.csv" && pass || fail "the record from a name that is not UTF-8 was lost"
[ "$(grep -c '^application: ' "$OO/log/euprio-2025-03-01.log")" -eq "$(($(wc -l <"$T/read.ids") + 1))" ] && pass ||
	fail "odd names: the log lists $(grep -c '^application: ' "$OO/log/euprio-2025-03-01.log") applications"
find "$T" / -maxdepth 1 -name pwned | grep -q . && fail "a name was run as a command" || pass
$STATE check "$OO" --tidy >/dev/null 2>"$T/faults" && pass || fail "odd folders: $(cat "$T/faults")"
# What cannot be read: named in the log, the rest published, 3.
ln -s "$T/nowhere.xml" "$O/applications/broken.xml"
mkfifo "$O/applications/fifo.xml"
mkdir "$O/applications/folder.xml"
ln -s "$O/applications/loop.xml" "$O/applications/loop.xml"
st=0; (cd "$T" && timeout 60 euprio-nightly -i "${O#"$T/"}" -o "-odd out * 'q'" --today 2025-03-02 >"$T/out" 2>"$T/err") || st=$?
[ "$st" = 3 ] && pass || fail "unreadable inputs: exit $st: $(cat "$T/err")"
for f in broken fifo folder loop; do
	contains "$OO/log/euprio-2025-03-02.log" "/applications/$f.xml: " "unreadable $f.xml named"
done
$STATE check "$OO" --tidy >/dev/null 2>"$T/faults" && pass || fail "after 3: $(cat "$T/faults")"
modes "$OO" "odd names"

echo "odd names: $(($(now_ms) - t0)) ms"; t0=$(now_ms)
# ---- Links planted in the output folder, and what they lead to.
printf 'precious\n' >"$T/victim"; mkdir -p "$T/victimdir"; printf 'keep\n' >"$T/victimdir/keep"
cp -a "$T/R" "$T/base"
cat >"$T/traps" <<'X'
4 lock:rm -f .euprio.lock; ln -s "$T/victim" .euprio.lock
4 history link:rm -f history.csv; ln -s "$T/victim" history.csv
4 history hard link:rm -f history.csv; ln "$T/victim" history.csv
4 history folder:rm -f history.csv; mkdir history.csv
4 log folder link:rm -rf log; ln -s "$T/victimdir" log
4 log file link:ln -s "$T/victim" log/euprio-2025-03-03.log
4 log file fifo:mkfifo log/euprio-2025-03-03.log
4 store link:rm -rf .euprio-data; ln -s "$T/victimdir" .euprio-data
4 days elsewhere:rm -f days; ln -s "$T/victimdir" days
4 days a folder:rm -f days; mkdir days
4 view missing:rm -rf "$(readlink days)"
1 work folder link:ln -s "$T/victimdir" .euprio-run.AAAAAA
1 gone folder link:ln -s "$T/victimdir" .euprio-gone.AAAAAA
1 latest link:rm -f candidates-latest.csv; ln -s "$T/victim" candidates-latest.csv
1 dated link:ln -s "$T/victim" candidates-2025-03-03.xlsx
4 view link:ln -s "$T/victimdir" .euprio-data/view.evil; rm days; ln -s .euprio-data/view.evil days
X
while IFS=: read -r head plant; do
	want=${head%% *}; what=${head#* }
	rm -rf "$T/trap"; cp -a "$T/base" "$T/trap"
	(cd "$T/trap" && eval "$plant")
	expect_status "$want" euprio-nightly -i "$T/in" -o "$T/trap" --today 2025-03-03
	if [ "$want" = 4 ]; then
		contains "$T/err" "refusing to" "planted $what: refused"
		contains "$T/err" "nothing was run" "planted $what: said so"
	else
		$STATE check "$T/trap" --tidy >/dev/null 2>"$T/faults" && pass || fail "planted $what: $(cat "$T/faults")"
	fi
	[ "$(cat "$T/victim")" = precious ] && [ "$(stat -c %h "$T/victim")" -le 2 ] && pass || fail "planted $what: the victim file changed"
	[ "$(ls "$T/victimdir")" = keep ] && [ "$(cat "$T/victimdir/keep")" = keep ] && pass || fail "planted $what: the victim folder changed: $(ls "$T/victimdir")"
done <"$T/traps"
echo "planted links: $(($(now_ms) - t0)) ms"
finish
