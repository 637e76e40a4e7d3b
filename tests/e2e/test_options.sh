# One letter, one meaning (docs/cli.md): every program's --help is read,
# and the test fails when a short option means two things in two programs,
# when a C program accepts a letter its --help does not list (or refuses
# one it lists), when docs/cli.md's table and a --help disagree, or when a
# letter a program gave up no longer names its new spelling.
. "$(dirname "$0")/lib.sh"
cd "$T"
CLI="$EUPRIO_SRC/docs/cli.md"

progs=""
for p in "$EUPRIO_BIN"/euprio-*; do
	[ -f "$p" ] && [ -x "$p" ] && progs="$progs $(basename "$p")"
done
[ -n "$progs" ] || { fail "no euprio-* programs in $EUPRIO_BIN"; finish; }

# "PROG SHORT LONG" for every option line of every --help ("-" when an
# option has no short form).
: >opts
for prog in $progs; do
	"$prog" --help >help.$prog 2>&1 || fail "$prog --help exited non-zero"
	sed -n 's/^  *\(-\([A-Za-z]\), \)\{0,1\}--\([a-z][a-z-]*\).*/\2 \3/p' help.$prog |
		while read -r a b; do
			if [ -n "$b" ]; then echo "$prog $a $b"; else echo "$prog - $a"; fi
		done >>opts
	grep -q "^$prog " opts && pass || fail "$prog --help lists no options"
done

# 1. A letter means one long option everywhere.
awk '$2 != "-" { print $2, $3 }' opts | sort -u >letters
awk '{ print $1 }' letters | uniq -d >twice
if [ -s twice ]; then
	for l in $(cat twice); do
		fail "-$l means $(awk -v l="$l" '$2 == l { printf "%s in %s; ", $3, $1 }' opts)"
	done
else
	pass
fi
# ... and a long option has one letter everywhere (or none).
awk '$2 != "-" { print $3, $2 }' opts | sort -u | awk '{ print $1 }' | uniq -d >twice
[ -s twice ] && fail "long options with two letters: $(cat twice | tr '\n' ' ')" || pass
awk '$2 == "-" { print $3 }' opts | sort -u >longonly
for l in $(cat longonly); do
	grep -q " $l\$" letters && fail "--$l has a short letter in one program and none in another" || pass
done

# ... and the usage line gives only letters the list has.
for prog in $progs; do
	awk 'NR == 1 || (/^          / && !done) { print; next } { done = 1 }' help.$prog |
		grep -o '[[ (|]-[A-Za-z][A-Za-z]*' | sed 's/^..//' | fold -w1 | sort -u >syn.$prog
	for l in $(cat syn.$prog); do
		grep -q "^$prog $l " opts && pass || fail "$prog's usage line gives -$l, which its option list does not"
	done
done

# 2. A C program accepts exactly the letters its --help lists: each letter
# is tried alone; getopt's "invalid option" means refused.  (The shell
# script euprio-nightly is held to its --help by its own test.)
for prog in $progs; do
	head -c 4 "$(command -v "$prog")" | grep -q 'ELF' || continue
	for l in a b c d e f g i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U W X Y Z; do
		set +e
		timeout 20 "$prog" "-$l" </dev/null >/dev/null 2>err
		set -e
		if grep -q "invalid option" err; then acc=0; else acc=1; fi
		if grep -q "^$prog $l " opts; then listed=1; else listed=0; fi
		if [ "$acc" = "$listed" ]; then pass
		elif [ "$acc" = 1 ]; then fail "$prog accepts -$l, which its --help does not list"
		else fail "$prog refuses -$l, which its --help lists"
		fi
	done
done

# 3. docs/cli.md has a row per long option with its letter and every
# program that has it, and names no program an option it lacks.
while read -r prog short long; do
	row=$(grep -F -- "| \`--$long\` |" "$CLI" || true)
	[ -n "$row" ] || { fail "docs/cli.md has no row for --$long ($prog)"; continue; }
	if [ "$short" = "-" ]; then
		case "$row" in "| |"*) pass ;; *) fail "docs/cli.md gives --$long a letter; $prog has none" ;; esac
	else
		case "$row" in "| \`-$short\` |"*) pass ;; *) fail "docs/cli.md: --$long is not -$short as in $prog" ;; esac
	fi
	case "$row" in *"$prog"*|*"every program"*) pass ;; *) fail "docs/cli.md: the --$long row does not name $prog" ;; esac
done <opts
awk -F'|' '/^\| (`-[A-Za-z]`)? *\| `--/ {
	gsub(/\\\|/, "/"); gsub(/[ `]/, "", $3); n = split($6, p, ",");
	for (i = 1; i <= n; i++) { gsub(/ /, "", p[i]); print p[i], $3 } }' "$CLI" >docrows
while read -r prog long; do
	case "$prog" in everyprogram) continue ;; esac
	command -v "$prog" >/dev/null || continue   # a program of another branch
	grep -q "^$prog . ${long#--}\$" opts && pass || fail "docs/cli.md says $prog has $long; its --help does not"
done <docrows

# 4. A letter a program gave up fails with status 2 and the new spelling,
# so a script that used it stops instead of doing something else.
retired() {
	expect_status 2 "$1" "$2" x
	contains "$T/err" "$2 was short for $3" "$1 $2"
}
retired euprio-rank -a --all-columns
retired euprio-sdeo -d --delimiter
retired euprio-goals -e --explain
retired euprio-split -n --parts
retired euprio-split -l --records
retired euprio-split -p --prefix
# The new spellings do what the long names do.
euprio-sdeo -F ';' "$SAMPLES/sdeo-2025-w09.csv" >f.csv 2>/dev/null || true
euprio-sdeo --delimiter ';' "$SAMPLES/sdeo-2025-w09.csv" >delim.csv 2>/dev/null || true
[ -s f.csv ] && same f.csv delim.csv "euprio-sdeo -F is --delimiter" || fail "euprio-sdeo -F wrote nothing"
euprio-goals -xBSF-2025-014 "$SAMPLES/records.csv" >x.txt 2>/dev/null || true
euprio-goals --explain=BSF-2025-014 "$SAMPLES/records.csv" >explain.txt 2>/dev/null || true
[ -s x.txt ] && same x.txt explain.txt "euprio-goals -xID is --explain=ID" || fail "euprio-goals -xID printed nothing"
finish
