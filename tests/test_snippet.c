/* Unit tests: snippet selection and highlight offsets. */
#include "check.h"
#include "snippet.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static za_analyzer *an;

/* The highlighted pieces of a snippet, joined with '|'. */
static char *marked(const zs_snippet *s)
{
    zbuf b = {0};
    zbuf_add(&b, "", 0);
    for (unsigned i = 0; i < s->nranges; i++) {
        if (i)
            zbuf_addc(&b, '|');
        zbuf_add(&b, s->text.data + s->ranges[i].start, s->ranges[i].len);
    }
    return b.data;
}

static void snip(const char *doc, const char *q, unsigned chars, const char *want_marks,
                 const char *want_text)
{
    const char *atoms[1] = {q};
    zs_snippet s;
    CHECK(zs_make(an, doc, strlen(doc), atoms, 1, chars, &s) == 0, "zs_make");
    char *m = marked(&s);
    CHECK_STR(m, want_marks, "highlights of '%s' in '%s'", q, doc);
    if (want_text)
        CHECK_STR(s.text.data, want_text, "snippet text");
    /* every range lies on character boundaries inside the text */
    for (unsigned i = 0; i < s.nranges; i++) {
        zs_range r = s.ranges[i];
        CHECK(r.start + r.len <= s.text.len, "range inside");
        CHECK(((unsigned char)s.text.data[r.start] & 0xC0) != 0x80 &&
                  (r.start + r.len == s.text.len ||
                   ((unsigned char)s.text.data[r.start + r.len] & 0xC0) != 0x80),
              "range on character boundaries");
        if (i)
            CHECK(s.ranges[i - 1].start + s.ranges[i - 1].len <= r.start, "ranges ascending");
    }
    free(m);
    zs_clear(&s);
}

int main(void)
{
    an = za_new(NULL);
    /* Traditional text, Simplified query, and the other way round */
    snip("我們的行政復議工作", "行政复议", 50, "行政復議", "我們的行政復議工作");
    snip("我们的行政复议工作", "行政復議", 50, "行政复议", NULL);
    /* mixed widths */
    snip("受理案件２０２１年共計", "2021年", 50, "２０２１年", NULL);
    snip("ＡＢＣ和abc", "abc", 50, "ＡＢＣ|abc", NULL);
    /* matches at the very start and the very end */
    snip("复议在开头", "复议", 50, "复议", "复议在开头");
    snip("结尾是复议", "复议", 50, "复议", "结尾是复议");
    /* across a line break: one highlight, the break folded away */
    snip("法治\n政府建设", "法治政府", 50, "法治政府", "法治政府建设");
    /* not across punctuation */
    snip("“放管服”改革", "放管服改革", 50, "", NULL);
    /* emoji and 4-byte characters around and inside */
    snip("😀复议😀𠀀𠀁复议", "复议", 50, "复议|复议", "😀复议😀𠀀𠀁复议");
    snip("前文𠀀𠀁后文", "𠀀𠀁", 50, "𠀀𠀁", NULL);
    /* a long text: the passage with the match, cut with … on both sides,
     * starting at a sentence start */
    {
        zbuf doc = {0};
        for (int i = 0; i < 40; i++)
            zbuf_adds(&doc, "这是一段没有关键词的文字。");
        zbuf_adds(&doc, "今年受理行政复议案件二十一件。");
        for (int i = 0; i < 40; i++)
            zbuf_adds(&doc, "这是一段没有关键词的文字。");
        const char *atoms[1] = {"行政复议"};
        zs_snippet s;
        CHECK(zs_make(an, doc.data, doc.len, atoms, 1, 60, &s) == 0, "long");
        CHECK(strncmp(s.text.data, "…今年受理行政复议", strlen("…今年受理行政复议")) == 0,
              "starts at the sentence: %s", s.text.data);
        size_t tl = strlen("…");
        CHECK(s.text.len > tl && memcmp(s.text.data + s.text.len - tl, "…", tl) == 0, "ends with …");
        CHECK(s.nranges == 1, "one highlight");
        zs_clear(&s);
        /* the densest window wins */
        zbuf_clear(&doc);
        zbuf_adds(&doc, "复议一次。");
        for (int i = 0; i < 30; i++)
            zbuf_adds(&doc, "填充的文字内容。");
        zbuf_adds(&doc, "复议和诉讼，复议和诉讼。");
        const char *two[2] = {"复议", "诉讼"};
        CHECK(zs_make(an, doc.data, doc.len, two, 2, 40, &s) == 0, "dense");
        CHECK(s.nranges == 4, "densest window has 4 matches, got %u: %s", s.nranges, s.text.data);
        zs_clear(&s);
        zbuf_free(&doc);
    }
    /* a match longer than the window is still shown and highlighted */
    {
        zbuf doc = {0};
        for (int i = 0; i < 40; i++)
            zbuf_adds(&doc, "前面的文字。");
        zbuf_adds(&doc, "全面推进依法行政工作。后面还有文字。");
        const char *atoms[1] = {"全面推进依法行政工作"};
        zs_snippet sn;
        CHECK(zs_make(an, doc.data, doc.len, atoms, 1, 10, &sn) == 0, "long match");
        CHECK(sn.nranges == 1 && strstr(sn.text.data, "全面推进"), "long match shown: %s", sn.text.data);
        zs_clear(&sn);
        zbuf_free(&doc);
    }
    /* One long line without sentence ends: the work is bounded by where
     * the match is.  Only the first 256 KB of a 4 MB document are readable
     * (the rest is a PROT_NONE mapping): reading past them crashes. */
    {
        size_t big = 4 << 20, ok = 256 << 10;
        char *doc = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(doc != MAP_FAILED, "mmap");
        if (doc != MAP_FAILED) {
            memcpy(doc, "今年稀有词组案件", strlen("今年稀有词组案件"));
            for (size_t i = strlen("今年稀有词组案件"); i + 3 <= ok; i += 3)
                memcpy(doc + i, i % 2 ? "法" : "治", 3);
            CHECK(mprotect(doc + ok, big - ok, PROT_NONE) == 0, "mprotect");
            const char *atoms[1] = {"稀有词组"};
            zs_snippet sn;
            CHECK(zs_make(an, doc, big, atoms, 1, 30, &sn) == 0, "one long line");
            CHECK(sn.nranges == 1 && strncmp(sn.text.data, "今年稀有词组", strlen("今年稀有词组")) == 0,
                  "match at the start of a long line: %s", sn.text.data);
            zs_clear(&sn);
            munmap(doc, big);
        }
    }
    /* a match across the place where such a line is cut is still found */
    {
        zbuf doc = {0};
        while (doc.len + 3 <= 4092)
            zbuf_adds(&doc, "法");
        zbuf_adds(&doc, "稀有词组"); /* bytes 4092..4104: across 4096 */
        while (doc.len < 12000)
            zbuf_adds(&doc, "治");
        const char *atoms[1] = {"稀有词组"};
        zs_snippet sn;
        CHECK(zs_make(an, doc.data, doc.len, atoms, 1, 30, &sn) == 0, "cut line");
        char *m = marked(&sn);
        CHECK_STR(m, "稀有词组", "match across a cut");
        free(m);
        zs_clear(&sn);
        zbuf_free(&doc);
    }
    /* no match: the start of the document */
    snip("\n\n  第一行文字\n第二行", "不存在", 50, "", "第一行文字 第二行");
    snip("", "复议", 50, "", "");
    za_free(an);
    return check_done();
}
