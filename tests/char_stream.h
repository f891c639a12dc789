/* char_stream.h - the character-layer tokens of an analysis as one string
 * ("|pos cjk src_start src_end:text" each), for comparing za_analyze with
 * za_analyze_chars (test_analyzer.c, fuzz_analyzer.c).  ctx is a zbuf. */
#ifndef ZHS_TEST_CHAR_STREAM_H
#define ZHS_TEST_CHAR_STREAM_H

#include "analyzer.h"
#include "zbuf.h"

#include <stdio.h>

static int char_stream(void *ctx, const za_token *t)
{
    zbuf *b = ctx;
    if (t->kind != ZA_CHAR)
        return 0;
    char meta[64];
    snprintf(meta, sizeof meta, "|%u %d %u %u:", t->pos, t->cjk, t->src_start, t->src_end);
    zbuf_adds(b, meta);
    zbuf_add(b, t->text, t->len);
    return 0;
}

#endif
