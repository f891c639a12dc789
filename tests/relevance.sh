#!/usr/bin/env bash
# Ranking guard: for each query of relevance.tsv, the expected report must
# rank at or above the given place.
# Usage: relevance.sh ZHINDEX ZHSEARCH CORPUS_DIR RELEVANCE_TSV
set -uo pipefail
zhindex=$1 zhsearch=$2 corpus=$3 table=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$zhindex" -q -d "$tmp/idx" add "$corpus" || exit 1
. "$(dirname "$0")/tap.sh"
while IFS=$'\t' read -r query want place; do
    case "$query" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    # shellcheck disable=SC2086 # queries with spaces are several words
    rank=$("$zhsearch" -d "$tmp/idx" --json --snippet 0 --limit 10 $query |
        python3 -c '
import json, sys
want = sys.argv[1]
for h in json.load(sys.stdin)["hits"]:
    if want in h["path"].rsplit("/", 1)[-1]:
        print(h["rank"]); break
else:
    print(99)' "$want")
    if [ "$rank" -le "$place" ]; then
        echo "ok $n - $query: $want at $rank (<= $place)"
    else
        fails=$((fails + 1))
        echo "not ok $n - $query: $want at $rank, expected <= $place"
    fi
done <"$table"
# Proximity: the same words, together in one document and scattered in the
# other (same counts, same length); together must rank first, both ways round.
mkdir "$tmp/prox"
filler=$(printf '其他工作稳步推进。%.0s' $(seq 1 30))
printf '前言\n行政复议体制改革深入推进。%s工作结语。\n' "$filler" >"$tmp/prox/together.txt"
printf '前言\n行政复议工作。%s体制改革深入推进。结语。\n' "$filler" >"$tmp/prox/scattered.txt"
for k in 1 2 3 4; do printf '其他\n%s\n' "$filler" >"$tmp/prox/other$k.txt"; done
"$zhindex" -q -d "$tmp/pidx" add "$tmp/prox" || exit 1
for q in "行政复议 体制改革" "体制改革 行政复议"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    first=$("$zhsearch" -d "$tmp/pidx" --json --snippet 0 $q | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["path"].rsplit("/",1)[-1])')
    if [ "$first" = together.txt ]; then echo "ok $n - proximity: $q ranks the adjacent document first"
    else fails=$((fails + 1)); echo "not ok $n - proximity: $q ranks $first first"; fi
done
# Title evidence counts how much of the title a query string is, not the
# document's length: a long page titled with the string itself ranks above a
# short one whose longer title holds it in passing (and whose body holds it
# more often).
mkdir "$tmp/title"
{ printf '公式计算\n'; for k in $(seq 1 80); do printf '%s\n' "$filler"; done; printf '公式计算的步骤。\n'; } >"$tmp/title/exact.txt"
printf '关于公式计算的若干说明和其他事项\n公式计算可以在表格中进行，公式计算的结果自动更新。公式计算。%s\n' "$filler" >"$tmp/title/passing.txt"
for k in 1 2 3 4; do printf '其他\n%s\n' "$filler" >"$tmp/title/other$k.txt"; done
"$zhindex" -q -d "$tmp/tidx" add "$tmp/title" || exit 1
n=$((n + 1))
first=$("$zhsearch" -d "$tmp/tidx" --json --snippet 0 公式计算 | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["path"].rsplit("/",1)[-1])')
if [ "$first" = exact.txt ]; then echo "ok $n - title: the page titled with the query ranks first"
else fails=$((fails + 1)); echo "not ok $n - title: 公式计算 ranks $first first"; fi
tap_done
