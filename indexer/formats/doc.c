/* doc.c - Word 97-2003 binary documents (.doc) and Kingsoft WPS Office
 * documents (.wps, the same binary format), read with libgsf's OLE2
 * compound-file reader and our own walk of the piece table ([MS-DOC]).
 *
 * Rules, and why:
 *  - Sniff: the OLE2 magic D0 CF 11 E0 A1 B1 1A E1 and a "WordDocument"
 *    stream.  Other OLE files (XLS, PPT, MSI, Works) fall through the
 *    registry and are refused as binary by the text row.  When libgsf cannot
 *    read the directory (a truncated file), the UTF-16 name "WordDocument"
 *    in the bytes still says Word, so the reason is "DOC: damaged".  A build
 *    without libgsf takes every OLE file, so its message says the build
 *    cannot read DOC.
 *  - The FIB at the start of WordDocument: wIdent 0xA5EC; nFib below 0xC0
 *    is Word 6/95 (another FIB layout, not read); fEncrypted (also set for
 *    XOR obfuscation) is a password; fWhichTblStm picks 1Table or 0Table;
 *    ccpText/ccpFtn/... (FibRgLw97) give the stories' CP ranges and
 *    fcClx/lcbClx (FibRgFcLcb97) the piece table in the table stream.
 *  - The Clx: Prc entries (0x01) are skipped, the Pcdt (0x02) holds the
 *    PlcPcd: n+1 CPs and n 8-byte PCDs.  A piece with bit 0x40000000 of its
 *    fc is "compressed": one byte a character at fc/2, cp1252 for
 *    0x80-0x9F, Latin-1 otherwise; other pieces are UTF-16LE at fc.  Fast-
 *    saved documents have many pieces in any fc order; we follow CPs.
 *  - Text: the main story, then footnotes, endnotes and text boxes, each as
 *    paragraphs.  Headers/footers (page numbers, running titles) and
 *    comments are left out.  0x0D paragraph end, 0x07 cell/row end and 0x0C
 *    page/section break end a paragraph; 0x0B is a line break; fields
 *    (0x13 code 0x14 result 0x15, nested) keep only their result; objects
 *    (0x01, 0x08) and other controls are dropped; 0x1E (non-breaking
 *    hyphen) is "-", 0x1F (optional hyphen) is dropped.
 *  - Every offset and count is checked against the stream sizes: hostile
 *    files give "DOC: damaged (...)", never a read out of bounds.
 *  - Title and creation date from the SummaryInformation stream, as hints.
 *  - Messages start with "DOC", or "WPS/DOC" for a file named .wps.
 *  - libgsf (GObject) is initialised once with pthread_once (its own
 *    warnings about damaged files silenced: the message says it); the rest
 *    is per call, so extractors may run on several threads at once.
 */
#include "formats.h"

#include <string.h>

static const unsigned char ole_magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

static int has_ole_magic(const char *b, size_t n)
{
    return n >= 8 && memcmp(b, ole_magic, 8) == 0;
}

#if ZHS_WITH_DOC

#include <gsf/gsf-doc-meta-data.h>
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input.h>
#include <gsf/gsf-meta-names.h>
#include <gsf/gsf-msole-utils.h>
#include <gsf/gsf-timestamp.h>
#include <gsf/gsf-utils.h>
#include <pthread.h>
#include <stdlib.h>

static pthread_once_t gsf_once = PTHREAD_ONCE_INIT;

static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)msg, (void)data;
}

/* libgsf reports damaged compound files with g_critical/g_warning on
 * stderr; our caller gets the reason as a message instead. */
static void gsf_init_once(void)
{
    gsf_init();
    const GLogLevelFlags levels = G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE;
    g_log_set_handler("libgsf:msole", levels, quiet, NULL);
    g_log_set_handler("libgsf", levels, quiet, NULL);
}

/* The compound file of the n bytes b, or NULL. */
static GsfInfile *ole_open(const char *b, size_t n)
{
    pthread_once(&gsf_once, gsf_init_once);
    GsfInput *in = gsf_input_memory_new((const guint8 *)b, (gsf_off_t)n, FALSE);
    if (!in)
        return NULL;
    GsfInfile *ole = gsf_infile_msole_new(in, NULL);
    g_object_unref(in);
    return ole;
}

static int has_stream(GsfInfile *ole, const char *name)
{
    GsfInput *s = gsf_infile_child_by_name(ole, name);
    if (!s)
        return 0;
    g_object_unref(s);
    return 1;
}

/* "WordDocument" in UTF-16LE, as a directory entry names it. */
static int names_word_stream(const char *b, size_t n)
{
    static const char w[] = "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0";
    const size_t k = sizeof w - 1;
    for (const char *p = b; n >= k && (size_t)(p - b) <= n - k; p++) {
        p = memchr(p, 'W', n - k + 1 - (size_t)(p - b));
        if (!p)
            return 0;
        if (!memcmp(p, w, k))
            return 1;
    }
    return 0;
}

static int sniff_doc(const char *b, size_t n)
{
    if (!has_ole_magic(b, n))
        return 0;
    GsfInfile *ole = ole_open(b, n);
    if (!ole)
        return names_word_stream(b, n);
    int yes = has_stream(ole, "WordDocument");
    g_object_unref(ole);
    return yes;
}

/* ---- little-endian reads; callers check the bounds ---- */

static unsigned rd16(const guint8 *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t rd32(const guint8 *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One extraction: the streams, what the FIB says, the piece table. */
typedef struct doc {
    const char *fmt; /* "DOC" or "WPS/DOC", for messages */
    guint8 *word, *table;
    size_t nword, ntable;
    unsigned flags;
    uint32_t ccp[7]; /* text, ftn, hdd, atn, edn, txbx, hdrtxbx */
    uint32_t fc_clx, lcb_clx;
    const guint8 *plc; /* the PlcPcd, inside table */
    size_t npieces;
} doc;

enum { FIB_FLAGS = 0x0A, F_ENCRYPTED = 0x0100, F_WHICH_TBL = 0x0200 };

static zerr_code damaged(const doc *d, zerr *e, const char *why)
{
    return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: damaged (%s)", d->fmt, why);
}

/* Read stream name of ole whole into *out (at most limit bytes): 0, or 1
 * when missing, or -1 when unreadable, or -2 out of memory. */
static int read_stream(GsfInfile *ole, const char *name, size_t limit, guint8 **out, size_t *len)
{
    GsfInput *s = gsf_infile_child_by_name(ole, name);
    if (!s)
        return 1;
    gsf_off_t size = gsf_input_size(s);
    int rc = 0;
    if (size < 0 || (uint64_t)size > limit) {
        rc = -1;
    } else if (!(*out = malloc((size_t)size + 1))) {
        rc = -2;
    } else if (size > 0 && !gsf_input_read(s, (size_t)size, *out)) {
        rc = -1;
    }
    *len = (size_t)(rc ? 0 : size);
    g_object_unref(s);
    return rc;
}

/* The FIB: version, encryption, the stories' lengths and where the Clx is. */
static zerr_code parse_fib(doc *d, zerr *e)
{
    const guint8 *w = d->word;
    if (d->nword < 34 || (rd16(w) != 0xA5EC && rd16(w) != 0xA5DC))
        return damaged(d, e, "no Word file information block");
    unsigned nfib = rd16(w + 2);
    if (nfib < 101)
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: Word 2.0 or older format not supported",
                        d->fmt);
    if (nfib < 0xC0)
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: Word 6/95 format not supported", d->fmt);
    d->flags = rd16(w + FIB_FLAGS);
    if (d->flags & F_ENCRYPTED)
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: password-protected", d->fmt);
    size_t lw = 32 + 2 + (size_t)rd16(w + 32) * 2; /* cslw, after csw and fibRgW */
    if (lw + 2 > d->nword)
        return damaged(d, e, "file information block cut short");
    size_t nlw = rd16(w + lw);
    size_t fl = lw + 2 + nlw * 4; /* cbRgFcLcb */
    if (nlw < 11 || fl + 2 > d->nword)
        return damaged(d, e, "file information block cut short");
    for (int i = 0; i < 7; i++)
        d->ccp[i] = rd32(w + lw + 2 + 12 + 4 * (size_t)(i < 3 ? i : i + 1));
    size_t npairs = rd16(w + fl), clx = fl + 2 + 33 * 8;
    if (npairs < 34 || clx + 8 > d->nword)
        return damaged(d, e, "file information block cut short");
    d->fc_clx = rd32(w + clx);
    d->lcb_clx = rd32(w + clx + 4);
    return ZERR_OK;
}

/* Find the PlcPcd in the Clx and check its CPs. */
static zerr_code parse_clx(doc *d, zerr *e)
{
    if (d->fc_clx > d->ntable || d->lcb_clx > d->ntable - d->fc_clx)
        return damaged(d, e, "piece table past the end of the table stream");
    const guint8 *p = d->table + d->fc_clx, *end = p + d->lcb_clx;
    while (p < end && *p == 0x01) { /* Prc: cbGrpprl, then the grpprl */
        if (end - p < 3 || (size_t)(end - p - 3) < rd16(p + 1))
            return damaged(d, e, "piece table past the end of the table stream");
        p += 3 + rd16(p + 1);
    }
    if (end - p < 5 || *p != 0x02)
        return damaged(d, e, "no piece table");
    uint32_t lcb = rd32(p + 1);
    p += 5;
    if (lcb > (size_t)(end - p))
        return damaged(d, e, "piece table past the end of the table stream");
    if (lcb < 16 || (lcb - 4) % 12)
        return damaged(d, e, "piece table of a wrong size");
    d->plc = p;
    d->npieces = (lcb - 4) / 12;
    for (size_t i = 0; i < d->npieces; i++)
        if (rd32(p + 4 * i) > rd32(p + 4 * (i + 1)))
            return damaged(d, e, "piece table out of order");
    return ZERR_OK;
}

/* ---- the characters, through the field state machine ---- */

typedef struct emit {
    zf_text *t;
    unsigned depth;        /* fields open */
    unsigned char code[64]; /* per open field (up to 64): 1 while in its code */
    unsigned hi;           /* a high surrogate waiting for its low half */
} emit;

static const uint16_t cp1252_80[32] = {
    0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178,
};

static int in_field_code(const emit *m)
{
    unsigned k = m->depth < sizeof m->code ? m->depth : sizeof m->code;
    if (m->depth > sizeof m->code)
        return 1; /* nested deeper than we track: treat as code */
    for (unsigned i = 0; i < k; i++)
        if (m->code[i])
            return 1;
    return 0;
}

/* A field mark; 0 when c is not one. */
static int field_mark(emit *m, uint32_t c)
{
    if (c == 0x13) {
        if (m->depth < sizeof m->code)
            m->code[m->depth] = 1;
        m->depth++;
    } else if (c == 0x14) {
        if (m->depth && m->depth <= sizeof m->code)
            m->code[m->depth - 1] = 0;
    } else if (c == 0x15) {
        if (m->depth)
            m->depth--;
    } else {
        return 0;
    }
    return 1;
}

/* One character of the document: -1 out of memory. */
static int emit_char(emit *m, uint32_t c)
{
    if (field_mark(m, c) || in_field_code(m))
        return 0;
    switch (c) {
    case 0x0D: case 0x07: case 0x0C:
        return zf_paragraph(m->t);
    case 0x0B:
        return zf_add_cp(m->t, '\n');
    case 0x09:
        return zf_add_cp(m->t, '\t');
    case 0x1E:
        return zf_add_cp(m->t, '-');
    default:
        return c < 0x20 ? 0 : zf_add_cp(m->t, c);
    }
}

/* One UTF-16 code unit, joining surrogate pairs (also across pieces). */
static int emit_unit(emit *m, unsigned u)
{
    if (m->hi) {
        unsigned hi = m->hi;
        m->hi = 0;
        if (u >= 0xDC00 && u <= 0xDFFF)
            return emit_char(m, 0x10000 + ((hi - 0xD800) << 10) + (u - 0xDC00));
        if (emit_char(m, 0xFFFD))
            return -1;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
        m->hi = u;
        return 0;
    }
    return emit_char(m, u);
}

/* CPs [a, b) of piece i, whose text starts at CP start. */
static zerr_code emit_piece(const doc *d, emit *m, size_t i, uint32_t start, uint32_t a,
                            uint32_t b, zerr *e)
{
    const guint8 *pcd = d->plc + 4 * (d->npieces + 1) + 8 * i;
    uint32_t fc = rd32(pcd + 2);
    int compressed = (fc & 0x40000000) != 0;
    uint64_t off = compressed ? (fc & 0x3FFFFFFF) / 2 : (fc & 0x3FFFFFFF);
    uint64_t from = off + (uint64_t)(a - start) * (compressed ? 1 : 2);
    uint64_t to = off + (uint64_t)(b - start) * (compressed ? 1 : 2);
    if (to > d->nword)
        return damaged(d, e, "text past the end of the WordDocument stream");
    for (uint64_t k = from; k < to; k += compressed ? 1 : 2) {
        unsigned c = compressed ? d->word[k] : rd16(d->word + k);
        if (compressed && c >= 0x80 && c < 0xA0)
            c = cp1252_80[c - 0x80];
        if (emit_unit(m, c))
            return zerr_set(e, ZERR_NOMEM, "out of memory");
    }
    return ZERR_OK;
}

/* The text of CPs [a, b): one story. */
static zerr_code emit_story(const doc *d, zf_text *t, uint64_t a, uint64_t b, zerr *e)
{
    emit m = {.t = t};
    for (size_t i = 0; i < d->npieces && a < b; i++) {
        uint32_t s = rd32(d->plc + 4 * i), z = rd32(d->plc + 4 * (i + 1));
        if (z <= a || s >= b)
            continue;
        uint32_t from = a > s ? (uint32_t)a : s, to = b < z ? (uint32_t)b : z;
        zerr_code rc = emit_piece(d, &m, i, s, from, to, e);
        if (rc)
            return rc;
    }
    if (m.hi && emit_char(&m, 0xFFFD))
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    return zf_paragraph(t) ? zerr_set(e, ZERR_NOMEM, "out of memory") : ZERR_OK;
}

/* Main text, footnotes, endnotes, text boxes (ccp indexes 0, 1, 4, 5). */
static zerr_code emit_text(const doc *d, zf_text *t, zerr *e)
{
    static const int stories[] = {0, 1, 4, 5};
    for (size_t s = 0; s < sizeof stories / sizeof *stories; s++) {
        uint64_t a = 0;
        for (int k = 0; k < stories[s]; k++)
            a += d->ccp[k];
        zerr_code rc = emit_story(d, t, a, a + d->ccp[stories[s]], e);
        if (rc)
            return rc;
    }
    return ZERR_OK;
}

/* ---- SummaryInformation: title and creation date hints ---- */

static void set_title(zf_text *out, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (!n || !g_utf8_validate(s, (gssize)n, NULL))
        return;
    free(out->title);
    out->title = strndup(s, n);
}

static void read_summary(GsfInfile *ole, zf_text *out)
{
    GsfInput *s = gsf_infile_child_by_name(ole, "\005SummaryInformation");
    if (!s)
        return;
    GsfDocMetaData *meta = gsf_doc_meta_data_new();
    GError *err = gsf_doc_meta_data_read_from_msole(meta, s);
    if (err) {
        g_error_free(err);
    } else {
        GsfDocProp *p = gsf_doc_meta_data_lookup(meta, GSF_META_NAME_TITLE);
        const GValue *v = p ? gsf_doc_prop_get_val(p) : NULL;
        if (v && G_VALUE_HOLDS_STRING(v) && g_value_get_string(v))
            set_title(out, g_value_get_string(v));
        p = gsf_doc_meta_data_lookup(meta, GSF_META_NAME_DATE_CREATED);
        v = p ? gsf_doc_prop_get_val(p) : NULL;
        if (v && G_VALUE_HOLDS(v, GSF_TIMESTAMP_TYPE) && g_value_get_boxed(v)) {
            char *ts = gsf_timestamp_as_string(g_value_get_boxed(v));
            if (ts && zf_parse_date(ts, out->date))
                out->date[0] = 0;
            g_free(ts);
        }
    }
    g_object_unref(meta);
    g_object_unref(s);
}

/* ---- extraction ---- */

static const char *format_of(const zf_opts *o)
{
    const char *name = o ? o->name : NULL;
    size_t n = name ? strlen(name) : 0;
    return n >= 4 && !g_ascii_strcasecmp(name + n - 4, ".wps") ? "WPS/DOC" : "DOC";
}

/* Read WordDocument and the table stream it names. */
static zerr_code read_streams(doc *d, GsfInfile *ole, size_t n, zerr *e)
{
    int rc = read_stream(ole, "WordDocument", n, &d->word, &d->nword);
    if (rc == -2)
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    if (rc)
        return damaged(d, e, "WordDocument stream unreadable");
    zerr_code zrc = parse_fib(d, e);
    if (zrc)
        return zrc;
    const char *tname = d->flags & F_WHICH_TBL ? "1Table" : "0Table";
    rc = read_stream(ole, tname, n, &d->table, &d->ntable);
    if (rc == -2)
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    if (rc)
        return damaged(d, e, rc == 1 ? "no table stream" : "table stream unreadable");
    return ZERR_OK;
}

static zerr_code extract_doc(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    doc d = {.fmt = format_of(o)};
    if (!has_ole_magic(b, n))
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: not an OLE2 compound file", d.fmt);
    GsfInfile *ole = ole_open(b, n);
    if (!ole)
        return damaged(&d, e, "unreadable OLE2 compound file");
    zerr_code rc = read_streams(&d, ole, n, e);
    if (!rc)
        rc = parse_clx(&d, e);
    if (!rc)
        rc = emit_text(&d, out, e);
    if (!rc)
        read_summary(ole, out);
    g_object_unref(ole);
    free(d.word);
    free(d.table);
    return rc;
}

#else /* !ZHS_WITH_DOC: every OLE2 file, so that the message names DOC */

static int sniff_doc(const char *b, size_t n)
{
    return has_ole_magic(b, n);
}

static zerr_code extract_doc(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)b, (void)n, (void)o, (void)out;
    return zf_not_built("DOC", "libgsf", e);
}

#endif

const zf_format zf_format_doc = {"DOC", sniff_doc, extract_doc};
