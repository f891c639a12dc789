/* test_format_doc.c - the DOC/WPS extractor (indexer/formats/doc.c) on the
 * fixtures of tests/formats/fixtures (made by tests/formats/gen/gen_doc.sh).
 *
 *   test_format_doc FORMATS_DIR CORPUS_DIR
 *
 * For each fixture with a NAME.expect sidecar (source=, year=, issuer=,
 * title=, pages=, ocr=): detected as DOC, extracted, and every run of 6 or
 * more characters of the source text between punctuation (whitespace
 * removed from both) found in the text: phrase recall, printed as a
 * "# recall" comment, must be 100%.  Then: table cells as paragraphs, field
 * codes dropped and results kept, cp1252 in compressed pieces, the
 * multi-piece (fast-saved) file equal to its single-piece original, the
 * metadata step's title/year/issuer, an OLE file without WordDocument not
 * taken, hostile variants (truncated, FIB and piece table pointing past the
 * end, huge counts, pieces out of order, encrypted, Word 95) refused with a
 * reason, and extraction from several threads at once.
 */
#include "check.h"
#include "format.h"
#include "formats.h"
#include "metadata.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

static const char *formats_dir, *corpus_dir;

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = NULL;
    size_t cap = 0, len = 0, k;
    do {
        if (len + 65536 > cap && !(b = realloc(b, cap = 2 * cap + 65536)))
            break;
        k = fread(b + len, 1, cap - len - 1, f);
        len += k;
    } while (k > 0);
    fclose(f);
    if (b)
        b[len] = 0;
    *n = len;
    return b;
}

static char *fixture(const char *name, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/fixtures/%s", formats_dir, name);
    return slurp(path, n);
}

/* The value of key in the sidecar text s, into out ("" when absent). */
static void sidecar(const char *s, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);
    out[0] = 0;
    for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, k) || p[k] != '=')
            continue;
        const char *v = p + k + 1, *end = strchr(v, '\n');
        size_t n = end ? (size_t)(end - v) : strlen(v);
        n = n < cap - 1 ? n : cap - 1;
        memcpy(out, v, n);
        out[n] = 0;
        return;
    }
}

static zerr_code extract(const char *name, const char *b, size_t n, zf_text *t, zerr *e)
{
    memset(t, 0, sizeof *t);
    zf_opts o = {name, NULL, 0, NULL, NULL};
    const zf_format *f;
    return zf_extract(b, n, &o, t, &f, e);
}

/* ---- phrase recall ---- */

static uint32_t next_cp(const char **p)
{
    uint32_t cp;
    size_t k = utf8_decode((const unsigned char *)*p, strlen(*p), &cp);
    *p += k ? k : 1;
    return cp;
}

static int is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x3000 ||
           c == 0xA0;
}

static int is_punct(uint32_t c)
{
    if (c < 0x80)
        return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    return (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
           (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
           (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
           (c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7 || c == 0xFFFD;
}

/* s without whitespace, malloc'd. */
static char *squeeze(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    for (const char *p = s; *p;) {
        const char *start = p;
        if (!is_space(next_cp(&p))) {
            memcpy(o, start, (size_t)(p - start));
            o += p - start;
        }
    }
    *o = 0;
    return out;
}

/* Phrase recall of source in text: found and total runs. */
static void recall(const char *source, const char *text, int *found, int *total)
{
    char *src = squeeze(source), *txt = squeeze(text);
    *found = *total = 0;
    const char *p = src;
    while (*p) {
        const char *start = p, *end = p;
        int chars = 0;
        for (const char *q = p; *q;) {
            const char *at = q;
            if (is_punct(next_cp(&q))) {
                end = at;
                p = q;
                break;
            }
            chars++;
            end = p = q;
        }
        if (chars < 6)
            continue;
        char run[4096];
        size_t n = (size_t)(end - start) < sizeof run - 1 ? (size_t)(end - start) : sizeof run - 1;
        memcpy(run, start, n);
        run[n] = 0;
        (*total)++;
        if (strstr(txt, run))
            (*found)++;
        else if (*total - *found <= 3)
            printf("# missing: %s\n", run);
    }
    free(src);
    free(txt);
}

/* ---- the fixtures ---- */

static char *source_of(const char *expect)
{
    char src[1024], path[4096];
    size_t n;
    sidecar(expect, "source", src, sizeof src);
    if (!strncmp(src, "corpus/", 7))
        snprintf(path, sizeof path, "%s/%s", corpus_dir, src + 7);
    else
        snprintf(path, sizeof path, "%s/%s", formats_dir, src);
    return src[0] ? slurp(path, &n) : NULL;
}

static void check_metadata(const char *name, const zf_text *t, const char *expect)
{
    zm_hints h = {t->title, t->date[0] ? t->date : NULL, name};
    zm_meta m;
    zm_extract(t->text.data, t->text.len, &h, &m);
    char want[512];
    sidecar(expect, "title", want, sizeof want);
    CHECK_STR(m.title, want, "%s: title", name);
    sidecar(expect, "issuer", want, sizeof want);
    CHECK_STR(m.issuer, want, "%s: issuer", name);
    sidecar(expect, "year", want, sizeof want);
    CHECK(m.year == atoi(want), "%s: year %d, want %s", name, m.year, want);
}

static void check_fixture(const char *name)
{
    size_t n, en;
    char ename[256];
    snprintf(ename, sizeof ename, "%s.expect", name);
    char *b = fixture(name, &n), *expect = fixture(ename, &en);
    CHECK(b && expect, "%s: fixture and sidecar readable", name);
    if (!b || !expect) {
        free(b);
        free(expect);
        return;
    }
    CHECK(zf_detect(b, n) == &zf_format_doc, "%s: detected as %s", name, zf_detect(b, n)->name);
    zf_text t;
    zerr e;
    zerr_code rc = extract(name, b, n, &t, &e);
    CHECK(rc == ZERR_OK, "%s: extract: %s", name, rc ? e.msg : "");
    char *source = source_of(expect);
    CHECK(source != NULL, "%s: source text readable", name);
    if (!rc && source) {
        int found, total;
        recall(source, t.text.data, &found, &total);
        printf("# recall %s: %d/%d phrases (%.1f%%)\n", name, found, total,
               total ? 100.0 * found / total : 0.0);
        CHECK(total > 0 && found == total, "%s: recall %d/%d", name, found, total);
        CHECK(t.pages == 0 && t.ocr_pages == 0, "%s: pages %u", name, t.pages);
        CHECK(t.date[0] != 0, "%s: creation date hint", name);
        check_metadata(name, &t, expect);
    }
    free(source);
    zf_text_clear(&t);
    free(b);
    free(expect);
}

/* The text of a fixture, or NULL. */
static char *text_of(const char *name, char **title)
{
    size_t n;
    char *b = fixture(name, &n), *s = NULL;
    if (!b)
        return NULL;
    zf_text t;
    zerr e;
    if (extract(name, b, n, &t, &e) == ZERR_OK) {
        s = t.text.data;
        t.text.data = NULL;
        if (title) {
            *title = t.title;
            t.title = NULL;
        }
    }
    zf_text_clear(&t);
    free(b);
    return s;
}

static void check_structure(void)
{
    char *title = NULL;
    char *r = text_of("report.doc", &title);
    CHECK(r != NULL, "report.doc extracted");
    if (r) {
        CHECK(strstr(r, "\n\n单元格五号内容\n\n") != NULL, "table cell as a paragraph");
        CHECK(strstr(r, "\n\n表格甲栏目\n\n表格乙栏目\n\n") != NULL, "header cells");
        CHECK(strstr(r, "详见法治政府建设专栏链接。") != NULL, "field result kept");
        CHECK(!strstr(r, "HYPERLINK") && !strstr(r, "example.gov.cn"), "field code dropped");
        CHECK(!strchr(r, '\r') && !strchr(r, '\a') && !strchr(r, '\f'), "no raw control marks");
    }
    CHECK_STR(title, "吴忠市人民政府关于2021年法治政府建设工作情况的报告", "title hint");
    free(title);
    char *m = text_of("multipiece.doc", NULL);
    CHECK(r && m && !strcmp(r, m), "multipiece.doc (351 pieces) gives report.doc's text");
    char *w = text_of("report.wps", NULL);
    CHECK(r && w && !strcmp(r, w), "report.wps gives report.doc's text");
    free(r);
    free(m);
    free(w);
    char *l = text_of("latin.doc", NULL);
    CHECK(l && strstr(l, "government’s “law-based administration” programme — first"),
          "cp1252 quotes and dashes in a compressed piece");
    CHECK(l && strstr(l, "€3.5 million") && strstr(l, "départements – no") &&
              strstr(l, "schedules…"),
          "euro, en dash, ellipsis, Latin-1 letters");
    CHECK(l && strstr(l, "\n\nCell number six\n\n") && strstr(l, "See the rule of law portal page."),
          "latin.doc: cells and field result");
    free(l);
}

/* ---- hostile variants, made from multipiece.doc (streams in regular
 * sectors, so the FIB and the piece table are contiguous in the file) ---- */

static void put32(char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (char)(v >> (8 * i));
}

static uint32_t get32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

/* The FIB: wIdent A5EC at a sector start (LibreOffice writes nFib 0x0101). */
static char *find_fib(char *b, size_t n)
{
    for (size_t k = 512; k + 1024 <= n; k += 512)
        if (!memcmp(b + k, "\xEC\xA5", 2))
            return b + k;
    return NULL;
}

/* The Pcdt of the FIB's Clx: 0x02, lcbClx - 5, CP 0. */
static char *find_pcdt(char *b, size_t n, const char *fib)
{
    char pat[9] = {2};
    put32(pat + 1, get32(fib + 0x1A6) - 5);
    put32(pat + 5, 0);
    for (size_t k = 0; k + sizeof pat <= n; k++)
        if (!memcmp(b + k, pat, sizeof pat))
            return b + k;
    return NULL;
}

/* Extract b (a patched copy) and check the refusal names want. */
static void refused(const char *what, const char *b, size_t n, const char *want)
{
    zf_text t;
    zerr e;
    memset(&t, 0, sizeof t);
    zf_opts o = {"hostile.doc", NULL, 0, NULL, NULL};
    zerr_code rc = zf_format_doc.extract(b, n, &o, &t, &e);
    CHECK(rc == ZERR_NOT_INDEXABLE && strstr(e.msg, want), "%s: rc %d '%s', want '%s'", what,
          (int)rc, rc ? e.msg : "", want);
    zf_text_clear(&t);
}

typedef void (*patch_fn)(char *b, size_t n, char *fib, char *pcdt);

static void p_encrypted(char *b, size_t n, char *fib, char *pcdt)
{
    (void)b, (void)n, (void)pcdt;
    fib[0x0B] |= 0x01;
}
static void p_word95(char *b, size_t n, char *fib, char *pcdt)
{
    (void)b, (void)n, (void)pcdt;
    fib[2] = 0x68;
    fib[3] = 0;
}
static void p_fcclx(char *b, size_t n, char *fib, char *pcdt)
{
    (void)b, (void)n, (void)pcdt;
    put32(fib + 0x1A2, 0x7FFFFFF0);
}
static void p_lcbclx(char *b, size_t n, char *fib, char *pcdt)
{
    (void)b, (void)n, (void)pcdt;
    put32(fib + 0x1A6, 0xFFFFFFF0);
}
static void p_pcdt_huge(char *b, size_t n, char *fib, char *pcdt)
{
    (void)b, (void)n, (void)fib;
    put32(pcdt + 1, 0x7FFFFFF0);
}
static void p_piece_fc(char *b, size_t n, char *fib, char *pcdt)
{
    (void)b, (void)n;
    uint32_t npieces = (get32(fib + 0x1A6) - 5 - 4) / 12;
    put32(pcdt + 5 + 4 * (npieces + 1) + 2, 0x3FFFFFF0);
}
static void p_cp_order(char *b, size_t n, char *fib, char *pcdt)
{
    (void)b, (void)n, (void)fib;
    put32(pcdt + 5 + 4, 0xFFFFFFF0);
}
static void p_fib_short(char *b, size_t n, char *fib, char *pcdt)
{
    (void)b, (void)n, (void)pcdt;
    fib[32] = (char)0xFF; /* csw: the FIB's arrays run past WordDocument */
    fib[33] = (char)0x7F;
}

static void check_hostile(void)
{
    size_t n;
    char *orig = fixture("multipiece.doc", &n), *b = orig ? malloc(n) : NULL;
    CHECK(b != NULL, "multipiece.doc readable");
    if (!b) {
        free(orig);
        return;
    }
    static const struct {
        const char *what, *want;
        patch_fn patch;
    } cases[] = {
        {"encrypted flag", "DOC: password-protected", p_encrypted},
        {"Word 95 nFib", "DOC: Word 6/95 format not supported", p_word95},
        {"fcClx past the end", "DOC: damaged (piece table past the end of the table stream)",
         p_fcclx},
        {"lcbClx huge", "DOC: damaged (piece table past the end of the table stream)", p_lcbclx},
        {"piece count huge", "DOC: damaged (piece table past the end of the table stream)",
         p_pcdt_huge},
        {"piece fc past the end", "text past the end of the WordDocument stream", p_piece_fc},
        {"CPs out of order", "piece table out of order", p_cp_order},
        {"FIB arrays past the end", "file information block", p_fib_short},
    };
    memcpy(b, orig, n);
    char *fib = find_fib(b, n), *pcdt = fib ? find_pcdt(b, n, fib) : NULL;
    CHECK(fib && pcdt, "FIB and piece table found in multipiece.doc");
    for (size_t i = 0; fib && pcdt && i < sizeof cases / sizeof *cases; i++) {
        memcpy(b, orig, n);
        cases[i].patch(b, n, fib, pcdt);
        refused(cases[i].what, b, n, cases[i].want);
    }
    memcpy(b, orig, n);
    refused("truncated to half", b, n / 2, "DOC: damaged");
    refused("not OLE", "plain text", 10, "DOC: not an OLE2 compound file");
    /* Every cut of the first sectors and a cut every 512 bytes: no crash,
     * and a clean result either way. */
    int clean = 1;
    for (size_t k = 0; k < n; k += k < 2048 ? 1 : 512) {
        zf_text t;
        zerr e;
        zerr_code rc = extract("cut.doc", b, k, &t, &e);
        clean &= rc == ZERR_OK || (rc == ZERR_NOT_INDEXABLE && e.msg[0]);
        zf_text_clear(&t);
    }
    CHECK(clean, "cut short anywhere: extracted or refused with a reason");
    free(b);
    free(orig);
}

/* An OLE file without WordDocument (the directory entry renamed) is no
 * DOC: the text row refuses it as binary. */
static void check_not_word(void)
{
    size_t n;
    char *b = fixture("report.doc", &n);
    static const char w[] = "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0";
    char *hit = NULL;
    for (size_t k = 0; b && k + sizeof w - 1 <= n; k++)
        if (!memcmp(b + k, w, sizeof w - 1))
            hit = b + k;
    CHECK(hit != NULL, "directory entry found");
    if (hit) {
        hit[0] = 'X'; /* XordDocument */
        CHECK(!zf_format_doc.sniff(b, n), "OLE without WordDocument not sniffed as DOC");
        CHECK(zf_detect(b, n) != &zf_format_doc, "registry passes it on");
        zf_text t;
        zerr e;
        CHECK(extract("sheet.xls", b, n, &t, &e) == ZERR_NOT_INDEXABLE, "refused by the text row");
        zf_text_clear(&t);
    }
    free(b);
    zerr e;
    zf_opts o = {"x.wps", NULL, 0, NULL, NULL};
    zf_text t;
    memset(&t, 0, sizeof t);
    CHECK(zf_format_doc.extract("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, &o, &t, &e) ==
                  ZERR_NOT_INDEXABLE &&
              !strncmp(e.msg, "WPS/DOC: ", 9),
          "a .wps names WPS/DOC: %s", e.msg);
}

/* ---- several threads at once ---- */

static const char *thread_doc;
static size_t thread_n;
static const char *thread_want;

static void *worker(void *arg)
{
    int *ok = arg;
    for (int i = 0; i < 20; i++) {
        zf_text t;
        zerr e;
        if (extract("t.doc", thread_doc, thread_n, &t, &e) || strcmp(t.text.data, thread_want))
            *ok = 0;
        zf_text_clear(&t);
    }
    return NULL;
}

static void check_threads(void)
{
    size_t n;
    char *b = fixture("multipiece.doc", &n), *want = text_of("report.doc", NULL);
    pthread_t th[4];
    int ok[4] = {1, 1, 1, 1};
    thread_doc = b, thread_n = n, thread_want = want;
    for (int i = 0; b && want && i < 4; i++)
        pthread_create(&th[i], NULL, worker, &ok[i]);
    for (int i = 0; b && want && i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK(b && want && ok[0] && ok[1] && ok[2] && ok[3], "4 threads x 20 extractions agree");
    free(b);
    free(want);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_format_doc FORMATS_DIR CORPUS_DIR\n");
        return 2;
    }
    formats_dir = argv[1];
    corpus_dir = argv[2];
    if (!ZHS_WITH_DOC) {
        zerr e;
        zf_text t;
        memset(&t, 0, sizeof t);
        CHECK(zf_format_doc.sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), "OLE magic sniffed");
        CHECK(zf_format_doc.extract("", 0, NULL, &t, &e) == ZERR_NOT_INDEXABLE &&
                  strstr(e.msg, "cannot read DOC"),
              "not built: %s", e.msg);
        return check_done();
    }
    static const char *fixtures[] = {"report.doc", "report.wps", "multipiece.doc", "latin.doc"};
    for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++)
        check_fixture(fixtures[i]);
    check_structure();
    check_not_word();
    check_hostile();
    check_threads();
    return check_done();
}
