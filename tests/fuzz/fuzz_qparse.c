/* fuzz_qparse - arbitrary query strings through the query parser.
 *
 * Invariants (qparse.h):
 *  - an error returns ZERR_SYNTAX or ZERR_EMPTY_QUERY (ZERR_NOMEM means
 *    out of memory, which cannot happen here) with a non-empty message, and
 *    leaves the result cleared; the message of a valid UTF-8 query is
 *    valid UTF-8 (it is printed and put in JSON);
 *  - success gives a query and no error message (an error noticed on the
 *    way must not be dropped: "a query is never silently changed into
 *    another one"), and atoms with text.
 */
#include "analyzer.h"
#include "fuzz_common.h"
#include "qparse.h"

static za_analyzer *an;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    an = fuzz_analyzer();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = fuzz_strndup(data, size);
    zq_parsed p;
    zerr e;
    memset(&e, 'x', sizeof e); /* zq_parse must set it */
    zerr_code rc = zq_parse(an, q, &p, &e);
    const char *err = e.msg;
    FUZZ_CHECK(memchr(e.msg, 0, sizeof e.msg) != NULL, "error message not NUL-terminated");
    FUZZ_CHECK(e.code == rc, "return code %d, recorded code %d", (int)rc, (int)e.code);
    if (rc != ZERR_OK) {
        FUZZ_CHECK(rc == ZERR_SYNTAX || rc == ZERR_EMPTY_QUERY,
                   "query '%s': return code %d (message: %s)", fuzz_show(q, strlen(q)), rc, err);
        FUZZ_CHECK(err[0] != 0, "query '%s': error %d without a message", fuzz_show(q, strlen(q)),
                   rc);
        FUZZ_CHECK(p.query == NULL && p.atoms == NULL && p.natoms == 0,
                   "error %d leaves a result behind", rc);
        FUZZ_CHECK(!fuzz_utf8_valid(q, strlen(q)) || fuzz_utf8_valid(err, strlen(err)),
                   "valid UTF-8 query '%s' gives an invalid UTF-8 message: %s",
                   fuzz_show(q, strlen(q)), fuzz_show(err, strlen(err)));
    } else {
        FUZZ_CHECK(p.query != NULL, "query '%s': success without a query", fuzz_show(q, strlen(q)));
        FUZZ_CHECK(err[0] == 0, "query '%s' succeeds although an error was recorded: %s",
                   fuzz_show(q, strlen(q)), err);
        for (size_t i = 0; i < p.natoms; i++)
            FUZZ_CHECK(p.atoms[i].text && p.atoms[i].field <= ZQ_DOCNO, "atom %zu", i);
        char *d = zx_q_describe(p.query);
        FUZZ_CHECK(d != NULL, "zx_q_describe failed");
        free(d);
    }
    zq_parsed_clear(&p);
    free(q);
    return 0;
}
