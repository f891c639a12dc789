/* json_out.c - the JSON of search results (schema version 1), shared by
 * `zhsearch --json` and `zhsearch serve`.
 *
 * Every string goes through jout_str: valid UTF-8 is copied, each byte that
 * is not part of a valid sequence (zbuf.h's strict decoder) becomes
 * U+FFFD, and control characters are escaped, so the output always parses
 * whatever bytes a file name, title or snippet holds.  Highlight ranges are
 * byte ranges into the string as written (jout_offset).  Writing never
 * fails midway: an allocation failure sets `failed`, checked once at the
 * end. */
#include "json_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jout_free(jout *o)
{
    zbuf_free(&o->b);
    o->failed = 0;
}

static void add(jout *o, const char *s, size_t n)
{
    if (!o->failed && zbuf_add(&o->b, s, n))
        o->failed = 1;
}

void jout_raw(jout *o, const char *s)
{
    add(o, s, strlen(s));
}

void jout_printf(jout *o, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        add(o, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        o->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    add(o, big, (size_t)n);
    free(big);
}

static size_t utf8_len(const char *s, size_t n)
{
    uint32_t cp;
    return utf8_seq((const unsigned char *)s, n, &cp);
}

static void escape_byte(jout *o, unsigned char c)
{
    switch (c) {
    case '"': jout_raw(o, "\\\""); break;
    case '\\': jout_raw(o, "\\\\"); break;
    case '\n': jout_raw(o, "\\n"); break;
    case '\r': jout_raw(o, "\\r"); break;
    case '\t': jout_raw(o, "\\t"); break;
    default:
        if (c < 0x20)
            jout_printf(o, "\\u%04x", c);
        else
            add(o, (const char *)&c, 1);
    }
}

void jout_str(jout *o, const char *s, size_t n)
{
    add(o, "\"", 1);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len(s + i, n - i);
        if (k == 0) {
            jout_raw(o, "\\ufffd");
            i++;
        } else if (k > 1) {
            add(o, s + i, k);
            i += k;
        } else {
            escape_byte(o, (unsigned char)s[i]);
            i++;
        }
    }
    add(o, "\"", 1);
}

void jout_cstr(jout *o, const char *s)
{
    jout_str(o, s, strlen(s));
}

/* Every replaced byte became the 3 bytes of U+FFFD. */
unsigned jout_offset(const char *s, size_t n, unsigned off)
{
    unsigned extra = 0;
    for (size_t i = 0; i < off && i < n;) {
        size_t k = utf8_len(s + i, n - i);
        if (k == 0)
            extra += 2;
        i += k ? k : 1;
    }
    return off + extra;
}

/* The ZHS_FIELD_* flags of field `name`, 0 when there is none. */
static unsigned field_flags(const char *name)
{
    unsigned flags;
    const char *f;
    for (unsigned i = 0; (f = zhs_field_info(i, &flags)); i++)
        if (!strcmp(f, name))
            return flags;
    return 0;
}

void jout_hit_fields(jout *o, const zhs_hit *h)
{
    for (unsigned k = 0; k < zhs_hit_field_count(h); k++) {
        const char *name = zhs_hit_field_name(h, k), *v = zhs_hit_field_value(h, k);
        unsigned flags = field_flags(name);
        if (!v)
            continue;
        if (flags & ZHS_FIELD_NUMBER)
            jout_printf(o, ",\"%s\":%ld", name, strtol(v, NULL, 10));
        else if (flags & ZHS_FIELD_BOOLEAN)
            jout_printf(o, ",\"%s\":%s", name, strcmp(v, "true") ? "false" : "true");
        else {
            jout_printf(o, ",\"%s\":", name);
            jout_cstr(o, v);
        }
    }
}

void jout_ranges(jout *o, const char *s, size_t n, const zhs_range *r, unsigned nr)
{
    jout_raw(o, "[");
    for (unsigned k = 0; k < nr; k++) {
        unsigned a = jout_offset(s, n, r[k].start), b = jout_offset(s, n, r[k].start + r[k].len);
        jout_printf(o, "%s[%u,%u]", k ? "," : "", a, b - a);
    }
    jout_raw(o, "]");
}

static void facets(jout *o, const zhs_results *r, const jout_opts *opts)
{
    jout_raw(o, ",\"facets\":{");
    for (int k = 0; k < opts->nfacets; k++) {
        jout_printf(o, "%s", k ? "," : "");
        jout_cstr(o, opts->facets[k]);
        jout_raw(o, ":{");
        unsigned n;
        const char *v;
        for (unsigned i = 0; (v = zhs_results_facet(r, opts->facets[k], i, &n)); i++) {
            jout_raw(o, i ? "," : "");
            jout_cstr(o, v);
            jout_printf(o, ":%u", n);
        }
        jout_raw(o, "}");
    }
    jout_raw(o, "}");
}

/* "expanded": {"放管服": ["放管服", "简政放权", ...]} */
static void expansions(jout *o, const zhs_results *r)
{
    const char *w, *members;
    for (unsigned i = 0; (w = zhs_results_expansion(r, i, &members)); i++) {
        jout_raw(o, i ? "," : ",\"expanded\":{");
        jout_cstr(o, w);
        jout_raw(o, ":[");
        for (const char *p = members; *p;) {
            size_t n = strcspn(p, " ");
            jout_raw(o, p == members ? "" : ",");
            jout_str(o, p, n);
            p += n + (p[n] == ' ');
        }
        jout_raw(o, "]");
        if (!zhs_results_expansion(r, i + 1, NULL))
            jout_raw(o, "}");
    }
}

/* "suggestions": [{"query": "依法行政", "count": 4}] */
static void suggestions(jout *o, const zhs_results *r)
{
    const char *q;
    unsigned n;
    for (unsigned i = 0; (q = zhs_results_suggestion(r, i, &n)); i++) {
        jout_raw(o, i ? ",{\"query\":" : ",\"suggestions\":[{\"query\":");
        jout_cstr(o, q);
        jout_printf(o, ",\"count\":%u}", n);
        if (!zhs_results_suggestion(r, i + 1, NULL))
            jout_raw(o, "]");
    }
}

void jout_match(jout *o, const zhs_hit *h, const zhs_match *m)
{
    jout_raw(o, "{\"path\":");
    jout_cstr(o, zhs_hit_path(h));
    jout_raw(o, ",\"title\":");
    jout_cstr(o, zhs_hit_title(h));
    if (zhs_hit_year(h))
        jout_printf(o, ",\"year\":%d", zhs_hit_year(h));
    if (m->page)
        jout_printf(o, ",\"page\":%u", m->page);
    jout_printf(o, ",\"offset\":%llu,\"left\":", m->offset);
    jout_str(o, m->context, m->start);
    jout_raw(o, ",\"match\":");
    jout_str(o, m->context + m->start, m->len);
    jout_raw(o, ",\"right\":");
    jout_str(o, m->context + m->start + m->len, m->context_len - m->start - m->len);
    jout_raw(o, ",\"query_word\":");
    jout_cstr(o, m->atom);
    jout_raw(o, "}");
}

static void hit(jout *o, const zhs_hit *h, const jout_opts *opts)
{
    jout_printf(o, "{\"rank\":%u,\"score\":%.6f", zhs_hit_rank(h), zhs_hit_score(h));
    jout_hit_fields(o, h);
    if (zhs_hit_page(h))
        jout_printf(o, ",\"page\":%u", zhs_hit_page(h));
    if (opts->snippet) {
        size_t n;
        const char *s = zhs_hit_snippet(h, &n);
        unsigned nr;
        const zhs_range *rg = zhs_hit_highlights(h, &nr);
        jout_raw(o, ",\"snippet\":");
        jout_str(o, s, n);
        jout_raw(o, ",\"highlights\":");
        jout_ranges(o, s, n, rg, nr);
    }
    if (opts->explain) {
        jout_raw(o, ",\"explain\":");
        jout_cstr(o, zhs_hit_explain(h));
    }
    jout_raw(o, "}");
}

void jout_results(jout *o, zhs_results *r, const char *query, const jout_opts *opts)
{
    jout_raw(o, "{\"version\":1,\"query\":");
    jout_cstr(o, query);
    jout_raw(o, ",\"normalized\":");
    jout_cstr(o, zhs_results_normalized_query(r));
    jout_printf(o, ",\"total\":%u,\"offset\":%ld,\"elapsed_ms\":%.3f,", zhs_results_total(r),
                opts->offset, zhs_results_seconds(r) * 1000);
    if (zhs_results_shards_skipped(r))
        jout_printf(o, "\"partial\":true,\"shards_skipped\":%u,", zhs_results_shards_skipped(r));
    jout_raw(o, "\"hits\":[");
    int i = 0;
    for (zhs_hits *it = zhs_results_hits(r); zhs_hits_valid(it); zhs_hits_next(it), i++) {
        jout_raw(o, i ? "," : "");
        hit(o, zhs_hits_get(it), opts);
    }
    jout_raw(o, "]");
    if (opts->nfacets)
        facets(o, r, opts);
    if (opts->occurrences)
        jout_printf(o, ",\"occurrences\":%llu", zhs_results_occurrences(r));
    expansions(o, r);
    suggestions(o, r);
    if (opts->explain) {
        jout_raw(o, ",\"explain\":");
        jout_cstr(o, zhs_results_explain(r));
    }
    jout_raw(o, "}");
}
