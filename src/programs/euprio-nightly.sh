#!/bin/sh
# euprio-nightly: the whole pipeline for cron.  Locks, checks the policy,
# runs every stage with pipefail semantics, and replaces the day's outputs
# atomically (temp file in the same folder, fsync, rename), so a kill, a
# full disk or a failed stage leaves the previous night's files in place.
set -u

prog=euprio-nightly
usage() {
	cat <<'U'
usage: euprio-nightly [-hnV] [-c DIR] [-i DIR] [-o DIR] [--today DATE] [--lang da|en]
Run the euprio pipeline on INPUT/applications/*.xml and INPUT/listings/*.csv
(and *.tsv), with the coordinator's INPUT/decisions.csv when present, and
write into OUTPUT: candidates-DATE.csv, rejected-DATE.csv, changes-DATE.csv
(against the last run), candidates-DATE.xlsx (the morning workbook),
candidates-latest.csv and .xlsx (links to today's), log/euprio-DATE.log,
history.csv (one line per run) and, with decisions, decline-memory.csv.

  -c, --config DIR  policy directory (default $EUPRIO_CONFIG, then installed)
  -i, --input DIR   input folder (default $EUPRIO_INPUT, then .)
  -o, --output DIR  output folder (default $EUPRIO_OUTPUT, then .)
  -t, --today DATE  run as of DATE (YYYY-MM-DD; default today)
  -l, --lang LANG   language of reasons: da (default) or en
  -n, --dry-run     check the policy and the inputs, write nothing
  -h, --help        show this help and exit
  -V, --version     show the version and exit

Exit status: 0 all good; 1 some records rejected for bad input (output
written); 2 configuration or usage error; 3 an input could not be read
(output written from the rest); 4 a stage or the output failed (previous
output untouched); 5 another run holds the lock.
See euprio-nightly(1).
U
}
die() { printf '%s: %s\n' "$prog" "$2" >&2; exit "$1"; }

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
# Prefer the programs installed beside this script (a build tree, or the
# package's bin directory) over whatever else is on PATH.
[ -x "$here/euprio-rank" ] && PATH="$here:$PATH"

config=${EUPRIO_CONFIG:-}
input=${EUPRIO_INPUT:-.}
output=${EUPRIO_OUTPUT:-.}
today=""
lang=da
dry=0
while [ $# -gt 0 ]; do
	case "$1" in
	-c|--config) [ $# -ge 2 ] || die 2 "$1 needs a directory"; config=$2; shift 2 ;;
	-i|--input) [ $# -ge 2 ] || die 2 "$1 needs a directory"; input=$2; shift 2 ;;
	-o|--output) [ $# -ge 2 ] || die 2 "$1 needs a directory"; output=$2; shift 2 ;;
	-t|--today) [ $# -ge 2 ] || die 2 "$1 needs a date"; today=$2; shift 2 ;;
	-l|--lang) [ $# -ge 2 ] || die 2 "$1 needs da or en"; lang=$2; shift 2 ;;
	-n|--dry-run) dry=1; shift ;;
	-h|--help) usage; exit 0 ;;
	-V|--version) echo "euprio-nightly (euprio) @EUPRIO_VERSION@"; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case "$lang" in da|en) ;; *) die 2 "--lang must be da or en, not '$lang'" ;; esac
if [ -n "$today" ]; then
	expr "$today" : '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$' >/dev/null || die 2 "--today wants YYYY-MM-DD, not '$today'"
else
	today=$(date +%F)
fi
[ -n "$config" ] && export EUPRIO_CONFIG="$config"
[ -d "$input" ] || die 2 "input folder $input does not exist"

start=$(date +%s)
# 1. The policy, before anything else.
euprio-check-config -q || die 2 "the configuration has faults; nothing was run"

set -- "$input"/applications/*.xml
[ -e "$1" ] || set --
apps="$*"
set -- "$input"/listings/*.csv "$input"/listings/*.tsv
listings=""
for f; do [ -e "$f" ] && listings="$listings $f"; done
for f in $apps $listings; do
	[ -r "$f" ] || die 3 "cannot read $f"
done
if [ "$dry" = 1 ]; then
	printf '%s: dry run: configuration OK; %d application file(s), %d listing file(s); nothing written\n' \
		"$prog" "$(echo $apps | wc -w)" "$(echo $listings | wc -w)" >&2
	exit 0
fi

[ -d "$output" ] || mkdir -p "$output" 2>/dev/null || die 4 "cannot create output folder $output"
[ -w "$output" ] || die 4 "output folder $output is not writable"
mkdir -p "$output/log" 2>/dev/null || die 4 "cannot create $output/log"

# 2. One run at a time.
exec 9>"$output/.euprio.lock" || die 4 "cannot open the lock file in $output"
flock -n 9 || die 5 "another euprio-nightly run holds the lock on $output; not run"

# --- Staff decisions (#24) ----------------------------------------------
# IN/decisions.csv, when present: the coordinator's pursue/decline/watch.
# euprio-rank keeps OUT/decline-memory.csv, what each declined record was
# when first declined, and replaces it itself (atomically, after a whole
# run).  Passed as ${decisions:+...}, so names with spaces stay one word.
decisions=
[ -e "$input/decisions.csv" ] && decisions="$input/decisions.csv"
# -------------------------------------------------------------------------

log="$output/log/euprio-$today.log"
tmp=$(mktemp -d "$output/.euprio-run.XXXXXX") || die 4 "cannot create a work folder in $output"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 4' HUP INT TERM

{
	echo "euprio-nightly $(date '+%F %T') today=$today config=${EUPRIO_CONFIG:-(installed)}"
	echo "applications: ${apps:-(none)}"
	echo "listings: ${listings:-(none)}"
	echo "decisions: ${decisions:-(none)}"
} >"$tmp/log"

# 3. The pipeline.  POSIX sh has no pipefail, so each stage leaves its exit
# status in a file and every one is checked.
if [ -n "$apps" ]; then
	( euprio-apps $apps 2>>"$tmp/apps.err"; echo $? >"$tmp/st.apps" )
else
	( printf 'id,source\n'; echo 0 >"$tmp/st.apps" )
fi |
( euprio-sdeo --append $listings 2>>"$tmp/sdeo.err"; echo $? >"$tmp/st.sdeo" ) |
( euprio-local --lang "$lang" 2>>"$tmp/local.err"; echo $? >"$tmp/st.local" ) |
( euprio-goals 2>>"$tmp/goals.err"; echo $? >"$tmp/st.goals" ) |
( euprio-rank --today "$today" --lang "$lang" --rejects "$tmp/rejected.csv" \
	${decisions:+--decisions "$decisions" --decline-memory "$output/decline-memory.csv"} \
	>"$tmp/candidates.csv" 2>>"$tmp/rank.err"; echo $? >"$tmp/st.rank" )

worst=0
for st in apps sdeo local goals rank; do
	s=$(cat "$tmp/st.$st" 2>/dev/null || echo 4)
	[ -s "$tmp/$st.err" ] && sed "s/^/[$st] /" "$tmp/$st.err" >>"$tmp/log"
	echo "stage $st: exit $s" >>"$tmp/log"
	case "$s" in
	0|1|3) [ "$s" -gt "$worst" ] && worst=$s ;;
	*) worst=4; failed=$st ;;
	esac
done
if [ "$worst" = 4 ]; then
	cat "$tmp/log" >>"$log"
	die 4 "stage ${failed:-?} failed; yesterday's output is untouched (see $log)"
fi

# 4. What changed since the last run.
prev="$output/candidates-latest.csv"
if [ -e "$prev" ] || [ -L "$prev" ]; then
	euprio-changes --rejects "$tmp/rejected.csv" "$prev" "$tmp/candidates.csv"
else
	euprio-changes --rejects "$tmp/rejected.csv" --first-run "$tmp/candidates.csv"
fi >"$tmp/changes.csv" 2>>"$tmp/log" || {
	cat "$tmp/log" >>"$log"; die 4 "could not compare with the last run"; }

# 5. The morning workbook, from the same three files.
xs=0
euprio-xlsx -o "$tmp/candidates.xlsx" --rejects "$tmp/rejected.csv" --changes "$tmp/changes.csv" \
	--today "$today" --lang "$lang" "$tmp/candidates.csv" 2>"$tmp/xlsx.err" || xs=$?
[ -s "$tmp/xlsx.err" ] && sed "s/^/[xlsx] /" "$tmp/xlsx.err" >>"$tmp/log"
echo "stage xlsx: exit $xs" >>"$tmp/log"
case "$xs" in
0|1) ;;
*) cat "$tmp/log" >>"$log"; die 4 "the workbook could not be written; yesterday's output is untouched (see $log)" ;;
esac

# 6. Publish: fsync, then rename into place; the links last.
sync "$tmp/candidates.csv" "$tmp/rejected.csv" "$tmp/changes.csv" "$tmp/candidates.xlsx" 2>/dev/null
for f in candidates.csv rejected.csv changes.csv candidates.xlsx; do
	dest="$output/${f%.*}-$today.${f##*.}"
	mv -f "$tmp/$f" "$dest" || { cat "$tmp/log" >>"$log"; die 4 "cannot write $dest"; }
done
for ext in csv xlsx; do
	ln -sfn "candidates-$today.$ext" "$tmp/latest" && mv -Tf "$tmp/latest" "$output/candidates-latest.$ext" ||
		die 4 "cannot update candidates-latest.$ext"
done
sync "$output" 2>/dev/null

summary=$(sed -n 's/^euprio-rank: //p' "$tmp/rank.err" | tail -1)
changes=$(($(wc -l <"$output/changes-$today.csv") - 1))
secs=$(($(date +%s) - start))
echo "result: $summary; $changes change(s); exit $worst; ${secs}s" >>"$tmp/log"
cat "$tmp/log" >>"$log"
[ -e "$output/history.csv" ] || echo "date,run_at,status,summary,changes,seconds" >"$output/history.csv"
printf '%s,%s,%s,"%s",%s,%s\n' "$today" "$(date '+%F %T')" "$worst" "$summary" "$changes" "$secs" >>"$output/history.csv"
printf '%s: %s: %s; %s change(s); exit %s\n' "$prog" "$today" "$summary" "$changes" "$worst" >&2
exit "$worst"
