/* zhsearch.h - search zhsearch indexes of Chinese documents from C.
 *
 * A query finds exactly the documents whose normalized text contains it
 * (what grep would find after NFKC, case folding and Traditional →
 * Simplified), ranked by BM25 over its words and character bigrams.
 *
 *     zhs_index *idx;
 *     if (zhs_index_open("zhsearch.idx", &idx) != ZHS_OK) {
 *         fprintf(stderr, "%s\n", zhs_index_last_error(idx));
 *         zhs_index_close(idx);
 *         return 1;
 *     }
 *     zhs_results *res;
 *     if (zhs_search(idx, "行政复议 year:2021", NULL, &res) == ZHS_OK) {
 *         for (zhs_hits *it = zhs_results_hits(res); zhs_hits_valid(it); zhs_hits_next(it)) {
 *             const zhs_hit *h = zhs_hits_get(it);
 *             printf("%s\t%s\n", zhs_hit_path(h), zhs_hit_snippet(h, NULL));
 *         }
 *         zhs_results_free(res);
 *     }
 *     zhs_index_close(idx);
 *
 * Ownership: every pointer returned by an accessor is owned by the object
 * it was read from and stays valid until that object is freed.  Freeing a
 * results object frees its hits and iterators.  _free and _close accept
 * NULL.
 *
 * Threads: a handle is used by one thread at a time.  Any number of handles
 * (in as many threads or processes) may be open on one index, also while
 * an indexer writes to it: each handle sees the last commit as of its
 * opening or zhs_index_reopen().
 */
#ifndef ZHSEARCH_H
#define ZHSEARCH_H

#include <stddef.h>

/* ZHS_VERSION_MAJOR, _MINOR, _PATCH, _STRING and _NUMBER */
#include "zhsearch_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ZHS_API __attribute__((visibility("default")))
#else
#define ZHS_API
#endif

/* Status codes.  Values are pinned: they never change meaning. */
typedef enum zhs_status {
    ZHS_OK = 0,
    ZHS_ERR_NOMEM = 1,        /* out of memory */
    ZHS_ERR_OPEN = 2,         /* index missing, unreadable or not an index */
    ZHS_ERR_SCHEME = 3,       /* index written by an incompatible version */
    ZHS_ERR_QUERY_SYNTAX = 4, /* the query does not parse; message has the column */
    ZHS_ERR_QUERY_EMPTY = 5,  /* the query is empty */
    ZHS_ERR_CORRUPT = 6,      /* damaged index files or stored text */
    ZHS_ERR_MODIFIED = 7,     /* overtaken by an indexer: zhs_index_reopen() and retry */
    ZHS_ERR_IO = 8,           /* other index read error */
    ZHS_ERR_NETWORK = 9,      /* a remote shard is down or timed out */
    ZHS_ERR_INVALID = 10,     /* invalid argument */
    ZHS_ERR_INTERNAL = 11,    /* a bug: please report */
    ZHS_ERR_QUERY_LIMIT = 12  /* the query is over a size limit (8192 bytes, 100 words,
                                 phrases and fields, 500 characters in one,
                                 1000 in all);
                                 the message names it */
} zhs_status;

/* A short English description of a status ("query syntax error"); static. */
ZHS_API const char *zhs_status_str(zhs_status status);

/* The library version, ZHS_VERSION_STRING (e.g. "0.1.0"); static. */
ZHS_API const char *zhs_version(void);
ZHS_API unsigned zhs_version_number(void);

/* ---- indexes ---- */

typedef struct zhs_index zhs_index;

/* Open an index read-only.  path is an index directory, a sharded set (a
 * directory made by `zhindex --shards`, or any Xapian stub file listing
 * "auto PATH" and "remote HOST:PORT" lines), or "HOST:PORT" of a shard
 * served by xapian-tcpsrv.  *out receives a handle even on failure (or NULL
 * when out of memory) so that zhs_index_last_error() can say why; close it
 * in either case. */
ZHS_API zhs_status zhs_index_open(const char *path, zhs_index **out);

/* Several shards as one index: an empty handle (NULL when out of memory),
 * its parameters, then zhs_index_add() for each shard.  Ranking statistics,
 * counts, facets, sorting and snippets are global across shards. */
ZHS_API zhs_index *zhs_index_new(void);

typedef enum zhs_index_param {
    ZHS_I_TIMEOUT_MS = 1,   /* remote shards: connect and answer within (default 10000) */
    ZHS_I_ALLOW_PARTIAL = 2 /* 1 = leave out shards that are down; results say how many */
} zhs_index_param;

ZHS_API zhs_status zhs_index_set(zhs_index *idx, zhs_index_param param, long value);
/* Add the shard(s) named by spec (as for zhs_index_open). */
ZHS_API zhs_status zhs_index_add(zhs_index *idx, const char *spec);
/* Shards in use. */
ZHS_API unsigned zhs_index_shard_count(zhs_index *idx);

/* See the latest commit.  Results objects obtained before stay valid. */
ZHS_API zhs_status zhs_index_reopen(zhs_index *idx);
ZHS_API void zhs_index_close(zhs_index *idx);

/* The message of the last failed call on this handle (or on results of
 * it), "" when none; owned by the handle, valid until the next call. */
ZHS_API const char *zhs_index_last_error(const zhs_index *idx);

/* Number of documents in the index. */
ZHS_API unsigned zhs_index_doc_count(zhs_index *idx);

/* ---- searching ---- */

typedef enum zhs_sort {
    ZHS_SORT_RELEVANCE = 0,
    ZHS_SORT_DATE = 1,      /* oldest first; an undated report counts as published
                               at the start of the year after the one it covers */
    ZHS_SORT_DATE_DESC = 2  /* newest first */
} zhs_sort;

typedef enum zhs_param {
    ZHS_P_OFFSET = 1,        /* first hit to return (default 0) */
    ZHS_P_LIMIT = 2,         /* hits to return (default 10; 0 = all matches) */
    ZHS_P_SORT = 3,          /* a zhs_sort (default relevance) */
    ZHS_P_SNIPPET_CHARS = 4, /* snippet length in characters (default 120; 0 = no snippets) */
    ZHS_P_FACET_YEAR = 5,    /* 1 = count matches per year (zhs_options_add_facet "year") */
    ZHS_P_FACET_ISSUER = 6,  /* 1 = count matches per issuer (... "issuer") */
    ZHS_P_EXPLAIN = 7        /* 1 = compute zhs_results_explain() and zhs_hit_explain() */
} zhs_param;

typedef struct zhs_options zhs_options;

/* Search options; NULL options mean all defaults. */
ZHS_API zhs_options *zhs_options_new(void);
ZHS_API zhs_status zhs_options_set(zhs_options *opts, zhs_param param, long value);
/* Count the matches per value of field `field`, one with ZHS_FIELD_FACET
 * ("year", "issuer"); read them with zhs_results_facet() by the same name.
 * Facets are counted in the order asked for; asking twice is asking once.
 * ZHS_ERR_INVALID for a field that has no facet. */
ZHS_API zhs_status zhs_options_add_facet(zhs_options *opts, const char *field);
ZHS_API void zhs_options_free(zhs_options *opts);

typedef struct zhs_results zhs_results;

/* Run a query (syntax: see the README).  On success *out holds results to
 * free with zhs_results_free(); on failure *out is NULL and
 * zhs_index_last_error() explains. */
ZHS_API zhs_status zhs_search(zhs_index *idx, const char *query, const zhs_options *opts,
                              zhs_results **out);
ZHS_API void zhs_results_free(zhs_results *res);

/* The exact number of matching documents. */
ZHS_API unsigned zhs_results_total(const zhs_results *res);
/* Hits held (at most the limit). */
ZHS_API unsigned zhs_results_count(const zhs_results *res);
/* Shards left out because they were down (ZHS_I_ALLOW_PARTIAL): when not
 * 0, the results are partial. */
ZHS_API unsigned zhs_results_shards_skipped(const zhs_results *res);
/* Seconds the search took, snippets included. */
ZHS_API double zhs_results_seconds(const zhs_results *res);
/* The query after normalization, and (with ZHS_P_EXPLAIN) a multi-line
 * explanation of its analysis and terms; owned by res. */
ZHS_API const char *zhs_results_normalized_query(const zhs_results *res);
ZHS_API const char *zhs_results_explain(const zhs_results *res);

/* Facets: value i of a facet asked for (zhs_options_add_facet: "year",
 * "issuer"), with its document count, most frequent first.  Returns NULL
 * past the end; owned by the results. */
ZHS_API const char *zhs_results_facet(const zhs_results *res, const char *facet, unsigned i,
                                      unsigned *count);

/* ---- hits ---- */

typedef struct zhs_hits zhs_hits;
typedef struct zhs_hit zhs_hit;

/* An iterator over the hits, owned by res (one per results object; this
 * call rewinds it). */
ZHS_API zhs_hits *zhs_results_hits(zhs_results *res);
ZHS_API int zhs_hits_valid(const zhs_hits *it);
ZHS_API const zhs_hit *zhs_hits_get(const zhs_hits *it);
ZHS_API void zhs_hits_next(zhs_hits *it);
/* Direct access: hit i (0-based) or NULL. */
ZHS_API const zhs_hit *zhs_results_hit(const zhs_results *res, unsigned i);

ZHS_API unsigned zhs_hit_rank(const zhs_hit *h); /* 1-based, counting the offset */
ZHS_API double zhs_hit_score(const zhs_hit *h);
ZHS_API const char *zhs_hit_path(const zhs_hit *h);
ZHS_API const char *zhs_hit_title(const zhs_hit *h);
/* Metadata field by name: "issuer", "region", "date", "docno", "year",
 * "encoding" (or any name of zhs_field_info()); NULL when the document
 * lacks it. */
ZHS_API const char *zhs_hit_field(const zhs_hit *h, const char *name);
ZHS_API int zhs_hit_year(const zhs_hit *h); /* 0 when unknown */

/* The fields the hit has, of those with ZHS_FIELD_HIT, in a fixed order
 * (path, title, issuer, region, year, date, docno): the name and value of
 * field i, NULL past the end; owned by the results.  For printing every
 * field of a hit without listing them. */
ZHS_API unsigned zhs_hit_field_count(const zhs_hit *h);
ZHS_API const char *zhs_hit_field_name(const zhs_hit *h, unsigned i);
ZHS_API const char *zhs_hit_field_value(const zhs_hit *h, unsigned i);

/* ---- fields ---- */

/* What a field is and does. */
typedef enum zhs_field_flag {
    ZHS_FIELD_TEXT = 1,    /* name:text searches its text (title:复议) */
    ZHS_FIELD_RANGE = 2,   /* name:a..b searches a range (year:2019..2022) */
    ZHS_FIELD_FACET = 4,   /* has a facet (zhs_options_add_facet) */
    ZHS_FIELD_HIT = 8,     /* listed with hits (zhs_hit_field_name) */
    ZHS_FIELD_BRIEF = 16,  /* short: fit for a one-line summary of a hit */
    ZHS_FIELD_NUMBER = 32, /* its values are numbers (year) */
    ZHS_FIELD_EXACT = 64,  /* name:x matches whole parts of it (docno:吴政发) */
    ZHS_FIELD_BOOLEAN = 256 /* "true" when set, absent otherwise (ocr) */
} zhs_field_flag;

/* Field i (0-based) of the index's documents: its name, its ZHS_FIELD_*
 * flags in *flags (unless flags is NULL).  NULL past the end; static. */
ZHS_API const char *zhs_field_info(unsigned i, unsigned *flags);

/* A highlighted match inside a snippet: bytes [start, start+len). */
typedef struct zhs_range {
    unsigned start;
    unsigned len;
} zhs_range;

/* The best passage of the stored text (UTF-8, "…" where text is cut) and
 * the byte ranges of every match in it. */
ZHS_API const char *zhs_hit_snippet(const zhs_hit *h, size_t *len);
ZHS_API const zhs_range *zhs_hit_highlights(const zhs_hit *h, unsigned *n);
/* The page (1-based) of the snippet's first highlight, for documents with
 * pages (PDF, OFD: the "pages" field); 0 for unpaged documents or without
 * a snippet.  With ZHS_P_EXPLAIN the explanation lists the pages of every
 * match. */
ZHS_API unsigned zhs_hit_page(const zhs_hit *h);
/* With ZHS_P_EXPLAIN: why this hit matched (terms, positions, weights). */
ZHS_API const char *zhs_hit_explain(const zhs_hit *h);

#ifdef __cplusplus
}
#endif
#endif
