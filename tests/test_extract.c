/* test_extract.c - unit test for indexer/extract.c.
 *
 * Usage: test_extract CORPUS_DIR.  Prints one line per failed check and
 * exits non-zero when any failed.  Inputs are copied into buffers of their
 * exact size (no NUL) so that AddressSanitizer catches any read past n.
 */
#define _POSIX_C_SOURCE 200809L

#include "document.h"
#include "extract.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>

static int checks, failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("not ok %d - %s:%d: ", checks, __FILE__, __LINE__);                             \
            printf(__VA_ARGS__);                                                                   \
            putchar('\n');                                                                         \
        } else {                                                                                   \
            printf("ok %d - %s:%d\n", checks, __FILE__, __LINE__);                                 \
        }                                                                                          \
    } while (0)

/* ---- helpers ---------------------------------------------------------- */

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *p = malloc(cap);
    for (size_t k; p && (k = fread(p + len, 1, cap - len, f)) > 0;) {
        len += k;
        if (len == cap)
            p = realloc(p, cap *= 2);
    }
    fclose(f);
    *n = len;
    return p;
}

static int memmem_like(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, lit, m) == 0)
            return 1;
    return 0;
}

/* Exact-size heap copy, so ASan sees any overread. */
static char *exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    if (n)
        memcpy(p, s, n);
    return p;
}

static char *icu_convert(const char *to, const char *from, const char *s, size_t n, size_t *outn)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = ucnv_convert(to, from, NULL, 0, s, (int32_t)n, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return NULL;
    char *out = malloc((size_t)len + 1);
    st = U_ZERO_ERROR;
    ucnv_convert(to, from, out, len + 1, s, (int32_t)n, &st);
    if (U_FAILURE(st)) {
        free(out);
        return NULL;
    }
    *outn = (size_t)len;
    return out;
}

/* Prepend a BOM (given as bytes) to converted text. */
static char *with_bom(const char *bom, size_t bn, const char *s, size_t n, size_t *outn)
{
    char *p = malloc(bn + n);
    memcpy(p, bom, bn);
    memcpy(p + bn, s, n);
    *outn = bn + n;
    return p;
}

/* An independent, simple UTF-8 validator. */
static int utf8_ok(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t c = u[i], need, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            need = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            need = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            need = 3, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (n - i <= need)
            return 0;
        for (uint32_t k = 1; k <= need; k++) {
            if ((u[i + k] & 0xC0) != 0x80)
                return 0;
            c = c << 6 | (u[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        i += need + 1;
    }
    return 1;
}

typedef struct dres {
    zerr_code rc;
    char *out;
    size_t len;
    char enc[64];
    zerr err;
} dres;

static dres decode(const char *s, size_t n, const char *forced)
{
    dres r;
    char *in = exact(s, n);
    r.rc = ze_decode(in, n, forced, &r.out, &r.len, r.enc, sizeof r.enc, &r.err);
    free(in);
    return r;
}

/* Decoding must fail with exactly `err`. */
static void expect_error(const char *what, const char *s, size_t n, const char *forced,
                         const char *err)
{
    dres r = decode(s, n, forced);
    CHECK(r.rc == ZERR_NOT_INDEXABLE && r.out == NULL && strcmp(r.err.msg, err) == 0,
          "%s: expected error '%s', got rc=%d err='%s' enc='%s'", what, err, r.rc, r.err.msg, r.enc);
    free(r.out);
}

/* Decoding must give `want` (UTF-8) in encoding `enc`. */
static void expect_text(const char *what, const char *s, size_t n, const char *forced,
                        const char *enc, const char *want, size_t wn)
{
    dres r = decode(s, n, forced);
    CHECK(r.rc == 0 && strcmp(r.enc, enc) == 0 && r.len == wn && memcmp(r.out, want, wn) == 0 &&
              r.out[r.len] == 0,
          "%s: expected %s text of %zu bytes, got rc=%d enc='%s' err='%s' len=%zu", what, enc, wn,
          r.rc, r.enc, r.err.msg, r.len);
    free(r.out);
}

/* Does `text` have a line exactly equal to `line`? */
static int has_line(const char *text, size_t n, const char *line, size_t ln)
{
    for (size_t i = 0; i <= n;) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - text) : n;
        if (end - i == ln && memcmp(text + i, line, ln) == 0)
            return 1;
        i = end + 1;
    }
    return 0;
}

static int blank_line(const char *s, size_t n)
{
    static const char *const spaces[] = {" ", "\t", "\r", "\xC2\xA0", "\xE3\x80\x80",
                                         "\xE2\x80\x82", NULL};
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        for (const char *const *sp = spaces; *sp && !k; sp++)
            if (strncmp(s + i, *sp, strlen(*sp)) == 0 && strlen(*sp) <= n - i)
                k = strlen(*sp);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Non-blank lines of text joined by '\n', for comparisons. */
static char *content_lines(const char *text, size_t n)
{
    char *out = malloc(n + 1);
    size_t w = 0;
    for (size_t i = 0; i <= n;) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - text) : n;
        if (!blank_line(text + i, end - i)) {
            if (w)
                out[w++] = '\n';
            memcpy(out + w, text + i, end - i);
            w += end - i;
        }
        i = end + 1;
    }
    out[w] = 0;
    return out;
}

static char *html_text(const char *html, char **title)
{
    size_t n = strlen(html), len = 0;
    char *in = exact(html, n), *out = NULL, *t = NULL;
    int rc = ze_html_to_text(in, n, &out, &len, &t);
    CHECK(rc == 0 && out && strlen(out) == len && utf8_ok(out, len), "html_to_text failed");
    free(in);
    if (title)
        *title = t;
    else
        free(t);
    return out;
}

/* ze_strip_chrome of text; also checked against the full pass (which
 * must give the same bytes). */
static char *strip(const char *text)
{
    size_t len = strlen(text), flen = len;
    char *s = malloc(len + 1), *f = malloc(len + 1);
    memcpy(s, text, len + 1);
    memcpy(f, text, len + 1);
    ze_strip_chrome(s, &len);
    ze_strip_chrome_full(f, &flen);
    CHECK(strlen(s) == len && utf8_ok(s, len), "strip_chrome broke its output");
    CHECK(len == flen && memcmp(s, f, len + 1) == 0, "fast path gives [%.200s], full pass [%.200s]",
          s, f);
    free(f);
    return s;
}

/* ---- ze_decode ---------------------------------------------------------- */

/* The corpus file must survive every encoding and come back identical. */
static void test_roundtrip(const char *name, const char *u8, size_t n)
{
    static const struct {
        const char *icu, *bom, *enc, *forced;
        size_t bomlen;
    } forms[] = {
        {"GB18030", "", "GB18030", "gb18030", 0},
        {"GB18030", "", "GB18030", "GBK", 0},
        {"UTF-16LE", "\xFF\xFE", "UTF-16LE", "utf-16le", 2},
        {"UTF-16BE", "\xFE\xFF", "UTF-16BE", "UTF-16BE", 2},
        {"UTF-16BE", "\xFE\xFF", "UTF-16BE", "utf-16", 2},
        {"UTF-16LE", "", "UTF-16LE", "utf-16le", 0}, /* no BOM: told by the NULs */
        {"UTF-16BE", "", "UTF-16BE", "utf-16be", 0},
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        size_t cn, bn;
        char *conv = icu_convert(forms[i].icu, "UTF-8", u8, n, &cn);
        CHECK(conv != NULL, "%s: ICU cannot convert to %s", name, forms[i].icu);
        if (!conv)
            continue;
        char *bytes = with_bom(forms[i].bom, forms[i].bomlen, conv, cn, &bn);
        char what[512];
        snprintf(what, sizeof what, "%s as %s detected", name, forms[i].icu);
        expect_text(what, bytes, bn, NULL, forms[i].enc, u8, n);
        snprintf(what, sizeof what, "%s as %s forced '%s'", name, forms[i].icu, forms[i].forced);
        expect_text(what, bytes, bn, forms[i].forced, forms[i].enc, u8, n);
        free(conv);
        free(bytes);
    }
}

static void test_decode_basics(void)
{
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0"
                              "\x1f\xf3\xff\x61";
    static const char elf[] = "\x7f"
                              "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0\x40\x10\0\0";
    static const char ctrl[] = "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15";
    const char *any = "not valid in any supported encoding";

    expect_error("empty", "", 0, NULL, "empty file");
    expect_error("empty forced", "", 0, "gb18030", "empty file");
    expect_text("UTF-16LE without BOM", "2\0\x30\x5E\n\0\0\x4E", 8, NULL, "UTF-16LE",
                "2\xE5\xB8\xB0\n\xE4\xB8\x80", 8);
    expect_text("UTF-16BE without BOM", "\0" "2\x5E\x30\0\n\x4E\0", 8, NULL, "UTF-16BE",
                "2\xE5\xB8\xB0\n\xE4\xB8\x80", 8);
    expect_error("16-bit numbers are no UTF-16", "\x01\0\x02\0\x03\0\x10\0", 8, NULL,
                 "binary data");
    expect_text("UTF-8 BOM removed", "\xEF\xBB\xBFhello \xE4\xBD\xA0\xE5\xA5\xBD", 15, NULL,
                "UTF-8", "hello \xE4\xBD\xA0\xE5\xA5\xBD", 12);
    expect_text("UTF-8 BOM forced", "\xEF\xBB\xBF" "abc", 6, "utf8", "UTF-8", "abc", 3);
    expect_text("CRLF to LF", "a\r\nb\rc\r\n", 8, NULL, "UTF-8", "a\nb\rc\n", 6);
    expect_text("UTF-16LE BOM, forced utf-16", "\xFF\xFE\x2D\x4E", 4, "UTF-16", "UTF-16LE",
                "\xE4\xB8\xAD", 3);
    expect_text("UTF-32LE BOM", "\xFF\xFE\0\0\x2D\x4E\0\0", 8, NULL, "UTF-32LE",
                "\xE4\xB8\xAD", 3);
    expect_text("forced latin1", "caf\xE9", 4, "latin1", "ISO-8859-1", "caf\xC3\xA9", 5);

    expect_error("PNG header", png, sizeof png - 1, NULL, "binary data");
    expect_error("ELF header", elf, sizeof elf - 1, NULL, "binary data");
    expect_error("control bytes", ctrl, sizeof ctrl - 1, NULL, "binary data");
    expect_error("UTF-16 carrying U+0000", "\xFF\xFE\0\0\x41\0", 6, NULL, "binary data");

    expect_error("stray 0xFF", "abc\xFF", 4, NULL, any);
    expect_error("lone continuation bytes", "\x80\x80\x80\x80", 4, NULL, any);
    expect_error("UTF-8 surrogate", "\xED\xA0\x80", 3, NULL, any);
    expect_error("overlong, forced", "\xC0\xAF", 2, "utf-8", "not valid UTF-8");
    expect_error("surrogate, forced", "a\xED\xA0\x80", 4, "UTF-8", "not valid UTF-8");
    expect_error("above U+10FFFF, forced", "\xF4\x90\x80\x80", 4, "utf-8", "not valid UTF-8");
    expect_error("truncated, forced", "\xE4\xB8", 2, "utf-8", "not valid UTF-8");
    expect_error("bad GB18030, forced", "\x80" "abc", 4, "gb18030", "not valid GB18030");
    expect_error("odd UTF-16, forced", "\xFF\xFE\x41", 3, "utf-16le", "not valid UTF-16LE");
    expect_error("bad UTF-16 after BOM", "\xFF\xFE\x00\xD8\x41\x00", 6, NULL,
                 "not valid UTF-16LE");
    expect_error("unknown forced", "abc", 3, "klingon-8", "unknown encoding 'klingon-8'");
}

/* A FIFO (a file swapped for one after the walk) is refused at once. */
static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL: zdoc_read blocked on a FIFO\n";
    if (write(1, msg, sizeof msg - 1) < 0)
        _exit(1);
    _exit(1);
}

static void test_read_special(void)
{
    char dir[] = "/tmp/test_extract.XXXXXX", path[64];
    zerr e;
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    snprintf(path, sizeof path, "%s/fifo", dir);
    CHECK(mkfifo(path, 0600) == 0, "mkfifo");
    zdoc_opts o = {.max_bytes = 1 << 20};
    zdoc_input in;
    signal(SIGALRM, on_alarm);
    alarm(10);
    zerr_code rc = zdoc_read(path, &o, &in, &e);
    alarm(0);
    CHECK(rc == ZERR_NOT_INDEXABLE && strstr(e.msg, "not a regular file (a FIFO)"),
          "FIFO: rc=%d err='%s'", rc, e.msg);
    zdoc_input_clear(&in);
    unlink(path);
    snprintf(path, sizeof path, "%s/link", dir);
    CHECK(symlink("/etc/hostname", path) == 0, "symlink");
    rc = zdoc_read_file(path, &o, 1, &in, &e);
    CHECK(rc == ZERR_NOT_INDEXABLE && strstr(e.msg, "symbolic link"),
          "link, nofollow: rc=%d err='%s'", rc, e.msg);
    zdoc_input_clear(&in);
    unlink(path);
    rmdir(dir);
}

static void test_decode_cjk(void)
{
    /* Short GB text: ICU has no confidence, the GB18030 fallback decides. */
    /* ... or calls it EUC-KR / windows-1251 with high confidence. */
    static const char *const gb[] = {"法治政府建设情况报告", "綦江", "中",
                                     "江油市人民政府\n\n2021年3月8日\n",
                                     "次,检查各类经营场所8500余家", "服务事项清单23项；印发《安",
                                     "393项", "监测"};
    for (size_t i = 0; i < sizeof gb / sizeof *gb; i++) {
        size_t cn;
        char *conv = icu_convert("GB18030", "UTF-8", gb[i], strlen(gb[i]), &cn);
        expect_text(gb[i], conv, cn, NULL, "GB18030", gb[i], strlen(gb[i]));
        free(conv);
    }
    const char *tw = "中華民國政府資訊公開法規定，各機關應主動公開政府資訊，以便人民共享及公平利用。";
    size_t cn;
    char *conv = icu_convert("Big5", "UTF-8", tw, strlen(tw), &cn);
    expect_text("Big5 detected", conv, cn, NULL, "Big5", tw, strlen(tw));
    expect_text("Big5 forced", conv, cn, "big5", "Big5", tw, strlen(tw));
    free(conv);
    const char *fr = "Le caf\xC3\xA9 est tr\xC3\xA8s bon et la soci\xC3\xA9t\xC3\xA9 fran\xC3\xA7"
                     "aise aime les \xC3\xA9l\xC3\xA8ves.";
    conv = icu_convert("ISO-8859-1", "UTF-8", fr, strlen(fr), &cn);
    expect_text("Latin-1 detected", conv, cn, NULL, "ISO-8859-1", fr, strlen(fr));
    free(conv);
    /* the GB18030 preference must not swallow other languages */
    static const struct {
        const char *cs, *text;
    } other[] = {
        {"EUC-KR", "대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 나온다. 정부는 국민의 "
                   "자유와 권리를 보장하여야 한다."},
        {"Shift_JIS", "この法律は、行政機関の保有する情報の一層の公開を図り、もって政府の有するその"
                      "諸活動を国民に説明する責務が全うされるようにする。"},
        {"windows-1251", "Правительство Российской Федерации осуществляет исполнительную власть."},
    };
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        conv = icu_convert(other[i].cs, "UTF-8", other[i].text, strlen(other[i].text), &cn);
        expect_text(other[i].cs, conv, cn, NULL, other[i].cs, other[i].text, strlen(other[i].text));
        free(conv);
    }
}

/* Random bytes: no crash, and any success is valid UTF-8. */
static void test_decode_fuzz(void)
{
    uint32_t seed = 12345;
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = 1 + (seed = seed * 1103515245 + 12345) % 64;
        char buf[64];
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245 + 12345;
            buf[i] = (char)((seed >> 16) & 0xFF);
            if (iter % 2 && buf[i] < 0x20) /* half of them without controls */
                buf[i] = (char)(buf[i] + 0x40);
        }
        dres r = decode(buf, n, iter % 5 == 0 ? "gb18030" : NULL);
        CHECK(r.rc == ZERR_NOT_INDEXABLE || (r.out && utf8_ok(r.out, r.len)), "fuzz %d: bad decode", iter);
        free(r.out);
    }
}

/* ---- ze_is_html / ze_html_to_text --------------------------------------- */

static void test_is_html(void)
{
    CHECK(ze_is_html("a/b/report.HTML", NULL, 0), "name .HTML");
    CHECK(ze_is_html("page.shtml", "", 0), "name .shtml");
    CHECK(ze_is_html("x.xhtml", "", 0), "name .xhtml");
    CHECK(!ze_is_html("dir.html/notes.txt", "plain", 5), "extension of a directory");
    const char *a = "\xEF\xBB\xBF  <!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">";
    const char *b = "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">";
    const char *c = "report text mentioning <html> tags";
    const char *d = "<htmlx>";
    CHECK(ze_is_html("x.txt", a, strlen(a)), "doctype");
    CHECK(ze_is_html(NULL, b, strlen(b)), "xml + html");
    CHECK(!ze_is_html("x.txt", c, strlen(c)), "prose mentioning <html>");
    CHECK(!ze_is_html("x.txt", d, strlen(d)), "<htmlx>");
    CHECK(!ze_is_html("x.txt", "<ht", 3), "truncated");
}

static void expect_html(const char *what, const char *html, const char *want)
{
    char *out = html_text(html, NULL);
    CHECK(out && strcmp(out, want) == 0, "%s: got [%s] want [%s]", what, out ? out : "", want);
    free(out);
}

static void test_html_basics(void)
{
    const char *doc =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>测试 &amp; 标题</title>\n"
        "<style>p { color: red; }</style><script>var x = \"<p>不应出现</p>\";</script></head>\n"
        "<body><p>第一段&ldquo;引号&rdquo;&mdash;&hellip;&middot;&#20013;&#x6587;&lt;&gt;"
        "&quot;&apos;&nbsp;结束。</p>\n"
        "<!-- 注释 <p>不</p> --><p>第二段<br>换行<br/><br>新段</p><![CDATA[ 数据 ]]>"
        "<noscript>无脚本</noscript>\n<div>a    b\n c</div><span>内联</span><b>粗体</b>"
        "<ul><li>一</li><li>二</li></ul></body></html>";
    char *title = NULL;
    char *out = html_text(doc, &title);
    const char *want = "测试 & 标题\n\n第一段“引号”—…·中文<>\"' 结束。\n\n第二段\n换行\n\n新段"
                       "\n\na b c\n\n内联粗体\n\n一\n二\n";
    CHECK(out && strcmp(out, want) == 0, "basic html: got [%s]", out ? out : "");
    CHECK(title && strcmp(title, "测试 & 标题") == 0, "title: got [%s]", title ? title : "");
    free(out);
    free(title);

    expect_html("quoted >", "<p title=\"a>b\" data-x='c>d'>可见</p>", "可见\n");
    expect_html("< in text", "<p>3 < 5 and 5 > 3</p>", "3 < 5 and 5 > 3\n");
    expect_html("unclosed p", "<div><p>甲<p>乙", "甲\n\n乙\n");
    expect_html("unclosed head", "<html><head><title>T</title><p>正文", "T\n\n正文\n");
    expect_html("text ends head", "<head><meta x=1>裸文本", "裸文本\n");
    expect_html("CJK line join", "<p>法治\n政府 建设\nok</p>", "法治政府 建设 ok\n");
    expect_html("bad numeric refs", "&#0;&#xD800;&#x110000;&#99999999999;",
                "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\n");
    expect_html("cp1252 refs", "&#147;x&#148;", "\xE2\x80\x9Cx\xE2\x80\x9D\n");
    expect_html("legacy entity", "a &amp b &copy2021 &unknown; &", "a & b ©2021 &unknown; &\n");
    expect_html("pre", "<pre>一行\n二行\n\n三段</pre>后", "一行\n二行\n\n三段\n\n后\n");
    expect_html("table cells", "<table><tr><td>甲</td><td>乙</td></tr><tr><td>丙</td></tr></table>",
                "甲 乙\n丙\n");
    expect_html("xhtml self-closing", "<script src=\"a.js\"/><p>见</p><hr/>后", "见\n\n后\n");
    expect_html("stray quote", "<p class=x don't>甲</p><p>乙</p>", "甲\n\n乙\n");
    expect_html("invalid UTF-8", "a\xFF\xC0\xAF" "b", "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b\n");
}

/* A portal page around a report paragraph: only the report remains. */
static void test_portal_page(void)
{
    const char *page =
        "<!DOCTYPE html><html><head><title>重庆市綦江区2021年度法治政府建设情况报告</title>"
        "<script>document.write('<div>广告</div>');</script></head><body>"
        "<div class=\"top\">中国政府网|重庆市人民政府网</div>"
        "<div class=\"nav\">您当前的位置：<a href=\"/\">首页</a> &gt; <a>政务公开</a> &gt; "
        "<a>法治政府建设年度报告</a></div>"
        "<div class=\"tools\">【字体：<a>大</a> <a>中</a> <a>小</a>】 "
        "<a href=\"javascript:window.print()\">打印</a></div>"
        "<div>阅读次数：<span id=\"c\">1234</span></div>"
        "<div class=\"content\"><p>&nbsp;&nbsp;2021年，綦江区坚持以习近平新时代中国特色社会主义"
        "思想为指导，全面深入推进法治政府建设各项工作并取得显著成效。</p>"
        "<p>一是优化营商环境；二是深化放管服改革。</p>"
        "<p style=\"text-align:right\">重庆市綦江区人民政府</p>"
        "<p style=\"text-align:right\">2022年3月22日</p></div>"
        "<div class=\"share\">扫一扫在手机打开当前页</div>"
        "<div class=\"foot\"><ul><li><a>数据中心</a></li><li><a>新媒体矩阵</a></li>"
        "<li><a>营商环境</a></li></ul><p><a>微博</a> <a>公开信箱</a> <a>智能问答</a></p>"
        "<p>版权所有：重庆市綦江区人民政府办公室 网站标识码：5001100015 渝ICP备05003300号</p>"
        "</div></body></html>";
    char *text = html_text(page, NULL);
    char *clean = strip(text);
    char *lines = content_lines(clean, strlen(clean));
    const char *want = "重庆市綦江区2021年度法治政府建设情况报告\n"
                       "2021年，綦江区坚持以习近平新时代中国特色社会主义思想为指导，"
                       "全面深入推进法治政府建设各项工作并取得显著成效。\n"
                       "一是优化营商环境；二是深化放管服改革。\n"
                       "重庆市綦江区人民政府\n2022年3月22日";
    CHECK(strcmp(lines, want) == 0, "portal page: got [%s]", lines);
    free(text);
    free(clean);
    free(lines);
}

/* Malformed input: no crash, no overread (ASan), valid UTF-8 out. */

/* Fewer than maxparts atoms picked by a linear congruential generator
 * from *seed, joined into buf (NUL-terminated; the caller sizes it for
 * maxparts of the longest atom); the length. */
static size_t random_text(const char *const *atoms, size_t natoms, uint32_t *seed, size_t maxparts,
                          char *buf)
{
    size_t len = 0, parts = (*seed = *seed * 1103515245 + 12345) % maxparts;
    for (size_t k = 0; k < parts; k++) {
        *seed = *seed * 1103515245 + 12345;
        const char *a = atoms[(*seed >> 16) % natoms];
        size_t al = strlen(a);
        memcpy(buf + len, a, al);
        len += al;
    }
    buf[len] = 0;
    return len;
}

static void test_html_malformed(void)
{
    static const char *const cases[] = {
        "<", "<!", "<!-", "<!--", "<!-- x", "<![CDATA[", "<![CDATA[x]]", "</", "</a", "</ a>",
        "<a", "<a href='", "<a href=\"x>y", "<a href=\"x\"", "<a b=", "<a/", "&", "&#", "&#x",
        "&#x;", "&#xFFFFFFFFFFFFFFFF;", "&amp", "&nbsp", "&l", "<script>", "<script>x</scr",
        "<script>x</script", "<style", "<title>", "<title>abc", "<title>a</title", "<p",
        "<p>\xFF\xFE\xC0", "<<<<>>>>", "</>", "<?xml", "<!DOCTYPE", "<head>", "<pre>", "</pre></pre>",
        "<br><br><br>", "<td>", "\xE4\xB8", "<p>\xE4</p>", "<a b='c' d=\"e\" f=g>x",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        free(html_text(cases[i], NULL));

    size_t depth = 100000, n = depth * 11 + 3;
    char *deep = malloc(n + 1);
    for (size_t i = 0; i < depth; i++)
        memcpy(deep + i * 11, "<div><span>", 11);
    memcpy(deep + depth * 11, "深层", 3); /* cut mid-character on purpose */
    deep[n] = 0;
    free(html_text(deep, NULL));
    free(deep);

    static const char *const atoms[] = {"<",   ">",      "/",       "!--", "-->", "'",  "\"", "=",
                                        "&",   "#x",     ";",       "amp", "p",   "script",
                                        "</",  "title",  "\n",      " ",   "中",  "\xE4", "\xFF",
                                        "<br>", "<pre>", "<head>",  "]]>", "<![CDATA[", "9"};
    uint32_t seed = 42;
    char buf[512];
    for (int iter = 0; iter < 20000; iter++) {
        random_text(atoms, sizeof atoms / sizeof *atoms, &seed, 40, buf);
        char *out = html_text(buf, NULL);
        free(strip(out));
        free(out);
    }
}

/* ---- ze_strip_chrome ---------------------------------------------------- */

static const char *const qijiang_chrome[] = {
    "中国政府网|重庆市人民政府网", "扫一扫在手机打开当前页", "智能问答", "便民地图", "政策问答",
    "数据中心", "新媒体矩阵", "营商环境", "微博 公开信箱 智能问答", NULL};

static int is_qijiang_chrome(const char *line, size_t n)
{
    for (const char *const *c = qijiang_chrome; *c; c++)
        if (strlen(*c) == n && memcmp(*c, line, n) == 0)
            return 1;
    return n >= 18 && memcmp(line, "您当前的位置", 18) == 0;
}

/* Every non-chrome line of the original survives verbatim; chrome goes. */
static void check_lines_kept(const char *name, const char *orig, size_t n, const char *clean,
                             size_t cn, int qijiang)
{
    for (size_t i = 0; i <= n;) {
        const char *nl = memchr(orig + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - orig) : n, ln = end - i;
        const char *line = orig + i;
        i = end + 1;
        if (blank_line(line, ln))
            continue;
        if (qijiang && is_qijiang_chrome(line, ln)) {
            CHECK(!has_line(clean, cn, line, ln), "%s: chrome kept: %.*s", name, (int)ln, line);
        } else if (memmem_like(line, ln, "【字体")) {
            CHECK(!has_line(clean, cn, line, ln), "%s: chrome kept: %.*s", name, (int)ln, line);
        } else if (memmem_like(line, ln, "阅读次数")) {
            CHECK(strstr(clean, "2021-03-08 15:38") && !strstr(clean, "阅读次数"),
                  "%s: date line mangled", name);
        } else {
            CHECK(has_line(clean, cn, line, ln), "%s: lost line: %.60s", name, line);
        }
    }
}

/* Chrome words used as ordinary words in headings must not be cut. */
static void test_chrome_words(void)
{
    const char *text = "政府网站访问量大幅提升\n经验分享到基层\n推进大中小学思政课一体化\n"
                       "打印机采购管理\n当前重点工作\n一、主要做法\n"
                       "2021年3月8日 阅读次数：12 【打印】\n【大 中 小】\n\n";
    char *clean = strip(text);
    const char *want = "政府网站访问量大幅提升\n经验分享到基层\n推进大中小学思政课一体化\n"
                       "打印机采购管理\n当前重点工作\n一、主要做法\n2021年3月8日\n\n";
    CHECK(strcmp(clean, want) == 0, "chrome words: got [%s]", clean);
    free(clean);
}

static void test_chrome_file(const char *name, const char *text, size_t n)
{
    char *clean = malloc(n + 1);
    memcpy(clean, text, n);
    clean[n] = 0;
    size_t cn = n;
    ze_strip_chrome(clean, &cn);
    CHECK(strlen(clean) == cn && utf8_ok(clean, cn), "%s: strip_chrome output broken", name);
    int qijiang = strstr(name, "綦江") != NULL;
    check_lines_kept(name, text, n, clean, cn, qijiang);
    if (qijiang) {
        char *lines = content_lines(clean, cn);
        const char *head = "重庆市綦江区2021年度法治政府建设情况报告\n日期:2022-03-22\n2021年,綦江区";
        CHECK(strncmp(lines, head, strlen(head)) == 0, "%s: head is [%.200s]", name, lines);
        /* the last two lines are the signature block (issuer, date) */
        char *last = strrchr(lines, '\n');
        char *prev = last;
        while (prev && prev > lines && prev[-1] != '\n')
            prev--;
        CHECK(last && strncmp(last + 1, "2022211日", strlen("2022211日")) == 0 && prev &&
                  strncmp(prev, "重庆市綦江区人民政府", strlen("重庆市綦江区人民政府")) == 0,
              "%s: does not end with the signature block", name);
        free(lines);
    }
    if (strstr(name, "江油")) {
        CHECK(has_line(clean, cn, "2021-03-08 15:38信息来源: 法治办", strlen("2021-03-08 15:38信息来源: 法治办")),
              "%s: header date line not kept as expected", name);
        CHECK(!strstr(clean, "【字体") && !strstr(clean, "打印"), "%s: font/print bar kept", name);
    }
    free(clean);
}

/* ze_strip_chrome (with its fast path) gives byte for byte what the full
 * line-by-line pass gives. */
static void same_as_full(const char *what, const char *text, size_t n)
{
    char *a = malloc(n + 1), *b = malloc(n + 1);
    memcpy(a, text, n);
    memcpy(b, text, n);
    a[n] = b[n] = 0;
    size_t an = n, bn = n;
    ze_strip_chrome(a, &an);
    ze_strip_chrome_full(b, &bn);
    CHECK(an == bn && memcmp(a, b, an + 1) == 0, "%s: fast path gives [%.200s], full pass [%.200s]",
          what, a, b);
    free(a);
    free(b);
}

static void test_chrome_fast_path(void)
{
    static const char *const texts[] = {
        "政府网站访问量大幅提升\n经验分享到基层\n推进大中小学思政课一体化\n",
        "这是正文，没有页面元素。\n第二段。\n",
        "这是正文。\n关于\n帮助\n隐私\n", /* a footer run without any marker */
        "关于\n帮助\n隐私\n",             /* ... with nothing before it: kept */
        "正文。\n中国政府网|重庆市人民政府网\n", "正文。\n中国政府网\n|重庆市人民政府网\n",
        "正文。\n【大 中 小】\n", "正文。\n大\n中\n小\n", "首页 > 新闻\n正文。",
        "Copyright 2021\n正文。", "© 2021\n", "ICP备12345号\n", "  \n\n\n", "\n",
        "a|b 网", "man page | grep\n网络", "打印 关闭", "返回值：0。\n返回", "\xE4\xBD", "\xC2",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        same_as_full(texts[i], texts[i], strlen(texts[i]));
    char *c = strip("这是正文。\n关于\n帮助\n隐私\n");
    CHECK(strcmp(c, "这是正文。") == 0, "footer run without markers: got [%s]", c);
    free(c);

    static const char *const atoms[] = {
        "阅读次数", "：", ":", "12", "次", "【", "】", "[", "]", "字体", "字号", "大", " ", "中",
        "小", "打印", "关闭", "收藏", "返回", "顶部", "|", "｜", "丨", "中国政府网", "网", "网站",
        "首页", ">", "→", "您当前的位置", "版权所有", "ICP备", "Copyright", "©", "联系我们",
        "分享到", "扫一扫", "\n", "\n", "\n\n", "。", "，", "报告", "法治政府建设", "2021年",
        "3月", "人民政府", "关于", "帮助", "\xE4", "\xFF", "\xE4\xB8", "\xC2", "\t", "\xE3\x80\x80",
        "o", "I"};
    uint32_t seed = 7;
    char buf[1024];
    for (int iter = 0; iter < 30000; iter++) {
        size_t len = random_text(atoms, sizeof atoms / sizeof *atoms, &seed, 48, buf);
        char what[32];
        snprintf(what, sizeof what, "random text %d", iter);
        same_as_full(what, buf, len);
    }
}

static void test_corpus(const char *dir)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL, "cannot open corpus directory %s", dir);
    if (!d)
        return;
    int files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t nl = strlen(e->d_name), n = 0;
        if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text = read_file(path, &n);
        CHECK(text && n > 0, "%s: cannot read", path);
        if (!text)
            continue;
        files++;
        expect_text(e->d_name, text, n, NULL, "UTF-8", text, n);
        test_roundtrip(e->d_name, text, n);
        test_chrome_file(e->d_name, text, n);
        same_as_full(e->d_name, text, n);
        free(text);
    }
    closedir(d);
    CHECK(files == 5, "expected 5 corpus files, found %d", files);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    test_decode_basics();
    test_read_special();
    test_decode_cjk();
    test_decode_fuzz();
    test_is_html();
    test_html_basics();
    test_portal_page();
    test_html_malformed();
    test_chrome_words();
    test_chrome_fast_path();
    test_corpus(argv[1]);
    printf("# test_extract: %d checks, %d failed\n1..%d\n", checks, failures, checks);
    return failures ? 1 : 0;
}
