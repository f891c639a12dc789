/* ofd.c - OFD. */
#include "formats.h"

static int sniff_ofd(const char *b, size_t n)
{
    (void)b, (void)n;
    return 0;
}

static zerr_code extract_ofd(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)b, (void)n, (void)o, (void)out;
    return zf_not_built("OFD", "libzip and libxml2", e);
}

const zf_format zf_format_ofd = {"OFD", sniff_ofd, extract_ofd};
