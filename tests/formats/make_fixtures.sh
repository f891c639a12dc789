#!/usr/bin/env bash
# make_fixtures.sh - remake every committed fixture of tests/formats/fixtures
# from the reports of corpus/, one generator per format (gen/).  Run by hand
# after changing a generator; the tests only read the committed files, so
# they need none of the converters used here.
#
# Needs: python3 (DOCX and OFD are written directly, per ECMA-376 and
# GB/T 33190), soffice (LibreOffice, with fonts-noto-cjk: PDF and DOC
# exports), poppler-utils (pdftotext, pdftoppm), qpdf and img2pdf (the
# encrypted and the scanned PDF).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python3 "$HERE/gen/gen_docx.py"
python3 "$HERE/gen/gen_ofd.py"
bash "$HERE/gen/gen_pdf.sh"
bash "$HERE/gen/gen_doc.sh"
