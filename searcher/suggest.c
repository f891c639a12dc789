/* suggest.c - see suggest.h. */
#include "suggest.h"
#include "normalize.h"
#include "zbuf.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

#define WORD_MAX 10   /* characters of a word varied */
#define FOLLOWERS 12  /* characters tried after the one before, most frequent first */
#define MAX_COUNTS 48 /* variants counted per query: each is a search */

typedef struct py_entry {
    uint32_t cp;
    unsigned freq;
    char py[12]; /* toneless pinyin, "" when it has none */
} py_entry;

struct zg_pinyin {
    py_entry *v; /* sorted by cp */
    size_t n, cap;
    UTransliterator *tr;
};

static int is_han(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

/* The code point of s[0..n) when it is exactly one Han character, else 0. */
static uint32_t one_han(const char *s, size_t n)
{
    uint32_t cp;
    size_t k = n ? utf8_seq((const unsigned char *)s, n, &cp) : 0;
    return k && k == n && is_han(cp) ? cp : 0;
}

/* Toneless pinyin of cp ("fa"), "" when the transliteration is not one
 * plain syllable. */
static void pinyin_of(UTransliterator *tr, uint32_t cp, char out[12])
{
    UChar buf[32];
    int32_t len = 0, limit;
    UErrorCode st = U_ZERO_ERROR;
    out[0] = 0;
    U16_APPEND_UNSAFE(buf, len, cp);
    limit = len;
    utrans_transUChars(tr, buf, &len, 32, 0, &limit, &st);
    if (U_FAILURE(st))
        return;
    size_t k = 0;
    for (int32_t i = 0; i < len; i++) {
        UChar c = buf[i];
        if (c >= 'A' && c <= 'Z')
            c = (UChar)(c + 32);
        if (c < 'a' || c > 'z' || k + 1 >= 12) {
            k = 0;
            break;
        }
        out[k++] = (char)c;
    }
    out[k] = 0;
}

static int add_char(void *ctx, const char *t, size_t len, unsigned freq)
{
    zg_pinyin *p = ctx;
    uint32_t cp = one_han(t + 1, len - 1); /* "C" + the character */
    if (!cp)
        return 0;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 1024;
        py_entry *nv = realloc(p->v, nc * sizeof *nv);
        if (!nv)
            return 1;
        p->v = nv;
        p->cap = nc;
    }
    py_entry *e = &p->v[p->n++];
    e->cp = cp;
    e->freq = freq;
    pinyin_of(p->tr, cp, e->py);
    return 0;
}

static int by_cp(const void *a, const void *b)
{
    const py_entry *x = a, *y = b;
    return x->cp < y->cp ? -1 : x->cp > y->cp;
}

void zg_pinyin_free(zg_pinyin *p)
{
    if (!p)
        return;
    if (p->tr)
        utrans_close(p->tr);
    free(p->v);
    free(p);
}

/* The characters of the index with their pinyin: every one-character C
 * term (the character layer), a few thousand for a large collection. */
static zg_pinyin *pinyin_table(zx_db *db)
{
    zg_pinyin *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    static const UChar id[] = u"Han-Latin; Latin-ASCII";
    p->tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    zx_err e;
    if (U_FAILURE(st) || zx_db_each_term(db, "C", add_char, p, &e) != ZX_OK) {
        zg_pinyin_free(p);
        return NULL;
    }
    qsort(p->v, p->n, sizeof *p->v, by_cp);
    return p;
}

/* ---- variants ---- */

typedef struct variants {
    uint32_t *cp; /* replacement characters for one position */
    size_t n, cap;
} variants;

static int vadd(variants *v, uint32_t cp)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->cp[i] == cp)
            return 0;
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 16;
        uint32_t *n = realloc(v->cp, nc * sizeof *n);
        if (!n)
            return -1;
        v->cp = n;
        v->cap = nc;
    }
    v->cp[v->n++] = cp;
    return 0;
}

typedef struct follower {
    uint32_t cp;
    unsigned freq;
} follower;

typedef struct followers {
    follower top[FOLLOWERS];
    unsigned n;
} followers;

/* Bigram terms "B" + prev + X: keep the most frequent X. */
static int add_follower(void *ctx, const char *t, size_t len, unsigned freq)
{
    followers *f = ctx;
    uint32_t prev;
    size_t k = utf8_seq((const unsigned char *)t + 1, len - 1, &prev);
    uint32_t cp = k ? one_han(t + 1 + k, len - 1 - k) : 0;
    if (!cp)
        return 0;
    unsigned i;
    if (f->n < FOLLOWERS)
        i = f->n++;
    else if (freq > f->top[FOLLOWERS - 1].freq)
        i = FOLLOWERS - 1;
    else
        return 0;
    f->top[i] = (follower){cp, freq};
    while (i > 0 && f->top[i - 1].freq < f->top[i].freq) { /* keep them sorted */
        follower t2 = f->top[i - 1];
        f->top[i - 1] = f->top[i];
        f->top[i] = t2;
        i--;
    }
    return 0;
}

/* The replacements tried for character i of word w[0..n). */
static int replacements(zx_db *db, const zg_pinyin *p, const uint32_t *w, size_t i,
                        variants *out)
{
    char py[12];
    pinyin_of(p->tr, w[i], py);
    for (size_t k = 0; py[0] && k < p->n; k++)
        if (p->v[k].cp != w[i] && !strcmp(p->v[k].py, py) && vadd(out, p->v[k].cp))
            return -1;
    if (i > 0) {
        zbuf pre = {0};
        followers f = {.n = 0};
        zx_err e;
        int bad = zbuf_addc(&pre, 'B') || zbuf_add_cp(&pre, w[i - 1]) ||
                  zx_db_each_term(db, pre.data, add_follower, &f, &e) != ZX_OK;
        zbuf_free(&pre);
        for (unsigned k = 0; !bad && k < f.n; k++)
            if (f.top[k].cp != w[i] && vadd(out, f.top[k].cp))
                bad = 1;
        if (bad)
            return -1;
    }
    return 0;
}

/* Code points of the word as the index sees it (Traditional folded),
 * 0 when it is not 2..WORD_MAX Han characters. */
static size_t han_word(const char *s, uint32_t *out)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_seq((const unsigned char *)s + i, len - i, &cp);
        if (!k || n == WORD_MAX)
            return 0;
        cp = zn_simplify(NULL, cp);
        if (!is_han(cp))
            return 0;
        out[n++] = cp;
        i += k;
    }
    return n >= 2 ? n : 0;
}

static int utf8_of(const uint32_t *w, size_t n, zbuf *b)
{
    zbuf_clear(b);
    for (size_t i = 0; i < n; i++)
        if (zbuf_add_cp(b, w[i]))
            return -1;
    return 0;
}

/* Keep a counted variant in out[0..*nout), most documents first. */
static int keep(zg_suggestion *out, unsigned max, unsigned *nout, const char *q, unsigned count)
{
    for (unsigned i = 0; i < *nout; i++)
        if (!strcmp(out[i].query, q))
            return 0;
    unsigned at = *nout;
    while (at > 0 && out[at - 1].count < count)
        at--;
    if (at >= max)
        return 0;
    char *dup = strdup(q);
    if (!dup)
        return -1;
    if (*nout == max)
        free(out[--*nout].query);
    memmove(out + at + 1, out + at, (*nout - at) * sizeof *out);
    out[at] = (zg_suggestion){dup, count};
    ++*nout;
    return 0;
}

int zg_suggest(zx_db *db, zg_pinyin **py, const char *normalized, const char *const *words,
               unsigned nw, unsigned found, zg_count_fn count, void *ctx, zg_suggestion *out,
               unsigned max, unsigned *nout)
{
    *nout = 0;
    if (!*py && !(*py = pinyin_table(db)))
        return -1;
    zbuf word = {0}, alt = {0}, q = {0};
    int bad = 0;
    unsigned counted = 0;
    for (unsigned a = 0; a < nw && !bad && counted < MAX_COUNTS; a++) {
        uint32_t w[WORD_MAX];
        size_t n = han_word(words[a], w);
        const char *at;
        if (!n || utf8_of(w, n, &word) || !(at = strstr(normalized, word.data)))
            continue;
        for (size_t i = 0; i < n && !bad && counted < MAX_COUNTS; i++) {
            variants v = {0};
            bad = replacements(db, *py, w, i, &v);
            for (size_t k = 0; k < v.n && !bad && counted < MAX_COUNTS; k++) {
                uint32_t keepc = w[i];
                w[i] = v.cp[k];
                bad = utf8_of(w, n, &alt);
                w[i] = keepc;
                zbuf_clear(&q);
                bad = bad || zbuf_add(&q, normalized, (size_t)(at - normalized)) ||
                      zbuf_add(&q, alt.data, alt.len) || zbuf_adds(&q, at + word.len);
                if (bad)
                    break;
                long c = count(ctx, q.data);
                counted++;
                if (c > (long)found && keep(out, max, nout, q.data, (unsigned)c))
                    bad = 1;
            }
            free(v.cp);
        }
    }
    zbuf_free(&word);
    zbuf_free(&alt);
    zbuf_free(&q);
    return bad ? -1 : 0;
}
