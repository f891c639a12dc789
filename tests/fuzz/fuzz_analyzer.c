/* fuzz_analyzer - arbitrary bytes through the normalizer, the analyzer and
 * the query builder of the term scheme.
 *
 * Invariants (normalize.h, analyzer.h, terms.h):
 *  - zn_normalize succeeds; per normalized unit src_start < src_end <= len,
 *    src_start non-decreasing, both on character boundaries of the input
 *    (as utf8_decode walks it: an invalid byte is a character of its own);
 *    the UTF-16 is well formed (no lone surrogates).
 *  - za_analyze succeeds; every token has 0 < len <= ZA_MAX_TOKEN, valid
 *    UTF-8 text, a source range inside the input on character boundaries;
 *    ZA_CHAR positions strictly increase, ZA_WORD indexes count 1, 2, 3...;
 *    a cjk token is one CJK code point.
 *  - za_analyze_chars reports exactly za_analyze's ZA_CHAR tokens (text,
 *    position, cjk flag, source range), in the same order.
 *  - zt_build_query on a prefix succeeds, with match NULL exactly when the
 *    prefix has no character-layer token, and nchars counting them.
 */
#include "analyzer.h"
#include "../char_stream.h"
#include "fuzz_common.h"
#include "normalize.h"
#include "terms.h"

#include <unicode/utf16.h>

static za_analyzer *an;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    an = fuzz_analyzer();
    return 0;
}

typedef struct tokcheck {
    const char *in;
    size_t len;
    const unsigned char *bound;
    uint32_t lastpos, words, chars;
    uint32_t last_char_start;
} tokcheck;

static int check_token(void *vctx, const za_token *t)
{
    tokcheck *c = vctx;
    FUZZ_CHECK(t->kind == ZA_WORD || t->kind == ZA_CHAR, "kind %d", (int)t->kind);
    FUZZ_CHECK(t->len > 0 && t->len <= ZA_MAX_TOKEN, "token length %zu", t->len);
    FUZZ_CHECK(t->text != NULL, "token text NULL");
    FUZZ_CHECK(fuzz_utf8_valid(t->text, t->len), "token text not valid UTF-8: '%s'",
               fuzz_show(t->text, t->len));
    FUZZ_CHECK(t->src_start < t->src_end && t->src_end <= c->len,
               "token source [%u, %u) outside input of %zu bytes", t->src_start, t->src_end, c->len);
    FUZZ_CHECK(c->bound[t->src_start] && c->bound[t->src_end],
               "token source [%u, %u) not on character boundaries", t->src_start, t->src_end);
    if (t->kind == ZA_WORD) {
        FUZZ_CHECK(t->pos == c->words + 1, "word index %u after %u", t->pos, c->words);
        c->words = t->pos;
        return 0;
    }
    FUZZ_CHECK(t->pos > c->lastpos, "char position %u not after %u", t->pos, c->lastpos);
    FUZZ_CHECK(c->chars == 0 || t->src_start >= c->last_char_start,
               "char token source %u before the previous one's %u", t->src_start,
               c->last_char_start);
    if (t->cjk) {
        uint32_t cp;
        size_t k = utf8_decode((const unsigned char *)t->text, t->len, &cp);
        FUZZ_CHECK(k == t->len && za_is_cjk(cp), "cjk token '%s' is not one CJK character",
                   fuzz_show(t->text, t->len));
    }
    c->lastpos = t->pos;
    c->last_char_start = t->src_start;
    c->chars++;
    return 0;
}

static void check_normalize(const char *in, size_t len, const unsigned char *bound)
{
    zn_text t;
    FUZZ_CHECK(zn_normalize(za_normalizer(an), in, len, &t) == 0, "zn_normalize failed");
    FUZZ_CHECK(t.len >= 0, "negative length");
    for (int32_t i = 0; i < t.len; i++) {
        uint32_t s = t.src_start[i], e = t.src_end[i];
        FUZZ_CHECK(s < e && e <= len, "unit %d maps to [%u, %u), input %zu bytes", i, s, e, len);
        FUZZ_CHECK(i == 0 || t.src_start[i - 1] <= s, "src_start decreases at unit %d: %u then %u",
                   i, t.src_start[i - 1], s);
        FUZZ_CHECK(bound[s] && bound[e], "unit %d maps to [%u, %u), not character boundaries", i,
                   s, e);
        UChar u = t.text[i];
        if (U16_IS_LEAD(u)) {
            FUZZ_CHECK(i + 1 < t.len && U16_IS_TRAIL(t.text[i + 1]), "lone lead surrogate at %d", i);
            i++;
            FUZZ_CHECK(t.src_start[i] == s && t.src_end[i] == e,
                       "surrogate pair halves map to different bytes at %d", i);
        } else {
            FUZZ_CHECK(!U16_IS_TRAIL(u), "lone trail surrogate at %d", i);
        }
    }
    size_t n8;
    char *u8 = zn_normalize_utf8(za_normalizer(an), in, len, &n8);
    FUZZ_CHECK(u8 != NULL, "zn_normalize_utf8 failed");
    FUZZ_CHECK(u8[n8] == 0 && fuzz_utf8_valid(u8, n8), "zn_normalize_utf8 output not valid UTF-8");
    free(u8);
}


static int count_chars(void *vctx, const za_token *t)
{
    if (t->kind == ZA_CHAR)
        ++*(unsigned *)vctx;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    unsigned char *bound = fuzz_boundaries(in, size);

    check_normalize(in, size, bound);

    tokcheck c = {.in = in, .len = size, .bound = bound};
    FUZZ_CHECK(za_analyze(an, in, size, check_token, &c) == 0, "za_analyze failed");

    zbuf all = {0}, chars = {0};
    FUZZ_CHECK(za_analyze(an, in, size, char_stream, &all) == 0, "za_analyze failed");
    FUZZ_CHECK(za_analyze_chars(an, in, size, char_stream, &chars) == 0, "za_analyze_chars failed");
    FUZZ_CHECK(all.len == chars.len && (all.len == 0 || memcmp(all.data, chars.data, all.len) == 0),
               "za_analyze_chars differs from za_analyze on '%s'", fuzz_show(in, size));
    zbuf_free(&all);
    zbuf_free(&chars);

    /* The query builder on a prefix (queries are short), field from the
     * last byte. */
    size_t plen = size < 300 ? size : 300;
    static const char *const fields[] = {ZT_FIELD_BODY, ZT_FIELD_TITLE, ZT_FIELD_ISSUER};
    const char *field = fields[size ? data[size - 1] % 3 : 0];
    unsigned nchars = 0;
    FUZZ_CHECK(za_analyze(an, in, plen, count_chars, &nchars) == 0, "za_analyze (prefix) failed");
    zt_query q;
    int rc = zt_build_query(an, field, in, plen, &q);
    FUZZ_CHECK(rc == 0, "zt_build_query failed on '%s'", fuzz_show(in, plen));
    FUZZ_CHECK((q.match == NULL) == (nchars == 0),
               "match %s with %u character-layer tokens", q.match ? "set" : "NULL", nchars);
    if (q.match) {
        FUZZ_CHECK(q.both != NULL, "both NULL with a match query");
        FUZZ_CHECK(q.nchars == nchars, "nchars %u, analyzer gave %u", q.nchars, nchars);
        FUZZ_CHECK(q.firstlen > 0 && q.firstlen < sizeof q.first, "firstlen %zu", q.firstlen);
    } else {
        FUZZ_CHECK(q.both == NULL && q.rank == NULL, "queries without a match query");
    }
    zt_query_clear(&q);
    free(bound);
    return 0;
}
