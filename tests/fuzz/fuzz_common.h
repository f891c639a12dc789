/* fuzz_common.h - helpers shared by the libFuzzer targets: invariant
 * checks that abort with a message, strict UTF-8 validation and the
 * character boundaries of arbitrary bytes as the project walks them. */
#ifndef ZHS_FUZZ_COMMON_H
#define ZHS_FUZZ_COMMON_H

#include "zbuf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Abort (a libFuzzer crash) when an invariant does not hold. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                     \
    } while (0)

static void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5), unused));

static void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n==FUZZ INVARIANT VIOLATED== %s:%d: %s\n  ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

/* Length of the well-formed UTF-8 sequence at s (no overlongs, surrogates
 * or values above U+10FFFF), 0 when ill-formed. */
static inline size_t fuzz_u8_seq(const unsigned char *s, size_t avail)
{
    uint32_t cp;
    return utf8_seq(s, avail, &cp);
}

/* Offset of the first invalid UTF-8 byte in s[0..n), or n when valid. */
static inline size_t fuzz_utf8_bad_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = fuzz_u8_seq(u + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

static inline int fuzz_utf8_valid(const char *s, size_t n) { return fuzz_utf8_bad_at(s, n) == n; }

/* Character starts of arbitrary bytes as utf8_decode (zbuf.h) walks them:
 * b[i] is 1 when a character starts at byte i; b[n] is 1 (the end).  An
 * invalid byte is a character of its own.  malloc'd, n + 1 entries. */
static inline unsigned char *fuzz_boundaries(const char *s, size_t n)
{
    unsigned char *b = calloc(n + 1, 1);
    if (!b)
        abort();
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        b[i] = 1;
        i += utf8_decode((const unsigned char *)s + i, n - i, &cp);
    }
    b[n] = 1;
    return b;
}

/* A malloc'd copy of s[0..n) with a NUL after it. */
static inline char *fuzz_strndup(const uint8_t *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        abort();
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* s[0..n) with every invalid byte replaced by U+FFFD: valid UTF-8. */
static inline char *fuzz_sanitize(const uint8_t *s, size_t n, size_t *outlen)
{
    zbuf b = {0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += utf8_decode(s + i, n - i, &cp);
        if (zbuf_add_cp(&b, cp))
            abort();
    }
    if (zbuf_add(&b, "", 0))
        abort();
    *outlen = b.len;
    return b.data;
}

/* Printable excerpt of bytes for messages (hex escapes for the rest);
 * four calls may share one message. */
static inline const char *fuzz_show(const char *s, size_t n)
{
    static char bufs[4][512];
    static unsigned next;
    char *buf = bufs[next++ % 4];
    size_t w = 0;
    for (size_t i = 0; i < n && w + 8 < sizeof bufs[0]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\')
            buf[w++] = (char)c;
        else
            w += (size_t)snprintf(buf + w, sizeof bufs[0] - w, "\\x%02X", c);
    }
    buf[w] = 0;
    return buf;
}

#ifdef ZHS_ANALYZER_H
/* The analyzer the targets share, or abort. */
static inline za_analyzer *fuzz_analyzer(void)
{
    zerr e;
    za_analyzer *a = za_new(&e);
    if (!a) {
        fprintf(stderr, "za_new: %s\n", e.msg);
        abort();
    }
    return a;
}
#endif

#endif
