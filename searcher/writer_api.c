/* writer_api.c - zhs_writer, the public face of the writing side: the
 * same pipeline, operations and promises as zhindex (indexing.h), behind
 * the library's conventions (status codes, a per-handle message, a
 * progress callback).
 *
 * A handle holds the index open for writing, and so its lock, from
 * zhs_writer_open() to zhs_writer_close().  Every call commits before it
 * returns; a crash loses at most the batch in flight.  The operations
 * report through the options' callback (report() below), serialized by a
 * mutex: the user's progress function never runs twice at once, though a
 * document committed by the pipeline's writer thread is reported from
 * that thread.  Cancelling sets a flag the pipeline checks before each
 * file.
 */
#include "zhsearch.h"
#include "indexing.h"
#include "document.h"
#include "status.h"
#include "terms.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct zhs_writer {
    options o;
    writer w;
    int is_open;  /* w holds the index and its lock */
    int created;  /* this handle created the index */
    counts c;
    zhs_progress_fn fn;
    void *ctx;
    pthread_mutex_t lock; /* serializes reports */
    volatile int cancel;
    unsigned done, total; /* documents of the current call */
    char path[PATH_MAX];
    char err[1024];
    char first_error[1024]; /* the first ZI_ERROR of the current call */
};

static zhs_status fail(zhs_writer *w, zhs_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static zhs_status fail(zhs_writer *w, zhs_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    return st;
}

static void report(void *vctx, zi_event ev, const char *path, const char *msg)
{
    zhs_writer *w = vctx;
    zhs_event pub;
    switch (ev) {
    case ZI_ERROR:
        if (!w->first_error[0])
            snprintf(w->first_error, sizeof w->first_error, "%s", msg);
        return;
    case ZI_NOTE: return;
    case ZI_FILES: w->total = (unsigned)strtoul(msg, NULL, 10); return;
    case ZI_ADDED: pub = ZHS_EV_ADDED; break;
    case ZI_UPDATED: pub = ZHS_EV_UPDATED; break;
    case ZI_UNCHANGED: pub = ZHS_EV_UNCHANGED; break;
    case ZI_REMOVED: pub = ZHS_EV_REMOVED; break;
    case ZI_FAILED: pub = ZHS_EV_FAILED; break;
    case ZI_PROBLEM: pub = ZHS_EV_FAILED; break;
    case ZI_PAGE: pub = ZHS_EV_PAGE; break;
    case ZI_COMMIT: pub = ZHS_EV_COMMIT; break;
    default: return;
    }
    if (pub != ZHS_EV_PAGE && pub != ZHS_EV_COMMIT)
        w->done++;
    if (w->fn && w->fn(w->ctx, pub, path, pub == ZHS_EV_FAILED || pub == ZHS_EV_PAGE ? msg : NULL,
                       w->done, w->total))
        w->cancel = 1;
}

zhs_status zhs_writer_open(const char *path, zhs_writer **out)
{
    if (!out)
        return ZHS_ERR_INVALID;
    zhs_writer *w = *out = calloc(1, sizeof *w);
    if (!w)
        return ZHS_ERR_NOMEM;
    pthread_mutex_init(&w->lock, NULL);
    if (!path || !*path)
        return fail(w, ZHS_ERR_INVALID, "no index path");
    if (ops_canonical(path, w->path))
        return fail(w, ZHS_ERR_OPEN, "%s: %s", path, strerror(errno));
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    options *o = &w->o;
    o->index = w->path;
    o->max_bytes = (size_t)64 << 20;
    o->batch_docs = BATCH_DOCS;
    o->threads = cores < 1 ? 1 : cores > ZHINDEX_MAX_THREADS ? ZHINDEX_MAX_THREADS : (int)cores;
    o->quiet = 1;
    o->report = report;
    o->report_ctx = w;
    o->report_lock = &w->lock;
    o->cancel = &w->cancel;
    w->created = access(w->path, F_OK) != 0;
    zerr e;
    if (open_writer(&w->w, o, 1, &e)) {
        close_writer(&w->w);
        return fail(w, zs_status_of(e.code), "%s", e.msg);
    }
    w->is_open = 1;
    return ZHS_OK;
}

zhs_status zhs_writer_set(zhs_writer *w, zhs_writer_param param, long v)
{
    if (!w)
        return ZHS_ERR_INVALID;
    options *o = &w->o;
    switch (param) {
    case ZHS_W_THREADS:
        if (v < 1 || v > ZHINDEX_MAX_THREADS)
            return fail(w, ZHS_ERR_INVALID, "threads: from 1 to %d", ZHINDEX_MAX_THREADS);
        o->threads = (int)v;
        return ZHS_OK;
    case ZHS_W_BATCH:
        if (v < 1 || v > 1000000)
            return fail(w, ZHS_ERR_INVALID, "batch: from 1 to 1000000 documents");
        o->batch_docs = (size_t)v;
        return ZHS_OK;
    case ZHS_W_MAX_SIZE:
        if (v < 1)
            return fail(w, ZHS_ERR_INVALID, "max size: at least 1 byte");
        o->max_bytes = (size_t)v;
        return ZHS_OK;
    case ZHS_W_OCR: o->ocr = v != 0; return ZHS_OK;
    case ZHS_W_FOLLOW: o->follow = v != 0; return ZHS_OK;
    case ZHS_W_COMPACT: o->no_compact = v == 0; return ZHS_OK;
    }
    return fail(w, ZHS_ERR_INVALID, "unknown writer parameter %d", (int)param);
}

void zhs_writer_set_progress(zhs_writer *w, zhs_progress_fn fn, void *ctx)
{
    if (w) {
        w->fn = fn;
        w->ctx = ctx;
    }
}

void zhs_writer_cancel(zhs_writer *w)
{
    if (w)
        w->cancel = 1;
}

/* Ready for an operation: open, and the per-call state reset. */
static zhs_status begin_call(zhs_writer *w, const char *path, int need_path)
{
    if (!w)
        return ZHS_ERR_INVALID;
    w->err[0] = w->first_error[0] = 0;
    w->done = w->total = 0;
    w->cancel = 0;
    if (!w->is_open)
        return fail(w, ZHS_ERR_INVALID, "the writer is not open");
    if (need_path && (!path || !*path))
        return fail(w, ZHS_ERR_INVALID, "no path");
    return ZHS_OK;
}

/* The status of an operation's return (indexing.h: 0, 1 cancelled, -1). */
static zhs_status end_call(zhs_writer *w, int rc)
{
    if (rc > 0)
        return fail(w, ZHS_ERR_CANCELLED, "cancelled; the work before it is committed");
    if (rc < 0) {
        const char *m = w->first_error[0] ? w->first_error : "the index could not be written";
        /* The operations say why in words; out of memory is the one cause
         * with its own status, any other is a write failure. */
        return fail(w, strstr(m, "out of memory") ? ZHS_ERR_NOMEM : ZHS_ERR_IO, "%s", m);
    }
    return ZHS_OK;
}

static zhs_status add_paths(zhs_writer *w, const char *path, int sync)
{
    zhs_status st = begin_call(w, path, 1);
    if (st)
        return st;
    struct stat sb;
    if (stat(path, &sb) != 0 && !(sync && ops_indexed_under(&w->o, path)))
        return fail(w, ZHS_ERR_NOT_INDEXABLE, "%s: %s", path, strerror(errno));
    counts c = {0};
    char *p = (char *)path;
    int rc = ops_add(&w->w, &p, 1, sync, &c);
    w->c.added += c.added;
    w->c.updated += c.updated;
    w->c.unchanged += c.unchanged;
    w->c.removed += c.removed;
    w->c.failed += c.failed;
    w->c.bytes += c.bytes;
    st = end_call(w, rc);
    if (st == ZHS_OK && c.failed && !c.added && !c.updated && !c.unchanged && !c.removed)
        return fail(w, ZHS_ERR_NOT_INDEXABLE, "%s: no file could be indexed", path);
    return st;
}

zhs_status zhs_writer_add(zhs_writer *w, const char *path) { return add_paths(w, path, 0); }

zhs_status zhs_writer_sync(zhs_writer *w, const char *dir) { return add_paths(w, dir, 1); }

zhs_status zhs_writer_remove(zhs_writer *w, const char *path)
{
    zhs_status st = begin_call(w, path, 1);
    if (st)
        return st;
    counts c = {0};
    char *p = (char *)path;
    /* ops_remove counts a path with no documents as a failure, as zhindex
     * says so; here it is simply nothing removed. */
    int rc = ops_remove(&w->w, &p, 1, &c);
    w->c.removed += c.removed;
    return end_call(w, rc);
}

/* fields: name, value pairs over the extracted metadata. */
static zhs_status apply_fields(zhs_writer *w, const char *const *fields, zm_meta *m)
{
    for (size_t i = 0; fields && fields[i]; i += 2) {
        const char *name = fields[i], *v = fields[i + 1];
        if (!v)
            return fail(w, ZHS_ERR_INVALID, "field %s: no value", name);
        char *dst = NULL;
        size_t cap = 0;
        if (!strcmp(name, "title"))
            dst = m->title, cap = sizeof m->title;
        else if (!strcmp(name, "issuer"))
            dst = m->issuer, cap = sizeof m->issuer;
        else if (!strcmp(name, "region"))
            dst = m->region, cap = sizeof m->region;
        else if (!strcmp(name, "docno"))
            dst = m->docno, cap = sizeof m->docno;
        else if (!strcmp(name, "date")) {
            int y, mo, d;
            char tail;
            if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 || mo < 1 ||
                mo > 12 || d < 1 || d > 31)
                return fail(w, ZHS_ERR_INVALID, "field date: expected YYYY-MM-DD, got '%s'", v);
            dst = m->date, cap = sizeof m->date;
        } else if (!strcmp(name, "year")) {
            char *end;
            long y = strtol(v, &end, 10);
            if (!*v || *end || y < 1 || y > 9999)
                return fail(w, ZHS_ERR_INVALID, "field year: expected a year, got '%s'", v);
            m->year = (int)y;
            continue;
        } else {
            return fail(w, ZHS_ERR_INVALID, "field %s: not one that can be set (title, issuer, "
                        "region, year, date, docno)", name);
        }
        if (strlen(v) >= cap)
            return fail(w, ZHS_ERR_INVALID, "field %s: too long (at most %zu bytes)", name,
                        cap - 1);
        memcpy(dst, v, strlen(v) + 1);
    }
    return ZHS_OK;
}

/* One extracted document in its own transaction, under key name. */
static zhs_status write_one(zhs_writer *w, const char *name, const zdoc_input *in)
{
    writer *wr = &w->w;
    zbuf term = {0}, scratch = {0};
    zerr e;
    zx_err xe;
    zhs_status st = ZHS_OK;
    zt_id_term(name, &term);
    zx_db *shard = writer_shard(wr, name);
    int update = zx_db_find_doc(shard, term.data, term.len, &xe) != 0;
    zx_doc *d = zdoc_build(wr->an, wr->codec, name, in, &scratch);
    if (!d)
        st = fail(w, ZHS_ERR_NOMEM, "%s: out of memory building the document", name);
    else if (begin(wr, &e))
        st = fail(w, zs_status_of(e.code), "%s", e.msg);
    else if (!zx_db_replace(shard, term.data, term.len, d, &xe)) {
        cancel(wr);
        st = fail(w, zs_status_of(xe.code), "%s: cannot index: %s", name, xe.msg);
    } else if (commit(wr, &e))
        st = fail(w, zs_status_of(e.code), "%s", e.msg);
    zx_doc_free(d);
    zbuf_free(&term);
    zbuf_free(&scratch);
    if (st == ZHS_OK) {
        if (update)
            w->c.updated++;
        else
            w->c.added++;
        w->c.bytes += in->nbytes;
        pthread_mutex_lock(&w->lock);
        report(w, ZI_COMMIT, NULL, "committed");
        report(w, update ? ZI_UPDATED : ZI_ADDED, name, update ? "updated" : "added");
        pthread_mutex_unlock(&w->lock);
    }
    return st;
}

zhs_status zhs_writer_add_buffer(zhs_writer *w, const char *name, const void *bytes, size_t n,
                                 const char *const *fields)
{
    zhs_status st = begin_call(w, name, 1);
    if (st)
        return st;
    if (!bytes && n)
        return fail(w, ZHS_ERR_INVALID, "%s: no bytes", name);
    if (n > w->o.max_bytes)
        return fail(w, ZHS_ERR_NOT_INDEXABLE, "%s: too large (%zu bytes; the limit is %zu)", name,
                    n, w->o.max_bytes);
    zdoc_input in;
    memset(&in, 0, sizeof in);
    if (!(in.bytes = malloc(n + 1)))
        return fail(w, ZHS_ERR_NOMEM, "out of memory");
    if (n)
        memcpy(in.bytes, bytes, n);
    in.bytes[n] = 0;
    in.nbytes = n;
    zdoc_hash(in.bytes, n, in.hash);
    zdoc_opts dop = {.encoding = w->o.encoding, .max_bytes = w->o.max_bytes, .ocr = w->o.ocr};
    zerr e;
    zerr_code rc = zdoc_extract(name, &dop, &in, &e);
    if (rc) {
        zdoc_input_clear(&in);
        return fail(w, zs_status_of(rc), "%s: %s", name, e.msg);
    }
    if ((st = apply_fields(w, fields, &in.meta))) {
        zdoc_input_clear(&in);
        return st;
    }
    st = write_one(w, name, &in);
    zdoc_input_clear(&in);
    return st;
}

zhs_status zhs_writer_commit(zhs_writer *w)
{
    /* Every operation commits before it returns: nothing is pending. */
    return begin_call(w, NULL, 0);
}

zhs_status zhs_writer_compact(zhs_writer *w)
{
    zhs_status st = begin_call(w, NULL, 0);
    if (st)
        return st;
    uint64_t before, after;
    return end_call(w, ops_compact(&w->w, &before, &after));
}

zhs_status zhs_writer_check(zhs_writer *w, unsigned *problems)
{
    zhs_status st = begin_call(w, NULL, 0);
    if (problems)
        *problems = 0;
    if (st)
        return st;
    zx_err e;
    zx_db *db = zx_db_open(w->o.index, &e);
    if (!db)
        return fail(w, zs_status_of(e.code), "%s: %s", w->o.index, e.msg);
    ops_check_result r;
    int rc = ops_check(&w->o, db, &r);
    zx_db_close(db);
    if (rc)
        return end_call(w, rc);
    if (problems)
        *problems = r.problems;
    return r.problems ? fail(w, ZHS_ERR_CORRUPT, "%s: %u problem%s found", w->o.index, r.problems,
                             r.problems == 1 ? "" : "s")
                      : ZHS_OK;
}

void zhs_writer_counts(const zhs_writer *w, zhs_counts *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!w)
        return;
    out->added = w->c.added;
    out->updated = w->c.updated;
    out->unchanged = w->c.unchanged;
    out->removed = w->c.removed;
    out->failed = w->c.failed;
    out->bytes = w->c.bytes;
}

const char *zhs_writer_last_error(const zhs_writer *w)
{
    return w ? w->err : "out of memory";
}

zhs_status zhs_writer_close(zhs_writer *w)
{
    if (!w)
        return ZHS_OK;
    zhs_status st = ZHS_OK;
    if (w->is_open) {
        /* As zhindex: compact an index this writer created (about half the
         * size); a failure leaves it as it was, every document in it. */
        counts *c = &w->c;
        if (w->created && !w->o.no_compact && c->added + c->updated + c->removed > 0) {
            uint64_t before, after;
            ops_compact(&w->w, &before, &after);
        }
        close_writer(&w->w);
    }
    pthread_mutex_destroy(&w->lock);
    free(w);
    return st;
}
