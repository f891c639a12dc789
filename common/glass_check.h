/* glass_check.h - refuse a glass database whose version file would crash
 * Xapian (see glass_check.c). */
#ifndef ZHS_GLASS_CHECK_H
#define ZHS_GLASS_CHECK_H

#include "zerr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ZERR_OK when dir's version file is sound or dir is no glass database
 * (Xapian then says what is wrong); ZERR_CORRUPT with e set when it is
 * damaged. */
zerr_code zg_check(const char *dir, zerr *e);

#ifdef __cplusplus
}
#endif
#endif
