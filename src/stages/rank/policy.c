/* euprio-rank's policy: scoring.csv's numbers and statuses, the principle
 * terms, the labels, the countries; loading, binding to a stream's columns,
 * and the small look-ups the other parts share.  Every number comes from
 * scoring.csv and every word from labels.csv, so a new council period's
 * policy is an edit, not a release. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"
#include "euprio/stream/stream.h"
#include "rank_int.h"

const char *const eu_sub_names[EU_NSUB] = {
	"score_value", "score_knowledge", "score_cooperation", "score_partnerships", "score_reputation",
	"score_time", "score_budget",
};

static const char *const col_names[NCOL] = {
	"id", "status", "deadline", "programme", "call_id", "title", "summary", "keywords",
	"goals", "goal_count", "goal_strength", "goal_evidence", "local_count", "local_tier",
	"local_types", "twin_cities", "partners", "odense_role", "eu_grant_eur", "own_cost_eur",
	"odense_grant_eur", "sdeo_id", "reject_reason", "knowledge_points", "reputation_points",
	"start_date", "end_date", "warnings", "local_tier_counts", "acronym", "local_partners",
	"source", "listing_type",
};

static char **split_fold(const char *s, size_t *n)
{
	char **out = NULL;
	char *copy = eu_xstrdup(s), *save = NULL;

	*n = 0;
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		eu_buf b = EU_BUF_INIT;
		eu_fold(&b, t, strlen(t));
		out = eu_xrealloc(out, (*n + 1) * sizeof *out);
		out[(*n)++] = b.p;
	}
	free(copy);
	return out;
}

/* calls.time_points: "days:points" pieces, ';'-separated: a call with at
 * least that many days left gets those points for time (the first band,
 * most days first, that it reaches).  Bands, not a line, so that a call's
 * score moves when it crosses one and not every night, which
 * euprio-changes would tell as a changed score each morning. */
static int load_bands(eu_rank *R, const eu_settings *s)
{
	const char *v = eu_setting_str(s, "calls.time_points");
	long row = eu_setting_row(s, "calls.time_points");
	int rc = 0;

	if (!v)
		return -1;
	char *copy = eu_xstrdup(v), *save = NULL;
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(t, ':');
		double d, pts;
		if (!colon || eu_parse_number(t, (size_t)(colon - t), 0, &d) < 0 ||
		    eu_parse_number(colon + 1, strlen(colon + 1), 0, &pts) < 0 || d < 0 || d > 3650 ||
		    pts < 0 || pts > 100) {
			eu_table_error(&s->t, (size_t)row, s->cval,
				       "calls.time_points: '%s' is not days:points (days 0-3650, points 0-100)", t);
			rc = -1;
			continue;
		}
		size_t i = R->nbands;
		R->band_days = eu_xrealloc(R->band_days, (i + 1) * sizeof *R->band_days);
		R->band_points = eu_xrealloc(R->band_points, (i + 1) * sizeof *R->band_points);
		/* Kept most days first. */
		while (i > 0 && R->band_days[i - 1] < d) {
			R->band_days[i] = R->band_days[i - 1];
			R->band_points[i] = R->band_points[i - 1];
			i--;
		}
		if (i > 0 && R->band_days[i - 1] == d) {
			eu_table_error(&s->t, (size_t)row, s->cval, "calls.time_points: %g days is given twice", d);
			rc = -1;
		}
		R->band_days[i] = d;
		R->band_points[i] = pts;
		R->nbands++;
	}
	free(copy);
	if (rc == 0 && R->nbands == 0) {
		eu_table_error(&s->t, (size_t)row, s->cval, "calls.time_points names no band (days:points;...)");
		rc = -1;
	}
	return rc;
}

static int load_scoring(eu_rank *R, const char *dir)
{
	eu_settings s;
	int rc = 0;
	struct { const char *key; double *dst; double max; } nums[] = {
		{"weight.value", &R->w[EU_SUB_VALUE], 1000},
		{"weight.knowledge", &R->w[EU_SUB_KNOWLEDGE], 1000},
		{"weight.cooperation", &R->w[EU_SUB_COOPERATION], 1000},
		{"weight.partnerships", &R->w[EU_SUB_PARTNERSHIPS], 1000},
		{"weight.reputation", &R->w[EU_SUB_REPUTATION], 1000},
		{"value.per_goal", &R->value_per_goal, 100},
		{"value.per_strength", &R->value_per_strength, 100},
		{"cooperation.per_local_partner", &R->coop_per_partner, 100},
		{"cooperation.tier_odense", &R->coop_odense, 100},
		{"cooperation.tier_fyn", &R->coop_fyn, 100},
		{"cooperation.per_type", &R->coop_per_type, 100},
		{"cooperation.business_bonus", &R->coop_business, 100},
		{"partnerships.per_international_partner", &R->part_per_intl, 100},
		{"partnerships.international_cap", &R->part_intl_cap, 100},
		{"partnerships.twin_city", &R->part_twin, 100},
		{"partnerships.consortium_min", &R->part_consortium_min, 1000},
		{"partnerships.consortium_bonus", &R->part_consortium, 100},
		{"reputation.coordinator", &R->rep_coord, 100},
		{"reputation.flagship", &R->rep_flagship, 100},
		{"reputation.twin_city", &R->rep_twin, 100},
		{"decision.prioritise_min_score", &R->prioritise_min, 100},
		{"decision.value_ratio_min", &R->ratio_min, 1000},
		{"decision.deadline_soon_days", &R->soon_days, 3650},
		{"decline.new_deadline", &R->back_deadline, 1},
		{"decline.new_local_partner", &R->back_local, 1},
		{"decline.eu_grant_change_pct", &R->back_grant_pct, 1000},
		{"decline.own_cost_change_pct", &R->back_cost_pct, 1000},
		{"calls.weight.value", &R->cw[EU_SUB_VALUE], 1000},
		{"calls.weight.time", &R->cw[EU_SUB_TIME], 1000},
		{"calls.weight.budget", &R->cw[EU_SUB_BUDGET], 1000},
		{"calls.weight.knowledge", &R->cw[EU_SUB_KNOWLEDGE], 1000},
		{"calls.weight.cooperation", &R->cw[EU_SUB_COOPERATION], 1000},
		{"calls.weight.partnerships", &R->cw[EU_SUB_PARTNERSHIPS], 1000},
		{"calls.weight.reputation", &R->cw[EU_SUB_REPUTATION], 1000},
		{"calls.min_days_left", &R->call_min_days, 3650},
		{"calls.time_no_deadline", &R->time_no_deadline, 100},
		{"calls.budget_zero_eur", &R->budget_zero, 1e12},
		{"calls.budget_full_eur", &R->budget_full, 1e12},
		{"calls.budget_unknown", &R->budget_unknown, 100},
		{"suggest.per_goal", &R->sug.per_goal, 100},
		{"suggest.per_word", &R->sug.per_word, 100},
		{"suggest.min_fit", &R->sug.min_fit, 1000},
		{"suggest.cordis_max", &R->cordis_max, 50},
	};
	double min_words = 0, max_sug = 0, body_hits = 0;

	if (eu_settings_load(&s, dir, "scoring.csv") < 0) {
		eu_settings_free(&s);
		return -1;
	}
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
		if (eu_setting_number(&s, nums[i].key, 0, nums[i].max, nums[i].dst) < 0)
			rc = -1;
	if (eu_setting_number(&s, "suggest.min_words", 0, 100, &min_words) < 0 ||
	    eu_setting_number(&s, "suggest.max", 0, 50, &max_sug) < 0 ||
	    eu_setting_number(&s, "suggest.summary_hits", 1, 100, &body_hits) < 0)
		rc = -1;
	R->sug.body_hits = (size_t)body_hits;
	R->sug.min_words = (size_t)min_words;
	R->sug.max = (size_t)max_sug;
	double wsum = 0, cwsum = 0;
	for (int k = 0; k < EU_NSUB; k++) {
		wsum += R->w[k];
		cwsum += R->cw[k];
	}
	if (rc == 0 && wsum <= 0) {
		eu_warn_at(s.t.path, 0, "the five weights add up to zero");
		rc = -1;
	}
	if (rc == 0 && cwsum <= 0) {
		eu_warn_at(s.t.path, 0, "the call track's weights (calls.weight.*) add up to zero");
		rc = -1;
	}
	if (rc == 0 && !(R->budget_zero > 0 && R->budget_full > R->budget_zero)) {
		eu_table_error(&s.t, (size_t)eu_setting_row(&s, "calls.budget_full_eur"), s.cval,
			       "calls.budget_full_eur must be above calls.budget_zero_eur, which must be above 0");
		rc = -1;
	}
	if (load_bands(R, &s) < 0)
		rc = -1;
	const char *v;
	if ((v = eu_setting_str(&s, "reputation.flagship_goal")))
		R->flagship_goal = eu_xstrdup(v);
	else
		rc = -1;
	if ((v = eu_setting_str(&s, "statuses.deadline_gate")))
		R->st_deadline = split_fold(v, &R->nst_deadline);
	else
		rc = -1;
	if ((v = eu_setting_str(&s, "statuses.closed")))
		R->st_closed = split_fold(v, &R->nst_closed);
	else
		rc = -1;
	if ((v = eu_setting_str(&s, "statuses.review")))
		R->st_review = split_fold(v, &R->nst_review);
	else
		rc = -1;
	if ((v = eu_setting_str(&s, "statuses.forthcoming")))
		R->st_forthcoming = split_fold(v, &R->nst_forthcoming);
	else
		rc = -1;
	if ((v = eu_setting_str(&s, "calls.sources")))
		R->call_sources = split_fold(v, &R->ncall_sources);
	else
		rc = -1;
	if ((v = eu_setting_str(&s, "calls.listing_sources")))
		R->call_listing_sources = split_fold(v, &R->ncall_listing_sources);
	else
		rc = -1;
	if ((v = eu_setting_str(&s, "calls.listing_types")))
		R->call_types = split_fold(v, &R->ncall_types);
	else
		rc = -1;
	eu_settings_free(&s);
	return rc;
}

/* Knowledge and reputation evidence: a term table of the same shape as the
 * goals', so it runs on the same one-pass matcher. */
static int load_pterms(eu_rank *R, const char *dir)
{
	static const eu_goals_spec spec = {
		.terms_file = "principle_terms.csv", .goal_col = "principle",
		.weight_col = "points", .field_weights = 0,
	};

	R->P = eu_goals_load_spec(dir, &spec);
	if (!R->P)
		return -1;
	for (size_t g = 0; g < eu_goals_ngoals(R->P); g++) {
		const char *id = eu_goals_id(R->P, g);
		if (strcmp(id, "knowledge") && strcmp(id, "reputation")) {
			eu_warnx("%s/principle_terms.csv: principle must be knowledge or reputation, not '%s'", dir, id);
			return -1;
		}
	}
	R->pk = eu_goals_index(R->P, "knowledge");
	R->pr = eu_goals_index(R->P, "reputation");
	R->ptext = eu_xcalloc(eu_goals_nfields(R->P) + 1, sizeof *R->ptext);
	R->plen = eu_xcalloc(eu_goals_nfields(R->P) + 1, sizeof *R->plen);
	R->pcol = eu_xcalloc(eu_goals_nfields(R->P) + 1, sizeof *R->pcol);
	return 0;
}

/* Every key the program uses must be in labels.csv. */
static const char *const need_labels[] = {
	"goals", "local.one.odense", "local.many.odense", "local.one.fyn", "local.many.fyn",
	"local.none", "twin", "ratio", "ratio.none", "deadline.days", "deadline.today",
	"deadline.passed", "deadline.none", "review", "type.education", "type.business",
	"type.organisation", "type.public", "type.research", "type.unknown", "reject.NO_GOAL",
	"reject.NO_LOCAL_PARTNER", "reject.DEADLINE_PASSED", "reject.CLOSED",
	"reject.DUPLICATE", "reject.DUPLICATE_SAME", "reject.BAD_INPUT", "reject.ENDED",
	"reject.NO_STAGE", "decimal", "local.mixed", "deadline.unreadable", "review.running",
	"review.below_cost", "reject.NO_TEXT", "reject.DECLINED", "reject.PURSUED", "since", "since.none",
	"since.deadline", "since.local", "since.grant", "since.own_cost", "since.expired",
	"reject.DEADLINE_TOO_CLOSE", "call.suggested", "call.suggested.words", "call.suggested.none",
	"call.cordis", "call.opens", "call.opens.unknown", "call.budget", "call.budget.none", "thousands", NULL,
};

eu_rank *eu_rank_load(const char *dir, enum eu_lang lang)
{
	eu_rank *R = eu_xcalloc(1, sizeof *R);
	int rc = 0;

	rc |= load_scoring(R, dir);
	rc |= load_pterms(R, dir);
	rc |= eu_labels_load(&R->labels, dir, lang == EU_LANG_EN ? "en" : "da", need_labels);
	if (!(R->countries = eu_countries_load(dir)))
		rc = -1;
	/* The registry, with the themes that suggest local partners for a
	 * call: local's own loader, so it is read by one set of rules (the
	 * rest of local's policy only with --cordis, which judges partners). */
	if (!(R->L = eu_local_load_registry(dir)))
		rc = -1;
	R->dir = eu_xstrdup(dir);
	R->lang = lang;
	R->sugs = eu_xcalloc(R->sug.max + 1, sizeof *R->sugs);
	for (int c = 0; c < NCOL; c++)
		R->col[c] = -1;
	for (size_t f = 0; R->P && f < eu_goals_nfields(R->P); f++)
		R->pcol[f] = -1;
	if (rc) {
		eu_rank_free(R);
		return NULL;
	}
	return R;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void eu_rank_free(eu_rank *R)
{
	if (!R)
		return;
	free(R->flagship_goal);
	rank_staff_free(R->staff);
	eu_countries_free(R->countries);
	free_list(R->st_deadline, R->nst_deadline);
	free_list(R->st_closed, R->nst_closed);
	free_list(R->st_review, R->nst_review);
	free_list(R->st_forthcoming, R->nst_forthcoming);
	free_list(R->call_sources, R->ncall_sources);
	free_list(R->call_listing_sources, R->ncall_listing_sources);
	free_list(R->call_types, R->ncall_types);
	free(R->band_days);
	free(R->band_points);
	eu_local_free(R->L);
	eu_local_free(R->Lfull);
	free(R->dir);
	eu_buf_free(&R->last_source);
	free(R->sugs);
	eu_buf_free(&R->text);
	rank_cordis_free(&R->cordis);
	eu_goals_free(R->P);
	eu_goals_result_free(&R->pres);
	eu_buf_free(&R->perr);
	free(R->pcol);
	free(R->ptext);
	free(R->plen);
	eu_labels_free(&R->labels);
	free(R);
}

void eu_rank_bind(eu_rank *R, const eu_stream *s)
{
	for (int c = 0; c < NCOL; c++)
		R->col[c] = eu_stream_col(s, col_names[c]);
	for (size_t f = 0; f < eu_goals_nfields(R->P); f++)
		R->pcol[f] = eu_stream_col(s, eu_goals_field(R->P, f));
}

int eu_rank_missing_stages(const eu_rank *R)
{
	static const struct { int col; const char *stage, *code; } need[] = {
		{C_GOAL_COUNT, "euprio-goals", "NO_GOAL"},
		{C_LOCAL_COUNT, "euprio-local", "NO_LOCAL_PARTNER"},
	};
	int missing = 0;

	for (size_t i = 0; i < sizeof need / sizeof *need; i++)
		if (R->col[need[i].col] < 0) {
			eu_warnx("the input has no %s column: run %s before euprio-rank (without it every record "
				 "would be rejected %s); nothing was ranked", col_names[need[i].col], need[i].stage,
				 need[i].code);
			missing++;
		}
	return missing;
}

void eu_rank_out_free(eu_rank_out *o)
{
	eu_buf_free(&o->reject_reason);
	eu_buf_free(&o->flags);
	eu_buf_free(&o->reasons);
	eu_buf_free(&o->since);
	eu_buf_free(&o->suggested);
}

const char *rank_get(const eu_rank *R, const eu_rec *rec, int c)
{
	return R->col[c] >= 0 ? rec->v[R->col[c]] : "";
}

size_t rank_getlen(const eu_rank *R, const eu_rec *rec, int c)
{
	return R->col[c] >= 0 ? rec->len[R->col[c]] : 0;
}

void eu_rank_label(const eu_rank *R, eu_buf *out, const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	eu_label_vfill(&R->labels, out, key, ap);
	va_end(ap);
}

void rank_add_part(const eu_rank *R, eu_buf *out, const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	eu_label_vappend(&R->labels, out, "; ", key, ap);
	va_end(ap);
}

