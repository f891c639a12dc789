/* zhsearch - search a zhsearch index from the command line.
 *
 * Exit status like grep: 0 when documents matched, 1 when none did, 2 on
 * error.  Output: ranked hits with highlighted snippets, or --json (schema
 * version 1, see README; written by json_out.c, shared with the server),
 * --count, or -l (paths only).  `zhsearch serve ...` (a first argument of
 * exactly "serve"; `zhsearch -- serve` searches for the word) runs the
 * local web search of serve.c.
 */
#include "zhsearch.h"
#include "zbuf.h" /* the UTF-8 decoder */
#include "json_out.h"
#ifdef ZHS_HAVE_SERVE
#include "serve.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Versions of the libraries as built against (headers only: the program
 * links nothing but libzhsearch). */
#if defined(__has_include)
#if __has_include(<xapian/version.h>)
#include <xapian/version.h>
#endif
#if __has_include(<unicode/uvernum.h>)
#include <unicode/uvernum.h>
#endif
#endif

typedef struct cli {
    const char *index;
    const char *shards[64];
    int nshards;
    long timeout_ms;
    int partial;
    int json, count, color, explain, all, files;
    int highlight; /* HL_* */
    long limit, offset, snippet, sort;
    int limit_given;
    const char *facets[16]; /* --facet, in the order given, each once */
    int nfacets;
    int matches;     /* -o: every occurrence (a concordance) */
    long context;    /* --context: characters each side of an occurrence */
    int occurrences; /* --occurrences: facets count occurrences */
    int expand;      /* --expand: synonym groups for every word */
    int table;       /* --tsv / --csv: TABLE_* */
} cli;

enum { TABLE_NONE, TABLE_TSV, TABLE_CSV };

enum { HL_NONE, HL_ANSI, HL_BRACKETS };

#define SHORT_USAGE "usage: zhsearch [-d INDEX] [options] QUERY...\n"

static void usage(FILE *f)
{
    fprintf(f,
            SHORT_USAGE
            "       zhsearch serve [-d INDEX] [options]   (local web search: zhsearch serve -h)\n"
            "\n"
            "query: words are ANDed; \"a phrase\"; a OR b; NOT a, -a; (groups);\n"
            "       year:2021 year:2019..2022 date:2022-01..2022-06 issuer:乐山 title:复议\n"
            "       docno:吴政发〔2022〕3号 docno:吴政发 ~放管服 (its synonym group)\n"
            "\n"
            "options:\n"
            "  -d, --index SPEC       index directory, sharded set, stub file or HOST:PORT of a\n"
            "                         xapian-tcpsrv shard; repeat to search shards as one index\n"
            "                         (default $ZHSEARCH_INDEX or ./zhsearch.idx)\n"
            "      --timeout MS       remote shards must answer within MS (default 10000)\n"
            "      --partial          leave out shards that are down and say so (default: error)\n"
            "  -n, --limit N          show N hits (default 10; 0 = all, like --all)\n"
            "      --offset N         skip the first N hits\n"
            "  -a, --all              show every matching document\n"
            "  -c, --count            print only the number of matching documents\n"
            "  -l, --files-with-matches\n"
            "                         print only the paths of matching documents, one a line\n"
            "                         (every match unless --limit is given)\n"
            "      --sort KEY         relevance (default), date (oldest first), -date (newest first)\n"
            "      --facet FIELD      count matches per year or issuer (repeatable)\n"
            "      --snippet N        snippet length in characters (default 120, 0 = none)\n"
            "  -o, --matches          every occurrence in the matching documents, with context\n"
            "                         (a concordance; --json: JSON Lines; --tsv, --csv)\n"
            "      --context N        characters of context each side with -o (default 20)\n"
            "      --occurrences      facets count occurrences, not documents (trends)\n"
            "      --expand           expand every word in a synonym group (~word always does)\n"
            "      --tsv, --csv       -o and --facet as a table for spreadsheets\n"
            "      --json             JSON output (schema version 1)\n"
            "      --explain          show how the query was analyzed and why hits matched\n"
            "      --color WHEN       colour: auto (default: when stdout is a terminal, TERM is\n"
            "                         not dumb and NO_COLOR is unset), always, never\n"
            "      --highlight HOW    matches in snippets: ansi, brackets ([match]) or none\n"
            "                         (default: ansi with colour, else none)\n"
            "  -V, --version          print versions and exit\n"
            "  -h, --help             this help\n"
            "\n"
            "exit status: 0 matches found, 1 no match, 2 error\n");
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 when s[0] starts none
 * (zbuf.h's strict decoder). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    uint32_t cp;
    return utf8_seq(s, n, &cp);
}

/* Text for a terminal: control characters (C0, DEL, C1) and bytes that are
 * not UTF-8 are shown as escapes, so that a title, file name or snippet
 * cannot move the cursor, recolor or retitle the terminal.  With
 * keep_newlines, a newline stays one (explanations are multi-line). */
static void term_fput(FILE *f, const char *s, size_t n, int keep_newlines)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = utf8_len((const unsigned char *)s + i, n - i);
        if (k == 0) {
            fprintf(f, "\\x%02x", c);
            i++;
        } else if (k == 2 && c == 0xC2 && (unsigned char)s[i + 1] < 0xA0) {
            fprintf(f, "\\u%04x", (unsigned char)s[i + 1]); /* C1 control, e.g. CSI */
            i += 2;
        } else if (k == 1 && (c < 0x20 || c == 0x7F) && !(keep_newlines && c == '\n')) {
            if (c == '\n')
                fputs("\\n", f);
            else if (c == '\t')
                fputs("\\t", f);
            else if (c == '\r')
                fputs("\\r", f);
            else
                fprintf(f, "\\x%02x", c);
            i++;
        } else {
            fwrite(s + i, 1, k, f);
            i += k;
        }
    }
}

static void term_put(const char *s, size_t n, int keep_newlines)
{
    term_fput(stdout, s, n, keep_newlines);
}

/* An error message (it may quote the query or a path). */
static void error_msg(const char *msg)
{
    fputs("zhsearch: ", stderr);
    term_fput(stderr, msg, strlen(msg), 0);
    fputc('\n', stderr);
}

static void term_puts(const char *s)
{
    term_put(s, strlen(s), 0);
}

/* The ZHS_FIELD_* flags of field `name`, 0 when there is none. */
static unsigned field_flags(const char *name)
{
    unsigned flags;
    const char *f;
    for (unsigned i = 0; (f = zhs_field_info(i, &flags)); i++)
        if (!strcmp(f, name))
            return flags;
    return 0;
}

static int print_json(zhs_results *r, const char *query, const cli *c)
{
    jout o = {0};
    jout_opts opts = {.offset = c->offset, .snippet = c->snippet, .explain = c->explain,
                      .facets = c->facets, .nfacets = c->nfacets, .occurrences = c->occurrences};
    jout_results(&o, r, query, &opts);
    jout_raw(&o, "\n");
    int failed = o.failed;
    if (failed)
        fputs("zhsearch: out of memory writing JSON\n", stderr);
    else
        fwrite(o.b.data, 1, o.b.len, stdout);
    jout_free(&o);
    return failed ? -1 : 0;
}

static void print_snippet(const zhs_hit *h, int highlight)
{
    size_t n;
    const char *s = zhs_hit_snippet(h, &n);
    unsigned nr;
    const zhs_range *r = zhs_hit_highlights(h, &nr);
    const char *on = highlight == HL_ANSI ? "\033[1;31m" : highlight == HL_BRACKETS ? "[" : "";
    const char *off = highlight == HL_ANSI ? "\033[0m" : highlight == HL_BRACKETS ? "]" : "";
    size_t at = 0;
    fputs("    ", stdout);
    for (unsigned k = 0; k < nr; k++) {
        term_put(s + at, r[k].start - at, 0);
        fputs(on, stdout);
        term_put(s + r[k].start, r[k].len, 0);
        fputs(off, stdout);
        at = r[k].start + r[k].len;
    }
    term_put(s + at, n - at, 0);
    putchar('\n');
}

/* Terminal columns of code point cp: 2 for East Asian Wide and Fullwidth
 * characters (CJK, kana, Hangul, fullwidth forms, most emoji), 0 for
 * combining marks and zero-width characters, else 1. */
static int cp_width(uint32_t cp)
{
    static const uint32_t wide[][2] = {
        {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
        {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
        {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
        {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
        {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
        {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
        {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
        {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
        {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
        {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
        {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
        {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x18CFF},
        {0x1AFF0, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
        {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF},
        {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
        {0x30000, 0x3FFFD}};
    if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F))
        return 0;
    size_t lo = 0, hi = sizeof wide / sizeof *wide;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < wide[mid][0])
            hi = mid;
        else if (cp > wide[mid][1])
            lo = mid + 1;
        else
            return 2;
    }
    return 1;
}

/* Terminal columns of UTF-8 text (a byte that is not UTF-8 is shown as a
 * 4-column escape). */
static size_t display_width(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)s + i;
        size_t k = utf8_len(u, n - i);
        if (k == 0) {
            cols += 4;
            i++;
            continue;
        }
        uint32_t cp = k == 1 ? u[0] : k == 2 ? (u[0] & 0x1Fu) : k == 3 ? (u[0] & 0x0Fu) : (u[0] & 0x07u);
        for (size_t j = 1; j < k; j++)
            cp = (cp << 6) | (u[j] & 0x3Fu);
        cols += (size_t)cp_width(cp);
        i += k;
    }
    return cols;
}

/* An explanation, its term lines ("    TERM  wdf ...") re-aligned by
 * display width: the library pads terms to 12 bytes, and a CJK character
 * is 3 bytes but 2 columns wide. */
static void put_explain(const char *e)
{
    const size_t col = 12;
    while (*e) {
        const char *nl = strchr(e, '\n'), *end = nl ? nl + 1 : e + strlen(e);
        const char *t = e + 4, *te = t, *w;
        if (end - e > 4 && !memcmp(e, "    ", 4))
            while (te < end && *te != ' ' && *te != '\n')
                te++;
        for (w = te; w < end && *w == ' '; w++)
            ;
        if (te > t && w > te && end - w >= 4 && !memcmp(w, "wdf ", 4)) {
            fputs("    ", stdout);
            term_put(t, (size_t)(te - t), 0);
            for (size_t k = display_width(t, (size_t)(te - t)); k < col; k++)
                putchar(' ');
            putchar(' ');
            term_put(w, (size_t)(end - w), 1);
        } else {
            term_put(e, (size_t)(end - e), 1);
        }
        e = end;
    }
}

/* -l: the path of each hit, one a line.  Raw when piped (for xargs and
 * scripts, like grep -l), escaped on a terminal like all human output. */
static void print_files(zhs_results *r)
{
    int tty = isatty(1);
    for (zhs_hits *it = zhs_results_hits(r); zhs_hits_valid(it); zhs_hits_next(it)) {
        const char *path = zhs_hit_path(zhs_hits_get(it));
        if (tty)
            term_puts(path);
        else
            fputs(path, stdout);
        putchar('\n');
    }
}

static void print_human(zhs_results *r, const cli *c)
{
    const char *bold = c->color ? "\033[1m" : "", *dim = c->color ? "\033[2m" : "",
               *reset = c->color ? "\033[0m" : "";
    if (c->explain) {
        put_explain(zhs_results_explain(r));
        putchar('\n');
    }
    for (zhs_hits *it = zhs_results_hits(r); zhs_hits_valid(it); zhs_hits_next(it)) {
        const zhs_hit *h = zhs_hits_get(it);
        const char *title = zhs_hit_title(h);
        const char *path = zhs_hit_path(h);
        if (!*title) {
            const char *slash = strrchr(path, '/');
            title = slash ? slash + 1 : path;
        }
        printf("%3u. %s", zhs_hit_rank(h), bold);
        term_puts(title);
        printf("%s  %s(%.2f)%s\n", reset, dim, zhs_hit_score(h), reset);
        printf("     %s", dim);
        /* the brief fields only: a hit reads a field when first asked */
        unsigned flags;
        const char *name, *v;
        for (unsigned k = 0; (name = zhs_field_info(k, &flags)); k++) {
            if ((flags & ZHS_FIELD_BRIEF) && (v = zhs_hit_field(h, name)) && *v) {
                term_puts(v);
                fputs(" · ", stdout);
            }
        }
        term_puts(path);
        if (zhs_hit_page(h))
            printf(", p. %u", zhs_hit_page(h));
        if (zhs_hit_field(h, "ocr"))
            fputs(" (OCR)", stdout);
        printf("%s\n", reset);
        if (c->snippet)
            print_snippet(h, c->highlight);
        if (c->explain)
            put_explain(zhs_hit_explain(h));
    }
    for (int k = 0; k < c->nfacets; k++) {
        printf("%s%s:%s", bold, c->facets[k], reset);
        unsigned n;
        const char *v;
        for (unsigned i = 0; (v = zhs_results_facet(r, c->facets[k], i, &n)); i++) {
            fputs("  ", stdout);
            term_puts(v);
            printf(" (%u)", n);
        }
        printf("\n");
    }
    unsigned total = zhs_results_total(r);
    printf("%s%u result%s in %.1f ms", dim, total, total == 1 ? "" : "s",
           zhs_results_seconds(r) * 1000);
    if (c->occurrences)
        printf("; %llu occurrence%s", zhs_results_occurrences(r),
               zhs_results_occurrences(r) == 1 ? "" : "s");
    printf("%s\n", reset);
    if (zhs_results_shards_skipped(r))
        printf("partial results: %u shard%s did not answer and %s left out\n",
               zhs_results_shards_skipped(r), zhs_results_shards_skipped(r) == 1 ? "" : "s",
               zhs_results_shards_skipped(r) == 1 ? "was" : "were");
}

/* A number in [0, 4294967295]: the library counts hits in 32 bits, and a
 * larger value must not wrap around to a small one. */
#define SUGGEST_BELOW 3 /* suggest variants of a query that finds fewer documents */

/* "did you mean" on stderr: the library's variants with their counts. */
static void print_suggestions(const zhs_results *r)
{
    const char *q;
    unsigned n;
    for (unsigned i = 0; (q = zhs_results_suggestion(r, i, &n)); i++) {
        fputs(i ? ", " : "zhsearch: did you mean: ", stderr);
        term_fput(stderr, q, strlen(q), 0);
        fprintf(stderr, " (%u)", n);
    }
    if (zhs_results_suggestion(r, 0, NULL))
        fputc('\n', stderr);
}

/* One cell of a TSV or CSV row: TSV has no quoting, so tabs and line
 * breaks become spaces; CSV quotes every cell (RFC 4180). */
static void cell(const char *s, size_t n, int table, int last)
{
    if (table == TABLE_CSV)
        putchar('"');
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (table == TABLE_TSV && (ch == '\t' || ch == '\n' || ch == '\r'))
            ch = ' ';
        if (table == TABLE_CSV && ch == '"')
            putchar('"');
        putchar(ch);
    }
    if (table == TABLE_CSV)
        putchar('"');
    putchar(last ? '\n' : table == TABLE_CSV ? ',' : '\t');
}

static void cells(const char *s, int table, int last) { cell(s, strlen(s), table, last); }

/* --facet with --tsv/--csv: field, value, count rows under a header. */
static void print_facet_table(zhs_results *r, const cli *c)
{
    cells("facet", c->table, 0);
    cells("value", c->table, 0);
    cells(c->occurrences ? "occurrences" : "documents", c->table, 1);
    for (int k = 0; k < c->nfacets; k++) {
        unsigned n;
        const char *v;
        char num[24];
        for (unsigned i = 0; (v = zhs_results_facet(r, c->facets[k], i, &n)); i++) {
            snprintf(num, sizeof num, "%u", n);
            cells(c->facets[k], c->table, 0);
            cells(v, c->table, 0);
            cells(num, c->table, 1);
        }
    }
}

/* The occurrences of one hit, in the chosen output. */
static int print_matches(const zhs_hit *h, const cli *c)
{
    unsigned n;
    const zhs_match *m = zhs_hit_matches(h, &n);
    const char *on = c->highlight == HL_ANSI ? "\033[1;31m" : c->highlight == HL_BRACKETS ? "[" : "";
    const char *off = c->highlight == HL_ANSI ? "\033[0m" : c->highlight == HL_BRACKETS ? "]" : "";
    for (unsigned i = 0; i < n; i++) {
        if (c->json) {
            jout o = {0};
            jout_match(&o, h, &m[i]);
            jout_raw(&o, "\n");
            if (o.failed) {
                jout_free(&o);
                fputs("zhsearch: out of memory writing JSON\n", stderr);
                return -1;
            }
            fwrite(o.b.data, 1, o.b.len, stdout);
            jout_free(&o);
        } else if (c->table) {
            char page[16] = "", offset[24];
            if (m[i].page)
                snprintf(page, sizeof page, "%u", m[i].page);
            snprintf(offset, sizeof offset, "%llu", m[i].offset);
            cells(zhs_hit_path(h), c->table, 0);
            cells(page, c->table, 0);
            cells(offset, c->table, 0);
            cell(m[i].context, m[i].start, c->table, 0);
            cell(m[i].context + m[i].start, m[i].len, c->table, 0);
            cell(m[i].context + m[i].start + m[i].len, m[i].context_len - m[i].start - m[i].len,
                 c->table, 1);
        } else {
            term_puts(zhs_hit_path(h));
            if (m[i].page)
                printf(":p.%u", m[i].page);
            fputs(": ", stdout);
            term_put(m[i].context, m[i].start, 0);
            fputs(on, stdout);
            term_put(m[i].context + m[i].start, m[i].len, 0);
            fputs(off, stdout);
            term_put(m[i].context + m[i].start + m[i].len, m[i].context_len - m[i].start - m[i].len, 0);
            putchar('\n');
        }
    }
    return 0;
}

/* -o: every occurrence in every matching document, streamed: the hits are
 * fetched a page at a time, so that --all over a whole collection prints
 * as it goes and holds one page in memory. */
static int concordance(zhs_index *idx, const char *query, zhs_options *o, const cli *c, long limit)
{
    enum { PAGE = 100 };
    if (c->table) {
        const char *head[] = {"path", "page", "offset", "left", "match", "right"};
        for (int k = 0; k < 6; k++)
            cells(head[k], c->table, k == 5);
    }
    unsigned long shown = 0, total = 0;
    for (long off = c->offset;; off += PAGE) {
        long want = limit == 0 ? PAGE : limit - (long)shown < PAGE ? limit - (long)shown : PAGE;
        zhs_results *r = NULL;
        if (want <= 0 || zhs_options_set(o, ZHS_P_OFFSET, off) || zhs_options_set(o, ZHS_P_LIMIT, want) ||
            zhs_options_set(o, ZHS_P_MATCHES, c->context))
            break;
        if (zhs_search(idx, query, o, &r) != ZHS_OK) {
            error_msg(zhs_index_last_error(idx));
            return 2;
        }
        total = zhs_results_total(r);
        unsigned n = zhs_results_count(r);
        for (unsigned i = 0; i < n; i++)
            if (print_matches(zhs_results_hit(r, i), c)) {
                zhs_results_free(r);
                return 2;
            }
        fflush(stdout);
        shown += n;
        zhs_results_free(r);
        if (n < (unsigned)want)
            break;
    }
    return total ? 0 : 1;
}

static int parse_long(const char *opt, const char *v, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*v == 0 || *end || n < 0 || (*v == '-' && n == 0)) {
        fprintf(stderr, "zhsearch: %s: expected a number >= 0, got '%s'\n", opt, v);
        return -1;
    }
    if (errno == ERANGE || (unsigned long)n > UINT_MAX) {
        fprintf(stderr, "zhsearch: %s: %s is too large (at most %u)\n", opt, v, UINT_MAX);
        return -1;
    }
    *out = n;
    return 0;
}

static void version(void)
{
    printf("zhsearch %d.%d.%d\n", ZHS_VERSION_MAJOR, ZHS_VERSION_MINOR, ZHS_VERSION_PATCH);
    printf("libzhsearch %s\n", zhs_version());
#if defined(XAPIAN_VERSION) && defined(U_ICU_VERSION)
    printf("built with Xapian %s, ICU %s\n", XAPIAN_VERSION, U_ICU_VERSION);
#endif
}

/* A bad command line: one line saying what is wrong and where to look,
 * not the whole usage. */
static int bad_option(int ch, char **argv, const struct option *longopts)
{
    const char *arg = argv[optind - 1];
    if (ch == ':') {
        if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
            fprintf(stderr, "zhsearch: option '-%c' needs a value; see zhsearch --help\n", optopt);
        else
            fprintf(stderr, "zhsearch: option '%s' needs a value; see zhsearch --help\n", arg);
        return 2;
    }
    if (optopt) {
        fprintf(stderr, "zhsearch: unknown option '-%c'; see zhsearch --help\n", optopt);
        return 2;
    }
    /* An abbreviation of several long options is ambiguous, not unknown. */
    size_t n = strcspn(arg + 2, "=");
    int matches = 0;
    for (const struct option *o = longopts; o->name && !strncmp(arg, "--", 2); o++)
        matches += !strncmp(o->name, arg + 2, n);
    fprintf(stderr, "zhsearch: %s option '%s'; see zhsearch --help\n",
            matches > 1 ? "ambiguous" : "unknown", arg);
    return 2;
}

/* --color WHEN: 1 colour, 0 none, -1 not a WHEN.  auto follows grep: a
 * terminal that is not "dumb", and NO_COLOR (https://no-color.org) unset. */
static int want_color(const char *when)
{
    if (!strcmp(when, "always"))
        return 1;
    if (!strcmp(when, "never"))
        return 0;
    if (strcmp(when, "auto"))
        return -1;
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(1) && !(nc && *nc) && term && *term && strcmp(term, "dumb") != 0;
}

/* No index at a local spec: not a stub, a directory or a HOST:PORT that
 * could be reached, just nothing there. */
static int no_index_at(const char *spec)
{
    struct stat st;
    return stat(spec, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

/* The facets asked for, none with -l (it prints nothing but paths). */
static int add_facets(zhs_options *o, const cli *c)
{
    for (int k = 0; k < c->nfacets && !c->files; k++)
        if (zhs_options_add_facet(o, c->facets[k]) != ZHS_OK)
            return -1;
    return 0;
}

/* --facet FIELD: a field with a facet, kept once in the order given. */
static int add_facet(cli *c, const char *name)
{
    if (!(field_flags(name) & ZHS_FIELD_FACET)) {
        unsigned flags;
        const char *f;
        unsigned total = 0;
        for (unsigned i = 0; (f = zhs_field_info(i, &flags)); i++)
            total += (flags & ZHS_FIELD_FACET) != 0;
        fputs("zhsearch: --facet: expected", stderr);
        for (unsigned i = 0, n = 0; (f = zhs_field_info(i, &flags)); i++)
            if (flags & ZHS_FIELD_FACET) {
                n++;
                fprintf(stderr, "%s %s", n == 1 ? "" : n == total ? " or" : ",", f);
            }
        fputs(", got '", stderr);
        term_fput(stderr, name, strlen(name), 0);
        fputs("'\n", stderr);
        return -1;
    }
    for (int k = 0; k < c->nfacets; k++)
        if (!strcmp(c->facets[k], name))
            return 0;
    c->facets[c->nfacets++] = name;
    return 0;
}

/* ---- zhsearch serve ---- */

static void serve_usage(FILE *f)
{
    fprintf(f,
            "usage: zhsearch serve [-d INDEX] [--port N] [--listen ADDR] [options]\n"
            "\n"
            "A local web search over the index: the web UI at http://ADDR:PORT/, JSON at\n"
            "/api/search?q=QUERY (the schema of zhsearch --json) and /api/doc?path=&q=.\n"
            "\n"
            "options:\n"
            "  -d, --index SPEC          index (as for zhsearch; repeat for shards)\n"
            "  -p, --port N              TCP port (default 8080; 0 = any free port)\n"
            "      --listen ADDR         IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
            "      --max-searches N      searches running at once (default 8)\n"
            "      --queue N             requests waiting for a search; beyond: 503 (default 64)\n"
            "      --search-timeout MS   answer 503 when a search takes longer (default 10000)\n"
            "  -h, --help                this help\n"
            "\n"
            "The URL is printed on stdout once the server listens; SIGINT or SIGTERM stops it.\n");
}

#ifdef ZHS_HAVE_SERVE
/* A number in [lo, hi] for option opt. */
static int serve_num(const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < lo || n > hi) {
        fprintf(stderr, "zhsearch serve: %s: expected a number from %ld to %ld, got '%s'\n", opt,
                lo, hi, v);
        return -1;
    }
    *out = n;
    return 0;
}

/* Parse the options of `zhsearch serve` into cfg: -1 to go on, else the
 * exit status. */
static int serve_args(int argc, char **argv, serve_config *cfg)
{
    enum { S_LISTEN = 256, S_MAX, S_QUEUE, S_TIMEOUT };
    static const struct option longopts[] = {
        {"index", required_argument, 0, 'd'},       {"port", required_argument, 0, 'p'},
        {"listen", required_argument, 0, S_LISTEN}, {"max-searches", required_argument, 0, S_MAX},
        {"queue", required_argument, 0, S_QUEUE},   {"search-timeout", required_argument, 0, S_TIMEOUT},
        {"help", no_argument, 0, 'h'},              {0, 0, 0, 0}};
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":d:p:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            if (cfg->nshards == SERVE_MAX_SHARDS) {
                fprintf(stderr, "zhsearch serve: at most %d -d options\n", SERVE_MAX_SHARDS);
                return 2;
            }
            cfg->shards[cfg->nshards++] = optarg;
            break;
        case 'p': if (serve_num("--port", optarg, 0, 65535, &cfg->port)) return 2; break;
        case S_LISTEN: cfg->listen = optarg; break;
        case S_MAX: if (serve_num("--max-searches", optarg, 1, 256, &cfg->max_searches)) return 2; break;
        case S_QUEUE: if (serve_num("--queue", optarg, 0, 4096, &cfg->queue)) return 2; break;
        case S_TIMEOUT:
            if (serve_num("--search-timeout", optarg, 1, 3600000, &cfg->timeout_ms))
                return 2;
            break;
        case 'h': serve_usage(stdout); return 0;
        default: return bad_option(ch, argv, longopts);
        }
    }
    if (optind < argc) {
        fputs("zhsearch serve: unexpected argument '", stderr);
        term_fput(stderr, argv[optind], strlen(argv[optind]), 0);
        fputs("'; see zhsearch serve --help\n", stderr);
        return 2;
    }
    return -1;
}
#endif

/* zhsearch serve ...: argv[0] is "serve". */
static int serve_cmd(int argc, char **argv)
{
#ifdef ZHS_HAVE_SERVE
    serve_config cfg;
    serve_defaults(&cfg);
    int rc = serve_args(argc, argv, &cfg);
    return rc >= 0 ? rc : serve_run(&cfg);
#else
    (void)argc;
    (void)argv;
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        serve_usage(stdout);
        return 0;
    }
    fputs("zhsearch: serve: this zhsearch was built without libmicrohttpd\n", stderr);
    return 2;
#endif
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "serve"))
        return serve_cmd(argc - 1, argv + 1);
    cli c = {0};
    c.index = getenv("ZHSEARCH_INDEX");
    if (!c.index || !*c.index)
        c.index = "zhsearch.idx";
    c.limit = 10;
    c.snippet = 120;
    c.context = 20;
    c.highlight = -1;
    const char *color = "auto";
    enum { O_OFFSET = 256, O_SORT, O_FACET, O_SNIPPET, O_JSON, O_EXPLAIN, O_COLOR, O_TIMEOUT, O_PARTIAL,
           O_HIGHLIGHT, O_CONTEXT, O_OCCURRENCES, O_EXPAND, O_TSV, O_CSV };
    static const struct option longopts[] = {
        {"index", required_argument, 0, 'd'},   {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, O_OFFSET}, {"all", no_argument, 0, 'a'},
        {"count", no_argument, 0, 'c'},         {"sort", required_argument, 0, O_SORT},
        {"files-with-matches", no_argument, 0, 'l'},
        {"facet", required_argument, 0, O_FACET}, {"snippet", required_argument, 0, O_SNIPPET},
        {"json", no_argument, 0, O_JSON},       {"explain", no_argument, 0, O_EXPLAIN},
        {"color", required_argument, 0, O_COLOR}, {"colour", required_argument, 0, O_COLOR},
        {"highlight", required_argument, 0, O_HIGHLIGHT},
        {"timeout", required_argument, 0, O_TIMEOUT}, {"partial", no_argument, 0, O_PARTIAL},
        {"matches", no_argument, 0, 'o'},      {"context", required_argument, 0, O_CONTEXT},
        {"occurrences", no_argument, 0, O_OCCURRENCES}, {"expand", no_argument, 0, O_EXPAND},
        {"tsv", no_argument, 0, O_TSV},         {"csv", no_argument, 0, O_CSV},
        {"version", no_argument, 0, 'V'},       {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int ch;
    opterr = 0; /* bad_option says it in one line */
    while ((ch = getopt_long(argc, argv, ":d:n:acloVh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            if (c.nshards == (int)(sizeof c.shards / sizeof *c.shards)) {
                fprintf(stderr, "zhsearch: at most %d -d options\n", c.nshards);
                return 2;
            }
            c.shards[c.nshards++] = optarg;
            break;
        case O_TIMEOUT: if (parse_long("--timeout", optarg, &c.timeout_ms)) return 2; break;
        case O_PARTIAL: c.partial = 1; break;
        case 'n':
            if (parse_long("--limit", optarg, &c.limit))
                return 2;
            c.limit_given = 1;
            break;
        case O_OFFSET: if (parse_long("--offset", optarg, &c.offset)) return 2; break;
        case 'a': c.all = 1; break;
        case 'c': c.count = 1; break;
        case 'l': c.files = 1; break;
        case O_SORT:
            if (!strcmp(optarg, "relevance")) c.sort = ZHS_SORT_RELEVANCE;
            else if (!strcmp(optarg, "date")) c.sort = ZHS_SORT_DATE;
            else if (!strcmp(optarg, "-date")) c.sort = ZHS_SORT_DATE_DESC;
            else {
                fprintf(stderr, "zhsearch: --sort: expected relevance, date or -date, got '%s'\n", optarg);
                return 2;
            }
            break;
        case O_FACET:
            if (add_facet(&c, optarg))
                return 2;
            break;
        case O_SNIPPET: if (parse_long("--snippet", optarg, &c.snippet)) return 2; break;
        case O_JSON: c.json = 1; break;
        case O_EXPLAIN: c.explain = 1; break;
        case O_COLOR: color = optarg; break;
        case O_HIGHLIGHT:
            if (!strcmp(optarg, "ansi")) c.highlight = HL_ANSI;
            else if (!strcmp(optarg, "brackets")) c.highlight = HL_BRACKETS;
            else if (!strcmp(optarg, "none")) c.highlight = HL_NONE;
            else {
                fprintf(stderr, "zhsearch: --highlight: expected ansi, brackets or none, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'o': c.matches = 1; break;
        case O_CONTEXT:
            if (parse_long("--context", optarg, &c.context))
                return 2;
            if (c.context < 1 || c.context > 2000) {
                fprintf(stderr, "zhsearch: --context: from 1 to 2000 characters\n");
                return 2;
            }
            break;
        case O_OCCURRENCES: c.occurrences = 1; break;
        case O_EXPAND: c.expand = 1; break;
        case O_TSV: c.table = TABLE_TSV; break;
        case O_CSV: c.table = TABLE_CSV; break;
        case 'V': version(); return 0;
        case 'h': usage(stdout); return 0;
        default: return bad_option(ch, argv, longopts);
        }
    }
    if ((c.color = want_color(color)) < 0) {
        fprintf(stderr, "zhsearch: --color: expected auto, always or never, got '%s'\n", color);
        return 2;
    }
    /* Matches stand out in colour; in plain output they are plain text,
     * like grep's and rg's. */
    if (c.highlight < 0)
        c.highlight = c.color ? HL_ANSI : HL_NONE;
    if (c.files && (c.count || c.json)) {
        fprintf(stderr, "zhsearch: -l cannot be combined with %s\n", c.count ? "--count" : "--json");
        return 2;
    }
    if (c.matches && (c.files || c.count)) {
        fprintf(stderr, "zhsearch: -o cannot be combined with %s\n", c.count ? "--count" : "-l");
        return 2;
    }
    if (c.table && !c.matches && !c.nfacets) {
        fprintf(stderr, "zhsearch: --tsv and --csv print -o occurrences or --facet counts\n");
        return 2;
    }
    if (c.table && c.json) {
        fprintf(stderr, "zhsearch: --json cannot be combined with --tsv or --csv\n");
        return 2;
    }
    if (optind >= argc) {
        fputs(SHORT_USAGE "see zhsearch --help\n", stderr);
        return 2;
    }
    size_t qlen = 0;
    for (int i = optind; i < argc; i++)
        qlen += strlen(argv[i]) + 1;
    char *query = malloc(qlen + 1);
    if (!query)
        return 2;
    query[0] = 0;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            strcat(query, " ");
        strcat(query, argv[i]);
    }
    if (c.nshards == 0)
        c.shards[c.nshards++] = c.index;
    zhs_index *idx = zhs_index_new();
    zhs_status st = idx ? ZHS_OK : ZHS_ERR_NOMEM;
    if (idx && c.timeout_ms)
        st = zhs_index_set(idx, ZHS_I_TIMEOUT_MS, c.timeout_ms);
    if (idx && c.partial && st == ZHS_OK)
        st = zhs_index_set(idx, ZHS_I_ALLOW_PARTIAL, 1);
    const char *failed = NULL; /* the spec that could not be opened */
    for (int i = 0; i < c.nshards && st == ZHS_OK; i++) {
        st = zhs_index_add(idx, c.shards[i]);
        if (st != ZHS_OK)
            failed = c.shards[i];
        else if (*zhs_index_last_error(idx)) {
            fputs("zhsearch: warning: ", stderr);
            term_fput(stderr, zhs_index_last_error(idx), strlen(zhs_index_last_error(idx)), 0);
            fputc('\n', stderr);
        }
    }
    if (st == ZHS_ERR_OPEN && failed && no_index_at(failed)) {
        fputs("zhsearch: ", stderr);
        term_fput(stderr, failed, strlen(failed), 0);
        fputs(": no index here (create one with: zhindex -d ", stderr);
        term_fput(stderr, failed, strlen(failed), 0);
        fputs(" add DIR)\n", stderr);
        zhs_index_close(idx);
        free(query);
        return 2;
    }
    if (st != ZHS_OK) {
        error_msg(idx ? zhs_index_last_error(idx) : "out of memory");
        zhs_index_close(idx);
        free(query);
        return 2;
    }
    zhs_options *o = zhs_options_new();
    if (!o) {
        fprintf(stderr, "zhsearch: out of memory\n");
        return 2;
    }
    /* -l lists every match unless a limit is asked for; it needs no
     * snippets, facets or explanations. */
    long limit = c.count ? 1 : c.all || (c.files && !c.limit_given) ? 0 : c.limit;
    int bare = c.count || c.files, table_only = c.table && !c.matches;
    /* Suggestions for what finds little, where a person reads the output. */
    if (zhs_options_set(o, ZHS_P_LIMIT, table_only ? 1 : limit) ||
        zhs_options_set(o, ZHS_P_OFFSET, c.offset) || zhs_options_set(o, ZHS_P_SORT, c.sort) ||
        zhs_options_set(o, ZHS_P_SNIPPET_CHARS, bare || c.matches || table_only ? 0 : c.snippet) ||
        zhs_options_set(o, ZHS_P_EXPLAIN, !bare && c.explain) || add_facets(o, &c) ||
        zhs_options_set(o, ZHS_P_OCCURRENCES, c.occurrences) ||
        zhs_options_set(o, ZHS_P_EXPAND, c.expand) ||
        zhs_options_set(o, ZHS_P_SUGGEST, bare || c.matches || c.table ? 0 : SUGGEST_BELOW)) {
        fprintf(stderr, "zhsearch: invalid search option\n");
        zhs_options_free(o);
        zhs_index_close(idx);
        free(query);
        return 2;
    }
    zhs_results *r = NULL;
    int rc = 0;
    if (c.matches) {
        rc = concordance(idx, query, o, &c, limit);
        zhs_options_free(o);
        zhs_index_close(idx);
        free(query);
        return rc;
    }
    st = zhs_search(idx, query, o, &r);
    if (st != ZHS_OK) {
        error_msg(zhs_index_last_error(idx));
        rc = 2;
    } else {
        if (c.count)
            printf("%u\n", zhs_results_total(r));
        else if (c.files)
            print_files(r);
        else if (c.table)
            print_facet_table(r, &c);
        else if (c.json && print_json(r, query, &c))
            rc = 2;
        else if (!c.json)
            print_human(r, &c);
        if (!c.json && !bare && !c.table)
            print_suggestions(r);
        if (rc != 2)
            rc = zhs_results_total(r) ? 0 : 1;
    }
    zhs_results_free(r);
    zhs_options_free(o);
    zhs_index_close(idx);
    free(query);
    return rc;
}
