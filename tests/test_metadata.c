/* test_metadata.c - checks zm_extract() on the bundled reports and on edge
 * cases.  Usage: test_metadata CORPUS_DIR.  Prints one line per failed
 * check; exits 0 when all pass. */
#include "metadata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;

/* Strict UTF-8 validity (no overlongs, surrogates or values > U+10FFFF). */
static int valid_utf8(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;

    while (*s) {
        unsigned c = *s, need, cp, min;
        if (c < 0x80) {
            s++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            need = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            need = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            need = 3, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        for (unsigned k = 1; k <= need; k++) {
            if ((s[k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        s += need + 1;
    }
    return 1;
}

static void fail(const char *name, const char *field, const char *got, const char *want)
{
    failures++;
    printf("not ok %d - %s: %s: got \"%s\", want \"%s\"\n", checks, name, field, got, want);
}

static void pass(const char *name, const char *field)
{
    printf("ok %d - %s: %s\n", checks, name, field);
}

static void check_str(const char *name, const char *field, const char *got, size_t cap,
                      const char *want)
{
    checks++;
    if (!memchr(got, '\0', cap))
        fail(name, field, "(not NUL-terminated)", want);
    else if (!valid_utf8(got))
        fail(name, field, "(invalid UTF-8)", want);
    else if (strcmp(got, want) != 0)
        fail(name, field, got, want);
    else
        pass(name, field);
}

static void check_int(const char *name, const char *field, int got, int want)
{
    char g[32], w[32];

    checks++;
    if (got != want) {
        snprintf(g, sizeof g, "%d", got);
        snprintf(w, sizeof w, "%d", want);
        fail(name, field, g, w);
    } else {
        pass(name, field);
    }
}

typedef struct {
    const char *title, *issuer, *region, *docno, *date;
    int year;
} expect;

#define CHECK(f) check_str(name, #f, m->f, sizeof m->f, e->f)

static void check_meta(const char *name, const zm_meta *m, const expect *e)
{
    CHECK(title);
    CHECK(issuer);
    CHECK(region);
    CHECK(docno);
    CHECK(date);
    check_int(name, "year", m->year, e->year);
}

/* Run on an exactly-sized heap copy, so ASan catches any read past len. */
static void run(const char *name, const char *text, size_t len, const char *hint,
                const expect *e)
{
    char *copy = malloc(len ? len : 1);
    zm_meta m;

    if (!copy) {
        checks++;
        fail(name, "malloc", "NULL", "buffer");
        return;
    }
    if (len)
        memcpy(copy, text, len);
    memset(&m, 0x5A, sizeof m); /* garbage: every field must be rewritten */
    zm_hints h = {hint, NULL, NULL};
    zm_extract(len ? copy : NULL, len, &h, &m);
    check_meta(name, &m, e);
    free(copy);
}

static void run_str(const char *name, const char *text, const char *hint, const expect *e)
{
    run(name, text, strlen(text), hint, e);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)n, f);
        if (*len != (size_t)n) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static const struct {
    const char *file;
    expect e;
} corpus[] = {
    {"2021-乐山市市中区-法治政府建设工作情况报告.txt",
     {"乐山市市中区人民政府关于2021年法治政府建设工作情况的报告", "乐山市市中区人民政府",
      "乐山市市中区", "乐中府〔2022〕7号", "2022-02-25", 2021}},
    {"2020-江油市-法治政府建设情况报告.txt",
     {"江油市人民政府关于江油市2020年法治政府建设情况的报告", "江油市人民政府", "江油市", "",
      "2021-03-08", 2020}},
    {"2021-吴忠市-法治政府建设工作情况报告.txt",
     {"吴忠市人民政府关于2021年法治政府建设工作情况的报告", "吴忠市人民政府", "吴忠市",
      "吴政发〔2022〕3号", "2022-01-17", 2021}},
    {"2023-安岳县-法治政府建设工作情况报告.txt",
     {"安岳县人民政府关于2023年法治政府建设工作情况的报告", "安岳县人民政府", "安岳县", "", "",
      2023}},
    {"2021-重庆市綦江区-法治政府建设情况报告.txt",
     {"重庆市綦江区2021年度法治政府建设情况报告", "重庆市綦江区人民政府", "重庆市綦江区", "",
      "2022-03-22", 2021}},
};

/* Portal chrome that may or may not have been stripped already. */
static const char chrome[] = "中国政府网|重庆市人民政府网\n\n"
                             "您当前的位置: 首页>政务公开>法治政府建设年度报告 > "
                             "2021年法治政府建设年度报告\n"
                             "【字体: 打印\n\n";

static void test_corpus(const char *dir)
{
    for (size_t i = 0; i < sizeof corpus / sizeof *corpus; i++) {
        char path[1024], name[1200];
        size_t len = 0;
        char *text;

        snprintf(path, sizeof path, "%s/%s", dir, corpus[i].file);
        text = read_file(path, &len);
        if (!text) {
            checks++;
            fail(corpus[i].file, "read", "cannot read", path);
            continue;
        }
        run(corpus[i].file, text, len, NULL, &corpus[i].e);
        /* a hint must not override a title found in the text */
        snprintf(name, sizeof name, "%s+hint", corpus[i].file);
        run(name, text, len, "Some <title>", &corpus[i].e);
        /* the same report with chrome prepended */
        char *wrapped = malloc(sizeof chrome + len);
        if (wrapped) {
            memcpy(wrapped, chrome, sizeof chrome - 1);
            memcpy(wrapped + sizeof chrome - 1, text, len);
            snprintf(name, sizeof name, "%s+chrome", corpus[i].file);
            run(name, wrapped, sizeof chrome - 1 + len, NULL, &corpus[i].e);
            free(wrapped);
        }
        free(text);
    }
}

static const expect none = {"", "", "", "", "", 0};

static void test_non_reports(void)
{
    expect e = none;

    e.title = "hello world";
    run_str("non-report", "hello world\nsecond line", NULL, &e);
    run_str("crlf", "\r\n  hello world  \r\nsecond line\r\n", NULL, &e);
    run("not NUL-terminated", "hello world and more", 11, NULL, &e);
    e.title = "The quick brown fox.";
    run_str("english", "\n\n \t The   quick brown fox.  \nIt jumps. 2022-03-22\n", NULL, &e);
    e.title = "Page Title";
    run_str("hint", "hello world\nsecond line", "Page Title", &e);
    run_str("hint on empty", "", "  Page Title \n", &e);
    e.title = "hello world";
    run_str("blank hint", "hello world", " \n ", &e);
    e.title = "关于印发工作要点的通知";
    run_str("chrome then notice",
            "【字体: 打印\n关于印发工作要点的通知\n乐中府〔2022〕7号\n2022年2月25日", NULL, &e);
    /* a manual page: the line under NAME names it, not the page header */
    e.title = "CREATE TYPE -定义一个新的数据类型"; /* spaces next to CJK dropped */
    run_str("man NAME",
            "CREATE TYPE(7) SQL Commands CREATE TYPE(7)\n\nNAME\nCREATE TYPE - 定义一个新的数据类型\n\n"
            "SYNOPSIS\nCREATE TYPE name AS\n", NULL, &e);
    e.title = "ls -列出目录内容";
    run_str("man 名称", "LS(1) User Commands LS(1)\n名称\nls - 列出目录内容\n", NULL, &e);
    {
        /* a Traditional copy of a report: fields as the index sees them */
        expect t = {"乐山市市中区人民政府关于2021年法治政府建设工作情况的报告", "乐山市市中区人民政府",
                    "乐山市市中区", "乐中府〔2022〕7号", "2022-02-25", 2021};
        run_str("Traditional report",
                "樂山市市中區人民政府\n關於2021年法治政府建設工作情況的報告\n樂中府〔2022〕7號\n\n"
                "2021年，我區法治政府建設取得新進展。\n\n樂山市市中區人民政府\n2022年2月25日\n",
                NULL, &t);
        /* prose is never a title: the file name is, then the date hint */
        zm_meta m;
        const char *prose = "为深入贯彻落实党中央、国务院关于法治政府建设的决策部署，进一步推进依法行政，"
                            "现将有关工作情况报告如下，请予审议。\n第二段。\n";
        zm_hints h = {NULL, "2022-03-01", "/data/reports/2021年度某县工作摘录.pdf"};
        zm_extract(prose, strlen(prose), &h, &m);
        checks++;
        if (strcmp(m.title, "2021年度某县工作摘录") || strcmp(m.date, "2022-03-01"))
            fail("prose first paragraph", "title/date", m.title, "file name, hint date");
        else
            pass("prose first paragraph", "title/date");
        zm_hints bad = {NULL, "2022-02-30", NULL};
        zm_extract("一句话。\n", strlen("一句话。\n"), &bad, &m);
        checks++;
        if (m.date[0] || strcmp(m.title, "一句话。"))
            fail("bad date hint, no name", "title/date", m.title, "first line, no date");
        else
            pass("bad date hint, no name", "title/date");
    }
    run_str("man NAME (名称)", "LS(1)\n____\n\n  NAME (名称)：\n\n ls - 列出目录内容\n总览\n", NULL, &e);
    run_str("man NAME[名字]", "LS(1)\nNAME[名字]\nls - 列出目录内容\n", NULL, &e);
    run_str("man 命令名 first", "NAME 命令名\nls - 列出目录内容\n", NULL, &e);
    /* not a heading: a line that only starts with NAME, or prose */
    e.title = "NAMES and more";
    run_str("NAMES", "NAMES and more\nls - x\n", NULL, &e);
    e.title = "名称是什么";
    run_str("名称 in prose", "名称是什么\n名称\n", NULL, &e);
    /* a heading with nothing under it, or another heading: the first line */
    e.title = "LS(1)";
    run_str("NAME at the end", "LS(1)\nNAME\n\n", NULL, &e);
    run_str("NAME then 名称", "LS(1)\nNAME\n名称\nls - x\n", NULL, &e);
    /* a hint still wins */
    e.title = "Page Title";
    run_str("man with hint", "LS(1)\nNAME\nls - x\n", "Page Title", &e);
    e = none;
    run_str("empty", "", NULL, &none);
    run("NULL text", NULL, 0, NULL, &none);
    run_str("blank", " \n\t\n　\n", NULL, &none);
}

static void test_invalid_utf8(void)
{
    expect e = none;
    zm_meta m;

    /* Each bad byte becomes U+FFFD; an overlong '/' and a surrogate too. */
    e.title = "\xEF\xBF\xBD" "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD"
              "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "d";
    run_str("invalid utf8", "\xFF" "a\x80" "b\xC0\xAF" "c\xED\xA0\x80" "d\nx", NULL, &e);
    /* A report cut off inside a character: the tail date is lost, not guessed. */
    const char cut[] = "安岳县人民政府\n关于2023年法治政府建设工作情况的报告\n正文。\n"
                       "安岳县人民政府\n2024年2月1\xE6\x97";
    e = (expect){"安岳县人民政府关于2023年法治政府建设工作情况的报告", "安岳县人民政府", "安岳县",
                 "", "", 2023};
    run("truncated mid-char", cut, sizeof cut - 1, NULL, &e);
    /* Invalid bytes in the hint are replaced too. */
    e = none;
    e.title = "T\xEF\xBF\xBD";
    run_str("invalid hint", "", "T\xE6\x97", &e);
    /* NULL out must not crash. */
    zm_extract("x", 1, NULL, NULL);
    (void)m;
}

static const char head[] = "安岳县人民政府\n\n关于2023年法治政府建设工作情况的报告\n县人大常委会：\n"
                           "2023年，县政府坚持依法行政。2023年5月1日起施行。\n\n安岳县人民政府\n\n";

static void run_tail(const char *name, const char *tail, const char *date)
{
    char text[4096];
    expect e = {"安岳县人民政府关于2023年法治政府建设工作情况的报告", "安岳县人民政府", "安岳县",
                "", date, 2023};

    snprintf(text, sizeof text, "%s%s", head, tail);
    run_str(name, text, NULL, &e);
}

static void test_dates(void)
{
    run_tail("date 年月日", "2024年2月25日", "2024-02-25");
    run_tail("date spaced", " 2024 年 2 月 5 日 \n", "2024-02-05");
    run_tail("date dashes", "2022-03-22", "2022-03-22");
    run_tail("date dots", "2022.3.22", "2022-03-22");
    run_tail("date slashes", "2022/3/22", "2022-03-22");
    run_tail("date full-width digits", "２０２２年３月２２日", "2022-03-22");
    run_tail("date full-width dashes", "２０２２－０３－２２", "2022-03-22");
    run_tail("date chinese numerals", "二〇二二年二月二十五日", "2022-02-25");
    run_tail("date chinese ten", "二〇二二年十月十日", "2022-10-10");
    run_tail("date leap day", "2024年2月29日", "2024-02-29");
    run_tail("date not leap", "2023年2月29日", "");
    run_tail("date month 13", "2022年13月5日", "");
    run_tail("date day 32", "2022-01-32", "");
    run_tail("date damaged 202138", "202138", "");
    run_tail("date truncated", "2022年2月2", "");
    run_tail("date mixed separators", "2022-03/22", "");
    run_tail("date too many digits", "2022-03-221", "");
    run_tail("labelled date", "发布时间：2022年3月22日 10:00\n", "2022-03-22");
    /* the signature wins over the header; a damaged one falls back */
    run_tail("signature over header", "2022年1月5日\n日期:2022-03-22", "2022-01-05");
    run_tail("damaged tail, header", "日期：2022-03-22\n\n202138", "2022-03-22");
    run_tail("stamp", "2022-03-22 09:15 信息来源：司法局", "2022-03-22");
}

static void test_variants(void)
{
    expect e = {"某某县人民政府关于2022年法治政府建设情况的报告", "某某县人民政府", "某某县",
                "某府发〔2023〕12号", "2023-01-05", 2022};

    /* full-width digits and spaces in title, docno and date */
    run_str("full-width",
            "　某府发〔２０２３〕１２号　\n某某县人民政府\n关于　２０２２　年法治政府建设情况的报告\n"
            "正文。\n某某县人民政府\n２０２３年１月５日\n",
            NULL, &e);
    /* a title wrapped mid-phrase, docno with brackets and a 签发人 */
    e.docno = "某府发[2023]12号";
    run_str("wrapped", "某府发 [2023] 12 号　签发人：张三\n\n某某县人民政府关于2022年法治政府\n"
                       "建设情况的报告\n\n正文。\n某某县人民政府\n2023年1月5日",
            NULL, &e);
    /* body document numbers are not the document's own */
    e.docno = "";
    run_str("body docno",
            "某某县人民政府\n关于2022年法治政府建设情况的报告\n印发了（某府办发〔2022〕9号）。\n"
            "某府办发〔2022〕9号文件已执行。\n2023年1月5日",
            NULL, &e);
    /* another issuer: no region is guessed */
    e = (expect){"某某县司法局关于2022年法治政府建设情况的报告", "某某县司法局", "", "", "", 2022};
    run_str("other issuer", "某某县司法局关于2022年法治政府建设情况的报告\n正文。", NULL, &e);
    /* year in Chinese numerals */
    e = (expect){"某某市人民政府关于二〇二二年法治政府建设情况的报告", "某某市人民政府", "某某市",
                 "", "", 2022};
    run_str("cn year", "某某市人民政府关于二〇二二年法治政府建设情况的报告\n", NULL, &e);
    /* a 报告 line after the body started is not a title */
    e = none;
    e.title = "一、基本情况";
    run_str("late 报告", "一、基本情况\n现将有关情况报告如下。\n年度工作报告\n", NULL, &e);
}

/* Long input: fields must fit and end on a character boundary. */
static void test_long(void)
{
    size_t n = 3 * 2000;
    char *text = malloc(n);
    zm_meta m;

    if (!text)
        return;
    for (size_t i = 0; i < n; i += 3)
        memcpy(text + i, "汉", 3);
    zm_extract(text, n, NULL, &m);
    checks++;
    if (strlen(m.title) != (sizeof m.title - 1) / 3 * 3 ||
        !valid_utf8(m.title))
        fail("long line", "title", "wrong length or invalid", "510 bytes of 汉");
    else
        pass("long line", "title");
    /* a long ASCII hint fills the buffer to the last byte */
    memset(text, 'x', n);
    text[n - 1] = '\0';
    zm_hints th = {text, NULL, NULL};
    zm_extract("", 0, &th, &m);
    checks++;
    if (strlen(m.title) != sizeof m.title - 1)
        fail("long hint", "title", "wrong length", "511 bytes");
    else
        pass("long hint", "title");
    free(text);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    test_corpus(argv[1]);
    test_non_reports();
    test_invalid_utf8();
    test_dates();
    test_variants();
    test_long();
    printf("# %d checks, %d failed\n1..%d\n", checks, failures, checks);
    return failures != 0;
}
