/* document.c - see document.h. */
#include "document.h"
#include "extract.h"
#include "format.h"
#include "terms.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void zdoc_hash(const char *p, size_t n, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)zh_hash64(p, n));
}

/* What a file that is not a regular one is, for messages. */
static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket"
         : S_ISCHR(m) || S_ISBLK(m) ? "a device" : S_ISLNK(m) ? "a symbolic link" : "special";
}

zerr_code zdoc_read(const char *path, const zdoc_opts *o, zdoc_input *in, zerr *e)
{
    return zdoc_read_file(path, o, 0, in, e);
}

zerr_code zdoc_read_file(const char *path, const zdoc_opts *o, int nofollow, zdoc_input *in,
                         zerr *e)
{
    memset(in, 0, sizeof *in);
    /* The file may have been swapped since the walk: O_NONBLOCK so that a
     * FIFO cannot hang us, O_NOFOLLOW so that a link is not read unless
     * links are followed; then fstat decides. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        int no = errno;
        zerr_code code = no == ENOMEM ? ZERR_NOMEM
                       : no == ENOENT || no == ENOTDIR || no == EACCES || no == EPERM ||
                                 no == ELOOP || no == ENXIO || no == EISDIR
                           ? ZERR_NOT_INDEXABLE
                           : ZERR_IO;
        if (no == ELOOP && nofollow)
            return zerr_set(e, code, "not indexed: a symbolic link (see --follow)");
        return zerr_set(e, code, "cannot open: %s", strerror(no));
    }
    struct stat st;
    if (fstat(fd, &st)) {
        zerr_set(e, ZERR_IO, "cannot stat: %s", strerror(errno));
        close(fd);
        return ZERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        zerr_set(e, ZERR_NOT_INDEXABLE, "not indexed: not a regular file (%s)",
                 file_kind(st.st_mode));
        close(fd);
        return ZERR_NOT_INDEXABLE;
    }
    int fl = fcntl(fd, F_GETFL); /* a regular file: reads may block as usual */
    if (fl != -1)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if ((size_t)st.st_size > o->max_bytes) {
        zerr_set(e, ZERR_NOT_INDEXABLE, "too large (%lld bytes; the limit is %zu, see --max-size)",
                 (long long)st.st_size, o->max_bytes);
        close(fd);
        return ZERR_NOT_INDEXABLE;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *b = malloc(cap);
    if (!b) {
        zerr_set(e, ZERR_NOMEM, "out of memory");
        close(fd);
        return ZERR_NOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) { /* the file grew while we read it */
            if (cap > o->max_bytes) {
                zerr_set(e, ZERR_NOT_INDEXABLE, "too large (grew while reading)");
                free(b);
                close(fd);
                return ZERR_NOT_INDEXABLE;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                close(fd);
                zerr_set(e, ZERR_NOMEM, "out of memory");
                return ZERR_NOMEM;
            }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            zerr_set(e, ZERR_IO, "read error: %s", strerror(errno));
            free(b);
            close(fd);
            return ZERR_IO;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    b[n] = 0;
    in->bytes = b;
    in->nbytes = n;
    zdoc_hash(b, n, in->hash);
    zerr_ok(e);
    return ZERR_OK;
}

/* True when text holds anything but whitespace. */
static int has_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n\f\v", s[i]))
            return 1;
    return 0;
}

zerr_code zdoc_extract(const char *path, const zdoc_opts *o, zdoc_input *in, zerr *e)
{
    zerr why;
    zf_text t;
    memset(&t, 0, sizeof t);
    zf_opts fo = {path, o->encoding, o->ocr, o->progress, o->progress_ctx};
    const zf_format *fmt;
    zerr_code rc = zf_extract(in->bytes, in->nbytes, &fo, &t, &fmt, &why);
    in->format = fmt->name;
    if (rc) {
        zf_text_clear(&t);
        return zerr_set(e, rc, "%s%s", rc == ZERR_NOMEM ? "" : "not indexed: ", why.msg);
    }
    char *text = t.text.data;
    size_t len = t.text.len;
    t.text.data = NULL;
    if (!text) { /* an extractor that found nothing at all */
        text = calloc(1, 1);
        if (!text) {
            zf_text_clear(&t);
            return zerr_set(e, ZERR_NOMEM, "out of memory");
        }
    }
    snprintf(in->encoding, sizeof in->encoding, "%s", t.encoding[0] ? t.encoding : fmt->name);
    in->pages = t.pages;
    in->ocr_pages = t.ocr_pages;
    /* Metadata first: portal headers carry the publication date. */
    zm_hints hints = {t.title, t.date, path};
    zm_extract(text, len, &hints, &in->meta);
    if (t.strip_chrome)
        ze_strip_chrome(text, &len);
    zf_text_clear(&t);
    if (!has_text(text, len)) {
        free(text);
        return zerr_set(e, ZERR_NOT_INDEXABLE, "not indexed: %s",
                        in->nbytes ? "no text in the file" : "empty file");
    }
    in->text = text;
    in->len = len;
    zerr_ok(e);
    return ZERR_OK;
}

void zdoc_input_clear(zdoc_input *in)
{
    free(in->bytes);
    free(in->text);
    memset(in, 0, sizeof *in);
}

static int set_value(zx_doc *d, unsigned slot, const char *v)
{
    return v && *v ? zx_doc_set_value(d, slot, v, strlen(v)) : 0;
}

/* The value of field f of zt_fields for a document: its extraction (a new
 * row of the table gets its case here).  NULL or "" when it has none. */
static const char *field_value(const zt_field *f, const char *key, const zdoc_input *in,
                               const char *year, const char *pages)
{
    const zm_meta *m = &in->meta;
    switch (f->slot) {
    case ZT_SLOT_PATH: return key;
    case ZT_SLOT_TITLE: return m->title;
    case ZT_SLOT_ISSUER: return m->issuer;
    case ZT_SLOT_REGION: return m->region;
    case ZT_SLOT_YEAR: return year;
    case ZT_SLOT_DATE: return m->date;
    case ZT_SLOT_DOCNO: return m->docno;
    case ZT_SLOT_ENCODING: return in->encoding;
    case ZT_SLOT_FORMAT: return in->format;
    case ZT_SLOT_PAGES: return pages;
    case ZT_SLOT_OCR: return in->ocr_pages ? "true" : NULL;
    }
    return NULL;
}

static int same_prefix(const zt_field *a, const zt_field *b)
{
    return a->prefix && b->prefix && !strcmp(a->prefix, b->prefix);
}

/* The fields that share f's prefix (issuer and region), as one text:
 * the "|" between values is a punctuation gap, so that no phrase runs
 * from one into the next.  Indexed with the first of them. */
static int index_field(za_analyzer *a, zx_doc *d, unsigned i, const char *key,
                       const zdoc_input *in, const char *year, const char *pages, zbuf *b)
{
    const zt_field *f = &zt_fields[i];
    for (unsigned j = 0; j < i; j++)
        if (same_prefix(&zt_fields[j], f))
            return 0;
    int any = 0, bad = 0;
    unsigned flags = 0;
    zbuf_clear(b);
    for (unsigned j = i; j < zt_nfields; j++) {
        if (!same_prefix(&zt_fields[j], f))
            continue;
        const char *v = field_value(&zt_fields[j], key, in, year, pages);
        any |= v && *v;
        flags |= zt_fields[j].flags;
        bad |= (j > i && zbuf_adds(b, "|")) || zbuf_adds(b, v ? v : "");
    }
    if (!any || bad)
        return bad;
    if (flags & ZT_F_EXACT)
        return zt_index_exact(a, d, f->prefix, b->data, b->len);
    return bad | zt_index_text(a, d, f->prefix, b->data, b->len);
}

zx_doc *zdoc_build(za_analyzer *a, zd_codec *codec, const char *key, const zdoc_input *in,
                   zbuf *scratch)
{
    zx_doc *d = zx_doc_new();
    if (!d)
        return NULL;
    const zm_meta *m = &in->meta;
    char year[16] = "", size[24], pages[16] = "";
    if (m->year > 0)
        snprintf(year, sizeof year, "%04d", m->year);
    if (in->pages > 0)
        snprintf(pages, sizeof pages, "%u", in->pages);
    snprintf(size, sizeof size, "%zu", in->nbytes);
    int bad = 0;
    zt_id_term(key, scratch);
    bad |= zx_doc_add_boolean(d, scratch->data, scratch->len) != ZX_OK;
    bad |= zt_index_text(a, d, ZT_FIELD_BODY, in->text, in->len);
    for (unsigned i = 0; i < zt_nfields; i++) {
        bad |= set_value(d, (unsigned)zt_fields[i].slot,
                         field_value(&zt_fields[i], key, in, year, pages));
        if (zt_fields[i].prefix)
            bad |= index_field(a, d, i, key, in, year, pages, scratch);
    }
    bad |= set_value(d, ZT_SLOT_HASH, in->hash);
    bad |= set_value(d, ZT_SLOT_SIZE, size);
    char sortdate[24] = "";
    if (m->date[0])
        snprintf(sortdate, sizeof sortdate, "%s", m->date);
    else if (m->year > 0 && m->year < 9999)
        snprintf(sortdate, sizeof sortdate, "%04d-00-00", m->year + 1);
    bad |= set_value(d, ZT_SLOT_SORTDATE, sortdate);
    if (m->title[0]) { /* title length, for the title evidence of queries */
        char tl[16];
        snprintf(tl, sizeof tl, "%u", zt_count_chars(a, m->title, strlen(m->title)));
        bad |= set_value(d, ZT_SLOT_TITLELEN, tl);
    }
    bad |= zd_encode(codec, in->text, in->len, scratch);
    bad |= zx_doc_set_data(d, scratch->data, scratch->len) != ZX_OK;
    if (bad) {
        zx_doc_free(d);
        return NULL;
    }
    return d;
}
