/* document.c - see document.h. */
#include "document.h"
#include "extract.h"
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
    char *text = NULL, *title = NULL;
    size_t len = 0;
    zerr_code rc = ze_decode(in->bytes, in->nbytes, o->encoding, &text, &len, in->encoding,
                             sizeof in->encoding, &why);
    if (rc)
        return zerr_set(e, rc, "%s%s", rc == ZERR_NOMEM ? "" : "not indexed: ", why.msg);
    if (ze_is_html(path, text, len)) {
        char *plain;
        size_t plen;
        if (ze_html_to_text(text, len, &plain, &plen, &title)) {
            free(text); /* it fails only for want of memory */
            zerr_set(e, ZERR_NOMEM, "out of memory");
            return ZERR_NOMEM;
        }
        free(text);
        text = plain;
        len = plen;
    }
    /* Metadata first: portal headers carry the publication date. */
    zm_extract(text, len, title, &in->meta);
    free(title);
    ze_strip_chrome(text, &len);
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

zx_doc *zdoc_build(za_analyzer *a, zd_codec *codec, const char *key, const zdoc_input *in,
                   zbuf *scratch)
{
    zx_doc *d = zx_doc_new();
    if (!d)
        return NULL;
    const zm_meta *m = &in->meta;
    char year[16] = "", size[24];
    if (m->year > 0)
        snprintf(year, sizeof year, "%04d", m->year);
    snprintf(size, sizeof size, "%zu", in->nbytes);
    int bad = 0;
    zt_id_term(key, scratch);
    bad |= zx_doc_add_boolean(d, scratch->data, scratch->len) != ZX_OK;
    bad |= zt_index_text(a, d, ZT_FIELD_BODY, in->text, in->len, 1, 1);
    if (m->title[0]) {
        /* Title words weigh more in ranking and are searchable as title:. */
        bad |= zt_index_text(a, d, ZT_FIELD_BODY, m->title, strlen(m->title), ZT_TITLE_WDF, 0);
        bad |= zt_index_text(a, d, ZT_FIELD_TITLE, m->title, strlen(m->title), 1, 1);
    }
    if (m->issuer[0] || m->region[0]) {
        zbuf_clear(scratch);
        zbuf_adds(scratch, m->issuer);
        zbuf_adds(scratch, "|");
        zbuf_adds(scratch, m->region);
        bad |= zt_index_text(a, d, ZT_FIELD_ISSUER, scratch->data, scratch->len, 1, 1);
    }
    if (year[0]) {
        char t[24];
        snprintf(t, sizeof t, "Y%s", year);
        bad |= zx_doc_add_boolean(d, t, strlen(t)) != ZX_OK;
    }
    bad |= set_value(d, ZT_SLOT_PATH, key);
    bad |= set_value(d, ZT_SLOT_TITLE, m->title);
    bad |= set_value(d, ZT_SLOT_ISSUER, m->issuer);
    bad |= set_value(d, ZT_SLOT_REGION, m->region);
    bad |= set_value(d, ZT_SLOT_YEAR, year);
    bad |= set_value(d, ZT_SLOT_DATE, m->date);
    bad |= set_value(d, ZT_SLOT_DOCNO, m->docno);
    bad |= set_value(d, ZT_SLOT_HASH, in->hash);
    bad |= set_value(d, ZT_SLOT_SIZE, size);
    bad |= set_value(d, ZT_SLOT_ENCODING, in->encoding);
    char sortdate[24] = "";
    if (m->date[0])
        snprintf(sortdate, sizeof sortdate, "%s", m->date);
    else if (m->year > 0 && m->year < 9999)
        snprintf(sortdate, sizeof sortdate, "%04d-00-00", m->year + 1);
    bad |= set_value(d, ZT_SLOT_SORTDATE, sortdate);
    bad |= zd_encode(codec, in->text, in->len, scratch);
    bad |= zx_doc_set_data(d, scratch->data, scratch->len) != ZX_OK;
    if (bad) {
        zx_doc_free(d);
        return NULL;
    }
    return d;
}
