# Shared setup for the end-to-end tests: strict shell, C locale, a private
# temporary directory removed on exit, and small assertion helpers.
set -eu
LC_ALL=C
export LC_ALL
: "${EUPRIO_BIN:?set EUPRIO_BIN to the build directory}"
: "${EUPRIO_SRC:?set EUPRIO_SRC to the source directory}"
PATH="$EUPRIO_BIN:$PATH"
SAMPLES="$EUPRIO_SRC/samples"
CONFIG="$EUPRIO_SRC/config"
GOLDEN="$EUPRIO_SRC/tests/e2e/golden"
REAL="$EUPRIO_SRC/../shared/data/real"
export EUPRIO_CONFIG="$CONFIG"
T=$(mktemp -d "${TMPDIR:-/tmp}/euprio-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
passes=0

fail() { printf 'FAIL: %s\n' "$*" >&2; fails=$((fails + 1)); }
pass() { passes=$((passes + 1)); }

# expect_status WANT CMD...: runs CMD with stdout/stderr to $T/out $T/err.
expect_status() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		fail "$* exited $got, expected $want; stderr: $(head -c 600 "$T/err")"
	else
		pass
	fi
}

# same FILE1 FILE2 LABEL: files are byte-identical.
same() {
	if cmp -s "$1" "$2"; then pass; else
		fail "$3: $1 and $2 differ"; diff -u "$2" "$1" | head -40 >&2 || true
	fi
}

# contains FILE TEXT LABEL
contains() {
	if grep -qF -- "$2" "$1"; then pass; else fail "$3: '$2' not in $1: $(head -c 600 "$1")"; fi
}

lacks() {
	if grep -qF -- "$2" "$1"; then fail "$3: '$2' unexpectedly in $1"; else pass; fi
}

# golden NAME FILE: compares with tests/e2e/golden/NAME; UPDATE_GOLDEN=1 rewrites.
golden() {
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$GOLDEN"; cp "$2" "$GOLDEN/$1"; pass; return
	fi
	same "$2" "$GOLDEN/$1" "golden $1"
}

finish() {
	printf '%s: %d passed, %d failed\n' "$(basename "$0" .sh)" "$passes" "$fails"
	[ "$fails" -eq 0 ]
}
