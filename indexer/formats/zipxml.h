/* zipxml.h - ZIP members and XML documents read safely, for the
 * container formats (DOCX, OFD).
 *
 * Everything here reads untrusted bytes, so:
 *  - the ZIP is opened read-only from memory (no temporary files);
 *  - a member is read only when its uncompressed size is at most
 *    ZX_MEMBER_MAX and at most ZX_RATIO_MAX times its compressed size (a
 *    zip bomb is refused, not inflated), and the bytes read must match the
 *    size the directory declares; a container reads at most ZX_TOTAL_MAX
 *    bytes of members in all;
 *  - XML is parsed with libxml2 without network access, without entity
 *    substitution and without loading DTDs; a document with any DOCTYPE
 *    (where entity declarations live: billion laughs, external entities) is
 *    refused outright, and libxml2's default nesting limit applies (no
 *    XML_PARSE_HUGE);
 *  - libxml2 never prints: its errors go to a no-op handler, and a failure
 *    becomes a message naming the format, the member and the reason.
 * Each parse has its own parser context, so extractors may run on several
 * threads at once; libxml2 is initialised once (pthread_once).
 *
 * Only built when formats_config.h has ZHS_WITH_DOCX or ZHS_WITH_OFD.
 */
#ifndef ZHS_ZIPXML_H
#define ZHS_ZIPXML_H

#include "formats.h"

#if ZHS_WITH_DOCX || ZHS_WITH_OFD

#include <libxml/tree.h>
#include <zip.h>

#define ZX_MEMBER_MAX ((zip_uint64_t)64 << 20)
#define ZX_TOTAL_MAX ((zip_uint64_t)256 << 20)
#define ZX_RATIO_MAX 200

typedef struct zx_zip {
    zip_t *zip;
    const char *fmt;   /* "DOCX", "OFD": the start of every message */
    zip_uint64_t read; /* member bytes read so far, against ZX_TOTAL_MAX */
} zx_zip;

/* 1 when the n bytes b are a ZIP holding a member called name (ASCII case
 * ignored when nocase is set). */
int zx_sniff(const char *b, size_t n, const char *name, int nocase);

/* Open the n bytes b (which must outlive z) as a ZIP. */
zerr_code zx_open(zx_zip *z, const char *b, size_t n, const char *fmt, zerr *e);
void zx_close(zx_zip *z);

/* 1 when the container has a member called name (exactly, or else with
 * ASCII case ignored). */
int zx_has(zx_zip *z, const char *name);

/* Parse member name as XML into *doc.  A member that is absent is an error
 * ("FMT: missing NAME") unless optional is set: then ZERR_OK with *doc
 * NULL. */
zerr_code zx_load(zx_zip *z, const char *name, int optional, xmlDoc **doc, zerr *e);

/* Parse n bytes of XML (named name in messages) as described above. */
zerr_code zx_parse(const char *fmt, const char *name, const char *b, size_t n, xmlDoc **doc,
                   zerr *e);

/* Whether node is an element with local name `local` (any namespace). */
int zx_is(const xmlNode *node, const char *local);
/* The first child element of node with local name `local`, or NULL. */
xmlNode *zx_child(const xmlNode *node, const char *local);
/* The value of node's attribute with local name `local` (any namespace),
 * or NULL; points into the tree. */
const char *zx_attr(const xmlNode *node, const char *local);
/* The text of node's children (text and CDATA only, not nested elements)
 * appended to out; 0, or -1 out of memory. */
int zx_text(const xmlNode *node, zbuf *out);

#endif
#endif
