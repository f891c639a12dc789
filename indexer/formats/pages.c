/* pages.c - running headers and footers of paged text (see format.h). */
#include "format.h"

void zf_drop_running_lines(zf_text *t)
{
    (void)t;
}
