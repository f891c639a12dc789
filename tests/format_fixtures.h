/* format_fixtures.h - what the tests of the format extractors share: the
 * committed fixtures of tests/formats (fixture(), read from fmt_dir, which
 * the test sets from its first argument), their "key=value" sidecars, and
 * phrase recall against a source report (every run of 6+ characters
 * between punctuation, whitespace removed on both sides).  Header-only,
 * like check.h, which it needs included first. */
#ifndef ZHS_FORMAT_FIXTURES_H
#define ZHS_FORMAT_FIXTURES_H

#include "format.h"
#include "metadata.h"
#include "zbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fmt_dir, *corpus_dir;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    zbuf b = {0};
    char tmp[65536];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
        if (zbuf_add(&b, tmp, k))
            break;
    fclose(f);
    zbuf_addc(&b, 0);
    *len = b.len ? b.len - 1 : 0;
    return b.data;
}

static char *fixture(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/fixtures/%s", fmt_dir, name);
    char *d = slurp(path, len);
    if (!d)
        printf("# cannot read %s\n", path);
    return d;
}

/* The value of key in a sidecar's "key=value" lines, malloc'd, or NULL. */
static char *sidecar(const char *text, const char *key)
{
    size_t kl = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, kl) == 0 && l[kl] == '=') {
            size_t n = strcspn(l + kl + 1, "\r\n");
            char *v = malloc(n + 1);
            memcpy(v, l + kl + 1, n);
            v[n] = 0;
            return v;
        }
    }
    return NULL;
}

/* --- recall --------------------------------------------------------------- */

static int is_ws(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           c == 0x3000 || c == 0xA0 || c == 0xFEFF;
}

static int is_punct(uint32_t c)
{
    if (c < 0x80)
        return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    return (c >= 0x80 && c <= 0xBF) || (c >= 0x2000 && c <= 0x206F) ||
           (c >= 0x2190 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF0F) ||
           (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
           (c >= 0xFF5B && c <= 0xFF65) || c == 0xFFFD;
}

/* s without whitespace, as UTF-8. */
static char *squeeze(const char *s, size_t n)
{
    zbuf b = {0};
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &c);
        if (!is_ws(c))
            zbuf_add(&b, s + i, k);
        i += k;
    }
    zbuf_addc(&b, 0);
    return b.data;
}

/* Every phrase of the source (6+ characters between punctuation, with
 * whitespace removed) is in text; prints the recall, returns 1 at 100%. */
static int recall(const char *label, const char *src, size_t slen, const char *text, size_t tlen)
{
    char *hay = squeeze(text, tlen), *s = squeeze(src, slen);
    size_t total = 0, found = 0, shown = 0, n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t start = i, chars = 0;
        uint32_t c;
        size_t k;
        while (i < n && (k = utf8_decode((const unsigned char *)s + i, n - i, &c), !is_punct(c))) {
            i += k;
            chars++;
        }
        if (chars >= 6) {
            char save = s[i];
            s[i] = 0;
            total++;
            if (strstr(hay, s + start))
                found++;
            else if (shown++ < 5)
                printf("# %s: missing phrase '%s'\n", label, s + start);
            s[i] = save;
        }
        if (i < n)
            i += utf8_decode((const unsigned char *)s + i, n - i, &c);
    }
    printf("# recall %s: %zu/%zu phrases (%.1f%%)\n", label, found, total,
           total ? 100.0 * (double)found / (double)total : 0.0);
    free(hay);
    free(s);
    return total > 0 && found == total;
}


/* Run fn with stderr going to a file: the libraries an extractor calls
 * must print nothing (CHECK: check.h, included first). */
static void silently(void (*fn)(void))
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(2);
    if (!tmp || saved < 0) {
        fn();
        return;
    }
    dup2(fileno(tmp), 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    long size = (fseek(tmp, 0, SEEK_END), ftell(tmp));
    CHECK(size == 0, "nothing printed on stderr (%ld bytes)", size);
    fclose(tmp);
}


/* The metadata step on an extraction gives the title, issuer and year of
 * the fixture's sidecar exp. */
static void metadata(const char *name, const zf_text *t, const char *exp)
{
    char *title = sidecar(exp, "title"), *issuer = sidecar(exp, "issuer"),
         *year = sidecar(exp, "year");
    zm_hints h = {t->title, t->date[0] ? t->date : NULL, name};
    zm_meta m;
    zm_extract(t->text.data, t->text.len, &h, &m);
    CHECK_STR(m.title, title ? title : "", "%s: metadata title", name);
    CHECK_STR(m.issuer, issuer ? issuer : "", "%s: metadata issuer", name);
    CHECK(year && m.year == atoi(year), "%s: year %d, want %s", name, m.year, year ? year : "?");
    free(title);
    free(issuer);
    free(year);
}

#endif
