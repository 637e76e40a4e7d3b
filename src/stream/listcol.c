/* The list-column codec (listcol.h): the separators of goals, strengths,
 * evidence and names, written and read here only. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/text.h"
#include "euprio/core/values.h"
#include "euprio/stream/listcol.h"

static int space(char c)
{
	return c == ' ' || c == '\t';
}

/* The next run up to sep (sep_len bytes) from it, trimmed; 0 at the end. */
static int next_run(eu_list_it *it, const char *sep, size_t sep_len, const char **s, size_t *n)
{
	while (it->p < it->end) {
		const char *start = it->p, *stop = it->end;
		const char *q = start;
		for (; q + sep_len <= it->end; q++)
			if (memcmp(q, sep, sep_len) == 0) {
				stop = q;
				break;
			}
		it->p = stop < it->end ? stop + sep_len : it->end;
		while (start < stop && space(*start))
			start++;
		while (stop > start && space(stop[-1]))
			stop--;
		if (stop > start) {
			*s = start;
			*n = (size_t)(stop - start);
			return 1;
		}
	}
	return 0;
}

/* Appends sep (when b holds something already) and the parts, with one
 * reservation: the writers run once per goal of every record. */
struct part {
	const char *p;
	size_t n;
};

static void add_parts(eu_buf *b, const char *sep, size_t seplen, const struct part *part, size_t nparts)
{
	size_t need = seplen;
	for (size_t k = 0; k < nparts; k++)
		need += part[k].n;
	eu_buf_reserve(b, need);
	char *p = b->p + b->len;
	if (b->len) {
		memcpy(p, sep, seplen);
		p += seplen;
	}
	for (size_t k = 0; k < nparts; k++) {
		memcpy(p, part[k].p, part[k].n);
		p += part[k].n;
	}
	*p = '\0';
	b->len = (size_t)(p - b->p);
}

void eu_list_add(eu_buf *b, const char *item, size_t len)
{
	add_parts(b, ";", 1, &(struct part){item, len}, 1);
}

int eu_list_next(eu_list_it *it, const char **item, size_t *len)
{
	return next_run(it, ";", 1, item, len);
}

size_t eu_list_count(const char *s, size_t len)
{
	eu_list_it it;
	const char *item;
	size_t n = 0, ilen;

	eu_list_begin(&it, s, len);
	while (eu_list_next(&it, &item, &ilen))
		n++;
	return n;
}

int eu_list_has(const char *s, size_t len, const char *want, size_t wlen)
{
	eu_list_it it;
	const char *item;
	size_t ilen;

	eu_list_begin(&it, s, len);
	while (eu_list_next(&it, &item, &ilen))
		if (ilen == wlen && memcmp(item, want, wlen) == 0)
			return 1;
	return 0;
}

void eu_list_join(eu_buf *out, const char *s, size_t len, const char *sep)
{
	eu_list_it it;
	const char *item;
	size_t ilen, n = 0;

	eu_list_begin(&it, s, len);
	while (eu_list_next(&it, &item, &ilen)) {
		if (n++)
			eu_buf_adds(out, sep);
		eu_buf_add(out, item, ilen);
	}
}

void eu_names_add(eu_buf *b, const char *name, size_t len)
{
	if (b->len)
		eu_buf_adds(b, "; ");
	/* A "; " inside a name would read as two names: it becomes ", ". */
	const char *p = name, *end = name + len, *q;
	while ((q = p < end ? memchr(p, ';', (size_t)(end - p)) : NULL)) {
		eu_buf_add(b, p, (size_t)(q - p));
		eu_buf_addc(b, q + 1 < end && q[1] == ' ' ? ',' : ';');
		p = q + 1;
	}
	eu_buf_add(b, p, (size_t)(end - p));
}

int eu_names_next(eu_list_it *it, const char **name, size_t *len)
{
	return next_run(it, "; ", 2, name, len);
}

void eu_strength_add(eu_buf *b, const char *id, double v)
{
	char num[EU_AMOUNT_MAX];
	size_t nl = eu_fmt_amount_to(num, v);

	add_parts(b, ";", 1, (struct part[]){{id, strlen(id)}, {":", 1}, {num, nl}}, 3);
}

int eu_strength_next(eu_list_it *it, const char **id, size_t *idlen, double *v)
{
	const char *item;
	size_t n;

	while (eu_list_next(it, &item, &n)) {
		const char *colon = memchr(item, ':', n);
		if (!colon)
			continue;
		size_t nl = (size_t)(item + n - colon - 1);
		if (eu_parse_number(colon + 1, nl, 0, v) < 0)
			continue;
		*id = item;
		*idlen = (size_t)(colon - item);
		return 1;
	}
	return 0;
}

double eu_strength_sum(const char *s, size_t len)
{
	eu_list_it it;
	const char *id;
	size_t idlen;
	double v, sum = 0;

	eu_list_begin(&it, s, len);
	while (eu_strength_next(&it, &id, &idlen, &v))
		sum += v;
	return sum;
}

size_t eu_evidence_open(eu_buf *b, const char *id, size_t idlen)
{
	add_parts(b, " | ", 3, (struct part[]){{id, idlen}, {": ", 2}}, 2);
	return b->len;
}

void eu_evidence_group(eu_buf *b, const char *id, const char *terms, size_t tlen)
{
	eu_evidence_open(b, id, strlen(id));
	eu_buf_add(b, terms, tlen);
}

/* What a byte of a term's text is written as: line breaks and TABs as
 * spaces, and the evidence's own separators folded away, so that a reader
 * never mistakes text for structure.  A table, as the copy runs at every
 * first hit of a term. */
static const unsigned char ev_byte[256] = {
#define R16(b) b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12, b + 13, \
	       b + 14, b + 15
	0, 1, 2, 3, 4, 5, 6, 7, 8, ' ', ' ', 11, 12, ' ', 14, 15,
	R16(16), 32, 33, 34, 35, 36, 37, 38, 39, '[', ']', 42, 43, 44, 45, 46, 47,
	R16(48), R16(64), R16(80), R16(96), 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, '/', 125, 126, 127,
	R16(128), R16(144), R16(160), R16(176), R16(192), R16(208), R16(224), R16(240)
#undef R16
};

void eu_evidence_add(eu_buf *e, size_t mark, const char *s, size_t len, size_t max, const char *name, size_t nl)
{
	size_t show = len > max ? max : len;

	/* Cut on a character boundary. */
	while (show < len && show && ((unsigned char)s[show] & 0xc0) == 0x80)
		show--;
	eu_buf_reserve(e, show + nl + 5);
	char *p = e->p + e->len;
	if (e->len > mark) {
		*p++ = ',';
		*p++ = ' ';
	}
	for (size_t i = 0; i < show; i++)
		p[i] = (char)ev_byte[(unsigned char)s[i]];
	p += show;
	*p++ = ' ';
	*p++ = '(';
	memcpy(p, name, nl);
	p += nl;
	*p++ = ')';
	*p = '\0';
	e->len = (size_t)(p - e->p);
}

void eu_evidence_term(eu_buf *e, const char *s, size_t len, size_t max, const char *name, size_t nl)
{
	eu_evidence_add(e, 0, s, len, max, name, nl);
}

void eu_evidence_begin(eu_evidence_it *it, const char *s, size_t len)
{
	it->p = s;
	it->end = s + len;
	it->gend = NULL;         /* no group read yet */
	it->id = NULL;
	it->idlen = 0;
}

static const char *find(const char *p, const char *end, const char *what, size_t n)
{
	for (; p + n <= end; p++)
		if (memcmp(p, what, n) == 0)
			return p;
	return NULL;
}

/* Evidence reads as groups "ID: t1 (f1), t2 (f2)" joined by " | ".  The
 * writer keeps parentheses and bars out of a term's text, and a field name
 * holds neither: a term ends at the first ")" that ends the group or
 * stands before ", ", and its field begins after the last " (" before it. */
int eu_evidence_next(eu_evidence_it *it, eu_evidence_item *e)
{
	for (;;) {
		if (!it->gend || it->p >= it->gend) {
			const char *g;
			if (!it->gend)
				g = it->p;
			else if (it->gend >= it->end)
				return 0;
			else
				g = it->gend + 3;          /* past " | " */
			if (g >= it->end)
				return 0;
			const char *bar = find(g, it->end, " | ", 3);
			it->gend = bar ? bar : it->end;
			const char *colon = find(g, it->gend, ": ", 2);
			it->id = g;
			it->idlen = (size_t)((colon ? colon : it->gend) - g);
			it->p = colon ? colon + 2 : it->gend;
			continue;
		}
		const char *close = NULL;
		for (const char *q = it->p; q < it->gend && !close; q++)
			if (*q == ')' && (q + 1 == it->gend || (it->gend - q >= 3 && q[1] == ',' && q[2] == ' ')))
				close = q;
		if (!close) {
			it->p = it->gend;          /* no term left in the group */
			continue;
		}
		const char *open = NULL;
		for (const char *q = close; q >= it->p + 2 && !open; q--)
			if (q[-2] == ' ' && q[-1] == '(')
				open = q - 2;
		const char *next = close + 1 < it->gend ? close + 3 : it->gend;
		if (!open) {
			it->p = next;              /* a term without a field: skipped */
			continue;
		}
		e->id = it->id;
		e->idlen = it->idlen;
		e->text = it->p;
		e->textlen = (size_t)(open - it->p);
		e->field = open + 2;
		e->fieldlen = (size_t)(close - open - 2);
		it->p = next;
		return 1;
	}
}

/* A warning reads "column: 'text' is not what"; warnings are joined by
 * "; ", which the quoted text may hold too, so the reader looks for the
 * column's opening at the start or after a "; " and for the closing
 * "' is not " after it, rather than splitting first. */
/* The length of s that fits in max bytes without cutting a character. */
static size_t fit(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

void eu_warning_add(eu_buf *b, const char *col, const char *text, size_t len, const char *what)
{
	size_t n = fit(text, len, 200);

	if (b->len)
		eu_buf_adds(b, "; ");
	eu_buf_adds(b, col);
	eu_buf_adds(b, ": '");
	eu_buf_add(b, text, n);
	if (n < len)
		eu_buf_adds(b, "...");
	eu_buf_adds(b, "' is not ");
	eu_buf_adds(b, what);
}

void eu_warnings_addf(eu_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
	if (b->len)
		eu_buf_adds(b, "; ");
	/* A note cut short must not end inside a character. */
	eu_buf_add(b, tmp, (size_t)n < sizeof tmp ? len : fit(tmp, len, len - 1));
}

int eu_warning_text(const char *s, size_t len, const char *col, const char **text, size_t *tlen)
{
	size_t cl = strlen(col);
	const char *end = s + len;

	for (const char *p = s; p + cl + 3 <= end; p++) {
		if (p != s && !(p - s >= 2 && p[-2] == ';' && p[-1] == ' '))
			continue;
		if (memcmp(p, col, cl) != 0 || memcmp(p + cl, ": '", 3) != 0)
			continue;
		const char *t = p + cl + 3, *close = find(t, end, "' is not ", 9);
		if (!close)
			return 0;
		*text = t;
		*tlen = (size_t)(close - t);
		return 1;
	}
	return 0;
}
