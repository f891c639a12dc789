#!/usr/bin/env bash
# cli_test.sh - end-to-end tests of the zhindex and zhsearch programs.
#
# usage: cli_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
#
# Small named checks in the style of notmuch's test scripts: each prints
# "ok N - name" or "not ok N - name" (with "#" lines saying why), then a
# TAP plan "1..N" and a final "# N passed, M failed".  Exit status 1 when
# any check failed, 2 on a usage error.  Everything happens in a temporary
# directory removed on exit.

set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 ZHINDEX ZHSEARCH CORPUS_DIR" >&2
    exit 2
fi
abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$1")"); }
ZHINDEX=$(abspath "$1")
ZHSEARCH=$(abspath "$2")
CORPUS=$(cd "$3" && pwd -P) || { echo "$0: $3: no such directory" >&2; exit 2; }
for p in "$ZHINDEX" "$ZHSEARCH"; do
    [ -x "$p" ] || { echo "$0: $p: not executable" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "$0: python3 is needed" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/zhs-cli.XXXXXX") || exit 2
BGPID=
cleanup() {
    if [ -n "$BGPID" ]; then kill "$BGPID" 2>/dev/null; wait "$BGPID" 2>/dev/null; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

export LC_ALL=C.UTF-8
unset NO_COLOR ZHSEARCH_INDEX
IDX=$TMP/idx
NDOCS=$(find "$CORPUS" -maxdepth 1 -type f ! -name '.*' | wc -l)

# --- harness -------------------------------------------------------------

n=0 passed=0 failed=0 WHY=
say_ok()    { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
say_notok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ -n "$WHY" ] && printf '%s\n' "$WHY" | sed 's/^/#   /'
}
# check NAME FUNCTION [ARG...]: the function returns 0 for success, or sets
# WHY and returns non-zero.
check() {
    local name=$1; shift
    WHY=
    if "$@"; then say_ok "$name"; else say_notok "$name"; fi
}
fail() { WHY="$*"; return 1; }

# run CMD...: stdout in $TMP/out, stderr in $TMP/err, status in $RC.
run() { "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?; }
out() { cat "$TMP/out"; }
err() { cat "$TMP/err"; }
both() { cat "$TMP/out" "$TMP/err"; }
show() { printf 'exit %s\nstdout: %s\nstderr: %s' "$RC" "$(head -c 600 "$TMP/out")" "$(head -c 600 "$TMP/err")"; }

zs() { "$ZHSEARCH" -d "$IDX" "$@"; }
zi() { "$ZHINDEX" -d "$IDX" "$@"; }

# Python helpers over zhsearch --json output (stdin).
PY=$TMP/jq.py
cat >"$PY" <<'EOF'
import json, sys, collections
cmd = sys.argv[1]
d = json.load(sys.stdin)
hits = d.get("hits", [])
if cmd == "paths":          # sorted paths, one a line
    for p in sorted(h["path"] for h in hits):
        print(p)
elif cmd == "field":        # FIELD of each hit in rank order
    for h in hits:
        v = h.get(sys.argv[2])
        print("" if v is None else v)
elif cmd == "total":
    print(d["total"])
elif cmd == "nhits":
    print(len(hits))
elif cmd == "facet":        # facet FIELD as "value count" lines, sorted
    for k, v in sorted(d.get("facets", {}).get(sys.argv[2], {}).items()):
        print(k, v)
elif cmd == "count-by":     # counts of FIELD over the hits, same format
    c = collections.Counter(str(h.get(sys.argv[2])) for h in hits)
    for k, v in sorted(c.items()):
        print(k, v)
elif cmd == "highlights":   # each highlighted range, whitespace removed
    for h in hits:
        b = h.get("snippet", "").encode("utf-8")
        if not h.get("highlights"):
            print("<hit %d has no highlights>" % h["rank"])
        for s, l in h.get("highlights", []):
            try:
                t = b[s:s + l].decode("utf-8")
            except UnicodeDecodeError:
                t = "<not on a character boundary: [%d,%d]>" % (s, l)
            if s < 0 or l <= 0 or s + l > len(b):
                t = "<out of range: [%d,%d] in %d bytes>" % (s, l, len(b))
            print("".join(t.split()))
elif cmd == "sortcheck":    # date order, an undated hit counting as the end of its year
    key = sys.argv[2]
    def k(h):
        return h.get("date") or "%04d-99-99" % h["year"]
    seq = [k(h) for h in hits]
    if seq != sorted(seq, reverse=(key == "-date")):
        print("--sort %s gives %s" % (key, ", ".join(
            "%s(%s)" % (h.get("date") or "no date", h["year"]) for h in hits)))
elif cmd == "schema":       # problems with the hit objects, if any
    need = {"rank": int, "score": (int, float), "path": str, "title": str, "year": int}
    if d.get("version") != 1:
        print("version is %r" % d.get("version"))
    if not isinstance(d.get("total"), int):
        print("total is %r" % d.get("total"))
    for i, h in enumerate(hits):
        for k, t in need.items():
            if not isinstance(h.get(k), t) or isinstance(h.get(k), bool):
                print("hit %d: %s is %r" % (i, k, h.get(k)))
        if h.get("rank") != i + 1 + d.get("offset", 0):
            print("hit %d: rank %r" % (i, h.get("rank")))
        if not h.get("path", "").startswith("/"):
            print("hit %d: path %r not absolute" % (i, h.get("path")))
        if not h.get("title"):
            print("hit %d: empty title" % i)
EOF
jpy() { python3 "$PY" "$@"; }
# paths QUERY...: sorted path set of all matches
paths() { zs --all --json --snippet 0 -- "$@" | jpy paths; }
# set operations on files of sorted lines
union() { sort -u "$1" "$2"; }
inter() { comm -12 "$1" "$2"; }
minus() { comm -23 "$1" "$2"; }
lines() { if [ -s "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
same_set() { # FILE1 FILE2 LABEL
    cmp -s "$1" "$2" || fail "$3: expected $(lines "$1") docs:
$(cat "$1")
got $(lines "$2"):
$(cat "$2")"
}

# --- indexing ------------------------------------------------------------

t_index() {
    run zi add "$CORPUS"
    [ "$RC" -eq 0 ] || fail "$(show)" || return
    both | grep -q "\b$NDOCS added" || fail "no '$NDOCS added' in the summary: $(show)"
}
check "zhindex add corpus: exit 0, '$NDOCS added'" t_index

t_readd() {
    run zi add "$CORPUS"
    [ "$RC" -eq 0 ] || fail "$(show)" || return
    both | grep -q "\b0 added" && both | grep -q "\b$NDOCS unchanged" ||
        fail "expected '0 added' and '$NDOCS unchanged': $(show)"
}
check "zhindex add again: '$NDOCS unchanged'" t_readd

t_list() {
    run zi list
    [ "$RC" -eq 0 ] || fail "$(show)" || return
    [ "$(lines "$TMP/out")" -eq "$NDOCS" ] || fail "expected $NDOCS lines: $(show)" || return
    find "$CORPUS" -maxdepth 1 -type f ! -name '.*' | sort >"$TMP/want"
    cut -f1 "$TMP/out" | sort >"$TMP/got"
    same_set "$TMP/want" "$TMP/got" "zhindex list paths"
}
check "zhindex list shows every corpus file by canonical path" t_list

t_stats() {
    run zi stats
    [ "$RC" -eq 0 ] || fail "$(show)" || return
    out | grep -Eq "^documents: +$NDOCS\$" || fail "no 'documents: $NDOCS': $(show)"
}
check "zhindex stats counts $NDOCS documents" t_stats

t_help() {
    run "$ZHINDEX" --help
    [ "$RC" -eq 0 ] && out | grep -q usage || fail "zhindex --help: $(show)" || return
    run "$ZHSEARCH" --help
    [ "$RC" -eq 0 ] && out | grep -q usage || fail "zhsearch --help: $(show)"
}
check "--help exits 0 with usage on stdout" t_help

# --- human output --------------------------------------------------------

t_human() {
    run zs --color=never 行政复议
    [ "$RC" -eq 0 ] || fail "$(show)" || return
    grep -E '^ *[0-9]+\. ' "$TMP/out" >"$TMP/ranks"
    [ "$(lines "$TMP/ranks")" -eq 5 ] || fail "expected 5 ranked lines: $(show)" || return
    local i=0 line
    while IFS= read -r line; do
        i=$((i + 1))
        [[ $line =~ ^\ *$i\.\ +([^ ].*[^ ])\ +\(([0-9.]+)\)$ ]] ||
            fail "rank line $i malformed: '$line'" || return
    done <"$TMP/ranks"
    zs --json --snippet 0 行政复议 | jpy field title >"$TMP/titles"
    while IFS= read -r line; do
        [ -n "$line" ] && grep -qF -- "$line" "$TMP/ranks" || fail "title '$line' not on a rank line" || return
    done <"$TMP/titles"
    tail -n 1 "$TMP/out" | grep -Eq '^5 results in [0-9]+(\.[0-9]+)? ms$' ||
        fail "footer: '$(tail -n 1 "$TMP/out")'"
}
check "human output of 行政复议: 5 ranked hits with titles and footer" t_human

# --- JSON ----------------------------------------------------------------

t_json() {
    run zs --json 行政复议
    [ "$RC" -eq 0 ] || fail "$(show)" || return
    python3 -c 'import json,sys; json.load(sys.stdin)' <"$TMP/out" 2>"$TMP/perr" ||
        fail "invalid JSON: $(cat "$TMP/perr") $(show)" || return
    jpy schema <"$TMP/out" >"$TMP/probs"
    [ ! -s "$TMP/probs" ] || fail "$(cat "$TMP/probs")" || return
    [ "$(jpy nhits <"$TMP/out")" = 5 ] && [ "$(jpy total <"$TMP/out")" = 5 ] ||
        fail "expected 5 hits, total 5"
}
check "--json is valid JSON; hits have rank/score/path/title/year" t_json

t_json_paths() {
    zs --json --all 行政复议 | jpy paths >"$TMP/got"
    find "$CORPUS" -maxdepth 1 -type f ! -name '.*' | sort >"$TMP/want"
    same_set "$TMP/want" "$TMP/got" "JSON paths (absolute, canonical)"
}
check "--json paths are the canonical corpus paths" t_json_paths

t_count() {
    local q
    for q in 行政复议 放管服改革 一网通办 量子计算机; do
        run zs --count "$q"
        local want
        want=$(paths "$q" | grep -c .)
        [ "$(out)" = "$want" ] || fail "--count $q printed '$(out)', --all finds $want" || return
        out | grep -Eq '^[0-9]+$' && [ "$(lines "$TMP/out")" = 1 ] || fail "--count $q: $(show)" || return
    done
}
check "--count prints exactly the number of matches" t_count

t_limit() {
    zs --json --all --snippet 0 行政复议 | jpy field path >"$TMP/all"
    [ "$(lines "$TMP/all")" = 5 ] || fail "--all: $(lines "$TMP/all") hits" || return
    run zs --json --limit 2 --snippet 0 行政复议
    [ "$(jpy nhits <"$TMP/out")" = 2 ] && [ "$(jpy total <"$TMP/out")" = 5 ] ||
        fail "--limit 2: $(show)" || return
    jpy field rank <"$TMP/out" | tr '\n' ' ' | grep -qx '1 2 ' || fail "--limit 2 ranks: $(show)" || return
    jpy field path <"$TMP/out" >"$TMP/got"
    head -n 2 "$TMP/all" | cmp -s - "$TMP/got" || fail "--limit 2 is not the head of --all" || return
    run zs --json --limit 2 --offset 2 --snippet 0 行政复议
    jpy field rank <"$TMP/out" | tr '\n' ' ' | grep -qx '3 4 ' || fail "--offset 2 ranks: $(show)" || return
    jpy field path <"$TMP/out" >"$TMP/got"
    sed -n 3,4p "$TMP/all" | cmp -s - "$TMP/got" || fail "--limit 2 --offset 2 is not hits 3-4 of --all" || return
    run zs --json --offset 4 --snippet 0 行政复议
    [ "$(jpy nhits <"$TMP/out")" = 1 ] || fail "--offset 4: $(show)" || return
    run zs --color=never --limit 1 --snippet 0 行政复议
    [ "$(grep -Ec '^ *[0-9]+\. ' "$TMP/out")" = 1 ] || fail "human --limit 1: $(show)"
}
check "--limit / --offset / --all" t_limit

# --- exit status and errors ---------------------------------------------

t_nomatch() {
    run zs 量子计算机
    [ "$RC" -eq 1 ] || fail "$(show)"
}
check "a query with no match exits 1" t_nomatch

t_syntax() {
    local q
    for q in '(行政' '"行政' '行政 )'; do
        run zs "$q"
        [ "$RC" -eq 2 ] || fail "'$q': $(show)" || return
        err | grep -qi 'column' || fail "'$q': no column in the message: $(show)" || return
    done
}
check "syntax errors ( / unbalanced quote / ) exit 2 naming the column" t_syntax

t_empty() {
    run zs ''
    [ "$RC" -eq 2 ] && [ -s "$TMP/err" ] || fail "'': $(show)" || return
    run zs '   '
    [ "$RC" -eq 2 ] && [ -s "$TMP/err" ] || fail "'   ': $(show)"
}
check "an empty query exits 2 with a message" t_empty

t_badopt() {
    run zs --sort size 行政复议
    [ "$RC" -eq 2 ] || fail "--sort size: $(show)" || return
    run zs --facet color 行政复议
    [ "$RC" -eq 2 ] || fail "--facet color: $(show)" || return
    run zs --limit x 行政复议
    [ "$RC" -eq 2 ] || fail "--limit x: $(show)"
}
check "bad option values exit 2" t_badopt

# --- boolean operators, against path sets ------------------------------

A=最多跑一次 B=放管服改革 C=一网通办
paths "$A" >"$TMP/A"; paths "$B" >"$TMP/B"; paths "$C" >"$TMP/C"; paths 行政复议 >"$TMP/ALL"

t_sets_sane() {
    inter "$TMP/A" "$TMP/B" >"$TMP/ab"
    minus "$TMP/A" "$TMP/B" >"$TMP/a-b"
    [ -s "$TMP/A" ] && [ -s "$TMP/B" ] && [ -s "$TMP/C" ] && [ -s "$TMP/ab" ] && [ -s "$TMP/a-b" ] ||
        fail "the sets of $A, $B, $C do not overlap usefully: $(lines "$TMP/A") $(lines "$TMP/B") $(lines "$TMP/C")"
}
check "precondition: $A and $B overlap partly" t_sets_sane

t_or() {
    union "$TMP/A" "$TMP/B" >"$TMP/want"
    paths "$A OR $B" >"$TMP/got"
    same_set "$TMP/want" "$TMP/got" "$A OR $B" || return
    [ "$(zs --count "$A" OR "$B")" = "$(lines "$TMP/want")" ] || fail "--count $A OR $B"
}
check "A OR B = A ∪ B" t_or

t_and() {
    inter "$TMP/A" "$TMP/B" >"$TMP/want"
    paths "$A" "$B" >"$TMP/got"
    same_set "$TMP/want" "$TMP/got" "$A $B"
}
check "A B (implicit AND) = A ∩ B" t_and

t_minus() {
    minus "$TMP/A" "$TMP/B" >"$TMP/want"
    paths "$A" "-$B" >"$TMP/got"
    same_set "$TMP/want" "$TMP/got" "$A -$B" || return
    paths "$A NOT $B" >"$TMP/got"
    same_set "$TMP/want" "$TMP/got" "$A NOT $B" || return
    [ "$(zs --count -- "$A" "-$B")" = "$(lines "$TMP/want")" ] || fail "--count $A -$B"
}
check "A -B = A NOT B = A \\ B" t_minus

t_not_alone() {
    minus "$TMP/ALL" "$TMP/C" >"$TMP/want"
    paths "NOT $C" >"$TMP/got"
    same_set "$TMP/want" "$TMP/got" "NOT $C"
}
check "NOT C alone = all documents \\ C" t_not_alone

t_parens() {
    union "$TMP/B" "$TMP/C" >"$TMP/t"
    inter "$TMP/t" "$TMP/A" >"$TMP/want"
    paths "($B OR $C) $A" >"$TMP/got"
    same_set "$TMP/want" "$TMP/got" "($B OR $C) $A" || return
    # without the parentheses AND binds tighter: B OR (C A)
    inter "$TMP/C" "$TMP/A" >"$TMP/t"
    union "$TMP/B" "$TMP/t" >"$TMP/want2"
    paths "$B OR $C $A" >"$TMP/got"
    same_set "$TMP/want2" "$TMP/got" "$B OR $C $A"
}
check "parentheses group: (B OR C) A = (B ∪ C) ∩ A" t_parens

t_phrase() {
    paths '"放管服 改革"' >"$TMP/got"
    same_set "$TMP/B" "$TMP/got" '"放管服 改革"' || return
    paths 放管服 改革 >"$TMP/and"
    [ "$(minus "$TMP/B" "$TMP/and" | grep -c .)" = 0 ] || fail "放管服 改革 misses phrase matches" || return
    [ "$(lines "$TMP/and")" -gt "$(lines "$TMP/B")" ] ||
        fail "放管服 改革 (AND) should match more than the phrase (“放管服”改革 exists)"
}
check "quoted phrase \"放管服 改革\" = 放管服改革; unquoted words are ANDed" t_phrase

# --- field filters -----------------------------------------------------

t_year() {
    run zs --json --all --snippet 0 year:2021
    [ "$RC" -eq 0 ] && [ "$(jpy total <"$TMP/out")" = 3 ] || fail "year:2021: $(show)" || return
    jpy field year <"$TMP/out" | sort -u | tr -d '\n' | grep -qx 2021 || fail "year:2021 hits: $(jpy field year <"$TMP/out")" || return
    [ "$(zs --count year:2021)" = 3 ] || fail "--count year:2021" || return
    [ "$(zs --count year:2021 行政复议)" = 3 ] || fail "--count year:2021 行政复议"
}
check "year:2021 matches the 3 reports of 2021" t_year

t_year_range() {
    run zs --json --all --snippet 0 year:2020..2021
    [ "$(jpy total <"$TMP/out")" = 4 ] || fail "$(show)" || return
    if jpy field year <"$TMP/out" | grep -vxE '2020|2021'; then fail "years out of range"; fi
}
check "year:2020..2021 matches 4 reports in range" t_year_range

t_year_bad() {
    run zs year:abc
    [ "$RC" -eq 2 ] && err | grep -q year || fail "$(show)"
}
check "year:abc is an error (exit 2, message names year)" t_year_bad

t_issuer() {
    run zs --json --all --snippet 0 issuer:乐山
    [ "$(jpy total <"$TMP/out")" = 1 ] && jpy field issuer <"$TMP/out" | grep -q 乐山 || fail "$(show)"
}
check "issuer:乐山 matches the one 乐山 report" t_issuer

t_title() {
    zs --json --all --snippet 0 year:2000..2100 | jpy field title >"$TMP/titles"
    [ "$(lines "$TMP/titles")" = "$NDOCS" ] || fail "year:2000..2100 lists $(lines "$TMP/titles") titles" || return
    local q want
    for q in 复议 綦江 法治政府; do
        want=$(grep -c "$q" "$TMP/titles")
        run zs --json --all --snippet 0 "title:$q"
        [ "$(jpy total <"$TMP/out")" = "$want" ] || fail "title:$q: $want titles contain $q; $(show)" || return
        if [ "$want" = 0 ]; then [ "$RC" = 1 ] || fail "title:$q: exit $RC" || return; fi
        jpy field title <"$TMP/out" | grep -v "$q" && { fail "title:$q returned a title without $q"; return; }
    done
    return 0
}
check "title:复议 / title:綦江 / title:法治政府 match the titles containing them" t_title

# --- sorting and facets ------------------------------------------------

t_sort() {
    local key
    for key in date -date; do
        zs --json --all --snippet 0 --sort "$key" 法治 | jpy field date | grep . >"$TMP/d"
        [ "$(lines "$TMP/d")" -ge 2 ] || fail "--sort $key: fewer than 2 dated hits" || return
        if [ "$key" = date ]; then sort -c "$TMP/d" 2>/dev/null; else sort -rc "$TMP/d" 2>/dev/null; fi ||
            fail "--sort $key: dates out of order: $(tr '\n' ' ' <"$TMP/d")" || return
    done
}
check "--sort date / -date order the dated hits by the JSON date" t_sort

# A report without a publication date (安岳, year 2023) should not be listed
# as the oldest report: the date order falls back on the year, or puts
# undated hits last.  Check that with date as primary key and year as the
# fallback, ranks are ordered (oldest first / newest first).
t_sort_undated() {
    local key
    for key in date -date; do
        zs --json --all --snippet 0 --sort "$key" 法治 >"$TMP/j"
        jpy sortcheck "$key" <"$TMP/j" >"$TMP/probs" 2>&1 || { fail "$(cat "$TMP/probs")"; return; }
        [ ! -s "$TMP/probs" ] || fail "$(cat "$TMP/probs")" || return
    done
}
check "--sort date / -date place an undated report by its year" t_sort_undated

t_facet() {
    local f
    for f in year issuer; do
        run zs --json --all --snippet 0 --facet "$f" 法治
        jpy count-by "$f" <"$TMP/out" >"$TMP/want"
        jpy facet "$f" <"$TMP/out" >"$TMP/got"
        [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got" ||
            fail "--facet $f: hits give $(tr '\n' ',' <"$TMP/want") facets give $(tr '\n' ',' <"$TMP/got")" || return
    done
    run zs --json --all --snippet 0 --facet year year:2021
    [ "$(jpy facet year <"$TMP/out")" = "2021 3" ] || fail "--facet year year:2021: $(jpy facet year <"$TMP/out")" || return
    run zs --color=never --snippet 0 --facet year 法治
    out | grep -E '^year:' | grep -q '2021 (3)' || fail "human --facet year: $(show)"
}
check "--facet year / issuer count the matches" t_facet

# --- color -------------------------------------------------------------

ESC=$(printf '\033')
t_color_always() {
    run zs --color=always 行政复议
    [ "$RC" -eq 0 ] && grep -q "$ESC\[" "$TMP/out" || fail "no ANSI escape: $(show)"
}
check "--color=always emits ANSI escapes" t_color_always

t_color_never() {
    run zs --color=never 行政复议
    [ "$RC" -eq 0 ] && ! grep -q "$ESC" "$TMP/out" || fail "$(show)" || return
    NO_COLOR=1 run zs 行政复议
    [ "$RC" -eq 0 ] && ! grep -q "$ESC" "$TMP/out" || fail "NO_COLOR: $(show)"
}
check "--color=never and NO_COLOR emit no escapes" t_color_never

# With a terminal (script(1)), auto colors unless NO_COLOR is set.
t_color_tty() {
    command -v script >/dev/null || { echo "# script(1) not found, tty part skipped"; return 0; }
    local cmd
    cmd=$(printf '%q ' "$ZHSEARCH" -d "$IDX" 行政复议)
    script -qec "$cmd" /dev/null >"$TMP/tty" 2>&1 </dev/null
    grep -q "$ESC\[1" "$TMP/tty" || fail "auto on a tty: no color: $(head -c 300 "$TMP/tty")" || return
    NO_COLOR=1 script -qec "$cmd" /dev/null >"$TMP/tty" 2>&1 </dev/null
    if grep -q "$ESC\[1" "$TMP/tty"; then fail "NO_COLOR on a tty: colored"; fi
}
check "--color=auto colors a terminal, NO_COLOR turns that off" t_color_tty

# The help says "--color WHEN": the separate-argument form must work too.
t_color_separate() {
    run zs --color never 行政复议
    [ "$RC" -eq 0 ] && [ "$(grep -Ec '^ *[0-9]+\. ' "$TMP/out")" = 5 ] && ! grep -q "$ESC" "$TMP/out" ||
        fail "zhsearch --color never 行政复议: $(show)"
}
check "--color never (separate argument) as documented by --help" t_color_separate

# --- highlights --------------------------------------------------------

t_highlights() {
    local q want
    for q in 行政复议 行政復議 法治政府 2021年; do
        want=$(printf '%s' "$q" | sed 's/復議/复议/')
        run zs --json --all "$q"
        [ "$RC" -eq 0 ] || fail "$q: $(show)" || return
        jpy highlights <"$TMP/out" >"$TMP/hl"
        [ -s "$TMP/hl" ] || fail "$q: no highlights" || return
        grep -vxF -- "$want" "$TMP/hl" >"$TMP/bad" &&
            { fail "$q: highlighted text is not $want: $(sort "$TMP/bad" | uniq -c | head -5 | tr '\n' ' ')"; return; }
    done
    return 0
}
check "JSON highlights cover exactly the query text (incl. 行政復議 → 行政复议)" t_highlights

# --- index errors ------------------------------------------------------

t_missing_index() {
    run "$ZHSEARCH" -d /nonexistent 行政复议
    [ "$RC" -eq 2 ] && err | grep -q /nonexistent || fail "$(show)"
}
check "-d /nonexistent exits 2 naming the index" t_missing_index

t_not_index() {
    mkdir -p "$TMP/notidx" && echo hello >"$TMP/notidx/file.txt"
    run "$ZHSEARCH" -d "$TMP/notidx" 行政复议
    [ "$RC" -eq 2 ] && err | grep -q "$TMP/notidx" || fail "$(show)"
}
check "a directory that is not an index exits 2 naming it" t_not_index

t_env_index() {
    [ "$(ZHSEARCH_INDEX=$IDX "$ZHSEARCH" --count 行政复议 2>&1)" = 5 ] || fail "ZHSEARCH_INDEX not used"
}
check "ZHSEARCH_INDEX names the default index" t_env_index

# --- zhindex on a copy of the corpus ------------------------------------

COPY=$TMP/copy IDX2=$TMP/idx2
mkdir -p "$COPY" && cp "$CORPUS"/* "$COPY"/
COPY=$(cd "$COPY" && pwd -P)
FIRST=$(find "$COPY" -maxdepth 1 -type f | sort | head -n 1)
LAST=$(find "$COPY" -maxdepth 1 -type f | sort | tail -n 1)

t_missing_file() {
    run "$ZHINDEX" -d "$IDX2" add "$FIRST" "$COPY/no-such-file.txt" "$LAST"
    [ "$RC" -eq 1 ] || fail "expected exit 1: $(show)" || return
    err | grep -qF "no-such-file.txt" || fail "the missing file is not named: $(show)" || return
    "$ZHINDEX" -d "$IDX2" list | cut -f1 | sort >"$TMP/got"
    printf '%s\n' "$FIRST" "$LAST" | sort >"$TMP/want"
    same_set "$TMP/want" "$TMP/got" "the other files are indexed"
}
check "zhindex add with a missing file: exit 1, file named, others indexed" t_missing_file

t_relative() {
    (cd "$COPY/.." && "$ZHINDEX" -q -d "$IDX2" add "./copy/../copy/")
    "$ZHINDEX" -d "$IDX2" list | cut -f1 | sort >"$TMP/got"
    find "$COPY" -maxdepth 1 -type f | sort >"$TMP/want"
    same_set "$TMP/want" "$TMP/got" "paths added as ./copy/../copy/"
}
check "files added by a relative path are listed by canonical path" t_relative

t_remove() {
    run "$ZHINDEX" -d "$IDX2" remove "$FIRST"
    [ "$RC" -eq 0 ] || fail "$(show)" || return
    "$ZHINDEX" -d "$IDX2" list >"$TMP/l"
    [ "$(lines "$TMP/l")" = $((NDOCS - 1)) ] || fail "list after remove: $(cat "$TMP/l")" || return
    if grep -qF "$FIRST" "$TMP/l"; then fail "$FIRST still listed"; return; fi
    if "$ZHSEARCH" -d "$IDX2" --json --all 行政复议 | jpy paths | grep -qF "$FIRST"; then
        fail "$FIRST still found by a search"
    fi
}
check "zhindex remove of one file: list shows $((NDOCS - 1))" t_remove

t_sync() {
    rm -f "$LAST"
    run "$ZHINDEX" -d "$IDX2" sync "$COPY"
    [ "$RC" -eq 0 ] || fail "$(show)" || return
    both | grep -q '\b1 removed' || fail "no '1 removed': $(show)" || return
    "$ZHINDEX" -d "$IDX2" list >"$TMP/l"
    if grep -qF "$LAST" "$TMP/l"; then fail "$LAST still listed after sync"; return; fi
    [ "$(lines "$TMP/l")" = $((NDOCS - 1)) ] || fail "list after sync: $(cat "$TMP/l")"
}
check "zhindex sync after deleting a file removes it" t_sync

t_update() {
    printf '\n补充说明：本报告新增量子通信试点内容。\n' >>"$FIRST"
    run "$ZHINDEX" -d "$IDX2" add "$COPY"
    both | grep -q '\b1 updated' || fail "no '1 updated': $(show)" || return
    [ "$("$ZHSEARCH" -d "$IDX2" --count 量子通信试点)" = 1 ] || fail "new text not searchable"
}
check "zhindex add re-indexes a changed file" t_update

# --- locking -----------------------------------------------------------

# Hold the write lock with a long `zhindex add`, then try a second writer.
t_lock() {
    local copies=3 try big i j
    for try in 1 2 3; do
        big=$TMP/big$try
        rm -rf "$big" "$TMP/lockidx"
        mkdir -p "$big"
        for i in $(seq 1 20); do
            for j in $(seq 1 "$copies"); do cat "$CORPUS"/*; done >"$big/f$i.txt"
        done
        "$ZHINDEX" -q -d "$TMP/lockidx" add "$big" >/dev/null 2>"$TMP/bgerr" &
        BGPID=$!
        # wait until the first writer has opened (created) the index
        for i in $(seq 1 50); do [ -e "$TMP/lockidx" ] && break; sleep 0.1; done
        sleep 0.2
        run "$ZHINDEX" -d "$TMP/lockidx" add "$FIRST"
        wait "$BGPID"; local bg=$?; BGPID=
        if [ "$RC" -ne 0 ]; then
            [ "$RC" -eq 2 ] || fail "second writer: expected exit 2: $(show)" || return
            err | grep -qi locked || fail "second writer: no 'locked' in the message: $(show)" || return
            [ "$bg" -eq 0 ] || fail "the first writer failed (exit $bg): $(cat "$TMP/bgerr")"
            return
        fi
        copies=$((copies * 3))   # the second writer got in: more input
    done
    fail "could not make the two writers overlap"
}
check "a second writer on a locked index exits 2 saying 'locked'" t_lock

echo "1..$n"
echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
