/* synonyms.h - groups of words that mean the same to the reports' readers:
 * policy abbreviations (放管服 = 简政放权 放管结合 优化服务) and numerals
 * (二〇二一年 = 2021年).  A query expands a word into its group only where
 * it asks (~放管服, or everywhere with --expand); a plain query never
 * widens.  The groups live in the index (metadata ZSYN_META_KEY), so a
 * new list takes effect for the next search, with no reindexing.
 *
 * File format (UTF-8): one group a line, its members separated by spaces,
 * "=", "、", "，" or ","; "#" starts a comment; blank lines are skipped.
 * A member is one word or phrase of the query language: no quotes,
 * parentheses, colons or "~" in it.  Members are kept normalized (NFKC,
 * case folding, Traditional -> Simplified, as the index sees text), so a
 * query's word is found in a group however it was typed.  A word in two
 * groups is an error (its expansion would be ambiguous).
 *
 * Stored form (ZSYN_META_KEY): the groups one a line, members separated
 * by one space, normalized.
 */
#ifndef ZHS_SYNONYMS_H
#define ZHS_SYNONYMS_H

#include <stddef.h>

#include "normalize.h"
#include "zerr.h"

#define ZSYN_META_KEY "zhs:synonyms"
#define ZSYN_MAX_BYTES (1u << 20) /* a list larger than this is refused */

typedef struct zsyn zsyn;

/* Parse text[0..len) (the file format or the stored form).  ZERR_INVALID
 * with "line N: reason" when it is not a list of groups; ZERR_NOMEM. */
zerr_code zsyn_parse(zn_normalizer *n, const char *text, size_t len, zsyn **out, zerr *e);
void zsyn_free(zsyn *s);

unsigned zsyn_groups(const zsyn *s);
/* The stored form, malloc'd, NUL-terminated, its length in *len. */
char *zsyn_text(const zsyn *s, size_t *len);
/* The group of a word (normalized with the same normalizer), -1 when it
 * is in none; its members. */
int zsyn_group_of(const zsyn *s, const char *normalized_word);
unsigned zsyn_group_size(const zsyn *s, int g);
const char *zsyn_member(const zsyn *s, int g, unsigned i);

#endif
