/* qparse.h - the query language.
 *
 *   行政复议 放管服        both must occur (AND is implied; AND may be written)
 *   "行政 复议"           a phrase: spaces inside do not split it
 *   复议 OR 诉讼          either
 *   复议 NOT 诉讼, -诉讼   exclusion
 *   (复议 OR 诉讼) 2021年  grouping
 *   year:2021  year:2019..2022  date:2022-01-01..2022-06-30
 *   issuer:乐山  region:乐山  title:复议  docno:〔2022〕
 *
 * Field names and what they search come from the field table (terms.h):
 * a text field searches its own text layers like body text, a range field
 * compares its value.
 *
 * Every text atom matches exactly (terms.h).  Full-width （ ） and “ ” work
 * like ( ) and ".  Errors name the column (1-based, in characters) and the
 * problem; a query is never silently changed into another one.
 */
#ifndef ZHS_QPARSE_H
#define ZHS_QPARSE_H

#include "analyzer.h"
#include "terms.h"
#include "zx.h"

/* What a text atom searches. */
typedef enum zq_field {
    ZQ_BODY = 0, /* the text of documents */
    ZQ_FIELD     /* the text field zq_atom.f */
} zq_field;
/* The last zq_field, by the name it had when fields were listed here. */
#define ZQ_DOCNO ZQ_FIELD

/* A text atom of the query, kept for highlighting and explanations. */
typedef struct zq_atom {
    char *text;  /* the atom as typed (UTF-8, NUL-terminated) */
    zq_field field;
    const zt_field *f; /* with ZQ_FIELD: its row of zt_fields */
    int negated; /* under NOT: not highlighted */
} zq_atom;

typedef struct zq_parsed {
    zx_query *query; /* owned */
    zq_atom *atoms;
    size_t natoms;
    int one_term; /* the whole query matches through one term, whose count
                     Xapian knows without visiting the matches */
    char *normalized; /* the query with its text normalized and its operators,
                         field names and ranges as typed: it parses into
                         the same query */
} zq_parsed;

/* Limits that keep every query cheap (parsing is linear; Xapian's work is
 * bounded by the number of terms): a query of at most ZQ_MAX_BYTES bytes,
 * at most ZQ_MAX_TERMS words, phrases and field conditions, and at most
 * ZQ_MAX_CHARS characters (a number or Latin word counts as one) in a word
 * or phrase, ZQ_MAX_TOTAL_CHARS in all of them.  A query over a limit is refused with
 * ZERR_QUERY_LIMIT and a message naming the limit. */
#define ZQ_MAX_BYTES 8192
#define ZQ_MAX_TERMS 100
#define ZQ_MAX_CHARS 500
#define ZQ_MAX_TOTAL_CHARS 1000

/* Parse and compile `q`.  Returns ZERR_OK (e's message empty), or
 * ZERR_SYNTAX, ZERR_EMPTY_QUERY, ZERR_QUERY_LIMIT or ZERR_NOMEM with a
 * message in e and out cleared. */
zerr_code zq_parse(za_analyzer *a, const char *q, zq_parsed *out, zerr *e);
void zq_parsed_clear(zq_parsed *p);

#endif
