/* glass_check.h - refuse a glass database whose version file would crash
 * Xapian (see glass_check.c). */
#ifndef ZHS_GLASS_CHECK_H
#define ZHS_GLASS_CHECK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0 when dir's version file is sound or dir is no glass database (Xapian
 * then says what is wrong); -1 with a reason in why when it is damaged. */
int zg_check(const char *dir, char *why, size_t n);

#ifdef __cplusplus
}
#endif
#endif
