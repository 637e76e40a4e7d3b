/* The score, as docs/scoring.md gives it, section by section: five
 * sub-scores of 0-100, their weighted mean, the value for money, the flags
 * and the decision; then the call track's section ("Calls"): the same
 * principles with time to the deadline and budget per grant, its own
 * weights, its flags and the decision explore.  Every number is a row of
 * scoring.csv. */
#include <math.h>
#include <string.h>

#include "euprio/core/values.h"
#include "euprio/core/words.h"
#include "euprio/stream/listcol.h"
#include "rank_int.h"

static double clamp100(double v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

/* Value: the goals served and how strongly. */
static double value(const eu_rank *R, const struct facts *f)
{
	return clamp100(R->value_per_goal * f->goal_count + R->value_per_strength * f->strength);
}

/* Knowledge and reputation evidence from the principle terms: the points
 * euprio-goals found in its scan, or, on a stream it has not seen, the
 * same matcher here.  A limit hit costs only these points; they are not a
 * gate. */
static void principle_points(eu_rank *R, const eu_rec *rec, double *knowledge, double *reputation)
{
	*knowledge = *reputation = 0;
	if (R->col[C_KPOINTS] >= 0 && R->col[C_RPOINTS] >= 0) {
		eu_parse_number(rank_get(R, rec, C_KPOINTS), rank_getlen(R, rec, C_KPOINTS), 0, knowledge);
		eu_parse_number(rank_get(R, rec, C_RPOINTS), rank_getlen(R, rec, C_RPOINTS), 0, reputation);
		return;
	}
	for (size_t i = 0; i < eu_goals_nfields(R->P); i++) {
		R->ptext[i] = R->pcol[i] >= 0 ? rec->v[R->pcol[i]] : "";
		R->plen[i] = R->pcol[i] >= 0 ? rec->len[R->pcol[i]] : 0;
	}
	eu_buf_clear(&R->perr);
	if (eu_goals_record(R->P, R->ptext, R->plen, &R->pres, &R->perr, NULL, NULL) == 0) {
		if (R->pk >= 0)
			*knowledge = R->pres.score[R->pk];
		if (R->pr >= 0)
			*reputation = R->pres.score[R->pr];
	}
}

/* Cooperation: number, tier and kinds of local partners; none without a
 * local partner.  The same formula for actors given as numbers, so the
 * call track counts its suggested partners by it (below). */
static double cooperation_of(const eu_rank *R, double n, double ntypes, int tier, int business)
{
	if (n <= 0)
		return 0;
	double c = R->coop_per_partner * n + R->coop_per_type * ntypes;
	if (tier == EU_TIER_ODENSE)
		c += R->coop_odense;
	else if (tier == EU_TIER_FYN)
		c += R->coop_fyn;
	if (business)
		c += R->coop_business;
	return clamp100(c);
}

static double cooperation(const eu_rank *R, const struct facts *f)
{
	return cooperation_of(R, f->local_count, (double)f->ntypes, f->tier, f->business);
}

/* Partnerships: partners abroad (capped), twin cities, a real consortium. */
static double partnerships(const eu_rank *R, const struct facts *f)
{
	double abroad = R->part_per_intl * (double)f->nabroad;
	if (abroad > R->part_intl_cap)
		abroad = R->part_intl_cap;
	return clamp100(abroad + (f->twins_len ? R->part_twin : 0) +
			((double)f->npartners >= R->part_consortium_min ? R->part_consortium : 0));
}

/* Reputation: the principle terms' points, Odense leading, the flagship
 * goal, a twin city. */
static double reputation(const eu_rank *R, const struct facts *f, double points)
{
	double r = points;
	if (f->coordinator)
		r += R->rep_coord;
	if (*R->flagship_goal && eu_list_has(f->goals, f->goals_len, R->flagship_goal, strlen(R->flagship_goal)))
		r += R->rep_flagship;
	if (f->twins_len)
		r += R->rep_twin;
	return clamp100(r);
}

static void add_flag(eu_buf *flags, const char *flag)
{
	eu_list_add(flags, flag, strlen(flag));
}

/* score = sum of weight x sub-score over the sum of the weights, each
 * sub-score and the score rounded to one decimal; w is the track's. */
static void weighted(eu_rank_out *o, const double *w)
{
	double wsum = 0, total = 0;

	for (int k = 0; k < EU_NSUB; k++) {
		o->sub[k] = round(o->sub[k] * 10) / 10;
		if (!(o->subs & (1u << k)))
			continue;
		wsum += w[k];
		total += w[k] * o->sub[k];
	}
	o->score = wsum > 0 ? round(total / wsum * 10) / 10 : 0;
}

/* The deadline's flags, which both tracks share. */
static void deadline_flags(const eu_rank *R, const struct facts *f, eu_rank_out *o)
{
	o->has_deadline = f->has_deadline;
	o->deadline = f->deadline;
	o->days_left = f->days_left;
	if (f->unreadable)
		add_flag(&o->flags, EU_FLAG_DEADLINE_UNREADABLE);
	else if (!f->has_deadline)
		add_flag(&o->flags, "NO_DEADLINE");
	else if (f->days_left >= 0 && f->days_left <= R->soon_days)
		add_flag(&o->flags, EU_FLAG_DEADLINE_SOON);
}

static void call_score(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o);

/* ---- Decision, flags and order: the project track ---- */

void rank_score(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o, eu_buf *review)
{
	double knowledge, rep_points;

	o->call = f->call;
	if (f->call) {
		call_score(R, rec, f, o);
		return;
	}
	principle_points(R, rec, &knowledge, &rep_points);
	o->subs = (1u << EU_SUB_TIME) - 1;     /* the five principles */
	o->sub[EU_SUB_VALUE] = value(R, f);
	o->sub[EU_SUB_KNOWLEDGE] = clamp100(knowledge);
	o->sub[EU_SUB_COOPERATION] = cooperation(R, f);
	o->sub[EU_SUB_PARTNERSHIPS] = partnerships(R, f);
	o->sub[EU_SUB_REPUTATION] = reputation(R, f, rep_points);
	o->sub[EU_SUB_TIME] = o->sub[EU_SUB_BUDGET] = 0;
	weighted(o, R->w);

	o->has_ratio = f->has_ratio;
	o->value_ratio = f->value_ratio;
	int below_cost = f->has_ratio && f->value_ratio < R->ratio_min;

	if (below_cost)
		add_flag(&o->flags, EU_FLAG_VALUE_BELOW_COST);
	if (!f->has_ratio)
		add_flag(&o->flags, "NO_COST_DATA");
	deadline_flags(R, f, o);
	if (f->sdeo_len)
		add_flag(&o->flags, "SDEO_LISTED");
	if (f->twins_len)
		add_flag(&o->flags, "TWIN_CITY");

	/* A project running now is not an opportunity to apply for but a
	 * collaboration to look at: review, whatever its score.  A
	 * partnership must give at least what the municipality invests:
	 * below cost is never prioritised, and makes a running one a review.
	 * A deadline nobody can read might have passed: never prioritised. */
	if (f->running) {
		eu_buf why = EU_BUF_INIT;
		eu_rank_label(R, &why, "review.running", "end", f->end_text, NULL);
		if (review->len) {
			eu_buf_adds(&why, ", ");
			eu_buf_add(&why, review->p, review->len);
		}
		eu_buf_clear(review);
		eu_buf_add(review, why.p, why.len);
		eu_buf_free(&why);
	}
	if (f->running || (f->review && (review->len || below_cost))) {
		o->decision = EU_DEC_REVIEW;
		if (below_cost) {
			if (review->len)
				eu_buf_adds(review, ", ");
			eu_rank_label(R, review, "review.below_cost", NULL);
		}
	} else if (o->score >= R->prioritise_min && !below_cost && !f->unreadable) {
		o->decision = EU_DEC_PRIORITISE;
	} else {
		o->decision = EU_DEC_CONSIDER;
	}
}

/* ---- Calls (docs/scoring.md, "Calls") ---- */

/* Time: the points of the first band of calls.time_points the days left
 * reach; a call without a deadline has calls.time_no_deadline, one whose
 * deadline cannot be read none (it may have passed). */
static double call_time(const eu_rank *R, const struct facts *f)
{
	if (f->unreadable)
		return 0;
	if (!f->has_deadline)
		return R->time_no_deadline;
	for (size_t i = 0; i < R->nbands; i++)
		if ((double)f->days_left >= R->band_days[i])
			return R->band_points[i];
	return 0;
}

/* Budget per grant, on a log scale: calls.budget_zero_eur is 0 points,
 * calls.budget_full_eur 100, so each tenfold step counts the same (50 000
 * to 500 000 as 500 000 to 5 million). */
static double call_budget(const eu_rank *R, const struct facts *f)
{
	if (!f->has_budget)
		return R->budget_unknown;
	if (f->budget <= R->budget_zero)
		return 0;
	return clamp100(100 * log(f->budget / R->budget_zero) / log(R->budget_full / R->budget_zero));
}

/* Cooperation for a call: its local partners when a listing names some,
 * else the partners the registry's themes suggest, counted as partners
 * are (the principle: involve local actors; these are the ones to ask). */
static double call_cooperation(const eu_rank *R, const struct facts *f)
{
	if (f->local_count > 0)
		return cooperation(R, f);
	int tier = EU_TIER_NONE, business = 0;
	const char *types[8];
	size_t ntypes = 0;
	for (size_t i = 0; i < R->nsugs; i++) {
		size_t a = R->sugs[i].actor;
		const char *t = eu_local_actor_type(R->L, a);
		if (eu_local_actor_tier(R->L, a) > tier)
			tier = eu_local_actor_tier(R->L, a);
		business |= t && strcmp(t, "business") == 0;
		size_t k;
		for (k = 0; t && k < ntypes && types[k] != t; k++)
			;
		if (t && k == ntypes && ntypes < sizeof types / sizeof *types)
			types[ntypes++] = t;
	}
	return cooperation_of(R, (double)R->nsugs, (double)ntypes, tier, business);
}

static void call_score(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o)
{
	double knowledge, rep_points;

	principle_points(R, rec, &knowledge, &rep_points);
	o->subs = (1u << EU_NSUB) - 1;
	o->sub[EU_SUB_VALUE] = value(R, f);
	o->sub[EU_SUB_KNOWLEDGE] = clamp100(knowledge);
	o->sub[EU_SUB_COOPERATION] = call_cooperation(R, f);
	o->sub[EU_SUB_PARTNERSHIPS] = partnerships(R, f);
	o->sub[EU_SUB_REPUTATION] = reputation(R, f, rep_points);
	o->sub[EU_SUB_TIME] = call_time(R, f);
	o->sub[EU_SUB_BUDGET] = call_budget(R, f);
	weighted(o, R->cw);

	/* No value ratio: a call has no own cost yet. */
	o->has_ratio = 0;
	deadline_flags(R, f, o);
	if (f->forthcoming)
		add_flag(&o->flags, "CALL_FORTHCOMING");
	if (f->sdeo_len)
		add_flag(&o->flags, "SDEO_LISTED");
	if (f->twins_len)
		add_flag(&o->flags, "TWIN_CITY");
	/* Every call the gates let through is one to explore: it is open or
	 * about to open, serves a goal and leaves time to find partners; the
	 * score orders them. */
	o->decision = EU_DEC_EXPLORE;
}
