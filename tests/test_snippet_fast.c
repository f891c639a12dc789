/* Unit tests: the per-character normalization snippets search before they
 * analyze windows (snippet.c, zs_normalize_fast) gives exactly what
 * zn_normalize gives - code points and source byte ranges - whenever it
 * applies, for every BMP character in several contexts and for mixed
 * text; and snippets over Traditional, full-width and mixed text, with
 * matches at the start and the end, highlight the right bytes. */
#include "check.h"
#include "normalize.h"
#include "snippet.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/utf16.h>

static za_analyzer *an;
static zn_normalizer *zn;
static unsigned applied, fell_back, bad;

/* zs_normalize_fast against zn_normalize on s[0..n); counts disagreements. */
static void same_as_icu(const char *s, size_t n)
{
    uint32_t *cp, *st, *en;
    size_t k;
    int rc = zs_normalize_fast(zn, s, n, &cp, &st, &en, &k);
    if (rc) {
        fell_back += rc == 1;
        bad += rc != 1;
        return;
    }
    applied++;
    zn_text t;
    if (zn_normalize(zn, s, n, &t)) {
        bad++;
        goto done;
    }
    size_t j = 0;
    int32_t i = 0;
    while (i < t.len) {
        int32_t at = i;
        UChar32 c;
        U16_NEXT(t.text, i, t.len, c);
        if (j >= k || cp[j] != (uint32_t)c || st[j] != t.src_start[at] || en[j] != t.src_end[at]) {
            if (bad++ < 5)
                printf("# differs at code point %zu of '%.*s'\n", j, (int)n, s);
            goto done;
        }
        j++;
    }
    if (j != k && bad++ < 5)
        printf("# %zu code points instead of %zu in '%.*s'\n", k, j, (int)n, s);
done:
    free(cp);
    free(st);
    free(en);
}

static size_t put(char *b, uint32_t c)
{
    if (c < 0x80) {
        b[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        b[0] = (char)(0xC0 | c >> 6);
        b[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        b[0] = (char)(0xE0 | c >> 12);
        b[1] = (char)(0x80 | (c >> 6 & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | c >> 18);
    b[1] = (char)(0x80 | (c >> 12 & 0x3F));
    b[2] = (char)(0x80 | (c >> 6 & 0x3F));
    b[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static void snip(const char *doc, const char *q, const char *want)
{
    const char *atoms[1] = {q};
    zs_snippet s;
    CHECK(zs_make(an, doc, strlen(doc), atoms, 1, 60, &s) == 0, "zs_make");
    zbuf b = {0};
    zbuf_add(&b, "", 0);
    for (unsigned i = 0; i < s.nranges; i++) {
        if (i)
            zbuf_addc(&b, '|');
        zbuf_add(&b, s.text.data + s.ranges[i].start, s.ranges[i].len);
    }
    CHECK_STR(b.data, want, "highlights of '%s' in '%s'", q, doc);
    zbuf_free(&b);
    zs_clear(&s);
}

int main(void)
{
    an = za_new(NULL);
    zn = zn_new(NULL);
    CHECK(an && zn, "analyzer");

    /* every BMP character alone, after a letter, doubled, before a
     * combining mark and after an ideograph */
    for (uint32_t c = 1; c < 0x10000; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        char b[32];
        size_t n = put(b, c);
        same_as_icu(b, n);
        size_t m = 0;
        b[m++] = 'K';
        m += put(b + m, c);
        m += put(b + m, c);
        same_as_icu(b, m);
        m = put(b, 0x570B); /* 國 */
        m += put(b + m, c);
        m += put(b + m, 0x0301);
        same_as_icu(b, m);
        m = put(b, c);
        m += put(b + m, 0x3099); /* combining voiced mark */
        same_as_icu(b, m);
    }
    CHECK(bad == 0, "%u disagreements with zn_normalize (%u texts compared)", bad, applied);
    /* all ideographs of the unified block and extension A, one after another */
    {
        zbuf b = {0};
        for (uint32_t c = 0x3400; c <= 0x9FFF; c++) {
            char u[4];
            if (c >= 0x4DC0 && c <= 0x4DFF)
                continue; /* hexagram symbols, not ideographs */
            zbuf_add(&b, u, put(u, c));
        }
        unsigned before = applied;
        same_as_icu(b.data, b.len);
        CHECK(applied == before + 1 && bad == 0, "ideographs in a row: applied %u, bad %u",
              applied - before, bad);
        zbuf_free(&b);
    }
    /* mixed text, invalid bytes, a text the fast way must leave to ICU */
    const char *mixed[] = {
        "國務院關於２０２１年ＡＢＣ行政復議工作的通知。“放管服”改革，（一）　第三条、附件：",
        "Hello World\t\r\n\f\v 行政\xC2\xA0复议\xE2\x80\x8B\xC2\xAD…ﬁ①㈱",
        "bad \xFF\xFE bytes \xE6\x97 cut \xED\xA0\x80 surrogate \xF0\x9F\x98\x80 emoji",
        "e\xCC\x81 and \xE3\x81\x8B\xE3\x82\x99 combine", /* needs ICU */
        "",
    };
    for (size_t i = 0; i < sizeof mixed / sizeof *mixed; i++)
        same_as_icu(mixed[i], strlen(mixed[i]));
    CHECK(bad == 0, "mixed texts agree");
    {
        uint32_t *cp, *st, *en;
        size_t k;
        CHECK(zs_normalize_fast(zn, mixed[3], strlen(mixed[3]), &cp, &st, &en, &k) == 1,
              "combining marks are left to zn_normalize");
    }
    printf("# %u texts by table, %u left to ICU\n", applied, fell_back);

    /* snippets: Traditional and full-width text, matches at the edges */
    snip("國務院關於行政復議", "国务院", "國務院");
    snip("關於加強行政復議", "行政复议", "行政復議");
    snip("行政复议在开头，结尾也是行政复议", "行政复议", "行政复议|行政复议");
    snip("受理ＡＢＣ案件２０２１年", "2021年", "２０２１年");
    snip("e\xCC\x81t\xC3\xA9 行政复议", "行政复议", "行政复议"); /* the ICU path */
    snip("行政\n复议", "行政复议", "行政复议");
    snip("…①行政複議", "行政复议", "行政複議");
    za_free(an);
    zn_free(zn);
    return check_done();
}
