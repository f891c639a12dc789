/* pipeline.c - the indexing pipeline (zhindex and zhs_writer).
 *
 * Batches of files flow through three stages:
 *   1. the main thread reads each file, hashes it and skips it when the
 *      index already holds that content (looked up through a read-only
 *      handle of its own, reopened when the writer overtakes it);
 *   2. worker threads - the main one among them - each with its own
 *      analyzer and codec, extract the text and metadata, then build the
 *      Xapian documents (analysis, terms, compressed stored text);
 *   3. one writer thread writes a finished batch in one transaction.
 * Stage 3 of batch k overlaps stages 1-2 of batch k+1, so the single
 * Xapian writer is not left waiting for analysis, nor analysis for it.
 * Batches are bounded by document count and text bytes, which bounds
 * memory; a crash loses at most the batches not yet committed.
 *
 * An index without a stored-text dictionary gets one (zstd) before its
 * first documents are built: trained on files spread over the whole input
 * when it is larger than a batch, else on the first batch; the writer
 * stores it in the same transaction as the first documents that use it.
 * Later runs reuse it (zhs:dict).
 */
#include "document.h"
#include "terms.h"
#include "indexing.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DICT_SAMPLE_BYTES (2u << 20)
#define DICT_MIN_BYTES (16u << 10)
#define DICT_MAX_BYTES (112u << 10)

typedef struct job {
    const char *key;
    size_t at;    /* its place in the file list */
    zdoc_input in;
    zx_doc *doc;
    int update;
    int failed;   /* 1: cannot be indexed, 2: out of memory */
    int drop;     /* delete the version the index holds */
    int reported;
    int extracted; /* in came extracted from the dictionary sample */
    zerr err;
} job;

typedef struct worker {
    za_analyzer *an;
    zd_codec *codec;
    zbuf scratch;
} worker;

typedef struct batch {
    job *jobs;
    size_t n;
    zbuf dict; /* a dictionary to store with this batch, if any */
    uint32_t dict_id;
} batch;

/* ---- progress ---- */

/* The progress line on a terminal, moved as each file is finished, by
 * whichever thread finished it. */
typedef struct meter {
    const options *o;
    pthread_mutex_t lock;
    size_t done, total;
    uint64_t bytes, all;
    double t0, last;
    int fill; /* '#' cells last shown */
} meter;

#define METER_CELLS 24

/* Show the line when the bar has moved (so each file shows on a small
 * run) or a tenth of a second has passed; always when final. */
static void meter_show(meter *m, int final)
{
    double t = now();
    int fill = m->total ? (int)((double)m->done * METER_CELLS / (double)m->total) : METER_CELLS;
    if (!final && fill == m->fill && t - m->last < 0.1)
        return;
    m->last = t;
    m->fill = fill;
    double el = t - m->t0, rate = el > 0 ? (double)m->bytes / el : 0;
    char bar[METER_CELLS + 1], eta[32] = "--";
    for (int i = 0; i < METER_CELLS; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[METER_CELLS] = 0;
    if (rate > 0 && m->bytes && m->all >= m->bytes) /* no estimate before a file is done */
        snprintf(eta, sizeof eta, "%.0fs", (double)(m->all - m->bytes) / rate);
    fprintf(stderr, "\r[%s] %zu/%zu files  %.1f MB  %.2f MB/s", bar, m->done, m->total,
            (double)m->bytes / 1e6, rate / 1e6);
    fprintf(stderr, final ? "\033[K\n" : "  ETA %s   ", eta);
}

/* files more finished, of bytes. */
static void meter_add(meter *m, size_t files, uint64_t bytes)
{
    if (!m->o->progress)
        return;
    pthread_mutex_lock(&m->lock);
    m->done += files;
    m->bytes += bytes;
    meter_show(m, 0);
    pthread_mutex_unlock(&m->lock);
}

/* ---- stage 2: parallel extraction and building ---- */

typedef struct phase {
    job *jobs;
    size_t n, next;
    pthread_mutex_t lock;
    int build; /* 0: extract, 1: build */
    const zdoc_opts *dop;
    meter *m;
} phase;

typedef struct worker_arg {
    phase *ph;
    worker *w;
} worker_arg;

static void *run_phase(void *arg)
{
    worker_arg *a = arg;
    phase *ph = a->ph;
    for (;;) {
        pthread_mutex_lock(&ph->lock);
        size_t i = ph->next++;
        pthread_mutex_unlock(&ph->lock);
        if (i >= ph->n)
            return NULL;
        job *j = &ph->jobs[i];
        if (j->failed)
            continue;
        if (!ph->build && j->extracted)
            continue;
        if (!ph->build) {
            zerr_code rc = zdoc_extract(j->key, ph->dop, &j->in, &j->err);
            if (rc)
                j->failed = rc == ZERR_NOMEM ? 2 : 1;
        } else {
            if (!(j->doc = zdoc_build(a->w->an, a->w->codec, j->key, &j->in, &a->w->scratch))) {
                zerr_set(&j->err, ZERR_NOMEM, "cannot build the document: out of memory");
                j->failed = 2;
            }
            meter_add(ph->m, 1, j->in.nbytes); /* this file is done */
        }
    }
}

/* One phase over the jobs on nthreads threads, the calling one included. */
static void parallel(job *jobs, size_t n, int build, const zdoc_opts *dop, worker *ws, int nthreads,
                     meter *m)
{
    phase ph = {.jobs = jobs, .n = n, .build = build, .dop = dop, .m = m};
    pthread_mutex_init(&ph.lock, NULL);
    pthread_t tid[ZHINDEX_MAX_THREADS];
    worker_arg args[ZHINDEX_MAX_THREADS];
    int started = 0;
    for (int t = 1; t < nthreads; t++) {
        args[t] = (worker_arg){&ph, &ws[t]};
        if (pthread_create(&tid[t], NULL, run_phase, &args[t]) != 0)
            break;
        started = t;
    }
    args[0] = (worker_arg){&ph, &ws[0]};
    run_phase(&args[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&ph.lock);
}

static void free_workers(worker *ws, int n)
{
    for (int t = 0; ws && t < n; t++) {
        za_free(ws[t].an);
        zd_free(ws[t].codec);
        zbuf_free(&ws[t].scratch);
    }
    free(ws);
}

static worker *new_workers(int n)
{
    worker *ws = calloc((size_t)n, sizeof *ws);
    for (int t = 0; ws && t < n; t++) {
        ws[t].an = za_new(NULL);
        ws[t].codec = zd_new(3);
        if (!ws[t].an || !ws[t].codec) {
            free_workers(ws, n);
            return NULL;
        }
    }
    return ws;
}

static void use_dict(worker *ws, int n, const char *d, size_t len, uint32_t id)
{
    for (int t = 0; t < n; t++)
        if (zd_add_dict(ws[t].codec, d, len) == id)
            zd_use_dict(ws[t].codec, id);
}

/* The writer's current dictionary, if any, for every worker. */
static void share_dict(writer *w, worker *ws, int n)
{
    uint32_t id = zd_current_dict(w->codec);
    char key[24], *d;
    size_t len;
    zx_err e;
    if (!id)
        return;
    zd_dict_key(id, key);
    if (zx_db_get_metadata(w->db[0], key, &d, &len, &e))
        return;
    use_dict(ws, n, d, len, id);
    free(d);
}

/* Train the stored-text dictionary from the texts of jobs, cut into
 * samples of a few KB (up to DICT_SAMPLE_BYTES), and make it the one every
 * codec encodes with.  Leaves it in *dict, its id in *id, for the writer
 * to store with the first documents that use it. */
static void train(writer *w, worker *ws, int nthreads, const job *jobs, size_t n, zbuf *dict,
                  uint32_t *id)
{
    zbuf samples = {0};
    size_t *sizes = NULL, ns = 0, cap = 0;
    for (size_t i = 0; i < n && samples.len < DICT_SAMPLE_BYTES; i++) {
        const zdoc_input *in = &jobs[i].in;
        if (jobs[i].failed)
            continue;
        for (size_t off = 0; off < in->len; off += 4096) {
            size_t k = in->len - off < 4096 ? in->len - off : 4096;
            if (ns == cap) {
                cap = cap ? cap * 2 : 256;
                size_t *s2 = realloc(sizes, cap * sizeof *sizes);
                if (!s2)
                    goto done;
                sizes = s2;
            }
            zbuf_add(&samples, in->text + off, k);
            sizes[ns++] = k;
        }
    }
    if (samples.len < DICT_MIN_BYTES)
        goto done;
    size_t dcap = samples.len / 8;
    dcap = dcap < 4096 ? 4096 : dcap > DICT_MAX_BYTES ? DICT_MAX_BYTES : dcap;
    if (zd_train_fast(samples.data, sizes, (unsigned)ns, dcap, dict) == 0) {
        uint32_t got = zd_add_dict(w->codec, dict->data, dict->len);
        if (got) {
            zd_use_dict(w->codec, got);
            use_dict(ws, nthreads, dict->data, dict->len, got);
            *id = got;
        }
    }
done:
    zbuf_free(&samples);
    free(sizes);
}

/* The files of the dictionary sample, read and extracted once: the
 * batch that reaches each takes its input from here. */
typedef struct sample {
    job *jobs;
    size_t *at; /* index in the file list of each job, ascending */
    size_t n;
} sample;

static void sample_free(sample *sp)
{
    for (size_t k = 0; k < sp->n; k++)
        zdoc_input_clear(&sp->jobs[k].in);
    free(sp->jobs);
    free(sp->at);
    memset(sp, 0, sizeof *sp);
}

/* An input larger than one batch trains its dictionary on files spread
 * over all of it (every k-th file, about DICT_SAMPLE_BYTES of text), read
 * and extracted before indexing starts, rather than on the first batch
 * alone: the first files of a walk are often alike (one directory).  The
 * extracted files are kept in sp for their batches. */
static void train_on_sample(writer *w, worker *ws, const filelist *fl, const zdoc_opts *dop,
                            sample *sp, zbuf *dict, uint32_t *id)
{
    const options *o = w->o;
    if (fl->n <= o->batch_docs && fl->bytes <= BATCH_BYTES)
        return; /* the first batch is the whole input */
    size_t step = (size_t)((fl->bytes + DICT_SAMPLE_BYTES - 1) / DICT_SAMPLE_BYTES);
    step = step ? step : 1;
    size_t max = fl->n / step + 1, n = 0, bytes = 0;
    sp->jobs = calloc(max, sizeof *sp->jobs);
    sp->at = calloc(max, sizeof *sp->at);
    if (!sp->jobs || !sp->at) {
        sample_free(sp);
        return;
    }
    for (size_t i = step / 2; i < fl->n && n < max && bytes < DICT_SAMPLE_BYTES && !cancelled(o);
         i += step) {
        job *j = &sp->jobs[n];
        j->key = fl->v[i];
        if (zdoc_read_file(j->key, dop, !o->follow, &j->in, &j->err)) {
            zdoc_input_clear(&j->in);
            continue;
        }
        bytes += j->in.nbytes;
        sp->at[n++] = i;
    }
    sp->n = n;
    parallel(sp->jobs, n, 0, dop, ws, o->threads, NULL);
    train(w, ws, o->threads, sp->jobs, n, dict, id);
}

/* File i's input from the sample, if it is there (extracted): 1, and the
 * input moved to j.  Files are asked for in any order (a merged build
 * reads several parts of the list at once). */
static int from_sample(sample *sp, size_t i, job *j)
{
    size_t lo = 0, hi = sp->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->at[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == sp->n || sp->at[lo] != i)
        return 0;
    job *s = &sp->jobs[lo];
    if (s->failed) { /* read again, and fail, in the batch */
        zdoc_input_clear(&s->in);
        return 0;
    }
    j->in = s->in;
    j->extracted = 1;
    memset(&s->in, 0, sizeof s->in);
    return 1;
}

/* ---- stage 1: reading and skipping unchanged files ---- */

/* The content hash the index holds for key ("" when not indexed). */
static void indexed_hash(zx_db *reader, const char *key, zbuf *term, char out[17])
{
    out[0] = 0;
    zt_id_term(key, term);
    for (int attempt = 0; attempt < 5; attempt++) {
        zx_err e;
        unsigned id = zx_db_find_doc(reader, term->data, term->len, &e);
        zx_doc *d = id ? zx_db_get_doc(reader, id, &e) : NULL;
        if (e.code == ZX_ERR_MODIFIED) { /* the writer overtook us */
            zx_db_reopen(reader, &e);
            continue;
        }
        if (!d)
            return;
        size_t n;
        char *h = zx_doc_value(d, ZT_SLOT_HASH, &n, NULL);
        if (h && n == 16)
            memcpy(out, h, 17);
        else
            strcpy(out, "?");
        free(h);
        zx_doc_free(d);
        return;
    }
    strcpy(out, "?"); /* could not tell: index it again */
}

/* ---- stage 3: the writer threads ---- */

/* What the writers of a merged build have written: reported once the
 * merge has put it into the index. */
typedef struct written {
    pthread_mutex_t lock;
    size_t *at; /* file list index of each document written */
    size_t n;
    uint64_t bytes;
} written;

/* Batches a writer holds at most (one being written, the next waiting):
 * the analysis runs a batch ahead of each writer, so that a writer never
 * waits for the analysis of another part. */
#define WRITER_QUEUE 2
/* The analysis fills one more batch per writer meanwhile. */
#define WRITER_BUFFERS (WRITER_QUEUE + 1)

typedef struct writer_thread {
    writer *w;
    counts *c;
    zx_db *scratch; /* a merged build: this thread's own database */
    const char *scratch_path;
    written *wr;
    pthread_t tid;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    batch *queue[WRITER_QUEUE]; /* handed over: queue[0] is being written */
    int queued, quit, failed;
    zbuf term;
} writer_thread;

static void free_batch_docs(batch *b)
{
    for (size_t k = 0; k < b->n; k++) {
        zx_doc_free(b->jobs[k].doc);
        b->jobs[k].doc = NULL;
        zdoc_input_clear(&b->jobs[k].in);
    }
    b->n = 0;
    zbuf_free(&b->dict);
    b->dict_id = 0;
}

/* One shard's part of a batch (every document, for a single index), then
 * its commit: with a sharded set each shard's Xapian writer works on a
 * thread of its own, all at once. */
typedef struct shard_write {
    writer *w;
    batch *b;
    unsigned shard;
    int commit; /* the second phase */
    int threaded;
    zbuf term;
    zerr_code rc;
    zerr err;
    pthread_t tid;
} shard_write;

static void *write_shard(void *arg)
{
    shard_write *sw = arg;
    writer *w = sw->w;
    zx_db *db = w->db[sw->shard];
    zx_err xe;
    if (sw->commit) {
        if ((sw->rc = zx_db_commit_transaction(db, &xe)))
            zerr_set(&sw->err, sw->rc, "%s: commit failed, the index keeps its last commit: %s",
                     w->o->index, xe.msg);
        return NULL;
    }
    for (size_t k = 0; k < sw->b->n; k++) {
        job *j = &sw->b->jobs[k];
        if ((!j->doc && !j->drop) || writer_shard(w, j->key) != db)
            continue;
        zt_id_term(j->key, &sw->term);
        if (j->drop) { /* no longer indexable: its old text must not be found */
            if (zx_db_delete(db, sw->term.data, sw->term.len, &xe)) {
                sw->rc = zerr_set(&sw->err, xe.code, "%s: cannot remove: %s", j->key, xe.msg);
                return NULL;
            }
        } else if (!zx_db_replace(db, sw->term.data, sw->term.len, j->doc, &xe)) {
            sw->rc = zerr_set(&sw->err, xe.code, "%s: cannot index: %s", j->key, xe.msg);
            return NULL;
        }
    }
    return NULL;
}

/* Run one phase on every shard; the first failure, or ZERR_OK. */
static zerr_code shards_phase(shard_write *sws, unsigned n, int commit, zerr *e)
{
    zerr_code rc = ZERR_OK;
    for (unsigned s = 0; s < n; s++) {
        sws[s].commit = commit;
        sws[s].rc = ZERR_OK;
        sws[s].threaded = s > 0 && sws[s].w->o->threads > 1 &&
                          pthread_create(&sws[s].tid, NULL, write_shard, &sws[s]) == 0;
    }
    for (unsigned s = 0; s < n; s++) {
        if (!sws[s].threaded)
            write_shard(&sws[s]);
    }
    for (unsigned s = 0; s < n; s++) {
        if (sws[s].threaded)
            pthread_join(sws[s].tid, NULL);
        if (sws[s].rc && !rc) {
            rc = sws[s].rc;
            *e = sws[s].err;
        }
    }
    return rc;
}

/* A batch into the index, in one transaction: every shard's documents
 * written, then (none failing) every shard committed.  A crash or a
 * failed commit leaves each shard at a commit of its own, and a rerun
 * completes the others. */
static zerr_code write_batch(writer_thread *wt, batch *b, zerr *e)
{
    writer *w = wt->w;
    zerr_code rc = begin(w, e);
    if (rc)
        return rc;
    if (b->dict_id) { /* every shard can decode its own documents */
        char key[24], hex[12];
        zd_dict_key(b->dict_id, key);
        snprintf(hex, sizeof hex, "%08x", (unsigned)b->dict_id);
        if ((rc = writer_set_metadata(w, key, b->dict.data, b->dict.len, e)) ||
            (rc = writer_set_metadata(w, "zhs:dict", hex, strlen(hex), e))) {
            cancel(w);
            return rc;
        }
    }
    shard_write sws[ZHINDEX_MAX_SHARDS];
    for (unsigned s = 0; s < w->nshards; s++)
        sws[s] = (shard_write){.w = w, .b = b, .shard = s};
    if ((rc = shards_phase(sws, w->nshards, 0, e)))
        cancel(w);
    else {
        w->in_txn = 0;
        rc = shards_phase(sws, w->nshards, 1, e);
    }
    for (unsigned s = 0; s < w->nshards; s++)
        zbuf_free(&sws[s].term);
    if (rc)
        return rc;
    tell(w->o, ZI_COMMIT, NULL, "committed");
    for (size_t k = 0; k < b->n; k++) { /* count only what is committed */
        job *j = &b->jobs[k];
        wt->c->removed += j->drop;
        if (!j->doc)
            continue;
        if (j->update)
            wt->c->updated++;
        else
            wt->c->added++;
        wt->c->bytes += j->in.nbytes;
        tell(w->o, j->update ? ZI_UPDATED : ZI_ADDED, j->key, "%s", j->update ? "updated" : "added");
    }
    return ZERR_OK;
}

/* A batch into this thread's scratch database (a merged build: the index
 * was empty, so every document is new). */
static zerr_code write_scratch(writer_thread *wt, batch *b, zerr *e)
{
    zx_err xe;
    if (b->dict_id) {
        char key[24], hex[12];
        zd_dict_key(b->dict_id, key);
        snprintf(hex, sizeof hex, "%08x", (unsigned)b->dict_id);
        if (zx_db_set_metadata(wt->scratch, key, b->dict.data, b->dict.len, &xe) ||
            zx_db_set_metadata(wt->scratch, "zhs:dict", hex, strlen(hex), &xe))
            return zerr_set(e, xe.code, "%s: %s; the index is unchanged", wt->scratch_path, xe.msg);
    }
    for (size_t k = 0; k < b->n; k++) {
        job *j = &b->jobs[k];
        if (!j->doc)
            continue;
        zt_id_term(j->key, &wt->term);
        if (!zx_db_replace(wt->scratch, wt->term.data, wt->term.len, j->doc, &xe))
            return zerr_set(e, xe.code, "%s: cannot index: %s; the index is unchanged", j->key,
                            xe.msg);
    }
    if (zx_db_commit(wt->scratch, &xe))
        return zerr_set(e, xe.code, "%s: cannot write: %s; the index is unchanged",
                        wt->scratch_path, xe.msg);
    written *wr = wt->wr;
    pthread_mutex_lock(&wr->lock);
    for (size_t k = 0; k < b->n; k++) {
        if (b->jobs[k].doc) {
            wr->at[wr->n++] = b->jobs[k].at;
            wr->bytes += b->jobs[k].in.nbytes;
        }
    }
    pthread_mutex_unlock(&wr->lock);
    return ZERR_OK;
}

static void *writer_main(void *arg)
{
    writer_thread *wt = arg;
    pthread_mutex_lock(&wt->lock);
    for (;;) {
        while (!wt->queued && !wt->quit)
            pthread_cond_wait(&wt->cond, &wt->lock);
        if (!wt->queued)
            break;
        batch *b = wt->queue[0];
        pthread_mutex_unlock(&wt->lock);
        int rc = -1;
        if (!wt->failed) {
            zerr e;
            rc = (wt->scratch ? write_scratch(wt, b, &e) : write_batch(wt, b, &e)) ? -1 : 0;
            if (rc) /* the thread that failed says why */
                tell(wt->w->o, ZI_ERROR, NULL, "%s", e.msg);
        }
        free_batch_docs(b);
        pthread_mutex_lock(&wt->lock);
        if (rc)
            wt->failed = 1;
        memmove(wt->queue, wt->queue + 1, (WRITER_QUEUE - 1) * sizeof *wt->queue);
        wt->queued--;
        pthread_cond_broadcast(&wt->cond);
    }
    pthread_mutex_unlock(&wt->lock);
    return NULL;
}

/* Wait until the writer holds at most `room_for` fewer batches than it
 * can (WRITER_QUEUE: nothing in hand); returns its failure flag. */
static int writer_wait_for(writer_thread *wt, int room_for)
{
    if (!wt->started)
        return 0;
    pthread_mutex_lock(&wt->lock);
    while (wt->queued > WRITER_QUEUE - room_for)
        pthread_cond_wait(&wt->cond, &wt->lock);
    int failed = wt->failed;
    pthread_mutex_unlock(&wt->lock);
    return failed;
}

static int writer_wait(writer_thread *wt)
{
    return writer_wait_for(wt, WRITER_QUEUE);
}

static int writers_wait(writer_thread *wts, int n)
{
    int failed = 0;
    for (int k = 0; k < n; k++)
        failed |= writer_wait(&wts[k]);
    return failed;
}

/* Batches the writer holds now. */
static int writer_load(writer_thread *wt)
{
    pthread_mutex_lock(&wt->lock);
    int n = wt->queued;
    pthread_mutex_unlock(&wt->lock);
    return n;
}

/* Hand b over, once the writer has room for it. */
static int writer_give(writer_thread *wt, batch *b)
{
    int failed = writer_wait_for(wt, 1);
    pthread_mutex_lock(&wt->lock);
    wt->queue[wt->queued++] = b;
    pthread_cond_broadcast(&wt->cond);
    pthread_mutex_unlock(&wt->lock);
    return failed;
}

static void writer_stop(writer_thread *wt)
{
    if (wt->started) {
        pthread_mutex_lock(&wt->lock);
        wt->quit = 1;
        pthread_cond_broadcast(&wt->cond);
        pthread_mutex_unlock(&wt->lock);
        pthread_join(wt->tid, NULL);
    }
    pthread_mutex_destroy(&wt->lock);
    pthread_cond_destroy(&wt->cond);
    zbuf_free(&wt->term);
    zx_db_close(wt->scratch);
}

/* ---- merged builds ---- */

/* A large input into an empty index is built by MERGE_WRITERS writer
 * threads at once, each into a scratch database of its own holding one
 * contiguous part of the file list, and the parts are then merged in list
 * order into the index (Xapian's compaction: documents get the numbers
 * one writer would have given them, and the index comes out compacted).
 * One Xapian writer cannot keep up with the analysis threads: it was
 * three quarters of the time of a single-writer run.  Scratch databases
 * do not fsync (the merge writes and syncs the index); they live in
 * INDEX.build-PID, removed afterwards or, after a crash, by the next
 * writer (writer.c).  A crash leaves the index as empty as it was. */
#define MERGE_WRITERS 2

typedef struct build {
    char dir[4000]; /* room for "/part-NN" in part[] */
    char part[MERGE_WRITERS][4096];
    int n;
    written wr;
} build;

static int merge_wanted(writer *w, const filelist *fl)
{
    const options *o = w->o;
    zx_err e;
    return o->merge_build && !w->is_set && w->nshards == 1 && o->threads >= 2 &&
           (fl->n > o->batch_docs || fl->bytes > BATCH_BYTES) &&
           zx_db_doccount(w->db[0], &e) == 0 && e.code == ZX_OK;
}

static int build_start(writer *w, const filelist *fl, build *bd, writer_thread *wts)
{
    const options *o = w->o;
    snprintf(bd->dir, sizeof bd->dir, "%s.build-%ld", o->index, (long)getpid());
    rm_tree(bd->dir); /* left by a killed process that had our pid */
    if (mkdir(bd->dir, 0777)) {
        tell(o, ZI_ERROR, bd->dir, "%s: cannot create: %s", bd->dir, strerror(errno));
        return -1;
    }
    if (!(bd->wr.at = malloc((fl->n ? fl->n : 1) * sizeof *bd->wr.at))) {
        tell(o, ZI_ERROR, NULL, "out of memory");
        return -1;
    }
    for (int k = 0; k < MERGE_WRITERS; k++) {
        zx_err e;
        snprintf(bd->part[k], sizeof bd->part[k], "%s/part-%02d", bd->dir, k);
        if (!(wts[k].scratch = zx_db_create_scratch(bd->part[k], &e))) {
            tell(o, ZI_ERROR, bd->part[k], "%s: cannot create: %s", bd->part[k], e.msg);
            return -1;
        }
        wts[k].scratch_path = bd->part[k];
        wts[k].wr = &bd->wr;
        bd->n = k + 1;
    }
    return 0;
}

/* Part boundaries: each writer gets about the same number of bytes (one
 * writer's part of larger files would otherwise finish last, alone). */
static void split_parts(const filelist *fl, int nw, size_t *pos, size_t *end)
{
    uint64_t total = 0, *size = malloc((fl->n ? fl->n : 1) * sizeof *size);
    for (size_t i = 0; size && i < fl->n; i++) {
        struct stat st;
        size[i] = stat(fl->v[i], &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size : 0;
        total += size[i];
    }
    size_t i = 0;
    uint64_t sum = 0;
    for (int k = 0; k < nw; k++) {
        pos[k] = i;
        if (!size) /* by count */
            i = fl->n * (size_t)(k + 1) / (size_t)nw;
        else
            while (i < fl->n && (k == nw - 1 || sum + size[i] / 2 < total * (uint64_t)(k + 1) / (uint64_t)nw))
                sum += size[i++];
        end[k] = i;
    }
    free(size);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Merge the parts into the index (ok: the writers all succeeded) and
 * report what is now in it; the scratch databases go either way. */
static int build_finish(writer *w, const filelist *fl, build *bd, writer_thread *wts, int ok,
                        counts *c)
{
    const options *o = w->o;
    int rc = -1;
    for (int k = 0; k < bd->n; k++) { /* closed, so that the merge reads their last commit */
        zx_db_close(wts[k].scratch);
        wts[k].scratch = NULL;
    }
    if (ok && bd->wr.n == 0)
        rc = 0;
    else if (ok) {
        const char *parts[MERGE_WRITERS];
        for (int k = 0; k < bd->n; k++)
            parts[k] = bd->part[k];
        rc = ops_merge(w, parts, (size_t)bd->n);
    }
    if (rc == 0 && bd->wr.n) {
        w->merged = 1;
        tell(o, ZI_COMMIT, NULL, "committed");
        qsort(bd->wr.at, bd->wr.n, sizeof *bd->wr.at, cmp_size);
        for (size_t k = 0; k < bd->wr.n; k++)
            tell(o, ZI_ADDED, fl->v[bd->wr.at[k]], "added");
        c->added += (unsigned)bd->wr.n;
        c->bytes += bd->wr.bytes;
    }
    rm_tree(bd->dir);
    bd->dir[0] = 0;
    free(bd->wr.at);
    bd->wr.at = NULL;
    return rc;
}

/* ---- the whole ---- */

/* OCR takes seconds a page: say which page of which file it is at. */
static void ocr_progress(void *ctx, const char *name, unsigned page, unsigned npages,
                         const char *what)
{
    tell(ctx, ZI_PAGE, name, "page %u/%u: %s", page, npages, what);
}

int index_files(writer *w, const filelist *fl, counts *c)
{
    const options *o = w->o;
    zdoc_opts dop = {.encoding = o->encoding, .max_bytes = o->max_bytes, .ocr = o->ocr,
                     .progress = ocr_progress, .progress_ctx = (void *)o};
    za_guard_memory(); /* ICU runs out of memory safely, see analyzer.h */
    batch bufs[WRITER_BUFFERS * MERGE_WRITERS];
    writer_thread wts[MERGE_WRITERS];
    build bd;
    size_t pos[MERGE_WRITERS], end[MERGE_WRITERS];
    int cur[MERGE_WRITERS] = {0};
    memset(bufs, 0, sizeof bufs);
    memset(wts, 0, sizeof wts);
    memset(&bd, 0, sizeof bd);
    pthread_mutex_init(&bd.wr.lock, NULL);
    for (int k = 0; k < MERGE_WRITERS; k++) {
        wts[k] = (writer_thread){.w = w, .c = c};
        pthread_mutex_init(&wts[k].lock, NULL);
        pthread_cond_init(&wts[k].cond, NULL);
    }
    worker *ws = new_workers(o->threads);
    zbuf term = {0}, sampled = {0}; /* a dictionary trained on a sample, not yet stored */
    uint32_t sampled_id = 0;
    sample sp = {0};
    zx_err e;
    zx_db *reader = zx_db_open(o->index, &e);
    int rc = 0, nomem = 0, merged = 0;
    int nw = 1; /* writer threads; each takes one contiguous part of the list */
    meter m = {.o = o, .total = fl->n, .all = fl->bytes, .t0 = now(), .fill = -1};
    pthread_mutex_init(&m.lock, NULL);
    if (!reader) {
        tell(o, ZI_ERROR, o->index, "%s: %s", o->index, e.msg);
        rc = -1;
        goto out;
    }
    if (merge_wanted(w, fl)) {
        merged = 1;
        nw = MERGE_WRITERS;
        if (build_start(w, fl, &bd, wts)) {
            rc = -1;
            goto out;
        }
    }
    int short_of_memory = !ws;
    for (int k = 0; k < WRITER_BUFFERS * nw; k++)
        if (!(bufs[k].jobs = calloc(o->batch_docs, sizeof(job))))
            short_of_memory = 1;
    if (short_of_memory) {
        tell(o, ZI_ERROR, NULL, "out of memory");
        rc = -1;
        goto out;
    }
    for (int k = 0; k < nw; k++) {
        int perr = pthread_create(&wts[k].tid, NULL, writer_main, &wts[k]);
        if (perr) {
            tell(o, ZI_ERROR, NULL, "cannot start a writer thread: %s", strerror(perr));
            rc = -1;
            goto out;
        }
        wts[k].started = 1;
    }
    pos[0] = 0;
    end[0] = fl->n;
    if (nw > 1)
        split_parts(fl, nw, pos, end);
    share_dict(w, ws, o->threads);
    if (!zd_current_dict(w->codec))
        train_on_sample(w, ws, fl, &dop, &sp, &sampled, &sampled_id);
    for (int r = 0; rc == 0 && !cancelled(o); r = (r + 1) % nw) {
        /* the next part with files left whose writer holds the fewest
         * batches (the others after r first, on a tie) */
        int pick = -1, least = WRITER_QUEUE + 1;
        for (int k = 0; k < nw; k++) {
            int q = (r + k) % nw, load;
            if (pos[q] < end[q] && (load = nw > 1 ? writer_load(&wts[q]) : 0) < least)
                pick = q, least = load;
        }
        if (pick < 0)
            break;
        r = pick;
        /* the others may be in writer r's hands (WRITER_QUEUE of them) */
        batch *b = &bufs[WRITER_BUFFERS * r + cur[r]];
        cur[r] = (cur[r] + 1) % WRITER_BUFFERS;
        size_t i = pos[r], nb = 0, bytes = 0;
        for (; i < end[r] && nb < o->batch_docs && bytes < BATCH_BYTES && !cancelled(o); i++) {
            job *j = &b->jobs[nb];
            char old[17] = "";
            memset(j, 0, sizeof *j);
            j->key = fl->v[i];
            j->at = i;
            zerr_code got = from_sample(&sp, i, j) ? ZERR_OK
                                                   : zdoc_read_file(j->key, &dop, !o->follow,
                                                                    &j->in, &j->err);
            if (got == ZERR_NOMEM) {
                tell(o, ZI_ERROR, j->key, "%s: %s", j->key, j->err.msg);
                zdoc_input_clear(&j->in);
                rc = -1;
                nomem = 1;
                break;
            }
            if (!merged) /* a merged build starts from an empty index */
                indexed_hash(reader, j->key, &term, old);
            if (got) {
                /* A file that can no longer be indexed leaves the index
                 * (a read error may pass: its old version stays). */
                j->drop = got == ZERR_NOT_INDEXABLE && old[0];
                tell(o, ZI_FAILED, j->key, "%s%s", j->err.msg,
                     j->drop ? "; removed its earlier version" : "");
                c->failed++;
                meter_add(&m, 1, 0);
                zdoc_input_clear(&j->in);
                if (j->drop) {
                    j->failed = 1;
                    j->reported = 1;
                    nb++;
                }
                continue;
            }
            if (strcmp(old, j->in.hash) == 0) {
                c->unchanged++;
                tell(o, ZI_UNCHANGED, j->key, "unchanged");
                meter_add(&m, 1, j->in.nbytes);
                zdoc_input_clear(&j->in);
                continue;
            }
            j->update = old[0] != 0;
            bytes += j->in.nbytes;
            nb++;
        }
        pos[r] = i;
        b->n = nb;
        if (rc) {
            free_batch_docs(b);
            break;
        }
        if (nb == 0)
            continue;
        parallel(b->jobs, nb, 0, &dop, ws, o->threads, &m);
        for (size_t k = 0; k < nb; k++) {
            job *j = &b->jobs[k];
            if (j->failed == 1 && !j->reported) {
                j->drop = j->update;
                tell(o, ZI_FAILED, j->key, "%s%s", j->err.msg,
                     j->drop ? "; removed its earlier version" : "");
                c->failed++;
                meter_add(&m, 1, j->in.nbytes); /* not built: done now */
            }
        }
        if (!zd_current_dict(w->codec)) {
            /* No writer may be storing a dictionary meanwhile. */
            if (writers_wait(wts, nw)) {
                rc = -1;
                break;
            }
            if (!zd_current_dict(w->codec))
                train(w, ws, o->threads, b->jobs, nb, &b->dict, &b->dict_id);
        } else if (sampled_id) { /* stored with the first documents that use it */
            b->dict = sampled;
            b->dict_id = sampled_id;
            sampled = (zbuf){0};
            sampled_id = 0;
        }
        parallel(b->jobs, nb, 1, &dop, ws, o->threads, &m);
        for (size_t k = 0; k < nb; k++) {
            if (b->jobs[k].failed == 2) {
                tell(o, ZI_ERROR, b->jobs[k].key, "%s: %s", b->jobs[k].key, b->jobs[k].err.msg);
                rc = -1;
                nomem = 1;
            }
        }
        if (rc == 0 && writer_give(&wts[r], b))
            rc = -1;
        else if (rc)
            free_batch_docs(b);
    }
    if (writers_wait(wts, nw))
        rc = -1;
    if (merged && build_finish(w, fl, &bd, wts, rc == 0, c))
        rc = -1;
    if (rc == 0 && cancelled(o))
        rc = 1;
    if (o->progress)
        meter_show(&m, 1);
    if (nomem)
        tell(o, ZI_ERROR, NULL,
             merged ? "out of memory: stopped; the index is unchanged (rerun with fewer -j threads "
                      "or more memory)"
                    : "out of memory: stopped; the index keeps its last commit (rerun with fewer "
                      "-j threads or more memory to finish)");
out:
    if (merged && bd.dir[0]) { /* failed before the merge: nothing of the build is kept */
        for (int k = 0; k < nw; k++)
            writer_wait(&wts[k]);
        for (int k = 0; k < nw; k++) {
            zx_db_close(wts[k].scratch);
            wts[k].scratch = NULL;
        }
        rm_tree(bd.dir);
        free(bd.wr.at);
    }
    for (int k = 0; k < MERGE_WRITERS; k++)
        writer_stop(&wts[k]);
    pthread_mutex_destroy(&bd.wr.lock);
    pthread_mutex_destroy(&m.lock);
    for (int k = 0; k < WRITER_BUFFERS * MERGE_WRITERS; k++) {
        free_batch_docs(&bufs[k]);
        free(bufs[k].jobs);
    }
    free_workers(ws, o->threads);
    zbuf_free(&term);
    zbuf_free(&sampled);
    sample_free(&sp);
    zx_db_close(reader);
    return rc;
}
