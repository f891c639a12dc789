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
 * Threads: a handle is used by one thread at a time, and so are the
 * results of its searches while it lives (a hit reads its fields, other
 * than path, score and rank, from the handle's index when first asked;
 * before the handle reopens or closes, its live results read what is left,
 * so fields always come from the snapshot that was searched).  Any number
 * of handles (in as many threads or processes) may be open on one index,
 * also while an indexer writes to it: each handle sees the last commit as
 * of its opening or zhs_index_reopen().
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
    ZHS_ERR_QUERY_LIMIT = 12, /* the query is over a size limit (8192 bytes, 100 words,
                                 phrases and fields, 500 characters in one,
                                 1000 in all);
                                 the message names it */
    ZHS_ERR_LOCKED = 13,        /* another writer holds the index */
    ZHS_ERR_NOT_INDEXABLE = 14, /* a file or buffer cannot be indexed; the message says why */
    ZHS_ERR_CANCELLED = 15,     /* zhs_writer_cancel() stopped the work; what was
                                   committed before stays */
    ZHS_ERR_NOT_FOUND = 16      /* no document of that path in the index */
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
    ZHS_P_EXPLAIN = 7,       /* 1 = compute zhs_results_explain() and zhs_hit_explain() */
    ZHS_P_MATCHES = 8,       /* N > 0 = every occurrence of the query in each hit, with N
                                characters of context each side (zhs_hit_matches) */
    ZHS_P_OCCURRENCES = 9,   /* 1 = facets count occurrences of the query, not documents,
                                and zhs_results_occurrences() says how many in all */
    ZHS_P_SUGGEST = 10,      /* N > 0 = when fewer than N documents match, suggest
                                variants (zhs_results_suggestion); 0 = never (default) */
    ZHS_P_EXPAND = 11        /* 1 = every word of the query in a synonym group expands
                                to its group, as ~word always does (zhindex synonyms) */
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
/* With ZHS_P_MATCHES: every occurrence of the query's words and phrases in
 * the hit's text, in text order (a concordance), in *n; owned by the
 * results. */
typedef struct zhs_match {
    const char *context;     /* the match with up to N characters each side, UTF-8,
                                line breaks as spaces */
    size_t context_len;      /* bytes */
    unsigned start, len;     /* the match: bytes [start, start+len) of context */
    unsigned page;           /* 1-based, 0 for unpaged documents */
    unsigned long long offset; /* byte offset of the match in the stored text */
    const char *atom;        /* the query word or phrase it matches, as typed (for a
                                word expanded to its synonym group: the member) */
} zhs_match;
ZHS_API const zhs_match *zhs_hit_matches(const zhs_hit *h, unsigned *n);
/* Synonym expansion i (0-based) of the query (~word, or every word with
 * ZHS_P_EXPAND): the word as typed, and in *members its group,
 * space-separated ("" when the index has no group for it, and the word
 * was searched as it is); NULL past the end.  Owned by the results. */
ZHS_API const char *zhs_results_expansion(const zhs_results *res, unsigned i,
                                          const char **members);
/* With ZHS_P_SUGGEST, for a query that found little: variant i (0-based)
 * of the query that the index has - a word with one character changed to
 * a homophone (same pinyin: 法制 -> 法治) or to a character that follows
 * the one before it in the index - with the documents it finds in *count,
 * most first; NULL past the end.  Never applied on its own.  Owned by
 * the results. */
#define ZHS_MAX_SUGGESTIONS 5
ZHS_API const char *zhs_results_suggestion(const zhs_results *res, unsigned i, unsigned *count);
/* With ZHS_P_OCCURRENCES: occurrences of the query in all matching
 * documents (0 otherwise). */
ZHS_API unsigned long long zhs_results_occurrences(const zhs_results *res);
/* With ZHS_P_EXPLAIN: why this hit matched (terms, positions, weights). */
ZHS_API const char *zhs_hit_explain(const zhs_hit *h);

/* ---- one document ---- */

/* The whole stored text of the indexed document at path (as zhs_hit_path
 * gives it; "\f" between the pages of a paged one) with every match of
 * query highlighted (query NULL or "": none; ~word highlights its synonym
 * group, NEAR and the like their operands), and its fields through
 * zhs_document_hit().  ZHS_ERR_NOT_FOUND when the index has no such path;
 * query errors as zhs_search().  Free with zhs_document_free(). */
typedef struct zhs_document zhs_document;
ZHS_API zhs_status zhs_index_document(zhs_index *idx, const char *path, const char *query,
                                      zhs_document **out);
ZHS_API const char *zhs_document_text(const zhs_document *d, size_t *len);
/* The matches, as byte ranges of the text, in text order. */
ZHS_API const zhs_range *zhs_document_highlights(const zhs_document *d, unsigned *n);
/* The page (1-based) of match i; 0 for unpaged documents. */
ZHS_API unsigned zhs_document_page(const zhs_document *d, unsigned i);
/* Its fields (zhs_hit_field and the like); no score, snippet or rank. */
ZHS_API const zhs_hit *zhs_document_hit(const zhs_document *d);
ZHS_API void zhs_document_free(zhs_document *d);

/* ---- indexing ---- */

/* A writer adds, updates and removes documents, with the promises of
 * zhindex: one writer per index at a time (the lock), work committed in
 * transactions (a crash or kill leaves the index at its last commit), a
 * file that cannot be indexed is named with the reason and the rest goes
 * on, and nothing indexed before is lost by a failure.  Searches (zhs_index
 * handles, in any process) go on meanwhile and see each commit after
 * zhs_index_reopen().
 *
 *     zhs_writer *w;
 *     if (zhs_writer_open("reports.idx", &w) == ZHS_OK) {
 *         zhs_writer_add(w, "downloads/2024");            (files or directories)
 *         const char *meta[] = {"title", "某县2024年法治政府建设工作报告", NULL};
 *         zhs_writer_add_buffer(w, "web/某县2024.html", html, html_len, meta);
 *         zhs_writer_remove(w, "downloads/2019");
 *     }
 *     if (zhs_writer_close(w) != ZHS_OK) ...               (commits)
 *
 * A handle is used by one thread at a time, except zhs_writer_cancel(). */
typedef struct zhs_writer zhs_writer;

/* Open (creating when missing) the index at path for writing and take its
 * lock.  *out receives a handle even on failure (NULL when out of memory),
 * for zhs_writer_last_error(); close it in either case.
 * ZHS_ERR_LOCKED when another writer has it. */
ZHS_API zhs_status zhs_writer_open(const char *path, zhs_writer **out);

typedef enum zhs_writer_param {
    ZHS_W_THREADS = 1,  /* analysis threads (default: the number of cores) */
    ZHS_W_BATCH = 2,    /* documents per commit (default 100; also at most 4 MB of text) */
    ZHS_W_MAX_SIZE = 3, /* files over this many bytes are refused (default 64 MB) */
    ZHS_W_OCR = 4,      /* 1 = read scanned PDF pages by OCR (slow: seconds a page) */
    ZHS_W_FOLLOW = 5,   /* 1 = follow symbolic links met inside directories */
    ZHS_W_COMPACT = 6   /* 1 (default) = zhs_writer_close() compacts an index this
                           writer created or that has grown by half since it
                           was last compacted */
} zhs_writer_param;

ZHS_API zhs_status zhs_writer_set(zhs_writer *w, zhs_writer_param param, long value);

/* What happened to one document. */
typedef enum zhs_event {
    ZHS_EV_ADDED = 1,
    ZHS_EV_UPDATED = 2,
    ZHS_EV_UNCHANGED = 3,
    ZHS_EV_REMOVED = 4,
    ZHS_EV_FAILED = 5, /* not indexed; message says why (an earlier version is removed) */
    ZHS_EV_PAGE = 6,   /* progress inside one file (an OCR page): message "page 3/12: OCR" */
    ZHS_EV_COMMIT = 7  /* a transaction was committed; path is NULL */
} zhs_event;

/* Called for every document as it is finished: path, and for
 * ZHS_EV_FAILED and ZHS_EV_PAGE a message (valid during the call).  done
 * counts the documents of the current call so far (total is 0 when not
 * known).  Calls never overlap, but may come from a thread of the
 * writer's own (the one that commits); the callback must not call the
 * writer.  Return nonzero to cancel, as zhs_writer_cancel(). */
typedef int (*zhs_progress_fn)(void *ctx, zhs_event event, const char *path, const char *message,
                               unsigned done, unsigned total);
ZHS_API void zhs_writer_set_progress(zhs_writer *w, zhs_progress_fn fn, void *ctx);

/* Index a file, or every file under a directory (recursively; hidden files
 * and directories skipped): new ones added, changed ones re-indexed,
 * unchanged ones (same bytes) skipped.  Files that cannot be indexed are
 * reported (ZHS_EV_FAILED) and counted, and do not fail the call: it
 * returns ZHS_OK when the index was written, ZHS_ERR_NOT_INDEXABLE when
 * path itself is missing or no file could be indexed, another status when
 * the index could not be written (it keeps its last commit). */
ZHS_API zhs_status zhs_writer_add(zhs_writer *w, const char *path);

/* Index n bytes (any format zhindex reads) as the document called name
 * (its path in results; unique: adding the same name again replaces it).
 * fields, NULL or a NULL-terminated list of name, value pairs of
 * zhs_field_info() fields (title, issuer, region, year, date, docno),
 * overrides what is found in the text.  ZHS_ERR_NOT_INDEXABLE with the
 * reason when the bytes cannot be indexed, ZHS_ERR_INVALID for an unknown
 * field or a bad value (year not a number, date not YYYY-MM-DD). */
ZHS_API zhs_status zhs_writer_add_buffer(zhs_writer *w, const char *name, const void *bytes,
                                         size_t n, const char *const *fields);

/* Remove the document of a path, or every document under a directory
 * path.  ZHS_OK also when there was none (counted as nothing removed). */
ZHS_API zhs_status zhs_writer_remove(zhs_writer *w, const char *path);

/* zhs_writer_add(dir), then remove the documents under dir whose files are
 * gone. */
ZHS_API zhs_status zhs_writer_sync(zhs_writer *w, const char *dir);

/* Commit what is pending (each add, sync and remove also commits when it
 * returns). */
ZHS_API zhs_status zhs_writer_commit(zhs_writer *w);

/* Rewrite the index smaller and faster to read. */
ZHS_API zhs_status zhs_writer_compact(zhs_writer *w);

/* Verify the index, as zhindex check: Xapian's own check of every table,
 * one id term per document, every stored text decodes and matches its
 * checksum, the counts agree.  Each problem is a ZHS_EV_FAILED event with
 * its message (the first 20); their number in *problems.  ZHS_OK when
 * none, ZHS_ERR_CORRUPT when some. */
ZHS_API zhs_status zhs_writer_check(zhs_writer *w, unsigned *problems);

/* Ask the running call to stop, from any thread (or a signal handler): it
 * commits what is finished and returns ZHS_ERR_CANCELLED. */
ZHS_API void zhs_writer_cancel(zhs_writer *w);

/* Counts since the writer was opened. */
typedef struct zhs_counts {
    unsigned added, updated, unchanged, removed, failed;
    unsigned long long bytes; /* of the files read */
} zhs_counts;
ZHS_API void zhs_writer_counts(const zhs_writer *w, zhs_counts *out);

/* The message of the last failed call, "" when none; owned by the handle. */
ZHS_API const char *zhs_writer_last_error(const zhs_writer *w);

/* Commit, compact when due (ZHS_W_COMPACT), release the lock and free the
 * handle (NULL is accepted).  The status of the final commit. */
ZHS_API zhs_status zhs_writer_close(zhs_writer *w);

#ifdef __cplusplus
}
#endif
#endif
