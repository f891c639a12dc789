/* zx.h - a C API over libxapian, implemented in xapian_shim.cc, the only
 * C++ file of the project.  Nothing else includes a Xapian header.
 *
 * Conventions (after notmuch, and those of the whole project: zerr.h):
 * opaque handles; every function that can fail takes a zx_err * (a zerr,
 * may be NULL) and returns a status, NULL, or 0 with err->code set
 * (getters of counts); every entry point catches every exception and turns
 * it into a zx_status (a zerr_code) and a message.
 * _free/_close functions accept NULL.  Strings are byte strings with
 * explicit lengths where terms may contain any byte; returned strings are
 * malloc'd and owned by the caller unless a comment says otherwise.
 */
#ifndef ZHS_ZX_H
#define ZHS_ZX_H

#include <stddef.h>
#include <stdint.h>

#include "zerr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The shim's status and error are the project's internal ones (zerr.h);
 * the ZX_ names stay for the Xapian layer. */
typedef zerr_code zx_status;
typedef zerr zx_err;
#define ZX_OK ZERR_OK
#define ZX_ERR_NOMEM ZERR_NOMEM
#define ZX_ERR_OPEN ZERR_OPEN
#define ZX_ERR_LOCK ZERR_LOCK
#define ZX_ERR_CORRUPT ZERR_CORRUPT
#define ZX_ERR_MODIFIED ZERR_MODIFIED
#define ZX_ERR_IO ZERR_IO
#define ZX_ERR_NETWORK ZERR_NETWORK
#define ZX_ERR_NOT_FOUND ZERR_NOT_FOUND
#define ZX_ERR_INVALID ZERR_INVALID
#define ZX_ERR_OTHER ZERR_OTHER

typedef struct zx_db zx_db;
typedef struct zx_doc zx_doc;
typedef struct zx_query zx_query;
typedef struct zx_enquire zx_enquire;
typedef struct zx_mset zx_mset;

const char *zx_version_string(void);

/* ---- databases ---- */
/* Read-only: a local index directory, a stub (a file, or a directory with
 * a XAPIANDB file, listing "auto PATH" / "remote HOST:PORT" lines), or
 * "HOST:PORT" of a remote xapian-tcpsrv shard. */
zx_db *zx_db_open(const char *path, zx_err *err);
zx_db *zx_db_open_empty(zx_err *err); /* no shard yet */
zx_db *zx_db_open_writable(const char *path, int create, zx_err *err);
/* A new database at path (which must not exist) for a build that is
 * merged into an index afterwards: commits do not fsync (zx_db_merge
 * writes and syncs the result). */
zx_db *zx_db_create_scratch(const char *path, zx_err *err);
/* Add shards named by spec (as for zx_db_open) to a read-only handle;
 * remote operations time out after timeout_ms (0: 10 s).  Searches see all
 * shards as one index with global statistics. */
zx_status zx_db_add_shard(zx_db *db, const char *spec, unsigned timeout_ms, zx_err *err);
unsigned zx_db_shard_count(zx_db *db);
const char *zx_db_shard_spec(zx_db *db, unsigned i); /* owned by db */
/* Metadata of one shard (the combined handle shows the first shard's). */
zx_status zx_db_shard_metadata(zx_db *db, unsigned i, const char *key, char **val, size_t *len,
                               zx_err *err);
/* A round trip to shard i: ZX_OK when it answers. */
zx_status zx_db_shard_probe(zx_db *db, unsigned i, zx_err *err);
/* Stop using shard i (e.g. one that is down). */
zx_status zx_db_drop_shard(zx_db *db, unsigned i, zx_err *err);
void zx_db_close(zx_db *db);
/* Reopen a read-only handle on the latest commit: 1 changed, 0 same, <0 error. */
int zx_db_reopen(zx_db *db, zx_err *err);
unsigned zx_db_doccount(zx_db *db, zx_err *err);
unsigned zx_db_termfreq(zx_db *db, const char *term, size_t len, zx_err *err);
uint64_t zx_db_total_length(zx_db *db, zx_err *err);
/* Metadata: *val malloc'd ("" with *len 0 when unset). */
zx_status zx_db_get_metadata(zx_db *db, const char *key, char **val, size_t *len, zx_err *err);
zx_status zx_db_set_metadata(zx_db *db, const char *key, const char *val, size_t len, zx_err *err);
/* The first document indexed by `term` (e.g. a unique id term), 0 if none. */
unsigned zx_db_find_doc(zx_db *db, const char *term, size_t len, zx_err *err);
zx_doc *zx_db_get_doc(zx_db *db, unsigned docid, zx_err *err);
/* Call cb for every term starting with prefix, with its term frequency;
 * stops early when cb returns non-zero. */
zx_status zx_db_each_term(zx_db *db, const char *prefix,
                          int (*cb)(void *ctx, const char *term, size_t len, unsigned freq),
                          void *ctx, zx_err *err);
/* Positions of `term` in docid; cb returns non-zero to stop. */
zx_status zx_db_each_position(zx_db *db, unsigned docid, const char *term, size_t len,
                              int (*cb)(void *ctx, unsigned pos), void *ctx, zx_err *err);

/* Within-document frequency of term in docid (0 if absent), the
 * document's length and the average length (for explanations). */
unsigned zx_db_wdf(zx_db *db, unsigned docid, const char *term, size_t len, zx_err *err);
unsigned zx_db_doclength(zx_db *db, unsigned docid, zx_err *err);
double zx_db_avlength(zx_db *db, zx_err *err);

/* Writing (writable handles only). */
zx_status zx_db_begin(zx_db *db, zx_err *err);
zx_status zx_db_commit_transaction(zx_db *db, zx_err *err);
zx_status zx_db_cancel(zx_db *db, zx_err *err);
zx_status zx_db_commit(zx_db *db, zx_err *err);
/* Replace (or add) the document carrying unique `term`; returns docid or 0. */
unsigned zx_db_replace(zx_db *db, const char *term, size_t len, zx_doc *doc, zx_err *err);
zx_status zx_db_delete(zx_db *db, const char *term, size_t len, zx_err *err);

/* Xapian's own consistency check of the database at path (every table,
 * including positions).  ZX_OK when consistent; otherwise err says what. */
zx_status zx_db_check(const char *path, zx_err *err);

/* Copy a database into a compact, read-optimised one at dst. */
zx_status zx_db_compact(const char *src, const char *dst, zx_err *err);
/* Merge the databases srcs[0..n) into one compact database at dst:
 * documents renumbered in source order, user metadata from the first
 * source that has each key. */
zx_status zx_db_merge(const char *const *srcs, size_t n, const char *dst, zx_err *err);

/* ---- documents ---- */
zx_doc *zx_doc_new(void);
void zx_doc_free(zx_doc *doc);
zx_status zx_doc_add_term(zx_doc *doc, const char *t, size_t len, unsigned wdf);
zx_status zx_doc_add_posting(zx_doc *doc, const char *t, size_t len, unsigned pos);
zx_status zx_doc_add_boolean(zx_doc *doc, const char *t, size_t len);
zx_status zx_doc_set_value(zx_doc *doc, unsigned slot, const char *v, size_t len);
zx_status zx_doc_set_data(zx_doc *doc, const char *d, size_t len);
/* Value and data, malloc'd, NUL-terminated ("" when unset); NULL on error
 * (out of memory, or the index could not be read: err says which). */
char *zx_doc_value(zx_doc *doc, unsigned slot, size_t *len, zx_err *err);
char *zx_doc_data(zx_doc *doc, size_t *len, zx_err *err);
unsigned zx_doc_termcount(zx_doc *doc, zx_err *err);

/* ---- queries (immutable, reference-counted copies inside) ---- */
typedef enum zx_op {
    ZX_OP_AND = 0,
    ZX_OP_OR = 1,
    ZX_OP_AND_NOT = 2,
    ZX_OP_AND_MAYBE = 4,
    ZX_OP_FILTER = 5,
    ZX_OP_NEAR = 6,
    ZX_OP_PHRASE = 7,
    ZX_OP_SYNONYM = 13
} zx_op;

zx_query *zx_q_term(const char *t, size_t len, unsigned wqf, unsigned pos);
zx_query *zx_q_match_all(void);
zx_query *zx_q_match_nothing(void);
/* Combine n queries (NULL entries are an error: returns NULL). `window` is
 * used by PHRASE/NEAR (0 = number of subqueries). */
zx_query *zx_q_combine(zx_op op, zx_query *const *subs, size_t n, unsigned window);
zx_query *zx_q_scale(const zx_query *q, double factor);
/* Documents whose value in slot lies in [lo, hi] (string order); NULL lo or
 * hi leaves that end open. */
zx_query *zx_q_value_range(unsigned slot, const char *lo, const char *hi);
/* A weight without terms: every document with a value in slot, weighing
 * weights[v - 1] when the value is the decimal v in 1..n (no leading
 * zeros) and default_weight otherwise (the weights of Xapian's
 * ValueMapPostingSource with the keys "1".."n", which is what remote
 * shards are sent).  AND it with a query to weigh that query's matches by
 * a value (scale 0 on the other side keeps only this weight). */
zx_query *zx_q_value_table(unsigned slot, const double *weights, size_t n, double default_weight);
zx_query *zx_q_copy(const zx_query *q);
int zx_q_empty(const zx_query *q);
char *zx_q_describe(const zx_query *q);
void zx_q_free(zx_query *q);

/* ---- searching ---- */
zx_enquire *zx_enquire_new(zx_db *db, zx_err *err);
void zx_enquire_free(zx_enquire *e);
zx_status zx_enquire_set_query(zx_enquire *e, const zx_query *q, zx_err *err);
zx_status zx_enquire_set_bm25(zx_enquire *e, double k1, double k2, double k3, double b,
                              double min_normlen, zx_err *err);
/* Sort by value slot (reverse: descending), relevance breaking ties; or
 * slot < 0 for relevance only. */
zx_status zx_enquire_set_sort(zx_enquire *e, int slot, int reverse, zx_err *err);
/* Count values of slot over all matches (facets); returns the spy index,
 * or -1 with err set. */
int zx_enquire_add_facet(zx_enquire *e, unsigned slot, zx_err *err);
/* Run the query.  check_at_least: how many matches to count exactly. */
zx_mset *zx_enquire_mset(zx_enquire *e, unsigned first, unsigned max, unsigned check_at_least,
                         zx_err *err);
/* Count the matches of the query exactly, without weighing them (cheaper
 * than a match set that checks them all). */
zx_status zx_enquire_count(zx_enquire *e, unsigned *count, zx_err *err);
/* Facet counts after zx_enquire_mset, most frequent first. */
zx_status zx_enquire_each_facet(zx_enquire *e, int spy,
                                int (*cb)(void *ctx, const char *val, size_t len, unsigned count),
                                void *ctx, zx_err *err);
/* Terms of the query that index docid, in query order. */
zx_status zx_enquire_matching_terms(zx_enquire *e, unsigned docid,
                                    int (*cb)(void *ctx, const char *term, size_t len),
                                    void *ctx, zx_err *err);

void zx_mset_free(zx_mset *m);
unsigned zx_mset_size(const zx_mset *m);
/* Exact when lower and upper bound agree (check_at_least large enough). */
unsigned zx_mset_total(const zx_mset *m, int *exact);
/* Docid and weight of the i-th match (0 when i is past the end). */
unsigned zx_mset_docid(const zx_mset *m, unsigned i);
double zx_mset_weight(const zx_mset *m, unsigned i);
zx_doc *zx_mset_doc(zx_mset *m, unsigned i, zx_err *err);

#ifdef __cplusplus
}
#endif
#endif
