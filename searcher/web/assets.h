/* assets.h - the web UI's files, embedded into the program at build time
 * by embed.py (the only files `zhsearch serve` ever serves as files). */
#ifndef ZHS_WEB_ASSETS_H
#define ZHS_WEB_ASSETS_H

#include <stddef.h>

typedef struct web_asset {
    const char *path; /* "/app.js"; index.html is also "/" */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t len;
} web_asset;

extern const web_asset web_assets[];
extern const size_t web_asset_count;

#endif
