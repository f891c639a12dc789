/* ocr.c - the text of a rendered page by tesseract (chi_sim+eng).
 *
 * Rules:
 *  - one TessBaseAPI per engine, and one engine per document being read
 *    (pdf.c makes it at the first scanned page and frees it at the end):
 *    tesseract's API object is not thread-safe, and the indexer runs
 *    extractors on several threads at once;
 *  - quiet: tesseract's debug output goes to /dev/null (debug_file), the
 *    resolution is given so that it does not print its estimate;
 *  - the page comes as 8-bit grey (pdf.c converts cairo's rendering), the
 *    text goes out as UTF-8 with tesseract's lines and paragraphs, minus
 *    the spaces tesseract puts between CJK characters (the analyzer ignores
 *    them, but the stored text reads better and snippets stay short).
 * Language data: the default tessdata directory of the tesseract package
 * (/usr/share/tesseract-ocr/5/tessdata), or TESSDATA_PREFIX. */
#include "formats.h"

#if ZHS_WITH_OCR
#include <tesseract/capi.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* tesseract's OpenMP (Debian builds it with libgomp) runs 4 threads per
 * page that spin while they wait: on a loaded machine, and beside the
 * indexer's own threads, that is several times slower than one thread.
 * max-active-levels 0 makes every parallel region run on the thread that
 * enters it (the indexer already reads documents in parallel); it is a
 * process-wide setting, made once.  Looked up at run time, as libgomp is
 * tesseract's dependency, not ours (absent: nothing to do). */
static pthread_once_t omp_once = PTHREAD_ONCE_INIT;

static void serial_omp(void)
{
    void *f = dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
    void (*set)(int);
    memcpy(&set, &f, sizeof set);
    if (set)
        set(0);
}

struct zf_ocr {
    TessBaseAPI *api;
};

zf_ocr *zf_ocr_new(zerr *e)
{
    pthread_once(&omp_once, serial_omp);
    zf_ocr *ocr = calloc(1, sizeof *ocr);
    if (!ocr || !(ocr->api = TessBaseAPICreate())) {
        free(ocr);
        zerr_set(e, ZERR_NOMEM, "out of memory");
        return NULL;
    }
    char *names[] = {"debug_file"}, *values[] = {"/dev/null"};
    if (TessBaseAPIInit4(ocr->api, NULL, "chi_sim+eng", OEM_DEFAULT, NULL, 0, names, values, 1,
                         0) != 0) {
        TessBaseAPIDelete(ocr->api);
        free(ocr);
        zerr_set(e, ZERR_NOT_INDEXABLE,
                 "OCR: cannot load tesseract's chi_sim+eng language data "
                 "(packages tesseract-ocr-chi-sim, tesseract-ocr-eng)");
        return NULL;
    }
    TessBaseAPISetPageSegMode(ocr->api, PSM_AUTO);
    return ocr;
}

void zf_ocr_free(zf_ocr *ocr)
{
    if (!ocr)
        return;
    TessBaseAPIEnd(ocr->api);
    TessBaseAPIDelete(ocr->api);
    free(ocr);
}

/* Wide characters: CJK ideographs, kana, hangul, CJK and full-width
 * punctuation.  A space next to one of them is tesseract's, not the text's. */
static int wide(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF) ||
           c == 0x2014 || c == 0x2026 || (c >= 0x2018 && c <= 0x201D);
}

/* The code point before byte i of s (0 at the start). */
static uint32_t cp_before(const char *s, size_t i)
{
    size_t j = i;
    while (j > 0 && ((unsigned char)s[j - 1] & 0xC0) == 0x80)
        j--;
    if (j == 0)
        return 0;
    j--;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    uint32_t c;
    utf8_decode((const unsigned char *)s + j, i - j, &c);
    return c;
}

/* Drop runs of spaces between two wide characters, in place. */
static void drop_cjk_spaces(char *s)
{
    size_t n = strlen(s), w = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == ' ') {
            size_t k = i;
            while (k < n && s[k] == ' ')
                k++;
            uint32_t next = 0;
            if (k < n)
                utf8_decode((const unsigned char *)s + k, n - k, &next);
            if (!(wide(cp_before(s, w)) && wide(next)))
                memmove(s + w, s + i, k - i), w += k - i;
            i = k;
            continue;
        }
        s[w++] = s[i++];
    }
    s[w] = 0;
}

char *zf_ocr_page(zf_ocr *ocr, const unsigned char *grey, int width, int height, int stride,
                  int dpi, zerr *e)
{
    TessBaseAPISetImage(ocr->api, grey, width, height, 1, stride);
    TessBaseAPISetSourceResolution(ocr->api, dpi);
    char *t = TessBaseAPIGetUTF8Text(ocr->api);
    TessBaseAPIClear(ocr->api);
    if (!t) {
        zerr_set(e, ZERR_NOT_INDEXABLE, "OCR: tesseract could not read the page");
        return NULL;
    }
    char *s = strdup(t);
    TessDeleteText(t);
    if (!s) {
        zerr_set(e, ZERR_NOMEM, "out of memory");
        return NULL;
    }
    drop_cjk_spaces(s);
    return s;
}

#else /* built without OCR */

zf_ocr *zf_ocr_new(zerr *e)
{
    zerr_set(e, ZERR_NOT_INDEXABLE, "OCR: this build has no OCR (built without tesseract)");
    return NULL;
}

char *zf_ocr_page(zf_ocr *ocr, const unsigned char *grey, int width, int height, int stride,
                  int dpi, zerr *e)
{
    (void)ocr, (void)grey, (void)width, (void)height, (void)stride, (void)dpi;
    zerr_set(e, ZERR_NOT_INDEXABLE, "OCR: this build has no OCR (built without tesseract)");
    return NULL;
}

void zf_ocr_free(zf_ocr *ocr)
{
    (void)ocr;
}

#endif
