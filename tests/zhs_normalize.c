/* zhs-normalize - print the normalized text of files (or of the arguments
 * after -s) as the analyzer sees it; used by the exactness tests as the
 * brute-force oracle's input. */
#include "analyzer.h"
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    *n = len;
    return b;
}

int main(int argc, char **argv)
{
    char err[256];
    zn_normalizer *n = zn_new(err, sizeof err);
    if (!n) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    int strings = argc > 1 && !strcmp(argv[1], "-s");
    for (int i = 1 + strings; i < argc; i++) {
        size_t len;
        char *in = strings ? strdup(argv[i]) : slurp(argv[i], &len);
        if (strings && in)
            len = strlen(in);
        if (!in) {
            fprintf(stderr, "zhs-normalize: %s: cannot read\n", argv[i]);
            return 2;
        }
        size_t olen;
        char *out = zn_normalize_utf8(n, in, len, &olen);
        if (!out)
            return 2;
        fwrite(out, 1, olen, stdout);
        if (strings)
            putchar('\n');
        free(out);
        free(in);
    }
    zn_free(n);
    return 0;
}
