/* Unit tests: segmentation into the word and character layers, positions
 * and gaps, and the terms the scheme generates from them. */
#include "analyzer.h"
#include "char_stream.h"
#include "check.h"
#include "terms.h"
#include "zbuf.h"

#include <stdlib.h>
#include <unistd.h>

static za_analyzer *an;

typedef struct seen {
    zbuf words, chars; /* "a|b|c" */
    zbuf pos;          /* "1 2 4" */
    unsigned maxlen;
} seen;

static int cb(void *ctx, const za_token *t)
{
    seen *s = ctx;
    if (t->len > s->maxlen)
        s->maxlen = (unsigned)t->len;
    zbuf *b = t->kind == ZA_WORD ? &s->words : &s->chars;
    if (b->len)
        zbuf_addc(b, '|');
    zbuf_add(b, t->text, t->len);
    if (t->kind == ZA_CHAR) {
        char p[16];
        snprintf(p, sizeof p, s->pos.len ? " %u" : "%u", t->pos);
        zbuf_adds(&s->pos, p);
    }
    return 0;
}

static void analyze(const char *text, seen *s)
{
    memset(s, 0, sizeof *s);
    CHECK(za_analyze(an, text, strlen(text), cb, s) == 0, "analyze '%s'", text);
    zbuf_add(&s->words, "", 0);
    zbuf_add(&s->chars, "", 0);
    zbuf_add(&s->pos, "", 0);
}

static void done(seen *s)
{
    zbuf_free(&s->words);
    zbuf_free(&s->chars);
    zbuf_free(&s->pos);
}

static void chars_are(const char *text, const char *chars, const char *pos)
{
    seen s;
    analyze(text, &s);
    CHECK_STR(s.chars.data, chars, "characters of '%s'", text);
    CHECK_STR(s.pos.data, pos, "positions of '%s'", text);
    done(&s);
}

static void words_are(const char *text, const char *words)
{
    seen s;
    analyze(text, &s);
    CHECK_STR(s.words.data, words, "words of '%s'", text);
    done(&s);
}

static int stop_cb(void *ctx, const za_token *t)
{
    (void)t;
    return ++*(int *)ctx == 2;
}

static void terms(void)
{
    char dir[] = "/tmp/zhs-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char path[64];
    snprintf(path, sizeof path, "%s/idx", dir);
    zx_err e;
    zx_db *db = zx_db_open_writable(path, 1, &e);
    CHECK(db != NULL, "create index: %s", e.msg);
    if (!db)
        return;
    zx_doc *d = zx_doc_new();
    const char *text = "行政复议案件，法治\n政府 2021 年";
    CHECK(zt_index_text(an, d, ZT_FIELD_BODY, text, strlen(text)) == 0, "index text");
    CHECK(zt_index_text(an, d, ZT_FIELD_TITLE, "行政复议", 12) == 0, "index title");
    CHECK(zx_db_replace(db, "Qx", 2, d, &e) != 0, "replace: %s", e.msg);
    zx_doc_free(d);
    static const char *present[] = {"C行", "C件", "B行政", "B政复", "B复议", "B议案", "B治政",
                                    "C2021", "C年", "TC复", "TB复议"};
    /* no W (word) terms: words rank through their B and C terms */
    static const char *absent[] = {"B件法", "B2021年", "C2", "B复", "C，", "W，", "C行政", "W行政",
                                   "TW行政"};
    for (size_t i = 0; i < sizeof present / sizeof *present; i++)
        CHECK(zx_db_termfreq(db, present[i], strlen(present[i]), NULL) == 1, "term %s missing", present[i]);
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        CHECK(zx_db_termfreq(db, absent[i], strlen(absent[i]), NULL) == 0, "term %s present", absent[i]);
    /* Queries: exact for any cut, across whitespace, not across punctuation. */
    zx_enquire *enq = zx_enquire_new(db, &e);
    static const struct {
        const char *q;
        unsigned hits;
    } qs[] = {{"复议", 1}, {"复", 1}, {"件", 1}, {"年", 1}, {"行政复议案", 1}, {"议案件", 1}, {"法治政府", 1},
              {"治政", 1},  {"2021年", 1}, {"政府2021", 1}, {"件法治", 0}, {"复议行政", 0},
              {"2021 年", 1}, {"案件，法治", 1}, {"行政復議", 1}, {"１年", 0}};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        zt_query q;
        CHECK(zt_build_query(an, ZT_FIELD_BODY, qs[i].q, strlen(qs[i].q), &q) == 0 && q.match,
              "build query %s", qs[i].q);
        if (!q.match)
            continue;
        zx_enquire_set_query(enq, q.both, NULL);
        zx_mset *m = zx_enquire_mset(enq, 0, 10, 10, &e);
        CHECK(m && zx_mset_size(m) == qs[i].hits, "query %s: %u hits, want %u", qs[i].q,
              zx_mset_size(m), qs[i].hits);
        zx_mset_free(m);
        zt_query_clear(&q);
    }
    zt_query q;
    CHECK(zt_build_query(an, ZT_FIELD_BODY, "，。！", 9, &q) == 0 && !q.match,
          "punctuation-only query has nothing to match");
    zx_enquire_free(enq);
    zx_db_close(db);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
}

/* za_analyze_chars must report exactly za_analyze's ZA_CHAR tokens. */
static int same_chars(const char *text, size_t len)
{
    zbuf x = {0}, y = {0};
    int rx = za_analyze(an, text, len, char_stream, &x);
    int ry = za_analyze_chars(an, text, len, char_stream, &y);
    int same = rx == ry && x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
    zbuf_free(&x);
    zbuf_free(&y);
    return same;
}

/* Characters where the two could part: ideographs next to kana, hangul,
 * bopomofo, radicals, digits, letters, apostrophes and dots, extenders
 * (combining marks, variation selectors, ZWJ, format characters),
 * iteration and prolonged-sound marks, punctuation, spaces, emoji. */
static const char *const alphabet[] = {
    "行", "政", "复", "议", "〇", "々", "〆", "ー", "・", "か", "カ", "ｶ", "ﾞ", "한", "ㄅ", "ㄆ",
    "⺀", "⼀", "㐀", "𠀀", "𪜀", "𰀀", "豈", "a", "B", "z", "1", "9", "０", ".", "'", "’", ",",
    "-", "_", ":", "@", "#", "\u0301", "\u0308", "\u200d", "\u200b", "\u00ad", "\ufe0f",
    "\U000e0100", "\u3099", "\u309a", "\u3000", " ", "\n", "\t", "。", "，", "“", "”",
    "《", "》", "😀", "👍", "\U0001f3fb", "ß", "İ", "ﬁ", "①", "Ⅻ", "¼", "ا", "ก", "ำ", "Ω",
    "…", "—", "·", "、", "【", "】", "〔", "〕", "〃", "〈", "〜", "〝", "〟", "〠", "〄", "￥",
    "％", "$", "©", "®", "\r", "\u00a0", "\u2028", "\u2060", "é", "Ä", "ø", "ｰ", "ﾟ"};

static void differential(void)
{
    /* escapes of the alphabet into UTF-8 */
    static char chars[sizeof alphabet / sizeof *alphabet][8];
    size_t na = sizeof alphabet / sizeof *alphabet;
    for (size_t i = 0; i < na; i++) {
        const char *s = alphabet[i];
        if (s[0] == '\\') {
            unsigned long cp = strtoul(s + 2, NULL, 16);
            zbuf b = {0};
            zbuf_add_cp(&b, (uint32_t)cp);
            memcpy(chars[i], b.data, b.len);
            chars[i][b.len] = 0;
            zbuf_free(&b);
        } else {
            snprintf(chars[i], sizeof chars[i], "%s", s);
        }
    }
    /* every pair and triple of the alphabet around an ideograph */
    unsigned bad = 0, n = 0;
    char text[64];
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < na; j++) {
            snprintf(text, sizeof text, "%.7s%.7s行%.7s%.7s", chars[i], chars[j], chars[i], chars[j]);
            n++;
            if (!same_chars(text, strlen(text)) && bad++ < 5)
                CHECK(0, "za_analyze_chars differs from za_analyze on '%s'", text);
        }
    /* 20,000 random strings of up to 24 characters */
    unsigned seed = 20261130;
    for (int k = 0; k < 20000; k++) {
        zbuf b = {0};
        int len = 1 + (int)(rand_r(&seed) % 24);
        for (int c = 0; c < len; c++)
            zbuf_adds(&b, chars[rand_r(&seed) % na]);
        zbuf_add(&b, "", 0);
        n++;
        if (!same_chars(b.data, b.len - 1) && bad++ < 5)
            CHECK(0, "za_analyze_chars differs from za_analyze on '%s'", b.data);
        zbuf_free(&b);
    }
    CHECK(bad == 0, "za_analyze_chars differs from za_analyze on %u of %u texts", bad, n);
}

int main(void)
{
    zerr e;
    an = za_new(&e);
    if (!an) {
        printf("not ok 1 - %s\n1..1\n", e.msg);
        return 1;
    }
    /* ICU cuts 行政复议案件 as 行政|复|议案|件; the character layer does not care. */
    words_are("行政复议案件", "行政|复|议案|件");
    chars_are("行政复议案件", "行|政|复|议|案|件", "1 2 3 4 5 6");
    /* whitespace between characters does not separate */
    chars_are("法治\n政府", "法|治|政|府", "1 2 3 4");
    chars_are("2021 年", "2021|年", "1 2");
    chars_are("法治\xE3\x80\x80政府", "法|治|政|府", "1 2 3 4");
    /* punctuation does: a gap of one position */
    chars_are("“放管服”改革", "放|管|服|改|革", "1 2 3 5 6");
    chars_are("复议。。。诉讼", "复|议|诉|讼", "1 2 4 5");
    /* numbers and Latin words are whole tokens in both layers */
    words_are("ABC 123 政府", "abc|123|政府");
    chars_are("ABC123复议", "abc123|复|议", "1 2 3");
    chars_are("2021年", "2021|年", "1 2");
    chars_are("３．５亿元", "3.5|亿|元", "1 2 3");
    /* normalization happens before segmentation */
    chars_are("行政復議", "行|政|复|议", "1 2 3 4");
    chars_are("ＡＢＣ", "abc", "1");
    /* kana, hangul and 〇 are CJK characters */
    chars_are("二〇二一", "二|〇|二|一", "1 2 3 4");
    chars_are("カタ한국", "カ|タ|한|국", "1 2 3 4");
    /* emoji and symbols are neither tokens nor breaks of whitespace kind */
    chars_are("复议😀诉讼", "复|议|诉|讼", "1 2 4 5");
    chars_are("𠀀𠀁", "𠀀|𠀁", "1 2");
    chars_are("", "", "");
    chars_are("，。", "", "");
    /* token length is capped on a character boundary */
    {
        char big[600];
        memset(big, 'a', 300);
        big[300] = 0;
        seen s;
        analyze(big, &s);
        CHECK(s.maxlen == ZA_MAX_TOKEN, "long token capped to %d, got %u", ZA_MAX_TOKEN, s.maxlen);
        done(&s);
    }
    /* the callback can stop the analysis */
    int count = 0;
    CHECK(za_analyze(an, "一二三四", 12, stop_cb, &count) == 1 && count == 2, "stop");
    terms();
    differential();
    za_free(an);
    return check_done();
}
