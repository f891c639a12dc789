/* analyzer.c - see analyzer.h for the token stream it produces. */
#include "analyzer.h"
#include "normalize.h"
#include "zbuf.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unicode/ubrk.h>
#include <unicode/uclean.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

struct za_analyzer {
    zn_normalizer *norm;
    UBreakIterator *brk;
    zbuf tok; /* UTF-8 of the current token */
    /* character-layer pieces of the current word, found before the word
     * itself is reported (it carries their count) */
    struct piece {
        int32_t s, e;
        int cjk;
    } *pieces;
    size_t piececap;
};

/* ---- running out of memory inside ICU (see za_guard_memory) ---- */

/* Enough for ICU to finish the calls under way in every thread. */
#define ICU_RESERVE ((size_t)8 << 20)

/* The reserve: mapped when guarding starts (pages are only touched when
 * used); once malloc fails, ICU's allocations are carved from it, each
 * after a 16-byte header holding its size, and never given back. */
static char *reserve;
static atomic_size_t reserve_used;
static atomic_uint icu_failures; /* allocations malloc could not serve */
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;

static int in_reserve(const void *p)
{
    return reserve && (const char *)p >= reserve && (const char *)p < reserve + ICU_RESERVE;
}

static void *from_reserve(size_t n)
{
    atomic_fetch_add(&icu_failures, 1);
    size_t need = 16 + ((n + 15) & ~(size_t)15);
    size_t at = atomic_fetch_add(&reserve_used, need);
    if (!reserve || at + need > ICU_RESERVE)
        return NULL;
    memcpy(reserve + at, &n, sizeof n);
    return reserve + at + 16;
}

static void *U_CALLCONV icu_alloc(const void *ctx, size_t n)
{
    (void)ctx;
    void *p = malloc(n);
    return p ? p : from_reserve(n);
}

static void *U_CALLCONV icu_realloc(const void *ctx, void *old, size_t n)
{
    (void)ctx;
    size_t had;
    if (!old)
        return icu_alloc(ctx, n);
    if (!in_reserve(old)) {
        void *p = realloc(old, n);
        if (p)
            return p;
        had = malloc_usable_size(old);
    } else {
        memcpy(&had, (char *)old - 16, sizeof had);
    }
    void *p = malloc(n);
    if (!p)
        p = from_reserve(n);
    if (!p)
        return NULL;
    memcpy(p, old, had < n ? had : n);
    if (!in_reserve(old))
        free(old);
    return p;
}

static void U_CALLCONV icu_free(const void *ctx, void *p)
{
    (void)ctx;
    if (!in_reserve(p))
        free(p);
}

static void guard_start(void)
{
    void *p = mmap(NULL, ICU_RESERVE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return;
    reserve = p;
    UErrorCode st = U_ZERO_ERROR;
    /* malloc-compatible, so memory ICU got before is freed right */
    u_setMemoryFunctions(NULL, icu_alloc, icu_realloc, icu_free, &st);
    if (U_FAILURE(st)) {
        munmap(p, ICU_RESERVE);
        reserve = NULL;
    }
}

int za_guard_memory(void)
{
    pthread_once(&guard_once, guard_start);
    return reserve ? 0 : -1;
}

za_analyzer *za_new(zerr *e)
{
    za_analyzer *a = calloc(1, sizeof *a);
    if (!a) {
        zerr_set(e, ZERR_NOMEM, "out of memory");
        return NULL;
    }
    a->norm = zn_new(e);
    if (!a->norm)
        goto fail;
    UErrorCode st = U_ZERO_ERROR;
    a->brk = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
    if (U_FAILURE(st)) {
        zerr_set(e, st == U_MEMORY_ALLOCATION_ERROR ? ZERR_NOMEM : ZERR_OTHER,
                 "ICU word break iterator: %s", u_errorName(st));
        goto fail;
    }
    return a;
fail:
    za_free(a);
    return NULL;
}

void za_free(za_analyzer *a)
{
    if (!a)
        return;
    zn_free(a->norm);
    if (a->brk)
        ubrk_close(a->brk);
    zbuf_free(&a->tok);
    free(a->pieces);
    free(a);
}

struct zn_normalizer *za_normalizer(za_analyzer *a)
{
    return a->norm;
}

const char *za_settings_id(void)
{
    /* Change when anything that decides which terms a text yields changes. */
    return "nfkc_cf+t2s-table;icu-word-zh;char-layer-v1;gap-punct;max120";
}

int za_is_cjk(uint32_t cp)
{
    if (cp < 0x2E80)
        return 0;
    if (u_hasBinaryProperty((UChar32)cp, UCHAR_IDEOGRAPHIC))
        return 1;
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript((UChar32)cp, &st);
    return sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
           sc == USCRIPT_HANGUL || sc == USCRIPT_BOPOMOFO;
}

/* State carried across tokens of one analysis. */
typedef struct run {
    za_analyzer *a;
    const zn_text *t;
    za_token_cb cb;
    void *ctx;
    uint32_t pos;   /* last character-layer position handed out */
    int gap;        /* punctuation seen since the last token */
    uint32_t words; /* word counter */
    int chars_only; /* za_analyze_chars: no ZA_WORD tokens */
} run;

/* UTF-8 of normalized units [s, e), capped; sets tok fields. */
static int make_token(run *r, za_kind kind, int32_t s, int32_t e, za_token *tok)
{
    zbuf *b = &r->a->tok;
    zbuf_clear(b);
    int32_t i = s;
    while (i < e) {
        UChar32 c;
        U16_NEXT(r->t->text, i, e, c);
        if (zbuf_add_cp(b, (uint32_t)c))
            return -1;
    }
    tok->kind = kind;
    tok->text = b->data;
    tok->len = utf8_clip(b->data, b->len, ZA_MAX_TOKEN);
    tok->src_start = r->t->src_start[s];
    tok->src_end = r->t->src_end[e - 1];
    tok->cjk = 0;
    tok->nchars = 0;
    return 0;
}

static int emit_char(run *r, int32_t s, int32_t e, int cjk)
{
    za_token tok;
    if (make_token(r, ZA_CHAR, s, e, &tok))
        return -1;
    r->pos += r->gap && r->pos ? 2 : 1;
    r->gap = 0;
    tok.pos = r->pos;
    tok.cjk = cjk;
    return r->cb(r->ctx, &tok) ? 1 : 0;
}

/* Append piece [s, e) of the current word. */
static int add_piece(za_analyzer *a, size_t *n, int32_t s, int32_t e, int cjk)
{
    if (*n == a->piececap) {
        size_t nc = a->piececap ? a->piececap * 2 : 64;
        struct piece *p = realloc(a->pieces, nc * sizeof *p);
        if (!p)
            return -1;
        a->pieces = p;
        a->piececap = nc;
    }
    a->pieces[(*n)++] = (struct piece){s, e, cjk};
    return 0;
}

/* One ICU word [s, e): the word itself (unless r reports characters only),
 * then its character layer: each CJK character, and each run of other
 * characters, as one piece. */
static int emit_word(run *r, int32_t s, int32_t e)
{
    za_analyzer *a = r->a;
    size_t n = 0;
    int32_t other = -1; /* start of a pending non-CJK run */
    for (int32_t i = s; i < e;) {
        int32_t at = i;
        UChar32 c;
        U16_NEXT(r->t->text, i, e, c);
        if (!za_is_cjk((uint32_t)c)) {
            if (other < 0)
                other = at;
            continue;
        }
        if ((other >= 0 && add_piece(a, &n, other, at, 0)) || add_piece(a, &n, at, i, 1))
            return -1;
        other = -1;
    }
    if (other >= 0 && add_piece(a, &n, other, e, 0))
        return -1;
    if (!r->chars_only) {
        za_token tok;
        if (make_token(r, ZA_WORD, s, e, &tok))
            return -1;
        tok.pos = ++r->words;
        tok.nchars = (uint32_t)n;
        if (r->cb(r->ctx, &tok))
            return 1;
    }
    for (size_t k = 0; k < n; k++) {
        int rc = emit_char(r, a->pieces[k].s, a->pieces[k].e, a->pieces[k].cjk);
        if (rc)
            return rc;
    }
    return 0;
}

/* True when units [s, e) hold anything but whitespace. */
static int has_non_space(const zn_text *t, int32_t s, int32_t e)
{
    int32_t i = s;
    while (i < e) {
        UChar32 c;
        U16_NEXT(t->text, i, e, c);
        if (!u_isUWhiteSpace(c))
            return 1;
    }
    return 0;
}

/* ICU's words of units [from, to) of the normalized text, reported. */
static int icu_words(run *r, int32_t from, int32_t to)
{
    za_analyzer *a = r->a;
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(a->brk, r->t->text + from, to - from, &st);
    if (U_FAILURE(st))
        return -1;
    int32_t s = ubrk_first(a->brk);
    for (int32_t e = ubrk_next(a->brk); e != UBRK_DONE; s = e, e = ubrk_next(a->brk)) {
        if (ubrk_getRuleStatus(a->brk) >= UBRK_WORD_NONE_LIMIT) {
            int rc = emit_word(r, from + s, from + e);
            if (rc)
                return rc;
        } else if (has_non_space(r->t, from + s, from + e)) {
            r->gap = 1;
        }
    }
    return 0;
}

int za_analyze(za_analyzer *a, const char *utf8, size_t len, za_token_cb cb, void *ctx)
{
    /* once ICU has run short, its state is not to be trusted again */
    unsigned failures = atomic_load(&icu_failures);
    zn_text t;
    if (failures || zn_normalize(a->norm, utf8, len, &t))
        return -1;
    if (t.len == 0)
        return 0;
    run r = {a, &t, cb, ctx, 0, 0, 0, 0};
    int rc = icu_words(&r, 0, t.len);
    /* ICU ran short meanwhile (here or in another thread): words may be
     * missing */
    if (atomic_load(&icu_failures) != failures)
        return -1;
    return rc;
}

/* Ideographs that need no word break iterator: each is a character-layer
 * token of its own, and ICU's CJK dictionary puts each in a word. */
static int plain_ideograph(UChar32 c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2EBEF) ||
           (c >= 0x30000 && c <= 0x3134F);
}

/* Other characters whose words ICU finds the same with or without the
 * ideographs beside them: no word break rule joins them to an ideograph
 * (Latin letters, digits, punctuation, spaces, CJK brackets and
 * punctuation).  Anything else - kana, hangul, 々, radicals, extenders,
 * format characters, emoji, scripts with dictionaries - may be joined to
 * or cut by its neighbours: a line holding one goes to ICU whole. */
static int context_free(UChar32 c)
{
    if (c < 0x80)
        return 1;
    if (c < 0x250) /* Latin-1 and Latin Extended: letters and punctuation */
        return c != 0xAD; /* soft hyphen: a format character */
    if (c >= 0x2010 && c <= 0x2027)
        return 1;
    if (c >= 0x2030 && c <= 0x205E)
        return 1;
    if ((c >= 0x3000 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3020))
        return 1;
    return (c >= 0xFF01 && c <= 0xFF65) || (c >= 0xFFE0 && c <= 0xFFEE);
}

/* Of the context-free characters (all in the BMP), those ICU may put in a
 * word: whatever ICU reports as a word on its own (letters, digits, '_',
 * but also '@' by its tailoring), and any letter, digit or pictograph.  A
 * stretch of none of them (punctuation, symbols, spaces) holds no word.
 * Asked of ICU once per process. */
static uint8_t word_bits[0x10000 / 8];
static pthread_once_t word_once = PTHREAD_ONCE_INIT;

static void find_word_chars(void)
{
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *b = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
    for (UChar32 c = 0; c < 0x10000; c++) {
        if (!context_free(c))
            continue;
        int word = !b || u_isalnum(c) || c == '_' ||
                   u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC);
        if (!word) {
            UChar u = (UChar)c;
            st = U_ZERO_ERROR;
            ubrk_setText(b, &u, 1, &st);
            word = U_FAILURE(st) || (ubrk_first(b), ubrk_next(b)) == UBRK_DONE ||
                   ubrk_getRuleStatus(b) >= UBRK_WORD_NONE_LIMIT;
        }
        if (word)
            word_bits[c >> 3] |= (uint8_t)(1u << (c & 7));
    }
    if (b)
        ubrk_close(b);
}

static int may_be_word(UChar32 c)
{
    return c > 0xFFFF || (word_bits[c >> 3] >> (c & 7) & 1);
}

int za_analyze_chars(za_analyzer *a, const char *utf8, size_t len, za_token_cb cb, void *ctx)
{
    unsigned failures = atomic_load(&icu_failures);
    zn_text t;
    if (failures || zn_normalize(a->norm, utf8, len, &t))
        return -1;
    run r = {a, &t, cb, ctx, 0, 0, 0, 1};
    int rc = 0;
    pthread_once(&word_once, find_word_chars);
    /* Line by line: ICU's word rules always break at a line feed, so a
     * line's words do not depend on the others. */
    for (int32_t line = 0, next; line < t.len && rc == 0; line = next) {
        int32_t end = line, risky = 0, ideographs = 0;
        while (end < t.len && t.text[end] != 0x0A) {
            UChar32 c;
            U16_NEXT(t.text, end, t.len, c);
            if (plain_ideograph(c))
                ideographs = 1;
            else if (!context_free(c))
                risky = 1;
        }
        next = end < t.len ? end + 1 : end;
        if (risky || !ideographs) {
            rc = icu_words(&r, line, end);
            continue;
        }
        for (int32_t i = line; i < end && rc == 0;) {
            int32_t at = i;
            UChar32 c;
            U16_NEXT(t.text, i, end, c);
            if (plain_ideograph(c)) {
                rc = emit_char(&r, at, i, 1);
                continue;
            }
            int word = may_be_word(c);
            while (i < end) { /* the stretch up to the next ideograph */
                int32_t y = i;
                U16_NEXT(t.text, y, end, c);
                if (plain_ideograph(c))
                    break;
                word |= may_be_word(c);
                i = y;
            }
            if (word)
                rc = icu_words(&r, at, i);
            else if (has_non_space(&t, at, i)) /* punctuation between ideographs */
                r.gap = 1;
        }
    }
    if (atomic_load(&icu_failures) != failures)
        return -1;
    return rc;
}
