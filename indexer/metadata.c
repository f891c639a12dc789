/* metadata.c - report metadata from a document's UTF-8 text.
 *
 * The text is decoded into an array of code points first.  That makes the
 * rest simple and safe: invalid UTF-8 becomes U+FFFD (so every output,
 * which is re-encoded from code points, is valid UTF-8), full-width digits,
 * Latin letters and the many kinds of space are folded (the NFKC subset
 * that matters for matching), and nothing ever reads past `len`.
 *
 * Rules, in the order zm_extract applies them:
 *  - Title: the first line near the top that ends in 报告, plus the lines
 *    before it that carry the rest of a split title (the issuer line before
 *    关于..., or a wrapped line).  Lines are joined and spaces next to CJK
 *    are dropped (关于 2021 年 -> 关于2021年).  No such line: not a report;
 *    the title is the hint or the first non-blank line, and nothing else
 *    is filled in.  A manual page's title is the line under its NAME
 *    heading (ls - 列出目录内容), not the page header above it.
 *  - Year: the 4-digit (or 二〇二一) year directly before 年 in the title.
 *  - Issuer: the title text before 关于 (or before the year).  When that
 *    names a region, not a government (重庆市綦江区2021年度...报告), the
 *    issuer is that region's 人民政府.  Region: the issuer without
 *    人民政府; empty for other issuers (e.g. a 司法局).
 *  - Docno: the first line that is only a document number, 乐中府〔2022〕7号.
 *    Numbers cited in the body sit inside sentences and are ignored.
 *  - Date: the last line that is only a date (the signature block), else a
 *    labelled date (日期:2022-03-22), else a page-header stamp
 *    (2021-03-08 15:38...).  Impossible dates are rejected, so a damaged
 *    signature (202138) falls back to the header.
 */
#include "metadata.h"
#include "normalize.h"
#include "zbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t cp_t;

#define NONE ((size_t)-1)
#define TITLE_MAX_CPS 512 /* at least as many code points as title[] bytes */
#define HEAD_MAX_LINES 40 /* the title is among the first non-blank lines */
#define TITLE_LINE_MAX 80 /* a longer line is prose, not a title */
#define TITLE_PART_MAX 60 /* longest line joined onto a title */
#define TITLE_MAX_PARTS 4
#define BODY_LINE_MIN 100 /* a line this long starts the body */
#define ISSUER_MAX 40
#define DOCNO_PREFIX_MAX 12

typedef struct {
    size_t b, e; /* [b, e) into doc.s, whitespace trimmed */
} span;

typedef struct {
    cp_t *s; /* decoded, folded text; lines end in '\n' */
    size_t n;
    span *ln;
    size_t nl;
} doc;

typedef struct {
    int y, m, d;
} ymd;

/* ---- UTF-8 in and out ------------------------------------------------ */

/* Decode one code point at s[i] (i < len): zbuf.h's decoder. */
static size_t utf8_next(const unsigned char *s, size_t len, size_t i, cp_t *out)
{
    return utf8_decode(s + i, len - i, out);
}

/* Output buffer that only ever holds whole characters plus a NUL. */
typedef struct {
    char *p;
    size_t cap, len;
    int full;
} sbuf;

static void sb_init(sbuf *b, char *p, size_t cap)
{
    b->p = p, b->cap = cap, b->len = 0, b->full = 0;
    p[0] = '\0';
}

static void sb_put(sbuf *b, cp_t c)
{
    unsigned char u[4];
    size_t n;

    if (c < 0x80)
        u[0] = (unsigned char)c, n = 1;
    else if (c < 0x800)
        u[0] = (unsigned char)(0xC0 | c >> 6), n = 2;
    else if (c < 0x10000)
        u[0] = (unsigned char)(0xE0 | c >> 12), n = 3;
    else
        u[0] = (unsigned char)(0xF0 | c >> 18), n = 4;
    for (size_t k = 1; k < n; k++)
        u[k] = (unsigned char)(0x80 | ((c >> (6 * (n - 1 - k))) & 0x3F));
    /* Once a character does not fit, stop: never skip one and go on. */
    if (b->full || b->len + n >= b->cap) {
        b->full = 1;
        return;
    }
    memcpy(b->p + b->len, u, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_cps(sbuf *b, const cp_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_put(b, s[i]);
}

/* Append a UTF-8 literal. */
static void sb_str(sbuf *b, const char *lit)
{
    const unsigned char *p = (const unsigned char *)lit;
    size_t len = strlen(lit), j = 0;

    while (j < len) {
        cp_t c;
        j += utf8_next(p, len, j, &c);
        sb_put(b, c);
    }
}

static void put_cps(char *dst, size_t cap, const cp_t *s, size_t n)
{
    sbuf b;
    sb_init(&b, dst, cap);
    sb_cps(&b, s, n);
}

/* ---- decoding the document ------------------------------------------ */

/* Fold compatibility forms that matter for matching: full-width digits
 * and letters to ASCII, every kind of space and control to ' '.  Returns
 * 0 for invisible characters (BOM, zero-width spaces) to drop them. */
static cp_t fold(cp_t c)
{
    if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
        (c >= 0xFF41 && c <= 0xFF5A))
        return c - 0xFEE0;
    if (c == 0xFEFF || (c >= 0x200B && c <= 0x200D) || c == 0x2060)
        return 0;
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xA0 || c == 0x3000 ||
        (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F)
        return ' ';
    /* Traditional characters as the index sees them (normalize.h), so that
     * a Traditional copy of a report gets the same year, issuer and region. */
    return c >= 0x3400 ? zn_simplify(NULL, c) : c;
}

/* Line ends; a page break of a paged format ends a line too. */
static int is_break(cp_t c)
{
    return c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x85 || c == 0x2028 ||
           c == 0x2029;
}

static cp_t *decode(const char *text, size_t len, size_t *n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, k = 0;
    cp_t *out;

    if (len >= SIZE_MAX / sizeof *out)
        return NULL;
    out = malloc((len + 1) * sizeof *out); /* never more cps than bytes */
    if (!out)
        return NULL;
    while (i < len) {
        cp_t c;
        i += utf8_next(s, len, i, &c);
        if (c == '\r' && i < len && s[i] == '\n')
            continue; /* CRLF: the LF ends the line */
        c = is_break(c) ? '\n' : fold(c);
        if (c)
            out[k++] = c;
    }
    *n = k;
    return out;
}

static int split_lines(doc *d)
{
    size_t count = 1, i, b = 0;

    for (i = 0; i < d->n; i++)
        count += d->s[i] == '\n';
    d->ln = malloc(count * sizeof *d->ln);
    if (!d->ln)
        return 0;
    d->nl = 0;
    for (i = 0; i <= d->n; i++) {
        if (i < d->n && d->s[i] != '\n')
            continue;
        span l = {b, i};
        while (l.b < l.e && d->s[l.b] == ' ')
            l.b++;
        while (l.e > l.b && d->s[l.e - 1] == ' ')
            l.e--;
        d->ln[d->nl++] = l;
        b = i + 1;
    }
    return 1;
}

static int doc_open(doc *d, const char *text, size_t len)
{
    d->ln = NULL;
    d->s = decode(text ? text : "", text ? len : 0, &d->n);
    if (d->s && split_lines(d))
        return 1;
    free(d->s);
    return 0;
}

static void doc_close(doc *d)
{
    free(d->s);
    free(d->ln);
}

/* ---- matching helpers ------------------------------------------------ */

static int is_digit(cp_t c) { return c >= '0' && c <= '9'; }

/* CJK and other wide characters: no spaces are kept next to them. */
static int is_wide(cp_t c) { return c >= 0x2E80; }

static int is_ideograph(cp_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

static size_t skip_sp(const cp_t *s, size_t i, size_t e)
{
    while (i < e && s[i] == ' ')
        i++;
    return i;
}

/* First code point of a UTF-8 literal (for single-character constants). */
static cp_t ch(const char *lit)
{
    cp_t c;
    utf8_next((const unsigned char *)lit, strlen(lit), 0, &c);
    return c;
}

/* Length in code points of `lit` if it occurs at s[i..e), else 0. */
static size_t match(const cp_t *s, size_t i, size_t e, const char *lit)
{
    const unsigned char *p = (const unsigned char *)lit;
    size_t len = strlen(lit), j = 0, k = i;

    while (j < len) {
        cp_t c;
        j += utf8_next(p, len, j, &c);
        if (k >= e || s[k] != c)
            return 0;
        k++;
    }
    return k - i;
}

static size_t find(const cp_t *s, size_t b, size_t e, const char *lit)
{
    for (size_t i = b; i < e; i++)
        if (match(s, i, e, lit))
            return i;
    return NONE;
}

static int ends_with(const cp_t *s, size_t b, size_t e, const char *lit)
{
    for (size_t i = e; i-- > b;)
        if (match(s, i, e, lit) == e - i)
            return 1;
    return 0;
}

static int is_colon(cp_t c) { return c == ':' || c == ch("："); }

static int is_one_of(cp_t c, const char *set)
{
    const unsigned char *p = (const unsigned char *)set;
    size_t len = strlen(set), j = 0;

    while (j < len) {
        cp_t x;
        j += utf8_next(p, len, j, &x);
        if (x == c)
            return 1;
    }
    return 0;
}

/* ---- dates ----------------------------------------------------------- */

static int days_in(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int valid_date(ymd t)
{
    return t.y >= 1900 && t.y <= 2099 && t.m >= 1 && t.m <= 12 && t.d >= 1 &&
           t.d <= days_in(t.y, t.m);
}

/* Read min..max ASCII digits at s[i]; a longer run is no match. */
static size_t digits(const cp_t *s, size_t i, size_t e, size_t min, size_t max, int *v)
{
    size_t j = i;

    *v = 0;
    while (j < e && is_digit(s[j]) && j - i < max)
        *v = *v * 10 + (int)(s[j++] - '0');
    if (j - i < min || (j < e && is_digit(s[j])))
        return NONE;
    return j;
}

/* "<spaces>NN<spaces>unit", as in 2月 or 25 日. */
static size_t num_unit(const cp_t *s, size_t i, size_t e, int *v, const char *unit)
{
    i = digits(s, skip_sp(s, i, e), e, 1, 2, v);
    if (i == NONE)
        return NONE;
    i = skip_sp(s, i, e);
    return match(s, i, e, unit) ? i + 1 : NONE;
}

/* Separator class of 2022-03-22, 2022.3.22, 2022/3/22; 0 if none. */
static int sep_kind(cp_t c)
{
    if (c == '-' || c == ch("－"))
        return 1;
    if (c == '.' || c == ch("．"))
        return 2;
    if (c == '/' || c == ch("／"))
        return 3;
    return 0;
}

static size_t date_arabic(const cp_t *s, size_t i, size_t e, ymd *t)
{
    int sep;

    i = digits(s, i, e, 4, 4, &t->y);
    if (i == NONE)
        return NONE;
    i = skip_sp(s, i, e);
    if (match(s, i, e, "年")) { /* 年 and 月 need their 日: a cut-off 2月2 is no date */
        i = num_unit(s, i + 1, e, &t->m, "月");
        return i == NONE ? NONE : num_unit(s, i, e, &t->d, "日");
    }
    if (i >= e || !(sep = sep_kind(s[i])))
        return NONE;
    i = digits(s, skip_sp(s, i + 1, e), e, 1, 2, &t->m);
    if (i == NONE)
        return NONE;
    i = skip_sp(s, i, e);
    if (i >= e || sep_kind(s[i]) != sep)
        return NONE;
    return digits(s, skip_sp(s, i + 1, e), e, 1, 2, &t->d);
}

/* 〇一二...九 as a digit, -1 otherwise. */
static int cn_digit(cp_t c)
{
    static const char *const d[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (c == ch("○") || c == ch("零") || c == 'O')
        return 0;
    for (int k = 0; k < 10; k++)
        if (c == ch(d[k]))
            return k;
    return -1;
}

/* 二〇二二: four numeral digits. */
static size_t cn_year(const cp_t *s, size_t i, size_t e, int *y)
{
    *y = 0;
    for (size_t k = 0; k < 4; k++, i++) {
        int v = i < e ? cn_digit(s[i]) : -1;
        if (v < 0)
            return NONE;
        *y = *y * 10 + v;
    }
    return i;
}

/* 1..39 written 二, 十, 十二, 二十, 二十五. */
static size_t cn_small(const cp_t *s, size_t i, size_t e, int *v)
{
    int a = i < e ? cn_digit(s[i]) : -1, b = 0;

    if (a > 0)
        i++;
    if (i < e && s[i] == ch("十")) {
        i++;
        if (i < e && cn_digit(s[i]) > 0)
            b = cn_digit(s[i++]);
        *v = (a > 0 ? a : 1) * 10 + b;
        return i;
    }
    *v = a;
    return a > 0 ? i : NONE;
}

static size_t cn_unit(const cp_t *s, size_t i, size_t e, int *v, const char *unit)
{
    i = cn_small(s, skip_sp(s, i, e), e, v);
    if (i == NONE)
        return NONE;
    i = skip_sp(s, i, e);
    return match(s, i, e, unit) ? i + 1 : NONE;
}

static size_t date_cn(const cp_t *s, size_t i, size_t e, ymd *t)
{
    i = cn_year(s, i, e, &t->y);
    if (i == NONE)
        return NONE;
    i = skip_sp(s, i, e);
    if (!match(s, i, e, "年"))
        return NONE;
    i = cn_unit(s, i + 1, e, &t->m, "月");
    return i == NONE ? NONE : cn_unit(s, i, e, &t->d, "日");
}

/* A valid date starting exactly at s[i]; returns the index after it. */
static size_t parse_date(const cp_t *s, size_t i, size_t e, ymd *t)
{
    size_t j = date_arabic(s, i, e, t);

    if (j == NONE)
        j = date_cn(s, i, e, t);
    return j != NONE && valid_date(*t) ? j : NONE;
}

/* An optional " 15:38" or " 15:38:05" after a date. */
static size_t skip_time(const cp_t *s, size_t i, size_t e)
{
    int h, m, sec;
    size_t j = digits(s, skip_sp(s, i, e), e, 1, 2, &h);

    if (j == NONE || j >= e || !is_colon(s[j]))
        return i;
    j = digits(s, j + 1, e, 2, 2, &m);
    if (j == NONE || h > 23 || m > 59)
        return i;
    if (j < e && is_colon(s[j])) {
        size_t k = digits(s, j + 1, e, 2, 2, &sec);
        if (k != NONE && sec <= 59)
            j = k;
    }
    return j;
}

/* 日期:2022-03-22 or 发布时间：2022年3月22日 anywhere in the line. */
static int labelled_date(const cp_t *s, span l, ymd *t)
{
    static const char *const labels[] = {"日期", "发布时间"};

    for (size_t k = 0; k < sizeof labels / sizeof *labels; k++) {
        size_t i = l.b, n;
        while ((i = find(s, i, l.e, labels[k])) != NONE) {
            i += match(s, i, l.e, labels[k]);
            n = skip_sp(s, i, l.e);
            if (n < l.e && is_colon(s[n]))
                n = skip_sp(s, n + 1, l.e);
            if (parse_date(s, n, l.e, t) != NONE)
                return 1;
        }
    }
    return 0;
}

static void put_date(char *dst, ymd t)
{
    int v[3] = {t.y, t.m, t.d}, w[3] = {4, 2, 2};
    char *p = dst;

    for (int k = 0; k < 3; k++) {
        for (int j = w[k]; j-- > 0;)
            p[j] = (char)('0' + v[k] % 10), v[k] /= 10;
        p += w[k];
        *p++ = k < 2 ? '-' : '\0';
    }
}

/* Signature-block date (last line that is only a date) beats a labelled
 * date, which beats a header stamp (date + time at a line's start). */
static void find_date(const doc *d, char *dst)
{
    ymd t, sig = {0, 0, 0}, lab = sig, stamp = sig;

    for (size_t i = 0; i < d->nl; i++) {
        span l = d->ln[i];
        size_t j = parse_date(d->s, l.b, l.e, &t);
        if (j != NONE) {
            size_t k = skip_time(d->s, j, l.e);
            if (skip_sp(d->s, k, l.e) == l.e)
                sig = t;
            else if (k != j && !stamp.y)
                stamp = t;
        }
        if (!lab.y && labelled_date(d->s, l, &t))
            lab = t;
    }
    if (sig.y)
        put_date(dst, sig);
    else if (lab.y)
        put_date(dst, lab);
    else if (stamp.y)
        put_date(dst, stamp);
}

/* ---- document number ------------------------------------------------- */

typedef struct {
    size_t pre_b, pre_e, year, num_b, num_e; /* positions in the text */
    cp_t open, close;
} docno;

static size_t docno_label(const cp_t *s, size_t i, size_t e)
{
    static const char *const labels[] = {"发文字号", "文号"};

    for (size_t k = 0; k < 2; k++) {
        size_t n = match(s, i, e, labels[k]);
        if (n) {
            i = skip_sp(s, i + n, e);
            return i < e && is_colon(s[i]) ? skip_sp(s, i + 1, e) : i;
        }
    }
    return i;
}

/* A line that is only a document number: 乐中府〔2022〕7号, optionally
 * labelled (文号：) or followed by the 签发人 of a report to a superior. */
static int parse_docno(const cp_t *s, span l, docno *o)
{
    size_t i = docno_label(s, l.b, l.e), e = l.e;
    int v;

    o->pre_b = i;
    while (i < e && is_ideograph(s[i]) && i - o->pre_b < DOCNO_PREFIX_MAX)
        i++;
    o->pre_e = i;
    i = skip_sp(s, i, e);
    if (o->pre_e == o->pre_b || i >= e || !is_one_of(s[i], "〔[（(【［〖"))
        return 0;
    o->open = s[i];
    o->year = skip_sp(s, i + 1, e);
    i = digits(s, o->year, e, 4, 4, &v);
    if (i == NONE || (i = skip_sp(s, i, e)) >= e || !is_one_of(s[i], "〕]）)】］〗"))
        return 0;
    o->close = s[i];
    o->num_b = skip_sp(s, i + 1, e);
    o->num_e = digits(s, o->num_b, e, 1, 6, &v);
    if (o->num_e == NONE)
        return 0;
    i = skip_sp(s, o->num_e, e);
    if (!match(s, i, e, "号"))
        return 0;
    i = skip_sp(s, i + 1, e);
    return i == e || match(s, i, e, "签发人");
}

static void find_docno(const doc *d, char *dst, size_t cap)
{
    docno o;
    sbuf b;

    for (size_t i = 0; i < d->nl; i++) {
        if (!parse_docno(d->s, d->ln[i], &o))
            continue;
        sb_init(&b, dst, cap);
        sb_cps(&b, d->s + o.pre_b, o.pre_e - o.pre_b);
        sb_put(&b, o.open);
        sb_cps(&b, d->s + o.year, 4);
        sb_put(&b, o.close);
        sb_cps(&b, d->s + o.num_b, o.num_e - o.num_b);
        sb_put(&b, ch("号"));
        return;
    }
}

/* ---- title ----------------------------------------------------------- */

static size_t span_len(span l) { return l.e - l.b; }

/* Portal chrome, in case the caller has not stripped it. */
static int is_chrome(const cp_t *s, span l)
{
    static const char *const marks[] = {"您当前的位置", "当前位置", "中国政府网",
                                        "【字体", "阅读次数", "信息来源"};

    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
        if (find(s, l.b, l.e, marks[k]) != NONE)
            return 1;
    return 0;
}

/* Lines that can never be part of a title: chrome, navigation trails
 * (首页>...>报告), dates, document numbers, sentences. */
static int is_not_title(const doc *d, span l)
{
    const cp_t *s = d->s;
    docno o;
    ymd t;

    if (l.b == l.e || is_chrome(s, l) || parse_docno(s, l, &o) ||
        parse_date(s, l.b, l.e, &t) != NONE)
        return 1;
    for (size_t i = l.b; i < l.e; i++)
        if (is_one_of(s[i], ">|›»"))
            return 1;
    return is_one_of(s[l.e - 1], "。：:；;，,！!？?");
}

static int is_title_end(const doc *d, span l)
{
    return span_len(l) <= TITLE_LINE_MAX && ends_with(d->s, l.b, l.e, "报告") &&
           !is_not_title(d, l);
}

/* The start of a wrapped title: it names a year or a government. */
static int is_title_head(const cp_t *s, span l)
{
    return find(s, l.b, l.e, "年") != NONE || ends_with(s, l.b, l.e, "政府");
}

/* Extend the title ending at line `last` backwards.  Returns 1 to keep
 * going, 0 to stop after this line, -1 to not take it. */
static int joins(const doc *d, size_t prev, size_t first)
{
    span p = d->ln[prev], c = d->ln[first];
    const cp_t *s = d->s;

    if (span_len(p) > TITLE_PART_MAX || is_not_title(d, p))
        return -1;
    if (match(s, c.b, c.e, "关于") || ends_with(s, p.b, p.e, "关于"))
        return 0; /* 江油市人民政府 / 关于...的报告: the issuer line */
    if (prev + 1 != first)
        return -1; /* other pieces of a wrapped title are adjacent */
    if (find(s, p.b, p.e, "关于") != NONE)
        return 0;
    return is_title_head(s, p) ? 1 : -1;
}

static size_t prev_nonblank(const doc *d, size_t i)
{
    while (i-- > 0)
        if (d->ln[i].b != d->ln[i].e)
            return i;
    return NONE;
}

/* The title's lines, in order; 0 if the document has no report title. */
static size_t find_title(const doc *d, span *parts)
{
    size_t i, seen = 0, first, n = 1, p;
    int how;

    for (i = 0;; i++) {
        if (i >= d->nl || seen >= HEAD_MAX_LINES)
            return 0;
        span l = d->ln[i];
        if (l.b == l.e)
            continue;
        seen++;
        if (is_title_end(d, l))
            break;
        if (!is_chrome(d->s, l) &&
            (span_len(l) >= BODY_LINE_MIN || d->s[l.e - 1] == ch("。")))
            return 0; /* the body started: no title above it */
    }
    first = i;
    while (n < TITLE_MAX_PARTS && (p = prev_nonblank(d, first)) != NONE &&
           (how = joins(d, p, first)) >= 0) {
        first = p, n++;
        if (how == 0)
            break;
    }
    for (n = 0; first <= i; first++)
        if (d->ln[first].b != d->ln[first].e)
            parts[n++] = d->ln[first];
    return n;
}

/* Join lines, dropping whitespace next to CJK (关于 2021 年 -> 关于2021年)
 * and collapsing other whitespace runs to one space. */
static size_t norm_join(const cp_t *s, const span *parts, size_t np, cp_t *out, size_t cap)
{
    size_t k = 0;
    int gap = 0;

    for (size_t p = 0; p < np; p++, gap = 1) {
        for (size_t i = parts[p].b; i < parts[p].e && k < cap; i++) {
            if (s[i] == ' ') {
                gap = 1;
                continue;
            }
            if (gap && k > 0 && !is_wide(out[k - 1]) && !is_wide(s[i]) && k < cap - 1)
                out[k++] = ' ';
            gap = 0;
            out[k++] = s[i];
        }
    }
    return k;
}

/* The year the report covers: 2021 in ...关于2021年... (or 二〇二一年).
 * *at receives where the year starts. */
static int title_year(const cp_t *t, size_t n, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        int y = 0;
        size_t j = NONE;
        if (i == 0 || !is_digit(t[i - 1]))
            j = digits(t, i, n, 4, 4, &y);
        if (j == NONE)
            j = cn_year(t, i, n, &y);
        if (j != NONE && match(t, j, n, "年") && y >= 1900 && y <= 2099) {
            *at = i;
            return y;
        }
    }
    *at = NONE;
    return 0;
}

static int is_division(cp_t c) { return is_one_of(c, "省市区县州旗盟乡镇"); }

/* Issuer and region from the title text before 关于 (or the year). */
static void issuer_region(const cp_t *t, size_t n, size_t year_at, zm_meta *out)
{
    size_t end = find(t, 0, n, "关于"), gov;
    sbuf b;

    if (end == NONE)
        end = year_at;
    if (end == NONE || end < 2 || end > ISSUER_MAX)
        return;
    for (size_t i = 0; i < end; i++)
        if (!is_ideograph(t[i]))
            return;
    gov = find(t, 0, end, "人民政府");
    if (gov != NONE && gov > 0) {
        put_cps(out->issuer, sizeof out->issuer, t, end);
        put_cps(out->region, sizeof out->region, t, gov);
    } else if (is_division(t[end - 1])) {
        /* The title names a region: its government issued the report. */
        put_cps(out->region, sizeof out->region, t, end);
        sb_init(&b, out->issuer, sizeof out->issuer);
        sb_cps(&b, t, end);
        sb_str(&b, "人民政府");
    } else {
        put_cps(out->issuer, sizeof out->issuer, t, end);
    }
}

static void report(const doc *d, const span *parts, size_t np, zm_meta *out)
{
    cp_t t[TITLE_MAX_CPS];
    size_t n = norm_join(d->s, parts, np, t, TITLE_MAX_CPS), year_at;

    put_cps(out->title, sizeof out->title, t, n);
    out->year = title_year(t, n, &year_at);
    issuer_region(t, n, year_at, out);
    find_docno(d, out->docno, sizeof out->docno);
    find_date(d, out->date);
}

/* A heading that says the next line names the document: a manual page's
 * NAME section, in its English and Chinese forms and their combinations
 * (NAME, 名称, NAME (名称), NAME[名字], 命令名, ...). */
static int is_name_heading(const cp_t *s, span l)
{
    static const char *const words[] = {"NAME", "名称", "名字", "名 称", "命令名"};
    int seen = 0;

    for (size_t i = l.b; i < l.e;) {
        size_t k = 0;
        if (s[i] == ' ' || is_colon(s[i]) || is_one_of(s[i], "()（）[]【】")) {
            i++;
            continue;
        }
        for (size_t w = 0; !k && w < sizeof words / sizeof *words; w++)
            k = match(s, i, l.e, words[w]);
        if (!k)
            return 0;
        i += k;
        seen = 1;
    }
    return seen;
}

/* The line after a NAME heading near the top ("ls - 列出目录内容"), which
 * names the document better than a page header above it ("LS(1) User
 * Commands LS(1)").  NONE when there is no such heading. */
static size_t named_line(const doc *d)
{
    size_t seen = 0;

    for (size_t i = 0; i < d->nl && seen < HEAD_MAX_LINES; i++) {
        if (d->ln[i].b == d->ln[i].e)
            continue;
        seen++;
        if (!is_name_heading(d->s, d->ln[i]))
            continue;
        for (size_t j = i + 1; j < d->nl; j++)
            if (d->ln[j].b != d->ln[j].e)
                return is_name_heading(d->s, d->ln[j]) ? NONE : j;
        return NONE;
    }
    return NONE;
}

/* A non-report's title: the line a NAME heading introduces, else the
 * first non-blank line that is not chrome (or the first non-blank line if
 * all are).  0 if there is none. */
/* A line that reads as a sentence of prose, not a name: longer than a
 * title line, or ended by a full stop, exclamation or question mark. */
static int is_prose(const cp_t *s, span l)
{
    if (l.e - l.b > TITLE_LINE_MAX)
        return 1;
    return l.e > l.b && is_one_of(s[l.e - 1], "。！？!?");
}

/* The title of a document that is not a report: the line its NAME heading
 * introduces, else the first line near the top that is neither chrome nor
 * prose.  With `any`, the first non-blank line whatever it is (the last
 * resort when there is no file name either). */
static int first_line_title(const doc *d, int any, zm_meta *out)
{
    cp_t t[TITLE_MAX_CPS];
    size_t named = named_line(d), pick = NONE, n, seen = 0;

    for (size_t i = 0; named == NONE && i < d->nl && seen < HEAD_MAX_LINES; i++) {
        if (d->ln[i].b == d->ln[i].e)
            continue;
        seen++;
        if (any && pick == NONE)
            pick = i;
        if (!is_chrome(d->s, d->ln[i]) && !is_prose(d->s, d->ln[i])) {
            pick = i;
            break;
        }
    }
    if (named != NONE)
        pick = named;
    if (pick == NONE)
        return 0;
    n = norm_join(d->s, &d->ln[pick], 1, t, TITLE_MAX_CPS);
    put_cps(out->title, sizeof out->title, t, n);
    return 1;
}

static int hint_title(const char *hint, zm_meta *out)
{
    doc h;
    int ok;

    if (!hint || !doc_open(&h, hint, strlen(hint)))
        return 0;
    ok = first_line_title(&h, 1, out);
    doc_close(&h);
    return ok;
}

/* A date hint: exactly YYYY-MM-DD and a real day. */
static int valid_iso_date(const char *h)
{
    ymd t;
    if (strlen(h) != 10 || h[4] != '-' || h[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (h[i] < '0' || h[i] > '9'))
            return 0;
    t.y = atoi(h), t.m = atoi(h + 5), t.d = atoi(h + 8);
    return valid_date(t);
}

/* The file name without its directory and extension (2021年报告.pdf ->
 * 2021年报告): the title of a document that names itself nowhere. */
static int name_title(const char *path, zm_meta *out)
{
    if (!path || !*path)
        return 0;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    doc h;
    if (!n || !doc_open(&h, base, n))
        return 0;
    int ok = first_line_title(&h, 1, out);
    doc_close(&h);
    return ok;
}

void zm_extract(const char *text, size_t len, const zm_hints *hints, zm_meta *out)
{
    const char *title_hint = hints ? hints->title : NULL;
    span parts[TITLE_MAX_PARTS];
    size_t np = 0;
    doc d;
    int opened;

    if (!out)
        return;
    memset(out, 0, sizeof *out);
    opened = doc_open(&d, text, len);
    if (opened)
        np = find_title(&d, parts);
    if (np)
        report(&d, parts, np, out);
    else if (!hint_title(title_hint, out) && !(opened && first_line_title(&d, 0, out)) &&
             !name_title(hints ? hints->name : NULL, out) && opened)
        first_line_title(&d, 1, out);
    if (!out->date[0] && hints && hints->date && valid_iso_date(hints->date))
        memcpy(out->date, hints->date, sizeof out->date);
    if (opened)
        doc_close(&d);
}
