/* expand.h - synonym expansion of a query, where the query asks for it:
 * "~放管服" becomes "(放管服 OR 简政放权 OR 放管结合 OR 优化服务 OR ...)"
 * when the index's synonym groups (synonyms.h) have 放管服; with `all`
 * (--expand) every plain word of the query that is in a group does.  Text
 * inside quotes, field terms (issuer:…), negated words (-x, NOT x) and the
 * operators stay as they are.  A ~word without a group is searched as the
 * word.  The rewritten query then goes through the parser as typed.
 */
#ifndef ZHS_EXPAND_H
#define ZHS_EXPAND_H

#include "normalize.h"
#include "synonyms.h"

typedef struct zy_expansion {
    char *word;    /* as typed, without ~ */
    char *members; /* the group, space-separated; "" when it has none */
} zy_expansion;

/* The query with its expansions into *out (malloc'd), and what was
 * expanded into *exp (malloc'd array of *nexp, free with zy_free).
 * syn may be NULL (no groups).  0, or -1 out of memory. */
int zy_expand(const zsyn *syn, zn_normalizer *n, const char *query, int all, char **out,
              zy_expansion **exp, unsigned *nexp);
void zy_free(zy_expansion *exp, unsigned n);

#endif
