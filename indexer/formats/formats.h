/* formats.h - the rows of the extractor registry, one per file of this
 * directory, and what the build can read (formats_config.h, from meson's
 * format features). */
#ifndef ZHS_FORMATS_H
#define ZHS_FORMATS_H

#include "format.h"
#include "formats_config.h"

extern const zf_format zf_format_text; /* text.c: any charset */
extern const zf_format zf_format_html; /* html.c */
extern const zf_format zf_format_pdf;  /* pdf.c: poppler-glib, OCR in ocr.c */
extern const zf_format zf_format_docx; /* docx.c: libzip + libxml2 */
extern const zf_format zf_format_ofd;  /* ofd.c: libzip + libxml2 */
extern const zf_format zf_format_doc;  /* doc.c: libgsf (Word 97-2003, WPS) */

/* text.c: decode b as text (as HTML when html is set or the name says so). */
zerr_code zf_text_decode(const char *b, size_t n, const zf_opts *o, int html, zf_text *out,
                         zerr *e);

/* A build without libzip still names the ZIP formats it cannot read: 1
 * when b is a ZIP whose raw bytes hold the member name (names are stored
 * uncompressed). */
int zf_zip_holds(const char *b, size_t n, const char *member);

/* The error of a format this build was configured without. */
zerr_code zf_not_built(const char *format, const char *library, zerr *e);

/* ocr.c (OCR of scanned pages, ZHS_WITH_OCR): an engine per document and
 * thread (tesseract, chi_sim+eng), fed 8-bit grey pages. */
typedef struct zf_ocr zf_ocr;
zf_ocr *zf_ocr_new(zerr *e);
/* The UTF-8 text of one page (malloc'd; spaces between CJK dropped), or
 * NULL with the reason in e. */
char *zf_ocr_page(zf_ocr *ocr, const unsigned char *grey, int width, int height, int stride,
                  int dpi, zerr *e);
void zf_ocr_free(zf_ocr *ocr);

#endif
