#!/usr/bin/env bash
# The web UI of zhsearch serve in headless Chromium (ui_test.mjs with
# puppeteer-core): an index of corpus/ with marked copies (for paging), a
# PDF (for pages), a file whose title and text are HTML (for escaping) and
# a small synonym groups file (for ~word and 同义词扩展).
# SKIP only when node or chromium is not installed; scripts/deps.sh
# installs both and puppeteer-core (npm ci here).
# Usage: browser_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$(realpath "$1") zhsearch=$(realpath "$2") corpus=$(realpath "$3")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
export LC_ALL=C.UTF-8
unset ZHSEARCH_INDEX ZHSEARCH_SERVE_TEST_DELAY_MS
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if ! command -v node >/dev/null || [ -z "$chromium" ]; then
    echo "ok 1 - # SKIP node or chromium is not installed (scripts/deps.sh installs them)"
    echo "1..1"
    exit 0
fi
if [ ! -d "$here/node_modules/puppeteer-core" ]; then
    echo "not ok 1 - puppeteer-core is not installed: run scripts/deps.sh (npm ci in tests/browser)"
    echo "1..1"
    exit 1
fi
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

marked_copies "$tmp/docs/copies" 3 "$corpus"
cp "$corpus"/*.txt "$tmp/docs/"
pdf=$here/../formats/fixtures/report.pdf
cp "$pdf" "$tmp/docs/report.pdf"
printf '<b>标题</b><img src=x onerror="window.__xss=1">测试报告\n依法办理行政复议案件。<script>window.__xss=2</script>\n' \
    >"$tmp/docs/escape-<i>x<b>.txt"
"$zhindex" -q -d "$tmp/idx" add "$tmp/docs" >"$tmp/index.log" 2>&1
printf '跨省通办 = 异地通办 全国通办\n' >"$tmp/groups.txt"
"$zhindex" -d "$tmp/idx" synonyms "$tmp/groups.txt" >>"$tmp/index.log" 2>&1
pdf_indexed=0
"$zhsearch" -d "$tmp/idx" -l 法治政府 | grep -q 'report\.pdf$' && pdf_indexed=1

"$zhsearch" serve -d "$tmp/idx" --port 0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
for _ in $(seq 100); do
    url=$(head -n 1 "$tmp/serve.out")
    [ -n "$url" ] && break
    sleep 0.05
done
if [ -z "$url" ]; then
    echo "not ok 1 - the server did not start: $(cat "$tmp/serve.err")"
    echo "1..1"
    exit 1
fi
cd "$here"
CHROMIUM=$chromium PDF_PATH=$([ "$pdf_indexed" = 1 ] && echo "$tmp/docs/report.pdf") \
    PDF_PAGES=$pdf.pages TEXT_DOC=$(ls "$tmp"/docs/*吴忠市*.txt) node ui_test.mjs "$url"
rc=$?
kill "$pid"
wait "$pid"
exit $rc
