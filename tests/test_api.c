/* Unit tests of libzhsearch through its public header only: open, search,
 * iterate, facets, reopen after a commit, and error paths.
 * Usage: test_api ZHINDEX CORPUS_DIR */
#include "zhsearch.h"

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/zhs-api-XXXXXX";
static char idxpath[128];

static int sh(const char *fmt, const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, a, b, idxpath);
    return system(cmd);
}

static unsigned count(zhs_index *idx, const char *q)
{
    zhs_results *r;
    zhs_status st = zhs_search(idx, q, NULL, &r);
    CHECK(st == ZHS_OK, "search '%s': %s", q, zhs_index_last_error(idx));
    unsigned n = zhs_results_total(r);
    zhs_results_free(r);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_api ZHINDEX CORPUS_DIR\n");
        return 2;
    }
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(idxpath, sizeof idxpath, "%s/idx", dir);
    CHECK(sh("mkdir -p %2$s.tmp && true", "", dir) == 0, "tmp");
    /* index four of the five reports first */
    CHECK(sh("mkdir -p '%3$s.in' && cp '%2$s'/2021-*.txt '%2$s'/2020-*.txt '%3$s.in'/ && '%1$s' -q -d '%3$s' add '%3$s.in'",
             argv[1], argv[2]) == 0, "zhindex add");

    /* version and status strings */
    CHECK(zhs_version_number() == ZHS_VERSION_NUMBER, "version number");
    CHECK(strcmp(zhs_version(), ZHS_VERSION_STRING) == 0, "version");
    CHECK(strcmp(zhs_status_str(ZHS_ERR_QUERY_SYNTAX), "query syntax error") == 0, "status str");
    CHECK(ZHS_OK == 0 && ZHS_ERR_OPEN == 2 && ZHS_ERR_INTERNAL == 11, "pinned values");

    /* error paths */
    zhs_index *bad;
    CHECK(zhs_index_open("/nonexistent", &bad) == ZHS_ERR_OPEN, "missing index");
    CHECK(strstr(zhs_index_last_error(bad), "/nonexistent") != NULL, "message names the path: %s",
          zhs_index_last_error(bad));
    zhs_index_close(bad);
    zhs_index_close(NULL);
    zhs_results_free(NULL);
    zhs_options_free(NULL);

    zhs_index *idx;
    CHECK(zhs_index_open(idxpath, &idx) == ZHS_OK, "open: %s", zhs_index_last_error(idx));
    CHECK(zhs_index_doc_count(idx) == 4, "4 documents");
    zhs_results *r;
    CHECK(zhs_search(idx, "(行政", NULL, &r) == ZHS_ERR_QUERY_SYNTAX && r == NULL, "syntax error");
    CHECK(strstr(zhs_index_last_error(idx), "column 1") != NULL, "error has column: %s",
          zhs_index_last_error(idx));
    CHECK(zhs_search(idx, "", NULL, &r) == ZHS_ERR_QUERY_EMPTY, "empty query");
    CHECK(zhs_search(idx, NULL, NULL, &r) == ZHS_ERR_INVALID, "NULL query");
    zhs_options *o = zhs_options_new();
    CHECK(zhs_options_set(o, ZHS_P_SORT, 99) == ZHS_ERR_INVALID, "bad sort");
    CHECK(zhs_options_set(o, ZHS_P_LIMIT, -1) == ZHS_ERR_INVALID, "negative limit");
    CHECK(zhs_options_set(o, (zhs_param)999, 1) == ZHS_ERR_INVALID, "bad param");
    /* counts are 32-bit: larger values are refused, not wrapped to a small one */
    CHECK(zhs_options_set(o, ZHS_P_OFFSET, 4294967296L) == ZHS_ERR_INVALID, "offset 2^32 refused");
    CHECK(zhs_options_set(o, ZHS_P_LIMIT, 4294967297L) == ZHS_ERR_INVALID, "limit 2^32+1 refused");
    CHECK(zhs_index_set(idx, ZHS_I_TIMEOUT_MS, 4294967296L) == ZHS_ERR_INVALID, "timeout 2^32 refused");
    {
        zhs_options *far = zhs_options_new();
        CHECK(zhs_options_set(far, ZHS_P_OFFSET, 4294967295L) == ZHS_OK &&
                  zhs_options_set(far, ZHS_P_LIMIT, 4294967295L) == ZHS_OK, "largest offset and limit");
        CHECK(zhs_search(idx, "行政复议", far, &r) == ZHS_OK && zhs_results_count(r) == 0 &&
                  zhs_results_total(r) == 4, "offset past the end: no hits, exact total");
        zhs_results_free(r);
        zhs_options_set(far, ZHS_P_OFFSET, 3);
        CHECK(zhs_search(idx, "行政复议", far, &r) == ZHS_OK && zhs_results_count(r) == 1 &&
                  zhs_hit_rank(zhs_results_hit(r, 0)) == 4, "huge limit: the rest");
        zhs_results_free(r);
        zhs_options_free(far);
    }

    /* totals are exact whatever the page size: one-term queries (a
     * character, two characters) stop early, the others count every match */
    {
        static const char *qs[] = {"法", "法治", "复议", "法治政府", "依法 行政", "year:2021", "法 -疫情"};
        zhs_options *one = zhs_options_new();
        zhs_options *all = zhs_options_new();
        zhs_options_set(one, ZHS_P_LIMIT, 1);
        zhs_options_set(all, ZHS_P_LIMIT, 0);
        for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
            zhs_results *r1, *ra;
            CHECK(zhs_search(idx, qs[i], one, &r1) == ZHS_OK && zhs_search(idx, qs[i], all, &ra) == ZHS_OK,
                  "search '%s': %s", qs[i], zhs_index_last_error(idx));
            CHECK(zhs_results_total(r1) == zhs_results_count(ra) && zhs_results_total(ra) == zhs_results_count(ra),
                  "'%s': total %u with one hit shown, %u hits in all", qs[i], zhs_results_total(r1),
                  zhs_results_count(ra));
            CHECK(zhs_results_count(r1) == (zhs_results_count(ra) ? 1u : 0u), "'%s': one hit", qs[i]);
            zhs_results_free(r1);
            zhs_results_free(ra);
        }
        zhs_options_free(one);
        zhs_options_free(all);
    }

    /* a search with everything on */
    zhs_options_set(o, ZHS_P_LIMIT, 2);
    zhs_options_set(o, ZHS_P_FACET_YEAR, 1);
    zhs_options_set(o, ZHS_P_FACET_ISSUER, 1);
    zhs_options_set(o, ZHS_P_EXPLAIN, 1);
    CHECK(zhs_search(idx, "行政復議", o, &r) == ZHS_OK, "search: %s", zhs_index_last_error(idx));
    CHECK(zhs_results_total(r) == 4 && zhs_results_count(r) == 2, "total %u count %u",
          zhs_results_total(r), zhs_results_count(r));
    CHECK(strcmp(zhs_results_normalized_query(r), "行政复议") == 0, "normalized query");
    CHECK(strstr(zhs_results_explain(r), "B复议") != NULL, "explain names terms");
    unsigned n = 0, yc, sum = 0;
    double last = 1e9;
    for (zhs_hits *it = zhs_results_hits(r); zhs_hits_valid(it); zhs_hits_next(it)) {
        const zhs_hit *h = zhs_hits_get(it);
        n++;
        CHECK(zhs_hit_rank(h) == n, "rank");
        CHECK(zhs_hit_score(h) <= last && zhs_hit_score(h) > 0, "scores descend");
        last = zhs_hit_score(h);
        CHECK(strstr(zhs_hit_path(h), ".txt") != NULL, "path");
        CHECK(strstr(zhs_hit_title(h), "报告") != NULL, "title: %s", zhs_hit_title(h));
        CHECK(zhs_hit_year(h) >= 2020 && zhs_hit_field(h, "issuer") != NULL, "metadata");
        CHECK(zhs_hit_field(h, "nonsense") == NULL, "unknown field");
        size_t sl;
        const char *s = zhs_hit_snippet(h, &sl);
        unsigned nr;
        const zhs_range *rg = zhs_hit_highlights(h, &nr);
        CHECK(nr > 0 && sl > 0, "snippet with highlights");
        for (unsigned k = 0; k < nr; k++)
            CHECK(rg[k].start + rg[k].len <= sl && rg[k].len == strlen("行政复议") &&
                      memcmp(s + rg[k].start, "行政复议", rg[k].len) == 0,
                  "highlight %u is the match", k);
        CHECK(strstr(zhs_hit_explain(h), "score") != NULL, "hit explain");
    }
    CHECK(n == 2, "iterated 2");
    CHECK(zhs_results_hit(r, 1) != NULL && zhs_results_hit(r, 2) == NULL, "direct access");
    for (unsigned i = 0; zhs_results_facet(r, "year", i, &yc); i++)
        sum += yc;
    CHECK(sum == 4, "year facet counts all matches: %u", sum);
    CHECK(zhs_results_facet(r, "nonsense", 0, &yc) == NULL, "unknown facet");
    zhs_results_free(r);

    /* the fields of hits, iterated; the fields there are; facets by name */
    {
        static const char *order[] = {"path", "title", "issuer", "region", "year", "date", "docno", "format"};
        unsigned flags, nf = 0, k;
        const char *name;
        for (; (name = zhs_field_info(nf, &flags)); nf++)
            CHECK(strcmp(name, "docno") || (flags & ZHS_FIELD_EXACT && flags & ZHS_FIELD_HIT),
                  "docno: exact, listed with hits");
        CHECK(nf >= 7 && zhs_field_info(nf, &flags) == NULL && flags == 0, "field info ends");
        CHECK(zhs_field_info(4, &flags) && !strcmp(zhs_field_info(4, NULL), "year") &&
                  flags == (ZHS_FIELD_RANGE | ZHS_FIELD_FACET | ZHS_FIELD_HIT | ZHS_FIELD_BRIEF |
                            ZHS_FIELD_NUMBER), "year: flags %u", flags);
        zhs_options *fo = zhs_options_new();
        CHECK(zhs_options_add_facet(fo, "issuer") == ZHS_OK && zhs_options_add_facet(fo, "year") == ZHS_OK &&
                  zhs_options_add_facet(fo, "year") == ZHS_OK, "facets by name");
        CHECK(zhs_options_add_facet(fo, "docno") == ZHS_ERR_INVALID &&
                  zhs_options_add_facet(fo, "nonsense") == ZHS_ERR_INVALID &&
                  zhs_options_add_facet(fo, NULL) == ZHS_ERR_INVALID &&
                  zhs_options_add_facet(NULL, "year") == ZHS_ERR_INVALID, "no facet of other fields");
        CHECK(zhs_search(idx, "docno:吴政发〔2022〕3号", fo, &r) == ZHS_OK && zhs_results_count(r) == 1,
              "docno: the whole number: %s", zhs_index_last_error(idx));
        const zhs_hit *h = zhs_results_hit(r, 0);
        unsigned nh = zhs_hit_field_count(h);
        CHECK(nh == 8, "the hit has 8 fields listed: %u", nh);
        CHECK_STR(zhs_hit_field(h, "format"), "text", "format");
        CHECK(zhs_hit_page(h) == 0 && zhs_hit_field(h, "pages") == NULL && zhs_hit_field(h, "ocr") == NULL,
              "a text file has no pages");
        for (k = 0; k < nh && k < 8; k++) {
            CHECK_STR(zhs_hit_field_name(h, k), order[k], "field %u", k);
            CHECK(zhs_hit_field_value(h, k) == zhs_hit_field(h, order[k]), "value %u by index and by name", k);
        }
        CHECK(zhs_hit_field_name(h, nh) == NULL && zhs_hit_field_value(h, nh) == NULL, "past the end");
        CHECK(zhs_hit_field_count(NULL) == 0 && zhs_hit_field_name(NULL, 0) == NULL &&
                  zhs_hit_field_value(NULL, 0) == NULL, "NULL hit");
        CHECK_STR(zhs_hit_field(h, "docno"), "吴政发〔2022〕3号", "docno");
        CHECK(zhs_hit_field(h, "encoding") != NULL, "encoding by name, not listed");
        CHECK(zhs_hit_field_value(h, 0) == zhs_hit_path(h) && zhs_hit_field_value(h, 1) == zhs_hit_title(h),
              "path and title read through the fields");
        CHECK(zhs_hit_year(h) == 2021, "year");
        CHECK(zhs_results_facet(r, "year", 0, &yc) && yc == 1 && zhs_results_facet(r, "year", 1, &yc) == NULL,
              "year facet by name");
        CHECK(zhs_results_facet(r, "issuer", 0, &yc) && yc == 1, "issuer facet by name");
        zhs_results_free(r);
        /* the old options are the same facets; 0 takes one back */
        zhs_options_set(fo, ZHS_P_FACET_ISSUER, 0);
        CHECK(zhs_search(idx, "docno:吴政发", fo, &r) == ZHS_OK && zhs_results_facet(r, "year", 0, &yc) &&
                  zhs_results_facet(r, "issuer", 0, &yc) == NULL, "ZHS_P_FACET_ISSUER 0 takes it back");
        zhs_results_free(r);
        zhs_options_free(fo);
        CHECK(count(idx, "docno:吴政发") == 1 && count(idx, "docno:〔2022〕") == 2 && count(idx, "docno:政发") == 0,
              "docno: whole parts");
        CHECK(zhs_search(idx, "path:x", NULL, &r) == ZHS_ERR_QUERY_SYNTAX && r == NULL, "path: is not searched");
    }

    /* offset, all, sort */
    zhs_options_set(o, ZHS_P_OFFSET, 3);
    zhs_options_set(o, ZHS_P_LIMIT, 10);
    CHECK(zhs_search(idx, "行政复议", o, &r) == ZHS_OK && zhs_results_count(r) == 1 &&
              zhs_hit_rank(zhs_results_hit(r, 0)) == 4, "offset");
    zhs_results_free(r);
    zhs_options_set(o, ZHS_P_OFFSET, 0);
    zhs_options_set(o, ZHS_P_SORT, ZHS_SORT_DATE);
    CHECK(zhs_search(idx, "法治", o, &r) == ZHS_OK, "sort by date");
    for (unsigned i = 1; i < zhs_results_count(r); i++)
        CHECK(strcmp(zhs_hit_field(zhs_results_hit(r, i - 1), "date"),
                     zhs_hit_field(zhs_results_hit(r, i), "date")) <= 0, "dates ascend");
    zhs_results_free(r);
    zhs_options_free(o);

    /* exact counts through the library */
    CHECK(count(idx, "year:2021") == 3, "year:2021");
    CHECK(count(idx, "量子计算机") == 0, "no match");
    CHECK(zhs_search(idx, "行政復議 NOT 放管服", NULL, &r) == ZHS_OK &&
              strcmp(zhs_results_normalized_query(r), "行政复议 NOT 放管服") == 0,
          "normalized query keeps NOT: %s", zhs_results_normalized_query(r));
    zhs_results_free(r);

    /* a concordance: every occurrence, with context, as grep counts them
     * in the files; occurrence facets add up to the same */
    {
        zhs_options *mo = zhs_options_new();
        zhs_options_set(mo, ZHS_P_MATCHES, 10);
        zhs_options_set(mo, ZHS_P_LIMIT, 0);
        zhs_options_set(mo, ZHS_P_OCCURRENCES, 1);
        zhs_options_add_facet(mo, "year");
        CHECK(zhs_search(idx, "行政复议", mo, &r) == ZHS_OK && zhs_results_count(r) == 4, "search");
        unsigned long long all = 0;
        for (unsigned i = 0; i < zhs_results_count(r); i++) {
            const zhs_hit *h = zhs_results_hit(r, i);
            unsigned n;
            const zhs_match *m = zhs_hit_matches(h, &n);
            FILE *f = fopen(zhs_hit_path(h), "rb");
            char buf[200000];
            size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
            if (f)
                fclose(f);
            buf[len] = 0;
            unsigned want = 0;
            for (const char *p = buf; (p = strstr(p, "行政复议")); p += strlen("行政复议"))
                want++;
            CHECK(n == want && n > 0, "%s: %u matches, grep finds %u", zhs_hit_path(h), n, want);
            int good = 1;
            for (unsigned k = 0; k < n; k++) {
                good &= m[k].len == strlen("行政复议") && m[k].start + m[k].len <= m[k].context_len &&
                        memcmp(m[k].context + m[k].start, "行政复议", m[k].len) == 0 &&
                        !strcmp(m[k].atom, "行政复议") && m[k].page == 0 &&
                        (k == 0 || m[k].offset > m[k - 1].offset) && !strchr(m[k].context, '\n') &&
                        strlen(m[k].context) == m[k].context_len;
            }
            CHECK(good, "%s: each match in its context, in order", zhs_hit_path(h));
            all += n;
        }
        CHECK(zhs_results_occurrences(r) == all, "occurrences %llu = %llu", zhs_results_occurrences(r), all);
        unsigned long long by_year = 0;
        unsigned yc2;
        for (unsigned i = 0; zhs_results_facet(r, "year", i, &yc2); i++)
            by_year += yc2;
        CHECK(by_year == all, "the year facet counts occurrences: %llu", by_year);
        zhs_results_free(r);
        zhs_options_free(mo);
    }

    /* did you mean: a homophone slip, and a Traditional query needing none */
    {
        zhs_options *so = zhs_options_new();
        unsigned sc = 0;
        CHECK(zhs_options_set(so, ZHS_P_SUGGEST, 1) == ZHS_OK, "suggest option");
        CHECK(zhs_search(idx, "依法形政", so, &r) == ZHS_OK && zhs_results_total(r) == 0 &&
                  zhs_results_suggestion(r, 0, &sc) && !strcmp(zhs_results_suggestion(r, 0, NULL), "依法行政") &&
                  sc == 4,
              "依法形政 -> 依法行政 (%u): %s", sc, r ? zhs_results_suggestion(r, 0, NULL) : "-");
        zhs_results_free(r);
        CHECK(zhs_search(idx, "依法行政 year:2021", so, &r) == ZHS_OK && zhs_results_suggestion(r, 0, NULL) == NULL,
              "a query that finds something gets none");
        zhs_results_free(r);
        CHECK(zhs_search(idx, "依法形政", NULL, &r) == ZHS_OK && zhs_results_suggestion(r, 0, NULL) == NULL,
              "none unless asked");
        zhs_results_free(r);
        zhs_options_free(so);
    }

    /* synonyms: ~word expands to its group, a plain query never widens */
    {
        CHECK(sh("printf '# test\\n复议 = 行政复议 行政復議案件\\n放管服 = 简政放权\\n' > '%1$s.syn' && "
                 "'%2$s' -q -d '%1$s' synonyms '%1$s.syn'", idxpath, argv[1]) == 0,
              "zhindex synonyms");
        CHECK(sh("printf 'a = b\\nb = c\\n' > '%1$s.bad' && ! '%2$s' -q -d '%1$s' synonyms '%1$s.bad' 2>/dev/null",
                 idxpath, argv[1]) == 0,
              "a word in two groups is refused");
        CHECK(zhs_index_reopen(idx) == ZHS_OK, "reopen");
        long plain = count(idx, "简政放权"), tilde = count(idx, "~放管服"), fg = count(idx, "放管服");
        CHECK(tilde >= plain && tilde >= fg && tilde > 0, "~放管服 %ld >= 简政放权 %ld, 放管服 %ld", tilde, plain, fg);
        zhs_options *xo = zhs_options_new();
        zhs_options_set(xo, ZHS_P_EXPLAIN, 1);
        const char *members = NULL;
        CHECK(zhs_search(idx, "～放管服 year:2021", xo, &r) == ZHS_OK &&
                  !strcmp(zhs_results_expansion(r, 0, &members), "放管服") && !strcmp(members, "放管服 简政放权") &&
                  strstr(zhs_results_explain(r), "synonyms: 放管服 -> 放管服 简政放权") &&
                  strstr(zhs_results_normalized_query(r), "(放管服 OR 简政放权)") &&
                  zhs_results_expansion(r, 1, NULL) == NULL,
              "expansion reported: %s", r ? zhs_results_normalized_query(r) : "-");
        zhs_results_free(r);
        CHECK(zhs_search(idx, "放管服 \"~放管服\"", NULL, &r) == ZHS_OK && zhs_results_expansion(r, 0, NULL) == NULL,
              "plain words and quoted text never expand");
        zhs_results_free(r);
        zhs_options_set(xo, ZHS_P_EXPAND, 1);
        CHECK(zhs_search(idx, "放管服 -复议 NOT 复议 issuer:复议", xo, &r) == ZHS_OK && zhs_results_expansion(r, 1, NULL) == NULL &&
                  !strcmp(zhs_results_expansion(r, 0, NULL), "放管服"),
              "--expand: words, not negated ones or fields: %s", r ? zhs_results_normalized_query(r) : "-");
        zhs_results_free(r);
        CHECK(zhs_search(idx, "~量子", xo, &r) == ZHS_OK && !strcmp(zhs_results_expansion(r, 0, &members), "量子") &&
                  !*members, "~word without a group is the word");
        zhs_results_free(r);
        zhs_options_free(xo);
    }

    /* one whole document, with every match */
    {
        CHECK(zhs_search(idx, "吴忠市", NULL, &r) == ZHS_OK && zhs_results_count(r) == 1, "find one");
        char path[4096];
        snprintf(path, sizeof path, "%s", zhs_hit_path(zhs_results_hit(r, 0)));
        zhs_results_free(r);
        zhs_document *d;
        CHECK(zhs_index_document(idx, path, "行政复议 \"法治政府\"", &d) == ZHS_OK, "document: %s",
              zhs_index_last_error(idx));
        size_t len;
        const char *t = zhs_document_text(d, &len);
        unsigned n;
        const zhs_range *hl = zhs_document_highlights(d, &n);
        int good = n > 5 && len > 1000 && strlen(t) == len;
        for (unsigned k = 0; k < n && good; k++)
            good = (!memcmp(t + hl[k].start, "行政复议", 12) && hl[k].len == 12) ||
                   (!memcmp(t + hl[k].start, "法治政府", 12) && hl[k].len == 12);
        CHECK(good && zhs_document_page(d, 0) == 0, "every match highlighted in the whole text: %u", n);
        CHECK(!strcmp(zhs_hit_field(zhs_document_hit(d), "year"), "2021") &&
                  !strcmp(zhs_hit_path(zhs_document_hit(d)), path), "its fields");
        zhs_document_free(d);
        CHECK(zhs_index_document(idx, path, "行政复议 NEAR/10 应诉", &d) == ZHS_OK, "NEAR in a document query");
        t = zhs_document_text(d, &len);
        hl = zhs_document_highlights(d, &n);
        good = n > 0;
        for (unsigned k = 0; k < n && good; k++)
            good = (!memcmp(t + hl[k].start, "行政复议", 12) && hl[k].len == 12) ||
                   (!memcmp(t + hl[k].start, "应诉", 6) && hl[k].len == 6);
        CHECK(good, "the operands highlighted, not the operator: %u", n);
        zhs_document_free(d);
        CHECK(zhs_index_document(idx, path, "~放管服", &d) == ZHS_OK, "~word in a document query");
        t = zhs_document_text(d, &len);
        hl = zhs_document_highlights(d, &n);
        good = 1;
        unsigned seen_member = 0;
        for (unsigned k = 0; k < n && good; k++) {
            seen_member += !memcmp(t + hl[k].start, "简政放权", 12);
            good = !memcmp(t + hl[k].start, "放管服", 9) || !memcmp(t + hl[k].start, "简政放权", 12);
        }
        CHECK(good && (n == 0 || seen_member || strstr(t, "简政放权") == NULL),
              "~放管服 highlights its group (%u matches)", n);
        zhs_document_free(d);
        CHECK(zhs_index_document(idx, "/no/such/file", NULL, &d) == ZHS_ERR_NOT_FOUND && d == NULL &&
                  strstr(zhs_index_last_error(idx), "/no/such/file"), "not in the index");
        CHECK(zhs_index_document(idx, path, "(", &d) == ZHS_ERR_QUERY_SYNTAX, "a bad query");
        CHECK(zhs_index_document(idx, path, NULL, &d) == ZHS_OK && (zhs_document_highlights(d, &n), n == 0),
              "no query: no highlights");
        zhs_document_free(d);
        zhs_document_free(NULL);
    }

    /* a commit by the indexer: the open handle keeps its snapshot until reopen */
    CHECK(sh("cp '%2$s'/2023-*.txt '%3$s.in'/ && '%1$s' -q -d '%3$s' add '%3$s.in'", argv[1], argv[2]) == 0,
          "add fifth");
    CHECK(count(idx, "安岳县") == 0, "old snapshot");
    CHECK(zhs_index_reopen(idx) == ZHS_OK, "reopen");
    CHECK(count(idx, "安岳县") == 1, "new commit visible");
    CHECK(zhs_index_doc_count(idx) == 5, "5 documents");
    zhs_index_close(idx);

    /* several indexes as one: the same index twice counts its documents twice */
    zhs_index *multi = zhs_index_new();
    CHECK(multi != NULL, "new handle");
    CHECK(zhs_index_set(multi, ZHS_I_TIMEOUT_MS, 500) == ZHS_OK, "timeout");
    CHECK(zhs_index_set(multi, (zhs_index_param)99, 1) == ZHS_ERR_INVALID, "bad index parameter");
    CHECK(zhs_index_set(multi, ZHS_I_TIMEOUT_MS, -1) == ZHS_ERR_INVALID, "negative timeout");
    CHECK(zhs_index_add(multi, idxpath) == ZHS_OK && zhs_index_add(multi, idxpath) == ZHS_OK, "add twice");
    CHECK(zhs_index_shard_count(multi) == 2 && zhs_index_doc_count(multi) == 10, "2 shards, %u documents",
          zhs_index_doc_count(multi));
    CHECK(count(multi, "安岳县") == 2, "a match in each shard");
    CHECK(zhs_index_add(multi, "/nonexistent") == ZHS_ERR_OPEN, "bad shard refused");
    CHECK(zhs_index_add(multi, "127.0.0.1:1") == ZHS_ERR_NETWORK, "unreachable remote shard: %s",
          zhs_index_last_error(multi));
    CHECK(zhs_index_set(multi, ZHS_I_ALLOW_PARTIAL, 1) == ZHS_OK && zhs_index_add(multi, "127.0.0.1:1") == ZHS_OK,
          "partial: an unreachable shard is left out");
    zhs_results *pr;
    CHECK(zhs_search(multi, "安岳县", NULL, &pr) == ZHS_OK && zhs_results_shards_skipped(pr) == 1 &&
              zhs_results_total(pr) == 2, "results say a shard was left out");
    zhs_results_free(pr);
    zhs_index_close(multi);

    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s.in' '%s.tmp'", dir, idxpath, dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
