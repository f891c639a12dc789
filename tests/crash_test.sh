#!/usr/bin/env bash
# Crash safety: kill -9 the indexer at seeded random moments; every time the
# index must open, pass `zhindex check`, hold exactly committed batches (a
# multiple of --batch documents), and a rerun must finish the work without
# duplicates.  (--no-compact: one writer committing batch by batch; builds
# merged from scratch databases are killed in merged_build_test.sh.)
# Usage: crash_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$1 zhsearch=$2 corpus=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

# 200 distinct documents: corpus texts with a unique marker each.
marked_copies "$tmp/in" 40 "$corpus"
batch=10
idx="$tmp/idx"
RANDOM=20261123
for round in 1 2 3 4 5; do
    "$zhindex" -q --no-compact --batch $batch -d "$idx" add "$tmp/in" &
    pid=$!
    sleep "0.$((RANDOM % 9 + 1))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    docs=$("$zhindex" -d "$idx" list 2>"$tmp/err" | wc -l)
    if [ -s "$tmp/err" ] && [ -d "$idx" ]; then
        notok "round $round: index does not open after kill -9: $(cat "$tmp/err")"
        continue
    fi
    if [ $((docs % batch)) -eq 0 ] || [ "$docs" -eq "$total" ]; then
        ok "round $round: $docs documents, a committed state"
    else
        notok "round $round: $docs documents is not a whole number of batches of $batch"
    fi
    if [ "$docs" -gt 0 ]; then
        if "$zhindex" -q -d "$idx" check 2>"$tmp/err"; then ok "round $round: zhindex check passes"
        else notok "round $round: zhindex check: $(cat "$tmp/err")"; fi
        c=$("$zhsearch" -d "$idx" --count 标记 2>&1)
        [ "$c" = "$docs" ] && ok "round $round: search sees all $docs" || notok "round $round: search counts $c of $docs"
    fi
done
"$zhindex" -q -d "$idx" add "$tmp/in"
rc=$?
docs=$("$zhindex" -d "$idx" list | wc -l)
[ $rc -eq 0 ] && [ "$docs" -eq "$total" ] && ok "rerun completes: $docs documents" || notok "rerun: rc $rc, $docs of $total"
out=$("$zhindex" -d "$idx" add "$tmp/in" 2>&1)
grep -q "0 added, 0 updated, $total unchanged" <<<"$out" && ok "nothing left to do" || notok "second rerun: $out"
for k in 00001 00137 00200; do
    c=$("$zhsearch" -d "$idx" --count "标记$k")
    [ "$c" = 1 ] && ok "marker $k in exactly one document" || notok "marker $k in $c documents"
done
tap_done
