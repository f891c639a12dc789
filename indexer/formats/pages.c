/* pages.c - running headers and footers of paged text (see format.h).
 *
 * Rules, for text of several "\f"-separated pages:
 *  - only the first and last EDGE non-blank lines of a page are candidates
 *    (headers and footers sit at the page's edges; prose in the middle of
 *    a page is never looked at), and only lines of at most MAX_LINE bytes;
 *    top and bottom lines are counted apart, and on each page only the
 *    outermost line of a key goes: a title or a signature that reads like
 *    the running header ("吴忠市人民政府" over the title, or above the date
 *    at the end) stays;
 *  - lines are compared by a key: whitespace removed, ASCII lower-cased,
 *    every run of digits (ASCII or full-width) masked to "#", so that
 *    "第 3 页" and "第12页", "- 3 -" and "- 12 -", "3 / 12" and "4 / 12",
 *    "第3页 共12页" and "第4页 共12页" are the same line;
 *  - a key goes when it is on at least half of the pages and on at least 3
 *    of them, or on at least half of them when it is a bare page number
 *    ("3", "- 3 -", "第 3 页", "3 / 12", "第3页 共12页", "Page 3 of 12"):
 *    report prose that happens to open two pages stays;
 *  - the "\f" count never changes (pages must not shift: the searcher
 *    finds a page by counting them), pages without a dropped line are kept
 *    byte for byte, and the text never grows: the break left between two
 *    kept lines is the widest one that was around the dropped lines
 *    ("\n" or "\n\n"). */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#define EDGE 3
#define MAX_LINE 240

typedef struct line {
    size_t off, len; /* in the text, without its "\n" */
    unsigned page;
    int blank, drop;
} line;

typedef struct cand {
    const char *key; /* in the key buffer, once it is complete */
    size_t koff, klen;
    unsigned page;
    size_t line;
} cand;

static int cmp_cand(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    size_t n = a->klen < b->klen ? a->klen : b->klen;
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c;
    if (a->klen != b->klen)
        return a->klen < b->klen ? -1 : 1;
    if (a->page != b->page)
        return a->page < b->page ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')
            continue;
        if (i + 2 < n && !memcmp(s + i, "\xe3\x80\x80", 3)) { /* U+3000 */
            i += 2;
            continue;
        }
        return 0;
    }
    return 1;
}

/* The key of a line into k (see the top of the file). */
static int make_key(const char *s, size_t n, zbuf *k)
{
    int in_digits = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t step = utf8_decode((const unsigned char *)s + i, n - i, &c);
        i += step;
        if (c == ' ' || c == '\t' || c == '\r' || c == 0x3000 || c == 0xA0)
            continue;
        int digit = (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
        if (digit) {
            if (!in_digits && zbuf_addc(k, '#'))
                return -1;
            in_digits = 1;
            continue;
        }
        in_digits = 0;
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (zbuf_add_cp(k, c))
            return -1;
    }
    return 0;
}

/* Whether a key is a bare page number: a template below once the
 * decoration around it ("- # -", "[#]", "（#）") is stripped. */
static int page_number_key(const char *k, size_t n)
{
    static const char *const deco[] = {"-", "\xe2\x80\x94", "\xe2\x80\x93", "\xc2\xb7",
                                       "\xe2\x80\xa2", "|", "[", "]", "(", ")",
                                       "\xef\xbc\x88", "\xef\xbc\x89", "_", "~", "."};
    static const char *const forms[] = {
        "#", "#/#", "第#页", "第#页共#页", "第#页,共#页", "第#页，共#页", "共#页第#页",
        "共#页,第#页", "共#页，第#页", "第#/#页", "#页", "page#", "page#of#", "#of#", "p#",
        "p.#", "页#", "第#页/共#页"};
    int again = 1;
    while (again && n) {
        again = 0;
        for (size_t i = 0; i < sizeof deco / sizeof *deco; i++) {
            size_t d = strlen(deco[i]);
            if (n >= d && !memcmp(k, deco[i], d))
                k += d, n -= d, again = 1;
            if (n >= d && !memcmp(k + n - d, deco[i], d))
                n -= d, again = 1;
        }
    }
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
        if (strlen(forms[i]) == n && !memcmp(forms[i], k, n))
            return 1;
    return 0;
}

/* Split into lines; returns the count, or -1 out of memory. */
static long split(const zbuf *t, line **out)
{
    size_t cap = 64, nl = 0;
    line *L = malloc(cap * sizeof *L);
    if (!L)
        return -1;
    unsigned page = 0;
    for (size_t i = 0; i <= t->len;) {
        size_t j = i;
        while (j < t->len && t->data[j] != '\n' && t->data[j] != '\f')
            j++;
        if (nl == cap) {
            line *m = realloc(L, (cap *= 2) * sizeof *L);
            if (!m)
                return free(L), -1;
            L = m;
        }
        L[nl++] = (line){i, j - i, page, is_blank(t->data + i, j - i), 0};
        if (j < t->len && t->data[j] == '\f')
            page++;
        i = j + 1;
    }
    *out = L;
    return (long)nl;
}

/* Candidates: the first and last EDGE non-blank lines of each page. */
static long candidates(const zbuf *t, line *L, size_t nl, zbuf *keys, cand **out)
{
    cand *C = malloc((2 * nl + 1) * sizeof *C);
    if (!C)
        return -1;
    size_t nc = 0;
    for (size_t a = 0; a < nl;) {
        size_t b = a;
        while (b < nl && L[b].page == L[a].page)
            b++;
        size_t seen = 0, total = 0;
        for (size_t i = a; i < b; i++)
            total += !L[i].blank;
        for (size_t i = a; i < b; i++) {
            if (L[i].blank)
                continue;
            seen++;
            if (L[i].len > MAX_LINE)
                continue;
            for (int side = 0; side < 2; side++) { /* top, bottom */
                if (side ? seen + EDGE <= total : seen > EDGE)
                    continue;
                size_t k0 = keys->len;
                if (zbuf_addc(keys, side ? 'B' : 'T') ||
                    make_key(t->data + L[i].off, L[i].len, keys))
                    return free(C), -1;
                if (keys->len == k0 + 1) { /* nothing but spaces */
                    keys->len = k0;
                    continue;
                }
                C[nc++] = (cand){NULL, k0, keys->len - k0, L[i].page, i};
            }
        }
        a = b;
    }
    for (size_t i = 0; i < nc; i++)
        C[i].key = keys->data + C[i].koff;
    *out = C;
    return (long)nc;
}

/* Mark the lines whose key is on enough pages: on each page, the
 * outermost one only (the first of a top key, the last of a bottom key),
 * so that a title equal to the running header stays. */
static void mark(line *L, cand *C, size_t nc, unsigned pages)
{
    for (size_t a = 0; a < nc;) {
        size_t b = a + 1;
        unsigned distinct = 1;
        for (; b < nc && C[b].klen == C[a].klen && !memcmp(C[b].key, C[a].key, C[a].klen); b++)
            distinct += C[b].page != C[b - 1].page;
        int bottom = C[a].key[0] == 'B';
        int pn = page_number_key(C[a].key + 1, C[a].klen - 1);
        if (distinct * 2 >= pages && (distinct >= 3 || pn))
            for (size_t i = a; i < b; i++) {
                int first = i == a || C[i - 1].page != C[i].page;
                int last = i + 1 == b || C[i + 1].page != C[i].page;
                if (bottom ? last : first)
                    L[C[i].line].drop = 1;
            }
        a = b;
    }
}

/* Write the text again without the dropped lines (see the top). */
static void rebuild(zbuf *t, const line *L, size_t nl)
{
    char *d = t->data;
    size_t w = 0;
    for (size_t a = 0; a < nl;) {
        size_t b = a, any = 0;
        while (b < nl && L[b].page == L[a].page)
            any |= (size_t)L[b++].drop;
        if (a > 0)
            d[w++] = '\f';
        if (!any) { /* byte for byte: the page's span */
            size_t from = L[a].off, to = L[b - 1].off + L[b - 1].len;
            memmove(d + w, t->data + from, to - from);
            w += to - from;
        } else {
            long prev = -1; /* the last non-blank line written or dropped */
            size_t gap = 0; /* the widest break since the last one written */
            int written = 0;
            for (size_t i = a; i < b; i++) {
                if (L[i].blank)
                    continue;
                if (prev >= 0 && i - (size_t)prev > gap)
                    gap = i - (size_t)prev;
                prev = (long)i;
                if (L[i].drop)
                    continue;
                if (written)
                    for (size_t k = 0; k < (gap > 2 ? 2 : gap); k++)
                        d[w++] = '\n';
                memmove(d + w, t->data + L[i].off, L[i].len);
                w += L[i].len;
                written = 1;
                gap = 0;
            }
        }
        a = b;
    }
    t->len = w;
    d[w] = 0;
}

void zf_drop_running_lines(zf_text *t)
{
    if (t->pages < 2 || !t->text.data)
        return;
    line *L = NULL;
    cand *C = NULL;
    zbuf keys = {0};
    long nl = split(&t->text, &L);
    long nc = nl < 0 ? -1 : candidates(&t->text, L, (size_t)nl, &keys, &C);
    if (nc > 0) { /* out of memory: the text stays as it is */
        qsort(C, (size_t)nc, sizeof *C, cmp_cand);
        mark(L, C, (size_t)nc, t->pages);
        rebuild(&t->text, L, (size_t)nl);
    }
    free(L);
    free(C);
    zbuf_free(&keys);
}
