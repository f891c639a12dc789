/* terms.h - the term scheme: which Xapian terms, values and metadata a
 * document becomes, and how query text becomes Xapian queries over them.
 * The indexer and the searcher both go through this file only.
 *
 * Scheme version 3.  Terms (prefix + normalized token, see analyzer.h):
 *
 *   Q<path>           unique id: the document's canonical path; a path too long
 *                     for a Xapian term is cut to ZT_ID_KEEP bytes + "#" + a
 *                     64-bit hash of the whole (the path value is exact)
 *   C<char>           character layer: a CJK character or a whole non-CJK
 *                     token, with positions (consecutive characters have
 *                     consecutive positions, punctuation leaves a gap).
 *   B<char><char>     two CJK characters at consecutive positions; no
 *                     positions.  Exact for 2-character strings and a fast
 *                     filter before the positional check of longer ones.
 *   <prefix> + C/B    the same two layers for each text field of the
 *                     table below: T title, I issuer and region (one text,
 *                     the values joined by a punctuation gap).
 *   N<part>           boolean: each punctuation-free part of the document
 *                     number (吴政发〔2022〕3号: N吴政发, N2022, N3号).
 *                     Version 2 had Y<yyyy> year terms instead, which no
 *                     query used: year: is a range over the value.
 *   W<word>           (indexes written before: ICU words of two or more
 *                     character-layer tokens, for ranking; 15% of all
 *                     postings, 4.8% of a compacted index.)  Nothing reads
 *                     them now: a query word ranks through its B terms (and
 *                     C terms for tokens in no CJK pair) with the same
 *                     known-item MRR@10 (0.8958 against 0.8960, no first
 *                     hit changed on 320 queries).  Such indexes still open
 *                     and rank as new ones.
 *
 * Values: ZT_SLOT_* below (strings; year "2021" and date "2022-02-25" sort
 * as text; ZT_SLOT_TITLELEN, the title's character-layer tokens in decimal,
 * is for ranking only).  Data: the stored text record (docstore.h).
 *
 * Fields: zt_fields[] in terms.c, one row per field, is the one list of
 * them.  A row names the field (in queries, JSON and zhs_hit_field()), its
 * term prefix when it is searchable text, its value slot and its ZT_F_*
 * flags.  The indexer stores and indexes each row, the query parser knows
 * name: from it, the library returns the fields of hits and counts facets
 * from it, and both output formats print what it lists:
 *
 *   name      prefix  slot      flags
 *   path      -       PATH      hit
 *   title     T       TITLE     text, rank, hit
 *   issuer    I       ISSUER    text, facet, hit, brief
 *   region    I       REGION    text, hit
 *   year      -       YEAR      range, facet, number, hit, brief
 *   date      -       DATE      range, hit, brief
 *   docno     N       DOCNO     exact, hit, brief
 *   encoding  -       ENCODING  -
 *   format    -       FORMAT    facet, hit
 *   pages     -       PAGES     number, hit
 *   ocr       -       OCR       boolean, hit
 *
 * docno is exact by parts: the whole number (吴政发〔2022〕3号, also typed
 * with full-width digits) finds that document, a whole part of it (吴政发,
 * 〔2022〕, 3号) the series, the year, the number; a piece of a part (政发,
 * 13号 for 3号) nothing, as a document number is read by its parts.  Its
 * terms are boolean: they add nothing to document lengths, so the ranking
 * of every other query is what it was without them.
 *
 * Matching: a query string matches where its character layer occurs as a
 * contiguous run of positions (what grep finds in the normalized text,
 * whitespace ignored between tokens, numbers and Latin words whole).
 * A string containing punctuation matches where each punctuation-free part
 * occurs.  Ranking (the match query itself is boolean): BM25 over the
 * string's B terms (their wdf follows how often the string occurs, however
 * ICU cut it) and C terms of its one-token words and of tokens in no CJK
 * pair, plus title evidence: a
 * fixed weight when the string's exact title-field query matches, growing
 * with the share of the title it covers (ZT_TITLE_BONUS, over the title
 * length in ZT_SLOT_TITLELEN; a document indexed without that value gets
 * none); query atoms standing near each other earn a NEAR bonus (qparse.c).
 *
 * Metadata: "zhs:scheme" = ZT_SCHEME_VERSION, "zhs:settings" = analyzer
 * settings id + ICU version (an index written otherwise is refused),
 * "zhs:dict" = current stored-text dictionary id, "zhs:dict:<id>" = its bytes.
 */
#ifndef ZHS_TERMS_H
#define ZHS_TERMS_H

#include "analyzer.h"
#include "zbuf.h"
#include "zx.h"

#define ZT_SCHEME_VERSION "3"
#define ZT_NEAR_SCALE 1.0
/* Title evidence of a body query string (terms.c, title_cover): when the
 * title holds the exact string, a fixed weight of ZT_TITLE_BONUS times the
 * share of the title's character-layer tokens it covers (a title that is
 * the string: the whole bonus), independent of the document's length;
 * strings of one or two characters get ZT_TITLE_SHORT_BONUS of that, by the
 * square of the share (known-item evaluation, tests/bench). */
#define ZT_TITLE_BONUS 15.0
#define ZT_TITLE_BONUS_TEXT "15" /* for explanations */
#define ZT_TITLE_SHORT_BONUS 0.5
/* Query cost bounds for a long string: bigrams filtering the candidates of
 * one run (the positional phrase stays exact), ranking terms per string. */
#define ZT_MAX_FILTER_GRAMS 16
#define ZT_MAX_RANK_TERMS 64

enum {
    ZT_SLOT_PATH = 0,
    ZT_SLOT_TITLE = 1,
    ZT_SLOT_ISSUER = 2,
    ZT_SLOT_REGION = 3,
    ZT_SLOT_YEAR = 4,
    ZT_SLOT_DATE = 5,
    ZT_SLOT_DOCNO = 6,
    ZT_SLOT_HASH = 7, /* content hash of the file's bytes, hex */
    ZT_SLOT_SIZE = 8, /* original file size in bytes, decimal */
    ZT_SLOT_ENCODING = 9,
    ZT_SLOT_SORTDATE = 10, /* date, or for undated reports "<year+1>-00-00":
                              reports appear the year after the one they cover */
    ZT_SLOT_FORMAT = 11, /* the extractor that read the file: "PDF", "text" */
    ZT_SLOT_PAGES = 12,  /* paged formats: the page count, decimal; the stored
                            text then separates pages with "\f" */
    ZT_SLOT_OCR = 13,    /* "true" when some page was read by OCR */
    ZT_SLOT_TITLELEN = 14 /* character-layer tokens of the title, decimal: how
                             much of it a query string covers (ranking) */
};

/* Field prefixes put before the layer letter. */
#define ZT_FIELD_BODY ""
#define ZT_FIELD_TITLE "T"
#define ZT_FIELD_ISSUER "I"
#define ZT_FIELD_DOCNO "N"

/* Field flags.  The first six are the public ZHS_FIELD_* (zhsearch.h). */
enum {
    ZT_F_TEXT = 1 << 0,   /* name:text searches its text layers */
    ZT_F_RANGE = 1 << 1,  /* name:a..b is a range over its value */
    ZT_F_FACET = 1 << 2,  /* matches can be counted per value */
    ZT_F_HIT = 1 << 3,    /* listed with every hit that has it */
    ZT_F_BRIEF = 1 << 4,  /* on the line under a hit's title */
    ZT_F_NUMBER = 1 << 5, /* a number: unquoted in JSON */
    ZT_F_EXACT = 1 << 6,  /* name:x matches whole parts of its value */
    ZT_F_RANK = 1 << 7,   /* the field of title evidence for body queries */
    ZT_F_BOOLEAN = 1 << 8 /* "true" or absent: a JSON boolean */
};

/* One field of a document (the table: see the top of this file). */
typedef struct zt_field {
    const char *name;   /* in queries, JSON and zhs_hit_field() */
    const char *prefix; /* of its terms; NULL when it is not searched by terms */
    int slot;           /* value slot, ZT_SLOT_* */
    unsigned flags;     /* ZT_F_* */
} zt_field;

extern const zt_field zt_fields[];
extern const unsigned zt_nfields;
/* The row named `name`, NULL when none. */
const zt_field *zt_field_named(const char *name);

/* Add the C and B terms of text to doc under field prefix `field`.
 * Returns 0 or -1. */
int zt_index_text(za_analyzer *a, zx_doc *doc, const char *field, const char *text, size_t len);

/* Character-layer tokens of text (what ZT_SLOT_TITLELEN holds for a title). */
unsigned zt_count_chars(za_analyzer *a, const char *text, size_t len);

/* One query string, analyzed. */
typedef struct zt_query {
    zx_query *match; /* exact character-layer query; NULL when text has no token */
    zx_query *rank;  /* OR of words, bigrams, title bigrams (NULL when none) */
    zx_query *both;  /* AND_MAYBE(boolean match, rank): what to search */
    char first[ZA_MAX_TOKEN + 4]; /* C term of the first character (for NEAR) */
    size_t firstlen;
    unsigned nchars; /* character-layer tokens in the text */
    int one_term;    /* match is a single term: its count is known without a scan */
} zt_query;

/* Build the queries for `text` in field `field`.  Returns 0 (check
 * q->match for NULL: nothing searchable), -1 on failure. */
int zt_build_query(za_analyzer *a, const char *field, const char *text, size_t len, zt_query *q);
void zt_query_clear(zt_query *q);

/* Exact fields: each punctuation-free part of text (a run of
 * character-layer tokens at consecutive positions, whitespace ignored) is a
 * boolean term under `field`; a query matches where every part of it is a
 * whole part of the value.  Returns 0 or -1; the query's match is NULL when
 * text has no part. */
int zt_index_exact(za_analyzer *a, zx_doc *doc, const char *field, const char *text, size_t len);
int zt_build_exact_query(za_analyzer *a, const char *field, const char *text, size_t len,
                         zt_query *q);
/* The term is boolean (no weight): an id or a part of an exact field. */
int zt_term_is_boolean(const char *t, size_t n);

/* The unique-id term of a document path, and the prefix that all ids of
 * documents under a directory share. */
#define ZT_ID_KEEP 200
void zt_id_term(const char *path, zbuf *out);
void zt_id_prefix(const char *dir, zbuf *out);

/* Load stored-text dictionary `id` into codec from the metadata of any
 * shard of db.  Returns 0, or -1 when no shard has it. */
struct zd_codec;
int zt_load_dict(zx_db *db, struct zd_codec *codec, uint32_t id);

/* Stamp a new index / check an existing one.  zt_check_index returns
 * ZERR_OK, ZERR_SCHEME with a message naming what differs, or the error
 * met reading the stamp. */
zx_status zt_stamp_index(zx_db *db, zx_err *err);
zerr_code zt_check_index(zx_db *db, zerr *e);
/* The settings string stored in "zhs:settings". */
const char *zt_settings(void);

#endif
