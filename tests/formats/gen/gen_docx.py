#!/usr/bin/env python3
"""gen_docx.py - write the DOCX fixtures of tests/formats/fixtures from
corpus/ reports, with python3's zipfile only (no Word, no python-docx),
so that they can be made again anywhere and byte for byte the same.

    tests/formats/gen/gen_docx.py [CORPUS_DIR [FIXTURES_DIR]]

report.docx      a report as Word writes it: the title as a heading (its
                 two lines joined by a w:br), body paragraphs, a table made
                 of the sentences of one paragraph (number | sentence), a
                 footnote and an endnote, a text box stored twice in an
                 mc:AlternateContent (Choice and Fallback: must be read
                 once), a deleted revision (must not be read) and an
                 inserted one, core properties (title, created).
report-runs.docx another report whose paragraphs are cut into many runs
                 (w:r) at arbitrary points inside words and phrases, with
                 proofing marks and bookmarks between them: phrases must
                 still be found whole.
NAME.docx.expect what test_format_docx.c checks: source, year, issuer,
                 title (the metadata the text gives), pages=0, ocr=0.

And hostile inputs (no .expect): notdocx-*.docx (a plain ZIP, an
XLSX-like ZIP: not DOCX), hostile-*.docx (billion laughs, an external
entity, 10000 levels of nesting, a zip bomb member, a member whose
declared size lies, XML that is not well-formed).
"""
import io
import os
import random
import re
import sys
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'corpus')
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..', 'fixtures')

W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
NS = ('xmlns:w="%s" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"' % W)
DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: reproducible bytes

REPORTS = {
    'report': ('2021-吴忠市-法治政府建设工作情况报告.txt', 2, '吴忠市人民政府',
               '吴忠市人民政府关于2021年法治政府建设工作情况的报告', 2021, '2022-01-20'),
    'report-runs': ('2023-安岳县-法治政府建设工作情况报告.txt', 3, '安岳县人民政府',
                    '安岳县人民政府关于2023年法治政府建设工作情况的报告', 2023, '2024-02-01'),
}
FOOTNOTE = '脚注：本报告数据统计截至当年十二月三十一日。'
ENDNOTE = '尾注：报告全文已在政府门户网站公开。'
TEXTBOX = '文本框：法治政府建设示范创建工作专栏'
DELETED = '这段已经删除的修订文字不应出现'
INSERTED = '这段插入的修订文字应当出现'


def content_types(extra=''):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/>' + extra + '</Types>')


RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>')


def core(title, date):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>%s</dc:title><dc:creator>办公室</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">%sT08:30:00Z</dcterms:created>'
            '</cp:coreProperties>' % (escape(title), date))


def run(text, bold=False):
    rpr = '<w:rPr><w:b/></w:rPr>' if bold else '<w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>'
    return '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, escape(text))


def para(inner, style=None):
    ppr = '<w:pPr><w:pStyle w:val="%s"/><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs>' \
          '</w:pPr>' % style if style else ''
    return '<w:p>%s%s</w:p>' % (ppr, inner)


def split_runs(text, rng):
    """text as many runs cut at arbitrary points, with noise between."""
    out, i = [], 0
    while i < len(text):
        k = rng.randint(1, 5)
        out.append(run(text[i:i + k], bold=rng.random() < 0.3))
        r = rng.random()
        if r < 0.15:
            out.append('<w:proofErr w:type="spellStart"/>')
        elif r < 0.25:
            out.append('<w:bookmarkStart w:id="%d" w:name="b%d"/><w:bookmarkEnd w:id="%d"/>'
                       % (i, i, i))
        i += k
    return ''.join(out)


def document(body):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document %s><w:body>%s<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
            '</w:body></w:document>' % (NS, body))


def notes(kind, text):
    sep = ('<w:%s w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:%s>'
           % (kind, kind))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:%ss %s>%s<w:%s w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            '<w:r><w:%sRef/></w:r>%s</w:p></w:%s></w:%ss>'
            % (kind, NS, sep, kind, kind, run(text), kind, kind))


def table(sentences):
    rows = []
    for i, s in enumerate(sentences, 1):
        cells = ''.join('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>'
                        % (w, para(run(t))) for w, t in ((800, str(i)), (7000, s)))
        rows.append('<w:tr>%s</w:tr>' % cells)
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr><w:tblGrid>'
            '<w:gridCol w:w="800"/><w:gridCol w:w="7000"/></w:tblGrid>%s</w:tbl>' % ''.join(rows))


def textbox():
    inner = '<w:txbxContent>%s</w:txbxContent>' % para(run(TEXTBOX))
    return ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>'
            '%s</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>'
            '<v:textbox>%s</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>'
            '</w:r>' % (inner, inner))


def lines_of(name):
    with open(os.path.join(CORPUS, name), encoding='utf-8') as f:
        return [l.strip().strip('\u3000').strip() for l in f.read().splitlines()]


def body_report(lines, title_lines):
    """The fully structured document: heading, paragraphs, table, notes."""
    text = [l for l in lines if l]
    # The title: the first lines that make it, one heading with line breaks.
    head = [i for i, l in enumerate(text) if l in title_lines]
    parts = []
    title = '<w:r><w:br/></w:r>'.join(run(text[i]) for i in head)
    rest = [l for i, l in enumerate(text) if i not in head]
    parts.append(para(run(rest[0])))  # the document number, above the title
    parts.append(para(title, 'Title'))
    # The table: the sentences of the longest paragraph but one.
    longest = sorted(range(1, len(rest)), key=lambda i: -len(rest[i]))[1]
    extras = 2 if longest != 2 else 3  # the paragraph the notes and extras follow
    for i, l in enumerate(rest[1:], 1):
        if i == longest:
            sentences = [s for s in re.split(r'(?<=[。；])', l) if s]
            parts.append(table(sentences))
        elif i == extras:
            parts.append(para(run(l) + '<w:r><w:footnoteReference w:id="1"/></w:r>'
                              + '<w:r><w:endnoteReference w:id="1"/></w:r>'))
            parts.append(para(textbox()))
            parts.append(para('<w:del w:id="90" w:author="a"><w:r><w:delText>%s</w:delText></w:r>'
                              '</w:del><w:ins w:id="91" w:author="a">%s</w:ins>'
                              '<w:r><w:tab/></w:r><w:r><w:t>（修订）</w:t></w:r>'
                              % (escape(DELETED), run(INSERTED))))
        elif re.match(r'^[一二三四五六七八九十]+、', l):
            parts.append(para(run(l), 'Heading1'))
        else:
            parts.append(para(run(l)))
    return ''.join(parts)


def body_runs(lines):
    rng = random.Random(33190)
    return ''.join(para(split_runs(l, rng)) for l in lines if l)


def write_zip(path, members):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode('utf-8') if isinstance(data, str) else data)


def docx_members(doc, title=None, date=None, foot=None, end=None):
    m = [('[Content_Types].xml', content_types()), ('_rels/.rels', RELS),
         ('word/document.xml', doc)]
    if foot:
        m.append(('word/footnotes.xml', notes('footnote', foot)))
    if end:
        m.append(('word/endnotes.xml', notes('endnote', end)))
    if title:
        m.append(('docProps/core.xml', core(title, date)))
    return m


def expect(name, src, issuer, title, year):
    with open(os.path.join(OUT, name + '.expect'), 'w', encoding='utf-8') as f:
        f.write('source=corpus/%s\nyear=%d\nissuer=%s\ntitle=%s\npages=0\nocr=0\n'
                % (src, year, issuer, title))


def reports():
    for name, (src, _, issuer, title, year, date) in REPORTS.items():
        lines = lines_of(src)
        if name == 'report':
            tl = ('吴忠市人民政府关于', '2021年法治政府建设工作情况的报告')
            doc = document(body_report(lines, tl))
            members = docx_members(doc, title, date, FOOTNOTE, ENDNOTE)
        else:
            members = docx_members(document(body_runs(lines)), title, date)
        write_zip(os.path.join(OUT, name + '.docx'), members)
        expect(name + '.docx', src, issuer, title, year)


LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%d;' % (i - 1) if i > 1 else '&lol;') * 10)
                    for i in range(1, 10))
          + ']>\n<w:document %s><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
            '</w:document>' % NS)
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '\n<w:document %s><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>' % NS)
# Random ids: a nesting this deep must reach the XML parser, not be taken
# for a zip bomb (it compresses well otherwise).
_rng = random.Random(10000)
DEEP = document(''.join('<w:sdt w:id="%d">' % _rng.randrange(10 ** 9) for _ in range(10000))
                + '<w:p><w:r><w:t>深</w:t></w:r></w:p>' + '</w:sdt>' * 10000)
BOMB = document(para(run('炸弹')) + '<!--' + ' ' * (4 << 20) + '-->')
BAD = document(para(run('坏的')) + '<w:p><w:r><w:t>未闭合</w:r></w:p>')


def lying(path):
    """A DOCX whose word/document.xml says it is 100 bytes long, and is not."""
    buf = io.BytesIO()
    doc = document(para(run('声明的大小是假的。' * 50))).encode('utf-8')
    write_zip(buf, docx_members(doc.decode('utf-8')))
    data = bytearray(buf.getvalue())
    real = len(doc).to_bytes(4, 'little')
    fake = (100).to_bytes(4, 'little')
    # The uncompressed size sits in the local header (offset 22) and the
    # central directory entry (offset 24) of the member.
    name = b'word/document.xml'
    for sig, off in ((b'PK\x03\x04', 22), (b'PK\x01\x02', 24)):
        i = data.find(sig)
        while i >= 0:
            n = int.from_bytes(data[i + (26 if sig == b'PK\x03\x04' else 28):][:2], 'little')
            start = i + (30 if sig == b'PK\x03\x04' else 46)
            if bytes(data[start:start + n]) == name and data[i + off:i + off + 4] == real:
                data[i + off:i + off + 4] = fake
            i = data.find(sig, i + 4)
    with open(path, 'wb') as f:
        f.write(bytes(data))


def hostile():
    for name, doc in (('laughs', LAUGHS), ('xxe', XXE), ('deep', DEEP), ('bomb', BOMB),
                      ('badxml', BAD)):
        write_zip(os.path.join(OUT, 'hostile-%s.docx' % name), docx_members(doc))
    lying(os.path.join(OUT, 'hostile-lying.docx'))
    write_zip(os.path.join(OUT, 'notdocx-plain.docx'),
              [('readme.txt', '这只是一个普通的压缩包。\n'), ('data/a.xml', '<a>1</a>')])
    write_zip(os.path.join(OUT, 'notdocx-xlsx.docx'),
              [('[Content_Types].xml', content_types()), ('_rels/.rels', RELS),
               ('xl/workbook.xml', '<workbook/>'), ('xl/worksheets/sheet1.xml', '<worksheet/>'),
               ('docProps/core.xml', core('表格', '2022-01-01'))])


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    reports()
    hostile()
