/* Several threads open, search and close their own handles on one index
 * at the same time (zhsearch.h: a handle per thread).  Built with
 * -fsanitize=thread where the compiler has it, so that a data race in
 * lazily initialized library state fails the test; otherwise a stress test
 * whose results must agree across threads.
 * Usage: test_threads ZHINDEX CORPUS_DIR */
#include "zhsearch.h"

#include "check.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 4

static char idxpath[256];
static const char *queries[] = {"行政复议", "法治 政府", "\"依法 行政\" year:2021", "复议 OR 诉讼", "法 -疫情"};
#define NQ (sizeof queries / sizeof *queries)

typedef struct job {
    pthread_barrier_t *start;
    unsigned totals[ROUNDS][NQ];
    int failed;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(j->start); /* all threads open their handles at once */
    for (int r = 0; r < ROUNDS; r++) {
        zhs_index *idx;
        if (zhs_index_open(idxpath, &idx) != ZHS_OK) {
            j->failed = 1;
            zhs_index_close(idx);
            return NULL;
        }
        for (size_t q = 0; q < NQ; q++) {
            zhs_results *res;
            if (zhs_search(idx, queries[q], NULL, &res) != ZHS_OK) {
                j->failed = 1;
                continue;
            }
            j->totals[r][q] = zhs_results_total(res);
            zhs_results_free(res);
        }
        zhs_index_close(idx);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_threads ZHINDEX CORPUS_DIR\n");
        return 2;
    }
    char dir[] = "/tmp/zhs-threads-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(idxpath, sizeof idxpath, "%s/idx", dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' -q -d '%s' add '%s'", argv[1], idxpath, argv[2]);
    CHECK(system(cmd) == 0, "zhindex add");

    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    static job jobs[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i].start = &start;
        CHECK(pthread_create(&t[i], NULL, worker, &jobs[i]) == 0, "thread %d", i);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < THREADS; i++) {
        CHECK(!jobs[i].failed, "thread %d: every open and search succeeded", i);
        for (int r = 0; r < ROUNDS; r++)
            for (size_t q = 0; q < NQ; q++)
                CHECK(jobs[i].totals[r][q] == jobs[0].totals[0][q] && jobs[0].totals[0][q] > 0,
                      "thread %d round %d '%s': %u matches, thread 0 found %u", i, r, queries[q],
                      jobs[i].totals[r][q], jobs[0].totals[0][q]);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
