/* pdf.c - PDF through poppler-glib: every page's text in reading order,
 * pages separated by "\f"; pages without a text layer are recognised by
 * OCR (ocr.c) when asked.
 *
 * Rules:
 *  - text: poppler_page_get_text (reading order, one "\n" per line).  With
 *    the page layout (a rectangle per character) a line starts a new
 *    paragraph ("\n\n") when it is indented, when the line before ended
 *    short on a sentence end, or after a vertical gap; otherwise lines are
 *    joined with "\n", which the analyzer treats as no break next to CJK,
 *    so a phrase wrapped over two lines still matches;
 *  - a page with no text but with images is scanned.  When no page has
 *    text and some are scanned: without --ocr the file is refused ("no
 *    text layer (scanned); rerun with --ocr"); with --ocr the scanned pages
 *    are rendered at 300 dpi (cairo) and recognised (ocr.c).  When only
 *    some pages are scanned they are recognised with --ocr, and left empty
 *    without it, silently.  A page tesseract cannot read stays empty; a
 *    build without OCR says so;
 *  - hints: the document title unless it is junk: empty or not UTF-8,
 *    what Office writes from the file name ("Microsoft Word - x.docx"), a
 *    file name (ends in .doc, .docx, .wps, .pdf, …) or a path, the file's
 *    own name, a placeholder ("Untitled-1", "无标题", "文档1", "新建 …");
 *    the creation date (in the date's own time zone);
 *  - errors: "PDF: password-protected" (an empty user password is tried,
 *    so encrypted files that open without one are read), "PDF: damaged
 *    (<poppler's reason>)". */
#include "formats.h"

#include <string.h>

static int sniff_pdf(const char *b, size_t n)
{
    /* "%PDF-" within the first KB, as readers accept leading junk */
    size_t lim = n < 1024 ? n : 1024;
    for (size_t i = 0; i + 5 <= lim; i++)
        if (b[i] == '%' && memcmp(b + i, "%PDF-", 5) == 0)
            return 1;
    return 0;
}

#if ZHS_WITH_PDF
#include <ctype.h>
#include <math.h>
#include <poppler.h>
#if ZHS_WITH_OCR
#include <cairo.h>
#endif

#define OCR_DPI 300
#define OCR_MAX_SIDE 8000 /* pixels: bigger pages are rendered at lower dpi */

/* One line of a page's text: bytes [off, off+len) and its box. */
typedef struct line_box {
    size_t off, len;
    unsigned nchars;
    double x0, x1, y0, y1, h;
    uint32_t last; /* its last non-space code point */
} line_box;

static int is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == 0x3000 || c == 0xA0;
}

/* A line ending that ends a paragraph when the line is also short. */
static int ends_sentence(uint32_t c)
{
    static const uint32_t ends[] = {0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0xFF1A, 0x201D, 0x300D,
                                    0xFF09, '.',    '!',    '?',    ':',    ';'};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
        if (c == ends[i])
            return 1;
    return 0;
}

/* Split txt into lines; with rects (one per character of txt) give each
 * its box.  Returns the number of lines, -1 out of memory. */
static long split_lines(const char *txt, const PopplerRectangle *r, guint nr, line_box **out)
{
    size_t n = strlen(txt), cap = 16, nl = 0, ci = 0;
    line_box *L = malloc(cap * sizeof *L);
    if (!L)
        return -1;
    for (size_t i = 0; i <= n;) {
        if (nl == cap) {
            line_box *m = realloc(L, (cap *= 2) * sizeof *L);
            if (!m)
                return free(L), -1;
            L = m;
        }
        line_box *b = &L[nl++];
        memset(b, 0, sizeof *b);
        b->off = i;
        b->x0 = b->y0 = INFINITY;
        b->x1 = b->y1 = -INFINITY;
        while (i < n && txt[i] != '\n') {
            uint32_t c;
            size_t k = utf8_decode((const unsigned char *)txt + i, n - i, &c);
            if (!is_space_cp(c)) {
                b->nchars++;
                b->last = c;
                if (r && ci < nr) {
                    const PopplerRectangle *q = &r[ci];
                    b->x0 = fmin(b->x0, fmin(q->x1, q->x2));
                    b->x1 = fmax(b->x1, fmax(q->x1, q->x2));
                    b->y0 = fmin(b->y0, fmin(q->y1, q->y2));
                    b->y1 = fmax(b->y1, fmax(q->y1, q->y2));
                }
            }
            i += k;
            ci++;
        }
        b->len = i - b->off;
        b->h = b->nchars && b->y1 > b->y0 ? b->y1 - b->y0 : 0;
        i++; /* the "\n" (or the end) */
        ci++;
    }
    *out = L;
    return (long)nl;
}

/* Whether line i starts a paragraph: indented from the common left edge,
 * after a short line ending a sentence, or after a vertical gap. */
static int starts_paragraph(const line_box *L, size_t i, size_t prev, double left, double right)
{
    const line_box *a = &L[prev], *b = &L[i];
    if (prev + 1 != i) /* blank lines between */
        return 1;
    if (!(b->h > 0) || !(a->h > 0))
        return 0;
    double h = fmax(a->h, b->h);
    if (b->y0 < a->y0 - h / 2 || b->y0 - a->y1 > 1.2 * h) /* new block, or a gap */
        return 1;
    if (b->x0 > left + 0.9 * b->h)
        return 1;
    return ends_sentence(a->last) && a->x1 < right - 1.5 * a->h;
}

/* Append one page's text, lines and paragraphs as the layout says. */
static int add_page_text(zf_text *out, const char *txt, const PopplerRectangle *r, guint nr)
{
    line_box *L;
    long nl = split_lines(txt, r, nr, &L);
    if (nl < 0)
        return -1;
    double left = INFINITY, right = -INFINITY;
    for (int pass = 0; pass < 2 && isinf(left); pass++) /* long lines first */
        for (long i = 0; i < nl; i++)
            if (L[i].nchars >= (pass ? 1u : 8u) && L[i].h > 0) {
                left = fmin(left, L[i].x0);
                right = fmax(right, L[i].x1);
            }
    long prev = -1;
    int rc = 0;
    for (long i = 0; i < nl && !rc; i++) {
        if (!L[i].nchars)
            continue;
        if (prev >= 0) {
            if (r && starts_paragraph(L, (size_t)i, (size_t)prev, left, right))
                rc = zf_paragraph(out);
            else
                rc = zf_add_utf8(out, "\n", 1);
        }
        const char *s = txt + L[i].off;
        size_t len = L[i].len;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
            len--;
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        if (!rc)
            rc = zf_add_utf8(out, s, len);
        prev = i;
    }
    free(L);
    return rc;
}

static int has_text(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return 1;
    return 0;
}

static int has_images(PopplerPage *page)
{
    GList *m = poppler_page_get_image_mapping(page);
    int any = m != NULL;
    poppler_page_free_image_mapping(m);
    return any;
}

/* --- hints --------------------------------------------------------------- */

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && g_ascii_strcasecmp(s + n - k, suffix) == 0;
}

/* Why a document title is not a title, or NULL when it is one. */
static const char *junk_title(const char *t, const char *name)
{
    static const char *const exts[] = {".doc", ".docx", ".wps", ".pdf", ".txt", ".rtf", ".odt",
                                       ".xls", ".xlsx", ".ppt", ".pptx", ".htm", ".html", ".ofd",
                                       ".tmp", ".indd", ".dot", ".dotx"};
    if (!*t)
        return "empty";
    if (!g_utf8_validate(t, -1, NULL))
        return "not UTF-8";
    if (!strncmp(t, "Microsoft ", 10) && strstr(t, " - "))
        return "an Office file name";
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (ends_with_ci(t, exts[i]))
            return "a file name";
    if (strchr(t, '/') && !strchr(t, ' ') && (t[0] == '/' || strchr(t, '.')))
        return "a path";
    static const char *const placeholders[] = {"untitled", "无标题", "无标题文档", "document",
                                               "文档", "新建", "PowerPoint 演示文稿"};
    for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++)
        if (!g_ascii_strncasecmp(t, placeholders[i], strlen(placeholders[i])) &&
            strspn(t + strlen(placeholders[i]), " 0123456789-_") ==
                strlen(t + strlen(placeholders[i])))
            return "a placeholder"; /* "Untitled-1", "文档1", "Document 2" */
    if (!strncmp(t, "新建 ", 7) || strchr(t, '\\'))
        return "a placeholder";
    if (name) {
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        if (!strcmp(base, t))
            return "the file name";
    }
    return NULL;
}

static int set_hints(PopplerDocument *doc, const zf_opts *o, zf_text *out)
{
    gchar *title = poppler_document_get_title(doc);
    if (title) {
        char *t = g_strstrip(title);
        if (!junk_title(t, o->name) && !(out->title = strdup(t))) {
            g_free(title);
            return -1;
        }
        g_free(title);
    }
    GDateTime *dt = poppler_document_get_creation_date_time(doc);
    if (dt) {
        gchar *s = g_date_time_format(dt, "%Y-%m-%d");
        if (s && zf_parse_date(s, out->date) != 0)
            out->date[0] = 0;
        g_free(s);
        g_date_time_unref(dt);
    }
    return 0;
}

/* --- OCR ----------------------------------------------------------------- */

#if ZHS_WITH_OCR
/* Render a page at OCR_DPI (less for huge pages) on white, as 8-bit grey,
 * and recognise it.  Returns malloc'd UTF-8 or NULL with e set. */
static char *ocr_page(zf_ocr *ocr, PopplerPage *page, zerr *e)
{
    double w, h;
    poppler_page_get_size(page, &w, &h);
    double dpi = OCR_DPI;
    if (!(w > 0 && h > 0)) {
        zerr_set(e, ZERR_NOT_INDEXABLE, "PDF: damaged (a page of no size)");
        return NULL;
    }
    double side = fmax(w, h) * dpi / 72;
    if (side > OCR_MAX_SIDE)
        dpi *= OCR_MAX_SIDE / side;
    int W = (int)ceil(w * dpi / 72), H = (int)ceil(h * dpi / 72);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    unsigned char *grey = malloc((size_t)W * (size_t)H);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || !grey) {
        cairo_surface_destroy(s);
        free(grey);
        zerr_set(e, ZERR_NOMEM, "out of memory");
        return NULL;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, dpi / 72, dpi / 72);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < H; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < W; x++) {
            uint32_t p = row[x];
            grey[(size_t)y * (size_t)W + (size_t)x] =
                (unsigned char)((((p >> 16) & 255) * 299 + ((p >> 8) & 255) * 587 +
                                 (p & 255) * 114) / 1000);
        }
    }
    cairo_surface_destroy(s);
    char *t = zf_ocr_page(ocr, grey, W, H, W, (int)dpi, e);
    free(grey);
    return t;
}
#endif

/* --- extraction ---------------------------------------------------------- */

static zerr_code open_error(GError *err, zerr *e)
{
    zerr_code rc;
    if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
        rc = zerr_set(e, ZERR_NOT_INDEXABLE, "PDF: password-protected");
    else
        rc = zerr_set(e, ZERR_NOT_INDEXABLE, "PDF: damaged (%s)",
                      err && err->message && g_utf8_validate(err->message, -1, NULL)
                          ? err->message
                          : "unreadable");
    if (err)
        g_error_free(err);
    return rc;
}

/* The text layer of page i into out; *scanned set when it has none but
 * has images.  0, or -1 out of memory. */
static int read_page(PopplerDocument *doc, int i, zf_text *out, int *scanned)
{
    PopplerPage *page = poppler_document_get_page(doc, i);
    *scanned = 0;
    if (!page)
        return 0;
    char *txt = poppler_page_get_text(page);
    int rc = 0;
    if (has_text(txt)) {
        PopplerRectangle *r = NULL;
        guint nr = 0;
        if (!poppler_page_get_text_layout(page, &r, &nr) ||
            nr != (guint)g_utf8_strlen(txt, -1)) /* layout not matching: lines only */
            g_free(r), r = NULL, nr = 0;
        rc = add_page_text(out, txt, r, nr);
        g_free(r);
    } else {
        *scanned = has_images(page);
    }
    g_free(txt);
    g_object_unref(page);
    return rc;
}

#if ZHS_WITH_OCR
/* Recognise page i into out.  A page tesseract cannot read stays empty;
 * only running out of memory (or no language data) fails the document. */
static zerr_code ocr_one(zf_ocr *ocr, PopplerDocument *doc, int i, int np, const zf_opts *o,
                         zf_text *out, zerr *e)
{
    if (o->progress)
        o->progress(o->progress_ctx, o->name, (unsigned)i + 1, (unsigned)np, "OCR");
    PopplerPage *page = poppler_document_get_page(doc, i);
    if (!page)
        return ZERR_OK;
    char *t = ocr_page(ocr, page, e);
    g_object_unref(page);
    if (!t)
        return e->code == ZERR_NOMEM ? ZERR_NOMEM : ZERR_OK;
    size_t k = strlen(t);
    while (k && (t[k - 1] == '\n' || t[k - 1] == ' '))
        k--;
    int bad = zf_add_utf8(out, t, k);
    free(t);
    out->ocr_pages++;
    return bad ? zerr_set(e, ZERR_NOMEM, "out of memory") : ZERR_OK;
}
#endif

/* Recognise the scanned pages (flags in scanned[]) and put their text in
 * at their page's place: the text is written again page by page, the
 * text pages as they were. */
static zerr_code ocr_pages(PopplerDocument *doc, int np, const char *scanned, const zf_opts *o,
                           zf_text *out, zerr *e)
{
#if ZHS_WITH_OCR
    zf_ocr *ocr = zf_ocr_new(e);
    if (!ocr)
        return e->code;
    zbuf old = out->text;
    memset(&out->text, 0, sizeof out->text);
    out->pages = 0;
    const char *p = old.data ? old.data : "";
    zerr_code rc = ZERR_OK;
    for (int i = 0; i < np && !rc; i++) {
        const char *end = strchr(p, '\f');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (i > 0 && zf_page(out))
            rc = zerr_set(e, ZERR_NOMEM, "out of memory");
        else if (scanned[i])
            rc = ocr_one(ocr, doc, i, np, o, out, e);
        else if (zbuf_add(&out->text, p, len))
            rc = zerr_set(e, ZERR_NOMEM, "out of memory");
        p = end ? end + 1 : p + len;
    }
    zbuf_free(&old);
    zf_ocr_free(ocr);
    return rc;
#else
    (void)doc, (void)np, (void)scanned, (void)o, (void)out;
    return zerr_set(e, ZERR_NOT_INDEXABLE,
                    "no text layer (scanned); this build has no OCR (built without tesseract)");
#endif
}

static zerr_code read_pages(PopplerDocument *doc, const zf_opts *o, zf_text *out, zerr *e)
{
    int np = poppler_document_get_n_pages(doc);
    if (np <= 0)
        return ZERR_OK;
    char *scanned = calloc((size_t)np, 1);
    if (!scanned)
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    int nscanned = 0, ntext = 0;
    zerr_code rc = ZERR_OK;
    for (int i = 0; i < np && !rc; i++) {
        size_t before = out->text.len;
        int sc = 0;
        if (i > 0 && zf_page(out))
            rc = zerr_set(e, ZERR_NOMEM, "out of memory");
        else if (read_page(doc, i, out, &sc))
            rc = zerr_set(e, ZERR_NOMEM, "out of memory");
        scanned[i] = (char)sc;
        nscanned += sc;
        ntext += out->text.len > before + (i > 0);
    }
    if (!rc && nscanned && (o->ocr || !ntext)) {
        if (!o->ocr)
            rc = zerr_set(e, ZERR_NOT_INDEXABLE, "no text layer (scanned); rerun with --ocr");
        else
            rc = ocr_pages(doc, np, scanned, o, out, e);
    }
    free(scanned);
    out->pages = (unsigned)np; /* a one-page PDF is paged too */
    return rc;
}

static zerr_code extract_pdf(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    GError *err = NULL;
    GBytes *bytes = g_bytes_new_static(b, n);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    g_bytes_unref(bytes);
    if (!doc)
        return open_error(err, e);
    zerr_code rc = read_pages(doc, o, out, e);
    if (!rc && set_hints(doc, o, out))
        rc = zerr_set(e, ZERR_NOMEM, "out of memory");
    g_object_unref(doc);
    return rc;
}

#else /* built without poppler */

static zerr_code extract_pdf(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)b, (void)n, (void)o, (void)out;
    return zf_not_built("PDF", "poppler-glib", e);
}

#endif

const zf_format zf_format_pdf = {"PDF", sniff_pdf, extract_pdf};
