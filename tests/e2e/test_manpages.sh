# Every program has a man page that renders without warnings, names every
# long option its --help lists with the same short letter, and gives no
# letter (in OPTIONS or SYNOPSIS) that its --help does not.
. "$(dirname "$0")/lib.sh"
command -v groff >/dev/null || { echo "skip: groff not installed"; exit 77; }
for prog in euprio-cat euprio-apps euprio-sdeo euprio-calls euprio-local euprio-goals euprio-rank euprio-check-config euprio-changes euprio-nightly euprio-split euprio-xlsx; do
	page="$EUPRIO_SRC/man/$prog.1"
	[ -f "$page" ] && pass || { fail "$prog has no man page"; continue; }
	groff -man -ww -z "$page" >"$T/w" 2>&1
	[ ! -s "$T/w" ] && pass || fail "$prog.1 renders with warnings: $(cat "$T/w")"
	"$prog" --help >"$T/help"
	for opt in $(grep -o -- '--[a-z][a-z-]*' "$T/help" | sort -u); do
		esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$page" && pass || fail "$prog.1 does not document $opt"
	done
	sed -n 's/^  *-\([A-Za-z]\), --\([a-z][a-z-]*\).*/\1 \2/p' "$T/help" >"$T/pairs"
	while read -r short long; do
		esc=$(printf '%s' "$long" | sed 's/-/\\\\-/g')
		grep -Eq -- "^\.B[IR]? .*\\\\-$short[^A-Za-z].*\\\\-\\\\-$esc([^a-z-]|\$)" "$page" && pass ||
			fail "$prog.1 does not give --$long as -$short"
	done <"$T/pairs"
	# The letters the page gives: "\-X" before ", " in OPTIONS, and the
	# letters of every "\fB\-XYZ" in SYNOPSIS.
	{ sed -n 's/^\.B[IR]\{0,1\} \\-\([A-Za-z]\)[^A-Za-z].*/\1/p' "$page"
	  sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$page" | grep -o '\\fB\\-[A-Za-z][A-Za-z]*' |
		sed 's/.*-//' | fold -w1; } | sort -u >"$T/manletters"
	for l in $(cat "$T/manletters"); do
		grep -q "^$l " "$T/pairs" && pass || fail "$prog.1 gives -$l, which $prog --help does not list"
	done
done
# The pages that are no program's (euprio(7)) render cleanly too.
for page in "$EUPRIO_SRC"/man/*.[2-8]; do
	groff -man -ww -z "$page" >"$T/w" 2>&1
	[ ! -s "$T/w" ] && pass || fail "$(basename "$page") renders with warnings: $(cat "$T/w")"
done
finish
