/* zhs-normalize - print the normalized text of files exactly as the index
 * sees it (read, decoded, HTML and portal chrome removed by the indexer's
 * own extraction, then normalized), or of strings given after -s.  The
 * exactness test uses it as its brute-force oracle's input. */
#include "document.h"
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_normalized(zn_normalizer *n, const char *text, size_t len)
{
    size_t olen;
    char *out = zn_normalize_utf8(n, text, len, &olen);
    if (!out)
        return -1;
    fwrite(out, 1, olen, stdout);
    free(out);
    return 0;
}

int main(int argc, char **argv)
{
    zerr e;
    zn_normalizer *n = zn_new(&e);
    if (!n) {
        fprintf(stderr, "zhs-normalize: %s\n", e.msg);
        return 2;
    }
    int strings = argc > 1 && !strcmp(argv[1], "-s");
    int rc = 0;
    for (int i = 1 + strings; i < argc && rc == 0; i++) {
        if (strings) {
            rc = print_normalized(n, argv[i], strlen(argv[i]));
            putchar('\n');
            continue;
        }
        zdoc_opts o = {.max_bytes = (size_t)64 << 20};
        zdoc_input in;
        if (zdoc_read(argv[i], &o, &in, &e) || zdoc_extract(argv[i], &o, &in, &e)) {
            fprintf(stderr, "zhs-normalize: %s: %s\n", argv[i], e.msg);
            zdoc_input_clear(&in);
            rc = 2;
            break;
        }
        rc = print_normalized(n, in.text, in.len);
        zdoc_input_clear(&in);
    }
    zn_free(n);
    return rc ? 2 : 0;
}
