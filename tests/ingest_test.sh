#!/usr/bin/env bash
# End-to-end tests of zhindex: encodings, HTML, bad files, incremental
# add/update/remove/sync, list, stats, compact, and report metadata as the
# searcher shows it.
# Usage: ingest_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$1 zhsearch=$2 corpus=$3
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
summary_is() { # expected "A added, U updated, N unchanged, R removed, F failed", file
    grep -q "$1" "$2" || { echo "summary: $(grep 'added,' "$2")"; return 1; }
}
jfield() { # index, query, python expression over the first hit h
    "$zhsearch" -d "$1" --json --snippet 0 "$2" | python3 -c "import json,sys; h=json.load(sys.stdin)['hits'][0]; print($3)"
}

idx="$tmp/idx"
src="$corpus/2021-乐山市市中区-法治政府建设工作情况报告.txt"

# --- encodings: the same report in GB18030, UTF-16LE/BE with BOM, UTF-8 with BOM
mkdir "$tmp/enc"
iconv -f UTF-8 -t GB18030 "$src" >"$tmp/enc/gb.txt"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$src"; } >"$tmp/enc/u16le.txt"
{ printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE "$src"; } >"$tmp/enc/u16be.txt"
{ printf '\xef\xbb\xbf'; cat "$src"; } >"$tmp/enc/bom.txt"
"$zhindex" -d "$idx" add "$tmp/enc" 2>"$tmp/log"
check "four encodings indexed" summary_is "4 added, 0 updated, 0 unchanged, 0 removed, 0 failed" "$tmp/log"
check "every encoding searchable" test "$("$zhsearch" -d "$idx" --count 乐中府)" = 4
for f in gb u16le u16be bom; do
    check "$f: same title as UTF-8" test "$(jfield "$idx" "乐中府 $tmp/enc/$f.txt" 'h["title"]' 2>/dev/null || "$zhsearch" -d "$idx" --json --snippet 0 --all 乐中府 | python3 -c "
import json,sys
for h in json.load(sys.stdin)['hits']:
    if h['path'].endswith('/$f.txt'): print(h['title'])")" = "乐山市市中区人民政府关于2021年法治政府建设工作情况的报告"
done
"$zhsearch" -d "$idx" --json --all --snippet 40 行政复议 >"$tmp/j"
check "snippets of converted files are the original text" python3 -c "
import json
hits = json.load(open('$tmp/j'))['hits']
assert len(hits) == 4, len(hits)
for h in hits:
    s = h['snippet'].encode()
    for a, l in h['highlights']:
        assert s[a:a+l].decode() == '行政复议', s[a:a+l]
"
check "forced encoding" bash -c "'$zhindex' -q -d '$tmp/idx2' --encoding gb18030 add '$tmp/enc/gb.txt' && test \$('$zhsearch' -d '$tmp/idx2' --count 乐中府) = 1"
check "wrong forced encoding is a per-file failure" bash -c "'$zhindex' -d '$tmp/idx3' --encoding utf-16le add '$tmp/enc/gb.txt' 2>'$tmp/e'; test \$? = 1 && grep -q 'gb.txt' '$tmp/e'"
check "unknown encoding named" bash -c "'$zhindex' -d '$tmp/idx3' --encoding klingon add '$tmp/enc/gb.txt' 2>&1 | grep -q \"unknown encoding 'klingon'\""

# a download cut off in the middle of its last character still indexes
python3 -c 'import sys; sys.stdout.write(open(sys.argv[1], encoding="utf-8").read()[:1300])' "$src" >"$tmp/cut.txt"
printf '\xe5\xbb' >>"$tmp/cut.txt"
"$zhindex" -q -d "$tmp/cutidx" add "$tmp/cut.txt"
check "file cut mid-character indexed as UTF-8" test "$("$zhsearch" -d "$tmp/cutidx" --count 乐中府)" = 1

# --- HTML with portal chrome
mkdir "$tmp/html"
cat >"$tmp/html/report.html" <<'HTML'
<!DOCTYPE html><html><head><title>测试县2022年法治政府建设情况报告</title>
<style>.x{color:red}</style><script>var 脚本内容 = 1;</script></head><body>
<div class="nav">您当前的位置：首页 &gt; 政务公开 &gt; 法治政府建设年度报告</div>
<div>【字体：大 中 小】 打印</div>
<h1>测试县2022年法治政府建设情况报告</h1>
<p>2022年，测试县深入推进&ldquo;放管服&rdquo;改革，行政复议案件办结率100%。</p>
<p>全面推行行政执法三项制度&amp;规范执法行为。</p>
<p>测试县人民政府</p><p>2023年2月1日</p>
<div>扫一扫在手机打开当前页</div>
<ul><li>网站地图</li><li>联系我们</li></ul>
</body></html>
HTML
"$zhindex" -q -d "$tmp/hidx" add "$tmp/html"
check "HTML text indexed, entities decoded" test "$("$zhsearch" -d "$tmp/hidx" --count '"放管服"改革 三项制度&规范')" = 1
check "script and style not indexed" test "$("$zhsearch" -d "$tmp/hidx" --count 脚本内容)" = 0
check "navigation trail not indexed" test "$("$zhsearch" -d "$tmp/hidx" --count 您当前的位置)" = 0
check "share prompt not indexed" test "$("$zhsearch" -d "$tmp/hidx" --count 扫一扫)" = 0
check "HTML title" test "$(jfield "$tmp/hidx" 复议 'h["title"]')" = "测试县2022年法治政府建设情况报告"
check "HTML metadata: year and date" test "$(jfield "$tmp/hidx" 复议 'h["year"], h["date"]')" = "2022 2023-02-01"

# --- bad input: each named with its reason, the rest indexed, exit 1
mkdir "$tmp/bad"
cp "$src" "$tmp/bad/good.txt"
: >"$tmp/bad/empty.txt"
printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00' >"$tmp/bad/binary.txt"
head -c 3000000 /dev/zero | tr '\0' 'a' >"$tmp/bad/big.txt"
printf '\xc0\xc1\xfe\xff\x80\x81' >"$tmp/bad/invalid.txt"
"$zhindex" -d "$tmp/bidx" --max-size 2 add "$tmp/bad" "$tmp/bad/missing.txt" 2>"$tmp/log"
rc=$?
check "bad input: exit status 1" test $rc = 1
check "bad input: the good file indexed" summary_is "1 added, 0 updated, 0 unchanged, 0 removed, 5 failed" "$tmp/log"
check "empty file named" grep -q "empty.txt: not indexed: empty" "$tmp/log"
check "binary file named" grep -q "binary.txt: not indexed: binary data" "$tmp/log"
check "large file named" grep -q "big.txt: too large" "$tmp/log"
check "invalid text named" grep -q "invalid.txt: not indexed:" "$tmp/log"
check "missing file named" grep -q "missing.txt: No such file or directory" "$tmp/log"
if [ "$(id -u)" != 0 ]; then
    cp "$src" "$tmp/bad/secret.txt" && chmod 000 "$tmp/bad/secret.txt"
    "$zhindex" -d "$tmp/bidx" add "$tmp/bad/secret.txt" 2>"$tmp/log"
    check "unreadable file named" grep -q "secret.txt: cannot open: Permission denied" "$tmp/log"
fi
check "not-an-index directory is refused" bash -c "'$zhindex' -d '$tmp/bad' add '$src' 2>&1 | grep -q 'not a zhsearch index'"

# --- incremental: add, unchanged, update, remove, sync
mkdir "$tmp/docs"
cp "$corpus"/*.txt "$tmp/docs/"
"$zhindex" -d "$tmp/iidx" add "$tmp/docs" 2>"$tmp/log"
check "add: 5 added" summary_is "5 added, 0 updated, 0 unchanged" "$tmp/log"
"$zhindex" -d "$tmp/iidx" add "$tmp/docs" 2>"$tmp/log"
check "re-add: 5 unchanged" summary_is "0 added, 0 updated, 5 unchanged" "$tmp/log"
"$zhindex" -d "$tmp/iidx" add "$tmp/docs/../docs/"*.txt 2>"$tmp/log"
check "same files by another path: unchanged, not duplicated" summary_is "0 added, 0 updated, 5 unchanged" "$tmp/log"
printf '\n补充说明：新增数字政府专章。\n' >>"$tmp/docs/2023-安岳县-法治政府建设工作情况报告.txt"
"$zhindex" -d "$tmp/iidx" add "$tmp/docs" 2>"$tmp/log"
check "changed file updated" summary_is "0 added, 1 updated, 4 unchanged" "$tmp/log"
check "update searchable" test "$("$zhsearch" -d "$tmp/iidx" --count 数字政府专章)" = 1
check "still 5 documents" test "$("$zhindex" -d "$tmp/iidx" list | wc -l)" = 5
"$zhindex" -d "$tmp/iidx" remove "$tmp/docs/2020-江油市-法治政府建设情况报告.txt" 2>"$tmp/log"
check "remove" summary_is "0 removed\|1 removed" "$tmp/log"
check "removed document gone" test "$("$zhsearch" -d "$tmp/iidx" --count 江油市)" = 0
"$zhindex" -d "$tmp/iidx" remove "$tmp/docs/nothere.txt" 2>"$tmp/log"
check "remove of an unknown file is named" grep -q "nothere.txt: not in the index" "$tmp/log"
rm "$tmp/docs/2021-吴忠市-法治政府建设工作情况报告.txt"
cp "$corpus/2021-乐山市市中区-法治政府建设工作情况报告.txt" "$tmp/docs/copy.txt"
"$zhindex" -d "$tmp/iidx" sync "$tmp/docs" 2>"$tmp/log"
check "sync: new, returned and deleted files" summary_is "2 added, 0 updated, 3 unchanged, 1 removed, 0 failed" "$tmp/log"
check "sync: list matches the directory" test "$("$zhindex" -d "$tmp/iidx" list | cut -f1 | xargs -n1 basename | sort | tr '\n' ' ')" = "$(ls "$tmp/docs" | sort | tr '\n' ' ')"
"$zhindex" -d "$tmp/iidx" remove "$tmp/docs" 2>"$tmp/log"
check "remove a directory" test "$("$zhindex" -d "$tmp/iidx" list | wc -l)" = 0

# --- a deep path: its id term would exceed Xapian's 245-byte limit
deep="$tmp/深"
for k in 1 2 3 4 5 6; do deep="$deep/法治政府建设年度报告第${k}部分目录"; done
mkdir -p "$deep"
cp "$src" "$deep/2021年乐山市市中区人民政府关于法治政府建设工作情况的报告全文.txt"
cp "$src" "$deep/2021年乐山市市中区人民政府关于法治政府建设工作情况的报告副本.txt"
check "deep path is longer than a Xapian term" test "$(printf %s "$deep" | wc -c)" -gt 250
"$zhindex" -d "$tmp/didx" add "$tmp/深" 2>"$tmp/log"
check "deep paths: both indexed" summary_is "2 added, 0 updated, 0 unchanged, 0 removed, 0 failed" "$tmp/log"
"$zhindex" -d "$tmp/didx" add "$tmp/深" 2>"$tmp/log"
check "deep paths: unchanged on re-add" summary_is "0 added, 0 updated, 2 unchanged" "$tmp/log"
check "deep paths: listed in full" test "$("$zhindex" -d "$tmp/didx" list | cut -f1 | grep -c "^$deep/2021年")" = 2
rm "$deep"/*副本.txt
"$zhindex" -d "$tmp/didx" sync "$tmp/深" 2>"$tmp/log"
check "deep paths: sync removes the deleted one" summary_is "0 added, 0 updated, 1 unchanged, 1 removed" "$tmp/log"
"$zhindex" -d "$tmp/didx" remove "$deep" 2>"$tmp/log"
check "deep paths: remove by directory" test "$("$zhindex" -d "$tmp/didx" list | wc -l)" = 0

# --- list, stats, compact
"$zhindex" -q -d "$tmp/sidx" add "$corpus"
check "list: path, year, title" bash -c "'$zhindex' -d '$tmp/sidx' list | grep -q \$'綦江区-法治政府建设情况报告.txt\t2021\t重庆市綦江区2021年度法治政府建设情况报告'"
"$zhindex" -d "$tmp/sidx" stats >"$tmp/stats"
check "stats: documents" grep -q "^documents: *5$" "$tmp/stats"
check "stats: compression ratio" grep -qE "^stored text: .*ratio [0-9]+\.[0-9]+" "$tmp/stats"
check "stats: dictionary trained" grep -qE "^dictionary: *[0-9a-f]{8} \([0-9]+ bytes\)" "$tmp/stats"
check "stats: versions" grep -q "icu=" "$tmp/stats"
before=$("$zhsearch" -d "$tmp/sidx" --json --all --snippet 0 法治 | python3 -c 'import json,sys; print([h["path"] for h in json.load(sys.stdin)["hits"]])')
"$zhindex" -d "$tmp/sidx" compact 2>"$tmp/log"
check "compact reports sizes" grep -q "compacted" "$tmp/log"
after=$("$zhsearch" -d "$tmp/sidx" --json --all --snippet 0 法治 | python3 -c 'import json,sys; print([h["path"] for h in json.load(sys.stdin)["hits"]])')
check "compact keeps results" test "$before" = "$after"
check "compact leaves no temporary directories" test "$(ls "$tmp" | grep -c 'sidx\.')" = 0
"$zhindex" -q -d "$tmp/sidx" add "$tmp/enc/gb.txt"
check "index still writable after compact" test "$("$zhindex" -d "$tmp/sidx" list | wc -l)" = 6

# --- check, and damaged index files: clear errors, never a crash
check "check passes on a good index" "$zhindex" -q -d "$tmp/sidx" check
for table in docdata postlist termlist; do
    cp -r "$tmp/sidx" "$tmp/dmg-$table"
    f="$tmp/dmg-$table/$table.glass"
    [ -f "$f" ] || continue
    size=$(stat -c %s "$f")
    # flip bytes in the middle of the table, then truncate another copy
    printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    "$zhindex" -q -d "$tmp/dmg-$table" check >/dev/null 2>"$tmp/e"; rc=$?
    check "damaged $table: check exits 0..2, no crash (rc $rc)" test $rc -le 2
    "$zhsearch" -d "$tmp/dmg-$table" --all 法治 >/dev/null 2>"$tmp/e"; rc=$?
    check "damaged $table: search exits 0..2, no crash (rc $rc)" test $rc -le 2
    cp -r "$tmp/sidx" "$tmp/trunc-$table"
    truncate -s $((size / 3)) "$tmp/trunc-$table/$table.glass"
    "$zhsearch" -d "$tmp/trunc-$table" --all 法治 >/dev/null 2>"$tmp/e"; rc=$?
    check "truncated $table: search exits 2 with a message (rc $rc)" bash -c "test $rc = 2 && test -s '$tmp/e'"
done

# --- metadata of every bundled report, through the whole pipeline
"$zhsearch" -d "$tmp/sidx" --json --all --snippet 0 'year:2019..2023' >"$tmp/meta"
check "metadata of the bundled reports" python3 - "$tmp/meta" <<'PY'
import json, sys
want = {
    "2021-乐山市市中区": ("乐山市市中区人民政府", "乐山市市中区", 2021, "2022-02-25", "乐中府〔2022〕7号"),
    "2020-江油市": ("江油市人民政府", "江油市", 2020, "2021-03-08", None),
    "2021-吴忠市": ("吴忠市人民政府", "吴忠市", 2021, "2022-01-17", "吴政发〔2022〕3号"),
    "2023-安岳县": ("安岳县人民政府", "安岳县", 2023, None, None),
    "2021-重庆市綦江区": ("重庆市綦江区人民政府", "重庆市綦江区", 2021, "2022-03-22", None),
}
hits = {h["path"].rsplit("/", 1)[-1]: h for h in json.load(open(sys.argv[1]))["hits"]}
bad = 0
for prefix, (issuer, region, year, date, docno) in want.items():
    h = next(v for k, v in hits.items() if k.startswith(prefix))
    got = (h.get("issuer"), h.get("region"), h.get("year"), h.get("date"), h.get("docno"))
    if got != (issuer, region, year, date, docno):
        print(prefix, "got", got); bad += 1
sys.exit(bad)
PY

tap_done
