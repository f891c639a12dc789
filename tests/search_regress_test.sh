#!/usr/bin/env bash
# search_regress_test.sh - zhsearch on hostile input: huge --offset/--limit,
# invalid UTF-8 in --json, the normalized query, bad dates, query limits,
# control characters in human output.
#
# usage: search_regress_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 ZHINDEX ZHSEARCH CORPUS_DIR" >&2
    exit 2
fi
ZHINDEX=$1 ZHSEARCH=$2 CORPUS=$3
. "$(dirname "$0")/tap.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zhs-regress.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C.UTF-8
unset NO_COLOR ZHSEARCH_INDEX
IDX=$TMP/idx
zs() { "$ZHSEARCH" -d "$IDX" "$@"; }
# run CMD...: stdout in $TMP/out, stderr in $TMP/err, status in $RC.
run() { "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?; }
# expect NAME CONDITION...: ok when the condition holds, else the output.
expect() {
    local name=$1; shift
    if "$@"; then ok "$name"; else
        notok "$name"
        echo "#   exit $RC; stdout: $(head -c 300 "$TMP/out"); stderr: $(head -c 300 "$TMP/err")"
    fi
}
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$TMP/out" 2>/dev/null; }
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); print(eval(sys.argv[2]))' "$TMP/out" "$1"; }

mkdir -p "$TMP/docs"
cp "$CORPUS"/*.txt "$TMP/docs/"
# a file name that is not UTF-8, terminal escapes and controls in the text
BADNAME=$(printf '%s/docs/\377\376-报告.txt' "$TMP")
printf '\033]0;pwned\007\033[31m某某市人民政府关于2021年法治政府建设情况的报告\n\n一、稀有词组\033[2J工作情况。依法办理稀有词组案件\302\23331m。\n' >"$BADNAME"
"$ZHINDEX" -q -d "$IDX" add "$TMP/docs" || { echo "zhindex failed"; exit 2; }

# --- --offset and --limit do not wrap at 32 bits ---------------------------
run zs --offset 4294967296 --json 行政复议
expect "--offset 2^32 refused, naming the limit" \
    test "$RC" = 2 -a -n "$(grep -- '--offset.*too large.*4294967295' "$TMP/err")"
run zs --limit 4294967296 --json 行政复议
expect "--limit 2^32 refused" test "$RC" = 2
run zs --offset 99999999999999999999999 行政复议
expect "--offset beyond a long refused" test "$RC" = 2
run zs --offset 4294967295 --json 行政复议
expect "--offset 2^32-1 is past the end: no hits, exact total" \
    test "$RC" = 0 -a "$(jget 'len(d["hits"]), d["total"]' 2>/dev/null)" = "(0, 5)"

# --- --json is valid UTF-8 whatever the bytes -------------------------------
run zs --json 稀有词组
expect "--json parses with a file name that is not UTF-8" json_ok
expect "bytes that are not UTF-8 become U+FFFD" \
    test "$(jget 'd["hits"][0]["path"].endswith("/docs/\ufffd\ufffd-报告.txt")' 2>/dev/null)" = True
expect "highlights still point at the matches" \
    test "$(jget '"|".join(d["hits"][0]["snippet"].encode()[a:a+n].decode() for a, n in d["hits"][0]["highlights"])' 2>/dev/null)" = "稀有词组|稀有词组"
run zs --json "$(printf '稀有词组 \377\300\257x\355\240\200')"
expect "--json parses with invalid bytes in the query" json_ok
expect "each invalid query byte is one U+FFFD" \
    test "$(jget 'd["query"].count("\ufffd")' 2>/dev/null)" = 6

# --- "normalized" keeps operators and field names ---------------------------
for q in '行政复议 NOT 放管服' '(復議 OR 訴訟) AND -疫情' 'title:法治政府 NOT year:2021' '－疫情 year：2021' '依法 OR ＮＯＴ'; do
    run zs --json --all "$q"
    norm=$(jget 'd["normalized"]' 2>/dev/null)
    want=$(jget 'sorted(h["path"] for h in d["hits"])' 2>/dev/null)
    run zs --json --all "$norm"
    expect "normalized form '$norm' of '$q' finds the same documents" \
        test -n "$norm" -a "$(jget 'sorted(h["path"] for h in d["hits"])' 2>/dev/null)" = "$want"
done
run zs --json '行政复议 NOT 放管服'
expect "NOT is reported as NOT" test "$(jget 'd["normalized"]' 2>/dev/null)" = '行政复议 NOT 放管服'

# --- query limits: exit 2 and a message naming the limit -------------------
run zs "$(python3 -c "print('法' * 8000)")"
expect "a query over 8192 bytes is refused" test "$RC" = 2 -a -n "$(grep 'the limit is 8192 bytes' "$TMP/err")"
run zs "$(python3 -c "print(' OR '.join('诉%d' % i for i in range(101)))")"
expect "101 terms are refused" test "$RC" = 2 -a -n "$(grep 'more than 100 words' "$TMP/err")"
run zs "$(python3 -c "print('法治' * 251)")"
expect "a phrase of 502 characters is refused" test "$RC" = 2 -a -n "$(grep 'more than 500 characters' "$TMP/err")"
run zs --json "$(python3 -c "print('法治政府' * 125)")"
expect "a phrase of 500 characters is searched" test "$RC" = 1 -a "$(jget 'd["total"]' 2>/dev/null)" = 0

# --- human output shows control characters escaped -------------------------
run zs --color never 稀有词组
expect "no escape or control character reaches the terminal" \
    python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); sys.exit(any(c < 32 and c not in (10,) or c == 127 for c in b) or b"\xc2\x9b" in b)' "$TMP/out"
expect "they are shown as escapes" \
    test -n "$(grep -F '\x1b[2J' "$TMP/out")" -a -n "$(grep -F '\xff\xfe-报告.txt' "$TMP/out")" -a -n "$(grep -F '\u009b31m' "$TMP/out")"
run zs --color always 稀有词组
expect "highlight colors are still written" test -n "$(grep -F "$(printf '\033[1;31m稀有词组')" "$TMP/out")"
run zs "$(printf '稀有词组 \033\007，')"
expect "error messages show the query's controls as escapes" \
    test "$RC" = 2 -a -n "$(grep -F 'x1b' "$TMP/err")" -a -n "$(grep -F 'x07' "$TMP/err")"
expect "... and write no control byte" \
    python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); sys.exit(b"\x1b" in b or b"\x07" in b)' "$TMP/err"

tap_done
