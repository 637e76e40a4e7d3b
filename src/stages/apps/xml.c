/* euprio-apps' XML reader: exported applications in, canonical records out.
 *
 * The reader streams (xmlReaderForIO), stops at each record element,
 * expands only that subtree, maps it with the profile's precompiled XPaths
 * (map.c) and skips on, so memory holds one record whatever the file size.
 * The input is untrusted: no network, no DTD, no external entity (a loader
 * that refuses everything, because XML_PARSE_NONET does not stop file://),
 * no entity substitution, no XInclude, libxml2's default size limits.  A
 * file that declares a DTD is refused outright, which also ends
 * billion-laughs files before any entity is used. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "apps_int.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stream/schema.h"
#include "euprio/stream/stream.h"

static xmlParserInputPtr deny_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	(void)ctxt;
	eu_warnx("refused to load external entity %s", url ? url : "(no URL)");
	return NULL;
}

/* Every libxml2 message, in our one format. */
static void xml_error(void *arg, xmlErrorPtr e)
{
	eu_apps *A = arg;
	char msg[512];

	if (!e || !e->message)
		return;
	snprintf(msg, sizeof msg, "%s", e->message);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (A && (A->quiet || (A->refused && *A->refused) || ++A->errors_shown > 20))
		return;         /* one broken file must not flood the log */
	eu_warn_at_col(A && A->file ? A->file : (e->file ? e->file : "-"), e->line, e->int2,
		       "%s%s", e->level == XML_ERR_WARNING ? "warning: " : "", msg);
}

void apps_xml_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_entity);
}

static const struct profile *detect(eu_apps *A, const char *local, const char *ns)
{
	for (size_t i = 0; i < A->np; i++) {
		if (A->forced)
			return &A->p[i];
		for (size_t k = 0; k < A->p[i].ndetect; k++)
			if (!strcmp(A->p[i].detect_local[k], local) &&
			    !strcmp(A->p[i].detect_ns[k], ns ? ns : ""))
				return &A->p[i];
	}
	return NULL;
}

/* XML_PARSE_COMPACT stores short text inside its node: fewer allocations. */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_NOXINCNODE | XML_PARSE_COMPACT)

static int is_record(const struct profile *p, xmlNodePtr n)
{
	const char *ns = n->ns && n->ns->href ? (const char *)n->ns->href : "";
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, p->rec_local) == 0 &&
	       strcmp(ns, p->rec_ns ? p->rec_ns : "") == 0;
}

/* After a parse error the reader stops, but the tree the parser built so
 * far is still there: records after the last one written were complete
 * except, perhaps, the last, which goes on as rejected.  So a broken file
 * keeps every record it completed, and loses none silently. */
static void salvage(eu_apps *A, const struct profile *p, xmlXPathContextPtr ctx, xmlNodePtr root,
		    long after, const char *name, eu_writer *w, eu_buf *val, eu_buf *warn,
		    int *status, unsigned long *records)
{
	xmlNodePtr found[2] = {NULL, NULL};   /* the previous and the current candidate */

	for (xmlNodePtr n = root; n;) {
		if (is_record(p, n)) {
			if (xmlGetLineNo(n) > after) {
				if (found[1]) {
					apps_emit_node(A, p, ctx, found[1], xmlGetLineNo(found[1]), name, w, val, warn, status, NULL);
					(*records)++;
				}
				found[1] = n;
			}
		} else if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && !n->next && n != root)
			n = n->parent;
		if (!n || n == root)
			break;
		n = n->next;
	}
	if (found[1])
		apps_emit_node(A, p, ctx, found[1], xmlGetLineNo(found[1]), name, w, val, warn, status,
			  "the XML breaks inside or just after this record; it may be incomplete");
}

/* The prolog scan: refuses a DTD before libxml2 parses any of it. */
/* Counting the attributes of each element as the bytes go by, before
 * libxml2 sees them: libxml2 compares each attribute of an element with
 * every other (100,000 attributes in one tag took 117 s), so an element
 * with more than limit.xml_attributes stops the file there.  A small lexer
 * over ASCII units (bytes, or the 16-bit units of a UTF-16 file): text,
 * tags, quoted values, and the comments, CDATA sections and processing
 * instructions whose quotes and brackets are not markup. */
enum { A_TEXT, A_LT, A_BANG, A_TAG, A_QUOTE, A_SKIP };

struct attr_scan {
	int state, width;        /* width: 0 unknown, 1 bytes, 2 UTF-16 */
	int big_endian;
	unsigned char pending[4];
	size_t npending;
	char quote;
	const char *term;        /* A_SKIP: what ends it */
	size_t matched;
	size_t count;            /* attributes of the current tag */
	int over;                /* the limit was passed */
};

/* One ASCII unit (a non-ASCII one arrives as 0x80).  Returns -1 when the
 * element at hand has too many attributes. */
static inline __attribute__((always_inline)) int attr_unit(struct attr_scan *a, unsigned c)
{
	switch (a->state) {
	case A_TEXT:
		if (c == '<')
			a->state = A_LT;
		break;
	case A_LT:
		a->state = c == '!' ? A_BANG : c == '?' ? A_SKIP : A_TAG;
		a->term = "?>";
		a->matched = 0;
		a->count = 0;
		if (a->state == A_TAG && c == '>')
			a->state = A_TEXT;
		break;
	case A_BANG:
		a->state = A_SKIP;
		a->term = c == '-' ? "-->" : c == '[' ? "]]>" : ">";
		a->matched = 0;
		break;
	case A_TAG:
		if (c == '"' || c == '\'') {
			a->quote = (char)c;
			a->state = A_QUOTE;
			if (++a->count > eu_limit.xml_attributes)
				return -1;
		} else if (c == '>') {
			a->state = A_TEXT;
		}
		break;
	case A_QUOTE:
		if (c == (unsigned char)a->quote)
			a->state = A_TAG;
		break;
	case A_SKIP:
		if (c == (unsigned char)a->term[a->matched]) {
			if (!a->term[++a->matched])
				a->state = A_TEXT;
		} else if (a->matched == 2 && a->term[0] == a->term[1] && c == (unsigned char)a->term[0]) {
			;                /* "--->": still two dashes before the '>' */
		} else {
			a->matched = c == (unsigned char)a->term[0];
		}
		break;
	}
	return 0;
}

/* The units of bytes whose width is known. */
/* The bytes of an ASCII-compatible file: text (up to the next '<') and a
 * quoted value (up to its closing quote) are skipped with memchr, which
 * is what keeps the count nearly free; tags go byte by byte. */
static int attr_bytes(struct attr_scan *a, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (a->state == A_TEXT || a->state == A_QUOTE) {
			int want = a->state == A_TEXT ? '<' : (unsigned char)a->quote;
			const unsigned char *hit = memchr(p + i, want, n - i);
			size_t end = hit ? (size_t)(hit - p) : n;
			if (!hit)
				return 0;
			a->state = a->state == A_TEXT ? A_LT : A_TAG;
			i = end + 1;
			continue;
		}
		if (a->state == A_TAG) {
			/* Names and spaces up to a quote or the tag's end: one
			 * table look-up a byte. */
			static const unsigned char stop[256] = {['"'] = 1, ['\''] = 1, ['>'] = 1};
			size_t j = i;
			while (j < n && !stop[p[j]])
				j++;
			if (j == n)
				return 0;
			i = j;
		}
		if (attr_unit(a, p[i] < 0x80 ? p[i] : 0x80) < 0)
			return -1;
		i++;
	}
	return 0;
}

static int attr_units(struct attr_scan *a, const unsigned char *p, size_t n)
{
	if (a->width == 1) {
		if (attr_bytes(a, p, n) < 0) {
			a->over = 1;
			return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		a->pending[a->npending++] = p[i];
		if (a->npending < 2)
			continue;
		unsigned hi = a->pending[a->big_endian ? 0 : 1], lo = a->pending[a->big_endian ? 1 : 0];
		a->npending = 0;
		if (attr_unit(a, hi == 0 && lo < 0x80 ? lo : 0x80) < 0) {
			a->over = 1;
			return -1;
		}
	}
	return 0;
}

static int attr_scan(struct attr_scan *a, const unsigned char *p, size_t n)
{
	if (!a->width) {
		/* The first two bytes say how wide a unit is: a UTF-16 byte-order
		 * mark, or "<" beside a NUL (never UTF-8), else bytes (UTF-8 and
		 * Latin-1 are ASCII-compatible). */
		size_t take = 0;
		while (a->npending < 2 && take < n)
			a->pending[a->npending++] = p[take++];
		if (a->npending < 2)
			return 0;
		unsigned char first[2] = {a->pending[0], a->pending[1]};
		a->npending = 0;
		a->width = 1;
		if ((first[0] == 0xff && first[1] == 0xfe) || (first[0] == '<' && first[1] == 0)) {
			a->width = 2;
		} else if ((first[0] == 0xfe && first[1] == 0xff) || (first[0] == 0 && first[1] == '<')) {
			a->width = 2;
			a->big_endian = 1;
		}
		if (attr_units(a, first, 2) < 0)
			return -1;
		p += take;
		n -= take;
	}
	return attr_units(a, p, n);
}

struct source {
	int fd;
	const char *mem;
	size_t memlen, mempos;
	int in_prolog;
	char tail[16];
	size_t ntail;
	int refused;
	long line;               /* of the prolog, for the refusal message */
	struct attr_scan at;     /* attributes per element, over the whole file */
};

static int scan_prolog(struct source *src, const char *buf, int n)
{
	/* Look at the bytes before the root element, keeping a few from the
	 * previous chunk so a keyword split across reads is still seen. */
	char win[4096 + 16];
	int i = 0;

	while (i < n && src->in_prolog) {
		int take = n - i > 4096 ? 4096 : n - i;
		memcpy(win, src->tail, src->ntail);
		memcpy(win + src->ntail, buf + i, (size_t)take);
		size_t wl = src->ntail + (size_t)take;
		for (size_t k = 0; k + 1 < wl; k++) {
			if (win[k] == '\n' && k >= src->ntail)
				src->line++;
			if (win[k] != '<')
				continue;
			unsigned char c = (unsigned char)win[k + 1];
			if (c == '!' && (k + 2 >= wl || win[k + 2] != '-')) {
				if (wl - k >= 9 && (memcmp(win + k, "<!DOCTYPE", 9) == 0 || memcmp(win + k, "<!ENTITY", 8) == 0)) {
					src->refused = 1;
					return -1;
				}
			} else if (c != '?' && c != '!') {
				src->in_prolog = 0;     /* the root element starts */
				break;
			}
		}
		size_t keep = wl < 15 ? wl : 15;
		memcpy(src->tail, win + wl - keep, keep);
		src->ntail = keep;
		i += take;
	}
	return 0;
}

static int src_read(void *ctx, char *buf, int len)
{
	struct source *src = ctx;
	int n;

	if (src->mem) {
		size_t left = src->memlen - src->mempos;
		n = (int)(left < (size_t)len ? left : (size_t)len);
		memcpy(buf, src->mem + src->mempos, (size_t)n);
		src->mempos += (size_t)n;
	} else {
		ssize_t got;
		do
			got = read(src->fd, buf, (size_t)len);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		n = (int)got;
	}
	if (src->in_prolog && scan_prolog(src, buf, n) < 0)
		return -1;
	if (attr_scan(&src->at, (const unsigned char *)buf, (size_t)n) < 0)
		return -1;
	return n;
}

static int src_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static int read_source(eu_apps *A, struct source *src, const char *name, eu_writer *w)
{
	const struct profile *p = NULL;
	xmlXPathContextPtr ctx = NULL;
	xmlNodePtr root = NULL;
	xmlDocPtr doc = NULL;
	eu_buf val[EU_NCANON], warn = EU_BUF_INIT;
	int status = EU_EXIT_OK, rc = 1, advanced = 0;
	unsigned long records = 0;
	long last_line = 0;

	src->in_prolog = 1;
	src->line = 1;
	src->at = (struct attr_scan){0};
	A->refused = &src->refused;
	xmlTextReaderPtr r = xmlReaderForIO(src_read, src_close, src, name, NULL, XML_OPTIONS);
	if (!r) {
		if (src->refused) {
			eu_warn_at(name, src->line, "document type declaration refused: exports must not carry a DTD or entity declarations");
			A->refused = NULL;
			return EU_EXIT_INPUT;
		}
		eu_warn_at(name, 0, "cannot start the XML reader");
		A->refused = NULL;
		return EU_EXIT_INPUT;
	}
	for (int i = 0; i < EU_NCANON; i++)
		val[i] = (eu_buf)EU_BUF_INIT;
	A->file = name;
	A->errors_shown = 0;
	A->quiet = 0;
	xmlTextReaderSetStructuredErrorHandler(r, xml_error, A);

	for (;;) {
		/* After Next() the reader already stands on the following
		 * node, which must be looked at before reading on. */
		if (!advanced && (rc = xmlTextReaderRead(r)) != 1)
			break;
		advanced = 0;
		int type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			src->refused = 1;
			rc = -1;
			break;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		const char *local = (const char *)xmlTextReaderConstLocalName(r);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
		if (!p) {
			p = detect(A, local, ns);
			if (!p) {
				xmlNodePtr cur = xmlTextReaderCurrentNode(r);
				eu_warn_at(name, cur ? xmlGetLineNo(cur) : xmlTextReaderGetParserLineNumber(r),
					   "no profile matches the root element {%s}%s; name one with --profile",
					   ns ? ns : "", local);
				status = EU_EXIT_INPUT;
				goto done;
			}
			/* Not xmlTextReaderCurrentDoc(): it makes the reader
			 * keep every node, and memory would grow with the file. */
			root = xmlTextReaderCurrentNode(r);
			ctx = xmlXPathNewContext(root ? root->doc : NULL);
			for (size_t i = 0; i < p->nns; i++)
				xmlXPathRegisterNs(ctx, (const xmlChar *)p->ns_prefix[i], (const xmlChar *)p->ns_uri[i]);
		}
		if (strcmp(local, p->rec_local) != 0 || strcmp(ns ? ns : "", p->rec_ns ? p->rec_ns : "") != 0)
			continue;
		xmlNodePtr node = xmlTextReaderExpand(r);
		if (!node) {
			rc = -1;
			break;
		}
		last_line = xmlGetLineNo(node);
		apps_emit_node(A, p, ctx, node, last_line, name, w, val, &warn, &status, NULL);
		records++;
		if (eu_writer_error(w))
			goto done;
		if ((rc = xmlTextReaderNext(r)) != 1)
			break;
		advanced = 1;
	}
	if (rc < 0 && src->refused)
		goto refused;
	if (rc < 0) {
		A->quiet = 1;
		/* Reading is over, so keeping the tree no longer costs memory:
		 * now it is safe to take the document and walk what was built. */
		doc = xmlTextReaderCurrentDoc(r);
		if (!root && doc)
			root = xmlDocGetRootElement(doc);
		if (!p && root) {
			const char *rns = root->ns && root->ns->href ? (const char *)root->ns->href : "";
			p = detect(A, (const char *)root->name, rns);
			if (p) {
				ctx = xmlXPathNewContext(doc);
				for (size_t i = 0; i < p->nns; i++)
					xmlXPathRegisterNs(ctx, (const xmlChar *)p->ns_prefix[i], (const xmlChar *)p->ns_uri[i]);
			}
		}
		if (p && root)
			salvage(A, p, ctx, root, last_line, name, w, val, &warn, &status, &records);
		if (src->at.over)
			/* libxml2 stopped inside the element, whose attributes span
			 * more than its reads: its line is the element's. */
			eu_warn_at(name, xmlTextReaderGetParserLineNumber(r), "an element with more than %zu attributes (limit.xml_attributes "
				   "in settings.csv): reading stopped there; %lu complete records were kept",
				   eu_limit.xml_attributes, records);
		else
			eu_warn_at(name, 0, "not well-formed XML: %lu complete records were kept", records);
		status = EU_EXIT_INPUT;
	} else if (!p) {
		eu_warn_at(name, 0, "no XML element found");
		status = EU_EXIT_INPUT;
	}
	goto done;
refused:
	eu_warn_at(name, src->line, "document type declaration refused: exports must not carry a DTD or entity declarations");
	status = EU_EXIT_INPUT;
done:
	xmlXPathFreeContext(ctx);
	xmlFreeTextReader(r);
	xmlFreeDoc(doc);     /* only set when taken from the reader above */
	A->refused = NULL;
	for (int i = 0; i < EU_NCANON; i++)
		eu_buf_free(&val[i]);
	eu_buf_free(&warn);
	A->file = NULL;
	return status;
}

int eu_apps_read_fd(eu_apps *A, int fd, const char *name, eu_writer *w)
{
	struct source src = {.fd = fd};

	return read_source(A, &src, name, w);
}

int eu_apps_read_mem(eu_apps *A, const char *buf, size_t len, const char *name, eu_writer *w)
{
	struct source src = {.fd = -1, .mem = buf ? buf : "", .memlen = len};

	return read_source(A, &src, name, w);
}
