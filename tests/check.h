/* check.h - the few lines of test harness the C unit tests share: TAP
 * output ("ok N - FILE:LINE", "not ok N - FILE:LINE: why", "#" comments,
 * the plan "1..N" at the end) and an exit status that says whether all
 * passed. */
#ifndef ZHS_CHECK_H
#define ZHS_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int check_run, check_failed;

/* The rest of a "not ok" line: the message on one line, so that the TAP
 * stays one line per check. */
__attribute__((format(printf, 1, 2))) static void check_why(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    printf("%s\n", buf);
}

/* The condition is evaluated before the check is numbered: it may run
 * checks of its own. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        int check_ok_ = !!(cond);                                                                  \
        check_run++;                                                                               \
        if (!check_ok_) {                                                                          \
            check_failed++;                                                                        \
            printf("not ok %d - %s:%d: ", check_run, __FILE__, __LINE__);                          \
            check_why(__VA_ARGS__);                                                                \
        } else {                                                                                   \
            printf("ok %d - %s:%d\n", check_run, __FILE__, __LINE__);                              \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want, ...)                                                                  \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        CHECK(g_ && strcmp(g_, w_) == 0, "got '%s', want '%s': ", g_ ? g_ : "(null)", w_);         \
        if (!(g_ && strcmp(g_, w_) == 0)) {                                                        \
            printf("#   ");                                                                        \
            check_why(__VA_ARGS__);                                                                \
        }                                                                                          \
    } while (0)

static int check_done(void)
{
    printf("# %d checks, %d failed\n", check_run, check_failed);
    printf("1..%d\n", check_run);
    return check_failed ? 1 : 0;
}

#endif
