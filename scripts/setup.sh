#!/bin/sh
# One entry point for a new machine: installs what is missing (Debian 12,
# as root), builds, then either runs the pipeline on samples/ ("demo") or
# the whole test suite ("test").  Safe to run again: it only installs what
# is absent and rebuilds what changed.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${EUPRIO_BUILD:-$here/build}
jobs=$(nproc 2>/dev/null || echo 2)

# Build and runtime dependencies, plus the tools the tests call.
packages="gcc make cmake pkg-config libcsv-dev libxml2-dev libpcre2-dev
libcmocka-dev libutf8proc-dev libxlsxwriter-dev libyajl-dev zlib1g-dev libxml2-utils groff-base man-db miller python3"

install_missing() {
	missing=""
	for p in $packages "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages:$missing; run as root or: sudo apt-get install$missing" >&2
		exit 2
	fi
	echo "setup: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

build() {
	cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEUPRIO_WERROR=ON "$@" >/dev/null
	cmake --build "$build" -j "$jobs" >/dev/null
}

case "${1:-}" in
demo)
	install_missing
	build
	exec sh "$here/scripts/demo.sh" "$build"
	;;
test)
	# LibreOffice and poppler only for the tests: they open the workbook
	# the way its readers will and render it for a person to look at.
	install_missing libreoffice-calc-nogui poppler-utils
	build
	cd "$build"
	exec ctest --output-on-failure -j "$jobs"
	;;
deps)
	shift
	install_missing "$@"
	;;
*)
	echo "usage: scripts/setup.sh demo|test|deps [PACKAGE...]" >&2
	exit 2
	;;
esac
