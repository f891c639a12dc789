#!/usr/bin/env bash
# The researcher's tools, end to end over corpus/: the concordance (-o) in
# human, JSON Lines, TSV and CSV output against grep's counts; trends
# (--facet year --occurrences, as a table); did you mean; synonym groups
# stored by zhindex synonyms and used through ~word and --expand.
# Usage: query_power_test.sh ZHINDEX ZHSEARCH CORPUS_DIR SYNONYMS_FILE
set -uo pipefail
zhindex=$(realpath "$1") zhsearch=$(realpath "$2") corpus=$(realpath "$3") synonyms=$(realpath "$4")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
export LC_ALL=C.UTF-8
unset NO_COLOR ZHSEARCH_INDEX
idx=$tmp/idx
z() { "$zhsearch" -d "$idx" "$@"; }

"$zhindex" -q -d "$idx" add "$corpus" >"$tmp/log" 2>&1
check "index corpus/" test -s "$idx/iamglass"

# grep's count of a string in corpus/ (these reports are Simplified and
# need no normalization for the words below)
grepcount() { cat "$corpus"/*.txt | grep -o "$1" | wc -l; }

# --- concordance ----------------------------------------------------------
t_lines() {
    local want got
    want=$(grepcount 行政复议)
    got=$(z -o --all 行政复议 | wc -l)
    [ "$got" = "$want" ] || { echo "-o: $got lines, grep finds $want"; return 1; }
}
check "-o --all: one line per occurrence, as many as grep finds" t_lines

t_jsonl() {
    z -o --all --json --context 6 放管服 >"$tmp/m.jsonl" || return 1
    python3 - "$tmp/m.jsonl" "$(grepcount 放管服)" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == int(sys.argv[2]), (len(rows), sys.argv[2])
for r in rows:
    assert r["match"] == "放管服" and r["query_word"] == "放管服", r
    assert len(r["left"]) <= 6 and len(r["right"]) <= 6, r
    assert r["year"] in (2020, 2021, 2023) and r["path"].endswith(".txt") and r["offset"] >= 0, r
    text = open(r["path"], encoding="utf-8").read()
    assert (r["left"] + "放管服" + r["right"]).replace(" ", "") in text.replace("\n", "").replace(" ", ""), r
EOF
}
check "-o --json: JSON Lines, each occurrence in its context" t_jsonl

t_tsv() {
    z -o --all --tsv 放管服 >"$tmp/m.tsv" || return 1
    [ "$(head -1 "$tmp/m.tsv")" = $'path\tpage\toffset\tleft\tmatch\tright' ] || return 1
    [ "$(tail -n +2 "$tmp/m.tsv" | cut -f5 | sort -u)" = 放管服 ] || return 1
    [ "$(tail -n +2 "$tmp/m.tsv" | awk -F'\t' 'NF != 6' | wc -l)" = 0 ]
}
check "-o --tsv: six columns, the match in the fifth" t_tsv

t_csv() {
    z -o --all --csv 放管服 | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
assert rows[0] == ["path", "page", "offset", "left", "match", "right"], rows[0]
assert all(r[4] == "放管服" for r in rows[1:]) and len(rows) > 2, rows[:3]'
}
check "-o --csv: RFC 4180, read back by Python's csv" t_csv

t_limit() {
    local docs
    docs=$(z -o -n 2 行政复议 | cut -d: -f1 | sort -u | wc -l)
    [ "$docs" = 2 ] || { echo "-o -n 2 printed occurrences of $docs documents"; return 1; }
}
check "-o --limit counts documents" t_limit
check "-o of nothing: exit 1" bash -c "! '$zhsearch' -d '$idx' -o 量子计算机"

# --- trends ---------------------------------------------------------------
t_trend() {
    local sum
    sum=$(z --facet year --occurrences --tsv 行政复议 | tail -n +2 | awk -F'\t' '{s += $3} END {print s}')
    # every report with 行政复议 has a year
    [ "$sum" = "$(grepcount 行政复议)" ] || { echo "occurrences by year sum to $sum"; return 1; }
    [ "$(z --facet year --occurrences --tsv 行政复议 | head -1)" = $'facet\tvalue\toccurrences' ]
}
check "--facet year --occurrences --tsv: the counts sum to grep's" t_trend
check "--facet issuer --csv: documents per issuer" \
    bash -c "'$zhsearch' -d '$idx' --facet issuer --csv 法治 | grep -q '^\"issuer\",\"吴忠市人民政府\",\"1\"\$'"
check "--occurrences in the summary line" bash -c "'$zhsearch' -d '$idx' --occurrences 放管服 | tail -1 | grep -q 'occurrences'"
check "--tsv alone is refused" bash -c "! '$zhsearch' -d '$idx' --tsv 法治 2>/dev/null"

# --- did you mean -----------------------------------------------------------
t_suggest() {
    local err rc
    err=$(z 依法形政 2>&1 >/dev/null)
    rc=$?
    [ $rc = 1 ] && [[ $err == *"did you mean: 依法行政 (5)"* ]] || { echo "exit $rc: $err"; return 1; }
    { z --json 依法形政 || true; } | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["suggestions"][0] == {"query": "依法行政", "count": 5}, d'
}
check "did you mean: 依法形政 -> 依法行政 (5), on stderr and in JSON; exit 1" t_suggest
check "no suggestion for a query that finds enough" bash -c "! '$zhsearch' -d '$idx' 依法行政 2>&1 >/dev/null | grep -q 'did you mean'"

# --- synonyms -----------------------------------------------------------------
check "zhindex synonyms stores the starter list" "$zhindex" -q -d "$idx" synonyms "$synonyms"
check "zhindex synonyms prints them" bash -c "'$zhindex' -d '$idx' synonyms | grep -q '^放管服 简政放权 放管结合 优化服务'"
t_tilde() {
    local plain wide
    plain=$(z -c 放管服) wide=$(z -c '~放管服')
    [ "$wide" -ge "$plain" ] && [ "$(z -c '放管服 OR 简政放权 OR 放管结合 OR 优化服务 OR 放管服改革')" = "$wide" ] ||
        { echo "~放管服 $wide, 放管服 $plain"; return 1; }
    z --json --snippet 0 '~放管服' | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["expanded"] == {"放管服": ["放管服", "简政放权", "放管结合", "优化服务", "放管服改革"]}, d.get("expanded")'
}
check "~放管服 finds its group's documents and says so (JSON expanded)" t_tilde
check "a plain query never widens" bash -c "'$zhsearch' -d '$idx' --json 放管服 | python3 -c 'import json,sys; assert \"expanded\" not in json.load(sys.stdin)'"
check "--expand: every word of a group" bash -c "[ \$('$zhsearch' -d '$idx' -c --expand 二〇二一年) = \$('$zhsearch' -d '$idx' -c '2021年 OR 二〇二一年') ]"
check "--explain shows the expansion" bash -c "'$zhsearch' -d '$idx' --explain '~放管服' | grep -q 'synonyms: 放管服 -> 放管服 简政放权'"
printf 'a = b\nb = c\n' >"$tmp/bad.txt"
t_bad_groups() {
    local out
    out=$("$zhindex" -d "$idx" synonyms "$tmp/bad.txt" 2>&1) && return 1
    [[ $out == *"bad.txt: line 2: 'b' is already in another group"* ]] || { echo "$out"; return 1; }
    "$zhindex" -d "$idx" synonyms | grep -q '^放管服 '
}
check "a bad list is refused, naming the line; the stored one stays" t_bad_groups

# --- explain: title terms of a body string are title evidence, not BM25 parts
t_explain_title() {
    local out
    out=$(z --explain -n 1 '法治政府建设' | grep -E '^ +T[CWB]') || { echo "no title terms listed"; return 1; }
    ! grep -qv 'title evidence' <<<"$out" || { echo "$out"; return 1; }
    z --explain -n 1 '法治政府建设' | grep -q 'title terms count only as title evidence' || return 1
    # a title: query weighs its terms by BM25
    z --explain -n 1 'title:法治' | grep -E '^ +TB法治' | grep -qv 'title evidence'
}
check "--explain: title terms of a body query are title evidence; of title: BM25" t_explain_title

# --- NEAR, SENTENCE, PARAGRAPH (their exactness: proximity_exact.py) -------
check "行政复议 NEAR/10 应诉: 3 reports" bash -c "[ \$('$zhsearch' -d '$idx' -c '行政复议 NEAR/10 应诉') = 3 ]"
check "放管服 PARAGRAPH 营商环境 (2) and SENTENCE (1) within the AND (4)" bash -c "
    [ \$('$zhsearch' -d '$idx' -c '放管服 PARAGRAPH 营商环境') = 2 ] &&
    [ \$('$zhsearch' -d '$idx' -c '放管服 SENTENCE 营商环境') = 1 ] &&
    [ \$('$zhsearch' -d '$idx' -c '放管服 营商环境') = 4 ]"
check "--explain names the proximity check" bash -c "'$zhsearch' -d '$idx' --explain '复议 SENTENCE 纠错' | grep -q '^proximity: 复议 SENTENCE 纠错'"
t_near_errors() {
    local out rc
    out=$(z '(复议 NEAR 纠错)' 2>&1); rc=$?
    [ $rc = 2 ] && [[ $out == *"column 5: NEAR joins two words or phrases at the top level"* ]] || { echo "$rc $out"; return 1; }
    out=$(z '复议 NEAR/x 纠错' 2>&1); rc=$?
    [ $rc = 2 ] && [[ $out == *"NEAR/n takes a distance"* ]] || { echo "$rc $out"; return 1; }
    out=$(z 'year:2021 SENTENCE 纠错' 2>&1); rc=$?
    [ $rc = 2 ] && [[ $out == *"SENTENCE needs a word or phrase on each side"* ]] || { echo "$rc $out"; return 1; }
}
check "a misplaced NEAR/SENTENCE names the column, exit 2" t_near_errors
check "-o with NEAR lists the operands' occurrences in the documents that hold" \
    bash -c "'$zhsearch' -d '$idx' -o --all '行政复议 NEAR/10 应诉' | cut -d: -f1 | sort -u | wc -l | grep -qx 3"

tap_done
