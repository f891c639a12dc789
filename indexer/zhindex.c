/* zhindex - build and maintain a zhsearch index.
 *
 *   zhindex [-d INDEX] add PATH...      add new files, re-index changed ones
 *   zhindex [-d INDEX] remove PATH...   drop documents (files or whole dirs)
 *   zhindex [-d INDEX] sync DIR...      add/update, and drop files gone from DIR
 *   zhindex [-d INDEX] list | stats | compact | check
 *
 * Writes happen in Xapian transactions of bounded size: a crash leaves the
 * index at its last commit, and rerunning the command finishes the work
 * (unchanged files are recognised by their content hash and skipped).
 */
#include "document.h"
#include "docstore.h"
#include "normalize.h"
#include "synonyms.h"
#include "terms.h"
#include "zbuf.h"
#include "zx.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unicode/uversion.h>
#include <unistd.h>

#include "indexing.h"

static const char *prog = "zhindex";

void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* What the operations report, as zhindex prints it: failures and errors
 * always, notes and OCR progress unless -q; the outcome of each document
 * only in the summary. */
static void print_report(void *ctx, zi_event ev, const char *path, const char *msg)
{
    const options *o = ctx;
    switch (ev) {
    case ZI_ERROR: say("%s", msg); break;
    case ZI_FAILED: say("%s: %s", path, msg); break;
    case ZI_PROBLEM: say("%s", msg); break;
    case ZI_PAGE:
        if (!o->quiet)
            say("%s: %s", path, msg);
        break;
    case ZI_NOTE:
        if (!o->quiet)
            say("%s", msg);
        break;
    default: break;
    }
}

/* 1 when nothing exists at index, after saying so with the command that
 * creates one. */
static int no_index_here(const char *index)
{
    zerr e;
    if (index_missing(index, &e) == ZERR_OK)
        return 0;
    say("%s", e.msg);
    return 1;
}

/* ---- commands ---- */

/* before/after: the sizes around an automatic compaction, 0 when none. */
static void summary(const options *o, const counts *c, double t0, uint64_t before, uint64_t after)
{
    if (o->quiet)
        return;
    fprintf(stderr, "%s: %u added, %u updated, %u unchanged, %u removed, %u failed in %.2f s (%.1f MB indexed)",
            prog, c->added, c->updated, c->unchanged, c->removed, c->failed, now() - t0,
            (double)c->bytes / 1e6);
    if (after)
        fprintf(stderr, "; compacted: %.1f MB -> %.1f MB", (double)before / 1e6, (double)after / 1e6);
    fputc('\n', stderr);
}

static int exit_code(int rc, const counts *c)
{
    return rc ? 2 : c->failed ? 1 : 0;
}



static int cmd_add(const options *o, char **paths, int n, int sync)
{
    double t0 = now();
    counts c = {0};
    writer w;
    int rc = 0;
    if (n == 0) {
        say("%s: name at least one file or directory", sync ? "sync" : "add");
        return 2;
    }
    /* The paths are looked at before the index is created or opened: when
     * none exists (a typo) nothing is done, and no empty index is left
     * behind.  One that is missing among others is named and the others
     * indexed (exit 1).  sync may name a directory that is gone when the
     * index holds documents from it: they leave. */
    int created = access(o->index, F_OK) != 0, bad = 0, np = 0;
    char **present = malloc((size_t)n * sizeof *present);
    if (!present) {
        say("out of memory");
        return 2;
    }
    for (int i = 0; i < n; i++) {
        struct stat st;
        int err = stat(paths[i], &st) == 0 ? 0 : errno;
        if (!err || (sync && !created && (err == ENOENT || err == ENOTDIR) &&
                     ops_indexed_under(o, paths[i])))
            present[np++] = paths[i];
        else {
            say("%s: %s", paths[i], strerror(err));
            bad++;
        }
    }
    zerr we;
    if (bad == n || open_writer(&w, o, 1, &we)) {
        if (bad != n) {
            say("%s", we.msg);
            close_writer(&w);
        }
        free(present);
        return 2;
    }
    c.failed = (unsigned)bad;
    uint64_t before = 0, after = 0;
    rc = ops_add(&w, present, np, sync, &c);
    free(present);
    /* A fresh index is about twice the size of a compacted one: compact
     * the index this run created.  Not one that existed: compaction gives
     * the index a new revision history, and a search handle opened before
     * it would see no later commit after zhs_index_reopen().  The lock is
     * held throughout; a failure leaves the index as it was, every file
     * in it, so the run still counts as done. */
    if (rc == 0 && created && !o->no_compact && !w.merged && c.added + c.updated + c.removed > 0) {
        if (o->progress)
            fprintf(stderr, "%s: compacting %s ...\r", prog, o->index);
        if (ops_compact(&w, &before, &after))
            before = after = 0;
        if (o->progress)
            fprintf(stderr, "\033[K");
    }
    close_writer(&w);
    summary(o, &c, t0, before, after);
    return exit_code(rc, &c);
}

static int cmd_remove(const options *o, char **paths, int n)
{
    double t0 = now();
    counts c = {0};
    writer w;
    if (n == 0) {
        say("remove: name at least one file or directory");
        return 2;
    }
    zerr we;
    if (open_writer(&w, o, 0, &we)) {
        say("%s", we.msg);
        close_writer(&w);
        return 2;
    }
    int rc = ops_remove(&w, paths, n, &c);
    close_writer(&w);
    summary(o, &c, t0, 0, 0);
    return exit_code(rc, &c);
}

static zx_db *open_reader(const options *o)
{
    zx_err e;
    if (no_index_here(o->index))
        return NULL;
    zx_db *db = zx_db_open(o->index, &e);
    if (!db) {
        say("%s: not a readable zhsearch index (%s)", o->index, e.msg);
        return NULL;
    }
    if (zt_check_index(db, &e)) {
        say("%s: %s", o->index, e.msg);
        zx_db_close(db);
        return NULL;
    }
    return db;
}

/* s for a terminal: control characters (newline, tab, ESC, C1), bidi
 * overrides and bytes that are not UTF-8 become escapes (\n, \x1b,
 * \u202e), a backslash doubles, so every listed name is one line of
 * plain text and a name cannot rewrite the screen. */
static void put_escaped(const char *s, FILE *f)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(u + i, n - i, &cp);
        if (cp == 0xFFFD && k == 1 && u[i] >= 0x80)
            fprintf(f, "\\x%02x", u[i]);
        else if (cp == '\\')
            fputs("\\\\", f);
        else if (cp == '\n')
            fputs("\\n", f);
        else if (cp == '\t')
            fputs("\\t", f);
        else if (cp == '\r')
            fputs("\\r", f);
        else if (cp < 0x20 || cp == 0x7F)
            fprintf(f, "\\x%02x", (unsigned)cp);
        else if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
                 (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F)
            fprintf(f, "\\u%04x", (unsigned)cp);
        else
            fwrite(u + i, 1, k, f);
        i += k;
    }
}

static int cmd_list(const options *o)
{
    zx_db *db = open_reader(o);
    if (!db)
        return 2;
    struct {
        char **v;
        size_t n;
    } k = {NULL, 0};
    zx_err e = {0};
    int rc = ops_all_paths(db, &k.v, &k.n) ? 2 : 0;
    zbuf term = {0};
    for (size_t i = 0; i < k.n && rc == 0; i++) {
        zt_id_term(k.v[i], &term);
        unsigned id = zx_db_find_doc(db, term.data, term.len, &e);
        zx_doc *d = id ? zx_db_get_doc(db, id, &e) : NULL;
        char *year = d ? zx_doc_value(d, ZT_SLOT_YEAR, NULL, NULL) : NULL;
        char *title = d ? zx_doc_value(d, ZT_SLOT_TITLE, NULL, NULL) : NULL;
        if (o->list0) { /* like find -print0: raw paths for xargs -0 */
            fputs(k.v[i], stdout);
            putchar(0);
        } else {
            put_escaped(k.v[i], stdout);
            printf("\t%s\t", year ? year : "");
            put_escaped(title ? title : "", stdout);
            putchar('\n');
        }
        free(year);
        free(title);
        zx_doc_free(d);
    }
    if (rc)
        say("%s: cannot list the index%s%s", o->index, e.msg[0] ? ": " : "", e.msg);
    zbuf_free(&term);
    for (size_t i = 0; i < k.n; i++)
        free(k.v[i]);
    free(k.v);
    zx_db_close(db);
    return rc;
}


typedef struct stat_ctx {
    zx_db *db;
    uint64_t terms, stored, raw, input;
    unsigned damaged;
} stat_ctx;

static int count_term(void *ctx, const char *t, size_t len, unsigned freq)
{
    (void)t;
    (void)len;
    (void)freq;
    ((stat_ctx *)ctx)->terms++;
    return 0;
}

static int stat_doc(void *ctx, const char *t, size_t len, unsigned freq)
{
    (void)freq;
    stat_ctx *s = ctx;
    zx_err e;
    unsigned id = zx_db_find_doc(s->db, t, len, &e);
    zx_doc *d = id ? zx_db_get_doc(s->db, id, &e) : NULL;
    if (!d)
        return 0;
    size_t n;
    char *rec = zx_doc_data(d, &n, NULL);
    char *size = zx_doc_value(d, ZT_SLOT_SIZE, NULL, NULL);
    int64_t raw = rec ? zd_record_raw_len(rec, n) : -1;
    if (raw < 0)
        s->damaged++;
    else {
        s->stored += n;
        s->raw += (uint64_t)raw;
    }
    s->input += size ? strtoull(size, NULL, 10) : 0;
    free(rec);
    free(size);
    zx_doc_free(d);
    return 0;
}

static int cmd_stats(const options *o)
{
    zx_db *db = open_reader(o);
    if (!db)
        return 2;
    stat_ctx s = {.db = db};
    zx_err e;
    char *scheme = NULL, *settings = NULL, *dict = NULL;
    size_t n, dn = 0;
    zx_db_get_metadata(db, "zhs:scheme", &scheme, &n, &e);
    zx_db_get_metadata(db, "zhs:settings", &settings, &n, &e);
    zx_db_get_metadata(db, "zhs:dict", &dict, &n, &e);
    if (dict && dict[0]) {
        char key[24], *d = NULL;
        zd_dict_key((uint32_t)strtoul(dict, NULL, 16), key);
        if (zx_db_get_metadata(db, key, &d, &dn, &e) == ZX_OK)
            free(d);
    }
    int rc = zx_db_each_term(db, "", count_term, &s, &e) || zx_db_each_term(db, "Q", stat_doc, &s, &e);
    uint64_t idx = dir_bytes(o->index);
    printf("index:            %s\n", o->index);
    printf("documents:        %u\n", zx_db_doccount(db, NULL));
    printf("terms:            %llu\n", (unsigned long long)s.terms);
    printf("input bytes:      %llu\n", (unsigned long long)s.input);
    printf("index bytes:      %llu (%.2f x input)\n", (unsigned long long)idx,
           s.input ? (double)idx / (double)s.input : 0.0);
    printf("stored text:      %llu bytes compressed from %llu (ratio %.2f)\n",
           (unsigned long long)s.stored, (unsigned long long)s.raw,
           s.stored ? (double)s.raw / (double)s.stored : 0.0);
    printf("dictionary:       %s (%zu bytes)\n", dict && dict[0] ? dict : "none", dn);
    printf("scheme:           %s\n", scheme ? scheme : "?");
    printf("analyzer:         %s\n", settings ? settings : "?");
    printf("xapian:           %s\n", zx_version_string());
    if (s.damaged)
        printf("damaged records:  %u\n", s.damaged);
    free(scheme);
    free(settings);
    free(dict);
    zx_db_close(db);
    if (rc)
        say("%s: %s", o->index, e.msg);
    return rc ? 2 : 0;
}

/* Consistency: Xapian's own check of every table (a damaged position
 * table would otherwise turn phrases into AND silently), every document
 * has exactly one id term that its stored path gives back, every stored
 * text decodes and matches its checksum, and the counts agree. */
static int cmd_check(const options *o)
{
    zx_db *db = open_reader(o);
    if (!db)
        return 2;
    ops_check_result c;
    int rc = ops_check(o, db, &c);
    if (!rc && !c.problems && !o->quiet)
        fprintf(stderr, "%s: %s: ok, %u documents, all stored texts decode and match their checksums\n",
                prog, o->index, c.docs);
    if (!rc && c.unchecked && !o->quiet)
        say("%s: %u stored texts were written without checksums (rebuild the index to add them)",
            o->index, c.unchecked);
    if (!rc && c.problems)
        say("%s: %u problem%s found", o->index, c.problems, c.problems == 1 ? "" : "s");
    zx_db_close(db);
    return rc ? 2 : c.problems ? 1 : 0;
}



static int cmd_compact(const options *o)
{
    writer w;
    zerr we;
    if (open_writer(&w, o, 0, &we)) { /* holds the lock(s) while we copy */
        say("%s", we.msg);
        close_writer(&w);
        return 2;
    }
    uint64_t before, after;
    int rc = ops_compact(&w, &before, &after);
    close_writer(&w);
    if (rc)
        return 2;
    if (!o->quiet)
        fprintf(stderr, "%s: compacted %s: %.1f MB -> %.1f MB\n", prog, o->index, (double)before / 1e6,
                (double)after / 1e6);
    return 0;
}

/* zhindex synonyms FILE: the groups of FILE replace those of the index;
 * zhindex synonyms: print them (synonyms.h).  No document is touched. */
static int cmd_synonyms(const options *o, char **rest, int n)
{
    zerr e;
    if (n == 0) {
        zx_db *db = open_reader(o);
        if (!db)
            return 2;
        char *val = NULL;
        size_t len = 0;
        zx_err xe;
        int rc = zx_db_get_metadata(db, ZSYN_META_KEY, &val, &len, &xe) ? 2 : 0;
        if (rc)
            say("%s: %s", o->index, xe.msg);
        else if (len)
            fwrite(val, 1, len, stdout);
        free(val);
        zx_db_close(db);
        return rc;
    }
    if (n > 1) {
        say("synonyms: one file of groups (or none, to print them)");
        return 2;
    }
    FILE *f = fopen(rest[0], "rb");
    char *text = malloc(ZSYN_MAX_BYTES + 1);
    size_t len = f && text ? fread(text, 1, ZSYN_MAX_BYTES + 1, f) : 0;
    int rd = !f || ferror(f);
    if (f)
        fclose(f);
    if (!text || rd) {
        say("%s: %s", rest[0], text ? strerror(errno) : "out of memory");
        free(text);
        return 2;
    }
    zn_normalizer *nz = zn_new(&e);
    zsyn *syn = NULL;
    zerr_code rc = !nz ? e.code : zsyn_parse(nz, text, len, &syn, &e);
    free(text);
    zn_free(nz);
    if (rc) {
        say("%s: %s", rest[0], e.msg);
        return 2;
    }
    size_t slen;
    char *stored = zsyn_text(syn, &slen);
    unsigned groups = zsyn_groups(syn);
    zsyn_free(syn);
    writer w;
    zerr we;
    int bad = !stored;
    if (!bad && (open_writer(&w, o, 0, &we) || begin(&w, &we) ||
                 writer_set_metadata(&w, ZSYN_META_KEY, stored, slen, &we) || commit(&w, &we))) {
        say("%s", we.msg);
        bad = 1;
        cancel(&w);
        close_writer(&w);
    } else if (!bad) {
        close_writer(&w);
    } else {
        say("out of memory");
    }
    free(stored);
    if (!bad && !o->quiet)
        fprintf(stderr, "%s: %u synonym groups in %s; searches use them from now on (~word, --expand)\n",
                prog, groups, o->index);
    return bad ? 2 : 0;
}

/* A whole number from 1 to max for option opt, or a message. */
static int parse_count(const char *opt, const char *arg, long max, long *out)
{
    char *end;
    long n = strtol(arg, &end, 10);
    if (*arg == 0 || *end || n < 1 || n > max) {
        say("%s: expected a number from 1 to %ld, got '%s'", opt, max, arg);
        return -1;
    }
    *out = n;
    return 0;
}

#define SHORT_USAGE "usage: zhindex [-d INDEX] [options] COMMAND [ARG...]\n"

static void usage(FILE *f)
{
    fprintf(f,
            SHORT_USAGE
            "\n"
            "commands:\n"
            "  add PATH...      index new files and re-index changed ones (dirs recursively)\n"
            "  remove PATH...   remove documents (a file, or everything under a directory)\n"
            "  sync DIR...      add and update, and remove documents whose files are gone\n"
            "  list [-0]        list indexed documents: path, year, title (control characters\n"
            "                   escaped); with -0 only the paths, each ended by a NUL byte\n"
            "  stats            sizes, counts and versions of the index\n"
            "  compact          rewrite the index smaller and faster to read\n"
            "  check            verify the index: ids, counts, every stored text decodes\n"
            "  synonyms [FILE]  store FILE's synonym groups in the index (one group a line:\n"
            "                   放管服 = 简政放权 放管结合 优化服务); without FILE print them\n"
            "\n"
            "options:\n"
            "  -d, --index DIR      index directory (default $ZHSEARCH_INDEX or ./zhsearch.idx)\n"
            "  -e, --encoding NAME  read files in this encoding (default: detect)\n"
            "      --max-size MB    skip files larger than this (default 64)\n"
            "      --batch N        documents per commit (default 100; also at most 4 MB of text)\n"
            "  -j, --threads N      analysis threads (default: the number of cores)\n"
            "      --shards N       make INDEX a sharded set of N shards (documents placed by a\n"
            "                       hash of their path); later commands find the shards themselves\n"
            "  -L, --follow         follow symbolic links inside directories (by default only\n"
            "                       links named on the command line are followed)\n"
            "      --ocr            read scanned pages (PDF pages without text) by OCR,\n"
            "                       tesseract chi_sim+eng at 300 dpi; progress per page\n"
            "      --no-compact     add and sync do not compact the index they create (by\n"
            "                       default they do: it is about half the size), nor\n"
            "                       build an empty one in parts merged at the end\n"
            "  -q, --quiet          no progress or summary\n"
            "  -V, --version        print versions and exit\n"
            "  -h, --help           this help\n"
            "\n"
            "exit status: 0 success, 1 some files failed, 2 error\n");
}

static void version(void)
{
    UVersionInfo v;
    char icu[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, icu);
    printf("zhindex %s\n", ZHINDEX_VERSION);
    printf("Xapian %s, ICU %s\n", zx_version_string(), icu);
    printf("index scheme %s (%s)\n", ZT_SCHEME_VERSION, zt_settings());
}

/* A bad command line: one line saying what is wrong and where to look,
 * not the whole usage. */
static int bad_option(int ch, char **argv, const struct option *longopts)
{
    const char *arg = argv[optind - 1];
    if (ch == ':') {
        if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
            say("option '-%c' needs a value; see zhindex --help", optopt);
        else
            say("option '%s' needs a value; see zhindex --help", arg);
        return 2;
    }
    if (optopt) {
        say("unknown option '-%c'; see zhindex --help", optopt);
        return 2;
    }
    size_t n = strcspn(arg + 2, "=");
    int matches = 0;
    for (const struct option *lo = longopts; lo->name && !strncmp(arg, "--", 2); lo++)
        matches += !strncmp(lo->name, arg + 2, n);
    say("%s option '%s'; see zhindex --help", matches > 1 ? "ambiguous" : "unknown", arg);
    return 2;
}

int main(int argc, char **argv)
{
    options o = {0};
    o.report = print_report;
    o.report_ctx = &o;
    o.index = getenv("ZHSEARCH_INDEX");
    if (!o.index || !*o.index)
        o.index = "zhsearch.idx";
    o.max_bytes = (size_t)64 << 20;
    o.batch_docs = BATCH_DOCS;
    static const struct option longopts[] = {
        {"index", required_argument, 0, 'd'},  {"encoding", required_argument, 0, 'e'},
        {"max-size", required_argument, 0, 'M'}, {"quiet", no_argument, 0, 'q'},
        {"batch", required_argument, 0, 'B'},  {"threads", required_argument, 0, 'j'},
        {"shards", required_argument, 0, 'S'},
        {"follow", no_argument, 0, 'L'},       {"null", no_argument, 0, '0'},
        {"no-compact", no_argument, 0, 'C'},   {"version", no_argument, 0, 'V'},
        {"ocr", no_argument, 0, 'O'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    int ch;
    long n;
    opterr = 0; /* bad_option says it in one line */
    while ((ch = getopt_long(argc, argv, "+:d:e:j:qhVL0", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': o.index = optarg; break;
        case 'e': o.encoding = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'L': o.follow = 1; break;
        case '0': o.list0 = 1; break;
        case 'M': {
            char *end;
            double mb = strtod(optarg, &end);
            if (*end || mb <= 0) {
                say("--max-size: expected a size in MB, got '%s'", optarg);
                return 2;
            }
            o.max_bytes = (size_t)(mb * 1048576.0);
            break;
        }
        case 'B':
            if (parse_count("--batch", optarg, 1000000, &n))
                return 2;
            o.batch_docs = (size_t)n;
            break;
        case 'S':
            if (parse_count("--shards", optarg, ZHINDEX_MAX_SHARDS, &n))
                return 2;
            o.shards = (unsigned)n;
            break;
        case 'j':
            if (parse_count("--threads", optarg, ZHINDEX_MAX_THREADS, &n))
                return 2;
            o.threads = (int)n;
            break;
        case 'C': o.no_compact = 1; break;
        case 'O': o.ocr = 1; break;
        case 'V': version(); return 0;
        case 'h': usage(stdout); return 0;
        default: return bad_option(ch, argv, longopts);
        }
    }
    /* One absolute spelling of the index: with "DIR/", "." or "..", the
     * temporary, swapped and lock paths derived from it went astray. */
    static char index_path[PATH_MAX];
    if (ops_canonical(o.index, index_path) == 0)
        o.index = index_path;
    if (o.threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        o.threads = cores < 1 ? 1 : cores > ZHINDEX_MAX_THREADS ? ZHINDEX_MAX_THREADS : (int)cores;
    }
    o.progress = !o.quiet && isatty(2);
    o.merge_build = !o.no_compact; /* a merged build leaves the index compacted */
    if (optind >= argc) {
        fputs(SHORT_USAGE "see zhindex --help\n", stderr);
        return 2;
    }
    const char *cmd = argv[optind++];
    char **rest = argv + optind;
    int nrest = argc - optind;
    if (!strcmp(cmd, "add"))
        return cmd_add(&o, rest, nrest, 0);
    if (!strcmp(cmd, "sync"))
        return cmd_add(&o, rest, nrest, 1);
    if (!strcmp(cmd, "remove"))
        return cmd_remove(&o, rest, nrest);
    if (!strcmp(cmd, "synonyms"))
        return cmd_synonyms(&o, rest, nrest);
    if (!strcmp(cmd, "list") && nrest == 1 && (!strcmp(rest[0], "-0") || !strcmp(rest[0], "--null"))) {
        o.list0 = 1;
        nrest = 0;
    }
    if (nrest) {
        say("%s takes no arguments", cmd);
        return 2;
    }
    if (!strcmp(cmd, "list"))
        return cmd_list(&o);
    if (!strcmp(cmd, "stats"))
        return cmd_stats(&o);
    if (!strcmp(cmd, "compact"))
        return cmd_compact(&o);
    if (!strcmp(cmd, "check"))
        return cmd_check(&o);
    say("unknown command '%s'; see zhindex --help", cmd);
    return 2;
}
