/* euprio-sdeo's free-text partners: a listing's partners cell, as people
 * type it, into the partners codec.
 *
 * The separators real cells use, in the order they are tried
 * (docs/listings.md has the examples):
 *  - ';' and line breaks always separate partners;
 *  - ". " separates names, as the ERDF 2007-2013 export writes them
 *    ("Syddansk Universitet. KVCA A/S. Udviklingsforum Odense."), except
 *    after an initial at a name's start ("P. Fournaise A/S"), an
 *    abbreviation ("P.L. Jessen", "A.M.B.A. (Gartnernes ...)", a first
 *    name cut short at a name's start, "Th. Langs HF"), a number ("12.
 *    JUNI"), before a legal form that ends the name ("EFTF. ApS.") or a
 *    word in lower case, and inside parentheses;
 *  - ", " separates only in a cell that uses none of the above and has at
 *    least three parts ("SDU, OUH, Odense Kommune"): in every real cell
 *    ", " is inside one name ("Odense Universitetshospital, OUH",
 *    "Skanderborg-Odder, Center for Uddannelse"), so one comma never splits.
 * A name loses the separator's trailing dot and stray ",." but keeps an
 * abbreviation's ("A.M.B.A."); a name given twice in one cell is one
 * partner.  Each name is then read as "Name (parts)", where every part is
 * a country code, "postcode town" or a town, or "Name, CC", or just a
 * name; a parenthesis that is not such parts ("(URS)") is the name's. */
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
	/* The free-text partner grammar: "Name (parts)" or "Name, CC"; a
	 * town is one to three capitalised words. */
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

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

void listings_trim(eu_buf *b)
{
	size_t st = 0;
	while (st < b->len && is_space(b->p[st]))
		st++;
	memmove(b->p, b->p + st, b->len - st + 1);
	b->len -= st;
	while (b->len && is_space(b->p[b->len - 1]))
		b->p[--b->len] = '\0';
}

static int is_upper_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

/* A letter, ASCII or not (a UTF-8 lead byte counts as one). */
static int is_letter(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0xc0;
}

/* Length of the UTF-8 character at s (1 for ASCII and stray bytes). */
static size_t ulen(const unsigned char *s, size_t max)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
	return n > max ? max : n;
}

/* "P.L", "A.M.B.A", "S.C": single letters joined by dots. */
static int letter_dots(const char *t, size_t n)
{
	size_t letters = 0, i = 0;
	int dots = 0;
	while (i < n) {
		if (!is_letter((unsigned char)t[i]))
			return 0;
		i += ulen((const unsigned char *)t + i, n - i);
		letters++;
		if (i == n)
			break;
		if (t[i] != '.')
			return 0;
		dots++;
		i++;
	}
	return dots > 0 && letters >= 2;
}

/* One letter: an initial or a town's district letter. */
static int one_letter(const char *t, size_t n)
{
	return n && is_letter((unsigned char)t[0]) && ulen((const unsigned char *)t, n) == n;
}

/* A legal form, which ends a name and so never starts one. */
static int legal_form(const char *t, size_t n)
{
	/* Written without their last dot, which the caller strips. */
	static const struct {
		const char *s;
		size_t n;
	} forms[] = {
		{"ApS", 3}, {"Aps", 3}, {"A/S", 3}, {"I/S", 3}, {"K/S", 3}, {"P/S", 3}, {"IVS", 3}, {"AMBA", 4},
		{"A.M.B.A", 7}, {"A.m.b.a", 7}, {"SMBA", 4}, {"S.M.B.A", 7}, {"F.M.B.A", 7},
	};
	while (n && (t[n - 1] == '.' || t[n - 1] == ','))
		n--;
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
		if (forms[i].n == n && !memcmp(t, forms[i].s, n))
			return 1;
	return 0;
}

/* Whether the ". " whose dot is at s[i] ends a name.  seg is where the
 * current name began. */
static int dot_separates(const char *s, size_t len, size_t seg, size_t i)
{
	size_t ts = i;
	while (ts > seg && !is_space(s[ts - 1]))
		ts--;
	const char *tok = s + ts;
	size_t tn = i - ts;
	if (tn == 0 || s[i - 1] == '.' || s[i - 1] == ',')
		return 1;                /* " .", "..", ",." */
	if (letter_dots(tok, tn))
		return 0;                /* P.L. Jessen, A.M.B.A. (...) */
	if (one_letter(tok, tn)) {
		if (!is_upper_ascii((unsigned char)tok[0]) && (unsigned char)tok[0] < 0x80)
			return 0;        /* "v. Carsten": a lower-case abbreviation */
		if (ts == seg)
			return 0;        /* P. Fournaise: an initial */
		size_t ps = ts - 1;      /* the token before: another initial? */
		while (ps > seg && is_space(s[ps - 1]))
			ps--;
		if (ps >= 2 && s[ps - 1] == '.' && one_letter(s + ps - 2, 1) &&
		    (ps - 2 == seg || is_space(s[ps - 3])))
			return 0;        /* J. P. Jensen */
		return 1;                /* Punkt H. Esbjerg ... */
	}
	if (ts == seg && tn <= 3 && is_upper_ascii((unsigned char)tok[0]) && tok[1] >= 'a' && tok[1] <= 'z' &&
	    (tn == 2 || (tok[2] >= 'a' && tok[2] <= 'z')))
		return 0;                /* Th. Langs HF: a first name cut short */
	size_t d = 0;
	while (d < tn && tok[d] >= '0' && tok[d] <= '9')
		d++;
	if (d == tn)
		return 0;                /* 12. JUNI */
	size_t ns = i + 1;
	while (ns < len && is_space(s[ns]))
		ns++;
	size_t ne = ns;
	while (ne < len && !is_space(s[ne]))
		ne++;
	if (ns < len && s[ns] >= 'a' && s[ns] <= 'z')
		return 0;                /* a sentence goes on */
	if (legal_form(s + ns, ne - ns) && (ne == len || s[ne - 1] == '.'))
		return 0;                /* EFTF. ApS. (but MedCom. A/S Kurt Hansen) */
	return 1;
}

/* Whether a '(' at s[i] is closed later in the item; an unclosed one
 * (a name cut short upstream) must not swallow the rest of the cell. */
static int closes(const char *s, size_t len, size_t i)
{
	return memchr(s + i, ')', len - i) != NULL;
}

/* Cuts the ". "-separated names of one item into names[]. */
struct span {
	size_t at, n;
};
struct spans {
	struct span *v;
	size_t n, cap;
};

static void span_add(struct spans *sp, size_t at, size_t n)
{
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 16;
		sp->v = eu_xrealloc(sp->v, sp->cap * sizeof *sp->v);
	}
	sp->v[sp->n++] = (struct span){at, n};
}

static int split_dots(const char *s, size_t at, size_t n, struct spans *out)
{
	size_t seg = at, end = at + n;
	int depth = 0, cut = 0;

	while (seg < end && is_space(s[seg]))
		seg++;
	if (!memchr(s + seg, '.', end - seg)) {
		if (seg < end)
			span_add(out, seg, end - seg);
		return 0;        /* no dot, no ". " to weigh */
	}
	for (size_t i = seg; i < end; i++) {
		if (s[i] == '(' && closes(s, end, i))
			depth++;
		else if (s[i] == ')' && depth)
			depth--;
		else if (s[i] == '.' && !depth && i + 1 < end && is_space(s[i + 1]) && dot_separates(s, end, seg, i)) {
			span_add(out, seg, i - seg);
			cut = 1;
			seg = i + 1;
			while (seg < end && is_space(s[seg]))
				seg++;
			i = seg - 1;
		}
	}
	if (seg < end)
		span_add(out, seg, end - seg);
	return cut;
}

/* Splits one part on top-level ", " when it has at least three parts. */
static void split_commas(const char *s, size_t at, size_t n, struct spans *out)
{
	size_t commas = 0, end = at + n;
	int depth = 0;

	for (size_t i = at; i + 1 < end; i++) {
		if (s[i] == '(' && closes(s, end, i))
			depth++;
		else if (s[i] == ')' && depth)
			depth--;
		else if (s[i] == ',' && s[i + 1] == ' ' && !depth)
			commas++;
	}
	if (commas < 2) {
		span_add(out, at, n);
		return;
	}
	size_t seg = at;
	depth = 0;
	for (size_t i = at; i + 1 < end; i++) {
		if (s[i] == '(' && closes(s, end, i))
			depth++;
		else if (s[i] == ')' && depth)
			depth--;
		else if (s[i] == ',' && s[i + 1] == ' ' && !depth) {
			span_add(out, seg, i - seg);
			seg = i + 1;
		}
	}
	span_add(out, seg, end - seg);
}

/* A name's trailing separator: ".", ",", ";", ":", " ." and ",." go; an
 * abbreviation keeps its dot ("Kolding A.M.B.A."). */
static void clean_name(eu_buf *b)
{
	listings_trim(b);
	for (;;) {
		if (!b->len)
			return;
		char c = b->p[b->len - 1];
		if (c == ',' || c == ';' || c == ':') {
			b->p[--b->len] = '\0';
		} else if (c == '.') {
			size_t ts = b->len - 1;
			while (ts && !is_space(b->p[ts - 1]))
				ts--;
			if (b->len >= 2 && b->p[b->len - 2] != '.' && letter_dots(b->p + ts, b->len - 1 - ts))
				return;          /* the abbreviation's own dot */
			b->p[--b->len] = '\0';
		} else {
			return;
		}
		listings_trim(b);
	}
}

/* Is a part of "Name (parts)" a town: one to three words, each
 * capitalised, no digits, and not an abbreviation in capitals ("URS")? */
static int town_like(const char *s, size_t n)
{
	size_t words = 0, caps = 0, letters = 0;
	int start = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ') {
			start = 1;
			continue;
		}
		if ((c >= '0' && c <= '9') || c == '(' || c == ')')
			return 0;
		if (start) {
			words++;
			if (c < 0x80 && !is_upper_ascii(c))
				return 0;
			start = 0;
		}
		if (c < 0x80 && is_letter(c)) {
			letters++;
			caps += is_upper_ascii(c);
		}
	}
	if (words == 0 || words > 3)
		return 0;
	return !(words == 1 && letters >= 3 && caps == letters);
}

struct fields {
	eu_buf item, name, rest, part, pc, city, cc, fold;
	eu_buf seen;             /* the cell's folded names, each NUL-ended */
	size_t nseen;
	eu_strmap many;          /* the same, once a cell has many */
};

#define FEW_NAMES 64

/* Whether a folded name is already in the cell; adds it when not.  Cells
 * hold a few names, so a scan is cheaper than a table per cell; a cell of
 * many (a fuzzer's) gets the table, so the scan never turns quadratic. */
static int seen_before(struct fields *F)
{
	if (F->nseen >= FEW_NAMES) {
		if (!F->many.cap) {
			const char *q = F->seen.p;
			for (size_t i = 0; i < F->nseen; i++, q += strlen(q) + 1)
				eu_strmap_add(&F->many, q, strlen(q), NULL);
		}
		F->nseen++;
		return !eu_strmap_add(&F->many, F->fold.p, F->fold.len, NULL);
	}
	const char *p = F->seen.p;
	for (size_t i = 0; i < F->nseen; i++) {
		size_t n = strlen(p);
		if (n == F->fold.len && !memcmp(p, F->fold.p, n))
			return 1;
		p += n + 1;
	}
	eu_buf_add(&F->seen, F->fold.p, F->fold.len + 1);
	F->nseen++;
	return 0;
}

/* Reads one name with its optional "(parts)" or ", CC" into the codec,
 * unless the same name is already in the cell. */
static void add_partner(const eu_listings *S, struct fields *F, const char *s, size_t n, eu_buf *out)
{
	eu_buf_clear(&F->item);
	eu_buf_add(&F->item, s, n);
	clean_name(&F->item);
	if (!F->item.len)
		return;
	eu_buf_clear(&F->name);
	eu_buf_clear(&F->rest);
	eu_buf_clear(&F->pc);
	eu_buf_clear(&F->city);
	eu_buf_clear(&F->cc);
	int attrs = 0;
	/* The grammar's regexes only where their punctuation is. */
	int paren = F->item.len && F->item.p[F->item.len - 1] == ')';
	if (paren && match(S, S->re_paren, F->item.p, F->item.len)) {
		group_str(S, 1, &F->name, F->item.p);
		group_str(S, 2, &F->rest, F->item.p);
		attrs = 1;
		/* "DK, 5000 Odense C": every part a country code, a postcode
		 * with its town, or a town; otherwise the parenthesis is the
		 * name's own ("Udviklingsråd Sønderjylland (URS)"). */
		const char *r = F->rest.p ? F->rest.p : "", *rend = r + F->rest.len;
		while (r < rend && attrs) {
			const char *comma = memchr(r, ',', (size_t)(rend - r));
			const char *pe = comma ? comma : rend;
			eu_buf_clear(&F->part);
			eu_buf_add(&F->part, r, (size_t)(pe - r));
			listings_trim(&F->part);
			r = comma ? comma + 1 : rend;
			if (!F->part.len)
				continue;
			if (match(S, S->re_cc, F->part.p, F->part.len)) {
				eu_buf_clear(&F->cc);
				eu_buf_add(&F->cc, F->part.p, F->part.len);
			} else if (match(S, S->re_pc, F->part.p, F->part.len)) {
				eu_buf_clear(&F->pc);
				eu_buf_clear(&F->city);
				group_str(S, 1, &F->pc, F->part.p);
				group_str(S, 2, &F->city, F->part.p);
			} else if (!F->city.len && town_like(F->part.p, F->part.len)) {
				eu_buf_add(&F->city, F->part.p, F->part.len);
			} else {
				attrs = 0;
			}
		}
		if (!attrs) {
			eu_buf_clear(&F->pc);
			eu_buf_clear(&F->city);
			eu_buf_clear(&F->cc);
		}
	}
	if (!attrs) {
		eu_buf_clear(&F->name);
		if (memchr(F->item.p, ',', F->item.len) && match(S, S->re_tail, F->item.p, F->item.len)) {
			group_str(S, 1, &F->name, F->item.p);
			group_str(S, 2, &F->cc, F->item.p);
		} else {
			eu_buf_add(&F->name, F->item.p, F->item.len);
		}
	}
	clean_name(&F->name);
	if (!F->name.len)
		return;
	eu_buf_clear(&F->fold);
	eu_fold(&F->fold, F->name.p, F->name.len);
	if (F->fold.len && seen_before(F))
		return;                  /* named twice in one cell */
	const char *v[EU_P_NATTR] = {F->name.p, NULL, NULL, "partner", F->pc.p, F->city.p, F->cc.p};
	eu_partner_encode(out, v);
}

void eu_listings_free_partners(const eu_listings *S, const char *s, size_t len, eu_buf *out)
{
	struct fields F = {EU_BUF_INIT, EU_BUF_INIT, EU_BUF_INIT, EU_BUF_INIT, EU_BUF_INIT, EU_BUF_INIT,
			   EU_BUF_INIT, EU_BUF_INIT, EU_BUF_INIT, 0, EU_STRMAP_INIT};
	struct spans items = {0}, names = {0};

	/* ';' and line breaks. */
	for (size_t i = 0, st = 0; i <= len; i++)
		if (i == len || s[i] == ';' || s[i] == '\n') {
			size_t a = st, b = i;
			while (a < b && is_space(s[a]))
				a++;
			while (b > a && is_space(s[b - 1]))
				b--;
			if (b > a)
				span_add(&items, a, b - a);
			st = i + 1;
		}
	/* ". " between names; ", " only where nothing else separates. */
	int dots = 0;
	for (size_t k = 0; k < items.n; k++)
		dots |= split_dots(s, items.v[k].at, items.v[k].n, &names);
	if (items.n == 1 && !dots && names.n == 1) {
		struct span one = names.v[0];
		names.n = 0;
		split_commas(s, one.at, one.n, &names);
	}
	for (size_t k = 0; k < names.n; k++)
		add_partner(S, &F, s + names.v[k].at, names.v[k].n, out);
	free(items.v);
	free(names.v);
	eu_strmap_free(&F.many, NULL);
	eu_buf *all[] = {&F.item, &F.name, &F.rest, &F.part, &F.pc, &F.city, &F.cc, &F.fold, &F.seen};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		eu_buf_free(all[i]);
}
