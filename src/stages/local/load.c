/* euprio-local's policy: who the municipality is (municipality.csv), the
 * registry of known actors (local_actors.csv, with the themes staff keep
 * for each: themes.c), the goals those themes may name (goals.csv), the
 * Funen postcodes
 * (postcodes.csv), towns, municipalities and regions (places.csv), the
 * names that mislead (place_exceptions.csv), twin cities, countries and the
 * evidence's words (labels.csv).  Every fault is file:line:col, and every
 * table is loaded even after one, so one run reports them all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "local_int.h"

const char *const local_type_names[NTYPES] = {
	"education", "business", "organisation", "public", "research",
};

/* The evidence's words, every one needed. */
static const char *const need_labels[] = {
	"local.ev.id", "local.ev.registry", "local.ev.alias", "local.ev.postcode", "local.ev.city",
	"local.ev.name", "local.ev.exception", "local.ev.site", "local.ev.not_funen",
	"local.ev.abroad", "local.ev.conflict", NULL,
};

static int parse_tier(const eu_table *t, size_t r, long c, int allow_none, int *tier)
{
	const char *v = eu_table_get(t, r, c);

	*tier = eu_tier_parse(v, strlen(v), allow_none);
	if (*tier < 0) {
		if (allow_none)
			eu_table_error(t, r, c, "tier must be %s, %s or %s, not '%s'", eu_tier_names[EU_TIER_ODENSE],
				       eu_tier_names[EU_TIER_FYN], eu_tier_names[EU_TIER_NONE], v);
		else
			eu_table_error(t, r, c, "tier must be %s or %s, not '%s'", eu_tier_names[EU_TIER_ODENSE],
				       eu_tier_names[EU_TIER_FYN], v);
		*tier = EU_TIER_NONE;
		return -1;
	}
	return 0;
}

const char *local_canon_type(const char *v)
{
	for (int i = 0; i < NTYPES; i++)
		if (eu_strcaseeq(v, local_type_names[i]))
			return local_type_names[i];
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
	if (!b.p)
		eu_buf_add(&b, "", 0);
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

/* A '|'-separated cell, trimmed, empty items dropped. */
static void split_list(const char *s, char ***out, size_t *n)
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

static int four_digits(const char *v)
{
	return strlen(v) == 4 && strspn(v, "0123456789") == 4;
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

static int load_actor_ids(struct actor *a, const eu_table *t, size_t r, long ci)
{
	char **list;
	size_t n;
	int rc = 0;

	split_list(eu_table_get(t, r, ci), &list, &n);
	a->ids = eu_xcalloc(n + 1, sizeof *a->ids);
	for (size_t i = 0; i < n; i++) {
		char *d = digits_dup(list[i]);
		if (strlen(d) < 6) {
			eu_table_error(t, r, ci, "id '%s' has fewer than 6 digits", list[i]);
			rc = -1;
			free(d);
		} else {
			a->ids[a->nids++] = d;
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

/* not_local_postcodes: the sites of a registry actor outside Funen that
 * staff have judged not local (SDU's campus in Sønderborg, say).  The
 * column is optional, so a registry without it still loads. */
static int load_not_local(struct actor *a, const eu_table *t, size_t r, long cn)
{
	char **list;
	size_t n;
	int rc = 0;

	split_list(eu_table_get(t, r, cn), &list, &n);
	a->not_local = eu_xcalloc(n + 1, sizeof *a->not_local);
	for (size_t i = 0; i < n; i++) {
		if (!four_digits(list[i])) {
			eu_table_error(t, r, cn, "not_local_postcodes: '%s' is not a four-digit postcode", list[i]);
			rc = -1;
		} else {
			a->not_local[a->nnot_local++] = atoi(list[i]);
		}
		free(list[i]);
	}
	free(list);
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
	     cti = eu_table_col(&t, "tier"), cnl = eu_table_col(&t, "not_local_postcodes"),
	     ctg = eu_table_col(&t, "theme_goals"), ctw = eu_table_col(&t, "theme_words");
	L->actors = eu_xcalloc(t.nrows + 1, sizeof *L->actors);
	for (size_t r = 0; r < t.nrows; r++) {
		struct actor *a = &L->actors[L->nactors++];
		a->name = eu_xstrdup(eu_table_get(&t, r, cn));
		a->folded = eu_xstrdup("");
		if (!*a->name) {
			eu_table_error(&t, r, cn, "an actor needs a name");
			rc = -1;
			continue;
		}
		eu_buf f = EU_BUF_INIT;
		local_fold_name(&f, a->name, strlen(a->name));
		if (f.p) {
			free(a->folded);
			a->folded = f.p;
		}
		const char *ty = eu_table_get(&t, r, cty);
		a->type = local_canon_type(ty);
		if (*ty && !a->type) {
			eu_table_error(&t, r, cty, "type must be education, business, organisation, public or research, not '%s'", ty);
			rc = -1;
		}
		if (parse_tier(&t, r, cti, 0, &a->tier) < 0)
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
		rc |= load_actor_ids(a, &t, r, ci);
		rc |= load_not_local(a, &t, r, cnl);
		/* Optional columns, so a registry from before the themes loads:
		 * its actors are then suggested for no call. */
		rc |= local_load_themes(a, &t, r, ctg, ctw, L->goal_ids, L->ngoal_ids);
	}
	eu_table_free(&t);
	return rc;
}

/* The goals' ids, which an actor's theme_goals must name. */
static int load_goal_ids(eu_local *L, const char *dir)
{
	static const char *const req[] = {"id", NULL};
	eu_table t;

	if (eu_table_load(&t, dir, "goals.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long ci = eu_table_col(&t, "id");
	L->goal_ids = eu_xcalloc(t.nrows + 1, sizeof *L->goal_ids);
	for (size_t r = 0; r < t.nrows; r++)
		L->goal_ids[L->ngoal_ids++] = eu_xstrdup(eu_table_get(&t, r, ci));
	eu_table_free(&t);
	return 0;
}

/* funen_postcodes: the range of Danish postcodes on Funen, "5000-5999". */
static int load_range(eu_local *L, const char *dir)
{
	eu_settings s;
	int rc = -1;

	if (eu_settings_load(&s, dir, "settings.csv") == 0) {
		const char *v = eu_setting_str(&s, "funen_postcodes");
		int lo, hi, n = 0;
		if (v && sscanf(v, "%4d-%4d%n", &lo, &hi, &n) == 2 && v[n] == '\0' && strlen(v) == 9 &&
		    lo <= hi) {
			L->funen_lo = lo;
			L->funen_hi = hi;
			rc = 0;
		} else if (v) {
			long r = eu_setting_row(&s, "funen_postcodes");
			eu_table_error(&s.t, (size_t)r, s.cval,
				       "funen_postcodes must be a range of four-digit postcodes like 5000-5999, not '%s'", v);
		}
	}
	eu_settings_free(&s);
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
		if (!four_digits(v)) {
			eu_table_error(&t, r, cp, "postcode must be four digits, not '%s'", v);
			rc = -1;
			continue;
		}
		struct postcode *p = &L->pc[atoi(v)];
		if (parse_tier(&t, r, ct, 0, &p->tier) < 0)
			rc = -1;
		p->code = atoi(v);
		free(p->city_folded);
		p->city_folded = fold_dup(eu_table_get(&t, r, cc));
	}
	eu_table_free(&t);
	return rc;
}

/* Longest first, so a name that holds "Odense C" is said to mention
 * "Odense C", and "Odense" inside it adds nothing. */
static int longest_first(const void *a, const void *b)
{
	size_t x = strlen(((const struct place *)a)->folded), y = strlen(((const struct place *)b)->folded);

	return x > y ? -1 : x < y;
}

/* places.csv (towns, municipalities, regions: tier odense or fyn) and
 * place_exceptions.csv (names that mislead: tier none too). */
static int load_places(const char *dir, const char *file, int allow_none, struct place **out, size_t *nout)
{
	static const char *const req[] = {"name", "tier", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, file, req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cn = eu_table_col(&t, "name"), ct = eu_table_col(&t, "tier");
	struct place *ps = eu_xcalloc(t.nrows + 1, sizeof *ps);
	size_t n = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		struct place *p = &ps[n++];
		p->name = eu_xstrdup(eu_table_get(&t, r, cn));
		p->folded = fold_dup(p->name);
		if (!*p->folded) {
			eu_table_error(&t, r, cn, "a name needs letters or digits, not '%s'", p->name);
			rc = -1;
		}
		if (parse_tier(&t, r, ct, allow_none, &p->tier) < 0)
			rc = -1;
	}
	qsort(ps, n, sizeof *ps, longest_first);
	*out = ps;
	*nout = n;
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

eu_local *eu_local_load(const char *dir, enum eu_lang lang)
{
	eu_local *L = eu_xcalloc(1, sizeof *L);
	int rc = 0;

	rc |= load_self(L, dir);
	rc |= load_goal_ids(L, dir);
	rc |= load_actors(L, dir);
	rc |= load_postcodes(L, dir);
	rc |= load_range(L, dir);
	rc |= load_places(dir, "places.csv", 0, &L->places, &L->nplaces);
	rc |= load_places(dir, "place_exceptions.csv", 1, &L->exceptions, &L->nexceptions);
	rc |= load_twins(L, dir);
	rc |= eu_labels_load(&L->labels, dir, eu_lang_code(lang), need_labels);
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

eu_local *eu_local_load_registry(const char *dir)
{
	eu_local *L = eu_xcalloc(1, sizeof *L);
	int rc = load_goal_ids(L, dir);

	rc |= load_actors(L, dir);
	if (rc) {
		eu_local_free(L);
		return NULL;
	}
	return L;
}

static void free_places(struct place *ps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ps[i].folded);
		free(ps[i].name);
	}
	free(ps);
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
		free(a->not_local);
		local_free_themes(a);
		free(a->name);
		free(a->folded);
	}
	free(L->actors);
	for (size_t i = 0; i < L->ngoal_ids; i++)
		free(L->goal_ids[i]);
	free(L->goal_ids);
	for (size_t i = 0; i < 10000; i++)
		free(L->pc[i].city_folded);
	free_places(L->places, L->nplaces);
	free_places(L->exceptions, L->nexceptions);
	for (size_t i = 0; i < L->ntwins; i++) {
		free(L->twins[i].canonical);
		free(L->twins[i].folded);
	}
	free(L->twins);
	eu_countries_free(L->countries);
	eu_labels_free(&L->labels);
	pcre2_match_data_free(L->md);
	for (size_t i = 0; L->memo && i < MEMO_SLOTS; i++) {
		free(L->memo[i].text);
		local_line_free(&L->memo[i].ln);
	}
	free(L->memo);
	eu_strmap_free(&L->warned, NULL);
	free(L->hits);
	free(L->groups);
	for (size_t i = 0; i < L->ncopies; i++) {
		local_line_free(L->copies[i]);
		free(L->copies[i]);
	}
	free(L->copies);
	eu_buf_free(&L->ev);
	eu_buf_free(&L->cf);
	eu_buf_free(&L->name);
	eu_buf_free(&L->city);
	eu_buf_free(&L->tmp);
	free(L);
}
