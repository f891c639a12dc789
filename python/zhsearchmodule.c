/* zhsearchmodule.c - the Python module `zhsearch` over libzhsearch.
 *
 * Design.
 *
 * Ownership.  An Index owns one zhs_index handle, a Writer one zhs_writer
 * handle; close() (or leaving a `with` block, or deallocation) frees it and
 * later use raises ValueError.  A search copies everything it returns into
 * plain Python objects (Results holding Hit objects holding Match objects,
 * each a record of str, int, float, list, dict and tuple values) and frees
 * the zhs_results at once; document() does the same with a zhs_document
 * (a Document record): Python code never holds a pointer into the C
 * library, so results outlive reopen() and close() without care.
 *
 * GIL.  Every call that may touch the disk or the network (open, search,
 * document, reopen, every writer call) runs with the GIL released, so other Python
 * threads go on.  The writer's progress callback is called by the library
 * while such a call runs, from the calling thread or from the library's
 * own indexing thread (it serializes its reports): it takes the GIL with
 * PyGILState_Ensure, which serves both, for the duration of the Python
 * callable.  An exception raised there cancels the call and is raised by
 * it.
 *
 * Locking.  The C library wants each handle used by one thread at a time.
 * Each Index and Writer carries a PyThread lock held around every use of
 * its handle, so Python threads may share one object safely (their calls
 * take turns); separate Index objects search in parallel.  The lock is
 * taken with the GIL released when it is busy (no deadlock with a thread
 * that holds the lock and waits for the GIL).  zhs_writer_cancel() is the
 * exception the library allows: Writer.cancel() calls it without the lock,
 * under the GIL, while close() detaches the handle under the GIL before
 * freeing it, so cancel never sees a freed handle.  A Writer remembers the
 * thread running its progress callback, which may read counts and cancel()
 * but gets a RuntimeError instead of a deadlock for anything else.
 *
 * The module is built against the limited C API of Python 3.11 (heap
 * types, no private structures); its state lives in static variables
 * (single-phase initialisation: one interpreter).
 */
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include "zhsearch.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define MAX_COUNT 4294967295ULL /* offsets, limits, timeouts: 32-bit in the library */

/* ---- exceptions ----------------------------------------------------------- */

static PyObject *Error;
static PyObject *status_exc[ZHS_ERR_NOT_FOUND + 1]; /* class for each status */

/* name, status, second base (NULL: Error alone), doc */
typedef struct exc_def {
    const char *name;
    zhs_status status;
    PyObject **base2;
    const char *doc;
} exc_def;

static const exc_def exc_defs[] = {
    {"OpenError", ZHS_ERR_OPEN, &PyExc_OSError,
     "The index is missing, unreadable or not an index (ZHS_ERR_OPEN)."},
    {"SchemeError", ZHS_ERR_SCHEME, NULL,
     "The index was written by an incompatible version (ZHS_ERR_SCHEME)."},
    {"QuerySyntaxError", ZHS_ERR_QUERY_SYNTAX, &PyExc_ValueError,
     "The query does not parse; the message names the column (ZHS_ERR_QUERY_SYNTAX)."},
    {"QueryEmptyError", ZHS_ERR_QUERY_EMPTY, &PyExc_ValueError,
     "The query is empty, blank or punctuation only (ZHS_ERR_QUERY_EMPTY)."},
    {"CorruptError", ZHS_ERR_CORRUPT, NULL,
     "Damaged index files or stored text (ZHS_ERR_CORRUPT)."},
    {"ModifiedError", ZHS_ERR_MODIFIED, NULL,
     "Overtaken by an indexer: reopen() and retry (ZHS_ERR_MODIFIED)."},
    {"ReadError", ZHS_ERR_IO, &PyExc_OSError, "Another index read error (ZHS_ERR_IO)."},
    {"NetworkError", ZHS_ERR_NETWORK, NULL,
     "A remote shard is down or timed out (ZHS_ERR_NETWORK)."},
    {"InvalidArgumentError", ZHS_ERR_INVALID, &PyExc_ValueError,
     "The library refused an argument (ZHS_ERR_INVALID)."},
    {"InternalError", ZHS_ERR_INTERNAL, NULL, "A bug in the library: please report it (ZHS_ERR_INTERNAL)."},
    {"QueryLimitError", ZHS_ERR_QUERY_LIMIT, &PyExc_ValueError,
     "The query is over a size limit; the message names it (ZHS_ERR_QUERY_LIMIT)."},
    {"LockedError", ZHS_ERR_LOCKED, NULL, "Another writer holds the index (ZHS_ERR_LOCKED)."},
    {"NotIndexableError", ZHS_ERR_NOT_INDEXABLE, NULL,
     "A file or buffer cannot be indexed; the message says why (ZHS_ERR_NOT_INDEXABLE)."},
    {"CancelledError", ZHS_ERR_CANCELLED, NULL,
     "Writer.cancel() or the progress callback stopped the work; what was committed "
     "before stays (ZHS_ERR_CANCELLED)."},
    {"NotFoundError", ZHS_ERR_NOT_FOUND, &PyExc_LookupError,
     "The index has no document of that path (ZHS_ERR_NOT_FOUND)."},
};

static int add_exceptions(PyObject *m)
{
    PyObject *dict = Py_BuildValue("{s:O}", "status", Py_None);
    Error = dict ? PyErr_NewExceptionWithDoc("zhsearch.Error",
                                             "Base class of the errors of zhsearch; .status is "
                                             "the library's status code (zhs_status).",
                                             NULL, dict)
                 : NULL;
    Py_XDECREF(dict);
    if (!Error || PyModule_AddObjectRef(m, "Error", Error) < 0)
        return -1;
    for (size_t i = 0; i < sizeof exc_defs / sizeof *exc_defs; i++) {
        const exc_def *d = &exc_defs[i];
        char qual[64];
        snprintf(qual, sizeof qual, "zhsearch.%s", d->name);
        PyObject *bases = d->base2 ? PyTuple_Pack(2, Error, *d->base2) : PyTuple_Pack(1, Error);
        PyObject *attrs = Py_BuildValue("{s:i}", "status", (int)d->status);
        PyObject *cls = bases && attrs ? PyErr_NewExceptionWithDoc(qual, d->doc, bases, attrs) : NULL;
        Py_XDECREF(bases);
        Py_XDECREF(attrs);
        if (!cls || PyModule_AddObjectRef(m, d->name, cls) < 0) {
            Py_XDECREF(cls);
            return -1;
        }
        status_exc[d->status] = cls; /* the module keeps it alive */
        Py_DECREF(cls);
    }
    return 0;
}

static PyObject *text_or_none(const char *s);

/* Raise the exception of status st with message msg (the library's). */
static PyObject *raise_status(zhs_status st, const char *msg)
{
    if (!msg || !*msg)
        msg = zhs_status_str(st);
    if (st == ZHS_ERR_NOMEM) {
        PyErr_SetString(PyExc_MemoryError, msg);
        return NULL;
    }
    PyObject *cls = (unsigned)st < sizeof status_exc / sizeof *status_exc && status_exc[st]
                        ? status_exc[st] : Error;
    PyObject *exc = PyObject_CallFunction(cls, "N", text_or_none(msg));
    if (!exc)
        return NULL;
    PyObject *code = PyLong_FromLong((long)st);
    if (code && PyObject_SetAttrString(exc, "status", code) == 0)
        PyErr_SetObject(cls, exc);
    Py_XDECREF(code);
    Py_DECREF(exc);
    return NULL;
}

/* ---- small helpers --------------------------------------------------------- */

/* TypeError: "WHAT must be WANT, not TYPE". */
static void wrong_type(const char *what, const char *want, PyObject *o)
{
    PyObject *name = PyType_GetName(Py_TYPE(o));
    if (name)
        PyErr_Format(PyExc_TypeError, "%s must be %s, not %U", what, want, name);
    Py_XDECREF(name);
}

/* A new list holding o. */
static PyObject *list_of(PyObject *o)
{
    PyObject *list = PyList_New(1);
    if (list)
        PyList_SetItem(list, 0, Py_NewRef(o));
    return list;
}

/* A count argument: an int in 0..4294967295 (None gives dflt). */
static int to_count(PyObject *o, const char *what, unsigned long long dflt, unsigned long long *out)
{
    if (!o || o == Py_None) {
        *out = dflt;
        return 0;
    }
    if (!PyLong_Check(o)) {
        wrong_type(what, "an int", o);
        return -1;
    }
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (overflow < 0 || (!overflow && v < 0)) {
        PyErr_Format(PyExc_ValueError, "%s must not be negative", what);
        return -1;
    }
    if (overflow > 0 || (unsigned long long)v > MAX_COUNT) {
        PyErr_Format(PyExc_OverflowError, "%s too large (at most %llu)", what, MAX_COUNT);
        return -1;
    }
    *out = (unsigned long long)v;
    return 0;
}

/* The UTF-8 of a str argument without NUL characters, owned by o. */
static const char *utf8_arg(PyObject *o, const char *what)
{
    if (!PyUnicode_Check(o)) {
        wrong_type(what, "str", o);
        return NULL;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(o, &n);
    if (s && strlen(s) != (size_t)n) {
        PyErr_Format(PyExc_ValueError, "%s contains a NUL character", what);
        return NULL;
    }
    return s;
}

/* Text from the library: UTF-8, bad bytes as U+FFFD.  NULL gives None. */
static PyObject *text_or_none(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* A path from the library: the file system encoding, so that it names the
 * same file again (surrogateescape). */
static PyObject *path_or_none(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(s);
}

/* Set d[key] = v and drop the reference to v; -1 on failure. */
static int dict_steal(PyObject *d, const char *key, PyObject *v)
{
    int rc = v ? PyDict_SetItemString(d, key, v) : -1;
    Py_XDECREF(v);
    return rc;
}

/* Take a handle lock, waiting with the GIL released when it is busy. */
static void lock_take(PyThread_type_lock lock)
{
    if (PyThread_acquire_lock(lock, NOWAIT_LOCK))
        return;
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(lock, WAIT_LOCK);
    Py_END_ALLOW_THREADS
}

/* ---- records: Hit, Match, Results, Document ------------------------------ */

/* A record is a fixed array of object slots behind the header, read-only
 * attributes named by the type's members.  Hit, Match, Results and
 * Document are records. */
typedef struct record {
    PyObject_HEAD
    Py_ssize_t n; /* slots in v */
    PyObject *v[];
} record;

enum { H_PATH, H_TITLE, H_SNIPPET, H_HIGHLIGHTS, H_PAGE, H_RANK, H_SCORE, H_FIELDS, H_EXPLAIN,
       H_MATCHES, H_N };
enum { R_HITS, R_TOTAL, R_FACETS, R_NORMALIZED, R_EXPLAIN, R_SECONDS, R_SKIPPED, R_OCCURRENCES,
       R_SUGGESTIONS, R_EXPANDED, R_N };
enum { M_CONTEXT, M_START, M_LENGTH, M_TEXT, M_LEFT, M_RIGHT, M_PAGE, M_OFFSET, M_WORD, M_N };
enum { D_PATH, D_TITLE, D_TEXT, D_HIGHLIGHTS, D_PAGES, D_FIELDS, D_N };

#define SLOT(i) ((Py_ssize_t)(offsetof(record, v) + (i) * sizeof(PyObject *)))
#define RECORD_SIZE(n) ((int)(offsetof(record, v) + (n) * sizeof(PyObject *)))

static PyTypeObject *HitType, *ResultsType, *MatchType, *DocumentType;

static int record_traverse(PyObject *self, visitproc visit, void *arg)
{
    record *r = (record *)self;
    for (Py_ssize_t i = 0; i < r->n; i++)
        Py_VISIT(r->v[i]);
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static int record_clear(PyObject *self)
{
    record *r = (record *)self;
    for (Py_ssize_t i = 0; i < r->n; i++)
        Py_CLEAR(r->v[i]);
    return 0;
}

static void record_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    record_clear(self);
    freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    tp_free(self);
    Py_DECREF(tp);
}

/* A record of n slots (the size of its type), all NULL. */
static record *record_new(PyTypeObject *tp, Py_ssize_t n)
{
    allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
    record *r = (record *)alloc(tp, 0);
    if (r)
        r->n = n;
    return r;
}

/* The record r, or NULL (dropping it) when a slot failed to fill. */
static PyObject *record_done(record *r)
{
    for (Py_ssize_t i = 0; i < r->n; i++)
        if (!r->v[i]) {
            Py_DECREF(r);
            return NULL;
        }
    return (PyObject *)r;
}

static PyObject *hit_repr(PyObject *self)
{
    record *h = (record *)self;
    return PyUnicode_FromFormat("<zhsearch.Hit rank=%S score=%R path=%R title=%R>", h->v[H_RANK],
                                h->v[H_SCORE], h->v[H_PATH], h->v[H_TITLE]);
}

static PyMemberDef hit_members[] = {
    {"path", T_OBJECT_EX, SLOT(H_PATH), READONLY, "The document's path (str; file system encoding)."},
    {"title", T_OBJECT_EX, SLOT(H_TITLE), READONLY, "The document's title, \"\" when it has none."},
    {"snippet", T_OBJECT_EX, SLOT(H_SNIPPET), READONLY,
     "The best passage of the text (\"…\" where cut), \"\" with snippet=0."},
    {"highlights", T_OBJECT_EX, SLOT(H_HIGHLIGHTS), READONLY,
     "The matches in snippet: a list of (start, length) in characters of the str, so that "
     "snippet[start:start + length] is the matched text."},
    {"page", T_OBJECT_EX, SLOT(H_PAGE), READONLY,
     "The page (1-based) of the snippet's first highlight; 0 for unpaged documents."},
    {"rank", T_OBJECT_EX, SLOT(H_RANK), READONLY, "1-based rank, counting the offset."},
    {"score", T_OBJECT_EX, SLOT(H_SCORE), READONLY, "The ranking score (float)."},
    {"fields", T_OBJECT_EX, SLOT(H_FIELDS), READONLY,
     "Every field the document has, by name: str values, year and pages as int, ocr as "
     "True."},
    {"explain", T_OBJECT_EX, SLOT(H_EXPLAIN), READONLY,
     "Why the hit matched (with explain=True), else None."},
    {"matches", T_OBJECT_EX, SLOT(H_MATCHES), READONLY,
     "With search(..., matches=N): every occurrence of the query's words and phrases in the "
     "document, in text order, as a list of Match (a concordance); [] otherwise."},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot hit_slots[] = {
    {Py_tp_doc, "One hit of a search (read-only attributes)."},
    {Py_tp_members, hit_members},
    {Py_tp_repr, hit_repr},
    {Py_tp_traverse, record_traverse},
    {Py_tp_clear, record_clear},
    {Py_tp_dealloc, record_dealloc},
    {0, NULL},
};

static PyType_Spec hit_spec = {
    "zhsearch.Hit", RECORD_SIZE(H_N), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION, hit_slots};

static Py_ssize_t results_len(PyObject *self) { return PyList_Size(((record *)self)->v[R_HITS]); }

static PyObject *results_getitem(PyObject *self, PyObject *key)
{
    return PyObject_GetItem(((record *)self)->v[R_HITS], key);
}

static PyObject *results_iter(PyObject *self) { return PyObject_GetIter(((record *)self)->v[R_HITS]); }

static PyObject *results_repr(PyObject *self)
{
    record *r = (record *)self;
    return PyUnicode_FromFormat("<zhsearch.Results total=%S hits=%zd normalized=%R>", r->v[R_TOTAL],
                                results_len(self), r->v[R_NORMALIZED]);
}

static PyMemberDef results_members[] = {
    {"hits", T_OBJECT_EX, SLOT(R_HITS), READONLY, "The hits, a list of Hit."},
    {"total", T_OBJECT_EX, SLOT(R_TOTAL), READONLY, "The exact number of matching documents."},
    {"facets", T_OBJECT_EX, SLOT(R_FACETS), READONLY,
     "Counts per value of each facet asked for, most frequent first: "
     "{\"year\": {\"2021\": 3, ...}, ...}; {} without facets."},
    {"normalized", T_OBJECT_EX, SLOT(R_NORMALIZED), READONLY,
     "The query after normalization (running it gives the same results)."},
    {"explain", T_OBJECT_EX, SLOT(R_EXPLAIN), READONLY,
     "The analysis of the query (with explain=True), else None."},
    {"seconds", T_OBJECT_EX, SLOT(R_SECONDS), READONLY, "Seconds the search took, snippets included."},
    {"shards_skipped", T_OBJECT_EX, SLOT(R_SKIPPED), READONLY,
     "Shards left out because they were down (Index(..., partial=True)); 0 when complete."},
    {"occurrences", T_OBJECT_EX, SLOT(R_OCCURRENCES), READONLY,
     "With search(..., occurrences=True): the occurrences of the query in all matching "
     "documents (and facets count occurrences, not documents); 0 otherwise."},
    {"suggestions", T_OBJECT_EX, SLOT(R_SUGGESTIONS), READONLY,
     "With search(..., suggest=N) and fewer than N documents found: variants of the query "
     "that the index has (one character of a word changed to a homophone or to a character "
     "that follows the one before it), as a list of (query, documents), most first; never "
     "applied.  [] otherwise."},
    {"expanded", T_OBJECT_EX, SLOT(R_EXPANDED), READONLY,
     "Synonym expansions of the query (~word, or every word with expand=True): "
     "{word as typed: [members of its group]}, [] for a word the index has no group for "
     "(searched as it is); {} when nothing was expanded."},
    {NULL, 0, 0, 0, NULL},
};

static PyObject *results_partial(PyObject *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(PyObject_IsTrue(((record *)self)->v[R_SKIPPED]));
}

static PyGetSetDef results_getset[] = {
    {"partial", results_partial, NULL, "True when shards were left out (shards_skipped > 0).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot results_slots[] = {
    {Py_tp_doc, "The results of Index.search(): a sequence of Hit (len, iteration, indexing, "
                "slices) with the total and facets of the whole match."},
    {Py_tp_members, results_members},
    {Py_tp_getset, results_getset},
    {Py_tp_repr, results_repr},
    {Py_tp_iter, results_iter},
    {Py_mp_length, results_len},
    {Py_mp_subscript, results_getitem},
    {Py_sq_length, results_len},
    {Py_tp_traverse, record_traverse},
    {Py_tp_clear, record_clear},
    {Py_tp_dealloc, record_dealloc},
    {0, NULL},
};

static PyType_Spec results_spec = {
    "zhsearch.Results", RECORD_SIZE(R_N), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION, results_slots};

static PyObject *match_repr(PyObject *self)
{
    record *m = (record *)self;
    return PyUnicode_FromFormat("<zhsearch.Match page=%S offset=%S %R [%U] %R>", m->v[M_PAGE],
                                m->v[M_OFFSET], m->v[M_LEFT], m->v[M_TEXT], m->v[M_RIGHT]);
}

static PyMemberDef match_members[] = {
    {"context", T_OBJECT_EX, SLOT(M_CONTEXT), READONLY,
     "The match with up to N characters of text each side (line breaks as spaces): "
     "left + text + right."},
    {"start", T_OBJECT_EX, SLOT(M_START), READONLY,
     "Where the match starts in context, in characters (len(left))."},
    {"length", T_OBJECT_EX, SLOT(M_LENGTH), READONLY,
     "The match's length in characters: context[start:start + length] == text."},
    {"text", T_OBJECT_EX, SLOT(M_TEXT), READONLY, "The matched text."},
    {"left", T_OBJECT_EX, SLOT(M_LEFT), READONLY, "The context before the match."},
    {"right", T_OBJECT_EX, SLOT(M_RIGHT), READONLY, "The context after the match."},
    {"page", T_OBJECT_EX, SLOT(M_PAGE), READONLY,
     "The page (1-based) of the match; 0 for unpaged documents."},
    {"offset", T_OBJECT_EX, SLOT(M_OFFSET), READONLY,
     "The byte offset of the match in the document's stored text encoded as UTF-8: "
     "Index.document(path).text.encode()[offset:] starts with it."},
    {"query_word", T_OBJECT_EX, SLOT(M_WORD), READONLY,
     "The word or phrase of the query it matches, as typed."},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot match_slots[] = {
    {Py_tp_doc, "One occurrence of the query in a hit (Hit.matches; read-only attributes)."},
    {Py_tp_members, match_members},
    {Py_tp_repr, match_repr},
    {Py_tp_traverse, record_traverse},
    {Py_tp_clear, record_clear},
    {Py_tp_dealloc, record_dealloc},
    {0, NULL},
};

static PyType_Spec match_spec = {
    "zhsearch.Match", RECORD_SIZE(M_N), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION, match_slots};

static PyObject *document_repr(PyObject *self)
{
    record *d = (record *)self;
    return PyUnicode_FromFormat("<zhsearch.Document path=%R title=%R chars=%zd highlights=%zd>",
                                d->v[D_PATH], d->v[D_TITLE], PyUnicode_GetLength(d->v[D_TEXT]),
                                PyList_Size(d->v[D_HIGHLIGHTS]));
}

static PyMemberDef document_members[] = {
    {"path", T_OBJECT_EX, SLOT(D_PATH), READONLY, "The document's path (str; file system encoding)."},
    {"title", T_OBJECT_EX, SLOT(D_TITLE), READONLY, "The document's title, \"\" when it has none."},
    {"text", T_OBJECT_EX, SLOT(D_TEXT), READONLY,
     "The whole stored text (\"\\f\" between the pages of a paged document)."},
    {"highlights", T_OBJECT_EX, SLOT(D_HIGHLIGHTS), READONLY,
     "Every match of the query in text order: a list of (start, length) in characters, so "
     "that text[start:start + length] is the matched text; [] without a query."},
    {"pages", T_OBJECT_EX, SLOT(D_PAGES), READONLY,
     "The page (1-based) of each highlight, a list as long as highlights; 0 for unpaged "
     "documents."},
    {"fields", T_OBJECT_EX, SLOT(D_FIELDS), READONLY,
     "Every field the document has, by name, as Hit.fields."},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot document_slots[] = {
    {Py_tp_doc, "One whole indexed document (Index.document(); read-only attributes)."},
    {Py_tp_members, document_members},
    {Py_tp_repr, document_repr},
    {Py_tp_traverse, record_traverse},
    {Py_tp_clear, record_clear},
    {Py_tp_dealloc, record_dealloc},
    {0, NULL},
};

static PyType_Spec document_spec = {
    "zhsearch.Document", RECORD_SIZE(D_N), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION, document_slots};

/* ---- converting results --------------------------------------------------- */

/* Characters in the first n bytes of s (decoded as the snippet is). */
static Py_ssize_t chars_in(const char *s, size_t n)
{
    PyObject *u = PyUnicode_DecodeUTF8(s, (Py_ssize_t)n, "replace");
    Py_ssize_t len = u ? PyUnicode_GetLength(u) : -1;
    Py_XDECREF(u);
    return len;
}

/* Byte offsets of a text to character offsets, walking the text once
 * when the offsets come in order (a whole document may have thousands). */
typedef struct char_cursor {
    const char *s;
    size_t len, byte;
    Py_ssize_t chars; /* in s[0, byte) */
} char_cursor;

static Py_ssize_t cursor_chars(char_cursor *c, size_t off)
{
    off = off < c->len ? off : c->len;
    if (off < c->byte)
        c->byte = 0, c->chars = 0;
    Py_ssize_t n = chars_in(c->s + c->byte, off - c->byte);
    if (n < 0)
        return -1;
    c->byte = off;
    c->chars += n;
    return c->chars;
}

/* Byte ranges of text as a list of (start, length) in characters. */
static PyObject *ranges_in_chars(const char *text, size_t len, const zhs_range *rg, unsigned n)
{
    char_cursor c = {text, len, 0, 0};
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (unsigned i = 0; list && i < n; i++) {
        Py_ssize_t ca = cursor_chars(&c, rg[i].start);
        Py_ssize_t cb = ca < 0 ? -1 : cursor_chars(&c, (size_t)rg[i].start + rg[i].len);
        PyObject *t = cb < 0 ? NULL : Py_BuildValue("(nn)", ca, cb - ca);
        if (!t || PyList_SetItem(list, (Py_ssize_t)i, t) < 0)
            Py_CLEAR(list);
    }
    return list;
}

/* A Match of Hit.matches: the context decoded in three parts, so that
 * context[start:start + length] is exactly the matched text. */
static PyObject *match_of(const zhs_match *m)
{
    record *r = record_new(MatchType, M_N);
    if (!r)
        return NULL;
    const char *c = m->context ? m->context : "";
    size_t len = m->context ? m->context_len : 0;
    size_t a = m->start < len ? m->start : len;
    size_t b = m->len < len - a ? a + m->len : len;
    r->v[M_LEFT] = PyUnicode_DecodeUTF8(c, (Py_ssize_t)a, "replace");
    r->v[M_TEXT] = PyUnicode_DecodeUTF8(c + a, (Py_ssize_t)(b - a), "replace");
    r->v[M_RIGHT] = PyUnicode_DecodeUTF8(c + b, (Py_ssize_t)(len - b), "replace");
    if (r->v[M_LEFT] && r->v[M_TEXT] && r->v[M_RIGHT]) {
        PyObject *lt = PyUnicode_Concat(r->v[M_LEFT], r->v[M_TEXT]);
        r->v[M_CONTEXT] = lt ? PyUnicode_Concat(lt, r->v[M_RIGHT]) : NULL;
        Py_XDECREF(lt);
        r->v[M_START] = PyLong_FromSsize_t(PyUnicode_GetLength(r->v[M_LEFT]));
        r->v[M_LENGTH] = PyLong_FromSsize_t(PyUnicode_GetLength(r->v[M_TEXT]));
    }
    r->v[M_PAGE] = PyLong_FromUnsignedLong(m->page);
    r->v[M_OFFSET] = PyLong_FromUnsignedLongLong(m->offset);
    r->v[M_WORD] = m->atom ? text_or_none(m->atom) : PyUnicode_FromString("");
    return record_done(r);
}

static PyObject *matches_of(const zhs_hit *h)
{
    unsigned n = 0;
    const zhs_match *m = zhs_hit_matches(h, &n);
    PyObject *list = PyList_New(m ? (Py_ssize_t)n : 0);
    for (unsigned i = 0; list && m && i < n; i++) {
        PyObject *one = match_of(&m[i]);
        if (!one || PyList_SetItem(list, (Py_ssize_t)i, one) < 0)
            Py_CLEAR(list);
    }
    return list;
}

/* Field flags by name, from zhs_field_info(). */
static unsigned field_flags(const char *name)
{
    unsigned flags;
    const char *f;
    for (unsigned i = 0; (f = zhs_field_info(i, &flags)) != NULL; i++)
        if (!strcmp(f, name))
            return flags;
    return 0;
}

/* A field value as Python: int for numbers, True for booleans, else str. */
static PyObject *field_value(const char *name, const char *value)
{
    unsigned flags = field_flags(name);
    if (flags & ZHS_FIELD_BOOLEAN)
        return PyBool_FromLong(1);
    if (flags & ZHS_FIELD_NUMBER) {
        PyObject *r = PyLong_FromString(value, NULL, 10);
        if (r || !PyErr_ExceptionMatches(PyExc_ValueError))
            return r;
        PyErr_Clear(); /* not a number after all: keep the text */
    }
    return !strcmp(name, "path") ? path_or_none(value) : text_or_none(value);
}

static PyObject *fields_of(const zhs_hit *h)
{
    PyObject *d = PyDict_New();
    unsigned n = zhs_hit_field_count(h);
    for (unsigned i = 0; d && i < n; i++) {
        const char *name = zhs_hit_field_name(h, i);
        if (dict_steal(d, name, field_value(name, zhs_hit_field_value(h, i))) < 0)
            Py_CLEAR(d);
    }
    return d;
}

static PyObject *hit_of(const zhs_hit *h, int explain)
{
    record *r = record_new(HitType, H_N);
    if (!r)
        return NULL;
    size_t len = 0;
    const char *snip = zhs_hit_snippet(h, &len);
    unsigned nhl = 0;
    const zhs_range *hl = zhs_hit_highlights(h, &nhl);
    r->v[H_PATH] = path_or_none(zhs_hit_path(h));
    r->v[H_TITLE] = text_or_none(zhs_hit_title(h));
    r->v[H_SNIPPET] = PyUnicode_DecodeUTF8(snip, (Py_ssize_t)len, "replace");
    r->v[H_HIGHLIGHTS] = ranges_in_chars(snip, len, hl, hl ? nhl : 0);
    r->v[H_PAGE] = PyLong_FromUnsignedLong(zhs_hit_page(h));
    r->v[H_RANK] = PyLong_FromUnsignedLong(zhs_hit_rank(h));
    r->v[H_SCORE] = PyFloat_FromDouble(zhs_hit_score(h));
    r->v[H_FIELDS] = fields_of(h);
    r->v[H_EXPLAIN] = explain ? text_or_none(zhs_hit_explain(h)) : Py_NewRef(Py_None);
    r->v[H_MATCHES] = matches_of(h);
    return record_done(r);
}

/* {"year": {"2021": 3, ...}, ...} for the facets asked for. */
static PyObject *facets_of(const zhs_results *res, PyObject *names)
{
    PyObject *all = PyDict_New();
    for (Py_ssize_t k = 0; all && k < PyList_Size(names); k++) {
        const char *name = PyUnicode_AsUTF8AndSize(PyList_GetItem(names, k), NULL);
        PyObject *one = name ? PyDict_New() : NULL;
        const char *value;
        unsigned count;
        for (unsigned i = 0; one && (value = zhs_results_facet(res, name, i, &count)) != NULL; i++) {
            PyObject *key = text_or_none(value), *n = PyLong_FromUnsignedLong(count);
            if (!key || !n || PyDict_SetItem(one, key, n) < 0)
                Py_CLEAR(one);
            Py_XDECREF(key);
            Py_XDECREF(n);
        }
        if (dict_steal(all, name ? name : "", one) < 0)
            Py_CLEAR(all);
    }
    return all;
}

/* [(query, documents), ...] of ZHS_P_SUGGEST. */
static PyObject *suggestions_of(const zhs_results *res)
{
    PyObject *list = PyList_New(0);
    const char *q;
    unsigned count = 0;
    for (unsigned i = 0; list && (q = zhs_results_suggestion(res, i, &count)) != NULL; i++) {
        PyObject *t = Py_BuildValue("(NI)", text_or_none(q), count);
        if (!t || PyList_Append(list, t) < 0)
            Py_CLEAR(list);
        Py_XDECREF(t);
    }
    return list;
}

/* {word: [members, ...], ...} of the synonym expansions. */
static PyObject *expanded_of(const zhs_results *res)
{
    PyObject *d = PyDict_New();
    const char *word, *members = NULL;
    for (unsigned i = 0; d && (word = zhs_results_expansion(res, i, &members)) != NULL; i++) {
        PyObject *key = text_or_none(word), *all = text_or_none(members ? members : "");
        PyObject *list = key && all ? PyUnicode_Split(all, NULL, -1) : NULL;
        if (!list || PyDict_SetItem(d, key, list) < 0)
            Py_CLEAR(d);
        Py_XDECREF(key);
        Py_XDECREF(all);
        Py_XDECREF(list);
    }
    return d;
}

static PyObject *results_of(zhs_results *res, PyObject *facet_names, int explain)
{
    record *r = record_new(ResultsType, R_N);
    if (!r)
        return NULL;
    unsigned n = zhs_results_count(res);
    r->v[R_HITS] = PyList_New((Py_ssize_t)n);
    for (unsigned i = 0; r->v[R_HITS] && i < n; i++) {
        PyObject *h = hit_of(zhs_results_hit(res, i), explain);
        if (!h || PyList_SetItem(r->v[R_HITS], (Py_ssize_t)i, h) < 0)
            Py_CLEAR(r->v[R_HITS]);
    }
    r->v[R_TOTAL] = PyLong_FromUnsignedLong(zhs_results_total(res));
    r->v[R_FACETS] = facets_of(res, facet_names);
    r->v[R_NORMALIZED] = text_or_none(zhs_results_normalized_query(res));
    r->v[R_EXPLAIN] = explain ? text_or_none(zhs_results_explain(res)) : Py_NewRef(Py_None);
    r->v[R_SECONDS] = PyFloat_FromDouble(zhs_results_seconds(res));
    r->v[R_SKIPPED] = PyLong_FromUnsignedLong(zhs_results_shards_skipped(res));
    r->v[R_OCCURRENCES] = PyLong_FromUnsignedLongLong(zhs_results_occurrences(res));
    r->v[R_SUGGESTIONS] = suggestions_of(res);
    r->v[R_EXPANDED] = expanded_of(res);
    return record_done(r);
}

/* A Document of Index.document(). */
static PyObject *document_of(const zhs_document *d)
{
    record *r = record_new(DocumentType, D_N);
    if (!r)
        return NULL;
    size_t len = 0;
    const char *text = zhs_document_text(d, &len);
    const zhs_hit *h = zhs_document_hit(d);
    unsigned n = 0;
    const zhs_range *rg = zhs_document_highlights(d, &n);
    n = rg ? n : 0;
    r->v[D_PATH] = path_or_none(zhs_hit_path(h));
    r->v[D_TITLE] = text_or_none(zhs_hit_title(h));
    r->v[D_TEXT] = PyUnicode_DecodeUTF8(text, (Py_ssize_t)len, "replace");
    r->v[D_HIGHLIGHTS] = ranges_in_chars(text, len, rg, n);
    r->v[D_PAGES] = PyList_New((Py_ssize_t)n);
    for (unsigned i = 0; r->v[D_PAGES] && i < n; i++) {
        PyObject *p = PyLong_FromUnsignedLong(zhs_document_page(d, i));
        if (!p || PyList_SetItem(r->v[D_PAGES], (Py_ssize_t)i, p) < 0)
            Py_CLEAR(r->v[D_PAGES]);
    }
    r->v[D_FIELDS] = fields_of(h);
    return record_done(r);
}

/* ---- search options -------------------------------------------------------- */

static int sort_of(const char *s, long *out)
{
    static const struct {
        const char *name;
        zhs_sort sort;
    } sorts[] = {{"relevance", ZHS_SORT_RELEVANCE}, {"date", ZHS_SORT_DATE},
                 {"date-desc", ZHS_SORT_DATE_DESC}, {"-date", ZHS_SORT_DATE_DESC}};
    for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
        if (!strcmp(s, sorts[i].name)) {
            *out = sorts[i].sort;
            return 0;
        }
    PyErr_Format(PyExc_ValueError, "sort must be 'relevance', 'date' or 'date-desc', not '%s'", s);
    return -1;
}

/* The facet names asked for, as a list of str (a lone str is one name). */
static PyObject *facet_list(PyObject *facets)
{
    if (!facets || facets == Py_None)
        return PyList_New(0);
    if (PyUnicode_Check(facets))
        return list_of(facets);
    PyObject *list = PySequence_List(facets);
    if (!list) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            wrong_type("facets", "an iterable of str", facets);
        }
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_Size(list); i++)
        if (!utf8_arg(PyList_GetItem(list, i), "a facet name")) {
            Py_DECREF(list);
            return NULL;
        }
    return list;
}

typedef struct search_args {
    PyObject *limit, *offset, *snippet, *facets, *matches, *suggest;
    const char *sort;
    int explain, occurrences, expand;
} search_args;

static int set_opt(zhs_options *o, zhs_param p, long v)
{
    zhs_status st = zhs_options_set(o, p, v);
    if (st != ZHS_OK)
        raise_status(st, "invalid search option");
    return st == ZHS_OK ? 0 : -1;
}

/* Options from the arguments of search(); facet names into *names. */
static zhs_options *options_of(const search_args *a, PyObject **names)
{
    unsigned long long limit, offset, snippet, matches, suggest;
    long sort = ZHS_SORT_RELEVANCE;
    if (to_count(a->limit, "limit", 10, &limit) < 0 || to_count(a->offset, "offset", 0, &offset) < 0 ||
        to_count(a->snippet, "snippet", 0, &snippet) < 0 ||
        to_count(a->matches, "matches", 0, &matches) < 0 ||
        to_count(a->suggest, "suggest", 0, &suggest) < 0 || (a->sort && sort_of(a->sort, &sort) < 0))
        return NULL;
    if (a->snippet == Py_None)
        snippet = 0;
    else if (!a->snippet)
        snippet = 120;
    if (!(*names = facet_list(a->facets)))
        return NULL;
    zhs_options *o = zhs_options_new();
    if (!o) {
        PyErr_NoMemory();
        return NULL;
    }
    int rc = set_opt(o, ZHS_P_LIMIT, (long)limit) | set_opt(o, ZHS_P_OFFSET, (long)offset) |
             set_opt(o, ZHS_P_SNIPPET_CHARS, (long)snippet) | set_opt(o, ZHS_P_SORT, sort) |
             set_opt(o, ZHS_P_EXPLAIN, a->explain) | set_opt(o, ZHS_P_MATCHES, (long)matches) |
             set_opt(o, ZHS_P_OCCURRENCES, a->occurrences) |
             set_opt(o, ZHS_P_SUGGEST, (long)suggest) | set_opt(o, ZHS_P_EXPAND, a->expand);
    for (Py_ssize_t i = 0; rc == 0 && i < PyList_Size(*names); i++) {
        const char *f = PyUnicode_AsUTF8AndSize(PyList_GetItem(*names, i), NULL);
        if (zhs_options_add_facet(o, f) != ZHS_OK) {
            PyErr_Format(PyExc_ValueError, "no facet for field '%s' (facets: year, issuer, format)", f);
            rc = -1;
        }
    }
    if (rc < 0) {
        zhs_options_free(o);
        Py_CLEAR(*names);
        return NULL;
    }
    return o;
}

/* ---- Index ---------------------------------------------------------------- */

typedef struct IndexObject {
    PyObject_HEAD
    zhs_index *idx;          /* NULL once closed */
    PyThread_type_lock lock; /* held around every use of idx */
    int closing;             /* close() called: new calls fail at once */
    PyObject *name;          /* what was opened, for repr */
} IndexObject;

static PyObject *index_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
    IndexObject *self = (IndexObject *)alloc(tp, 0);
    if (!self)
        return NULL;
    self->lock = PyThread_allocate_lock();
    if (!self->lock) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    return (PyObject *)self;
}

static void index_dealloc(PyObject *o)
{
    IndexObject *self = (IndexObject *)o;
    PyTypeObject *tp = Py_TYPE(o);
    zhs_index_close(self->idx);
    if (self->lock)
        PyThread_free_lock(self->lock);
    Py_XDECREF(self->name);
    freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    tp_free(o);
    Py_DECREF(tp);
}

/* Take the handle for this thread; -1 with ValueError when closed. */
static int index_enter(IndexObject *self)
{
    if (!self->closing) {
        lock_take(self->lock);
        if (self->idx)
            return 0;
        PyThread_release_lock(self->lock);
    }
    PyErr_SetString(PyExc_ValueError, "operation on a closed zhsearch.Index");
    return -1;
}

static void index_leave(IndexObject *self) { PyThread_release_lock(self->lock); }

/* Raise the status of a failed call on idx with its message. */
static PyObject *index_error(zhs_index *idx, zhs_status st)
{
    return raise_status(st, idx ? zhs_index_last_error(idx) : NULL);
}

/* A list of file-system-encoded bytes for path (one) or paths (several). */
static PyObject *spec_list(PyObject *path, PyObject *paths)
{
    if ((path == Py_None) == (paths == Py_None)) {
        PyErr_SetString(PyExc_TypeError, "Index() takes a path or paths=[...], exactly one");
        return NULL;
    }
    PyObject *seq = paths == Py_None ? list_of(path) : NULL;
    if (paths != Py_None) {
        if (PyUnicode_Check(paths) || PyBytes_Check(paths)) {
            PyErr_SetString(PyExc_TypeError, "paths must be a list of paths, not a single one");
            return NULL;
        }
        seq = PySequence_List(paths);
    }
    for (Py_ssize_t i = 0; seq && i < PyList_Size(seq); i++) {
        PyObject *b = NULL;
        if (!PyUnicode_FSConverter(PyList_GetItem(seq, i), &b) || PyList_SetItem(seq, i, b) < 0)
            Py_CLEAR(seq);
    }
    if (seq && PyList_Size(seq) == 0) {
        PyErr_SetString(PyExc_ValueError, "paths is empty");
        Py_CLEAR(seq);
    }
    return seq;
}

/* Open every spec of the list (bytes) as shards of a new handle, with the
 * GIL released; *out gets the handle also on failure. */
static zhs_status open_specs(PyObject *specs, long timeout_ms, int partial, zhs_index **out)
{
    Py_ssize_t n = PyList_Size(specs);
    zhs_index *idx = *out = zhs_index_new();
    if (!idx)
        return ZHS_ERR_NOMEM;
    zhs_status st = ZHS_OK;
    if (timeout_ms >= 0)
        st = zhs_index_set(idx, ZHS_I_TIMEOUT_MS, timeout_ms);
    if (st == ZHS_OK && partial)
        st = zhs_index_set(idx, ZHS_I_ALLOW_PARTIAL, 1);
    const char **v = PyMem_Calloc((size_t)n, sizeof *v);
    if (!v)
        return ZHS_ERR_NOMEM;
    for (Py_ssize_t i = 0; i < n; i++)
        v[i] = PyBytes_AsString(PyList_GetItem(specs, i));
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; st == ZHS_OK && i < n; i++)
        st = zhs_index_add(idx, v[i]);
    Py_END_ALLOW_THREADS
    PyMem_Free(v);
    return st;
}

static int index_init(PyObject *o, PyObject *args, PyObject *kw)
{
    IndexObject *self = (IndexObject *)o;
    static char *kwlist[] = {"path", "paths", "timeout", "partial", NULL};
    PyObject *path = Py_None, *paths = Py_None, *timeout = Py_None;
    int partial = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|O$OOp:Index", kwlist, &path, &paths, &timeout,
                                     &partial))
        return -1;
    long timeout_ms = -1;
    if (timeout != Py_None) {
        double t = PyFloat_AsDouble(timeout);
        if (t == -1.0 && PyErr_Occurred())
            return -1;
        if (!(t >= 0 && t * 1000 <= (double)MAX_COUNT)) {
            PyErr_SetString(PyExc_ValueError, "timeout must be seconds in 0..4294967");
            return -1;
        }
        timeout_ms = (long)(t * 1000 + 0.5);
    }
    PyObject *specs = spec_list(path, paths);
    if (!specs)
        return -1;
    zhs_index *idx = NULL;
    zhs_status st;
    if (paths != Py_None || timeout_ms >= 0 || partial) {
        st = open_specs(specs, timeout_ms, partial, &idx);
    } else {
        const char *spec = PyBytes_AsString(PyList_GetItem(specs, 0));
        Py_BEGIN_ALLOW_THREADS
        st = zhs_index_open(spec, &idx);
        Py_END_ALLOW_THREADS
    }
    Py_DECREF(specs);
    if (st != ZHS_OK) {
        index_error(idx, st);
        zhs_index_close(idx);
        return -1;
    }
    lock_take(self->lock);
    zhs_index *old = self->idx;
    self->idx = idx;
    self->closing = 0;
    PyThread_release_lock(self->lock);
    zhs_index_close(old); /* __init__ called again */
    PyObject *old_name = self->name;
    self->name = Py_NewRef(paths == Py_None ? path : paths);
    Py_XDECREF(old_name);
    return 0;
}

static PyObject *index_search(PyObject *o, PyObject *args, PyObject *kw)
{
    IndexObject *self = (IndexObject *)o;
    static char *kwlist[] = {"query", "limit", "offset", "sort", "snippet", "facets", "explain",
                             "matches", "occurrences", "suggest", "expand", NULL};
    PyObject *query;
    search_args a = {0};
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOzOOp$OpOp:search", kwlist, &query, &a.limit,
                                     &a.offset, &a.sort, &a.snippet, &a.facets, &a.explain,
                                     &a.matches, &a.occurrences, &a.suggest, &a.expand))
        return NULL;
    const char *q = utf8_arg(query, "query");
    PyObject *names = NULL;
    zhs_options *opts = q ? options_of(&a, &names) : NULL;
    if (!opts)
        return NULL;
    PyObject *out = NULL;
    if (index_enter(self) == 0) {
        zhs_results *res = NULL;
        zhs_status st;
        zhs_index *idx = self->idx;
        Py_BEGIN_ALLOW_THREADS
        st = zhs_search(idx, q, opts, &res);
        Py_END_ALLOW_THREADS
        out = st == ZHS_OK ? results_of(res, names, a.explain) : index_error(idx, st);
        zhs_results_free(res);
        index_leave(self);
    }
    zhs_options_free(opts);
    Py_DECREF(names);
    return out;
}

static PyObject *index_document(PyObject *o, PyObject *args, PyObject *kw)
{
    IndexObject *self = (IndexObject *)o;
    static char *kwlist[] = {"path", "query", NULL};
    PyObject *path, *query = Py_None, *bpath = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O:document", kwlist, &path, &query))
        return NULL;
    const char *q = NULL;
    if (query != Py_None && !(q = utf8_arg(query, "query")))
        return NULL;
    if (!PyUnicode_FSConverter(path, &bpath))
        return NULL;
    const char *p = PyBytes_AsString(bpath);
    PyObject *out = NULL;
    if (index_enter(self) == 0) {
        zhs_document *doc = NULL;
        zhs_status st;
        zhs_index *idx = self->idx;
        Py_BEGIN_ALLOW_THREADS
        st = zhs_index_document(idx, p, q, &doc);
        Py_END_ALLOW_THREADS
        out = st == ZHS_OK ? document_of(doc) : index_error(idx, st);
        index_leave(self);
        Py_BEGIN_ALLOW_THREADS
        zhs_document_free(doc); /* owned here alone: no lock needed */
        Py_END_ALLOW_THREADS
    }
    Py_DECREF(bpath);
    return out;
}

static PyObject *index_reopen(PyObject *o, PyObject *unused)
{
    (void)unused;
    IndexObject *self = (IndexObject *)o;
    if (index_enter(self) < 0)
        return NULL;
    zhs_index *idx = self->idx;
    zhs_status st;
    Py_BEGIN_ALLOW_THREADS
    st = zhs_index_reopen(idx);
    Py_END_ALLOW_THREADS
    PyObject *r = st == ZHS_OK ? Py_NewRef(Py_None) : index_error(idx, st);
    index_leave(self);
    return r;
}

static PyObject *index_close(PyObject *o, PyObject *unused)
{
    (void)unused;
    IndexObject *self = (IndexObject *)o;
    self->closing = 1; /* under the GIL: calls not yet waiting for the lock fail */
    lock_take(self->lock);
    zhs_index *idx = self->idx;
    self->idx = NULL;
    PyThread_release_lock(self->lock);
    Py_BEGIN_ALLOW_THREADS
    zhs_index_close(idx);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyObject *index_enter_ctx(PyObject *o, PyObject *unused)
{
    (void)unused;
    if (!((IndexObject *)o)->idx) {
        PyErr_SetString(PyExc_ValueError, "operation on a closed zhsearch.Index");
        return NULL;
    }
    return Py_NewRef(o);
}

static PyObject *index_exit_ctx(PyObject *o, PyObject *args)
{
    (void)args;
    PyObject *r = index_close(o, NULL);
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_False) : NULL;
}

/* An unsigned property of the handle, read under the lock. */
static PyObject *index_count(IndexObject *self, unsigned (*fn)(zhs_index *))
{
    if (index_enter(self) < 0)
        return NULL;
    unsigned n = fn(self->idx);
    index_leave(self);
    return PyLong_FromUnsignedLong(n);
}

static PyObject *index_doc_count(PyObject *o, void *c)
{
    (void)c;
    return index_count((IndexObject *)o, zhs_index_doc_count);
}

static PyObject *index_shard_count(PyObject *o, void *c)
{
    (void)c;
    return index_count((IndexObject *)o, zhs_index_shard_count);
}

static PyObject *index_closed(PyObject *o, void *c)
{
    (void)c;
    return PyBool_FromLong(((IndexObject *)o)->idx == NULL);
}

static PyObject *index_repr(PyObject *o)
{
    IndexObject *self = (IndexObject *)o;
    return PyUnicode_FromFormat("<zhsearch.Index %R%s>", self->name ? self->name : Py_None,
                                self->idx ? "" : " (closed)");
}

static PyMethodDef index_methods[] = {
    {"search", (PyCFunction)(void (*)(void))index_search, METH_VARARGS | METH_KEYWORDS,
     "search(query, limit=10, offset=0, sort='relevance', snippet=120, facets=(), "
     "explain=False, *, matches=0, occurrences=False, suggest=0, expand=False) -> Results\n\n"
     "Run a query (the query language of the README).  limit=0 or None returns every match; "
     "sort is 'relevance', 'date' (oldest first) or 'date-desc'; snippet is its length in "
     "characters (0 or None: no snippets); facets names fields to count matches by "
     "('year', 'issuer', 'format'); explain=True fills Results.explain and Hit.explain.  "
     "matches=N fills Hit.matches with every occurrence of the query in each hit, with N "
     "characters of context each side (at most 2000); occurrences=True counts occurrences "
     "of the query (Results.occurrences, and in facets instead of documents); suggest=N "
     "fills Results.suggestions when fewer than N documents match; expand=True expands "
     "every word of the query that has a synonym group in the index (zhindex synonyms), "
     "as ~word always does (Results.expanded).  "
     "Raises QuerySyntaxError, QueryEmptyError, QueryLimitError (all ValueError) for bad "
     "queries, ModifiedError when an indexer overtook the search (reopen() and retry).  "
     "Runs with the GIL released."},
    {"document", (PyCFunction)(void (*)(void))index_document, METH_VARARGS | METH_KEYWORDS,
     "document(path, query=None) -> Document\n\n"
     "The whole stored text and the fields of the indexed document at path (Hit.path), with "
     "every match of query in it (Document.highlights, Document.pages; none when query is "
     "None or '').  Raises NotFoundError (a LookupError) when the index has no document of "
     "that path, and the errors of search() for a bad query.  Runs with the GIL released."},
    {"reopen", index_reopen, METH_NOARGS,
     "reopen()\n\nSee the latest commit of the index.  Results obtained before stay valid."},
    {"close", index_close, METH_NOARGS,
     "close()\n\nRelease the index (waiting for a search in another thread).  Closing twice is "
     "allowed; other use afterwards raises ValueError."},
    {"__enter__", index_enter_ctx, METH_NOARGS, "Return the index itself."},
    {"__exit__", index_exit_ctx, METH_VARARGS, "Close the index."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef index_getset[] = {
    {"doc_count", index_doc_count, NULL, "Number of documents in the index.", NULL},
    {"shard_count", index_shard_count, NULL, "Number of shards in use.", NULL},
    {"closed", index_closed, NULL, "True after close().", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot index_slots[] = {
    {Py_tp_doc,
     "Index(path=None, *, paths=None, timeout=None, partial=False)\n\n"
     "A read-only zhsearch index: a directory, a sharded set, a Xapian stub file or "
     "'HOST:PORT' (path), or several of them searched as one (paths=[...]).  timeout is in "
     "seconds for remote shards (default 10); partial=True leaves out shards that are down "
     "(Results.partial says so).  Raises OpenError (an OSError) with the library's message.\n\n"
     "An Index may be shared by Python threads: their calls take turns on its one handle.  "
     "Separate Index objects (on the same index or not) search in parallel, with the GIL "
     "released.  Use it as a context manager to close it."},
    {Py_tp_new, index_new},
    {Py_tp_init, index_init},
    {Py_tp_dealloc, index_dealloc},
    {Py_tp_repr, index_repr},
    {Py_tp_methods, index_methods},
    {Py_tp_getset, index_getset},
    {0, NULL},
};

static PyType_Spec index_spec = {"zhsearch.Index", sizeof(IndexObject), 0,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, index_slots};

/* ---- Writer ---------------------------------------------------------------- */

typedef struct WriterObject {
    PyObject_HEAD
    zhs_writer *w;            /* NULL once closed */
    PyThread_type_lock lock;  /* held around every use of w but cancel */
    unsigned long cb_thread;  /* thread running the progress callback (0: none) */
    int closing;              /* close() called: new calls fail at once */
    PyObject *progress;       /* callable or NULL */
    PyObject *exc[3];         /* raised by the callback, re-raised after the call */
    PyObject *name;
} WriterObject;

static const char *const event_names[] = {
    [ZHS_EV_ADDED] = "added",     [ZHS_EV_UPDATED] = "updated", [ZHS_EV_UNCHANGED] = "unchanged",
    [ZHS_EV_REMOVED] = "removed", [ZHS_EV_FAILED] = "failed",   [ZHS_EV_PAGE] = "page",
    [ZHS_EV_COMMIT] = "commit",
};

/* Keep the exception being raised by the callback; the call is cancelled. */
static int keep_exception(WriterObject *self)
{
    if (!self->exc[0])
        PyErr_Fetch(&self->exc[0], &self->exc[1], &self->exc[2]);
    else
        PyErr_Clear();
    return 1;
}

static int call_progress(WriterObject *self, zhs_event ev, const char *path, const char *msg,
                         unsigned done, unsigned total)
{
    if (PyErr_CheckSignals() < 0) /* Ctrl-C in the main thread cancels */
        return keep_exception(self);
    if (!self->progress)
        return 0;
    const char *evname = (unsigned)ev < sizeof event_names / sizeof *event_names && event_names[ev]
                             ? event_names[ev] : "unknown";
    PyObject *p = path_or_none(path), *m = p ? text_or_none(msg) : NULL;
    PyObject *r = m ? PyObject_CallFunction(self->progress, "sOOII", evname, p, m, done, total) : NULL;
    Py_XDECREF(p);
    Py_XDECREF(m);
    int stop = r ? PyObject_IsTrue(r) : -1;
    Py_XDECREF(r);
    return stop < 0 ? keep_exception(self) : stop;
}

/* The C callback.  It runs while a writer call has released the GIL, in
 * the calling thread or in the library's pipeline thread (the library
 * serializes its reports), so it takes the GIL with PyGILState_Ensure,
 * which serves both. */
static int on_progress(void *ctx, zhs_event ev, const char *path, const char *msg, unsigned done,
                       unsigned total)
{
    WriterObject *self = ctx;
    PyGILState_STATE g = PyGILState_Ensure();
    unsigned long outer = self->cb_thread;
    self->cb_thread = PyThread_get_thread_ident();
    int stop = self->exc[0] ? 1 : call_progress(self, ev, path, msg, done, total);
    self->cb_thread = outer;
    PyGILState_Release(g);
    return stop;
}

static PyObject *writer_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
    WriterObject *self = (WriterObject *)alloc(tp, 0);
    if (!self)
        return NULL;
    self->lock = PyThread_allocate_lock();
    if (!self->lock) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    return (PyObject *)self;
}

static int writer_traverse(PyObject *o, visitproc visit, void *arg)
{
    WriterObject *self = (WriterObject *)o;
    Py_VISIT(self->progress);
    Py_VISIT(self->name);
    Py_VISIT(Py_TYPE(o));
    return 0;
}

static int writer_clear(PyObject *o)
{
    WriterObject *self = (WriterObject *)o;
    Py_CLEAR(self->progress);
    Py_CLEAR(self->name);
    return 0;
}

/* Commit and free the handle with the GIL released, the callback detached. */
static zhs_status writer_free(zhs_writer *w)
{
    zhs_status st;
    if (!w)
        return ZHS_OK;
    zhs_writer_set_progress(w, NULL, NULL);
    Py_BEGIN_ALLOW_THREADS
    st = zhs_writer_close(w);
    Py_END_ALLOW_THREADS
    return st;
}

static void writer_dealloc(PyObject *o)
{
    WriterObject *self = (WriterObject *)o;
    PyTypeObject *tp = Py_TYPE(o);
    PyObject_GC_UnTrack(o);
    if (self->w)
        writer_free(self->w);
    if (self->lock)
        PyThread_free_lock(self->lock);
    for (int i = 0; i < 3; i++)
        Py_CLEAR(self->exc[i]);
    writer_clear(o);
    freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    tp_free(o);
    Py_DECREF(tp);
}

/* Take the handle for this thread: -1 with ValueError when closed,
 * RuntimeError when called from the progress callback of a running call. */
static int writer_enter(WriterObject *self)
{
    if (self->cb_thread && self->cb_thread == PyThread_get_thread_ident()) {
        PyErr_SetString(PyExc_RuntimeError,
                        "zhsearch.Writer is busy: its progress callback may read counts and "
                        "cancel(), nothing else");
        return -1;
    }
    if (!self->closing) {
        lock_take(self->lock);
        if (self->w)
            return 0;
        PyThread_release_lock(self->lock);
    }
    PyErr_SetString(PyExc_ValueError, "operation on a closed zhsearch.Writer");
    return -1;
}

static void writer_leave(WriterObject *self)
{
    PyThread_release_lock(self->lock);
}

/* What a writer call does. */
typedef enum job_op { OP_ADD, OP_ADD_BUFFER, OP_REMOVE, OP_SYNC, OP_COMMIT, OP_COMPACT } job_op;

typedef struct job {
    job_op op;
    const char *path; /* or the name of a buffer */
    const void *bytes;
    size_t n;
    const char *const *fields;
} job;

static zhs_status run_job(zhs_writer *w, const job *j)
{
    switch (j->op) {
    case OP_ADD: return zhs_writer_add(w, j->path);
    case OP_ADD_BUFFER: return zhs_writer_add_buffer(w, j->path, j->bytes, j->n, j->fields);
    case OP_REMOVE: return zhs_writer_remove(w, j->path);
    case OP_SYNC: return zhs_writer_sync(w, j->path);
    case OP_COMMIT: return zhs_writer_commit(w);
    case OP_COMPACT: return zhs_writer_compact(w);
    }
    return ZHS_ERR_INVALID;
}

/* The outcome of a call: None, the callback's exception, or the status
 * raised with the writer's message. */
static PyObject *writer_outcome(WriterObject *self, zhs_status st)
{
    if (self->exc[0]) {
        PyErr_Restore(self->exc[0], self->exc[1], self->exc[2]);
        self->exc[0] = self->exc[1] = self->exc[2] = NULL;
        return NULL;
    }
    if (st != ZHS_OK)
        return raise_status(st, zhs_writer_last_error(self->w));
    Py_RETURN_NONE;
}

/* Run a job on the handle, the GIL released (taken back by the callback). */
static PyObject *writer_run(WriterObject *self, const job *j)
{
    if (writer_enter(self) < 0)
        return NULL;
    zhs_writer *w = self->w;
    zhs_status st;
    Py_BEGIN_ALLOW_THREADS
    st = run_job(w, j);
    Py_END_ALLOW_THREADS
    PyObject *r = writer_outcome(self, st);
    writer_leave(self);
    return r;
}

/* A job on one path argument (str, bytes or os.PathLike). */
static PyObject *writer_path_job(PyObject *o, PyObject *arg, job_op op)
{
    PyObject *b = NULL;
    if (!PyUnicode_FSConverter(arg, &b))
        return NULL;
    job j = {.op = op, .path = PyBytes_AsString(b)};
    PyObject *r = writer_run((WriterObject *)o, &j);
    Py_DECREF(b);
    return r;
}

static PyObject *writer_add(PyObject *o, PyObject *arg) { return writer_path_job(o, arg, OP_ADD); }
static PyObject *writer_remove(PyObject *o, PyObject *arg) { return writer_path_job(o, arg, OP_REMOVE); }
static PyObject *writer_sync(PyObject *o, PyObject *arg) { return writer_path_job(o, arg, OP_SYNC); }

static PyObject *writer_commit(PyObject *o, PyObject *unused)
{
    (void)unused;
    job j = {.op = OP_COMMIT};
    return writer_run((WriterObject *)o, &j);
}

static PyObject *writer_compact(PyObject *o, PyObject *unused)
{
    (void)unused;
    job j = {.op = OP_COMPACT};
    return writer_run((WriterObject *)o, &j);
}

/* A field value for add_buffer as str: str as is, int in decimal. */
static PyObject *field_text(PyObject *key, PyObject *v)
{
    if (PyUnicode_Check(v))
        return Py_NewRef(v);
    if (PyLong_Check(v) && !PyBool_Check(v))
        return PyObject_Str(v);
    PyObject *what = PyUnicode_FromFormat("field %R", key);
    if (what)
        wrong_type(PyUnicode_AsUTF8AndSize(what, NULL), "str or int", v);
    Py_XDECREF(what);
    return NULL;
}

/* fields as a list [name, value, ...] of str (keeping the UTF-8 alive) and
 * a NULL-terminated array of their UTF-8 in *out (PyMem_Free it). */
static PyObject *field_pairs(PyObject *fields, const char ***out)
{
    *out = NULL;
    if (!fields || fields == Py_None)
        return PyList_New(0);
    if (!PyDict_Check(fields)) {
        wrong_type("fields", "a dict", fields);
        return NULL;
    }
    PyObject *list = PyList_New(0), *key, *value;
    Py_ssize_t pos = 0;
    while (list && PyDict_Next(fields, &pos, &key, &value)) {
        PyObject *text = utf8_arg(key, "a field name") ? field_text(key, value) : NULL;
        if (!text || PyList_Append(list, key) < 0 || PyList_Append(list, text) < 0 ||
            !utf8_arg(text, "a field value"))
            Py_CLEAR(list);
        Py_XDECREF(text);
    }
    Py_ssize_t n = list ? PyList_Size(list) : 0;
    const char **v = list ? PyMem_Calloc((size_t)n + 1, sizeof *v) : NULL;
    if (list && !v) {
        Py_CLEAR(list);
        PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; v && i < n; i++)
        v[i] = PyUnicode_AsUTF8AndSize(PyList_GetItem(list, i), NULL);
    *out = v;
    return list;
}

static PyObject *writer_add_buffer(PyObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"name", "data", "fields", NULL};
    PyObject *name, *fields = Py_None, *bname = NULL;
    Py_buffer data;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Oy*|O:add_buffer", kwlist, &name, &data, &fields))
        return NULL;
    const char **v = NULL;
    PyObject *keep = PyUnicode_FSConverter(name, &bname) ? field_pairs(fields, &v) : NULL;
    PyObject *r = NULL;
    if (keep) {
        job j = {.op = OP_ADD_BUFFER, .path = PyBytes_AsString(bname), .bytes = data.buf,
                 .n = (size_t)data.len, .fields = v};
        r = writer_run((WriterObject *)o, &j);
    }
    PyMem_Free(v);
    Py_XDECREF(keep);
    Py_XDECREF(bname);
    PyBuffer_Release(&data);
    return r;
}

static PyObject *writer_cancel(PyObject *o, PyObject *unused)
{
    (void)unused;
    WriterObject *self = (WriterObject *)o;
    if (self->w) /* under the GIL: close() detaches it under the GIL first */
        zhs_writer_cancel(self->w);
    Py_RETURN_NONE;
}

static PyObject *writer_close(PyObject *o, PyObject *unused)
{
    (void)unused;
    WriterObject *self = (WriterObject *)o;
    if (!self->w || self->closing)
        Py_RETURN_NONE;
    if (self->cb_thread && self->cb_thread == PyThread_get_thread_ident()) {
        PyErr_SetString(PyExc_RuntimeError, "zhsearch.Writer cannot close from its progress callback");
        return NULL;
    }
    self->closing = 1; /* under the GIL: calls not yet waiting for the lock fail */
    lock_take(self->lock);
    zhs_writer *w = self->w;
    self->w = NULL; /* cancel() no longer reaches it */
    zhs_status st, st_close;
    Py_BEGIN_ALLOW_THREADS
    st = zhs_writer_commit(w); /* first alone, for its message */
    Py_END_ALLOW_THREADS
    PyObject *msg = st == ZHS_OK ? NULL : text_or_none(zhs_writer_last_error(w));
    Py_BEGIN_ALLOW_THREADS
    st_close = zhs_writer_close(w);
    Py_END_ALLOW_THREADS
    PyObject *r = NULL;
    if (self->exc[0] || (st == ZHS_OK && st_close == ZHS_OK))
        r = writer_outcome(self, ZHS_OK);
    else if (st != ZHS_OK)
        raise_status(st, msg ? PyUnicode_AsUTF8AndSize(msg, NULL) : NULL);
    else
        raise_status(st_close, "closing the index failed; it keeps its last commit");
    Py_XDECREF(msg);
    writer_leave(self);
    return r;
}

static PyObject *writer_counts(PyObject *o, void *c)
{
    (void)c;
    WriterObject *self = (WriterObject *)o;
    zhs_counts n = {0};
    int mine = self->cb_thread && self->cb_thread == PyThread_get_thread_ident(); /* callback */
    if (!mine && writer_enter(self) < 0)
        return NULL;
    zhs_writer_counts(self->w, &n);
    if (!mine)
        writer_leave(self);
    return Py_BuildValue("{s:I,s:I,s:I,s:I,s:I,s:K}", "added", n.added, "updated", n.updated,
                         "unchanged", n.unchanged, "removed", n.removed, "failed", n.failed, "bytes",
                         n.bytes);
}

static PyObject *writer_closed(PyObject *o, void *c)
{
    (void)c;
    return PyBool_FromLong(((WriterObject *)o)->w == NULL);
}

static PyObject *writer_enter_ctx(PyObject *o, PyObject *unused)
{
    (void)unused;
    if (!((WriterObject *)o)->w) {
        PyErr_SetString(PyExc_ValueError, "operation on a closed zhsearch.Writer");
        return NULL;
    }
    return Py_NewRef(o);
}

static PyObject *writer_exit_ctx(PyObject *o, PyObject *args)
{
    PyObject *r = writer_close(o, NULL);
    if (r) {
        Py_DECREF(r);
        Py_RETURN_FALSE;
    }
    if (PyTuple_Size(args) > 0 && PyTuple_GetItem(args, 0) != Py_None) {
        PyErr_Clear(); /* the exception leaving the block is the one to see */
        Py_RETURN_FALSE;
    }
    return NULL;
}

static PyObject *writer_repr(PyObject *o)
{
    WriterObject *self = (WriterObject *)o;
    return PyUnicode_FromFormat("<zhsearch.Writer %R%s>", self->name ? self->name : Py_None,
                                self->w ? "" : " (closed)");
}

/* Set a writer parameter from an int argument (None: leave the default). */
static zhs_status writer_param(zhs_writer *w, zhs_writer_param p, PyObject *o, const char *what)
{
    unsigned long long v;
    if (o == Py_None)
        return ZHS_OK;
    if (to_count(o, what, 0, &v) < 0)
        return ZHS_ERR_INVALID;
    zhs_status st = zhs_writer_set(w, p, (long)v);
    if (st != ZHS_OK)
        raise_status(st, zhs_writer_last_error(w));
    return st;
}

/* Apply the constructor's settings to a freshly opened handle. */
static zhs_status writer_settings(zhs_writer *w, PyObject *threads, PyObject *batch,
                                  PyObject *max_size, int ocr, int follow, int compact)
{
    zhs_status st = writer_param(w, ZHS_W_THREADS, threads, "threads");
    if (st == ZHS_OK)
        st = writer_param(w, ZHS_W_BATCH, batch, "batch");
    if (st == ZHS_OK)
        st = writer_param(w, ZHS_W_MAX_SIZE, max_size, "max_size");
    if (st == ZHS_OK && (st = zhs_writer_set(w, ZHS_W_OCR, ocr)) == ZHS_OK &&
        (st = zhs_writer_set(w, ZHS_W_FOLLOW, follow)) == ZHS_OK)
        st = zhs_writer_set(w, ZHS_W_COMPACT, compact);
    if (st != ZHS_OK && !PyErr_Occurred())
        raise_status(st, zhs_writer_last_error(w));
    return st;
}

static int writer_init(PyObject *o, PyObject *args, PyObject *kw)
{
    WriterObject *self = (WriterObject *)o;
    static char *kwlist[] = {"path", "threads", "batch", "ocr", "progress",
                             "follow", "max_size", "compact", NULL};
    PyObject *path, *threads = Py_None, *batch = Py_None, *progress = Py_None, *max_size = Py_None;
    int ocr = 0, follow = 0, compact = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOpO$pOp:Writer", kwlist, &path, &threads, &batch,
                                     &ocr, &progress, &follow, &max_size, &compact))
        return -1;
    if (progress != Py_None && !PyCallable_Check(progress)) {
        PyErr_SetString(PyExc_TypeError, "progress must be callable or None");
        return -1;
    }
    if (self->w) {
        PyErr_SetString(PyExc_RuntimeError, "zhsearch.Writer is already open");
        return -1;
    }
    PyObject *b = NULL;
    if (!PyUnicode_FSConverter(path, &b))
        return -1;
    const char *p = PyBytes_AsString(b);
    zhs_writer *w = NULL;
    zhs_status st;
    Py_BEGIN_ALLOW_THREADS
    st = zhs_writer_open(p, &w);
    Py_END_ALLOW_THREADS
    Py_DECREF(b);
    if (st != ZHS_OK)
        raise_status(st, w ? zhs_writer_last_error(w) : NULL);
    else if (writer_settings(w, threads, batch, max_size, ocr, follow, compact) != ZHS_OK)
        st = ZHS_ERR_INVALID;
    if (st != ZHS_OK) {
        writer_free(w);
        return -1;
    }
    zhs_writer_set_progress(w, on_progress, self);
    self->progress = progress == Py_None ? NULL : Py_NewRef(progress);
    self->name = Py_NewRef(path);
    self->w = w;
    return 0;
}

static PyMethodDef writer_methods[] = {
    {"add", writer_add, METH_O,
     "add(path)\n\nIndex a file, or every file under a directory (hidden ones skipped): new "
     "ones added, changed ones re-indexed, unchanged ones skipped.  Files that cannot be indexed "
     "are reported to progress ('failed') and counted, and do not fail the call; "
     "NotIndexableError when path is missing or no file could be indexed.  Commits when it "
     "returns.  Runs with the GIL released."},
    {"add_buffer", (PyCFunction)(void (*)(void))writer_add_buffer, METH_VARARGS | METH_KEYWORDS,
     "add_buffer(name, data, fields=None)\n\nIndex bytes (any format zhindex reads) as the "
     "document called name (its path in results; adding the same name again replaces it).  "
     "fields, a dict of field name to str or int (title, issuer, region, year, date, docno), "
     "overrides what is found in the text.  NotIndexableError with the reason when the bytes "
     "cannot be indexed; InvalidArgumentError (a ValueError) for an unknown field or bad value."},
    {"remove", writer_remove, METH_O,
     "remove(path)\n\nRemove the document of a path, or every document under a directory path "
     "(nothing to remove is no error)."},
    {"sync", writer_sync, METH_O,
     "sync(dir)\n\nadd(dir), then remove the documents under dir whose files are gone."},
    {"commit", writer_commit, METH_NOARGS, "commit()\n\nCommit what is pending."},
    {"compact", writer_compact, METH_NOARGS,
     "compact()\n\nRewrite the index smaller and faster to read (searches go on)."},
    {"cancel", writer_cancel, METH_NOARGS,
     "cancel()\n\nAsk the running call (in another thread, or from the progress callback) to "
     "stop: it commits what is finished and raises CancelledError."},
    {"close", writer_close, METH_NOARGS,
     "close()\n\nCommit, compact when due, release the index's lock.  Closing twice is "
     "allowed; other use afterwards raises ValueError."},
    {"__enter__", writer_enter_ctx, METH_NOARGS, "Return the writer itself."},
    {"__exit__", writer_exit_ctx, METH_VARARGS, "Close the writer (commits)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef writer_getset[] = {
    {"counts", writer_counts, NULL,
     "Counts since the writer was opened: a dict with added, updated, unchanged, removed, "
     "failed (documents) and bytes (of the files read).",
     NULL},
    {"closed", writer_closed, NULL, "True after close().", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot writer_slots[] = {
    {Py_tp_doc,
     "Writer(path, threads=None, batch=None, ocr=False, progress=None, *, follow=False, "
     "max_size=None, compact=True)\n\n"
     "Open (creating when missing) the index at path for writing, taking its lock "
     "(LockedError when another writer has it).  threads: analysis threads (default: all "
     "cores); batch: documents per commit; ocr: read scanned PDF pages by OCR; follow: follow "
     "symbolic links inside directories; max_size: bytes over which files are refused; compact: "
     "close() compacts a new or much grown index.\n\n"
     "progress(event, path, message, done, total) is called with the GIL held, one call at a "
     "time, for every document as it is finished (from the calling thread or the library's "
     "indexing thread): event is 'added', 'updated', 'unchanged', "
     "'removed', 'failed', 'page' or 'commit' (path None); message says why for 'failed' and "
     "'page'; done and total count the files of the current call.  Returning True cancels "
     "(CancelledError); an exception it raises cancels and is raised by the call.\n\n"
     "One call runs at a time on a Writer (threads sharing it take turns); cancel() may come "
     "from any thread.  Use it as a context manager to commit and close it."},
    {Py_tp_new, writer_new},
    {Py_tp_init, writer_init},
    {Py_tp_dealloc, writer_dealloc},
    {Py_tp_traverse, writer_traverse},
    {Py_tp_clear, writer_clear},
    {Py_tp_repr, writer_repr},
    {Py_tp_methods, writer_methods},
    {Py_tp_getset, writer_getset},
    {0, NULL},
};

static PyType_Spec writer_spec = {"zhsearch.Writer", sizeof(WriterObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, writer_slots};

/* ---- module ---------------------------------------------------------------- */

static const char *const flag_names[] = {"text", "range", "facet", "hit", "brief", "number", "exact",
                                         NULL, "boolean"};

static PyObject *module_fields(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    PyObject *d = PyDict_New();
    unsigned flags;
    const char *name;
    for (unsigned i = 0; d && (name = zhs_field_info(i, &flags)) != NULL; i++) {
        PyObject *set = PySet_New(NULL);
        for (unsigned b = 0; set && b < sizeof flag_names / sizeof *flag_names; b++) {
            if (!(flags & (1u << b)) || !flag_names[b])
                continue;
            PyObject *s = PyUnicode_FromString(flag_names[b]);
            if (!s || PySet_Add(set, s) < 0)
                Py_CLEAR(set);
            Py_XDECREF(s);
        }
        PyObject *fs = set ? PyFrozenSet_New(set) : NULL;
        Py_XDECREF(set);
        if (dict_steal(d, name, fs) < 0)
            Py_CLEAR(d);
    }
    return d;
}

static PyMethodDef module_methods[] = {
    {"fields", module_fields, METH_NOARGS,
     "fields() -> dict[str, frozenset[str]]\n\nThe fields of the index's documents, in the "
     "library's order, each with what it is and does: 'text' (name:text searches it), 'range' "
     "(name:a..b), 'facet', 'hit' (listed in Hit.fields), 'brief', 'number', 'exact', "
     "'boolean'."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "zhsearch",
    "Exact, ranked full-text search of Chinese documents (libzhsearch).\n\n"
    "    with zhsearch.Index('reports.idx') as idx:\n"
    "        for hit in idx.search('行政复议 year:2021', limit=10):\n"
    "            print(hit.rank, hit.path, hit.title, hit.snippet)\n\n"
    "Index searches, Writer adds and removes documents; errors are zhsearch.Error subclasses "
    "carrying the library's status and message.",
    -1, module_methods, NULL, NULL, NULL, NULL};

static int add_type(PyObject *m, PyType_Spec *spec, const char *name, PyTypeObject **out)
{
    PyObject *tp = PyType_FromSpec(spec);
    if (!tp || PyModule_AddObjectRef(m, name, tp) < 0) {
        Py_XDECREF(tp);
        return -1;
    }
    if (out)
        *out = (PyTypeObject *)tp; /* the module keeps it alive */
    Py_DECREF(tp);
    return 0;
}

PyMODINIT_FUNC PyInit_zhsearch(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    PyObject *version = PyUnicode_FromString(zhs_version());
    if (add_exceptions(m) < 0 || add_type(m, &hit_spec, "Hit", &HitType) < 0 ||
        add_type(m, &results_spec, "Results", &ResultsType) < 0 ||
        add_type(m, &match_spec, "Match", &MatchType) < 0 ||
        add_type(m, &document_spec, "Document", &DocumentType) < 0 ||
        add_type(m, &index_spec, "Index", NULL) < 0 || add_type(m, &writer_spec, "Writer", NULL) < 0 ||
        !version || PyModule_AddObjectRef(m, "version", version) < 0 ||
        PyModule_AddObjectRef(m, "__version__", version) < 0 ||
        PyModule_AddIntConstant(m, "version_number", (long)zhs_version_number()) < 0) {
        Py_XDECREF(version);
        Py_DECREF(m);
        return NULL;
    }
    Py_DECREF(version);
    return m;
}
