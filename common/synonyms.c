/* synonyms.c - see synonyms.h. */
#include "synonyms.h"
#include "zbuf.h"

#include <stdlib.h>
#include <string.h>

struct zsyn {
    char **word;     /* every member, normalized */
    unsigned *group; /* the group of word[i] */
    unsigned *first; /* group g: its members are word[first[g] .. first[g+1]) */
    unsigned nwords, ngroups, cap, gcap;
};

void zsyn_free(zsyn *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->nwords; i++)
        free(s->word[i]);
    free(s->word);
    free(s->group);
    free(s->first);
    free(s);
}

/* Is the code point at s a member separator?  Its length, else 0. */
static size_t separator(const char *s, size_t n)
{
    static const char *const seps[] = {" ", "\t", "=", ",", "、", "，", "＝", "\xe3\x80\x80", "\r"};
    for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
        size_t l = strlen(seps[k]);
        if (l <= n && memcmp(s, seps[k], l) == 0)
            return l;
    }
    return 0;
}

static int add_word(zsyn *s, char *w)
{
    if (s->nwords == s->cap) {
        unsigned nc = s->cap ? s->cap * 2 : 64;
        char **nw = realloc(s->word, nc * sizeof *nw);
        unsigned *ng = nw ? realloc(s->group, nc * sizeof *ng) : NULL;
        if (nw)
            s->word = nw;
        if (!ng)
            return -1;
        s->group = ng;
        s->cap = nc;
    }
    s->word[s->nwords] = w;
    s->group[s->nwords++] = s->ngroups;
    return 0;
}

static int open_group(zsyn *s)
{
    if (s->ngroups + 2 > s->gcap) {
        unsigned nc = s->gcap ? s->gcap * 2 : 32;
        unsigned *nf = realloc(s->first, nc * sizeof *nf);
        if (!nf)
            return -1;
        s->first = nf;
        s->gcap = nc;
    }
    s->first[s->ngroups] = s->nwords;
    return 0;
}

/* One member as found on a line: checked, normalized, added. */
static zerr_code member(zsyn *s, zn_normalizer *n, const char *w, size_t len, unsigned line,
                        zerr *e)
{
    for (size_t i = 0; i < len; i++)
        if (strchr("\"()~:", w[i]))
            return zerr_set(e, ZERR_INVALID, "line %u: '%.*s': a member is a word or phrase, "
                            "without \" ( ) ~ or :", line, (int)len, w);
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_seq((const unsigned char *)w + i, len - i, &cp);
        if (!k)
            return zerr_set(e, ZERR_INVALID, "line %u: not UTF-8", line);
        i += k;
    }
    size_t nl;
    char *norm = zn_normalize_utf8(n, w, len, &nl);
    if (!norm)
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    /* As the index sees it: full-width forms fold to the ASCII ones. */
    if (!nl || norm[0] == '-' || strpbrk(norm, "\"()~: \t\n\r\f\v") || memchr(norm, 0, nl)) {
        zerr_set(e, ZERR_INVALID, "line %u: '%.*s': a member is a word or phrase, without \" ( ) ~ "
                 "or : (full-width ones too) and not starting with -", line, (int)len, w);
        free(norm);
        return ZERR_INVALID;
    }
    int g = zsyn_group_of(s, norm);
    if (g >= 0) {
        zerr_set(e, ZERR_INVALID, "line %u: '%s' is already in another group, with '%s'", line,
                 norm, s->word[s->first[g]]);
        free(norm);
        return ZERR_INVALID;
    }
    if (add_word(s, norm)) {
        free(norm);
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    }
    return ZERR_OK;
}

static zerr_code parse_line(zsyn *s, zn_normalizer *n, const char *p, size_t len, unsigned line,
                            zerr *e)
{
    const char *hash = memchr(p, '#', len);
    if (hash)
        len = (size_t)(hash - p);
    if (open_group(s))
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    unsigned before = s->nwords;
    for (size_t i = 0; i < len;) {
        size_t k = separator(p + i, len - i);
        if (k) {
            i += k;
            continue;
        }
        size_t j = i;
        while (j < len && !separator(p + j, len - j))
            j++;
        zerr_code rc = member(s, n, p + i, j - i, line, e);
        if (rc)
            return rc;
        i = j;
    }
    unsigned got = s->nwords - before;
    if (got == 1)
        return zerr_set(e, ZERR_INVALID, "line %u: a group needs at least two members", line);
    if (got)
        s->first[++s->ngroups] = s->nwords;
    return ZERR_OK;
}

zerr_code zsyn_parse(zn_normalizer *n, const char *text, size_t len, zsyn **out, zerr *e)
{
    *out = NULL;
    if (len > ZSYN_MAX_BYTES)
        return zerr_set(e, ZERR_INVALID, "too large (%zu bytes; at most %u)", len, ZSYN_MAX_BYTES);
    zsyn *s = calloc(1, sizeof *s);
    if (!s)
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* a BOM */
        text += 3;
        len -= 3;
    }
    unsigned line = 1;
    for (size_t i = 0; i < len; line++) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        zerr_code rc = parse_line(s, n, text + i, end - i, line, e);
        if (rc) {
            zsyn_free(s);
            return rc;
        }
        i = end + 1;
    }
    *out = s;
    return ZERR_OK;
}

unsigned zsyn_groups(const zsyn *s) { return s ? s->ngroups : 0; }

char *zsyn_text(const zsyn *s, size_t *len)
{
    zbuf b = {0};
    int bad = zbuf_reserve(&b, 0);
    if (!bad)
        b.data[0] = 0; /* no groups: an empty string */
    for (unsigned g = 0; s && g < s->ngroups && !bad; g++) {
        for (unsigned i = s->first[g]; i < s->first[g + 1] && !bad; i++)
            bad = zbuf_adds(&b, s->word[i]) || zbuf_addc(&b, i + 1 < s->first[g + 1] ? ' ' : '\n');
    }
    if (bad) {
        zbuf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

int zsyn_group_of(const zsyn *s, const char *w)
{
    for (unsigned i = 0; s && w && i < s->nwords; i++)
        if (!strcmp(s->word[i], w))
            return (int)s->group[i];
    return -1;
}

unsigned zsyn_group_size(const zsyn *s, int g)
{
    return s && g >= 0 && (unsigned)g < s->ngroups ? s->first[g + 1] - s->first[g] : 0;
}

const char *zsyn_member(const zsyn *s, int g, unsigned i)
{
    return i < zsyn_group_size(s, g) ? s->word[s->first[g] + i] : NULL;
}
