#!/usr/bin/env bash
# gen_doc.sh - make the Word 97-2003 / WPS fixtures of tests/formats/fixtures
# from corpus/ with LibreOffice (soffice --headless), and write their
# .expect sidecars.  Run from anywhere; needs soffice, python3 and
# fonts-noto-cjk.  The fixtures are committed; rerun only to remake them.
#
#   report.doc      a corpus report as HTML (title as a heading, the body,
#                   a 3x3 table, a hyperlink field) through LibreOffice's
#                   "MS Word 97" filter: Chinese text, so UTF-16 pieces;
#                   title and creation date in SummaryInformation.
#   report.wps      a copy of report.doc: Kingsoft WPS Office writes .wps in
#                   the same Word 97 binary format (an OLE2 file with a
#                   WordDocument stream), so the same bytes are a WPS file.
#   latin.doc       English/French text only (latin.doc.txt), with
#                   cp1252 punctuation (curly quotes, dashes, euro), its
#                   one piece rewritten "compressed" (8-bit cp1252) by
#                   mkpieces below: LibreOffice writes only UTF-16 pieces.
#   multipiece.doc  report.doc rewritten by mkpieces the way Word's fast
#                   save leaves a file: 351 pieces, stored in reverse order,
#                   the pure-ASCII ones compressed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
FIX=$ROOT/tests/formats/fixtures
SRC=corpus/2021-吴忠市-法治政府建设工作情况报告.txt
mkdir -p "$FIX"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cat >"$TMP/mkpieces.py" <<'PY'
# mkpieces.py IN.doc OUT.doc [single] - rewrite a single-piece Word 97 file the way
# a fast save leaves one: the text cut into many pieces, stored in reverse
# order in the WordDocument stream, the pieces of printable ASCII only
# "compressed" (8-bit, fc/2 with bit 30 set).  The new piece table goes at
# the end of the table stream.  The OLE2 file is written afresh, every
# stream in regular 512-byte sectors (short ones padded to the 4096-byte
# mini-stream cutoff, so that no mini stream is needed).  With "single":
# one compressed piece of the whole text in cp1252 (the 8-bit form of
# [MS-DOC] 2.4.1), for a text that has only such characters.
import struct, sys

ENDCHAIN, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD

def read_ole(data):
    ss = 1 << struct.unpack_from('<H', data, 0x1E)[0]
    mss = 1 << struct.unpack_from('<H', data, 0x20)[0]
    sec = lambda i: data[512 + i * ss: 512 + (i + 1) * ss]
    difat = [x for x in struct.unpack_from('<109I', data, 0x4C) if x < 0xFFFFFFFA]
    assert struct.unpack_from('<I', data, 0x48)[0] == 0, 'DIFAT sectors not handled'
    fat = []
    for s in difat:
        fat += struct.unpack('<%dI' % (ss // 4), sec(s))
    def chain(s):
        out = []
        while s < 0xFFFFFFFA:
            out.append(s)
            s = fat[s]
        return out
    read = lambda s: b''.join(sec(i) for i in chain(s))
    dirdata = read(struct.unpack_from('<I', data, 0x30)[0])
    entries = [bytearray(dirdata[i:i + 128]) for i in range(0, len(dirdata), 128)]
    minifat_data = read(struct.unpack_from('<I', data, 0x3C)[0])
    minifat = struct.unpack('<%dI' % (len(minifat_data) // 4), minifat_data)
    root = entries[0]
    ministream = read(struct.unpack_from('<I', root, 116)[0])
    cutoff = struct.unpack_from('<I', data, 0x38)[0]
    streams = {}
    for idx, e in enumerate(entries):
        nlen = struct.unpack_from('<H', e, 64)[0]
        if e[66] != 2 or nlen < 2:
            continue
        name = e[:nlen - 2].decode('utf-16-le')
        start, size = struct.unpack_from('<II', e, 116)
        if size < cutoff:
            out, s = [], start
            while s < 0xFFFFFFFA:
                out.append(ministream[s * mss:(s + 1) * mss])
                s = minifat[s]
            body = b''.join(out)
        else:
            body = read(start)
        streams[idx] = (name, body[:size])
    return entries, streams

def write_ole(entries, streams):
    ss = 512
    sectors, fat = [], []
    def put(body):
        n = (len(body) + ss - 1) // ss
        first = len(sectors)
        for i in range(n):
            sectors.append(body[i * ss:(i + 1) * ss].ljust(ss, b'\0'))
            fat.append(first + i + 1 if i < n - 1 else ENDCHAIN)
        return first if n else ENDCHAIN
    for idx, (name, body) in streams.items():
        body = body.ljust(4096, b'\0')
        struct.pack_into('<II', entries[idx], 116, put(body), len(body))
    struct.pack_into('<II', entries[0], 116, ENDCHAIN, 0)  # no mini stream
    dirdata = b''.join(bytes(e) for e in entries)
    dirdata = dirdata.ljust((len(dirdata) + ss - 1) // ss * ss, b'\0')
    dir_first = put(dirdata)
    nfat = 1
    while (len(sectors) + nfat) * 4 > nfat * ss:
        nfat += 1
    fat_first = len(sectors)
    fat += [FATSECT] * nfat
    fat += [FREE] * (nfat * ss // 4 - len(fat))
    fatdata = struct.pack('<%dI' % len(fat), *fat)
    hdr = bytearray(512)
    hdr[0:8] = bytes.fromhex('D0CF11E0A1B11AE1')
    struct.pack_into('<HHHHH', hdr, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into('<I', hdr, 0x2C, nfat)
    struct.pack_into('<I', hdr, 0x30, dir_first)
    struct.pack_into('<III', hdr, 0x38, 4096, ENDCHAIN, 0)
    struct.pack_into('<II', hdr, 0x44, ENDCHAIN, 0)
    difat = [fat_first + i for i in range(nfat)] + [FREE] * (109 - nfat)
    struct.pack_into('<109I', hdr, 0x4C, *difat)
    return bytes(hdr) + b''.join(sectors) + fatdata

def compressible(c):
    return 0x20 <= c < 0x7F or c in (0x0D, 0x07, 0x0B, 0x09, 0x13, 0x14, 0x15)

def split(units):
    """Runs of one kind (compressible or not), at most 97 characters each."""
    runs, start = [], 0
    for i in range(1, len(units) + 1):
        if i == len(units) or compressible(units[i]) != compressible(units[start]) \
                or i - start >= 97:
            runs.append((start, i, compressible(units[start])))
            start = i
    return runs

def main(src, dst, single=False):
    entries, streams = read_ole(open(src, 'rb').read())
    byname = {name: idx for idx, (name, _) in streams.items()}
    wd = bytearray(streams[byname['WordDocument']][1])
    flags = struct.unpack_from('<H', wd, 0x0A)[0]
    tname = '1Table' if flags & 0x0200 else '0Table'
    table = bytearray(streams[byname[tname]][1])
    fcclx, lcbclx = struct.unpack_from('<II', wd, 0x1A2)
    clx = table[fcclx:fcclx + lcbclx]
    assert clx[0] == 0x02, 'Prc in the Clx not handled'
    lcb = struct.unpack_from('<I', clx, 1)[0]
    n = (lcb - 4) // 12
    assert n == 1, 'already %d pieces' % n
    cp0, cp1 = struct.unpack_from('<II', clx, 5)
    pcd = clx[5 + 8: 5 + 8 + 8]
    fc = struct.unpack_from('<I', pcd, 2)[0]
    assert not fc & 0x40000000, 'a compressed piece'
    units = struct.unpack_from('<%dH' % (cp1 - cp0), wd, fc)
    end = fc + 2 * len(units)
    if single:
        small = ''.join(map(chr, units)).encode('cp1252')
        runs, fcs, pos = [(0, len(units), True)], {0: (fc * 2) | 0x40000000}, fc
        wd[fc:fc + len(small)] = small
        pos += len(small)
    else:
        runs, fcs, pos = split(units), {}, fc
        for a, b, small in reversed(runs):  # stored in reverse order
            if small:
                wd[pos:pos + b - a] = bytes(units[a:b])
                fcs[a] = (pos * 2) | 0x40000000
                pos += b - a
            else:
                wd[pos:pos + 2 * (b - a)] = struct.pack('<%dH' % (b - a), *units[a:b])
                fcs[a] = pos
                pos += 2 * (b - a)
    wd[pos:end] = bytes(end - pos)
    cps = [cp0 + a for a, _, _ in runs] + [cp1]
    plc = struct.pack('<%dI' % len(cps), *cps)
    for a, _, _ in runs:
        plc += pcd[0:2] + struct.pack('<I', fcs[a]) + pcd[6:8]
    newclx = b'\x02' + struct.pack('<I', len(plc)) + plc
    struct.pack_into('<II', wd, 0x1A2, len(table), len(newclx))
    table += newclx
    streams[byname['WordDocument']] = ('WordDocument', bytes(wd))
    streams[byname[tname]] = (tname, bytes(table))
    open(dst, 'wb').write(write_ole(entries, streams))
    print('%s: %d pieces, %d compressed' % (dst, len(runs), sum(r[2] for r in runs)))

main(sys.argv[1], sys.argv[2], sys.argv[3:] == ['single'])
PY

# html_of TXT TITLE DATE [en] > HTML: each line a paragraph, the title lines
# (the first lines up to the one ending in 报告) a heading, then a table and
# a paragraph with a hyperlink after the fourth paragraph (in English with
# "en").
html_of() {
    python3 - "$@" <<'PY'
import html, sys
lines = [l.rstrip('\n') for l in open(sys.argv[1], encoding='utf-8')]
title, date = sys.argv[2], sys.argv[3]
cells = ['表格甲栏目', '表格乙栏目', '表格丙栏目'] + ['单元格%s号内容' % c for c in '一二三四五六']
link = ('详见', '法治政府建设专栏链接', '。')
if sys.argv[4:] == ['en']:
    cells = ['Heading Alpha', 'Heading Beta', 'Heading Gamma'] + ['Cell number %s' % c for c in
            ('one', 'two', 'three', 'four', 'five', 'six')]
    link = ('See the ', 'rule of law portal page', '.')
row = lambda tag, cs: '<tr>' + ''.join('<%s>%s</%s>' % (tag, c, tag) for c in cs) + '</tr>'
out = ['<!DOCTYPE html><html><head><meta charset="utf-8">',
       '<title>%s</title>' % html.escape(title),
       '<meta name="created" content="%s">' % date, '</head><body>']
head = []
for i, l in enumerate(lines[:6]):
    if l.strip().endswith('报告'):
        head = list(range(i + 1))
        break
paras = 0
for i, l in enumerate(lines):
    if not l.strip():
        continue
    tag = 'h1' if i in head and i > 0 else 'p'
    out.append('<%s>%s</%s>' % (tag, html.escape(l.strip()), tag))
    paras += 1
    if paras == 4:
        out.append('<table border="1">' + row('th', cells[:3]) + row('td', cells[3:6]) +
                   row('td', cells[6:]) + '</table>')
        out.append('<p>%s<a href="http://www.example.gov.cn/fazhi/">%s</a>%s</p>' % link)
out.append('</body></html>')
print('\n'.join(out))
PY
}

convert() { # convert HTML: HTML's .doc beside it
    soffice -env:UserInstallation=file://"$TMP"/profile --headless \
        --infilter="HTML (StarWriter)" --convert-to doc:"MS Word 97" \
        --outdir "$(dirname "$1")" "$1" >/dev/null 2>&1
    [ -s "${1%.html}.doc" ] || { echo "gen_doc: soffice made no ${1%.html}.doc" >&2; exit 1; }
}

cd "$ROOT"
html_of "$SRC" "吴忠市人民政府关于2021年法治政府建设工作情况的报告" "2022-03-01T09:30:00" >"$TMP/report.html"
convert "$TMP/report.html"
cp "$TMP/report.doc" "$FIX/report.doc"
cp "$TMP/report.doc" "$FIX/report.wps"

cat >"$FIX/latin.doc.txt" <<'TXT'
Annual Report on the Rule of Law
The city government’s “law-based administration” programme — first steps
Café owners in the old town received 1,250 licences, a 12% rise over 2020.
Naïve questions deserve patient answers: the façade of the hall was restored.
Costs of €3.5 million were shared between the départements – no overruns.
Fee schedules… were published in full on the portal‘s legal affairs page.
TXT
html_of "$FIX/latin.doc.txt" "Annual Report on the Rule of Law" "2021-12-31T08:00:00" en >"$TMP/latin.html"
convert "$TMP/latin.html"
python3 "$TMP/mkpieces.py" "$TMP/latin.doc" "$FIX/latin.doc" single
python3 "$TMP/mkpieces.py" "$FIX/report.doc" "$FIX/multipiece.doc"

for f in report.doc report.wps multipiece.doc; do
    cat >"$FIX/$f.expect" <<EXP
source=$SRC
year=2021
issuer=吴忠市人民政府
title=吴忠市人民政府关于2021年法治政府建设工作情况的报告
pages=0
ocr=0
EXP
done
cat >"$FIX/latin.doc.expect" <<EXP
source=fixtures/latin.doc.txt
year=
issuer=
title=Annual Report on the Rule of Law
pages=0
ocr=0
EXP
ls -l "$FIX"/*.doc "$FIX"/*.wps
