/* A record's hits summed into goals, and the columns that say so.
 *
 * Whether and how much a hit counts is decided where the scan finds it, by
 * count_hit and count_at (goals_int.h, inline on the hot path): a goal's
 * hits do not overlap; a hit inside a match of the term's exclude pattern
 * does not count (goals_excluded, below); a hit weighs the term's weight
 * times its field's field_weight (1 for the extra table's terms, and
 * without spec.field_weights); a term's first hit in the record is its
 * evidence (goals_add_evidence).
 * Here, when the record's fields are scanned: each term counts once, at
 * its best weighted hit; a goal's score is the sum of its terms', and the
 * goal is matched when that is above 0 and reaches goal_threshold.  The
 * extra table's groups (knowledge, reputation) are summed alike but never
 * listed as goals; euprio-rank reads their scores.  docs/configuration.md
 * tells the staff who write the terms the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/text.h"
#include "euprio/stream/listcol.h"
#include "goals_int.h"

/* Where a term's exclude search stands in the field being scanned: its
 * successive matches are found once per field, not once per hit (a long
 * description with a thousand hits of "growth" was a thousand scans). */
struct xcur {
	unsigned long gen;       /* the field scan it belongs to */
	size_t off, xs, xe, last_s;
	int have, done;
};

struct xscan *goals_xscan_new(size_t nterms)
{
	struct xscan *x = eu_xcalloc(1, sizeof *x);
	x->c = eu_xcalloc(nterms + 1, sizeof *x->c);
	return x;
}

void goals_xscan_free(struct xscan *x)
{
	if (x)
		free(x->c);
	free(x);
}

/* True when a hit [s, e) lies inside one of the successive matches of
 * the term's exclude pattern that start at or before s.  Runs only for
 * terms that have one, and only on a hit.  Hits come in order of s, so
 * the search resumes where the last hit left it: a match is passed only
 * once it ends at or before s, when no later hit can lie inside it. */
int goals_excluded(const eu_goals *G, size_t k, const char *text, size_t len, size_t s, size_t e, int *rc)
{
	struct xcur *c = &G->xs->c[k];

	*rc = 0;
	if (c->gen != G->xs->gen || s < c->last_s)
		*c = (struct xcur){.gen = G->xs->gen};
	c->last_s = s;
	for (;;) {
		if (!c->have) {
			if (c->done || c->off > len)
				return 0;
			int m = pcre2_match(G->terms[k].exclude, (PCRE2_SPTR)text, len, c->off, 0, G->xmd, G->mctx);
			if (m == PCRE2_ERROR_NOMATCH) {
				c->done = 1;
				return 0;
			}
			if (m < 0) {
				*rc = m;
				c->gen = 0;     /* start afresh next time */
				return 0;
			}
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(G->xmd);
			c->xs = ov[0];
			c->xe = ov[1];
			c->have = 1;
		}
		if (c->xs <= s && c->xe >= e)
			return 1;
		if (c->xs > s || c->xe > s)
			return 0;       /* the next match would start after s */
		c->off = c->xe > c->xs ? c->xe : c->xs + 1;
		c->have = 0;
	}
}

/* Adds the words of a term's first hit in a record to its goal's
 * evidence, as they stand in the text, short. */
void goals_add_evidence(struct acc *a, const struct term *tm, size_t f, const char *s, size_t ms, size_t me)
{
	const char *name = a->G->fields[f];

	eu_evidence_term(&a->ev[tm->goal], s + ms, me - ms, 40, name, strlen(name));
}

/* Each term's best weighted hit added to its goal's score (when count:
 * not for a record that hit a match limit), and the record's tally reset
 * for the next.  Summed in term order, whatever order they were hit in: a
 * sum of doubles depends on its order, and a record's few hits sort fast. */
static void sum_terms(struct acc *a, double *score, int count)
{
	const eu_goals *G = a->G;

	for (size_t t = 1; t < a->ntouched; t++) {
		uint32_t k = a->touched[t];
		size_t j = t;
		for (; j > 0 && a->touched[j - 1] > k; j--)
			a->touched[j] = a->touched[j - 1];
		a->touched[j] = k;
	}
	for (size_t t = 0; t < a->ntouched; t++) {
		size_t k = a->touched[t];
		if (count)
			score[G->terms[k].goal] += a->tw[k];
		a->tw[k] = 0;
		a->seen[k] = 0;
	}
}

/* The matched goals in goal order: goals ("G3;G9"), strength
 * ("G3:2.5;G9:4") and evidence ("G3: ... | G9: ..."). */
static void write_goals(const eu_goals *G, const struct acc *a, eu_goals_result *res)
{
	for (size_t g = 0; g < G->ngoals; g++) {
		if (G->extra[g] || res->score[g] < G->threshold || res->score[g] <= 0)
			continue;
		res->count++;
		eu_list_add(&res->goals, G->ids[g], strlen(G->ids[g]));
		eu_strength_add(&res->strength, G->ids[g], res->score[g]);
		eu_evidence_group(&res->evidence, G->ids[g], a->ev[g].p, a->ev[g].len);
	}
}

int eu_goals_record(const eu_goals *G, const char *const *text, const size_t *len,
		    eu_goals_result *res, eu_buf *err, eu_goals_hit_fn hit, void *hctx)
{
	size_t ends[64];
	struct acc a = {.G = G, .tw = G->tw, .seen = G->seen, .touched = G->touched, .hit = hit, .hctx = hctx};

	a.last_end = G->ngoals <= 64 ? ends : eu_xcalloc(G->ngoals, sizeof *a.last_end);
	if (!res->score)
		res->score = eu_xcalloc(G->ngoals, sizeof *res->score);
	for (size_t g = 0; g < G->ngoals; g++)
		res->score[g] = 0;
	eu_buf_clear(&res->goals);
	eu_buf_clear(&res->strength);
	eu_buf_clear(&res->evidence);
	res->count = 0;
	a.ev = G->ev;
	for (size_t g = 0; g < G->ngoals; g++)
		eu_buf_clear(&a.ev[g]);

	int rc = goals_scan_record(&a, text, len, err);
	sum_terms(&a, res->score, rc == 0);
	if (rc == 0)
		write_goals(G, &a, res);
	if (a.last_end != ends)
		free(a.last_end);
	return rc;
}

void eu_goals_result_free(eu_goals_result *r)
{
	eu_buf_free(&r->goals);
	eu_buf_free(&r->strength);
	eu_buf_free(&r->evidence);
	free(r->score);
	r->score = NULL;
}
