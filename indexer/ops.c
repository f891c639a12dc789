/* ops.c - the writing operations zhindex and the library's zhs_writer
 * share: collecting files (directory walks), add and sync, remove, compact
 * (see indexing.h).  Nothing here prints: what happens is reported through
 * the options' report callback (tell). */
/* renameat2 (RENAME_EXCHANGE) is a GNU extension. */
#define _GNU_SOURCE
#include "indexing.h"
#include "terms.h"
#include "zbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void tell(const options *o, zi_event ev, const char *path, const char *fmt, ...)
{
    if (!o || !o->report)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (o->report_lock)
        pthread_mutex_lock(o->report_lock);
    o->report(o->report_ctx, ev, path, msg);
    if (o->report_lock)
        pthread_mutex_unlock(o->report_lock);
}

int cancelled(const options *o)
{
    return o && o->cancel && *o->cancel;
}

double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- collecting files ---- */

/* Directories already walked, by device and inode: a set, so that a
 * symlink or bind-mount loop ends and big trees stay linear. */
typedef struct visited {
    struct dirkey {
        dev_t dev;
        ino_t ino;
    } *v;
    size_t n, cap; /* cap is a power of two, or 0 */
} visited;

static size_t dirkey_hash(dev_t dev, ino_t ino, size_t cap)
{
    uint64_t h = ((uint64_t)dev * 0x9E3779B97F4A7C15u) ^ ((uint64_t)ino * 0xC2B2AE3D27D4EB4Fu);
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* 1 when the directory was walked before, 0 when it is new (now noted),
 * -1 out of memory. */
static int seen_before(visited *s, const struct stat *st)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        struct dirkey *nv = malloc(nc * sizeof *nv);
        if (!nv)
            return -1;
        for (size_t i = 0; i < nc; i++)
            nv[i].ino = 0;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->v[i].ino)
                continue;
            size_t k = dirkey_hash(s->v[i].dev, s->v[i].ino, nc);
            while (nv[k].ino)
                k = (k + 1) & (nc - 1);
            nv[k] = s->v[i];
        }
        free(s->v);
        s->v = nv;
        s->cap = nc;
    }
    ino_t ino = st->st_ino ? st->st_ino : (ino_t)-1; /* 0 marks a free slot */
    size_t k = dirkey_hash(st->st_dev, ino, s->cap);
    for (; s->v[k].ino; k = (k + 1) & (s->cap - 1))
        if (s->v[k].dev == st->st_dev && s->v[k].ino == ino)
            return 1;
    s->v[k] = (struct dirkey){st->st_dev, ino};
    s->n++;
    return 0;
}

static int push_file(filelist *fl, const char *path, off_t size)
{
    if (fl->n == fl->cap) {
        size_t nc = fl->cap ? fl->cap * 2 : 256;
        char **v = realloc(fl->v, nc * sizeof *v);
        if (!v)
            return -1;
        fl->v = v;
        fl->cap = nc;
    }
    if (!(fl->v[fl->n] = strdup(path)))
        return -1;
    fl->n++;
    fl->bytes += (uint64_t)size;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory being walked: its path and its entries, sorted. */
typedef struct frame {
    char *path;
    char **names;
    size_t n, next;
} frame;

/* The non-hidden entry names of dir, sorted; -1 when it cannot be read. */
static int read_names(const char *dir, frame *f)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    size_t cap = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (f->n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(f->names, cap * sizeof *nn);
            if (!nn)
                break;
            f->names = nn;
        }
        if (!(f->names[f->n] = strdup(e->d_name)))
            break;
        f->n++;
    }
    closedir(d);
    if (f->n > 1)
        qsort(f->names, f->n, sizeof *f->names, cmp_str);
    return 0;
}

static void frame_free(frame *f)
{
    for (size_t i = f->next; i < f->n; i++)
        free(f->names[i]);
    free(f->names);
    free(f->path);
}

/* Walk a directory tree depth-first in name order, skipping hidden
 * entries.  An explicit stack, not recursion: any depth a path can reach
 * fits.  Symbolic links found in the tree are left alone unless `follow`
 * (like rg): a link may lead anywhere, /etc/passwd included.  Each
 * directory is walked once, so link and bind-mount loops end. */
static void walk(const options *o, const char *root, filelist *fl, visited *seen, counts *c)
{
    int follow = o->follow;
    frame *stack = NULL;
    size_t depth = 0, cap = 0;
    char dir[PATH_MAX];
    struct stat st;
    if (stat(root, &st))
        return;
    snprintf(dir, sizeof dir, "%s", root);
    for (int more = 1; more;) {
        /* enter dir (st is its stat) unless it was walked already */
        int seen_it = seen_before(seen, &st);
        if (!seen_it && depth == cap) {
            size_t nc = cap ? cap * 2 : 64;
            frame *ns = realloc(stack, nc * sizeof *ns);
            if (ns) {
                stack = ns;
                cap = nc;
            }
        }
        if (seen_it < 0 || (!seen_it && depth == cap)) {
            tell(o, ZI_FAILED, dir, "cannot read directory: out of memory");
            c->failed++;
        } else if (!seen_it) {
            frame *f = &stack[depth];
            memset(f, 0, sizeof *f);
            if (!(f->path = strdup(dir)) || read_names(dir, f)) {
                tell(o, ZI_FAILED, dir, "cannot read directory: %s",
                     f->path ? strerror(errno) : "out of memory");
                c->failed++;
                frame_free(f);
            } else {
                depth++;
            }
        }
        /* on to the next entry of the innermost unfinished directory */
        more = 0;
        while (depth && !more) {
            frame *f = &stack[depth - 1];
            if (f->next == f->n) {
                frame_free(f);
                depth--;
                continue;
            }
            char *name = f->names[f->next++];
            if ((size_t)snprintf(dir, sizeof dir, "%s/%s", f->path, name) >= sizeof dir) {
                tell(o, ZI_FAILED, f->path, "%s: path too long", name);
                c->failed++;
            } else if (follow ? stat(dir, &st) : lstat(dir, &st)) {
                tell(o, ZI_FAILED, dir, "%s", strerror(errno));
                c->failed++;
            } else if (S_ISDIR(st.st_mode)) {
                more = 1;
            } else if (S_ISREG(st.st_mode) && push_file(fl, dir, st.st_size)) {
                tell(o, ZI_FAILED, dir, "out of memory");
                c->failed++;
            }
            free(name);
        }
    }
    free(stack);
}

/* Files named on the command line, directories expanded, as absolute
 * canonical paths (the documents' unique ids).  A link named on the
 * command line is followed: it was asked for.  For sync, a path that is
 * gone is no failure (drop_gone removes what the index held under it). */
static void collect(const options *o, char **paths, int n, int sync, filelist *fl, counts *c)
{
    visited seen = {0};
    for (int i = 0; i < n && !cancelled(o); i++) {
        char real[PATH_MAX];
        struct stat st;
        if (!realpath(paths[i], real) || stat(real, &st)) {
            if (sync && (errno == ENOENT || errno == ENOTDIR))
                continue; /* a synced directory that is gone: its documents go */
            tell(o, ZI_FAILED, paths[i], "%s", strerror(errno));
            c->failed++;
            continue;
        }
        if (S_ISDIR(st.st_mode))
            walk(o, real, fl, &seen, c);
        else if (!S_ISREG(st.st_mode)) {
            tell(o, ZI_FAILED, paths[i], "not a regular file or directory");
            c->failed++;
        } else if (push_file(fl, real, st.st_size)) {
            tell(o, ZI_FAILED, paths[i], "out of memory");
            c->failed++;
        }
    }
    free(seen.v);
    /* Sorted for sync's lookups, each file once (named twice, or inside
     * two of the directories named). */
    if (fl->n > 1)
        qsort(fl->v, fl->n, sizeof *fl->v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < fl->n; i++) {
        if (k && strcmp(fl->v[k - 1], fl->v[i]) == 0)
            free(fl->v[i]);
        else
            fl->v[k++] = fl->v[i];
    }
    fl->n = k;
}

void filelist_free(filelist *fl)
{
    for (size_t i = 0; i < fl->n; i++)
        free(fl->v[i]);
    free(fl->v);
}

/* ---- the index ---- */

/* ---- removing ---- */

typedef struct keylist {
    char **v;
    size_t n, cap;
} keylist;

static int keylist_push(keylist *k, char *owned)
{
    if (!owned)
        return -1;
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 256;
        char **v = realloc(k->v, nc * sizeof *v);
        if (!v) {
            free(owned);
            return -1;
        }
        k->v = v;
        k->cap = nc;
    }
    k->v[k->n++] = owned;
    return 0;
}

static int collect_term(void *ctx, const char *t, size_t len, unsigned freq)
{
    (void)freq;
    return keylist_push(ctx, strndup(t, len)) ? 1 : 0;
}

static void keylist_free(keylist *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i]);
    free(k->v);
}

/* The path stored with the document an id term names (NULL if none). */
static char *path_of_term(zx_db *db, const char *term)
{
    zx_err e;
    unsigned id = zx_db_find_doc(db, term, strlen(term), &e);
    zx_doc *d = id ? zx_db_get_doc(db, id, &e) : NULL;
    char *p = d ? zx_doc_value(d, ZT_SLOT_PATH, NULL, NULL) : NULL;
    zx_doc_free(d);
    return p;
}

/* Paths of indexed documents that are `path` or lie under it (a directory),
 * or of all documents when path is NULL. */
static int docs_under(zx_db *db, const char *path, keylist *out)
{
    zbuf pre = {0};
    zt_id_prefix(path ? path : "", &pre);
    zx_err e;
    keylist terms = {0};
    int rc = zx_db_each_term(db, pre.data, collect_term, &terms, &e) ? -1 : 0;
    size_t n = path ? strlen(path) : 0;
    for (size_t i = 0; i < terms.n && rc == 0; i++) {
        char *p = path_of_term(db, terms.v[i]);
        if (p && (!path || (strncmp(p, path, n) == 0 &&
                            (p[n] == 0 || p[n] == '/' || (n && path[n - 1] == '/')))))
            rc = keylist_push(out, p);
        else
            free(p);
    }
    keylist_free(&terms);
    zbuf_free(&pre);
    return rc;
}

static int remove_keys(writer *w, const keylist *k, counts *c)
{
    if (k->n == 0)
        return 0;
    zerr we;
    if (begin(w, &we)) {
        tell(w->o, ZI_ERROR, NULL, "%s", we.msg);
        return -1;
    }
    zbuf term = {0};
    int rc = 0;
    for (size_t i = 0; i < k->n && rc == 0; i++) {
        zx_err e;
        zt_id_term(k->v[i], &term);
        if (zx_db_delete(writer_shard(w, k->v[i]), term.data, term.len, &e)) {
            tell(w->o, ZI_ERROR, k->v[i], "%s: cannot remove: %s", k->v[i], e.msg);
            rc = -1;
        }
    }
    zbuf_free(&term);
    if (rc == 0 && commit(w, &we)) {
        tell(w->o, ZI_ERROR, NULL, "%s", we.msg);
        rc = -1;
    } else if (rc) {
        cancel(w);
    }
    for (size_t i = 0; i < k->n && rc == 0; i++) { /* count only what is committed */
        c->removed++;
        tell(w->o, ZI_REMOVED, k->v[i], "removed");
    }
    return rc;
}

/* The canonical path of something that may no longer exist: the
 * canonical parent directory plus the last component. */
static int canonical(const char *path, char out[PATH_MAX])
{
    if (realpath(path, out))
        return 0;
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    size_t n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '/')
        tmp[--n] = 0;
    char *slash = strrchr(tmp, '/');
    const char *base = slash ? slash + 1 : tmp;
    char dir[PATH_MAX];
    if (slash == tmp)
        strcpy(dir, "/");
    else if (slash) {
        *slash = 0;
        if (!realpath(tmp, dir))
            return -1;
    } else if (!getcwd(dir, sizeof dir))
        return -1;
    if ((size_t)snprintf(out, PATH_MAX, "%s/%s", strcmp(dir, "/") ? dir : "", base) >= PATH_MAX)
        return -1;
    return 0;
}

/* Would a walk of root still pick up path, a document under it that this
 * walk did not list?  No when it is gone, hidden below root, or no longer a
 * regular file (a link without --follow, a FIFO, a directory); yes when it
 * cannot be told (a directory that cannot be read): nothing indexed is
 * dropped on a doubt. */
static int still_picked_up(const char *root, const char *path, int follow)
{
    size_t rl = strlen(root);
    if (strncmp(path, root, rl) == 0 && strstr(path + rl, "/.") != NULL)
        return 0;
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) != 0)
        return errno != ENOENT && errno != ENOTDIR;
    return S_ISREG(st.st_mode);
}

/* Does the index hold documents at or under path (which is gone)? */
static int indexed_under(const options *o, const char *path)
{
    char real[PATH_MAX];
    zx_err e;
    keylist k = {0};
    zx_db *db = canonical(path, real) ? NULL : zx_db_open(o->index, &e);
    int any = db && docs_under(db, real, &k) == 0 && k.n > 0;
    keylist_free(&k);
    zx_db_close(db);
    return any;
}

/* Bytes of the files under path (a sharded set holds shard directories). */
uint64_t dir_bytes(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    uint64_t sum = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char p[PATH_MAX];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
            sum += (uint64_t)st.st_size;
        else if (S_ISDIR(st.st_mode))
            sum += dir_bytes(p);
    }
    closedir(d);
    return sum;
}

int rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rc |= rm_tree(p);
        else
            rc |= unlink(p);
    }
    closedir(d);
    return rc | rmdir(path);
}

#define MERGE_MAX_PARTS 8

/* Compact one index directory (merged with parts[0..nparts), when given)
 * into a copy and swap the two.  *db holds the index open for writing, so
 * nothing is written to it while it is copied; the copy is opened for
 * writing before it takes the index's place and *db then holds it
 * instead: the lock is never let go. */
static int compact_one(const options *o, const char *index, zx_db **db, const char *const *parts,
                       size_t nparts)
{
    char tmp[PATH_MAX], old[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.compact-%ld", index, (long)getpid());
    snprintf(old, sizeof old, "%s.old-%ld", index, (long)getpid());
    zx_err e;
    zx_db *copy = NULL;
    rm_tree(tmp); /* left by a killed process that had our pid */
    const char *srcs[1 + MERGE_MAX_PARTS] = {index};
    for (size_t k = 0; k < nparts; k++)
        srcs[1 + k] = parts[k];
    if ((nparts ? zx_db_merge(srcs, 1 + nparts, tmp, &e) : zx_db_compact(index, tmp, &e)) ||
        !(copy = zx_db_open_writable(tmp, 0, &e))) {
        tell(o, ZI_ERROR, index, "%s: %s failed, index unchanged: %s", index,
             nparts ? "merge" : "compact", e.msg);
        rm_tree(tmp);
        return -1;
    }
    /* Swap the two directories in one step: readers see either the old
     * index or the new one, never no index.  Where the kernel or file
     * system cannot exchange, fall back to two renames. */
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, index, RENAME_EXCHANGE) == 0) {
        snprintf(old, sizeof old, "%s", tmp);
    } else if (rename(index, old) || rename(tmp, index)) {
        tell(o, ZI_ERROR, index, "%s: cannot replace the index: %s (compacted copy left in %s)",
             index, strerror(errno), tmp);
        zx_db_close(copy);
        if (access(index, F_OK) != 0)
            rename(old, index);
        return -1;
    }
    zx_db_close(*db);
    *db = copy;
    rm_tree(old);
    return 0;
}

/* Compact every part of the index that w holds open for writing, the
 * lock(s) kept throughout.  The sizes of the whole index before and
 * after; 0, or -1 when a part could not be compacted (it stays as it
 * was, the parts before it compacted). */
int ops_compact(writer *w, uint64_t *before, uint64_t *after)
{
    const options *o = w->o;
    *before = dir_bytes(o->index);
    char(*parts)[4096] = malloc(ZHINDEX_MAX_SHARDS * sizeof *parts);
    if (!parts) {
        tell(o, ZI_ERROR, NULL, "out of memory");
        return -1;
    }
    unsigned n = index_parts(o->index, parts, ZHINDEX_MAX_SHARDS);
    int rc = 0;
    for (unsigned i = 0; i < n && i < w->nshards && rc == 0; i++)
        rc = compact_one(o, parts[i], &w->db[i], NULL, 0);
    free(parts);
    *after = dir_bytes(o->index);
    return rc;
}

int ops_merge(writer *w, const char *const *parts, size_t n)
{
    if (w->is_set || w->nshards != 1 || n == 0 || n > MERGE_MAX_PARTS) {
        tell(w->o, ZI_ERROR, NULL, "%s: a merge needs a single index and 1 to %d parts",
             w->o->index, MERGE_MAX_PARTS);
        return -1;
    }
    return compact_one(w->o, w->o->index, &w->db[0], parts, n);
}

int ops_indexed_under(const options *o, const char *path)
{
    return indexed_under(o, path);
}

/* Documents under the synced paths whose files are gone, or no longer
 * picked up by a walk (now hidden, a link, a FIFO), leave the index. */
static int drop_gone(writer *w, char **paths, int n, const filelist *fl, counts *c)
{
    const options *o = w->o;
    keylist gone = {0};
    zx_err e;
    int rc = 0;
    zx_db *all = zx_db_open(o->index, &e); /* every shard, as committed */
    if (!all) {
        tell(o, ZI_ERROR, o->index, "%s: %s", o->index, e.msg);
        return -1;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        char real[PATH_MAX];
        if (canonical(paths[i], real))
            continue;
        keylist k = {0};
        rc = docs_under(all, real, &k);
        for (size_t j = 0; j < k.n && rc == 0; j++) {
            if ((fl->n == 0 || bsearch(&k.v[j], fl->v, fl->n, sizeof *fl->v, cmp_str) == NULL) &&
                !still_picked_up(real, k.v[j], o->follow)) {
                rc = keylist_push(&gone, k.v[j]);
                k.v[j] = NULL;
            }
        }
        keylist_free(&k);
    }
    zx_db_close(all);
    if (rc == 0)
        rc = remove_keys(w, &gone, c);
    keylist_free(&gone);
    return rc;
}

int ops_add(writer *w, char **paths, int n, int sync, counts *c)
{
    filelist fl = {0};
    collect(w->o, paths, n, sync, &fl, c);
    tell(w->o, ZI_FILES, NULL, "%zu", fl.n);
    int rc = cancelled(w->o) ? 1 : index_files(w, &fl, c);
    if (rc == 0 && sync)
        rc = drop_gone(w, paths, n, &fl, c);
    filelist_free(&fl);
    return rc;
}

int ops_remove(writer *w, char **paths, int n, counts *c)
{
    const options *o = w->o;
    keylist all = {0};
    int rc = 0;
    zx_err e;
    zx_db *r = zx_db_open(o->index, &e); /* every shard */
    if (!r) {
        tell(o, ZI_ERROR, o->index, "%s: %s", o->index, e.msg);
        return -1;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        char real[PATH_MAX];
        keylist k = {0};
        if (canonical(paths[i], real) || (rc = docs_under(r, real, &k)) || k.n == 0) {
            tell(o, ZI_FAILED, paths[i], "not in the index");
            c->failed++;
        }
        for (size_t j = 0; j < k.n && rc == 0; j++) {
            rc = keylist_push(&all, k.v[j]);
            k.v[j] = NULL;
        }
        keylist_free(&k);
    }
    zx_db_close(r);
    if (rc == 0)
        rc = remove_keys(w, &all, c);
    keylist_free(&all);
    return rc;
}

int ops_remove_key(writer *w, const char *key, counts *c)
{
    char *k = strdup(key);
    if (!k) {
        tell(w->o, ZI_ERROR, NULL, "out of memory");
        return -1;
    }
    keylist one = {&k, 1, 1};
    int rc = remove_keys(w, &one, c);
    free(k);
    return rc;
}

int ops_all_paths(zx_db *db, char ***out, size_t *n)
{
    keylist k = {0};
    int rc = docs_under(db, NULL, &k);
    if (rc) {
        keylist_free(&k);
        return -1;
    }
    if (k.n > 1)
        qsort(k.v, k.n, sizeof *k.v, cmp_str);
    *out = k.v;
    *n = k.n;
    return 0;
}

int ops_canonical(const char *path, char out[PATH_MAX])
{
    return canonical(path, out);
}

/* ---- check ---- */

typedef struct check_ctx {
    const options *o;
    zx_db *db;
    zd_codec *codec;
    zbuf text, id;
    unsigned ids, problems, unchecked;
} check_ctx;

/* A problem found: counted; the first ones reported. */
static void problem(check_ctx *c, const char *path, const char *fmt, const char *what,
                    const char *why)
{
    c->problems++;
    if (c->problems <= 20) {
        char msg[1024];
        snprintf(msg, sizeof msg, fmt, what, why);
        tell(c->o, ZI_PROBLEM, path, "%s", msg);
    }
}

static int check_doc(void *ctx, const char *t, size_t len, unsigned freq)
{
    check_ctx *c = ctx;
    zx_err e;
    char term[300];
    snprintf(term, sizeof term, "%.*s", (int)len, t);
    c->ids++;
    if (freq != 1) {
        problem(c, NULL, "%s: id term indexes %s documents", term, freq ? "several" : "no");
        return 0;
    }
    unsigned id = zx_db_find_doc(c->db, t, len, &e);
    zx_doc *d = id ? zx_db_get_doc(c->db, id, &e) : NULL;
    if (!d) {
        problem(c, NULL, "%s: document unreadable: %s", term, e.msg);
        return 0;
    }
    size_t n, plen;
    zx_err re;
    char *rec = zx_doc_data(d, &n, &re), *path = zx_doc_value(d, ZT_SLOT_PATH, &plen, NULL);
    zt_id_term(path ? path : "", &c->id);
    if (!path || c->id.len != len || memcmp(c->id.data, t, len) != 0)
        problem(c, path, "%s: stored path %s does not give this id", term, path ? path : "(none)");
    int64_t dict = rec ? zd_record_dict(rec, n) : -1;
    if (dict > 0)
        zt_load_dict(c->db, c->codec, (uint32_t)dict);
    if (!rec || zd_decode(c->codec, rec, n, &c->text, &re))
        problem(c, path, "%s: %s", path ? path : term, re.msg);
    else if (zd_record_checked(rec, n) == 0)
        c->unchecked++;
    free(rec);
    free(path);
    zx_doc_free(d);
    return 0;
}

/* Xapian's check report on one line: its findings, without the lines
 * that say a table is fine. */
static const char *xapian_errors(char *msg)
{
    char *out = msg, *line = msg, *next;
    for (; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        size_t n = strlen(line);
        if (n == 0 || line[n - 1] == ':' || strstr(line, "checked OK") || strstr(line, "Lazily created") ||
            strstr(line, "errors found:"))
            continue;
        if (out != msg)
            *out++ = ' ';
        memmove(out, line, n);
        out += n;
    }
    *out = 0;
    return out == msg ? "Xapian's check found errors" : msg;
}

int ops_check(const options *o, zx_db *db, ops_check_result *res)
{
    check_ctx c = {.o = o, .db = db, .codec = zd_new(3)};
    zx_err e;
    char(*parts)[4096] = malloc(ZHINDEX_MAX_SHARDS * sizeof *parts);
    unsigned np = parts ? index_parts(o->index, parts, ZHINDEX_MAX_SHARDS) : 0;
    for (unsigned i = 0; i < np; i++) {
        if (zx_db_check(parts[i], &e) == ZX_OK)
            continue;
        if (e.code == ZX_ERR_OPEN && access(parts[i], W_OK) != 0) /* Xapian's check opens read/write */
            tell(o, ZI_NOTE, parts[i], "%s: Xapian's check skipped: %s", parts[i], strerror(errno));
        else
            problem(&c, parts[i], "%s: %s", parts[i], xapian_errors(e.msg));
    }
    free(parts);
    int rc = !c.codec || !parts || zx_db_each_term(db, "Q", check_doc, &c, &e);
    unsigned docs = zx_db_doccount(db, NULL);
    if (rc)
        tell(o, ZI_ERROR, o->index, "%s: cannot read the index: %s", o->index,
             c.codec && parts ? e.msg : "out of memory");
    else if (c.ids != docs) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%u", docs);
        snprintf(b, sizeof b, "%u", c.ids);
        problem(&c, NULL, "%s documents but %s id terms", a, b);
    }
    res->problems = c.problems;
    res->unchecked = c.unchecked;
    res->docs = docs;
    zd_free(c.codec);
    zbuf_free(&c.text);
    zbuf_free(&c.id);
    return rc ? -1 : 0;
}
