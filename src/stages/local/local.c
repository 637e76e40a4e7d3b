/* Local anchoring: decides, partner by partner, whether an actor is rooted
 * in Odense or on Funen, in the order RULES.md gives: the municipality
 * itself never counts; then the registry of known actors (by id, then by
 * name); then a Danish postcode; then a town name.  Names are compared
 * folded (eu_fold) on word boundaries, so "SDU" never matches inside
 * another word and "Kobenhavn" equals "København". */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/country.h"
#include "euprio/core/hash.h"
#include "euprio/core/diag.h"
#include "euprio/stream/listcol.h"
#include "euprio/stages/local.h"
#include "euprio/core/text.h"

#define NTYPES 5
static const char *const type_names[NTYPES] = {
	"education", "business", "organisation", "public", "research",
};

struct alias {
	char *folded;            /* whole-word match */
	pcre2_code *re;          /* or a pattern on the folded name */
	char *label;             /* as written, for the evidence */
};

struct actor {
	char *name;
	const char *type;        /* one of type_names, or NULL */
	int tier;
	char **ids;              /* digits only */
	size_t nids;
	struct alias *aliases;   /* the name itself is alias 0 */
	size_t naliases;
};

struct postcode {
	int code;
	int tier;
	char *city_folded;
};

struct place {
	char *folded;
	char *name;
	int tier;
};

struct twin {
	char *canonical;
	char country[3];
	char *folded;
};

/* A memo of judged partners: the same partner line (SDU, OUH, a foreign
 * university) recurs in record after record, and judging it is a pure
 * function of the line.  Direct-mapped and fixed in size, so memory stays
 * flat; a collision just judges again. */
#define MEMO_SLOTS 4096

struct memo {
	uint64_t hash;
	char *key;               /* the partner line, as read */
	size_t keylen;
	int tier;
	const char *type;
	char *evidence;
	const char *twin;
};

struct eu_local {
	struct memo *memo;
	char **self_names;       /* folded */
	size_t nself_names;
	char **self_ids;
	size_t nself_ids;
	struct actor *actors;
	size_t nactors;
	struct postcode pc[10000];   /* indexed by code; tier 0 = unknown */
	struct place *places;
	size_t nplaces;
	struct twin *twins;
	size_t ntwins;
	eu_countries *countries; /* which partners are in Denmark */
	pcre2_match_data *md;
};

static int parse_tier(const eu_table *t, size_t r, long c, int *tier)
{
	const char *v = eu_table_get(t, r, c);

	*tier = eu_tier_parse(v, strlen(v), 0);
	if (*tier < 0) {
		eu_table_error(t, r, c, "tier must be %s or %s, not '%s'", eu_tier_names[EU_TIER_ODENSE],
			       eu_tier_names[EU_TIER_FYN], v);
		*tier = EU_TIER_NONE;
		return -1;
	}
	return 0;
}

static const char *canon_type(const char *v)
{
	for (int i = 0; i < NTYPES; i++)
		if (eu_strcaseeq(v, type_names[i]))
			return type_names[i];
	/* Common synonyms in exports: CORDIS activity types and Danish words. */
	static const struct { const char *from, *to; } syn[] = {
		{"HES", "education"}, {"PRC", "business"}, {"REC", "research"},
		{"PUB", "public"}, {"OTH", "organisation"}, {"company", "business"},
		{"uddannelse", "education"}, {"erhverv", "business"}, {"virksomhed", "business"},
		{"forskning", "research"}, {"offentlig", "public"}, {"organization", "organisation"},
		{"ngo", "organisation"}, {"university", "education"},
	};
	for (size_t i = 0; i < sizeof syn / sizeof *syn; i++)
		if (eu_strcaseeq(v, syn[i].from))
			return syn[i].to;
	return NULL;
}

static char *fold_dup(const char *s)
{
	eu_buf b = EU_BUF_INIT;

	eu_fold(&b, s, strlen(s));
	return b.p;
}

/* Keeps only the digits of an id, so "DK 29 28 39 58" = "29283958". */
static char *digits_dup(const char *s)
{
	eu_buf b = EU_BUF_INIT;

	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			eu_buf_addc(&b, *s);
	eu_buf_add(&b, "", 0);
	return b.p;
}

static int split_list(const char *s, char ***out, size_t *n)
{
	char *copy = eu_xstrdup(s), *save = NULL;

	*out = NULL;
	*n = 0;
	for (char *tok = strtok_r(copy, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		tok = eu_trim(tok);
		if (!*tok)
			continue;
		*out = eu_xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = eu_xstrdup(tok);
	}
	free(copy);
	return 0;
}

static int add_alias(struct actor *a, const char *text, const eu_table *t, size_t r, long c)
{
	struct alias al = {0};

	if (strncmp(text, "re:", 3) == 0) {
		int err;
		PCRE2_SIZE off;
		al.re = pcre2_compile((PCRE2_SPTR)text + 3, PCRE2_ZERO_TERMINATED,
				      PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &err, &off, NULL);
		if (!al.re) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(err, msg, sizeof msg);
			eu_table_error(t, r, c, "alias pattern '%s': %s at offset %zu", text + 3,
				       (char *)msg, (size_t)off);
			return -1;
		}
		eu_jit(al.re);
	} else {
		al.folded = fold_dup(text);
		if (!*al.folded) {
			free(al.folded);
			eu_table_error(t, r, c, "alias '%s' has no letters or digits", text);
			return -1;
		}
	}
	al.label = eu_xstrdup(text);
	a->aliases = eu_xrealloc(a->aliases, (a->naliases + 1) * sizeof *a->aliases);
	a->aliases[a->naliases++] = al;
	return 0;
}

static int load_self(eu_local *L, const char *dir)
{
	static const char *const req[] = {"kind", "value", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "municipality.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long ck = eu_table_col(&t, "kind"), cv = eu_table_col(&t, "value");
	for (size_t r = 0; r < t.nrows; r++) {
		const char *k = eu_table_get(&t, r, ck), *v = eu_table_get(&t, r, cv);
		if (eu_strcaseeq(k, "name")) {
			L->self_names = eu_xrealloc(L->self_names, (L->nself_names + 1) * sizeof(char *));
			L->self_names[L->nself_names++] = fold_dup(v);
		} else if (eu_strcaseeq(k, "id")) {
			L->self_ids = eu_xrealloc(L->self_ids, (L->nself_ids + 1) * sizeof(char *));
			L->self_ids[L->nself_ids++] = digits_dup(v);
		} else {
			eu_table_error(&t, r, ck, "kind must be name or id, not '%s'", k);
			rc = -1;
		}
	}
	eu_table_free(&t);
	return rc;
}

static int load_actors(eu_local *L, const char *dir)
{
	static const char *const req[] = {"name", "aliases", "ids", "type", "tier", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "local_actors.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cn = eu_table_col(&t, "name"), ca = eu_table_col(&t, "aliases"),
	     ci = eu_table_col(&t, "ids"), cty = eu_table_col(&t, "type"),
	     cti = eu_table_col(&t, "tier");
	L->actors = eu_xcalloc(t.nrows + 1, sizeof *L->actors);
	for (size_t r = 0; r < t.nrows; r++) {
		struct actor *a = &L->actors[L->nactors++];
		a->name = eu_xstrdup(eu_table_get(&t, r, cn));
		if (!*a->name) {
			eu_table_error(&t, r, cn, "an actor needs a name");
			rc = -1;
			continue;
		}
		const char *ty = eu_table_get(&t, r, cty);
		a->type = canon_type(ty);
		if (*ty && !a->type) {
			eu_table_error(&t, r, cty, "type must be education, business, organisation, public or research, not '%s'", ty);
			rc = -1;
		}
		if (parse_tier(&t, r, cti, &a->tier) < 0)
			rc = -1;
		if (add_alias(a, a->name, &t, r, cn) < 0)
			rc = -1;
		char **list;
		size_t n;
		split_list(eu_table_get(&t, r, ca), &list, &n);
		for (size_t i = 0; i < n; i++) {
			if (add_alias(a, list[i], &t, r, ca) < 0)
				rc = -1;
			free(list[i]);
		}
		free(list);
		split_list(eu_table_get(&t, r, ci), &list, &n);
		a->ids = eu_xcalloc(n + 1, sizeof *a->ids);
		for (size_t i = 0; i < n; i++) {
			char *d = digits_dup(list[i]);
			if (strlen(d) < 6) {
				eu_table_error(&t, r, ci, "id '%s' has fewer than 6 digits", list[i]);
				rc = -1;
				free(d);
			} else {
				a->ids[a->nids++] = d;
			}
			free(list[i]);
		}
		free(list);
	}
	eu_table_free(&t);
	return rc;
}

static int load_postcodes(eu_local *L, const char *dir)
{
	static const char *const req[] = {"postcode", "city", "tier", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "postcodes.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cp = eu_table_col(&t, "postcode"), cc = eu_table_col(&t, "city"),
	     ct = eu_table_col(&t, "tier");
	for (size_t r = 0; r < t.nrows; r++) {
		const char *v = eu_table_get(&t, r, cp);
		if (strlen(v) != 4 || strspn(v, "0123456789") != 4) {
			eu_table_error(&t, r, cp, "postcode must be four digits, not '%s'", v);
			rc = -1;
			continue;
		}
		struct postcode *p = &L->pc[atoi(v)];
		if (parse_tier(&t, r, ct, &p->tier) < 0)
			rc = -1;
		p->code = atoi(v);
		free(p->city_folded);
		p->city_folded = fold_dup(eu_table_get(&t, r, cc));
	}
	eu_table_free(&t);
	return rc;
}

static int load_places(eu_local *L, const char *dir)
{
	static const char *const req[] = {"name", "tier", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "places.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cn = eu_table_col(&t, "name"), ct = eu_table_col(&t, "tier");
	L->places = eu_xcalloc(t.nrows + 1, sizeof *L->places);
	for (size_t r = 0; r < t.nrows; r++) {
		struct place *p = &L->places[L->nplaces++];
		p->name = eu_xstrdup(eu_table_get(&t, r, cn));
		p->folded = fold_dup(p->name);
		if (parse_tier(&t, r, ct, &p->tier) < 0)
			rc = -1;
	}
	eu_table_free(&t);
	return rc;
}

static int load_twins(eu_local *L, const char *dir)
{
	static const char *const req[] = {"city", "country", "spelling", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "twin_cities.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cc = eu_table_col(&t, "city"), cn = eu_table_col(&t, "country"),
	     cs = eu_table_col(&t, "spelling");
	L->twins = eu_xcalloc(t.nrows + 1, sizeof *L->twins);
	for (size_t r = 0; r < t.nrows; r++) {
		struct twin *w = &L->twins[L->ntwins++];
		const char *country = eu_table_get(&t, r, cn);
		if (*country && strlen(country) != 2) {
			eu_table_error(&t, r, cn, "country must be an ISO 3166 alpha-2 code, not '%s'", country);
			rc = -1;
		}
		w->canonical = eu_xstrdup(eu_table_get(&t, r, cc));
		snprintf(w->country, sizeof w->country, "%s", country);
		w->folded = fold_dup(eu_table_get(&t, r, cs));
		if (!*w->folded) {
			eu_table_error(&t, r, cs, "empty spelling");
			rc = -1;
		}
	}
	eu_table_free(&t);
	return rc;
}

eu_local *eu_local_load(const char *dir)
{
	eu_local *L = eu_xcalloc(1, sizeof *L);
	int rc = 0;

	/* Load every table even after a fault, so one run reports them all. */
	rc |= load_self(L, dir);
	rc |= load_actors(L, dir);
	rc |= load_postcodes(L, dir);
	rc |= load_places(L, dir);
	rc |= load_twins(L, dir);
	if (!(L->countries = eu_countries_load(dir)))
		rc = -1;
	L->md = pcre2_match_data_create(4, NULL);
	L->memo = eu_xcalloc(MEMO_SLOTS, sizeof *L->memo);
	if (rc) {
		eu_local_free(L);
		return NULL;
	}
	return L;
}

void eu_local_free(eu_local *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < L->nself_names; i++)
		free(L->self_names[i]);
	for (size_t i = 0; i < L->nself_ids; i++)
		free(L->self_ids[i]);
	free(L->self_names);
	free(L->self_ids);
	for (size_t i = 0; i < L->nactors; i++) {
		struct actor *a = &L->actors[i];
		for (size_t k = 0; k < a->naliases; k++) {
			free(a->aliases[k].folded);
			free(a->aliases[k].label);
			pcre2_code_free(a->aliases[k].re);
		}
		for (size_t k = 0; k < a->nids; k++)
			free(a->ids[k]);
		free(a->aliases);
		free(a->ids);
		free(a->name);
	}
	free(L->actors);
	for (size_t i = 0; i < 10000; i++)
		free(L->pc[i].city_folded);
	for (size_t i = 0; i < L->nplaces; i++) {
		free(L->places[i].folded);
		free(L->places[i].name);
	}
	free(L->places);
	for (size_t i = 0; i < L->ntwins; i++) {
		free(L->twins[i].canonical);
		free(L->twins[i].folded);
	}
	free(L->twins);
	eu_countries_free(L->countries);
	pcre2_match_data_free(L->md);
	for (size_t i = 0; L->memo && i < MEMO_SLOTS; i++) {
		free(L->memo[i].key);
		free(L->memo[i].evidence);
	}
	free(L->memo);
	free(L);
}

/* Legal-form suffixes are noise when comparing names: "Universal Robots
 * A/S" and "Universal Robots" are one actor.  Folded forms. */
static void strip_legal_suffix(eu_buf *b)
{
	static const char *const suffixes[] = {
		" a s", " aps", " p s", " i s", " k s", " amba", " a m b a", " ab", " gmbh",
		" oy", " ag", " bv", " b v", " nv", " sa", " srl", " ltd", " limited",
		" plc", " as", " asa", " inc", " llc", " sp z o o", " ivs", " smba",
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

int eu_local_judge(const eu_local *L, const eu_partner *p, eu_buf *evidence,
		   const char **type)
{
	eu_buf name = EU_BUF_INIT, city = EU_BUF_INIT;
	char *id = digits_dup(p->a[EU_P_ORGID]);
	int tier = EU_TIER_NONE;
	int dk = eu_country_is_home(L->countries, p->a[EU_P_COUNTRY], p->len[EU_P_COUNTRY]);
	int nocountry = p->len[EU_P_COUNTRY] == 0;

	*type = canon_type(p->a[EU_P_TYPE]);
	eu_fold(&name, p->a[EU_P_NAME], p->len[EU_P_NAME]);
	strip_legal_suffix(&name);

	/* 1. The municipality itself. */
	if (id_in(id, L->self_ids, L->nself_ids))
		tier = EU_TIER_SELF;
	for (size_t i = 0; tier != EU_TIER_SELF && i < L->nself_names; i++)
		if (eu_folded_contains_words(name.p, name.len, L->self_names[i], strlen(L->self_names[i])))
			tier = EU_TIER_SELF;
	if (tier == EU_TIER_SELF)
		goto out;

	/* 2. The registry: ids first (exact), then names and aliases.  Only a
	 * Danish or country-less partner can be a registry actor by name. */
	for (size_t i = 0; i < L->nactors; i++) {
		const struct actor *a = &L->actors[i];
		if (id_in(id, a->ids, a->nids)) {
			tier = a->tier;
			eu_buf_printf(evidence, "id %s (%s)", p->a[EU_P_ORGID], a->name);
			if (a->type)
				*type = a->type;
			goto out;
		}
	}
	if (dk || nocountry) {
		for (size_t i = 0; i < L->nactors; i++) {
			const struct actor *a = &L->actors[i];
			for (size_t k = 0; k < a->naliases; k++) {
				if (!alias_match(L, &a->aliases[k], &name))
					continue;
				tier = a->tier;
				if (k == 0)
					eu_buf_printf(evidence, "registry %s", a->name);
				else
					eu_buf_printf(evidence, "alias %s (%s)", a->aliases[k].label, a->name);
				if (a->type)
					*type = a->type;
				goto out;
			}
		}
	}

	/* 3. A Danish postcode: with country DK, or with no country when the
	 * city, if any, is the one the postcode belongs to. */
	int pc = parse_postcode(p->a[EU_P_POSTCODE]);
	eu_fold(&city, p->a[EU_P_CITY], p->len[EU_P_CITY]);
	if (pc >= 0 && (dk || nocountry)) {
		const struct postcode *e = &L->pc[pc];
		int city_ok = city.len == 0 || (e->city_folded &&
			(eu_folded_contains_words(city.p, city.len, e->city_folded, strlen(e->city_folded)) ||
			 eu_folded_contains_words(e->city_folded, strlen(e->city_folded), city.p, city.len)));
		if (e->tier && (dk || city_ok)) {
			tier = e->tier;
			eu_buf_printf(evidence, "postcode %04d", pc);
		}
		goto out;    /* a postcode outside Funen settles it: not local */
	}

	/* 4. A town name, when there is no postcode. */
	if (p->len[EU_P_POSTCODE] == 0 && (dk || nocountry) && city.len) {
		for (size_t i = 0; i < L->nplaces; i++)
			if (strcmp(city.p, L->places[i].folded) == 0) {
				tier = L->places[i].tier;
				eu_buf_printf(evidence, "city %s", p->a[EU_P_CITY]);
				break;
			}
	}
out:
	free(id);
	eu_buf_free(&name);
	eu_buf_free(&city);
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
	for (size_t i = 0; i < L->ntwins && !hit; i++) {
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

void eu_local_result_free(eu_local_result *r)
{
	eu_buf_free(&r->partners);
	eu_buf_free(&r->types);
	eu_buf_free(&r->evidence);
	eu_buf_free(&r->twins);
}

int eu_local_record(const eu_local *L, const char *partners, size_t len,
		    eu_local_result *res, const char **err)
{
	eu_partners ps = EU_PARTNERS_INIT;
	eu_buf ev = EU_BUF_INIT;
	int seen_type[NTYPES] = {0};

	eu_buf_clear(&res->partners);
	eu_buf_clear(&res->types);
	eu_buf_clear(&res->evidence);
	eu_buf_clear(&res->twins);
	res->count = 0;
	res->tier = EU_TIER_NONE;
	if (eu_partners_decode(&ps, partners, len, err) < 0) {
		eu_partners_free(&ps);
		return -1;
	}
	for (size_t i = 0; i < ps.n; i++) {
		const eu_partner *p = &ps.p[i];
		const char *type, *twin;
		int tier;
		/* The line's bytes are contiguous in the decoded store: the
		 * attributes follow each other, NUL-separated. */
		const char *key = p->a[EU_P_NAME];
		size_t keylen = (size_t)(p->a[EU_P_COUNTRY] + p->len[EU_P_COUNTRY] - key);
		uint64_t h = eu_fnv64(key, keylen, EU_FNV64_SEED);
		struct memo *m = &L->memo[h % MEMO_SLOTS];
		eu_buf_clear(&ev);
		if (m->key && m->hash == h && m->keylen == keylen && !memcmp(m->key, key, keylen)) {
			tier = m->tier;
			type = m->type;
			twin = m->twin;
			eu_buf_adds(&ev, m->evidence);
		} else {
			tier = eu_local_judge(L, p, &ev, &type);
			twin = eu_local_twin(L, p);
			free(m->key);
			free(m->evidence);
			m->key = eu_xstrndup(key, keylen);
			m->keylen = keylen;
			m->hash = h;
			m->tier = tier;
			m->type = type;
			m->twin = twin;
			m->evidence = eu_xstrdup(ev.p ? ev.p : "");
		}
		if (tier > EU_TIER_NONE) {
			res->count++;
			if (tier > res->tier)
				res->tier = tier;
			eu_names_add(&res->partners, p->a[EU_P_NAME], p->len[EU_P_NAME]);
			eu_names_add(&res->evidence, p->a[EU_P_NAME], p->len[EU_P_NAME]);
			eu_buf_adds(&res->evidence, ": ");
			eu_buf_add(&res->evidence, ev.p ? ev.p : "", ev.len);
			for (int k = 0; type && k < NTYPES; k++)
				if (type == type_names[k])
					seen_type[k] = 1;
		}
		if (twin && !eu_list_has(res->twins.p, res->twins.len, twin, strlen(twin)))
			eu_list_add(&res->twins, twin, strlen(twin));
	}
	for (int k = 0; k < NTYPES; k++)
		if (seen_type[k])
			eu_list_add(&res->types, type_names[k], strlen(type_names[k]));
	eu_buf_free(&ev);
	eu_partners_free(&ps);
	return 0;
}
