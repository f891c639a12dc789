/* Unit tests: the Xapian shim's error paths - nothing aborts, every failure
 * is a status with a message. */
#include "check.h"
#include "terms.h"
#include "zx.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char dir[] = "/tmp/zhs-shim-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char path[128];
    zx_err e;

    /* a missing path */
    zx_db *db = zx_db_open("/nonexistent/zhsearch.idx", &e);
    CHECK(db == NULL && e.code == ZX_ERR_OPEN && e.msg[0], "missing path: code %d '%s'", e.code, e.msg);

    /* a regular file */
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    fputs("not an index\n", f);
    fclose(f);
    db = zx_db_open(path, &e);
    CHECK(db == NULL && e.code != ZX_OK && e.msg[0], "regular file: code %d '%s'", e.code, e.msg);
    db = zx_db_open_writable(path, 0, &e);
    CHECK(db == NULL && e.code != ZX_OK, "regular file writable: code %d", e.code);

    /* an empty directory is not an index either */
    db = zx_db_open(dir, &e);
    CHECK(db == NULL && e.code == ZX_ERR_OPEN, "empty dir: code %d '%s'", e.code, e.msg);

    /* a writable index and a second writer: locked */
    snprintf(path, sizeof path, "%s/idx", dir);
    zx_db *w = zx_db_open_writable(path, 1, &e);
    CHECK(w != NULL, "create: %s", e.msg);
    zx_db *w2 = zx_db_open_writable(path, 1, &e);
    CHECK(w2 == NULL && e.code == ZX_ERR_LOCK, "second writer: code %d '%s'", e.code, e.msg);

    /* unstamped index is refused by the scheme check, stamped one passes */
    CHECK(zt_check_index(w, &e) == ZERR_SCHEME && strstr(e.msg, "not a zhsearch index"),
          "unstamped: '%s'", e.msg);
    CHECK(zt_stamp_index(w, &e) == 0 && zx_db_commit(w, &e) == 0, "stamp: %s", e.msg);
    CHECK(zt_check_index(w, &e) == ZERR_OK, "stamped: '%s'", e.msg);
    CHECK(zx_db_set_metadata(w, "zhs:scheme", "999", 3, &e) == 0, "set");
    CHECK(zt_check_index(w, &e) == ZERR_SCHEME && strstr(e.msg, "scheme 999"), "other scheme: '%s'",
          e.msg);
    zt_stamp_index(w, &e);

    /* transactions: cancel drops the change */
    zx_doc *d = zx_doc_new();
    zx_doc_add_boolean(d, "Qa", 2);
    CHECK(zx_db_begin(w, &e) == 0, "begin: %s", e.msg);
    CHECK(zx_db_begin(w, &e) == ZX_ERR_INVALID, "nested begin: code %d", e.code);
    CHECK(zx_db_replace(w, "Qa", 2, d, &e) != 0, "replace");
    CHECK(zx_db_cancel(w, &e) == 0, "cancel: %s", e.msg);
    CHECK(zx_db_doccount(w, NULL) == 0, "cancelled document gone");
    CHECK(zx_db_commit_transaction(w, &e) == ZX_ERR_INVALID, "commit without begin: code %d", e.code);
    CHECK(zx_db_begin(w, &e) == 0 && zx_db_replace(w, "Qa", 2, d, &e) &&
              zx_db_commit_transaction(w, &e) == 0, "commit: %s", e.msg);
    zx_doc_free(d);

    /* a reader sees commits after reopen */
    zx_db *r = zx_db_open(path, &e);
    CHECK(r != NULL && zx_db_doccount(r, NULL) == 1, "reader");
    CHECK(zx_db_set_metadata(r, "k", "v", 1, &e) == ZX_ERR_INVALID, "read-only metadata write refused");
    CHECK(zx_db_delete(r, "Qa", 2, &e) == ZX_ERR_INVALID, "read-only delete refused");
    d = zx_doc_new();
    zx_doc_add_boolean(d, "Qb", 2);
    zx_db_replace(w, "Qb", 2, d, &e);
    zx_doc_free(d);
    zx_db_commit(w, &e);
    CHECK(zx_db_doccount(r, NULL) == 1, "snapshot before reopen");
    CHECK(zx_db_reopen(r, &e) == 1 && zx_db_doccount(r, NULL) == 2, "reopen sees the new commit");

    /* missing documents and bad arguments */
    CHECK(zx_db_get_doc(r, 12345, &e) == NULL && e.code == ZX_ERR_NOT_FOUND, "missing doc: %d", e.code);
    CHECK(zx_db_find_doc(r, "Qzz", 3, &e) == 0 && e.code == ZX_OK, "missing term");
    CHECK(zx_db_add_shard(w, path, 0, &e) == ZX_ERR_INVALID, "shard on writable");
    zx_query *empty = zx_q_combine(ZX_OP_AND, NULL, 0, 0);
    CHECK(empty != NULL && zx_q_empty(empty), "empty AND is an empty query");
    zx_q_free(empty);
    zx_query *bad[1] = {NULL};
    CHECK(zx_q_combine(ZX_OP_AND, bad, 1, 0) == NULL, "NULL subquery refused");
    zx_query *t = zx_q_term("Ca", 2, 1, 0);
    char *desc = zx_q_describe(t);
    CHECK(desc && strstr(desc, "Ca"), "describe: %s", desc ? desc : "(null)");
    free(desc);
    zx_q_free(t);
    zx_q_free(NULL);
    zx_db_close(NULL);
    zx_doc_free(NULL);

    /* a getter reports a read error instead of a count of 0 */
    char big[160];
    snprintf(big, sizeof big, "%s/big", dir);
    zx_db *bw = zx_db_open_writable(big, 1, &e);
    for (unsigned i = 0; bw && i < 3000; i++) {
        zx_doc *bd = zx_doc_new();
        char t[32];
        int tl = snprintf(t, sizeof t, "Xterm%u", i);
        zx_doc_add_term(bd, t, (size_t)tl, 1);
        zx_doc_add_term(bd, "x", 1, 1);
        zx_db_replace(bw, t, (size_t)tl, bd, &e);
        zx_doc_free(bd);
    }
    zx_db_commit(bw, &e);
    zx_db_close(bw);
    zx_db *br = zx_db_open(big, &e);
    CHECK(br && zx_db_termfreq(br, "x", 1, &e) == 3000 && e.code == ZX_OK, "termfreq: %s", e.msg);
    snprintf(path, sizeof path, "%s/big/postlist.glass", dir);
    CHECK(truncate(path, 8192) == 0, "truncate");
    unsigned tf = zx_db_termfreq(br, "Xterm2999", 9, &e);
    CHECK(tf == 0 && e.code != ZX_OK && e.msg[0], "termfreq of a damaged table: %u, code %d", tf, e.code);
    zx_db_close(br);

    /* a reader sees commits made after a compacted copy took the index's
     * place (the copy counts its revisions anew) */
    char cpath[160], opath[160];
    snprintf(path, sizeof path, "%s/idx", dir);
    snprintf(cpath, sizeof cpath, "%s/idx.compact", dir);
    snprintf(opath, sizeof opath, "%s/idx.old", dir);
    zx_db_close(w);
    zx_db *before = zx_db_open(path, &e);
    CHECK(before && zx_db_doccount(before, NULL) == 2, "reader before compact");
    if (!before)
        return check_done();
    CHECK(zx_db_compact(path, cpath, &e) == ZX_OK, "compact: %s", e.msg);
    CHECK(rename(path, opath) == 0 && rename(cpath, path) == 0, "swap");
    w = zx_db_open_writable(path, 0, &e);
    for (int i = 0; w && i < 3; i++) {
        d = zx_doc_new();
        char id[8];
        snprintf(id, sizeof id, "Qc%d", i);
        zx_doc_add_boolean(d, id, strlen(id));
        zx_db_replace(w, id, strlen(id), d, &e);
        zx_doc_free(d);
        zx_db_commit(w, &e);
    }
    CHECK(zx_db_reopen(before, &e) == 1 && zx_db_doccount(before, NULL) == 5,
          "reopen after a compacted copy replaced the index: %u documents (%s)",
          zx_db_doccount(before, NULL), e.msg);
    zx_db_close(before);

    zx_db_close(r);
    zx_db_close(w);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
