/* A program that uses zhsearch the way another tool would: only the
 * installed header, compiled and linked with pkg-config. Prints the number
 * of matches and the first hit's title.  Usage: consumer INDEX QUERY */
#include <stdio.h>
#include <zhsearch.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    zhs_index *idx;
    if (zhs_index_open(argv[1], &idx) != ZHS_OK) {
        fprintf(stderr, "%s\n", zhs_index_last_error(idx));
        zhs_index_close(idx);
        return 2;
    }
    zhs_results *res;
    if (zhs_search(idx, argv[2], NULL, &res) != ZHS_OK) {
        fprintf(stderr, "%s\n", zhs_index_last_error(idx));
        zhs_index_close(idx);
        return 2;
    }
    printf("%u %s\n", zhs_results_total(res), zhs_hit_title(zhs_results_hit(res, 0)));
    zhs_results_free(res);
    zhs_index_close(idx);
    return 0;
}
