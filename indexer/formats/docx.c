/* docx.c - DOCX. */
#include "formats.h"

static int sniff_docx(const char *b, size_t n)
{
    (void)b, (void)n;
    return 0;
}

static zerr_code extract_docx(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)b, (void)n, (void)o, (void)out;
    return zf_not_built("DOCX", "libzip and libxml2", e);
}

const zf_format zf_format_docx = {"DOCX", sniff_docx, extract_docx};
