/* formats.c - the extractor registry (see format.h) and the helpers every
 * extractor builds its text with. */
#include "format.h"
#include "formats.h"

#include <stdio.h>
#include <string.h>

/* Tried in order; the first whose sniff accepts the bytes extracts them.
 * Containers before text: a PDF or a ZIP is also "text" to nobody, but
 * HTML is text that says so, so HTML comes before the text catch-all. */
static const zf_format *const registry[] = {
    &zf_format_pdf, &zf_format_docx, &zf_format_ofd, &zf_format_doc,
    &zf_format_html, &zf_format_text,
};

const zf_format *zf_detect(const char *b, size_t n)
{
    for (size_t i = 0; i < sizeof registry / sizeof *registry; i++)
        if (registry[i]->sniff(b, n))
            return registry[i];
    return &zf_format_text;
}

zerr_code zf_extract(const char *b, size_t n, const zf_opts *o, zf_text *out,
                     const zf_format **fmt, zerr *e)
{
    const zf_format *f = zf_detect(b, n);
    *fmt = f;
    zerr_code rc = f->extract(b, n, o, out, e);
    if (rc)
        return rc;
    if (out->pages > 1)
        zf_drop_running_lines(out);
    return ZERR_OK;
}

void zf_text_clear(zf_text *t)
{
    zbuf_free(&t->text);
    free(t->title);
    memset(t, 0, sizeof *t);
}

int zf_add_cp(zf_text *t, uint32_t cp)
{
    if (cp == 0xFFFE || cp == 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f') || cp == 0x7F)
        cp = ' ';
    if (cp == '\f') /* pages are started with zf_page only */
        cp = '\n';
    return zbuf_add_cp(&t->text, cp);
}

int zf_add_utf8(zf_text *t, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t run = i; /* copy plain printable ASCII and valid sequences in bulk */
        while (run < n && u[run] >= 0x20 && u[run] < 0x7F)
            run++;
        if (run > i && zbuf_add(&t->text, s + i, run - i))
            return -1;
        i = run;
        if (i >= n)
            break;
        uint32_t cp;
        size_t k = utf8_decode(u + i, n - i, &cp);
        if (zf_add_cp(t, cp))
            return -1;
        i += k;
    }
    return 0;
}

/* The number of line breaks the text ends with (a "\f" counts as two). */
static int trailing_breaks(const zbuf *b)
{
    int k = 0;
    for (size_t i = b->len; i > 0 && k < 2; i--) {
        char c = b->data[i - 1];
        if (c == '\n')
            k++;
        else if (c == '\f')
            return 2;
        else if (c != ' ' && c != '\t')
            break;
    }
    return k;
}

int zf_paragraph(zf_text *t)
{
    if (t->text.len == 0)
        return 0;
    int k = trailing_breaks(&t->text);
    return k >= 2 ? 0 : zbuf_add(&t->text, "\n\n", (size_t)(2 - k));
}

int zf_page(zf_text *t)
{
    if (t->pages == 0)
        t->pages = 1;
    t->pages++;
    return zbuf_addc(&t->text, '\f');
}

static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int zf_parse_date(const char *s, char out[11])
{
    if (!s)
        return -1;
    while (*s == ' ')
        s++;
    if (s[0] == 'D' && s[1] == ':') /* PDF: D:YYYYMMDDHHmmSS */
        s += 2;
    int y, m = 0, d = 0;
    if (digits(s, 4, &y))
        return -1;
    const char *p = s + 4;
    if (p[0] >= '0' && p[0] <= '9') { /* YYYYMMDD */
        if (digits(p, 2, &m) || digits(p + 2, 2, &d))
            return -1;
    } else if (*p == '-' || *p == '/' || *p == '.') {
        char sep = *p++;
        char *end;
        m = (int)strtol(p, &end, 10);
        if (end == p || *end != sep)
            return -1;
        p = end + 1;
        d = (int)strtol(p, &end, 10);
        if (end == p)
            return -1;
    } else {
        return -1;
    }
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return 0;
}

zerr_code zf_not_built(const char *format, const char *library, zerr *e)
{
    return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: this build cannot read %s (built without %s)",
                    format, format, library);
}

int zf_zip_holds(const char *b, size_t n, const char *member)
{
    size_t m = strlen(member);
    if (n < 4 || memcmp(b, "PK\3\4", 4) != 0)
        return 0;
    for (size_t i = 0; i + m <= n; i++) /* names are stored uncompressed */
        if (b[i] == member[0] && memcmp(b + i, member, m) == 0)
            return 1;
    return 0;
}
