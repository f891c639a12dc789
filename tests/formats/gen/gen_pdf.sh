#!/usr/bin/env bash
# gen_pdf.sh - make the committed PDF fixtures of tests/formats/fixtures
# from corpus/ (run by hand; the tests never run converters).
#
# Needs soffice (LibreOffice, with fonts-noto-cjk), pdftotext, pdftoppm,
# qpdf and img2pdf.  Each corpus report is laid out as a Flat ODT like the
# printed document (gen_pdf_fodt.py: running header with the issuer, a page
# number footer) and exported by LibreOffice, so the PDFs have what real
# exports have: CJK text with spaces LibreOffice puts next to digits, lines
# wrapped inside sentences, headers and footers on every page.
#
#   report.pdf     吴忠市, header "吴忠市人民政府", footer "第 N 页", a real title
#   encrypted.pdf  乐山市市中区, footer "- N -", AES-256 with an empty user
#                  password (opens without one), a junk title
#                  ("Microsoft Word - ….docx") the extractor must reject
#   locked.pdf     a short document with user password "secret"
#   mixed.pdf      page 1 of locked.pdf without the password, page 2 of
#                  scan.pdf: only some pages scanned
#   scan.pdf       安岳县, 3 pages rendered at 150 dpi grey (JPEG) and
#                  wrapped as images only (no text layer): OCR input
#
# Sidecars: NAME.pdf.expect (source, year, issuer, title, pages, ocr) and
# NAME.pdf.pages (pdftotext's text of each page, "\f" after each page: an
# expectation independent of our extractor).  The creation date is set to
# 2022-01-20 (a same-length edit of LibreOffice's export time) so that the
# fixtures do not change with the day they are made.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT=$ROOT/tests/formats/fixtures
C=$ROOT/corpus
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$OUT"

# export NAME SRC HEADER FOOTER TITLE [MAXPARAS]: $T/NAME.pdf
export_pdf() {
    python3 "$HERE/gen_pdf_fodt.py" "$2" "$T/$1.fodt" "$3" "$4" "$5" ${6:-}
    (cd "$T" && soffice --headless --convert-to pdf "$1.fodt" >/dev/null 2>&1)
    # Fixed creation date, same length as LibreOffice's D:YYYYMMDDHHmmSSZ'
    python3 - "$T/$1.pdf" <<'PY'
import re, sys
p = sys.argv[1]
b = open(p, 'rb').read()
b, n = re.subn(rb"/CreationDate\(D:\d{14}Z'\)", b"/CreationDate(D:20220120093000Z')", b)
assert n == 1, 'no CreationDate'
open(p, 'wb').write(b)
PY
    qpdf --check "$T/$1.pdf" >/dev/null
}

# sidecars NAME SRC YEAR ISSUER TITLE PAGES OCR PAGESPDF [PDFTOTEXT ARGS]
sidecars() {
    local name=$1 src=$2 year=$3 issuer=$4 title=$5 pages=$6 ocr=$7 pdf=$8
    shift 8
    printf 'source=corpus/%s\nyear=%s\nissuer=%s\ntitle=%s\npages=%s\nocr=%s\n' \
        "$(basename "$src")" "$year" "$issuer" "$title" "$pages" "$ocr" >"$OUT/$name.pdf.expect"
    pdftotext -enc UTF-8 "$@" "$pdf" "$OUT/$name.pdf.pages"
}

# report.pdf
src="$C/2021-吴忠市-法治政府建设工作情况报告.txt"
title="吴忠市人民政府关于2021年法治政府建设工作情况的报告"
export_pdf report "$src" "吴忠市人民政府" cn "$title"
cp "$T/report.pdf" "$OUT/report.pdf"
sidecars report "$src" 2021 吴忠市 "$title" "$(pdfinfo "$OUT/report.pdf" | awk '/^Pages:/{print $2}')" 0 "$OUT/report.pdf"

# encrypted.pdf: opens with the empty password; its title is junk.
src="$C/2021-乐山市市中区-法治政府建设工作情况报告.txt"
export_pdf enc "$src" "乐山市市中区人民政府" dash "Microsoft Word - 2021年法治政府建设工作情况报告.docx"
qpdf --encrypt "" owner-pw 256 -- "$T/enc.pdf" "$OUT/encrypted.pdf"
sidecars encrypted "$src" 2021 乐山市市中区 "" "$(pdfinfo "$OUT/encrypted.pdf" | awk '/^Pages:/{print $2}')" 0 "$OUT/encrypted.pdf"

# locked.pdf: needs the user password "secret".
export_pdf locked "$src" "乐山市市中区人民政府" dash "乐山市市中区法治政府建设工作情况报告" 6
qpdf --encrypt secret owner-pw 256 -- "$T/locked.pdf" "$OUT/locked.pdf"
sidecars locked "$src" 2021 乐山市市中区 "乐山市市中区法治政府建设工作情况报告" \
    "$(pdfinfo -upw secret "$OUT/locked.pdf" | awk '/^Pages:/{print $2}')" 0 "$OUT/locked.pdf" -upw secret

# scan.pdf: the first 3 pages as 150 dpi grey images, no text layer.
src="$C/2023-安岳县-法治政府建设工作情况报告.txt"
export_pdf scan "$src" "安岳县人民政府" cn "安岳县法治政府建设工作情况报告"
# JPEG like a scanner's output, quality 40 to keep the fixture near 600 KB.
pdftoppm -r 150 -gray -jpeg -jpegopt quality=40 -f 1 -l 3 "$T/scan.pdf" "$T/page"
img2pdf --pagesize A4 --creationdate 2023-03-01 --moddate 2023-03-01 \
    -o "$OUT/scan.pdf" "$T"/page-*.jpg
sidecars scan "$src" 2023 安岳县 "" 3 1 "$T/scan.pdf" -f 1 -l 3

# mixed.pdf: a text page (the short document above, unencrypted) and a
# scanned one (page 2 of scan.pdf): only the scanned page needs OCR.
qpdf --empty --pages "$T/locked.pdf" 1 "$OUT/scan.pdf" 2 -- "$OUT/mixed.pdf"
qpdf --empty --pages "$T/locked.pdf" 1 "$T/scan.pdf" 2 -- "$T/mixed-text.pdf"
sidecars mixed "$C/2021-乐山市市中区-法治政府建设工作情况报告.txt" 2021 乐山市市中区 "" 2 1 "$T/mixed-text.pdf"

ls -l "$OUT"/*.pdf
