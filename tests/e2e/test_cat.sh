# euprio-cat end to end: header union, stdin, missing files, closed
# stdout, write errors, help and version.
. "$(dirname "$0")/lib.sh"

printf 'id,title\n1,"Robotter, som\njobskabere"\n2,Grøn havn\n' >"$T/a.csv"
printf '\357\273\277id,deadline,title\r\n3,2025-05-14,Ældre\r\n' >"$T/b.csv"

expect_status 0 euprio-cat "$T/a.csv" "$T/b.csv"
cat >"$T/want" <<'W'
id,title,deadline,reject_reason,origin
1,"Robotter, som
jobskabere",,,
2,Grøn havn,,,
3,Ældre,2025-05-14,,
W
same "$T/out" "$T/want" "header union in first-seen order"

# "-" reads stdin in its place among the files.
expect_status 0 sh -c "euprio-cat '$T/a.csv' - <'$T/b.csv'"
same "$T/out" "$T/want" "stdin via -"

# No file arguments: stdin.  A second pass is idempotent.
expect_status 0 sh -c "euprio-cat <'$T/a.csv' | euprio-cat"
head -1 "$T/out" >"$T/h"
printf 'id,title,reject_reason,origin\n' >"$T/hw"
same "$T/h" "$T/hw" "cat of cat keeps the header"

# A missing file is reported, the others are still read, status 3.
expect_status 3 euprio-cat "$T/a.csv" "$T/missing.csv" "$T/b.csv"
contains "$T/err" "euprio-cat: $T/missing.csv: cannot open" "missing file message"
contains "$T/out" "Ældre" "files after the missing one are read"

# A ragged row travels on as rejected with file:line, status 1.
printf 'id,title\n1,a\n2,b,extra\n3,c\n' >"$T/r.csv"
expect_status 1 euprio-cat "$T/r.csv"
contains "$T/err" "$T/r.csv:3: ragged row: 3 fields where the header has 2" "ragged row message"
contains "$T/out" ",\"ragged row: 3 fields where the header has 2; first field \"\"2\"\"\",$T/r.csv:3" "ragged row rejected with origin"
contains "$T/out" "3,c,," "row after the ragged one kept"

# A closed stdout ends quietly.
seq 1 200000 | sed 's/^/x,/' | sed '1s/^/id,v\n/' >"$T/big.csv"
expect_status 0 sh -c "euprio-cat '$T/big.csv' | head -1"
[ ! -s "$T/err" ] && pass || fail "head -1 left messages: $(cat "$T/err")"

# A failed write is status 4 with a message.
if [ -w /dev/full ]; then
	expect_status 4 sh -c "euprio-cat '$T/big.csv' >/dev/full"
	contains "$T/err" "write error" "write error reported"
fi

# An empty file: no header, status 3.
: >"$T/empty.csv"
expect_status 3 euprio-cat "$T/empty.csv"
contains "$T/err" "empty input: no header row" "empty file message"

expect_status 0 euprio-cat --help
contains "$T/out" "usage: euprio-cat" "help text"
expect_status 0 euprio-cat -V
contains "$T/out" "libcsv" "version names libraries"
expect_status 2 euprio-cat --no-such-option
contains "$T/err" "Try 'euprio-cat --help'" "usage hint"

finish
