/* zhs_query_bench - query latency of libzhsearch, all queries in one process
 * (no CLI start-up cost).
 *
 *   zhs_query_bench INDEX QUERYFILE PASSES SNIPPET_CHARS
 *
 * Runs every line of QUERYFILE (zhsearch query syntax) PASSES times through
 * zhs_search() with the top 10 hits and snippets of SNIPPET_CHARS characters
 * (0 = none), reading each hit's path, title and snippet.  Per query and pass
 * prints "pass<TAB>line<TAB>microseconds<TAB>total<TAB>library_microseconds":
 * wall time around zhs_search() and the reading of the hits (CLOCK_MONOTONIC),
 * the exact number of matches (-1 on an error), and the library's own
 * zhs_results_seconds().
 *
 *   zhs_query_bench INDEX QUERYFILE rank
 *
 * Runs every query once for the known-item evaluation and prints
 * "line<TAB>path1<TAB>...<TAB>path10": the top 10 in rank order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zhsearch.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int rank = argc == 4 && !strcmp(argv[3], "rank");
    if (argc != 5 && !rank) {
        fprintf(stderr, "usage: zhs_query_bench INDEX QUERYFILE PASSES SNIPPET_CHARS | "
                        "INDEX QUERYFILE rank\n");
        return 2;
    }
    int passes = rank ? 1 : atoi(argv[3]);
    long snip = rank ? 0 : atol(argv[4]);
    FILE *qf = fopen(argv[2], "r");
    if (!qf) {
        perror(argv[2]);
        return 2;
    }
    char **q = NULL;
    size_t nq = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t l;
    while ((l = getline(&line, &lcap, qf)) > 0) {
        if (line[l - 1] == '\n')
            line[--l] = 0;
        if (nq == cap) {
            cap = cap ? cap * 2 : 256;
            q = realloc(q, cap * sizeof *q);
            if (!q)
                return 2;
        }
        q[nq++] = strdup(line);
    }
    free(line);
    fclose(qf);

    zhs_index *idx;
    if (zhs_index_open(argv[1], &idx) != ZHS_OK) {
        fprintf(stderr, "zhs_query_bench: %s: %s\n", argv[1],
                idx ? zhs_index_last_error(idx) : "out of memory");
        zhs_index_close(idx);
        return 2;
    }
    zhs_options *opts = zhs_options_new();
    if (!opts || zhs_options_set(opts, ZHS_P_LIMIT, 10) != ZHS_OK ||
        zhs_options_set(opts, ZHS_P_SNIPPET_CHARS, snip) != ZHS_OK) {
        fprintf(stderr, "zhs_query_bench: cannot set options\n");
        return 2;
    }
    for (int pass = 1; pass <= passes; pass++) {
        for (size_t i = 0; i < nq; i++) {
            double t0 = now();
            zhs_results *res = NULL;
            long total = -1;
            double lib = 0;
            zhs_status st = zhs_search(idx, q[i], opts, &res);
            if (rank) {
                printf("%zu", i + 1);
                if (st == ZHS_OK)
                    for (zhs_hits *it = zhs_results_hits(res); zhs_hits_valid(it);
                         zhs_hits_next(it))
                        printf("\t%s", zhs_hit_path(zhs_hits_get(it)));
                else
                    fprintf(stderr, "zhs_query_bench: query %zu (%s): %s\n", i + 1, q[i],
                            zhs_index_last_error(idx));
                putchar('\n');
                zhs_results_free(res);
                continue;
            }
            if (st == ZHS_OK) {
                size_t sink = 0;
                for (zhs_hits *it = zhs_results_hits(res); zhs_hits_valid(it); zhs_hits_next(it)) {
                    const zhs_hit *h = zhs_hits_get(it);
                    size_t n = 0;
                    const char *s;
                    sink += strlen(zhs_hit_path(h));
                    if ((s = zhs_hit_title(h)))
                        sink += strlen(s);
                    if (snip && (s = zhs_hit_snippet(h, &n)))
                        sink += n;
                }
                (void)sink;
                total = (long)zhs_results_total(res);
                lib = zhs_results_seconds(res);
            }
            double us = (now() - t0) * 1e6;
            if (st != ZHS_OK)
                fprintf(stderr, "zhs_query_bench: query %zu (%s): %s\n", i + 1, q[i],
                        zhs_index_last_error(idx));
            zhs_results_free(res);
            printf("%d\t%zu\t%.1f\t%ld\t%.1f\n", pass, i + 1, us, total, lib * 1e6);
        }
    }
    zhs_options_free(opts);
    zhs_index_close(idx);
    for (size_t i = 0; i < nq; i++)
        free(q[i]);
    free(q);
    return 0;
}
