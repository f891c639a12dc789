/* serve.c - `zhsearch serve`: a local web search over an index, on
 * libmicrohttpd: a JSON API and a single-page web UI.
 *
 * The command line is parsed by zhsearch.c (serve_config); this file is
 * the server.
 *
 *   GET /                      the web UI (index.html, app.js, style.css are
 *                              embedded in the program; nothing else is
 *                              ever served as a file)
 *   GET /api/search?q=&limit=&offset=&sort=&facet=&snippet=&explain=&expand=
 *                              &occurrences=&suggest=
 *                              results, the schema of `zhsearch --json`
 *                              (suggestions of variants when fewer than
 *                              `suggest`, default 3, documents match)
 *   GET /api/doc?path=&q=&expand=
 *                              one indexed document: its whole stored text
 *                              (up to 8 MB) with every match of q, if given,
 *                              and the page of each
 *
 * Rules, and why:
 * - Listens on 127.0.0.1 unless --listen names another address: a search
 *   over private documents is not offered to the network by default.
 * - Read-only; files are never read from disk: the UI is embedded, and the
 *   document view gives stored text of a path found in the index, so no
 *   URL ("/../", "%2e%2e", an absolute path) reaches the file system.
 * - Status codes: 200; 400 for a bad query or parameter ({"error": the
 *   library's message, "status": "query syntax error"}); 404 for unknown
 *   URLs and documents not in the index; 405 for methods other than GET
 *   and HEAD; 414 for a query over the library's 8192 bytes (libmicrohttpd
 *   itself answers a request line over its buffer); 503 when too many
 *   searches are running and waiting, or one takes longer than
 *   --search-timeout; 500 for a damaged index.
 * - Searches run on --max-searches worker threads (default 8), each with
 *   its own zhs_index handle (a handle is used by one thread at a time); at
 *   most --queue more wait (default 64), the rest get 503 at once.  A
 *   request gives up waiting after --search-timeout (503); its search
 *   still finishes on its worker, so the bound holds.
 * - A worker reopens its handle (zhs_index_reopen) when a second has
 *   passed since it last did, and when the library says an indexer
 *   overtook it, so that new commits are seen.
 * - SIGINT and SIGTERM stop the server: no new connections, waiting
 *   requests answered, workers joined, handles closed, exit 0.
 * - ZHSEARCH_SERVE_TEST_DELAY_MS (tests only) keeps each worker busy that
 *   long after a search, to make the bound and the timeout observable.
 */
#include "serve.h"

#include "json_out.h"
#include "web/assets.h"
#include "zbuf.h"
#include "zhsearch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_QUERY_BYTES 8192 /* the library's own limit */
#define MAX_LIMIT 1000       /* hits per request */
#define MAX_FACETS 16
#define SUGGEST_BELOW 3      /* variants of a query that finds fewer documents */
#define DOC_LIMIT (8u << 20) /* bytes of a document's text in one answer */

/* ---- configuration -------------------------------------------------- */

/* ---- jobs and the worker pool ---------------------------------------- */

enum { JOB_SEARCH, JOB_DOC };

typedef struct job {
    int kind;
    char *query, *path;
    long limit, offset, sort, snippet, suggest;
    int explain, expand, occurrences;
    const char *facets[MAX_FACETS];
    int nfacets;
    /* the answer */
    int status; /* HTTP status */
    jout out;
    int done, abandoned;
    struct job *next;
} job;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work, done; /* done: broadcast when any job ends */
    job *head, *tail;
    long in_flight, max_in_flight;
    int stopping;
    pthread_t *threads;
    zhs_index **handles;
    long nthreads;
    const serve_config *cfg;
} pool;

typedef struct worker_arg {
    pool *p;
    zhs_index *idx;
} worker_arg;

static void job_free(job *j)
{
    if (!j)
        return;
    free(j->query);
    free(j->path);
    jout_free(&j->out);
    free(j);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void error_json(job *j, int http, const char *status, const char *msg)
{
    jout_free(&j->out);
    j->status = http;
    jout_raw(&j->out, "{\"error\":");
    jout_cstr(&j->out, msg);
    jout_raw(&j->out, ",\"status\":");
    jout_cstr(&j->out, status);
    jout_raw(&j->out, "}");
}

/* The HTTP status of a library failure. */
static int http_of(zhs_status st)
{
    switch (st) {
    case ZHS_ERR_QUERY_SYNTAX:
    case ZHS_ERR_QUERY_EMPTY:
    case ZHS_ERR_QUERY_LIMIT:
    case ZHS_ERR_INVALID: return MHD_HTTP_BAD_REQUEST;
    case ZHS_ERR_NOT_FOUND: return MHD_HTTP_NOT_FOUND;
    case ZHS_ERR_NOMEM:
    case ZHS_ERR_MODIFIED:
    case ZHS_ERR_NETWORK: return MHD_HTTP_SERVICE_UNAVAILABLE;
    default: return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
}

static zhs_status lib_error(job *j, zhs_index *idx, zhs_status st)
{
    error_json(j, http_of(st), zhs_status_str(st), zhs_index_last_error(idx));
    if (j->status >= 500 && st != ZHS_ERR_MODIFIED)
        fprintf(stderr, "zhsearch serve: %s\n", zhs_index_last_error(idx));
    return st;
}

/* One search; an indexer that overtook the handle costs a reopen and a
 * retry. */
static zhs_status run_search(zhs_index *idx, const char *q, const zhs_options *o, zhs_results **r)
{
    zhs_status st = zhs_search(idx, q, o, r);
    if (st == ZHS_ERR_MODIFIED && zhs_index_reopen(idx) == ZHS_OK)
        st = zhs_search(idx, q, o, r);
    return st;
}

static zhs_options *job_options(const job *j)
{
    zhs_options *o = zhs_options_new();
    if (!o)
        return NULL;
    int bad = zhs_options_set(o, ZHS_P_LIMIT, j->limit) ||
              zhs_options_set(o, ZHS_P_OFFSET, j->offset) ||
              zhs_options_set(o, ZHS_P_SORT, j->sort) ||
              zhs_options_set(o, ZHS_P_SNIPPET_CHARS, j->snippet) ||
              zhs_options_set(o, ZHS_P_EXPLAIN, j->explain) ||
              zhs_options_set(o, ZHS_P_EXPAND, j->expand) ||
              zhs_options_set(o, ZHS_P_OCCURRENCES, j->occurrences) ||
              zhs_options_set(o, ZHS_P_SUGGEST, j->suggest);
    for (int k = 0; k < j->nfacets && !bad; k++)
        bad = zhs_options_add_facet(o, j->facets[k]) != ZHS_OK;
    if (bad) {
        zhs_options_free(o);
        return NULL;
    }
    return o;
}

static void do_search(job *j, zhs_index *idx)
{
    zhs_options *o = job_options(j);
    if (!o) {
        error_json(j, 503, "out of memory", "out of memory");
        return;
    }
    zhs_results *r = NULL;
    zhs_status st = run_search(idx, j->query, o, &r);
    if (st != ZHS_OK)
        lib_error(j, idx, st);
    else {
        jout_opts jo = {.offset = j->offset, .snippet = j->snippet, .explain = j->explain,
                        .facets = j->facets, .nfacets = j->nfacets,
                        .occurrences = j->occurrences};
        jout_results(&j->out, r, j->query, &jo);
        j->status = 200;
    }
    zhs_results_free(r);
    zhs_options_free(o);
}

/* ---- the document view ---------------------------------------------- */

/* Byte offsets of the stored text as offsets into the string jout_str
 * writes of it (jout_offset's rule: an ill-formed byte becomes the three
 * bytes of U+FFFD), in one pass over the text for offsets asked in
 * increasing order (a smaller one starts over). */
typedef struct xlat {
    const char *s;
    size_t n, at;
    unsigned extra;
} xlat;

static unsigned xlat_off(xlat *x, size_t off)
{
    if (off < x->at) {
        x->at = 0;
        x->extra = 0;
    }
    while (x->at < off && x->at < x->n) {
        uint32_t cp;
        size_t k = utf8_seq((const unsigned char *)x->s + x->at, x->n - x->at, &cp);
        x->extra += k ? 0 : 2;
        x->at += k ? k : 1;
    }
    return (unsigned)off + x->extra;
}

/* The end of the first `limit` bytes of s[0..n), not inside a UTF-8
 * sequence. */
static size_t cut_at(const char *s, size_t n, size_t limit)
{
    if (n <= limit)
        return n;
    size_t k = limit;
    while (k > 0 && limit - k < 3 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return ((unsigned char)s[k] & 0xC0) == 0x80 ? limit : k;
}

/* The document as JSON: its fields, its whole stored text (up to the
 * limit: "complete" false beyond it), every match of the query as byte
 * ranges of "text" with the page of each, and for a paged document the
 * offset where each page starts (the text has "\f" before each but the
 * first). */
static void write_doc(job *j, const zhs_document *d, double secs, size_t limit)
{
    jout *o = &j->out;
    const zhs_hit *h = zhs_document_hit(d);
    size_t len;
    const char *text = zhs_document_text(d, &len);
    size_t shown = cut_at(text, len, limit);
    unsigned nr;
    const zhs_range *rg = zhs_document_highlights(d, &nr);
    unsigned nshown = 0; /* the highlights inside the text shown */
    while (nshown < nr && (size_t)rg[nshown].start + rg[nshown].len <= shown)
        nshown++;
    int paged = zhs_hit_field(h, "pages") != NULL;
    jout_raw(o, "{\"version\":1,\"query\":");
    jout_cstr(o, j->query);
    jout_printf(o, ",\"elapsed_ms\":%.3f", secs * 1000);
    jout_hit_fields(o, h);
    jout_printf(o, ",\"complete\":%s,\"length\":%zu,\"text\":", shown == len ? "true" : "false",
                len);
    jout_str(o, text, shown);
    xlat x = {text, shown, 0, 0};
    if (paged) { /* page k+1 starts after the k-th "\f" */
        jout_raw(o, ",\"page_starts\":[0");
        for (const char *p = text; (p = memchr(p, '\f', shown - (size_t)(p - text))); p++)
            jout_printf(o, ",%u", xlat_off(&x, (size_t)(p - text) + 1));
        jout_raw(o, "]");
    }
    jout_printf(o, ",\"match_count\":%u,\"highlights\":[", nr);
    for (unsigned k = 0; k < nshown; k++) {
        unsigned a = xlat_off(&x, rg[k].start);
        unsigned b = xlat_off(&x, (size_t)rg[k].start + rg[k].len);
        jout_printf(o, "%s[%u,%u]", k ? "," : "", a, b - a);
    }
    jout_raw(o, "]");
    if (paged) {
        jout_raw(o, ",\"highlight_pages\":[");
        for (unsigned k = 0; k < nshown; k++)
            jout_printf(o, "%s%u", k ? "," : "", zhs_document_page(d, k));
        /* [[page, matches on it], ...], every match counted */
        jout_raw(o, "],\"match_pages\":[");
        for (unsigned k = 0, runs = 0; k < nr;) {
            unsigned page = zhs_document_page(d, k), count = 0;
            for (; k < nr && zhs_document_page(d, k) == page; k++)
                count++;
            jout_printf(o, "%s[%u,%u]", runs++ ? "," : "", page, count);
        }
        jout_raw(o, "]");
    }
    jout_raw(o, "}");
    j->status = 200;
}

/* The query with its synonym groups written out ("(跨省通办 OR 异地通办)"),
 * as the search gives it, when it has ~word or expand=1 and the index has
 * a group for one of its words; NULL otherwise (and on any failure: the
 * document is then highlighted for the query as typed).  Free it. */
static char *expanded_query(const job *j, zhs_index *idx)
{
    if (!*j->query || (!j->expand && !strchr(j->query, '~')))
        return NULL;
    zhs_options *o = zhs_options_new();
    zhs_results *r = NULL;
    char *q = NULL;
    if (o && !zhs_options_set(o, ZHS_P_LIMIT, 1) && !zhs_options_set(o, ZHS_P_SNIPPET_CHARS, 0) &&
        !zhs_options_set(o, ZHS_P_EXPAND, j->expand) && run_search(idx, j->query, o, &r) == ZHS_OK &&
        zhs_results_expansion(r, 0, NULL))
        q = strdup(zhs_results_normalized_query(r));
    zhs_results_free(r);
    zhs_options_free(o);
    return q;
}

static void do_doc(job *j, zhs_index *idx, size_t limit)
{
    double t0 = now_s();
    zhs_document *d = NULL;
    char *expanded = expanded_query(j, idx);
    const char *q = expanded ? expanded : j->query;
    zhs_status st = zhs_index_document(idx, j->path, q, &d);
    if (st == ZHS_ERR_MODIFIED && zhs_index_reopen(idx) == ZHS_OK)
        st = zhs_index_document(idx, j->path, q, &d);
    free(expanded);
    if (st == ZHS_ERR_NOT_FOUND)
        error_json(j, MHD_HTTP_NOT_FOUND, "not found", "no document with this path in the index");
    else if (st != ZHS_OK)
        lib_error(j, idx, st);
    else
        write_doc(j, d, now_s() - t0, limit);
    zhs_document_free(d);
}

static void run_job(job *j, zhs_index *idx, const serve_config *cfg)
{
    if (j->kind == JOB_SEARCH)
        do_search(j, idx);
    else
        do_doc(j, idx, (size_t)cfg->doc_limit);
    if (j->out.failed)
        error_json(j, 503, "out of memory", "out of memory");
    if (cfg->test_delay_ms > 0) {
        struct timespec ts = {cfg->test_delay_ms / 1000, (cfg->test_delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* The next job to run, NULL when stopping; abandoned ones are dropped. */
static job *next_job(pool *p)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->work, &p->mu);
        job *j = p->head;
        if (!j) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        if (!j->abandoned) {
            pthread_mutex_unlock(&p->mu);
            return j;
        }
        p->in_flight--;
        job_free(j);
    }
}

static void *worker(void *arg)
{
    worker_arg *w = arg;
    pool *p = w->p;
    double last_reopen = now_s();
    job *j;
    while ((j = next_job(p))) {
        if (now_s() - last_reopen >= 1.0) {
            zhs_index_reopen(w->idx); /* a failure shows in the search */
            last_reopen = now_s();
        }
        run_job(j, w->idx, p->cfg);
        pthread_mutex_lock(&p->mu);
        p->in_flight--;
        j->done = 1;
        if (j->abandoned)
            job_free(j);
        pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
    free(w);
    return NULL;
}

/* Queue j and wait for its answer.  0 when done; otherwise j now belongs
 * to the pool (or was never taken) and the caller answers 503 with *why. */
static int submit(pool *p, job *j, const char **why)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += p->cfg->timeout_ms / 1000;
    until.tv_nsec += (p->cfg->timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->mu);
    if (p->stopping || p->in_flight >= p->max_in_flight) {
        pthread_mutex_unlock(&p->mu);
        *why = p->stopping ? "the server is stopping" : "too many searches at once: retry later";
        return -1;
    }
    p->in_flight++;
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->work);
    int rc = 0;
    while (!j->done && !p->stopping && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&p->done, &p->mu, &until);
    if (j->done) {
        pthread_mutex_unlock(&p->mu);
        return 0;
    }
    j->abandoned = 1;
    *why = p->stopping ? "the server is stopping" : "the search timed out";
    pthread_mutex_unlock(&p->mu);
    return 1;
}

/* Open one handle on the configured index (the shards as one). */
static zhs_status open_index(const serve_config *cfg, zhs_index **out)
{
    zhs_index *idx = zhs_index_new();
    zhs_status st = idx ? ZHS_OK : ZHS_ERR_NOMEM;
    for (int i = 0; i < cfg->nshards && st == ZHS_OK; i++)
        st = zhs_index_add(idx, cfg->shards[i]);
    *out = idx;
    return st;
}

static int pool_start(pool *p, const serve_config *cfg)
{
    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    p->max_in_flight = cfg->max_searches + cfg->queue;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->done, &ca);
    pthread_condattr_destroy(&ca);
    p->threads = calloc((size_t)cfg->max_searches, sizeof *p->threads);
    p->handles = calloc((size_t)cfg->max_searches, sizeof *p->handles);
    if (!p->threads || !p->handles)
        return -1;
    for (long i = 0; i < cfg->max_searches; i++) {
        zhs_index *idx;
        zhs_status st = open_index(cfg, &idx);
        p->handles[i] = idx;
        if (st != ZHS_OK) {
            fprintf(stderr, "zhsearch: %s\n", idx ? zhs_index_last_error(idx) : "out of memory");
            return -1;
        }
    }
    for (long i = 0; i < cfg->max_searches; i++) {
        worker_arg *w = malloc(sizeof *w);
        if (!w)
            return -1;
        *w = (worker_arg){p, p->handles[i]};
        if (pthread_create(&p->threads[i], NULL, worker, w)) {
            free(w);
            return -1;
        }
        p->nthreads++;
    }
    return 0;
}

static void pool_wake_all(pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->mu);
}

static void pool_stop(pool *p)
{
    pool_wake_all(p);
    for (long i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    while (p->head) { /* abandoned, never run */
        job *j = p->head;
        p->head = j->next;
        job_free(j);
    }
    for (long i = 0; i < p->cfg->max_searches && p->handles; i++)
        zhs_index_close(p->handles[i]);
    free(p->threads);
    free(p->handles);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
}

/* ---- HTTP ------------------------------------------------------------ */

static enum MHD_Result send_buf(struct MHD_Connection *c, int status, const char *type, char *data,
                                size_t len, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
        MHD_add_response_header(r, "Retry-After", "1");
    if (!strncmp(type, "text/html", 9))
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; style-src 'self'; "
                                "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Send a job's JSON (its buffer handed over to libmicrohttpd). */
static enum MHD_Result send_job(struct MHD_Connection *c, job *j)
{
    jout_raw(&j->out, "\n");
    if (j->out.failed)
        error_json(j, 503, "out of memory", "out of memory");
    char *data = j->out.b.data;
    size_t len = j->out.b.len;
    j->out.b = (zbuf){0};
    return send_buf(c, j->status, "application/json; charset=utf-8", data, len,
                    MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result send_error(struct MHD_Connection *c, int http, const char *status,
                                  const char *msg)
{
    job j = {0};
    error_json(&j, http, status, msg);
    enum MHD_Result r = send_job(c, &j);
    jout_free(&j.out);
    return r;
}

/* A number parameter in [lo, hi]; absent: def.  -1 when malformed. */
static int num_arg(struct MHD_Connection *c, const char *name, long lo, long hi, long def, long *out)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    if (!v || !*v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*end || errno || n < lo || n > hi || *v == '-' || *v == '+' || *v == ' ')
        return -1;
    *out = n;
    return 0;
}

typedef struct facet_ctx {
    job *j;
    int bad;
} facet_ctx;

static unsigned field_flags(const char *name, const char **canonical)
{
    unsigned flags;
    const char *f;
    for (unsigned i = 0; (f = zhs_field_info(i, &flags)); i++)
        if (!strcmp(f, name)) {
            *canonical = f;
            return flags;
        }
    return 0;
}

static enum MHD_Result facet_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    facet_ctx *fc = cls;
    if (strcmp(key, "facet"))
        return MHD_YES;
    const char *name = NULL;
    if (!value || !(field_flags(value, &name) & ZHS_FIELD_FACET) || fc->j->nfacets == MAX_FACETS) {
        fc->bad = 1;
        return MHD_NO;
    }
    for (int k = 0; k < fc->j->nfacets; k++)
        if (!strcmp(fc->j->facets[k], name))
            return MHD_YES;
    fc->j->facets[fc->j->nfacets++] = name;
    return MHD_YES;
}

static int sort_arg(const char *v, long *out)
{
    if (!v || !*v || !strcmp(v, "relevance"))
        *out = ZHS_SORT_RELEVANCE;
    else if (!strcmp(v, "date"))
        *out = ZHS_SORT_DATE;
    else if (!strcmp(v, "date-desc") || !strcmp(v, "-date"))
        *out = ZHS_SORT_DATE_DESC;
    else
        return -1;
    return 0;
}

/* The parameters of a search: NULL and *why set when one is bad. */
static const char *search_params(struct MHD_Connection *c, job *j)
{
    long explain, expand, occurrences;
    if (num_arg(c, "limit", 1, MAX_LIMIT, 10, &j->limit))
        return "limit: expected a number from 1 to 1000";
    if (num_arg(c, "offset", 0, UINT_MAX, 0, &j->offset))
        return "offset: expected a number from 0 to 4294967295";
    if (num_arg(c, "snippet", 0, 2000, 120, &j->snippet))
        return "snippet: expected a number of characters from 0 to 2000";
    if (num_arg(c, "explain", 0, 1, 0, &explain))
        return "explain: expected 0 or 1";
    j->explain = (int)explain;
    if (num_arg(c, "expand", 0, 1, 0, &expand))
        return "expand: expected 0 or 1";
    j->expand = (int)expand;
    if (num_arg(c, "occurrences", 0, 1, 0, &occurrences))
        return "occurrences: expected 0 or 1";
    j->occurrences = (int)occurrences;
    if (num_arg(c, "suggest", 0, 1000, SUGGEST_BELOW, &j->suggest))
        return "suggest: expected a number of documents from 0 to 1000";
    if (sort_arg(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "sort"), &j->sort))
        return "sort: expected relevance, date or date-desc";
    facet_ctx fc = {j, 0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, facet_cb, &fc);
    if (fc.bad)
        return "facet: expected year, issuer or format";
    return NULL;
}

/* The parameters of a document view. */
static const char *doc_params(struct MHD_Connection *c, job *j)
{
    long expand;
    if (num_arg(c, "expand", 0, 1, 0, &expand))
        return "expand: expected 0 or 1";
    j->expand = (int)expand;
    return NULL;
}

/* A text parameter (NULL when absent); -1 when it holds a NUL byte (%00),
 * which a C string would silently cut. */
static int text_arg(struct MHD_Connection *c, const char *name, const char **out)
{
    size_t len = 0;
    *out = NULL;
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, name, strlen(name), out, &len) !=
        MHD_YES)
        return 0;
    return *out && strlen(*out) != len ? -1 : 0;
}

static enum MHD_Result api(struct MHD_Connection *c, pool *p, int kind)
{
    const char *q, *path;
    if (text_arg(c, "q", &q) || text_arg(c, "path", &path))
        return send_error(c, MHD_HTTP_BAD_REQUEST, "invalid argument",
                          "q and path cannot hold a NUL byte (%00)");
    if (q && strlen(q) > MAX_QUERY_BYTES)
        return send_error(c, MHD_HTTP_URI_TOO_LONG, "query too long",
                          "query too large: over 8192 bytes");
    if (kind == JOB_DOC && (!path || !*path))
        return send_error(c, MHD_HTTP_BAD_REQUEST, "invalid argument", "path: missing");
    if (kind == JOB_DOC && q && !q[strspn(q, " \t\r\n")])
        q = NULL; /* no query: the document without highlights */
    job *j = calloc(1, sizeof *j);
    if (!j)
        return send_error(c, 503, "out of memory", "out of memory");
    j->kind = kind;
    const char *bad = kind == JOB_SEARCH ? search_params(c, j) : doc_params(c, j);
    j->query = strdup(q ? q : "");
    j->path = path ? strdup(path) : NULL;
    if (bad || !j->query || (path && !j->path)) {
        job_free(j);
        return bad ? send_error(c, MHD_HTTP_BAD_REQUEST, "invalid argument", bad)
                   : send_error(c, 503, "out of memory", "out of memory");
    }
    const char *why = NULL;
    int rc = submit(p, j, &why);
    if (rc < 0)
        job_free(j);
    if (rc)
        return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                          rc < 0 && strstr(why, "too many") ? "too many searches" : "unavailable",
                          why);
    enum MHD_Result r = send_job(c, j);
    job_free(j);
    return r;
}

static enum MHD_Result asset(struct MHD_Connection *c, const char *url)
{
    for (size_t i = 0; i < web_asset_count; i++)
        if (!strcmp(web_assets[i].path, url))
            return send_buf(c, 200, web_assets[i].type, (char *)web_assets[i].data,
                            web_assets[i].len, MHD_RESPMEM_PERSISTENT);
    return send_error(c, MHD_HTTP_NOT_FOUND, "not found", "no such page");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    (void)con_cls;
    if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
        *upload_size = 0;
        return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed",
                          "only GET and HEAD are served");
    }
    if (!strcmp(url, "/api/search"))
        return api(c, cls, JOB_SEARCH);
    if (!strcmp(url, "/api/doc"))
        return api(c, cls, JOB_DOC);
    return asset(c, url);
}

/* ---- the command ----------------------------------------------------- */

/* The socket address to listen on. */
static int listen_addr(const serve_config *cfg, struct sockaddr_storage *ss, int *v6)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, cfg->listen, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)cfg->port);
        *v6 = 0;
        return 0;
    }
    if (inet_pton(AF_INET6, cfg->listen, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)cfg->port);
        *v6 = 1;
        return 0;
    }
    fprintf(stderr, "zhsearch serve: --listen: '%s' is not an IPv4 or IPv6 address\n", cfg->listen);
    return -1;
}

static struct MHD_Daemon *start_http(const serve_config *cfg, pool *p)
{
    struct sockaddr_storage ss;
    int v6;
    if (listen_addr(cfg, &ss, &v6))
        return NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
    /* thread per connection, at most 256 connections; a request line and
     * headers in 64 KB (a query of 8192 bytes, percent-encoded, fits) */
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, handler, p, MHD_OPTION_SOCK_ADDR, &ss,
        MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, MHD_OPTION_END);
    if (!d)
        fprintf(stderr, "zhsearch serve: cannot listen on %s port %ld: %s\n", cfg->listen,
                cfg->port, errno ? strerror(errno) : "failed");
    return d;
}

static void print_url(struct MHD_Daemon *d, const serve_config *cfg)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : (unsigned)cfg->port;
    int v6 = strchr(cfg->listen, ':') != NULL;
    printf("http://%s%s%s:%u/\n", v6 ? "[" : "", cfg->listen, v6 ? "]" : "", port);
    fflush(stdout);
}

static int no_index_at(const char *spec)
{
    struct stat st;
    return strchr(spec, ':') == NULL && stat(spec, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

static long env_long(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : 0;
}

void serve_defaults(serve_config *cfg)
{
    *cfg = (serve_config){.listen = "127.0.0.1", .port = 8080, .max_searches = 8, .queue = 64,
                          .timeout_ms = 10000};
}

int serve_run(const serve_config *given)
{
    serve_config cfg = *given;
    int rc;
    if (cfg.nshards == 0) {
        const char *env = getenv("ZHSEARCH_INDEX");
        cfg.shards[cfg.nshards++] = env && *env ? env : "zhsearch.idx";
    }
    for (int i = 0; i < cfg.nshards; i++)
        if (no_index_at(cfg.shards[i])) {
            fprintf(stderr, "zhsearch: %s: no index here (create one with: zhindex -d %s add DIR)\n",
                    cfg.shards[i], cfg.shards[i]);
            return 2;
        }
    cfg.test_delay_ms = env_long("ZHSEARCH_SERVE_TEST_DELAY_MS");
    cfg.doc_limit = env_long("ZHSEARCH_SERVE_TEST_DOC_LIMIT");
    if (cfg.doc_limit <= 0)
        cfg.doc_limit = DOC_LIMIT;
    /* SIGINT and SIGTERM go to sigwait below, in no other thread */
    signal(SIGINT, SIG_DFL); /* a shell leaves SIGINT ignored in background jobs */
    signal(SIGTERM, SIG_DFL);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    pool p;
    struct MHD_Daemon *d = NULL;
    if (pool_start(&p, &cfg) == 0 && (d = start_http(&cfg, &p))) {
        print_url(d, &cfg);
        int sig;
        sigwait(&stop, &sig);
        pool_wake_all(&p); /* waiting requests answer 503 at once */
        MHD_stop_daemon(d);
        rc = 0;
    } else
        rc = 2;
    pool_stop(&p);
    return rc;
}
