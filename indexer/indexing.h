/* indexing.h - what the writing side shares, for zhindex and for the
 * library's zhs_writer alike: options, counters, the writable index, the
 * pipeline, the operations (add, sync, remove, compact: ops.c) and how
 * they report.
 *
 * Reporting: nothing here prints.  Every message and every document's
 * outcome goes to options.report (zhindex prints them; the library turns
 * them into its progress events and last error), serialized by report_lock
 * so that the callback never runs twice at once, whichever thread
 * finished the document. */
#ifndef ZHS_INDEXING_H
#define ZHS_INDEXING_H

#include "analyzer.h"
#include "docstore.h"
#include "zx.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define BATCH_BYTES (4u << 20) /* text per transaction: bounds memory */
#define BATCH_DOCS 100u /* per transaction: 250 is slower and takes more memory */
#define ZHINDEX_MAX_THREADS 16
#define ZHINDEX_MAX_SHARDS 64

/* What a report is about (the ZHS_EV_* values of zhsearch.h, plus
 * errors and notes that concern no one document). */
typedef enum zi_event {
    ZI_ERROR = 0,     /* the operation failed: msg says why (path may name what) */
    ZI_ADDED = 1,
    ZI_UPDATED = 2,
    ZI_UNCHANGED = 3,
    ZI_REMOVED = 4,
    ZI_FAILED = 5,    /* a file not indexed (or not removed): msg says why */
    ZI_PAGE = 6,      /* progress inside a file: msg "page 3/12: OCR" */
    ZI_COMMIT = 7,
    ZI_NOTE = 8,      /* something done on the side (a leftover removed) */
    ZI_FILES = 9,     /* the files an add or sync found: msg is their number */
    ZI_PROBLEM = 10   /* check found a problem: msg says it all (path, if any, names
                         the document or shard) */
} zi_event;

typedef void (*zi_report_fn)(void *ctx, zi_event ev, const char *path, const char *msg);

typedef struct options {
    const char *index;
    const char *encoding;
    size_t max_bytes;
    size_t batch_docs; /* documents per transaction */
    int threads;       /* analysis threads, the main one included */
    unsigned shards;   /* --shards: 0 when not given */
    int quiet;
    int progress;
    int follow; /* --follow: follow symbolic links met in a walk */
    int list0;  /* -0: list prints NUL-terminated paths */
    int no_compact; /* --no-compact: add and sync never compact */
    int merge_build; /* a large add into an empty index may be built in parts
                        and merged (pipeline.c), which leaves it compacted */
    int ocr;        /* --ocr: recognise scanned pages */
    zi_report_fn report; /* NULL: nothing is reported */
    void *report_ctx;
    pthread_mutex_t *report_lock; /* NULL: reports come from one thread only */
    volatile int *cancel;         /* set (from anywhere) to stop at the next file */
} options;

typedef struct counts {
    unsigned added, updated, unchanged, removed, failed;
    uint64_t bytes;
} counts;

typedef struct filelist {
    char **v;
    size_t n, cap;
    uint64_t bytes;
} filelist;

/* The index opened for writing, holding its lock(s): a single index, or a
 * sharded set - a directory with a XAPIANDB stub listing shard-00 ...
 * shard-NN, each a complete index; a document lives in the shard chosen
 * by a stable hash of its id. */
typedef struct writer {
    zx_db *db[ZHINDEX_MAX_SHARDS];
    unsigned nshards; /* 1 for a single index */
    int is_set;
    za_analyzer *an;
    zd_codec *codec; /* holds the current stored-text dictionary */
    const options *o;
    int in_txn;
    int merged; /* the last index_files built the index by a merge (compacted) */
} writer;

/* Report ev about path (may be NULL) with a printf-style message. */
void tell(const options *o, zi_event ev, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 1 when the operation was asked to stop. */
int cancelled(const options *o);
double now(void);
/* Remove a directory tree (or a file); 0 or -1. */
int rm_tree(const char *path);
/* ZERR_OPEN with a message naming the command that creates one when
 * nothing exists at index (so there is no index to read or change). */
zerr_code index_missing(const char *index, zerr *e);

/* writer.c: failures come back in a zerr (the message names the index or
 * shard) for the caller to say(). */
zerr_code open_writer(writer *w, const options *o, int create, zerr *e);
void close_writer(writer *w);
zx_db *writer_shard(writer *w, const char *key);
zerr_code writer_set_metadata(writer *w, const char *key, const char *val, size_t len, zerr *e);
/* Transactions span every shard. */
zerr_code begin(writer *w, zerr *e);
zerr_code commit(writer *w, zerr *e);
void cancel(writer *w);
/* Shard directories of an index path: 1 and the path itself for a single
 * index; for a set, its shards.  paths[i] must hold PATH_MAX bytes. */
unsigned index_parts(const char *index, char (*paths)[4096], unsigned max);

/* Index the files of fl (adding new, updating changed, skipping
 * unchanged ones), counting into c.  Returns 0; 1 when cancelled (what
 * was finished is committed); -1 when the index could not be written (it
 * then keeps its last commit).  It reports what happens to each file as
 * the run goes on, and why it stopped. */
int index_files(writer *w, const filelist *fl, counts *c);

/* ops.c: the operations, on a writer opened by the caller.  Each returns
 * 0; 1 when cancelled (what was finished is committed); -1 when the index
 * could not be written (it keeps its last commit); files that cannot be
 * indexed are reported and counted in c->failed, and fail nothing else. */
/* Index paths (files, or directories walked), and with sync remove the
 * documents under them whose files are gone. */
int ops_add(writer *w, char **paths, int n, int sync, counts *c);
/* Remove the documents of paths (a file, or everything under a directory);
 * a path with none is reported (ZI_FAILED, "not in the index"). */
int ops_remove(writer *w, char **paths, int n, counts *c);
/* Remove the document whose unique key is key, if there is one. */
int ops_remove_key(writer *w, const char *key, counts *c);
/* Compact every part of the index w holds open for writing, the lock(s)
 * kept throughout; the sizes of the whole index before and after.  0, or
 * -1 when a part could not be compacted (it stays as it was). */
int ops_compact(writer *w, uint64_t *before, uint64_t *after);
/* Replace the single index w holds open for writing by one compact merge
 * of it and the databases parts[0..n), in that order (pipeline.c's merged
 * builds), the lock kept throughout.  0, or -1 (reported) when the index
 * stays as it was. */
int ops_merge(writer *w, const char *const *parts, size_t n);
/* Consistency of the index open for reading in db: Xapian's own check of
 * every table, every document has exactly one id term that its stored path
 * gives back, every stored text decodes and matches its checksum, the
 * counts agree.  Problems are reported (ZI_PROBLEM; the first 20) and
 * counted.  0, or -1 when the index could not be read at all. */
typedef struct ops_check_result {
    unsigned problems, unchecked, docs;
} ops_check_result;
int ops_check(const options *o, zx_db *db, ops_check_result *res);
/* Does the index hold documents at or under path (which may be gone)? */
int ops_indexed_under(const options *o, const char *path);
/* The paths of every indexed document, sorted, into *out (malloc'd, each
 * string too); 0 or -1. */
int ops_all_paths(zx_db *db, char ***out, size_t *n);
/* The canonical absolute path of something that may no longer exist (its
 * parent's real path plus its name); 0 or -1. */
int ops_canonical(const char *path, char out[4096]);
/* Bytes of the files under path. */
uint64_t dir_bytes(const char *path);
void filelist_free(filelist *fl);

#endif
