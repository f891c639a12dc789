/* json_out.h - the JSON of search results (schema version 1, see README),
 * written into a memory buffer: one writer for `zhsearch --json` and for
 * `zhsearch serve`, so that both give the same bytes for the same search
 * (apart from elapsed_ms).
 *
 * Rules: strings are always valid UTF-8 (a byte that is not part of a valid
 * sequence becomes U+FFFD, so highlight offsets are translated to the
 * written string); control characters are escaped; a failed allocation
 * sets `failed` and later writes do nothing. */
#ifndef ZHS_JSON_OUT_H
#define ZHS_JSON_OUT_H

#include "zhsearch.h"
#include "zbuf.h"

typedef struct jout {
    zbuf b;
    int failed; /* out of memory: b holds a partial document */
} jout;

typedef struct jout_opts {
    long offset;                /* as asked for: echoed in "offset" */
    long snippet;               /* 0: no "snippet" and "highlights" */
    int explain;                /* "explain" of the results and of each hit */
    const char *const *facets;  /* facet names, in the order asked for */
    int nfacets;
    int occurrences;            /* facets count occurrences: "occurrences" in all */
} jout_opts;

void jout_free(jout *o);
void jout_raw(jout *o, const char *s);
void jout_printf(jout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string of the n bytes at s. */
void jout_str(jout *o, const char *s, size_t n);
void jout_cstr(jout *o, const char *s);
/* Byte offset `off` of s as an offset into the string jout_str writes. */
unsigned jout_offset(const char *s, size_t n, unsigned off);
/* ,"name":value for every field of the hit (numbers and booleans typed). */
void jout_hit_fields(jout *o, const zhs_hit *h);
/* [[start,len],...] of ranges into s, translated by jout_offset. */
void jout_ranges(jout *o, const char *s, size_t n, const zhs_range *r, unsigned nr);
/* One match of a concordance (zhs_hit_matches) as a JSON Lines object:
 * path, title, year, page, offset, left, match, right, query_word. */
void jout_match(jout *o, const zhs_hit *h, const zhs_match *m);
/* The whole results object, without a trailing newline.  Besides hits
 * and facets: "expanded" {word: [members]} when the query had synonym
 * expansions, "suggestions" [{"query", "count"}] when the library
 * suggested variants, "occurrences" with opts->occurrences. */
void jout_results(jout *o, zhs_results *r, const char *query, const jout_opts *opts);

#endif
