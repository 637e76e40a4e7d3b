/* A record's hits gathered and summed, and the columns that say so.
 *
 * Whether a hit counts is decided where the scan finds it, by count_hit
 * and count_at (goals_int.h, inline on the hot path): a goal's hits do not
 * overlap; a hit inside a match of the term's exclude pattern does not
 * count (goals_excluded, below).  A goal term's hits are kept, and when
 * the record's fields are scanned each is weighed by the zone it stands in
 * and the goals are decided by the salience rule: salience.c, whose top
 * tells the rule.  The extra table's groups (knowledge, reputation), and
 * every group of a spec without the rule (rank's principle terms), are
 * points: each term counts once, at its weight, and a group's score is the
 * sum; they are never listed as goals.  A term's first hit in the record
 * is its evidence: a counted goal's, from the kept hits (goals_decide); a
 * points group's, as it is found (goals_add_evidence).
 * docs/configuration.md tells the staff who write the terms the same. */
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
	eu_evidence_term(&a->ev[tm->goal], s + ms, me - ms, 40, a->G->fields[f], a->G->flen[f]);
}

/* The record's tally by term, in term order whatever order the terms were
 * hit in (a sum of doubles depends on its order, and a record's few terms
 * sort fast): a points term's best hit into its group's score, a goal
 * term's weight times its zone factors into its goal's evidence (when
 * count: not for a record that hit a match limit); then reset for the
 * next record. */
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
		const struct term *tm = &G->terms[k];
		if (count && tm->kind == T_GOAL) {
			a->gs[tm->goal].e += tm->weight * a->tw[k];
			a->gs[tm->goal].terms++;
		} else if (count) {
			score[tm->goal] += a->tw[k];
		}
		a->tw[k] = 0;
		a->seen[k] = 0;
	}
}

/* Without the rule: every group but the extra table's with points, in
 * group order. */
static void write_points(const eu_goals *G, const struct acc *a, eu_goals_result *res)
{
	for (size_t g = 0; g < G->ngoals; g++) {
		if (G->extra[g] || res->score[g] <= 0)
			continue;
		res->count++;
		eu_list_add(&res->goals, G->ids[g], strlen(G->ids[g]));
		eu_strength_add(&res->strength, G->ids[g], res->score[g]);
		eu_evidence_group(&res->evidence, G->ids[g], a->ev[g].p, a->ev[g].len);
	}
}

/* Each kept hit to the caller that explains, with its zone, in the order
 * of the text (the compound terms' hits were found after the others of
 * their field).  After the zones are counted, so the order changes
 * nothing else. */
static void explain_hits(struct acc *a, const char *const *text)
{
	const eu_goals *G = a->G;

	for (size_t i = 1; i < a->nhits; i++) {
		struct rhit h = a->hits[i];
		size_t j = i;
		for (; j > 0 && (a->hits[j - 1].field > h.field ||
				 (a->hits[j - 1].field == h.field && a->hits[j - 1].ms > h.ms)); j--)
			a->hits[j] = a->hits[j - 1];
		a->hits[j] = h;
	}
	for (size_t i = 0; i < a->nhits; i++) {
		const struct rhit *h = &a->hits[i];
		const struct term *tm = &G->terms[h->term];
		eu_goals_hit e = {G->ids[tm->goal], G->fields[h->field], h->ms, h->me - h->ms, text[h->field] + h->ms,
				  tm->file, tm->line, tm->pattern, tm->weight, goals_zone_name[h->zone], G->sal.zone[h->zone]};
		a->hit(a->hctx, &e);
	}
}

int eu_goals_record(const eu_goals *G, const char *const *text, const size_t *len,
		    eu_goals_result *res, eu_buf *err, eu_goals_hit_fn hit, void *hctx)
{
	size_t ends[64];
	struct acc a = {.G = G, .tw = G->tw, .seen = G->seen, .touched = G->touched, .first = G->first, .hits = G->hits,
			.marks = G->marks, .gs = G->gs, .hit = hit, .hctx = hctx};

	a.last_end = G->ngoals <= 64 ? ends : eu_xcalloc(G->ngoals, sizeof *a.last_end);
	if (!res->score)
		res->score = eu_xcalloc(G->ngoals, sizeof *res->score);
	for (size_t g = 0; g < G->ngoals; g++)
		res->score[g] = 0;
	memset(a.gs, 0, G->ngoals * sizeof *a.gs);
	eu_buf_clear(&res->goals);
	eu_buf_clear(&res->strength);
	eu_buf_clear(&res->evidence);
	eu_buf_clear(&res->flag);
	eu_buf_clear(&res->why);
	res->count = 0;
	a.ev = G->ev;
	for (size_t g = 0; !G->salience && g < G->ngoals; g++)
		eu_buf_clear(&a.ev[g]);

	int rc = 0;
	/* Kept hits hold 32-bit offsets; the reader's limit is 1 GiB a field. */
	for (size_t f = 0; f < G->nfields && rc == 0; f++)
		if (len[f] > UINT32_MAX) {
			eu_buf_printf(err, "%s: %zu bytes, more than goal alignment reads in one field", G->fields[f], len[f]);
			rc = -1;
		}
	if (rc == 0)
		rc = goals_scan_record(&a, text, len, err);
	if (rc == 0 && G->salience) {
		goals_zones(&a, text, len);
		if (hit)
			explain_hits(&a, text);
	}
	sum_terms(&a, res->score, rc == 0);
	if (rc == 0 && G->salience)
		goals_decide(&a, text, len, res);
	else if (rc == 0)
		write_points(G, &a, res);
	if (a.last_end != ends)
		free(a.last_end);
	return rc;
}

void eu_goals_result_free(eu_goals_result *r)
{
	eu_buf_free(&r->goals);
	eu_buf_free(&r->strength);
	eu_buf_free(&r->evidence);
	eu_buf_free(&r->flag);
	eu_buf_free(&r->why);
	free(r->score);
	r->score = NULL;
}
