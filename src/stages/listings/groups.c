/* euprio-sdeo's participant groups: CORDIS writes one row per participant,
 * in any order and across several extracts (one per country, say), so the
 * rows of a run are held as one record per project id until the run ends.
 * A row repeated word for word (a project in two extracts, a file read
 * twice) counts once.  The project table's rows (a "pair" profile) then
 * complete the records of their projects.  Memory grows with the projects
 * of the participant files, which is what grouping costs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listings_int.h"
#include "euprio/core/diag.h"
#include "euprio/core/hash.h"
#include "euprio/core/text.h"
#include "euprio/stream/schema.h"

struct group {
	struct rec rec;
	double *sum;             /* per output column */
	unsigned char *has_sum;  /* 1: sum[] is the column's value; 0: none, or the project table's */
};

struct group *listings_group_get(struct run *r, const char *id, size_t idlen, int *created)
{
	int found;
	void *v = eu_strmap_get(&r->gidx, id, idlen, &found);

	*created = !found;
	if (found)
		return r->g[(size_t)(uintptr_t)v - 1];
	if (r->ng == r->capg) {
		r->capg = r->capg ? r->capg * 2 : 64;
		r->g = eu_xrealloc(r->g, r->capg * sizeof *r->g);
	}
	struct group *g = eu_xcalloc(1, sizeof *g);
	listings_rec_init(&g->rec, r->S->ncols);
	g->sum = eu_xcalloc(r->S->ncols, sizeof *g->sum);
	g->has_sum = eu_xcalloc(r->S->ncols, 1);
	r->g[r->ng++] = g;
	eu_strmap_add(&r->gidx, id, idlen, (void *)(uintptr_t)r->ng);
	return g;
}

struct rec *listings_group_rec(struct group *g)
{
	return &g->rec;
}

int listings_group_row_seen(struct run *r, const char *const *f, const size_t *len, size_t n)
{
	uint64_t h = EU_FNV64_SEED;
	char key[24];

	for (size_t i = 0; i < n; i++) {
		h = eu_fnv64(f[i], len[i], h);
		h = eu_fnv64("", 1, h);
	}
	snprintf(key, sizeof key, "%016llx", (unsigned long long)h);
	if (eu_strmap_add(&r->seen_rows, key, strlen(key), NULL))
		return 0;
	r->repeated_rows++;
	return 1;
}

void listings_group_sum(struct group *g, long col, double v)
{
	g->sum[col] += v;
	g->has_sum[col] = 1;
}

int listings_group_pair(struct run *r, struct rec *project)
{
	const eu_buf *id = &project->v[EU_C_ID];
	int found;
	void *v = eu_strmap_get(&r->gidx, id->p ? id->p : "", id->len, &found);

	if (!found)
		return 0;
	struct group *g = r->g[(size_t)(uintptr_t)v - 1];
	/* The project table's values win: it is the project's own record,
	 * where the participants gave an acronym for a title and sums that
	 * may lack a total.  Partners stay the participants'. */
	for (size_t c = 0; c < project->n; c++) {
		if (c == EU_C_ID || c == EU_C_ORIGIN || c == EU_C_PARTNERS || c == EU_C_REJECT || c == EU_C_WARNINGS ||
		    !project->v[c].len)
			continue;
		eu_buf_clear(&g->rec.v[c]);
		eu_buf_add(&g->rec.v[c], project->v[c].p, project->v[c].len);
		g->has_sum[c] = 0;
	}
	if (project->v[EU_C_WARNINGS].len)
		listings_warn(&g->rec, "%s", project->v[EU_C_WARNINGS].p);
	r->paired++;
	return 1;
}

void listings_groups_flush(struct run *r)
{
	unsigned long below = 0;

	for (size_t i = 0; i < r->ng; i++) {
		struct group *g = r->g[i];
		for (size_t c = 0; c < g->rec.n; c++)
			if (g->has_sum[c]) {
				eu_buf_clear(&g->rec.v[c]);
				eu_fmt_amount(&g->rec.v[c], g->sum[c]);
			}
		size_t wl = g->rec.v[EU_C_WARNINGS].len;
		listings_finish(&g->rec);
		below += g->rec.v[EU_C_WARNINGS].len != wl && !g->rec.v[EU_C_TOTAL].len;
		listings_deliver(r, &g->rec);
		listings_rec_free(&g->rec);
		free(g->sum);
		free(g->has_sum);
		free(g);
	}
	if (r->repeated_rows)
		eu_warnx("%lu participant rows repeat a row already read (a project in two extracts, a file given "
			 "twice, or a row written twice): counted once", r->repeated_rows);
	if (below)
		eu_warnx("%lu projects: a total below the EU grant (CORDIS writes 0 when it has none) left empty, "
			 "with a warning", below);
	free(r->g);
	r->g = NULL;
	r->ng = r->capg = 0;
	eu_strmap_free(&r->gidx, NULL);
	eu_strmap_free(&r->seen_rows, NULL);
}
