#!/bin/sh
# Builds the Debian package, installs it with apt-get, and runs the
# installed euprio-nightly on samples/ with the installed policy: the
# check that an operations person's install works, not just the build tree.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-deb}
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DEUPRIO_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
(cd "$build" && rm -f euprio_*.deb && cpack -G DEB >/dev/null)
deb=$(ls "$build"/euprio_*.deb)
echo "test-deb: built $(basename "$deb")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "$deb" >/dev/null
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/in/applications" "$t/in/listings"
cp "$here"/samples/*.xml "$t/in/applications/"
cp "$here"/samples/sdeo-*.csv "$here"/samples/sdeo-*.tsv "$t/in/listings/"
# The installed programs and policy only: no build tree, no $EUPRIO_CONFIG.
status=0
env -u EUPRIO_CONFIG PATH=/usr/bin:/bin /usr/bin/euprio-nightly -i "$t/in" -o "$t/out" --today 2025-03-01 || status=$?
[ "$status" -eq 1 ] || { echo "test-deb: installed euprio-nightly exited $status, expected 1" >&2; exit 1; }
[ -s "$t/out/candidates-2025-03-01.csv" ] || { echo "test-deb: no candidates written" >&2; exit 1; }
[ -f /usr/share/euprio/goal_terms.csv ] && [ -f /usr/share/man/man1/euprio-rank.1.gz -o -f /usr/share/man/man1/euprio-rank.1 ] ||
	{ echo "test-deb: policy or man pages not installed" >&2; exit 1; }
/usr/bin/euprio-check-config -q
echo "test-deb: the package installs and euprio-nightly runs on samples with the installed policy"
