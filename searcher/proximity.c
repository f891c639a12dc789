/* proximity.c - see proximity.h. */
#include "proximity.h"
#include "snippet.h"
#include "zbuf.h"

#include <stdlib.h>
#include <string.h>

/* ---- the query ---- */

typedef enum { T_WORD, T_PHRASE, T_OPEN, T_CLOSE } tkind;

typedef struct token {
    size_t b, e; /* [b, e) of the query; a phrase without its quotes */
    size_t qb;   /* where it starts, quotes included */
    tkind kind;
} token;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static size_t quote_at(const char *q, size_t i) /* length of a quote mark at q[i], 0 if none */
{
    if (q[i] == '"')
        return 1;
    if (!strncmp(q + i, "\xE2\x80\x9C", 3) || !strncmp(q + i, "\xE2\x80\x9D", 3)) /* “ ” */
        return 3;
    return 0;
}

static size_t paren_at(const char *q, size_t i, int *open)
{
    if (q[i] == '(' || q[i] == ')') {
        *open = q[i] == '(';
        return 1;
    }
    if (!strncmp(q + i, "\xEF\xBC\x88", 3) || !strncmp(q + i, "\xEF\xBC\x89", 3)) { /* （ ） */
        *open = q[i + 2] == '\x88';
        return 3;
    }
    return 0;
}

/* The query as words, phrases and parentheses.  -1 out of memory. */
static int tokenize(const char *q, token **out, size_t *n)
{
    size_t cap = 16, k = 0, len = strlen(q);
    token *t = malloc(cap * sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < len;) {
        size_t ql, pl;
        int open;
        if (is_space(q[i])) {
            i++;
            continue;
        }
        if (k == cap) {
            token *nt = realloc(t, (cap *= 2) * sizeof *t);
            if (!nt) {
                free(t);
                return -1;
            }
            t = nt;
        }
        if ((ql = quote_at(q, i))) {
            size_t j = i + ql, cl = 0;
            while (j < len && !(cl = quote_at(q, j)))
                j++;
            t[k++] = (token){i + ql, j, i, T_PHRASE};
            i = j < len ? j + cl : len;
        } else if ((pl = paren_at(q, i, &open))) {
            t[k++] = (token){i, i + pl, i, open ? T_OPEN : T_CLOSE};
            i += pl;
        } else {
            size_t j = i;
            while (j < len && !is_space(q[j]) && !quote_at(q, j) && !paren_at(q, j, &open))
                j++;
            t[k++] = (token){i, j, i, T_WORD};
            i = j;
        }
    }
    *out = t;
    *n = k;
    return 0;
}

static int word_is(const char *q, const token *t, const char *w)
{
    return t->kind == T_WORD && t->e - t->b == strlen(w) && !memcmp(q + t->b, w, t->e - t->b);
}

/* NEAR[/n], BEFORE[/n], SENTENCE or PARAGRAPH: 1 and its kind and n,
 * -1 for a bad /n, else 0. */
static int operator_at(const char *q, const token *t, zp_kind *kind, unsigned *n)
{
    if (t->kind != T_WORD)
        return 0;
    size_t len = t->e - t->b, k;
    const char *w = q + t->b;
    if (word_is(q, t, "SENTENCE") || word_is(q, t, "PARAGRAPH")) {
        *kind = w[0] == 'S' ? ZP_SENTENCE : ZP_PARAGRAPH;
        return 1;
    }
    if (len >= 4 && !memcmp(w, "NEAR", 4))
        k = 4, *kind = ZP_NEAR;
    else if (len >= 6 && !memcmp(w, "BEFORE", 6))
        k = 6, *kind = ZP_BEFORE;
    else
        return 0;
    if (len > k && w[k] != '/')
        return 0;
    *n = ZP_NEAR_DEFAULT;
    if (len > k) {
        unsigned long v = 0;
        if (len == k + 1 || len > k + 6)
            return -1;
        for (size_t i = k + 1; i < len; i++) {
            if (w[i] < '0' || w[i] > '9')
                return -1;
            v = v * 10 + (unsigned long)(w[i] - '0');
        }
        if (v > ZP_NEAR_MAX)
            return -1;
        *n = (unsigned)v;
    }
    return 1;
}

/* An operand: a phrase, or a word that is no operator, field or negation. */
static int operand(const char *q, const token *t)
{
    zp_kind k;
    unsigned n;
    if (t->kind == T_PHRASE)
        return t->e > t->b;
    return t->kind == T_WORD && !word_is(q, t, "OR") && !word_is(q, t, "AND") &&
           !word_is(q, t, "NOT") && !operator_at(q, t, &k, &n) && q[t->b] != '-' &&
           !memchr(q + t->b, ':', t->e - t->b) && !memchr(q + t->b, '~', t->e - t->b);
}

static unsigned column(const char *q, size_t at) /* 1-based, in characters */
{
    unsigned c = 1;
    for (size_t i = 0; i < at; i++)
        c += ((unsigned char)q[i] & 0xC0) != 0x80;
    return c;
}

/* The index of operand t in out->words, added when new. */
static int word_index(const char *q, const token *t, zp_query *out, unsigned *idx)
{
    size_t n = t->e - t->b;
    for (unsigned i = 0; i < out->nwords; i++)
        if (strlen(out->words[i]) == n && !memcmp(out->words[i], q + t->b, n)) {
            *idx = i;
            return 0;
        }
    char **nw = realloc(out->words, (out->nwords + 1) * sizeof *nw);
    if (!nw)
        return -1;
    out->words = nw;
    if (!(nw[out->nwords] = strndup(q + t->b, n)))
        return -1;
    *idx = out->nwords++;
    return 0;
}

zerr_code zp_parse(const char *q, zp_query *out, zerr *e)
{
    memset(out, 0, sizeof *out);
    token *t;
    size_t n;
    if (tokenize(q, &t, &n))
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    zerr_code rc = ZERR_OK;
    int depth = 0;
    for (size_t i = 0; i < n && rc == ZERR_OK; i++) {
        depth += t[i].kind == T_OPEN ? 1 : t[i].kind == T_CLOSE ? -1 : 0;
        zp_kind kind;
        unsigned dist = 0;
        int op = operator_at(q, &t[i], &kind, &dist);
        if (!op)
            continue;
        const char *name = kind == ZP_NEAR     ? "NEAR"
                           : kind == ZP_BEFORE ? "BEFORE"
                           : kind == ZP_SENTENCE ? "SENTENCE"
                                                 : "PARAGRAPH";
        unsigned col = column(q, t[i].b);
        if (op < 0)
            rc = zerr_set(e, ZERR_SYNTAX, "column %u: %s/n takes a distance from 0 to %u characters",
                          col, name, ZP_NEAR_MAX);
        else if (depth != 0)
            rc = zerr_set(e, ZERR_SYNTAX, "column %u: %s joins two words or phrases at the top "
                          "level of a query, not inside parentheses", col, name);
        else if (i == 0 || i + 1 == n || !operand(q, &t[i - 1]) || !operand(q, &t[i + 1]) ||
                 (i >= 2 && (word_is(q, &t[i - 2], "OR") || word_is(q, &t[i - 2], "NOT"))) ||
                 (i + 2 < n && word_is(q, &t[i + 2], "OR")))
            rc = zerr_set(e, ZERR_SYNTAX, "column %u: %s needs a word or phrase on each side "
                          "(not a field, a negation, OR or NOT)", col, name);
        if (rc)
            break;
        zp_constraint c = {0, 0, kind, dist};
        zp_constraint *nc = realloc(out->c, (out->nc + 1) * sizeof *nc);
        if (!nc || word_index(q, &t[i - 1], out, &c.a) || word_index(q, &t[i + 1], out, &c.b)) {
            if (nc)
                out->c = nc;
            rc = zerr_set(e, ZERR_NOMEM, "out of memory");
            break;
        }
        out->c = nc;
        out->c[out->nc++] = c;
    }
    if (rc == ZERR_OK && out->nc) {
        /* the operators become spaces, so that columns stay where they were */
        if (!(out->rewritten = strdup(q)))
            rc = zerr_set(e, ZERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n && rc == ZERR_OK; i++) {
            zp_kind kind;
            unsigned dist;
            if (operator_at(q, &t[i], &kind, &dist) > 0)
                memset(out->rewritten + t[i].b, ' ', t[i].e - t[i].b);
        }
    }
    free(t);
    if (rc)
        zp_clear(out);
    return rc;
}

void zp_clear(zp_query *q)
{
    for (unsigned i = 0; i < q->nwords; i++)
        free(q->words[i]);
    free(q->words);
    free(q->c);
    free(q->rewritten);
    memset(q, 0, sizeof *q);
}

/* ---- the text ---- */

static int is_blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
           c == 0x3000;
}

static int ends_sentence(uint32_t c)
{
    return c == 0x3002 || c == 0xFF61 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B || c == '!' ||
           c == '?' || c == ';';
}

/* Does gap s[0..n) between two occurrences allow the constraint? */
static int gap_allows(const char *s, size_t n, int paged, const zp_constraint *c)
{
    unsigned chars = 0;
    int newline = 0; /* paged: a line break seen since the last character */
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += utf8_decode((const unsigned char *)s + i, n - i, &cp);
        int near = c->kind == ZP_NEAR || c->kind == ZP_BEFORE;
        int line = cp == '\n' || (!paged && (cp == '\f' || cp == '\v'));
        if (line && !paged && !near)
            return 0; /* a line break ends sentences and paragraphs */
        if (paged && cp == '\n') {
            if (newline && !near)
                return 0; /* a blank line: a paragraph break */
            newline = 1;
        } else if (!is_blank(cp)) {
            newline = 0;
        }
        if (c->kind == ZP_SENTENCE && ends_sentence(cp))
            return 0;
        if (near && !is_blank(cp) && ++chars > c->n)
            return 0;
    }
    return 1;
}

static int pair_holds(const char *text, const zs_range *x, const zs_range *y, int paged,
                      const zp_constraint *c)
{
    if (c->kind == ZP_BEFORE && x->start > y->start)
        return 0; /* x is an occurrence of the first operand */
    const zs_range *first = x->start <= y->start ? x : y, *second = first == x ? y : x;
    size_t end = first->start + first->len;
    if (second->start <= end)
        return 1; /* overlapping or adjacent */
    return gap_allows(text + end, second->start - end, paged, c);
}

int zp_holds(za_analyzer *an, const char *text, size_t len, int paged, const zp_query *q)
{
    zs_range *r = NULL;
    unsigned *atom = NULL, nr = 0;
    if (zs_find_matches(an, text, len, (const char *const *)q->words, q->nwords, &r, &atom, &nr))
        return -1;
    int all = 1;
    for (unsigned k = 0; k < q->nc && all; k++) {
        const zp_constraint *c = &q->c[k];
        int found = 0;
        for (unsigned i = 0; i < nr && !found; i++) {
            if (atom[i] != c->a)
                continue;
            for (unsigned j = 0; j < nr && !found; j++)
                if (atom[j] == c->b && j != i)
                    found = pair_holds(text, &r[i], &r[j], paged, c);
        }
        all = found;
    }
    free(r);
    free(atom);
    return all;
}
