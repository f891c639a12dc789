#!/usr/bin/env python3
"""gen_pdf_fodt.py SRC.txt OUT.fodt HEADER FOOTER TITLE [MAXPARAS]

A corpus report as a Flat ODT laid out like the printed document: A4, the
title centred, body paragraphs justified with a two-character indent,
section headings in bold, a running header (HEADER, e.g. the issuer) and a
running footer with the page number: FOOTER is "cn" for "第 N 页" or
"dash" for "- N -".  TITLE goes to the document properties (dc:title),
which LibreOffice writes as the PDF's /Title.  MAXPARAS keeps only the
first paragraphs (a short document for the scanned fixture).
Used by gen_pdf.sh only; converted with soffice --convert-to pdf."""
import re
import sys
from xml.sax.saxutils import escape

src, out, header, footer, title = sys.argv[1:6]
maxparas = int(sys.argv[6]) if len(sys.argv) > 6 else 0
lines = [l.strip().replace('\u3000', ' ').strip() for l in open(src, encoding='utf-8')]
paras = [l for l in lines if l]
if maxparas:
    paras = paras[:maxparas]

heading = re.compile(r'^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)')
body = []
for i, p in enumerate(paras):
    if i < 3 and len(p) < 40:
        style = 'Title1'
    elif heading.match(p) and len(p) < 40:
        style = 'Head1'
    else:
        style = 'Body'
    body.append('<text:p text:style-name="%s">%s</text:p>' % (style, escape(p)))

if footer == 'cn':
    foot = '第 <text:page-number text:select-page="current">1</text:page-number> 页'
else:
    foot = '- <text:page-number text:select-page="current">1</text:page-number> -'

font = 'Noto Serif CJK SC'
doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{escape(title)}</dc:title>
<meta:creation-date>2022-01-20T09:30:00</meta:creation-date></office:meta>
<office:font-face-decls>
 <style:font-face style:name="{font}" svg:font-family="&apos;{font}&apos;" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:text-properties style:font-name="{font}" style:font-name-asian="{font}" fo:font-size="12pt" style:font-size-asian="12pt" fo:language="zh" fo:country="CN" style:language-asian="zh" style:country-asian="CN"/>
 </style:default-style>
 <style:style style:name="Body" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="24pt" fo:line-height="150%" fo:margin-bottom="0pt"/>
 </style:style>
 <style:style style:name="Head1" style:family="paragraph">
  <style:paragraph-properties fo:text-indent="24pt" fo:line-height="150%" fo:margin-top="6pt" fo:margin-bottom="6pt"/>
  <style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/>
 </style:style>
 <style:style style:name="Title1" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="6pt"/>
  <style:text-properties fo:font-size="16pt" style:font-size-asian="16pt" fo:font-weight="bold" style:font-weight-asian="bold"/>
 </style:style>
 <style:style style:name="Header" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="9pt" style:font-size-asian="9pt"/>
 </style:style>
 <style:style style:name="Footer" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="9pt" style:font-size-asian="9pt"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2.6cm" fo:margin-right="2.6cm"/>
  <style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.6cm"/></style:header-style>
  <style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.6cm"/></style:footer-style>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="pm1">
  <style:header><text:p text:style-name="Header">{escape(header)}</text:p></style:header>
  <style:footer><text:p text:style-name="Footer">{foot}</text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body><office:text>
{chr(10).join(body)}
</office:text></office:body></office:document>
'''
open(out, 'w', encoding='utf-8').write(doc)
