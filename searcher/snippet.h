/* snippet.h - the best passage of a document for a query, with every match
 * highlighted on the original bytes.
 *
 * Matches are found the way the index matches: the document and each query
 * atom are analyzed by the same analyzer, and an atom matches where its
 * character-layer tokens stand at consecutive positions.  Highlights
 * therefore cover exactly the original characters, whatever width or script
 * (Traditional/Simplified) either side was written in.
 */
#ifndef ZHS_SNIPPET_H
#define ZHS_SNIPPET_H

#include "analyzer.h"
#include "zbuf.h"

typedef struct zs_range {
    unsigned start, len;
} zs_range;

typedef struct zs_snippet {
    zbuf text;         /* UTF-8 passage */
    zs_range *ranges;  /* highlight byte ranges in text, ascending */
    unsigned nranges;
    size_t first_at;   /* byte offset in the document of the first
                        * highlight, (size_t)-1 when there is none */
} zs_snippet;

/* Build a snippet of about `chars` characters of doc for the atoms, from
 * the first part of doc (4 KB, 8 KB, ... ending at a sentence end) in which
 * every atom matches.
 * Returns 0 or -1 (out of memory / analysis failure). */
int zs_make(za_analyzer *a, const char *doc, size_t len, const char *const *atoms,
            unsigned natoms, unsigned chars, zs_snippet *out);
void zs_clear(zs_snippet *s);

/* All matches of the atoms in doc as original byte ranges, sorted by start
 * (for tests and tools): *out malloc'd, count in *n. */
int zs_find_matches(za_analyzer *a, const char *doc, size_t len, const char *const *atoms,
                    unsigned natoms, zs_range **out, unsigned **atom_of, unsigned *n);

/* The normalized text of doc (normalize.h) as code points with the source
 * byte range of each, computed character by character: 0 with *cp,
 * *start, *end malloc'd (n entries) when every character of doc allows
 * it, and then exactly what zn_normalize gives; 1 when some character
 * needs zn_normalize (nothing to free); -1 when out of memory.  What
 * snippets search before analyzing windows (for tests). */
struct zn_normalizer;
int zs_normalize_fast(struct zn_normalizer *zn, const char *doc, size_t len, uint32_t **cp,
                      uint32_t **start, uint32_t **end, size_t *n);

#endif
