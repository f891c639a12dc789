/* Failures inside the Xapian layer reach the caller of libzhsearch: the
 * library is linked here with zx_enquire_each_facet and zx_doc_value
 * wrapped (-Wl,--wrap) so that a test can make them fail, as they do when
 * memory runs out.  A failed facet count must be an error, never empty
 * facets with success.
 * Usage: test_failures ZHINDEX CORPUS_DIR */
#include "zhsearch.h"
#include "zx.h"

#include "check.h"

#include <stdlib.h>

static int fail_facets, fail_values;

zx_status __real_zx_enquire_each_facet(zx_enquire *e, int spy,
                                       int (*cb)(void *, const char *, size_t, unsigned), void *ctx,
                                       zx_err *err);
char *__real_zx_doc_value(zx_doc *doc, unsigned slot, size_t *len, zx_err *err);

zx_status __wrap_zx_enquire_each_facet(zx_enquire *e, int spy,
                                       int (*cb)(void *, const char *, size_t, unsigned), void *ctx,
                                       zx_err *err);
char *__wrap_zx_doc_value(zx_doc *doc, unsigned slot, size_t *len, zx_err *err);

zx_status __wrap_zx_enquire_each_facet(zx_enquire *e, int spy,
                                       int (*cb)(void *, const char *, size_t, unsigned), void *ctx,
                                       zx_err *err)
{
    if (fail_facets) {
        err->code = ZX_ERR_NOMEM;
        snprintf(err->msg, sizeof err->msg, "std::bad_alloc");
        return ZX_ERR_NOMEM;
    }
    return __real_zx_enquire_each_facet(e, spy, cb, ctx, err);
}

char *__wrap_zx_doc_value(zx_doc *doc, unsigned slot, size_t *len, zx_err *err)
{
    if (fail_values) {
        err->code = ZX_ERR_NOMEM;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return NULL;
    }
    return __real_zx_doc_value(doc, slot, len, err);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_failures ZHINDEX CORPUS_DIR\n");
        return 2;
    }
    char dir[] = "/tmp/zhs-failures-XXXXXX", idxpath[256], cmd[1024];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(idxpath, sizeof idxpath, "%s/idx", dir);
    snprintf(cmd, sizeof cmd, "'%s' -q -d '%s' add '%s'", argv[1], idxpath, argv[2]);
    CHECK(system(cmd) == 0, "zhindex add");

    zhs_index *idx;
    CHECK(zhs_index_open(idxpath, &idx) == ZHS_OK, "open: %s", zhs_index_last_error(idx));
    zhs_options *o = zhs_options_new();
    zhs_options_set(o, ZHS_P_FACET_YEAR, 1);
    zhs_options_set(o, ZHS_P_FACET_ISSUER, 1);
    zhs_results *r;
    unsigned n;
    CHECK(zhs_search(idx, "行政复议", o, &r) == ZHS_OK && zhs_results_facet(r, "year", 0, &n) != NULL,
          "facets when nothing fails");
    zhs_results_free(r);

    fail_facets = 1;
    zhs_status st = zhs_search(idx, "行政复议", o, &r);
    CHECK(st == ZHS_ERR_NOMEM && r == NULL, "a failed facet count is an error (status %d)", st);
    CHECK(strstr(zhs_index_last_error(idx), "facets") != NULL, "message says so: %s",
          zhs_index_last_error(idx));
    zhs_results_free(r);
    fail_facets = 0;

    fail_values = 1;
    st = zhs_search(idx, "行政复议", NULL, &r);
    CHECK(st == ZHS_ERR_NOMEM && r == NULL, "an unreadable field is an error, not a missing one (status %d)", st);
    zhs_results_free(r);
    fail_values = 0;

    CHECK(zhs_search(idx, "行政复议", o, &r) == ZHS_OK, "searches work again");
    zhs_results_free(r);
    zhs_options_free(o);
    zhs_index_close(idx);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
