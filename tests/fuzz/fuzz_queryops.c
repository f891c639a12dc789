/* fuzz_queryops - the query operators outside the parser, on arbitrary
 * bytes: synonym groups (zsyn_parse), synonym expansion (zy_expand) and
 * NEAR/SENTENCE/PARAGRAPH (zp_parse, and zp_holds on a text).
 *
 * Input: up to the first NUL, a synonym list; up to the next, a query;
 * the rest, a document text.
 *
 * Invariants (synonyms.h, expand.h, proximity.h):
 *  - zsyn_parse succeeds or fails with ZERR_INVALID and a message naming
 *    the line; a parsed list's stored form parses again into the same
 *    stored form (what zhindex stores, the library reads back);
 *  - zy_expand always succeeds; each expansion names a word of the query,
 *    and without ~ and without `all` the query is unchanged;
 *  - zp_parse succeeds or fails with ZERR_SYNTAX and "column"; on success
 *    with operators, the rewritten query is as long as the query and every
 *    constraint names two operands; zp_holds answers 0 or 1.
 */
#include "analyzer.h"
#include "expand.h"
#include "fuzz_common.h"
#include "proximity.h"
#include "synonyms.h"

static za_analyzer *an;
static zn_normalizer *nz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    zerr e;
    an = fuzz_analyzer();
    nz = zn_new(&e);
    return 0;
}

static void synonyms(const char *s, size_t n, zsyn **out)
{
    zerr e;
    zerr_code rc = zsyn_parse(nz, s, n, out, &e);
    if (rc) {
        FUZZ_CHECK(rc == ZERR_INVALID && *out == NULL, "zsyn_parse: code %d", (int)rc);
        FUZZ_CHECK(strstr(e.msg, "line ") || strstr(e.msg, "too large"), "message '%s'", e.msg);
        return;
    }
    size_t len, len2;
    char *text = zsyn_text(*out, &len);
    FUZZ_CHECK(text != NULL, "zsyn_text failed");
    zsyn *again;
    FUZZ_CHECK(zsyn_parse(nz, text, len, &again, &e) == ZERR_OK, "stored form refused: %s", e.msg);
    char *text2 = zsyn_text(again, &len2);
    FUZZ_CHECK(len == len2 && !memcmp(text, text2, len), "stored form changed on reparsing");
    FUZZ_CHECK(zsyn_groups(again) == zsyn_groups(*out), "group count changed");
    free(text);
    free(text2);
    zsyn_free(again);
}

static void expand(const zsyn *syn, const char *q)
{
    for (int all = 0; all < 2; all++) {
        char *out = NULL;
        zy_expansion *exp = NULL;
        unsigned n = 0;
        FUZZ_CHECK(zy_expand(syn, nz, q, all, &out, &exp, &n) == 0, "zy_expand failed");
        for (unsigned i = 0; i < n; i++)
            FUZZ_CHECK(exp[i].word && strstr(q, exp[i].word), "expansion of a word not in the query");
        if (!all && !strchr(q, '~') && !strstr(q, "\xEF\xBD\x9E"))
            FUZZ_CHECK(!strcmp(out, q) && n == 0, "a plain query changed: '%s'", fuzz_show(out, strlen(out)));
        free(out);
        zy_free(exp, n);
    }
}

static void proximity(const char *q, const char *text, size_t tlen)
{
    zp_query zp;
    zerr e;
    zerr_code rc = zp_parse(q, &zp, &e);
    if (rc) {
        FUZZ_CHECK(rc == ZERR_SYNTAX && strstr(e.msg, "column"), "zp_parse: %d '%s'", (int)rc, e.msg);
        return;
    }
    if (zp.nc) {
        FUZZ_CHECK(zp.rewritten && strlen(zp.rewritten) == strlen(q), "rewritten length");
        for (unsigned i = 0; i < zp.nc; i++)
            FUZZ_CHECK(zp.c[i].a < zp.nwords && zp.c[i].b < zp.nwords, "constraint operands");
        for (int paged = 0; paged < 2; paged++) {
            int h = zp_holds(an, text, tlen, paged, &zp);
            FUZZ_CHECK(h == 0 || h == 1, "zp_holds: %d", h);
        }
    } else {
        FUZZ_CHECK(zp.rewritten == NULL && zp.nwords == 0, "no operators, yet words");
    }
    zp_clear(&zp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *d = (const char *)data;
    const char *z1 = memchr(d, 0, size);
    size_t n1 = z1 ? (size_t)(z1 - d) : size;
    const char *rest = z1 ? z1 + 1 : d + size;
    size_t nrest = size - (size_t)(rest - d);
    const char *z2 = memchr(rest, 0, nrest);
    size_t n2 = z2 ? (size_t)(z2 - rest) : nrest;
    char *q = fuzz_strndup((const uint8_t *)rest, n2);
    const char *text = z2 ? z2 + 1 : rest + nrest;
    size_t tlen = size - (size_t)(text - d);
    zsyn *syn = NULL;
    synonyms(d, n1, &syn);
    expand(syn, q);
    proximity(q, text, tlen);
    zsyn_free(syn);
    free(q);
    return 0;
}
