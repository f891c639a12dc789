/* docx.c - DOCX (Office Open XML word processing), on libzip + libxml2
 * through zipxml.h.
 *
 * Detected as a ZIP holding word/document.xml (an XLSX or a plain ZIP is
 * not a DOCX).  The text is word/document.xml's body, then the footnotes
 * (word/footnotes.xml) and endnotes (word/endnotes.xml):
 *  - each w:p is a paragraph ("\n\n"), headings and list items included;
 *    a table cell (w:tc) also ends a paragraph, so each cell's text stands
 *    alone;
 *  - w:t is text; w:tab a tab; w:br and w:cr a line break ("\n"); w:sym,
 *    field codes (w:instrText) and properties (w:*Pr) are skipped;
 *  - deleted revisions (w:del, w:moveFrom, w:delText) are skipped, inserted
 *    ones (w:ins, w:moveTo) kept: the text as it now reads;
 *  - a text box (w:txbxContent) is read where it is anchored, once: of an
 *    mc:AlternateContent only the first mc:Choice is read (or the
 *    mc:Fallback when there is no Choice), as both hold the same text.
 * Elements are matched by local name, whatever the prefix.  docProps/
 * core.xml gives the title (dc:title) and date (dcterms:created) hints.
 * A build without libzip or libxml2 refuses DOCX with a message.
 */
#include "formats.h"
#include "zipxml.h"

#if ZHS_WITH_DOCX

#include <stdlib.h>
#include <string.h>

typedef struct walk {
    zf_text *t;
    int oom;
} walk;

static void walk_children(walk *w, const xmlNode *n);

static void add(walk *w, const char *s)
{
    if (zf_add_utf8(w->t, s, strlen(s)))
        w->oom = 1;
}

static void add_text(walk *w, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            add(w, (const char *)c->content);
}

static void paragraph(walk *w)
{
    if (zf_paragraph(w->t))
        w->oom = 1;
}

/* Elements whose content is never text: properties, revisions deleted,
 * field codes and the like. */
static int skipped(const char *name)
{
    static const char *const skip[] = {"del",    "moveFrom",  "delText",     "instrText",
                                       "delInstrText", "fldData", "sym", "tblGrid",
                                       "footnoteReference", "endnoteReference",
                                       "commentReference", "separator",
                                       "continuationSeparator", "annotationRef"};
    size_t len = strlen(name);
    if (len > 2 && strcmp(name + len - 2, "Pr") == 0) /* pPr, rPr, sectPr, tblPr, ... */
        return 1;
    if (len > 6 && strcmp(name + len - 6, "Change") == 0)
        return 1; /* pPrChange, rPrChange: former properties */
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (strcmp(name, skip[i]) == 0)
            return 1;
    return 0;
}

/* mc:AlternateContent: the first Choice, or else the Fallback. */
static void alternate(walk *w, const xmlNode *n)
{
    const xmlNode *pick = zx_child(n, "Choice");
    if (!pick)
        pick = zx_child(n, "Fallback");
    if (pick)
        walk_children(w, pick);
}

static void walk_node(walk *w, const xmlNode *n)
{
    const char *name = (const char *)n->name;
    if (skipped(name))
        return;
    if (strcmp(name, "t") == 0)
        add_text(w, n);
    else if (strcmp(name, "tab") == 0 || strcmp(name, "ptab") == 0)
        add(w, "\t");
    else if (strcmp(name, "br") == 0 || strcmp(name, "cr") == 0)
        add(w, "\n");
    else if (strcmp(name, "noBreakHyphen") == 0)
        add(w, "-");
    else if (strcmp(name, "AlternateContent") == 0)
        alternate(w, n);
    else if (strcmp(name, "p") == 0 || strcmp(name, "tc") == 0) {
        walk_children(w, n);
        paragraph(w);
    } else
        walk_children(w, n);
}

static void walk_children(walk *w, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c && !w->oom; c = c->next)
        if (c->type == XML_ELEMENT_NODE && c->name)
            walk_node(w, c);
}

/* word/footnotes.xml, word/endnotes.xml: each note a paragraph of its own,
 * the separators (w:type="separator" and the like) skipped. */
static void notes(walk *w, const xmlDoc *doc, const char *note)
{
    for (const xmlNode *c = xmlDocGetRootElement(doc)->children; c && !w->oom; c = c->next) {
        if (!zx_is(c, note))
            continue;
        const char *type = zx_attr(c, "type");
        if (type && strcmp(type, "normal") != 0)
            continue;
        walk_children(w, c);
        paragraph(w);
    }
}

static char *trimmed_text(const xmlNode *n)
{
    zbuf b = {0};
    if (zx_text(n, &b) || !b.data) {
        zbuf_free(&b);
        return NULL;
    }
    size_t s = 0, len = b.len;
    while (s < len && strchr(" \t\r\n", b.data[s]))
        s++;
    while (len > s && strchr(" \t\r\n", b.data[len - 1]))
        len--;
    char *r = NULL;
    if (len > s && (r = malloc(len - s + 1)) != NULL) {
        memcpy(r, b.data + s, len - s);
        r[len - s] = 0;
    }
    zbuf_free(&b);
    return r;
}

/* docProps/core.xml: dc:title and dcterms:created as hints.  A damaged or
 * absent core.xml only loses the hints. */
static zerr_code core_props(zx_zip *z, zf_text *t, zerr *e)
{
    xmlDoc *doc;
    zerr ignored;
    zerr_code rc = zx_load(z, "docProps/core.xml", 1, &doc, &ignored);
    if (rc == ZERR_NOMEM)
        return zerr_set(e, rc, "out of memory");
    if (rc || !doc)
        return ZERR_OK;
    for (const xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
        if (zx_is(c, "title") && !t->title) {
            t->title = trimmed_text(c);
            if (t->title) { /* through zf_text's rules: valid UTF-8, no controls */
                zf_text tmp = {0};
                if (zf_add_utf8(&tmp, t->title, strlen(t->title)) == 0 && tmp.text.data) {
                    free(t->title);
                    t->title = tmp.text.data;
                    tmp.text.data = NULL;
                }
                zbuf_free(&tmp.text);
            }
        } else if (zx_is(c, "created") && !t->date[0]) {
            char *s = trimmed_text(c);
            if (s && zf_parse_date(s, t->date))
                t->date[0] = 0;
            free(s);
        }
    }
    xmlFreeDoc(doc);
    return ZERR_OK;
}

/* The body of word/document.xml (w:document/w:body). */
static zerr_code body(zx_zip *z, walk *w, zerr *e)
{
    xmlDoc *doc;
    zerr_code rc = zx_load(z, "word/document.xml", 0, &doc, e);
    if (rc)
        return rc;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *b = zx_child(root, "body");
    if (!zx_is(root, "document") || !b) {
        xmlFreeDoc(doc);
        return zerr_set(e, ZERR_NOT_INDEXABLE, "DOCX: word/document.xml has no w:body");
    }
    walk_children(w, b);
    xmlFreeDoc(doc);
    return ZERR_OK;
}

static zerr_code notes_part(zx_zip *z, walk *w, const char *member, const char *note, zerr *e)
{
    xmlDoc *doc;
    zerr_code rc = zx_load(z, member, 1, &doc, e);
    if (rc || !doc)
        return rc;
    notes(w, doc, note);
    xmlFreeDoc(doc);
    return ZERR_OK;
}

static int sniff_docx(const char *b, size_t n)
{
    return zx_sniff(b, n, "word/document.xml", 0);
}

static zerr_code extract_docx(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)o;
    zx_zip z;
    zerr_code rc = zx_open(&z, b, n, "DOCX", e);
    if (rc)
        return rc;
    walk w = {out, 0};
    rc = body(&z, &w, e);
    if (!rc)
        rc = notes_part(&z, &w, "word/footnotes.xml", "footnote", e);
    if (!rc)
        rc = notes_part(&z, &w, "word/endnotes.xml", "endnote", e);
    if (!rc)
        rc = core_props(&z, out, e);
    zx_close(&z);
    if (!rc && w.oom)
        rc = zerr_set(e, ZERR_NOMEM, "out of memory");
    return rc;
}

#else

static int sniff_docx(const char *b, size_t n)
{
    return zf_zip_holds(b, n, "word/document.xml");
}

static zerr_code extract_docx(const char *b, size_t n, const zf_opts *o, zf_text *out, zerr *e)
{
    (void)b, (void)n, (void)o, (void)out;
    return zf_not_built("DOCX", "libzip and libxml2", e);
}

#endif

const zf_format zf_format_docx = {"DOCX", sniff_docx, extract_docx};
