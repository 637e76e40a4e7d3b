#!/bin/sh
# Runs the pipeline on samples/ with the shipped policy and prints the
# prioritised candidates; rejected records go to a file named on stderr.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build}
export EUPRIO_CONFIG="$here/config"
out=${TMPDIR:-/tmp}/euprio-demo
mkdir -p "$out"
PATH="$bin:$PATH"
set -- "$here"/samples/*.csv
"$bin/euprio-cat" "$@"
