/* serve.h - `zhsearch serve`: a local web search (JSON API and web UI)
 * over an index.  See serve.c for the rules it keeps; zhsearch.c parses
 * the command line. */
#ifndef ZHS_SERVE_H
#define ZHS_SERVE_H

#define SERVE_MAX_SHARDS 64

typedef struct serve_config {
    const char *shards[SERVE_MAX_SHARDS]; /* -d: one index, or shards as one */
    int nshards;                          /* 0: $ZHSEARCH_INDEX or ./zhsearch.idx */
    const char *listen;                   /* IPv4 or IPv6 address */
    long port;                            /* 0: any free port */
    long max_searches, queue, timeout_ms;
    long test_delay_ms; /* set from ZHSEARCH_SERVE_TEST_DELAY_MS */
    long doc_limit;     /* bytes of text in a document view (8 MB; tests:
                           ZHSEARCH_SERVE_TEST_DOC_LIMIT) */
} serve_config;

/* Defaults: 127.0.0.1, port 8080, 8 searches, 64 waiting, 10 s. */
void serve_defaults(serve_config *cfg);

/* Serve until SIGINT or SIGTERM; the exit status (0 when stopped by a
 * signal, 2 on an error such as a missing index or a port in use). */
int serve_run(const serve_config *cfg);

#endif
