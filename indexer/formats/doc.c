/* doc.c - DOC. */
#include "formats.h"

static int sniff_doc(const char *b, size_t n)
{
    (void)b, (void)n;
    return 0;
}

static zerr_code extract_doc(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)b, (void)n, (void)o, (void)out;
    return zf_not_built("DOC", "libgsf", e);
}

const zf_format zf_format_doc = {"DOC", sniff_doc, extract_doc};
