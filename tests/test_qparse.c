/* Unit tests: the query parser, well-formed and malformed input. */
#include "check.h"
#include "qparse.h"
#include "zbuf.h"

#include <stdlib.h>

static za_analyzer *an;

static char *parse_ok(const char *q)
{
    zq_parsed p;
    zerr e;
    int rc = zq_parse(an, q, &p, &e);
    CHECK(rc == ZERR_OK, "'%s' should parse: %s", q, e.msg);
    if (rc != ZERR_OK)
        return NULL;
    char *d = zx_q_describe(p.query);
    zq_parsed_clear(&p);
    return d;
}

static void has(const char *q, const char *fragment)
{
    char *d = parse_ok(q);
    CHECK(d && strstr(d, fragment), "'%s' compiles to %s, which lacks %s", q, d ? d : "?", fragment);
    free(d);
}

static void lacks(const char *q, const char *fragment)
{
    char *d = parse_ok(q);
    CHECK(d && !strstr(d, fragment), "'%s' compiles to %s, which has %s", q, d ? d : "?", fragment);
    free(d);
}

static void bad(const char *q, int code, const char *msg)
{
    zq_parsed p;
    zerr e;
    int rc = zq_parse(an, q, &p, &e);
    CHECK(rc == code && strstr(e.msg, msg), "'%s': rc %d (want %d), message '%s' lacks '%s'", q, rc,
          code, e.msg, msg);
    if (rc == ZERR_OK)
        zq_parsed_clear(&p);
}

static void atoms(const char *q, size_t n, const char *first, int negated_last)
{
    zq_parsed p;
    zerr e;
    CHECK(zq_parse(an, q, &p, &e) == ZERR_OK, "'%s': %s", q, e.msg);
    CHECK(p.natoms == n, "'%s': %zu atoms, want %zu", q, p.natoms, n);
    if (p.natoms == n && n) {
        CHECK_STR(p.atoms[0].text, first, "first atom of '%s'", q);
        CHECK(p.atoms[n - 1].negated == negated_last, "'%s': last atom negation", q);
    }
    zq_parsed_clear(&p);
}

/* The normalized query keeps operators and field names and parses into
 * the same query as the original. */
static void normalized(const char *q, const char *want)
{
    zq_parsed p, p2;
    zerr e;
    CHECK(zq_parse(an, q, &p, &e) == ZERR_OK, "'%s': %s", q, e.msg);
    CHECK_STR(p.normalized, want, "normalized form of '%s'", q);
    if (p.normalized && zq_parse(an, p.normalized, &p2, &e) == ZERR_OK) {
        char *a = zx_q_describe(p.query), *b = zx_q_describe(p2.query);
        CHECK(a && b && strcmp(a, b) == 0, "'%s' and its normalized form '%s' differ:\n  %s\n  %s", q,
              p.normalized, a, b);
        free(a);
        free(b);
        zq_parsed_clear(&p2);
    } else {
        CHECK(0, "normalized form '%s' of '%s' does not parse: %s", p.normalized, q, e.msg);
    }
    zq_parsed_clear(&p);
}

int main(void)
{
    an = za_new(NULL);
    /* operators */
    has("行政复议", "B复议");
    has("复议 诉讼", "AND");
    has("复议 AND 诉讼", "AND");
    has("复议 OR 诉讼", "OR");
    has("复议 NOT 诉讼", "AND_NOT");
    has("复议 -诉讼", "AND_NOT");
    has("-诉讼", "AND_NOT");
    has("(复议 OR 诉讼) 2021年", "OR");
    has("\"行政 复议\"", "B政复");
    has("“行政 复议”", "B政复");
    has("（复议 OR 诉讼）", "OR");
    has("复", "C复");
    lacks("复议", "PHRASE"); /* a bigram is exact on its own */
    has("行政复议", "PHRASE");
    has("2021-2025", "C2021");
    /* fields */
    has("year:2021", "VALUE_RANGE 4 2021 2021");
    has("year:2019..2022", "VALUE_RANGE 4 2019 2022");
    has("year:..2020", "VALUE_LE 4 2020");
    has("year:2020..", "VALUE_GE 4 2020");
    has("date:2022-02", "VALUE_RANGE 5 2022-02-00 2022-02-99");
    has("date:2022-01-01..2022-06-30", "VALUE_RANGE 5 2022-01-01 2022-06-30");
    has("issuer:乐山", "IB乐山");
    has("region:乐山", "IB乐山");
    has("title:复议", "TB复议");
    has("title:\"行政 复议\"", "TB政复");
    has("http://example", "Chttp");
    /* docno: boolean terms of its whole parts */
    has("docno:吴政发〔2022〕3号", "N吴政发");
    has("docno:吴政发〔2022〕3号", "N3号");
    has("docno:〔２０２２〕", "N2022");
    lacks("docno:吴政发", "NB");
    atoms("docno:吴政发 复议", 2, "吴政发", 0);
    normalized("docno:吴政發〔２０２２〕", "docno:吴政发〔2022〕");
    atoms("复议 -诉讼", 2, "复议", 1);
    atoms("year:2021 复议", 1, "复议", 0);
    /* the normalized query */
    normalized("行政复议 NOT 放管服", "行政复议 NOT 放管服");
    normalized("行政復議 OR ＡＢＣ AND 诉讼", "行政复议 OR abc AND 诉讼");
    normalized("  -诉讼   (复议  OR 诉讼 )", "-诉讼 (复议 OR 诉讼)");
    normalized("（复议 OR 诉讼）", "(复议 OR 诉讼)");
    normalized("title:行政復議 year:2021..2022 date:2022-02", "title:行政复议 year:2021..2022 date:2022-02");
    normalized("issuer:\"樂山 市\" region:綦江", "issuer:\"乐山 市\" region:綦江");
    normalized("“行政 復議”", "\"行政 复议\"");
    normalized("NOT 复议 诉讼", "NOT 复议 诉讼");
    normalized("ＯＲ ＮＯＴ", "or not");          /* full-width words stay words */
    normalized("－诉讼", "\"-诉讼\"");           /* not an exclusion once normalized */
    normalized("year：2021", "\"year:2021\"");   /* not a field */
    normalized("＂复议＂", "＂复议＂");            /* cannot be quoted: as typed */
    normalized("复议\xC2\xA0诉讼", "\"复议 诉讼\""); /* no-break space inside a word */
    normalized("http://example.org/ABC", "http://example.org/abc");
    /* malformed */
    bad("", ZERR_EMPTY_QUERY, "empty query");
    bad("   ", ZERR_EMPTY_QUERY, "empty query");
    bad("(行政", ZERR_SYNTAX, "column 1: unbalanced parenthesis");
    bad("行政)", ZERR_SYNTAX, "column 3: unbalanced parenthesis");
    bad("\"行政", ZERR_SYNTAX, "column 1: unbalanced quote");
    bad("复议 \"行政", ZERR_SYNTAX, "column 4: unbalanced quote");
    bad("OR 复议", ZERR_SYNTAX, "OR needs a term on both sides");
    bad("复议 OR", ZERR_SYNTAX, "column 4: OR needs a term on both sides");
    bad("复议 AND", ZERR_SYNTAX, "AND needs a term");
    bad("()", ZERR_SYNTAX, "empty parentheses");
    bad("复议 NOT", ZERR_SYNTAX, "NOT or - needs something to exclude");
    bad("(a) \"b", ZERR_SYNTAX, "column 5: unbalanced quote");
    bad("复议 \"b", ZERR_SYNTAX, "column 4: unbalanced quote");
    bad("NOT -复议", ZERR_SYNTAX, "double negation");
    bad("year:abc", ZERR_SYNTAX, "year: expected a year");
    bad("year:20211", ZERR_SYNTAX, "year: expected");
    bad("year:2022..2019", ZERR_SYNTAX, "empty");
    bad("year:", ZERR_SYNTAX, "has no value");
    bad("date:2022-1-5", ZERR_SYNTAX, "date: expected");
    /* months and days must exist, also at either end of a range */
    bad("date:2022-13-45", ZERR_SYNTAX, "column 1: date: expected a real date");
    bad("date:2022-13", ZERR_SYNTAX, "column 1: date: expected");
    bad("date:2022-00", ZERR_SYNTAX, "date: expected");
    bad("date:2022-01-00", ZERR_SYNTAX, "date: expected");
    bad("date:2022-04-31", ZERR_SYNTAX, "date: expected");
    bad("date:2022-02-29", ZERR_SYNTAX, "date: expected");
    bad("date:1900-02-29", ZERR_SYNTAX, "date: expected");
    bad("复议 date:2022-01..2022-13", ZERR_SYNTAX, "column 4: date: expected");
    bad("date:2022-99-01..2022-12", ZERR_SYNTAX, "date: expected");
    has("date:2024-02-29", "VALUE_RANGE 5 2024-02-29 2024-02-29");
    has("date:2000-02-29", "VALUE_RANGE 5 2000-02-29 2000-02-29");
    has("date:2022-12-31", "VALUE_RANGE 5 2022-12-31 2022-12-31");
    has("date:2022-01..2022-12", "VALUE_RANGE 5 2022-01-00 2022-12-99");
    bad("foo:bar", ZERR_SYNTAX, "unknown field 'foo'");
    bad("foo:bar", ZERR_SYNTAX, "(fields: title, issuer, region, year, date, docno)");
    bad("path:x", ZERR_SYNTAX, "unsearchable field 'path'");
    bad("docno:", ZERR_SYNTAX, "has no value");
    bad("docno:〔〕", ZERR_SYNTAX, "nothing searchable");
    bad("，。", ZERR_SYNTAX, "nothing searchable");
    bad("复议 😀", ZERR_SYNTAX, "column 4: '😀' has nothing searchable");
    /* a long unsearchable atom is quoted shortly, as valid UTF-8 */
    {
        char q[700] = "";
        for (int i = 0; i < 200; i++)
            strcat(q, "，");
        zq_parsed p;
        zerr e;
        CHECK(zq_parse(an, q, &p, &e) == ZERR_SYNTAX, "long punctuation refused");
        size_t n = strlen(e.msg);
        CHECK(utf8_complete(e.msg, n) == n && strstr(e.msg, "…' has nothing searchable"), "message: %s", e.msg);
    }
    /* deep nesting is refused, not a crash */
    {
        char q[400];
        memset(q, '(', 200);
        strcpy(q + 200, "复议");
        memset(q + 206, ')', 150);
        q[356] = 0;
        bad(q, ZERR_SYNTAX, "nested too deeply");
    }
    /* a long chain of exclusions is refused, not a stack overflow */
    {
        static char q[8020];
        memset(q, '-', 8000);
        strcpy(q + 8000, "复议");
        bad(q, ZERR_SYNTAX, "too many NOT or -");
    }
    /* limits: bytes, terms, characters in one term; each named */
    {
        static char q[20000];
        size_t n = 0;
        while (n + 7 < ZQ_MAX_BYTES) { /* 1170 atoms, under the byte limit */
            memcpy(q + n, "复议 ", 7);
            n += 7;
        }
        q[n] = 0;
        bad(q, ZERR_QUERY_LIMIT, "more than 100 words, phrases and fields (the limit)");
        memset(q, 'a', ZQ_MAX_BYTES + 1);
        q[ZQ_MAX_BYTES + 1] = 0;
        bad(q, ZERR_QUERY_LIMIT, "query too large: 8193 bytes, the limit is 8192 bytes");
        /* 100 atoms are fine, the 101st is refused at its column */
        n = 0;
        for (int i = 0; i < ZQ_MAX_TERMS; i++)
            n += (size_t)sprintf(q + n, "%s诉%d", i ? " OR " : "", i);
        char *d = parse_ok(q);
        CHECK(d != NULL, "100 terms parse");
        free(d);
        strcpy(q + n, " year:2021");
        bad(q, ZERR_QUERY_LIMIT, "more than 100");
        /* a phrase of 500 characters is exact: a phrase over every
         * character, filtered by at most 16 of its bigrams */
        n = 0;
        for (int i = 0; i < ZQ_MAX_CHARS; i++)
            n += (size_t)sprintf(q + n, "%s", i % 3 ? "法" : "治");
        zq_parsed p;
        zerr e;
        CHECK(zq_parse(an, q, &p, &e) == ZERR_OK, "500 characters parse: %s", e.msg);
        d = zx_q_describe(p.query);
        CHECK(d && strstr(d, "PHRASE 500"), "exact phrase of all 500 characters");
        free(d);
        zq_parsed_clear(&p);
        sprintf(q + n, "治");
        bad(q, ZERR_QUERY_LIMIT, "column 1: '治法法治法法");
        bad(q, ZERR_QUERY_LIMIT, "has more than 500 characters (the limit for a word or phrase)");
        n = 0;
        for (int i = 0; i < 45; i++)
            n += (size_t)sprintf(q + n, "%s法治政府法治政府法治政府法治政府法治政府法治政%d", i ? " OR " : "", i);
        bad(q, ZERR_QUERY_LIMIT, "more than 1000 characters in all words and phrases (the limit)");
    }
    za_free(an);
    return check_done();
}
