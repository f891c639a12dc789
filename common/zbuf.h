/* zbuf.h - a growable byte buffer and small UTF-8 helpers shared by all
 * modules.  Header-only so that every target gets them without a link
 * dependency; all functions are static inline. */
#ifndef ZHS_ZBUF_H
#define ZHS_ZBUF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct zbuf {
    char *data;
    size_t len, cap;
} zbuf;

/* Ensure room for `extra` more bytes plus a NUL; returns 0 or -1 (ENOMEM). */
static inline int zbuf_reserve(zbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = (char *)realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static inline int zbuf_add(zbuf *b, const void *p, size_t n)
{
    if (zbuf_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

static inline int zbuf_addc(zbuf *b, char c) { return zbuf_add(b, &c, 1); }
static inline int zbuf_adds(zbuf *b, const char *s) { return zbuf_add(b, s, strlen(s)); }
static inline void zbuf_clear(zbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}
static inline void zbuf_free(zbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Append code point `c` as UTF-8. */
static inline int zbuf_add_cp(zbuf *b, uint32_t c)
{
    char s[4];
    size_t n;
    if (c < 0x80) {
        s[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        s[0] = (char)(0xC0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        s[0] = (char)(0xE0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        s[0] = (char)(0xF0 | (c >> 18));
        s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return zbuf_add(b, s, n);
}

/* FNV-1a hashes: for hash tables, change detection and ids, not security. */
static inline uint32_t zh_hash32(const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 16777619u;
    return h;
}

static inline uint64_t zh_hash64(const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

/* The one UTF-8 decoder of the project (documents, queries, metadata,
 * extractors, output all go through these two).
 *
 * utf8_seq: the length of the well-formed sequence at s[0..n) (n > 0) and
 * its code point in *cp, or 0 when s does not start one: overlong forms,
 * surrogates, values above U+10FFFF and truncated sequences are
 * ill-formed. */
static inline size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        need = 1, v = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 2, v = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 3, v = c & 0x07;
    else
        return 0;
    /* The second byte's range excludes overlongs, surrogates, > U+10FFFF. */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (size_t k = 1; k <= need; k++, lo = 0x80, hi = 0xBF) {
        if (k >= n || s[k] < lo || s[k] > hi)
            return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    *cp = v;
    return need + 1;
}

/* utf8_decode: one code point at s[0..n) (n > 0), and the bytes it took
 * (at least 1), so that any byte string walks forward safely.  An
 * ill-formed sequence reads as one U+FFFD for its longest valid prefix
 * (Unicode's "maximal subpart" practice, as ICU and browsers do): "\xE6\x97"
 * cut off at the end is one U+FFFD, "\xFF\x80" two. */
static inline size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t k = utf8_seq(s, n, cp);
    if (k)
        return k;
    *cp = 0xFFFD;
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t need = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (k = 1; k <= need && k < n && s[k] >= lo && s[k] <= hi; k++, lo = 0x80, hi = 0xBF)
        ;
    return k;
}

/* Length of the longest prefix of s[0..n) that ends on a character
 * boundary and is at most `max` bytes. */
static inline size_t utf8_clip(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* Length of s[0..n) without an incomplete character at its end (what a
 * truncating snprintf can leave). */
static inline size_t utf8_complete(const char *s, size_t n)
{
    size_t p = n, cont = 0;
    while (p > 0 && cont < 3 && ((unsigned char)s[p - 1] & 0xC0) == 0x80) {
        p--;
        cont++;
    }
    if (p == 0)
        return n;
    unsigned char c = (unsigned char)s[p - 1];
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > cont + 1 ? p - 1 : n;
}

#endif
