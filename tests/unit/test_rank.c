/* Unit tests for scoring and deciding (src/stages/rank/) with the shipped
 * policy: each gate, each sub-score, the value ratio, decisions, flags and
 * the reasons sentence in both languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "euprio/stages/rank.h"
#include "euprio/core/values.h"

static const char *cols[] = {
	"id", "status", "deadline", "programme", "call_id", "title", "summary", "keywords",
	"goals", "goal_count", "goal_strength", "goal_evidence", "local_count", "local_tier",
	"local_types", "twin_cities", "partners", "odense_role", "eu_grant_eur", "own_cost_eur",
	"sdeo_id", "reject_reason", "acronym",
};
#define NC (sizeof cols / sizeof *cols)

static eu_stream S;
static eu_rank *R_da, *R_en;
static long today;

static int setup(void **s)
{
	(void)s;
	memset(&S, 0, sizeof S);
	for (size_t i = 0; i < NC; i++)
		eu_stream_add_col(&S, cols[i]);
	R_da = eu_rank_load(SRCDIR "/config", EU_LANG_DA);
	R_en = eu_rank_load(SRCDIR "/config", EU_LANG_EN);
	if (!R_da || !R_en)
		return -1;
	eu_rank_bind(R_da, &S);
	eu_rank_bind(R_en, &S);
	today = eu_parse_date("2025-03-01");
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	eu_rank_free(R_da);
	eu_rank_free(R_en);
	eu_stream_close(&S);
	return 0;
}

/* A good candidate; callers override fields by name. */
struct rec {
	const char *v[NC];
	size_t len[NC];
	eu_rec r;
};

static void set(struct rec *x, const char *name, const char *val)
{
	for (size_t i = 0; i < NC; i++)
		if (!strcmp(cols[i], name)) {
			x->v[i] = val;
			x->len[i] = strlen(val);
			return;
		}
	fail_msg("no column %s", name);
}

static struct rec *base(void)
{
	static struct rec x;
	for (size_t i = 0; i < NC; i++) {
		x.v[i] = "";
		x.len[i] = 0;
	}
	set(&x, "id", "A-1");
	set(&x, "status", "draft");
	set(&x, "deadline", "2025-04-22");
	set(&x, "programme", "Horizon Europe");
	set(&x, "title", "Robotics for Healthy Ageing");
	set(&x, "summary", "Research pilots with service robots.");
	set(&x, "goals", "G3;G9");
	set(&x, "goal_count", "2");
	set(&x, "goal_strength", "G3:2;G9:1.5");
	set(&x, "goal_evidence", "G3: healthy ageing (title), older people (summary) | G9: robots (summary)");
	set(&x, "local_count", "1");
	set(&x, "local_tier", "odense");
	set(&x, "local_types", "research");
	set(&x, "twin_cities", "Tampere");
	set(&x, "partners", "Tampere University\t\tresearch\tcoordinator\t\tTampere\tFI\nSDU\t\t\tpartner\t\t\t");
	set(&x, "odense_role", "partner");
	set(&x, "eu_grant_eur", "4500000");
	set(&x, "own_cost_eur", "120000");
	x.r.n = NC;
	x.r.v = x.v;
	x.r.len = x.len;
	x.r.file = "t.csv";
	x.r.line = 2;
	x.r.bad = NULL;
	return &x;
}

static void eval(eu_rank *R, struct rec *x, eu_rank_out *o)
{
	eu_rank_eval(R, &x->r, today, o);
}

/* Two applications that differ only in how a partner's country is spelt
 * score the same: local and rank ask one home-country predicate. */
static void test_country_spelling_changes_nothing(void **s)
{
	(void)s;
	static const char *const danish[] = {"DK", "dk", "Danmark", "Denmark", "DNK", "Dänemark", " Danmark "};
	eu_rank_out o = {0};
	double want = -1, want_part = -1;

	for (size_t i = 0; i < sizeof danish / sizeof *danish; i++) {
		char partners[256];
		snprintf(partners, sizeof partners,
			 "Tampere University\t\tresearch\tcoordinator\t\tTampere\tFI\n"
			 "SDU\t\t\tpartner\t5230\tOdense M\t%s\n"
			 "Aalborg Universitet\t\t\tpartner\t9220\tAalborg\t%s", danish[i], danish[i]);
		struct rec *x = base();
		set(x, "partners", partners);
		eval(R_da, x, &o);
		assert_int_not_equal(o.decision, EU_DEC_REJECT);
		if (want < 0) {
			want = o.score;
			want_part = o.sub[EU_SUB_PARTNERSHIPS];
		}
		assert_true(o.score == want);
		assert_true(o.sub[EU_SUB_PARTNERSHIPS] == want_part);
	}
	/* One partner abroad (Tampere) and two at home: 15 per partner abroad,
	 * 25 for the twin city, 15 for a consortium of three. */
	assert_true(want_part == 15 + 25 + 15);
	/* A partner in Germany, however spelt, is abroad. */
	struct rec *x = base();
	set(x, "partners", "Tampere University\t\tresearch\tcoordinator\t\tTampere\tFI\n"
		"TU Berlin\t\t\tpartner\t\tBerlin\tDeutschland\nSDU\t\t\tpartner\t\t\tDanmark");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_PARTNERSHIPS] == 15 * 2 + 25 + 15);
	eu_rank_out_free(&o);
}

static void test_gates(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	set(x, "goal_count", "0");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_REJECT);
	assert_string_equal(o.reject_code, "NO_GOAL");

	x = base();
	set(x, "local_count", "0");
	eval(R_en, x, &o);
	assert_string_equal(o.reject_code, "NO_LOCAL_PARTNER");
	assert_string_equal(o.reject_reason.p, "No local partner in Odense or on Funen other than the municipality");

	x = base();
	set(x, "deadline", "2025-02-28");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "DEADLINE_PASSED");
	assert_string_equal(o.reject_reason.p, "Fristen 2025-02-28 er overskredet");
	set(x, "status", "");            /* an open listing without status */
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "DEADLINE_PASSED");
	set(x, "status", "Åben");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "DEADLINE_PASSED");
	set(x, "status", "submitted");   /* already submitted: deadline is history */
	eval(R_da, x, &o);
	assert_int_not_equal(o.decision, EU_DEC_REJECT);

	x = base();
	set(x, "reject_reason", "ragged row");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "BAD_INPUT");
	assert_string_equal(o.reject_reason.p, "Ugyldige inddata: ragged row");

	x = base();
	set(x, "status", "Lukket");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "CLOSED");
	eu_rank_out_free(&o);
}

static void test_running_is_reviewed_not_dropped(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	set(x, "status", "running");
	set(x, "goal_count", "0");
	set(x, "goals", "");
	set(x, "deadline", "2024-01-01");
	eval(R_en, x, &o);
	assert_int_equal(o.decision, EU_DEC_REVIEW);
	assert_non_null(strstr(o.reasons.p, "to be reviewed: None of the council's ten goals is served"));
	/* Running and failing value for money: also review. */
	x = base();
	set(x, "status", "granted");
	set(x, "own_cost_eur", "9000000");
	eval(R_en, x, &o);
	assert_int_equal(o.decision, EU_DEC_REVIEW);
	eu_rank_out_free(&o);
}

static void test_subscores_and_score(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	eval(R_da, x, &o);
	/* value = 35*2 + 5*3.5 = 87.5 */
	assert_true(o.sub[EU_SUB_VALUE] == 87.5);
	/* knowledge: research 25 + pilot 15 + Horizon 30 = 70 */
	assert_true(o.sub[EU_SUB_KNOWLEDGE] == 70);
	/* cooperation: 20*1 + 10*1 types + 30 odense = 60 */
	assert_true(o.sub[EU_SUB_COOPERATION] == 60);
	/* partnerships: 1 international (15) + twin (25), 2 partners < 3 */
	assert_true(o.sub[EU_SUB_PARTNERSHIPS] == 40);
	/* reputation: flagship G9 20 + twin 10 */
	assert_true(o.sub[EU_SUB_REPUTATION] == 30);
	/* (30*87.5 + 25*70 + 20*60 + 15*40 + 10*30) / 100 = 64.75 -> 64.8 */
	assert_true(o.score == 64.8);
	assert_int_equal(o.decision, EU_DEC_PRIORITISE);

	/* A local business partner counts extra (the business focus). */
	set(x, "local_types", "business;research");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_COOPERATION] == 90);
	/* Coordinator role lifts reputation. */
	set(x, "odense_role", "coordinator");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_REPUTATION] == 70);
	eu_rank_out_free(&o);
}

static void test_value_ratio_and_flags(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	eval(R_da, x, &o);
	/* 4500000 / (2 partners + Odense) / 120000 = 12.5 */
	assert_true(o.has_ratio);
	assert_true(o.value_ratio == 12.5);
	assert_string_equal(o.flags.p, "TWIN_CITY");
	set(x, "own_cost_eur", "2000000");
	eval(R_da, x, &o);
	assert_true(o.value_ratio == 0.75);
	assert_string_equal(o.flags.p, "VALUE_BELOW_COST;TWIN_CITY");
	assert_int_equal(o.decision, EU_DEC_CONSIDER);   /* never prioritise below cost */
	set(x, "own_cost_eur", "");
	set(x, "deadline", "2025-03-20");
	set(x, "sdeo_id", "SDEO-2025-044");
	eval(R_da, x, &o);
	assert_false(o.has_ratio);
	assert_string_equal(o.flags.p, "NO_COST_DATA;DEADLINE_SOON;SDEO_LISTED;TWIN_CITY");
	assert_int_equal(o.days_left, 19);
	set(x, "deadline", "");
	eval(R_da, x, &o);
	assert_non_null(strstr(o.flags.p, "NO_DEADLINE"));
	eu_rank_out_free(&o);
}

static void test_reasons_both_languages(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	set(x, "sdeo_id", "SDEO-2025-044");
	eval(R_da, x, &o);
	assert_string_equal(o.reasons.p,
		"Mål G3, G9 (healthy ageing, older people, robots); 1 lokal partner i Odense (forskning); "
		"venskabsby Tampere; EU-andel 12,5 × egen investering; frist om 52 dage; SDEO-2025-044");
	eval(R_en, x, &o);
	assert_string_equal(o.reasons.p,
		"Goals G3, G9 (healthy ageing, older people, robots); 1 local partner in Odense (research); "
		"twin city Tampere; EU share 12.5 × own investment; deadline in 52 days; SDEO-2025-044");
	set(x, "local_count", "2");
	set(x, "local_tier", "fyn");
	set(x, "local_types", "business;education");
	eval(R_da, x, &o);
	assert_non_null(strstr(o.reasons.p, "2 lokale partnere på Fyn (erhverv, uddannelse)"));
	eu_rank_out_free(&o);
}

static void test_points_from_goals_stage(void **s)
{
	(void)s;
	/* With knowledge_points and reputation_points in the stream (written
	 * by euprio-goals), rank takes them instead of scanning the text. */
	eu_stream S2;
	memset(&S2, 0, sizeof S2);
	for (size_t i = 0; i < NC; i++)
		eu_stream_add_col(&S2, cols[i]);
	eu_stream_add_col(&S2, "knowledge_points");
	eu_stream_add_col(&S2, "reputation_points");
	eu_rank *R = eu_rank_load(SRCDIR "/config", EU_LANG_EN);
	assert_non_null(R);
	eu_rank_bind(R, &S2);
	struct rec *x = base();
	const char *v[NC + 2];
	size_t len[NC + 2];
	memcpy(v, x->v, sizeof x->v);
	memcpy(len, x->len, sizeof x->len);
	v[NC] = "15";
	len[NC] = 2;
	v[NC + 1] = "5";
	len[NC + 1] = 1;
	eu_rec r = x->r;
	r.n = NC + 2;
	r.v = v;
	r.len = len;
	eu_rank_out o = {0};
	eu_rank_eval(R, &r, today, &o);
	assert_true(o.sub[EU_SUB_KNOWLEDGE] == 15);         /* not the 70 a scan finds */
	assert_true(o.sub[EU_SUB_REPUTATION] == 5 + 20 + 10); /* plus flagship and twin city */
	eu_rank_out_free(&o);
	eu_rank_free(R);
	eu_stream_close(&S2);
}

/* A record with nothing to judge the goals on (a CORDIS participants
 * record: the title is the acronym, no summary) is NO_TEXT, not NO_GOAL;
 * after the local gate, so one that is not local is told so. */
static void test_no_text(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	set(x, "goal_count", "0");
	set(x, "goals", "");
	set(x, "title", "FLUENTLY");
	set(x, "acronym", "Fluently");
	set(x, "summary", "");
	eval(R_en, x, &o);
	assert_string_equal(o.reject_code, "NO_TEXT");
	assert_string_equal(o.reject_reason.p, "Nothing to judge the goals on (no title beyond the acronym and no summary)");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "NO_TEXT");
	set(x, "local_count", "0");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "NO_LOCAL_PARTNER");
	/* A title of its own, or a summary, is text: no goal is NO_GOAL. */
	set(x, "local_count", "1");
	set(x, "title", "Human-robot collaboration in manufacturing");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "NO_GOAL");
	set(x, "title", "FLUENTLY");
	set(x, "summary", "Cobots that learn from workers.");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "NO_GOAL");
	/* A running project with no text is reviewed, the rule named. */
	set(x, "summary", "");
	set(x, "status", "running");
	eval(R_en, x, &o);
	assert_int_equal(o.decision, EU_DEC_REVIEW);
	assert_non_null(strstr(o.reasons.p, "Nothing to judge the goals on"));
	eu_rank_out_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gates),
		cmocka_unit_test(test_country_spelling_changes_nothing),
		cmocka_unit_test(test_running_is_reviewed_not_dropped),
		cmocka_unit_test(test_subscores_and_score),
		cmocka_unit_test(test_value_ratio_and_flags),
		cmocka_unit_test(test_reasons_both_languages),
		cmocka_unit_test(test_points_from_goals_stage),
		cmocka_unit_test(test_no_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
