/* fuzz_docstore - the stored-text codec on damaged records, and round trips.
 *
 * Two codecs: one without dictionaries, one with the two fixed
 * dictionaries of fuzz_dict.h.
 *
 * Invariants (docstore.h):
 *  - zd_decode of arbitrary bytes: success gives exactly the length the
 *    header names (zd_record_raw_len), NUL-terminated, from a record whose
 *    dictionary (zd_record_dict) is none or one the codec holds; failure
 *    gives a message and an empty buffer.  A record that decodes without
 *    dictionaries decodes the same with them.
 *  - zd_encode of the input, with no dictionary and with each dictionary,
 *    then zd_decode gives the input back; the header names the dictionary
 *    and the length; a codec lacking the dictionary refuses the record.
 */
#include "docstore.h"
#include "fuzz_common.h"
#include "fuzz_dict.h"

static zd_codec *plain, *dicts;
static uint32_t ids[3]; /* 0, raw, trained */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    plain = zd_new(1);
    dicts = zd_new(3);
    if (!plain || !dicts)
        abort();
    fuzz_load_dicts(dicts, &ids[1], &ids[2]);
    if (!ids[1] || !ids[2]) {
        fprintf(stderr, "fuzz_docstore: could not load the dictionaries\n");
        abort();
    }
    return 0;
}

/* Decode rec with c; returns 1 when it decoded (text in out). */
static int decode_checked(zd_codec *c, const char *name, const char *rec, size_t len, zbuf *out)
{
    zerr e;
    memset(&e, 'x', sizeof e);
    zerr_code rc = zd_decode(c, rec, len, out, &e);
    FUZZ_CHECK(rc == ZERR_OK || rc == ZERR_CORRUPT || rc == ZERR_NOMEM,
               "%s: zd_decode returned %d", name, (int)rc);
    if (rc) {
        FUZZ_CHECK(e.code == rc && memchr(e.msg, 0, sizeof e.msg) && e.msg[0],
                   "%s: failure without a message", name);
        FUZZ_CHECK(out->len == 0, "%s: failure leaves %zu bytes", name, out->len);
        return 0;
    }
    int64_t raw = zd_record_raw_len(rec, len), id = zd_record_dict(rec, len);
    FUZZ_CHECK(raw >= 0 && (uint64_t)raw == out->len,
               "%s: decoded %zu bytes, header says %lld", name, out->len, (long long)raw);
    FUZZ_CHECK(out->data && out->data[out->len] == 0, "%s: not NUL-terminated", name);
    FUZZ_CHECK(id >= 0 && id <= UINT32_MAX && zd_has_dict(c, (uint32_t)id),
               "%s: decoded a record whose dictionary is %lld (zd_record_dict), not one held", name,
               (long long)id);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    zbuf a = {0}, b = {0}, rec = {0};

    /* The input as a (damaged) record. */
    int ok_plain = decode_checked(plain, "no dictionaries", in, size, &a);
    int ok_dicts = decode_checked(dicts, "with dictionaries", in, size, &b);
    if (ok_plain) {
        FUZZ_CHECK(zd_record_dict(in, size) == 0, "decoded without a dictionary: id %lld",
                   (long long)zd_record_dict(in, size));
        FUZZ_CHECK(ok_dicts && a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
                   "a record without dictionary decodes differently with dictionaries loaded");
    }

    /* Round trips. */
    for (int k = 0; k < 3; k++) {
        zd_use_dict(dicts, ids[k]);
        FUZZ_CHECK(zd_current_dict(dicts) == ids[k], "zd_use_dict(%08x)", (unsigned)ids[k]);
        FUZZ_CHECK(zd_encode(dicts, in, size, &rec) == 0, "zd_encode failed (dict %08x)",
                   (unsigned)ids[k]);
        FUZZ_CHECK(zd_record_dict(rec.data, rec.len) == (int64_t)ids[k], "record names dict %lld",
                   (long long)zd_record_dict(rec.data, rec.len));
        FUZZ_CHECK(zd_record_raw_len(rec.data, rec.len) == (int64_t)size,
                   "record names length %lld, text has %zu",
                   (long long)zd_record_raw_len(rec.data, rec.len), size);
        FUZZ_CHECK(decode_checked(dicts, "round trip", rec.data, rec.len, &b),
                   "round trip (dict %08x) does not decode", (unsigned)ids[k]);
        FUZZ_CHECK(b.len == size && (size == 0 || memcmp(b.data, in, size) == 0),
                   "round trip (dict %08x) changes the text", (unsigned)ids[k]);
        int ok = decode_checked(plain, "round trip, no dictionaries", rec.data, rec.len, &a);
        FUZZ_CHECK(ok == (ids[k] == 0), "a codec without dictionary %08x: decode %s",
                   (unsigned)ids[k], ok ? "succeeded" : "failed");
    }
    zd_use_dict(dicts, 0);
    zbuf_free(&a);
    zbuf_free(&b);
    zbuf_free(&rec);
    return 0;
}
