# euprio-apps end to end: the samples of each export shape, and hostile
# XML: DTDs, external entities, billion laughs, truncation, slow pipes.
. "$(dirname "$0")/lib.sh"
BAD="$EUPRIO_SRC/tests/corpus/bad"
cd "$SAMPLES"

expect_status 1 euprio-apps applications-bsf.xml applications-ahf.xml applications-bkf-v1.xml cordis-project.xml
golden apps-samples.csv "$T/out"
contains "$T/err" "applications-bsf.xml:75: record without an id: passed on as rejected" "missing id reported"
contains "$T/err" "record BSF-2024-031: deadline: 'soon' is not a date; eu_grant_eur: 'n/a' is not an amount" "bad values warned"
contains "$T/out" "Grøn havn og byrum ved Odense Å" "ISO-8859-1 decoded"
contains "$T/out" "Ældre- og Handicapforvaltningen" "BOM file read"
contains "$T/out" "2000000,1200000,100000" "DKK converted at 7.46"
contains "$T/out" ",2025-04-22,," "hand-typed date 22.04.2025 normalised"

# The same bytes a byte at a time through a pipe give the same records.
python3 -c '
import os, sys
data = open(sys.argv[1], "rb").read()
for i in range(len(data)):
    os.write(1, data[i:i+1])
' applications-bsf.xml | euprio-apps >"$T/slow.csv" 2>/dev/null || true
euprio-apps - <applications-bsf.xml >"$T/fast.csv" 2>/dev/null || true
same "$T/slow.csv" "$T/fast.csv" "1-byte pipe reads the same"

# External entities and DTDs are refused, and nothing leaks.
for f in xxe.xml xxe-no-doctype-param.xml; do
	expect_status 3 euprio-apps "$BAD/$f"
	contains "$T/err" "$BAD/$f:2: document type declaration refused" "$f refused with file:line"
	lacks "$T/out" "root:" "$f leaks nothing"
done
start=$(date +%s%N)
expect_status 3 euprio-apps "$BAD/billion-laughs.xml"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 1000 ] && pass || fail "billion laughs took $ms ms"
contains "$T/err" "document type declaration refused" "billion laughs refused"

# A broken file keeps the records it completed; the broken one is rejected.
expect_status 3 euprio-apps "$BAD/mismatched-tag.xml" applications-ahf.xml
contains "$T/out" "D-1,application,,ok" "record before the fault kept"
contains "$T/out" "the XML breaks inside or just after this record" "broken record rejected"
contains "$T/out" "AHF-2025-003" "the next file is still read"
expect_status 3 euprio-apps "$BAD/truncated.xml"
contains "$T/out" "BSF-2025-014" "truncated record travels on"
expect_status 3 euprio-apps "$BAD/unknown-root.xml"
contains "$T/err" "unknown-root.xml:2: no profile matches the root element {urn:something:else}unknown" "unknown root"

# Forcing a profile, and a profile with faults.
expect_status 0 euprio-apps --profile portfolio-v2 applications-ahf.xml
mkdir "$T/cfg" && cp -r "$CONFIG"/* "$T/cfg/"
printf 'kind,column,xpath,option\nrecord,,p:application,\nfield,id,@id,\nfield,nosuch,x,\nfield,title,p:title[,\n' >"$T/cfg/profiles/broken.csv"
expect_status 2 euprio-apps --config "$T/cfg" applications-ahf.xml
contains "$T/err" "profiles/broken.csv:2:3: undeclared namespace prefix in 'p:application'" "profile prefix error"
contains "$T/err" "profiles/broken.csv:4:2: 'nosuch' is not a column a profile can fill" "profile column error"
contains "$T/err" "profiles/broken.csv:5:3: XPath 'p:title[' does not compile" "profile XPath error"

expect_status 3 euprio-apps "$T/missing.xml"
expect_status 0 euprio-apps --help
contains "$T/out" "usage: euprio-apps" "help"
# The profiles' simple paths are walked without XPath; on every sample and
# bad file the output and messages are those of XPath alone.
for f in "$SAMPLES"/*.xml "$EUPRIO_SRC"/tests/corpus/bad/*.xml; do
	set +e
	euprio-apps "$f" >"$T/walk.csv" 2>"$T/walk.err"; a=$?
	EUPRIO_XPATH_ONLY=1 euprio-apps "$f" >"$T/xpath.csv" 2>"$T/xpath.err"; b=$?
	set -e
	[ "$a" = "$b" ] && cmp -s "$T/walk.csv" "$T/xpath.csv" && cmp -s "$T/walk.err" "$T/xpath.err" &&
		pass || fail "simple paths and XPath differ on $f"
done
finish
