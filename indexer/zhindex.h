/* zhindex.h - what the parts of the zhindex program share: options,
 * counters, the writable index, and reporting. */
#ifndef ZHS_ZHINDEX_H
#define ZHS_ZHINDEX_H

#include "analyzer.h"
#include "docstore.h"
#include "zx.h"

#include <stddef.h>
#include <stdint.h>

#define BATCH_BYTES (16u << 20) /* text per transaction: bounds memory */
#define BATCH_DOCS 2000u
#define ZHINDEX_MAX_THREADS 16

typedef struct options {
    const char *index;
    const char *encoding;
    size_t max_bytes;
    size_t batch_docs; /* documents per transaction */
    int threads;       /* analysis threads, the main one included */
    int quiet;
    int progress;
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

/* The index opened for writing; holds the lock. */
typedef struct writer {
    zx_db *db;
    za_analyzer *an;
    zd_codec *codec; /* holds the current stored-text dictionary */
    const options *o;
    int in_txn;
} writer;

/* "zhindex: " + message + newline on stderr. */
void say(const char *fmt, ...);
double now(void);
int begin(writer *w);
int commit(writer *w);

/* Index the files of fl (adding new, updating changed, skipping
 * unchanged ones), counting into c.  Returns 0, or -1 when the index
 * could not be written (it then keeps its last commit). */
int index_files(writer *w, const filelist *fl, counts *c);

#endif
