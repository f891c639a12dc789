/* format.h - the extractor registry: which format a file is, decided from
 * its bytes (magic numbers and container contents, never the file name
 * alone), and the text with structure that format's extractor returns.
 *
 * Like omindex's filter table: formats.c holds one row per format, in the
 * order they are tried; each row is one file of formats/ with a sniff and
 * an extract function.  Adding a format is one file and one table row.
 *
 * The text an extractor returns (zf_text.text) is UTF-8 and holds:
 *   "\n"    the end of a line (a soft break: the analyzer ignores whitespace
 *           next to CJK characters, so a phrase wrapped over two lines
 *           still matches);
 *   "\n\n"  the end of a paragraph, table cell, heading or list item;
 *   "\f"    the start of the next page, in paged formats only (PDF, OFD):
 *           page N of a document begins after its (N-1)th "\f".  The text
 *           is stored as it is, so the searcher finds the page of any byte
 *           offset by counting "\f" before it (zf_text.pages > 0 says the
 *           document is paged; a "\f" in a plain text file is not a page).
 * No NUL bytes; never invalid UTF-8 (extractors go through zf_add_utf8
 * or zf_add_cp, which replace what is not UTF-8 with U+FFFD).
 */
#ifndef ZHS_FORMAT_H
#define ZHS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "zbuf.h"
#include "zerr.h"

/* Called once per page a slow step (OCR) works on: page is 1-based. */
typedef void (*zf_progress_fn)(void *ctx, const char *name, unsigned page, unsigned npages,
                               const char *what);

typedef struct zf_opts {
    const char *name;     /* the file's path, for messages and name hints */
    const char *encoding; /* text formats: forced encoding, or NULL to detect */
    int ocr;              /* recognise pages that have no text layer */
    zf_progress_fn progress;
    void *progress_ctx;
} zf_opts;

typedef struct zf_text {
    zbuf text;          /* see the top of this file */
    unsigned pages;     /* number of pages ("\f" count + 1), 0 when unpaged */
    unsigned ocr_pages; /* how many of them were read by OCR */
    char *title;        /* malloc'd title hint (HTML <title>, PDF/DOCX/OFD
                         * document properties), or NULL */
    char date[11];      /* creation date hint, YYYY-MM-DD, or "" */
    char encoding[32];  /* text formats: the charset decoded from */
    int strip_chrome;   /* 1: web-page chrome may be in the text (text, HTML) */
} zf_text;

typedef struct zf_format {
    const char *name; /* "PDF": shown in messages and stored as the format field */
    /* 1 when the bytes are this format.  Cheap; may look inside a container
     * (a ZIP's member names, an OLE file's streams). */
    int (*sniff)(const char *b, size_t n);
    /* Fill out (zeroed by the caller) from the n bytes b.  Returns ZERR_OK,
     * or ZERR_NOT_INDEXABLE with the reason in e (shown after "FILE: not
     * indexed: "; e.g. "PDF: password-protected"), or ZERR_NOMEM.  On error
     * the caller frees whatever out holds with zf_text_clear. */
    zerr_code (*extract)(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e);
} zf_format;

/* The format of the n bytes b: the first row whose sniff accepts them; the
 * text row accepts anything, so never NULL. */
const zf_format *zf_detect(const char *b, size_t n);

/* Detect and extract; then, for paged formats, drop running headers and
 * footers (zf_drop_running_lines).  The format's name is stored in *fmt. */
zerr_code zf_extract(const char *b, size_t n, const zf_opts *o, zf_text *out,
                     const zf_format **fmt, zerr *e);

void zf_text_clear(zf_text *t);

/* Append UTF-8 (invalid bytes become U+FFFD, NUL and other C0 controls but
 * \t \n \f become spaces), or one code point.  0, or -1 out of memory. */
int zf_add_utf8(zf_text *t, const char *s, size_t n);
int zf_add_cp(zf_text *t, uint32_t cp);
/* End the current paragraph ("\n\n" unless the text already ends with a
 * break) / start a new page ("\f", counted in t->pages). */
int zf_paragraph(zf_text *t);
int zf_page(zf_text *t);

/* A date in a document property ("2022-02-25T09:30:00Z", "D:20220225...",
 * "2022/2/25") as YYYY-MM-DD into out[11]; 0, or -1 when not a date. */
int zf_parse_date(const char *s, char out[11]);

/* pages.c: in text of several "\f"-separated pages, remove the lines that
 * repeat on most pages (running headers and footers, also when only their
 * page number changes) and page-number lines (第 3 页, - 3 -, 3 / 12). */
void zf_drop_running_lines(zf_text *t);

#endif
