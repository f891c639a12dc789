/* fuzz_extract - file bytes through the extraction pipeline.
 *
 * Input: byte 0 picks a forced encoding (NULL, gb18030, utf-16le, big5,
 * utf-8); the rest are the file's bytes.
 *
 * Invariants (extract.h):
 *  - ze_decode, detected and forced: success gives a NUL-terminated valid
 *    UTF-8 string of exactly *outlen bytes (no NUL inside: binary data is
 *    refused) and an encoding name; failure gives *out NULL, *outlen 0 and
 *    a message; an empty input fails.
 *  - ze_html_to_text, on decoded text and on raw bytes: NUL-terminated
 *    valid UTF-8 of *outlen bytes; the title likewise and non-empty.
 *  - ze_strip_chrome: the text stays NUL-terminated, *len never grows,
 *    valid UTF-8 in gives valid UTF-8 out.
 */
#include "extract.h"
#include "fuzz_common.h"

static const char *const forced_names[] = {NULL, "gb18030", "utf-16le", "big5", "utf-8"};

static void check_text(const char *what, const char *s, size_t n)
{
    FUZZ_CHECK(s != NULL, "%s: NULL", what);
    FUZZ_CHECK(s[n] == 0, "%s: not NUL-terminated at its length %zu", what, n);
    FUZZ_CHECK(strlen(s) == n, "%s: NUL at %zu inside %zu bytes", what, strlen(s), n);
    size_t bad = fuzz_utf8_bad_at(s, n);
    FUZZ_CHECK(bad == n, "%s: invalid UTF-8 at byte %zu: '%s'", what, bad,
               fuzz_show(s + bad, n - bad < 16 ? n - bad : 16));
}

static void strip(const char *what, const char *s, size_t n, int valid)
{
    char *t = fuzz_strndup((const uint8_t *)s, n);
    size_t len = n;
    ze_strip_chrome(t, &len);
    FUZZ_CHECK(len <= n, "%s: ze_strip_chrome grew %zu to %zu", what, n, len);
    FUZZ_CHECK(t[len] == 0, "%s: ze_strip_chrome result not NUL-terminated", what);
    if (valid)
        check_text(what, t, len);
    free(t);
}

static void html(const char *what, const char *s, size_t n)
{
    char *out = (char *)1, *title = (char *)1;
    size_t outlen = 1234567;
    int rc = ze_html_to_text(s, n, &out, &outlen, &title);
    FUZZ_CHECK(rc == 0, "%s: ze_html_to_text failed", what);
    check_text(what, out, outlen);
    if (title) {
        FUZZ_CHECK(title[0] != 0, "%s: empty title instead of NULL", what);
        check_text(what, title, strlen(title));
    }
    strip(what, out, outlen, 1);
    free(out);
    free(title);
}

/* The last decoded text: a forced decode giving the same text is not
 * converted and stripped again. */
static char *last;
static size_t lastlen;

static void decode(const char *bytes, size_t n, const char *forced)
{
    char *out = (char *)1;
    size_t outlen = 1234567;
    char enc[64];
    zerr e;
    memset(enc, 'x', sizeof enc);
    memset(&e, 'x', sizeof e);
    zerr_code rc = ze_decode(bytes, n, forced, &out, &outlen, enc, sizeof enc, &e);
    FUZZ_CHECK(memchr(enc, 0, sizeof enc) && memchr(e.msg, 0, sizeof e.msg),
               "enc/err not NUL-terminated");
    if (rc != ZERR_OK) {
        FUZZ_CHECK(rc == ZERR_NOT_INDEXABLE && e.code == rc, "ze_decode returned %d", (int)rc);
        FUZZ_CHECK(out == NULL && outlen == 0, "failed ze_decode leaves output");
        FUZZ_CHECK(e.msg[0] != 0, "failed ze_decode (forced %s) without a message",
                   forced ? forced : "none");
        return;
    }
    FUZZ_CHECK(n > 0, "empty input decoded");
    FUZZ_CHECK(enc[0] != 0, "no encoding name");
    check_text(forced ? forced : "ze_decode", out, outlen);
    if (last && lastlen == outlen && memcmp(last, out, outlen) == 0) {
        free(out);
        return;
    }
    int is = ze_is_html(NULL, out, outlen);
    FUZZ_CHECK(is == 0 || is == 1, "ze_is_html returned %d", is);
    html("html of decoded text", out, outlen);
    strip("decoded text", out, outlen, 1);
    free(last);
    last = out;
    lastlen = outlen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *forced = forced_names[data[0] % 5];
    const char *bytes = (const char *)data + 1;
    size_t n = size - 1;

    decode(bytes, n, NULL);
    if (forced)
        decode(bytes, n, forced);
    free(last);
    last = NULL;

    /* Raw bytes straight into the HTML converter and the chrome stripper. */
    static const char *const names[] = {NULL, "a.html", "b.txt", "dir.htm/c"};
    int is = ze_is_html(names[data[0] / 5 % 4], bytes, n);
    FUZZ_CHECK(is == 0 || is == 1, "ze_is_html returned %d", is);
    html("html of raw bytes", bytes, n);
    strip("raw bytes", bytes, n, fuzz_utf8_valid(bytes, n) && !memchr(bytes, 0, n));
    return 0;
}
