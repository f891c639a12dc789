/* Unit tests: normalization (width, case, Traditional → Simplified) and the
 * offset map back to the original bytes. */
#include "check.h"
#include "normalize.h"
#include "zbuf.h"

#include <stdlib.h>
#include <unicode/utf16.h>

static zn_normalizer *n;

static void norm_is(const char *in, const char *want)
{
    size_t len;
    char *got = zn_normalize_utf8(n, in, strlen(in), &len);
    CHECK_STR(got, want, "normalizing '%s'", in);
    free(got);
}

/* The original bytes behind normalized code point number k. */
static void map_is(const char *in, int k, const char *want_src)
{
    zn_text t;
    CHECK(zn_normalize(n, in, strlen(in), &t) == 0, "normalize failed");
    int32_t i = 0, at = -1;
    for (int c = 0; i < t.len; c++) {
        if (c == k) {
            at = i;
            break;
        }
        UChar32 cp;
        U16_NEXT(t.text, i, t.len, cp);
    }
    CHECK(at >= 0, "'%s' has no code point %d", in, k);
    if (at < 0)
        return;
    size_t s = t.src_start[at], e = t.src_end[at];
    CHECK(e - s == strlen(want_src) && memcmp(in + s, want_src, e - s) == 0,
          "'%s' code point %d maps to '%.*s', want '%s'", in, k, (int)(e - s), in + s, want_src);
}

/* Invariants of any offset map (normalize.h). */
static void invariants(const char *in, size_t len)
{
    zn_text t;
    CHECK(zn_normalize(n, in, len, &t) == 0, "normalize failed");
    for (int32_t i = 0; i < t.len; i++) {
        if (t.src_start[i] >= t.src_end[i] || t.src_end[i] > len ||
            (i && t.src_start[i] < t.src_start[i - 1])) {
            CHECK(0, "offset map invariant broken at unit %d (%u..%u, len %zu)", i,
                  t.src_start[i], t.src_end[i], len);
            return;
        }
        /* starts and ends lie on character boundaries of the original */
        if (t.src_start[i] < len && ((unsigned char)in[t.src_start[i]] & 0xC0) == 0x80) {
            CHECK(0, "unit %d starts inside a character", i);
            return;
        }
    }
    CHECK(1, "invariants");
}

int main(int argc, char **argv)
{
    zerr e;
    n = zn_new(&e);
    if (!n) {
        printf("not ok 1 - %s\n1..1\n", e.msg);
        return 1;
    }
    /* width folding */
    norm_is("２０２１年", "2021年");
    norm_is("ＡＢＣ", "abc");
    norm_is("（一）", "(一)");
    norm_is("\xE3\x80\x80", " "); /* ideographic space */
    norm_is("ｶﾀｶﾅ", "カタカナ");
    /* case folding */
    norm_is("ABC Straße", "abc strasse");
    norm_is("ΣΊΣΥΦΟΣ", "σίσυφοσ");
    /* Traditional → Simplified */
    norm_is("行政復議", "行政复议");
    norm_is("法治政府建設", "法治政府建设");
    norm_is("審批與監管", "审批与监管");
    norm_is("綦江區", "綦江区"); /* 綦 stays: it is the same in both scripts */
    norm_is("行政复议", "行政复议");
    /* expansions and compositions */
    norm_is("ﬁle", "file");
    norm_is("e\xCC\x81", "\xC3\xA9"); /* e + combining acute → é */
    norm_is("①", "1");
    norm_is("㈱", "(株)");
    /* ignorables vanish, invalid bytes become U+FFFD */
    norm_is("a\xE2\x80\x8B" "b", "ab"); /* zero-width space */
    norm_is("a\xFF" "b", "a\xEF\xBF\xBD" "b");
    norm_is("a\xE5\x8F", "a\xEF\xBF\xBD"); /* one for a cut-off character */
    norm_is("", "");
    norm_is("😀𠀀", "😀𠀀");
    /* offset map */
    map_is("ＡＢ復議", 0, "Ａ");
    map_is("ＡＢ復議", 2, "復");
    map_is("ＡＢ復議", 3, "議");
    map_is("ﬁx", 0, "ﬁ");
    map_is("ﬁx", 1, "ﬁ");
    map_is("ﬁx", 2, "x");
    map_is("e\xCC\x81z", 0, "e\xCC\x81");
    map_is("e\xCC\x81z", 1, "z");
    map_is("😀复", 1, "复");
    invariants("ＡＢ復議 ﬁ e\xCC\x81 ① 😀 \xFF\xFE x", strlen("ＡＢ復議 ﬁ e\xCC\x81 ① 😀 \xFF\xFE x"));
    /* invariants over real documents */
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        CHECK(f != NULL, "cannot open %s", argv[i]);
        if (!f)
            continue;
        char *buf = malloc(1 << 20);
        size_t len = fread(buf, 1, 1 << 20, f);
        fclose(f);
        invariants(buf, len);
        free(buf);
    }
    zn_free(n);
    return check_done();
}
