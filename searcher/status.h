/* status.h - inside the library: the one mapping of internal error codes
 * (zerr.h) to the public zhs_status, shared by the reading side
 * (library.c) and the writer (writer_api.c). */
#ifndef ZHS_STATUS_H
#define ZHS_STATUS_H

#include "zerr.h"
#include "zhsearch.h"

zhs_status zs_status_of(zerr_code code);

#endif
