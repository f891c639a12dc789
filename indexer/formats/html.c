/* html.c - web pages: markup first in an ASCII-compatible charset (the
 * charset itself is detected as for text); visible text with paragraph
 * breaks and the <title> as title hint (extract.c's ze_html_to_text). */
#include "extract.h"
#include "formats.h"

static int sniff_html(const char *b, size_t n) { return ze_is_html(NULL, b, n); }

static zerr_code extract_html(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    return zf_text_decode(b, n, o, 1, out, e);
}

const zf_format zf_format_html = {"HTML", sniff_html, extract_html};
