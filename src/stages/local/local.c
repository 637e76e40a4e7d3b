/* Local anchoring of one record: every partner line judged (judge.c,
 * through a memo), then the local lines grouped into actors — the units
 * of one registry actor ("SDU" and "Syddansk Universitet, Det
 * Sundhedsvidenskabelige Fakultet") and a name repeated (folded) are one
 * actor, counted once and listed together in the evidence.  A conflict in
 * a line's evidence is told on stderr once per actor per run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/core/hash.h"
#include "euprio/stream/listcol.h"
#include "local_int.h"

void eu_local_result_free(eu_local_result *r)
{
	eu_buf_free(&r->partners);
	eu_buf_free(&r->types);
	eu_buf_free(&r->evidence);
	eu_buf_free(&r->twins);
	eu_buf_free(&r->tiers);
}

/* Copies a line's strings out of its memo slot for the hits of this
 * record that point there, before the slot is given to another line. */
static void copy_out(eu_local *L, struct memo *m)
{
	for (size_t i = 0; i < L->nhits; i++) {
		if (L->hits[i].slot != m)
			continue;
		if (L->ncopies == L->capcopies) {
			L->capcopies = L->capcopies ? L->capcopies * 2 : 4;
			L->copies = eu_xrealloc(L->copies, L->capcopies * sizeof *L->copies);
		}
		/* One allocation each: the hits point at it. */
		struct line *c = eu_xmalloc(sizeof *c);
		L->copies[L->ncopies++] = c;
		*c = m->ln;
		c->evidence = eu_xstrdup(m->ln.evidence);
		c->key = eu_xstrdup(m->ln.key);
		c->conflict = m->ln.conflict ? eu_xstrdup(m->ln.conflict) : NULL;
		L->hits[i].ln = c;
		L->hits[i].slot = NULL;
	}
}

/* The judgement of a line, from the memo or made now. */
static struct memo *judged(eu_local *L, const eu_partner *p)
{
	/* The line's bytes are contiguous in the decoded store: the
	 * attributes follow each other, NUL-separated. */
	const char *text = p->a[EU_P_NAME];
	size_t len = (size_t)(p->a[EU_P_COUNTRY] + p->len[EU_P_COUNTRY] - text);
	uint64_t h = eu_fnv64(text, len, EU_FNV64_SEED);
	struct memo *m = &L->memo[h % MEMO_SLOTS];

	if (m->text && m->hash == h && m->textlen == len && !memcmp(m->text, text, len))
		return m;
	if (m->text && m->used == L->serial)
		copy_out(L, m);
	free(m->text);
	local_line_free(&m->ln);
	local_judge_line(L, p, &m->ln);
	m->ln.twin = eu_local_twin(L, p);
	m->text = eu_xstrndup(text, len);
	m->textlen = len;
	m->hash = h;
	return m;
}

/* The group of the actor a hit belongs to: the same registry row, or,
 * outside the registry, the same folded name. */
static size_t group_of(eu_local *L, const struct hit *h)
{
	const struct line *ln = h->ln;

	for (size_t g = 0; g < L->ngroups; g++) {
		const struct line *f = L->hits[L->groups[g].first].ln;
		if (ln->actor >= 0 ? f->actor == ln->actor
				   : f->actor < 0 && f->keylen == ln->keylen && !memcmp(f->key, ln->key, ln->keylen))
			return g;
	}
	if (L->ngroups == L->capgroups) {
		L->capgroups = L->capgroups ? L->capgroups * 2 : 16;
		L->groups = eu_xrealloc(L->groups, L->capgroups * sizeof *L->groups);
	}
	L->groups[L->ngroups] = (struct group){ln->actor, (size_t)(h - L->hits), EU_TIER_NONE, NULL, 0};
	return L->ngroups++;
}

/* The conflict of a line told once per actor and run — once per site of
 * the actor, since staff judge each (SDU at 6400 and at 6000) — with
 * where the record came from. */
static void tell_conflict(eu_local *L, const struct line *ln, const char *where)
{
	eu_buf key = EU_BUF_INIT;

	if (ln->actor >= 0)
		eu_buf_printf(&key, "#%ld@%d", ln->actor, ln->site);
	else
		eu_buf_printf(&key, "n:%s@%d", ln->key, ln->site);
	if (eu_strmap_add(&L->warned, key.p, key.len, NULL))
		eu_warn_at(where, 0, "%s", ln->conflict);
	eu_buf_free(&key);
}

/* The actor's name for people: the registry's, else the line's as written. */
static void actor_name(const eu_local *L, const eu_partners *ps, const struct group *g, eu_buf *out)
{
	const struct hit *f = &L->hits[g->first];

	if (g->actor >= 0)
		eu_buf_adds(out, L->actors[g->actor].name);
	else
		eu_buf_add(out, ps->p[f->partner].a[EU_P_NAME], ps->p[f->partner].len[EU_P_NAME]);
}

/* "Actor: pieces" for one line that is the actor's own name, else
 * "Actor: line name (pieces) + line name (pieces)". */
static void actor_evidence(const eu_local *L, const eu_partners *ps, size_t gi, eu_buf *out)
{
	const struct group *g = &L->groups[gi];
	const struct hit *f = &L->hits[g->first];
	const char *own = g->actor >= 0 ? L->actors[g->actor].folded : f->ln->key;

	actor_name(L, ps, g, out);
	eu_buf_adds(out, ": ");
	if (g->nlines == 1 && strcmp(f->ln->key, own) == 0) {
		eu_buf_add(out, f->ln->evidence, f->ln->evlen);
		return;
	}
	int n = 0;
	for (size_t i = g->first; i < L->nhits; i++) {
		const struct hit *h = &L->hits[i];
		if (h->group != gi)
			continue;
		if (n++)
			eu_buf_adds(out, " + ");
		const eu_partner *p = &ps->p[h->partner];
		eu_buf_add(out, p->a[EU_P_NAME], p->len[EU_P_NAME]);
		eu_buf_adds(out, " (");
		eu_buf_add(out, h->ln->evidence, h->ln->evlen);
		eu_buf_addc(out, ')');
	}
}

int eu_local_record(eu_local *L, const char *partners, size_t len, const char *where,
		    eu_local_result *res, const char **err)
{
	eu_partners ps = EU_PARTNERS_INIT;
	size_t tier_count[EU_NTIERS] = {0};

	eu_buf_clear(&res->partners);
	eu_buf_clear(&res->types);
	eu_buf_clear(&res->evidence);
	eu_buf_clear(&res->twins);
	eu_buf_clear(&res->tiers);
	res->count = 0;
	res->tier = EU_TIER_NONE;
	if (eu_partners_decode(&ps, partners, len, err) < 0) {
		eu_partners_free(&ps);
		return -1;
	}
	L->nhits = L->ngroups = 0;
	L->serial++;
	for (size_t i = 0; i < L->ncopies; i++) {
		local_line_free(L->copies[i]);
		free(L->copies[i]);
	}
	L->ncopies = 0;
	for (size_t i = 0; i < ps.n; i++) {
		struct memo *m = judged(L, &ps.p[i]);
		const struct line *ln = &m->ln;
		const char *twin = ln->twin;
		if (twin && !eu_list_has(res->twins.p, res->twins.len, twin, strlen(twin)))
			eu_list_add(&res->twins, twin, strlen(twin));
		if (ln->tier <= EU_TIER_NONE)
			continue;
		if (L->nhits == L->caphits) {
			L->caphits = L->caphits ? L->caphits * 2 : 16;
			L->hits = eu_xrealloc(L->hits, L->caphits * sizeof *L->hits);
		}
		struct hit *h = &L->hits[L->nhits++];
		h->partner = i;
		h->ln = ln;
		h->slot = m;
		m->used = L->serial;
		h->group = group_of(L, h);
		struct group *g = &L->groups[h->group];
		g->nlines++;
		if (ln->tier > g->tier)
			g->tier = ln->tier;
		if (!g->type)
			g->type = g->actor >= 0 && L->actors[g->actor].type ? L->actors[g->actor].type : ln->type;
		if (ln->conflict && where)
			tell_conflict(L, ln, where);
	}

	int seen_type[NTYPES] = {0};
	for (size_t gi = 0; gi < L->ngroups; gi++) {
		const struct group *g = &L->groups[gi];
		/* Built whole, then added as one item: the names codec keeps an
		 * item's "; " from splitting it. */
		if (g->actor >= 0)
			eu_names_add(&res->partners, L->actors[g->actor].name, strlen(L->actors[g->actor].name));
		else
			eu_names_add(&res->partners, ps.p[L->hits[g->first].partner].a[EU_P_NAME],
				     ps.p[L->hits[g->first].partner].len[EU_P_NAME]);
		eu_buf_clear(&L->tmp);
		actor_evidence(L, &ps, gi, &L->tmp);
		eu_names_add(&res->evidence, L->tmp.p, L->tmp.len);
		tier_count[g->tier]++;
		if (g->tier > res->tier)
			res->tier = g->tier;
		for (int k = 0; g->type && k < NTYPES; k++)
			if (g->type == local_type_names[k])
				seen_type[k] = 1;
	}
	res->count = L->ngroups;
	for (int k = 0; k < NTYPES; k++)
		if (seen_type[k])
			eu_list_add(&res->types, local_type_names[k], strlen(local_type_names[k]));
	for (int t = EU_NTIERS - 1; t > EU_TIER_NONE; t--)
		if (tier_count[t])
			eu_strength_add(&res->tiers, eu_tier_names[t], (double)tier_count[t]);
	eu_partners_free(&ps);
	return 0;
}
