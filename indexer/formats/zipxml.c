/* zipxml.c - ZIP members and XML documents read safely (see zipxml.h for
 * the rules: size and ratio caps against zip bombs, no DTDs or entities
 * against billion laughs and external entities, no output from libxml2,
 * a parser context per call for threads). */
#include "zipxml.h"

#if ZHS_WITH_DOCX || ZHS_WITH_OFD

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

static void quiet_generic(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

static void quiet_structured(void *ctx, xmlErrorPtr err)
{
    (void)ctx, (void)err;
}

/* libxml2's error handlers are per thread: silence this thread's. */
static void xml_quiet(void)
{
    pthread_once(&xml_once, xml_init);
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    xmlSetStructuredErrorFunc(NULL, quiet_structured);
}

static zip_t *open_mem(const char *b, size_t n, zip_error_t *err)
{
    zip_source_t *src = zip_source_buffer_create(b, n, 0, err);
    if (!src)
        return NULL;
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, err);
    if (!z)
        zip_source_free(src);
    return z;
}

int zx_sniff(const char *b, size_t n, const char *name, int nocase)
{
    if (n < 30 || memcmp(b, "PK\3\4", 4) != 0)
        return 0;
    zip_error_t err;
    zip_error_init(&err);
    zip_t *z = open_mem(b, n, &err);
    zip_error_fini(&err);
    if (!z)
        return 0;
    int found = zip_name_locate(z, name, nocase ? ZIP_FL_NOCASE : 0) >= 0;
    zip_discard(z);
    return found;
}

zerr_code zx_open(zx_zip *z, const char *b, size_t n, const char *fmt, zerr *e)
{
    memset(z, 0, sizeof *z);
    z->fmt = fmt;
    if (n < 22 || memcmp(b, "PK", 2) != 0) /* 22: the end of central directory record */
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: damaged ZIP (not a ZIP file)", fmt);
    zip_error_t err;
    zip_error_init(&err);
    z->zip = open_mem(b, n, &err);
    if (!z->zip) {
        zerr_code rc = zip_error_code_zip(&err) == ZIP_ER_MEMORY
                           ? zerr_set(e, ZERR_NOMEM, "out of memory")
                           : zerr_set(e, ZERR_NOT_INDEXABLE, "%s: damaged ZIP (%s)", fmt,
                                      zip_error_strerror(&err));
        zip_error_fini(&err);
        return rc;
    }
    zip_error_fini(&err);
    return ZERR_OK;
}

void zx_close(zx_zip *z)
{
    if (z->zip)
        zip_discard(z->zip);
    z->zip = NULL;
}

static zip_int64_t locate(zx_zip *z, const char *name)
{
    zip_int64_t i = zip_name_locate(z->zip, name, 0);
    return i >= 0 ? i : zip_name_locate(z->zip, name, ZIP_FL_NOCASE);
}

int zx_has(zx_zip *z, const char *name)
{
    return locate(z, name) >= 0;
}

/* Refuse a member by its declared sizes before inflating any of it. */
static zerr_code check_sizes(zx_zip *z, const char *name, const zip_stat_t *st, zerr *e)
{
    if (!(st->valid & ZIP_STAT_SIZE) || !(st->valid & ZIP_STAT_COMP_SIZE))
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: damaged ZIP (no size for %s)", z->fmt, name);
    if (st->size > ZX_MEMBER_MAX)
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: %s is too large (%llu bytes uncompressed)",
                        z->fmt, name, (unsigned long long)st->size);
    /* Small members may compress very well; the ratio matters for large. */
    if (st->size > 65536 && st->size / ZX_RATIO_MAX > st->comp_size)
        return zerr_set(e, ZERR_NOT_INDEXABLE,
                        "%s: %s expands %llu times (zip bomb?), refused", z->fmt, name,
                        (unsigned long long)(st->size / (st->comp_size ? st->comp_size : 1)));
    if (z->read + st->size > ZX_TOTAL_MAX)
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: members over %llu MB in all", z->fmt,
                        (unsigned long long)(ZX_TOTAL_MAX >> 20));
    return ZERR_OK;
}

/* Read member index i (named name) whole into a malloc'd buffer. */
static zerr_code read_member(zx_zip *z, zip_int64_t i, const char *name, char **out,
                             size_t *len, zerr *e)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z->zip, (zip_uint64_t)i, 0, &st))
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: damaged ZIP (%s)", z->fmt,
                        zip_strerror(z->zip));
    zerr_code rc = check_sizes(z, name, &st, e);
    if (rc)
        return rc;
    char *buf = malloc(st.size + 1);
    if (!buf)
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    zip_file_t *f = zip_fopen_index(z->zip, (zip_uint64_t)i, 0);
    if (!f) {
        free(buf);
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: cannot read %s (%s)", z->fmt, name,
                        zip_strerror(z->zip));
    }
    /* One byte more than declared: a member longer than its size is damaged. */
    zip_int64_t got = zip_fread(f, buf, st.size + 1);
    int bad = got < 0 || (zip_uint64_t)got != st.size;
    char why[128];
    snprintf(why, sizeof why, "%s", got < 0 ? zip_file_strerror(f) : "size mismatch");
    zip_fclose(f);
    if (bad) {
        free(buf);
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: damaged ZIP (%s: %s)", z->fmt, name, why);
    }
    buf[st.size] = 0;
    z->read += st.size;
    *out = buf;
    *len = (size_t)st.size;
    return ZERR_OK;
}

zerr_code zx_load(zx_zip *z, const char *name, int optional, xmlDoc **doc, zerr *e)
{
    *doc = NULL;
    zip_int64_t i = locate(z, name);
    if (i < 0)
        return optional ? ZERR_OK
                        : zerr_set(e, ZERR_NOT_INDEXABLE, "%s: missing %s", z->fmt, name);
    char *buf = NULL;
    size_t len = 0;
    zerr_code rc = read_member(z, i, name, &buf, &len, e);
    if (rc)
        return rc;
    rc = zx_parse(z->fmt, name, buf, len, doc, e);
    free(buf);
    return rc;
}

/* SAX hooks that stop the parse at a DOCTYPE or any entity declaration,
 * before libxml2 records (let alone expands) anything from it. */
static void refuse_subset(void *vctxt, const xmlChar *name, const xmlChar *ext,
                          const xmlChar *sys)
{
    (void)name, (void)ext, (void)sys;
    xmlParserCtxtPtr ctxt = vctxt;
    *(int *)ctxt->_private = 1;
    xmlStopParser(ctxt);
}

static void refuse_entity(void *vctxt, const xmlChar *name, int type, const xmlChar *pub,
                          const xmlChar *sys, xmlChar *content)
{
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    xmlParserCtxtPtr ctxt = vctxt;
    *(int *)ctxt->_private = 1;
    xmlStopParser(ctxt);
}

zerr_code zx_parse(const char *fmt, const char *name, const char *b, size_t n, xmlDoc **doc,
                   zerr *e)
{
    *doc = NULL;
    if (n > (size_t)ZX_MEMBER_MAX)
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: %s is too large", fmt, name);
    xml_quiet();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return zerr_set(e, ZERR_NOMEM, "out of memory");
    int dtd = 0;
    ctxt->_private = &dtd;
    ctxt->sax->internalSubset = refuse_subset;
    ctxt->sax->externalSubset = refuse_subset;
    ctxt->sax->entityDecl = refuse_entity;
    ctxt->sax->serror = quiet_structured;
    ctxt->sax->error = quiet_generic;
    ctxt->sax->warning = quiet_generic;
    ctxt->vctxt.error = quiet_generic;
    ctxt->vctxt.warning = quiet_generic;
    xmlDoc *d = xmlCtxtReadMemory(ctxt, b, (int)n, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
                                                              | XML_PARSE_NOWARNING);
    int line = ctxt->lastError.line;
    int wf = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    if (dtd || (d && d->intSubset)) {
        xmlFreeDoc(d);
        return zerr_set(e, ZERR_NOT_INDEXABLE,
                        "%s: %s has a DTD (XML entity declarations refused)", fmt, name);
    }
    if (!d || !wf || !xmlDocGetRootElement(d)) {
        xmlFreeDoc(d);
        return zerr_set(e, ZERR_NOT_INDEXABLE, "%s: %s is not well-formed XML (line %d)", fmt,
                        name, line);
    }
    *doc = d;
    return ZERR_OK;
}

int zx_is(const xmlNode *node, const char *local)
{
    return node && node->type == XML_ELEMENT_NODE && node->name &&
           strcmp((const char *)node->name, local) == 0;
}

xmlNode *zx_child(const xmlNode *node, const char *local)
{
    for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
        if (zx_is(c, local))
            return c;
    return NULL;
}

const char *zx_attr(const xmlNode *node, const char *local)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return NULL;
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        if (!a->name || strcmp((const char *)a->name, local) != 0)
            continue;
        const xmlNode *v = a->children;
        if (v && (v->type == XML_TEXT_NODE || v->type == XML_CDATA_SECTION_NODE) && v->content)
            return (const char *)v->content;
        return "";
    }
    return NULL;
}

int zx_text(const xmlNode *node, zbuf *out)
{
    for (const xmlNode *c = node ? node->children : NULL; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
            zbuf_adds(out, (const char *)c->content))
            return -1;
    return 0;
}

#endif
