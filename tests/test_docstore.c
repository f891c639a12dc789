/* Unit tests: the stored-text codec - round trips with and without a
 * trained dictionary, damaged records refused without crashing or
 * allocating what a damaged header claims, every single-bit flip of a
 * record refused or harmless, and records of format 1 still read. */
#include "check.h"
#include "docstore.h"

#include <stdlib.h>
#include <zstd.h>

static void roundtrip(zd_codec *c, const char *text, size_t len, const char *what)
{
    zbuf rec = {0}, out = {0};
    zerr e;
    CHECK(zd_encode(c, text, len, &rec) == 0, "%s: encode", what);
    CHECK(zd_record_dict(rec.data, rec.len) == zd_current_dict(c), "%s: record names its dictionary", what);
    CHECK(zd_record_raw_len(rec.data, rec.len) == (int64_t)len, "%s: record length", what);
    CHECK(zd_decode(c, rec.data, rec.len, &out, &e) == ZERR_OK, "%s: decode: %s", what, e.msg);
    CHECK(out.len == len && (len == 0 || memcmp(out.data, text, len) == 0), "%s: same text back", what);
    zbuf_free(&rec);
    zbuf_free(&out);
}

static void refused(zd_codec *c, const char *rec, size_t len, const char *msg, const char *what)
{
    zbuf out = {0};
    zerr e = {ZERR_OK, ""};
    CHECK(zd_decode(c, rec, len, &out, &e) == ZERR_CORRUPT && e.code == ZERR_CORRUPT &&
              strstr(e.msg, msg),
          "%s: '%s'", what, e.msg);
    CHECK(out.len == 0, "%s: nothing decoded", what);
    zbuf_free(&out);
}

/* Flip every bit of a record in turn: each damaged record must be refused
 * or give the original text back, never another text. */
static void every_flip(zd_codec *c, const char *text, size_t len, const char *what)
{
    zbuf rec = {0}, out = {0};
    unsigned refused = 0, same = 0, changed = 0;
    CHECK(zd_encode(c, text, len, &rec) == 0, "%s: encode", what);
    for (size_t i = 0; i < rec.len; i++)
        for (int bit = 0; bit < 8; bit++) {
            rec.data[i] ^= (char)(1 << bit);
            if (zd_decode(c, rec.data, rec.len, &out, NULL))
                refused++;
            else if (out.len == len && memcmp(out.data, text, len) == 0)
                same++;
            else if (changed++ < 3)
                fprintf(stderr, "# %s: flipping bit %d of byte %zu of %zu changes the text\n", what, bit,
                        i, rec.len);
            rec.data[i] ^= (char)(1 << bit);
        }
    CHECK(changed == 0, "%s: %u of %zu single-bit flips decode to another text (%u refused, %u harmless)",
          what, changed, rec.len * 8, refused, same);
    zbuf_free(&rec);
    zbuf_free(&out);
}

/* A record as written before checksums: format 1, a frame without one. */
static void unchecked_record(const char *text, size_t len, zbuf *rec)
{
    zbuf_clear(rec);
    zbuf_addc(rec, ZD_FORMAT_UNCHECKED);
    zbuf_addc(rec, 0); /* no dictionary */
    for (uint64_t v = len; ; v >>= 7) {
        zbuf_addc(rec, (char)(v >= 0x80 ? 0x80 | (v & 0x7F) : v));
        if (v < 0x80)
            break;
    }
    size_t bound = ZSTD_compressBound(len);
    zbuf_reserve(rec, bound);
    size_t r = ZSTD_compress(rec->data + rec->len, bound, text, len, 3);
    rec->len += ZSTD_isError(r) ? 0 : r;
}

int main(int argc, char **argv)
{
    /* text to train on: the corpus, or generated report-like prose */
    zbuf text = {0};
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        char buf[65536];
        size_t n;
        while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
            zbuf_add(&text, buf, n);
        if (f)
            fclose(f);
    }
    CHECK(text.len > 20000, "training text read (%zu bytes)", text.len);
    zd_codec *c = zd_new(3);
    roundtrip(c, "", 0, "empty, no dictionary");
    roundtrip(c, "法治政府建设", strlen("法治政府建设"), "short, no dictionary");
    roundtrip(c, text.data, text.len, "corpus, no dictionary");

    size_t sizes[64], ns = 0;
    for (size_t off = 0; off < text.len && ns < 64; off += 4096)
        sizes[ns++] = text.len - off < 4096 ? text.len - off : 4096;
    zbuf dict = {0};
    CHECK(zd_train(text.data, sizes, (unsigned)ns, 8192, &dict) == 0 && dict.len > 0, "train");
    CHECK(zd_train(text.data, sizes, 3, 8192, &dict) == -1, "too few samples refused");
    {   /* the fixed-parameter trainer: a dictionary that compresses */
        zbuf fast = {0}, plain_rec = {0}, dict_rec = {0};
        CHECK(zd_train_fast(text.data, sizes, (unsigned)ns, 8192, &fast) == 0 && fast.len > 0 &&
                  fast.len <= 8192,
              "fast train (%zu bytes)", fast.len);
        CHECK(zd_train_fast(text.data, sizes, 3, 8192, &fast) == -1, "fast: too few samples refused");
        zd_train_fast(text.data, sizes, (unsigned)ns, 8192, &fast);
        zd_codec *fc = zd_new(3);
        uint32_t fid = zd_add_dict(fc, fast.data, fast.len);
        zd_encode(fc, text.data, 3000, &plain_rec);
        zd_use_dict(fc, fid);
        zd_encode(fc, text.data, 3000, &dict_rec);
        CHECK(fid && dict_rec.len < plain_rec.len, "fast dictionary helps: %zu < %zu bytes",
              dict_rec.len, plain_rec.len);
        roundtrip(fc, text.data, 3000, "with a fast-trained dictionary");
        zd_free(fc);
        zbuf_free(&fast);
        zbuf_free(&plain_rec);
        zbuf_free(&dict_rec);
    }
    zd_train(text.data, sizes, (unsigned)ns, 8192, &dict);
    uint32_t id = zd_add_dict(c, dict.data, dict.len);
    CHECK(id != 0 && zd_add_dict(c, dict.data, dict.len) == id, "dictionary id stable");
    zd_use_dict(c, id);
    CHECK(zd_current_dict(c) == id, "dictionary in use");
    roundtrip(c, text.data, 3000, "with dictionary");
    roundtrip(c, "", 0, "empty, with dictionary");

    /* checksums: no single-bit flip goes unnoticed */
    every_flip(c, text.data, 3000, "with dictionary");
    every_flip(c, text.data + 3000, 1500, "with dictionary, another text");
    zd_codec *plain = zd_new(3);
    every_flip(plain, text.data, 3000, "no dictionary");
    every_flip(plain, "法治政府建设", strlen("法治政府建设"), "short, no dictionary");
    {
        zbuf r = {0}, out = {0};
        zerr e = {ZERR_OK, ""};
        zd_encode(plain, text.data, 2000, &r);
        CHECK(zd_record_checked(r.data, r.len) == 1, "new records carry a checksum");
        /* a frame whose checksum flag was cleared is refused, not read unchecked */
        const char *f = memchr(r.data, '\x28', r.len);
        CHECK(f && f + 4 < r.data + r.len, "frame found");
        if (f && f + 4 < r.data + r.len) {
            r.data[f + 4 - r.data] &= (char)~0x04;
            refused(plain, r.data, r.len, "damaged", "checksum flag cleared");
            r.data[f + 4 - r.data] |= 0x04;
        }
        zbuf_addc(&r, 0);
        refused(plain, r.data, r.len, "damaged", "a byte after the frame");
        r.len--;
        /* format 1: still read */
        unchecked_record(text.data, 2000, &r);
        CHECK(zd_record_checked(r.data, r.len) == 0, "format 1 has no checksum");
        CHECK(zd_record_raw_len(r.data, r.len) == 2000, "format 1 length");
        CHECK(zd_decode(plain, r.data, r.len, &out, &e) == ZERR_OK && out.len == 2000 &&
                  memcmp(out.data, text.data, 2000) == 0,
              "format 1 decodes: %s", e.msg);
        zbuf_addc(&r, 0);
        refused(plain, r.data, r.len, "damaged", "format 1 with a byte after the frame");
        CHECK(zd_record_checked("\x03\x00\x00", 3) == -1, "unknown format");
        zbuf_free(&r);
        zbuf_free(&out);
    }
    zd_free(plain);

    /* a record needing a dictionary another codec lacks */
    zbuf rec = {0};
    zd_encode(c, text.data, 3000, &rec);
    zd_codec *bare = zd_new(3);
    refused(bare, rec.data, rec.len, "needs dictionary", "missing dictionary");
    /* damage */
    refused(c, "", 0, "damaged", "empty record");
    refused(c, "\x07\x00\x05hello", 8, "damaged", "unknown format");
    refused(c, rec.data, 3, "damaged", "truncated header");
    refused(c, rec.data, rec.len / 2, "damaged", "truncated frame");
    zbuf bad = {0};
    zbuf_add(&bad, rec.data, rec.len);
    bad.data[bad.len - 5] ^= 0x5A;
    refused(c, bad.data, bad.len, "damaged", "flipped byte");
    /* a header claiming ~1 GB must not allocate it */
    refused(c, "\x01\x00\xa4\xa2\xa4\xa4\x04\xc0\x2f", 9, "damaged", "huge claimed length");
    /* ... nor a frame header that agrees with it: 1 GB claimed, a few bytes given */
    {
        static const char rec1g[] = "\x01\x00\xff\xff\xff\xff\x03\x28\xb5\x2f\xfd\xa0\xff\xff\xff\x3f"
                                    "\x00\x00\x00";
        refused(c, rec1g, sizeof rec1g - 1, "damaged", "frame agreeing with a huge length");
    }
    /* a dictionary id beyond 32 bits is damage, not dictionary id & 0xffffffff */
    zbuf_clear(&bad);
    zbuf_addc(&bad, ZD_FORMAT);
    {
        uint64_t big = ((uint64_t)1 << 32) | id;
        while (big >= 0x80) {
            zbuf_addc(&bad, (char)(0x80 | (big & 0x7F)));
            big >>= 7;
        }
        zbuf_addc(&bad, (char)big);
        const char *p = rec.data + 1;
        while ((unsigned char)*p & 0x80) /* skip the record's own id */
            p++;
        p++;
        zbuf_add(&bad, p, rec.len - (size_t)(p - rec.data));
        refused(c, bad.data, bad.len, "damaged", "dictionary id above 32 bits");
    }
    zbuf_clear(&bad);
    zbuf_addc(&bad, ZD_FORMAT);
    zbuf_add(&bad, "\x00\xff\xff\xff\xff\x0f", 6);
    zbuf_add(&bad, rec.data + 4, rec.len - 4);
    refused(c, bad.data, bad.len, "damaged", "length disagrees with the frame");
    char key[24];
    zd_dict_key(0xabcdef01u, key);
    CHECK(strcmp(key, "zhs:dict:abcdef01") == 0, "dictionary key");
    zd_free(NULL);
    zd_free(bare);
    zd_free(c);
    zbuf_free(&rec);
    zbuf_free(&bad);
    zbuf_free(&dict);
    zbuf_free(&text);
    return check_done();
}
