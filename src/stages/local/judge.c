/* One partner line judged: is it the municipality itself, and else how
 * rooted in Odense or on Funen is it?  Every kind of evidence is read —
 * the registry (by id, name or alias), a Danish postcode, the town, and,
 * for a partner without an address, a Funen place named in its name — and
 * the tier is the strongest any of them supports, each named in the
 * evidence.  Where they disagree (a registry actor at a postcode off
 * Funen) the evidence says so, and the line carries the conflict for
 * local.c to warn about once.  Names are compared folded (eu_fold) on word
 * boundaries, so "SDU" never matches inside another word and "Kobenhavn"
 * equals "København". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/text.h"
#include "local_int.h"

/* Legal-form suffixes are noise when comparing names: "Universal Robots
 * A/S" and "Universal Robots" are one actor.  Folded forms. */
static void strip_legal_suffix(eu_buf *b)
{
	static const char *const suffixes[] = {
		" a s", " aps", " p s", " i s", " k s", " amba", " a m b a", " ab", " gmbh",
		" oy", " ag", " bv", " b v", " nv", " sa", " srl", " ltd", " limited",
		" plc", " as", " asa", " inc", " llc", " sp z o o", " ivs", " smba", " s i",
	};
	for (int again = 1; again;) {
		again = 0;
		for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
			size_t n = strlen(suffixes[i]);
			if (b->len > n && memcmp(b->p + b->len - n, suffixes[i], n) == 0) {
				b->len -= n;
				b->p[b->len] = '\0';
				again = 1;
			}
		}
	}
}

void local_fold_name(eu_buf *out, const char *s, size_t len)
{
	eu_fold(out, s, len);
	strip_legal_suffix(out);
	if (!out->p)
		eu_buf_add(out, "", 0);
}

static int id_in(const char *digits, char *const *ids, size_t n)
{
	if (strlen(digits) < 6)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(digits, ids[i]) == 0)
			return 1;
	return 0;
}

/* Four digits, alone or after "DK-"/"DK ": the Danish postcode, or -1. */
static int parse_postcode(const char *s)
{
	while (*s == ' ')
		s++;
	if ((s[0] == 'D' || s[0] == 'd') && (s[1] == 'K' || s[1] == 'k')) {
		s += 2;
		while (*s == '-' || *s == ' ')
			s++;
	}
	if (strspn(s, "0123456789") != 4)
		return -1;
	const char *rest = s + 4;
	while (*rest == ' ')
		rest++;
	if (*rest)
		return -1;
	return atoi(s);
}

static int alias_match(const eu_local *L, const struct alias *al, const eu_buf *folded)
{
	if (al->folded)
		return eu_folded_contains_words(folded->p, folded->len, al->folded, strlen(al->folded));
	return pcre2_match(al->re, (PCRE2_SPTR)folded->p, folded->len, 0, 0, L->md, NULL) >= 0;
}

/* Appends one piece of evidence, ", "-separated, in the chosen language. */
static void piece(const eu_local *L, eu_buf *ev, const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	eu_label_vappend(&L->labels, ev, ", ", key, ap);
	va_end(ap);
}

static int is_self(const eu_local *L, const char *id, const eu_buf *name)
{
	if (id_in(id, L->self_ids, L->nself_ids))
		return 1;
	for (size_t i = 0; i < L->nself_names; i++)
		if (eu_folded_contains_words(name->p, name->len, L->self_names[i], strlen(L->self_names[i])))
			return 1;
	return 0;
}

/* The registry row of a line: by id (exact), else, for a partner at home
 * or without a country, by name or alias.  *alias is the alias matched
 * (0: the name itself; -1: by id). */
static long registry(const eu_local *L, const char *id, const eu_buf *name, int by_name, long *alias)
{
	for (size_t i = 0; i < L->nactors; i++)
		if (id_in(id, L->actors[i].ids, L->actors[i].nids)) {
			*alias = -1;
			return (long)i;
		}
	for (size_t i = 0; by_name && i < L->nactors; i++)
		for (size_t k = 0; k < L->actors[i].naliases; k++)
			if (alias_match(L, &L->actors[i].aliases[k], name)) {
				*alias = (long)k;
				return (long)i;
			}
	return -1;
}

/* The Funen places a name mentions as whole words, longest first, one
 * that lies inside another already listed left out; the best tier, and the
 * places for the evidence.  The exceptions come first: a name that
 * misleads gets the exception's tier (none: the name places it nowhere). */
static int places_in_name(const eu_local *L, const eu_buf *name, eu_buf *list, const char **exception)
{
	const char *seen[8];
	size_t nseen = 0;
	int tier = EU_TIER_NONE;

	*exception = NULL;
	for (size_t i = 0; i < L->nexceptions; i++) {
		const struct place *e = &L->exceptions[i];
		if (eu_folded_contains_words(name->p, name->len, e->folded, strlen(e->folded))) {
			*exception = e->name;
			return e->tier;
		}
	}
	for (size_t i = 0; i < L->nplaces; i++) {
		const struct place *p = &L->places[i];
		size_t n = strlen(p->folded);
		if (!eu_folded_contains_words(name->p, name->len, p->folded, n))
			continue;
		int inside = 0;
		for (size_t k = 0; k < nseen && !inside; k++)
			inside = eu_folded_contains_words(seen[k], strlen(seen[k]), p->folded, n);
		if (inside)
			continue;
		if (p->tier > tier)
			tier = p->tier;
		if (nseen < sizeof seen / sizeof *seen) {
			seen[nseen++] = p->folded;
			if (list->len)
				eu_buf_adds(list, ", ");
			eu_buf_adds(list, p->name);
		}
	}
	return tier;
}

static int max_tier(int a, int b)
{
	return a > b ? a : b;
}

void local_judge_line(eu_local *L, const eu_partner *p, struct line *ln)
{
	eu_buf *name = &L->name, *city = &L->city, *ev = &L->ev, *cf = &L->cf, *tmp = &L->tmp;
	char id[64];
	size_t nid = 0;

	memset(ln, 0, sizeof *ln);
	ln->actor = -1;
	eu_buf_clear(name);
	eu_buf_clear(city);
	eu_buf_clear(ev);
	eu_buf_clear(cf);
	for (size_t i = 0; i < p->len[EU_P_ORGID] && nid + 1 < sizeof id; i++)
		if (p->a[EU_P_ORGID][i] >= '0' && p->a[EU_P_ORGID][i] <= '9')
			id[nid++] = p->a[EU_P_ORGID][i];
	id[nid] = '\0';
	local_fold_name(name, p->a[EU_P_NAME], p->len[EU_P_NAME]);
	ln->key = eu_xstrdup(name->p);
	ln->type = local_canon_type(p->a[EU_P_TYPE]);

	/* 1. The municipality itself never counts. */
	if (is_self(L, id, name)) {
		ln->tier = EU_TIER_SELF;
		ln->evidence = eu_xstrdup("");
		ln->keylen = name->len;
		return;
	}

	int home = eu_country_is_home(L->countries, p->a[EU_P_COUNTRY], p->len[EU_P_COUNTRY]);
	int nocountry = p->len[EU_P_COUNTRY] == 0;
	int pc = parse_postcode(p->a[EU_P_POSTCODE]);
	int tier = EU_TIER_NONE, reg = EU_TIER_NONE;

	/* 2. The registry. */
	long alias;
	long a = registry(L, id, name, home || nocountry, &alias);
	const struct actor *A = a >= 0 ? &L->actors[a] : NULL;
	int site_not_local = 0;
	if (A) {
		ln->actor = a;
		if (A->type)
			ln->type = A->type;
		for (size_t k = 0; pc >= 0 && k < A->nnot_local; k++)
			site_not_local |= A->not_local[k] == pc;
		if (alias < 0)
			piece(L, ev, "local.ev.id", "id", p->a[EU_P_ORGID], NULL);
		else if (alias == 0)
			piece(L, ev, "local.ev.registry", NULL);
		else
			piece(L, ev, "local.ev.alias", "alias", A->aliases[alias].label, NULL);
		if (site_not_local) {
			char code[16];
			snprintf(code, sizeof code, "%04d", pc);
			piece(L, ev, "local.ev.site", "postcode", code, NULL);
		} else {
			reg = A->tier;
		}
	}
	/* A registry actor is Danish unless its country says otherwise. */
	int danish = home || (nocountry && A);
	int abroad = A && !home && !nocountry;

	/* 3. A Danish postcode: with the home country (or as a registry
	 * actor), or with no country when the city, if any, is the
	 * postcode's own (a Norwegian 5003 Bergen is not Danish). */
	int not_funen = -1, city_is_postcodes = 0;
	eu_fold(city, p->a[EU_P_CITY], p->len[EU_P_CITY]);
	if (!city->p)
		eu_buf_add(city, "", 0);
	if (pc >= 0 && (danish || nocountry)) {
		const struct postcode *e = &L->pc[pc];
		int in_range = pc >= L->funen_lo && pc <= L->funen_hi;
		if (!e->tier && in_range && danish) {
			/* A Funen code PostNord's list leaves out (a box or company
			 * code): on Funen, the town may say where. */
			char code[16];
			snprintf(code, sizeof code, "%04d", pc);
			piece(L, ev, "local.ev.postcode", "postcode", code, NULL);
			tier = max_tier(tier, EU_TIER_FYN);
		} else if (e->tier) {
			int city_ok = city->len == 0 || (e->city_folded &&
				(eu_folded_contains_words(city->p, city->len, e->city_folded, strlen(e->city_folded)) ||
				 eu_folded_contains_words(e->city_folded, strlen(e->city_folded), city->p, city->len)));
			city_is_postcodes = city->len && city_ok;
			if (danish || city_ok) {
				char code[16];
				snprintf(code, sizeof code, "%04d", pc);
				piece(L, ev, "local.ev.postcode", "postcode", code, NULL);
				tier = max_tier(tier, e->tier);
			}
		} else if (danish && !in_range) {
			not_funen = pc;
		}
	}

	/* 4. The town (not named again when it is the postcode's own). */
	if (city->len && (danish || nocountry)) {
		for (size_t i = 0; i < L->nplaces; i++)
			if (strcmp(city->p, L->places[i].folded) == 0) {
				if (!city_is_postcodes)
					piece(L, ev, "local.ev.city", "city", p->a[EU_P_CITY], NULL);
				tier = max_tier(tier, L->places[i].tier);
				break;
			}
	}

	/* 5. A partner without an address that the registry does not know:
	 * a Funen town, municipality or region in its name. */
	if (!A && (home || nocountry) && p->len[EU_P_POSTCODE] == 0 && city->len == 0) {
		const char *exception;
		eu_buf_clear(tmp);
		int t = places_in_name(L, name, tmp, &exception);
		if (exception && t > EU_TIER_NONE)
			piece(L, ev, "local.ev.exception", "name", exception, NULL);
		else if (!exception && t > EU_TIER_NONE)
			piece(L, ev, "local.ev.name", "places", tmp->p, NULL);
		tier = max_tier(tier, t);
	}

	tier = max_tier(tier, reg);
	if (tier > EU_TIER_NONE && (not_funen >= 0 || abroad)) {
		/* The evidence disagrees: say so here, warn once (local.c), and
		 * let staff decide in the registry. */
		eu_buf_clear(tmp);
		char code[16];
		snprintf(code, sizeof code, "%04d", not_funen);
		if (abroad)
			eu_label_fill(&L->labels, tmp, "local.ev.abroad", "country", p->a[EU_P_COUNTRY], NULL);
		else
			eu_label_fill(&L->labels, tmp, "local.ev.not_funen", "postcode", code, NULL);
		piece(L, ev, "local.ev.conflict", "what", tmp->p, NULL);
		if (A && reg > EU_TIER_NONE && abroad)
			eu_buf_printf(cf, "'%s' is %s in local_actors.csv (%s), but its country is '%s': counted as %s; "
				      "check the partner's id, or the registry row", p->a[EU_P_NAME], eu_tier_name(A->tier),
				      A->name, p->a[EU_P_COUNTRY], eu_tier_name(tier));
		else if (A && reg > EU_TIER_NONE)
			eu_buf_printf(cf, "'%s' is %s in local_actors.csv (%s), but postcode %s %s is not on Funen: "
				      "counted as %s; if this site is not local, add %s to the actor's not_local_postcodes",
				      p->a[EU_P_NAME], eu_tier_name(A->tier), A->name, code, p->a[EU_P_CITY],
				      eu_tier_name(tier), code);
		else
			eu_buf_printf(cf, "'%s' has postcode %s, which is not on Funen, but %s says %s: counted as %s; "
				      "check the address, or add the actor to local_actors.csv", p->a[EU_P_NAME], code,
				      p->a[EU_P_CITY], eu_tier_name(tier), eu_tier_name(tier));
		ln->conflict = eu_xstrdup(cf->p);
		ln->site = abroad ? -1 : not_funen;
	}
	ln->tier = tier;
	ln->evidence = eu_xstrdup(ev->p ? ev->p : "");
	ln->evlen = ev->len;
	ln->keylen = name->len;
}

void local_line_free(struct line *ln)
{
	free(ln->evidence);
	free(ln->key);
	free(ln->conflict);
	memset(ln, 0, sizeof *ln);
}

int eu_local_judge(eu_local *L, const eu_partner *p, eu_buf *evidence, const char **type)
{
	struct line ln;

	local_judge_line(L, p, &ln);
	int tier = ln.tier;
	*type = ln.type;
	if (tier > EU_TIER_NONE)
		eu_buf_adds(evidence, ln.evidence);
	local_line_free(&ln);
	return tier;
}

const char *eu_local_twin(const eu_local *L, const eu_partner *p)
{
	eu_buf f = EU_BUF_INIT;
	const char *hit = NULL;
	int by_city = p->len[EU_P_CITY] > 0;
	char code[3];
	int known = eu_country_code(L->countries, p->a[EU_P_COUNTRY], p->len[EU_P_COUNTRY], code);

	if (by_city)
		eu_fold(&f, p->a[EU_P_CITY], p->len[EU_P_CITY]);
	else
		eu_fold(&f, p->a[EU_P_NAME], p->len[EU_P_NAME]);
	for (size_t i = 0; i < L->ntwins && !hit && f.p; i++) {
		const struct twin *w = &L->twins[i];
		if (w->country[0] && known && strcmp(code, w->country) != 0)
			continue;
		size_t n = strlen(w->folded);
		/* A city is the town itself ("Groningen", "Tampere"), or starts
		 * with it ("Kyiv 01001"); a name may hold it anywhere. */
		if (by_city ? (strcmp(f.p, w->folded) == 0 ||
			       (f.len > n && strncmp(f.p, w->folded, n) == 0 && f.p[n] == ' '))
			    : eu_folded_contains_words(f.p, f.len, w->folded, n))
			hit = w->canonical;
	}
	eu_buf_free(&f);
	return hit;
}
