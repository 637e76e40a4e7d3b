#!/bin/sh
# Runs the whole pipeline on samples/ with the shipped policy and prints
# the prioritised candidates; rejected records go to a file named on
# stderr.  The date is fixed so the demo reads the same every day.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build}
export EUPRIO_CONFIG="$here/config"
out=${TMPDIR:-/tmp}/euprio-demo
mkdir -p "$out"
PATH="$bin:$PATH"
status=0
euprio-apps "$here"/samples/*.xml 2>"$out/apps.log" |
	euprio-sdeo --append "$here"/samples/sdeo-*.csv "$here"/samples/sdeo-*.tsv 2>"$out/sdeo.log" |
	euprio-local 2>"$out/local.log" |
	euprio-goals 2>"$out/goals.log" |
	euprio-rank --today 2025-03-01 --rejects "$out/rejected.csv" || status=$?
echo "euprio demo: rejected records with reasons are in $out/rejected.csv; stage messages in $out/*.log" >&2
# Status 1 means some sample records were rejected as bad input, which the
# samples do on purpose.
[ "$status" -le 1 ]
