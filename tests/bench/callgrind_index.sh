#!/usr/bin/env bash
# callgrind_index.sh [BUILD_DIR [ROUNDS]] - instructions (callgrind's Ir) of
# one `zhindex -j 1 --no-compact add` over ROUNDS (default 24) marked copies
# of every corpus report into a fresh index: a count that does not depend on
# the machine's load, for before/after figures of an indexing change.
# Prints the total and the ten functions with the most inclusive Ir.
# When tests/bench/run.sh has built the baselines (BENCH_WORK/bin), also
# the totals of the default `zhindex add` (two writers and the merge past
# 100 files), of the Xapian n-gram and FTS5 trigram indexers on the same
# files, and of one pass of each engine over the help queries (zhsearch
# without snippets) when the help corpus has been run.
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
callgrind_annotate --inclusive=yes "$tmp/cg.out" 2>/dev/null | grep -E '^ *[0-9,]+ ' | head -10 || true
bin=${BENCH_WORK:-/var/tmp/zhsearch-bench}/bin
help=${BENCH_WORK:-/var/tmp/zhsearch-bench}/help
count() { # NAME COMMAND...: the command's Ir
    local name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$tmp/$name.cg" "$@" >/dev/null 2>&1
    echo "$name: $(sed -n 's/^totals: //p' "$tmp/$name.cg")"
}
if [ -x "$bin/xapian_ngram" ] && [ -x "$bin/fts5_trigram" ]; then
    find "$tmp/in" -type f | sort >"$tmp/files.list"
    count "zhindex add (default)" "$BUILD/indexer/zhindex" -q -d "$tmp/idx2" add "$tmp/in"
    count "xapian_ngram index" "$bin/xapian_ngram" index "$tmp/xap.db" "$tmp/files.list"
    count "fts5_trigram index" "$bin/fts5_trigram" index "$tmp/fts.db" "$tmp/files.list"
    if [ -f "$help/run/q.zhs" ] && [ -x "$bin/zhs_query_bench" ]; then
        count "zhs_query_bench help queries" "$bin/zhs_query_bench" "$help/zhs.idx" "$help/run/q.zhs" 1 0
        count "xapian_ngram help queries" "$bin/xapian_ngram" query "$help/xap.compact" "$help/run/q.xap" 1
    fi
fi
