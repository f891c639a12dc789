/* snippet.c - see snippet.h. */
#include "snippet.h"
#include "normalize.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

typedef struct ctok {
    uint32_t h;      /* hash of the token text, to compare quickly */
    uint32_t pos;
    uint32_t start, end;
    uint32_t off;    /* token text in the pool */
    uint32_t len;
} ctok;

typedef struct tokvec {
    ctok *v;
    size_t n, cap;
    zbuf pool;
    int failed;
} tokvec;

static int collect(void *ctx, const za_token *t)
{
    tokvec *tv = ctx;
    if (t->kind != ZA_CHAR)
        return 0;
    if (tv->n == tv->cap) {
        size_t nc = tv->cap ? tv->cap * 2 : 256;
        ctok *p = realloc(tv->v, nc * sizeof *p);
        if (!p)
            return tv->failed = 1;
        tv->v = p;
        tv->cap = nc;
    }
    ctok *c = &tv->v[tv->n++];
    c->h = zh_hash32(t->text, t->len);
    c->pos = t->pos;
    c->start = t->src_start;
    c->end = t->src_end;
    c->off = (uint32_t)tv->pool.len;
    c->len = (uint32_t)t->len;
    if (zbuf_add(&tv->pool, t->text, t->len))
        return tv->failed = 1;
    return 0;
}

static void tv_free(tokvec *tv)
{
    free(tv->v);
    zbuf_free(&tv->pool);
}

static int same(const tokvec *a, size_t i, const tokvec *b, size_t j)
{
    const ctok *x = &a->v[i], *y = &b->v[j];
    return x->h == y->h && x->len == y->len &&
           memcmp(a->pool.data + x->off, b->pool.data + y->off, x->len) == 0;
}

typedef struct mlist {
    zs_range *r;
    unsigned *atom;
    unsigned n, cap;
} mlist;

static int add_match(mlist *m, unsigned start, unsigned end, unsigned atom)
{
    if (m->n == m->cap) {
        unsigned nc = m->cap ? m->cap * 2 : 32;
        zs_range *r = realloc(m->r, nc * sizeof *r);
        if (!r)
            return -1;
        m->r = r;
        unsigned *a = realloc(m->atom, nc * sizeof *a);
        if (!a)
            return -1;
        m->atom = a;
        m->cap = nc;
    }
    m->r[m->n].start = start;
    m->r[m->n].len = end - start;
    m->atom[m->n++] = atom;
    return 0;
}

/* Occurrences of query tokens q (runs of consecutive positions) in doc d. */
static int match_atom(const tokvec *d, const tokvec *q, unsigned atom, mlist *m)
{
    for (size_t s = 0; s < q->n;) {
        size_t e = s + 1;
        while (e < q->n && q->v[e].pos == q->v[e - 1].pos + 1)
            e++;
        size_t k = e - s;
        for (size_t i = 0; i + k <= d->n; i++) {
            size_t j = 0;
            while (j < k && same(d, i + j, q, s + j) &&
                   (j == 0 || d->v[i + j].pos == d->v[i + j - 1].pos + 1))
                j++;
            if (j == k && add_match(m, d->v[i].start, d->v[i + k - 1].end, atom))
                return -1;
        }
        s = e;
    }
    return 0;
}

typedef struct match_ix {
    zs_range r;
    unsigned atom;
} match_ix;

static int cmp_match(const void *x, const void *y)
{
    const match_ix *a = x, *b = y;
    if (a->r.start != b->r.start)
        return a->r.start < b->r.start ? -1 : 1;
    if (a->r.len != b->r.len)
        return a->r.len > b->r.len ? -1 : 1; /* longer first */
    return a->atom < b->atom ? -1 : a->atom > b->atom;
}

/* Sort by start and drop exact duplicates (two atoms, same place). */
static int sort_matches(mlist *m)
{
    if (m->n < 2)
        return 0;
    match_ix *v = malloc(m->n * sizeof *v);
    if (!v)
        return -1;
    for (unsigned i = 0; i < m->n; i++)
        v[i] = (match_ix){m->r[i], m->atom[i]};
    qsort(v, m->n, sizeof *v, cmp_match);
    unsigned k = 0;
    for (unsigned i = 0; i < m->n; i++) {
        if (k && v[i].r.start == m->r[k - 1].start && v[i].r.len == m->r[k - 1].len)
            continue;
        m->r[k] = v[i].r;
        m->atom[k++] = v[i].atom;
    }
    m->n = k;
    free(v);
    return 0;
}

/* ---- finding matches: scan, then analyze only around candidates ----
 *
 * Analyzing a whole document with ICU for every hit is the slow part of a
 * search.  Instead the document is only normalized (cheap), each run of a
 * query atom is looked for as a plain sequence of code points, whitespace
 * skipped, and the analyzer runs on a window around each candidate.  The
 * window is cut at line breaks, 。 and 、, which never fall inside a token,
 * so it tokenizes exactly as the whole document would: the exact token
 * match on the window decides, as the index does. */

typedef struct ntext {
    uint32_t *cp;            /* normalized code points */
    uint32_t *start, *end;   /* their original bytes */
    size_t n;
} ntext;

static void nt_free(ntext *t)
{
    free(t->cp);
    free(t->start);
    free(t->end);
}

/* ---- the normalized text of a part, per character where that is exact ----
 *
 * NFKC_Casefold (normalize.h) works on stretches between normalization
 * boundaries.  When every character of a text has a boundary before it,
 * each is a stretch of its own, and the text normalizes to the
 * concatenation of its characters' normalizations; Traditional ->
 * Simplified is per code point anyway.  Such text - nearly all Chinese
 * text: ideographs, ASCII, CJK and full-width punctuation - is normalized
 * here by table, the same code points with the same source offsets as
 * zn_normalize gives, without ICU's per-text work.  A part with any other
 * character goes through zn_normalize.
 *
 * The CJK Unified Ideographs and Extension A normalize to themselves and
 * start a stretch (tests/test_snippet_fast.c checks this against ICU for
 * every one); other characters below U+3400 and from U+F900 are looked up
 * in ICU once per block of 256, on first use. */
#define FAST_LOW 0x3400u  /* table: [0, FAST_LOW) and [FAST_HIGH, 0x10000) */
#define FAST_HIGH 0xF900u
#define FAST_SIZE (FAST_LOW + (0x10000u - FAST_HIGH))

typedef struct fent {
    uint32_t cp[3]; /* NFKC_Casefold of the character alone */
    uint8_t n;      /* code points in cp (0: the character is removed) */
    uint8_t ok;     /* a boundary before it, at most 3 code points */
} fent;

static fent fast_tab[FAST_SIZE];
static _Atomic unsigned char fast_ready[FAST_SIZE / 256];
static pthread_mutex_t fast_mu = PTHREAD_MUTEX_INITIALIZER;

static int fast_ideograph(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

/* Fill block b of the table; -1 when ICU cannot. */
static int fast_fill(unsigned b)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st))
        return -1;
    pthread_mutex_lock(&fast_mu);
    if (!atomic_load_explicit(&fast_ready[b], memory_order_acquire)) {
        for (unsigned k = 0; k < 256; k++) {
            unsigned i = b * 256 + k;
            UChar32 c = (UChar32)(i < FAST_LOW ? i : i - FAST_LOW + FAST_HIGH);
            fent *e = &fast_tab[i];
            UChar in[1] = {(UChar)c}, out[8];
            memset(e, 0, sizeof *e);
            if (U16_IS_SURROGATE(c) || !unorm2_hasBoundaryBefore(nf, c))
                continue;
            st = U_ZERO_ERROR;
            int32_t got = unorm2_normalize(nf, in, 1, out, 8, &st);
            if (U_FAILURE(st))
                continue;
            int32_t j = 0;
            unsigned n = 0;
            while (j < got && n < 4) {
                UChar32 o;
                U16_NEXT(out, j, got, o);
                if (n < 3)
                    e->cp[n] = (uint32_t)o;
                n++;
            }
            if (n <= 3) {
                e->n = (uint8_t)n;
                e->ok = 1;
            }
        }
        atomic_store_explicit(&fast_ready[b], 1, memory_order_release);
    }
    pthread_mutex_unlock(&fast_mu);
    return 0;
}

static const fent *fast_entry(uint32_t c)
{
    if (c >= 0x10000 || (c >= FAST_LOW && c < FAST_HIGH))
        return NULL;
    unsigned i = c < FAST_LOW ? c : c - FAST_HIGH + FAST_LOW;
    if (!atomic_load_explicit(&fast_ready[i / 256], memory_order_acquire) && fast_fill(i / 256))
        return NULL;
    return &fast_tab[i];
}

static int nt_reserve(ntext *t, size_t *cap, size_t extra)
{
    if (t->n + extra <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 256;
    while (nc < t->n + extra)
        nc *= 2;
    uint32_t *p = realloc(t->cp, nc * sizeof *p);
    if (!p)
        return -1;
    t->cp = p;
    if (!(p = realloc(t->start, nc * sizeof *p)))
        return -1;
    t->start = p;
    if (!(p = realloc(t->end, nc * sizeof *p)))
        return -1;
    t->end = p;
    *cap = nc;
    return 0;
}

/* The per-character normalization of doc[0..len): 1 when some character
 * needs zn_normalize, -1 when out of memory. */
static int normalize_fast(zn_normalizer *zn, const char *doc, size_t len, ntext *out)
{
    const unsigned char *s = (const unsigned char *)doc;
    size_t cap = 0;
    if (nt_reserve(out, &cap, len + 1))
        return -1;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = s[i] < 0x80 ? (c = s[i], 1) : utf8_decode(s + i, len - i, &c);
        if (fast_ideograph(c)) {
            out->cp[out->n] = zn_simplify(zn, c);
            out->start[out->n] = (uint32_t)i;
            out->end[out->n++] = (uint32_t)(i + k);
            i += k;
            continue;
        }
        const fent *e = fast_entry(c);
        if (!e || !e->ok)
            return 1;
        /* room for the rest at one code point a byte, as reserved above */
        if (e->n > 1 && nt_reserve(out, &cap, e->n + (len - i)))
            return -1;
        for (unsigned j = 0; j < e->n; j++) {
            uint32_t o = e->cp[j];
            out->cp[out->n] = o < 0x2E80 ? o : zn_simplify(zn, o);
            out->start[out->n] = (uint32_t)i;
            out->end[out->n++] = (uint32_t)(i + k);
        }
        i += k;
    }
    return 0;
}

int zs_normalize_fast(zn_normalizer *zn, const char *doc, size_t len, uint32_t **cp,
                      uint32_t **start, uint32_t **end, size_t *n)
{
    ntext t = {0};
    int rc = normalize_fast(zn, doc, len, &t);
    if (rc) {
        nt_free(&t);
        return rc;
    }
    *cp = t.cp;
    *start = t.start;
    *end = t.end;
    *n = t.n;
    return 0;
}

static int normalize_doc(za_analyzer *a, const char *doc, size_t len, ntext *out)
{
    zn_text t;
    memset(out, 0, sizeof *out);
    if (len <= 0x7FFFFFF0u / 2) {
        int rc = normalize_fast(za_normalizer(a), doc, len, out);
        if (rc <= 0)
            return rc;
        nt_free(out);
        memset(out, 0, sizeof *out);
    }
    if (zn_normalize(za_normalizer(a), doc, len, &t))
        return -1;
    size_t n = (size_t)t.len + 1;
    out->cp = malloc(n * sizeof *out->cp);
    out->start = malloc(n * sizeof *out->start);
    out->end = malloc(n * sizeof *out->end);
    if (!out->cp || !out->start || !out->end)
        return -1;
    int32_t i = 0;
    while (i < t.len) {
        int32_t at = i;
        UChar32 c;
        U16_NEXT(t.text, i, t.len, c);
        out->cp[out->n] = (uint32_t)c;
        out->start[out->n] = t.src_start[at];
        out->end[out->n++] = t.src_end[at];
    }
    return 0;
}

/* The analyzer's whitespace (analyzer.c): never a gap between tokens. */
static int is_space_cp(uint32_t c)
{
    return u_isUWhiteSpace((UChar32)c);
}

static int is_window_edge(uint32_t c)
{
    return c == '\n' || c == 0x3002 /* 。 */ || c == 0x3001 /* 、 */;
}

/* Code points of UTF-8 s[0..n) appended to p. */
static int push_cps(uint32_t **p, size_t *np, size_t *cap, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += utf8_decode((const unsigned char *)s + i, n - i, &c);
        if (*np == *cap) {
            size_t nc = *cap ? *cap * 2 : 32;
            uint32_t *q = realloc(*p, nc * sizeof *q);
            if (!q)
                return -1;
            *p = q;
            *cap = nc;
        }
        (*p)[(*np)++] = c;
    }
    return 0;
}

typedef struct span {
    size_t s, e; /* code point indexes of a window */
} span;

typedef struct spans {
    span *v;
    size_t n, cap;
} spans;

static int add_span(spans *w, size_t s, size_t e)
{
    if (w->n == w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 16;
        span *v = realloc(w->v, nc * sizeof *v);
        if (!v)
            return -1;
        w->v = v;
        w->cap = nc;
    }
    w->v[w->n++] = (span){s, e};
    return 0;
}

static int cmp_span(const void *x, const void *y)
{
    const span *a = x, *b = y;
    return a->s < b->s ? -1 : a->s > b->s;
}

/* Windows around every place where pat occurs, whitespace between its
 * code points allowed. */
static int find_candidates(const ntext *t, const uint32_t *pat, size_t np, spans *w)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->cp[i] != pat[0])
            continue;
        size_t j = i + 1, k = 1;
        while (k < np && j < t->n) {
            if (t->cp[j] == pat[k]) {
                j++;
                k++;
            } else if (is_space_cp(t->cp[j])) {
                j++;
            } else {
                break;
            }
        }
        if (k < np)
            continue;
        size_t s = i, e = j;
        while (s > 0 && !is_window_edge(t->cp[s - 1]))
            s--;
        while (e < t->n && !is_window_edge(t->cp[e]))
            e++;
        if (add_span(w, s, e))
            return -1;
        i = e > i ? e - 1 : i; /* the window covers what follows */
    }
    return 0;
}

typedef struct qatom {
    tokvec toks;
} qatom;

/* Matches of the analyzed atoms in doc[from, to) (offsets stay those of
 * the whole doc), appended to m.  to must not cut a token. */
static int find_in(za_analyzer *a, const char *doc, size_t from, size_t to, const qatom *q,
                   unsigned natoms, mlist *m)
{
    ntext t = {0};
    spans w = {0};
    uint32_t *pat = NULL;
    size_t np = 0, pcap = 0;
    int rc = -1;
    if (normalize_doc(a, doc + from, to - from, &t))
        goto done;
    /* candidates for every run of every atom */
    for (unsigned i = 0; i < natoms; i++) {
        const tokvec *qt = &q[i].toks;
        for (size_t s = 0; s < qt->n;) {
            size_t e = s + 1;
            while (e < qt->n && qt->v[e].pos == qt->v[e - 1].pos + 1)
                e++;
            np = 0;
            for (size_t k = s; k < e; k++)
                if (push_cps(&pat, &np, &pcap, qt->pool.data + qt->v[k].off, qt->v[k].len))
                    goto done;
            if (np && find_candidates(&t, pat, np, &w))
                goto done;
            s = e;
        }
    }
    /* merge overlapping windows, analyze each once, match exactly */
    if (w.n > 1)
        qsort(w.v, w.n, sizeof *w.v, cmp_span);
    for (size_t i = 0; i < w.n;) {
        size_t s = w.v[i].s, e = w.v[i].e;
        for (i++; i < w.n && w.v[i].s <= e; i++)
            if (w.v[i].e > e)
                e = w.v[i].e;
        uint32_t base = (uint32_t)from + t.start[s], stop = (uint32_t)from + t.end[e - 1];
        tokvec d = {0};
        int bad = za_analyze(a, doc + base, stop - base, collect, &d) < 0 || d.failed;
        for (size_t k = 0; !bad && k < d.n; k++) {
            d.v[k].start += base;
            d.v[k].end += base;
        }
        for (unsigned j = 0; !bad && j < natoms; j++)
            bad = match_atom(&d, &q[j].toks, j, m);
        tv_free(&d);
        if (bad)
            goto done;
    }
    rc = 0;
done:
    free(pat);
    free(w.v);
    nt_free(&t);
    return rc;
}

/* How far past a part's nominal end a sentence end is looked for, and
 * then a place to cut without one. */
#define ZS_CUT_SLACK 1024

static size_t next_char(const char *s, size_t len, size_t i);

static int cjk_at(const char *doc, size_t len, size_t i)
{
    uint32_t c;
    utf8_decode((const unsigned char *)doc + i, len - i, &c);
    return za_is_cjk(c);
}

/* Where to end a part that should end near byte i: after the first of
 * 。！？； (punctuation, so no match spans it) within ZS_CUT_SLACK bytes.
 * A text without them (one long line) is cut anyway, so that the work
 * stays bounded: between two CJK characters or before an ASCII space,
 * where tokens stand alone and only a match spanning the cut can be lost;
 * *forced tells the caller to search again from a little before. */
static size_t part_cut(const char *doc, size_t len, size_t i, int *forced)
{
    static const char *ends[] = {"。", "！", "？", "；"};
    size_t stop = len - i > ZS_CUT_SLACK ? i + ZS_CUT_SLACK : len;
    *forced = 0;
    for (size_t k = i; k + 3 <= stop; k++) {
        if ((unsigned char)doc[k] != 0xE3 && (unsigned char)doc[k] != 0xEF)
            continue;
        for (size_t e = 0; e < sizeof ends / sizeof *ends; e++)
            if (memcmp(doc + k, ends[e], 3) == 0)
                return k + 3;
    }
    if (stop == len)
        return len;
    *forced = 1;
    while (i < len && ((unsigned char)doc[i] & 0xC0) == 0x80)
        i++; /* a character boundary */
    for (size_t k = i, prev = i; k < stop;) {
        if (doc[k] == ' ' || doc[k] == '\n' || doc[k] == '\t')
            return k;
        if (k > prev && cjk_at(doc, len, prev) && cjk_at(doc, len, k))
            return k;
        prev = k;
        k = next_char(doc, len, k);
    }
    return i; /* one long token: cut on a character boundary anyway */
}

/* First bytes of a document searched for a snippet; doubled each time the
 * part searched so far lacks one of the atoms. */
#define ZS_FIRST_PART 4096
/* ...and once this much is searched, any match will do. */
#define ZS_ENOUGH (8 * ZS_FIRST_PART)
/* Parts stop doubling here: memory stays bounded for any document. */
#define ZS_MAX_PART (256 * ZS_FIRST_PART)

/* Matches of atoms in doc.  With `early`, the document is searched part by
 * part and the search stops after the first part in which every atom has
 * matched: the snippet of a long document comes from its beginning, and
 * the rest is never normalized. */
static int find_matches(za_analyzer *a, const char *doc, size_t len, const char *const *atoms,
                        unsigned natoms, int early, mlist *m)
{
    qatom *q = calloc(natoms ? natoms : 1, sizeof *q);
    unsigned char *seen = calloc(natoms ? natoms : 1, 1);
    int rc = -1;
    if (!q || !seen)
        goto done;
    for (unsigned i = 0; i < natoms; i++)
        if (za_analyze(a, atoms[i], strlen(atoms[i]), collect, &q[i].toks) < 0 || q[i].toks.failed)
            goto done;
    /* After a forced cut the next part starts this far back (a match may
     * span the cut, whitespace inside it; duplicates are dropped). */
    size_t overlap = 256;
    for (unsigned i = 0; i < natoms; i++)
        overlap += 4 * strlen(atoms[i]);
    unsigned nseen = 0;
    size_t part = ZS_FIRST_PART;
    for (size_t from = 0; from < len; part = part < ZS_MAX_PART ? part * 2 : part) {
        int forced = 0;
        size_t to = early && len - from > part ? part_cut(doc, len, from + part, &forced) : len;
        unsigned before = m->n;
        if (find_in(a, doc, from, to, q, natoms, m))
            goto done;
        for (unsigned i = before; i < m->n; i++)
            if (!seen[m->atom[i]]++)
                nseen++;
        /* all atoms found, or some after a long stretch (an OR, or an
         * atom only the title holds) */
        if (nseen == natoms || (nseen && to >= ZS_ENOUGH))
            break;
        size_t back = forced && to - from > 2 * overlap ? part_cut(doc, len, to - overlap, &forced) : to;
        from = back > from && back < to ? back : to;
    }
    rc = sort_matches(m);
done:
    for (unsigned i = 0; q && i < natoms; i++)
        tv_free(&q[i].toks);
    free(q);
    free(seen);
    return rc;
}

int zs_find_matches(za_analyzer *a, const char *doc, size_t len, const char *const *atoms,
                    unsigned natoms, zs_range **out, unsigned **atom_of, unsigned *n)
{
    mlist m = {0};
    if (find_matches(a, doc, len, atoms, natoms, 0, &m)) {
        free(m.r);
        free(m.atom);
        return -1;
    }
    *out = m.r;
    if (atom_of)
        *atom_of = m.atom;
    else
        free(m.atom);
    *n = m.n;
    return 0;
}

/* ---- choosing the passage ---- */

static size_t next_char(const char *s, size_t len, size_t i)
{
    uint32_t c;
    return i + utf8_decode((const unsigned char *)s + i, len - i, &c);
}

static size_t prev_char(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[--i] & 0xC0) == 0x80)
        ;
    return i;
}

/* Byte offset `chars` characters after i (or len). */
static size_t advance(const char *s, size_t len, size_t i, unsigned chars)
{
    while (chars-- && i < len)
        i = next_char(s, len, i);
    return i;
}

static int sentence_end(const char *s, size_t len, size_t i)
{
    static const char *ends[] = {"。", "；", "！", "？", "!", "?", ";"};
    for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
        size_t n = strlen(ends[k]);
        if (i + n <= len && memcmp(s + i, ends[k], n) == 0)
            return (int)n;
    }
    return s[i] == '\n' ? 1 : 0;
}

static int is_ws(const char *s, size_t len, size_t i, size_t *n)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        *n = 1;
        return 1;
    }
    if (i + 3 <= len && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
        *n = 3;
        return 1;
    }
    return 0;
}

/* Best window start: the match whose window of `chars` characters covers
 * the most distinct atoms, then the most matches. */
static size_t best_anchor(const char *doc, size_t len, const mlist *m, unsigned chars, unsigned natoms)
{
    size_t best = m->n ? m->r[0].start : 0;
    unsigned best_score = 0;
    unsigned char seen[64];
    for (unsigned i = 0; i < m->n; i++) {
        size_t wend = advance(doc, len, m->r[i].start, chars * 3 / 4);
        memset(seen, 0, sizeof seen);
        unsigned distinct = 0, count = 0;
        /* match i counts in its own window even when longer than it */
        for (unsigned j = i; j < m->n && (j == i || m->r[j].start + m->r[j].len <= wend); j++) {
            unsigned a = m->atom[j] % 64;
            if (!seen[a]++)
                distinct++;
            count++;
        }
        unsigned score = distinct * 1000 + count;
        if (score > best_score) {
            best_score = score;
            best = m->r[i].start;
        }
        if (distinct == natoms && count > 8)
            break;
    }
    return best;
}

int zs_make(za_analyzer *a, const char *doc, size_t len, const char *const *atoms,
            unsigned natoms, unsigned chars, zs_snippet *out)
{
    memset(out, 0, sizeof *out);
    out->first_at = (size_t)-1;
    mlist m = {0};
    if (find_matches(a, doc, len, atoms, natoms, 1, &m)) {
        free(m.r);
        free(m.atom);
        return -1;
    }
    size_t start = 0, end;
    if (m.n) {
        size_t anchor = best_anchor(doc, len, &m, chars, natoms);
        /* Start at the beginning of the anchor's sentence when it is near;
         * otherwise a little before the anchor. */
        size_t lead = anchor, back = 0;
        start = anchor;
        while (lead > 0 && back < chars / 3) {
            size_t p = prev_char(doc, lead);
            if (sentence_end(doc, len, p)) {
                start = lead;
                break;
            }
            lead = p;
            back++;
        }
        if (lead == 0)
            start = 0;
        else if (start == anchor) {
            start = anchor;
            for (unsigned k = 0; k < chars / 8 && start > 0; k++)
                start = prev_char(doc, start);
        }
    }
    /* Skip leading whitespace. */
    size_t wn;
    while (start < len && is_ws(doc, len, start, &wn))
        start += wn;
    end = advance(doc, len, start, chars);
    /* the anchoring match is always shown whole, however short the snippet */
    for (unsigned i = 0; i < m.n; i++)
        if (m.r[i].start >= start && m.r[i].start < end && m.r[i].start + m.r[i].len > end) {
            end = m.r[i].start + m.r[i].len;
            break;
        }
    /* Prefer to stop after a sentence end in the last third. */
    if (end < len) {
        size_t third = advance(doc, len, start, chars * 2 / 3);
        for (size_t i = end; i > third;) {
            i = prev_char(doc, i);
            int k = sentence_end(doc, len, i);
            if (k && doc[i] != '\n') {
                end = i + (size_t)k;
                break;
            }
        }
    }
    /* Copy, folding whitespace runs to one space, and translate ranges. */
    zbuf *t = &out->text;
    for (size_t i = 0; i < start; i += is_ws(doc, len, i, &wn) ? wn : 0) {
        if (!is_ws(doc, len, i, &wn)) {
            zbuf_adds(t, "…"); /* text was cut, not just blank lines */
            break;
        }
    }
    unsigned mi = 0;
    int space = 0, open = 0;
    size_t open_end = 0;
    zs_range *r = m.n ? malloc(m.n * sizeof *r) : NULL;
    if (m.n && !r) {
        free(m.r);
        free(m.atom);
        return -1;
    }
    unsigned nr = 0;
    while (mi < m.n && m.r[mi].start < start)
        mi++;
    for (size_t i = start; i < end;) {
        if (open && i >= open_end) {
            r[nr - 1].len = (unsigned)t->len - r[nr - 1].start;
            open = 0;
        }
        if (!open && mi < m.n && m.r[mi].start == i && m.r[mi].start + m.r[mi].len <= end) {
            if (nr == 0)
                out->first_at = i;
            r[nr].start = (unsigned)t->len;
            r[nr++].len = 0;
            open = 1;
            open_end = m.r[mi].start + m.r[mi].len;
        }
        while (mi < m.n && m.r[mi].start <= i)
            mi++;
        if (is_ws(doc, len, i, &wn)) {
            if (!space && !open)
                zbuf_addc(t, ' ');
            space = 1;
            i += wn;
            continue;
        }
        space = 0;
        size_t nx = next_char(doc, len, i);
        zbuf_add(t, doc + i, nx - i);
        i = nx;
    }
    if (open)
        r[nr - 1].len = (unsigned)t->len - r[nr - 1].start;
    while (t->len && t->data[t->len - 1] == ' ')
        t->len--;
    if (end < len)
        zbuf_adds(t, "…");
    if (!t->data)
        zbuf_add(t, "", 0);
    else
        t->data[t->len] = 0;
    out->ranges = r;
    out->nranges = nr;
    free(m.r);
    free(m.atom);
    return 0;
}

void zs_clear(zs_snippet *s)
{
    zbuf_free(&s->text);
    free(s->ranges);
    memset(s, 0, sizeof *s);
}
