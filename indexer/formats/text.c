/* text.c - the catch-all row: text in any supported charset (extract.c's
 * ze_decode: BOM, strict UTF-8, then ICU detection; binary refused).  A
 * file named .html/.htm whose markup does not come first (a fragment) is
 * still read as HTML, as before the registry existed. */
#include "extract.h"
#include "formats.h"

#include <stdlib.h>
#include <string.h>

zerr_code zf_text_decode(const char *b, size_t n, const zf_opts *o, int html, zf_text *out,
                         zerr *e)
{
    zerr why;
    char *text = NULL, *title = NULL;
    size_t len = 0;
    zerr_code rc = ze_decode(b, n, o->encoding, &text, &len, out->encoding,
                             sizeof out->encoding, &why);
    if (rc)
        return zerr_set(e, rc, "%s", why.msg);
    if (html || ze_is_html(o->name, text, len)) {
        char *plain;
        size_t plen;
        int bad = ze_html_to_text(text, len, &plain, &plen, &title);
        free(text);
        if (bad) /* it fails only for want of memory */
            return zerr_set(e, ZERR_NOMEM, "out of memory");
        text = plain;
        len = plen;
    }
    /* ze_decode's output is valid UTF-8 already; take it as it is. */
    zbuf_free(&out->text);
    out->text.data = text;
    out->text.len = len;
    out->text.cap = len + 1;
    out->title = title;
    out->strip_chrome = 1;
    return ZERR_OK;
}

static int sniff_text(const char *b, size_t n)
{
    (void)b;
    (void)n;
    return 1;
}

static zerr_code extract_text(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    return zf_text_decode(b, n, o, 0, out, e);
}

const zf_format zf_format_text = {"text", sniff_text, extract_text};
