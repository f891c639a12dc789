/* Unit tests: zx_q_value_table, the weight read from a small decimal value
 * (the title evidence of terms.c): the weights of a map with the keys
 * "1".."n", the default for every other value, no match without a value,
 * and as many matches and weights under an AND as the map gave. */
#include "check.h"
#include "zx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    char dir[] = "/tmp/zhs-vtab-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char path[128];
    snprintf(path, sizeof path, "%s/idx", dir);
    zx_err e;
    zx_db *w = zx_db_open_writable(path, 1, &e);
    CHECK(w != NULL, "create: %s", e.msg);
    /* document i + 1 has value vals[i] (NULL: none) and term "Xa" when i is even */
    const char *vals[] = {"1", "2", "10", "32", "33", "01", "abc", NULL, "0", "9999999999", "", "3"};
    const double expect[] = {100, 101, 109, 131, 7, 7, 7, -1, 7, 7, -1, 102};
    unsigned n = sizeof vals / sizeof *vals;
    for (unsigned i = 0; i < n; i++) {
        zx_doc *d = zx_doc_new();
        char id[16];
        snprintf(id, sizeof id, "Q%u", i);
        zx_doc_add_boolean(d, id, strlen(id));
        if (i % 2 == 0)
            zx_doc_add_term(d, "Xa", 2, 1);
        if (vals[i])
            zx_doc_set_value(d, 14, vals[i], strlen(vals[i]));
        CHECK(zx_db_replace(w, id, strlen(id), d, &e) == i + 1, "add %u: %s", i, e.msg);
        zx_doc_free(d);
    }
    CHECK(zx_db_commit(w, &e) == ZX_OK, "commit: %s", e.msg);

    double wt[32];
    for (unsigned l = 0; l < 32; l++)
        wt[l] = 100 + l;
    zx_query *src = zx_q_value_table(14, wt, 32, 7);
    CHECK(src != NULL, "query");
    char *desc = zx_q_describe(src);
    CHECK(desc && strstr(desc, "PostingSource(slot=14)"), "description: %s", desc ? desc : "");
    free(desc);

    zx_enquire *enq = zx_enquire_new(w, &e);
    CHECK(enq && zx_enquire_set_query(enq, src, &e) == ZX_OK, "enquire: %s", e.msg);
    zx_mset *ms = zx_enquire_mset(enq, 0, 100, 100, &e);
    CHECK(ms != NULL, "mset: %s", e.msg);
    unsigned matched = 0;
    for (unsigned i = 0; ms && i < zx_mset_size(ms); i++) {
        unsigned id = zx_mset_docid(ms, i);
        double got = zx_mset_weight(ms, i);
        CHECK(id >= 1 && id <= n && expect[id - 1] >= 0 && fabs(got - expect[id - 1]) < 1e-12,
              "document %u (value %s): weight %g", id, id && id <= n && vals[id - 1] ? vals[id - 1] : "-", got);
        matched++;
    }
    CHECK(matched == n - 2, "every document with a value matches: %u", matched);
    zx_mset_free(ms);

    /* under AND with a zero-scaled term: the term decides, the value weighs,
     * best first (max-weight pruning keeps the order) */
    zx_query *t = zx_q_term("Xa", 2, 1, 0);
    zx_query *t0 = zx_q_scale(t, 0);
    zx_query *pair[2] = {t0, src};
    zx_query *and = zx_q_combine(ZX_OP_AND, pair, 2, 0);
    CHECK(and && zx_enquire_set_query(enq, and, &e) == ZX_OK, "and: %s", e.msg);
    ms = zx_enquire_mset(enq, 0, 3, 0, &e);
    CHECK(ms && zx_mset_size(ms) == 3, "top 3");
    double prev = 1e9;
    for (unsigned i = 0; ms && i < zx_mset_size(ms); i++) {
        unsigned id = zx_mset_docid(ms, i);
        double got = zx_mset_weight(ms, i);
        CHECK(id % 2 == 1 && fabs(got - expect[id - 1]) < 1e-12 && got <= prev,
              "AND: rank %u document %u weight %g", i, id, got);
        prev = got;
    }
    CHECK(ms && zx_mset_docid(ms, 0) == 3 && zx_mset_docid(ms, 1) == 1 && zx_mset_docid(ms, 2) == 5,
          "AND order: %u %u %u", zx_mset_docid(ms, 0), zx_mset_docid(ms, 1), zx_mset_docid(ms, 2));
    zx_mset_free(ms);
    zx_q_free(and);
    zx_q_free(t0);
    zx_q_free(t);
    zx_q_free(src);
    zx_enquire_free(enq);
    zx_db_close(w);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
