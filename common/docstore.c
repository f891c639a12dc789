/* docstore.c - see docstore.h for the record format. */
#define ZDICT_STATIC_LINKING_ONLY
#include "docstore.h"

#include <stdio.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

typedef struct dict {
    uint32_t id;
    ZSTD_CDict *cd;
    ZSTD_DDict *dd;
} dict;

struct zd_codec {
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    int level;
    uint32_t current;
    dict dicts[ZD_MAX_DICTS];
    unsigned ndicts;
};

zd_codec *zd_new(int level)
{
    zd_codec *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cctx = ZSTD_createCCtx();
    c->dctx = ZSTD_createDCtx();
    c->level = level;
    /* every frame carries zstd's content checksum (see docstore.h) */
    if (!c->cctx || !c->dctx ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_checksumFlag, 1))) {
        zd_free(c);
        return NULL;
    }
    return c;
}

void zd_free(zd_codec *c)
{
    if (!c)
        return;
    ZSTD_freeCCtx(c->cctx);
    ZSTD_freeDCtx(c->dctx);
    for (unsigned i = 0; i < c->ndicts; i++) {
        ZSTD_freeCDict(c->dicts[i].cd);
        ZSTD_freeDDict(c->dicts[i].dd);
    }
    free(c);
}

/* Never 0: 0 means "no dictionary". */
static uint32_t dict_hash(const void *p, size_t n)
{
    uint32_t h = zh_hash32(p, n);
    return h ? h : 1;
}

static dict *find(const zd_codec *c, uint32_t id)
{
    for (unsigned i = 0; i < c->ndicts; i++)
        if (c->dicts[i].id == id)
            return (dict *)&c->dicts[i];
    return NULL;
}

uint32_t zd_add_dict(zd_codec *c, const void *d, size_t len)
{
    uint32_t id = dict_hash(d, len);
    if (find(c, id))
        return id;
    if (c->ndicts == ZD_MAX_DICTS)
        return 0;
    dict *x = &c->dicts[c->ndicts];
    x->cd = ZSTD_createCDict(d, len, c->level);
    x->dd = ZSTD_createDDict(d, len);
    if (!x->cd || !x->dd) {
        ZSTD_freeCDict(x->cd);
        ZSTD_freeDDict(x->dd);
        return 0;
    }
    x->id = id;
    c->ndicts++;
    return id;
}

int zd_has_dict(const zd_codec *c, uint32_t id)
{
    return id == 0 || find(c, id) != NULL;
}

void zd_use_dict(zd_codec *c, uint32_t id)
{
    c->current = find(c, id) ? id : 0;
}

uint32_t zd_current_dict(const zd_codec *c)
{
    return c->current;
}

static void put_varint(zbuf *b, uint64_t v)
{
    while (v >= 0x80) {
        zbuf_addc(b, (char)(0x80 | (v & 0x7F)));
        v >>= 7;
    }
    zbuf_addc(b, (char)v);
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        unsigned char c = *(*p)++;
        r |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

int zd_encode(zd_codec *c, const char *text, size_t len, zbuf *out)
{
    zbuf_clear(out);
    zbuf_addc(out, ZD_FORMAT);
    put_varint(out, c->current);
    put_varint(out, len);
    size_t bound = ZSTD_compressBound(len);
    if (zbuf_reserve(out, bound))
        return -1;
    dict *d = find(c, c->current);
    /* ZSTD_compress2 keeps the parameters set in zd_new (the checksum) */
    size_t r = ZSTD_CCtx_refCDict(c->cctx, d ? d->cd : NULL);
    if (!ZSTD_isError(r))
        r = ZSTD_compress2(c->cctx, out->data + out->len, bound, text, len);
    if (ZSTD_isError(r))
        return -1;
    out->len += r;
    return 0;
}

/* Parse a record's header: its format, dictionary id and text length;
 * *p is left at the frame.  0, or -1 for a damaged header. */
static int header(const char *rec, size_t len, const unsigned char **p, int *format, uint64_t *id,
                  uint64_t *raw)
{
    const unsigned char *end = (const unsigned char *)rec + len;
    *p = (const unsigned char *)rec;
    if (len < 1 || (**p != ZD_FORMAT && **p != ZD_FORMAT_UNCHECKED))
        return -1;
    *format = *(*p)++;
    if (get_varint(p, end, id) || *id > UINT32_MAX || get_varint(p, end, raw) || *raw > INT64_MAX)
        return -1;
    return 0;
}

int64_t zd_record_dict(const char *rec, size_t len)
{
    const unsigned char *p;
    int format;
    uint64_t id, raw;
    return header(rec, len, &p, &format, &id, &raw) ? -1 : (int64_t)id;
}

int64_t zd_record_raw_len(const char *rec, size_t len)
{
    const unsigned char *p;
    int format;
    uint64_t id, raw;
    return header(rec, len, &p, &format, &id, &raw) ? -1 : (int64_t)raw;
}

int zd_record_checked(const char *rec, size_t len)
{
    const unsigned char *p;
    int format;
    uint64_t id, raw;
    return header(rec, len, &p, &format, &id, &raw) ? -1 : format == ZD_FORMAT;
}

zerr_code zd_decode(zd_codec *c, const char *rec, size_t len, zbuf *out, zerr *e)
{
    const unsigned char *p, *end = (const unsigned char *)rec + len;
    int format;
    uint64_t id, raw;
    zbuf_clear(out);
    if (header(rec, len, &p, &format, &id, &raw) || raw > ZD_MAX_TEXT)
        return zerr_set(e, ZERR_CORRUPT, "damaged stored-text record");
    /* A checked record's frame must say it has a checksum (RFC 8878: the
     * magic number, then the frame header descriptor, bit 2), or a
     * damaged flag would turn the check off. */
    if (format == ZD_FORMAT &&
        (end - p < 5 || memcmp(p, "\x28\xb5\x2f\xfd", 4) != 0 || !(p[4] & 0x04)))
        return zerr_set(e, ZERR_CORRUPT, "damaged stored-text record (no checksum)");
    /* The frame states its size: trust the header only when both agree. */
    unsigned long long fsize = ZSTD_getFrameContentSize(p, (size_t)(end - p));
    if (fsize != raw)
        return zerr_set(e, ZERR_CORRUPT,
                        "damaged stored-text record (length %llu, frame says %lld)",
                        (unsigned long long)raw, (long long)fsize);
    dict *d = NULL;
    if (id && !(d = find(c, (uint32_t)id)))
        return zerr_set(e, ZERR_CORRUPT, "stored text needs dictionary %08x, which the index lacks",
                        (unsigned)id);
    /* Decode as a stream into a buffer that grows with what really comes
     * out, so a damaged length never makes us allocate what it claims. */
    ZSTD_DCtx_reset(c->dctx, ZSTD_reset_session_and_parameters);
    if (d)
        ZSTD_DCtx_refDDict(c->dctx, d->dd);
    ZSTD_inBuffer in = {p, (size_t)(end - p), 0};
    size_t cap = raw < (1u << 20) ? (size_t)raw + 1 : (1u << 20);
    for (;;) {
        if (zbuf_reserve(out, cap)) {
            zbuf_clear(out);
            return zerr_set(e, ZERR_NOMEM, "out of memory");
        }
        ZSTD_outBuffer o = {out->data, out->cap - 1, out->len};
        size_t r = ZSTD_decompressStream(c->dctx, &o, &in);
        out->len = o.pos;
        if (ZSTD_isError(r) || out->len > raw) {
            zbuf_clear(out);
            return zerr_set(e, ZERR_CORRUPT, "damaged stored text: %s",
                            ZSTD_isError(r) ? ZSTD_getErrorName(r) : "longer than recorded");
        }
        if (r == 0 && in.pos < in.size) {
            zbuf_clear(out);
            return zerr_set(e, ZERR_CORRUPT, "damaged stored text: bytes after the frame");
        }
        if (r == 0)
            break; /* frame complete, checksum verified when there is one */
        if (in.pos == in.size && o.pos < o.size) {
            zbuf_clear(out);
            return zerr_set(e, ZERR_CORRUPT, "damaged stored text: truncated frame");
        }
        if (o.pos == o.size)
            cap = out->cap * 2 - out->len; /* room to double */
    }
    if (out->len != raw) {
        zbuf_clear(out);
        return zerr_set(e, ZERR_CORRUPT, "damaged stored text: length mismatch");
    }
    out->data[out->len] = 0;
    zerr_ok(e);
    return ZERR_OK;
}

int zd_train(const char *samples, const size_t *sizes, unsigned n, size_t cap, zbuf *out)
{
    zbuf_clear(out);
    if (n < 8 || zbuf_reserve(out, cap))
        return -1;
    size_t r = ZDICT_trainFromBuffer(out->data, cap, samples, sizes, n);
    if (ZDICT_isError(r))
        return -1;
    out->len = r;
    return 0;
}

int zd_train_fast(const char *samples, const size_t *sizes, unsigned n, size_t cap, zbuf *out)
{
    zbuf_clear(out);
    if (n < 8 || zbuf_reserve(out, cap))
        return -1;
    ZDICT_fastCover_params_t p;
    memset(&p, 0, sizeof p);
    p.k = 1024; /* segments of 1 KB */
    p.d = 8;    /* 8-byte d-mers */
    p.f = 20;
    p.accel = 1;
    p.zParams.compressionLevel = 3;
    size_t r = ZDICT_trainFromBuffer_fastCover(out->data, cap, samples, sizes, n, p);
    if (ZDICT_isError(r))
        return zd_train(samples, sizes, n, cap, out);
    out->len = r;
    return 0;
}

void zd_dict_key(uint32_t id, char key[24])
{
    snprintf(key, 24, "zhs:dict:%08x", (unsigned)id);
}
