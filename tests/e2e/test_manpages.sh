# Every program has a man page that renders without warnings and names
# every long option its --help lists.
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
done
finish
