/* ofd.c - OFD (GB/T 33190, the Chinese fixed-layout format), on libzip +
 * libxml2 through zipxml.h.
 *
 * Detected as a ZIP holding OFD.xml.  OFD.xml's DocBody names the
 * document (DocRoot, e.g. Doc_0/Document.xml) and its DocInfo (Title and
 * CreationDate become the hints).  The document lists its pages
 * (Pages/Page[@BaseLoc]) in reading order; each page's content is Layers
 * of TextObjects (also nested in PageBlocks).  A TextObject has a Boundary
 * "x y w h" and TextCodes whose X, Y are relative to it, with DeltaX the
 * advances between characters ("g N v" repeats v N times).  Templates
 * (running headers drawn from a TemplatePage) are not read.
 *
 * Position, not XML order, decides the text: converters write one
 * TextCode per line or per character, in any order.  Every character gets
 * an absolute position; characters whose baselines are within a fraction
 * of the font size form a line, read left to right; lines top to bottom.
 * Within a line characters join without a space, except across a gap wider
 * than about one Latin character (half the font size) when neither side is
 * CJK: the space between words that per-character TextCodes leave out.
 * Lines end with "\n"; a gap between lines clearly larger than the page's
 * usual line pitch ends a paragraph ("\n\n"); pages are separated by "\f".
 *
 * Paths (DocRoot, BaseLoc) are relative to the file naming them or
 * absolute from the container's root ("/Doc_0/..."); a path climbing out of
 * the container with ".." is refused.  A build without libzip or libxml2
 * refuses OFD with a message.
 */
#include "formats.h"
#include "zipxml.h"

#if ZHS_WITH_OFD

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OFD_PATH_MAX 1024
#define OFD_PAGES_MAX 100000
#define OFD_GLYPHS_MAX 4000000 /* per page; characters beyond are dropped */

typedef struct glyph {
    double x, y, adv, size;
    uint32_t cp;
    unsigned seq; /* order of appearance: ties keep the XML order */
} glyph;

typedef struct page {
    glyph *g;
    size_t n, cap;
    int oom;
} page;

/* --- paths ------------------------------------------------------------- */

/* The member named by loc in the file `from` (a member path): relative to
 * from's directory, or to the root when loc starts with "/" or from is
 * NULL.  -1 when it climbs out of the container or is too long. */
static int resolve(const char *from, const char *loc, char out[OFD_PATH_MAX])
{
    char tmp[2 * OFD_PATH_MAX];
    size_t fl = 0;
    if (from && loc[0] != '/' && loc[0] != '\\') {
        const char *slash = strrchr(from, '/');
        fl = slash ? (size_t)(slash - from + 1) : 0;
    }
    if (fl + strlen(loc) >= sizeof tmp)
        return -1;
    if (fl)
        memcpy(tmp, from, fl);
    strcpy(tmp + fl, loc);
    size_t len = 0;
    for (char *seg = tmp; *seg;) {
        size_t k = strcspn(seg, "/\\");
        char *next = seg + k + (seg[k] ? 1 : 0);
        if (k == 0 || (k == 1 && seg[0] == '.')) {
            seg = next;
            continue;
        }
        if (k == 2 && seg[0] == '.' && seg[1] == '.') {
            if (len == 0)
                return -1;
            while (len > 0 && out[len - 1] != '/')
                len--;
            len = len > 0 ? len - 1 : 0; /* drop the slash too */
            seg = next;
            continue;
        }
        if (len + (len > 0) + k >= OFD_PATH_MAX)
            return -1;
        if (len > 0)
            out[len++] = '/';
        memcpy(out + len, seg, k);
        len += k;
        seg = next;
    }
    out[len] = 0;
    return len > 0 ? 0 : -1;
}

/* Load the XML file loc names in `from`; some producers write paths
 * relative to the root where they should be relative to the document, so
 * that is tried second. */
static zerr_code load_loc(zx_zip *z, const char *from, const char *loc, char path[OFD_PATH_MAX],
                          xmlDoc **doc, zerr *e)
{
    *doc = NULL;
    if (!loc || !*loc)
        return zerr_set(e, ZERR_NOT_INDEXABLE, "OFD: empty path in %s", from ? from : "OFD.xml");
    if (resolve(from, loc, path))
        return zerr_set(e, ZERR_NOT_INDEXABLE, "OFD: path %.200s leaves the container", loc);
    if (!zx_has(z, path)) {
        char root[OFD_PATH_MAX];
        if (resolve(NULL, loc, root) == 0 && zx_has(z, root))
            strcpy(path, root);
    }
    return zx_load(z, path, 0, doc, e);
}

/* --- numbers ----------------------------------------------------------- */

/* Up to max numbers of s into v; returns how many. */
static size_t numbers(const char *s, double *v, size_t max)
{
    size_t k = 0;
    while (s && k < max) {
        char *end;
        double d = strtod(s, &end);
        if (end == s)
            break;
        if (isfinite(d))
            v[k++] = d;
        s = end;
    }
    return k;
}

static double num_attr(const xmlNode *n, const char *name, double dflt, int *found)
{
    double v;
    int ok = numbers(zx_attr(n, name), &v, 1) == 1;
    if (found)
        *found = ok;
    return ok ? v : dflt;
}

/* DeltaX/DeltaY: numbers, "g N v" meaning v N times; at most max values. */
static size_t deltas(const char *s, double *v, size_t max)
{
    size_t k = 0;
    while (s && *s && k < max) {
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        if (*s == 'g') {
            char *end;
            double cnt = strtod(s + 1, &end), d;
            if (end == s + 1)
                break;
            s = end;
            d = strtod(s, &end);
            if (end == s || !isfinite(d))
                break;
            s = end;
            for (double i = 0; i < cnt && k < max; i++)
                v[k++] = d;
            continue;
        }
        char *end;
        double d = strtod(s, &end);
        if (end == s || !isfinite(d))
            break;
        v[k++] = d;
        s = end;
    }
    return k;
}

/* --- characters of a page ---------------------------------------------- */

static int is_wide(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* A character's advance when DeltaX does not give it. */
static double guess_adv(uint32_t cp, double size)
{
    return is_wide(cp) ? size : size * 0.5;
}

static void push(page *p, const glyph *g)
{
    if (p->n >= OFD_GLYPHS_MAX)
        return;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        glyph *ng = realloc(p->g, cap * sizeof *ng);
        if (!ng) {
            p->oom = 1;
            return;
        }
        p->g = ng;
        p->cap = cap;
    }
    p->g[p->n] = *g;
    p->g[p->n].seq = (unsigned)p->n;
    p->n++;
}

/* A TextObject's placement: boundary origin, CTM (a b c d e f). */
typedef struct place {
    double bx, by, m[6], size;
} place;

static void put(page *p, const place *pl, double x, double y, double adv, uint32_t cp)
{
    const double *m = pl->m;
    glyph g;
    g.x = pl->bx + m[0] * x + m[2] * y + m[4];
    g.y = pl->by + m[1] * x + m[3] * y + m[5];
    double sx = fabs(m[0]) > 0 ? fabs(m[0]) : 1, sy = fabs(m[3]) > 0 ? fabs(m[3]) : 1;
    g.adv = adv * sx;
    g.size = pl->size * sy;
    g.cp = cp;
    if (isfinite(g.x) && isfinite(g.y) && isfinite(g.adv) && isfinite(g.size))
        push(p, &g); /* a position out of range (a CTM overflowing) is no place */
}

/* One TextCode: its characters at X + the DeltaX advances. */
static void text_code(page *p, const place *pl, const xmlNode *tc, double *cx, double *cy)
{
    int has;
    double x = num_attr(tc, "X", *cx, &has), y = num_attr(tc, "Y", *cy, NULL);
    zbuf s = {0};
    if (zx_text(tc, &s)) {
        p->oom = 1;
        return;
    }
    size_t max = s.len + 1;
    double *dx = malloc(max * sizeof *dx), *dy = malloc(max * sizeof *dy);
    if (!dx || !dy) {
        p->oom = 1;
        max = 0;
    }
    size_t ndx = max ? deltas(zx_attr(tc, "DeltaX"), dx, max) : 0;
    size_t ndy = max ? deltas(zx_attr(tc, "DeltaY"), dy, max) : 0;
    const unsigned char *u = (const unsigned char *)(s.data ? s.data : "");
    for (size_t i = 0, k = 0; i < s.len && !p->oom; k++) {
        uint32_t cp;
        i += utf8_decode(u + i, s.len - i, &cp);
        double adv = k < ndx ? dx[k] : guess_adv(cp, pl->size);
        put(p, pl, x, y, adv > 0 ? adv : guess_adv(cp, pl->size), cp);
        x += adv;
        if (k < ndy)
            y += dy[k];
    }
    *cx = x;
    *cy = y;
    free(dx);
    free(dy);
    zbuf_free(&s);
}

static void text_object(page *p, const xmlNode *to)
{
    double b[4] = {0, 0, 0, 0};
    numbers(zx_attr(to, "Boundary"), b, 4);
    place pl = {b[0], b[1], {1, 0, 0, 1, 0, 0}, num_attr(to, "Size", 3.5, NULL)};
    if (!(pl.size > 0 && pl.size < 1e4))
        pl.size = 3.5;
    double m[6];
    if (numbers(zx_attr(to, "CTM"), m, 6) == 6)
        memcpy(pl.m, m, sizeof m);
    double cx = 0, cy = 0;
    for (const xmlNode *c = to->children; c && !p->oom; c = c->next)
        if (zx_is(c, "TextCode"))
            text_code(p, &pl, c, &cx, &cy);
}

/* Layers, PageBlocks nested in any depth (libxml2 bounds the depth). */
static void content(page *p, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c && !p->oom; c = c->next) {
        if (zx_is(c, "TextObject"))
            text_object(p, c);
        else if (zx_is(c, "Layer") || zx_is(c, "PageBlock"))
            content(p, c);
    }
}

/* --- lines ------------------------------------------------------------- */

static int by_y(const void *a, const void *b)
{
    const glyph *g = a, *h = b;
    if (g->y != h->y)
        return g->y < h->y ? -1 : 1;
    if (g->x != h->x)
        return g->x < h->x ? -1 : 1;
    return g->seq < h->seq ? -1 : g->seq > h->seq;
}

static int by_x(const void *a, const void *b)
{
    const glyph *g = a, *h = b;
    if (g->x != h->x)
        return g->x < h->x ? -1 : 1;
    return g->seq < h->seq ? -1 : g->seq > h->seq;
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0xA0;
}

/* The end of line s (the first glyph past it): baselines within a
 * fraction of the font size of the first one. */
static size_t line_end(const page *p, size_t s)
{
    double tol = p->g[s].size * 0.4;
    if (tol < 0.3)
        tol = 0.3;
    size_t j = s + 1;
    while (j < p->n && p->g[j].y - p->g[s].y <= tol)
        j++;
    return j;
}

/* One line's glyphs [s, e) (sorted by x) into the text. */
static int emit_line(zf_text *t, const glyph *g, size_t s, size_t e)
{
    const glyph *prev = NULL;
    int space = 0; /* a space is pending */
    for (size_t i = s; i < e; i++) {
        const glyph *c = &g[i];
        if (is_space(c->cp)) {
            space = prev != NULL;
            continue;
        }
        if (prev && prev->cp == c->cp && fabs(prev->x - c->x) < c->size * 0.1 &&
            fabs(prev->y - c->y) < c->size * 0.1)
            continue; /* drawn twice (simulated bold) */
        if (prev && !space) {
            double gap = c->x - (prev->x + prev->adv);
            space = gap > 0.45 * (c->size > prev->size ? c->size : prev->size);
        }
        if (prev && space && !is_wide(prev->cp) && !is_wide(c->cp) && zf_add_cp(t, ' '))
            return -1;
        if (zf_add_cp(t, c->cp))
            return -1;
        prev = c;
        space = 0;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The page's usual distance between consecutive lines (0: too few lines
 * to tell). */
static double usual_pitch(const page *p)
{
    size_t nl = 0;
    for (size_t s = 0; s < p->n; s = line_end(p, s))
        nl++;
    if (nl < 4)
        return 0;
    double *gaps = malloc((nl - 1) * sizeof *gaps);
    if (!gaps)
        return 0;
    size_t k = 0;
    for (size_t s = 0, e; (e = line_end(p, s)) < p->n; s = e)
        gaps[k++] = p->g[e].y - p->g[s].y;
    qsort(gaps, k, sizeof *gaps, cmp_double);
    double med = gaps[k / 2];
    free(gaps);
    return med;
}

static int emit_page(zf_text *t, page *p)
{
    if (p->n == 0)
        return 0;
    qsort(p->g, p->n, sizeof *p->g, by_y);
    double pitch = usual_pitch(p);
    for (size_t s = 0, e; s < p->n; s = e) {
        e = line_end(p, s);
        double y = p->g[s].y, size = p->g[s].size;
        qsort(p->g + s, e - s, sizeof *p->g, by_x);
        if (emit_line(t, p->g, s, e))
            return -1;
        if (e < p->n) {
            double gap = p->g[e].y - y;
            int para = pitch > 0 ? gap > pitch * 1.4 : gap > size * 2.5;
            if (para ? zf_paragraph(t) : zf_add_cp(t, '\n'))
                return -1;
        }
    }
    return 0;
}

/* --- the document -------------------------------------------------------- */

typedef struct ofd {
    zx_zip z;
    zf_text *t;
    unsigned pages;
} ofd;

static zerr_code one_page(ofd *d, const char *from, const char *loc, zerr *e)
{
    char path[OFD_PATH_MAX];
    xmlDoc *doc;
    zerr_code rc = load_loc(&d->z, from, loc, path, &doc, e);
    if (rc)
        return rc;
    page p = {0};
    const xmlNode *c = zx_child(xmlDocGetRootElement(doc), "Content");
    if (c)
        content(&p, c);
    xmlFreeDoc(doc);
    if (d->pages++ == 0)
        d->t->pages = 1;
    else if (zf_page(d->t))
        p.oom = 1;
    if (!p.oom && emit_page(d->t, &p))
        p.oom = 1;
    free(p.g);
    return p.oom ? zerr_set(e, ZERR_NOMEM, "out of memory") : ZERR_OK;
}

static zerr_code document(ofd *d, const char *loc, zerr *e)
{
    char path[OFD_PATH_MAX];
    xmlDoc *doc;
    zerr_code rc = load_loc(&d->z, NULL, loc, path, &doc, e);
    if (rc)
        return rc;
    const xmlNode *pages = zx_child(xmlDocGetRootElement(doc), "Pages");
    for (const xmlNode *c = pages ? pages->children : NULL; c && !rc; c = c->next) {
        if (!zx_is(c, "Page"))
            continue;
        if (d->pages >= OFD_PAGES_MAX)
            rc = zerr_set(e, ZERR_NOT_INDEXABLE, "OFD: more than %d pages", OFD_PAGES_MAX);
        else
            rc = one_page(d, path, zx_attr(c, "BaseLoc"), e);
    }
    xmlFreeDoc(doc);
    return rc;
}

/* A copy of node's text, trimmed and made valid UTF-8, or NULL. */
static char *hint_text(const xmlNode *n)
{
    zbuf b = {0};
    zf_text tmp = {0};
    if (zx_text(n, &b) == 0 && b.data) {
        size_t s = 0, len = b.len;
        while (s < len && strchr(" \t\r\n", b.data[s]))
            s++;
        while (len > s && strchr(" \t\r\n", b.data[len - 1]))
            len--;
        if (len > s && zf_add_utf8(&tmp, b.data + s, len - s))
            zbuf_free(&tmp.text);
    }
    zbuf_free(&b);
    return tmp.text.data;
}

static void doc_info(zf_text *t, const xmlNode *info)
{
    const xmlNode *title = zx_child(info, "Title");
    if (title && !t->title)
        t->title = hint_text(title);
    const xmlNode *date = zx_child(info, "CreationDate");
    char *s = date ? hint_text(date) : NULL;
    if (s && !t->date[0] && zf_parse_date(s, t->date))
        t->date[0] = 0;
    free(s);
}

static zerr_code read_ofd(ofd *d, zerr *e)
{
    xmlDoc *doc;
    zerr_code rc = zx_load(&d->z, "OFD.xml", 0, &doc, e);
    if (rc)
        return rc;
    const xmlNode *root = xmlDocGetRootElement(doc);
    int bodies = 0;
    for (const xmlNode *c = root->children; c && !rc; c = c->next) {
        if (!zx_is(c, "DocBody"))
            continue;
        const xmlNode *info = zx_child(c, "DocInfo"), *dr = zx_child(c, "DocRoot");
        if (info)
            doc_info(d->t, info);
        if (!dr)
            continue;
        zbuf loc = {0};
        if (zx_text(dr, &loc))
            rc = zerr_set(e, ZERR_NOMEM, "out of memory");
        else
            rc = document(d, loc.data ? loc.data : "", e);
        zbuf_free(&loc);
        bodies++;
    }
    xmlFreeDoc(doc);
    if (!rc && !bodies)
        rc = zerr_set(e, ZERR_NOT_INDEXABLE, "OFD: OFD.xml names no document (DocBody/DocRoot)");
    return rc;
}

static int sniff_ofd(const char *b, size_t n)
{
    return zx_sniff(b, n, "OFD.xml", 1);
}

static zerr_code extract_ofd(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)o;
    ofd d = {.t = out};
    zerr_code rc = zx_open(&d.z, b, n, "OFD", e);
    if (rc)
        return rc;
    rc = read_ofd(&d, e);
    zx_close(&d.z);
    return rc;
}

#else

static int sniff_ofd(const char *b, size_t n)
{
    return zf_zip_holds(b, n, "OFD.xml");
}

static zerr_code extract_ofd(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)b, (void)n, (void)o, (void)out;
    return zf_not_built("OFD", "libzip and libxml2", e);
}

#endif

const zf_format zf_format_ofd = {"OFD", sniff_ofd, extract_ofd};
