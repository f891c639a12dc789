#!/usr/bin/env python3
"""gen_ofd.py - write the OFD (GB/T 33190) fixtures of tests/formats/fixtures
from corpus/ reports, with python3's zipfile only, reproducibly.

    tests/formats/gen/gen_ofd.py [CORPUS_DIR [FIXTURES_DIR]]

The report is laid out as real pages: A4, lines of a fixed width (36
Chinese characters), 30 lines a page, a blank line between paragraphs, a
running header line and a page number footer on every page, and a
template page (its text is not the page's and must not be read).

report.ofd        one TextObject per line, one TextCode with DeltaX
                  (compressed "g N v" form); pages named by relative and by
                  absolute BaseLoc in turn.
report-chars.ofd  another report, each line cut into TextObjects of a few
                  characters, holding one TextCode per character (X
                  offsets) or one with a DeltaX list, written in shuffled
                  order, some nested in PageBlocks: only positions say
                  where the text goes.
NAME.ofd.expect   source, year, issuer, title (what the metadata step finds
                  in the text), pages=N, ocr=0.
NAME.ofd.pages    the text placed on each page (lines "\\n", paragraphs
                  "\\n\\n"), pages separated by "\\f".

And hostile inputs (no .expect): paths escaping the container, missing
members, billion laughs, an external entity, 10000 levels of PageBlock, a
zip bomb member, a DeltaX repeating a character 4 billion times, a page
with nothing on it.
"""
import os
import random
import sys
import zipfile
from xml.sax.saxutils import escape, quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'corpus')
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..', 'fixtures')

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
DATE = (1980, 1, 1, 0, 0, 0)
SIZE = 4.2            # font size, mm
LEFT, WIDTH = 28.0, 36  # left margin (mm), line width (in Chinese characters)
TOP, PITCH, LINES = 40.0, 7.4, 30  # first baseline, line pitch (mm), lines a page
HEADER_Y, FOOTER_Y = 18.0, 282.0
HEADER = '法治政府建设年度报告（公开版）'
TEMPLATE_TEXT = '模板页文字不是正文'

REPORTS = {
    'report': ('2021-乐山市市中区-法治政府建设工作情况报告.txt', '乐山市市中区人民政府',
               '乐山市市中区人民政府关于2021年法治政府建设工作情况的报告', 2021,
               '2022-02-25', 'line'),
    'report-chars': ('2023-安岳县-法治政府建设工作情况报告.txt', '安岳县人民政府',
                     '安岳县人民政府关于2023年法治政府建设工作情况的报告', 2023,
                     '2024-01-15', 'char'),
}


def wide(c):
    o = ord(c)
    return (0x2E80 <= o <= 0xA4CF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFF60 or o >= 0x20000)


def adv(c):
    return SIZE if wide(c) else SIZE / 2


def wrap(text):
    """text in lines of at most WIDTH Chinese characters' width."""
    lines, cur, w = [], '', 0.0
    for c in text:
        a = adv(c) / SIZE
        if w + a > WIDTH and cur:
            lines.append(cur)
            cur, w = '', 0.0
        cur += c
        w += a
    if cur:
        lines.append(cur)
    return lines


def layout(paragraphs):
    """Pages of rows: a row is a line of text or None (a paragraph gap)."""
    pages, rows = [], []
    for p in paragraphs:
        for line in wrap(p):
            if len(rows) == LINES:
                pages.append(rows)
                rows = []
            rows.append(line)
        if rows and len(rows) < LINES:
            rows.append(None)
    pages.append(rows)
    return [[r for r in (pg[:-1] if pg and pg[-1] is None else pg)] for pg in pages]


def page_text(rows, n):
    """What the page holds, as the extractor should read it."""
    out = HEADER + '\n\n'
    body = '\n'.join('' if r is None else r for r in rows)
    return out + body + '\n\n- %d -' % n


def deltax(text, compress):
    vals = ['%g' % adv(c) for c in text[:-1]]
    if not compress:
        return ' '.join(vals)
    out, i = [], 0
    while i < len(vals):
        j = i
        while j < len(vals) and vals[j] == vals[i]:
            j += 1
        out.append('g %d %s' % (j - i, vals[i]) if j - i > 1 else vals[i])
        i = j
    return ' '.join(out)


class Ids:
    def __init__(self):
        self.n = 100

    def __call__(self):
        self.n += 1
        return self.n


def text_object(ids, x, y, codes):
    """A TextObject whose boundary starts at x, baseline y; codes are
    (X, text, DeltaX or None) relative to the boundary."""
    w = sum(adv(c) for _, t, _ in codes for c in t) + SIZE
    inner = ''.join('<ofd:TextCode X="%g" Y="%g"%s>%s</ofd:TextCode>'
                    % (cx, SIZE, ' DeltaX="%s"' % dx if dx else '', escape(t))
                    for cx, t, dx in codes)
    return ('<ofd:TextObject ID="%d" Boundary="%g %g %g %g" Font="3" Size="%g">'
            '<ofd:FillColor Value="0 0 0"/>%s</ofd:TextObject>'
            % (ids(), x, round(y - SIZE, 3), round(w, 3), round(SIZE * 1.4, 3), SIZE, inner))


def line_objects(ids, text, x, y, mode, rng):
    if mode == 'line':
        return [text_object(ids, x, y, [(0, text, deltax(text, True))])]
    objs, i = [], 0
    while i < len(text):
        k = rng.randint(1, 6)
        chunk, cx0 = text[i:i + k], x + sum(adv(c) for c in text[:i])
        i += k
        if rng.random() < 0.5:  # one TextCode a character, X offsets
            codes, off = [], 0.0
            for c in chunk:
                if c != ' ':
                    codes.append((round(off, 3), c, None))
                off += adv(c)
        else:  # one TextCode with a plain DeltaX list (spaces dropped, gaps kept)
            codes, off, run, start, dx = [], 0.0, '', 0.0, []
            for c in chunk:
                if c == ' ':
                    if dx:
                        dx[-1] += adv(c)
                else:
                    if not run:
                        start = off
                    run += c
                    dx.append(adv(c))
                off += adv(c)
            if run:
                codes.append((round(start, 3), run,
                              ' '.join('%g' % d for d in dx[:-1]) or None))
        if codes:
            objs.append(text_object(ids, round(cx0, 3), y, codes))
    return objs


def content_xml(rows, n, mode, rng):
    ids = Ids()
    objs = line_objects(ids, HEADER, LEFT, HEADER_Y, mode, rng)
    for i, r in enumerate(rows):
        if r is not None:
            objs += line_objects(ids, r, LEFT, round(TOP + i * PITCH, 3), mode, rng)
    objs += line_objects(ids, '- %d -' % n, 100.0, FOOTER_Y, mode, rng)
    layers = '<ofd:Layer ID="2">%s</ofd:Layer>' % ''.join(objs)
    if mode == 'char':
        rng.shuffle(objs)
        third = len(objs) // 3
        nested = ''.join('<ofd:PageBlock ID="%d"><ofd:PageBlock ID="%d">%s</ofd:PageBlock>'
                         '</ofd:PageBlock>' % (ids(), ids(), o) for o in objs[:third])
        layers = ('<ofd:Layer ID="2" Type="Body">%s</ofd:Layer><ofd:Layer ID="3">%s</ofd:Layer>'
                  % (''.join(objs[third:]), nested))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page %s><ofd:Template TemplateID="2" '
            'ZOrder="Background"/><ofd:Content>%s</ofd:Content></ofd:Page>' % (NS, layers))


def ofd_xml(title, date, docroot='Doc_0/Document.xml'):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD %s DocType="OFD" Version="1.0">'
            '<ofd:DocBody><ofd:DocInfo><ofd:DocID>6f6664%s</ofd:DocID><ofd:Title>%s</ofd:Title>'
            '<ofd:Author>办公室</ofd:Author><ofd:CreationDate>%s</ofd:CreationDate>'
            '</ofd:DocInfo><ofd:DocRoot>%s</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
            % (NS, date.replace('-', ''), escape(title), date, escape(docroot)))


def document_xml(locs):
    pages = ''.join('<ofd:Page ID="%d" BaseLoc=%s/>' % (10 + i, quoteattr(l))
                    for i, l in enumerate(locs))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document %s><ofd:CommonData>'
            '<ofd:MaxUnitID>100000</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
            '</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
            '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
            '<ofd:Pages>%s</ofd:Pages></ofd:Document>' % (NS, pages))


PUBLIC_RES = ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res %s BaseLoc="Res"><ofd:Fonts>'
              '<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>' % NS)
TEMPLATE = ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page %s><ofd:Content><ofd:Layer ID="1">'
            '<ofd:TextObject ID="9" Boundary="28 5 100 6" Font="3" Size="3">'
            '<ofd:TextCode X="0" Y="3">%s</ofd:TextCode></ofd:TextObject></ofd:Layer>'
            '</ofd:Content></ofd:Page>' % (NS, TEMPLATE_TEXT))


def write_zip(path, members):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode('utf-8'))


def report(name, src, issuer, title, year, date, mode):
    with open(os.path.join(CORPUS, src), encoding='utf-8') as f:
        paras = [l.strip().strip('\u3000').strip() for l in f.read().splitlines()]
    pages = layout([p for p in paras if p])
    rng = random.Random(33190)
    members = [('OFD.xml', ofd_xml(title, date)), ('Doc_0/PublicRes.xml', PUBLIC_RES),
               ('Doc_0/Tpls/Tpl_0/Content.xml', TEMPLATE)]
    locs = []
    for i, rows in enumerate(pages):
        path = 'Pages/Page_%d/Content.xml' % i
        locs.append(path if i % 2 == 0 else '/Doc_0/' + path)  # relative, absolute
        members.append(('Doc_0/' + path, content_xml(rows, i + 1, mode, rng)))
    members.insert(1, ('Doc_0/Document.xml', document_xml(locs)))
    write_zip(os.path.join(OUT, name + '.ofd'), members)
    with open(os.path.join(OUT, name + '.ofd.pages'), 'w', encoding='utf-8') as f:
        f.write('\f'.join(page_text(rows, i + 1) for i, rows in enumerate(pages)))
    with open(os.path.join(OUT, name + '.ofd.expect'), 'w', encoding='utf-8') as f:
        f.write('source=corpus/%s\nyear=%d\nissuer=%s\ntitle=%s\npages=%d\nocr=0\n'
                % (src, year, issuer, title, len(pages)))


def small(content, ofd=None, document=None, extra=()):
    """A one-page OFD with the given page content XML."""
    return ([('OFD.xml', ofd or ofd_xml('测试', '2022-01-01')),
             ('Doc_0/Document.xml', document or document_xml(['Pages/Page_0/Content.xml'])),
             ('Doc_0/Pages/Page_0/Content.xml', content)] + list(extra))


def page(objects, prolog=''):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n%s<ofd:Page %s><ofd:Content>'
            '<ofd:Layer ID="1">%s</ofd:Layer></ofd:Content></ofd:Page>' % (prolog, NS, objects))


def hostile():
    obj = text_object(Ids(), 20, 30, [(0, '正文', None)])
    laughs = ('<!DOCTYPE ofd:Page [<!ENTITY a "aaaaaaaaaa">'
              + ''.join('<!ENTITY a%d "%s">' % (i, ('&a%d;' % (i - 1) if i > 1 else '&a;') * 10)
                        for i in range(1, 10)) + ']>\n')
    xxe = '<!DOCTYPE ofd:Page [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    rng = random.Random(10000)
    deep = (''.join('<ofd:PageBlock ID="%d">' % rng.randrange(10 ** 9) for _ in range(10000))
            + obj + '</ofd:PageBlock>' * 10000)
    cases = {
        'escape': small(page(obj), ofd=ofd_xml('测试', '2022-01-01', '../../etc/passwd')),
        'escape-page': small(page(obj), document=document_xml(['../../../x/Content.xml'])),
        'missing-page': small(page(obj), document=document_xml(
            ['Pages/Page_0/Content.xml', 'Pages/Page_9/Content.xml'])),
        'missing-doc': small(page(obj), ofd=ofd_xml('测试', '2022-01-01', 'Doc_1/Document.xml')),
        'laughs': small(page(obj.replace('正文', '&a9;'), laughs)),
        'xxe': small(page(obj.replace('正文', '&x;'), xxe)),
        'deep': small(page(deep)),
        'bomb': small(page(obj + '<!--' + ' ' * (4 << 20) + '-->')),
        'empty-page': small(page('')),
        'deltax': small(page('<ofd:TextObject ID="1" Boundary="10 10 100 10" Size="4">'
                             '<ofd:TextCode X="0" Y="4" DeltaX="g 4000000000 4">长长长</ofd:TextCode>'
                             '</ofd:TextObject>')),
    }
    for name, members in cases.items():
        write_zip(os.path.join(OUT, 'hostile-%s.ofd' % name), members)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for n, args in REPORTS.items():
        report(n, *args)
    hostile()
