/* euprio-apps' mapping: a record element to canonical values by its
 * profile's rules (simple paths walked over the tree, else XPath), with
 * dates and amounts normalised and what cannot be read as warnings. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "apps_int.h"
#include "euprio/stream/listcol.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"
#include "euprio/stream/partners.h"
#include "euprio/stream/schema.h"
#include "euprio/stream/stream.h"

static xmlXPathObjectPtr eval_at(xmlXPathContextPtr ctx, xmlNodePtr node, xmlXPathCompExprPtr xp)
{
	ctx->node = node;
	return xmlXPathCompiledEval(xp, ctx);
}

static int name_is(const xmlChar *name, const xmlNs *ns, const char *local, const char *uri)
{
	if (strcmp((const char *)name, local) != 0)
		return 0;
	if (!uri)
		return !ns || !ns->href || !*ns->href;
	return ns && ns->href && strcmp((const char *)ns->href, uri) == 0;
}

static xmlAttrPtr find_attr(xmlNodePtr n, const char *local, const char *uri)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (name_is(a->name, a->ns, local, uri))
			return a;
	return NULL;
}

static int attr_is(xmlAttrPtr a, const char *value)
{
	xmlNodePtr c = a->children;
	if (!c)
		return !*value;
	if (c->type == XML_TEXT_NODE && !c->next)
		return strcmp(c->content ? (const char *)c->content : "", value) == 0;
	xmlChar *t = xmlNodeGetContent((xmlNodePtr)a);
	int eq = strcmp(t ? (const char *)t : "", value) == 0;
	xmlFree(t);
	return eq;
}

static void walk(xmlNodePtr n, const struct path *pa, size_t i, struct nodes *out)
{
	if (out->n >= out->limit)
		return;
	if (i == pa->n) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = eu_xrealloc(out->v, out->cap * sizeof *out->v);
		}
		out->v[out->n++] = n;
		return;
	}
	const struct step *st = &pa->s[i];
	if (st->kind == 'p') {
		if (n->parent && n->parent->type == XML_ELEMENT_NODE)
			walk(n->parent, pa, i + 1, out);
		return;
	}
	if (n->type != XML_ELEMENT_NODE)
		return;
	if (st->kind == 'a') {
		xmlAttrPtr a = find_attr(n, st->local, st->ns);
		if (a)
			walk((xmlNodePtr)a, pa, i + 1, out);
		return;
	}
	for (xmlNodePtr c = n->children; c && out->n < out->limit; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !name_is(c->name, c->ns, st->local, st->ns))
			continue;
		if (st->tlocal) {
			xmlAttrPtr a = find_attr(c, st->tlocal, st->tns);
			if (!a || !attr_is(a, st->tval))
				continue;
		}
		walk(c, pa, i + 1, out);
	}
}

/* The nodes sel finds at node (at most limit), into out.  XPath results
 * that are not node-sets have no nodes: see sel_value. */
static void sel_nodes(eu_apps *A, xmlXPathContextPtr ctx, xmlNodePtr node, const struct sel *sel,
		      size_t limit, struct nodes *out)
{
	out->n = 0;
	out->limit = limit;
	if (sel->path && !A->xpath_only) {
		walk(node, sel->path, 0, out);
		return;
	}
	xmlXPathObjectPtr o = eval_at(ctx, node, sel->xp);
	xmlNodeSetPtr ns = o && o->type == XPATH_NODESET ? o->nodesetval : NULL;
	for (int k = 0; ns && k < ns->nodeNr && out->n < limit; k++) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = eu_xrealloc(out->v, out->cap * sizeof *out->v);
		}
		out->v[out->n++] = ns->nodeTab[k];
	}
	xmlXPathFreeObject(o);
}

/* Appends a node's text without the allocation xmlNodeGetContent makes:
 * an attribute's or a text node's content directly, an element's by
 * walking its text children (the usual one-text-child case is direct). */
static void append_content(eu_buf *out, xmlNodePtr node)
{
	if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
		if (node->content)
			eu_buf_adds(out, (const char *)node->content);
		return;
	}
	if (node->type == XML_ATTRIBUTE_NODE || node->type == XML_ELEMENT_NODE) {
		for (xmlNodePtr c = node->children; c; c = c->next) {
			if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
				if (c->content)
					eu_buf_adds(out, (const char *)c->content);
			} else if (c->type == XML_ELEMENT_NODE || c->type == XML_ENTITY_REF_NODE) {
				xmlChar *t = xmlNodeGetContent(c);   /* rare: mixed content */
				if (t) {
					eu_buf_adds(out, (const char *)t);
					xmlFree(t);
				}
			}
		}
		return;
	}
	xmlChar *t = xmlNodeGetContent(node);
	if (t) {
		eu_buf_adds(out, (const char *)t);
		xmlFree(t);
	}
}

/* The string value of what sel finds at node: the first node's content,
 * or all of them ';'-joined.  Appends to out; returns the first node. */
static xmlNodePtr sel_value(eu_apps *A, xmlXPathContextPtr ctx, xmlNodePtr node, const struct sel *sel,
			    int all, eu_buf *out)
{
	xmlNodePtr first = NULL;

	if (sel->path && !A->xpath_only) {
		sel_nodes(A, ctx, node, sel, all ? SIZE_MAX : 1, &A->sel);
		for (size_t i = 0; i < A->sel.n; i++) {
			if (all && out->len)
				eu_buf_addc(out, ';');
			append_content(out, A->sel.v[i]);
		}
		return A->sel.n ? A->sel.v[0] : NULL;
	}
	xmlXPathObjectPtr o = eval_at(ctx, node, sel->xp);
	if (o && o->type == XPATH_NODESET) {
		xmlNodeSetPtr ns = o->nodesetval;
		for (int i = 0; ns && i < ns->nodeNr && (all || i == 0); i++) {
			if (!first)
				first = ns->nodeTab[i];
			if (all && out->len)
				eu_buf_addc(out, ';');
			append_content(out, ns->nodeTab[i]);
		}
	} else if (o) {
		/* An XPath may also yield a string or a number. */
		xmlChar *c = xmlXPathCastToString(o);
		if (c) {
			eu_buf_adds(out, (const char *)c);
			xmlFree(c);
		}
	}
	xmlXPathFreeObject(o);
	return first;
}

/* The first value sel finds at node (all of them with all), pointing into
 * the tree when it is a single text node, else copied into raw; *len is
 * its length and *first the node it came from. */
static const char *sel_text(eu_apps *A, xmlXPathContextPtr ctx, xmlNodePtr node, const struct sel *sel,
			    int all, eu_buf *raw, size_t *len, xmlNodePtr *first)
{
	eu_buf_clear(raw);
	if (!all && sel->path && !A->xpath_only) {
		sel_nodes(A, ctx, node, sel, 1, &A->sel);
		*first = A->sel.n ? A->sel.v[0] : NULL;
		xmlNodePtr n = *first, c = NULL;
		if (n && (n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE))
			c = n->children;
		if (n && c && !c->next && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content) {
			*len = strlen((const char *)c->content);
			return (const char *)c->content;
		}
		if (n)
			append_content(raw, n);
	} else {
		*first = sel_value(A, ctx, node, sel, all, raw);
	}
	*len = raw->len;
	return raw->p ? raw->p : "";
}


/* Keeps line breaks (as LF) but trims each end. */
static void tidy_text(eu_buf *out, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	/* Copy runs between CRs in bulk; a CR ends a line (CRLF -> LF). */
	eu_buf_reserve(out, n);
	while (n) {
		const char *cr = memchr(s, '\r', n);
		size_t run = cr ? (size_t)(cr - s) : n;
		eu_buf_add(out, s, run);
		if (!cr)
			break;
		if (run + 1 < n && s[run + 1] == '\n') {
			s += run + 1;
			n -= run + 1;
		} else {
			eu_buf_addc(out, '\n');
			s += run + 1;
			n -= run + 1;
		}
	}
}

static void map_record(eu_apps *A, const struct profile *p, xmlXPathContextPtr ctx,
		       xmlNodePtr rec, eu_buf *val, eu_buf *warn)
{
	eu_buf *raw = &A->raw, *cur = &A->cur, *t = &A->tmp, *attr = A->attr;
	xmlNodePtr node;
	size_t len;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *ru = &p->rules[i];
		eu_buf *v = &val[ru->col];
		if (v->len)
			continue;      /* an earlier row for this column won */
		if (ru->kind == K_CONST) {
			eu_buf_adds(v, ru->value);
			continue;
		}
		if (ru->kind == K_PARTNERS) {
			sel_nodes(A, ctx, rec, &ru->sel, SIZE_MAX, &A->parts);
			for (size_t k = 0; k < A->parts.n; k++) {
				const char *av[EU_P_NATTR] = {0};
				for (int a = 0; a < EU_P_NATTR; a++)
					eu_buf_clear(&attr[a]);
				for (size_t q = 0; q < p->nprules; q++) {
					const struct rule *pr = &p->prules[q];
					if (attr[pr->col].len)
						continue;
					const char *s = sel_text(A, ctx, A->parts.v[k], &pr->sel, 0, raw, &len, &node);
					eu_collapse_ws(&attr[pr->col], s, len);
				}
				for (int a = 0; a < EU_P_NATTR; a++)
					av[a] = attr[a].len ? attr[a].p : NULL;
				if (attr[EU_P_NAME].len)
					eu_partner_encode(v, av);
				else
					eu_warnings_addf(warn, "partners: a partner without a name was left out");
			}
			continue;
		}
		const char *s = sel_text(A, ctx, rec, &ru->sel, ru->kind == K_LIST, raw, &len, &node);
		switch (ru->kind) {
		case K_TEXT:
			tidy_text(v, s);
			break;
		case K_DATE:
			eu_buf_clear(t);
			eu_collapse_ws(t, s, len);
			if (t->len) {
				long d = eu_parse_date(t->p);
				if (d >= 0)
					eu_fmt_date(v, d);
				else
					eu_warning_add(warn, eu_canon_names[ru->col], t->p, t->len, "a date");
			}
			break;
		case K_AMOUNT:
			eu_buf_clear(t);
			eu_collapse_ws(t, s, len);
			if (t->len) {
				double amount;
				enum eu_currency c, dflt = EU_CUR_EUR;
				eu_buf_clear(cur);
				if (ru->cur.xp && node)
					sel_value(A, ctx, node, &ru->cur, 0, cur);
				else if (ru->value)
					eu_buf_adds(cur, ru->value);
				if (cur->len && eu_strcaseeq(cur->p, "DKK"))
					dflt = EU_CUR_DKK;
				else if (cur->len && !eu_strcaseeq(cur->p, "EUR"))
					eu_warnings_addf(warn, "unknown currency '%s', read as EUR", cur->p);
				if (eu_parse_amount(t->p, &amount, &c) == 0 && amount >= 0)
					eu_fmt_amount(v, eu_to_eur(amount, c, dflt, A->dkk_rate));
				else
					eu_warning_add(warn, eu_canon_names[ru->col], t->p, t->len, "an amount");
			}
			break;
		default:     /* K_FIELD, K_LIST */
			eu_collapse_ws(v, s, len);
			break;
		}
	}
	/* One huge summary must not pin its buffer for the rest of the run. */
	eu_buf_shrink(raw, 1 << 16);
}

static void emit(eu_writer *w, eu_buf *val)
{
	for (int i = 0; i < EU_NCANON; i++)
		eu_write_field(w, val[i].p ? val[i].p : "", val[i].len, 0);
	eu_write_end(w);
}

void apps_emit_node(eu_apps *A, const struct profile *p, xmlXPathContextPtr ctx,
		    xmlNodePtr node, long line, const char *name, eu_writer *w,
		    eu_buf *val, eu_buf *warn, int *status, const char *reject)
{
	for (int i = 0; i < EU_NCANON; i++)
		eu_buf_clear(&val[i]);
	eu_buf_clear(warn);
	eu_origin_format(&val[EU_C_ORIGIN], name, line);
	map_record(A, p, ctx, node, val, warn);
	eu_buf_add(&val[EU_C_WARNINGS], warn->p ? warn->p : "", warn->len);
	if (reject) {
		eu_buf_adds(&val[EU_C_REJECT], reject);
		eu_warn_at(name, line, "record %s: %s", val[EU_C_ID].len ? val[EU_C_ID].p : "?", reject);
		eu_status_raise(status, EU_EXIT_BADREC);
	} else if (!val[EU_C_ID].len) {
		eu_buf_adds(&val[EU_C_REJECT], "the record has no id");
		eu_warn_at(name, line, "record without an id: passed on as rejected");
		eu_status_raise(status, EU_EXIT_BADREC);
	} else {
		apps_note_id(A, val[EU_C_ID].p, name, line);
	}
	if (warn->len && !reject)
		eu_warn_at(name, line, "record %s: %s", val[EU_C_ID].len ? val[EU_C_ID].p : "?", warn->p);
	emit(w, val);
}
