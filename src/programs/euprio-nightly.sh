#!/bin/sh
# euprio-nightly: the whole pipeline for cron.  Takes a lock, checks the
# policy, runs every stage under a time limit with pipefail semantics, and
# publishes the day with one rename, so that a kill, a full disk or a failed
# stage leaves the previous night's files exactly as they were.  POSIX sh
# (dash): every file name is quoted and passed through "$@", never split.
#
# On disk (euprio-nightly(1), FILES): the day's files are written in a work
# folder, moved to .euprio-data/DATE.RUN, and a new view (.euprio-data/view.RUN,
# a folder of links: one per day, latest, candidates-latest.*) is published
# by renaming one link, "days", over the old one.  Every other name users
# open is a link through "days", so everything changes at that one rename.
set -u
umask 027           # candidates, rejects and logs name people: 0640 in 0750

prog=euprio-nightly
# Messages go to fd 8, a copy of standard error: dash runs a trap inside the
# redirections of the command it interrupted, so a signal that came during
# "mkdir ... 2>/dev/null" had its message go to /dev/null (the fault loop
# saw a silent exit 4).
if : >&2; then exec 8>&2; else exec 8>/dev/null; fi   # stderr may be closed
# From the first line: a signal ends the run with 4, not with the shell's
# 128+N, which no page documents (replaced once the options are read).
first_signal() {
	printf "%s: stopped by SIG%s before it started; nothing published; yesterday's output is untouched\n" "$prog" "$1" >&8
	exit 4
}
for s in HUP INT TERM; do trap "first_signal $s" "$s"; done
version='@EUPRIO_VERSION@'
synopsis='euprio-nightly [-fhnV] -i DIR -o DIR [-c DIR] [-t DATE] [-l da|en]'
grace=5             # seconds a stopped stage gets before SIGKILL (mechanism, not policy)

usage() {
	cat <<'U'
usage: euprio-nightly [-fhnV] -i DIR -o DIR [-c DIR] [-t DATE] [-l da|en]
Run the euprio pipeline on INPUT/applications/*.xml, INPUT/listings/*.csv
(and *.tsv) and the portal's open calls in INPUT/calls/ (any file
euprio-calls reads), with the CORDIS projects of INPUT/cordis/*.csv for the
calls' Funen partners and the coordinator's INPUT/decisions.csv when there
are (and its decline memory, OUTPUT/decline-memory.csv), and publish in OUTPUT,
all at once: candidates-DATE.csv, rejected-DATE.csv, changes-DATE.csv (against the newest earlier day),
candidates-DATE.xlsx (the morning workbook), candidates-latest.csv and .xlsx
(the newest day), days/DATE/ (every day), log/euprio-DATE.log and
history.csv (one row per run).

  -i, --input DIR   input folder (required, or $EUPRIO_INPUT)
  -o, --output DIR  output folder (required, or $EUPRIO_OUTPUT)
  -c, --config DIR  the policy directory; by default $EUPRIO_CONFIG, else
                    /etc/euprio if it exists, else the installed default
  -t, --today DATE  run as of DATE (YYYY-MM-DD; default today)
  -f, --force       run a DATE before the newest day already published
  -l, --lang LANG   language of reasons: da (default) or en
  -n, --dry-run     check the policy and the inputs, write nothing
  -h, --help        show this help and exit
  -V, --version     show the version and exit

Exit status: 0 published, all good; 1 published, some records rejected as
bad input; 2 usage or configuration error, nothing run; 3 published from
the inputs that could be read, some could not; 4 failed (a stage, its time
limit, the output, a signal): nothing published, yesterday's output is
untouched; 5 another run holds the lock.  See euprio-nightly(1).
U
}
say() { printf '%s: %s\n' "$prog" "$*" >&8; }
die() { st=$1; shift; say "$@"; exit "$st"; }
# As getopt_long and eu_cli_usage_error() do in the C programs.
opt_error() {
	say "$1"
	printf "usage: %s\nTry '%s --help' for more information.\n" "$synopsis" "$prog" >&2
	exit 2
}
# A name as one line for messages and the log: line breaks and tabs as '?'.
nl='
'
cr=$(printf '\r')
tab=$(printf '\t')
shown() {
	case $1 in
	*"$nl"* | *"$cr"* | *"$tab"*) printf '%s' "$1" | tr '\n\r\t' '???' ;;
	*) printf '%s' "$1" ;;
	esac
}
# YYYY-MM-DD as a number, for comparing dates (sets $dn).
datenum() { dn=${1%%-*}${1#*-}; dn=${dn%%-*}${dn#*-}; }

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
# Prefer the programs installed beside this script (a build tree, or the
# package's bin directory) over whatever else is on PATH.
[ -x "$here/euprio-rank" ] && PATH="$here:$PATH"

# ---- options, the way getopt_long reads them
config=${EUPRIO_CONFIG:-}
input=${EUPRIO_INPUT:-}
output=${EUPRIO_OUTPUT:-}
today=""
lang=da
dry=0
force=0
longopts='config= input= output= today= lang= dry-run force help version'
setopt() {  # LETTER VALUE
	case $1 in
	c) config=$2 ;; i) input=$2 ;; o) output=$2 ;; t) today=$2 ;; l) lang=$2 ;;
	n) dry=1 ;; f) force=1 ;;
	h) usage || exit 4; exit 0 ;;
	V) printf '%s (euprio) %s\n' "$prog" "$version" || exit 4; exit 0 ;;
	esac
}
while [ $# -gt 0 ]; do
	case $1 in
	--) shift; break ;;
	--?*)
		name=${1#--}; shift; hasval=0; val=
		case $name in *=*) val=${name#*=}; name=${name%%=*}; hasval=1 ;; esac
		match=; n=0; all=
		for o in $longopts; do
			if [ "${o%=}" = "$name" ]; then match=$o; n=1; break; fi
			case $o in "$name"*) match=$o; n=$((n + 1)); all="$all '--${o%=}'" ;; esac
		done
		[ "$n" -eq 0 ] && opt_error "unrecognized option '--$name'"
		[ "$n" -gt 1 ] && opt_error "option '--$name' is ambiguous; possibilities:$all"
		long=${match%=}
		case $long in dry-run) letter=n ;; version) letter=V ;; *) letter=${long%"${long#?}"} ;; esac
		case $match in
		*=)
			if [ "$hasval" = 0 ]; then
				[ $# -gt 0 ] || opt_error "option '--$long' requires an argument"
				val=$1; shift
			fi ;;
		*) [ "$hasval" = 1 ] && opt_error "option '--$long' doesn't allow an argument" ;;
		esac
		setopt "$letter" "$val" ;;
	-?*)
		rest=${1#-}; shift
		while [ -n "$rest" ]; do
			c=${rest%"${rest#?}"}; rest=${rest#?}
			case $c in
			c|i|o|t|l)
				if [ -n "$rest" ]; then val=$rest; rest=
				elif [ $# -gt 0 ]; then val=$1; shift
				else opt_error "option requires an argument -- '$c'"
				fi
				setopt "$c" "$val" ;;
			n|f|h|V) setopt "$c" "" ;;
			*) opt_error "invalid option -- '$(shown "$c")'" ;;
			esac
		done ;;
	*) break ;;
	esac
done
[ $# -eq 0 ] || opt_error "unexpected argument '$(shown "$1")'"
case "$lang" in da|en) ;; *) opt_error "--lang must be da or en, not '$(shown "$lang")'" ;; esac
if [ -n "$today" ]; then
	case $today in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
	*) opt_error "--today wants YYYY-MM-DD, not '$(shown "$today")'" ;; esac
	[ "$(date -d "$today" +%F 2>/dev/null)" = "$today" ] || opt_error "--today $today is not a date"
else
	today=$(date +%F)
fi
# No silent default: a cron line without its folders must not work in
# whatever folder cron starts in (that is /).
[ -n "$input" ] || opt_error "the input folder is required: -i DIR, or EUPRIO_INPUT"
[ -n "$output" ] || opt_error "the output folder is required: -o DIR, or EUPRIO_OUTPUT"
# A relative name starting with '-' must never reach a program as an option.
case $input in /*) ;; *) input=./$input ;; esac
case $output in /*) ;; *) output=./$output ;; esac
realdir() { (CDPATH= cd -P -- "$1" 2>/dev/null && pwd -P); }
[ -d "$input" ] || die 2 "input folder $(shown "$input") does not exist"
[ "$(realdir "$input")" = / ] && die 2 "the input folder must not be /"
[ -d "$output" ] && [ "$(realdir "$output")" = / ] && die 2 "the output folder must not be /"
[ -n "$config" ] && export EUPRIO_CONFIG="$config"
# Until the run has its work folder, a signal ends it with nothing published.
tmp=
early_signal() {
	[ -n "$tmp" ] && rm -rf -- "$tmp"
	die 4 "stopped by SIG$1 before the run started; nothing published; yesterday's output is untouched"
}
for s in HUP INT TERM; do trap "early_signal $s" "$s"; done

# ---- the inputs.  input_ok FILE KIND LIST: a glob's match that a stage can
# read goes on; anything else is noted in LIST.unread (the night goes on
# without it: status 3).  A glob that matched nothing gives its pattern,
# which does not exist and is skipped.
input_ok() {
	[ -e "$1" ] || [ -L "$1" ] || return 1
	if [ ! -e "$1" ]; then why="a broken link"
	elif [ ! -f "$1" ]; then why="not a regular file"
	elif [ ! -r "$1" ]; then why="not readable"
	else printf '%s: %s\n' "$2" "$(shown "$1")" >>"$3.files"; return 0
	fi
	printf 'cannot read %s %s: %s; the night goes on without it\n' "$2" "$(shown "$1")" "$why" >>"$3.unread"
	return 1
}
# A folder that is there but cannot be listed is an input that cannot be read;
# a folder that is not there is a night without such files.
folder_ok() {  # DIR KIND LIST
	[ -e "$1" ] || [ -L "$1" ] || return 1
	[ -d "$1" ] && [ -r "$1" ] && [ -x "$1" ] && return 0
	printf 'cannot read the %s folder %s; the night goes on without it\n' "$2" "$(shown "$1")" >>"$3.unread"
	return 1
}
# The dry run's count of usable files.
count_inputs() {  # PREFIX -> napps nlist ncalls ncordis
	napps=0; nlist=0; ncalls=0; ncordis=0
	if folder_ok "$input/applications" application "$1.apps"; then
		for f in "$input"/applications/*.xml; do input_ok "$f" application "$1.apps" && napps=$((napps + 1)); done
	fi
	if folder_ok "$input/listings" listing "$1.sdeo"; then
		for f in "$input"/listings/*.csv "$input"/listings/*.tsv; do input_ok "$f" listing "$1.sdeo" && nlist=$((nlist + 1)); done
	fi
	if folder_ok "$input/calls" call "$1.calls"; then
		for f in "$input"/calls/*; do input_ok "$f" call "$1.calls" && ncalls=$((ncalls + 1)); done
	fi
	if folder_ok "$input/cordis" CORDIS "$1.cordis"; then
		for f in "$input"/cordis/*.csv; do input_ok "$f" CORDIS "$1.cordis" && ncordis=$((ncordis + 1)); done
	fi
}

# ---- the policy, and the one setting this script needs from it: read by
# euprio-check-config, the one parser of config/ (';', BOM, CRLF, comments).
check_config() {  # ERRFILE -> $limit, status
	limit=$(euprio-check-config --get stage_time_limit_seconds 2>"$1")
	cc=$?
	[ "$cc" -eq 0 ] || return "$cc"
	case $limit in ''|*[!0-9]*) printf 'stage_time_limit_seconds: %s is not a whole number of seconds\n' "$limit" >>"$1"; return 2 ;; esac
	return 0
}

if [ "$dry" = 1 ]; then
	d=$(mktemp -d "${TMPDIR:-/tmp}/euprio-dry.XXXXXX") || die 4 "cannot make a temporary folder"
	trap 'rm -rf -- "$d"' EXIT
	check_config "$d/config.err"; st=$?
	cat "$d/config.err" >&2
	[ "$st" -eq 0 ] || die 2 "the configuration has faults; nothing was run"
	count_inputs "$d/in"
	cat "$d"/in.*.unread 2>/dev/null | sed "s/^/$prog: /" >&2
	un=$(cat "$d"/in.*.unread 2>/dev/null | wc -l)
	say "dry run: configuration OK; $napps application file(s), $nlist listing file(s), $ncalls call file(s), $ncordis CORDIS file(s)$([ "$un" -gt 0 ] && echo "; $un cannot be read"); stage time limit ${limit} s; nothing written"
	[ "$un" -gt 0 ] && exit 3
	exit 0
fi

# ---- the output folder.  Nothing in it is opened through a link this
# script did not make: a planted link (lock, log, history) would have it
# truncate or append to a file elsewhere.
no_link_file() {  # PATH: absent, or a regular file that is not a link
	if [ -L "$1" ]; then
		die 4 "refusing to open $(shown "$1"): it is a symbolic link, which euprio-nightly never makes there; nothing was run (remove it and run again)"
	fi
	[ ! -e "$1" ] || [ -f "$1" ] || die 4 "refusing to open $(shown "$1"): it is not a regular file; nothing was run"
	# A second hard link is a file elsewhere as well (this script makes none).
	[ ! -e "$1" ] || [ "$(stat -c %h -- "$1")" = 1 ] ||
		die 4 "refusing to open $(shown "$1"): it has more than one hard link, which euprio-nightly never makes; nothing was run"
}
no_link_dir() {
	if [ -L "$1" ]; then
		die 4 "refusing to use $(shown "$1"): it is a symbolic link, which euprio-nightly never makes there; nothing was run (remove it and run again)"
	fi
	[ ! -e "$1" ] || [ -d "$1" ] || die 4 "refusing to use $(shown "$1"): it is not a folder; nothing was run"
}
if [ ! -d "$output" ]; then
	mkdir -p -- "$output" 2>/dev/null || die 4 "cannot create output folder $(shown "$output")"
fi
[ -w "$output" ] || die 4 "output folder $(shown "$output") is not writable"
lock=$output/.euprio.lock
no_link_file "$lock"
# Appending, never truncating; every process of the run inherits it, so a
# run whose shell was killed still holds the lock until its last stage ends.
exec 9>>"$lock" || die 4 "cannot open the lock file in $(shown "$output")"
flock -n 9 || die 5 "another euprio-nightly run holds the lock on $(shown "$output"); not run"

data=$output/.euprio-data
log=$output/log/euprio-$today.log
hist=$output/history.csv
no_link_dir "$output/log"
no_link_dir "$data"
no_link_file "$log"
no_link_file "$hist"
# The one link that publishes: "days" names .euprio-data/view.RUN or is absent.
oldview=
if [ -L "$output/days" ]; then
	oldview=$(readlink -- "$output/days")
	case ${oldview#.euprio-data/view.} in
	"$oldview"|*/*|'') die 4 "refusing to use $(shown "$output/days"): it links to $(shown "$oldview"), not to a view euprio-nightly made; nothing was run" ;;
	esac
	# The days it names live only there: never take a view that is not a
	# folder of ours, lest the days it does not name be tidied away.
	[ -d "$output/$oldview" ] && [ ! -L "$output/$oldview" ] ||
		die 4 "refusing to go on: $(shown "$output/days") leads to $(shown "$oldview"), which is not a view folder euprio-nightly made, so which days are published cannot be told; nothing was run (move $(shown "$data") and days away to start afresh)"
elif [ -e "$output/days" ]; then
	die 4 "refusing to replace $(shown "$output/days"): it is not the link euprio-nightly makes; nothing was run"
fi
mkdir -p -- "$output/log" "$data" 2>/dev/null || die 4 "cannot create $(shown "$output/log") or $(shown "$data")"

hist_header='date,run_at,status,summary,changes,seconds'
# Appends one row to history.csv (header first when new).
hist_append() {  # ROW
	if [ ! -s "$hist" ]; then printf '%s\n' "$hist_header" >>"$hist" || return 1
	elif [ -n "$(tail -c 1 -- "$hist")" ]; then echo >>"$hist" || return 1  # edited without a last newline
	fi
	printf '%s\n' "$1" >>"$hist"
}
# RUN as the history's run_at: YYYY-MM-DD HH:MM:SS.
runat() {
	printf '%.4s-%.2s-%.2s %.2s:%.2s:%.2s' "$1" "${1#????}" "${1#??????}" "${1#*T}" "${1#*T??}" "${1#*T????}"
}
row() {  # STATUS SUMMARY CHANGES SECONDS
	printf '%s,%s,%s,"%s",%s,%s' "$today" "$started" "$1" "$(printf '%s' "$2" | tr -d '"\r\n')" "$3" "$4"
}

# The work folder's name says which day and when (RUN is YYYYMMDDTHHMMSS-PID),
# so a run killed the moment it made it still gets its row from the next.
set -- $(date '+%s %Y%m%dT%H%M%S')
start=$1
runid=$2-$$
started=$(runat "$runid")
tmp=$output/.euprio-run.$today.$runid
day=$tmp/day
store=$data/$today.$runid
newview=$data/view.$runid
made=                 # top-level links this run created before publishing
phase=start
sig=
finishing=0
logf=$tmp/log
# No room for a work folder: the row may still fit in history.csv's last block.
no_room() {
	rm -rf -- "$tmp"
	hist_append "$(row 4 "cannot write in the output folder (disk full?); nothing was run" "" 0)" 2>/dev/null
	die 4 "cannot write in $(shown "$output") (disk full?); nothing was run"
}
mkdir -- "$tmp" 2>/dev/null || no_room
{
	echo "euprio-nightly run $runid $started today=$today config=${EUPRIO_CONFIG:-(installed)}"
	echo "input: $(shown "$input")  output: $(shown "$output")"
} 2>/dev/null >"$logf" || no_room
# The work folder goes by a rename first.  rm removes a folder a file at a
# time, and a run killed meanwhile left a work folder that had lost its
# row.published: the next run took it for one killed before publishing and
# wrote a second, wrong row.  A .euprio-gone folder the next run only removes.
drop_work() {
	gone=$output/.euprio-gone.${tmp##*/.euprio-run.}
	if mv -T -- "$tmp" "$gone" 2>/dev/null; then rm -rf -- "$gone"; else rm -rf -- "$tmp"; fi
}
trap drop_work EXIT
for s in HUP INT TERM; do trap "on_signal $s" "$s"; done

# Links a killed run made for a day it never published lead nowhere: gone.
drop_dead_links() {
	for f in "$output"/*-????-??-??.csv "$output"/*-????-??-??.xlsx; do
		if [ -L "$f" ] && [ ! -e "$f" ]; then
			case $(readlink -- "$f") in days/*) rm -f -- "$f" ;; esac
		fi
	done
}
published() { [ -L "$output/days" ] && [ "$(readlink -- "$output/days")" = ".euprio-data/view.$runid" ]; }

# alive PID NAME: PID is a process named NAME that has not ended (a zombie
# has: in a container nobody may ever reap it).
alive() {
	if [ -r "/proc/$1/stat" ]; then
		read -r pst <"/proc/$1/stat" 2>/dev/null || return 1
		pcomm=${pst#*\(}; pcomm=${pcomm%\)*}; pst=${pst##*\) }; pst=${pst%% *}
		[ "$pcomm" = "$2" ] && [ "$pst" != Z ]
	else
		[ ! -d /proc/self ] && kill -0 "$1" 2>/dev/null
	fi
}
# Stops the stages and waits until they have ended: each leads its own
# process group under timeout, which passes SIGTERM on to that group and
# sends SIGKILL $grace seconds later.  A stage whose pid file appears late
# is stopped on a later round.
stop_stages() {
	sent=" "
	rounds=$(( (grace + 3) * 10 ))
	while [ "$rounds" -gt 0 ]; do
		any=0
		for p in "$tmp"/pid.*; do
			[ -f "$p" ] || continue
			read -r pid <"$p" 2>/dev/null || continue
			alive "$pid" timeout || continue
			any=1
			case $sent in *" $pid "*) ;; *) kill -TERM "$pid" 2>/dev/null; sent="$sent$pid " ;; esac
		done
		[ "$any" = 0 ] && break
		rounds=$((rounds - 1))
		sleep 0.1
	done
	wait
}

# The end of a run that did not publish: undo what was made for publishing,
# keep the log and the row, and say so.  Status 2 (policy) or 4.
fail() {  # STATUS MESSAGE
	finishing=1
	stop_stages
	# The writing is not to be cut short by a second signal (see section 7).
	(
		trap '' HUP INT TERM
		if ! published; then
			for f in $made; do [ -L "$output/$f" ] && rm -f -- "$output/$f"; done
			rm -rf -- "$store" "$newview"
		fi
		secs=$(($(date +%s) - start))
		echo "failed: $2; exit $1; ${secs}s" >>"$logf"
		cat -- "$logf" >>"$log" 2>/dev/null || say "cannot write the log $(shown "$log")"
		frow=$(row "$1" "$2" "" "$secs")
		printf '%s\n' "$frow" >"$tmp/row.failed" 2>/dev/null
		hist_append "$frow" 2>/dev/null || say "cannot write $(shown "$hist")"
		if [ "$1" = 4 ]; then say "$2; yesterday's output is untouched (see $(shown "$log"))"
		else say "$2 (see $(shown "$log"))"
		fi
	)
	exit "$1"
}

on_signal() {
	if [ "$finishing" = 1 ] || published; then
		sig=${sig:-$1}      # published (or ending): finish the bookkeeping first
		return
	fi
	finishing=1
	stop_stages
	# The stages' messages so far.
	case $phase in
	pipeline) log_inputs; for k in calls cordis apps sdeo local goals rank; do log_stage "$k"; done ;;
	changes|xlsx) log_stage "$phase" ;;
	esac
	case $phase in
	start|config) where="before the stages started" ;;
	pipeline) where="while the stages ran" ;;
	changes|xlsx) where="while euprio-$phase ran" ;;
	between) where="between stages" ;;
	*) where="while publishing, before the one rename that publishes" ;;
	esac
	fail 4 "stopped by SIG$1 $where; nothing published"
}

# stage NAME CMD...: runs CMD under the time limit, messages to NAME.err,
# status to st.NAME, and timeout's pid (its group's leader) to pid.NAME.
stage() {
	sn=$1; shift
	sh -c 'echo $$ >"$0" && exec "$@"' "$tmp/pid.$sn" \
		timeout --verbose -k "$grace" "$limit" "$@" 2>>"$tmp/$sn.err"
	sr=$?
	: >"$tmp/pid.$sn"     # ended: its pid may be anyone's now
	echo "$sr" >"$tmp/st.$sn"
}
apps_stage() {
	set --
	if folder_ok "$input/applications" application "$tmp/apps"; then
		for f in "$input"/applications/*.xml; do input_ok "$f" application "$tmp/apps" && set -- "$@" "$f"; done
	fi
	if [ $# -eq 0 ]; then
		echo "applications: none" >>"$tmp/apps.files"
		# The stream's header alone, from the program that defines it (it then
		# finds that its empty input is no XML, which is no fault here).
		euprio-apps - </dev/null 2>/dev/null
		echo 0 >"$tmp/st.apps"; return
	fi
	stage apps euprio-apps -- "$@"
}
listings_stage() {
	set --
	if folder_ok "$input/listings" listing "$tmp/sdeo"; then
		for f in "$input"/listings/*.csv "$input"/listings/*.tsv; do input_ok "$f" listing "$tmp/sdeo" && set -- "$@" "$f"; done
	fi
	if [ $# -eq 0 ]; then
		# No listings is a normal night: the applications pass as they are.
		echo "listings: none; the applications pass through" >>"$tmp/sdeo.files"
		cat; echo $? >"$tmp/st.sdeo"; return
	fi
	stage sdeo euprio-sdeo --append -- "$@"
}
# The portal's calls (#21), read first into the work folder: they join the
# stream at euprio-local, which reads the applications and listings on its
# standard input and this file after them, under the union of their
# headers.  After the listings' join, so no call is joined onto a project
# as if it were one; before local and goals, so rank sees their columns.
calls_stage() {
	set --
	if folder_ok "$input/calls" call "$tmp/calls"; then
		for f in "$input"/calls/*; do input_ok "$f" call "$tmp/calls" && set -- "$@" "$f"; done
	fi
	if [ $# -eq 0 ]; then
		echo "calls: none" >>"$tmp/calls.files"
		echo 0 >"$tmp/st.calls"; return
	fi
	calls=$tmp/calls.csv
	stage calls euprio-calls --today "$today" -- "$@" >"$calls"
}
# CORDIS projects with their partners, for the calls' Funen partners
# (euprio-rank --cordis): reference, not candidates.
cordis_stage() {
	set --
	if folder_ok "$input/cordis" CORDIS "$tmp/cordis"; then
		for f in "$input"/cordis/*.csv; do input_ok "$f" CORDIS "$tmp/cordis" && set -- "$@" "$f"; done
	fi
	if [ $# -eq 0 ]; then
		echo "cordis: none" >>"$tmp/cordis.files"
		echo 0 >"$tmp/st.cordis"; return
	fi
	cordis=$tmp/cordis.csv
	stage cordis euprio-sdeo -- "$@" >"$cordis"
}
pipeline() {
	calls=; cordis=
	calls_stage
	cordis_stage
	apps_stage |
	listings_stage |
	stage local euprio-local --lang "$lang" -- - ${calls:+"$calls"} |
	stage goals euprio-goals |
	stage rank euprio-rank --today "$today" --lang "$lang" --rejects "$day/rejected-$today.csv" \
		${decisions:+--decisions "$decisions" --decline-memory "$memory"} ${cordis:+--cordis "$cordis"} \
		>"$day/candidates-$today.csv"
}

# judge NAME OKS: logs the stage's messages and status; sets $worst, or
# $failmsg when it failed (the first timed-out stage, else the first that
# did not just lose its reader, is the one named).
worst=0
failmsg=
failpipe=
log_inputs() {
	for k in calls cordis apps sdeo; do cat -- "$tmp/$k.files" "$tmp/$k.unread" >>"$logf" 2>/dev/null; done
}
log_stage() {  # NAME: its messages and status into the log; sets $s
	s=; [ -f "$tmp/st.$1" ] && read -r s <"$tmp/st.$1"
	[ -s "$tmp/$1.err" ] && sed "s/^/[$1] /" -- "$tmp/$1.err" >>"$logf"
	echo "stage $1: exit ${s:-(none: killed)}" >>"$logf"
}
judge() {
	log_stage "$1"
	case " $2 " in *" ${s:-x} "*) [ "$s" -gt "$worst" ] && worst=$s; return 0 ;; esac
	if [ -z "$s" ] && [ ! -e "$tmp/$1.err" ]; then
		[ -n "$failmsg" ] || failmsg="stage $1 could not start: cannot write in $(shown "$output") (disk full?)"
	elif [ -z "$s" ]; then
		[ -n "$failmsg" ] || failmsg="stage $1 was killed"
	elif [ "$s" = 124 ] || { [ "$s" = 137 ] && grep -q '^timeout: sending signal' -- "$tmp/$1.err"; }; then
		m="stage $1 exceeded its time limit of $limit s (stage_time_limit_seconds in settings.csv)"
		echo "$m" >>"$logf"
		case $failmsg in *"time limit"*) ;; *) failmsg=$m ;; esac
	elif [ "$s" = 141 ]; then
		failpipe=${failpipe:-"stage $1 failed (exit 141: its reader ended)"}
	else
		[ -n "$failmsg" ] || failmsg="stage $1 failed (exit $s)"
	fi
}

# ---- runs killed by SIGKILL (or a crash, or a power cut) left their work
# folder and no row.  Holding the lock, no live run owns one: each gets its
# row (unless it wrote it) and its log, then goes.  Not to be cut short by a
# signal (it is noted and acted on after).
(
trap '' HUP INT TERM
for w in "$output"/.euprio-run.*; do
	[ -e "$w" ] || [ -L "$w" ] || continue
	[ "$w" = "$tmp" ] && continue
	wname=${w##*/.euprio-run.}          # DATE.RUN
	wdate=${wname%%.*}; wid=${wname#*.}
	case $wdate/$wid in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]-[0-9]*) ;;
	*) wdate= ;;                      # not a name this script makes
	esac
	if [ -d "$w" ] && [ ! -L "$w" ]; then
		wat=$(runat "$wid")
		if [ -n "$wdate" ]; then
			# Published (the view it made is live) or not: the disk decides.
			if [ "$oldview" = ".euprio-data/view.$wid" ] && [ -f "$w/row.published" ]; then
				wrow=$(cat -- "$w/row.published")
				wlogf=$w/log.full
				wnote="killed after it published days/$wdate, before its log and row were written"
			elif [ -f "$w/row.failed" ]; then
				wrow=$(cat -- "$w/row.failed")      # killed while it ended a failed run
				wlogf=$w/log
				wnote="killed while it wrote the log of its failure; nothing published"
			else
				wrow=
			fi
			[ -n "$wrow" ] || {
				wrow="$wdate,$wat,4,\"killed before publishing; nothing published (row written by the next run)\",,"
				wlogf=$w/log
				wnote="killed before publishing (SIGKILL, a crash or a power cut); nothing published"
			}
			# Unless it got as far as writing them itself.
			if ! grep -qxF -- "$wrow" "$hist" 2>/dev/null; then
				hist_append "$wrow" || say "cannot write $(shown "$hist")"
			fi
			wlog=$output/log/euprio-$wdate.log
			if [ -f "$wlogf" ] && [ ! -L "$wlog" ] && { [ ! -e "$wlog" ] || [ -f "$wlog" ]; } &&
				! grep -qF -- "euprio-nightly run $wid " "$wlog" 2>/dev/null; then
				{ cat -- "$wlogf"; echo "$wnote; found by the run of $(date '+%F %T')"; } >>"$wlog"
			fi
			echo "found the work folder of run $wid ($wdate): $wnote; its row and log are written now" >>"$logf"
		fi
	fi
	rm -rf -- "$w"
done
# Work folders of runs that had ended, killed while they were removed.
for w in "$output"/.euprio-gone.*; do
	[ -e "$w" ] || [ -L "$w" ] || continue
	rm -rf -- "$w"
done
drop_dead_links
)

# ---- 1. The policy.
phase=config
# A file that cannot be made is a full disk, not a fault of the policy.
: 2>/dev/null >"$tmp/config.err" || fail 4 "cannot write in $(shown "$output") (disk full?); nothing was run"
check_config "$tmp/config.err"; st=$?
if [ -s "$tmp/config.err" ]; then sed 's/^/[check-config] /' -- "$tmp/config.err" >>"$logf"; cat -- "$tmp/config.err" >&2; fi
[ "$st" -eq 0 ] || fail 2 "the configuration has faults; nothing was run"
echo "stage time limit: $limit s" >>"$logf"

# ---- Staff decisions (#24) ----------------------------------------------
# INPUT/decisions.csv, when present: the coordinator's pursue, decline and
# watch, for euprio-rank, with the decline memory it keeps in OUTPUT
# (decline-memory.csv: what each declined record was when first declined).
# Rank replaces that file itself, atomically, once it has read the stream
# and written its outputs; a temporary one a killed rank left is removed
# here, under the lock.  ${decisions:+...} keeps a name with spaces whole.
decisions=
memory=$output/decline-memory.csv
if [ -e "$input/decisions.csv" ] || [ -L "$input/decisions.csv" ]; then
	decisions=$input/decisions.csv
	[ -L "$memory" ] && fail 4 "refusing to use $(shown "$memory"): it is a symbolic link, which euprio-nightly never makes there; nothing was run (remove it and run again)"
	rm -f -- "$output"/.decline-memory.csv.??????
fi
echo "decisions: $(shown "${decisions:-(none)}")" >>"$logf"
# -------------------------------------------------------------------------

# ---- 2. Days only move forward, unless told otherwise.
last=$(awk -F, '$1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/ && $3 ~ /^[013]$/ && $1 > m { m = $1 } END { print m }' "$hist" 2>/dev/null)
if [ -n "$last" ]; then
	datenum "$today"; tn=$dn; datenum "$last"
	if [ "$tn" -lt "$dn" ]; then
		[ "$force" = 1 ] || fail 2 "--today $today is before $last, the newest day already published (history.csv); nothing was run (--force runs it anyway)"
		echo "--force: $today is before $last; latest stays at the newest day" >>"$logf"
	fi
fi

# ---- 3. The pipeline, in the background so that a signal is acted on at
# once.  POSIX sh has no pipefail: each stage leaves its status in a file.
phase=pipeline
mkdir "$day" || fail 4 "cannot create a work folder in $(shown "$output")"
pipeline &
wait $!
phase=between
log_inputs
unread=$(cat -- "$tmp"/*.unread 2>/dev/null | wc -l)
for k in calls cordis apps sdeo local goals rank; do judge "$k" "0 1 3"; done
[ "$unread" -gt 0 ] && [ "$worst" -lt 3 ] && worst=3
[ -n "$failmsg$failpipe" ] && fail 4 "${failmsg:-$failpipe}"

# ---- 4. What changed since the newest earlier day (a re-run of a day still
# compares with the day before, not with its own first run).
prev=; prevn=0
datenum "$today"; tn=$dn
for f in "$output"/days/????-??-??/candidates-????-??-??.csv "$output"/candidates-????-??-??.csv; do
	[ -f "$f" ] || continue
	case $f in "$output"/candidates-*) [ -L "$f" ] && continue ;; esac  # the older layout's own files only
	d=${f##*/candidates-}; d=${d%.csv}
	datenum "$d"
	[ "$dn" -lt "$tn" ] && [ "$dn" -gt "$prevn" ] && { prev=$f; prevn=$dn; }
done
phase=changes
if [ -n "$prev" ]; then
	echo "changes against: $(shown "$prev")" >>"$logf"
	stage changes euprio-changes -r "$day/rejected-$today.csv" -- "$prev" "$day/candidates-$today.csv" >"$day/changes-$today.csv" &
else
	# The first night: everything is new.
	echo "changes against: nothing (the first night)" >>"$logf"
	stage changes euprio-changes -r "$day/rejected-$today.csv" --first-run -- "$day/candidates-$today.csv" >"$day/changes-$today.csv" &
fi
wait $!
phase=between
judge changes 0
[ -n "$failmsg" ] && fail 4 "could not compare with the last run: $failmsg"
changes=$(grep -c -E '^(new|new_call|left|decision|score),' -- "$day/changes-$today.csv")

# ---- 5. The morning workbook, from the same three files.
phase=xlsx
stage xlsx euprio-xlsx -o "$day/candidates-$today.xlsx" --rejects "$day/rejected-$today.csv" \
	--changes "$day/changes-$today.csv" --today "$today" --lang "$lang" -- "$day/candidates-$today.csv" &
wait $!
phase=between
judge xlsx "0 1"
[ -n "$failmsg" ] && fail 4 "the workbook could not be written: $failmsg"

# ---- 6. Publish.  Everything is made and flushed first; then one rename.
phase=publish
summary=$(sed -n 's/^euprio-rank: //p' -- "$tmp/rank.err" | tail -n 1)
[ "$unread" -gt 0 ] && summary="$summary; $unread input(s) could not be read"
for f in candidates rejected changes; do [ -f "$day/$f-$today.csv" ] || fail 4 "the stages left no $f file"; done
sync -- "$day"/* "$day" 2>/dev/null
mv -T -- "$day" "$store" 2>>"$logf" || fail 4 "cannot move the day into $(shown "$data")"
mkdir "$tmp/view" || fail 4 "cannot write in $(shown "$output")"
if [ -n "$oldview" ]; then
	cp -RP -- "$output/$oldview/." "$tmp/view/" 2>>"$logf" || fail 4 "cannot copy the published view (disk full?)"
fi
rm -f -- "$tmp/view/$today" "$tmp/view/latest" "$tmp/view/candidates-latest.csv" "$tmp/view/candidates-latest.xlsx"
ln -s -- "../$today.$runid" "$tmp/view/$today" || fail 4 "cannot write in $(shown "$output")"
for d in "$tmp"/view/????-??-??; do [ -L "$d" ] && newest=${d##*/}; done
ln -s -- "$newest" "$tmp/view/latest" &&
ln -s -- "$newest/candidates-$newest.csv" "$tmp/view/candidates-latest.csv" &&
ln -s -- "$newest/candidates-$newest.xlsx" "$tmp/view/candidates-latest.xlsx" || fail 4 "cannot write in $(shown "$output") (disk full?)"
mv -T -- "$tmp/view" "$newview" || fail 4 "cannot write in $(shown "$data")"
# The names users open, all links through "days".  A name that is not there
# yet is made now (it leads nowhere until the rename); one that is something
# else (the files of euprio 0.1, which had no days/) is replaced after it.
later=
for f in "candidates-$today.csv" "rejected-$today.csv" "changes-$today.csv" "candidates-$today.xlsx" \
	candidates-latest.csv candidates-latest.xlsx; do
	case $f in candidates-latest.*) want=days/$f ;; *) want=days/$today/$f ;; esac
	if [ ! -e "$output/$f" ] && [ ! -L "$output/$f" ]; then
		ln -s -- "$want" "$output/$f" 2>>"$logf" || fail 4 "cannot write in $(shown "$output") (disk full?)"
		made="$made $f"
	elif [ ! -L "$output/$f" ] || [ "$(readlink -- "$output/$f")" != "$want" ]; then
		later="$later $f"
	fi
done
# The row and the log as they will be, made now, so that nothing after the
# rename needs space: a full disk fails the run here, before it.
secs=$(($(date +%s) - start))
{ cat -- "$logf"; echo "result: $summary; $changes change(s); exit $worst; ${secs}s; published days/$today"; } >"$tmp/log.full" &&
	{ [ ! -f "$log" ] || cp -- "$log" "$tmp/log.new"; } && cat -- "$tmp/log.full" >>"$tmp/log.new" &&
	{ if [ -s "$hist" ]; then cp -- "$hist" "$tmp/history.new"; else printf '%s\n' "$hist_header" >"$tmp/history.new"; fi; } &&
	{ [ -z "$(tail -c 1 -- "$tmp/history.new")" ] || echo >>"$tmp/history.new"; } &&
	row "$worst" "$summary" "$changes" "$secs" >"$tmp/row.published" && echo >>"$tmp/row.published" &&
	cat -- "$tmp/row.published" >>"$tmp/history.new" &&
	ln -s -- ".euprio-data/view.$runid" "$tmp/days" &&
	sync -- "$tmp/log.new" "$tmp/history.new" "$tmp" "$newview" "$data" "$output" 2>/dev/null ||
	fail 4 "cannot write the log and the history (disk full?)"

mv -T -- "$tmp/days" "$output/days" 2>>"$logf" || fail 4 "cannot publish: the rename of days failed"
phase=published
# ---- 7. Bookkeeping: renames only, then tidying up.  A signal now waits:
# the shell notes it (on_signal), and this subshell and the commands it runs
# ignore it, so that a SIGTERM to the whole group cannot cut a helper short
# (a find cut short would have the tidying remove days still published).
(
	trap '' HUP INT TERM
	mv -f -- "$tmp/log.new" "$log" || say "published, but the log $(shown "$log") could not be written"
	mv -f -- "$tmp/history.new" "$hist" || say "published, but $(shown "$hist") could not be written"
	for f in $later; do
		case $f in candidates-latest.*) want=days/$f ;; *) want=days/$today/$f ;; esac
		rm -f -- "$tmp/l"; ln -s -- "$want" "$tmp/l" && mv -T -f -- "$tmp/l" "$output/$f" || say "cannot update $(shown "$output/$f")"
	done
	# The views and days no longer published, once the new view is known to
	# name today (else nothing is removed).
	refs=$(find "$newview" -mindepth 1 -maxdepth 1 -type l -name '????-??-??' -printf ' %l') &&
	case "$refs " in *" ../$today.$runid "*) ;; *) false ;; esac &&
	for d in "$data"/* "$data"/.[!.]*; do
		[ -e "$d" ] || [ -L "$d" ] || continue
		b=${d##*/}
		[ "$b" = "view.$runid" ] && continue
		case "$refs " in *" ../$b "*) continue ;; esac
		rm -rf -- "$d"
	done
	drop_dead_links
	sync -- "$output" "$output/log" 2>/dev/null
)
msg="$today: $summary; $changes change(s); exit $worst"
[ -n "$sig" ] && msg="$msg; SIG$sig came after the day was published and waited until the log and history were written"
say "$msg"
exit "$worst"
