/* The partners field codec.  Line breaks separate partners and TABs their
 * attributes; both are folded to spaces inside values on the way in, so
 * any name round-trips whatever punctuation it holds. */
#include <stdlib.h>
#include <string.h>

#include "euprio/stream/partners.h"

/* White space around a value: trimmed on encoding, and a name of nothing
 * else is no name on decoding. */
#define PARTNER_SPACE " \t\r\n\v\f"

const char *const eu_pattr_names[EU_P_NATTR] = {
	"name", "org_id", "type", "role", "postcode", "city", "country",
};

int eu_pattr_index(const char *name)
{
	for (int a = 0; a < EU_P_NATTR; a++)
		if (strcmp(eu_pattr_names[a], name) == 0)
			return a;
	return -1;
}

void eu_partners_free(eu_partners *ps)
{
	free(ps->p);
	eu_buf_free(&ps->store);
	ps->p = NULL;
	ps->n = ps->cap = 0;
}

int eu_partners_decode(eu_partners *ps, const char *s, size_t len, const char **err)
{
	const char *end = s + len;

	ps->n = 0;
	eu_buf_clear(&ps->store);
	/* Reserve once so pointers into the store stay valid while decoding:
	 * the text plus a terminator for each attribute of each line. */
	size_t lines = 1;
	for (const char *q = s; (q = memchr(q, '\n', (size_t)(end - q))); q++)
		lines++;
	eu_buf_reserve(&ps->store, len + (EU_P_NATTR + 1) * lines);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		if (eol > s && eol[-1] == '\r')
			eol--;
		if (eol == s) {
			s = next;
			continue;
		}
		if (ps->n == ps->cap) {
			ps->cap = ps->cap ? ps->cap * 2 : 8;
			ps->p = eu_xrealloc(ps->p, ps->cap * sizeof *ps->p);
		}
		eu_partner *p = &ps->p[ps->n];
		const char *a = s;
		size_t k = 0;
		for (;;) {
			const char *tab = memchr(a, '\t', (size_t)(eol - a));
			const char *aend = tab ? tab : eol;
			if (k == EU_P_NATTR) {
				*err = "a partner line has more than seven TAB-separated attributes";
				return -1;
			}
			p->a[k] = ps->store.p + ps->store.len;
			p->len[k] = (size_t)(aend - a);
			memcpy(ps->store.p + ps->store.len, a, p->len[k]);
			ps->store.len += p->len[k];
			ps->store.p[ps->store.len++] = '\0';
			k++;
			if (!tab)
				break;
			a = tab + 1;
		}
		/* Trailing empty attributes may be left off by hand-made data.
		 * They live in the store too, so a partner's attributes are
		 * always one contiguous run of bytes (the memo in local.c keys
		 * on it). */
		for (; k < EU_P_NATTR; k++) {
			p->a[k] = ps->store.p + ps->store.len;
			p->len[k] = 0;
			ps->store.p[ps->store.len++] = '\0';
		}
		/* A name of white space alone is no name (the encoder trims it
		 * away; found by fuzzing). */
		if (strspn(p->a[EU_P_NAME], PARTNER_SPACE) == p->len[EU_P_NAME]) {
			*err = "a partner line has no name";
			return -1;
		}
		ps->n++;
		s = next;
	}
	return 0;
}

void eu_partner_encode(eu_buf *b, const char *const v[EU_P_NATTR])
{
	if (b->len)
		eu_buf_addc(b, '\n');
	for (size_t k = 0; k < EU_P_NATTR; k++) {
		if (k)
			eu_buf_addc(b, '\t');
		const char *s = v[k] ? v[k] : "";
		/* Trim and fold separators: "  a\tb\n" -> "a b".  The white
		 * space trimmed is the same set the decoder calls "no name". */
		s += strspn(s, PARTNER_SPACE);
		size_t n = strlen(s);
		while (n && strchr(PARTNER_SPACE, s[n - 1]))
			n--;
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
				continue;
			eu_buf_addc(b, (c == '\t' || c == '\n' || c == '\r') ? ' ' : c);
		}
	}
}

int eu_partners_display(eu_buf *out, const char *s, size_t len)
{
	eu_partners ps = EU_PARTNERS_INIT;
	const char *err;

	if (eu_partners_decode(&ps, s, len, &err) < 0) {
		eu_partners_free(&ps);
		return -1;
	}
	for (size_t i = 0; i < ps.n; i++) {
		const eu_partner *p = &ps.p[i];
		if (i)
			eu_buf_addc(out, '\n');
		eu_buf_add(out, p->a[EU_P_NAME], p->len[EU_P_NAME]);
		if (p->len[EU_P_CITY] || p->len[EU_P_COUNTRY]) {
			eu_buf_adds(out, " (");
			eu_buf_add(out, p->a[EU_P_CITY], p->len[EU_P_CITY]);
			if (p->len[EU_P_CITY] && p->len[EU_P_COUNTRY])
				eu_buf_adds(out, ", ");
			eu_buf_add(out, p->a[EU_P_COUNTRY], p->len[EU_P_COUNTRY]);
			eu_buf_addc(out, ')');
		}
	}
	eu_partners_free(&ps);
	return 0;
}
