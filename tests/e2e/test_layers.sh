# The architecture as docs/architecture.md draws it, checked on the tree:
# which folder may include which, no source file over 1,000 lines, and
# every source file opening with a comment that says what it is for.
. "$(dirname "$0")/lib.sh"
cd "$EUPRIO_SRC"

# A stage may include another stage's header only where src/CMakeLists.txt
# links it (EUPRIO_STAGE_LINK_<stage>): the build and this check read one list.
stage_deps() {
	sed -n "s/^set(EUPRIO_STAGE_LINK_$1 \(.*\))/\1/p" src/CMakeLists.txt | tr ' ' '\n' |
		sed -n 's/^euprio_//p'
}

# allowed FILE INCLUDE: 0 when the layer of FILE may include INCLUDE.
allowed() {
	file=$1 inc=$2
	case "$inc" in
	*/*) ;;
	*)	# a private header: only from its own folder
		[ -f "$(dirname "$file")/$inc" ] && return 0
		return 1 ;;
	esac
	case "$inc" in
	euprio/core/*) return 0 ;;
	esac
	case "$file" in
	src/core/*|include/euprio/core/*) return 1 ;;
	esac
	case "$inc" in
	euprio/stream/*) return 0 ;;
	esac
	case "$file" in
	src/stream/*|include/euprio/stream/*) return 1 ;;
	src/programs/*|tests/*) return 0 ;;
	esac
	stage=$(printf '%s\n' "$file" | sed -n 's|^src/stages/\([^/]*\)/.*|\1|p; s|^include/euprio/stages/\([^.]*\)\.h$|\1|p')
	[ -n "$stage" ] || return 1
	case "$inc" in
	euprio/stages/"$stage".h) return 0 ;;
	euprio/stages/*)
		dep=$(basename "$inc" .h)
		stage_deps "$stage" | grep -qx "$dep" && return 0
		return 1 ;;
	*) return 1 ;;
	esac
}

files=$(find src include -name '*.[ch]' | sort)
[ -n "$files" ] || { fail "no sources found"; finish; exit; }
for f in $files; do
	grep -o '^#include "[^"]*"' "$f" | sed 's/^#include "//; s/"$//' >"$T/inc" || true
	while read -r inc; do
		if allowed "$f" "$inc"; then pass; else fail "$f includes $inc, which its layer may not"; fi
	done <"$T/inc"
	n=$(wc -l <"$f")
	[ "$n" -le 1000 ] && pass || fail "$f has $n lines (at most 1,000)"
	head -1 "$f" | grep -q '^/\*' && pass || fail "$f does not open with a comment saying what it is for"
done
for f in src/programs/*.sh scripts/*.sh tests/e2e/*.sh; do
	sed -n '1,2p' "$f" | grep -q '^# ' && pass || fail "$f does not open with a comment"
done

# The check checks: a core file that includes a stage must be refused.
allowed src/core/buf.c euprio/stages/rank.h && fail "core may include a stage" || pass
allowed src/stages/local/local.c euprio/stages/rank.h && fail "local may include rank" || pass
allowed src/stages/rank/rank.c euprio/stages/goals.h && pass || fail "rank may include goals (it links it)"
allowed src/stream/stream.c euprio/stages/goals.h && fail "stream may include a stage" || pass
allowed src/stages/rank/rank.c goals_int.h && fail "rank may include goals' private header" || pass
allowed src/stream/pool.c filter_int.h && pass || fail "pool.c may include its folder's private header"
finish
