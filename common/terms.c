/* terms.c - the term scheme; documented in terms.h. */
#include "terms.h"
#include "docstore.h"
#include "zbuf.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unicode/uversion.h>

/* ---- fields: the table documented in terms.h ---- */

/* Row order is the order hits list their fields (JSON output included). */
const zt_field zt_fields[] = {
    {"path", NULL, ZT_SLOT_PATH, ZT_F_HIT},
    {"title", ZT_FIELD_TITLE, ZT_SLOT_TITLE, ZT_F_TEXT | ZT_F_RANK | ZT_F_HIT},
    {"issuer", ZT_FIELD_ISSUER, ZT_SLOT_ISSUER, ZT_F_TEXT | ZT_F_FACET | ZT_F_HIT | ZT_F_BRIEF},
    {"region", ZT_FIELD_ISSUER, ZT_SLOT_REGION, ZT_F_TEXT | ZT_F_HIT},
    {"year", NULL, ZT_SLOT_YEAR, ZT_F_RANGE | ZT_F_FACET | ZT_F_NUMBER | ZT_F_HIT | ZT_F_BRIEF},
    {"date", NULL, ZT_SLOT_DATE, ZT_F_RANGE | ZT_F_HIT | ZT_F_BRIEF},
    {"docno", ZT_FIELD_DOCNO, ZT_SLOT_DOCNO, ZT_F_EXACT | ZT_F_HIT | ZT_F_BRIEF},
    {"encoding", NULL, ZT_SLOT_ENCODING, 0},
    {"format", NULL, ZT_SLOT_FORMAT, ZT_F_FACET | ZT_F_HIT},
    {"pages", NULL, ZT_SLOT_PAGES, ZT_F_NUMBER | ZT_F_HIT},
    {"ocr", NULL, ZT_SLOT_OCR, ZT_F_BOOLEAN | ZT_F_HIT},
};
const unsigned zt_nfields = sizeof zt_fields / sizeof *zt_fields;

const zt_field *zt_field_named(const char *name)
{
    for (unsigned i = 0; name && i < zt_nfields; i++)
        if (!strcmp(zt_fields[i].name, name))
            return &zt_fields[i];
    return NULL;
}

/* ---- indexing ---- */

/* Non-positional terms (W, B) are counted here and handed to Xapian once
 * each with their total wdf: Xapian's per-call cost is a map lookup, and
 * most occurrences repeat a term already seen in the document. */
typedef struct tcount {
    uint32_t hash, off, len, wdf;
} tcount;

typedef struct tcounts {
    tcount *slots;
    size_t cap, used;
    zbuf pool;
} tcounts;

static uint32_t term_hash(const char *s, size_t n)
{
    return zh_hash32(s, n) | 1; /* 0 marks an empty slot */
}

static int tc_grow(tcounts *tc)
{
    size_t cap = tc->cap ? tc->cap * 2 : 1024;
    tcount *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < tc->cap; i++) {
        tcount *e = &tc->slots[i];
        if (!e->hash)
            continue;
        size_t k = e->hash & (cap - 1);
        while (slots[k].hash)
            k = (k + 1) & (cap - 1);
        slots[k] = *e;
    }
    free(tc->slots);
    tc->slots = slots;
    tc->cap = cap;
    return 0;
}

static int tc_add(tcounts *tc, const char *t, size_t n, unsigned wdf)
{
    if (tc->used * 2 >= tc->cap && tc_grow(tc))
        return -1;
    uint32_t h = term_hash(t, n);
    size_t k = h & (tc->cap - 1);
    for (;; k = (k + 1) & (tc->cap - 1)) {
        tcount *e = &tc->slots[k];
        if (!e->hash) {
            e->hash = h;
            e->off = (uint32_t)tc->pool.len;
            e->len = (uint32_t)n;
            e->wdf = wdf;
            tc->used++;
            return zbuf_add(&tc->pool, t, n);
        }
        if (e->hash == h && e->len == n && memcmp(tc->pool.data + e->off, t, n) == 0) {
            e->wdf += wdf;
            return 0;
        }
    }
}

static int tc_flush(tcounts *tc, zx_doc *doc)
{
    int bad = 0;
    for (size_t i = 0; i < tc->cap; i++) {
        tcount *e = &tc->slots[i];
        if (e->hash && zx_doc_add_term(doc, tc->pool.data + e->off, e->len, e->wdf))
            bad = 1;
    }
    free(tc->slots);
    zbuf_free(&tc->pool);
    memset(tc, 0, sizeof *tc);
    return bad ? -1 : 0;
}

typedef struct index_ctx {
    zx_doc *doc;
    const char *field;
    zbuf term;
    tcounts counts;
    /* previous character token, for bigrams */
    char prev[8];
    size_t prevlen;
    uint32_t prevpos;
    int prevcjk;
    int failed;
} index_ctx;

static const char *make_term(zbuf *b, const char *field, char layer, const char *t, size_t n)
{
    zbuf_clear(b);
    zbuf_adds(b, field);
    zbuf_addc(b, layer);
    zbuf_add(b, t, n);
    return b->data;
}

static int index_token(void *vctx, const za_token *tok)
{
    index_ctx *c = vctx;
    zbuf *b = &c->term;
    make_term(b, c->field, 'C', tok->text, tok->len);
    if (zx_doc_add_posting(c->doc, b->data, b->len, tok->pos))
        c->failed = 1;
    if (tok->cjk && c->prevcjk && c->prevpos + 1 == tok->pos) {
        make_term(b, c->field, 'B', c->prev, c->prevlen);
        zbuf_add(b, tok->text, tok->len);
        if (tc_add(&c->counts, b->data, b->len, 1))
            c->failed = 1;
    }
    c->prevcjk = tok->cjk && tok->len <= sizeof c->prev;
    if (c->prevcjk) {
        memcpy(c->prev, tok->text, tok->len);
        c->prevlen = tok->len;
    }
    c->prevpos = tok->pos;
    return c->failed;
}

int zt_index_text(za_analyzer *a, zx_doc *doc, const char *field, const char *text, size_t len)
{
    index_ctx c = {.doc = doc, .field = field};
    /* characters only: words rank through their C and B terms */
    int rc = za_analyze_chars(a, text, len, index_token, &c);
    int flushed = tc_flush(&c.counts, doc);
    zbuf_free(&c.term);
    return rc || c.failed || flushed ? -1 : 0;
}

static int count_char(void *vctx, const za_token *tok)
{
    if (tok->kind == ZA_CHAR)
        (*(unsigned *)vctx)++;
    return 0;
}

unsigned zt_count_chars(za_analyzer *a, const char *text, size_t len)
{
    unsigned n = 0;
    return za_analyze_chars(a, text, len, count_char, &n) ? 0 : n;
}

/* ---- queries ---- */

typedef struct qtok {
    char text[ZA_MAX_TOKEN];
    size_t len;
    uint32_t pos;
    int cjk;
} qtok;

typedef struct query_ctx {
    const char *field;
    qtok *chars;
    size_t nchars, capchars;
    zx_query **words; /* ranking terms: words, bigrams, title bigrams */
    size_t nwords, capwords;
    zbuf term;
    zbuf seen;  /* ranking terms so far, each preceded by its length byte */
    int single; /* the last run's query is one term */
    int failed;
} query_ctx;

static int push_query(zx_query ***v, size_t *n, size_t *cap, zx_query *q)
{
    if (!q)
        return -1;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        zx_query **p = realloc(*v, nc * sizeof *p);
        if (!p) {
            zx_q_free(q);
            return -1;
        }
        *v = p;
        *cap = nc;
    }
    (*v)[(*n)++] = q;
    return 0;
}

/* A ranking term, once: a repeated one adds nothing for BM25 but work,
 * and past ZT_MAX_RANK_TERMS the ranking of a long string changes little. */
static int push_rank(query_ctx *c, const char *t, size_t n)
{
    if (c->nwords >= ZT_MAX_RANK_TERMS || n > 255)
        return 0;
    for (size_t i = 0; i < c->seen.len; i += 1 + (unsigned char)c->seen.data[i])
        if ((unsigned char)c->seen.data[i] == n && memcmp(c->seen.data + i + 1, t, n) == 0)
            return 0;
    if (zbuf_addc(&c->seen, (char)n) || zbuf_add(&c->seen, t, n))
        return -1;
    return push_query(&c->words, &c->nwords, &c->capwords, zx_q_term(t, n, 1, 0));
}

static int query_token(void *vctx, const za_token *tok)
{
    query_ctx *c = vctx;
    if (tok->kind == ZA_WORD) {
        /* A word of several character-layer tokens is ranked through the
         * B terms of its run (run_query); one token, through its C term. */
        if (tok->nchars == 1) {
            make_term(&c->term, c->field, 'C', tok->text, tok->len);
            if (push_rank(c, c->term.data, c->term.len))
                c->failed = 1;
        }
        return c->failed;
    }
    if (c->nchars == c->capchars) {
        size_t nc = c->capchars ? c->capchars * 2 : 16;
        qtok *p = realloc(c->chars, nc * sizeof *p);
        if (!p)
            return c->failed = 1;
        c->chars = p;
        c->capchars = nc;
    }
    qtok *q = &c->chars[c->nchars++];
    memcpy(q->text, tok->text, tok->len);
    q->len = tok->len;
    q->pos = tok->pos;
    q->cjk = tok->cjk;
    return 0;
}

static void free_queries(zx_query **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        zx_q_free(v[i]);
    free(v);
}

/* Exact query for chars[s, e), a run of consecutive positions. */
static zx_query *run_query(query_ctx *c, size_t s, size_t e)
{
    zbuf *b = &c->term;
    qtok *t = c->chars;
    c->single = e - s == 1;
    if (e - s == 1) {
        make_term(b, c->field, 'C', t[s].text, t[s].len);
        zx_query *one = zx_q_term(b->data, b->len, 1, 0);
        /* A lone character-layer token is a whole word, ranked through its
         * C term already (query_token). */
        return one;
    }
    zx_query **grams = NULL, **units = NULL;
    size_t ng = 0, capg = 0, nu = 0, capu = 0;
    zx_query *r = NULL;
    for (size_t i = s; i + 1 < e; i++) {
        if (!t[i].cjk || !t[i + 1].cjk)
            continue;
        make_term(b, c->field, 'B', t[i].text, t[i].len);
        zbuf_add(b, t[i + 1].text, t[i + 1].len);
        if (push_query(&grams, &ng, &capg, zx_q_term(b->data, b->len, 1, 0)) ||
            push_rank(c, b->data, b->len))
            goto done;
    }
    /* A token of the run in no CJK bigram (a number or Latin word next to
     * CJK, as in 2021年) ranks through its C term. */
    for (size_t i = s; i < e; i++) {
        if (t[i].cjk && ((i > s && t[i - 1].cjk) || (i + 1 < e && t[i + 1].cjk)))
            continue;
        make_term(b, c->field, 'C', t[i].text, t[i].len);
        if (push_rank(c, b->data, b->len))
            goto done;
    }
    /* The phrase decides; its bigrams only narrow the candidates first, so
     * a long run keeps ZT_MAX_FILTER_GRAMS of them, spread over it. */
    if (ng > ZT_MAX_FILTER_GRAMS) {
        for (size_t k = 0; k < ZT_MAX_FILTER_GRAMS; k++) {
            size_t pick = k * (ng - 1) / (ZT_MAX_FILTER_GRAMS - 1);
            zx_query *keep = grams[pick];
            grams[pick] = NULL;
            zx_q_free(grams[k]);
            grams[k] = keep;
        }
        for (size_t k = ZT_MAX_FILTER_GRAMS; k < ng; k++)
            zx_q_free(grams[k]);
        ng = ZT_MAX_FILTER_GRAMS;
    }
    if (e - s == 2 && ng == 1) { /* two CJK characters: the bigram is exact */
        c->single = 1;
        r = zx_q_copy(grams[0]);
        goto done;
    }
    for (size_t i = s; i < e; i++) {
        make_term(b, c->field, 'C', t[i].text, t[i].len);
        if (push_query(&units, &nu, &capu, zx_q_term(b->data, b->len, 1, (unsigned)(i - s + 1))))
            goto done;
    }
    zx_query *phrase = zx_q_combine(ZX_OP_PHRASE, units, nu, (unsigned)nu);
    if (phrase && ng) {
        /* Bigrams are rarer than characters: let them narrow the candidates
         * before positions are read. */
        zx_query *filter = zx_q_combine(ZX_OP_AND, grams, ng, 0);
        zx_query *pair[2] = {phrase, filter};
        r = filter ? zx_q_combine(ZX_OP_FILTER, pair, 2, 0) : NULL;
        zx_q_free(filter);
        zx_q_free(phrase);
    } else {
        r = phrase;
    }
done:
    free_queries(grams, ng);
    free_queries(units, nu);
    return r;
}

/* Title evidence of a body query string: a fixed weight for the documents
 * whose title holds the string (its exact title-field query, unweighted),
 * ZT_TITLE_BONUS times the share of the title's character-layer tokens
 * (ZT_SLOT_TITLELEN) that the string's nchars cover, whatever the length of
 * the document; for strings of one or two characters ZT_TITLE_SHORT_BONUS
 * of that, by the square of the share, so that only a title that is about
 * all the string weighs.  A document without the value gets none. */
#define ZT_TITLE_MAXLEN 32
static zx_query *title_cover(const zx_query *tmatch, unsigned nchars)
{
    double wt[ZT_TITLE_MAXLEN];
    int short_string = nchars <= 2;
    double w = short_string ? ZT_TITLE_BONUS * ZT_TITLE_SHORT_BONUS : ZT_TITLE_BONUS;
    for (unsigned l = 1; l <= ZT_TITLE_MAXLEN; l++) {
        double share = nchars >= l ? 1.0 : (double)nchars / l;
        wt[l - 1] = w * (short_string ? share * share : share);
    }
    /* a longer title: as one of ZT_TITLE_MAXLEN tokens */
    zx_query *src = zx_q_value_table(ZT_SLOT_TITLELEN, wt, ZT_TITLE_MAXLEN, wt[ZT_TITLE_MAXLEN - 1]);
    zx_query *m = zx_q_scale(tmatch, 0);
    zx_query *pair[2] = {m, src};
    zx_query *r = m && src ? zx_q_combine(ZX_OP_AND, pair, 2, 0) : NULL;
    zx_q_free(m);
    zx_q_free(src);
    return r;
}

int zt_build_query(za_analyzer *a, const char *field, const char *text, size_t len, zt_query *q)
{
    memset(q, 0, sizeof *q);
    query_ctx c = {.field = field};
    zx_query **runs = NULL;
    size_t nr = 0, capr = 0;
    int rc = -1;
    if (za_analyze(a, text, len, query_token, &c) || c.failed)
        goto done;
    for (size_t s = 0; s < c.nchars;) {
        size_t e = s + 1;
        while (e < c.nchars && c.chars[e].pos == c.chars[e - 1].pos + 1)
            e++;
        if (push_query(&runs, &nr, &capr, run_query(&c, s, e)))
            goto done;
        s = e;
    }
    rc = 0;
    if (nr == 0)
        goto done;
    q->match = nr == 1 ? zx_q_copy(runs[0]) : zx_q_combine(ZX_OP_AND, runs, nr, 0);
    /* Title evidence: the whole string in the title, by how much of the
     * title it is (title_cover). */
    if (!field[0]) {
        zt_query tq;
        if (zt_build_query(a, ZT_FIELD_TITLE, text, len, &tq)) {
            rc = -1;
            goto done;
        }
        int bad = tq.match && push_query(&c.words, &c.nwords, &c.capwords,
                                         title_cover(tq.match, (unsigned)c.nchars));
        zt_query_clear(&tq);
        if (bad) {
            rc = -1;
            goto done;
        }
    }
    if (c.nwords)
        q->rank = zx_q_combine(ZX_OP_OR, c.words, c.nwords, 0);
    make_term(&c.term, field, 'C', c.chars[0].text, c.chars[0].len);
    if (c.term.len < sizeof q->first) {
        memcpy(q->first, c.term.data, c.term.len);
        q->firstlen = c.term.len;
    }
    q->nchars = (unsigned)c.nchars;
    q->one_term = nr == 1 && c.single;
    zx_query *scaled = zx_q_scale(q->match, 0); /* matching decides, ranking weighs */
    if (q->rank) {
        zx_query *pair[2] = {scaled, q->rank};
        q->both = zx_q_combine(ZX_OP_AND_MAYBE, pair, 2, 0);
        zx_q_free(scaled);
    } else {
        q->both = scaled;
    }
    if (!q->match || !q->both || (c.nwords && !q->rank)) {
        zt_query_clear(q);
        rc = -1;
    }
done:
    free_queries(runs, nr);
    free_queries(c.words, c.nwords);
    free(c.chars);
    zbuf_free(&c.term);
    zbuf_free(&c.seen);
    return rc;
}

void zt_query_clear(zt_query *q)
{
    zx_q_free(q->match);
    zx_q_free(q->rank);
    zx_q_free(q->both);
    memset(q, 0, sizeof *q);
}

/* ---- exact fields: boolean terms of whole parts ---- */

/* The parts of a text: runs of character-layer tokens at consecutive
 * positions (punctuation ends a part, whitespace does not), each made a
 * term prefix + part and handed to `emit`. */
typedef struct part_ctx {
    size_t plen;   /* of the prefix */
    zbuf term;
    uint32_t next; /* position a token continuing the part would have */
    unsigned nchars;
    int (*emit)(struct part_ctx *c);
    zx_doc *doc;   /* indexing */
    zx_query **v;  /* querying */
    size_t n, cap;
    int failed;
} part_ctx;

static void part_end(part_ctx *c)
{
    if (c->term.len > c->plen && !c->failed && c->emit(c))
        c->failed = 1;
    c->term.len = c->plen;
}

static int part_token(void *vctx, const za_token *tok)
{
    part_ctx *c = vctx;
    if (tok->kind != ZA_CHAR)
        return 0;
    if (c->term.len > c->plen && tok->pos != c->next)
        part_end(c);
    if (zbuf_add(&c->term, tok->text, tok->len))
        c->failed = 1;
    c->next = tok->pos + 1;
    c->nchars++;
    return c->failed;
}

static int parts(za_analyzer *a, part_ctx *c, const char *field, const char *text, size_t len)
{
    c->plen = strlen(field);
    int rc = zbuf_adds(&c->term, field) || za_analyze(a, text, len, part_token, c);
    part_end(c);
    zbuf_free(&c->term);
    return rc || c->failed ? -1 : 0;
}

/* A part too long for a Xapian term cannot be searched for: left out. */
static int emit_boolean(part_ctx *c)
{
    return c->term.len > ZT_ID_KEEP ? 0 : zx_doc_add_boolean(c->doc, c->term.data, c->term.len) != ZX_OK;
}

int zt_index_exact(za_analyzer *a, zx_doc *doc, const char *field, const char *text, size_t len)
{
    part_ctx c = {.emit = emit_boolean, .doc = doc};
    return parts(a, &c, field, text, len);
}

static int emit_query(part_ctx *c)
{
    return push_query(&c->v, &c->n, &c->cap, zx_q_term(c->term.data, c->term.len, 1, 0));
}

int zt_build_exact_query(za_analyzer *a, const char *field, const char *text, size_t len, zt_query *q)
{
    memset(q, 0, sizeof *q);
    part_ctx c = {.emit = emit_query};
    int rc = parts(a, &c, field, text, len);
    if (rc == 0 && c.n) {
        q->match = c.n == 1 ? zx_q_copy(c.v[0]) : zx_q_combine(ZX_OP_AND, c.v, c.n, 0);
        q->both = q->match ? zx_q_scale(q->match, 0) : NULL;
        q->nchars = c.nchars;
        q->one_term = c.n == 1;
        if (!q->both) {
            zt_query_clear(q);
            rc = -1;
        }
    }
    free_queries(c.v, c.n);
    return rc;
}

int zt_term_is_boolean(const char *t, size_t n)
{
    if (n > 0 && t[0] == 'Q')
        return 1;
    for (unsigned i = 0; i < zt_nfields; i++) {
        const zt_field *f = &zt_fields[i];
        if ((f->flags & ZT_F_EXACT) && n >= strlen(f->prefix) && !memcmp(t, f->prefix, strlen(f->prefix)))
            return 1;
    }
    return 0;
}

/* ---- unique ids ---- */

void zt_id_term(const char *path, zbuf *out)
{
    size_t n = strlen(path);
    zbuf_clear(out);
    zbuf_addc(out, 'Q');
    if (n + 1 <= ZT_ID_KEEP + 18) {
        zbuf_add(out, path, n);
        return;
    }
    char tail[24];
    snprintf(tail, sizeof tail, "#%016llx", (unsigned long long)zh_hash64(path, n));
    zbuf_add(out, path, utf8_clip(path, n, ZT_ID_KEEP));
    zbuf_adds(out, tail);
}

void zt_id_prefix(const char *dir, zbuf *out)
{
    zbuf_clear(out);
    zbuf_addc(out, 'Q');
    zbuf_add(out, dir, utf8_clip(dir, strlen(dir), ZT_ID_KEEP));
}

/* ---- stored-text dictionaries ---- */

int zt_load_dict(zx_db *db, zd_codec *codec, uint32_t id)
{
    if (zd_has_dict(codec, id))
        return 0;
    char key[24], *d;
    size_t n;
    zx_err e;
    zd_dict_key(id, key);
    /* The combined handle shows the first shard's metadata; a dictionary
     * of another shard is in that shard's. */
    unsigned shards = zx_db_shard_count(db);
    for (unsigned i = 0; i <= shards; i++) {
        zx_status st = i == 0 ? zx_db_get_metadata(db, key, &d, &n, &e)
                              : zx_db_shard_metadata(db, i - 1, key, &d, &n, &e);
        if (st != ZX_OK)
            continue;
        uint32_t got = n ? zd_add_dict(codec, d, n) : 0;
        free(d);
        if (got == id)
            return 0;
    }
    return -1;
}

/* ---- index stamp ---- */

/* Filled once: handles are opened from many threads at a time. */
static char settings[160];
static pthread_once_t settings_once = PTHREAD_ONCE_INIT;

static void settings_fill(void)
{
    snprintf(settings, sizeof settings, "%s;icu=%s", za_settings_id(), U_ICU_VERSION);
}

const char *zt_settings(void)
{
    pthread_once(&settings_once, settings_fill);
    return settings;
}

zx_status zt_stamp_index(zx_db *db, zx_err *err)
{
    const char *set = zt_settings();
    zx_status st =
        zx_db_set_metadata(db, "zhs:scheme", ZT_SCHEME_VERSION, strlen(ZT_SCHEME_VERSION), err);
    return st ? st : zx_db_set_metadata(db, "zhs:settings", set, strlen(set), err);
}

static zerr_code check_one(zx_db *db, int shard, zerr *e)
{
    char *scheme = NULL, *set = NULL;
    size_t n;
    zerr_code st = shard < 0 ? zx_db_get_metadata(db, "zhs:scheme", &scheme, &n, e)
                             : zx_db_shard_metadata(db, (unsigned)shard, "zhs:scheme", &scheme, &n, e);
    if (st == ZERR_OK)
        st = shard < 0 ? zx_db_get_metadata(db, "zhs:settings", &set, &n, e)
                       : zx_db_shard_metadata(db, (unsigned)shard, "zhs:settings", &set, &n, e);
    /* when the stamp could not be read, e says why */
    if (st == ZERR_OK && !scheme[0])
        st = zerr_set(e, ZERR_SCHEME, "not a zhsearch index (no scheme stamp)");
    else if (st == ZERR_OK && strcmp(scheme, ZT_SCHEME_VERSION) != 0)
        st = zerr_set(e, ZERR_SCHEME,
                      "index uses term scheme %s, this program reads scheme %s; rebuild the index",
                      scheme, ZT_SCHEME_VERSION);
    else if (st == ZERR_OK && strcmp(set, zt_settings()) != 0)
        st = zerr_set(e, ZERR_SCHEME,
                      "index was written with analyzer settings '%s', this program uses '%s'; "
                      "rebuild the index",
                      set, zt_settings());
    free(scheme);
    free(set);
    return st;
}

zerr_code zt_check_index(zx_db *db, zerr *e)
{
    unsigned n = zx_db_shard_count(db);
    if (n <= 1)
        return check_one(db, -1, e);
    for (unsigned i = 0; i < n; i++) {
        zerr one;
        if (check_one(db, (int)i, &one))
            return zerr_set(e, one.code, "shard %s: %s", zx_db_shard_spec(db, i), one.msg);
    }
    zerr_ok(e);
    return ZERR_OK;
}
