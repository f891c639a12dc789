/* extract.c - bytes to indexable UTF-8 text; see extract.h.
 *
 * Choices the header leaves open:
 *  - Decoded text keeps its content; only a leading BOM goes and CRLF
 *    becomes LF (a lone CR is kept), so later line-based steps see one
 *    line ending.
 *  - The binary check runs before the UTF-8 fast path: NUL bytes are valid
 *    UTF-8 (an ELF header is pure ASCII) but never occur in text files.
 *  - HTML <title> text goes to *title and also stays in the text as its
 *    first paragraph.
 *  - Chrome fragments glued to real content (a date followed by 阅读次数)
 *    are cut out of the line; the rest of the line stays.
 */
#include "extract.h"
#include "zbuf.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#define NPOS ((size_t)-1)

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */

/* Growable output; an allocation failure is sticky and checked once. */
typedef struct obuf {
    zbuf b;
    int oom;
} obuf;

static void ob_add(obuf *b, const void *s, size_t n)
{
    if (!b->oom && zbuf_add(&b->b, s, n))
        b->oom = 1;
}

static void ob_cp(obuf *b, uint32_t cp)
{
    if (!b->oom && zbuf_add_cp(&b->b, cp))
        b->oom = 1;
}

/* Code point at s[i] (i < n); an ill-formed byte reads as U+FFFD. */
static size_t cp_at(const char *s, size_t n, size_t i, uint32_t *cp)
{
    size_t k = utf8_seq((const unsigned char *)s + i, n - i, cp);
    if (!k) {
        *cp = 0xFFFD;
        k = 1;
    }
    return k;
}

static int utf8_valid(const char *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq((const unsigned char *)s + i, n - i, &cp);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Length of s without a character cut off at its very end (a download or
 * a copy stopped mid-character), when the rest is valid UTF-8; 0 when the
 * text is not UTF-8 with at most such a tail. */
static size_t utf8_without_cut_tail(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t p = n;
    while (p > 0 && n - p < 3 && (u[p - 1] & 0xC0) == 0x80)
        p--;
    if (p == 0)
        return 0;
    p--; /* the lead byte of the last sequence */
    size_t need = u[p] >= 0xF0 && u[p] <= 0xF4 ? 4 : u[p] >= 0xE0 && u[p] <= 0xEF ? 3
                : u[p] >= 0xC2 && u[p] <= 0xDF ? 2 : 0;
    if (!need || n - p >= need || !utf8_valid(s, p))
        return 0;
    return p;
}

static void put_msg(char *dst, size_t size, const char *msg)
{
    if (dst && size)
        snprintf(dst, size, "%s", msg);
}

static size_t find_lit(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    for (size_t i = 0; m && i + m <= n; i++)
        if (s[i] == lit[0] && memcmp(s + i, lit, m) == 0)
            return i;
    return NPOS;
}

static int has(const char *s, size_t n, const char *lit) { return find_lit(s, n, lit) != NPOS; }

static int starts_with(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return m <= n && memcmp(s, lit, m) == 0;
}

static int ends_with(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return m <= n && memcmp(s + n - m, lit, m) == 0;
}

static int has_any(const char *s, size_t n, const char *const *lits)
{
    for (; *lits; lits++)
        if (has(s, n, *lits))
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* ze_decode                                                           */

enum { DEC_OK = 0, DEC_INVALID = -1, DEC_UNKNOWN = -2, DEC_NOMEM = -3, DEC_BIG = -4, DEC_BINARY = -5 };

/* ICU works with int32_t lengths; 3 UTF-8 bytes per UTF-16 unit must fit. */
#define MAX_ICU_INPUT ((size_t)256 << 20)
/* ucsdet confidence (0-100) from which a guess is believed. */
#define GOOD_CONFIDENCE 50

/* Text has no NULs and few C0 controls besides tab and line breaks. */
static int looks_binary(const char *s, size_t n)
{
    size_t ctrl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return 1;
        if ((c < 0x20 && !(c >= 0x09 && c <= 0x0D)) || c == 0x7F)
            ctrl++;
    }
    return ctrl * 20 > n;
}

static const char *bom_charset(const unsigned char *b, size_t n)
{
    if (n >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)
        return "UTF-32LE";
    if (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF)
        return "UTF-32BE";
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        return "UTF-8";
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        return "UTF-16LE";
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        return "UTF-16BE";
    return NULL;
}

static int copy_out(const char *b, size_t n, char **out, size_t *len)
{
    char *p = malloc(n + 1);
    if (!p)
        return DEC_NOMEM;
    memcpy(p, b, n);
    p[n] = 0;
    *out = p;
    *len = n;
    return DEC_OK;
}

/* Strict ICU conversion to UTF-16: the STOP callback makes any illegal or
 * unmappable sequence an error, so a wrong guess fails instead of quietly
 * producing U+FFFD. */
static int icu_to_utf16(const char *cs, const char *b, size_t n, UChar **out, int32_t *ulen)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(cs, &st);
    if (st == U_MEMORY_ALLOCATION_ERROR)
        return DEC_NOMEM;
    if (U_FAILURE(st))
        return DEC_UNKNOWN;
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    int32_t cap = (int32_t)n + 1, len = 0;
    UChar *u = NULL;
    for (int tries = 0; U_SUCCESS(st) && tries < 2; tries++) {
        UChar *nu = realloc(u, (size_t)cap * sizeof *u);
        if (!nu) {
            free(u);
            ucnv_close(cnv);
            return DEC_NOMEM;
        }
        u = nu;
        len = ucnv_toUChars(cnv, u, cap, b, (int32_t)n, &st);
        if (st != U_BUFFER_OVERFLOW_ERROR)
            break;
        st = U_ZERO_ERROR; /* some charsets expand: retry at the exact size */
        cap = len + 1;
    }
    ucnv_close(cnv);
    if (U_FAILURE(st)) {
        free(u);
        return st == U_MEMORY_ALLOCATION_ERROR ? DEC_NOMEM : DEC_INVALID;
    }
    *out = u;
    *ulen = len;
    return DEC_OK;
}

static int utf16_to_utf8(const UChar *u, int32_t ulen, char **out, size_t *len)
{
    size_t cap = (size_t)ulen * 3 + 1;
    char *p = malloc(cap);
    if (!p)
        return DEC_NOMEM;
    UErrorCode st = U_ZERO_ERROR;
    int32_t k = 0;
    u_strToUTF8(p, (int32_t)cap, &k, u, ulen, &st);
    if (U_FAILURE(st)) { /* lone surrogates */
        free(p);
        return st == U_MEMORY_ALLOCATION_ERROR ? DEC_NOMEM : DEC_INVALID;
    }
    p[k] = 0;
    *out = p;
    *len = (size_t)k;
    return DEC_OK;
}

/* Convert from charset `cs` (an ICU name); UTF-8 uses our own validator. */
static int decode_as(const char *cs, const char *b, size_t n, char **out, size_t *len)
{
    if (strcmp(cs, "UTF-8") == 0) {
        if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
            b += 3, n -= 3;
        return utf8_valid(b, n) ? copy_out(b, n, out, len) : DEC_INVALID;
    }
    if (n > MAX_ICU_INPUT)
        return DEC_BIG;
    UChar *u;
    int32_t ulen;
    int rc = icu_to_utf16(cs, b, n, &u, &ulen);
    if (rc != DEC_OK)
        return rc;
    rc = utf16_to_utf8(u, ulen, out, len);
    free(u);
    return rc;
}

/* Chinese in GB18030 is mostly GB2312 pairs (both bytes A1-FE); Latin-1
 * text that happens to be valid GB18030 pairs accented letters with ASCII. */
static int gb_plausible(const char *s, size_t n)
{
    size_t gb2312 = 0, other = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        unsigned char d = i + 1 < n ? (unsigned char)s[i + 1] : 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xA1 && c <= 0xFE && d >= 0xA1 && d <= 0xFE)
            gb2312++;
        else
            other++;
        i += (d >= 0x30 && d <= 0x39) ? 4 : 2;
    }
    return gb2312 > 0 && gb2312 >= 9 * other;
}

/* Single-byte charsets accept almost any bytes, so converting proves little. */
static int single_byte(const char *cs)
{
    return strncmp(cs, "ISO-8859", 8) == 0 || strncmp(cs, "windows-", 8) == 0 ||
           strncmp(cs, "KOI8", 4) == 0 || strncmp(cs, "IBM4", 4) == 0;
}

/* The 500 most frequent characters of modern (simplified) Chinese. */
static const char common_hanzi[] =
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于"
    "着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还"
    "进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情"
    "明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或"
    "新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太"
    "量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基"
    "眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交"
    "规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调"
    "深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越"
    "器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历"
    "首医局突专费号尽另周较注语仅考落青随选列";

/* Percentage of the (first 400) ideographs in s that are common ones:
 * about 75 for Chinese, under 20 for Korean, Japanese or Big5 text read as
 * GB18030 or the other way round. */
static int chinese_score(const char *s, size_t n)
{
    size_t hanzi = 0, common = 0;
    for (size_t i = 0; i < n && hanzi < 400;) {
        uint32_t cp;
        size_t k = cp_at(s, n, i, &cp);
        if (cp >= 0x4E00 && cp <= 0x9FFF) {
            hanzi++;
            for (size_t j = 0; j + 3 < sizeof common_hanzi; j += 3)
                if (memcmp(common_hanzi + j, s + i, 3) == 0) {
                    common++;
                    break;
                }
        }
        i += k;
    }
    return hanzi ? (int)(common * 100 / hanzi) : 0;
}

/* ICU sometimes calls short GB text EUC-KR, Big5 or windows-1251 with high
 * confidence, and those conversions succeed; keep GB18030 instead when it
 * reads as clearly more Chinese. */
static int prefer_gb18030(const char *b, size_t n, char **out, size_t *len, char *cs,
                          size_t cssize)
{
    char *gb;
    size_t gblen;
    int rc = decode_as("GB18030", b, n, &gb, &gblen);
    if (rc != DEC_OK)
        return rc == DEC_NOMEM ? rc : DEC_OK;
    int score = chinese_score(gb, gblen);
    if (score < 40 || score <= chinese_score(*out, *len)) {
        free(gb);
        return DEC_OK;
    }
    free(*out);
    *out = gb;
    *len = gblen;
    snprintf(cs, cssize, "GB18030");
    return DEC_OK;
}

/* Converts with ICU's guess `m` if it is a good one.  A single-byte guess
 * for bytes that also look like GB text is only noted in `deferred`. */
static int try_match(const UCharsetMatch *m, const char *b, size_t n, char **out, size_t *len,
                     char *cs, size_t cssize, char *deferred, size_t dsize)
{
    UErrorCode st = U_ZERO_ERROR;
    const char *name = ucsdet_getName(m, &st);
    int32_t conf = ucsdet_getConfidence(m, &st);
    if (st == U_MEMORY_ALLOCATION_ERROR)
        return DEC_NOMEM;
    if (U_FAILURE(st) || conf < GOOD_CONFIDENCE || strcmp(name, "UTF-8") == 0)
        return DEC_INVALID;
    if (single_byte(name) && gb_plausible(b, n)) {
        if (!*deferred)
            snprintf(deferred, dsize, "%s", name);
        return DEC_INVALID;
    }
    int rc = decode_as(name, b, n, out, len);
    if (rc != DEC_OK)
        return rc == DEC_NOMEM ? rc : DEC_INVALID;
    snprintf(cs, cssize, "%s", name);
    return DEC_OK;
}

/* ICU's guesses with good confidence first, then strict GB18030 (the
 * detector has too little evidence in short GB texts to say anything),
 * then a single-byte guess put off because the bytes looked like GB. */
static int decode_detected(const char *b, size_t n, char **out, size_t *len, char *cs,
                           size_t cssize)
{
    char deferred[32] = "";
    if (n > MAX_ICU_INPUT)
        return DEC_BIG;
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *d = ucsdet_open(&st);
    if (U_FAILURE(st))
        return DEC_NOMEM;
    ucsdet_enableInputFilter(d, 1); /* ignore markup when guessing */
    ucsdet_setText(d, b, (int32_t)n, &st);
    int32_t k = 0;
    const UCharsetMatch **m = ucsdet_detectAll(d, &k, &st);
    int rc = DEC_INVALID;
    for (int32_t i = 0; U_SUCCESS(st) && i < k && rc != DEC_OK && rc != DEC_NOMEM; i++)
        rc = try_match(m[i], b, n, out, len, cs, cssize, deferred, sizeof deferred);
    ucsdet_close(d);
    if (st == U_MEMORY_ALLOCATION_ERROR)
        rc = DEC_NOMEM;
    if (rc == DEC_OK && strcmp(cs, "GB18030") != 0 &&
        prefer_gb18030(b, n, out, len, cs, cssize) == DEC_NOMEM) {
        free(*out);
        *out = NULL;
        rc = DEC_NOMEM;
    }
    if (rc == DEC_OK || rc == DEC_NOMEM)
        return rc;
    rc = decode_as("GB18030", b, n, out, len);
    if (rc == DEC_INVALID && *deferred) {
        snprintf(cs, cssize, "%s", deferred);
        return decode_as(deferred, b, n, out, len);
    }
    if (rc == DEC_OK)
        snprintf(cs, cssize, "GB18030");
    return rc;
}

/* Lower-case without '-', '_' and spaces: "UTF_16-le" -> "utf16le". */
static void alias_key(const char *s, char *key, size_t size)
{
    size_t k = 0;
    for (; *s && k + 1 < size; s++) {
        char c = *s;
        if (c == '-' || c == '_' || c == ' ')
            continue;
        key[k++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    key[k] = 0;
}

static const struct {
    const char *key, *name;
} charset_aliases[] = {
    {"utf8", "UTF-8"},        {"utf16le", "UTF-16LE"}, {"utf16be", "UTF-16BE"},
    {"utf32le", "UTF-32LE"},  {"utf32be", "UTF-32BE"}, {"gb18030", "GB18030"},
    {"gbk", "GB18030"},       {"gb2312", "GB18030"},   {"cp936", "GB18030"},
    {"ms936", "GB18030"},     {"windows936", "GB18030"}, {"euccn", "GB18030"},
    {"xgbk", "GB18030"},      {"big5", "Big5"},        {"cp950", "Big5"},
};

/* Canonical name for a forced charset; NULL when neither we nor ICU know
 * it.  Plain "UTF-16"/"UTF-32" follow the BOM, big-endian without one. */
static const char *forced_charset(const char *forced, const unsigned char *b, size_t n,
                                  char *buf, size_t size)
{
    char key[32];
    alias_key(forced, key, sizeof key);
    if (strcmp(key, "utf16") == 0)
        return n >= 2 && b[0] == 0xFF && b[1] == 0xFE ? "UTF-16LE" : "UTF-16BE";
    if (strcmp(key, "utf32") == 0)
        return n >= 2 && b[0] == 0xFF && b[1] == 0xFE ? "UTF-32LE" : "UTF-32BE";
    for (size_t i = 0; i < sizeof charset_aliases / sizeof *charset_aliases; i++)
        if (strcmp(key, charset_aliases[i].key) == 0)
            return charset_aliases[i].name;
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(forced, &st);
    if (st == U_MEMORY_ALLOCATION_ERROR)
        return "";
    if (U_FAILURE(st))
        return NULL;
    const char *name = ucnv_getStandardName(forced, "MIME", &st);
    if (!name || U_FAILURE(st)) {
        st = U_ZERO_ERROR;
        name = ucnv_getStandardName(forced, "IANA", &st);
    }
    if (!name || U_FAILURE(st)) {
        st = U_ZERO_ERROR;
        name = ucnv_getName(cnv, &st);
    }
    snprintf(buf, size, "%s", name && U_SUCCESS(st) ? name : forced);
    ucnv_close(cnv);
    return buf;
}

/* UTF-16 without a BOM.  Its text has NUL bytes - the high byte of every
 * ASCII character: digits, spaces, line breaks - nearly all on one side of
 * the pairs; the other side gets them only from U+xx00 characters (一).
 * The byte order with more, if the units read as text: few controls, no
 * U+0000, no private use.  NULL when the bytes do not look like that. */
static const char *utf16_guess(const unsigned char *b, size_t n)
{
    if (n < 4 || n % 2)
        return NULL;
    size_t z[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        z[i & 1] += b[i] == 0;
    if (z[0] == z[1])
        return NULL;
    int le = z[1] > z[0]; /* "A" is 41 00 in UTF-16LE */
    size_t bad = 0;
    for (size_t i = 0; i < n; i += 2) {
        unsigned u = le ? (unsigned)b[i] | (unsigned)b[i + 1] << 8 : (unsigned)b[i] << 8 | b[i + 1];
        if (u == 0)
            return NULL;
        if ((u < 0x20 && !(u >= 0x09 && u <= 0x0D)) || (u >= 0x7F && u <= 0x9F) ||
            (u >= 0xE000 && u <= 0xF8FF) || u >= 0xFFFE)
            bad++;
    }
    return bad * 50 > n / 2 ? NULL : le ? "UTF-16LE" : "UTF-16BE";
}

/* BOM or detection; returns the charset tried (for messages) in cs. */
static int decode_auto(const char *b, size_t n, char **out, size_t *len, char *cs, size_t cssize,
                       int *guessed)
{
    const char *bom = bom_charset((const unsigned char *)b, n);
    *guessed = 0;
    if (bom) {
        snprintf(cs, cssize, "%s", bom);
        int rc = decode_as(bom, b, n, out, len);
        if (rc == DEC_INVALID && strcmp(bom, "UTF-32LE") == 0) {
            snprintf(cs, cssize, "UTF-16LE"); /* FF FE then U+0000 */
            rc = decode_as(cs, b, n, out, len);
        }
        return rc;
    }
    const char *u16 = utf16_guess((const unsigned char *)b, n);
    if (u16) {
        int rc = decode_as(u16, b, n, out, len);
        if (rc == DEC_OK || rc == DEC_NOMEM) {
            snprintf(cs, cssize, "%s", u16);
            return rc;
        }
    }
    if (looks_binary(b, n))
        return DEC_BINARY;
    snprintf(cs, cssize, "UTF-8");
    if (utf8_valid(b, n))
        return copy_out(b, n, out, len);
    size_t cut = n > 64 ? utf8_without_cut_tail(b, n) : 0;
    if (cut)
        return copy_out(b, cut, out, len);
    *guessed = 1;
    return decode_detected(b, n, out, len, cs, cssize);
}

/* Drop a leading U+FEFF and turn CRLF into LF, in place. */
static void tidy_text(char *s, size_t *len)
{
    size_t n = *len, r = 0, w = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        r = 3;
    for (; r < n; r++)
        if (!(s[r] == '\r' && r + 1 < n && s[r + 1] == '\n'))
            s[w++] = s[r];
    s[w] = 0;
    *len = w;
}

static zerr_code decode_error(int rc, int guessed, const char *forced, const char *cs, zerr *e)
{
    char msg[160];
    if (rc == DEC_BINARY)
        snprintf(msg, sizeof msg, "binary data");
    else if (rc == DEC_UNKNOWN)
        snprintf(msg, sizeof msg, "unknown encoding '%.100s'", forced ? forced : cs);
    else if (rc == DEC_NOMEM)
        snprintf(msg, sizeof msg, "out of memory");
    else if (rc == DEC_BIG)
        snprintf(msg, sizeof msg, "input too large");
    else if (guessed)
        snprintf(msg, sizeof msg, "not valid in any supported encoding");
    else
        snprintf(msg, sizeof msg, "not valid %.100s", cs);
    return zerr_set(e, rc == DEC_NOMEM ? ZERR_NOMEM : ZERR_NOT_INDEXABLE, "%s", msg);
}

zerr_code ze_decode(const char *bytes, size_t n, const char *forced, char **out, size_t *outlen,
                    char *enc, size_t encsize, zerr *e)
{
    char cs[64] = "", buf[64];
    int rc, guessed = 0;
    *out = NULL;
    *outlen = 0;
    put_msg(enc, encsize, "");
    zerr_ok(e);
    if (!bytes || n == 0)
        return zerr_set(e, ZERR_NOT_INDEXABLE, "empty file");
    if (forced && *forced) {
        const char *name = forced_charset(forced, (const unsigned char *)bytes, n, buf, sizeof buf);
        snprintf(cs, sizeof cs, "%s", name ? name : "");
        /* our names are ICU names too; for others ICU gets what it knows */
        rc = !name ? DEC_UNKNOWN : !*name ? DEC_NOMEM /* ICU could not tell */
                 : decode_as(name == buf ? forced : name, bytes, n, out, outlen);
    } else {
        forced = NULL;
        rc = decode_auto(bytes, n, out, outlen, cs, sizeof cs, &guessed);
    }
    if (rc == DEC_OK) {
        tidy_text(*out, outlen);
        if (looks_binary(*out, *outlen)) /* e.g. UTF-16 carrying U+0000 */
            rc = DEC_BINARY;
    }
    if (rc != DEC_OK) {
        free(*out);
        *out = NULL;
        *outlen = 0;
        return decode_error(rc, guessed, forced, cs, e);
    }
    put_msg(enc, encsize, cs);
    return ZERR_OK;
}

/* ------------------------------------------------------------------ */
/* ze_is_html                                                          */

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

/* Case-insensitive: does s[i..n) start with the lower-case `lit`? */
static int ci_at(const char *s, size_t n, size_t i, const char *lit)
{
    size_t m = strlen(lit);
    if (i > n || n - i < m)
        return 0;
    for (size_t k = 0; k < m; k++)
        if (lower(s[i + k]) != lit[k])
            return 0;
    return 1;
}

static int html_name(const char *name)
{
    static const char *const exts[] = {"html", "htm", "xhtml", "shtml", NULL};
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    if (!dot)
        return 0;
    for (const char *const *e = exts; *e; e++)
        if (strlen(dot + 1) == strlen(*e) && ci_at(dot + 1, strlen(*e), 0, *e))
            return 1;
    return 0;
}

int ze_is_html(const char *name, const char *utf8, size_t n)
{
    if (name && html_name(name))
        return 1;
    if (!utf8)
        return 0;
    size_t i = 0;
    if (n >= 3 && memcmp(utf8, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (utf8[i] == ' ' || (utf8[i] >= 0x09 && utf8[i] <= 0x0D)))
        i++;
    /* markup must come first, so prose that mentions <html> is not HTML */
    if (i >= n || utf8[i] != '<')
        return 0;
    if (ci_at(utf8, n, i, "<!doctype html"))
        return 1;
    size_t lim = n - i > 1024 ? i + 1024 : n;
    for (size_t k = i; k < lim; k++) {
        if (ci_at(utf8, n, k, "<html")) {
            char c = k + 5 < n ? utf8[k + 5] : '>';
            if (c == '>' || c == ' ' || (c >= 0x09 && c <= 0x0D) || c == '/')
                return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* ze_html_to_text                                                     */

typedef struct hstate {
    obuf out, title;
    int brk;         /* line breaks owed before the next visible char (0-2) */
    int space;       /* whitespace owed: 1 blanks, 2 blanks with a newline */
    int tspace;      /* whitespace owed in the title */
    uint32_t last;   /* last code point written, for the CJK join rule */
    int in_head, in_title, title_done, in_pre;
    int no_quote[2]; /* a quote search failed: no later quote of that kind */
} hstate;

static int is_html_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0xA0;
}

static int is_ctrl(uint32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFEFF; }

/* East Asian wide characters: a line break between two of them joins the
 * lines without a space (CSS segment-break rule), so 法治\n政府 stays a word. */
static int is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

static void set_break(hstate *h, int k)
{
    if (h->brk < k)
        h->brk = k;
}

/* <br> and newlines in <pre> add up: two of them make a paragraph break. */
static void add_break(hstate *h) { h->brk = h->brk < 2 ? h->brk + 1 : 2; }

static void flush_owed(hstate *h, uint32_t next)
{
    if (h->out.b.len == 0) /* nothing before the first visible char */
        h->brk = h->space = 0;
    if (h->brk)
        ob_add(&h->out, "\n\n", (size_t)h->brk);
    else if (h->space && !(h->space == 2 && is_wide(h->last) && is_wide(next)))
        ob_add(&h->out, " ", 1);
    h->brk = h->space = 0;
}

static void title_cp(hstate *h, uint32_t cp)
{
    if (h->title_done || is_ctrl(cp))
        return;
    if (is_html_space(cp)) {
        h->tspace = h->title.b.len > 0;
        return;
    }
    if (h->tspace)
        ob_add(&h->title, " ", 1);
    h->tspace = 0;
    ob_cp(&h->title, cp);
}

static void put_cp(hstate *h, uint32_t cp)
{
    if (h->in_title)
        title_cp(h, cp);
    if (h->in_head && !h->in_title) {
        if (is_html_space(cp))
            return;
        h->in_head = 0; /* text ends an unclosed <head>, as in browsers */
    }
    if (cp == '\n' && h->in_pre) {
        add_break(h);
        return;
    }
    if (is_html_space(cp)) {
        if (cp == '\n' || cp == '\r')
            h->space = 2;
        else if (!h->space)
            h->space = 1;
        return;
    }
    if (is_ctrl(cp))
        return;
    flush_owed(h, cp);
    ob_cp(&h->out, cp);
    h->last = cp;
}

static const struct {
    const char *name;
    uint16_t cp;
} html_entities[] = {
    {"amp", '&'},       {"lt", '<'},          {"gt", '>'},          {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0xA0},       {"AMP", '&'},         {"LT", '<'},
    {"GT", '>'},        {"QUOT", '"'},        {"ensp", 0x2002},     {"emsp", 0x2003},
    {"thinsp", 0x2009}, {"ldquo", 0x201C},    {"rdquo", 0x201D},    {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"sbquo", 0x201A},    {"bdquo", 0x201E},    {"mdash", 0x2014},
    {"ndash", 0x2013},  {"hellip", 0x2026},   {"middot", 0xB7},     {"bull", 0x2022},
    {"laquo", 0xAB},    {"raquo", 0xBB},      {"lsaquo", 0x2039},   {"rsaquo", 0x203A},
    {"copy", 0xA9},     {"COPY", 0xA9},       {"reg", 0xAE},        {"REG", 0xAE},
    {"trade", 0x2122},  {"deg", 0xB0},        {"plusmn", 0xB1},     {"times", 0xD7},
    {"divide", 0xF7},   {"yen", 0xA5},        {"cent", 0xA2},       {"pound", 0xA3},
    {"euro", 0x20AC},   {"sect", 0xA7},       {"para", 0xB6},       {"micro", 0xB5},
    {"permil", 0x2030}, {"prime", 0x2032},    {"Prime", 0x2033},    {"larr", 0x2190},
    {"uarr", 0x2191},   {"rarr", 0x2192},     {"darr", 0x2193},     {"harr", 0x2194},
    {"le", 0x2264},     {"ge", 0x2265},       {"ne", 0x2260},       {"asymp", 0x2248},
    {"infin", 0x221E},  {"minus", 0x2212},    {"sup1", 0xB9},       {"sup2", 0xB2},
    {"sup3", 0xB3},     {"frac12", 0xBD},     {"frac14", 0xBC},     {"frac34", 0xBE},
    {"shy", 0xAD},      {"zwj", 0x200D},      {"zwnj", 0x200C},     {"lrm", 0x200E},
    {"rlm", 0x200F},    {"iexcl", 0xA1},      {"iquest", 0xBF},     {"dagger", 0x2020},
    {"Dagger", 0x2021}, {"loz", 0x25CA},      {"hearts", 0x2665},   {"oline", 0x203E},
    {"circ", 0x2C6},    {"tilde", 0x2DC},     {"uml", 0xA8},        {"acute", 0xB4},
};

/* Browsers still accept these few without the closing ';'. */
static const char *const legacy_entities[] = {"amp", "lt", "gt", "quot", "nbsp", "copy", "reg",
                                              "AMP", "LT", "GT", "QUOT", NULL};

static int entity_lookup(const char *name, size_t len, uint32_t *cp)
{
    for (size_t i = 0; i < sizeof html_entities / sizeof *html_entities; i++)
        if (strlen(html_entities[i].name) == len && memcmp(html_entities[i].name, name, len) == 0) {
            *cp = html_entities[i].cp;
            return 1;
        }
    return 0;
}

/* Numeric references in 0x80-0x9F mean windows-1252, as in browsers. */
static uint32_t fix_numeric(uint32_t v)
{
    static const uint16_t cp1252[32] = {
        0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021, 0x2C6,  0x2030, 0x160,
        0x2039, 0x152,  0x8D,   0x17D,  0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178};
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0xFFFD;
    if (v >= 0x80 && v <= 0x9F)
        return cp1252[v - 0x80];
    return v;
}

static int digit_value(char c, int hex)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (hex && lower(c) >= 'a' && lower(c) <= 'f')
        return lower(c) - 'a' + 10;
    return -1;
}

/* &#NNN; or &#xHHH; at s[i]; returns its length (';' optional) or 0. */
static size_t numeric_ref(const char *s, size_t n, size_t i, uint32_t *cp)
{
    size_t j = i + 2, digits = 0;
    int hex = j < n && (s[j] == 'x' || s[j] == 'X');
    uint32_t v = 0;
    j += (size_t)hex;
    for (int d; j < n && (d = digit_value(s[j], hex)) >= 0; j++, digits++)
        if (v <= 0x10FFFF) /* saturate: stays invalid, never overflows */
            v = v * (hex ? 16 : 10) + (uint32_t)d;
    if (!digits)
        return 0;
    if (j < n && s[j] == ';')
        j++;
    *cp = fix_numeric(v);
    return j - i;
}

/* &name; at s[i]; returns its length or 0. */
static size_t named_ref(const char *s, size_t n, size_t i, uint32_t *cp)
{
    size_t j = i + 1;
    while (j < n && j - i <= 32 &&
           ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
            (s[j] >= '0' && s[j] <= '9')))
        j++;
    if (j < n && s[j] == ';' && entity_lookup(s + i + 1, j - i - 1, cp))
        return j + 1 - i;
    for (const char *const *l = legacy_entities; *l; l++) {
        size_t m = strlen(*l);
        if (m <= j - i - 1 && memcmp(s + i + 1, *l, m) == 0 && entity_lookup(*l, m, cp))
            return m + 1;
    }
    return 0;
}

static size_t html_entity(hstate *h, const char *s, size_t n, size_t i)
{
    uint32_t cp = 0;
    size_t k = (i + 1 < n && s[i + 1] == '#') ? numeric_ref(s, n, i, &cp) : named_ref(s, n, i, &cp);
    if (!k) {
        put_cp(h, '&');
        return i + 1;
    }
    put_cp(h, cp == 0xA0 ? ' ' : cp); /* &nbsp; indents: collapse like a space */
    return i + k;
}

/* Characters and entities of s[i..n), no markup (text and <title>). */
static void run_text(hstate *h, const char *s, size_t n, size_t i)
{
    while (i < n) {
        if (s[i] == '&') {
            i = html_entity(h, s, n, i);
        } else {
            uint32_t cp;
            i += cp_at(s, n, i, &cp);
            put_cp(h, cp);
        }
    }
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == ':' || c == '_';
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static int is_ascii_space(char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); }

/* Lower-cased tag name at s[i] into name ("" when too long to be one we
 * know); returns the index after it. */
static size_t tag_name(const char *s, size_t n, size_t i, char *name, size_t size)
{
    size_t k = 0;
    for (; i < n && is_name_char(s[i]); i++, k++)
        if (k + 1 < size)
            name[k] = lower(s[i]);
    name[k + 1 < size ? k : 0] = 0;
    return i;
}

/* Index after the first `lit` at or after `from`, or n. */
static size_t skip_past(const char *s, size_t n, size_t from, const char *lit)
{
    if (from >= n)
        return n;
    size_t k = find_lit(s + from, n - from, lit);
    return k == NPOS ? n : from + k + strlen(lit);
}

static size_t find_quote(hstate *h, const char *s, size_t n, size_t from, char q)
{
    int k = q == '"';
    if (h->no_quote[k])
        return NPOS;
    const char *p = from < n ? memchr(s + from, q, n - from) : NULL;
    if (!p) {
        h->no_quote[k] = 1; /* remembered, so stray quotes stay linear */
        return NPOS;
    }
    return (size_t)(p - s);
}

/* Index after the '>' that closes a tag whose attributes start at s[i].
 * Quoted values (after '=') may hold '>'; an unmatched quote is text. */
static size_t tag_end(hstate *h, const char *s, size_t n, size_t i, int *selfclose)
{
    char prev = 0;
    *selfclose = 0;
    while (i < n) {
        char c = s[i];
        if (c == '>') {
            *selfclose = prev == '/';
            return i + 1;
        }
        if ((c == '"' || c == '\'') && prev == '=') {
            size_t q = find_quote(h, s, n, i + 1, c);
            if (q != NPOS) {
                i = q + 1;
                prev = c;
                continue;
            }
        }
        if (!is_ascii_space(c))
            prev = c;
        i++;
    }
    return n;
}

/* Position of the "</name" that ends a raw-text element, or n. */
static size_t find_end_tag(const char *s, size_t n, size_t i, const char *name)
{
    size_t len = strlen(name);
    while (i < n) {
        const char *p = memchr(s + i, '<', n - i);
        if (!p)
            return n;
        i = (size_t)(p - s);
        if (i + 1 < n && s[i + 1] == '/' && ci_at(s, n, i + 2, name) &&
            (i + 2 + len == n || !is_name_char(s[i + 2 + len])))
            return i;
        i++;
    }
    return n;
}

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

static const char *const para_tags[] = {
    "p",       "div",    "h1",   "h2",     "h3",   "h4",         "h5",      "h6",
    "table",   "section", "article", "ul",  "ol",   "dl",         "hr",      "title",
    "blockquote", "pre", "header", "footer", "nav", "aside",      "main",    "form",
    "center",  "figure", "figcaption", "address", "fieldset", "details", "summary", "body",
    NULL};
static const char *const line_tags[] = {"li", "tr", "dd", "dt", "option", "caption", "legend",
                                        NULL};
static const char *const cell_tags[] = {"td", "th", NULL};
/* Content never shown (noscript: shown only without scripts, mostly ads). */
static const char *const raw_tags[] = {"script", "style", "noscript", "iframe", "template",
                                       "xmp", "noembed", "noframes", NULL};
static const char *const head_tags[] = {"title", "meta", "link", "style", "script", "noscript",
                                        "base", "template", "head", NULL};

static void block_break(hstate *h, const char *name)
{
    if (strcmp(name, "br") == 0)
        add_break(h);
    else if (in_list(name, para_tags))
        set_break(h, 2);
    else if (in_list(name, line_tags))
        set_break(h, 1);
    else if (in_list(name, cell_tags) && !h->space)
        h->space = 1;
}

/* <title> is RCDATA: entities but no tags up to </title>. */
static size_t read_title(hstate *h, const char *s, size_t n, size_t from)
{
    size_t close = find_end_tag(s, n, from, "title");
    set_break(h, 2);
    h->in_title = 1;
    run_text(h, s, close, from);
    h->in_title = 0;
    h->title_done |= h->title.b.len > 0;
    set_break(h, 2);
    return skip_past(s, n, close, ">");
}

static size_t start_tag(hstate *h, const char *s, size_t n, size_t i)
{
    char name[16];
    int selfclose;
    size_t end = tag_end(h, s, n, tag_name(s, n, i, name, sizeof name), &selfclose);
    if (h->in_head && !in_list(name, head_tags))
        h->in_head = 0; /* an unclosed <head> ends at the first body tag */
    if (strcmp(name, "head") == 0 && h->out.b.len == 0)
        h->in_head = 1;
    /* XHTML <script/>, <title/>: no content to skip or read */
    if (!selfclose && in_list(name, raw_tags))
        return skip_past(s, n, find_end_tag(s, n, end, name), ">");
    if (!selfclose && strcmp(name, "title") == 0)
        return read_title(h, s, n, end);
    if (!selfclose && strcmp(name, "pre") == 0)
        h->in_pre++;
    block_break(h, name);
    return end;
}

static size_t end_tag(hstate *h, const char *s, size_t n, size_t i)
{
    char name[16];
    if (i >= n || !is_alpha(s[i])) /* "</>" or "</3": a bogus comment */
        return skip_past(s, n, i, ">");
    tag_name(s, n, i, name, sizeof name);
    if (strcmp(name, "head") == 0)
        h->in_head = 0;
    if (strcmp(name, "pre") == 0 && h->in_pre > 0)
        h->in_pre--;
    block_break(h, name);
    return skip_past(s, n, i, ">");
}

static size_t html_tag(hstate *h, const char *s, size_t n, size_t i)
{
    if (ci_at(s, n, i, "<!--"))
        return skip_past(s, n, i + 4, "-->");
    if (ci_at(s, n, i, "<![cdata["))
        return skip_past(s, n, i + 9, "]]>");
    if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?'))
        return skip_past(s, n, i + 2, ">");
    if (i + 1 < n && s[i + 1] == '/')
        return end_tag(h, s, n, i + 2);
    if (i + 1 < n && is_alpha(s[i + 1]))
        return start_tag(h, s, n, i + 1);
    put_cp(h, '<'); /* "a < b": just text */
    return i + 1;
}

int ze_html_to_text(const char *html, size_t n, char **out, size_t *outlen, char **title)
{
    hstate h;
    memset(&h, 0, sizeof h);
    *out = NULL;
    *outlen = 0;
    if (title)
        *title = NULL;
    for (size_t i = 0; html && i < n;) {
        if (html[i] == '<') {
            i = html_tag(&h, html, n, i);
        } else {
            size_t next = i + 1; /* plain text up to the next tag */
            while (next < n && html[next] != '<')
                next++;
            run_text(&h, html, next, i);
            i = next;
        }
    }
    if (h.out.b.len)
        ob_add(&h.out, "\n", 1);
    ob_add(&h.out, "", 0); /* allocate even when empty */
    if (h.out.oom || h.title.oom) {
        zbuf_free(&h.out.b);
        zbuf_free(&h.title.b);
        return -1;
    }
    *out = h.out.b.data;
    *outlen = h.out.b.len;
    if (title && h.title.b.len)
        *title = h.title.b.data;
    else
        zbuf_free(&h.title.b);
    return 0;
}

/* ------------------------------------------------------------------ */
/* ze_strip_chrome                                                     */

/* Prose lines are never touched; longer lines without punctuation are
 * rare enough to be left alone too. */
#define LONG_LINE 150
/* Footer link lists: items at most this many characters. */
#define FOOTER_ITEM 12

static int is_uspace(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x3000 ||
           c == 0xFEFF;
}

/* Separators a chrome bar leaves behind once its fragments are cut. */
static int is_sep(uint32_t c)
{
    return is_uspace(c) || c == '|' || c == 0xFF5C || c == 0x4E28 || c == 0x3010 || c == 0x3011 ||
           c == '[' || c == ']' || c == ':' || c == 0xFF1A || c == '/' || c == 0xB7;
}

/* The part of s[0..n) without leading and trailing chars matching `skip`. */
static void trim_by(const char *s, size_t n, int (*skip)(uint32_t), size_t *start, size_t *len)
{
    size_t first = NPOS, end = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = cp_at(s, n, i, &cp);
        if (!skip(cp)) {
            if (first == NPOS)
                first = i;
            end = i + k;
        }
        i += k;
    }
    *start = first == NPOS ? 0 : first;
    *len = first == NPOS ? 0 : end - first;
}

static size_t cp_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; c++) {
        uint32_t cp;
        i += cp_at(s, n, i, &cp);
    }
    return c;
}

static int is_prose(const char *t, size_t m)
{
    static const char *const punct[] = {"。", "；", "，", "！", "？", ",", ";", NULL};
    return has_any(t, m, punct) || cp_count(t, m) > LONG_LINE;
}

static int is_nav_trail(const char *t, size_t m)
{
    static const char *const prefixes[] = {"您当前的位置", "您现在的位置", "您的位置", "你当前的位置",
                                           "你现在的位置", "你的位置",     "当前位置", "当前的位置",
                                           "现在的位置",   "所在位置",     NULL};
    static const char *const arrows[] = {">", "＞", "»", "→", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (starts_with(t, m, *p))
            return 1;
    return starts_with(t, m, "首页") && has_any(t, m, arrows);
}

/* Byte length of a '|', '｜' or '丨' at s[i], else 0. */
static size_t bar_at(const char *s, size_t n, size_t i)
{
    if (s[i] == '|')
        return 1;
    if (starts_with(s + i, n - i, "｜") || starts_with(s + i, n - i, "丨"))
        return 3;
    return 0;
}

static int site_name(const char *s, size_t n)
{
    size_t a, m;
    trim_by(s, n, is_uspace, &a, &m);
    return m > 0 && cp_count(s + a, m) <= 20 &&
           (ends_with(s + a, m, "网") || ends_with(s + a, m, "网站"));
}

/* "中国政府网|重庆市人民政府网": site names ending in 网 between bars. */
static int is_site_banner(const char *t, size_t m)
{
    size_t parts = 0, start = 0;
    for (size_t i = 0; i <= m;) {
        size_t k = i < m ? bar_at(t, m, i) : 1;
        if (!k) {
            uint32_t cp;
            i += cp_at(t, m, i, &cp);
            continue;
        }
        size_t a, len;
        trim_by(t + start, i - start, is_uspace, &a, &len);
        if (len && !site_name(t + start, i - start))
            return 0;
        parts += len > 0;
        i += k;
        start = i;
    }
    return parts >= 2;
}

static int is_footer_line(const char *t, size_t m)
{
    static const char *const keys[] = {"版权所有", "主办单位：", "主办单位:", "承办单位：",
                                       "承办单位:", "ICP备",     "ICP证",     "网站标识码",
                                       "联系我们", "公网安备",  "网站地图",  "技术支持：",
                                       "技术支持:", "Copyright", "copyright", "©",
                                       NULL};
    return has_any(t, m, keys);
}

/* How a chrome fragment extends from its marker. */
enum { FR_COUNTER, FR_BRACKET, FR_EOL, FR_TOKEN };

static const struct {
    const char *s;
    unsigned char kind, strong; /* weak markers only count on chrome lines */
} markers[] = {
    {"阅读次数", FR_COUNTER, 1}, {"浏览次数", FR_COUNTER, 1}, {"访问次数", FR_COUNTER, 1},
    {"点击次数", FR_COUNTER, 1}, {"访问量", FR_COUNTER, 1},   {"浏览量", FR_COUNTER, 1},
    {"阅读量", FR_COUNTER, 1},   {"点击数", FR_COUNTER, 1},   {"点击量", FR_COUNTER, 1},
    {"【字体", FR_BRACKET, 1},   {"[字体", FR_BRACKET, 1},    {"字体：", FR_EOL, 1},
    {"字体:", FR_EOL, 1},        {"字号：", FR_EOL, 1},       {"字号:", FR_EOL, 1},
    {"扫一扫", FR_EOL, 1},       {"分享到", FR_EOL, 1},       {"打印本页", FR_TOKEN, 1},
    {"关闭窗口", FR_TOKEN, 1},   {"关闭本页", FR_TOKEN, 1},   {"加入收藏", FR_TOKEN, 1},
    {"收藏本页", FR_TOKEN, 1},   {"返回顶部", FR_TOKEN, 1},   {"打印", FR_TOKEN, 0},
    {"关闭", FR_TOKEN, 0},       {"收藏", FR_TOKEN, 0},       {"返回", FR_TOKEN, 0},
};

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    while (i < n) {
        uint32_t cp;
        size_t k = cp_at(s, n, i, &cp);
        if (!is_uspace(cp))
            break;
        i += k;
    }
    return i;
}

/* Font-size switch "大 中 小" (spaced, or bracketed "【大中小】"); the
 * unspaced form alone is a word (大中小学). Sets [*a, *b). */
static int find_size_bar(const char *s, size_t n, size_t *a, size_t *b)
{
    for (size_t i = 0; i < n; i++) {
        if (!starts_with(s + i, n - i, "大"))
            continue;
        size_t j = skip_spaces(s, n, i + 3), gap1 = j - (i + 3);
        if (!starts_with(s + j, n - j, "中"))
            continue;
        size_t k = skip_spaces(s, n, j + 3), gap2 = k - (j + 3);
        if (!starts_with(s + k, n - k, "小"))
            continue;
        size_t end = k + 3;
        int open = i >= 3 && memcmp(s + i - 3, "【", 3) == 0;
        int close = starts_with(s + end, n - end, "】");
        if ((gap1 && gap2) || (open && close)) {
            *a = open ? i - 3 : i;
            *b = close ? end + 3 : end;
            return 1;
        }
    }
    return 0;
}

/* Counter fragment end: "阅读次数：1234次" and an optional closing bracket;
 * only one number, so a date after it survives. */
static size_t counter_end(const char *s, size_t n, size_t i)
{
    i = skip_spaces(s, n, i);
    if (i < n && s[i] == ':')
        i++;
    else if (starts_with(s + i, n - i, "："))
        i += 3;
    i = skip_spaces(s, n, i);
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ','))
        i++;
    if (starts_with(s + i, n - i, "人次"))
        i += 6;
    else if (starts_with(s + i, n - i, "次"))
        i += 3;
    return i;
}

/* [*a, *b) of marker `m` found at `pos`, with brackets around it. */
static void fragment_extent(const char *s, size_t n, size_t pos, size_t m, size_t *a, size_t *b)
{
    size_t len = strlen(markers[m].s), end = pos + len;
    int open = (pos >= 3 && memcmp(s + pos - 3, "【", 3) == 0) || (pos >= 1 && s[pos - 1] == '[');
    if (markers[m].kind == FR_BRACKET) {
        size_t k = find_lit(s + end, n - end, s[pos] == '[' ? "]" : "】");
        end = k == NPOS ? n : end + k + (s[pos] == '[' ? 1 : 3);
        open = 0;
    } else if (markers[m].kind == FR_EOL) {
        end = n;
    } else if (markers[m].kind == FR_COUNTER) {
        end = counter_end(s, n, end);
    }
    if (open && starts_with(s + end, n - end, "】"))
        end += 3;
    else if (open && end < n && s[end] == ']')
        end++;
    *a = open ? pos - (s[pos - 1] == '[' ? 1 : 3) : pos;
    *b = end;
}

/* Counters and share prompts are words too (访问量大幅提升, 经验分享到基层);
 * as chrome they come with a colon, a number, or nothing after them. */
static int marker_ok(const char *s, size_t n, size_t pos, size_t m)
{
    if (markers[m].kind != FR_COUNTER && strcmp(markers[m].s, "分享到") != 0)
        return 1;
    size_t j = skip_spaces(s, n, pos + strlen(markers[m].s));
    return j == n || s[j] == ':' || (s[j] >= '0' && s[j] <= '9') ||
           starts_with(s + j, n - j, "：");
}

static size_t find_marker(const char *s, size_t n, size_t m)
{
    for (size_t from = 0, p; from < n; from = p + 1) {
        size_t k = find_lit(s + from, n - from, markers[m].s);
        if (k == NPOS)
            return NPOS;
        p = from + k;
        if (marker_ok(s, n, p, m))
            return p;
    }
    return NPOS;
}

/* The leftmost chrome fragment in s (longest marker on ties). */
static int next_fragment(const char *s, size_t n, size_t *a, size_t *b, int *strong)
{
    size_t best = NPOS, bm = 0;
    for (size_t m = 0; m < sizeof markers / sizeof *markers; m++) {
        size_t p = find_marker(s, n, m);
        if (p != NPOS && (best == NPOS || p < best ||
                          (p == best && strlen(markers[m].s) > strlen(markers[bm].s))))
            best = p, bm = m;
    }
    size_t sa, sb;
    if (find_size_bar(s, n, &sa, &sb) && (best == NPOS || sa <= best)) {
        *a = sa, *b = sb, *strong = 1;
        return 1;
    }
    if (best == NPOS)
        return 0;
    fragment_extent(s, n, best, bm, a, b);
    *strong = markers[bm].strong;
    return 1;
}

enum { KEEP, DROP };

/* Cut chrome fragments (font bar, counters, print/close buttons, share
 * prompts) out of a line.  A line that had only chrome goes; content left
 * next to a real marker (the date before 阅读次数) stays. */
static int strip_bar(char *line, size_t *len, char *scratch)
{
    size_t n = *len, a, b, m;
    int strong = 0, st;
    memcpy(scratch, line, n);
    while (next_fragment(scratch, n, &a, &b, &st)) {
        strong |= st;
        memmove(scratch + a, scratch + b, n - b);
        n -= b - a;
    }
    trim_by(scratch, n, is_sep, &a, &m);
    if (m == 0 && n != *len)
        return DROP;
    if (strong) {
        memcpy(line, scratch + a, m);
        *len = m;
    }
    return KEEP;
}

static int classify(char *line, size_t *len, char *scratch)
{
    size_t a, m;
    trim_by(line, *len, is_uspace, &a, &m);
    const char *t = line + a;
    if (m == 0 || is_prose(t, m))
        return KEEP;
    if (is_nav_trail(t, m) || is_site_banner(t, m) || is_footer_line(t, m))
        return DROP;
    return strip_bar(line, len, scratch);
}

/* Signature blocks end in an issuer (…人民政府) and a date; those lines
 * stop a footer run. */
static int is_issuer(const char *t, size_t m)
{
    static const char *const ends[] = {"政府", "委员会", "办公室", "办公厅", "局", "厅",
                                       "委",   "院",     "公署",   NULL};
    for (const char *const *e = ends; *e; e++)
        if (ends_with(t, m, *e))
            return 1;
    return 0;
}

static int footer_tokens_short(const char *t, size_t m)
{
    size_t tok = 0, total = 0;
    for (size_t i = 0; i < m;) {
        uint32_t cp;
        size_t k = cp_at(t, m, i, &cp);
        if (is_uspace(cp) || cp == '|') {
            tok = 0;
        } else if (++tok > FOOTER_ITEM || ++total > 3 * FOOTER_ITEM) {
            return 0;
        }
        i += k;
    }
    return 1;
}

/* A footer link: a few short words, no digits, dates, punctuation. */
static int is_footer_item(const char *t, size_t m)
{
    static const char *const stops[] = {"、", "：", ":", "《", "“", "”", "\"", "（", "(", NULL};
    if (is_prose(t, m) || has_any(t, m, stops) || is_issuer(t, m))
        return 0;
    if (has(t, m, "年") && (has(t, m, "月") || has(t, m, "日")))
        return 0;
    for (size_t i = 0; i < m; i++)
        if ((t[i] >= '0' && t[i] <= '9') || starts_with(t + i, m - i, "\xEF\xBC"))
            return 0; /* ASCII or full-width digits/forms (EF BC xx) */
    return footer_tokens_short(t, m);
}

typedef struct cline {
    size_t off, len;
    int drop;
} cline;

static int line_blank(const char *s, const cline *l)
{
    size_t a, m;
    trim_by(s + l->off, l->len, is_uspace, &a, &m);
    return m == 0;
}

/* A run of at least three footer links at the very end, after real text. */
static void drop_footer_run(const char *s, cline *L, size_t nl)
{
    size_t i = nl, first = nl, count = 0;
    for (; i > 0; i--) {
        cline *l = &L[i - 1];
        size_t a, m;
        if (l->drop || line_blank(s, l))
            continue;
        trim_by(s + l->off, l->len, is_uspace, &a, &m);
        if (!is_footer_item(s + l->off + a, m))
            break;
        count++;
        first = i - 1;
    }
    if (count < 3 || i == 0)
        return;
    for (size_t k = first; k < nl; k++)
        L[k].drop = 1;
}

/* Joins the kept lines; blank lines left over where chrome was cut out
 * are not repeated. */
static void rebuild(char *text, const cline *L, size_t nl, size_t *len)
{
    size_t w = 0, kept = 0;
    int dropped = 0, last_blank = 1;
    for (size_t i = 0; i < nl; i++) {
        int blank = line_blank(text, &L[i]);
        int tail = i + 1 == nl && L[i].len == 0; /* after the final '\n' */
        if (L[i].drop || (blank && dropped && last_blank && !tail)) {
            dropped |= L[i].drop;
            continue;
        }
        if (kept++)
            text[w++] = '\n';
        memmove(text + w, text + L[i].off, L[i].len);
        w += L[i].len;
        last_blank = blank;
        if (!blank)
            dropped = 0;
    }
    text[w] = 0;
    *len = w;
}

/* ---- the fast path ----
 * classify() keeps a line as it is unless the line holds one of these
 * (each marker, footer key and navigation-trail prefix contains one), a
 * bar and 网 (a site banner), or 大 中 小 (a font-size bar); most lines
 * hold none, and most texts none at all.  Keys are found at lead bytes, so
 * the scan costs a table look-up per character. */
static const char *const chrome_keys[] = {
    "位置",   "首页",   "版权所有", "主办单位", "承办单位", "ICP",    "网站标识码",
    "联系我们", "公网安备", "网站地图", "技术支持", "opyright", "\xC2\xA9", "次数",
    "访问量", "浏览量", "阅读量",   "点击数",   "点击量",   "字体",   "字号",
    "扫一扫", "分享到", "打印",     "关闭",     "收藏",     "返回",   NULL};

#define CP_WANG 0x7F51 /* 网 */
#define CP_DA 0x5927   /* 大 */

/* Bit per BMP code point: the first character of a key, a bar, 网, 大. */
static uint8_t key_bits[0x10000 / 8];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void set_key_bit(uint32_t cp) { key_bits[cp >> 3] |= (uint8_t)(1u << (cp & 7)); }

static void build_key_bits(void)
{
    for (const char *const *k = chrome_keys; *k; k++) {
        uint32_t cp;
        if ((unsigned char)**k >= 0xE0 && cp_at(*k, strlen(*k), 0, &cp) == 3)
            set_key_bit(cp);
    }
    set_key_bit(0xFF5C); /* ｜ */
    set_key_bit(0x4E28); /* 丨 */
    set_key_bit(CP_WANG);
    set_key_bit(CP_DA);
}

static int key_at(const char *s, size_t n, size_t i)
{
    for (const char *const *k = chrome_keys; *k; k++)
        if ((*k)[0] == s[i] && starts_with(s + i, n - i, *k))
            return 1;
    return 0;
}

/* 大, 中 and 小 with only spaces between them, from s[i]. */
static int size_bar_at(const char *s, size_t n, size_t i)
{
    size_t j = skip_spaces(s, n, i + 3);
    if (!starts_with(s + j, n - j, "中"))
        return 0;
    j = skip_spaces(s, n, j + 3);
    return starts_with(s + j, n - j, "小");
}

/* 0 when no line of s can be chrome to classify() (key_bits built). */
static int chrome_key_in(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    int bar = 0, wang = 0; /* on this line */
    for (size_t i = 0; i < n; i++) {
        unsigned c = u[i];
        if (c < 0x80) {
            if (c == '\n')
                bar = wang = 0;
            else if (c == '|')
                bar = 1;
            else if ((c == 'I' && starts_with(s + i, n - i, "ICP")) ||
                     (c == 'o' && starts_with(s + i, n - i, "opyright")))
                return 1;
            else
                continue;
        } else if (c == 0xC2) {
            if (key_at(s, n, i))
                return 1;
            continue;
        } else if (c >= 0xE0 && c < 0xF0 && i + 2 < n && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80) {
            uint32_t cp = (c & 0x0Fu) << 12 | (u[i + 1] & 0x3Fu) << 6 | (u[i + 2] & 0x3Fu);
            if (key_bits[cp >> 3] & (1u << (cp & 7))) {
                if (key_at(s, n, i) || (cp == CP_DA && size_bar_at(s, n, i)))
                    return 1;
                if (cp == CP_WANG)
                    wang = 1;
                else if (cp == 0xFF5C || cp == 0x4E28)
                    bar = 1;
            }
            i += 2; /* a key never starts at a continuation byte */
        } else {
            continue;
        }
        if (bar && wang)
            return 1;
    }
    return 0;
}

/* Whether drop_footer_run would drop lines of s when classify() drops
 * none: the same walk back from the end, without the line table. */
static int footer_run_at_end(const char *s, size_t n)
{
    size_t end = n, count = 0;
    for (;;) {
        size_t start = end;
        while (start > 0 && s[start - 1] != '\n')
            start--;
        size_t a, m;
        trim_by(s + start, end - start, is_uspace, &a, &m);
        if (m) {
            if (!is_footer_item(s + start + a, m))
                return count >= 3;
            count++;
        }
        if (start == 0)
            return 0;
        end = start - 1;
    }
}

/* The line-by-line work; with `fast`, lines without a key are kept
 * without classify() and an unchanged text is not rebuilt. */
static void strip_lines(char *text, size_t *len, int fast)
{
    size_t n = *len, nl = 1;
    for (size_t i = 0; i < n; i++)
        nl += text[i] == '\n';
    cline *L = malloc(nl * sizeof *L);
    char *scratch = malloc(n + 1);
    if (!L || !scratch) { /* leave the text as it is */
        free(L);
        free(scratch);
        return;
    }
    size_t start = 0, k = 0;
    int changed = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && text[i] != '\n')
            continue;
        L[k].off = start;
        L[k].len = i - start;
        L[k].drop = 0;
        if (!fast || chrome_key_in(text + start, i - start)) {
            L[k].drop = classify(text + start, &L[k].len, scratch) == DROP;
            changed |= L[k].drop || L[k].len != i - start;
        }
        k++;
        start = i + 1;
    }
    drop_footer_run(text, L, nl);
    for (size_t i = 0; i < nl && !changed; i++)
        changed = L[i].drop;
    if (fast && !changed)
        text[n] = 0; /* what rebuild() would give */
    else
        rebuild(text, L, nl, len);
    free(L);
    free(scratch);
}

void ze_strip_chrome(char *text, size_t *len)
{
    if (!text || !len || *len == 0)
        return;
    pthread_once(&key_once, build_key_bits);
    if (!chrome_key_in(text, *len) && !footer_run_at_end(text, *len)) {
        text[*len] = 0; /* what rebuild() would give */
        return;
    }
    strip_lines(text, len, 1);
}

void ze_strip_chrome_full(char *text, size_t *len)
{
    if (!text || !len || *len == 0)
        return;
    strip_lines(text, len, 0);
}
