#!/usr/bin/env bash
# callgrind_index.sh [BUILD_DIR [ROUNDS]] - instructions (callgrind's Ir) of
# one `zhindex -j 1 --no-compact add` over ROUNDS (default 24) marked copies
# of every corpus report into a fresh index: a count that does not depend on
# the machine's load, for before/after figures of an indexing change.
# Prints the total and the ten functions with the most inclusive Ir.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=$(cd "${1:-$root/build}" && pwd)
rounds=${2:-24}
tmp=$(mktemp -d /var/tmp/zhs-cg-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
. "$root/tests/tap.sh"
marked_copies "$tmp/in" "$rounds" "$root/corpus" >/dev/null
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
    "$BUILD/indexer/zhindex" -q -j 1 --no-compact -d "$tmp/idx" add "$tmp/in" 2>"$tmp/cg.err"
echo "files: $(find "$tmp/in" -type f | wc -l), bytes: $(cat "$tmp/in"/* | wc -c)"
grep -E '^(summary|totals):' "$tmp/cg.out"
callgrind_annotate --inclusive=yes "$tmp/cg.out" 2>/dev/null | grep -E '^ *[0-9,]+ ' | head -10
