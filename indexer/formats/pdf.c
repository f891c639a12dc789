/* pdf.c - PDF through poppler-glib: every page's text in reading order,
 * pages separated by "\f"; pages without a text layer are recognised by
 * OCR (ocr.c) when asked. */
#include "formats.h"

#include <string.h>

static int sniff_pdf(const char *b, size_t n)
{
    /* "%PDF-" within the first KB, as readers accept leading junk */
    size_t lim = n < 1024 ? n : 1024;
    for (size_t i = 0; i + 5 <= lim; i++)
        if (b[i] == '%' && memcmp(b + i, "%PDF-", 5) == 0)
            return 1;
    return 0;
}

static zerr_code extract_pdf(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)b, (void)n, (void)o, (void)out;
    return zf_not_built("PDF", "poppler-glib", e);
}

const zf_format zf_format_pdf = {"PDF", sniff_pdf, extract_pdf};
