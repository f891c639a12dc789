/* analyzer.h - the one tokenizer for documents and queries.
 *
 * za_analyze() normalizes its input (normalize.h), segments it with ICU
 * word breaks and reports every token through one callback, in text order,
 * with byte offsets into the original input (as SQLite FTS5's tokenizer
 * callback does).  Two kinds of token come out:
 *
 *   ZA_WORD  an ICU word (letters, numbers, ideographs, kana), for ranking.
 *   ZA_CHAR  the character layer, for exact matching: every CJK character
 *            on its own, and every run of non-CJK characters inside a word
 *            (a number, a Latin word) as one whole token.
 *
 * Character-layer positions (za_token.pos) are what makes matching exact:
 * consecutive characters of the normalized text get consecutive positions
 * whatever ICU's word boundaries are, and whitespace between them does not
 * count (Chinese text is hard-wrapped: 法治\n政府 is 法治政府).  Anything
 * else between two tokens - punctuation, symbols - leaves a gap of one
 * position, so a phrase never matches across it (放管服改革 does not match
 * “放管服”改革, as grep would not).
 *
 * Tokens are capped at ZA_MAX_TOKEN bytes (cut on a character boundary), the
 * same way for documents and queries, so Xapian's term length limit is
 * never reached.
 */
#ifndef ZHS_ANALYZER_H
#define ZHS_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "zerr.h"

#define ZA_MAX_TOKEN 120

typedef enum za_kind { ZA_WORD = 1, ZA_CHAR = 2 } za_kind;

typedef struct za_token {
    za_kind kind;
    const char *text;   /* normalized UTF-8, not NUL-terminated */
    size_t len;
    uint32_t pos;       /* ZA_CHAR: position (from 1, gaps at punctuation); ZA_WORD: word index */
    int cjk;            /* ZA_CHAR: 1 when this is a single CJK character */
    uint32_t nchars;    /* ZA_WORD: character-layer tokens the word holds (1: the
                           word is one CJK character or one non-CJK token, and
                           the character layer has it under the same text) */
    uint32_t src_start; /* original bytes [src_start, src_end) */
    uint32_t src_end;
} za_token;

/* Return non-zero to stop the analysis (za_analyze then returns 1). */
typedef int (*za_token_cb)(void *ctx, const za_token *tok);

typedef struct za_analyzer za_analyzer;

/* A new analyzer, or NULL with e set. */
za_analyzer *za_new(zerr *e);
void za_free(za_analyzer *a);

/* Analyze utf8[0..len).  Returns 0 when done, 1 when the callback stopped
 * it, -1 on failure (out of memory, ICU error). */
int za_analyze(za_analyzer *a, const char *utf8, size_t len, za_token_cb cb, void *ctx);

/* The ZA_CHAR tokens of za_analyze alone, the same ones (text, positions,
 * offsets), without the ZA_WORD tokens: runs of ideographs skip ICU's word
 * break iterator and its CJK dictionary, about 40% of an analysis.  For
 * indexing, where words are not needed. */
int za_analyze_chars(za_analyzer *a, const char *utf8, size_t len, za_token_cb cb, void *ctx);

/* For programs that must survive running out of memory (zhindex): route
 * ICU's allocations through hooks backed by a reserve.  ICU's break
 * iterator does not report a failed allocation - it goes on and crashes -
 * so when malloc fails ICU is served from the reserve to finish its calls,
 * and za_analyze fails (-1) from then on instead of returning words.
 * Call it before starting threads; it affects ICU process-wide, so
 * libraries do not.  0, or -1 when it could not be set up. */
int za_guard_memory(void);

/* True for characters of the CJK character layer (Han, kana, hangul,
 * bopomofo, and ideographic symbols such as 〇). */
int za_is_cjk(uint32_t cp);

/* The normalizer inside the analyzer (for tools and tests). */
struct zn_normalizer *za_normalizer(za_analyzer *a);

/* Identifies the analysis settings; stored in every index so that an index
 * written with other settings is refused rather than misread. */
const char *za_settings_id(void);

#endif
