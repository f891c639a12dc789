/* writer.c - the index zhindex writes to: a single index or a sharded set
 * (see zhindex.h), opened with its locks, stamped when new, with the
 * stored-text dictionary loaded.  Failures are returned in a zerr for the
 * caller to report; only tidy_leftovers reports (a note, not a failure). */
#include "terms.h"
#include "indexing.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define STUB "XAPIANDB"

/* A directory that exists, is not empty and holds neither a Xapian index
 * nor a sharded set is not ours to write into. */
static int foreign_dir(const char *path)
{
    struct stat st;
    if (stat(path, &st))
        return 0;
    if (!S_ISDIR(st.st_mode))
        return 1;
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/iamglass", path);
    if (access(probe, F_OK) == 0)
        return 0;
    snprintf(probe, sizeof probe, "%s/" STUB, path);
    if (access(probe, F_OK) == 0)
        return 0;
    DIR *d = opendir(path);
    if (!d)
        return 1;
    struct dirent *e;
    int any = 0;
    unsigned k;
    char c;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            /* a set whose creation was interrupted is ours to finish */
            sscanf(e->d_name, "shard-%u%c", &k, &c) != 1)
            any = 1;
    closedir(d);
    return any;
}

/* Shards listed by a set's stub: "auto shard-NN" lines, in order. */
unsigned index_parts(const char *index, char (*paths)[4096], unsigned max)
{
    char stub[PATH_MAX];
    snprintf(stub, sizeof stub, "%s/" STUB, index);
    FILE *f = fopen(stub, "r");
    if (!f) {
        snprintf(paths[0], 4096, "%s", index);
        return 1;
    }
    char line[512], name[256];
    unsigned n = 0;
    while (n < max && fgets(line, sizeof line, f))
        if (sscanf(line, "auto %255s", name) == 1)
            snprintf(paths[n++], 4096, "%s/%s", index, name);
    fclose(f);
    return n;
}

/* Create a sharded set: the shard directories first, the stub last (by
 * rename), so that a half-made set is never mistaken for a complete one. */
static zerr_code create_set(const char *index, unsigned n, zerr *e)
{
    if (mkdir(index, 0777) && errno != EEXIST)
        return zerr_set(e, ZERR_IO, "%s: cannot create: %s", index, strerror(errno));
    char tmp[PATH_MAX], stub[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/" STUB ".tmp", index);
    snprintf(stub, sizeof stub, "%s/" STUB, index);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return zerr_set(e, ZERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "auto shard-%02u\n", i);
    if (fclose(f) || rename(tmp, stub))
        return zerr_set(e, ZERR_IO, "%s: cannot write: %s", stub, strerror(errno));
    return ZERR_OK;
}

static int load_dict(writer *w)
{
    char *cur;
    size_t n;
    zx_err e;
    if (zx_db_get_metadata(w->db[0], "zhs:dict", &cur, &n, &e))
        return -1;
    if (n) {
        uint32_t id = (uint32_t)strtoul(cur, NULL, 16);
        if (zt_load_dict(w->db[0], w->codec, id) == 0)
            zd_use_dict(w->codec, id);
    }
    free(cur);
    return 0;
}

/* Create a new index atomically: made and stamped under a temporary name,
 * then renamed into place, so a crash never leaves an unstamped index. */
static zerr_code create_one(const char *path, zerr *e)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.new-%ld", path, (long)getpid());
    zx_err xe;
    zx_db *db = zx_db_open_writable(tmp, 1, &xe);
    if (!db)
        return zerr_set(e, xe.code, "%s: cannot create index: %s", path, xe.msg);
    zerr_code rc = zt_stamp_index(db, &xe);
    if (rc == ZERR_OK)
        rc = zx_db_commit(db, &xe);
    if (rc)
        zerr_set(e, rc, "%s: cannot initialise index: %s", path, xe.msg);
    zx_db_close(db);
    if (rc == ZERR_OK && rename(tmp, path) != 0 && access(path, F_OK) != 0)
        rc = zerr_set(e, ZERR_IO, "%s: cannot create index: %s", path, strerror(errno));
    if (access(tmp, F_OK) == 0) /* lost a race, or failed: tidy up */
        rm_tree(tmp);
    return rc;
}

/* Remove what a killed zhindex left beside an index: PATH.compact-PID
 * and PATH.old-PID (compact), PATH.new-PID (create_one), PATH.build-PID
 * (a merged build, pipeline.c), once process PID is gone.  Called with
 * the index's lock held: a running compaction of the index would hold it. */
static void tidy_leftovers(const char *path, const options *o)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    const char *name = slash ? path + (slash - dir) + 1 : path;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        slash[slash == dir] = 0; /* "/x" -> "/" */
    size_t n = strlen(name);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, name, n) != 0)
            continue;
        const char *rest = e->d_name + n, *num = NULL;
        if (!strncmp(rest, ".compact-", 9))
            num = rest + 9;
        else if (!strncmp(rest, ".old-", 5) || !strncmp(rest, ".new-", 5))
            num = rest + 5;
        else if (!strncmp(rest, ".build-", 7))
            num = rest + 7;
        char *end;
        long pid = num && *num >= '1' && *num <= '9' ? strtol(num, &end, 10) : 0;
        if (pid <= 0 || *end || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char p[PATH_MAX];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < sizeof p && rm_tree(p) == 0)
            tell(o, ZI_NOTE, p, "removed %s, left by an interrupted writer", p);
    }
    closedir(d);
}

/* Open (creating when asked) one index into *out and check its stamp. */
static zerr_code open_one(const char *path, int create, zx_db **out, zerr *e)
{
    zx_err xe;
    zerr_code rc;
    *out = NULL;
    if (create && access(path, F_OK) != 0 && (rc = create_one(path, e)))
        return rc;
    zx_db *db = zx_db_open_writable(path, 0, &xe);
    if (!db) {
        char lock[PATH_MAX];
        snprintf(lock, sizeof lock, "%s/flintlock", path);
        /* Xapian reports a lock file it cannot open as a lock held by
         * another writer: say the true reason */
        if (xe.code == ZX_ERR_LOCK &&
            (access(path, W_OK) != 0 || (access(lock, F_OK) == 0 && access(lock, W_OK) != 0)))
            return zerr_set(e, ZERR_OPEN, "%s: cannot write to the index: %s", path,
                            strerror(errno));
        if (xe.code == ZX_ERR_LOCK)
            return zerr_set(e, ZERR_LOCK, "%s: index is locked: another zhindex is writing to it",
                            path);
        return zerr_set(e, xe.code, "%s: cannot open index: %s", path, xe.msg);
    }
    char *scheme;
    size_t n;
    rc = zx_db_get_metadata(db, "zhs:scheme", &scheme, &n, &xe);
    if (rc) {
        zerr_set(e, rc, "%s: %s", path, xe.msg);
    } else {
        free(scheme);
        if (n == 0 && zx_db_doccount(db, NULL) == 0) {
            /* an empty index left unstamped by an older version: stamp it */
            if ((rc = zt_stamp_index(db, &xe)) || (rc = zx_db_commit(db, &xe)))
                zerr_set(e, rc, "%s: cannot initialise index: %s", path, xe.msg);
        } else if ((rc = zt_check_index(db, &xe))) {
            zerr_set(e, rc, "%s: %s", path, xe.msg);
        }
    }
    if (rc)
        zx_db_close(db);
    else
        *out = db;
    return rc;
}

/* ZERR_OPEN with e set when nothing exists at index. */
zerr_code index_missing(const char *index, zerr *e)
{
    struct stat st;
    if (stat(index, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
        return ZERR_OK;
    return zerr_set(e, ZERR_OPEN, "%s: no index here (create one with: zhindex -d %s add DIR)",
                    index, index);
}


zerr_code open_writer(writer *w, const options *o, int create, zerr *e)
{
    memset(w, 0, sizeof *w);
    w->o = o;
    zerr_code rc;
    if (!create && (rc = index_missing(o->index, e)))
        return rc;
    if (create && foreign_dir(o->index))
        return zerr_set(e, ZERR_INVALID,
                        "%s: exists and is not a zhsearch index; refusing to write into it",
                        o->index);
    char stub[PATH_MAX];
    snprintf(stub, sizeof stub, "%s/" STUB, o->index);
    int exists = access(o->index, F_OK) == 0;
    w->is_set = access(stub, F_OK) == 0;
    if (o->shards > 1 && !w->is_set) {
        if (exists && !foreign_dir(o->index) && access(o->index, F_OK) == 0) {
            char probe[PATH_MAX];
            snprintf(probe, sizeof probe, "%s/iamglass", o->index);
            if (access(probe, F_OK) == 0)
                return zerr_set(e, ZERR_INVALID,
                                "%s: is a single index; --shards needs a new directory", o->index);
        }
        if (!create)
            return zerr_set(e, ZERR_OPEN, "%s: no such sharded set", o->index);
        char paths[ZHINDEX_MAX_SHARDS][4096];
        for (unsigned i = 0; i < o->shards; i++)
            snprintf(paths[i], sizeof paths[i], "%s/shard-%02u", o->index, i);
        if (mkdir(o->index, 0777) && errno != EEXIST)
            return zerr_set(e, ZERR_IO, "%s: cannot create: %s", o->index, strerror(errno));
        for (unsigned i = 0; i < o->shards; i++) {
            if ((rc = open_one(paths[i], 1, &w->db[i], e)))
                return rc;
            w->nshards = i + 1;
            tidy_leftovers(paths[i], o);
        }
        if ((rc = create_set(o->index, o->shards, e)))
            return rc;
        w->is_set = 1;
    } else {
        char paths[ZHINDEX_MAX_SHARDS][4096];
        unsigned n = w->is_set ? index_parts(o->index, paths, ZHINDEX_MAX_SHARDS)
                               : (snprintf(paths[0], sizeof paths[0], "%s", o->index), 1u);
        if (n == 0)
            return zerr_set(e, ZERR_CORRUPT, "%s: the sharded set lists no shards", o->index);
        if (o->shards && o->shards != n)
            return zerr_set(e, ZERR_INVALID, "%s: has %u shard%s, not %u", o->index, n,
                            n == 1 ? "" : "s", o->shards);
        for (unsigned i = 0; i < n; i++) {
            if ((rc = open_one(paths[i], create && !w->is_set, &w->db[i], e)))
                return rc;
            w->nshards = i + 1;
            tidy_leftovers(paths[i], o);
        }
    }
    zerr ae;
    w->an = za_new(&ae);
    w->codec = zd_new(3);
    if (!w->an || !w->codec || load_dict(w))
        return zerr_set(e, w->an ? ZERR_NOMEM : ae.code, "cannot initialise: %s",
                        w->an ? "out of memory" : ae.msg);
    zerr_ok(e);
    return ZERR_OK;
}

void close_writer(writer *w)
{
    if (w->in_txn)
        cancel(w);
    for (unsigned i = 0; i < w->nshards; i++)
        zx_db_close(w->db[i]);
    za_free(w->an);
    zd_free(w->codec);
    memset(w, 0, sizeof *w);
}

zx_db *writer_shard(writer *w, const char *key)
{
    if (w->nshards <= 1)
        return w->db[0];
    return w->db[zh_hash64(key, strlen(key)) % w->nshards];
}

zerr_code writer_set_metadata(writer *w, const char *key, const char *val, size_t len, zerr *e)
{
    for (unsigned i = 0; i < w->nshards; i++) {
        zx_err xe;
        if (zx_db_set_metadata(w->db[i], key, val, len, &xe))
            return zerr_set(e, xe.code, "%s: %s", w->o->index, xe.msg);
    }
    return ZERR_OK;
}

zerr_code begin(writer *w, zerr *e)
{
    for (unsigned i = 0; i < w->nshards; i++) {
        zx_err xe;
        if (zx_db_begin(w->db[i], &xe)) {
            zerr_set(e, xe.code, "%s: %s", w->o->index, xe.msg);
            for (unsigned k = 0; k < i; k++)
                zx_db_cancel(w->db[k], NULL);
            return xe.code;
        }
    }
    w->in_txn = 1;
    return ZERR_OK;
}

/* Shards commit one after another: a crash between two leaves each shard
 * at a commit of its own, and a rerun completes the others. */
zerr_code commit(writer *w, zerr *e)
{
    zerr_code rc = ZERR_OK;
    w->in_txn = 0;
    for (unsigned i = 0; i < w->nshards; i++) {
        zx_err xe;
        if (rc) {
            zx_db_cancel(w->db[i], &xe);
        } else if ((rc = zx_db_commit_transaction(w->db[i], &xe))) {
            zerr_set(e, rc, "%s: commit failed, the index keeps its last commit: %s", w->o->index,
                     xe.msg);
        }
    }
    return rc;
}

void cancel(writer *w)
{
    for (unsigned i = 0; i < w->nshards; i++) {
        zx_err e;
        zx_db_cancel(w->db[i], &e);
    }
    w->in_txn = 0;
}
