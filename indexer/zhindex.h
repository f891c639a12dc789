/* zhindex.h - what the parts of the zhindex program share: options,
 * counters, the writable index, and reporting. */
#ifndef ZHS_ZHINDEX_H
#define ZHS_ZHINDEX_H

#include "analyzer.h"
#include "docstore.h"
#include "zx.h"

#include <stddef.h>
#include <stdint.h>

#define BATCH_BYTES (4u << 20) /* text per transaction: bounds memory */
#define BATCH_DOCS 250u
#define ZHINDEX_MAX_THREADS 16
#define ZHINDEX_MAX_SHARDS 64

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
    int ocr;        /* --ocr: recognise scanned pages */
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
} writer;

/* "zhindex: " + message + newline on stderr. */
void say(const char *fmt, ...);
double now(void);
/* Remove a directory tree (or a file); 0 or -1. */
int rm_tree(const char *path);
/* 1 when nothing exists at index (so there is no index to read or
 * change), after saying so with the command that creates one. */
int no_index_here(const char *index);

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
 * unchanged ones), counting into c.  Returns 0, or -1 when the index
 * could not be written (it then keeps its last commit).  It says()
 * itself what happens to each file as the run goes on, and why it
 * stopped: that is the program's output, not a message to pass up. */
int index_files(writer *w, const filelist *fl, counts *c);

#endif
