/* The portal's text and values: mojibake undone, HTML reduced to its text
 * by libxml2, time stamps to the date in Brussels, plain numbers. */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "calls_int.h"
#include "euprio/core/encoding.h"
#include "euprio/core/reader.h"
#include "euprio/core/values.h"

/* Windows-1252's characters for bytes 0x80-0x9F (0 where it has none:
 * those bytes, like every byte read as Latin-1, come back as U+0080-U+009F). */
static const uint16_t cp1252_hi[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* Decodes one UTF-8 character (s is valid UTF-8); returns its length. */
static size_t utf8_dec(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80 || n < 2) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xE0) {
		*cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (s[0] < 0xF0 && n >= 3) {
		*cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	if (n >= 4) {
		*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
		      (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		return 4;
	}
	*cp = s[0];
	return 1;
}

/* One layer: maps every character back to the byte Windows-1252 (or
 * Latin-1) would have read it from.  0 when some character has no such
 * byte, or the bytes are not UTF-8 with a multi-byte character in them,
 * or the result holds C1 control characters (real text does not). */
static int unmojibake(const char *s, size_t len, eu_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	int multi = 0;

	eu_buf_clear(out);
	eu_buf_reserve(out, len);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += utf8_dec(p + i, len - i, &cp);
		unsigned b;
		if (cp < 0x100) {
			b = cp;
		} else {
			b = 0;
			for (unsigned k = 0; k < 32; k++)
				if (cp1252_hi[k] == cp) {
					b = 0x80 + k;
					break;
				}
			if (!b)
				return 0;
		}
		multi |= b >= 0x80;
		out->p[out->len++] = (char)b;
	}
	out->p[out->len] = '\0';
	if (!multi || eu_utf8_check(out->p, out->len) != out->len)
		return 0;
	const unsigned char *q = (const unsigned char *)out->p;
	for (size_t i = 0; i + 1 < out->len; i++)
		if (q[i] == 0xC2 && q[i + 1] >= 0x80 && q[i + 1] <= 0x9F)
			return 0;
	return 1;
}

int eu_mojibake_repair(const char *s, size_t len, eu_buf *out)
{
	eu_buf a = EU_BUF_INIT, b = EU_BUF_INIT;
	int layers = 0;

	if (eu_utf8_check(s, len) != len)
		return 0;
	/* Text that went through the mistake twice is undone twice. */
	while (layers < 3 && unmojibake(layers ? a.p : s, layers ? a.len : len, &b)) {
		eu_buf t = a;
		a = b;
		b = t;
		layers++;
	}
	if (layers)
		eu_buf_add(out, a.p, a.len);
	eu_buf_free(&a);
	eu_buf_free(&b);
	return layers > 0;
}

static int is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

int eu_looks_like_html(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] == '<') {
			if (is_alpha(p[i + 1]))
				return 1;
			if ((p[i + 1] == '/' || p[i + 1] == '!') && i + 2 < len &&
			    (is_alpha(p[i + 2]) || p[i + 2] == '-'))
				return 1;
		} else if (p[i] == '&') {
			size_t j = i + 1;
			if (p[j] == '#') {
				j++;
				if (j < len && (p[j] == 'x' || p[j] == 'X'))
					j++;
			}
			size_t k = j;
			while (k < len && k - j < 10 && (is_alpha(p[k]) || (p[k] >= '0' && p[k] <= '9')))
				k++;
			if (k > j && k < len && p[k] == ';')
				return 1;
		}
	}
	return 0;
}

static int name_in(const xmlChar *name, const char *const *list)
{
	for (; *list; list++)
		if (!xmlStrcasecmp(name, (const xmlChar *)*list))
			return 1;
	return 0;
}

int eu_html_text(const char *s, size_t len, eu_buf *out)
{
	static const char *const block[] = {
		"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
		"blockquote", "section", "article", "header", "footer", "dd", "dt", "dl", "pre",
		"hr", "td", "th", NULL,
	};
	static const char *const skip[] = {"script", "style", "head", "title", NULL};

	if (len > (size_t)0x7fffff00)
		return -1;
	/* An empty fragment parses to no document at all. */
	if (!len)
		return 0;
	/* Inside a <div>, so that libxml2 does not put text between elements
	 * into paragraphs of its own ("<span>Scope</span>:<p>" stays one line). */
	eu_buf wrap = EU_BUF_INIT;
	eu_buf_adds(&wrap, "<div>");
	eu_buf_add(&wrap, s, len);
	eu_buf_adds(&wrap, "</div>");
	htmlDocPtr doc = htmlReadMemory(wrap.p, (int)wrap.len, NULL, "UTF-8",
					HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
					HTML_PARSE_NOIMPLIED | HTML_PARSE_COMPACT);
	eu_buf_free(&wrap);
	if (!doc)
		return -1;
	eu_buf raw = EU_BUF_INIT;
	/* Walked without recursion: nesting is the input's to choose.  A block
	 * element starts and ends a line; runs of line breaks are folded later. */
	xmlNodePtr n = doc->children;
	while (n) {
		int descend = 0;
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			/* A line break in HTML text is a space, but in <pre>. */
			int pre = n->parent && n->parent->name && !xmlStrcasecmp(n->parent->name, (const xmlChar *)"pre");
			for (const xmlChar *c = n->content; c && *c; c++)
				eu_buf_addc(&raw, !pre && (*c == '\n' || *c == '\r' || *c == '\t') ? ' ' : (char)*c);
		} else if (n->type == XML_ELEMENT_NODE) {
			if (!xmlStrcasecmp(n->name, (const xmlChar *)"br")) {
				eu_buf_addc(&raw, '\n');
			} else if (!name_in(n->name, skip)) {
				if (name_in(n->name, block))
					eu_buf_addc(&raw, '\n');
				descend = n->children != NULL;
			}
		}
		if (descend) {
			n = n->children;
			continue;
		}
		while (n) {
			if (n->type == XML_ELEMENT_NODE && name_in(n->name, block))
				eu_buf_addc(&raw, '\n');
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n || n == (xmlNodePtr)doc)
				n = NULL;
		}
	}
	xmlFreeDoc(doc);
	eu_buf_add(out, raw.p ? raw.p : "", raw.len);
	eu_buf_free(&raw);
	return 0;
}

/* Days since 1970 of the last Sunday of a month (March, October). */
static long last_sunday(int y, int m)
{
	long d = eu_days_from_civil(y, m, 31);
	long dow = ((d % 7) + 7 + 4) % 7;        /* 1970-01-01 was a Thursday */
	return d - dow;
}

/* Brussels' offset from UTC in minutes at a UTC instant (minutes since
 * 1970): the EU's summer time, last Sunday of March to last Sunday of
 * October at 01:00 UTC, as in force since 1996. */
static long brussels_offset(long utc_min)
{
	long day = utc_min >= 0 ? utc_min / 1440 : -((-utc_min + 1439) / 1440);
	int y, m, d;
	eu_civil_from_days(day, &y, &m, &d);
	long start = last_sunday(y, 3) * 1440 + 60, end = last_sunday(y, 10) * 1440 + 60;
	return utc_min >= start && utc_min < end ? 120 : 60;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

long eu_brussels_date(const char *s)
{
	int y, mo, d, h = 0, mi = 0, oh, om = 0;
	const char *p = s;

	while (*p == ' ')
		p++;
	if (digits(p, 4, &y) < 0 || p[4] != '-' || digits(p + 5, 2, &mo) < 0 || p[7] != '-' ||
	    digits(p + 8, 2, &d) < 0)
		return eu_parse_date(s);
	long day = eu_days_from_civil(y, mo, d);
	if (day < 0)
		return -1;
	p += 10;
	if (*p != 'T' && *p != ' ')
		goto tail;
	if (digits(p + 1, 2, &h) < 0 || p[3] != ':' || digits(p + 4, 2, &mi) < 0 || h > 24 || mi > 59)
		return *p == ' ' ? eu_parse_date(s) : -1;
	p += 6;
	if (*p == ':') {
		int sec;
		if (digits(p + 1, 2, &sec) < 0 || sec > 60)
			return -1;
		p += 3;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (*p == 'Z' || *p == '+' || *p == '-') {
		long off = 0;
		if (*p != 'Z') {
			int sign = *p == '-' ? -1 : 1;
			if (digits(p + 1, 2, &oh) < 0 || oh > 14)
				return -1;
			const char *q = p + 3;
			if (*q == ':')
				q++;
			if (*q >= '0' && *q <= '9') {
				if (digits(q, 2, &om) < 0 || om > 59)
					return -1;
				q += 2;
			}
			off = sign * (oh * 60L + om);
			p = q;
		} else {
			p++;
		}
		long utc = day * 1440 + h * 60L + mi - off;
		long local = utc + brussels_offset(utc);
		day = local >= 0 ? local / 1440 : -((-local + 1439) / 1440);
	}
tail:
	while (*p == ' ')
		p++;
	return *p ? -1 : day;
}

int call_number(const char *s, size_t len, double *out)
{
	double v;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	/* The stream's one number parser; no amount is negative or beyond
	 * any budget. */
	if (eu_parse_number(s, len, 0, &v) < 0 || v < 0 || v >= 1e12)
		return -1;
	*out = v;
	return 0;
}
