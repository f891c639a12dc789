#!/usr/bin/env bash
# Merged builds: a large add into an empty index is written by two writers
# into scratch databases and merged.  The result must be the index one
# writer makes - same documents, same numbers, same ranked results - and
# compacted; failures, later updates and kill -9 must behave as they do
# with one writer.
# Usage: merged_build_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$1 zhsearch=$2 corpus=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

# 300 documents in nested directories, two that cannot be indexed (binary)
# and one empty file.
marked_copies "$tmp/flat" 60 "$corpus"
mkdir -p "$tmp/in/a/b" "$tmp/in/c"
k=0
for f in "$tmp"/flat/*.txt; do
    k=$((k + 1))
    case $((k % 3)) in 0) mv "$f" "$tmp/in/a/" ;; 1) mv "$f" "$tmp/in/a/b/" ;; *) mv "$f" "$tmp/in/c/" ;; esac
done
head -c 3000 /dev/urandom >"$tmp/in/a/noise.bin"
printf '\x00\x01\x02binary' >"$tmp/in/c/zero.txt"
: >"$tmp/in/empty.txt"

one="$tmp/one.idx" two="$tmp/two.idx"
"$zhindex" -j 1 --batch 25 -d "$one" add "$tmp/in" >"$tmp/one.out" 2>&1
rc1=$?
"$zhindex" -j 2 --batch 25 -d "$two" add "$tmp/in" >"$tmp/two.out" 2>&1
rc2=$?
[ "$rc1" = "$rc2" ] && ok "same exit status with one and two writers ($rc1)" ||
    notok "exit status: one writer $rc1, merged build $rc2"
s1=$(grep -o '[0-9]* added.*failed' "$tmp/one.out") s2=$(grep -o '[0-9]* added.*failed' "$tmp/two.out")
[ -n "$s1" ] && [ "$s1" = "$s2" ] && ok "same counts: $s2" ||
    notok "counts differ"$'\n'"one writer: $s1"$'\n'"merged: $s2"
grep -q 'noise.bin' "$tmp/two.out" && ok "a file that cannot be indexed is named" ||
    notok "noise.bin not reported"$'\n'"$(cat "$tmp/two.out")"
grep -q 'compacted' "$tmp/two.out" && notok "the merged build was compacted again" ||
    ok "the merged build is not compacted a second time"
ls -d "$tmp"/two.idx.* >/dev/null 2>&1 && notok "scratch left: $(ls -d "$tmp"/two.idx.*)" ||
    ok "no scratch databases left beside the index"
check "zhindex check passes on the merged index" "$zhindex" -q -d "$two" check
"$zhindex" -d "$one" list >"$tmp/one.list"
"$zhindex" -d "$two" list >"$tmp/two.list"
cmp -s "$tmp/one.list" "$tmp/two.list" && ok "same documents in the same order ($(wc -l <"$tmp/two.list"))" ||
    notok "document lists differ"$'\n'"$(diff "$tmp/one.list" "$tmp/two.list" | head -5)"
same=0 diff=0
for q in 行政复议 法治 政府 '"依法 行政"' 标记00042 '工作 NOT 复议' 的 year:2021 '行政 NEAR/5 执法'; do
    a=$("$zhsearch" -d "$one" --json -n 400 "$q" 2>&1 | sed 's/"elapsed_ms":[0-9.]*//')
    b=$("$zhsearch" -d "$two" --json -n 400 "$q" 2>&1 | sed 's/"elapsed_ms":[0-9.]*//')
    if [ "$a" = "$b" ]; then same=$((same + 1)); else
        diff=$((diff + 1))
        echo "# differs: $q"
    fi
done
[ $diff = 0 ] && ok "$same queries: identical ranked results, scores and snippets" ||
    notok "$diff queries differ between one writer and a merged build"
one_kb=$(du -sk "$one" | cut -f1) two_kb=$(du -sk "$two" | cut -f1)
[ "$two_kb" -le $((one_kb * 115 / 100)) ] && ok "merged index is compact ($two_kb KB; one writer, compacted: $one_kb KB)" ||
    notok "merged index $two_kb KB, one writer compacted $one_kb KB"

# Later runs are incremental, as with any index.
printf '\n新增内容 合并之后\n' >>"$(find "$tmp/in" -name doc1.txt)"
rm "$(find "$tmp/in" -name doc2.txt)"
out=$("$zhindex" -d "$two" sync "$tmp/in" 2>&1)
case $out in *"0 added, 1 updated, "*"1 removed"*) ok "a sync after the merged build: 1 updated, 1 removed" ;;
    *) notok "sync after merged build"$'\n'"$out" ;; esac
c=$("$zhsearch" -d "$two" --count 合并之后)
[ "$c" = 1 ] && ok "the update is found" || notok "合并之后: $c"

# An index that exists but holds nothing is built by merge too.
"$zhindex" -q -d "$tmp/empty.idx" add "$tmp/in/empty.txt" >/dev/null 2>&1
out=$("$zhindex" -j 2 --batch 25 -d "$tmp/empty.idx" add "$tmp/in" 2>&1)
"$zhindex" -d "$tmp/empty.idx" list >"$tmp/e.list"
"$zhindex" -d "$two" list >"$tmp/two.list"
cmp -s "$tmp/two.list" "$tmp/e.list" && ok "an empty existing index: same documents" ||
    notok "empty existing index"$'\n'"$out"

# kill -9 during a merged build: the index stays as it was (empty), opens,
# and the next run removes the scratch databases and finishes.
marked_copies "$tmp/big" 150 "$corpus"
RANDOM=20261130
killed_mid=0
for round in 1 2 3; do
    idx="$tmp/k$round.idx"
    "$zhindex" -q -j 2 --batch 20 -d "$idx" add "$tmp/big" &
    pid=$!
    sleep "0.$((RANDOM % 5 + 2))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    docs=$("$zhindex" -d "$idx" list 2>"$tmp/err" | wc -l)
    if [ -s "$tmp/err" ] && [ -d "$idx" ]; then
        notok "round $round: index does not open after kill -9: $(cat "$tmp/err")"
        continue
    fi
    if [ "$docs" = 0 ] || [ "$docs" = "$total" ]; then ok "round $round: after kill -9 the index holds $docs documents"
    else notok "round $round: $docs of $total documents after a killed merged build"; fi
    ls -d "$idx".build-* >/dev/null 2>&1 && killed_mid=$((killed_mid + 1))
    out=$("$zhindex" -j 2 --batch 20 -d "$idx" add "$tmp/big" 2>&1)
    got=$("$zhindex" -d "$idx" list | wc -l)
    [ "$got" = "$total" ] && ok "round $round: a rerun finishes ($got documents)" ||
        notok "round $round: rerun left $got of $total"$'\n'"$out"
    ls -d "$idx".build-* >/dev/null 2>&1 && notok "round $round: scratch databases left after the rerun" ||
        ok "round $round: no scratch databases left after the rerun"
done
[ $killed_mid -gt 0 ] && ok "$killed_mid of 3 kills hit a build in progress" ||
    notok "no kill hit a build in progress (the test did not test it)"
check "the last rerun's index passes zhindex check" "$zhindex" -q -d "$tmp/k3.idx" check
tap_done
