/* fuzz_snippet - snippets and highlights of arbitrary documents and atoms.
 *
 * Input: a 6-byte header, then the document and up to three atoms
 * separated by NUL bytes.
 *   bytes 0-1  chars = 1 + (b0 << 8 | b1) % 300
 *   byte 2     natoms = 1 + b2 % 3
 *   byte 3     bit 0: use the document bytes as they are (else invalid
 *              UTF-8 becomes U+FFFD, as in every stored text)
 *   bytes 4-5  where atoms that are missing or empty are cut from the
 *              document (so that atoms match often)
 *
 * Invariants (snippet.h): zs_make succeeds; the snippet is NUL-terminated,
 * at most chars characters plus the two ellipses, and valid UTF-8 when the
 * document is; every highlight is non-empty, inside the snippet, on
 * character boundaries, and the ranges ascend without overlapping; when a
 * match is at most chars / 2 characters long, the snippet highlights
 * something (the passage starts at most chars / 3 characters before the
 * match it is built around).
 * zs_find_matches: ranges inside the document on character boundaries,
 * sorted by start, each naming one of the atoms.
 */
#include "analyzer.h"
#include "fuzz_common.h"
#include "snippet.h"

static za_analyzer *an;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    an = fuzz_analyzer();
    return 0;
}

static size_t cp_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; c++) {
        uint32_t cp;
        i += utf8_decode((const unsigned char *)s + i, n - i, &cp);
    }
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6)
        return 0;
    unsigned chars = 1 + ((unsigned)data[0] << 8 | data[1]) % 300;
    unsigned natoms = 1 + data[2] % 3;
    int raw = data[3] & 1;
    uint32_t seed = (uint32_t)data[4] << 8 | data[5];
    const uint8_t *p = data + 6, *end = data + size;

    /* Split into document and atoms. */
    const uint8_t *seg[4];
    size_t segn[4], nseg = 0;
    while (nseg < 1 + natoms) {
        const uint8_t *z = memchr(p, 0, (size_t)(end - p));
        seg[nseg] = p;
        segn[nseg++] = (size_t)((z ? z : end) - p);
        if (!z)
            break;
        p = z + 1;
    }
    size_t len;
    char *doc = raw ? fuzz_strndup(seg[0], segn[0]) : fuzz_sanitize(seg[0], segn[0], &len);
    if (raw)
        len = segn[0];
    int valid = fuzz_utf8_valid(doc, len);

    char *atoms[3];
    for (unsigned i = 0; i < natoms; i++) {
        if (i + 1 < nseg && segn[i + 1]) {
            atoms[i] = fuzz_strndup(seg[i + 1], segn[i + 1]);
        } else if (len) {
            uint32_t x = (seed + 1) * 2654435761u * (i + 1);
            size_t at = (x >> 8) % len, n = 1 + (x >> 4) % 12;
            if (n > len - at)
                n = len - at;
            atoms[i] = fuzz_strndup((const uint8_t *)doc + at, n);
        } else {
            atoms[i] = fuzz_strndup((const uint8_t *)"复议", strlen("复议"));
        }
    }

    /* All matches. */
    zs_range *m = NULL;
    unsigned *atom_of = NULL, nm = 0;
    FUZZ_CHECK(zs_find_matches(an, doc, len, (const char *const *)atoms, natoms, &m, &atom_of,
                               &nm) == 0,
               "zs_find_matches failed");
    unsigned char *db = fuzz_boundaries(doc, len);
    int short_match = 0; /* a match of at most chars / 2 characters */
    size_t longest = 0;  /* characters of the longest match */
    for (unsigned i = 0; i < nm; i++) {
        FUZZ_CHECK(m[i].len > 0 && m[i].start + m[i].len <= len, "match %u [%u,+%u) outside %zu",
                   i, m[i].start, m[i].len, len);
        FUZZ_CHECK(db[m[i].start] && db[m[i].start + m[i].len],
                   "match %u [%u,+%u) not on character boundaries", i, m[i].start, m[i].len);
        FUZZ_CHECK(i == 0 || m[i - 1].start <= m[i].start, "matches not sorted at %u", i);
        FUZZ_CHECK(atom_of[i] < natoms, "match %u of atom %u", i, atom_of[i]);
        size_t mc = cp_count(doc + m[i].start, m[i].len);
        if (mc <= chars / 2)
            short_match = 1;
        if (mc > longest)
            longest = mc; /* a snippet grows to show its match whole */
    }
    free(db);
    free(m);
    free(atom_of);

    /* The snippet. */
    zs_snippet s;
    FUZZ_CHECK(zs_make(an, doc, len, (const char *const *)atoms, natoms, chars, &s) == 0,
               "zs_make failed");
    const char *t = s.text.data;
    size_t tl = s.text.len;
    FUZZ_CHECK(t != NULL && t[tl] == 0, "snippet not NUL-terminated");
    size_t ncp = cp_count(t, tl);
    FUZZ_CHECK(ncp <= chars + 2 + longest, "snippet of %zu characters for chars=%u", ncp, chars);
    if (valid) {
        size_t bad = fuzz_utf8_bad_at(t, tl);
        FUZZ_CHECK(bad == tl, "snippet invalid UTF-8 at %zu: '%s'", bad, fuzz_show(t, tl));
    }
    FUZZ_CHECK(s.nranges == 0 || s.ranges != NULL, "ranges NULL");
    FUZZ_CHECK(!valid || !short_match || s.nranges > 0,
               "no highlight although a match of at most %u characters fits: '%s'", chars / 2,
               fuzz_show(t, tl));
    unsigned char *sb = fuzz_boundaries(t, tl);
    for (unsigned i = 0; i < s.nranges; i++) {
        zs_range r = s.ranges[i];
        FUZZ_CHECK(r.len > 0, "empty highlight %u at %u in '%s'", i, r.start, fuzz_show(t, tl));
        FUZZ_CHECK(r.start <= tl && r.len <= tl - r.start,
                   "highlight %u [%u,+%u) outside the snippet of %zu bytes", i, r.start, r.len, tl);
        if (valid)
            FUZZ_CHECK(sb[r.start] && sb[r.start + r.len],
                       "highlight %u [%u,+%u) not on character boundaries of '%s'", i, r.start,
                       r.len, fuzz_show(t, tl));
        if (i)
            FUZZ_CHECK(s.ranges[i - 1].start + s.ranges[i - 1].len <= r.start,
                       "highlights %u [%u,+%u) and %u [%u,+%u) overlap or descend", i - 1,
                       s.ranges[i - 1].start, s.ranges[i - 1].len, i, r.start, r.len);
    }
    free(sb);
    zs_clear(&s);
    for (unsigned i = 0; i < natoms; i++)
        free(atoms[i]);
    free(doc);
    return 0;
}
