/* test_format_ofd.c - the OFD extractor on the fixtures of tests/formats
 * (made by tests/formats/gen/gen_ofd.py from corpus/).
 *
 *   test_format_ofd FORMATS_DIR CORPUS_DIR
 *
 * For each fixture with a NAME.ofd.expect sidecar: it is detected as OFD
 * (and a DOCX, a plain ZIP or an XLSX-like ZIP is not); the extractor's
 * own text has one page per page of the document, and each page holds the
 * lines and paragraphs of NAME.ofd.pages in that order (whitespace within
 * a line ignored) - also when every character is a TextCode of its own and
 * the TextObjects come in shuffled order; the template page's text is not
 * read; through zf_extract the running header is dropped, the hints are
 * DocInfo's, the metadata step finds the report's title, issuer and year,
 * and every phrase of the source report (runs of 6 or more characters
 * between punctuation, whitespace ignored) is in the text: recall must be
 * 100%.  Hostile inputs (paths out of the container, missing members,
 * entities, deep nesting, a zip bomb, damage) are refused with
 * ZERR_NOT_INDEXABLE and a message naming the reason, silently, also from
 * several threads at once.
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


/* --- pages ------------------------------------------------------------------ */

/* A page's text as lines without whitespace, "\n" between lines, "\n\n"
 * between paragraphs. */
static char *canon(const char *s, size_t n)
{
    zbuf b = {0};
    int nl = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &c);
        i += k;
        if (c == '\n') {
            nl++;
        } else if (!is_ws(c)) {
            if (b.len && nl)
                zbuf_add(&b, "\n\n", nl > 1 ? 2 : 1);
            nl = 0;
            zbuf_add(&b, s + i - k, k);
        }
    }
    zbuf_addc(&b, 0);
    return b.data;
}

static void same_page(const char *name, unsigned pg, const char *got, size_t glen,
                      const char *want, size_t wlen)
{
    char *g = canon(got, glen), *w = canon(want, wlen);
    size_t i = 0;
    while (g[i] && g[i] == w[i])
        i++;
    int same = strcmp(g, w) == 0;
    if (!same) {
        size_t from = i > 30 ? i - 30 : 0;
        while (from > 0 && (g[from] & 0xC0) == 0x80)
            from--;
        printf("# %s page %u differs at byte %zu: got '%.90s' want '%.90s'\n", name, pg, i,
               g + from, w + from);
    }
    CHECK(same, "%s: page %u as placed", name, pg);
    free(g);
    free(w);
}

/* The row's own text (running lines kept) page by page against the
 * .pages sidecar. */
static void pages(const char *name, const char *b, size_t n, unsigned want_pages)
{
    char path[4096];
    size_t plen;
    snprintf(path, sizeof path, "%s/fixtures/%s.pages", fmt_dir, name);
    char *side = slurp(path, &plen);
    zf_text t = {0};
    zerr e = {0};
    zf_opts o = {name, NULL, 0, NULL, NULL};
    zerr_code rc = zf_format_ofd.extract(b, n, &o, &t, &e);
    CHECK(side && rc == ZERR_OK, "%s: row extract: %s", name, rc ? e.msg : "no .pages");
    if (side && rc == ZERR_OK) {
        CHECK(t.pages == want_pages, "%s: %u pages, want %u", name, t.pages, want_pages);
        const char *g = t.text.data, *w = side;
        for (unsigned pg = 1; g && w; pg++) {
            const char *ge = strchr(g, '\f'), *we = strchr(w, '\f');
            size_t gl = ge ? (size_t)(ge - g) : strlen(g), wl = we ? (size_t)(we - w) : strlen(w);
            same_page(name, pg, g, gl, w, wl);
            g = ge ? ge + 1 : NULL;
            w = we ? we + 1 : NULL;
        }
        CHECK(!strstr(t.text.data, "模板页文字不是正文"), "%s: template page not read", name);
    }
    zf_text_clear(&t);
    free(side);
}

/* --- the reports ------------------------------------------------------------ */


static void through_registry(const char *name, const char *b, size_t n, const char *exp,
                             const char *date)
{
    zf_text t = {0};
    zerr e = {0};
    const zf_format *f;
    zf_opts o = {name, NULL, 0, NULL, NULL};
    zerr_code rc = zf_extract(b, n, &o, &t, &f, &e);
    CHECK(rc == ZERR_OK && f == &zf_format_ofd, "%s: extract: %d %s", name, (int)rc, e.msg);
    if (rc == ZERR_OK) {
        char *title = sidecar(exp, "title"), *src = sidecar(exp, "source"), path[4096];
        size_t slen;
        CHECK_STR(t.title, title, "%s: title hint from DocInfo", name);
        CHECK_STR(t.date, date, "%s: date hint from DocInfo/CreationDate", name);
        CHECK(!strstr(t.text.data, "法治政府建设年度报告（公开版）"),
              "%s: running header dropped", name);
        snprintf(path, sizeof path, "%s/%s", corpus_dir, src + strlen("corpus/"));
        char *s = slurp(path, &slen);
        CHECK(s && recall(name, s, slen, t.text.data, t.text.len), "%s: recall 100%%", name);
        metadata(name, &t, exp);
        free(s);
        free(title);
        free(src);
    }
    zf_text_clear(&t);
}

static void report(const char *name, const char *date)
{
    size_t n, en;
    char *b = fixture(name, &n), path[4096];
    snprintf(path, sizeof path, "%s/fixtures/%s.expect", fmt_dir, name);
    char *exp = slurp(path, &en);
    CHECK(b && exp, "%s: fixture and sidecar", name);
    if (b && exp) {
        char *np = sidecar(exp, "pages");
        CHECK(zf_detect(b, n) == &zf_format_ofd, "%s: detected as %s", name,
              zf_detect(b, n)->name);
        CHECK(!zf_format_docx.sniff(b, n), "%s: not a DOCX", name);
        pages(name, b, n, np ? (unsigned)atoi(np) : 0);
        through_registry(name, b, n, exp, date);
        free(np);
    }
    free(b);
    free(exp);
}

/* --- detection and hostile input ----------------------------------------- */

static void not_ofd(const char *name)
{
    size_t n;
    char *b = fixture(name, &n);
    CHECK(b && !zf_format_ofd.sniff(b, n), "%s: not OFD", name);
    CHECK(b && zf_detect(b, n) != &zf_format_ofd, "%s: not detected as OFD", name);
    free(b);
}

/* extract on b must refuse with a message holding want (or, want NULL,
 * succeed with text holding ok_text); returns whether. */
static int outcome(const char *label, const char *b, size_t n, const char *want,
                   const char *ok_text)
{
    zf_text t = {0};
    zerr e = {0};
    zf_opts o = {label, NULL, 0, NULL, NULL};
    zerr_code rc = zf_format_ofd.extract(b, n, &o, &t, &e);
    int ok = want ? rc == ZERR_NOT_INDEXABLE && strstr(e.msg, want) &&
                        strncmp(e.msg, "OFD: ", 5) == 0
                  : rc == ZERR_OK && (!*ok_text || (t.text.data && strstr(t.text.data, ok_text)));
    if (rc == ZERR_OK && t.text.data && strstr(t.text.data, "root:"))
        printf("# %s: /etc/passwd in the text\n", label);
    if (!ok)
        printf("# %s: rc %d, '%s', want '%s'\n", label, (int)rc, rc ? e.msg : "",
               want ? want : ok_text);
    zf_text_clear(&t);
    return ok;
}

static const struct {
    const char *file, *why, *text;
} hostile[] = {
    {"hostile-escape.ofd", "path ../../etc/passwd leaves the container", NULL},
    {"hostile-escape-page.ofd", "leaves the container", NULL},
    {"hostile-missing-page.ofd", "missing Doc_0/Pages/Page_9/Content.xml", NULL},
    {"hostile-missing-doc.ofd", "missing Doc_1/Document.xml", NULL},
    {"hostile-laughs.ofd", "XML entity declarations refused", NULL},
    {"hostile-xxe.ofd", "XML entity declarations refused", NULL},
    {"hostile-deep.ofd", "Content.xml is not well-formed XML (line", NULL},
    {"hostile-bomb.ofd", "zip bomb", NULL},
    {"hostile-deltax.ofd", NULL, "长长长"},
    {"hostile-empty-page.ofd", NULL, ""},
    {"notdocx-plain.docx", "missing OFD.xml", NULL},
};
#define NHOSTILE (sizeof hostile / sizeof *hostile)

static void hostile_inputs(void)
{
    for (size_t i = 0; i < NHOSTILE; i++) {
        size_t n;
        char *b = fixture(hostile[i].file, &n);
        CHECK(b && outcome(hostile[i].file, b, n, hostile[i].why, hostile[i].text), "%s: %s",
              hostile[i].file, hostile[i].why ? hostile[i].why : "read");
        free(b);
    }
    size_t n;
    char *b = fixture("report.ofd", &n);
    if (!b)
        return;
    CHECK(outcome("truncated", b, n / 2, "OFD: damaged ZIP (", NULL), "truncated ZIP");
    CHECK(outcome("empty", b, 0, "OFD: damaged ZIP (", NULL), "empty input");
    CHECK(zf_detect(b, n / 2) != &zf_format_ofd, "truncated ZIP not detected as OFD");
    free(b);
}

/* --- threads --------------------------------------------------------------- */

static char *reference; /* report-chars.ofd's text, read on one thread */

static char *row_text(const char *name)
{
    size_t n;
    char *b = fixture(name, &n), *r = NULL;
    zf_text t = {0};
    zerr e;
    zf_opts o = {name, NULL, 0, NULL, NULL};
    if (b && zf_format_ofd.extract(b, n, &o, &t, &e) == ZERR_OK && t.text.data) {
        r = t.text.data;
        t.text.data = NULL;
    }
    zf_text_clear(&t);
    free(b);
    return r;
}

static void *worker(void *arg)
{
    int *bad = arg;
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < NHOSTILE; i++) {
            size_t n;
            char *b = fixture(hostile[i].file, &n);
            if (!b || !outcome(hostile[i].file, b, n, hostile[i].why, hostile[i].text))
                (*bad)++;
            free(b);
        }
        char *t = row_text("report-chars.ofd");
        if (!t || !reference || strcmp(t, reference) != 0)
            (*bad)++;
        free(t);
    }
    return NULL;
}

static void threads(void)
{
    reference = row_text("report-chars.ofd");
    pthread_t th[4];
    int bad[4] = {0};
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker, &bad[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK(bad[0] + bad[1] + bad[2] + bad[3] == 0, "4 threads at once: %d failures",
          bad[0] + bad[1] + bad[2] + bad[3]);
    free(reference);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_format_ofd FORMATS_DIR CORPUS_DIR\n");
        return 2;
    }
    fmt_dir = argv[1];
    corpus_dir = argv[2];
    CHECK(strcmp(zf_format_ofd.name, "OFD") == 0, "row name");
#if ZHS_WITH_OFD
    report("report.ofd", "2022-02-25");
    report("report-chars.ofd", "2024-01-15");
    not_ofd("report.docx");
    not_ofd("notdocx-plain.docx");
    not_ofd("notdocx-xlsx.docx");
    silently(hostile_inputs);
    silently(threads);
#else
    zerr e;
    zf_text t = {0};
    zf_opts o = {"x.ofd", NULL, 0, NULL, NULL};
    CHECK(zf_format_ofd.extract("PK", 2, &o, &t, &e) == ZERR_NOT_INDEXABLE &&
              strstr(e.msg, "built without"),
          "a build without libzip/libxml2 says so");
#endif
    return check_done();
}
