/* test_format_docx.c - the DOCX extractor on the fixtures of tests/formats
 * (made by tests/formats/gen/gen_docx.py from corpus/).
 *
 *   test_format_docx FORMATS_DIR CORPUS_DIR
 *
 * For each fixture with a NAME.docx.expect sidecar: it is detected as DOCX
 * (and a plain ZIP or an XLSX-like ZIP is not), its text keeps the
 * structure (table cells and notes as paragraphs, a text box once, deleted
 * revisions out), the hints are the core properties, the metadata step
 * finds the report's title, issuer and year in the text, and every phrase
 * of the source report (runs of 6 or more characters between punctuation,
 * whitespace ignored) is in the text: recall must be 100%.  Hostile inputs
 * (entities, deep nesting, a zip bomb, lying sizes, damage) are refused
 * with ZERR_NOT_INDEXABLE and a message naming the reason, silently (no
 * libxml2 output on stderr), also from several threads at once.
 */
#include "check.h"
#include "format_fixtures.h"
#include "format.h"
#include "formats.h"
#include "metadata.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- the reports ------------------------------------------------------------ */

static size_t count(const char *hay, const char *needle)
{
    size_t k = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        k++;
    return k;
}

/* report.docx: what gen_docx.py put besides the report's own text. */
static void structure(const zf_text *t)
{
    const char *s = t->text.data;
    CHECK(strstr(s, "吴忠市人民政府关于\n2021年法治政府建设工作情况的报告\n\n") != NULL,
          "title heading with its w:br as a line break");
    CHECK(strstr(s, "\n\n1\n\n") && strstr(s, "\n\n2\n\n") && strstr(s, "\n\n3\n\n"),
          "each table cell is a paragraph of its own");
    const char *foot = strstr(s, "脚注：本报告数据统计截至当年十二月三十一日。");
    const char *end = strstr(s, "尾注：报告全文已在政府门户网站公开。");
    const char *last = strstr(s, "吴忠市人民政府\n\n2022年"); /* the signature at the end */
    CHECK(foot && end && last && foot > last && end > foot,
          "footnote then endnote after the body (%p %p %p)", (void *)foot, (void *)end,
          (void *)last);
    CHECK(count(s, "文本框：法治政府建设示范创建工作专栏") == 1, "text box read once, not %zu",
          count(s, "文本框：法治政府建设示范创建工作专栏"));
    CHECK(!strstr(s, "这段已经删除的修订文字不应出现"), "deleted revision skipped");
    CHECK(strstr(s, "这段插入的修订文字应当出现\t（修订）") != NULL,
          "inserted revision kept, w:tab a tab");
    CHECK(!strstr(s, "TableGrid") && !strstr(s, "FootnoteText"), "no style names in text");
}


static void report(const char *name, const char *date)
{
    size_t n, en, slen;
    char *b = fixture(name, &n), path[4096];
    snprintf(path, sizeof path, "%s/fixtures/%s.expect", fmt_dir, name);
    char *exp = slurp(path, &en);
    CHECK(b && exp, "%s: fixture and sidecar", name);
    if (!b || !exp) {
        free(b);
        free(exp);
        return;
    }
    CHECK(zf_detect(b, n) == &zf_format_docx, "%s: detected as %s", name, zf_detect(b, n)->name);
    zf_text t = {0};
    zerr e = {0};
    const zf_format *f;
    zf_opts o = {name, NULL, 0, NULL, NULL};
    zerr_code rc = zf_extract(b, n, &o, &t, &f, &e);
    CHECK(rc == ZERR_OK && f == &zf_format_docx, "%s: extract: %d %s", name, (int)rc, e.msg);
    if (rc == ZERR_OK) {
        char *title = sidecar(exp, "title"), *src = sidecar(exp, "source");
        CHECK(t.pages == 0 && !strchr(t.text.data, '\f'), "%s: unpaged", name);
        CHECK_STR(t.title, title, "%s: title hint from docProps/core.xml", name);
        CHECK_STR(t.date, date, "%s: date hint from dcterms:created", name);
        snprintf(path, sizeof path, "%s/%s", corpus_dir, src + strlen("corpus/"));
        char *s = slurp(path, &slen);
        CHECK(s && recall(name, s, slen, t.text.data, t.text.len), "%s: recall 100%%", name);
        if (strcmp(name, "report.docx") == 0)
            structure(&t);
        metadata(name, &t, exp);
        free(s);
        free(title);
        free(src);
    }
    zf_text_clear(&t);
    free(b);
    free(exp);
}

/* --- detection and hostile input ----------------------------------------- */

static void not_docx(const char *name)
{
    size_t n;
    char *b = fixture(name, &n);
    CHECK(b && !zf_format_docx.sniff(b, n) && !zf_format_ofd.sniff(b, n),
          "%s: neither DOCX nor OFD", name);
    CHECK(b && zf_detect(b, n) != &zf_format_docx, "%s: not detected as DOCX", name);
    free(b);
}

/* extract on b must refuse with a message holding want; returns whether. */
static int refused(const char *label, const char *b, size_t n, const char *want)
{
    zf_text t = {0};
    zerr e = {0};
    zf_opts o = {label, NULL, 0, NULL, NULL};
    zerr_code rc = zf_format_docx.extract(b, n, &o, &t, &e);
    int ok = rc == ZERR_NOT_INDEXABLE && strstr(e.msg, want) && strncmp(e.msg, "DOCX: ", 6) == 0;
    if (rc == ZERR_OK && t.text.data && strstr(t.text.data, "root:"))
        printf("# %s: /etc/passwd in the text\n", label);
    if (!ok)
        printf("# %s: rc %d, '%s', want '%s'\n", label, (int)rc, rc ? e.msg : "", want);
    zf_text_clear(&t);
    return ok;
}

static const struct {
    const char *file, *why;
} hostile[] = {
    {"hostile-laughs.docx", "XML entity declarations refused"},
    {"hostile-xxe.docx", "XML entity declarations refused"},
    {"hostile-deep.docx", "word/document.xml is not well-formed XML (line"},
    {"hostile-bomb.docx", "zip bomb"},
    {"hostile-lying.docx", "damaged ZIP"},
    {"hostile-badxml.docx", "word/document.xml is not well-formed XML (line 2)"},
    {"notdocx-plain.docx", "missing word/document.xml"},
};
#define NHOSTILE (sizeof hostile / sizeof *hostile)

static void hostile_inputs(void)
{
    for (size_t i = 0; i < NHOSTILE; i++) {
        size_t n;
        char *b = fixture(hostile[i].file, &n);
        CHECK(b && refused(hostile[i].file, b, n, hostile[i].why), "%s refused: %s",
              hostile[i].file, hostile[i].why);
        free(b);
    }
    size_t n;
    char *b = fixture("report.docx", &n);
    if (!b)
        return;
    CHECK(refused("truncated", b, n / 2, "DOCX: damaged ZIP ("), "truncated ZIP");
    CHECK(refused("empty", b, 0, "DOCX: damaged ZIP ("), "empty input");
    CHECK(zf_detect(b, n / 2) != &zf_format_docx, "truncated ZIP not detected as DOCX");
    free(b);
}


/* --- threads --------------------------------------------------------------- */

static void *worker(void *arg)
{
    int *bad = arg;
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < NHOSTILE; i++) {
            size_t n;
            char *b = fixture(hostile[i].file, &n);
            if (!b || !refused(hostile[i].file, b, n, hostile[i].why))
                (*bad)++;
            free(b);
        }
        size_t n;
        char *b = fixture("report-runs.docx", &n);
        zf_text t = {0};
        zerr e;
        zf_opts o = {"threads", NULL, 0, NULL, NULL};
        if (!b || zf_format_docx.extract(b, n, &o, &t, &e) || !t.title)
            (*bad)++;
        zf_text_clear(&t);
        free(b);
    }
    return NULL;
}

static void threads(void)
{
    pthread_t th[4];
    int bad[4] = {0};
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker, &bad[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK(bad[0] + bad[1] + bad[2] + bad[3] == 0, "4 threads at once: %d failures",
          bad[0] + bad[1] + bad[2] + bad[3]);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_format_docx FORMATS_DIR CORPUS_DIR\n");
        return 2;
    }
    fmt_dir = argv[1];
    corpus_dir = argv[2];
    CHECK(strcmp(zf_format_docx.name, "DOCX") == 0, "row name");
#if ZHS_WITH_DOCX
    report("report.docx", "2022-01-20");
    report("report-runs.docx", "2024-02-01");
    not_docx("notdocx-plain.docx");
    not_docx("notdocx-xlsx.docx");
    silently(hostile_inputs);
    silently(threads);
#else
    zerr e;
    zf_text t = {0};
    zf_opts o = {"x.docx", NULL, 0, NULL, NULL};
    CHECK(zf_format_docx.extract("PK", 2, &o, &t, &e) == ZERR_NOT_INDEXABLE &&
              strstr(e.msg, "built without"),
          "a build without libzip/libxml2 says so");
#endif
    return check_done();
}
