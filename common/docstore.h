/* docstore.h - the stored-text codec: zstd, optionally with a dictionary
 * trained on the collection.
 *
 * Record format (the Xapian document data of every document):
 *   byte 0      format, ZD_FORMAT (2)
 *   varint      dictionary id (0: none)
 *   varint      length of the original text in bytes
 *   rest        one zstd frame of the text, nothing after it; the frame
 *               states the same length and carries zstd's content checksum
 *               (the low 32 bits of XXH64 of the text), so a damaged record
 *               does not decode: a changed header byte disagrees with the
 *               frame or picks the wrong dictionary, a changed frame byte
 *               fails to decode or to match the checksum.
 * Format 1 (indexes written before checksums) is the same without the
 * checksum; it is still read, unverified, and zd_record_checked tells.
 * Dictionaries live in the index metadata under "zhs:dict:<id in hex>"; the
 * id is a 32-bit hash of the dictionary bytes, so dictionaries of shards
 * built at different times never collide by accident.
 */
#ifndef ZHS_DOCSTORE_H
#define ZHS_DOCSTORE_H

#include "zbuf.h"
#include "zerr.h"
#include <stddef.h>
#include <stdint.h>

#define ZD_FORMAT 2
#define ZD_FORMAT_UNCHECKED 1 /* read, never written */
#define ZD_MAX_DICTS 16
#define ZD_MAX_TEXT (1ull << 30) /* larger stored texts are refused as damaged */

typedef struct zd_codec zd_codec;

zd_codec *zd_new(int level);
void zd_free(zd_codec *c);

/* Load a dictionary (copied); returns its id, 0 on failure. */
uint32_t zd_add_dict(zd_codec *c, const void *dict, size_t len);
int zd_has_dict(const zd_codec *c, uint32_t id);
/* Dictionary id used by zd_encode (0: none). */
void zd_use_dict(zd_codec *c, uint32_t id);
uint32_t zd_current_dict(const zd_codec *c);

/* Encode text into out (cleared first).  Returns 0 or -1. */
int zd_encode(zd_codec *c, const char *text, size_t len, zbuf *out);

/* The dictionary a record needs (0 when none), or -1 for a damaged header. */
int64_t zd_record_dict(const char *rec, size_t len);
/* The original text length a record holds, or -1 for a damaged header. */
int64_t zd_record_raw_len(const char *rec, size_t len);
/* 1 when a record carries a checksum (format 2), 0 for format 1, -1 for a
 * damaged header. */
int zd_record_checked(const char *rec, size_t len);

/* Decode a record into out (cleared first).  Returns ZERR_OK, or
 * ZERR_CORRUPT (damaged record or checksum mismatch, missing dictionary)
 * or ZERR_NOMEM with e set. */
zerr_code zd_decode(zd_codec *c, const char *rec, size_t len, zbuf *out, zerr *e);

/* Train a dictionary of at most cap bytes from n samples laid end to end in
 * samples with their sizes.  Returns 0 and the dictionary in out, or -1
 * when there is too little data to train on. */
int zd_train(const char *samples, const size_t *sizes, unsigned n, size_t cap, zbuf *out);
/* The same with one fastCover pass of fixed parameters (1 KB segments,
 * 8-byte d-mers) instead of zd_train's search over several (zd_train stays
 * as it is: the fuzzers' fixed dictionary comes from it): on Chinese text
 * a dictionary as good (within 0.5%) in a quarter of the time.  Falls
 * back to zd_train when the pass fails. */
int zd_train_fast(const char *samples, const size_t *sizes, unsigned n, size_t cap, zbuf *out);

/* The metadata key of a dictionary id: "zhs:dict:xxxxxxxx". */
void zd_dict_key(uint32_t id, char key[24]);

#endif
