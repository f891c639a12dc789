/* icu_break - raw ICU word-break throughput, the floor under any indexer that
 * segments Chinese with ICU.
 *
 *   icu_break FILELIST            one JSON line: bytes, docs, tokens, seconds, MB/s
 *   icu_break --dump FILELIST     the word tokens: one line per run of words
 *                                 (tokens separated by spaces), "\f" between files
 *
 * FILELIST names one file per line.  All files are read into memory first;
 * the timed part converts each text from UTF-8 to UTF-16 (u_strFromUTF8) and
 * walks a UBRK_WORD iterator (locale "zh") over it, counting the tokens whose
 * rule status is not UBRK_WORD_NONE.  One thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

typedef struct text {
    char *data;
    size_t len;
} text;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "icu_break: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static text *read_list(const char *list, size_t *count)
{
    FILE *f = fopen(list, "r");
    if (!f)
        die("cannot open file list", list);
    text *v = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t l;
    while ((l = getline(&line, &lcap, f)) > 0) {
        if (line[l - 1] == '\n')
            line[--l] = 0;
        if (!l)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = realloc(v, cap * sizeof *v);
            if (!v)
                die("out of memory", NULL);
        }
        if (!(v[n].data = slurp(line, &v[n].len)))
            die("cannot read", line);
        n++;
    }
    free(line);
    fclose(f);
    *count = n;
    return v;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int dump = 0;
    if (argc == 3 && !strcmp(argv[1], "--dump"))
        dump = 1;
    else if (argc != 2) {
        fprintf(stderr, "usage: icu_break [--dump] FILELIST\n");
        return 2;
    }
    size_t ndocs;
    text *docs = read_list(argv[argc - 1], &ndocs);
    size_t maxlen = 0, bytes = 0;
    for (size_t i = 0; i < ndocs; i++) {
        bytes += docs[i].len;
        if (docs[i].len > maxlen)
            maxlen = docs[i].len;
    }
    /* UTF-16 never needs more units than UTF-8 has bytes */
    UChar *u = malloc((maxlen + 1) * sizeof *u);
    if (!u)
        die("out of memory", NULL);
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
    if (U_FAILURE(st))
        die("ubrk_open", u_errorName(st));

    unsigned long long tokens = 0;
    char *out = NULL;
    size_t outcap = 0;
    double t0 = now();
    for (size_t i = 0; i < ndocs; i++) {
        int32_t ulen = 0;
        st = U_ZERO_ERROR;
        u_strFromUTF8(u, (int32_t)maxlen + 1, &ulen, docs[i].data, (int32_t)docs[i].len, &st);
        if (U_FAILURE(st)) { /* invalid UTF-8: substitute U+FFFD */
            st = U_ZERO_ERROR;
            u_strFromUTF8WithSub(u, (int32_t)maxlen + 1, &ulen, docs[i].data,
                                 (int32_t)docs[i].len, 0xFFFD, NULL, &st);
            if (U_FAILURE(st))
                ulen = 0;
        }
        st = U_ZERO_ERROR;
        ubrk_setText(bi, u, ulen, &st);
        if (U_FAILURE(st))
            die("ubrk_setText", u_errorName(st));
        int32_t start = ubrk_first(bi), end;
        int inrun = 0;
        while ((end = ubrk_next(bi)) != UBRK_DONE) {
            if (ubrk_getRuleStatus(bi) != UBRK_WORD_NONE) {
                tokens++;
                if (dump) {
                    int32_t n8 = 0;
                    UErrorCode e2 = U_ZERO_ERROR;
                    u_strToUTF8(NULL, 0, &n8, u + start, end - start, &e2);
                    if ((size_t)n8 + 1 > outcap) {
                        outcap = (size_t)n8 + 64;
                        out = realloc(out, outcap);
                        if (!out)
                            die("out of memory", NULL);
                    }
                    e2 = U_ZERO_ERROR;
                    u_strToUTF8(out, (int32_t)outcap, &n8, u + start, end - start, &e2);
                    if (inrun)
                        fputc(' ', stdout);
                    fwrite(out, 1, (size_t)n8, stdout);
                    inrun = 1;
                }
            } else if (dump && inrun) {
                fputc('\n', stdout);
                inrun = 0;
            }
            start = end;
        }
        if (dump)
            fputs(inrun ? "\n\f\n" : "\f\n", stdout);
    }
    double secs = now() - t0;
    if (!dump)
        printf("{\"bytes\":%zu,\"docs\":%zu,\"tokens\":%llu,\"seconds\":%.6f,\"mb_per_s\":%.3f,"
               "\"icu_version\":\"%s\"}\n",
               bytes, ndocs, tokens, secs, secs > 0 ? (double)bytes / 1e6 / secs : 0.0,
               U_ICU_VERSION);
    ubrk_close(bi);
    free(u);
    free(out);
    for (size_t i = 0; i < ndocs; i++)
        free(docs[i].data);
    free(docs);
    return 0;
}
