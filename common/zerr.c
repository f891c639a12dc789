/* zerr.c - see zerr.h. */
#include "zerr.h"

#include <stdarg.h>
#include <stdio.h>

zerr_code zerr_set(zerr *e, zerr_code code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void zerr_ok(zerr *e)
{
    if (e) {
        e->code = ZERR_OK;
        e->msg[0] = 0;
    }
}
