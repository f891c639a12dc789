/* zerr.h - the internal error: a status code and a message, filled by the
 * function that failed (after notmuch's status + per-handle message).
 *
 * Every internal function that can fail takes a zerr * (may be NULL) as its
 * last argument and returns a zerr_code (ZERR_OK on success), or NULL / 0
 * with e->code set where it returns a handle or a count.  Messages are the
 * text users see: callers add context in front, never rewrite them.  Only
 * the programs print (zhindex's say(), zhsearch's CLI); the library turns
 * codes into zhs_status in one place (library.c).
 */
#ifndef ZHS_ZERR_H
#define ZHS_ZERR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Values are pinned: the Xapian shim's codes (1-10) came first. */
typedef enum zerr_code {
    ZERR_OK = 0,
    ZERR_NOMEM = 1,
    ZERR_OPEN = 2,          /* not a database, missing, unreadable, wrong version */
    ZERR_LOCK = 3,          /* another writer holds the lock */
    ZERR_CORRUPT = 4,       /* damaged database files or stored text */
    ZERR_MODIFIED = 5,      /* reader overtaken by writers: reopen and retry */
    ZERR_IO = 6,            /* other database error, or a read error (disk, I/O) */
    ZERR_NETWORK = 7,       /* remote shard unreachable or timed out */
    ZERR_NOT_FOUND = 8,     /* no such document */
    ZERR_INVALID = 9,       /* invalid argument or operation */
    ZERR_OTHER = 10,        /* anything else (an ICU failure, an unknown exception) */
    ZERR_SCHEME = 11,       /* index written with another term scheme or analyzer */
    ZERR_SYNTAX = 12,       /* the query does not parse (the message has the column) */
    ZERR_EMPTY_QUERY = 13,  /* the query has nothing in it */
    ZERR_QUERY_LIMIT = 14,  /* the query is over a size limit (qparse.h) */
    ZERR_NOT_INDEXABLE = 15 /* the file cannot be indexed as it is: empty, binary,
                               too large, gone, not a regular file, no encoding */
} zerr_code;

typedef struct zerr {
    zerr_code code;
    char msg[512];
} zerr;

#if defined(__GNUC__)
#define ZERR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ZERR_PRINTF(f, a)
#endif

/* Record code and a printf-formatted message in e (NULL: nothing is
 * recorded); returns code, so that `return zerr_set(e, ...);` fails.  The
 * arguments must not point into e->msg (copy it first to add context). */
zerr_code zerr_set(zerr *e, zerr_code code, const char *fmt, ...) ZERR_PRINTF(3, 4);
/* Mark e as success (code ZERR_OK, empty message); NULL is allowed. */
void zerr_ok(zerr *e);

#ifdef __cplusplus
}
#endif
#endif
