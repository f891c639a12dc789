/* normalize.c - see normalize.h for what this does and its invariants.
 *
 * Offsets survive NFKC because ICU can tell where normalization
 * boundaries are: text that already passes the quick check is copied one
 * unit to one unit, and each stretch between two boundaries that needs work
 * is normalized on its own, all of its output units mapping to the whole
 * original stretch.
 */
#include "normalize.h"
#include "t2s_table.h"
#include "zbuf.h"

#include <pthread.h>
#include <stdio.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

/* A growable UTF-16 string with its offset map. */
typedef struct mapped16 {
    UChar *u;
    uint32_t *start, *end;
    int32_t len, cap;
} mapped16;

struct zn_normalizer {
    const UNormalizer2 *nfkc_cf;
    mapped16 src;   /* decoded input */
    mapped16 nfk;   /* after NFKC_Casefold */
    mapped16 out;   /* after Traditional → Simplified */
    UChar *tmp;
    int32_t tmpcap;
    /* NFKC_Casefold of single code points whose stretch is just themselves
     * (context-free): full-width punctuation and the like, met constantly
     * in Chinese text.  len 0xFF: not cached yet; output up to 3 units. */
    struct one {
        uint8_t len;
        UChar u[3];
    } *one;
};

static int m16_reserve(mapped16 *m, int32_t extra)
{
    if (m->len + extra <= m->cap)
        return 0;
    int32_t cap = m->cap ? m->cap : 256;
    while (cap < m->len + extra)
        cap *= 2;
    UChar *u = realloc(m->u, (size_t)cap * sizeof *u);
    if (!u)
        return -1;
    m->u = u;
    uint32_t *s = realloc(m->start, (size_t)cap * sizeof *s);
    if (!s)
        return -1;
    m->start = s;
    uint32_t *e = realloc(m->end, (size_t)cap * sizeof *e);
    if (!e)
        return -1;
    m->end = e;
    m->cap = cap;
    return 0;
}

/* Append code point c mapped to original bytes [s, e); the caller has
 * reserved room for two units. */
static inline void m16_put_unchecked(mapped16 *m, uint32_t c, uint32_t s, uint32_t e)
{
    if (c <= 0xFFFF) {
        m->u[m->len] = (UChar)c;
        m->start[m->len] = s;
        m->end[m->len++] = e;
    } else {
        m->u[m->len] = U16_LEAD(c);
        m->u[m->len + 1] = U16_TRAIL(c);
        m->start[m->len] = m->start[m->len + 1] = s;
        m->end[m->len] = m->end[m->len + 1] = e;
        m->len += 2;
    }
}

static void m16_free(mapped16 *m)
{
    free(m->u);
    free(m->start);
    free(m->end);
}

/* The BMP part of the table as blocks of 256 code points, for one lookup
 * per character instead of a binary search: t2s_block_of[cp >> 8] is 0
 * when nothing in the block changes, else 1 + its block; an entry is the
 * Simplified code point, or 0 when that is supplementary (searched). */
static uint8_t t2s_block_of[256];
static uint16_t (*t2s_blocks)[256];
static pthread_once_t t2s_once = PTHREAD_ONCE_INIT;

static void t2s_build(void)
{
    unsigned nb = 0;
    uint8_t used[256] = {0};
    for (size_t i = 0; i < ZN_T2S_COUNT; i++)
        if (zn_t2s_table[i][0] <= 0xFFFF && !used[zn_t2s_table[i][0] >> 8]++)
            nb++;
    uint16_t (*blocks)[256] = calloc(nb ? nb : 1, sizeof *blocks);
    if (!blocks)
        return; /* lookups fall back to the binary search */
    unsigned k = 0;
    for (unsigned hi = 0; hi < 256; hi++) {
        if (!used[hi])
            continue;
        for (unsigned lo = 0; lo < 256; lo++)
            blocks[k][lo] = (uint16_t)(hi << 8 | lo);
        t2s_block_of[hi] = (uint8_t)++k;
    }
    for (size_t i = 0; i < ZN_T2S_COUNT; i++) {
        uint32_t from = zn_t2s_table[i][0], to = zn_t2s_table[i][1];
        if (from <= 0xFFFF)
            blocks[t2s_block_of[from >> 8] - 1][from & 0xFF] = to <= 0xFFFF ? (uint16_t)to : 0;
    }
    t2s_blocks = blocks;
}

zn_normalizer *zn_new(zerr *e)
{
    UErrorCode st = U_ZERO_ERROR;
    zn_normalizer *n = calloc(1, sizeof *n);
    if (!n) {
        zerr_set(e, ZERR_NOMEM, "out of memory");
        return NULL;
    }
    n->one = malloc(0x10000 * sizeof *n->one);
    if (!n->one) {
        zerr_set(e, ZERR_NOMEM, "out of memory");
        goto fail;
    }
    memset(n->one, 0xFF, 0x10000 * sizeof *n->one);
    pthread_once(&t2s_once, t2s_build);
    n->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        zerr_set(e, st == U_MEMORY_ALLOCATION_ERROR ? ZERR_NOMEM : ZERR_OTHER,
                 "ICU NFKC_Casefold: %s", u_errorName(st));
        goto fail;
    }
    return n;
fail:
    zn_free(n);
    return NULL;
}

void zn_free(zn_normalizer *n)
{
    if (!n)
        return;
    free(n->one);
    m16_free(&n->src);
    m16_free(&n->nfk);
    m16_free(&n->out);
    free(n->tmp);
    free(n);
}

uint32_t zn_simplify(zn_normalizer *n, uint32_t cp)
{
    (void)n;
    if (cp < zn_t2s_table[0][0] || cp > zn_t2s_table[ZN_T2S_COUNT - 1][0])
        return cp;
    if (cp <= 0xFFFF && t2s_blocks) {
        unsigned b = t2s_block_of[cp >> 8];
        if (!b)
            return cp;
        uint16_t to = t2s_blocks[b - 1][cp & 0xFF];
        if (to)
            return to;
    }
    size_t lo = 0, hi = ZN_T2S_COUNT;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (zn_t2s_table[mid][0] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ZN_T2S_COUNT && zn_t2s_table[lo][0] == cp ? zn_t2s_table[lo][1] : cp;
}

/* UTF-8 → UTF-16 with byte offsets.  A byte yields at most one unit
 * (four bytes two), so one reservation covers the whole input. */
static int decode_input(zn_normalizer *n, const char *utf8, size_t len)
{
    mapped16 *m = &n->src;
    m->len = 0;
    if (m16_reserve(m, (int32_t)len + 2))
        return -1;
    const unsigned char *s = (const unsigned char *)utf8;
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) { /* ASCII runs */
            m->u[m->len] = s[i];
            m->start[m->len] = (uint32_t)i;
            m->end[m->len++] = (uint32_t)(i + 1);
            i++;
            continue;
        }
        uint32_t c;
        size_t k = utf8_decode(s + i, len - i, &c);
        m16_put_unchecked(m, c, (uint32_t)i, (uint32_t)(i + k));
        i += k;
    }
    return 0;
}

/* Normalize one stretch src[a, b) as a unit. */
static int nfkc_stretch(zn_normalizer *n, int32_t a, int32_t b)
{
    mapped16 *src = &n->src, *dst = &n->nfk;
    uint32_t s = src->start[a], e = src->end[b - 1];
    if (b - a == 1) { /* one BMP code point: cached */
        struct one *o = &n->one[src->u[a]];
        if (o->len == 0xFF) {
            UErrorCode st = U_ZERO_ERROR;
            UChar buf[8];
            int32_t got = unorm2_normalize(n->nfkc_cf, &src->u[a], 1, buf, 8, &st);
            if (U_SUCCESS(st) && got <= 3) {
                o->len = (uint8_t)got;
                memcpy(o->u, buf, (size_t)got * sizeof(UChar));
            }
        }
        if (o->len != 0xFF) {
            if (m16_reserve(dst, o->len))
                return -1;
            for (int k = 0; k < o->len; k++) {
                dst->u[dst->len] = o->u[k];
                dst->start[dst->len] = s;
                dst->end[dst->len++] = e;
            }
            return 0;
        }
    }
    for (;;) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t got = unorm2_normalize(n->nfkc_cf, src->u + a, b - a, n->tmp, n->tmpcap, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            UChar *t = realloc(n->tmp, (size_t)(got + 16) * sizeof *t);
            if (!t)
                return -1;
            n->tmp = t;
            n->tmpcap = got + 16;
            continue;
        }
        if (U_FAILURE(st))
            return -1;
        if (m16_reserve(dst, got))
            return -1;
        for (int32_t i = 0; i < got; i++) {
            dst->u[dst->len] = n->tmp[i];
            dst->start[dst->len] = s;
            dst->end[dst->len++] = e;
        }
        return 0;
    }
}

static int nfkc(zn_normalizer *n)
{
    mapped16 *src = &n->src, *dst = &n->nfk;
    dst->len = 0;
    int32_t p = 0;
    while (p < src->len) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t yes = unorm2_spanQuickCheckYes(n->nfkc_cf, src->u + p, src->len - p, &st);
        if (U_FAILURE(st))
            return -1;
        if (yes > 0) {
            if (m16_reserve(dst, yes))
                return -1;
            memcpy(dst->u + dst->len, src->u + p, (size_t)yes * sizeof(UChar));
            memcpy(dst->start + dst->len, src->start + p, (size_t)yes * sizeof(uint32_t));
            memcpy(dst->end + dst->len, src->end + p, (size_t)yes * sizeof(uint32_t));
            dst->len += yes;
            p += yes;
            if (p >= src->len)
                break;
        }
        /* The stretch runs from p to the next normalization boundary. */
        int32_t q = p;
        UChar32 c;
        U16_NEXT(src->u, q, src->len, c);
        while (q < src->len) {
            int32_t r = q;
            U16_NEXT(src->u, r, src->len, c);
            if (unorm2_hasBoundaryBefore(n->nfkc_cf, c))
                break;
            q = r;
        }
        if (nfkc_stretch(n, p, q))
            return -1;
        p = q;
    }
    return 0;
}

static int simplify_all(zn_normalizer *n)
{
    mapped16 *src = &n->nfk, *dst = &n->out;
    dst->len = 0;
    /* mappings are one code point to one; a BMP one may become
     * supplementary, hence the doubled reservation */
    if (m16_reserve(dst, src->len * 2 + 2))
        return -1;
    int32_t i = 0;
    while (i < src->len) {
        UChar u = src->u[i];
        if (u < 0x2E80) { /* nothing below the CJK radicals changes */
            dst->u[dst->len] = u;
            dst->start[dst->len] = src->start[i];
            dst->end[dst->len++] = src->end[i];
            i++;
            continue;
        }
        int32_t at = i;
        UChar32 c;
        U16_NEXT(src->u, i, src->len, c);
        m16_put_unchecked(dst, zn_simplify(n, (uint32_t)c), src->start[at], src->end[at]);
    }
    return 0;
}

int zn_normalize(zn_normalizer *n, const char *utf8, size_t len, zn_text *out)
{
    if (len > 0x7FFFFFF0u / 2)
        return -1; /* offsets are 32-bit; the indexer caps file sizes far below */
    if (decode_input(n, utf8, len) || nfkc(n) || simplify_all(n))
        return -1;
    out->text = n->out.u;
    out->len = n->out.len;
    out->src_start = n->out.start;
    out->src_end = n->out.end;
    return 0;
}

char *zn_normalize_utf8(zn_normalizer *n, const char *utf8, size_t len, size_t *outlen)
{
    zn_text t;
    if (zn_normalize(n, utf8, len, &t))
        return NULL;
    zbuf b = {0};
    int32_t i = 0;
    while (i < t.len) {
        UChar32 c;
        U16_NEXT(t.text, i, t.len, c);
        if (zbuf_add_cp(&b, (uint32_t)c)) {
            zbuf_free(&b);
            return NULL;
        }
    }
    if (!b.data && zbuf_add(&b, "", 0))
        return NULL;
    if (outlen)
        *outlen = b.len;
    return b.data;
}
