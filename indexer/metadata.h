/* metadata.h - report metadata extracted from a document's text.
 *
 * Rule-of-law reports (法治政府建设年度报告) carry their metadata in the
 * text itself: a title naming the issuing government and the year covered,
 * an optional document number (乐中府〔2022〕7号), and a publication date in
 * the signature block or the portal's page header.  zm_extract() finds them
 * in the (already decoded, chrome-free) UTF-8 text.  Fields that are not
 * found are left empty (strings "" and year 0).
 */
#ifndef ZHS_METADATA_H
#define ZHS_METADATA_H

#include <stddef.h>

typedef struct zm_meta {
    char title[512];  /* 乐山市市中区人民政府关于2021年法治政府建设工作情况的报告 */
    char issuer[192]; /* 乐山市市中区人民政府 */
    char region[128]; /* 乐山市市中区 */
    char docno[96];   /* 乐中府〔2022〕7号 */
    char date[11];    /* 2022-02-25 (YYYY-MM-DD) */
    int year;         /* the year the report covers: 2021 */
} zm_meta;

/* What a document's format says about it besides its text; any member may
 * be NULL. */
typedef struct zm_hints {
    const char *title; /* HTML <title>, PDF/DOCX/OFD title property */
    const char *date;  /* creation date property, YYYY-MM-DD */
    const char *name;  /* the file's path: the title of last resort */
} zm_hints;

/* Extract metadata from UTF-8 `text` of `len` bytes.  The title hint is
 * used when the text itself has no recognisable report title, the date
 * hint when the text has no date.  A document that
 * is not a report gets its title from the hint or its first non-blank line
 * and leaves the other fields empty.  Never fails; output always
 * NUL-terminated valid UTF-8. */
void zm_extract(const char *text, size_t len, const zm_hints *hints, zm_meta *out);

#endif
