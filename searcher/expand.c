/* expand.c - see expand.h. */
#include "expand.h"
#include "zbuf.h"

#include <stdlib.h>
#include <string.h>

#define TILDE_WIDE "\xEF\xBD\x9E" /* ～ */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Length of the word at q[i]: up to a space, a parenthesis or a quote. */
static size_t word_len(const char *q, size_t i)
{
    size_t j = i;
    while (q[j] && !is_space(q[j]) && q[j] != '(' && q[j] != ')' && q[j] != '"')
        j++;
    if (j > i + 3 && !memcmp(q + j - 3, "\xE3\x80\x80", 3)) /* a full-width space ends it too */
        j -= 3;
    return j - i;
}

static int is_operator(const char *w, size_t n)
{
    return (n == 2 && !memcmp(w, "OR", 2)) || (n == 3 && !memcmp(w, "AND", 3)) ||
           (n == 3 && !memcmp(w, "NOT", 3));
}

static int record(zy_expansion **exp, unsigned *nexp, const char *w, size_t n, const char *members)
{
    zy_expansion *ne = realloc(*exp, (*nexp + 1) * sizeof *ne);
    if (!ne)
        return -1;
    *exp = ne;
    ne[*nexp].word = strndup(w, n);
    ne[*nexp].members = strdup(members);
    if (!ne[*nexp].word || !ne[*nexp].members) {
        free(ne[*nexp].word);
        free(ne[*nexp].members);
        return -1;
    }
    ++*nexp;
    return 0;
}

/* Write the expansion of word w[0..n) (its group, or the word itself). */
static int expand_word(const zsyn *syn, zn_normalizer *nz, const char *w, size_t n, int tilde,
                       zbuf *out, zy_expansion **exp, unsigned *nexp)
{
    size_t nl;
    char *norm = zn_normalize_utf8(nz, w, n, &nl);
    if (!norm)
        return -1;
    int g = zsyn_group_of(syn, norm);
    free(norm);
    if (g < 0) { /* ~word without a group: the word; a plain word: as it was */
        return zbuf_add(out, w, n) || (tilde && record(exp, nexp, w, n, ""));
    }
    zbuf members = {0};
    int bad = zbuf_addc(out, '(');
    for (unsigned i = 0; i < zsyn_group_size(syn, g) && !bad; i++) {
        const char *m = zsyn_member(syn, g, i);
        bad = (i && zbuf_adds(out, " OR ")) || zbuf_adds(out, m) ||
              (i && zbuf_addc(&members, ' ')) || zbuf_adds(&members, m);
    }
    bad = bad || zbuf_addc(out, ')') || record(exp, nexp, w, n, members.data ? members.data : "");
    zbuf_free(&members);
    return bad ? -1 : 0;
}

int zy_expand(const zsyn *syn, zn_normalizer *nz, const char *q, int all, char **out,
              zy_expansion **exp, unsigned *nexp)
{
    zbuf b = {0};
    *exp = NULL;
    *nexp = 0;
    int bad = zbuf_reserve(&b, strlen(q)), quoted = 0, negate_next = 0;
    if (!bad)
        b.data[0] = 0; /* an empty query gives an empty string */
    for (size_t i = 0; q[i] && !bad;) {
        char c = q[i];
        if (c == '"') {
            quoted = !quoted;
            bad = zbuf_addc(&b, c);
            i++;
            continue;
        }
        if (quoted || is_space(c) || c == '(' || c == ')') {
            bad = zbuf_addc(&b, c);
            i++;
            continue;
        }
        int tilde = c == '~' || !strncmp(q + i, TILDE_WIDE, 3);
        size_t start = i + (tilde ? (c == '~' ? 1 : 3) : 0);
        size_t n = word_len(q, start);
        const char *w = q + start;
        int negated = negate_next || (!tilde && c == '-');
        negate_next = is_operator(w, n) && n == 3 && !memcmp(w, "NOT", 3);
        if (n && (tilde || (all && !negated && !is_operator(w, n) && !memchr(w, ':', n))))
            bad = expand_word(syn, nz, w, n, tilde, &b, exp, nexp);
        else
            bad = zbuf_add(&b, q + i, start + n - i);
        i = start + n;
        if (n == 0 && tilde) /* a lone ~: kept, for the parser to judge */
            bad = bad || zbuf_add(&b, q + start - (c == '~' ? 1 : 3), c == '~' ? 1 : 3);
    }
    if (bad) {
        zbuf_free(&b);
        zy_free(*exp, *nexp);
        *exp = NULL;
        *nexp = 0;
        return -1;
    }
    *out = b.data;
    return 0;
}

void zy_free(zy_expansion *exp, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        free(exp[i].word);
        free(exp[i].members);
    }
    free(exp);
}
