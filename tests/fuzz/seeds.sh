#!/usr/bin/env bash
# seeds.sh SEEDDIR GEN_DOCSTORE_SEEDS CORPUS_FILE... - write the seed
# corpora of every fuzz target, SEEDDIR made afresh (a build step of
# tests/fuzz/meson.build).
set -eu

S=$1
GEN=$2
shift 2
CORPUS=("$@")
rm -rf "$S"

for t in analyzer qparse extract metadata docstore snippet pdf docx ofd doc queryops; do
    mkdir -p "$S/$t"
done

# seed TARGET: stdin becomes the next seed file of TARGET.
seed() {
    local k
    k=$(find "$S/$1" -type f | wc -l)
    cat >"$S/$1/seed-$(printf %04d "$k")"
}
# pre N: byte N.
pre() { printf "\\x$(printf %02x "$1")"; }
# conv ARGS: iconv that keeps what it converted on a character cut at the end.
conv() { iconv "$@" 2>/dev/null || true; }
have_iconv=0
command -v iconv >/dev/null 2>&1 && have_iconv=1
[ "$have_iconv" = 1 ] || echo "seeds: iconv not found, no GB18030/UTF-16/Big5 seeds" >&2

# --- analyzer: text, slices of it, and hand-made edge cases ---
# Short inputs run fast: one whole file, pieces of the others.
seed analyzer <"${CORPUS[0]}"
for f in "${CORPUS[@]}"; do
    size=$(wc -c <"$f")
    head -c 600 "$f" | seed analyzer
    head -c 4000 "$f" | seed analyzer
    tail -c 1500 "$f" | seed analyzer
    tail -c +$((size / 2)) "$f" | head -c 2000 | seed analyzer
done
while IFS= read -r line; do
    printf '%b' "$line" | seed analyzer
done <<'EOF'
法治\n政府建设
“放管服”改革，全面推进依法行政。
我們的行政復議工作，受理案件２０２１年共計１２３件
ＡＢＣ和abc，ｅｍａｉｌ＠ｅｘａｍｐｌｅ．ｃｏｍ
𠀀𠀁𪚥𩸽 and 😀👍🏽 emoji
a\xcc\x81 e\xcc\x81 \xe3\x80\x80\xcc\x81 ﬁ ㍿ ㈱ ①②③ Ⅻ
\xff\xfe\xfd invalid \xe6\xb3 truncated \xf0\x9f\x98 and \xc0\xaf overlong \xed\xa0\x80 surrogate
\xef\xbb\xbf\xe2\x80\x8b\xe2\x80\x8d\xc2\xad zero width
2021年3月25日 12:30:45 第3.5条 v1.2.3 10%
〇一二三 ヤマト ひらがな 한국어 ㄅㄆㄇ
EOF
head -c 300 /dev/zero | tr '\0' '\344' | seed analyzer
printf '%0300d' 0 | tr 0 a | seed analyzer

# --- qparse: queries ---
while IFS= read -r line; do
    printf '%s' "$line" | seed qparse
done <<'EOF'
(行政 OR "复议") -诉讼 year:2019..2022
行政复议 放管服
"行政 复议"
复议 OR 诉讼
复议 NOT 诉讼
(复议 OR 诉讼) 2021年
year:2021
year:..2020
year:2020..
date:2022-01-01..2022-06-30
date:2022-02..2022
issuer:乐山 region:乐山 title:复议
title:"行政 复议" AND issuer:"乐山市"
docno:〔2022〕
（复议 OR 诉讼） “一网通办”
((((a))))
-"放管服" NOT (a OR b)
AND OR NOT
"unbalanced
(unbalanced
)
year:20x1
date:2022-13-45..2021-01-01
http://example.com/a:b
foo:bar
。，、
行政　复议
EOF

# --- extract: byte 0 picks the forced encoding (0 none, 1 gb18030,
# 2 utf-16le, 3 big5, 4 utf-8) and, divided by 5, a file name ---
for f in "${CORPUS[@]}"; do
    { pre 0; head -c 5000 "$f"; } | seed extract
    { pre 4; head -c 3000 "$f"; } | seed extract
    if [ "$have_iconv" = 1 ]; then
        { pre 0; head -c 6000 "$f" | conv -f UTF-8 -t GB18030 -c; } | seed extract
        { pre 1; head -c 3000 "$f" | conv -f UTF-8 -t GB18030 -c; } | seed extract
        { pre 2; head -c 3000 "$f" | conv -f UTF-8 -t UTF-16LE -c; } | seed extract
        { pre 0; printf '\xff\xfe'; head -c 3000 "$f" | conv -f UTF-8 -t UTF-16LE -c; } | seed extract
        { pre 0; printf '\xfe\xff'; head -c 2000 "$f" | conv -f UTF-8 -t UTF-16BE -c; } | seed extract
        { pre 3; head -c 3000 "$f" | conv -f UTF-8 -t BIG5 -c; } | seed extract
    fi
done
page() {
    cat <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>江油市人民政府关于2020年法治政府建设情况的报告_江油市人民政府网</title>
<style>p { color: red }</style><script>var a = "<p>not text</p>";</script></head>
<body><div class="nav">您当前的位置：首页 &gt; 政务公开 &gt; 法治政府</div>
<div>中国政府网|四川省人民政府网|江油市人民政府网</div>
<div>发布时间：2021-03-08 15:38 阅读次数：1234 【字体：大 中 小】 打印本页 关闭窗口</div>
<h1>江油市人民政府<br>关于2020年法治政府建设情况的报告</h1>
<p>江府〔2021〕5号</p>
<p>2020年，我市坚持以习近平法治思想为指导&mdash;&mdash;全面推进依法行政&#12290;&#x3002;&nbsp;&amp;&lt;&gt;&quot;&copy&#0;&#128;&#xD800;</p>
<pre>  一、  主要举措
  二、  存在问题</pre>
<table><tr><td>行政复议</td><td>123件</td></tr></table>
<!-- comment <p>hidden</p> --><![CDATA[ raw ]]><?xml x?>
<p>江油市人民政府<br/>2021年3月5日</p>
<ul><li>网站地图</li><li>联系我们</li><li>隐私声明</li></ul>
<div>版权所有：江油市人民政府 ICP备12345678号</div>
</body></html>
EOF
}
page | { pre 0; cat; } | seed extract
page | { pre 10; cat; } | seed extract
page | { pre 4; cat; } | seed extract
if [ "$have_iconv" = 1 ]; then
    page | sed 's/charset="utf-8"/charset="gb2312"/' | conv -f UTF-8 -t GB18030 -c | { pre 0; cat; } | seed extract
    page | conv -f UTF-8 -t GB18030 -c | { pre 1; cat; } | seed extract
fi
printf '\x00\x7fELF\x02\x01\x01\x00\x00\x00' | seed extract
printf '\x00<html><title>t</title><p>a<b>b</b>c</p><script>x' | seed extract
printf '\x05<p title="a>b" class=\x27c\x27>文字</p><title/><script/>后面' | seed extract
for f in "${CORPUS[@]}"; do
    { pre 0; printf '首页 > 政务公开 > 报告\n打印 | 关闭\n'; head -c 2000 "$f"; printf '\n网站地图\n联系我们\n隐私声明\n版权所有 © 2021\n'; } | seed extract
done

# --- metadata: byte 0 flags (bit 0: first line is a title hint) ---
{ pre 0; cat "${CORPUS[0]}"; } | seed metadata
for f in "${CORPUS[@]}"; do
    { pre 0; head -c 4000 "$f"; } | seed metadata
    { pre 1; printf '网页标题_人民政府网\n'; tail -c 3000 "$f"; } | seed metadata
    { pre 0; tail -c 1200 "$f"; } | seed metadata
done
while IFS= read -r line; do
    { pre 0; printf '%b' "$line"; } | seed metadata
done <<'EOF'
乐山市市中区人民政府\n关于2021年法治政府建设\n工作情况的报告\n乐中府〔2022〕7号\n\n正文。\n乐山市市中区人民政府\n2022年2月25日
重庆市綦江区2021年度法治政府建设情况报告\n发文字号：綦江府发〔2022〕3号\n日期：2022-03-22
二〇二一年度法治政府建设工作报告\n\n二〇二二年三月二十五日
关于 2021 年法治政府建设的报告\n2021-03-08 15:38:05 来源：本站\n2022.3.31
吴忠市人民政府\n关于２０２１年法治政府建设\n情况的报告\n\n吴政发[2022]12号 签发人：张三\n2022/2/29\n2024年2月29日
首页>政务公开>报告\n您当前的位置：首页\n普通文档的第一行\n第二行。
\xef\xbb\xbf\xe2\x80\x8b\xe3\x80\x80 \r\n\r\n  标题\xff\xfe报告\r\n
EOF

# --- docstore: records (no dictionary, raw-content and trained ones) ---
"$GEN" "$S/docstore" "${CORPUS[@]}"
for f in "${CORPUS[@]}"; do
    head -c 2000 "$f" | seed docstore
done
printf '\x01\x00\x00' | seed docstore

# --- snippet: 6-byte header (chars hi/lo, natoms, flags, atom seed), the
# document, then NUL-separated atoms ---
hdr() { # hdr CHARS NATOMS-1 FLAGS
    local v=$(($1 - 1))
    pre $((v / 256)); pre $((v % 256)); pre "$2"; pre "$3"; printf '\x12\x34'
}
i=0
for f in "${CORPUS[@]}"; do
    i=$((i + 1))
    { hdr 120 0 0; head -c 6000 "$f"; printf '\0行政复议'; } | seed snippet
    { hdr 60 1 0; tail -c 4000 "$f"; printf '\0法治政府\0依法行政'; } | seed snippet
    { hdr 200 2 0; head -c 3000 "$f"; printf '\0年\0政府\0建设'; } | seed snippet
    { hdr 30 0 1; head -c 1500 "$f"; } | seed snippet
    { hdr $((i * 37)) 2 0; tail -c 2500 "$f"; } | seed snippet
done
{ hdr 50 1 0; printf '我們的行政復議工作\n法治\n政府建设。受理案件２０２１年共計'; printf '\0行政复议\0２０２１年'; } | seed snippet
{ hdr 10 0 0; printf '“放管服”改革；放管服改革！  \n\n  a\xe3\x80\x80b'; printf '\0放管服'; } | seed snippet

# --- pdf, docx, ofd, doc: the format fixtures of tests/formats (made by
# tests/formats/make_fixtures.sh), whole and cut short; hostile ones too.
fixtures=$(cd "$(dirname "$0")/../formats/fixtures" 2>/dev/null && pwd) || fixtures=
for t in pdf docx ofd doc; do
    ext=$t
    [ "$t" = doc ] && ext="doc wps"
    for x in $(for e in $ext; do [ -n "$fixtures" ] && ls "$fixtures"/*."$e" 2>/dev/null; done); do
        [ -f "$x" ] || continue
        seed "$t" <"$x"
        head -c $(($(wc -c <"$x") / 2)) "$x" | seed "$t"
    done
    [ -n "$(ls -A "$S/$t")" ] || printf 'x' | seed "$t"
done

# --- queryops: synonym list NUL query NUL text.
{ printf '放管服 = 简政放权 放管结合\n二〇二一年 = 2021年\n'; printf '\0~放管服 NEAR/5 改革'; printf '\0'; head -c 3000 "${CORPUS[0]}"; } | seed queryops
{ printf 'a = b\nb = c\n'; printf '\0复议 SENTENCE 纠错 PARAGRAPH 行政'; printf '\0行政复议。纠错\n复议'; } | seed queryops
{ printf '# x\n\n复议 复议案件\n'; printf '\0"行政 复议" NEAR 诉讼 (x NEAR y)'; printf '\0'; tail -c 2000 "${CORPUS[1]}"; } | seed queryops
