/* check.h - the few lines of test harness the C unit tests share: TAP-like
 * "ok"/"not ok" lines and an exit status that says whether all passed. */
#ifndef ZHS_CHECK_H
#define ZHS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_run, check_failed;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        check_run++;                                                                               \
        if (!(cond)) {                                                                             \
            check_failed++;                                                                        \
            printf("not ok %d - %s:%d: ", check_run, __FILE__, __LINE__);                          \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want, ...)                                                                  \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        CHECK(g_ && strcmp(g_, w_) == 0, "got '%s', want '%s': ", g_ ? g_ : "(null)", w_);         \
        if (!(g_ && strcmp(g_, w_) == 0)) {                                                        \
            printf("    ");                                                                        \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static int check_done(void)
{
    printf("%d checks, %d failed\n", check_run, check_failed);
    return check_failed ? 1 : 0;
}

#endif
