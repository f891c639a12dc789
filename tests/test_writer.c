/* test_writer.c - the writer API of libzhsearch (zhs_writer_*), end to end
 * over corpus/: add, add_buffer with fields, remove, sync, progress
 * events, cancel, the lock, errors; and kill -9 of a process indexing
 * through the API, after which the index is whole and a rerun finishes.
 *
 * Arguments: the zhindex program (for `check`) and the corpus directory. */
#include "check.h"
#include "zhsearch.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *zhindex;
static char tmp[256];

static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* Matches of query in the index at path, -1 on error. */
static long count(const char *path, const char *query)
{
    zhs_index *idx;
    zhs_results *r;
    long n = -1;
    if (zhs_index_open(path, &idx) == ZHS_OK && zhs_search(idx, query, NULL, &r) == ZHS_OK) {
        n = zhs_results_total(r);
        zhs_results_free(r);
    }
    zhs_index_close(idx);
    return n;
}

typedef struct events {
    unsigned n[8];
    unsigned last_done, last_total;
    int cancel_after; /* return 1 once this many documents are reported */
    char failed_msg[512];
} events;

static int on_event(void *ctx, zhs_event ev, const char *path, const char *msg, unsigned done,
                    unsigned total)
{
    events *e = ctx;
    if ((unsigned)ev < 8)
        e->n[ev]++;
    if (ev == ZHS_EV_FAILED && msg)
        snprintf(e->failed_msg, sizeof e->failed_msg, "%s: %s", path ? path : "", msg);
    e->last_done = done;
    e->last_total = total;
    return e->cancel_after && done >= (unsigned)e->cancel_after;
}

static void test_basic(const char *corpus)
{
    char idx[300], copy[300];
    snprintf(idx, sizeof idx, "%s/idx", tmp);
    snprintf(copy, sizeof copy, "%s/copy", tmp);
    CHECK(sh("cp -r '%s' '%s'", corpus, copy) == 0, "copy the corpus");

    zhs_writer *w, *w2;
    CHECK(zhs_writer_open(idx, &w) == ZHS_OK, "open a new index: %s", zhs_writer_last_error(w));
    CHECK(zhs_writer_open(idx, &w2) == ZHS_ERR_LOCKED && strstr(zhs_writer_last_error(w2), "locked"),
          "a second writer: locked: %s", zhs_writer_last_error(w2));
    zhs_writer_close(w2);
    CHECK(zhs_writer_set(w, ZHS_W_THREADS, 0) == ZHS_ERR_INVALID && zhs_writer_set(w, 99, 1) == ZHS_ERR_INVALID &&
              zhs_writer_set(w, ZHS_W_THREADS, 2) == ZHS_OK && zhs_writer_set(w, ZHS_W_BATCH, 2) == ZHS_OK,
          "parameters checked");
    events ev = {0};
    zhs_writer_set_progress(w, on_event, &ev);
    CHECK(zhs_writer_add(w, copy) == ZHS_OK, "add a directory: %s", zhs_writer_last_error(w));
    zhs_counts c;
    zhs_writer_counts(w, &c);
    CHECK(c.added == 5 && c.failed == 0 && c.bytes > 0, "5 added: %u added %u failed", c.added, c.failed);
    CHECK(ev.n[ZHS_EV_ADDED] == 5 && ev.n[ZHS_EV_COMMIT] >= 3 && ev.last_done == 5 && ev.last_total == 5,
          "events: %u added, %u commits (batch 2), done %u", ev.n[ZHS_EV_ADDED], ev.n[ZHS_EV_COMMIT],
          ev.last_done);
    CHECK(count(idx, "行政复议") == 5, "searchable while the writer is open: %ld", count(idx, "行政复议"));
    CHECK(zhs_writer_add(w, copy) == ZHS_OK, "again");
    zhs_writer_counts(w, &c);
    CHECK(c.unchanged == 5 && c.added == 5, "unchanged the second time: %u", c.unchanged);

    /* a buffer with fields over what the text says */
    const char html[] = "<html><head><title>页面标题</title></head><body><p>某县推进一网通办改革。"
                        "</p></body></html>";
    const char *fields[] = {"title", "某县2019年一网通办工作报告", "year", "2019", "issuer", "某县人民政府", NULL};
    CHECK(zhs_writer_add_buffer(w, "web/某县.html", html, sizeof html - 1, fields) == ZHS_OK,
          "add_buffer: %s", zhs_writer_last_error(w));
    CHECK(count(idx, "某县推进 year:2019 issuer:某县") == 1, "the buffer, with its fields: %ld",
          count(idx, "某县推进 year:2019 issuer:某县"));
    CHECK(count(idx, "title:一网通办工作报告") == 1, "its title field");
    CHECK(zhs_writer_add_buffer(w, "web/某县.html", html, sizeof html - 1, NULL) == ZHS_OK &&
              count(idx, "某县推进 year:2019") == 0 && count(idx, "某县推进") == 1,
          "the same name again replaces it: %ld %ld", count(idx, "某县推进 year:2019"),
          count(idx, "某县推进"));
    const char *bad[] = {"colour", "red", NULL};
    CHECK(zhs_writer_add_buffer(w, "x.txt", "abc", 3, bad) == ZHS_ERR_INVALID &&
              strstr(zhs_writer_last_error(w), "colour"),
          "an unknown field: %s", zhs_writer_last_error(w));
    const char *bad_year[] = {"year", "twenty", NULL};
    CHECK(zhs_writer_add_buffer(w, "x.txt", "abc", 3, bad_year) == ZHS_ERR_INVALID, "a bad year");
    const char bin[] = "\x7f" "ELF\0\0\0\0\1\2\3";
    CHECK(zhs_writer_add_buffer(w, "bin.dat", bin, sizeof bin - 1, NULL) == ZHS_ERR_NOT_INDEXABLE &&
              strstr(zhs_writer_last_error(w), "bin.dat") && strstr(zhs_writer_last_error(w), "binary"),
          "binary bytes: %s", zhs_writer_last_error(w));
    CHECK(zhs_writer_add(w, "/nonexistent/dir") == ZHS_ERR_NOT_INDEXABLE &&
              strstr(zhs_writer_last_error(w), "/nonexistent/dir"),
          "a missing path: %s", zhs_writer_last_error(w));

    /* a file that can no longer be indexed: reported, its old version gone */
    memset(&ev, 0, sizeof ev);
    char f[400];
    snprintf(f, sizeof f, "%s/2020-江油市-法治政府建设情况报告.txt", copy);
    CHECK(sh("printf '\\000\\001binary' > '%s'", f) == 0, "make a file binary");
    CHECK(zhs_writer_add(w, copy) == ZHS_OK && ev.n[ZHS_EV_FAILED] == 1 && strstr(ev.failed_msg, "江油"),
          "a failed file is an event, not a failed call: %s", ev.failed_msg);
    CHECK(count(idx, "江油市") == 0, "its earlier version left the index");

    /* remove and sync */
    snprintf(f, sizeof f, "%s/2021-吴忠市-法治政府建设工作情况报告.txt", copy);
    CHECK(zhs_writer_remove(w, f) == ZHS_OK && count(idx, "吴忠市") == 0, "remove a file");
    CHECK(zhs_writer_remove(w, "/not/indexed") == ZHS_OK, "removing what is not there is no error");
    snprintf(f, sizeof f, "%s/2023-安岳县-法治政府建设工作情况报告.txt", copy);
    CHECK(unlink(f) == 0 && zhs_writer_sync(w, copy) == ZHS_OK && count(idx, "安岳县") == 0,
          "sync drops a deleted file: %s", zhs_writer_last_error(w));
    CHECK(zhs_writer_compact(w) == ZHS_OK && count(idx, "行政复议") == 3, "compact: %ld",
          count(idx, "行政复议"));
    unsigned problems = 99;
    CHECK(zhs_writer_check(w, &problems) == ZHS_OK && problems == 0, "check: %u problems: %s", problems,
          zhs_writer_last_error(w));
    CHECK(zhs_writer_close(w) == ZHS_OK, "close");
    CHECK(sh("'%s' -q -d '%s' check", zhindex, idx) == 0, "zhindex check passes");
    CHECK(zhs_writer_close(NULL) == ZHS_OK && zhs_writer_set(NULL, ZHS_W_OCR, 1) == ZHS_ERR_INVALID &&
              zhs_writer_add(NULL, "x") == ZHS_ERR_INVALID,
          "NULL handles");
}

/* A directory of n marked copies of the corpus. */
static void many(const char *corpus, const char *dir, int n)
{
    sh("mkdir -p '%s' && for k in $(seq %d); do for f in '%s'/*.txt; do "
       "{ cat \"$f\"; printf '\\n第%%s份\\n' $k; } > '%s'/c$k-$(basename \"$f\"); done; done",
       dir, n, corpus, dir);
}

static void test_cancel(const char *corpus)
{
    char idx[300], dir[300];
    snprintf(idx, sizeof idx, "%s/cidx", tmp);
    snprintf(dir, sizeof dir, "%s/many", tmp);
    many(corpus, dir, 12); /* 60 files */
    zhs_writer *w;
    CHECK(zhs_writer_open(idx, &w) == ZHS_OK, "open");
    zhs_writer_set(w, ZHS_W_BATCH, 5);
    events ev = {.cancel_after = 12};
    zhs_writer_set_progress(w, on_event, &ev);
    zhs_status st = zhs_writer_add(w, dir);
    zhs_counts c;
    zhs_writer_counts(w, &c);
    CHECK(st == ZHS_ERR_CANCELLED && c.added >= 12 && c.added < 60, "cancelled from the callback: %d, %u added",
          (int)st, c.added);
    zhs_writer_set_progress(w, NULL, NULL);
    CHECK(zhs_writer_add(w, dir) == ZHS_OK, "then finished: %s", zhs_writer_last_error(w));
    zhs_writer_close(w);
    CHECK(count(idx, "法治") == 60, "all 60 there: %ld", count(idx, "法治"));
}

/* kill -9 of a process indexing through the API, after its first commits. */
static void test_kill(void)
{
    char idx[300], dir[300];
    snprintf(idx, sizeof idx, "%s/kidx", tmp);
    snprintf(dir, sizeof dir, "%s/many", tmp);
    int pipefd[2];
    CHECK(pipe(pipefd) == 0, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        zhs_writer *w;
        if (zhs_writer_open(idx, &w) != ZHS_OK)
            _exit(3);
        zhs_writer_set(w, ZHS_W_BATCH, 3);
        zhs_writer_set(w, ZHS_W_THREADS, 1);
        for (;;) { /* index, remove, index again, until killed */
            zhs_writer_add(w, dir);
            if (write(pipefd[1], "c", 1) < 0)
                _exit(4);
            zhs_writer_remove(w, dir);
        }
    }
    close(pipefd[1]);
    char b;
    CHECK(read(pipefd[0], &b, 1) == 1, "the child committed");
    usleep(50000);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    close(pipefd[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "killed with -9");
    CHECK(sh("'%s' -q -d '%s' check", zhindex, idx) == 0, "the index is whole after kill -9");
    zhs_writer *w;
    CHECK(zhs_writer_open(idx, &w) == ZHS_OK, "the lock went with the process: %s", zhs_writer_last_error(w));
    CHECK(zhs_writer_add(w, dir) == ZHS_OK, "a rerun finishes");
    zhs_writer_close(w);
    CHECK(count(idx, "法治") == 60, "all 60 documents: %ld", count(idx, "法治"));
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_writer ZHINDEX CORPUS\n");
        return 2;
    }
    zhindex = argv[1];
    snprintf(tmp, sizeof tmp, "/tmp/zhs-writer-XXXXXX");
    if (!mkdtemp(tmp))
        return 2;
    test_basic(argv[2]);
    test_cancel(argv[2]);
    test_kill();
    sh("rm -rf '%s'", tmp);
    return check_done();
}
