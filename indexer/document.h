/* document.h - one input file turned into an index document: read, decode,
 * extract text and metadata, and generate terms and stored text. */
#ifndef ZHS_DOCUMENT_H
#define ZHS_DOCUMENT_H

#include "analyzer.h"
#include "docstore.h"
#include "format.h"
#include "metadata.h"
#include "zbuf.h"
#include "zx.h"

#include <stdint.h>

typedef struct zdoc_opts {
    const char *encoding; /* forced encoding or NULL */
    size_t max_bytes;     /* files larger than this are refused */
    int ocr;              /* recognise scanned pages (format.h) */
    zf_progress_fn progress;
    void *progress_ctx;
} zdoc_opts;

/* A file read and decoded, ready to become a document. */
typedef struct zdoc_input {
    char *bytes;        /* the file as read */
    size_t nbytes;
    char hash[17];      /* 64-bit content hash, hex */
    char *text;         /* decoded, extracted, chrome-free UTF-8 */
    size_t len;
    char encoding[32];  /* the charset of a text file, else the format's name */
    const char *format; /* the registry row that read it: "PDF" (static) */
    unsigned pages;     /* paged formats: pages ("\f" separates them), else 0 */
    unsigned ocr_pages; /* pages read by OCR */
    zm_meta meta;
} zdoc_input;

/* Read path into in->bytes and hash it.  Returns ZERR_OK, or with a reason
 * in e: ZERR_NOT_INDEXABLE (the file cannot be indexed as it is: empty,
 * binary, too large, gone, unreadable, not a regular file), ZERR_NOMEM (out
 * of memory: says nothing about the file) or ZERR_IO (a read error: may
 * pass, says nothing about the text).  Never blocks on a FIFO or device:
 * anything but a regular file is refused after it is opened. */
zerr_code zdoc_read(const char *path, const zdoc_opts *o, zdoc_input *in, zerr *e);
/* The same; with nofollow, a symbolic link at path is refused. */
zerr_code zdoc_read_file(const char *path, const zdoc_opts *o, int nofollow, zdoc_input *in,
                         zerr *e);
/* Decode and extract text and metadata.  Returns ZERR_OK, or
 * ZERR_NOT_INDEXABLE or ZERR_NOMEM with a reason in e. */
zerr_code zdoc_extract(const char *path, const zdoc_opts *o, zdoc_input *in, zerr *e);
void zdoc_input_clear(zdoc_input *in);

/* The Xapian document for an extracted input stored under `key` (the
 * document's unique path).  NULL on failure. */
zx_doc *zdoc_build(za_analyzer *a, zd_codec *codec, const char *key, const zdoc_input *in,
                   zbuf *scratch);

/* Hash of a byte string as 16 hex digits (FNV-1a 64). */
void zdoc_hash(const char *p, size_t n, char out[17]);

#endif
