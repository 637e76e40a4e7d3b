# The catalogue of bad inputs: for each, the program does not crash or
# hang (20 s bound), exits with the documented status, names file:line, and
# passes every good record around the bad one through (rejected records
# travel on).  Small inputs live in tests/corpus/bad/; large ones are made
# here.  docs/testing.md lists them.
. "$(dirname "$0")/lib.sh"
BAD="$EUPRIO_SRC/tests/corpus/bad"
tried=0

# records FILE -> "TOTAL REJECTED"
records() {
	python3 -c 'import csv, sys
csv.field_size_limit(1 << 30)
r = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
print(len(r), sum(1 for x in r if x.get("reject_reason")))' "$1"
}

# bad NAME STATUS MESSAGE "TOTAL REJECTED" CMD...: one catalogue entry.
bad() {
	name=$1 want=$2 msg=$3 counts=$4; shift 4
	tried=$((tried + 1))
	set +e
	timeout 20 "$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" -eq 124 ]; then fail "$name: did not finish in 20 s"; return; fi
	if [ "$got" -ge 128 ]; then fail "$name: crashed (status $got): $(head -c 400 "$T/err")"; return; fi
	[ "$got" -eq "$want" ] && pass || fail "$name: exit $got, expected $want: $(head -c 400 "$T/err")"
	if [ -n "$msg" ]; then contains "$T/err" "$msg" "$name: diagnostic"
	else [ ! -s "$T/err" ] && pass || fail "$name: unexpected messages: $(head -c 400 "$T/err")"; fi
	if [ "$counts" != - ]; then
		c=$(records "$T/out")
		[ "$c" = "$counts" ] && pass || fail "$name: records (total rejected) $c, expected $counts"
	fi
}

good="id,title,summary
A-1,Robotter i ældreplejen,robotter og velfærdsteknologi"
last="Z-9,Klima,klimatilpasning i Odense"

# --- CSV record streams (euprio-cat reads them as every stage does) ---
printf '%s\nB-2,"never closed,x\n' "$good" >"$T/unterminated.csv"
bad "unterminated quote at EOF" 1 "unterminated.csv:3: unterminated quoted field at end of input" "2 1" euprio-cat "$T/unterminated.csv"
printf '%s\nB-2,only two\nB-3,a,b,c,d\n%s\n' "$good" "$last" >"$T/ragged.csv"
bad "ragged rows" 1 "ragged.csv:4: ragged row: 5 fields where the header has 3" "4 2" euprio-cat "$T/ragged.csv"
printf '%s\nB-2,nul\000here,x\n%s\n' "$good" "$last" >"$T/nul.csv"
bad "NUL byte" 1 "nul.csv:3: NUL byte in field 2" "3 1" euprio-cat "$T/nul.csv"
printf '%s\nB-2,\377\376 bad,x\n%s\n' "$good" "$last" >"$T/badutf8.csv"
bad "invalid UTF-8" 1 "badutf8.csv:3: invalid UTF-8 in field 2" "3 1" euprio-goals "$T/badutf8.csv"
python3 -c 'import sys; open(sys.argv[1], "wb").write(b"\xff\xfe" + "id,title\nA-1,Ældre\n".encode("utf-16-le"))' "$T/utf16.csv"
bad "UTF-16 with BOM" 3 "utf16.csv:1: UTF-16 text (byte-order mark FF FE): save it as UTF-8" "0 0" euprio-cat "$T/utf16.csv" 
printf 'id,title,summary\n' >"$T/headeronly.csv"
bad "header only" 0 "" "0 0" euprio-goals "$T/headeronly.csv"
: >"$T/empty.csv"
bad "empty file" 3 "empty.csv: empty input: no header row" "0 0" euprio-cat "$T/empty.csv"
# Deterministic "binary": every byte value, as in an image or a zip.
python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes(range(256)) * 16)' "$T/binary.csv"
bad "binary file" 3 "binary.csv:1: unusable header row" "0 0" euprio-cat "$T/binary.csv" "$T/headeronly.csv"
{ printf '%s\nB-2,' "$good"; head -c 10485760 /dev/zero | tr '\0' x; printf ',y\n%s\n' "$last"; } >"$T/bigfield.csv"
bad "10 MB single field" 1 "bigfield.csv:3: field 2 longer than" "3 1" euprio-cat "$T/bigfield.csv"
# 100 000 columns: each stage took 40 s (quadratic); now the row is a
# rejected record past limit.columns, and such a header an unusable file.
python3 -c 'import sys; open(sys.argv[1], "w").write("id,title,summary,partners\nA-1,t,s,\n" + ",".join(["w"] * 100000) + "\nZ-9,t,s,\n")' "$T/widerow.csv"
for stage in euprio-cat euprio-local euprio-goals; do
	bad "a row of 100 000 fields ($stage)" 1 "widerow.csv:3: more than 5000 fields in one row (limit.columns" "3 1" $stage "$T/widerow.csv"
done
python3 -c 'import sys; open(sys.argv[1], "w").write(",".join("c%d" % i for i in range(100000)) + "\n" + ",".join(["v"] * 100000) + "\n")' "$T/wideheader.csv"
bad "a header of 100 000 columns" 3 "wideheader.csv:1: unusable header row: more than 5000 fields" "0 0" euprio-cat "$T/wideheader.csv"
python3 -c 'import sys; open(sys.argv[1], "w").write(",".join("c%d" % i for i in range(4000)) + ",id\n" + ",".join(["v"] * 4000) + ",X-1\n")' "$T/wideok.csv"
bad "a header of 4 000 columns, under the limit" 0 "" "1 0" euprio-cat "$T/wideok.csv"
bad "unreadable file among good ones" 3 "/nonexistent/x.csv: cannot open" "2 1" euprio-cat "$T/unterminated.csv" /nonexistent/x.csv

# --- XML exports ---
bad "truncated XML" 3 "truncated.xml:" - euprio-apps "$BAD/truncated.xml"
bad "XML with a DTD" 3 "xxe.xml:" - euprio-apps "$BAD/xxe.xml"
lacks "$T/out" "root:" "external entity never read"
bad "billion laughs" 3 "billion-laughs.xml:" - euprio-apps "$BAD/billion-laughs.xml"
bad "external parameter entity" 3 "xxe-no-doctype-param.xml:" - euprio-apps "$BAD/xxe-no-doctype-param.xml"
bad "mismatched tag" 3 "mismatched-tag.xml:" - euprio-apps "$BAD/mismatched-tag.xml"
h='<?xml version="1.0"?><portfolio xmlns="urn:odense:portfolio:export:2">'
g1='<application id="G-1"><title xml:lang="da">Robotter</title></application>'
g2='<application id="G-2"><title xml:lang="da">Klima</title></application>'
python3 - "$T" "$h" "$g1" "$g2" <<'EOF'
import sys
t, h, g1, g2 = sys.argv[1], *(a.encode() for a in sys.argv[2:])
w = lambda n, b: open(f"{t}/{n}", "wb").write(b)
w("nested.xml", h + b"\n" + g1 + b'\n<application id="D-1">' + b"<a>" * 100000 + b"</a>" * 100000 + b"</application>\n" + g2 + b"</portfolio>")
w("bigtext.xml", h + b"\n" + g1 + b'\n<application id="X-1"><title xml:lang="da">t</title><summary>' + b"ord " * (50 * 1024 * 1024 // 4) + b"</summary></application>\n" + g2 + b"</portfolio>")
w("utf16.xml", '<?xml version="1.0" encoding="UTF-16"?><portfolio xmlns="urn:odense:portfolio:export:2"><application id="U-1"><title xml:lang="da">Ældre</title></application></portfolio>'.encode("utf-16"))
# libxml2 compares an element's attributes with each other: 100,000 took
# 117 s, so more than limit.xml_attributes stop the file at that element.
attrs = lambda n: b" ".join(b'a%d="%d"' % (i, i) for i in range(n))
w("attrs.xml", h + b"\n" + g1 + b'\n<application id="A-1" ' + attrs(100000) + b'><title xml:lang="da">t</title></application>\n' + g2 + b"</portfolio>")
w("attrs16.xml", (h.decode() + "\n" + g1.decode() + '\n<application id="A-1" ' + attrs(100000).decode() + '><title xml:lang="da">t</title></application>\n' + g2.decode() + "</portfolio>").encode("utf-16"))
# Quotes in comments, CDATA and processing instructions are not attributes.
w("quotes.xml", h + b"\n<!-- " + b'"x" ' * 5000 + b" -->\n<?pi " + b"'y' " * 5000 + b"?>" + g1 + b'\n<application id="Q-1"><summary><![CDATA[' + b'"a"=' * 5000 + b"]]></summary><title xml:lang=\"da\">q</title></application>\n<application id=\"Q-2\" " + attrs(900) + b"><title>w</title></application>" + g2 + b"</portfolio>")
w("badutf8.xml", h + b"\n" + g1 + b'\n<application id="B-1"><title xml:lang="da">\xff\xfe</title></application>' + g2 + b"</portfolio>")
w("amounts.xml", h + b'<application id="N-1"><title xml:lang="da">Negativ</title><budget><total currency="EUR">-5000</total></budget><deadline>31-02-2025</deadline></application>'
  b'<application id="N-2"><title xml:lang="da">Absurd</title><budget><total currency="EUR">99999999999999999</total></budget><deadline>2025-13-01</deadline></application>'
  b'<application id="N-3"><title xml:lang="da">God</title><budget><total currency="DKK">746.000</total></budget><deadline>22-04-2025</deadline></application></portfolio>')
EOF
# libxml2 stops at its limits (depth 256, 10 MB text nodes; XML_PARSE_HUGE
# stays off): the records before are kept, the one it broke in is rejected,
# and what follows is not read (the exit status says so).
bad "deeply nested elements" 3 "nested.xml:3:" "2 1" euprio-apps "$T/nested.xml"
bad "50 MB single text node" 3 "bigtext.xml:3:" "2 1" euprio-apps "$T/bigtext.xml"
bad "UTF-16 XML with BOM" 0 "" "1 0" euprio-apps "$T/utf16.xml"
contains "$T/out" "Ældre" "UTF-16 XML decoded"
bad "100 000 attributes on one element" 3 "attrs.xml:3: an element with more than 1000 attributes (limit.xml_attributes" "1 0" euprio-apps "$T/attrs.xml"
bad "100 000 attributes, UTF-16" 3 "attrs16.xml:3: an element with more than 1000 attributes" "1 0" euprio-apps "$T/attrs16.xml"
bad "quotes in comments, CDATA and instructions; 900 attributes" 0 "" "4 0" euprio-apps "$T/quotes.xml"
bad "invalid UTF-8 in XML" 3 "badutf8.xml:3:" "2 1" euprio-apps "$T/badutf8.xml"
bad "negative and absurd amounts, 31-02-2025" 0 "record N-1: deadline: '31-02-2025' is not a date; total_eur: '-5000' is not an amount" "3 0" euprio-apps "$T/amounts.xml"
python3 - "$T/out" <<'EOF' && pass || fail "amounts and dates: negative, absurd and impossible values must be empty with a warning"
import csv, sys
r = {x["id"]: x for x in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
assert r["N-1"]["total_eur"] == "" and "total_eur" in r["N-1"]["warnings"], r["N-1"]
assert r["N-1"]["deadline"] == "" and "deadline" in r["N-1"]["warnings"], r["N-1"]
assert r["N-2"]["total_eur"] == "" and r["N-2"]["deadline"] == "", r["N-2"]
assert r["N-3"]["total_eur"] == "100000" and r["N-3"]["deadline"] == "2025-04-22", r["N-3"]
EOF

# --- configuration ---
mkdir "$T/cfg" && cp -r "$CONFIG"/* "$T/cfg/"
python3 -c 'import sys; print("a" * 5000 + "!")' >"$T/aaa.txt"
{ printf 'id,title,summary\nA-1,t,'; cat "$T/aaa.txt"; printf 'A-2,Robotter,robotter i ældreplejen\n'; } >"$T/backtrack.csv"
cp "$CONFIG/goal_terms.csv" "$T/cfg/goal_terms.csv"
printf 'G1,da,1,summary,(a+)+$,,\n' >>"$T/cfg/goal_terms.csv"
bad "catastrophic-backtracking term" 1 "backtrack.csv:2:" "2 1" euprio-goals -c "$T/cfg" "$T/backtrack.csv"
cp "$CONFIG/goal_terms.csv" "$T/cfg/goal_terms.csv"
printf 'G1,da,1,summary,\377bad,,\n' >>"$T/cfg/goal_terms.csv"
bad "goal term with invalid UTF-8" 2 "goal_terms.csv:" "0 0" euprio-goals -c "$T/cfg" "$T/headeronly.csv"

# --- faults: a full disk for every stage's output, and a reader that goes
# away (closed stdout) ends a stage quietly instead of hanging.
if [ -w /dev/full ]; then
	# euprio-rank refuses a stream the local and goals stages have not seen.
	euprio-local "$SAMPLES/records.csv" 2>/dev/null | euprio-goals >"$T/scored.csv" 2>/dev/null
	for stage in euprio-cat euprio-local euprio-goals "euprio-rank --today 2025-03-01 -r $T/rej.csv" euprio-sdeo; do
		in="$SAMPLES/records.csv"
		case "$stage" in euprio-rank*) in="$T/scored.csv" ;; esac
		set +e; timeout 20 sh -c "$stage '$in' >/dev/full" 2>"$T/err"; st=$?; set -e
		[ "$st" -eq 4 ] && pass || fail "$stage to a full disk: exit $st, expected 4"
		contains "$T/err" "No space left on device" "$stage names the full disk"
	done
fi
for i in $(seq 2000); do cat "$SAMPLES/records.csv"; done >"$T/big.csv"
set +e; timeout 20 sh -c "euprio-cat '$T/big.csv' | head -c 10 >/dev/null" 2>"$T/err"; st=$?; set -e
[ "$st" -eq 0 ] && pass || fail "closed stdout: status $st"
! grep -v "ragged row\|column .* appears twice\|header" "$T/err" | grep -q . && pass || fail "closed stdout should end quietly: $(head -c 300 "$T/err")"

echo "bad inputs tried: $tried" >&2
finish
