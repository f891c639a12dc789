/* Fields of hits are read on first access (library.c): a hit read after
 * the handle reopened on a newer commit, or after it was closed, still
 * shows the fields of the snapshot that was searched, and reading some,
 * all or none of them gives what an eager read gave.
 * Usage: test_lazy_fields ZHINDEX */
#include "zhsearch.h"

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/zhs-lazy-XXXXXX";
static char zhindex[512];

static int write_file(const char *name, const char *title, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "%s/in/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "%s\n\n%s\n", title, body);
    return fclose(f);
}

static int index_dir(void)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s' -q -d '%s/idx' add '%s/in'", zhindex, dir, dir);
    return system(cmd);
}

static zhs_results *search(zhs_index *idx, const char *q)
{
    zhs_options *o = zhs_options_new();
    zhs_results *r = NULL;
    CHECK(o && zhs_options_set(o, ZHS_P_SNIPPET_CHARS, 0) == ZHS_OK, "options");
    zhs_status st = zhs_search(idx, q, o, &r);
    CHECK(st == ZHS_OK, "search %s: %s", q, zhs_index_last_error(idx));
    zhs_options_free(o);
    return r;
}

/* All fields of every hit, one line per field, in a malloc'd string. */
static char *fields(const zhs_results *r)
{
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    s[0] = 0;
    for (unsigned i = 0; i < zhs_results_count(r); i++) {
        const zhs_hit *h = zhs_results_hit(r, i);
        for (unsigned k = 0; k < zhs_hit_field_count(h); k++) {
            const char *name = zhs_hit_field_name(h, k), *v = zhs_hit_field_value(h, k);
            size_t need = strlen(name) + strlen(v) + 4;
            if (n + need >= cap)
                s = realloc(s, cap = (n + need) * 2);
            n += (size_t)sprintf(s + n, "%s=%s\n", name, v);
        }
        size_t need = strlen(zhs_hit_title(h)) + 16;
        if (n + need >= cap)
            s = realloc(s, cap = (n + need) * 2);
        n += (size_t)sprintf(s + n, "title()=%s year=%d\n", zhs_hit_title(h), zhs_hit_year(h));
    }
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_lazy_fields ZHINDEX\n");
        return 2;
    }
    snprintf(zhindex, sizeof zhindex, "%s", argv[1]);
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char in[256];
    snprintf(in, sizeof in, "%s/in", dir);
    CHECK(mkdir(in, 0700) == 0, "mkdir");
    CHECK(write_file("a.txt", "标题甲：2021年度报告", "行政复议工作稳步推进。") == 0, "a.txt");
    CHECK(write_file("b.txt", "标题乙", "行政复议案件办理情况。行政复议。") == 0, "b.txt");
    CHECK(index_dir() == 0, "zhindex add");

    char idxpath[300];
    snprintf(idxpath, sizeof idxpath, "%s/idx", dir);
    zhs_index *idx;
    CHECK(zhs_index_open(idxpath, &idx) == ZHS_OK, "open: %s", zhs_index_last_error(idx));

    zhs_results *eager = search(idx, "行政复议");
    char *before = fields(eager);
    CHECK(strstr(before, "title=标题甲") && strstr(before, "title=标题乙"), "both titles: %s", before);
    CHECK(zhs_results_count(eager) == 2, "two hits");

    zhs_results *none = search(idx, "行政复议");  /* nothing read before the reopen */
    zhs_results *paths = search(idx, "行政复议"); /* the paths only */
    zhs_results *some = search(idx, "行政复议");  /* a field of the first hit only */
    for (unsigned i = 0; i < zhs_results_count(paths); i++)
        CHECK(strcmp(zhs_hit_path(zhs_results_hit(paths, i)), zhs_hit_path(zhs_results_hit(eager, i))) == 0,
              "path %u", i);
    CHECK(zhs_hit_field(zhs_results_hit(some, 0), "format") != NULL, "format of the first hit");

    /* a.txt changes title and length: the index keeps its document id */
    CHECK(write_file("a.txt", "标题丙", "行政复议工作稳步推进，复议案件全部按期办结。") == 0, "a.txt changed");
    CHECK(index_dir() == 0, "zhindex add again");
    CHECK(zhs_index_reopen(idx) == ZHS_OK, "reopen: %s", zhs_index_last_error(idx));

    zhs_results *after = search(idx, "行政复议");
    char *now = fields(after);
    CHECK(strstr(now, "title=标题丙") != NULL, "the index changed: %s", now);

    char *s = fields(none);
    CHECK(strcmp(s, before) == 0, "fields read after the reopen are the searched snapshot's: %s", s);
    free(s);
    s = fields(some);
    CHECK(strcmp(s, before) == 0, "partly read hits: %s", s);
    free(s);
    zhs_results_free(paths); /* freed out of order: the handle's list stays whole */
    zhs_results_free(some);

    zhs_results *closing = search(idx, "行政复议");
    zhs_results *reread = search(idx, "行政复议");
    zhs_results_free(reread);
    zhs_index_close(idx); /* results outlive their handle */
    s = fields(closing);
    CHECK(strcmp(s, now) == 0, "fields read after the close: %s", s);
    free(s);
    s = fields(none);
    CHECK(strcmp(s, before) == 0, "and again: %s", s);
    free(s);
    zhs_results_free(closing);
    zhs_results_free(none);
    zhs_results_free(after);
    zhs_results_free(eager);
    free(before);
    free(now);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
