#!/usr/bin/env bash
# Faults and concurrency: write errors, readers during writes, many kill -9
# rounds, and a catalogue of hostile inputs with their documented outcome.
# Usage: reliability_test.sh ZHINDEX ZHSEARCH CORPUS_DIR [KILL_ROUNDS]
set -uo pipefail
zhindex=$1 zhsearch=$2 corpus=$3 rounds=${4:-50}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
expect() { # name, expected exit status, message pattern ('' for none), command...
    local name=$1 want=$2 pat=$3
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" != "$want" ]; then
        notok "$name: exit $rc, expected $want ($(head -c 300 "$tmp/err"))"
    elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err"; then
        notok "$name: message '$(head -c 300 "$tmp/err")' lacks '$pat'"
    else
        ok "$name"
    fi
}

# 120 distinct documents
marked_copies "$tmp/in" 24 "$corpus"

# --- a write error (file size limit): clear error, last commit kept
(
    trap '' XFSZ
    ulimit -f 2000
    exec "$zhindex" -q --no-compact --batch 10 -d "$tmp/fidx" add "$tmp/in"
) 2>"$tmp/err"
rc=$?
docs=$("$zhindex" -d "$tmp/fidx" list 2>/dev/null | wc -l)
[ $rc = 2 ] && grep -q "commit failed, the index keeps its last commit" "$tmp/err" &&
    ok "write error: exit 2 with a clear message" || notok "write error: rc $rc: $(cat "$tmp/err")"
[ $((docs % 10)) = 0 ] && [ "$docs" -lt "$total" ] && ok "write error: $docs documents, a committed state" ||
    notok "write error: $docs documents"
expect "write error: index consistent" 0 "" "$zhindex" -q -d "$tmp/fidx" check
expect "write error: rerun completes" 0 "" "$zhindex" -q -d "$tmp/fidx" add "$tmp/in"
[ "$("$zhindex" -d "$tmp/fidx" list | wc -l)" = $total ] && ok "write error: all documents after rerun" ||
    notok "write error: rerun left $("$zhindex" -d "$tmp/fidx" list | wc -l)"

# --- the same write error in a merged build (an empty index, two writers):
# the index stays as it was, and nothing is left beside it
(
    trap '' XFSZ
    ulimit -f 2000
    exec "$zhindex" -q -j 2 --batch 10 -d "$tmp/midx" add "$tmp/in"
) 2>"$tmp/err"
rc=$?
docs=$("$zhindex" -d "$tmp/midx" list 2>/dev/null | wc -l)
[ $rc = 2 ] && grep -q "the index is unchanged" "$tmp/err" &&
    ok "write error in a merged build: exit 2 with a clear message" || notok "merged build write error: rc $rc: $(cat "$tmp/err")"
[ "$docs" = 0 ] && ok "write error in a merged build: the index is as it was (empty)" ||
    notok "merged build write error: $docs documents"
ls -d "$tmp"/midx.* >/dev/null 2>&1 && notok "merged build write error: left $(ls -d "$tmp"/midx.*)" ||
    ok "write error in a merged build: no scratch databases left"
expect "write error in a merged build: rerun completes" 0 "" "$zhindex" -q -j 2 --batch 10 -d "$tmp/midx" add "$tmp/in"
[ "$("$zhindex" -d "$tmp/midx" list | wc -l)" = $total ] && ok "write error in a merged build: all documents after rerun" ||
    notok "merged build write error: rerun left $("$zhindex" -d "$tmp/midx" list | wc -l)"

# --- the same write error in a sharded set, whose shards are written at once:
# every shard at a commit of its own (whole batches), a rerun completes
(
    trap '' XFSZ
    ulimit -f 1500
    exec "$zhindex" -q -j 2 --shards 3 --batch 10 -d "$tmp/sidx" add "$tmp/in"
) 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "commit failed, the index keeps its last commit\|cannot index" "$tmp/err" &&
    ok "write error in a sharded set: exit 2 with a clear message" || notok "sharded set write error: rc $rc: $(cat "$tmp/err")"
expect "write error in a sharded set: every shard consistent" 0 "" "$zhindex" -q -d "$tmp/sidx" check
expect "write error in a sharded set: rerun completes" 0 "" "$zhindex" -q -d "$tmp/sidx" add "$tmp/in"
[ "$("$zhindex" -d "$tmp/sidx" list | wc -l)" = $total ] && ok "write error in a sharded set: all documents once after rerun" ||
    notok "sharded set write error: rerun left $("$zhindex" -d "$tmp/sidx" list | wc -l)"

# --- readers during writes: every search succeeds and sees a committed state
idx="$tmp/ridx"
"$zhindex" -q -d "$idx" add "$corpus"
(
    for k in 1 2 3; do
        "$zhindex" -q --batch 5 -d "$idx" add "$tmp/in" >/dev/null 2>&1
        "$zhindex" -q -d "$idx" remove "$tmp/in" >/dev/null 2>&1
    done
) &
writer=$!
bad=0 searches=0
for reader in 1 2 3; do
    (
        end=$((SECONDS + 8))
        while [ $SECONDS -lt $end ] && kill -0 $writer 2>/dev/null; do
            c=$("$zhsearch" -d "$idx" --count 法治 2>>"$tmp/rerr.$reader"); rc=$?
            # the corpus is always there; the extra documents come and go in batches of 5
            if [ $rc != 0 ] || [ $(((c - 5) % 5)) != 0 ]; then echo "rc $rc count $c" >>"$tmp/rerr.$reader"; fi
            echo >>"$tmp/searches.$reader"
        done
    ) &
done
wait $writer
wait
for reader in 1 2 3; do
    searches=$((searches + $(wc -l <"$tmp/searches.$reader" 2>/dev/null || echo 0)))
    [ -s "$tmp/rerr.$reader" ] && bad=$((bad + 1)) && head -3 "$tmp/rerr.$reader"
done
[ $bad = 0 ] && [ $searches -gt 0 ] && ok "readers during writes: $searches searches, all from committed states" ||
    notok "readers during writes: $bad readers saw errors ($searches searches)"

# --- kill -9 at seeded random moments, many times
kidx="$tmp/kidx"
RANDOM=4242
broken=0 incomplete=0
for round in $(seq 1 "$rounds"); do
    "$zhindex" -q --no-compact --batch 4 -j 2 -d "$kidx" add "$tmp/in" &
    pid=$!
    sleep "0.$(printf '%02d' $((RANDOM % 40 + 1)))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if ! "$zhindex" -q -d "$kidx" check 2>"$tmp/err"; then
        [ -d "$kidx" ] && { broken=$((broken + 1)); echo "    round $round: $(cat "$tmp/err")"; }
        continue
    fi
    docs=$("$zhindex" -d "$kidx" list | wc -l)
    [ $((docs % 4)) = 0 ] || [ "$docs" = $total ] || { incomplete=$((incomplete + 1)); echo "    round $round: $docs documents"; }
    # now and then start over, so that early moments get killed too
    [ $((round % 10)) = 0 ] && rm -rf "$kidx"
done
[ $broken = 0 ] && ok "kill -9 x $rounds: index always opens and passes check" || notok "kill -9: $broken rounds left a broken index"
[ $incomplete = 0 ] && ok "kill -9 x $rounds: always a whole number of committed batches" || notok "kill -9: $incomplete rounds with a partial batch"
expect "kill -9: a rerun completes" 0 "" "$zhindex" -q -d "$kidx" add "$tmp/in"
[ "$("$zhindex" -d "$kidx" list | wc -l)" = $total ] && ok "kill -9: all $total documents, no duplicates" || notok "kill -9: wrong count after rerun"

# --- hostile inputs: query side (exit 2 and a message, never a crash)
q="$tmp/qidx"
"$zhindex" -q -d "$q" add "$corpus"
expect "empty query" 2 "empty query" "$zhsearch" -d "$q" ""
expect "blank query" 2 "empty query" "$zhsearch" -d "$q" "   "
expect "only punctuation" 2 "nothing searchable" "$zhsearch" -d "$q" "，。！？"
expect "unbalanced quote" 2 "unbalanced quote" "$zhsearch" -d "$q" '"行政复议'
expect "unbalanced parenthesis" 2 "unbalanced parenthesis" "$zhsearch" -d "$q" '(行政 OR 复议'
expect "stray closing parenthesis" 2 "without '('" "$zhsearch" -d "$q" '行政)'
expect "year:abc" 2 "year: expected" "$zhsearch" -d "$q" 'year:abc'
expect "unknown field" 2 "unknown field" "$zhsearch" -d "$q" 'foo:bar'
expect "lone operator" 2 "OR needs a term" "$zhsearch" -d "$q" 'OR'
expect "100 words: at the limit, searched" 0 "" "$zhsearch" -d "$q" --count "$(printf '法治 %.0s' $(seq 1 100))"
expect "500 characters in one string: at the limit, searched" 1 "" "$zhsearch" -d "$q" --count "$(printf '法治%.0s' $(seq 1 250))"
expect "10 KB query: refused" 2 "query too large" "$zhsearch" -d "$q" --count "$(printf '法治 %.0s' $(seq 1 1400))"
expect "10 KB of one CJK string: refused" 2 "query too large" "$zhsearch" -d "$q" --count "$(printf '法治%.0s' $(seq 1 1700))"
expect "control characters" 1 "" "$zhsearch" -d "$q" --count "$(printf '法治\x01\x02\x1b[31m')政府行政"
expect "invalid UTF-8 in a query: bytes replaced, the rest searched" 0 "" "$zhsearch" -d "$q" --count "$(printf '\xff\xfe法治\xc0')"
expect "deep parentheses" 2 "nested too deeply" "$zhsearch" -d "$q" "$(printf '(%.0s' $(seq 1 100))法治$(printf ')%.0s' $(seq 1 100))"
expect "bad option value" 2 "--limit" "$zhsearch" -d "$q" --limit abc 法治
expect "missing index: says how to create one" 2 "no index here (create one with: zhindex -d" "$zhsearch" -d "$tmp/none" 法治

# --- hostile inputs: indexing side (named per file, the rest indexed)
mkdir -p "$tmp/h/loop/inner"
ln -s "$tmp/h/loop" "$tmp/h/loop/inner/back"     # a directory symlink loop
cp "$corpus/2023-安岳县-法治政府建设工作情况报告.txt" "$tmp/h/loop/inner/good.txt"
printf '法治\0政府\0\0\0' >"$tmp/h/nul.txt"          # NUL bytes
python3 -c "import sys; sys.stdout.write('法治政府' * 400000)" >"$tmp/h/oneline.txt"  # 4.8 MB, one line
html="$tmp/h/deep.html"
{ echo '<html><body>'; for k in $(seq 1 20000); do printf '<div>'; done; echo '深层嵌套的法治文本'; echo '</body></html>'; } >"$html"
expect "hostile files: named, the rest indexed" 1 "nul.txt: not indexed: binary data" \
    "$zhindex" -d "$tmp/hidx" --max-size 4 add "$tmp/h"
grep -q "oneline.txt: too large" "$tmp/err" && ok "over-size single-line file named" || notok "over-size file: $(cat "$tmp/err")"
expect "symlink loop walked once" 0 "" test "$("$zhindex" -d "$tmp/hidx" list | grep -c good.txt)" = 1
expect "deeply nested HTML indexed" 0 "" "$zhsearch" -d "$tmp/hidx" --count 深层嵌套
expect "one long line indexes with a higher limit" 0 "" "$zhindex" -q -d "$tmp/hidx" --max-size 8 add "$tmp/h/oneline.txt"
expect "one long line searchable" 0 "" "$zhsearch" -d "$tmp/hidx" --count 政府法治
# a file deleted while indexing: named, the others indexed
mkdir "$tmp/del"
cp "$tmp/in"/doc{1..60}.txt "$tmp/del/"
"$zhindex" -d "$tmp/delidx" --batch 5 -j 1 add "$tmp/del" 2>"$tmp/err" &
pid=$!
sleep 0.3
rm -f "$tmp/del"/doc5{0..9}.txt
wait $pid
rc=$?
if [ $rc = 0 ] || grep -q "doc5.*No such file" "$tmp/err"; then ok "file deleted while indexing: named or indexed before (exit $rc)"
else notok "file deleted while indexing: exit $rc: $(cat "$tmp/err")"; fi
expect "after deletions the index is consistent" 0 "" "$zhindex" -q -d "$tmp/delidx" check

tap_done
