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
#include <unistd.h>

#include <cmocka.h>

#include "euprio/stages/rank.h"
#include "euprio/core/diag.h"
#include "euprio/core/values.h"
#include "euprio/stream/listcol.h"

static const char *cols[] = {
	"id", "status", "deadline", "programme", "call_id", "title", "summary", "keywords",
	"goals", "goal_count", "goal_strength", "goal_evidence", "local_count", "local_tier",
	"local_types", "twin_cities", "partners", "odense_role", "eu_grant_eur", "own_cost_eur",
	"sdeo_id", "reject_reason", "start_date", "end_date", "warnings", "local_tier_counts", "acronym",
	"source", "listing_type", "local_partners",
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

/* Time: a project whose end date has passed is not a candidate (#19: ERDF
 * projects that ended in 2010-2020 came out "prioritise ... ingen frist");
 * it is rejected for that, before any other reason, whatever its status
 * says; a project running now is reviewed. */
static void test_ended_and_running(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	/* ERDF 2007-13 "Robots at Play": 2008-03-14 to 2010-07-31, no deadline. */
	struct rec *x = base();
	set(x, "status", "");
	set(x, "deadline", "");
	set(x, "start_date", "2008-03-14");
	set(x, "end_date", "2010-07-31");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_REJECT);
	assert_string_equal(o.reject_code, "ENDED");
	assert_string_equal(o.reject_reason.p, "Projektet sluttede 2010-07-31");
	eval(R_en, x, &o);
	assert_string_equal(o.reject_reason.p, "The project ended on 2010-07-31");
	/* Before the content gates: a finished project without a local
	 * partner is ENDED, not NO_LOCAL_PARTNER (Lollandsprojektet). */
	set(x, "local_count", "0");
	set(x, "goal_count", "0");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "ENDED");
	/* A stale "running" status does not keep a finished project. */
	set(x, "status", "running");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "ENDED");
	/* A closed status is said first. */
	set(x, "status", "Lukket");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "CLOSED");
	/* The end date today still runs. */
	x = base();
	set(x, "deadline", "");
	set(x, "start_date", "2024-01-01");
	set(x, "end_date", "2025-03-01");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_REVIEW);
	assert_non_null(strstr(o.reasons.p, "bør vurderes: projektet kører til 2025-03-01"));
	/* Running, good score: review all the same (not an opportunity). */
	set(x, "end_date", "2027-06-30");
	eval(R_en, x, &o);
	assert_int_equal(o.decision, EU_DEC_REVIEW);
	assert_true(o.score >= 55);
	assert_true(strncmp(o.reasons.p, "to be reviewed: the project runs until 2027-06-30; Goals", 56) == 0);
	/* Running and below cost: both said. */
	set(x, "own_cost_eur", "9000000");
	eval(R_en, x, &o);
	assert_int_equal(o.decision, EU_DEC_REVIEW);
	assert_non_null(strstr(o.reasons.p, "to be reviewed: the project runs until 2027-06-30, the EU share is below own investment"));
	/* A running project still needs goals and a local partner: dates
	 * do not exempt it from the gates as a running status does. */
	set(x, "local_count", "0");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "NO_LOCAL_PARTNER");
	/* Not started yet, or dates that cannot be read: no time gate. */
	x = base();
	set(x, "start_date", "2026-01-01");
	set(x, "end_date", "2028-12-31");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_PRIORITISE);
	set(x, "end_date", "31-02-2019");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_PRIORITISE);
	/* A running status without dates keeps the old rule: review only
	 * when it fails one. */
	x = base();
	set(x, "status", "running");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_PRIORITISE);
	eu_rank_out_free(&o);
}

/* An unreadable deadline is its own flag, with its text in the reason,
 * never "no deadline" and never prioritised (#19: 01-13-2025, 31-02-2025).
 * Sources leave the column empty and say so in warnings; a hand-made
 * stream may carry the text in the column. */
static void test_unreadable_deadline(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	set(x, "deadline", "");
	set(x, "warnings", "total_eur: 'ca. 2 mio' is not an amount; deadline: '31-02-2025' is not a date");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_CONSIDER);
	assert_true(o.score >= 55);        /* would be prioritised */
	assert_non_null(strstr(o.flags.p, "DEADLINE_UNREADABLE"));
	assert_null(strstr(o.flags.p, "NO_DEADLINE"));
	assert_non_null(strstr(o.reasons.p, "fristen '31-02-2025' kan ikke læses"));
	assert_null(strstr(o.reasons.p, "ingen frist"));
	eval(R_en, x, &o);
	assert_non_null(strstr(o.reasons.p, "the deadline '31-02-2025' cannot be read"));
	/* In the column itself. */
	set(x, "warnings", "");
	set(x, "deadline", "01-13-2025");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_CONSIDER);
	assert_non_null(strstr(o.reasons.p, "fristen '01-13-2025' kan ikke læses"));
	/* Not a passed deadline either: nobody knows. */
	assert_int_not_equal(o.decision, EU_DEC_REJECT);
	/* A warning about another column is not about the deadline. */
	set(x, "deadline", "");
	set(x, "warnings", "eu_grant_eur: 'n/a' is not an amount");
	eval(R_da, x, &o);
	assert_non_null(strstr(o.flags.p, "NO_DEADLINE"));
	assert_int_equal(o.decision, EU_DEC_PRIORITISE);
	eu_rank_out_free(&o);
}

/* A stage's count left empty in a record (a file joined to the stream
 * without that stage) is not "no goal". */
static void test_stage_not_seen(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	set(x, "goal_count", "");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "BAD_INPUT");
	assert_string_equal(o.reject_reason.p, "goal_count mangler eller kan ikke læses: euprio-goals har ikke bedømt posten");
	x = base();
	set(x, "local_count", "");
	eval(R_en, x, &o);
	assert_string_equal(o.reject_code, "BAD_INPUT");
	assert_string_equal(o.reject_reason.p, "local_count is missing or unreadable: euprio-local has not judged the record");
	eu_rank_out_free(&o);
}

/* Actors in Odense and on Funen are told apart in the reasons (ERDF
 * "Kreativitet & Iværksætteri": Svendborg Kommune and SDU were "2 lokale
 * partnere i Odense"). */
static void test_reasons_by_tier(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	set(x, "local_count", "2");
	set(x, "local_tier", "odense");
	set(x, "local_types", "public;research");
	set(x, "local_tier_counts", "odense:1;fyn:1");
	eval(R_da, x, &o);
	assert_non_null(strstr(o.reasons.p, "2 lokale partnere, 1 i Odense og 1 på Fyn (offentlig, forskning)"));
	eval(R_en, x, &o);
	assert_non_null(strstr(o.reasons.p, "2 local partners, 1 in Odense and 1 on Funen (public, research)"));
	set(x, "local_tier_counts", "odense:2");
	eval(R_da, x, &o);
	assert_non_null(strstr(o.reasons.p, "2 lokale partnere i Odense"));
	eu_rank_out_free(&o);
}

/* Runs eu_rank_run on a file; returns its status, the candidates and the
 * rejects as text and what it said. */
static int run_file(const char *csv, char **cand, char **rej, char **said)
{
	char path[] = "/tmp/euprio-test-rank.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
	close(fd);
	char *paths[] = {path};
	size_t cl = 0, rl = 0, sl = 0;
	FILE *cf = open_memstream(cand, &cl), *rf = open_memstream(rej, &rl);
	eu_diag = open_memstream(said, &sl);
	char cpath[64], rpath[64];
	snprintf(cpath, sizeof cpath, "%s.c", path);
	snprintf(rpath, sizeof rpath, "%s.r", path);
	eu_writer *w = eu_writer_open(cpath, NULL), *rw = eu_writer_open(rpath, NULL);
	eu_rank *R = eu_rank_load(SRCDIR "/config", EU_LANG_DA);
	eu_rank_run_opts ro = {.today = today};
	int st = eu_rank_run(R, &ro, paths, 1, rw, w);
	eu_writer_close(w);
	eu_writer_close(rw);
	eu_rank_free(R);
	fclose(eu_diag);
	eu_diag = NULL;
	for (int k = 0; k < 2; k++) {
		FILE *in = fopen(k ? rpath : cpath, "r"), *out = k ? rf : cf;
		int c;
		while (in && (c = fgetc(in)) != EOF)
			fputc(c, out);
		if (in)
			fclose(in);
	}
	fclose(cf);
	fclose(rf);
	unlink(path);
	unlink(cpath);
	unlink(rpath);
	return st;
}

/* Without the goals or the local stage's columns rank refuses (exit 2,
 * nothing ranked) instead of rejecting every record NO_GOAL. */
static void test_missing_stage_refused(void **s)
{
	(void)s;
	char *cand, *rej, *said;
	const char *no_goals = "id,title,partners,local_count,local_tier\nA-1,Robotter,SDU,1,odense\n";
	assert_int_equal(run_file(no_goals, &cand, &rej, &said), EU_EXIT_USAGE);
	assert_non_null(strstr(said, "no goal_count column: run euprio-goals before euprio-rank"));
	assert_null(strstr(said, "local_count"));
	assert_string_equal(cand, "");
	free(cand);
	free(rej);
	free(said);
	const char *neither = "id,title\nA-1,Robotter\n";
	assert_int_equal(run_file(neither, &cand, &rej, &said), EU_EXIT_USAGE);
	assert_non_null(strstr(said, "goal_count"));
	assert_non_null(strstr(said, "no local_count column: run euprio-local"));
	free(cand);
	free(rej);
	free(said);
}

/* The rejects show partners as the candidates do: "Name (City, CC)". */
static void test_rejects_show_partners(void **s)
{
	(void)s;
	char *cand, *rej, *said;
	const char *in = "id,status,title,end_date,goal_count,local_count,local_tier,partners\n"
			 "ERDF-1,,Robots at Play,2010-07-31,1,1,odense,\"Syddansk Universitet\t29283958\t\tcoordinator\t5230\tOdense M\t\n"
			 "Tampere University\t\t\tpartner\t\tTampere\tFI\"\n"
			 "ERDF-2,,Growth,2030-01-01,1,1,odense,\"SDU\t\t\tpartner\t\t\tDK\"\n";
	assert_int_equal(run_file(in, &cand, &rej, &said), EU_EXIT_OK);
	assert_non_null(strstr(rej, "ENDED,Projektet sluttede 2010-07-31"));
	assert_non_null(strstr(rej, "\"Syddansk Universitet (Odense M)\nTampere University (Tampere, FI)\""));
	assert_null(strstr(rej, "\t"));
	assert_non_null(strstr(cand, "SDU (DK)"));
	free(cand);
	free(rej);
	free(said);
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

/* ---- the call track (docs/scoring.md, "Calls") ---- */

/* An open call from the portal on 2025-03-01: no partners, no own cost. */
static struct rec *call(void)
{
	struct rec *x = base();
	set(x, "id", "HORIZON-CL4-2025-TWIN-01-07");
	set(x, "source", "call");
	set(x, "status", "Open");
	set(x, "call_id", "HORIZON-CL4-2025-TWIN-01-07");
	set(x, "deadline", "2025-05-30");              /* 90 days */
	set(x, "title", "Collaborative robots for manufacturing SMEs");
	set(x, "summary", "Research and pilots.");
	set(x, "goals", "G9;G6");
	set(x, "goal_count", "2");
	set(x, "goal_strength", "G9:2;G6:1");
	set(x, "goal_evidence", "G9: robots (title) | G6: smes (title)");
	set(x, "local_count", "0");
	set(x, "local_tier", "none");
	set(x, "local_types", "");
	set(x, "twin_cities", "");
	set(x, "partners", "");
	set(x, "odense_role", "");
	set(x, "eu_grant_eur", "500000");
	set(x, "own_cost_eur", "");
	return x;
}

static int flagged(const eu_rank_out *o, const char *flag)
{
	return eu_list_has(o->flags.p ? o->flags.p : "", o->flags.len, flag, strlen(flag));
}

static void test_call_explore(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = call();
	eval(R_da, x, &o);
	/* No local partner gate: finding them is the point. */
	assert_int_equal(o.decision, EU_DEC_EXPLORE);
	assert_true(o.call);
	assert_int_equal(o.subs, (1u << EU_NSUB) - 1);
	/* value 35*2 + 5*3 = 85; knowledge research 25 + pilot 15 + Horizon
	 * 30 + HORIZON id 10 = 80; time: 90 days is the 80-point band; budget
	 * 500000 is half way on the log scale from 50000 to 5000000. */
	assert_true(o.sub[EU_SUB_VALUE] == 85);
	assert_true(o.sub[EU_SUB_KNOWLEDGE] == 80);
	assert_true(o.sub[EU_SUB_TIME] == 80);
	assert_true(o.sub[EU_SUB_BUDGET] == 50);
	/* cooperation by the suggested partners: Universal Robots (business),
	 * Odense Robotics (organisation), Teknologisk Institut (research),
	 * all in Odense: 20*3 + 10*3 types + 30 + 20 business = 140 -> 100 */
	assert_string_equal(o.suggested.p, "Universal Robots; Odense Robotics; Teknologisk Institut Odense");
	assert_true(o.sub[EU_SUB_COOPERATION] == 100);
	assert_true(o.sub[EU_SUB_PARTNERSHIPS] == 0);
	assert_true(o.sub[EU_SUB_REPUTATION] == 20);    /* the flagship goal */
	/* (30*85 + 15*80 + 10*50 + 20*80 + 10*100 + 5*0 + 10*20) / 100 = 70.5 */
	assert_true(o.score == 70.5);
	assert_false(o.has_ratio);                      /* no own cost: no ratio, no NO_COST_DATA */
	assert_false(flagged(&o, "NO_COST_DATA"));
	assert_non_null(strstr(o.reasons.p, "mulige lokale partnere: Universal Robots (collaborative robot, "
				     "manufacturing), Odense Robotics (robot), Teknologisk Institut Odense (robot)"));
	assert_non_null(strstr(o.reasons.p, "op til 500.000 EUR pr. projekt; frist om 90 dage"));
	eval(R_en, x, &o);
	assert_non_null(strstr(o.reasons.p, "possible local partners: Universal Robots"));
	assert_non_null(strstr(o.reasons.p, "up to 500,000 EUR per project; deadline in 90 days"));

	/* Bands, not a line: 89 days is 60 points, and so is 60; 59 is 40. */
	set(x, "deadline", "2025-05-29");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_TIME] == 60);
	set(x, "deadline", "2025-04-30");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_TIME] == 60);
	set(x, "deadline", "2025-04-29");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_TIME] == 40);
	/* 20 days: explore, with too little time for points, and soon. */
	set(x, "deadline", "2025-03-21");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_EXPLORE);
	assert_true(o.sub[EU_SUB_TIME] == 0);
	assert_true(flagged(&o, "DEADLINE_SOON"));
	/* No deadline: time 50; no budget: 25 and said so. */
	set(x, "deadline", "");
	set(x, "eu_grant_eur", "");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_TIME] == 50);
	assert_true(o.sub[EU_SUB_BUDGET] == 25);
	assert_true(flagged(&o, "NO_DEADLINE"));
	assert_non_null(strstr(o.reasons.p, "budget pr. projekt ukendt; ingen frist"));
	/* The budget scale's ends. */
	set(x, "eu_grant_eur", "40000");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_BUDGET] == 0);
	set(x, "eu_grant_eur", "15000000");
	eval(R_da, x, &o);
	assert_true(o.sub[EU_SUB_BUDGET] == 100);
	/* A call nothing in the registry fits is told so. */
	x = call();
	set(x, "title", "Quantum sensing");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_EXPLORE);
	assert_string_equal(o.suggested.p ? o.suggested.p : "", "");
	assert_true(o.sub[EU_SUB_COOPERATION] == 0);
	assert_non_null(strstr(o.reasons.p, "ingen aktør i registret passer til indkaldelsen"));
	eu_rank_out_free(&o);
}

static void test_call_gates(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = call();
	set(x, "status", "Closed");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "CLOSED");
	/* The portal's Open is the word of the export's day: a passed
	 * deadline rejects whatever it says (and for Forthcoming too). */
	x = call();
	set(x, "deadline", "2025-02-28");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "DEADLINE_PASSED");
	set(x, "status", "Forthcoming");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "DEADLINE_PASSED");
	/* 13 days is too little to find partners (calls.min_days_left 14). */
	x = call();
	set(x, "deadline", "2025-03-14");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "DEADLINE_TOO_CLOSE");
	assert_string_equal(o.reject_reason.p, "Fristen 2025-03-14 er om 13 dage: for kort tid til at finde partnere og "
			    "skrive en ansøgning (mindst 14 dage)");
	set(x, "deadline", "2025-03-15");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_EXPLORE);
	/* No goal is still no goal; no text is NO_TEXT. */
	x = call();
	set(x, "goal_count", "0");
	set(x, "goals", "");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "NO_GOAL");
	set(x, "title", "");
	set(x, "summary", "");
	eval(R_da, x, &o);
	assert_string_equal(o.reject_code, "NO_TEXT");
	/* A Forthcoming call is explored: before it opens is when to prepare. */
	x = call();
	set(x, "status", "Forthcoming");
	set(x, "start_date", "2025-04-10");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_EXPLORE);
	assert_true(flagged(&o, "CALL_FORTHCOMING"));
	assert_non_null(strstr(o.reasons.p, "åbner 2025-04-10; frist om 90 dage"));
	set(x, "start_date", "");
	eval(R_en, x, &o);
	assert_non_null(strstr(o.reasons.p, "opens soon"));
	eu_rank_out_free(&o);
}

/* Which records are calls: the portal's, and a listing of type Call
 * standing alone; an application that has such a listing joined onto it is
 * that application's project. */
static void test_call_track_membership(void **s)
{
	(void)s;
	eu_rank_out o = {0};
	struct rec *x = base();
	set(x, "source", "sdeo");
	set(x, "listing_type", "Call");
	set(x, "status", "Åben");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_EXPLORE);
	/* Its own local partner is its partner (the listing names it); the
	 * registry's suggestions are the others. */
	assert_non_null(strstr(o.reasons.p, "1 lokal partner i Odense (forskning)"));
	assert_true(o.sub[EU_SUB_COOPERATION] == 60);
	set(x, "source", "application");
	eval(R_da, x, &o);
	assert_int_equal(o.decision, EU_DEC_PRIORITISE);
	assert_false(o.call);
	assert_int_equal(o.subs, (1u << EU_SUB_TIME) - 1);   /* the five principles only */
	set(x, "source", "sdeo");
	set(x, "listing_type", "Partnersøgning");
	eval(R_da, x, &o);
	assert_false(o.call);
	/* A listing's local partner is not suggested again. */
	x = call();
	set(x, "source", "sdeo");
	set(x, "listing_type", "call");
	set(x, "local_count", "1");
	set(x, "local_tier", "odense");
	set(x, "local_types", "organisation");
	set(x, "local_partners", "Odense Robotics");
	eval(R_da, x, &o);
	assert_string_equal(o.suggested.p, "Universal Robots; Teknologisk Institut Odense");
	assert_non_null(strstr(o.reasons.p, "1 lokal partner i Odense (organisation); mulige lokale partnere: "
				     "Universal Robots"));
	eu_rank_out_free(&o);
}

static const char *tmpfile_with(const char *name, const char *text)
{
	static char path[256];
	snprintf(path, sizeof path, "/tmp/euprio-test-rank-%ld-%s", (long)getpid(), name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* CORDIS: the Funen organisations of projects of the call's programme
 * part (the topic id before its year: HORIZON-CL4), counted by project;
 * without a topic (participants without their project table), by
 * programme. */
static void test_call_cordis(void **s)
{
	(void)s;
	eu_rank *R = eu_rank_load(SRCDIR "/config", EU_LANG_DA);
	assert_non_null(R);
	const char *path = tmpfile_with("cordis.csv",
		"id,source,programme,call_id,partners,reject_reason\n"
		"HE-1,cordis,Horizon Europe,HORIZON-CL4-2021-TWIN-01-01,\"SYDDANSK UNIVERSITET\t29283958\tHES\tparticipant\t5230\tOdense M\tDK\n"
		"Tampere University\t\tHES\tcoordinator\t\tTampere\tFI\",\n"
		"HE-2,cordis,Horizon Europe,HORIZON-CL4-2022-HUMAN-02-01,\"SDU\t\t\tparticipant\t5230\tOdense M\tDK\n"
		"Welfare Tech\t\tOTH\tparticipant\t5000\tOdense C\tDK\n"
		"Odense Kommune\t\tPUB\tparticipant\t5000\tOdense C\tDK\",\n"
		"HE-3,cordis,Horizon Europe,,\"Blue Ocean Robotics\t\tPRC\tparticipant\t5230\tOdense M\tDK\",\n"
		"HE-4,cordis,Horizon Europe,HORIZON-CL5-2023-D3-01-01,\"Energi Fyn\t\tPRC\tparticipant\t\t\tDK\",ragged row\n");
	assert_int_equal(eu_rank_cordis(R, path), 0);
	eu_rank_bind(R, &S);
	eu_rank_out o = {0};
	struct rec *x = call();
	eu_rank_eval(R, &x->r, today, &o);
	/* SDU in two CL4 projects, Welfare Tech in one; the municipality never;
	 * a project rejected upstream names nobody. */
	assert_non_null(strstr(o.reasons.p, "fynske deltagere i HORIZON-CL4-projekter: Syddansk Universitet (2), "
				     "Welfare Tech (1); "));
	/* Another part: the programme as a whole, Blue Ocean Robotics too. */
	set(x, "call_id", "HORIZON-CL6-2025-FARM2FORK-01-01");
	eu_rank_eval(R, &x->r, today, &o);
	assert_non_null(strstr(o.reasons.p, "fynske deltagere i Horizon Europe-projekter: Syddansk Universitet (2), "
				     "Blue Ocean Robotics (1), Welfare Tech (1); "));
	/* A programme no project was in: nothing said. */
	set(x, "programme", "LIFE");
	eu_rank_eval(R, &x->r, today, &o);
	assert_null(strstr(o.reasons.p, "fynske"));
	eu_rank_out_free(&o);
	/* A file that is not a stream of projects with partners stops. */
	path = tmpfile_with("nocordis.csv", "projectID;name\n1;SDU\n");
	assert_int_equal(eu_rank_cordis(R, path), EU_EXIT_USAGE);
	unlink(path);
	unlink(tmpfile_with("cordis.csv", ""));
	eu_rank_free(R);
}

/* Staff who pursue a call are already on it: too little time does not
 * reject it, a passed deadline still does; a declined call is DECLINED. */
static void test_call_staff(void **s)
{
	(void)s;
	eu_rank *R = eu_rank_load(SRCDIR "/config", EU_LANG_DA);
	assert_non_null(R);
	const char *table = tmpfile_with("decisions.csv", "id,decision,until,note,by\n"
					 "HORIZON-CL4-2025-TWIN-01-07,pursue,,Vi skriver allerede,AB\n"
					 "LIFE-2025-NO,decline,,Ikke vores,CD\n");
	assert_int_equal(eu_rank_decisions(R, table, NULL, today), 0);
	eu_rank_bind(R, &S);
	eu_rank_out o = {0};
	struct rec *x = call();
	set(x, "deadline", "2025-03-11");               /* 10 days */
	eu_rank_eval(R, &x->r, today, &o);
	assert_int_equal(o.decision, EU_DEC_EXPLORE);
	assert_true(flagged(&o, "STAFF_PURSUE"));
	assert_true(flagged(&o, "DEADLINE_SOON"));
	set(x, "deadline", "2025-02-27");
	eu_rank_eval(R, &x->r, today, &o);
	assert_string_equal(o.reject_code, "DEADLINE_PASSED");
	assert_non_null(strstr(o.reject_reason.p, "selvom personalet forfølger den"));
	x = call();
	set(x, "id", "LIFE-2025-NO");
	eu_rank_eval(R, &x->r, today, &o);
	assert_string_equal(o.reject_code, "DECLINED");
	assert_string_equal(o.reject_reason.p, "Ikke vores");
	eu_rank_out_free(&o);
	unlink(table);
	eu_rank_free(R);
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
		cmocka_unit_test(test_ended_and_running),
		cmocka_unit_test(test_unreadable_deadline),
		cmocka_unit_test(test_stage_not_seen),
		cmocka_unit_test(test_reasons_by_tier),
		cmocka_unit_test(test_missing_stage_refused),
		cmocka_unit_test(test_rejects_show_partners),
		cmocka_unit_test(test_no_text),
		cmocka_unit_test(test_call_explore),
		cmocka_unit_test(test_call_gates),
		cmocka_unit_test(test_call_track_membership),
		cmocka_unit_test(test_call_cordis),
		cmocka_unit_test(test_call_staff),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
