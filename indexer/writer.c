/* writer.c - the index zhindex writes to: a single index or a sharded set
 * (see zhindex.h), opened with its locks, stamped when new, with the
 * stored-text dictionary loaded. */
#include "terms.h"
#include "zhindex.h"

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
static int create_set(const char *index, unsigned n)
{
    if (mkdir(index, 0777) && errno != EEXIST) {
        say("%s: cannot create: %s", index, strerror(errno));
        return -1;
    }
    char tmp[PATH_MAX], stub[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/" STUB ".tmp", index);
    snprintf(stub, sizeof stub, "%s/" STUB, index);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        say("%s: cannot write: %s", tmp, strerror(errno));
        return -1;
    }
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "auto shard-%02u\n", i);
    if (fclose(f) || rename(tmp, stub)) {
        say("%s: cannot write: %s", stub, strerror(errno));
        return -1;
    }
    return 0;
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
static int create_one(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.new-%ld", path, (long)getpid());
    zx_err e;
    zx_db *db = zx_db_open_writable(tmp, 1, &e);
    if (!db) {
        say("%s: cannot create index: %s", path, e.msg);
        return -1;
    }
    int rc = zt_stamp_index(db, &e) || zx_db_commit(db, &e) ? -1 : 0;
    if (rc)
        say("%s: cannot initialise index: %s", path, e.msg);
    zx_db_close(db);
    if (rc == 0 && rename(tmp, path) != 0 && access(path, F_OK) != 0) {
        say("%s: cannot create index: %s", path, strerror(errno));
        rc = -1;
    }
    if (access(tmp, F_OK) == 0) /* lost a race, or failed: tidy up */
        rm_tree(tmp);
    return rc;
}

/* Remove what a killed zhindex left beside an index: PATH.compact-PID
 * and PATH.old-PID (compact), PATH.new-PID (create_one), once process PID
 * is gone.  Called with the index's lock held: a running compaction of
 * the index would hold it. */
static void tidy_leftovers(const char *path, int quiet)
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
        char *end;
        long pid = num && *num >= '1' && *num <= '9' ? strtol(num, &end, 10) : 0;
        if (pid <= 0 || *end || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char p[PATH_MAX];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < sizeof p && rm_tree(p) == 0 &&
            !quiet)
            say("removed %s, left by an interrupted zhindex", p);
    }
    closedir(d);
}

/* Open (creating when asked) one index and check its stamp. */
static zx_db *open_one(const char *path, int create)
{
    zx_err e;
    if (create && access(path, F_OK) != 0 && create_one(path))
        return NULL;
    zx_db *db = zx_db_open_writable(path, 0, &e);
    if (!db) {
        char lock[PATH_MAX];
        snprintf(lock, sizeof lock, "%s/flintlock", path);
        /* Xapian reports a lock file it cannot open as a lock held by
         * another writer: say the true reason */
        if (e.code == ZX_ERR_LOCK &&
            (access(path, W_OK) != 0 || (access(lock, F_OK) == 0 && access(lock, W_OK) != 0)))
            say("%s: cannot write to the index: %s", path, strerror(errno));
        else if (e.code == ZX_ERR_LOCK)
            say("%s: index is locked: another zhindex is writing to it", path);
        else
            say("%s: cannot open index: %s", path, e.msg);
        return NULL;
    }
    char *scheme;
    size_t n;
    if (zx_db_get_metadata(db, "zhs:scheme", &scheme, &n, &e)) {
        say("%s: %s", path, e.msg);
        zx_db_close(db);
        return NULL;
    }
    free(scheme);
    if (n == 0 && zx_db_doccount(db, NULL) == 0) {
        /* an empty index left unstamped by an older version: stamp it */
        if (zt_stamp_index(db, &e) || zx_db_commit(db, &e)) {
            say("%s: cannot initialise index: %s", path, e.msg);
            zx_db_close(db);
            return NULL;
        }
    } else if (zt_check_index(db, &e)) {
        say("%s: %s", path, e.msg);
        zx_db_close(db);
        return NULL;
    }
    return db;
}

int no_index_here(const char *index)
{
    struct stat st;
    if (stat(index, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
        return 0;
    say("%s: no index here (create one with: zhindex -d %s add DIR)", index, index);
    return 1;
}

int open_writer(writer *w, const options *o, int create)
{
    memset(w, 0, sizeof *w);
    w->o = o;
    if (!create && no_index_here(o->index))
        return -1;
    if (create && foreign_dir(o->index)) {
        say("%s: exists and is not a zhsearch index; refusing to write into it", o->index);
        return -1;
    }
    char stub[PATH_MAX];
    snprintf(stub, sizeof stub, "%s/" STUB, o->index);
    int exists = access(o->index, F_OK) == 0;
    w->is_set = access(stub, F_OK) == 0;
    if (o->shards > 1 && !w->is_set) {
        if (exists && !foreign_dir(o->index) && access(o->index, F_OK) == 0) {
            char probe[PATH_MAX];
            snprintf(probe, sizeof probe, "%s/iamglass", o->index);
            if (access(probe, F_OK) == 0) {
                say("%s: is a single index; --shards needs a new directory", o->index);
                return -1;
            }
        }
        if (!create) {
            say("%s: no such sharded set", o->index);
            return -1;
        }
        char paths[ZHINDEX_MAX_SHARDS][4096];
        for (unsigned i = 0; i < o->shards; i++)
            snprintf(paths[i], sizeof paths[i], "%s/shard-%02u", o->index, i);
        if (mkdir(o->index, 0777) && errno != EEXIST) {
            say("%s: cannot create: %s", o->index, strerror(errno));
            return -1;
        }
        for (unsigned i = 0; i < o->shards; i++) {
            if (!(w->db[i] = open_one(paths[i], 1)))
                return -1;
            w->nshards = i + 1;
            tidy_leftovers(paths[i], o->quiet);
        }
        if (create_set(o->index, o->shards))
            return -1;
        w->is_set = 1;
    } else {
        char paths[ZHINDEX_MAX_SHARDS][4096];
        unsigned n = w->is_set ? index_parts(o->index, paths, ZHINDEX_MAX_SHARDS)
                               : (snprintf(paths[0], sizeof paths[0], "%s", o->index), 1u);
        if (n == 0) {
            say("%s: the sharded set lists no shards", o->index);
            return -1;
        }
        if (o->shards && o->shards != n) {
            say("%s: has %u shard%s, not %u", o->index, n, n == 1 ? "" : "s", o->shards);
            return -1;
        }
        for (unsigned i = 0; i < n; i++) {
            if (!(w->db[i] = open_one(paths[i], create && !w->is_set)))
                return -1;
            w->nshards = i + 1;
            tidy_leftovers(paths[i], o->quiet);
        }
    }
    zerr e;
    w->an = za_new(&e);
    w->codec = zd_new(3);
    if (!w->an || !w->codec || load_dict(w)) {
        say("cannot initialise: %s", w->an ? "out of memory" : e.msg);
        return -1;
    }
    return 0;
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

int writer_set_metadata(writer *w, const char *key, const char *val, size_t len)
{
    for (unsigned i = 0; i < w->nshards; i++) {
        zx_err e;
        if (zx_db_set_metadata(w->db[i], key, val, len, &e)) {
            say("%s: %s", w->o->index, e.msg);
            return -1;
        }
    }
    return 0;
}

int begin(writer *w)
{
    for (unsigned i = 0; i < w->nshards; i++) {
        zx_err e;
        if (zx_db_begin(w->db[i], &e)) {
            say("%s: %s", w->o->index, e.msg);
            for (unsigned k = 0; k < i; k++)
                zx_db_cancel(w->db[k], &e);
            return -1;
        }
    }
    w->in_txn = 1;
    return 0;
}

/* Shards commit one after another: a crash between two leaves each shard
 * at a commit of its own, and a rerun completes the others. */
int commit(writer *w)
{
    int rc = 0;
    w->in_txn = 0;
    for (unsigned i = 0; i < w->nshards; i++) {
        zx_err e;
        if (rc) {
            zx_db_cancel(w->db[i], &e);
        } else if (zx_db_commit_transaction(w->db[i], &e)) {
            say("%s: commit failed, the index keeps its last commit: %s", w->o->index, e.msg);
            rc = -1;
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
