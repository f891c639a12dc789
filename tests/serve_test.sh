#!/usr/bin/env bash
# zhsearch serve end to end over corpus/: every endpoint and status code
# (200, 400 with the library's message, 404, 405, 414, 503), the JSON of
# /api/search byte for byte that of `zhsearch --json` (apart from
# elapsed_ms), suggestions and synonym expansion, the document view
# (the whole text of a file, every highlight, the pages of a PDF, the
# size limit), 127.0.0.1 by default, no path outside
# the index ever served, the bound on concurrent searches and the search
# timeout, new commits seen without a restart, clean stop on SIGTERM and
# SIGINT.
# Usage: serve_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$(realpath "$1") zhsearch=$(realpath "$2") corpus=$(realpath "$3")
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/tap.sh"
export LC_ALL=C.UTF-8
unset NO_COLOR ZHSEARCH_INDEX ZHSEARCH_SERVE_TEST_DELAY_MS
idx=$tmp/idx
if ! command -v curl >/dev/null; then
    echo "ok 1 - # SKIP curl is not installed"
    echo "1..1"
    exit 0
fi

# start NAME [serve options...]: start a server in the background; sets
# $url and $pid (the URL is read from its first line of output).
start() {
    local name=$1
    shift
    "$zhsearch" serve -d "$idx" --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do
        url=$(head -n 1 "$tmp/$name.out" 2>/dev/null)
        [ -n "$url" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "server $name did not start: $(cat "$tmp/$name.err")"
    return 1
}

# started CHECK_NAME NAME [serve options...]: start, as a TAP check (not in
# a subshell, so that $url and $pid are kept).
started() {
    local name=$1
    shift
    if start "$@" >"$tmp/start.msg" 2>&1; then ok "$name"; else
        notok "$name"
        sed 's/^/#   /' "$tmp/start.msg"
    fi
}

# get PATH [curl options...]: body in $tmp/body, status in $code.
get() {
    local path=$1
    shift
    code=$(curl -s -g -o "$tmp/body" -w '%{http_code}' "$@" "$url${path#/}")
}

# status_is PATH WANT [curl options...]
status_is() {
    local path=$1 want=$2
    shift 2
    get "$path" "$@"
    [ "$code" = "$want" ] || { echo "${path:0:100}: HTTP $code, expected $want"; head -c 300 "$tmp/body"; return 1; }
}

# json_is PATH WANT_STATUS PYTHON_EXPR: the status, and the expression true
# of the parsed body j.
json_is() {
    status_is "$1" "$2" "${@:4}" || return 1
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
        "$tmp/body" "$3" || { echo "${1:0:100}: body fails $3:"; head -c 400 "$tmp/body"; return 1; }
}

# enc TEXT: percent-encoded for a query string.
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# same_as_cli QUERY PARAMS CLI_OPTIONS...: /api/search?q=QUERY&PARAMS gives
# the bytes of zhsearch --json with those options, elapsed_ms aside.
same_as_cli() {
    local q=$1 params=$2
    shift 2
    get "/api/search?q=$(enc "$q")$params"
    [ "$code" = 200 ] || { echo "HTTP $code"; cat "$tmp/body"; return 1; }
    "$zhsearch" -d "$idx" --json "$@" -- "$q" >"$tmp/cli.json"
    local strip='s/"elapsed_ms":[0-9.]*/"elapsed_ms":0/'
    diff <(sed "$strip" "$tmp/cli.json") <(sed "$strip" "$tmp/body") | head -c 600
    [ "${PIPESTATUS[0]}" = 0 ]
}

"$zhindex" -q -d "$idx" add "$corpus" >"$tmp/log" 2>&1
check "index corpus/" test -s "$idx/iamglass"
started "server starts (--port 0: a free port)" main
port=${url##*:}
port=${port%/}

# --- listening ---------------------------------------------------------
check "URL printed: http://127.0.0.1:PORT/" bash -c "[[ '$url' =~ ^http://127\\.0\\.0\\.1:[0-9]+/$ ]]"
listens_on_loopback_only() {
    python3 - "$port" <<'PY'
import sys
port = int(sys.argv[1])
rows = []
for name in ('/proc/net/tcp', '/proc/net/tcp6'):
    try:
        for line in open(name).readlines()[1:]:
            f = line.split()
            addr, p = f[1].split(':')
            if int(p, 16) == port and f[3] == '0A':  # LISTEN
                rows.append(addr)
    except OSError:
        pass
print(rows)
sys.exit(0 if rows == ['0100007F'] else 1)
PY
}
check "listens on 127.0.0.1 only by default" listens_on_loopback_only

# --- the UI --------------------------------------------------------------
check "GET / is the web UI" status_is / 200
check "the UI is Chinese and fits a phone (viewport meta)" \
    grep -q 'name="viewport".*搜索\|搜索' "$tmp/body"
check "the UI has a viewport meta" grep -q 'name="viewport"' "$tmp/body"
get / -D "$tmp/headers"
check "the UI is sent with a Content-Security-Policy (no external assets)" \
    grep -qi "^content-security-policy: default-src 'none'" "$tmp/headers"
check "the UI's script is served" status_is /app.js 200
check "the UI's style sheet is served" status_is /style.css 200
check "HEAD / is 200" status_is / 200 -I

# --- /api/search: the schema of zhsearch --json ----------------------------
check "search: the JSON of zhsearch --json" same_as_cli 行政复议 ""
check "search: limit, offset" same_as_cli 法治 "&limit=2&offset=1" --limit 2 --offset 1
check "search: facets year and issuer" same_as_cli 行政复议 "&facet=year&facet=issuer" --facet year --facet issuer
check "search: sort=date" same_as_cli 法治政府 "&sort=date" --sort date
check "search: sort=date-desc" same_as_cli 法治政府 "&sort=date-desc" --sort -date
check "search: snippet=30" same_as_cli '"行政 复议" OR 放管服' "&snippet=30" --snippet 30
check "search: snippet=0 (no snippets)" same_as_cli 复议 "&snippet=0" --snippet 0
check "search: explain=1" same_as_cli 行政复议案件 "&explain=1" --explain
check "search: fields (year:, issuer:)" same_as_cli 'year:2021 issuer:乐山' ""
check "search: no match is 200 with total 0" json_is "/api/search?q=$(enc 不存在的词语组合)" 200 'j["total"]==0 and j["hits"]==[]'
check "search: Traditional query normalized" json_is "/api/search?q=$(enc 行政復議)" 200 'j["normalized"]=="行政复议" and j["total"]==5'

# --- 400: bad queries and parameters -------------------------------------
cli_msg=$("$zhsearch" -d "$idx" '(复议' 2>&1 | sed 's/^zhsearch: //')
check "400: syntax error with the library's message" json_is "/api/search?q=$(enc '(复议')" 400 \
    "j['status']=='query syntax error' and j['error']==$(python3 -c 'import json,sys; print(repr(sys.argv[1]))' "$cli_msg")"
check "400: empty query" json_is "/api/search?q=" 400 'j["status"]=="empty query"'
check "400: missing q" json_is "/api/search" 400 'j["status"]=="empty query"'
check "400: year:abc" json_is "/api/search?q=year:abc" 400 '"year" in j["error"]'
check "400: too many words (the library's limit)" json_is \
    "/api/search?q=$(enc "$(seq -s ' ' 1 150)")" 400 'j["status"]=="query over a size limit" or "too large" in j["error"]'
check "400: a NUL byte in the query (%00), never a shorter query" json_is "/api/search?q=%E8%A1%8C%00abc" 400 '"NUL" in j["error"]'
check "400: limit=abc" json_is "/api/search?q=a&limit=abc" 400 'j["error"].startswith("limit")'
check "400: limit=0" json_is "/api/search?q=a&limit=0" 400 'j["error"].startswith("limit")'
check "400: limit over 1000" json_is "/api/search?q=a&limit=1001" 400 'j["error"].startswith("limit")'
check "400: offset=-1" json_is "/api/search?q=a&offset=-1" 400 'j["error"].startswith("offset")'
check "400: offset over 4294967295" json_is "/api/search?q=a&offset=4294967296" 400 'j["error"].startswith("offset")'
check "400: sort=bogus" json_is "/api/search?q=a&sort=bogus" 400 'j["error"].startswith("sort")'
check "400: facet=title (no facet)" json_is "/api/search?q=a&facet=title" 400 'j["error"].startswith("facet")'

# --- 414 and the request line ------------------------------------------------
long=$(printf 'a%.0s' $(seq 8193))
check "414: a query over 8192 bytes" json_is "/api/search?q=$long" 414 '"8192" in j["error"]'
get "/api/search?q=${long:1}"
check "a query of exactly 8192 bytes reaches the library" test "$code" = 200
huge=$(printf '%%E8%%A1%%8C%.0s' $(seq 10000))
get "/api/search?q=$huge"
check "413/414: a request line over 64 KB" bash -c "[ '$code' = 414 ] || [ '$code' = 413 ]"

# --- 404, 405 ---------------------------------------------------------------
check "404: unknown page" json_is /nope 404 'j["status"]=="not found"'
check "404: unknown API" json_is /api/nope 404 'j["status"]=="not found"'
check "404: /index.html/ (exact names only)" status_is /index.html/ 404
for m in POST PUT DELETE PATCH OPTIONS; do
    check "405: $m" json_is /api/search?q=a 405 'j["status"]=="method not allowed"' -X "$m"
done
get /api/search?q=a -X POST -D "$tmp/headers"
check "405 says Allow: GET, HEAD" grep -qi '^allow: GET, HEAD' "$tmp/headers"

# --- no path outside the index -------------------------------------------------
no_file() {
    get "$1" --path-as-is
    [ "$code" = 404 ] || { echo "$1: HTTP $code"; return 1; }
    ! grep -q 'root:' "$tmp/body" || { echo "$1 served /etc/passwd"; return 1; }
}
for p in /../etc/passwd /../../../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /%2E%2E%2Fetc%2Fpasswd \
         //etc/passwd /etc/passwd /./app.js/../../etc/passwd "/..%5c..%5cetc%5cpasswd" \
         "/api/doc?path=/etc/passwd&q=root" "/api/doc?path=../../../etc/passwd&q=root" \
         "/api/doc?path=$(enc "$corpus/../tests/serve_test.sh")&q=serve" \
         "/api/doc?path=%2e%2e%2f%2e%2e%2fetc%2fpasswd&q=x"; do
    check "404: $p" no_file "$p"
done

# --- the document view: the whole stored text ------------------------------
doc=$(ls "$corpus"/*吴忠市*.txt)
# doc_check PARAMS PYTHON: /api/doc?PARAMS is 200 and the code (with j the
# body, text the corpus file $doc read independently, u8 = text as UTF-8,
# marks = the highlighted strings) passes its asserts.
doc_check() {
    status_is "/api/doc?$1" 200 || return 1
    python3 - "$tmp/body" "$doc" "$2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
text = open(sys.argv[2], encoding='utf-8').read()
u8 = j['text'].encode()
marks = [u8[a:a + n].decode() for a, n in j['highlights']]
try:
    exec(sys.argv[3])
except AssertionError as e:
    print('#   failed:', e, {k: v for k, v in j.items() if k != 'text'})
    sys.exit(1)
PY
}
dq="path=$(enc "$doc")&q=$(enc 行政复议)"
check "doc: the whole text, equal to the file" doc_check "$dq" \
    'assert j["complete"] is True and j["text"].strip() == text.strip(), (len(j["text"]), len(text))'
check "doc: every match highlighted (as many as in the file)" doc_check "$dq" \
    'assert marks == ["行政复议"] * text.count("行政复议") and j["match_count"] == len(marks), marks'
check "doc: the fields of the document, no pages for a text file" doc_check "$dq" \
    'assert j["title"].startswith("吴忠市") and j["year"] == 2021 and j["format"] == "text" and "page_starts" not in j and "highlight_pages" not in j'
check "doc: two words, both highlighted everywhere" doc_check "path=$(enc "$doc")&q=$(enc '复议 "法治政府" -不存在')" \
    'assert sorted(set(marks)) == ["复议", "法治政府"] and marks.count("法治政府") == text.count("法治政府"), set(marks)'
check "doc: no q: the whole text, no highlights" doc_check "path=$(enc "$doc")" \
    'assert j["text"].strip() == text.strip() and j["highlights"] == [] and j["complete"] is True'
check "doc: a query the document does not match: the text, no highlights" doc_check \
    "path=$(enc "$doc")&q=$(enc 乐山市市中区人民政府)" 'assert j["highlights"] == [] and j["text"].strip() == text.strip()'
check "doc: fields only (year:2021): no highlights" doc_check "path=$(enc "$doc")&q=$(enc year:2021)" \
    'assert j["highlights"] == []'
check "doc: a path not in the index is 404" json_is "/api/doc?path=$(enc "$corpus/none.txt")&q=x" 404 'j["status"]=="not found"'
check "doc: a path not in the index, no q, is 404" status_is "/api/doc?path=$(enc "$corpus/none.txt")" 404
check "doc: no path is 400" json_is "/api/doc?q=x" 400 'j["error"].startswith("path")'
check "doc: a bad query is 400 with the library's message" json_is "/api/doc?path=$(enc "$doc")&q=$(enc '"复议')" 400 \
    'j["status"]=="query syntax error" and "column" in j["error"]'
check "doc: a bad query for a path not in the index is 404 or 400, never 200" bash -c \
    "c=\$(curl -s -o /dev/null -w '%{http_code}' '${url}api/doc?path=none&q=%28'); [ \"\$c\" = 404 ] || [ \"\$c\" = 400 ]"
check "doc: expand=2 is 400" json_is "/api/doc?$dq&expand=2" 400 'j["error"].startswith("expand")'

# control characters, a form feed in a text file (not a page break), a
# character outside the BMP: the highlights still point at the matches
mkdir -p "$tmp/odd"
printf '第一行\x01\t行政复议\x0c 第二页\r\n\xf0\xa0\x80\x80(行政复议"\\\n行政复议结束。这是一个用来检测编码的句子。\n' >"$tmp/odd/odd.txt"
"$zhindex" -q -d "$idx" add "$tmp/odd" >>"$tmp/log" 2>&1
odd_doc() {
    get "/api/doc?path=$(enc "$tmp/odd/odd.txt")&q=$(enc 行政复议)"
    [ "$code" = 200 ] || { echo "HTTP $code"; return 1; }
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); u=j["text"].encode()
m=[u[a:a+n].decode() for a,n in j["highlights"]]; print("#  ", m); sys.exit(0 if m==["行政复议"]*3 and "pages" not in j and "page_starts" not in j else 1)' "$tmp/body"
}
check "doc: ill-formed bytes in the text: highlights still on the matches" odd_doc

# the limit on the text of one answer (8 MB; lowered for the test)
export ZHSEARCH_SERVE_TEST_DOC_LIMIT=1000
main_url=$url main_pid=$pid
started "server with a document limit of 1000 bytes starts" small
check "doc: over the limit: complete false, the text cut at a character, the length told" doc_check "$dq" \
    'assert j["complete"] is False and 997 <= len(u8) <= 1000 and j["length"] == len(text.encode()) > 1000 and text.startswith(j["text"])'
check "doc: over the limit: highlights only inside the text, all counted" doc_check "$dq" \
    'assert all(a + n <= len(u8) for a, n in j["highlights"]) and set(marks) <= {"行政复议"} and j["match_count"] == text.count("行政复议") > len(marks)'
kill "$pid"
url=$main_url pid=$main_pid
unset ZHSEARCH_SERVE_TEST_DOC_LIMIT

# a paged document: report.pdf, page by page as report.pdf.pages has it
fixtures=$(dirname "$0")/formats/fixtures
mkdir -p "$tmp/pdf"
cp "$fixtures/report.pdf" "$tmp/pdf/report.pdf"
"$zhindex" -q -d "$idx" add "$tmp/pdf" >>"$tmp/log" 2>&1
if "$zhsearch" -d "$idx" -l 跨省通办 | grep -q 'report\.pdf$'; then
    pdf_check() {
        doc=$fixtures/report.pdf.pages doc_check "path=$(enc "$tmp/pdf/report.pdf")&q=$(enc "$1")" "$2"
    }
    # a phrase only on page 3 of the expected text
    page3=跨省通办
    check "pdf: the phrase is on page 3 only of report.pdf.pages" python3 -c '
import sys; pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
sys.exit(0 if [i + 1 for i, p in enumerate(pages) if sys.argv[2] in p] == [3] else 1)' "$fixtures/report.pdf.pages" "$page3"
    check "pdf: pages, page_starts after each form feed" pdf_check "$page3" '
pages = text.rstrip("\f").split("\f")
assert j["pages"] == len(pages) == len(j["page_starts"]) and j["page_starts"][0] == 0, (j["pages"], len(pages))
assert all(u8[s - 1:s] == b"\f" for s in j["page_starts"][1:])'
    # (the index leaves out running headers and footers: 吴忠市人民政府, 第1页)
    check "pdf: each page of the text is in that page of report.pdf.pages (spacing aside)" pdf_check "$page3" '
import re
sq = lambda s: re.sub(r"\s+", "", s)
pages = text.rstrip("\f").split("\f")
st = j["page_starts"] + [len(u8) + 1]
got = [u8[st[k]:st[k + 1] - 1].decode() for k in range(len(st) - 1)]
assert all(len(sq(g)) > 500 and sq(g) in sq(p) for g, p in zip(got, pages)), [len(p) for p in got]'
    check "pdf: the phrase is highlighted on page 3, every time" pdf_check "$page3" '
pages = text.split("\f")
assert marks == ["跨省通办"] * pages[2].count("跨省通办") and j["highlight_pages"] == [3] * len(marks)
assert j["match_pages"] == [[3, len(marks)]]
st = j["page_starts"]
assert all(st[2] <= a < st[3] for a, n in j["highlights"])'
    check "pdf: matches on several pages: the page of each" pdf_check 法治政府 '
pages = text.split("\f")
want = [[k + 1, p.count("法治政府")] for k, p in enumerate(pages) if p.count("法治政府")]
assert j["match_pages"] == want, (j["match_pages"], want)
st = j["page_starts"] + [1 << 40]
assert all(st[p - 1] <= a < st[p] for (a, n), p in zip(j["highlights"], j["highlight_pages"]))'
else
    echo "ok - pdf: page checks # SKIP this build does not read PDF"
fi

# --- suggestions, synonym expansion -------------------------------------------
check "search: a slip (依法形政) suggests 依法行政 with its count" json_is "/api/search?q=$(enc 依法形政)" 200 \
    'j["total"]==0 and j["suggestions"][0]["query"]=="依法行政" and j["suggestions"][0]["count"]>0'
check "search: suggestions, the JSON of zhsearch --json" same_as_cli 依法形政 ""
check "search: suggest=0: no suggestions" json_is "/api/search?q=$(enc 依法形政)&suggest=0" 200 '"suggestions" not in j'
check "search: a query that finds much has no suggestions" json_is "/api/search?q=$(enc 依法行政)" 200 '"suggestions" not in j and j["total"]>=3'
check "search: suggest=abc is 400" json_is "/api/search?q=a&suggest=abc" 400 'j["error"].startswith("suggest")'
printf '# groups for the test\n跨省通办 = 异地通办 全国通办\n' >"$tmp/groups.txt"
"$zhindex" -d "$idx" synonyms "$tmp/groups.txt" >>"$tmp/log" 2>&1
check "zhindex synonyms FILE" grep -q 'synonym group' "$tmp/log"
sleep 1.1 # the workers reopen
check "search: a word of a group alone finds nothing" json_is "/api/search?q=$(enc 异地通办)&suggest=0" 200 'j["total"]==0'
check "search: ~word expands to its group" json_is "/api/search?q=$(enc '~异地通办')" 200 \
    'j["total"]>=1 and j["expanded"]=={"异地通办":["跨省通办","异地通办","全国通办"]} and "跨省通办" in j["normalized"]'
check "search: expand=1 expands every word" json_is "/api/search?q=$(enc 异地通办)&expand=1" 200 \
    'j["total"]>=1 and "异地通办" in j["expanded"]'
check "search: expand=1, the JSON of zhsearch --json --expand" same_as_cli 异地通办 "&expand=1" --expand
check "search: ~word, the JSON of zhsearch --json" same_as_cli '~异地通办 year:2021' ""
check "search: expand=yes is 400" json_is "/api/search?q=a&expand=yes" 400 'j["error"].startswith("expand")'
check "search: occurrences=1, the JSON of zhsearch --json --occurrences" same_as_cli 行政复议 \
    "&occurrences=1&facet=year" --occurrences --facet year
doc=$(ls "$corpus"/*吴忠市*.txt)
check "doc: ~word highlights every member of the group found" doc_check "path=$(enc "$doc")&q=$(enc '~异地通办')" \
    'assert marks and set(marks) == {"跨省通办"} and len(marks) == text.count("跨省通办"), marks'
check "doc: expand=1 highlights the group" doc_check "path=$(enc "$doc")&q=$(enc 异地通办)&expand=1" \
    'assert marks and set(marks) == {"跨省通办"}, marks'
check "doc: without ~ or expand, only the word" doc_check "path=$(enc "$doc")&q=$(enc 异地通办)" \
    'assert marks == [], marks'

# --- reopen: a new commit is seen -------------------------------------------
mkdir -p "$tmp/new"
{ cat "$doc"; printf '\n独一无二的新标记词\n'; } >"$tmp/new/new.txt"
"$zhindex" -q -d "$idx" add "$tmp/new" >>"$tmp/log" 2>&1
sleep 1.2
seen=0
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do  # each worker reopens on its next search
    get "/api/search?q=$(enc 独一无二的新标记词)"
    grep -q '"total":1' "$tmp/body" && { seen=1; break; }
done
check "a document committed while serving is found" test "$seen" = 1

# --- stop ---------------------------------------------------------------------
# stopped CHECK_NAME SIGNAL: the server $pid exits 0 within 5 s of SIGNAL
# (not in a subshell: wait needs the server to be our child).
stopped() {
    local name=$1 sig=$2 rc
    kill "-$sig" "$pid"
    for _ in $(seq 50); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            rc=$?
            if [ "$rc" = 0 ]; then ok "$name"; else notok "$name"; echo "#   exit $rc"; fi
            return
        fi
        sleep 0.1
    done
    notok "$name"
    echo "#   still running 5 s after SIG$sig"
}
stopped "SIGTERM stops the server (exit 0)" TERM

# --- the bound on concurrent searches, the timeout ------------------------------
export ZHSEARCH_SERVE_TEST_DELAY_MS=1500
started "server with --max-searches 1 --queue 0 starts" bound --max-searches 1 --queue 0
curl -s -o "$tmp/first" -w '%{http_code}' "${url}api/search?q=a" >"$tmp/first.code" &
first=$!
sleep 0.4
check "503 while the one search slot is busy" json_is /api/search?q=b 503 'j["status"]=="too many searches"'
get /api/search?q=b -D "$tmp/headers"
check "503 says Retry-After" grep -qi '^retry-after:' "$tmp/headers"
wait "$first"
check "the running search completes (200)" grep -q 200 "$tmp/first.code"
stopped "SIGINT stops the server (exit 0)" INT

started "server with --search-timeout 300 starts" slow --search-timeout 300
check "503 when a search takes longer than --search-timeout" json_is /api/search?q=a 503 '"timed out" in j["error"]'
stopped "stopped" TERM
unset ZHSEARCH_SERVE_TEST_DELAY_MS

# --- bad command lines ------------------------------------------------------
check "a missing index: exit 2, how to create one" bash -c \
    "'$zhsearch' serve -d '$tmp/none' --port 0 2>&1 >/dev/null | grep -q 'no index here'; [ \${PIPESTATUS[0]} = 2 ]"
check "--listen bogus: exit 2" bash -c "'$zhsearch' serve -d '$idx' --listen bogus --port 0 2>/dev/null; [ \$? = 2 ]"
check "--port 70000: exit 2" bash -c "'$zhsearch' serve -d '$idx' --port 70000 2>/dev/null; [ \$? = 2 ]"
start main2
port_in_use() {
    "$zhsearch" serve -d "$idx" --port "${url##*:}" >/dev/null 2>"$tmp/inuse.err"
    local rc=$?
    [ $rc = 2 ] && grep -q 'cannot listen' "$tmp/inuse.err"
}
url_port=${url##*:}
url=${url%/}
check "a port in use: exit 2" port_in_use
kill "$pid"
check "--help names the options" bash -c "'$zhsearch' serve --help | grep -q -- --listen"
check "zhsearch -- serve searches for the word" bash -c "'$zhsearch' -d '$idx' -c -- serve >/dev/null; [ \$? -le 1 ]"
no_sanitizer_reports() {
    ! grep -l 'Sanitizer\|runtime error' "$tmp"/*.err
}
check "no sanitizer report from any server" no_sanitizer_reports
tap_done
