/* normalize.h - the text normalization every document and query goes
 * through, once, before segmentation.
 *
 * Steps: UTF-8 decode (zbuf.h: an ill-formed sequence becomes one U+FFFD), Unicode NFKC with case
 * folding (ICU "nfkc_cf": full-width ２０２１ → 2021, ＡＢＣ → abc, and
 * default-ignorable characters removed), then Traditional → Simplified
 * Chinese (ICU's Traditional-Simplified transliterator, tabulated at build
 * time by gen_t2s.c and applied one code point at a time so offsets stay
 * exact).
 *
 * The result is UTF-16 (what ICU's break iterators consume) plus an offset
 * map: for every UTF-16 unit of the normalized text, the byte range
 * [src_start, src_end) of the original UTF-8 it came from.  A span of
 * normalized text [a, b) therefore maps back to original bytes
 * [src_start[a], src_end[b-1]), always on character boundaries.
 *
 * Invariants: src_start is non-decreasing; src_start[i] < src_end[i] <= len.
 */
#ifndef ZHS_NORMALIZE_H
#define ZHS_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include <unicode/utypes.h>

#include "zerr.h"

typedef struct zn_normalizer zn_normalizer;

typedef struct zn_text {
    const UChar *text;         /* normalized UTF-16, owned by the normalizer */
    int32_t len;               /* in UTF-16 units */
    const uint32_t *src_start; /* per unit: original byte offset */
    const uint32_t *src_end;   /* per unit: end of the original character(s) */
} zn_text;

/* A new normalizer, or NULL with e set. */
zn_normalizer *zn_new(zerr *e);
void zn_free(zn_normalizer *n);

/* Normalize utf8[0..len).  The result stays valid until the next call on
 * the same handle.  Returns 0, or -1 when out of memory / ICU fails. */
int zn_normalize(zn_normalizer *n, const char *utf8, size_t len, zn_text *out);

/* Normalize and return malloc'd UTF-8 (for tests and tools); NULL on error. */
char *zn_normalize_utf8(zn_normalizer *n, const char *utf8, size_t len, size_t *outlen);

/* The Traditional → Simplified mapping of one code point. */
uint32_t zn_simplify(zn_normalizer *n, uint32_t cp);

#endif
