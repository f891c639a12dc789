/* qparse.c - recursive-descent parser for the language in qparse.h,
 * compiling straight to Xapian queries through the term scheme. */
#include "qparse.h"
#include "normalize.h"
#include "terms.h"
#include "zbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum tk {
    TK_END,
    TK_WORD,   /* text, possibly field:value */
    TK_PHRASE, /* "..." */
    TK_LPAREN,
    TK_RPAREN,
    TK_OR,
    TK_AND,
    TK_NOT,
    TK_MINUS
} tk;

typedef struct parser {
    za_analyzer *a;
    const char *s;
    size_t len, at;     /* input and cursor (bytes) */
    tk tok;
    size_t tstart;      /* token start (bytes), for messages */
    zbuf text;          /* token text */
    int depth;
    zq_parsed *out;
    zerr *e;            /* never NULL */
    zerr_code failed;   /* set once an error is recorded */
    /* The last unary term, when it was a positive body text atom: its first
     * character term and length, for the proximity bonus. */
    int near_ok;
    char near_term[ZA_MAX_TOKEN + 4];
    size_t near_len;
    unsigned near_chars;
    unsigned leaves;    /* text atoms and ranges parsed */
    int one_term;       /* the last text atom matches through one term */
    unsigned chars;     /* characters in all text atoms so far */
    zbuf norm;          /* the normalized query, token by token */
    tk norm_last;       /* the last token added to it (TK_END: none yet) */
} parser;

#define MAX_DEPTH 64

static size_t column(const parser *p, size_t byte)
{
    size_t col = 1;
    for (size_t i = 0; i < byte && i < p->len; i++)
        if (((unsigned char)p->s[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static zx_query *fail(parser *p, zerr_code code, size_t at, const char *fmt, ...)
{
    if (!p->failed) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        msg[utf8_complete(msg, strlen(msg))] = 0;
        if (code == ZERR_SYNTAX)
            zerr_set(p->e, code, "query syntax error at column %zu: %s", column(p, at), msg);
        else if (code == ZERR_QUERY_LIMIT)
            zerr_set(p->e, code, "query too large at column %zu: %s", column(p, at), msg);
        else
            zerr_set(p->e, code, "%s", msg);
        /* a message cut to fit must still be valid UTF-8 */
        p->e->msg[utf8_complete(p->e->msg, strlen(p->e->msg))] = 0;
        p->failed = code;
    }
    return NULL;
}

/* Punctuation with a meaning, in ASCII and full-width forms. */
static size_t match_sym(const char *s, size_t n, const char *sym)
{
    size_t k = strlen(sym);
    return n >= k && memcmp(s, sym, k) == 0 ? k : 0;
}

static size_t is_lparen(const char *s, size_t n) { return match_sym(s, n, "(") + match_sym(s, n, "（"); }
static size_t is_rparen(const char *s, size_t n) { return match_sym(s, n, ")") + match_sym(s, n, "）"); }
static size_t is_quote_open(const char *s, size_t n) { return match_sym(s, n, "\"") + match_sym(s, n, "“"); }
static size_t is_quote_close(const char *s, size_t n) { return match_sym(s, n, "\"") + match_sym(s, n, "”"); }
static size_t is_space(const char *s, size_t n)
{
    if (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f' || s[0] == '\v'))
        return 1;
    return match_sym(s, n, "\xE3\x80\x80"); /* ideographic space */
}

static void scan(parser *p)
{
    const char *s = p->s;
    size_t n = p->len, k;
    while (p->at < n && (k = is_space(s + p->at, n - p->at)))
        p->at += k;
    p->tstart = p->at;
    zbuf_clear(&p->text);
    if (p->at >= n) {
        p->tok = TK_END;
        return;
    }
    if ((k = is_lparen(s + p->at, n - p->at))) {
        p->at += k;
        p->tok = TK_LPAREN;
        return;
    }
    if ((k = is_rparen(s + p->at, n - p->at))) {
        p->at += k;
        p->tok = TK_RPAREN;
        return;
    }
    if ((k = is_quote_open(s + p->at, n - p->at))) {
        size_t start = p->at;
        p->at += k;
        while (p->at < n && !(k = is_quote_close(s + p->at, n - p->at)))
            p->at++;
        if (p->at >= n) {
            fail(p, ZERR_SYNTAX, start, "unbalanced quote");
            p->tok = TK_END;
            return;
        }
        zbuf_add(&p->text, s + start + is_quote_open(s + start, n - start),
                 p->at - start - is_quote_open(s + start, n - start));
        p->at += k;
        p->tok = TK_PHRASE;
        return;
    }
    if (s[p->at] == '-' && p->at + 1 < n && !is_space(s + p->at + 1, n - p->at - 1)) {
        p->at++;
        p->tok = TK_MINUS;
        return;
    }
    /* A word runs to whitespace, a parenthesis or a quote; a field value
     * may be quoted: title:"行政 复议". */
    size_t start = p->at;
    while (p->at < n && !is_space(s + p->at, n - p->at) && !is_lparen(s + p->at, n - p->at) &&
           !is_rparen(s + p->at, n - p->at) && !is_quote_open(s + p->at, n - p->at))
        p->at++;
    zbuf_add(&p->text, s + start, p->at - start);
    if (p->at < n && (k = is_quote_open(s + p->at, n - p->at)) && p->text.len &&
        p->text.data[p->text.len - 1] == ':') {
        size_t q = p->at;
        p->at += k;
        while (p->at < n && !(k = is_quote_close(s + p->at, n - p->at)))
            p->at++;
        if (p->at >= n) {
            fail(p, ZERR_SYNTAX, q, "unbalanced quote");
            p->tok = TK_END;
            return;
        }
        size_t qo = is_quote_open(s + q, n - q);
        zbuf_add(&p->text, s + q + qo, p->at - q - qo);
        p->at += k;
    }
    p->tok = strcmp(p->text.data, "OR") == 0    ? TK_OR
             : strcmp(p->text.data, "AND") == 0 ? TK_AND
             : strcmp(p->text.data, "NOT") == 0 ? TK_NOT
                                                : TK_WORD;
}

static int split_field(char *w, char **value);

/* Characters with a meaning to the tokenizer anywhere in a word. */
static int has_syntax(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_space(s + i, n - i) || is_lparen(s + i, n - i) || is_rparen(s + i, n - i) ||
            is_quote_open(s + i, n - i) || is_quote_close(s + i, n - i))
            return 1;
    return 0;
}

/* `t` as a text atom of the normalized query: bare when it scans back as
 * the same plain word, else quoted (a phrase is the same text query), else
 * NULL: the caller keeps the token as typed. */
static int add_norm_text(zbuf *b, const char *t, size_t n, int bare_ok)
{
    if (bare_ok && n && !has_syntax(t, n) && t[0] != '-' && strcmp(t, "OR") && strcmp(t, "AND") &&
        strcmp(t, "NOT")) {
        char *w = strndup(t, n), *v;
        if (!w)
            return -1;
        int field = split_field(w, &v);
        free(w);
        if (!field)
            return zbuf_add(b, t, n) ? -1 : 1;
    }
    for (size_t i = 0; i < n; i++)
        if (is_quote_close(t + i, n - i))
            return 0;
    if (zbuf_addc(b, '"') || zbuf_add(b, t, n) || zbuf_addc(b, '"'))
        return -1;
    return 1;
}

/* Append the token just scanned to the normalized query: operators,
 * parentheses, field names and ranges as typed (NFKC case folding would
 * turn NOT into the word "not"), text normalized, so that the result
 * parses into the same query. */
static int add_norm(parser *p)
{
    zbuf *b = &p->norm;
    const char *raw = p->s + p->tstart;
    size_t rawlen = p->at - p->tstart;
    if (p->tok == TK_END)
        return 0;
    if (p->tok != TK_RPAREN && p->norm_last != TK_END && p->norm_last != TK_LPAREN &&
        p->norm_last != TK_MINUS && zbuf_addc(b, ' '))
        return -1;
    p->norm_last = p->tok;
    switch (p->tok) {
    case TK_LPAREN: return zbuf_addc(b, '(');
    case TK_RPAREN: return zbuf_addc(b, ')');
    case TK_OR: return zbuf_adds(b, "OR");
    case TK_AND: return zbuf_adds(b, "AND");
    case TK_NOT: return zbuf_adds(b, "NOT");
    case TK_MINUS: return zbuf_addc(b, '-');
    default: break;
    }
    char *w = strdup(p->text.data), *v = NULL, *n = NULL;
    int rc = -1;
    if (!w)
        return -1;
    int field = p->tok == TK_WORD && split_field(w, &v);
    const char *text = field ? v : w;
    const zt_field *f = field ? zt_field_named(w) : NULL;
    if (field && ((f && (f->flags & ZT_F_RANGE)) || !*v)) {
        rc = zbuf_add(b, raw, rawlen); /* digits and dots, checked as typed */
        goto done;
    }
    size_t nlen;
    n = zn_normalize_utf8(za_normalizer(p->a), text, strlen(text), &nlen);
    if (!n)
        goto done;
    size_t mark = b->len;
    if (field && (zbuf_adds(b, w) || zbuf_addc(b, ':')))
        goto done;
    rc = add_norm_text(b, n, nlen, p->tok == TK_WORD);
    if (rc == 0) { /* cannot be written otherwise: as typed */
        b->len = mark;
        rc = zbuf_add(b, raw, rawlen);
    } else if (rc == 1) {
        rc = 0;
    }
done:
    free(w);
    free(n);
    return rc ? -1 : 0;
}

static void next(parser *p)
{
    scan(p);
    if (!p->failed && add_norm(p))
        fail(p, ZERR_NOMEM, p->tstart, "out of memory");
}

static int add_atom(parser *p, const char *text, const zt_field *f, int negated)
{
    zq_parsed *o = p->out;
    zq_atom *v = realloc(o->atoms, (o->natoms + 1) * sizeof *v);
    if (!v)
        return -1;
    o->atoms = v;
    v[o->natoms].text = strdup(text);
    if (!v[o->natoms].text)
        return -1;
    v[o->natoms].field = f ? ZQ_FIELD : ZQ_BODY;
    v[o->natoms].f = f;
    v[o->natoms].negated = negated;
    o->natoms++;
    return 0;
}

/* Text in the body (f NULL) or a text field: the exact query with its
 * word ranking; in an exact field, the query of its parts. */
static zx_query *text_query(parser *p, const char *text, const zt_field *f, int negated, size_t at)
{
    zt_query q;
    if (p->leaves >= ZQ_MAX_TERMS)
        return fail(p, ZERR_QUERY_LIMIT, at, "more than %d words, phrases and fields (the limit)", ZQ_MAX_TERMS);
    int rc = f && (f->flags & ZT_F_EXACT)
                 ? zt_build_exact_query(p->a, f->prefix, text, strlen(text), &q)
                 : zt_build_query(p->a, f ? f->prefix : ZT_FIELD_BODY, text, strlen(text), &q);
    if (rc)
        return fail(p, ZERR_NOMEM, at, "out of memory");
    if (q.match && q.nchars > ZQ_MAX_CHARS) {
        zt_query_clear(&q);
        size_t n = utf8_clip(text, strlen(text), 40);
        return fail(p, ZERR_QUERY_LIMIT, at, "'%.*s…' has more than %d characters (the limit for a word or phrase)",
                    (int)n, text, ZQ_MAX_CHARS);
    }
    if (q.match && (p->chars += q.nchars) > ZQ_MAX_TOTAL_CHARS) {
        zt_query_clear(&q);
        return fail(p, ZERR_QUERY_LIMIT, at, "more than %d characters in all words and phrases (the limit)",
                    ZQ_MAX_TOTAL_CHARS);
    }
    if (!q.match) {
        zt_query_clear(&q);
        /* quote at most 40 bytes of it, cut on a character boundary */
        size_t n = utf8_clip(text, strlen(text), 40);
        return fail(p, ZERR_SYNTAX, at, "'%.*s%s' has nothing searchable (only punctuation or symbols)",
                    (int)n, text, text[n] ? "…" : "");
    }
    zx_query *r = zx_q_copy(q.both);
    p->leaves++;
    p->one_term = q.one_term && !negated;
    if (!f && !negated && q.firstlen) {
        p->near_ok = 1;
        memcpy(p->near_term, q.first, q.firstlen);
        p->near_len = q.firstlen;
        p->near_chars = q.nchars;
    }
    zt_query_clear(&q);
    if (!r || add_atom(p, text, f, negated))
        return fail(p, ZERR_NOMEM, at, "out of memory");
    return r;
}

static int valid_year(const char *s, size_t n)
{
    if (n != 4)
        return 0;
    for (size_t i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num2(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int valid_date(const char *s, size_t n)
{
    /* YYYY, YYYY-MM or YYYY-MM-DD, a real month and day of that month */
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (n != 4 && n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    if (n == 4)
        return 1;
    int month = num2(s + 5);
    if (month < 1 || month > 12)
        return 0;
    if (n == 7)
        return 1;
    int year = atoi(s), day = num2(s + 8);
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day >= 1 && day <= (month == 2 && !leap ? 28 : mdays[month - 1]);
}

/* year:2021, year:2019..2022, year:..2020, year:2020..; date likewise: a
 * number field holds years, another range field dates. */
static zx_query *range_query(parser *p, const zt_field *f, const char *v, size_t at)
{
    int is_year = (f->flags & ZT_F_NUMBER) != 0;
    const char *dots = strstr(v, "..");
    char lo[16] = "", hi[16] = "";
    size_t nlo = dots ? (size_t)(dots - v) : strlen(v);
    size_t nhi = dots ? strlen(dots + 2) : 0;
    int (*ok)(const char *, size_t) = is_year ? valid_year : valid_date;
    if (p->leaves >= ZQ_MAX_TERMS)
        return fail(p, ZERR_QUERY_LIMIT, at, "more than %d words, phrases and fields (the limit)", ZQ_MAX_TERMS);
    const char *what = is_year ? "a year like 2021 or a range like 2019..2022"
                               : "a real date like 2022-02-25 (or 2022-02, 2022) or a range a..b";
    if ((!dots && !ok(v, nlo)) || (dots && (!nlo && !nhi)) || (nlo && !ok(v, nlo)) ||
        (nhi && !ok(dots + 2, nhi)))
        return fail(p, ZERR_SYNTAX, at, "%s: expected %s", f->name, what);
    memcpy(lo, v, nlo);
    if (dots)
        memcpy(hi, dots + 2, nhi);
    if (!is_year) {
        /* Partial dates cover their whole month or year. */
        if (nlo && nlo < 10)
            strcat(lo, nlo == 4 ? "-00-00" : "-00");
        const char *src = dots ? hi : lo;
        size_t n = dots ? nhi : nlo;
        if (n && n < 10) {
            char tmp[16];
            snprintf(tmp, sizeof tmp, "%.*s%s", (int)n, dots ? hi : v, n == 4 ? "-99-99" : "-99");
            memcpy(hi, tmp, sizeof hi);
        } else if (!dots) {
            memcpy(hi, src, n + 1);
        }
    } else if (!dots) {
        memcpy(hi, lo, sizeof hi);
    }
    if (nlo && hi[0] && strcmp(lo, hi) > 0 && dots)
        return fail(p, ZERR_SYNTAX, at, "%s range %s is empty (start after end)", f->name, v);
    zx_query *q = zx_q_value_range((unsigned)f->slot, lo[0] ? lo : NULL, hi[0] ? hi : NULL);
    p->leaves++;
    return q ? q : fail(p, ZERR_NOMEM, at, "out of memory");
}

static zx_query *field_query(parser *p, const char *name, const char *v, int negated, size_t at)
{
    const zt_field *f = zt_field_named(name);
    if (!*v)
        return fail(p, ZERR_SYNTAX, at, "%s: has no value", name);
    if (f && (f->flags & ZT_F_RANGE))
        return range_query(p, f, v, at);
    if (f && (f->flags & (ZT_F_TEXT | ZT_F_EXACT)))
        return text_query(p, v, f, negated, at);
    char list[200] = "";
    for (unsigned i = 0; i < zt_nfields; i++)
        if (zt_fields[i].flags & (ZT_F_TEXT | ZT_F_EXACT | ZT_F_RANGE))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? ", " : "",
                     zt_fields[i].name);
    return fail(p, ZERR_SYNTAX, at, "%s field '%s' (fields: %s)", f ? "unsearchable" : "unknown",
                name, list);
}

/* A field name is ASCII letters before the first colon; a URL
 * (scheme://...) is text, not a field. */
static int split_field(char *w, char **value)
{
    char *c = strchr(w, ':');
    if (!c || c == w || strncmp(c + 1, "//", 2) == 0)
        return 0;
    for (char *x = w; x < c; x++)
        if (!((*x >= 'a' && *x <= 'z') || (*x >= 'A' && *x <= 'Z')))
            return 0;
    *c = 0;
    *value = c + 1;
    return 1;
}

static zx_query *parse_or(parser *p, int negated);

static zx_query *parse_unary(parser *p, int negated, int *is_not)
{
    *is_not = 0;
    p->near_ok = 0;
    size_t at = p->tstart;
    if (p->tok == TK_NOT || p->tok == TK_MINUS) {
        if (++p->depth > MAX_DEPTH)
            return fail(p, ZERR_SYNTAX, at, "too many NOT or - in a row");
        next(p);
        if (p->tok == TK_END || p->tok == TK_RPAREN || p->tok == TK_OR)
            return fail(p, ZERR_SYNTAX, at, "NOT or - needs something to exclude");
        int inner;
        zx_query *q = parse_unary(p, !negated, &inner);
        if (q && inner) {
            zx_q_free(q);
            return fail(p, ZERR_SYNTAX, at, "double negation");
        }
        *is_not = 1;
        p->depth--;
        return q;
    }
    if (p->tok == TK_LPAREN) {
        if (++p->depth > MAX_DEPTH)
            return fail(p, ZERR_SYNTAX, at, "parentheses nested too deeply");
        next(p);
        if (p->tok == TK_RPAREN)
            return fail(p, ZERR_SYNTAX, at, "empty parentheses");
        zx_query *q = parse_or(p, negated);
        if (!q)
            return NULL;
        if (p->tok != TK_RPAREN) {
            zx_q_free(q);
            return fail(p, ZERR_SYNTAX, at, "unbalanced parenthesis: '(' is never closed");
        }
        p->depth--;
        p->near_ok = 0; /* a group is not one atom */
        next(p);
        return q;
    }
    if (p->tok == TK_PHRASE) {
        char *t = strdup(p->text.data);
        if (!t)
            return fail(p, ZERR_NOMEM, at, "out of memory");
        next(p);
        zx_query *q = p->failed ? NULL : text_query(p, t, NULL, negated, at);
        free(t);
        return q;
    }
    if (p->tok == TK_WORD) {
        char *w = strdup(p->text.data), *v;
        if (!w)
            return fail(p, ZERR_NOMEM, at, "out of memory");
        next(p);
        zx_query *q = NULL;
        if (!p->failed)
            q = split_field(w, &v) ? field_query(p, w, v, negated, at) : text_query(p, w, NULL, negated, at);
        free(w);
        return q;
    }
    if (p->tok == TK_RPAREN)
        return fail(p, ZERR_SYNTAX, at, "unbalanced parenthesis: ')' without '('");
    if (p->tok == TK_END)
        return fail(p, ZERR_SYNTAX, at, "query ends where a term was expected");
    return fail(p, ZERR_SYNTAX, at, "%s where a term was expected",
                p->tok == TK_OR ? "OR" : p->tok == TK_AND ? "AND" : "operator");
}

static void free_list(zx_query **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        zx_q_free(v[i]);
    free(v);
}

/* Implicit or explicit AND of unary terms; NOT terms are subtracted. */
/* Documents where the atoms of an AND stand close together rank higher:
 * a NEAR over each atom's first character, wide enough for all of them. */
static zx_query *near_bonus(zx_query *base, zx_query **near, size_t n, unsigned chars)
{
    if (!base || n < 2 || n > 16)
        return base;
    zx_query *nq = zx_q_combine(ZX_OP_NEAR, near, n, chars + 4 * (unsigned)n);
    zx_query *scaled = zx_q_scale(nq, ZT_NEAR_SCALE);
    zx_query *pair[2] = {base, scaled};
    zx_query *r = scaled ? zx_q_combine(ZX_OP_AND_MAYBE, pair, 2, 0) : NULL;
    zx_q_free(nq);
    zx_q_free(scaled);
    zx_q_free(base);
    return r;
}

static zx_query *parse_and(parser *p, int negated)
{
    zx_query **pos = NULL, **neg = NULL, *near[16];
    size_t npos = 0, nneg = 0, nnear = 0;
    unsigned near_chars = 0;
    zx_query *r = NULL;
    for (;;) {
        if (p->tok == TK_AND) {
            size_t at = p->tstart;
            next(p);
            if (npos + nneg == 0 || p->tok == TK_END || p->tok == TK_RPAREN || p->tok == TK_OR) {
                fail(p, ZERR_SYNTAX, at, "AND needs a term on both sides");
                goto done;
            }
        }
        if (p->tok == TK_END || p->tok == TK_RPAREN || p->tok == TK_OR)
            break;
        int is_not;
        zx_query *q = parse_unary(p, negated, &is_not);
        if (!q)
            goto done;
        if (!is_not && p->near_ok && nnear < 16) {
            near[nnear] = zx_q_term(p->near_term, p->near_len, 1, 0);
            if (near[nnear]) {
                near_chars += p->near_chars;
                nnear++;
            }
        }
        zx_query ***v = is_not ? &neg : &pos;
        size_t *n = is_not ? &nneg : &npos;
        zx_query **nv = realloc(*v, (*n + 1) * sizeof **v);
        if (!nv) {
            zx_q_free(q);
            fail(p, ZERR_NOMEM, 0, "out of memory");
            goto done;
        }
        *v = nv;
        nv[(*n)++] = q;
    }
    if (npos + nneg == 0) {
        fail(p, ZERR_SYNTAX, p->tstart, "query ends where a term was expected");
        goto done;
    }
    /* A query of exclusions only excludes from everything. */
    zx_query *base = npos == 0 ? zx_q_match_all()
                     : npos == 1 ? zx_q_copy(pos[0])
                                 : zx_q_combine(ZX_OP_AND, pos, npos, 0);
    base = near_bonus(base, near, nnear, near_chars);
    if (nneg) {
        zx_query *any = nneg == 1 ? zx_q_copy(neg[0]) : zx_q_combine(ZX_OP_OR, neg, nneg, 0);
        zx_query *pair[2] = {base, any};
        r = base && any ? zx_q_combine(ZX_OP_AND_NOT, pair, 2, 0) : NULL;
        zx_q_free(base);
        zx_q_free(any);
    } else {
        r = base;
    }
    if (!r)
        fail(p, ZERR_NOMEM, 0, "out of memory");
done:
    free_list(pos, npos);
    free_list(neg, nneg);
    for (size_t i = 0; i < nnear; i++)
        zx_q_free(near[i]);
    return r;
}

static zx_query *parse_or(parser *p, int negated)
{
    zx_query **v = NULL;
    size_t n = 0;
    zx_query *r = NULL;
    for (;;) {
        size_t at = p->tstart;
        if (p->tok == TK_OR) {
            fail(p, ZERR_SYNTAX, at, "OR needs a term on both sides");
            goto done;
        }
        zx_query *q = parse_and(p, negated);
        if (!q)
            goto done;
        zx_query **nv = realloc(v, (n + 1) * sizeof *v);
        if (!nv) {
            zx_q_free(q);
            fail(p, ZERR_NOMEM, 0, "out of memory");
            goto done;
        }
        v = nv;
        v[n++] = q;
        if (p->tok != TK_OR)
            break;
        at = p->tstart;
        next(p);
        if (p->tok == TK_END || p->tok == TK_RPAREN) {
            fail(p, ZERR_SYNTAX, at, "OR needs a term on both sides");
            goto done;
        }
    }
    r = n == 1 ? zx_q_copy(v[0]) : zx_q_combine(ZX_OP_OR, v, n, 0);
    if (!r)
        fail(p, ZERR_NOMEM, 0, "out of memory");
done:
    free_list(v, n);
    return r;
}

zerr_code zq_parse(za_analyzer *a, const char *q, zq_parsed *out, zerr *e)
{
    zerr scratch; /* the parser needs the message even when the caller does not */
    if (!e)
        e = &scratch;
    memset(out, 0, sizeof *out);
    parser p = {.a = a, .s = q, .len = strlen(q), .out = out, .e = e};
    zerr_ok(e);
    if (p.len > ZQ_MAX_BYTES)
        return zerr_set(e, ZERR_QUERY_LIMIT, "query too large: %zu bytes, the limit is %d bytes",
                        p.len, ZQ_MAX_BYTES);
    next(&p);
    if (p.tok == TK_END && !p.failed)
        return zerr_set(e, ZERR_EMPTY_QUERY, "empty query");
    zx_query *r = p.failed ? NULL : parse_or(&p, 0);
    if (r && p.failed) { /* the tokenizer failed after a complete term */
        zx_q_free(r);
        r = NULL;
    }
    if (r && p.tok == TK_RPAREN) {
        zx_q_free(r);
        r = fail(&p, ZERR_SYNTAX, p.tstart, "unbalanced parenthesis: ')' without '('");
    }
    zbuf_free(&p.text);
    if (r && zbuf_add(&p.norm, "", 0)) {
        zx_q_free(r);
        r = fail(&p, ZERR_NOMEM, 0, "out of memory");
    }
    if (!r) {
        zbuf_free(&p.norm);
        zq_parsed_clear(out);
        return p.failed ? p.failed : zerr_set(e, ZERR_NOMEM, "out of memory");
    }
    out->normalized = p.norm.data;
    out->query = r;
    out->one_term = p.leaves == 1 && p.one_term;
    return ZERR_OK;
}

void zq_parsed_clear(zq_parsed *p)
{
    zx_q_free(p->query);
    free(p->normalized);
    for (size_t i = 0; i < p->natoms; i++)
        free(p->atoms[i].text);
    free(p->atoms);
    memset(p, 0, sizeof *p);
}
