/* fts5_trigram - the SQLite FTS5 trigram baseline.
 *
 *   fts5_trigram index DB FILELIST
 *       CREATE VIRTUAL TABLE t USING fts5(path UNINDEXED, body, tokenize='trigram')
 *       and one row per file of FILELIST (one path a line), all in one
 *       transaction.  Prints one JSON line (docs, bytes, seconds).
 *   fts5_trigram optimize DB
 *       Merge the FTS5 segments ('optimize') and VACUUM: the counterpart of
 *       compacting the other indexes.
 *   fts5_trigram query DB QUERYFILE [PASSES [snippet]]
 *       Each line of QUERYFILE holds the strings a document must contain,
 *       separated by tabs.  Strings of 3 or more characters become FTS5
 *       strings ("...") ANDed in one MATCH, ranked by bm25(t), top 10.  The
 *       trigram tokenizer cannot MATCH 1-2 character strings: those become
 *       body LIKE '%s%' conditions; a query made of them only has no MATCH,
 *       hence no ranking and no snippet(), and is a scan of the table
 *       (stopping at the 10th match).  With "snippet", snippet(t, 1, ...) of
 *       up to 64 tokens is selected too.  Per query and pass prints
 *       "pass<TAB>line<TAB>microseconds<TAB>rows<TAB>plan" with plan match,
 *       match+like or scan (prepare, step and reading the columns timed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "fts5_trigram: %s: %s\n", what, db ? sqlite3_errmsg(db) : strerror(errno));
    exit(2);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *buf = malloc(cap);
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fts5_trigram: %s: %s\n", sql, err ? err : "?");
        sqlite3_free(err);
        exit(2);
    }
    return 0;
}

static int do_index(const char *dbpath, const char *list)
{
    FILE *lf = fopen(list, "r");
    if (!lf)
        die(NULL, list);
    double t0 = now();
    unlink(dbpath);
    sqlite3 *db;
    if (sqlite3_open(dbpath, &db) != SQLITE_OK)
        die(db, dbpath);
    exec(db, "CREATE VIRTUAL TABLE t USING fts5(path UNINDEXED, body, tokenize='trigram')");
    exec(db, "BEGIN");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(path, body) VALUES (?, ?)", -1, &st, NULL))
        die(db, "prepare insert");
    char *line = NULL;
    size_t lcap = 0;
    ssize_t l;
    unsigned long long docs = 0, bytes = 0;
    while ((l = getline(&line, &lcap, lf)) > 0) {
        if (line[l - 1] == '\n')
            line[--l] = 0;
        if (!l)
            continue;
        size_t len;
        char *text = slurp(line, &len);
        if (!text)
            die(NULL, line);
        sqlite3_bind_text(st, 1, line, (int)l, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, text, (int)len, free);
        if (sqlite3_step(st) != SQLITE_DONE)
            die(db, "insert");
        sqlite3_reset(st);
        docs++;
        bytes += len;
    }
    sqlite3_finalize(st);
    exec(db, "COMMIT");
    if (sqlite3_close(db) != SQLITE_OK)
        die(db, "close");
    double secs = now() - t0;
    free(line);
    fclose(lf);
    printf("{\"docs\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"sqlite_version\":\"%s\"}\n", docs,
           bytes, secs, sqlite3_libversion());
    return 0;
}

static int do_optimize(const char *dbpath)
{
    sqlite3 *db;
    if (sqlite3_open(dbpath, &db) != SQLITE_OK)
        die(db, dbpath);
    exec(db, "INSERT INTO t(t) VALUES('optimize')");
    exec(db, "VACUUM");
    sqlite3_close(db);
    return 0;
}

/* number of characters of a UTF-8 string */
static size_t u8len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            die(NULL, "out of memory");
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

#define MAXTERMS 16

static int do_query(const char *dbpath, const char *qfile, int passes, int snippet, int rank)
{
    sqlite3 *db;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die(db, dbpath);
    FILE *qf = fopen(qfile, "r");
    if (!qf)
        die(NULL, qfile);
    char **queries = NULL;
    size_t nq = 0, qcap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t l;
    while ((l = getline(&line, &lcap, qf)) > 0) {
        if (line[l - 1] == '\n')
            line[--l] = 0;
        if (nq == qcap) {
            qcap = qcap ? qcap * 2 : 256;
            queries = realloc(queries, qcap * sizeof *queries);
        }
        queries[nq++] = strdup(line);
    }
    free(line);
    fclose(qf);
    double avgdl = 1;
    if (rank) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT avg(length(body)) FROM t", -1, &st, NULL) != SQLITE_OK)
            die(db, "avg(length(body))");
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_double(st, 0) > 0)
            avgdl = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
    }

    for (int pass = 1; pass <= passes; pass++) {
        for (size_t qi = 0; qi < nq; qi++) {
            double t0 = now();
            /* split into terms */
            char *copy = strdup(queries[qi]);
            char *terms[MAXTERMS];
            int nt = 0;
            for (char *save = NULL, *tok = strtok_r(copy, "\t", &save); tok && nt < MAXTERMS;
                 tok = strtok_r(NULL, "\t", &save))
                if (*tok)
                    terms[nt++] = tok;
            buf match = {0}, sql = {0};
            char *likes[MAXTERMS];
            const char *shorts[MAXTERMS];
            int nlike = 0;
            for (int i = 0; i < nt; i++) {
                if (u8len(terms[i]) >= 3) {
                    if (match.n)
                        puts_(&match, " ");
                    puts_(&match, "\"");
                    for (const char *c = terms[i]; *c; c++) {
                        if (*c == '"')
                            puts_(&match, "\"\""); /* FTS5 string: double the quote */
                        else
                            put(&match, c, 1);
                    }
                    puts_(&match, "\"");
                } else {
                    buf lk = {0};
                    puts_(&lk, "%");
                    for (const char *c = terms[i]; *c; c++) {
                        if (*c == '%' || *c == '_' || *c == '\\')
                            puts_(&lk, "\\");
                        put(&lk, c, 1);
                    }
                    puts_(&lk, "%");
                    shorts[nlike] = terms[i];
                    likes[nlike++] = lk.p;
                }
            }
            const char *plan = match.n ? (nlike ? "match+like" : "match") : "scan";
            puts_(&sql, snippet ? (match.n ? "SELECT path, snippet(t, 1, '[', ']', '…', 64) FROM t"
                                           : "SELECT path, NULL FROM t")
                                : "SELECT path FROM t");
            puts_(&sql, " WHERE ");
            int first = 1;
            if (match.n) {
                puts_(&sql, "t MATCH ?");
                first = 0;
            }
            for (int i = 0; i < nlike; i++) {
                puts_(&sql, first ? "body LIKE ? ESCAPE '\\'" : " AND body LIKE ? ESCAPE '\\'");
                first = 0;
            }
            if (match.n)
                puts_(&sql, " ORDER BY bm25(t)");
            else if (rank && nlike) {
                /* BM25 of the LIKE strings; :sN is string N, tf its occurrences */
                char part[512];
                puts_(&sql, " ORDER BY (0");
                for (int i = 0; i < nlike; i++) {
                    const char *tf = "((length(body) - length(replace(body, :s%d, ''))) * 1.0 / "
                                     "length(:s%d))";
                    char tfs[160];
                    snprintf(tfs, sizeof tfs, tf, i, i);
                    snprintf(part, sizeof part,
                             " + %s * 2.2 / (%s + 1.2 * (0.25 + 0.75 * length(body) / %.3f))",
                             tfs, tfs, avgdl);
                    puts_(&sql, part);
                }
                puts_(&sql, ") DESC, rowid");
            }
            puts_(&sql, " LIMIT 10");
            sqlite3_stmt *st;
            int rows = -1;
            if (rank)
                printf("%zu", qi + 1);
            if (!nt || sqlite3_prepare_v2(db, sql.p, -1, &st, NULL) != SQLITE_OK) {
                fprintf(stderr, "fts5_trigram: query %zu: %s\n", qi + 1,
                        nt ? sqlite3_errmsg(db) : "no terms");
            } else {
                int k = 1;
                if (match.n)
                    sqlite3_bind_text(st, k++, match.p, (int)match.n, SQLITE_STATIC);
                for (int i = 0; i < nlike; i++)
                    sqlite3_bind_text(st, k++, likes[i], -1, SQLITE_STATIC);
                if (rank && !match.n)
                    for (int i = 0; i < nlike; i++) {
                        char name[16];
                        snprintf(name, sizeof name, ":s%d", i);
                        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), shorts[i],
                                          -1, SQLITE_STATIC);
                    }
                size_t sink = 0;
                int rc;
                rows = 0;
                while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                    sink += (size_t)sqlite3_column_bytes(st, 0);
                    if (rank)
                        printf("\t%s", (const char *)sqlite3_column_text(st, 0));
                    if (snippet)
                        sink += (size_t)sqlite3_column_bytes(st, 1);
                    rows++;
                }
                (void)sink;
                if (rc != SQLITE_DONE) {
                    fprintf(stderr, "fts5_trigram: query %zu: %s\n", qi + 1, sqlite3_errmsg(db));
                    rows = -1;
                }
                sqlite3_finalize(st);
            }
            double us = (now() - t0) * 1e6;
            if (rank)
                putchar('\n');
            else
                printf("%d\t%zu\t%.1f\t%d\t%s\n", pass, qi + 1, us, rows, plan);
            for (int i = 0; i < nlike; i++)
                free(likes[i]);
            free(match.p);
            free(sql.p);
            free(copy);
        }
    }
    for (size_t i = 0; i < nq; i++)
        free(queries[i]);
    free(queries);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "index"))
        return do_index(argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "optimize"))
        return do_optimize(argv[2]);
    if (argc >= 4 && argc <= 6 && !strcmp(argv[1], "query"))
        return do_query(argv[2], argv[3], argc >= 5 ? atoi(argv[4]) : 2,
                        argc == 6 && !strcmp(argv[5], "snippet"), 0);
    if (argc == 4 && !strcmp(argv[1], "rank"))
        return do_query(argv[2], argv[3], 1, 0, 1);
    fprintf(stderr, "usage: fts5_trigram index DB FILELIST | optimize DB | "
                    "query DB QUERYFILE [PASSES [snippet]] | rank DB QUERYFILE\n");
    return 2;
}
