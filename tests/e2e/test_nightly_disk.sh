# euprio-nightly on a full disk (#22): a small tmpfs holds yesterday's
# output and is filled to leave a little less room each time, in bytes and
# then in inodes, so that the run runs out at every step of its way.  Each
# run must fail with 4 and leave yesterday as a reader saw it, or publish
# today whole; what it says must be what it did, and once there is room
# again the next run publishes today.  Needs root to mount (CI runs as
# root); skips with 77 where mount is not permitted.
. "$(dirname "$0")/lib.sh"
for c in flock python3 mount umount; do
	command -v "$c" >/dev/null || { echo "skip: $c not installed"; exit 77; }
done
STATE="python3 $EUPRIO_SRC/tests/e2e/nightly_state.py"
M="$T/mnt"
mkdir "$M"
mount -t tmpfs -o size=4m,mode=0755 tmpfs "$M" 2>/dev/null || { echo "skip: cannot mount a tmpfs (not root?)"; exit 77; }
trap 'umount "$M" 2>/dev/null; rm -rf "$T"' EXIT

mkdir -p "$T/in/applications" "$T/in/listings"
cp "$SAMPLES"/applications-*.xml "$SAMPLES"/cordis-project.xml "$T/in/applications/"
cp "$SAMPLES"/sdeo-2025-w09.csv "$SAMPLES"/sdeo-2025-w10-cp1252.tsv "$T/in/listings/"
euprio-nightly -i "$T/in" -o "$T/Y" --today 2025-03-01 2>/dev/null || [ $? = 1 ] || fail "yesterday's run"
cp -a "$T/Y" "$T/R"
euprio-nightly -i "$T/in" -o "$T/R" --today 2025-03-02 2>/dev/null || [ $? = 1 ] || fail "today's run"
$STATE state "$T/Y" >"$T/Y.state"
$STATE state "$T/R" >"$T/R.state"
yrows=$(($(wc -l <"$T/Y/history.csv") - 1))

avail() { df -B1 --output=avail "$M" | tail -n 1 | tr -d ' '; }
ifree() { df --output=iavail "$M" | tail -n 1 | tr -d ' '; }
failed=0; published=0; norow=0
# step LABEL: one run on what is left, its checks, and the run after it.
step() {
	st=0; euprio-nightly -i "$T/in" -o "$M/out" --today 2025-03-02 >"$T/run.out" 2>"$T/run.err" || st=$?
	$STATE state "$M/out" --check >"$T/W.state" 2>"$T/faults" && pass || fail "$1: inconsistent: $(cat "$T/faults")"
	rows=$(($(wc -l <"$M/out/history.csv") - 1))
	case $st in
	4)
		failed=$((failed + 1))
		same "$T/W.state" "$T/Y.state" "$1: failed, and yesterday"
		grep -q "yesterday's output is untouched\|nothing was run" "$T/run.err" && pass || fail "$1: said $(cat "$T/run.err")"
		ls -a "$M/out" | grep -q '^\.euprio-run\.' && fail "$1: a work folder was left" || pass
		# The row is written when a line still fits, or stderr says it is not.
		# The row is written if a line still fits in history.csv's last block.
		[ "$rows" = $((yrows + 1)) ] || grep -q "cannot write .*history.csv\|cannot write in .*(disk full?)" "$T/run.err" &&
			pass || fail "$1: no row and no word of it: $(cat "$T/run.err")"
		[ "$rows" = $((yrows + 1)) ] && norow=$norow || norow=$((norow + 1)) ;;
	1)
		published=$((published + 1))
		same "$T/W.state" "$T/R.state" "$1: published, and today"
		lacks "$T/run.err" "untouched" "$1: says it published"
		[ "$rows" = $((yrows + 1)) ] && tail -n 1 "$M/out/history.csv" | grep -q '^2025-03-02,.*,1,' && pass ||
			fail "$1: published without its row" ;;
	*) fail "$1: exit $st: $(cat "$T/run.err")" ;;
	esac
	rm -f "$M/filler" "$M"/inode.*
	st=0; euprio-nightly -i "$T/in" -o "$M/out" --today 2025-03-02 >"$T/run.out" 2>"$T/run.err" || st=$?
	[ "$st" = 1 ] && pass || fail "$1: the run with room again exited $st: $(cat "$T/run.err")"
	$STATE state "$M/out" --check --tidy >"$T/W.state" 2>"$T/faults" && pass || fail "$1: after: $(cat "$T/faults")"
	same "$T/W.state" "$T/R.state" "$1: today once there is room"
}

# Bytes: from nothing left to enough, in steps of two pages.
room=0
while [ "$room" -le 163840 ]; do
	rm -rf "$M/out"; cp -a "$T/Y" "$M/out"
	free=$(avail)
	[ "$free" -gt "$room" ] && head -c $((free - room)) /dev/zero >"$M/filler" 2>/dev/null
	step "$room bytes free"
	room=$((room + 16384))
done
# Inodes: the same, one file at a time.
umount "$M"
mount -t tmpfs -o size=4m,nr_inodes=200,mode=0755 tmpfs "$M"
left=0
while [ "$left" -le 24 ]; do
	rm -rf "$M/out"; cp -a "$T/Y" "$M/out"
	k=$(($(ifree) - left)); j=0
	while [ "$j" -lt "$k" ]; do : >"$M/inode.$j" 2>/dev/null || break; j=$((j + 1)); done
	step "$left inodes free"
	left=$((left + 4))
done
echo "full disk: $failed runs failed cleanly ($norow of them without room for their row), $published published"
[ "$failed" -gt 0 ] && [ "$published" -gt 0 ] && pass || fail "the steps never crossed from failing to publishing"
finish
