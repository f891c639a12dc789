/* extract.h - turning a file's bytes into the UTF-8 text that gets indexed.
 *
 * Three steps, each its own function so that tests and fuzzers can reach it:
 *   1. ze_decode: detect the encoding (BOM, strict UTF-8 check, then ICU
 *      charset detection) and convert to UTF-8 with ICU; reject bytes that
 *      are not text in any supported encoding.
 *   2. ze_html_to_text: for HTML/XHTML, the visible text with paragraph
 *      breaks, entities decoded, script/style dropped, and the <title>.
 *   3. ze_strip_chrome: drop the page chrome government portals wrap around
 *      reports (navigation trails, font-size/print bars, view counters,
 *      share prompts, footer link lists), in text from either source.
 * All returned buffers are malloc'd and owned by the caller.
 */
#ifndef ZHS_EXTRACT_H
#define ZHS_EXTRACT_H

#include <stddef.h>

#include "zerr.h"

/* Decode `n` bytes to UTF-8.  `forced` names an encoding to use instead of
 * detection (NULL or "" to detect).  On success returns 0, stores a
 * malloc'd NUL-terminated UTF-8 string in *out (BOM removed, length in
 * *outlen) and the encoding's canonical name in enc[encsize] (e.g.
 * "UTF-8", "UTF-16LE", "GB18030").  On failure returns ZERR_NOT_INDEXABLE
 * with the reason in e ("binary data", "not valid in any supported
 * encoding", "unknown encoding 'xyz'"). Empty input is an error ("empty
 * file").  Returns ZERR_NOMEM ("out of memory") when memory ran out, which
 * says nothing about the bytes. */
zerr_code ze_decode(const char *bytes, size_t n, const char *forced, char **out, size_t *outlen,
                    char *enc, size_t encsize, zerr *e);

/* True when the file looks like HTML/XHTML: by name (.html .htm .xhtml
 * .shtml) or by content (<!DOCTYPE html, <html near the start). */
int ze_is_html(const char *name, const char *utf8, size_t n);

/* Visible text of an HTML document.  Returns 0 and malloc'd *out and *outlen;
 * *title receives the malloc'd <title> text (or NULL when absent). */
int ze_html_to_text(const char *html, size_t n, char **out, size_t *outlen, char **title);

/* Remove portal chrome lines from UTF-8 text in place; *len is updated and
 * the text stays NUL-terminated.  Report prose is never removed. */
void ze_strip_chrome(char *text, size_t *len);
/* The same without the fast path (every line classified, the text always
 * rebuilt): the reference the tests hold ze_strip_chrome to. */
void ze_strip_chrome_full(char *text, size_t *len);

#endif
