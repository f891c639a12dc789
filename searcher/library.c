/* library.c - libzhsearch: the implementation of zhsearch.h over the
 * common analyzer, term scheme, docstore and Xapian shim. */
#include "zhsearch.h"
#include "status.h"

#include "analyzer.h"
#include "docstore.h"
#include "normalize.h"
#include "qparse.h"
#include "snippet.h"
#include "suggest.h"
#include "expand.h"
#include "proximity.h"
#include "terms.h"
#include "zbuf.h"
#include "zx.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <time.h>

struct zhs_index {
    zx_db *db;
    za_analyzer *an;
    zd_codec *codec;
    long timeout_ms;   /* for remote shards */
    int allow_partial; /* go on without shards that are down */
    unsigned skipped;  /* shards left out so far */
    zg_pinyin *py;     /* for suggestions, built on first use */
    zn_normalizer *zn; /* for synonym groups, made on first use */
    zsyn *syn;         /* the index's synonym groups, read on first use */
    int syn_read;
    zhs_results *lazy; /* results whose hits still read fields on demand */
    char err[1024];
};

/* Facets are counted and returned in the order they were asked for. */
#define MAX_FACETS 16

struct zhs_options {
    long offset, limit, sort, snippet_chars, explain;
    unsigned char facets[MAX_FACETS]; /* rows of zt_fields */
    unsigned nfacets;
    long matches;     /* context characters of each match, 0 = no matches */
    int occurrences;  /* facets count occurrences */
    long suggest;     /* suggest variants when fewer than this many match; 0 = never */
    int expand;       /* every word in a synonym group expands, not only ~word */
};

static const zhs_options default_options = {0, 10, ZHS_SORT_RELEVANCE, 120, 0, {0}, 0, 0, 0, 0, 0};

struct zhs_hit {
    unsigned rank;
    unsigned page; /* of the snippet's first highlight; 0 when unpaged */
    double score;
    char **values; /* of each row of zt_fields, NULL where the document has none */
    unsigned loaded; /* rows of values read so far (bit k: row k) */
    zx_doc *doc;     /* where the rest is read from on first access; NULL when all is */
    zs_snippet snip;
    char *explain;
    char *match_pages; /* with explain, for paged documents: "p. 3 ..." */
    zhs_match *matches; /* with ZHS_P_MATCHES */
    unsigned nmatches;
    char *match_text;   /* their contexts, one after the other */
};

struct zhs_hits {
    zhs_results *res;
    unsigned i;
};

typedef struct facet_val {
    char *value;
    unsigned count;
} facet_val;

typedef struct facet {
    const zt_field *field;
    facet_val *v;
    unsigned n;
} facet;

struct zhs_results {
    unsigned total, count, skipped;
    unsigned long long occurrences; /* with ZHS_P_OCCURRENCES */
    zg_suggestion sugg[ZHS_MAX_SUGGESTIONS];
    unsigned nsugg;
    zy_expansion *exp; /* synonym expansions of the query */
    unsigned nexp;
    double seconds;
    zhs_hit *hits;
    zhs_hits it;
    facet *facets; /* as many as the options asked for */
    unsigned nfacets;
    char *normalized, *explain;
    zhs_index *idx;             /* on whose lazy list the results are, or NULL */
    zhs_results *prev, *next;   /* on that list */
};

/* ---- status and errors ---- */

const char *zhs_status_str(zhs_status s)
{
    switch (s) {
    case ZHS_OK: return "success";
    case ZHS_ERR_NOMEM: return "out of memory";
    case ZHS_ERR_OPEN: return "cannot open index";
    case ZHS_ERR_SCHEME: return "incompatible index";
    case ZHS_ERR_QUERY_SYNTAX: return "query syntax error";
    case ZHS_ERR_QUERY_EMPTY: return "empty query";
    case ZHS_ERR_CORRUPT: return "damaged index";
    case ZHS_ERR_MODIFIED: return "index modified during search; reopen and retry";
    case ZHS_ERR_IO: return "index read error";
    case ZHS_ERR_NETWORK: return "remote index unreachable";
    case ZHS_ERR_INVALID: return "invalid argument";
    case ZHS_ERR_INTERNAL: return "internal error";
    case ZHS_ERR_QUERY_LIMIT: return "query too large";
    case ZHS_ERR_LOCKED: return "index locked by another writer";
    case ZHS_ERR_NOT_INDEXABLE: return "not indexable";
    case ZHS_ERR_CANCELLED: return "cancelled";
    case ZHS_ERR_NOT_FOUND: return "not in the index";
    }
    return "unknown status";
}

const char *zhs_version(void)
{
    return ZHS_VERSION_STRING;
}

unsigned zhs_version_number(void)
{
    return ZHS_VERSION_NUMBER;
}

static zhs_status set_error(zhs_index *idx, zhs_status st, const char *fmt, ...)
{
    if (idx) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(idx->err, sizeof idx->err, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* The one mapping of internal codes (zerr.h) to the public ones.  Every
 * code has its case and there is no default, so -Wswitch flags a code
 * added to zerr.h and not mapped here. */
zhs_status zs_status_of(zerr_code code)
{
    switch (code) {
    case ZERR_OK: return ZHS_OK;
    case ZERR_NOMEM: return ZHS_ERR_NOMEM;
    case ZERR_OPEN: return ZHS_ERR_OPEN;
    case ZERR_LOCK: return ZHS_ERR_LOCKED;
    case ZERR_CORRUPT: return ZHS_ERR_CORRUPT;
    case ZERR_MODIFIED: return ZHS_ERR_MODIFIED;
    case ZERR_NETWORK: return ZHS_ERR_NETWORK;
    case ZERR_INVALID: return ZHS_ERR_INVALID;
    case ZERR_NOT_FOUND: case ZERR_IO: return ZHS_ERR_IO;
    case ZERR_SCHEME: return ZHS_ERR_SCHEME;
    case ZERR_SYNTAX: return ZHS_ERR_QUERY_SYNTAX;
    case ZERR_EMPTY_QUERY: return ZHS_ERR_QUERY_EMPTY;
    case ZERR_QUERY_LIMIT: return ZHS_ERR_QUERY_LIMIT;
    case ZERR_NOT_INDEXABLE: return ZHS_ERR_NOT_INDEXABLE;
    case ZERR_OTHER: return ZHS_ERR_INTERNAL;
    }
    return ZHS_ERR_INTERNAL;
}

static void lazy_settle(zhs_index *idx);

static zhs_status from_zx(const zerr *e)
{
    return zs_status_of(e->code);
}

const char *zhs_index_last_error(const zhs_index *idx)
{
    return idx ? idx->err : "out of memory";
}

/* ---- index ---- */

zhs_index *zhs_index_new(void)
{
    zhs_index *idx = calloc(1, sizeof *idx);
    if (!idx)
        return NULL;
    zx_err e;
    idx->timeout_ms = 10000;
    idx->db = zx_db_open_empty(&e);
    idx->an = za_new(&e);
    idx->codec = zd_new(3);
    if (!idx->db || !idx->an || !idx->codec) {
        zhs_index_close(idx);
        return NULL;
    }
    return idx;
}

zhs_status zhs_index_set(zhs_index *idx, zhs_index_param p, long v)
{
    if (!idx || v < 0 || (unsigned long)v > UINT_MAX)
        return set_error(idx, ZHS_ERR_INVALID, "invalid index parameter");
    switch (p) {
    case ZHS_I_TIMEOUT_MS: idx->timeout_ms = v ? v : 10000; return ZHS_OK;
    case ZHS_I_ALLOW_PARTIAL: idx->allow_partial = v != 0; return ZHS_OK;
    }
    return set_error(idx, ZHS_ERR_INVALID, "invalid index parameter");
}

zhs_status zhs_index_add(zhs_index *idx, const char *spec)
{
    if (!idx)
        return ZHS_ERR_INVALID;
    if (!spec || !*spec)
        return set_error(idx, ZHS_ERR_INVALID, "no index path given");
    zx_err e;
    if (zx_db_add_shard(idx->db, spec, (unsigned)idx->timeout_ms, &e) != ZX_OK) {
        zhs_status st = from_zx(&e);
        if (st == ZHS_ERR_IO)
            st = ZHS_ERR_OPEN;
        if (st == ZHS_ERR_NETWORK && idx->allow_partial) {
            idx->skipped++;
            set_error(idx, ZHS_OK, "%s: left out: %s", spec, e.msg);
            return ZHS_OK;
        }
        if (st == ZHS_ERR_NETWORK)
            return set_error(idx, st, "%s: shard did not answer (%s)", spec, e.msg);
        return set_error(idx, st, "%s: not a readable zhsearch index (%s)", spec, e.msg);
    }
    /* A stamp that cannot be read makes the index as unusable as a wrong one. */
    if (zt_check_index(idx->db, &e))
        return set_error(idx, ZHS_ERR_SCHEME, "%s: %s", spec, e.msg);
    return ZHS_OK;
}

zhs_status zhs_index_open(const char *path, zhs_index **out)
{
    zhs_index *idx = zhs_index_new();
    *out = idx;
    if (!idx)
        return ZHS_ERR_NOMEM;
    return zhs_index_add(idx, path);
}

unsigned zhs_index_shard_count(zhs_index *idx)
{
    return idx ? zx_db_shard_count(idx->db) : 0;
}

zhs_status zhs_index_reopen(zhs_index *idx)
{
    if (!idx || !idx->db)
        return ZHS_ERR_INVALID;
    zx_err e;
    lazy_settle(idx); /* their fields from the snapshot they were found in */
    if (zx_db_reopen(idx->db, &e) < 0)
        return set_error(idx, from_zx(&e), "reopening the index: %s", e.msg);
    zg_pinyin_free(idx->py); /* new characters may have come */
    idx->py = NULL;
    zsyn_free(idx->syn); /* and new synonym groups */
    idx->syn = NULL;
    idx->syn_read = 0;
    return ZHS_OK;
}

void zhs_index_close(zhs_index *idx)
{
    if (!idx)
        return;
    lazy_settle(idx);
    zx_db_close(idx->db);
    za_free(idx->an);
    zd_free(idx->codec);
    zg_pinyin_free(idx->py);
    zsyn_free(idx->syn);
    zn_free(idx->zn);
    free(idx);
}

unsigned zhs_index_doc_count(zhs_index *idx)
{
    return idx && idx->db ? zx_db_doccount(idx->db, NULL) : 0;
}

/* ---- options ---- */

zhs_options *zhs_options_new(void)
{
    zhs_options *o = malloc(sizeof *o);
    if (o)
        *o = default_options;
    return o;
}

/* Ask for the facet of field `name` (on) or no longer (off). */
static zhs_status set_facet(zhs_options *o, const char *name, int on)
{
    const zt_field *f = zt_field_named(name);
    if (!o || !f || !(f->flags & ZT_F_FACET))
        return ZHS_ERR_INVALID;
    unsigned row = (unsigned)(f - zt_fields), k = 0;
    while (k < o->nfacets && o->facets[k] != row)
        k++;
    if (on && k == o->nfacets) {
        if (k == MAX_FACETS)
            return ZHS_ERR_INVALID;
        o->facets[o->nfacets++] = (unsigned char)row;
    } else if (!on && k < o->nfacets) {
        memmove(o->facets + k, o->facets + k + 1, o->nfacets - k - 1);
        o->nfacets--;
    }
    return ZHS_OK;
}

zhs_status zhs_options_add_facet(zhs_options *o, const char *name)
{
    return set_facet(o, name, 1);
}

zhs_status zhs_options_set(zhs_options *o, zhs_param p, long v)
{
    /* Counts are 32-bit in Xapian: a larger offset or limit would wrap
     * around to another page instead of meaning "past the end". */
    if (!o || v < 0 || (unsigned long)v > UINT_MAX)
        return ZHS_ERR_INVALID;
    switch (p) {
    case ZHS_P_OFFSET: o->offset = v; break;
    case ZHS_P_LIMIT: o->limit = v; break;
    case ZHS_P_SORT:
        if (v > ZHS_SORT_DATE_DESC)
            return ZHS_ERR_INVALID;
        o->sort = v;
        break;
    case ZHS_P_SNIPPET_CHARS: o->snippet_chars = v > 2000 ? 2000 : v; break;
    case ZHS_P_FACET_YEAR: return set_facet(o, "year", v != 0);
    case ZHS_P_FACET_ISSUER: return set_facet(o, "issuer", v != 0);
    case ZHS_P_EXPLAIN: o->explain = v != 0; break;
    case ZHS_P_MATCHES: o->matches = v > 2000 ? 2000 : v; break;
    case ZHS_P_OCCURRENCES: o->occurrences = v != 0; break;
    case ZHS_P_SUGGEST: o->suggest = v; break;
    case ZHS_P_EXPAND: o->expand = v != 0; break;
    default: return ZHS_ERR_INVALID;
    }
    return ZHS_OK;
}

void zhs_options_free(zhs_options *o)
{
    free(o);
}

/* ---- searching ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A value slot into *out (NULL when the document has none).  Returns -1
 * with e set when it could not be read: an unreadable field is an error,
 * not an absent one. */
static int value_of(zx_doc *d, unsigned slot, char **out, zx_err *e)
{
    size_t n;
    char *v = zx_doc_value(d, slot, &n, e);
    if (v && n == 0) {
        free(v);
        v = NULL;
    } else if (!v) {
        return -1;
    }
    *out = v;
    return 0;
}

/* Fields of hits are read on first access: most callers read the path
 * and the title only, and each value is a look-up of its own in the index.
 * A hit keeps its document until every field is read; the handle settles
 * the hits of all its live results (reads what is left) before it reopens
 * or closes, so a field always comes from the snapshot that was searched. */
static unsigned all_rows(void)
{
    return zt_nfields >= 32 ? ~0u : (1u << zt_nfields) - 1;
}

/* Row k of a hit's fields (NULL when the document has none).  A field that
 * cannot be read by then reads as absent: the search read the hit's path,
 * so the document was readable. */
static const char *hit_row_value(const zhs_hit *ch, unsigned k)
{
    zhs_hit *h = (zhs_hit *)ch; /* hits belong to their results, never const objects */
    if (!h->values || k >= zt_nfields)
        return NULL;
    if (!(h->loaded & (1u << k))) {
        zx_err e;
        if (h->doc && value_of(h->doc, (unsigned)zt_fields[k].slot, &h->values[k], &e))
            h->values[k] = NULL;
        h->loaded |= 1u << k;
        if (h->loaded == all_rows()) {
            zx_doc_free(h->doc);
            h->doc = NULL;
        }
    }
    return h->values[k];
}

/* The value of the field named `name` of a hit, NULL when none. */
static const char *hit_value(const zhs_hit *h, const char *name)
{
    const zt_field *f = zt_field_named(name);
    return h && f ? hit_row_value(h, (unsigned)(f - zt_fields)) : NULL;
}

static void lazy_unlink(zhs_results *r)
{
    if (!r->idx)
        return;
    if (r->prev)
        r->prev->next = r->next;
    else
        r->idx->lazy = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->idx = NULL;
    r->prev = r->next = NULL;
}

/* Put results whose hits have fields left to read on the handle's list. */
static void lazy_link(zhs_index *idx, zhs_results *r)
{
    unsigned i = 0;
    while (i < r->count && !r->hits[i].doc)
        i++;
    if (i == r->count)
        return;
    r->idx = idx;
    r->prev = NULL;
    r->next = idx->lazy;
    if (idx->lazy)
        idx->lazy->prev = r;
    idx->lazy = r;
}

/* Read every field left of the handle's live results. */
static void lazy_settle(zhs_index *idx)
{
    while (idx->lazy) {
        zhs_results *r = idx->lazy;
        for (unsigned i = 0; i < r->count; i++)
            for (unsigned k = 0; r->hits[i].doc && k < zt_nfields; k++)
                hit_row_value(&r->hits[i], k);
        lazy_unlink(r);
    }
}

/* Make sure the codec holds the dictionary a record needs. */
static void load_dict(zhs_index *idx, const char *rec, size_t len)
{
    int64_t id = zd_record_dict(rec, len);
    if (id > 0)
        zt_load_dict(idx->db, idx->codec, (uint32_t)id);
}

/* The page (1-based) of byte offset `at` of a paged document's stored
 * text, whose pages are separated by "\f" (format.h of the indexer). */
static unsigned page_at(const char *text, size_t at)
{
    unsigned page = 1;
    for (const char *p = text; (p = memchr(p, '\f', (size_t)(text + at - p))); p++)
        page++;
    return page;
}

/* "  matches on pages: 1 (2), 3 (1)\n": the page of every match of the
 * atoms, with how many stand on it. */
static int list_match_pages(zhs_index *idx, const zbuf *text, const char *const *atoms,
                            unsigned n, char **out)
{
    zs_range *r = NULL;
    unsigned *atom_of = NULL, nr = 0;
    if (zs_find_matches(idx->an, text->data ? text->data : "", text->len, atoms, n, &r, &atom_of,
                        &nr))
        return -1;
    zbuf b = {0};
    int bad = zbuf_adds(&b, "  matches on pages:");
    unsigned page = 1, count = 0;
    size_t at = 0;
    for (unsigned i = 0; i < nr && !bad; i++) { /* ranges ascend: count "\f" once */
        unsigned p = page + page_at(text->data + at, r[i].start - at) - 1;
        at = r[i].start;
        if (p != page && count) {
            char item[32];
            snprintf(item, sizeof item, " %u (%u),", page, count);
            bad |= zbuf_adds(&b, item);
            count = 0;
        }
        page = p;
        count++;
    }
    char last[32];
    if (count)
        snprintf(last, sizeof last, " %u (%u)\n", page, count);
    else
        snprintf(last, sizeof last, " none\n");
    bad |= zbuf_adds(&b, last);
    free(r);
    free(atom_of);
    if (bad) {
        zbuf_free(&b);
        return -1;
    }
    *out = b.data;
    return 0;
}

/* The query's own words and phrases in the body, not negated: what
 * snippets highlight and concordances list. */
static unsigned body_atoms(const zq_parsed *pq, const char **atoms, unsigned max)
{
    unsigned n = 0;
    for (size_t i = 0; i < pq->natoms && n < max; i++)
        if (!pq->atoms[i].negated && pq->atoms[i].field == ZQ_BODY)
            atoms[n++] = pq->atoms[i].text;
    return n;
}

/* Start of the character `chars` characters before byte i of s. */
static size_t chars_back(const char *s, size_t i, unsigned chars)
{
    while (i > 0 && chars > 0) {
        i--;
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
            i--;
        chars--;
    }
    return i;
}

/* End of the character `chars` characters after byte i of s[0..n). */
static size_t chars_ahead(const char *s, size_t n, size_t i, unsigned chars)
{
    while (i < n && chars > 0) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars--;
    }
    return i;
}

/* Every match of the atoms in the text, with `chars` characters of
 * context each side, into h->matches (a concordance).  The atoms and the
 * contexts live in one buffer, h->match_text; line and page breaks in a
 * context become spaces, byte for byte, so offsets stay. */
static int collect_matches(zhs_index *idx, const zbuf *text, const char *const *atoms, unsigned n,
                           unsigned chars, int paged, zhs_hit *h)
{
    const char *doc = text->data ? text->data : "";
    zs_range *r = NULL;
    unsigned *atom_of = NULL, nr = 0;
    if (zs_find_matches(idx->an, doc, text->len, atoms, n, &r, &atom_of, &nr))
        return -1;
    zbuf pool = {0};
    size_t atom_at[64];
    int bad = 0;
    for (unsigned k = 0; k < n; k++) {
        atom_at[k] = pool.len;
        bad |= zbuf_add(&pool, atoms[k], strlen(atoms[k]) + 1);
    }
    size_t *ctx_at = nr ? malloc(nr * sizeof *ctx_at) : NULL;
    zhs_match *m = nr ? calloc(nr, sizeof *m) : NULL;
    bad |= nr && (!ctx_at || !m);
    unsigned page = 1;
    size_t counted = 0;
    for (unsigned i = 0; i < nr && !bad; i++) {
        size_t cs = chars_back(doc, r[i].start, chars);
        size_t ce = chars_ahead(doc, text->len, r[i].start + r[i].len, chars);
        for (; counted < r[i].start; counted++)
            page += doc[counted] == '\f';
        ctx_at[i] = pool.len;
        bad |= zbuf_add(&pool, doc + cs, ce - cs) || zbuf_addc(&pool, 0);
        for (size_t k = ctx_at[i]; !bad && k < pool.len - 1; k++)
            if (pool.data[k] == '\n' || pool.data[k] == '\r' || pool.data[k] == '\f' ||
                pool.data[k] == '\t' || pool.data[k] == '\v')
                pool.data[k] = ' ';
        m[i].context_len = ce - cs;
        m[i].start = (unsigned)(r[i].start - cs);
        m[i].len = r[i].len;
        m[i].page = paged ? page : 0;
        m[i].offset = r[i].start;
    }
    for (unsigned i = 0; i < nr && !bad; i++) { /* the pool no longer moves */
        m[i].context = pool.data + ctx_at[i];
        m[i].atom = pool.data + atom_at[atom_of[i] < n ? atom_of[i] : 0];
    }
    free(r);
    free(atom_of);
    free(ctx_at);
    if (bad) {
        free(m);
        zbuf_free(&pool);
        return -1;
    }
    h->matches = m;
    h->nmatches = nr;
    h->match_text = pool.data;
    return 0;
}

/* The stored text of a document into *text (cleared by the caller);
 * errors name the document by path. */
static zhs_status read_text(zhs_index *idx, zx_doc *doc, const char *path, zbuf *text)
{
    size_t rlen;
    zx_err e;
    char *rec = zx_doc_data(doc, &rlen, &e);
    if (!rec)
        return set_error(idx, from_zx(&e), "%s: stored text unreadable: %s",
                         path ? path : "document", e.msg);
    load_dict(idx, rec, rlen);
    int bad = zd_decode(idx->codec, rec, rlen, text, &e);
    free(rec);
    return bad ? set_error(idx, from_zx(&e), "%s: %s", path ? path : "document", e.msg) : ZHS_OK;
}

static zhs_status make_snippet(zhs_index *idx, zx_doc *doc, const zq_parsed *pq, unsigned chars,
                               int explain, unsigned match_chars, zhs_hit *h)
{
    zbuf text = {0};
    zhs_status st = read_text(idx, doc, hit_value(h, "path"), &text);
    if (st) {
        zbuf_free(&text);
        return st;
    }
    const char *atoms[64];
    unsigned n = body_atoms(pq, atoms, 64);
    int rc = chars ? zs_make(idx->an, text.data ? text.data : "", text.len, atoms, n, chars,
                             &h->snip)
                   : 0;
    if (!rc && match_chars)
        rc = collect_matches(idx, &text, atoms, n, match_chars, hit_value(h, "pages") != NULL, h);
    if (!rc && hit_value(h, "pages")) {
        if (chars && h->snip.first_at != (size_t)-1)
            h->page = page_at(text.data, h->snip.first_at);
        if (explain)
            rc = list_match_pages(idx, &text, atoms, n, &h->match_pages);
    }
    zbuf_free(&text);
    return rc ? set_error(idx, ZHS_ERR_NOMEM, "out of memory making a snippet") : ZHS_OK;
}

typedef struct facet_ctx {
    facet *f;
    int failed;
} facet_ctx;

static int facet_cb(void *vctx, const char *val, size_t len, unsigned count)
{
    facet_ctx *c = vctx;
    facet_val *v = realloc(c->f->v, (c->f->n + 1) * sizeof *v);
    if (!v)
        return c->failed = 1;
    c->f->v = v;
    v[c->f->n].value = strndup(val, len);
    if (!v[c->f->n].value)
        return c->failed = 1;
    v[c->f->n++].count = count;
    return 0;
}

#define BM25_K1 1.2
#define BM25_B 0.5
#define BM25_MIN_NORMLEN 0.5

typedef struct explain_ctx {
    zhs_index *idx;
    zbuf *b;
    unsigned docid;
    int failed;  /* out of memory */
    zx_err err;  /* a failed read of positions */
    zx_status st;
    int title_ranked; /* a title: atom weighs title terms by BM25 */
    int title_evidence; /* a title term matched a body string: the fixed weight */
} explain_ctx;

static int add_position(void *ctx, unsigned pos)
{
    explain_ctx *c = ctx;
    char p[16];
    snprintf(p, sizeof p, " %u", pos);
    if (zbuf_adds(c->b, p))
        c->failed = 1;
    return c->failed;
}

/* One matching term: its statistics, its BM25 part as Xapian computes it
 * (k2 = 0, k3 = 1) and, for character terms, where it stands. */
static int explain_term(void *vctx, const char *t, size_t n)
{
    explain_ctx *c = vctx;
    zx_db *db = c->idx->db;
    zx_err e[5];
    unsigned df = zx_db_termfreq(db, t, n, &e[0]), wdf = zx_db_wdf(db, c->docid, t, n, &e[1]);
    double N = zx_db_doccount(db, &e[2]), av = zx_db_avlength(db, &e[3]);
    double len = av > 0 ? zx_db_doclength(db, c->docid, &e[4]) / av : 1;
    for (int i = 0; i < 5; i++)
        if (e[i].code != ZX_OK && (i < 4 || av > 0)) {
            c->st = e[i].code;
            c->err = e[i];
            return 1;
        }
    if (len < BM25_MIN_NORMLEN)
        len = BM25_MIN_NORMLEN;
    double tw = (N - df + 0.5) / (df + 0.5);
    if (tw < 2)
        tw = tw * 0.5 + 1;
    double K = BM25_K1 * ((1 - BM25_B) + BM25_B * len);
    double part = wdf ? log(tw) * (BM25_K1 + 1) * wdf / (K + wdf) : 0;
    char line[400];
    int boolean = zt_term_is_boolean(t, n);
    /* A title term of a body string only decides whether the title holds
     * it: the title evidence, a fixed weight (terms.h), not a BM25 part. */
    int evidence = t[0] == ZT_FIELD_TITLE[0] && !c->title_ranked;
    c->title_evidence |= evidence;
    if (evidence)
        snprintf(line, sizeof line, "    %-12.*s wdf %-3u in %u of %.0f documents  title evidence", (int)n,
                 t, wdf, df, N);
    else
        snprintf(line, sizeof line, "    %-12.*s wdf %-3u in %u of %.0f documents  %s%.4f", (int)n, t,
                 wdf, df, N, boolean ? "boolean " : "", part);
    if (zbuf_adds(c->b, line))
        c->failed = 1;
    if (!c->failed && (t[0] == 'C' || (t[0] == 'T' && n > 1 && t[1] == 'C'))) {
        if (zbuf_adds(c->b, "  at"))
            c->failed = 1;
        zx_status st = zx_db_each_position(db, c->docid, t, n, add_position, c, &c->err);
        if (st != ZX_OK && !c->failed)
            c->st = st;
    }
    if (zbuf_adds(c->b, "\n"))
        c->failed = 1;
    return c->failed || c->st != ZX_OK;
}

static int explain_token(void *vctx, const za_token *t)
{
    zbuf *b = vctx;
    return zbuf_adds(b, t->kind == ZA_WORD ? " [" : " ") || zbuf_add(b, t->text, t->len) ||
           (t->kind == ZA_WORD && zbuf_adds(b, "]"));
}

/* The query-level explanation: normalization, segmentation, terms; NULL
 * when out of memory. */
static char *explain_query(zhs_index *idx, const zq_parsed *pq)
{
    zbuf b = {0};
    int bad = 0;
    for (size_t i = 0; i < pq->natoms && !bad; i++) {
        const zq_atom *a = &pq->atoms[i];
        char *norm = zn_normalize_utf8(za_normalizer(idx->an), a->text, strlen(a->text), NULL);
        bad = !norm || zbuf_adds(&b, "atom ") || zbuf_adds(&b, a->text) || zbuf_adds(&b, " (") ||
              zbuf_adds(&b, a->f ? a->f->name : "text") || zbuf_adds(&b, a->negated ? ", excluded)\n" : ")\n") ||
              zbuf_adds(&b, "  normalized: ") || zbuf_adds(&b, norm) ||
              zbuf_adds(&b, "\n  tokens ([words] and characters):") ||
              za_analyze(idx->an, a->text, strlen(a->text), explain_token, &b) != 0 ||
              zbuf_adds(&b, "\n");
        free(norm);
    }
    char *d = bad ? NULL : zx_q_describe(pq->query);
    if (!d || zbuf_adds(&b, "xapian query: ") || zbuf_adds(&b, d) || zbuf_adds(&b, "\n")) {
        free(d);
        zbuf_free(&b);
        return NULL;
    }
    free(d);
    return b.data;
}

static void free_hit(zhs_hit *h)
{
    zx_doc_free(h->doc);
    for (unsigned i = 0; h->values && i < zt_nfields; i++)
        free(h->values[i]);
    free(h->values);
    free(h->explain);
    free(h->match_pages);
    free(h->matches);
    free(h->match_text);
    zs_clear(&h->snip);
}

static zhs_status fill_hit(zhs_index *idx, zx_enquire *enq, zx_mset *ms, unsigned i,
                           const zq_parsed *pq, const zhs_options *o, zhs_hit *h)
{
    zx_err e;
    zx_doc *doc = zx_mset_doc(ms, i, &e);
    if (!doc)
        return set_error(idx, from_zx(&e), "reading a hit: %s", e.msg);
    h->rank = (unsigned)o->offset + i + 1;
    h->score = zx_mset_weight(ms, i);
    zhs_status st = ZHS_OK;
    h->values = calloc(zt_nfields, sizeof *h->values);
    h->doc = doc; /* the hit's own now: its fields are read on first access */
    if (!h->values)
        st = set_error(idx, ZHS_ERR_NOMEM, "out of memory");
    /* The path now: nearly every caller reads it, and a hit whose fields
     * cannot be read fails the search here. */
    const zt_field *pf = zt_field_named("path");
    unsigned prow = (unsigned)(pf - zt_fields);
    if (st == ZHS_OK && value_of(doc, (unsigned)pf->slot, &h->values[prow], &e))
        st = set_error(idx, from_zx(&e), "reading the fields of a hit: %s", e.msg);
    h->loaded |= 1u << prow;
    if (st == ZHS_OK &&
        (o->snippet_chars > 0 || o->matches > 0 || (o->explain && hit_value(h, "pages"))))
        st = make_snippet(idx, doc, pq, (unsigned)(o->snippet_chars > 0 ? o->snippet_chars : 0),
                          o->explain, (unsigned)o->matches, h);
    if (st == ZHS_OK && o->explain) {
        zbuf b = {0};
        char line[200];
        unsigned docid = zx_mset_docid(ms, i);
        zx_err le, ae;
        unsigned dl = zx_db_doclength(idx->db, docid, &le);
        double av = zx_db_avlength(idx->db, &ae);
        snprintf(line, sizeof line,
                 "  score %.4f: BM25 (k1 %.1f, b %.1f) of the ranking terms below, plus the NEAR bonus "
                 "when atoms stand together and the title evidence; document length %u (average %.0f)\n",
                 h->score, BM25_K1, BM25_B, dl, av);
        explain_ctx c = {.idx = idx, .b = &b, .docid = docid};
        for (size_t k = 0; k < pq->natoms; k++)
            c.title_ranked |= pq->atoms[k].field == ZQ_FIELD && pq->atoms[k].f &&
                              pq->atoms[k].f->prefix && !strcmp(pq->atoms[k].f->prefix, ZT_FIELD_TITLE);
        if (le.code != ZX_OK || ae.code != ZX_OK) {
            c.st = le.code != ZX_OK ? le.code : ae.code;
            c.err = le.code != ZX_OK ? le : ae;
        }
        zx_status xs = c.st != ZX_OK      ? c.st
                       : zbuf_adds(&b, line) ? ZX_ERR_NOMEM
                                           : zx_enquire_matching_terms(enq, docid, explain_term, &c, &e);
        if (c.failed || xs == ZX_ERR_NOMEM) {
            st = set_error(idx, ZHS_ERR_NOMEM, "explaining a hit: out of memory");
        } else if (c.st != ZX_OK) {
            st = set_error(idx, from_zx(&c.err), "explaining a hit: %s", c.err.msg);
        } else if (xs != ZX_OK) {
            st = set_error(idx, from_zx(&e), "explaining a hit: %s", e.msg);
        }
        if (st == ZHS_OK && c.title_evidence && !c.failed &&
            zbuf_adds(&b, "  title terms count only as title evidence: when the title holds a query "
                          "string whole, a fixed weight, its share of the title times "
                          ZT_TITLE_BONUS_TEXT " (less for strings of one or two characters); "
                          "nothing otherwise\n"))
            st = set_error(idx, ZHS_ERR_NOMEM, "explaining a hit: out of memory");
        if (st == ZHS_OK && h->match_pages && zbuf_adds(&b, h->match_pages))
            st = set_error(idx, ZHS_ERR_NOMEM, "explaining a hit: out of memory");
        h->explain = b.data;
    }
    return st;
}

/* Add n occurrences to value v of facet f. */
static int facet_add(facet *f, const char *v, unsigned n)
{
    for (unsigned i = 0; i < f->n; i++)
        if (!strcmp(f->v[i].value, v)) {
            f->v[i].count += n;
            return 0;
        }
    facet_val *nv = realloc(f->v, (f->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    f->v = nv;
    if (!(nv[f->n].value = strdup(v)))
        return -1;
    nv[f->n++].count = n;
    return 0;
}

static int by_count(const void *a, const void *b)
{
    const facet_val *x = a, *y = b;
    return x->count != y->count ? (x->count < y->count ? 1 : -1) : strcmp(x->value, y->value);
}

static void free_facet_values(facet *f)
{
    for (unsigned i = 0; i < f->n; i++)
        free(f->v[i].value);
    free(f->v);
    f->v = NULL;
    f->n = 0;
}

/* The occurrences of the atoms in one document, added to the total and
 * to its facet values (ZHS_P_OCCURRENCES). */
static zhs_status doc_occurrences(zhs_index *idx, zx_doc *doc, const char *const *atoms,
                                  unsigned n, zhs_results *r)
{
    zbuf text = {0};
    char *path = zx_doc_value(doc, ZT_SLOT_PATH, NULL, NULL);
    zs_range *rg = NULL;
    unsigned *atom_of = NULL, nr = 0;
    zhs_status st = read_text(idx, doc, path, &text);
    if (st == ZHS_OK && zs_find_matches(idx->an, text.data ? text.data : "", text.len, atoms, n,
                                        &rg, &atom_of, &nr))
        st = set_error(idx, ZHS_ERR_NOMEM, "counting occurrences: out of memory");
    r->occurrences += nr;
    for (unsigned k = 0; k < r->nfacets && st == ZHS_OK && nr; k++) {
        char *v = zx_doc_value(doc, (unsigned)r->facets[k].field->slot, NULL, NULL);
        if (v && *v && facet_add(&r->facets[k], v, nr))
            st = set_error(idx, ZHS_ERR_NOMEM, "counting occurrences: out of memory");
        free(v);
    }
    free(rg);
    free(atom_of);
    free(path);
    zbuf_free(&text);
    return st;
}

static void sort_facets(zhs_results *r)
{
    for (unsigned k = 0; k < r->nfacets; k++)
        if (r->facets[k].n > 1)
            qsort(r->facets[k].v, r->facets[k].n, sizeof *r->facets[k].v, by_count);
}

/* ZHS_P_OCCURRENCES: the occurrences of the query in every matching
 * document, in all and per facet value (facets then count occurrences,
 * not documents).  Reads the stored text of every match. */
static zhs_status count_occurrences(zhs_index *idx, zx_enquire *enq, const zq_parsed *pq,
                                    zhs_results *r)
{
    zx_err e;
    const char *atoms[64];
    unsigned n = body_atoms(pq, atoms, 64);
    for (unsigned k = 0; k < r->nfacets; k++)
        free_facet_values(&r->facets[k]);
    zhs_status st = ZHS_OK;
    for (unsigned first = 0; first < r->total && st == ZHS_OK; first += 1000) {
        zx_mset *ms = zx_enquire_mset(enq, first, 1000, 0, &e);
        if (!ms)
            return set_error(idx, from_zx(&e), "counting occurrences: %s", e.msg);
        unsigned size = zx_mset_size(ms);
        for (unsigned i = 0; i < size && st == ZHS_OK; i++) {
            zx_doc *doc = zx_mset_doc(ms, i, &e);
            st = doc ? doc_occurrences(idx, doc, atoms, n, r)
                     : set_error(idx, from_zx(&e), "counting occurrences: %s", e.msg);
            zx_doc_free(doc);
        }
        zx_mset_free(ms);
    }
    sort_facets(r);
    return st;
}

/* The enquire of a parsed query with the options' sort. */
static zhs_status prepare(zhs_index *idx, const zq_parsed *pq, const zhs_options *o,
                          zx_enquire **out)
{
    zx_err e;
    zx_enquire *enq = *out = zx_enquire_new(idx->db, &e);
    if (!enq)
        return set_error(idx, from_zx(&e), "%s", e.msg);
    if (zx_enquire_set_query(enq, pq->query, &e) != ZX_OK ||
        zx_enquire_set_bm25(enq, BM25_K1, 0, 1, BM25_B, BM25_MIN_NORMLEN, &e) != ZX_OK ||
        ((o->sort == ZHS_SORT_DATE || o->sort == ZHS_SORT_DATE_DESC) &&
         zx_enquire_set_sort(enq, ZT_SLOT_SORTDATE, o->sort == ZHS_SORT_DATE_DESC, &e) != ZX_OK))
        return set_error(idx, from_zx(&e), "searching: %s", e.msg);
    return ZHS_OK;
}

static zhs_status new_facets(zhs_index *idx, const zhs_options *o, zhs_results *r)
{
    r->facets = o->nfacets ? calloc(o->nfacets, sizeof *r->facets) : NULL;
    if (o->nfacets && !r->facets)
        return set_error(idx, ZHS_ERR_NOMEM, "out of memory");
    r->nfacets = o->nfacets;
    for (unsigned k = 0; k < o->nfacets; k++)
        r->facets[k].field = &zt_fields[o->facets[k]];
    return ZHS_OK;
}

/* Does a candidate satisfy the query's NEAR/SENTENCE/PARAGRAPH operators?
 * 1, 0, or -1 with the error set. */
static int candidate_holds(zhs_index *idx, zx_doc *doc, const zp_query *zp)
{
    zbuf text = {0};
    char *path = zx_doc_value(doc, ZT_SLOT_PATH, NULL, NULL);
    char *pages = zx_doc_value(doc, ZT_SLOT_PAGES, NULL, NULL);
    int holds = read_text(idx, doc, path, &text) ? -1
                : zp_holds(idx->an, text.data ? text.data : "", text.len, pages && *pages, zp);
    if (holds < 0 && !idx->err[0])
        set_error(idx, ZHS_ERR_NOMEM, "checking NEAR, SENTENCE, PARAGRAPH: out of memory");
    free(path);
    free(pages);
    zbuf_free(&text);
    return holds;
}

/* A query with NEAR, SENTENCE or PARAGRAPH (proximity.h): Xapian's match
 * set of the operands is a superset; every candidate's text is checked, in
 * the match set's order, so the total, the page and the facets are those
 * of the documents that hold. */
static zhs_status run_filtered(zhs_index *idx, const zq_parsed *pq, const zp_query *zp,
                               const zhs_options *o, zhs_results *r)
{
    zx_err e;
    zx_enquire *enq = NULL;
    zx_mset *ms = NULL;
    unsigned *keep = NULL, nkeep = 0;
    const char *atoms[64];
    unsigned natoms = body_atoms(pq, atoms, 64);
    zhs_status st = prepare(idx, pq, o, &enq);
    if (st == ZHS_OK)
        st = new_facets(idx, o, r);
    unsigned ndocs = st == ZHS_OK ? zx_db_doccount(idx->db, &e) : 0;
    if (st == ZHS_OK && !(ms = zx_enquire_mset(enq, 0, ndocs, ndocs, &e)))
        st = set_error(idx, from_zx(&e), "searching: %s", e.msg);
    unsigned size = ms ? zx_mset_size(ms) : 0;
    if (st == ZHS_OK && size && !(keep = malloc(size * sizeof *keep)))
        st = set_error(idx, ZHS_ERR_NOMEM, "out of memory");
    for (unsigned i = 0; i < size && st == ZHS_OK; i++) {
        zx_doc *doc = zx_mset_doc(ms, i, &e);
        int holds = doc ? candidate_holds(idx, doc, zp) : -1;
        if (!doc)
            st = set_error(idx, from_zx(&e), "searching: %s", e.msg);
        else if (holds < 0)
            st = idx->err[0] ? ZHS_ERR_IO : ZHS_ERR_NOMEM;
        else if (holds) {
            keep[nkeep++] = i;
            if (o->occurrences)
                st = doc_occurrences(idx, doc, atoms, natoms, r);
            for (unsigned k = 0; k < r->nfacets && st == ZHS_OK && !o->occurrences; k++) {
                char *v = zx_doc_value(doc, (unsigned)r->facets[k].field->slot, NULL, NULL);
                if (v && *v && facet_add(&r->facets[k], v, 1))
                    st = set_error(idx, ZHS_ERR_NOMEM, "out of memory");
                free(v);
            }
        }
        zx_doc_free(doc);
    }
    sort_facets(r);
    r->total = nkeep;
    unsigned first = (unsigned long)o->offset > nkeep ? nkeep : (unsigned)o->offset;
    unsigned max = o->limit == 0 || (unsigned long)o->limit > nkeep - first ? nkeep - first
                                                                            : (unsigned)o->limit;
    r->count = st == ZHS_OK ? max : 0;
    if (r->count && !(r->hits = calloc(r->count, sizeof *r->hits))) {
        r->count = 0;
        st = set_error(idx, ZHS_ERR_NOMEM, "out of memory");
    }
    for (unsigned k = 0; k < r->count && st == ZHS_OK; k++) {
        st = fill_hit(idx, enq, ms, keep[first + k], pq, o, &r->hits[k]);
        r->hits[k].rank = first + k + 1;
    }
    free(keep);
    zx_mset_free(ms);
    zx_enquire_free(enq);
    return st;
}

static zhs_status run_search(zhs_index *idx, const zq_parsed *pq, const zhs_options *o,
                             zhs_results *r)
{
    zx_err e;
    zx_enquire *enq = NULL;
    zx_mset *ms = NULL;
    int spy[MAX_FACETS];
    zhs_status st = prepare(idx, pq, o, &enq);
    if (st)
        goto done;
    for (unsigned k = 0; k < o->nfacets; k++) {
        if ((spy[k] = zx_enquire_add_facet(enq, (unsigned)zt_fields[o->facets[k]].slot, &e)) < 0) {
            st = set_error(idx, from_zx(&e), "counting facets: %s", e.msg);
            goto done;
        }
    }
    if ((st = new_facets(idx, o, r)))
        goto done;
    unsigned ndocs = zx_db_doccount(idx->db, &e);
    if (e.code != ZX_OK) {
        st = set_error(idx, from_zx(&e), "searching: %s", e.msg);
        goto done;
    }
    /* No page reaches past the last document: first + max stays in range. */
    unsigned first = (unsigned long)o->offset > ndocs ? ndocs : (unsigned)o->offset;
    unsigned max = o->limit == 0 || (unsigned long)o->limit > ndocs ? ndocs : (unsigned)o->limit;
    /* Exact totals: Xapian visits every match, unless the query matches
     * through one term, whose count it knows; then the match set can stop
     * as soon as no other document can make the page.  Facets see every
     * match. */
    int all = o->nfacets > 0 || !pq->one_term;
    ms = zx_enquire_mset(enq, first, max, all ? ndocs : 0, &e);
    if (!ms) {
        st = set_error(idx, from_zx(&e), "searching: %s", e.msg);
        goto done;
    }
    int exact;
    r->total = zx_mset_total(ms, &exact);
    if (!exact && zx_enquire_count(enq, &r->total, &e) != ZX_OK) {
        st = set_error(idx, from_zx(&e), "counting: %s", e.msg);
        goto done;
    }
    r->count = zx_mset_size(ms);
    r->hits = r->count ? calloc(r->count, sizeof *r->hits) : NULL;
    if (r->count && !r->hits) {
        st = set_error(idx, ZHS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (unsigned i = 0; i < r->count && st == ZHS_OK; i++)
        st = fill_hit(idx, enq, ms, i, pq, o, &r->hits[i]);
    /* Facets that could not be counted are an error, never empty facets. */
    for (unsigned k = 0; k < r->nfacets && st == ZHS_OK; k++) {
        facet_ctx fc = {&r->facets[k], 0};
        zx_status fs = zx_enquire_each_facet(enq, spy[k], facet_cb, &fc, &e);
        if (fc.failed)
            st = set_error(idx, ZHS_ERR_NOMEM, "counting facets: out of memory");
        else if (fs != ZX_OK)
            st = set_error(idx, from_zx(&e), "counting %s facets: %s", r->facets[k].field->name, e.msg);
    }
    if (st == ZHS_OK && o->occurrences)
        st = count_occurrences(idx, enq, pq, r);
done:
    zx_mset_free(ms);
    zx_enquire_free(enq);
    return st;
}

/* Leave out shards that do not answer; true when any was dropped. */
static int drop_dead_shards(zhs_index *idx)
{
    int dropped = 0;
    zx_err e;
    for (unsigned i = zx_db_shard_count(idx->db); i-- > 0;) {
        if (zx_db_shard_probe(idx->db, i, &e) == ZX_ERR_NETWORK && zx_db_drop_shard(idx->db, i, &e) == ZX_OK) {
            idx->skipped++;
            dropped = 1;
        }
    }
    return dropped;
}

/* The documents a query matches, for suggestions; -1 on error. */
static long count_query(void *ctx, const char *query)
{
    zhs_index *idx = ctx;
    zq_parsed pq;
    zerr e;
    zx_err xe;
    if (zq_parse(idx->an, query, &pq, &e) != ZERR_OK)
        return -1;
    long n = -1;
    unsigned total;
    zx_enquire *enq = zx_enquire_new(idx->db, &xe);
    if (enq && zx_enquire_set_query(enq, pq.query, &xe) == ZX_OK &&
        zx_enquire_count(enq, &total, &xe) == ZX_OK)
        n = (long)total;
    zx_enquire_free(enq);
    zq_parsed_clear(&pq);
    return n;
}

/* Variants of a query that found little (suggest.h). */
static zhs_status suggest(zhs_index *idx, const zq_parsed *pq, zhs_results *r)
{
    const char *words[64];
    unsigned n = body_atoms(pq, words, 64);
    if (zg_suggest(idx->db, &idx->py, r->normalized ? r->normalized : "", words, n, r->total,
                   count_query, idx, r->sugg, ZHS_MAX_SUGGESTIONS, &r->nsugg))
        return set_error(idx, ZHS_ERR_NOMEM, "suggesting: out of memory");
    return ZHS_OK;
}

/* The index's synonym groups (synonyms.h), read once per snapshot. */
static zhs_status load_synonyms(zhs_index *idx)
{
    if (idx->syn_read)
        return ZHS_OK;
    zerr e;
    zx_err xe;
    if (!idx->zn && !(idx->zn = zn_new(&e)))
        return set_error(idx, from_zx(&e), "synonyms: %s", e.msg);
    char *val = NULL;
    size_t len = 0;
    if (zx_db_get_metadata(idx->db, ZSYN_META_KEY, &val, &len, &xe) != ZX_OK)
        return set_error(idx, from_zx(&xe), "reading the synonym groups: %s", xe.msg);
    zerr_code rc = len ? zsyn_parse(idx->zn, val, len, &idx->syn, &e) : ZERR_OK;
    free(val);
    if (rc)
        return set_error(idx, from_zx(&e), "the index's synonym groups: %s", e.msg);
    idx->syn_read = 1;
    return ZHS_OK;
}

/* "~word" anywhere, or --expand: the query with synonym groups expanded. */
static zhs_status expand_query(zhs_index *idx, const char *query, const zhs_options *o,
                               char **out, zy_expansion **exp, unsigned *nexp)
{
    *out = NULL;
    if (!o->expand && !strchr(query, '~') && !strstr(query, "\xEF\xBD\x9E"))
        return ZHS_OK;
    zhs_status st = load_synonyms(idx);
    if (st)
        return st;
    if (zy_expand(idx->syn, idx->zn, query, o->expand, out, exp, nexp))
        return set_error(idx, ZHS_ERR_NOMEM, "expanding synonyms: out of memory");
    return ZHS_OK;
}

/* A query as a search reads it: synonym expansion (~word, ZHS_P_EXPAND),
 * then NEAR/BEFORE/SENTENCE/PARAGRAPH taken out (proximity.h), then the
 * parser.  On success the caller owns *pq, *zp, *expanded (the expanded
 * text or NULL) and the expansions; on failure all are freed and the
 * error is set. */
static zhs_status read_query(zhs_index *idx, const char *query, const zhs_options *o,
                             zq_parsed *pq, zp_query *zp, char **expanded, zy_expansion **exp,
                             unsigned *nexp)
{
    zerr e;
    *exp = NULL;
    *nexp = 0;
    zhs_status st = expand_query(idx, query, o, expanded, exp, nexp);
    if (st)
        return st;
    const char *q = *expanded ? *expanded : query;
    if (zp_parse(q, zp, &e) != ZERR_OK || zq_parse(idx->an, zp->nc ? zp->rewritten : q, pq, &e) != ZERR_OK) {
        zp_clear(zp);
        free(*expanded);
        *expanded = NULL;
        zy_free(*exp, *nexp);
        *exp = NULL;
        *nexp = 0;
        return set_error(idx, from_zx(&e), "%s", e.msg);
    }
    return ZHS_OK;
}


/* line put before the explanation r has so far (it then owns the
 * bytes); 0, or -1 out of memory (line freed). */
static int explain_prepend(zhs_results *r, zbuf *line)
{
    if (zbuf_adds(line, r->explain)) {
        zbuf_free(line);
        return -1;
    }
    free(r->explain);
    r->explain = line->data;
    return 0;
}

zhs_status zhs_search(zhs_index *idx, const char *query, const zhs_options *opts, zhs_results **out)
{
    *out = NULL;
    if (!idx || !idx->db || !query)
        return set_error(idx, ZHS_ERR_INVALID, "no index or no query");
    const zhs_options *o = opts ? opts : &default_options;
    double t0 = now();
    idx->err[0] = 0;
    zq_parsed pq;
    zp_query zp;
    char *expanded;
    zy_expansion *exp;
    unsigned nexp;
    zhs_status xst = read_query(idx, query, o, &pq, &zp, &expanded, &exp, &nexp);
    if (xst)
        return xst;
    zhs_results *r = calloc(1, sizeof *r);
    if (!r) {
        free(expanded);
        zq_parsed_clear(&pq);
        zp_clear(&zp);
        zy_free(exp, nexp);
        return set_error(idx, ZHS_ERR_NOMEM, "out of memory");
    }
    r->exp = exp;
    r->nexp = nexp;
    r->normalized = pq.normalized; /* the results own it now */
    pq.normalized = NULL;
    if (zp.nc) { /* the parser saw no operators: say them again */
        free(r->normalized);
        r->normalized = strdup(expanded ? expanded : query);
    }
    free(expanded);
    if (!r->normalized || (o->explain && !(r->explain = explain_query(idx, &pq)))) {
        zq_parsed_clear(&pq);
        zp_clear(&zp);
        zhs_results_free(r);
        return set_error(idx, ZHS_ERR_NOMEM, "explaining the query: out of memory");
    }
    int bad = 0;
    for (unsigned k = zp.nc; r->explain && k > 0 && !bad; k--) { /* proximity, checked on the text */
        const zp_constraint *c = &zp.c[k - 1];
        char head[96];
        zbuf x = {0};
        snprintf(head, sizeof head, c->kind == ZP_NEAR ? " NEAR/%u " : c->kind == ZP_BEFORE ? " BEFORE/%u "
                 : c->kind == ZP_SENTENCE ? " SENTENCE " : " PARAGRAPH ", c->n);
        bad = zbuf_adds(&x, "proximity: ") || zbuf_adds(&x, zp.words[c->a]) ||
              zbuf_adds(&x, head) || zbuf_adds(&x, zp.words[c->b]) ||
              zbuf_adds(&x, " (the operands as an AND; each candidate's text checked)\n") ||
              explain_prepend(r, &x);
        if (bad)
            zbuf_free(&x);
    }
    for (unsigned i = 0; r->explain && i < r->nexp && !bad; i++) { /* what ~word became */
        zbuf x = {0};
        const char *m = r->exp[i].members;
        bad = zbuf_adds(&x, "synonyms: ") || zbuf_adds(&x, r->exp[i].word) ||
              zbuf_adds(&x, *m ? " -> " : " (no group: searched as it is)") ||
              zbuf_adds(&x, m) || zbuf_addc(&x, '\n') || explain_prepend(r, &x);
        if (bad)
            zbuf_free(&x);
    }
    if (bad) {
        zq_parsed_clear(&pq);
        zp_clear(&zp);
        zhs_results_free(r);
        return set_error(idx, ZHS_ERR_NOMEM, "explaining the query: out of memory");
    }
    zhs_status st = zp.nc ? run_filtered(idx, &pq, &zp, o, r) : run_search(idx, &pq, o, r);
    if (st == ZHS_ERR_NETWORK && !idx->allow_partial)
        strncat(idx->err, " (a shard did not answer; ZHS_I_ALLOW_PARTIAL goes on without it)",
                sizeof idx->err - strlen(idx->err) - 1);
    /* A reader overtaken by the indexer retries once on the newest commit;
     * with partial results allowed, shards that stopped answering are left
     * out and the search runs again on the others. */
    if ((st == ZHS_ERR_MODIFIED && zhs_index_reopen(idx) == ZHS_OK) ||
        (st == ZHS_ERR_NETWORK && idx->allow_partial && drop_dead_shards(idx))) {
        zhs_results *again = calloc(1, sizeof *again);
        if (!again) {
            st = set_error(idx, ZHS_ERR_NOMEM, "out of memory");
        } else {
            /* the query's normalized form and explanation still hold */
            again->normalized = r->normalized;
            again->explain = r->explain;
            r->normalized = r->explain = NULL;
            zhs_results_free(r);
            r = again;
            st = zp.nc ? run_filtered(idx, &pq, &zp, o, r) : run_search(idx, &pq, o, r);
        }
    }
    if (r)
        r->skipped = idx->skipped;
    if (st == ZHS_OK && r->total < (unsigned long)o->suggest)
        st = suggest(idx, &pq, r);
    zq_parsed_clear(&pq);
    zp_clear(&zp);
    if (st != ZHS_OK) {
        zhs_results_free(r);
        return st;
    }
    lazy_link(idx, r);
    r->seconds = now() - t0;
    *out = r;
    return ZHS_OK;
}


void zhs_results_free(zhs_results *r)
{
    if (!r)
        return;
    lazy_unlink(r);
    for (unsigned i = 0; i < r->count && r->hits; i++)
        free_hit(&r->hits[i]);
    free(r->hits);
    for (unsigned k = 0; k < r->nfacets; k++)
        free_facet_values(&r->facets[k]);
    free(r->facets);
    for (unsigned i = 0; i < r->nsugg; i++)
        free(r->sugg[i].query);
    zy_free(r->exp, r->nexp);
    free(r->normalized);
    free(r->explain);
    free(r);
}

unsigned zhs_results_total(const zhs_results *r) { return r ? r->total : 0; }
unsigned zhs_results_count(const zhs_results *r) { return r ? r->count : 0; }
unsigned zhs_results_shards_skipped(const zhs_results *r) { return r ? r->skipped : 0; }
double zhs_results_seconds(const zhs_results *r) { return r ? r->seconds : 0; }
const char *zhs_results_normalized_query(const zhs_results *r) { return r && r->normalized ? r->normalized : ""; }
const char *zhs_results_explain(const zhs_results *r) { return r && r->explain ? r->explain : ""; }

const char *zhs_results_facet(const zhs_results *r, const char *name, unsigned i, unsigned *count)
{
    if (!r || !name)
        return NULL;
    const facet *f = NULL;
    for (unsigned k = 0; k < r->nfacets && !f; k++)
        if (!strcmp(r->facets[k].field->name, name))
            f = &r->facets[k];
    if (!f || i >= f->n)
        return NULL;
    if (count)
        *count = f->v[i].count;
    return f->v[i].value;
}

zhs_hits *zhs_results_hits(zhs_results *r)
{
    if (!r)
        return NULL;
    r->it.res = r;
    r->it.i = 0;
    return &r->it;
}

int zhs_hits_valid(const zhs_hits *it) { return it && it->i < it->res->count; }
const zhs_hit *zhs_hits_get(const zhs_hits *it) { return zhs_hits_valid(it) ? &it->res->hits[it->i] : NULL; }
void zhs_hits_next(zhs_hits *it)
{
    if (zhs_hits_valid(it))
        it->i++;
}

const zhs_hit *zhs_results_hit(const zhs_results *r, unsigned i)
{
    return r && i < r->count ? &r->hits[i] : NULL;
}

unsigned zhs_hit_rank(const zhs_hit *h) { return h ? h->rank : 0; }
double zhs_hit_score(const zhs_hit *h) { return h ? h->score : 0; }
const char *zhs_hit_path(const zhs_hit *h) { return hit_value(h, "path") ? hit_value(h, "path") : ""; }
const char *zhs_hit_title(const zhs_hit *h) { return hit_value(h, "title") ? hit_value(h, "title") : ""; }

const char *zhs_hit_field(const zhs_hit *h, const char *name)
{
    return hit_value(h, name);
}

int zhs_hit_year(const zhs_hit *h) { return hit_value(h, "year") ? atoi(hit_value(h, "year")) : 0; }

/* The row of the i-th field listed with a hit, zt_nfields past the end. */
static unsigned hit_row(const zhs_hit *h, unsigned i)
{
    unsigned k = 0;
    for (; h && h->values && k < zt_nfields; k++)
        if ((zt_fields[k].flags & ZT_F_HIT) && hit_row_value(h, k) && i-- == 0)
            return k;
    return zt_nfields;
}

unsigned zhs_hit_field_count(const zhs_hit *h)
{
    unsigned n = 0;
    while (hit_row(h, n) < zt_nfields)
        n++;
    return n;
}

const char *zhs_hit_field_name(const zhs_hit *h, unsigned i)
{
    unsigned k = hit_row(h, i);
    return k < zt_nfields ? zt_fields[k].name : NULL;
}

const char *zhs_hit_field_value(const zhs_hit *h, unsigned i)
{
    unsigned k = hit_row(h, i);
    return k < zt_nfields ? h->values[k] : NULL;
}

/* The public flags are the table's own. */
#define SAME(a, b) ((int)(a) == (int)(b))
_Static_assert(SAME(ZHS_FIELD_TEXT, ZT_F_TEXT) && SAME(ZHS_FIELD_RANGE, ZT_F_RANGE) &&
                   SAME(ZHS_FIELD_FACET, ZT_F_FACET) && SAME(ZHS_FIELD_HIT, ZT_F_HIT) &&
                   SAME(ZHS_FIELD_BRIEF, ZT_F_BRIEF) && SAME(ZHS_FIELD_NUMBER, ZT_F_NUMBER) &&
                   SAME(ZHS_FIELD_EXACT, ZT_F_EXACT) && SAME(ZHS_FIELD_BOOLEAN, ZT_F_BOOLEAN),
               "ZHS_FIELD_* and ZT_F_* differ");
#undef SAME

const char *zhs_field_info(unsigned i, unsigned *flags)
{
    unsigned pub = ZHS_FIELD_TEXT | ZHS_FIELD_RANGE | ZHS_FIELD_FACET | ZHS_FIELD_HIT |
                   ZHS_FIELD_BRIEF | ZHS_FIELD_NUMBER | ZHS_FIELD_EXACT | ZHS_FIELD_BOOLEAN;
    if (flags)
        *flags = i < zt_nfields ? zt_fields[i].flags & pub : 0;
    return i < zt_nfields ? zt_fields[i].name : NULL;
}

const char *zhs_hit_snippet(const zhs_hit *h, size_t *len)
{
    if (len)
        *len = h ? h->snip.text.len : 0;
    return h && h->snip.text.data ? h->snip.text.data : "";
}

const zhs_range *zhs_hit_highlights(const zhs_hit *h, unsigned *n)
{
    if (n)
        *n = h ? h->snip.nranges : 0;
    /* zs_range and zhs_range have the same layout by construction. */
    return h ? (const zhs_range *)h->snip.ranges : NULL;
}

unsigned zhs_hit_page(const zhs_hit *h) { return h ? h->page : 0; }

const zhs_match *zhs_hit_matches(const zhs_hit *h, unsigned *n)
{
    if (n)
        *n = h ? h->nmatches : 0;
    return h ? h->matches : NULL;
}

unsigned long long zhs_results_occurrences(const zhs_results *r) { return r ? r->occurrences : 0; }

/* ---- one document ---- */

struct zhs_document {
    zhs_hit hit;        /* its fields */
    zbuf text;          /* the stored text, "\f" between pages */
    zs_range *ranges;   /* every match of the query */
    unsigned *pages;    /* the page of each, 0 when unpaged */
    unsigned nranges;
};

void zhs_document_free(zhs_document *d)
{
    if (!d)
        return;
    free_hit(&d->hit);
    zbuf_free(&d->text);
    free(d->ranges);
    free(d->pages);
    free(d);
}

/* Matches of the query's words and phrases in the document's text, and
 * the page of each. */
static zhs_status read_query(zhs_index *idx, const char *query, const zhs_options *o,
                             zq_parsed *pq, zp_query *zp, char **expanded, zy_expansion **exp,
                             unsigned *nexp);

static zhs_status document_matches(zhs_index *idx, zhs_document *d, const char *query)
{
    zq_parsed pq;
    zp_query zp;
    char *expanded;
    zy_expansion *exp;
    unsigned nexp;
    /* as a search reads it: ~word expanded, NEAR and the like between
     * words that are highlighted as such */
    zhs_status st = read_query(idx, query, &default_options, &pq, &zp, &expanded, &exp, &nexp);
    if (st)
        return st;
    zp_clear(&zp);
    free(expanded);
    zy_free(exp, nexp);
    const char *atoms[64];
    unsigned n = body_atoms(&pq, atoms, 64), *atom_of = NULL;
    int bad = zs_find_matches(idx->an, d->text.data ? d->text.data : "", d->text.len, atoms, n,
                              &d->ranges, &atom_of, &d->nranges);
    free(atom_of);
    zq_parsed_clear(&pq);
    if (!bad && d->nranges && !(d->pages = calloc(d->nranges, sizeof *d->pages)))
        bad = 1;
    unsigned page = 1;
    size_t counted = 0;
    int paged = hit_value(&d->hit, "pages") != NULL;
    for (unsigned i = 0; !bad && i < d->nranges; i++) {
        for (; counted < d->ranges[i].start; counted++)
            page += d->text.data[counted] == '\f';
        d->pages[i] = paged ? page : 0;
    }
    return bad ? set_error(idx, ZHS_ERR_NOMEM, "out of memory") : ZHS_OK;
}

zhs_status zhs_index_document(zhs_index *idx, const char *path, const char *query,
                              zhs_document **out)
{
    *out = NULL;
    if (!idx || !idx->db || !path)
        return set_error(idx, ZHS_ERR_INVALID, "no index or no path");
    idx->err[0] = 0;
    zhs_document *d = calloc(1, sizeof *d);
    zbuf term = {0};
    zx_err e;
    if (!d)
        return set_error(idx, ZHS_ERR_NOMEM, "out of memory");
    zt_id_term(path, &term);
    if (!term.data) {
        free(d);
        return set_error(idx, ZHS_ERR_NOMEM, "out of memory");
    }
    unsigned id = zx_db_find_doc(idx->db, term.data, term.len, &e);
    zbuf_free(&term);
    zx_doc *doc = id ? zx_db_get_doc(idx->db, id, &e) : NULL;
    zhs_status st = ZHS_OK;
    if (!doc)
        st = e.code != ZX_OK ? set_error(idx, from_zx(&e), "%s: %s", path, e.msg)
                             : set_error(idx, ZHS_ERR_NOT_FOUND, "%s: not in the index", path);
    else if (!(d->hit.values = calloc(zt_nfields, sizeof *d->hit.values)))
        st = set_error(idx, ZHS_ERR_NOMEM, "out of memory");
    for (unsigned k = 0; k < zt_nfields && st == ZHS_OK; k++)
        if (value_of(doc, (unsigned)zt_fields[k].slot, &d->hit.values[k], &e))
            st = set_error(idx, from_zx(&e), "%s: reading its fields: %s", path, e.msg);
    d->hit.loaded = all_rows();
    if (st == ZHS_OK)
        st = read_text(idx, doc, path, &d->text);
    if (st == ZHS_OK && query && *query)
        st = document_matches(idx, d, query);
    zx_doc_free(doc);
    if (st != ZHS_OK) {
        zhs_document_free(d);
        return st;
    }
    *out = d;
    return ZHS_OK;
}

const char *zhs_document_text(const zhs_document *d, size_t *len)
{
    if (len)
        *len = d ? d->text.len : 0;
    return d && d->text.data ? d->text.data : "";
}

const zhs_range *zhs_document_highlights(const zhs_document *d, unsigned *n)
{
    if (n)
        *n = d ? d->nranges : 0;
    return d ? (const zhs_range *)d->ranges : NULL;
}

unsigned zhs_document_page(const zhs_document *d, unsigned i)
{
    return d && i < d->nranges ? d->pages[i] : 0;
}

const zhs_hit *zhs_document_hit(const zhs_document *d) { return d ? &d->hit : NULL; }

const char *zhs_results_expansion(const zhs_results *r, unsigned i, const char **members)
{
    if (!r || i >= r->nexp)
        return NULL;
    if (members)
        *members = r->exp[i].members;
    return r->exp[i].word;
}

const char *zhs_results_suggestion(const zhs_results *r, unsigned i, unsigned *count)
{
    if (!r || i >= r->nsugg)
        return NULL;
    if (count)
        *count = r->sugg[i].count;
    return r->sugg[i].query;
}

const char *zhs_hit_explain(const zhs_hit *h) { return h && h->explain ? h->explain : ""; }
