/* proximity.h - NEAR/n, SENTENCE and PARAGRAPH between words or phrases
 * of any length, exact.
 *
 *   行政复议 NEAR/10 诉讼     both, at most 10 characters apart (either order)
 *   行政复议 BEFORE/10 诉讼   the same, the first before the second
 *   复议 SENTENCE 纠错        both in one sentence
 *   放管服 PARAGRAPH 营商环境  both in one paragraph
 *
 * Xapian's own NEAR takes single terms; a word here is a run of character
 * terms.  So the operators are taken out of the query before it is parsed:
 * the query matches its operands as an AND (a superset), and each
 * candidate document's stored text is then checked with the snippet
 * matcher (snippet.h), which finds exactly the occurrences the index
 * matches.  Rules, on the stored text:
 *   - distance: the characters strictly between the end of one occurrence
 *     and the start of the other, whitespace not counted (the matcher
 *     ignores it too); overlapping occurrences are at distance 0;
 *   - a sentence ends at 。！？；!?; and at a line break;
 *   - a paragraph ends at a line break;
 *   - except in paged formats (PDF, OFD), whose extractors break lines
 *     where the page wraps them: there a single line break ends neither,
 *     and a paragraph ends at a blank line (their paragraph breaks); a page
 *     break ends neither, as sentences and paragraphs run across pages.
 * The operators join two operands at the top level of the query (not
 * inside parentheses, not next to OR or NOT); a chain (a NEAR/5 b NEAR/5 c)
 * holds each neighbouring pair.
 */
#ifndef ZHS_PROXIMITY_H
#define ZHS_PROXIMITY_H

#include "analyzer.h"
#include "zerr.h"

#include <stddef.h>

typedef enum zp_kind { ZP_NEAR, ZP_BEFORE, ZP_SENTENCE, ZP_PARAGRAPH } zp_kind;

typedef struct zp_constraint {
    unsigned a, b; /* operands: indexes into words */
    zp_kind kind;
    unsigned n;    /* NEAR, BEFORE: the largest distance */
} zp_constraint;

typedef struct zp_query {
    char *rewritten;    /* the query with the operators as plain AND */
    char **words;       /* operands, as typed (quotes removed) */
    unsigned nwords;
    zp_constraint *c;
    unsigned nc;        /* 0: the query has no such operator */
} zp_query;

#define ZP_NEAR_DEFAULT 10 /* NEAR or BEFORE without /n */
#define ZP_NEAR_MAX 10000

/* Find the operators of query.  ZERR_SYNTAX with a message naming the
 * column when one is misplaced; ZERR_NOMEM. */
zerr_code zp_parse(const char *query, zp_query *out, zerr *e);
void zp_clear(zp_query *q);

/* 1 when text[0..len) satisfies every constraint, 0 when not, -1 out of
 * memory.  paged: the text comes from a paged format (see the rules). */
int zp_holds(za_analyzer *an, const char *text, size_t len, int paged, const zp_query *q);

#endif
