/* Unit tests for goal alignment (src/lib/goals.c): the shipped terms on
 * Danish and English texts, the false friends, thresholds, programme
 * hints, configuration faults and the match-limit path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "euprio/diag.h"
#include "euprio/goals.h"

static eu_goals *G;

static int setup(void **s)
{
	(void)s;
	G = eu_goals_load(SRCDIR "/config");
	return G ? 0 : -1;
}

static int teardown(void **s)
{
	(void)s;
	eu_goals_free(G);
	return 0;
}

/* Matches with only the named field set; returns the goals string. */
static char *goals_of(const char *field, const char *text)
{
	size_t nf = eu_goals_nfields(G);
	const char *t[32];
	size_t l[32];
	eu_goals_result r = {0};
	eu_buf err = EU_BUF_INIT;

	for (size_t i = 0; i < nf; i++) {
		int on = strcmp(eu_goals_field(G, i), field) == 0;
		t[i] = on ? text : "";
		l[i] = on ? strlen(text) : 0;
	}
	assert_int_equal(eu_goals_record(G, t, l, &r, &err, NULL, NULL), 0);
	char *out = strdup(r.goals.p ? r.goals.p : "");
	eu_goals_result_free(&r);
	eu_buf_free(&err);
	return out;
}

static void expect(const char *field, const char *text, const char *want)
{
	char *got = goals_of(field, text);
	if (strcmp(got, want) != 0)
		fail_msg("%s \"%s\": want \"%s\", got \"%s\"", field, text, want, got);
	free(got);
}

static void test_each_goal_danish(void **s)
{
	(void)s;
	expect("summary", "Børn og unge skal være klar til fremtiden", "G1");
	expect("summary", "Flere langtidsledige i beskæftigelse", "G2");
	expect("summary", "De ældre skal klare sig selv længere", "G3");
	expect("summary", "Et sundere liv med mere bevægelse", "G4");
	expect("summary", "Blandede bydele og boligsociale indsatser i Vollsmose", "G5");
	expect("summary", "Vækst gennem iværksætteri", "G6");
	expect("summary", "Byudvikling langs letbanen", "G7");
	expect("summary", "Klimatilpasning og CO2-reduktion", "G8");
	expect("summary", "Robotteknologi og cobots i produktionen", "G9");
	expect("summary", "Færre relativt fattige familier", "G10");
}

static void test_each_goal_english(void **s)
{
	(void)s;
	expect("summary", "Preparing children and young people for the future", "G1");
	expect("summary", "Long-term unemployed citizens move into employment", "G2");
	expect("summary", "Independent living for older people with disabilities", "G3");
	expect("summary", "Public health and mental health of citizens", "G4");
	expect("summary", "Regeneration of deprived neighbourhoods and social housing", "G5");
	expect("summary", "SMEs and start-ups drive economic growth", "G6");
	expect("summary", "Urban planning for quality public spaces", "G7");
	expect("summary", "Climate adaptation and renewable energy", "G8");
	expect("summary", "Collaborative robots and automation", "G9");
	expect("summary", "Reducing poverty and social exclusion", "G10");
}

static void test_inflections(void **s)
{
	(void)s;
	expect("summary", "ældres hverdag", "G3");
	expect("summary", "robotter", "G9");
	expect("summary", "cobot", "G9");
	expect("summary", "ledige", "G2");
	expect("summary", "klimatilpasning", "G8");
	expect("summary", "relativt fattige", "G10");
	expect("title", "Fattigdom", "G10");
}

static void test_false_friends(void **s)
{
	(void)s;
	expect("summary", "forældre og forældres netværk", "");     /* parents, not elderly */
	expect("summary", "lungekræft og tunge løft", "");          /* not "unge" */
	expect("summary", "a career in management", "");            /* not "care" */
	expect("summary", "well managed and packaged", "");         /* not "aged" */
	expect("summary", "tumour growth in mice", "");             /* excluded growth */
	expect("summary", "Grønland og indeklima", "");             /* not grøn, not klima */
	expect("summary", "arbejdsmiljø på kontoret", "");          /* not miljø */
	expect("summary", "Øresund", "");                           /* not sund */
	expect("summary", "systemintegration", "");                 /* not integration */
}

static void test_hints_weigh_less(void **s)
{
	(void)s;
	/* A programme hint alone (0.5) stays under the threshold (1). */
	expect("programme", "ESF+", "");
	expect("call_id", "HORIZON-CL5-2025-D2-01-05", "");
	/* Text plus hint: matched, and the hint adds to the strength. */
	size_t nf = eu_goals_nfields(G);
	const char *t[32];
	size_t l[32];
	for (size_t i = 0; i < nf; i++) {
		const char *f = eu_goals_field(G, i);
		t[i] = !strcmp(f, "programme") ? "LIFE" : !strcmp(f, "summary") ? "climate" : "";
		l[i] = strlen(t[i]);
	}
	eu_goals_result r = {0};
	eu_buf err = EU_BUF_INIT;
	assert_int_equal(eu_goals_record(G, t, l, &r, &err, NULL, NULL), 0);
	assert_string_equal(r.goals.p, "G8");
	assert_string_equal(r.strength.p, "G8:1.5");
	assert_string_equal(r.evidence.p, "G8: climate (summary), LIFE (programme)");
	eu_goals_result_free(&r);
	eu_buf_free(&err);
}

static void test_principle_evidence_rides_along(void **s)
{
	(void)s;
	/* The shipped policy has principle_terms.csv: its groups are
	 * evidence, never goals, and are summed without field weights. */
	long k = eu_goals_extra_index(G, "knowledge"), r = eu_goals_extra_index(G, "reputation");
	assert_true(k >= 0 && r >= 0);
	size_t nf = eu_goals_nfields(G);
	const char *t[32];
	size_t l[32];
	for (size_t i = 0; i < nf; i++) {
		const char *f = eu_goals_field(G, i);
		t[i] = !strcmp(f, "title") ? "Research pilots" : !strcmp(f, "programme") ? "Horizon Europe" : "";
		l[i] = strlen(t[i]);
	}
	eu_goals_result res = {0};
	eu_buf err = EU_BUF_INIT;
	assert_int_equal(eu_goals_record(G, t, l, &res, &err, NULL, NULL), 0);
	assert_int_equal(res.count, 0);                  /* no goal from these */
	assert_true(res.score[k] == 25 + 15 + 30);      /* research, pilot, Horizon */
	assert_true(res.score[r] == 0);
	eu_goals_result_free(&res);
	eu_buf_free(&err);
}

static void test_two_goals_one_word(void **s)
{
	(void)s;
	/* Each goal scans alone, so one word can serve two goals. */
	expect("title", "Velfærdsteknologi og robotter til ældre", "G3;G9");
}

static void test_invalid_utf8_does_not_stop(void **s)
{
	(void)s;
	expect("summary", "robot \xff\xfe klima", "G8;G9");
}

/* Writes a minimal config directory with the given terms table. */
static char *mini_config(const char *terms, const char *limit)
{
	char *dir = strdup("/tmp/euprio-goals-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/goals.csv", dir);
	f = fopen(path, "w");
	fputs("id,name_da,name_en\nG1,a,b\nG2,c,d\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/goal_terms.csv", dir);
	f = fopen(path, "w");
	fputs(terms, f);
	fclose(f);
	snprintf(path, sizeof path, "%s/settings.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "key,value\ngoal_threshold,1\nfield_weight.other,1\nregex_match_limit,%s\nregex_depth_limit,1000\n", limit);
	fclose(f);
	return dir;
}

static void rm_config(char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static char diagbuf[4096];

static void capture(void)
{
	memset(diagbuf, 0, sizeof diagbuf);
	eu_diag = fmemopen(diagbuf, sizeof diagbuf - 1, "w");
}

static const char *captured(void)
{
	fclose(eu_diag);
	eu_diag = NULL;
	return diagbuf;
}

static void test_bad_pattern_names_line_and_offset(void **s)
{
	(void)s;
	char *dir = mini_config("goal,weight,fields,pattern\nG1,1,summary,ok\nG2,1,summary,(unclosed\n", "100000");
	capture();
	assert_null(eu_goals_load(dir));
	const char *d = captured();
	assert_non_null(strstr(d, "goal_terms.csv:3:4: pattern does not compile: missing closing parenthesis at offset 9"));
	rm_config(dir);

	dir = mini_config("goal,weight,fields,pattern\nG9,1,summary,x\nG1,x,summary,y\nG1,1,,z\nG1,1,summary,a*\n", "100000");
	capture();
	assert_null(eu_goals_load(dir));
	d = captured();
	assert_non_null(strstr(d, "goal_terms.csv:2:1: unknown goal 'G9'"));
	assert_non_null(strstr(d, "goal_terms.csv:3:2: 'x' is not a number"));
	assert_non_null(strstr(d, "goal_terms.csv:4:3: a term needs at least one field"));
	assert_non_null(strstr(d, "goal_terms.csv:5:4: pattern matches the empty string"));
	rm_config(dir);

	dir = mini_config("goal,weight,fields,pattern\nG1,1,summary,\"\xff\"\n", "100000");
	capture();
	assert_null(eu_goals_load(dir));
	d = captured();
	assert_non_null(strstr(d, "goal_terms.csv:2:1: invalid UTF-8 in field 4"));
	rm_config(dir);
}

static void test_match_limit_rejects(void **s)
{
	(void)s;
	/* Catastrophic backtracking must hit the limit and be reported. */
	char *dir = mini_config("goal,weight,fields,pattern\nG1,1,summary,(a+)+$\n", "5000");
	eu_goals *g = eu_goals_load(dir);
	assert_non_null(g);
	const char *t[1];
	size_t l[1];
	char text[64];
	memset(text, 'a', 40);
	strcpy(text + 40, "!");
	t[0] = text;
	l[0] = strlen(text);
	eu_goals_result r = {0};
	eu_buf err = EU_BUF_INIT;
	assert_int_equal(eu_goals_record(g, t, l, &r, &err, NULL, NULL), -1);
	assert_non_null(strstr(err.p, "limit"));
	eu_goals_result_free(&r);
	eu_buf_free(&err);
	eu_goals_free(g);
	rm_config(dir);
}

static void test_threshold(void **s)
{
	(void)s;
	char *dir = mini_config("goal,weight,fields,pattern\nG1,0.5,summary,\\bfoo\\b\nG1,0.5,summary,\\bbar\\b\n", "100000");
	eu_goals *g = eu_goals_load(dir);
	assert_non_null(g);
	const char *t[1] = {"foo foo foo"};
	size_t l[1] = {11};
	eu_goals_result r = {0};
	eu_buf err = EU_BUF_INIT;
	/* One term counts once however often it occurs: 0.5 < 1. */
	assert_int_equal(eu_goals_record(g, t, l, &r, &err, NULL, NULL), 0);
	assert_int_equal(r.count, 0);
	t[0] = "foo and bar";
	assert_int_equal(eu_goals_record(g, t, l, &r, &err, NULL, NULL), 0);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.strength.p, "G1:1");
	eu_goals_result_free(&r);
	eu_buf_free(&err);
	eu_goals_free(g);
	rm_config(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_goal_danish),
		cmocka_unit_test(test_each_goal_english),
		cmocka_unit_test(test_inflections),
		cmocka_unit_test(test_false_friends),
		cmocka_unit_test(test_hints_weigh_less),
		cmocka_unit_test(test_two_goals_one_word),
		cmocka_unit_test(test_principle_evidence_rides_along),
		cmocka_unit_test(test_invalid_utf8_does_not_stop),
		cmocka_unit_test(test_bad_pattern_names_line_and_offset),
		cmocka_unit_test(test_match_limit_rejects),
		cmocka_unit_test(test_threshold),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
