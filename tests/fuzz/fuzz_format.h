/* fuzz_format.h - one extractor of the registry (indexer/format.h) on
 * arbitrary bytes; included by fuzz_pdf.c, fuzz_docx.c, fuzz_ofd.c and
 * fuzz_doc.c, which name their row.
 *
 * Invariants (format.h):
 *  - extract never crashes, on anything; it succeeds or returns
 *    ZERR_NOT_INDEXABLE / ZERR_NOMEM with a non-empty message that is valid
 *    UTF-8;
 *  - on success the text is NUL-terminated valid UTF-8 of exactly its
 *    length, without NUL bytes; pages is 0 (and then no "\f") or the number
 *    of "\f" plus one; ocr_pages <= pages; the title hint, when set, is
 *    valid UTF-8; the date hint is "" or YYYY-MM-DD;
 *  - zf_drop_running_lines keeps those and never grows the text.
 * sniff may say anything, but must not crash either.
 */
#ifndef ZHS_FUZZ_FORMAT_H
#define ZHS_FUZZ_FORMAT_H

#include "format.h"
#include "formats.h"
#include "fuzz_common.h"

static void fuzz_check_text(const zf_text *t)
{
    const char *s = t->text.data ? t->text.data : "";
    size_t n = t->text.len;
    FUZZ_CHECK(s[n] == 0, "text not NUL-terminated at its length %zu", n);
    FUZZ_CHECK(strlen(s) == n, "NUL at %zu inside %zu bytes", strlen(s), n);
    size_t bad = fuzz_utf8_bad_at(s, n);
    FUZZ_CHECK(bad == n, "invalid UTF-8 at byte %zu", bad);
    unsigned ff = 0;
    for (size_t i = 0; i < n; i++)
        ff += s[i] == '\f';
    FUZZ_CHECK(t->pages ? t->pages == ff + 1 : ff == 0, "pages %u with %u page breaks", t->pages,
               ff);
    FUZZ_CHECK(t->ocr_pages <= t->pages, "ocr_pages %u > pages %u", t->ocr_pages, t->pages);
    if (t->title)
        FUZZ_CHECK(fuzz_utf8_bad_at(t->title, strlen(t->title)) == strlen(t->title),
                   "title hint not UTF-8");
    if (t->date[0]) {
        char d[11];
        FUZZ_CHECK(memchr(t->date, 0, sizeof t->date) != NULL, "date not terminated");
        FUZZ_CHECK(zf_parse_date(t->date, d) == 0 && !strcmp(d, t->date), "date hint '%s'",
                   t->date);
    }
}

static int fuzz_format(const zf_format *f, const uint8_t *data, size_t size)
{
    (void)f->sniff((const char *)data, size);
    zf_text t;
    memset(&t, 0, sizeof t);
    zerr e;
    zf_opts o = {"fuzz", NULL, 0, NULL, NULL};
    zerr_code rc = f->extract((const char *)data, size, &o, &t, &e);
    if (rc) {
        FUZZ_CHECK(rc == ZERR_NOT_INDEXABLE || rc == ZERR_NOMEM, "%s: code %d", f->name, (int)rc);
        FUZZ_CHECK(e.msg[0] != 0, "%s: empty message", f->name);
        FUZZ_CHECK(fuzz_utf8_bad_at(e.msg, strlen(e.msg)) == strlen(e.msg),
                   "%s: message not UTF-8", f->name);
        zf_text_clear(&t);
        return 0;
    }
    fuzz_check_text(&t);
    size_t before = t.text.len;
    if (t.pages > 1)
        zf_drop_running_lines(&t);
    FUZZ_CHECK(t.text.len <= before, "zf_drop_running_lines grew %zu to %zu", before, t.text.len);
    fuzz_check_text(&t);
    zf_text_clear(&t);
    return 0;
}

#endif
