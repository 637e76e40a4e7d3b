/* euprio-sdeo's free-text partners: a listing's partners cell, as people
 * type it, into the partners codec. */
#include <stdlib.h>
#include <string.h>

#include "listings_int.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "euprio/stream/partners.h"

static pcre2_code *re(const char *pat)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				      PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (c)
		eu_jit(c);
	return c;
}

void listings_partners_init(eu_listings *S)
{
	/* The free-text partner grammar: "Name (parts)" or "Name, CC". */
	S->re_paren = re("^(.*?)\\s*\\(([^()]*)\\)\\s*$");
	S->re_tail = re("^(.*?),\\s*(\\p{Lu}{2})\\s*$");
	S->re_cc = re("^\\p{Lu}{2}$");
	S->re_pc = re("^(?:[A-Z]{1,2}-)?(\\d{4,5})\\s+(.+)$");
	S->md = pcre2_match_data_create(4, NULL);
}

void listings_partners_free(eu_listings *S)
{
	pcre2_code_free(S->re_paren);
	pcre2_code_free(S->re_tail);
	pcre2_code_free(S->re_cc);
	pcre2_code_free(S->re_pc);
	pcre2_match_data_free(S->md);
}

static int match(const eu_listings *S, pcre2_code *c, const char *s, size_t n)
{
	return pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, S->md, NULL) >= 0;
}

static void group_str(const eu_listings *S, int g, eu_buf *out, const char *s)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(S->md);
	eu_buf_add(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

void listings_trim(eu_buf *b)
{
	static const char space[] = " \t\r\n\v\f";
	size_t st = 0;
	while (st < b->len && strchr(space, b->p[st]) && b->p[st])
		st++;
	memmove(b->p, b->p + st, b->len - st + 1);
	b->len -= st;
	while (b->len && b->p[b->len - 1] && strchr(space, b->p[b->len - 1]))
		b->p[--b->len] = '\0';
}

void eu_listings_free_partners(const eu_listings *S, const char *s, size_t len, eu_buf *out)
{
	eu_buf item = EU_BUF_INIT, name = EU_BUF_INIT, rest = EU_BUF_INIT, part = EU_BUF_INIT;
	eu_buf pc = EU_BUF_INIT, city = EU_BUF_INIT, cc = EU_BUF_INIT;
	const char *end = s + len;

	while (s < end) {
		const char *stop = s;
		while (stop < end && *stop != ';' && *stop != '\n')
			stop++;
		eu_buf_clear(&item);
		eu_buf_add(&item, s, (size_t)(stop - s));
		listings_trim(&item);
		s = stop < end ? stop + 1 : end;
		if (!item.len)
			continue;
		eu_buf_clear(&name);
		eu_buf_clear(&rest);
		eu_buf_clear(&pc);
		eu_buf_clear(&city);
		eu_buf_clear(&cc);
		if (match(S, S->re_paren, item.p, item.len)) {
			group_str(S, 1, &name, item.p);
			group_str(S, 2, &rest, item.p);
		} else if (match(S, S->re_tail, item.p, item.len)) {
			group_str(S, 1, &name, item.p);
			group_str(S, 2, &cc, item.p);
		} else {
			eu_buf_add(&name, item.p, item.len);
		}
		/* "DK, 5000 Odense C": a country code, a postcode with its
		 * town, or a town. */
		const char *r = rest.p ? rest.p : "", *rend = r + rest.len;
		while (r < rend) {
			const char *comma = memchr(r, ',', (size_t)(rend - r));
			const char *pe = comma ? comma : rend;
			eu_buf_clear(&part);
			eu_buf_add(&part, r, (size_t)(pe - r));
			listings_trim(&part);
			r = comma ? comma + 1 : rend;
			if (!part.len)
				continue;
			if (match(S, S->re_cc, part.p, part.len)) {
				eu_buf_clear(&cc);
				eu_buf_add(&cc, part.p, part.len);
			} else if (match(S, S->re_pc, part.p, part.len)) {
				eu_buf_clear(&pc);
				eu_buf_clear(&city);
				group_str(S, 1, &pc, part.p);
				group_str(S, 2, &city, part.p);
			} else if (!city.len) {
				eu_buf_add(&city, part.p, part.len);
			}
		}
		listings_trim(&name);
		if (!name.len)
			continue;
		const char *v[EU_P_NATTR] = {name.p, NULL, NULL, "partner", pc.p, city.p, cc.p};
		eu_partner_encode(out, v);
	}
	eu_buf_free(&item);
	eu_buf_free(&name);
	eu_buf_free(&rest);
	eu_buf_free(&part);
	eu_buf_free(&pc);
	eu_buf_free(&city);
	eu_buf_free(&cc);
}
