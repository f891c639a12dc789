/* suggest.h - "did you mean": variants of a query that the index has, for
 * a query that finds nothing or little.
 *
 * A variant differs from the query in one character of one of its words:
 *   - a homophone: a character of the index with the same toneless pinyin
 *     (ICU's Han-Latin transliteration), anywhere in the word - the
 *     typing slip of a pinyin input method (法制 for 法治);
 *   - any character that follows the one before it somewhere in the index
 *     (its bigram terms), for the second character on.
 * Traditional and full-width forms need no suggestion: normalization
 * folds them for documents and queries alike.  Each variant is counted
 * (an exact search, through the caller's count function) and kept only
 * when it finds more than the query did; suggestions are never applied on
 * their own.
 */
#ifndef ZHS_SUGGEST_H
#define ZHS_SUGGEST_H

#include "zx.h"

#include <stddef.h>

/* The toneless pinyin of the characters an index holds, built once per
 * index handle on first use. */
typedef struct zg_pinyin zg_pinyin;
void zg_pinyin_free(zg_pinyin *p);

/* Documents matching query, or -1 on error. */
typedef long (*zg_count_fn)(void *ctx, const char *query);

typedef struct zg_suggestion {
    char *query; /* malloc'd: the normalized query with one word changed */
    unsigned count;
} zg_suggestion;

/* Up to max suggestions for the query whose normalized text is normalized
 * and whose words (as typed) are words[n], that found `found` documents,
 * into out (most documents first), their number in *nout.  *py is the
 * handle's pinyin table (built here when NULL).  0, or -1 out of memory. */
int zg_suggest(zx_db *db, zg_pinyin **py, const char *normalized, const char *const *words,
               unsigned n, unsigned found, zg_count_fn count, void *ctx, zg_suggestion *out,
               unsigned max, unsigned *nout);

#endif
