/* Scoring and deciding, one record at a time.  Every number comes from
 * scoring.csv and every word from labels.csv, so a new council period's
 * policy is an edit, not a release.  docs/scoring.md is the formula. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/stages/goals.h"
#include "euprio/core/labels.h"
#include "euprio/stream/partners.h"
#include "euprio/stages/rank.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"

const char *const eu_decision_names[4] = {"prioritise", "consider", "review", "reject"};
const char *const eu_sub_names[EU_NSUB] = {
	"score_value", "score_knowledge", "score_cooperation", "score_partnerships", "score_reputation",
};

enum col {
	C_ID, C_STATUS, C_DEADLINE, C_PROGRAMME, C_CALL, C_TITLE, C_SUMMARY, C_KEYWORDS,
	C_GOALS, C_GOAL_COUNT, C_GOAL_STRENGTH, C_GOAL_EVIDENCE, C_LOCAL_COUNT, C_LOCAL_TIER,
	C_LOCAL_TYPES, C_TWINS, C_PARTNERS, C_ROLE, C_EU_GRANT, C_OWN_COST, C_ODENSE_GRANT,
	C_SDEO, C_REJECT, C_KPOINTS, C_RPOINTS, NCOL
};
static const char *const col_names[NCOL] = {
	"id", "status", "deadline", "programme", "call_id", "title", "summary", "keywords",
	"goals", "goal_count", "goal_strength", "goal_evidence", "local_count", "local_tier",
	"local_types", "twin_cities", "partners", "odense_role", "eu_grant_eur", "own_cost_eur",
	"odense_grant_eur", "sdeo_id", "reject_reason", "knowledge_points", "reputation_points",
};

struct pterm {
	int principle;               /* EU_SUB_KNOWLEDGE or EU_SUB_REPUTATION */
	double points;
	int fields[4];               /* col indexes, -1 terminated */
	pcre2_code *re;
};

struct eu_rank {
	double w[EU_NSUB];
	double value_per_goal, value_per_strength;
	double coop_per_partner, coop_odense, coop_fyn, coop_per_type, coop_business;
	double part_per_intl, part_intl_cap, part_twin, part_consortium_min, part_consortium;
	double rep_coord, rep_flagship, rep_twin;
	char *flagship_goal;
	double prioritise_min, ratio_min, soon_days;
	char *home;
	char **st_deadline, **st_closed, **st_review;
	size_t nst_deadline, nst_closed, nst_review;
	eu_goals *P;             /* principle terms */
	long pk, pr;             /* knowledge and reputation groups, or -1 */
	long *pcol;              /* stream column per principle-term field */
	const char **ptext;
	size_t *plen;
	eu_goals_result pres;
	eu_buf perr;
	eu_labels labels;
	long col[NCOL];
	pcre2_match_data *md;
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
	};

	if (eu_settings_load(&s, dir, "scoring.csv") < 0) {
		eu_settings_free(&s);
		return -1;
	}
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
		if (eu_setting_number(&s, nums[i].key, 0, nums[i].max, nums[i].dst) < 0)
			rc = -1;
	double wsum = 0;
	for (int k = 0; k < EU_NSUB; k++)
		wsum += R->w[k];
	if (rc == 0 && wsum <= 0) {
		eu_warn_at(s.t.path, 0, "the five weights add up to zero");
		rc = -1;
	}
	const char *v;
	if ((v = eu_setting_str(&s, "reputation.flagship_goal")))
		R->flagship_goal = eu_xstrdup(v);
	else
		rc = -1;
	if ((v = eu_setting_str(&s, "home_country")))
		R->home = eu_xstrdup(v);
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
	"reject.DUPLICATE", "reject.DUPLICATE_SAME", "reject.BAD_INPUT", "decimal", NULL,
};

eu_rank *eu_rank_load(const char *dir, enum eu_lang lang)
{
	eu_rank *R = eu_xcalloc(1, sizeof *R);
	int rc = 0;

	rc |= load_scoring(R, dir);
	rc |= load_pterms(R, dir);
	rc |= eu_labels_load(&R->labels, dir, lang == EU_LANG_EN ? "en" : "da", need_labels);
	R->md = pcre2_match_data_create(2, NULL);
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
	free(R->home);
	free_list(R->st_deadline, R->nst_deadline);
	free_list(R->st_closed, R->nst_closed);
	free_list(R->st_review, R->nst_review);
	eu_goals_free(R->P);
	eu_goals_result_free(&R->pres);
	eu_buf_free(&R->perr);
	free(R->pcol);
	free(R->ptext);
	free(R->plen);
	eu_labels_free(&R->labels);
	pcre2_match_data_free(R->md);
	free(R);
}

void eu_rank_bind(eu_rank *R, const eu_stream *s)
{
	for (int c = 0; c < NCOL; c++)
		R->col[c] = eu_stream_col(s, col_names[c]);
	for (size_t f = 0; f < eu_goals_nfields(R->P); f++)
		R->pcol[f] = eu_stream_col(s, eu_goals_field(R->P, f));
}

void eu_rank_out_free(eu_rank_out *o)
{
	eu_buf_free(&o->reject_reason);
	eu_buf_free(&o->flags);
	eu_buf_free(&o->reasons);
}

static const char *get(const eu_rank *R, const eu_rec *rec, int c)
{
	return R->col[c] >= 0 ? rec->v[R->col[c]] : "";
}

static size_t getlen(const eu_rank *R, const eu_rec *rec, int c)
{
	return R->col[c] >= 0 ? rec->len[R->col[c]] : 0;
}

static const char *label(const eu_rank *R, const char *key)
{
	return eu_label(&R->labels, key);
}

void eu_rank_label(const eu_rank *R, eu_buf *out, const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	eu_label_vfill(&R->labels, out, key, ap);
	va_end(ap);
}

static void add_part(const eu_rank *R, eu_buf *out, const char *key, ...)
{
	va_list ap;

	if (out->len)
		eu_buf_adds(out, "; ");
	va_start(ap, key);
	eu_label_vfill(&R->labels, out, key, ap);
	va_end(ap);
}

static int status_in(const char *status, char *const *list, size_t n)
{
	eu_buf f = EU_BUF_INIT;
	int hit = 0;

	eu_fold(&f, status, strlen(status));
	for (size_t i = 0; i < n && !hit; i++)
		hit = strcmp(f.p, list[i]) == 0;
	eu_buf_free(&f);
	return hit;
}

static int parse_num(const char *s, double *v)
{
	char *end;

	if (!*s)
		return -1;
	*v = strtod(s, &end);
	return (*end || !isfinite(*v)) ? -1 : 0;
}

static double clamp100(double v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

static void add_flag(eu_buf *flags, const char *f)
{
	if (flags->len)
		eu_buf_addc(flags, ';');
	eu_buf_adds(flags, f);
}

/* "G9: cobots (summary), robotics (title) | G3: ældre (title)" -> up to
 * three distinct words: "cobots, robotics, ældre". */
static void evidence_terms(eu_buf *out, const char *ev)
{
	int n = 0;
	const char *p = ev;

	while (*p && n < 3) {
		const char *colon = strstr(p, ": ");
		const char *bar = strstr(p, " | ");
		if (colon && (!bar || colon < bar))
			p = colon + 2;
		const char *paren = strstr(p, " (");
		if (!paren)
			break;
		eu_buf word = EU_BUF_INIT;
		eu_buf_add(&word, p, (size_t)(paren - p));
		for (char *c = word.p; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c += 32;
		if (!out->p || !strstr(out->p, word.p)) {
			if (out->len)
				eu_buf_adds(out, ", ");
			eu_buf_add(out, word.p, word.len);
			n++;
		}
		eu_buf_free(&word);
		const char *close = strchr(paren, ')');
		if (!close)
			break;
		p = close + 1;
		if (strncmp(p, ", ", 2) == 0)
			p += 2;
		else if (strncmp(p, " | ", 3) == 0)
			p += 3;
	}
}

/* For a stream that did not pass through euprio-goals: the same matcher,
 * here.  A limit hit costs only these bonus points; they are not a gate. */
static void scan_principles(eu_rank *R, const eu_rec *rec, eu_rank_out *o)
{
	for (size_t f = 0; f < eu_goals_nfields(R->P); f++) {
		R->ptext[f] = R->pcol[f] >= 0 ? rec->v[R->pcol[f]] : "";
		R->plen[f] = R->pcol[f] >= 0 ? rec->len[R->pcol[f]] : 0;
	}
	eu_buf_clear(&R->perr);
	if (eu_goals_record(R->P, R->ptext, R->plen, &R->pres, &R->perr, NULL, NULL) == 0) {
		if (R->pk >= 0)
			o->sub[EU_SUB_KNOWLEDGE] = R->pres.score[R->pk];
		if (R->pr >= 0)
			o->sub[EU_SUB_REPUTATION] = R->pres.score[R->pr];
	}
}

void eu_rank_eval(eu_rank *R, const eu_rec *rec, long today, eu_rank_out *o)
{
	const char *status = get(R, rec, C_STATUS);
	int review_status = status_in(status, R->st_review, R->nst_review);
	eu_buf why = EU_BUF_INIT, tmp = EU_BUF_INIT, tmp2 = EU_BUF_INIT;
	eu_partners ps = EU_PARTNERS_INIT;

	o->decision = EU_DEC_CONSIDER;
	o->reject_code = NULL;
	eu_buf_clear(&o->reject_reason);
	eu_buf_clear(&o->flags);
	eu_buf_clear(&o->reasons);
	o->has_ratio = o->has_deadline = 0;
	o->days_left = 0;

	if (getlen(R, rec, C_REJECT)) {
		o->decision = EU_DEC_REJECT;
		o->reject_code = "BAD_INPUT";
		eu_rank_label(R, &o->reject_reason, "reject.BAD_INPUT", "reason", get(R, rec, C_REJECT), NULL);
		goto out;
	}
	if (*status && status_in(status, R->st_closed, R->nst_closed)) {
		o->decision = EU_DEC_REJECT;
		o->reject_code = "CLOSED";
		eu_rank_label(R, &o->reject_reason, "reject.CLOSED", "status", status, NULL);
		goto out;
	}
	const char *dl = get(R, rec, C_DEADLINE);
	if (*dl) {
		long d = eu_parse_date(dl);
		if (d >= 0) {
			o->has_deadline = 1;
			o->deadline = d;
			o->days_left = d - today;
		}
	}
	int gate_status = !*status || status_in(status, R->st_deadline, R->nst_deadline);
	if (o->has_deadline && o->days_left < 0 && gate_status) {
		o->decision = EU_DEC_REJECT;
		o->reject_code = "DEADLINE_PASSED";
		eu_rank_label(R, &o->reject_reason, "reject.DEADLINE_PASSED", "deadline", dl, NULL);
		goto out;
	}
	double goal_count = 0, local_count = 0;
	parse_num(get(R, rec, C_GOAL_COUNT), &goal_count);
	parse_num(get(R, rec, C_LOCAL_COUNT), &local_count);
	if (goal_count <= 0) {
		if (!review_status) {
			o->decision = EU_DEC_REJECT;
			o->reject_code = "NO_GOAL";
			eu_rank_label(R, &o->reject_reason, "reject.NO_GOAL", NULL);
			goto out;
		}
		if (why.len) eu_buf_adds(&why, ", ");
		eu_rank_label(R, &why, "reject.NO_GOAL", NULL);
	}
	if (local_count <= 0) {
		if (!review_status) {
			o->decision = EU_DEC_REJECT;
			o->reject_code = "NO_LOCAL_PARTNER";
			eu_rank_label(R, &o->reject_reason, "reject.NO_LOCAL_PARTNER", NULL);
			goto out;
		}
		if (why.len) eu_buf_adds(&why, ", ");
		eu_rank_label(R, &why, "reject.NO_LOCAL_PARTNER", NULL);
	}

	/* Value: the goals served and how strongly. */
	double strength = 0;
	for (const char *p = get(R, rec, C_GOAL_STRENGTH); (p = strchr(p, ':')); p++)
		strength += strtod(p + 1, NULL);
	o->sub[EU_SUB_VALUE] = clamp100(R->value_per_goal * goal_count + R->value_per_strength * strength);

	/* Knowledge and reputation: term evidence, each term once. */
	o->sub[EU_SUB_KNOWLEDGE] = o->sub[EU_SUB_REPUTATION] = 0;
	if (R->col[C_KPOINTS] >= 0 && R->col[C_RPOINTS] >= 0) {
		/* euprio-goals already matched them in its own scan. */
		parse_num(get(R, rec, C_KPOINTS), &o->sub[EU_SUB_KNOWLEDGE]);
		parse_num(get(R, rec, C_RPOINTS), &o->sub[EU_SUB_REPUTATION]);
	} else {
		scan_principles(R, rec, o);
	}

	/* Cooperation: number, tier and kinds of local partners. */
	const char *tier = get(R, rec, C_LOCAL_TIER), *types = get(R, rec, C_LOCAL_TYPES);
	size_t ntypes = 0;
	if (*types) {
		ntypes = 1;
		for (const char *p = types; *p; p++)
			ntypes += *p == ';';
	}
	double coop = R->coop_per_partner * local_count + R->coop_per_type * (double)ntypes;
	if (strcmp(tier, "odense") == 0)
		coop += R->coop_odense;
	else if (strcmp(tier, "fyn") == 0)
		coop += R->coop_fyn;
	if (strstr(types, "business"))
		coop += R->coop_business;
	o->sub[EU_SUB_COOPERATION] = local_count > 0 ? clamp100(coop) : 0;

	/* Partnerships: partners abroad, twin cities, a real consortium. */
	const char *err;
	size_t nintl = 0, npartners = 0;
	if (eu_partners_decode(&ps, get(R, rec, C_PARTNERS), getlen(R, rec, C_PARTNERS), &err) == 0) {
		npartners = ps.n;
		for (size_t i = 0; i < ps.n; i++)
			if (ps.p[i].len[EU_P_COUNTRY] && !eu_strcaseeq(ps.p[i].a[EU_P_COUNTRY], R->home))
				nintl++;
	}
	const char *twins = get(R, rec, C_TWINS);
	double intl = R->part_per_intl * (double)nintl;
	if (intl > R->part_intl_cap)
		intl = R->part_intl_cap;
	double part = intl + (*twins ? R->part_twin : 0) +
		      ((double)npartners >= R->part_consortium_min ? R->part_consortium : 0);
	o->sub[EU_SUB_PARTNERSHIPS] = clamp100(part);

	/* Reputation: Odense leads, the flagship goal, twin cities. */
	const char *goals = get(R, rec, C_GOALS);
	if (eu_strcaseeq(get(R, rec, C_ROLE), "coordinator"))
		o->sub[EU_SUB_REPUTATION] += R->rep_coord;
	size_t fl = strlen(R->flagship_goal);
	for (const char *p = goals; fl && (p = strstr(p, R->flagship_goal)); p += fl)
		if ((p == goals || p[-1] == ';') && (p[fl] == '\0' || p[fl] == ';')) {
			o->sub[EU_SUB_REPUTATION] += R->rep_flagship;
			break;
		}
	if (*twins)
		o->sub[EU_SUB_REPUTATION] += R->rep_twin;
	o->sub[EU_SUB_KNOWLEDGE] = clamp100(o->sub[EU_SUB_KNOWLEDGE]);
	o->sub[EU_SUB_REPUTATION] = clamp100(o->sub[EU_SUB_REPUTATION]);

	double wsum = 0, total = 0;
	for (int k = 0; k < EU_NSUB; k++) {
		o->sub[k] = round(o->sub[k] * 10) / 10;
		wsum += R->w[k];
		total += R->w[k] * o->sub[k];
	}
	o->score = round(total / wsum * 10) / 10;

	/* Value for money: Odense's share of the grant over its own cost. */
	double grant, own, share;
	if (parse_num(get(R, rec, C_OWN_COST), &own) == 0 && own > 0) {
		if (parse_num(get(R, rec, C_ODENSE_GRANT), &share) == 0 ||
		    (parse_num(get(R, rec, C_EU_GRANT), &grant) == 0 &&
		     (share = grant / (double)(npartners + 1), 1))) {
			o->has_ratio = 1;
			o->value_ratio = round(share / own * 100) / 100;
		}
	}

	/* Flags. */
	if (o->has_ratio && o->value_ratio < R->ratio_min)
		add_flag(&o->flags, "VALUE_BELOW_COST");
	if (!o->has_ratio)
		add_flag(&o->flags, "NO_COST_DATA");
	if (!o->has_deadline)
		add_flag(&o->flags, "NO_DEADLINE");
	else if (o->days_left >= 0 && o->days_left <= R->soon_days)
		add_flag(&o->flags, "DEADLINE_SOON");
	if (getlen(R, rec, C_SDEO))
		add_flag(&o->flags, "SDEO_LISTED");
	if (*twins)
		add_flag(&o->flags, "TWIN_CITY");

	/* Decision. */
	if (review_status && (why.len || (o->has_ratio && o->value_ratio < R->ratio_min))) {
		o->decision = EU_DEC_REVIEW;
		if (!why.len)
			eu_buf_adds(&why, "VALUE_BELOW_COST");
	} else if (o->score >= R->prioritise_min && !(o->has_ratio && o->value_ratio < R->ratio_min)) {
		o->decision = EU_DEC_PRIORITISE;
	} else {
		o->decision = EU_DEC_CONSIDER;
	}

	/* Reasons, one sentence in the chosen language. */
	if (o->decision == EU_DEC_REVIEW)
		add_part(R, &o->reasons, "review", "why", why.p, NULL);
	if (goal_count > 0) {
		eu_buf_clear(&tmp);
		eu_buf_clear(&tmp2);
		for (const char *p = goals; *p; p++)
			eu_buf_adds(&tmp, *p == ';' ? ", " : (char[]){*p, 0});
		evidence_terms(&tmp2, get(R, rec, C_GOAL_EVIDENCE));
		add_part(R, &o->reasons, "goals", "goals", tmp.p, "terms", tmp2.p ? tmp2.p : "", NULL);
	}
	if (local_count > 0) {
		char n[32], key[32];
		snprintf(n, sizeof n, "%.0f", local_count);
		snprintf(key, sizeof key, "local.%s.%s", local_count == 1 ? "one" : "many",
			 strcmp(tier, "odense") == 0 ? "odense" : "fyn");
		eu_buf_clear(&tmp);
		char *tcopy = eu_xstrdup(types), *save = NULL;
		for (char *t = strtok_r(tcopy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
			char tk[48];
			snprintf(tk, sizeof tk, "type.%s", t);
			if (tmp.len)
				eu_buf_adds(&tmp, ", ");
			eu_buf_adds(&tmp, label(R, tk));
		}
		free(tcopy);
		if (!tmp.len)
			eu_buf_adds(&tmp, label(R, "type.unknown"));
		add_part(R, &o->reasons, key, "n", n, "types", tmp.p, NULL);
	} else {
		add_part(R, &o->reasons, "local.none", NULL);
	}
	if (*twins) {
		eu_buf_clear(&tmp);
		for (const char *p = twins; *p; p++)
			eu_buf_adds(&tmp, *p == ';' ? ", " : (char[]){*p, 0});
		add_part(R, &o->reasons, "twin", "city", tmp.p, NULL);
	}
	if (o->has_ratio) {
		char r[32];
		snprintf(r, sizeof r, "%.1f", o->value_ratio);
		for (char *c = r; *c; c++)
			if (*c == '.')
				*c = *label(R, "decimal");   /* "," in Danish */
		add_part(R, &o->reasons, "ratio", "ratio", r, NULL);
	} else {
		add_part(R, &o->reasons, "ratio.none", NULL);
	}
	if (o->has_deadline) {
		char d[32];
		snprintf(d, sizeof d, "%ld", o->days_left < 0 ? -o->days_left : o->days_left);
		add_part(R, &o->reasons, o->days_left > 0 ? "deadline.days" : o->days_left == 0 ? "deadline.today" : "deadline.passed",
			 "days", d, NULL);
	} else {
		add_part(R, &o->reasons, "deadline.none", NULL);
	}
	if (getlen(R, rec, C_SDEO)) {
		if (o->reasons.len)
			eu_buf_adds(&o->reasons, "; ");
		eu_buf_adds(&o->reasons, get(R, rec, C_SDEO));
	}
out:
	eu_partners_free(&ps);
	eu_buf_free(&why);
	eu_buf_free(&tmp);
	eu_buf_free(&tmp2);
}
