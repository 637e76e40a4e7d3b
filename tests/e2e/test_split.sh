# euprio-split cuts at record boundaries: parts rejoin to the same records,
# even though records hold line breaks inside quotes.
. "$(dirname "$0")/lib.sh"
cd "$T"
euprio-apps "$SAMPLES"/applications-*.xml "$SAMPLES"/cordis-project.xml 2>/dev/null >all.csv || true
expect_status 0 euprio-split --records 3 --prefix p- all.csv
[ "$(wc -l <out)" -eq 3 ] && pass || fail "8 records in parts of 3 make 3 parts: $(cat out)"
for f in p-0000.csv p-0001.csv p-0002.csv; do
	head -1 "$f" | grep -q '^id,source,status' && pass || fail "$f has no header"
done
euprio-cat all.csv >whole.csv
euprio-cat p-*.csv >rejoined.csv
same rejoined.csv whole.csv "parts rejoin to the same records"
expect_status 0 euprio-split --parts 2 --prefix q- all.csv
[ "$(wc -l <out)" -eq 2 ] && pass || fail "-n 2 made $(wc -l <out) parts"
expect_status 2 euprio-split all.csv
contains "$T/err" "give exactly one of --parts and --records" "usage"
finish
