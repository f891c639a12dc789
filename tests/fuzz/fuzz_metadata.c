/* fuzz_metadata - report metadata from arbitrary text.
 *
 * Input: byte 0 holds flags: bit 0 - the first line of the rest is a title
 * hint (the text follows it); bit 1 - the text is NULL (hint only).
 *
 * Invariants (metadata.h, metadata.c): every field NUL-terminated inside
 * its array and valid UTF-8, whatever the input; year 0 or 1900..2099 (what
 * title_year accepts); date "" or a real calendar date YYYY-MM-DD in
 * 1900..2099 (valid_date); a year, issuer, region, docno or date only
 * together with a title.
 */
#include "fuzz_common.h"
#include "metadata.h"

static void check_field(const char *name, const char *f, size_t cap)
{
    const char *nul = memchr(f, 0, cap);
    FUZZ_CHECK(nul != NULL, "%s not NUL-terminated", name);
    size_t n = (size_t)(nul - f);
    size_t bad = fuzz_utf8_bad_at(f, n);
    FUZZ_CHECK(bad == n, "%s invalid UTF-8 at %zu: '%s'", name, bad, fuzz_show(f, n));
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static void check_date(const char *d)
{
    if (!d[0])
        return;
    FUZZ_CHECK(strlen(d) == 10, "date '%s' is not YYYY-MM-DD", d);
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            FUZZ_CHECK(d[i] == '-', "date '%s' is not YYYY-MM-DD", d);
        else
            FUZZ_CHECK(d[i] >= '0' && d[i] <= '9', "date '%s' is not YYYY-MM-DD", d);
    }
    int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    FUZZ_CHECK(y >= 1900 && y <= 2099, "date '%s': year out of range", d);
    FUZZ_CHECK(m >= 1 && m <= 12, "date '%s': no such month", d);
    FUZZ_CHECK(day >= 1 && day <= (m == 2 && is_leap(y) ? 29 : days[m - 1]),
               "date '%s': no such day", d);
}

static void check_meta(const zm_meta *m)
{
    check_field("title", m->title, sizeof m->title);
    check_field("issuer", m->issuer, sizeof m->issuer);
    check_field("region", m->region, sizeof m->region);
    check_field("docno", m->docno, sizeof m->docno);
    check_field("date", m->date, sizeof m->date);
    check_date(m->date);
    FUZZ_CHECK(m->year == 0 || (m->year >= 1900 && m->year <= 2099), "year %d", m->year);
    if (!m->title[0])
        FUZZ_CHECK(m->year == 0 && !m->issuer[0] && !m->region[0] && !m->docno[0] && !m->date[0],
                   "metadata without a title");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    char *hint = NULL;
    if (flags & 1) {
        const char *nl = memchr(text, '\n', len);
        size_t hl = nl ? (size_t)(nl - text) : len;
        hint = fuzz_strndup((const uint8_t *)text, hl);
        text += nl ? hl + 1 : hl;
        len -= nl ? hl + 1 : hl;
    }
    zm_meta m;
    memset(&m, 'x', sizeof m);
    zm_hints hh = {hint, NULL, NULL};
    zm_extract((flags & 2) ? NULL : text, (flags & 2) ? 0 : len, &hh, &m);
    check_meta(&m);
    if (!hint && !(flags & 2)) {
        /* A hint only ever replaces a missing title. */
        zm_meta h;
        zm_hints rh = {"法治政府建设年度报告", NULL, NULL};
        zm_extract(text, len, &rh, &h);
        check_meta(&h);
        if (m.title[0] && m.year)
            FUZZ_CHECK(strcmp(m.title, h.title) == 0, "a hint changed a report title");
    }
    free(hint);
    return 0;
}
