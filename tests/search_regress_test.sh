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

tap_done
