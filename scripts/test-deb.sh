#!/bin/sh
# The Debian package as an operations person meets it: built with Debian's
# compiler flags, lintian-clean (errors fail), installed with apt-get, the
# sample crontab line run as cron runs it (env -i, working directory /) with
# /etc/euprio as the policy, a staff edit kept through a reinstall and a
# remove, and a purge that leaves nothing of the package behind.  Last, the
# "cmake --install" path and its uninstall target.  Needs root (apt-get).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-deb}
say() { echo "test-deb: $*"; }
die() { echo "test-deb: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root: it installs and purges the package"
if dpkg-query -W -f='${Status}' euprio 2>/dev/null | grep -q "installed"; then
	die "euprio is installed already; purge it first (apt-get purge euprio)"
fi
# A policy left by someone else must not be purged by this test.
[ ! -e /etc/euprio ] || die "/etc/euprio exists and is no package's: move it away first"
command -v lintian >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lintian >/dev/null

# 1. Build as Debian builds, and lint: scripts/build-deb.sh fails on a
# lintian error.
deb=$(sh "$here/scripts/build-deb.sh" "$build")
say "built $(basename "$deb")"

t=$(mktemp -d)
installed=0
cleanup() {
	[ "$installed" = 1 ] && DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq euprio >/dev/null 2>&1
	rm -rf "$t"
}
trap cleanup EXIT

# 3. Install.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
installed=1
dpkg -L euprio >"$t/files"
dpkg-query -W -f='${Conffiles}\n' euprio >"$t/conffiles"
grep -q ' /etc/euprio/goal_terms.csv ' "$t/conffiles" || die "/etc/euprio/goal_terms.csv is not a conffile"
[ "$(grep -c ' /etc/euprio/' "$t/conffiles")" -eq "$(find /etc/euprio -type f | wc -l)" ] ||
	die "not every file in /etc/euprio is a conffile"
[ -f /usr/share/euprio/goal_terms.csv ] || die "no shipped defaults in /usr/share/euprio"
[ -f /usr/share/man/man1/euprio-rank.1.gz ] && [ -f /usr/share/man/man7/euprio.7.gz ] ||
	die "man pages are not installed compressed"
[ -f /usr/share/doc/euprio/copyright ] && [ -f /usr/share/doc/euprio/changelog.Debian.gz ] ||
	die "no copyright or changelog.Debian.gz"
dpkg-query -W -f='${Depends}\n' euprio | grep -q 'libpcre2-8-0' || die "Depends does not come from shlibdeps"
say "installed: $(wc -l <"$t/files") paths, $(grep -c ' /etc/' "$t/conffiles") conffiles"

# 4. The sample crontab line, as cron runs it: its command with the
# variables the crontab sets, in an empty environment but cron's own
# (SHELL, PATH, HOME, LOGNAME), from /.  Only /srv/euprio becomes a
# temporary folder.
mkdir -p "$t/in/applications" "$t/in/listings"
cp "$here"/samples/*.xml "$t/in/applications/"
cp "$here"/samples/sdeo-*.csv "$here"/samples/sdeo-*.tsv "$t/in/listings/"
crontab="$here/samples/cron/crontab"
vars=$(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$crontab" | sed "s|/srv/euprio|$t|g" | tr '\n' ' ')
line=$(grep -Ev '^[[:space:]]*(#|$)|^[A-Za-z_][A-Za-z0-9_]*=' "$crontab" | head -1)
cmd=$(echo "$line" | awk '{ for (i = 6; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : "") }' |
	sed "s|/srv/euprio|$t|g")
[ -n "$cmd" ] || die "no command line in samples/cron/crontab"
as_cron() {
	# shellcheck disable=SC2086
	(cd / && env -i SHELL=/bin/sh PATH=/usr/bin:/bin HOME=/root LOGNAME=root $vars /bin/sh -c "$cmd")
}
today=$(env -i date +%F)

# First with a broken table in /etc/euprio: the run stops and says where,
# which proves the policy read is /etc/euprio, found without being named.
cp /etc/euprio/goal_terms.csv "$t/goal_terms.csv"
printf 'G1,en,1,title,(unclosed\n' >>/etc/euprio/goal_terms.csv
status=0
as_cron >"$t/cron.out" 2>"$t/cron.err" || status=$?
[ "$status" -eq 2 ] || die "the cron line with a broken /etc/euprio exited $status, expected 2"
grep -rqs '/etc/euprio/goal_terms.csv:' "$t/cron.err" "$t/out" ||
	die "the cron run did not report the fault in /etc/euprio/goal_terms.csv: $(cat "$t/cron.err")"
cp "$t/goal_terms.csv" /etc/euprio/goal_terms.csv
(cd / && env -i PATH=/usr/bin:/bin euprio-check-config) >"$t/check.out"
grep -qx '/etc/euprio: configuration OK' "$t/check.out" || die "euprio-check-config did not check /etc/euprio: $(cat "$t/check.out")"

status=0
as_cron >"$t/cron.out" 2>"$t/cron.err" || status=$?
case "$status" in
0|1) ;;
*) die "the sample cron line exited $status: $(cat "$t/cron.err")" ;;
esac
for f in candidates rejected changes; do
	[ -f "$t/out/$f-$today.csv" ] || die "the cron run wrote no $f-$today.csv"
done
[ -f "$t/out/candidates-$today.xlsx" ] || die "the cron run wrote no workbook"
[ ! -s "$t/cron.out" ] || die "the cron run printed on stdout (cron would mail it): $(cat "$t/cron.out")"
say "the sample cron line ran as cron would (env -i, from /): exit $status, $(head -1 "$t/cron.err")"

# 5. A table missing from /etc/euprio is an error naming the shipped copy
# (the directory is the whole policy), not read from /usr/share/euprio.
mv /etc/euprio/places.csv "$t/places.csv"
status=0
(cd / && env -i PATH=/usr/bin:/bin euprio-check-config) >/dev/null 2>"$t/check.err" || status=$?
[ "$status" -eq 2 ] && grep -q 'copy /usr/share/euprio/places.csv there' "$t/check.err" ||
	die "a table missing from /etc/euprio did not fail with the copy to take: $(cat "$t/check.err")"
mv "$t/places.csv" /etc/euprio/places.csv

# 6. A staff edit survives a reinstall and a remove; purge removes it all.
printf 'Testværkstedet Odense,,,business,odense,5000,Odense C,added by test-deb\n' >>/etc/euprio/local_actors.csv
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "$deb" >/dev/null
grep -q 'added by test-deb' /etc/euprio/local_actors.csv || die "a reinstall overwrote the staff's edit"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq euprio >/dev/null
[ ! -e /usr/bin/euprio-rank ] || die "apt-get remove left /usr/bin/euprio-rank"
grep -q 'added by test-deb' /etc/euprio/local_actors.csv || die "apt-get remove did not keep /etc/euprio"
printf 'a table staff added\n' >/etc/euprio/extra.csv
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq euprio >/dev/null
installed=0
[ ! -e /etc/euprio ] || die "apt-get purge left /etc/euprio: $(find /etc/euprio)"
left=""
while read -r p; do
	[ -e "$p" ] || [ -L "$p" ] || continue
	# A folder other packages also own (/usr/bin) stays; nothing else may.
	if [ -d "$p" ] && dpkg -S "$p" >/dev/null 2>&1; then continue; fi
	left="$left $p"
done <"$t/files"
[ -z "$left" ] || die "apt-get purge left:$left"
dpkg-query -W -f='${Status}' euprio 2>/dev/null | grep -q "installed" && die "dpkg still lists euprio"
say "remove kept /etc/euprio with the edit; purge left nothing of $(wc -l <"$t/files") paths"

# 7. "cmake --install" never writes the system policy, and the uninstall
# target removes every file it wrote and the euprio folders.
DESTDIR="$t/destdir" cmake --install "$build" >/dev/null
[ -f "$t/destdir/usr/share/euprio/goal_terms.csv" ] || die "cmake --install installed no policy"
[ ! -e "$t/destdir/etc" ] || die "cmake --install wrote into etc"
DESTDIR="$t/destdir" cmake --build "$build" --target uninstall >/dev/null
[ -z "$(find "$t/destdir" -type f)" ] || die "uninstall left files: $(find "$t/destdir" -type f | head)"
[ -z "$(find "$t/destdir" -name '*euprio*')" ] || die "uninstall left folders: $(find "$t/destdir" -name '*euprio*')"
say "cmake --install wrote no etc; the uninstall target removed every file"
