/* gen_docstore_seeds - seed records for fuzz_docstore.
 *
 * Usage: gen_docstore_seeds OUTDIR FILE...
 * Writes, for every FILE (and for its first 1000 bytes), a stored-text
 * record without a dictionary and with each of the two dictionaries of
 * fuzz_dict.h, plus a few damaged variants of the first record. */
#include "docstore.h"
#include "fuzz_dict.h"

#include <stdio.h>

static unsigned nwritten;

static int put(const char *dir, const char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/record-%03u", dir, nwritten++);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
        perror(path);
        return -1;
    }
    return 0;
}

static int slurp(const char *path, zbuf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    char buf[65536];
    size_t n;
    zbuf_clear(b);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        zbuf_add(b, buf, n);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen_docstore_seeds OUTDIR FILE...\n");
        return 2;
    }
    zd_codec *c = zd_new(3);
    uint32_t ids[3] = {0, 0, 0};
    if (!c)
        return 1;
    fuzz_load_dicts(c, &ids[1], &ids[2]);
    zbuf text = {0}, rec = {0};
    int damaged = 0;
    for (int a = 2; a < argc; a++) {
        if (slurp(argv[a], &text))
            return 1;
        for (int cut = 0; cut < 2; cut++) {
            size_t len = cut && text.len > 1000 ? 1000 : text.len;
            for (int k = 0; k < 3; k++) {
                if (k && !ids[k])
                    continue;
                zd_use_dict(c, ids[k]);
                if (zd_encode(c, text.data, len, &rec) || put(argv[1], rec.data, rec.len))
                    return 1;
                if (!damaged && rec.len > 16) {
                    /* truncated, a byte flipped in the frame, a wrong length */
                    damaged = 1;
                    put(argv[1], rec.data, rec.len / 2);
                    rec.data[rec.len - 5] ^= 0x40;
                    put(argv[1], rec.data, rec.len);
                    rec.data[rec.len - 5] ^= 0x40;
                    rec.data[2] ^= 0x01;
                    put(argv[1], rec.data, rec.len);
                }
            }
        }
    }
    zbuf_free(&text);
    zbuf_free(&rec);
    zd_free(c);
    return 0;
}
