#!/bin/sh
# Builds the Debian package from the sources with CMake and CPack, with
# Debian's compiler and linker flags (dpkg-buildflags, all hardening), and
# runs lintian on it: an error fails the build.  Prints the package's path.
# Usage: scripts/build-deb.sh [BUILD-DIR]   (default build-deb)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-deb}

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DEUPRIO_TESTS=OFF \
	-DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
(cd "$build" && rm -f euprio_*.deb && cpack -G DEB >cpack.log 2>&1) || {
	cat "$build/cpack.log" >&2; echo "build-deb: cpack failed" >&2; exit 1; }
deb=$(ls "$build"/euprio_*.deb)

# Errors fail; warnings are printed (docs/testing.md says which are
# expected and why).
if command -v lintian >/dev/null; then
	lintian --tag-display-limit 0 "$deb" >"$build/lintian.txt" 2>/dev/null || true
	if grep -q '^E:' "$build/lintian.txt"; then
		cat "$build/lintian.txt" >&2
		echo "build-deb: lintian reports errors in $deb" >&2
		exit 1
	fi
	echo "build-deb: lintian: no errors, $(grep -c '^W:' "$build/lintian.txt" || true) warning(s)" >&2
	grep '^W:' "$build/lintian.txt" >&2 || true
else
	echo "build-deb: lintian is not installed (apt-get install lintian): the package is not checked" >&2
fi
echo "$deb"
