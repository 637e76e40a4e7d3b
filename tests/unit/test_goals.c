/* Unit tests for goal alignment's matcher (src/stages/goals/): the shipped
 * terms on Danish and English texts, the false friends, programme hints,
 * configuration faults, the match-limit path, and the memo, prefilter and
 * scan against their plain equivalents.  The salience rule and compound
 * terms: test_salience.c. */
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

#include "euprio/core/diag.h"
#include "euprio/stages/goals.h"

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
	/* A programme hint alone (0.5) stays under salience.min_evidence (1.5). */
	expect("programme", "ESF+", "");
	expect("call_id", "HORIZON-CL5-2025-D2-01-05", "");
	/* Text plus hint: matched, and the hint adds to the strength: climate
	 * in the lead, 1 x 2, and LIFE in another field, 0.5 x 1. */
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
	assert_string_equal(r.strength.p, "G8:2.5");
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

/* The salience rule's settings and markers of a minimal config: the
 * shipped numbers, a lead of one sentence. */
static const char *salience_settings =
	"salience.title_fields,title;keywords\nsalience.text_fields,summary\n"
	"salience.zone.title,3\nsalience.zone.lead,2\nsalience.zone.purpose,2\nsalience.zone.body,1\n"
	"salience.zone.background,0.25\nsalience.zone.other,1\nsalience.lead_sentences,1\n"
	"salience.section_bytes,2000\nsalience.min_evidence,1.5\nsalience.relative,0.4\nsalience.min_density,1\n";
static const char *markers =
	"kind,lang,pattern\npurpose,en,\\baims?\\b\nbackground,en,\\bthis destination\\b\n"
	"section,en,\\bexpected outcome:\nsection_end,en,\\bscope:\n";

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
	fprintf(f, "key,value\nregex_match_limit,%s\nregex_depth_limit,1000\n%s", limit, salience_settings);
	fclose(f);
	snprintf(path, sizeof path, "%s/salience_markers.csv", dir);
	f = fopen(path, "w");
	fputs(markers, f);
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

	dir = mini_config("goal,weight,fields,pattern\nG9,1,summary,x\nG1,x,summary,y\nG1,1,,z\nG1,1,summary,a*\n"
			  "G1,-1,summary,w\n", "100000");
	capture();
	assert_null(eu_goals_load(dir));
	d = captured();
	assert_non_null(strstr(d, "goal_terms.csv:2:1: unknown goal 'G9'"));
	assert_non_null(strstr(d, "goal_terms.csv:3:2: 'x' is not a number"));
	assert_non_null(strstr(d, "goal_terms.csv:6:2: -1 is out of range (0 to 100)"));
	assert_non_null(strstr(d, "goal_terms.csv:4:3: a term needs at least one field"));
	assert_non_null(strstr(d, "goal_terms.csv:5:4: pattern matches the empty string"));
	rm_config(dir);

	dir = mini_config("goal,weight,fields,pattern\nG1,1,summary,\"\xff\"\n", "100000");
	capture();
	assert_null(eu_goals_load(dir));
	d = captured();
	assert_non_null(strstr(d, "goal_terms.csv:2:4: not UTF-8 but Windows-1252"));
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

/* Everything a record yields, in one string: evidence, strength and
 * every counted hit with its place. */
struct trace {
	char buf[8192];
	size_t len;
};

static void trace_hit(void *ctx, const eu_goals_hit *h)
{
	struct trace *t = ctx;
	if (t->len < sizeof t->buf - 100)
		t->len += (size_t)snprintf(t->buf + t->len, sizeof t->buf - t->len, "%s %s@%zu+%zu:%ld;", h->goal,
					   h->field, h->offset, h->len, h->term_line);
}

static char *run_all(eu_goals *g, const char *text, size_t n)
{
	size_t nf = eu_goals_nfields(g);
	const char *t[32];
	size_t l[32];
	eu_goals_result r = {0};
	eu_buf err = EU_BUF_INIT;
	struct trace tr = {.len = 0};

	for (size_t i = 0; i < nf; i++) {
		int on = strcmp(eu_goals_field(g, i), "summary") == 0;
		t[i] = on ? text : "";
		l[i] = on ? n : 0;
	}
	int rc = eu_goals_record(g, t, l, &r, &err, trace_hit, &tr);
	char *out = malloc(sizeof tr.buf + 4096);
	snprintf(out, sizeof tr.buf + 4096, "rc %d | %s | %s | %s | %.*s", rc, r.goals.p ? r.goals.p : "",
		 r.strength.p ? r.strength.p : "", r.evidence.p ? r.evidence.p : "", (int)tr.len, tr.buf);
	eu_goals_result_free(&r);
	eu_buf_free(&err);
	return out;
}

/* g must answer text as ref does, hit for hit. */
static void same_answer(eu_goals *g, eu_goals *ref, const char *text, size_t n, const char *what)
{
	char *want = run_all(ref, text, n);
	char *got = run_all(g, text, n);
	if (strcmp(got, want) != 0)
		fail_msg("%s, text \"%.*s\":\ngot:  %s\nwant: %s", what, (int)n, text, got, want);
	free(got);
	free(want);
}

static eu_goals *load_without_memo(const char *dir)
{
	setenv("EUPRIO_GOALS_NO_MEMO", "1", 1);
	setenv("EUPRIO_GOALS_NO_AVX2", "1", 1);
	eu_goals *g = eu_goals_load(dir);
	unsetenv("EUPRIO_GOALS_NO_MEMO");
	unsetenv("EUPRIO_GOALS_NO_AVX2");
	return g;
}

/* The memo must change nothing: texts made to catch a remembered answer
 * used where it does not hold (a first word of a term of several words
 * with another continuation, words at the field's end, other characters
 * before and after, words too long to remember, invalid bytes), each run
 * twice so that the second is answered from the memo. */
static void test_memo_changes_nothing(void **s)
{
	(void)s;
	static const char *const texts[] = {
		"young people and young trees, young adults; young",
		"green transition green green deal green harbours greenery",
		"grøn omstilling, grøn energi, grønne områder, grøn. Grønland grøn",
		"udsatte borgere udsatte områder udsatte udsatte boligområder",
		"aged 65 aged over aged people aged",
		"international conference international visibility internationally international",
		"robot\xe2\x80\x93klima \xc2\xabrobot\xc2\xbb (robot) robot\nrobot\trobotter robot",
		"\xff" "robot \xff\xfeklima klima\xff klima",
		"ældre forældre ældres ældreplejen ÆLDRE Ældre",
		"healthy ageing active aging ageing healthy",
		"robotteknologiudviklingsprogrammetsdeltagerevalueringsrapporterne robot",
		"long-term unemployed long-term care long-term",
		"light rail light public transport public health public",
		"social inclusion social exclusion socialt udsatte social udsatte",
		"CO2-reduktion CO\xe2\x82\x82 co2 CO2",
		"a b c d e f g h i j k l m n o p q r s t u v w x y z",
		"",
		"robot",
		"young",
	};
	eu_goals *plain = load_without_memo(SRCDIR "/config");
	assert_non_null(plain);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		char *want = run_all(plain, texts[i], strlen(texts[i]));
		for (int round = 0; round < 2; round++) {
			char *got = run_all(G, texts[i], strlen(texts[i]));
			if (strcmp(got, want) != 0)
				fail_msg("text %zu round %d:\nmemo:  %s\nplain: %s", i, round, got, want);
			free(got);
		}
		free(want);
	}
	/* And on many texts built from the terms' own words, so that the
	 * memo fills and collides. */
	static const char *const words[] = {
		"young", "people", "green", "deal", "grøn", "omstilling", "energi", "ældre", "forældre",
		"robot", "robotter", "klima", "health", "healthy", "ageing", "care", "career", "social",
		"inclusion", "udsatte", "borgere", "områder", "long-term", "unemployed", "job", "jobs",
		"seekers", "skole", "børn", "unge", "lungekræft", "vækst", "SMV'er", "CO2-reduktion", "AI",
		"public", "transport", "international", "conference", "research", "data", "pilot", "æ",
		"\xc3", "Ø", "x",
	};
	static const char *const seps[] = {" ", ", ", ". ", "\n", "-", "–", "/", "(", ")", "", "  "};
	unsigned long seed = 12345;
	char text[600];
	for (int k = 0; k < 3000; k++) {
		size_t n = 0;
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		int nw = (int)(seed >> 59) + 1;
		for (int w = 0; w < nw; w++) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			const char *wd = words[(seed >> 33) % (sizeof words / sizeof *words)];
			const char *sp = seps[(seed >> 20) % (sizeof seps / sizeof *seps)];
			n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", wd, sp);
		}
		same_answer(G, plain, text, n, "memo against none");
	}
	eu_goals_free(plain);
}

/* A memo entry holds MEMO_HITS goals' hits: where more goals match at one
 * place, the place is matched whole, and every goal's hit is counted all
 * the same.  Four to eight goals whose terms all match "robot", each text
 * twice, so that the second round is answered from the memo where it can
 * be. */
static void test_memo_many_goals_at_one_place(void **s)
{
	(void)s;
	for (int ng = 4; ng <= 8; ng++) {
		char terms[1024] = "goal,weight,fields,pattern\n", path[300];
		for (int g = 1; g <= ng; g++)
			snprintf(terms + strlen(terms), sizeof terms - strlen(terms), "G%d,1,summary,\\brobot\\w*\n", g);
		char *dir = mini_config(terms, "100000");
		snprintf(path, sizeof path, "%s/goals.csv", dir);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs("id,name_da,name_en\n", f);
		for (int g = 1; g <= ng; g++)
			fprintf(f, "G%d,a,b\n", g);
		fclose(f);
		eu_goals *g = eu_goals_load(dir);
		eu_goals *plain = load_without_memo(dir);
		assert_non_null(g);
		assert_non_null(plain);
		const char *text = "A robot aims at robots. Robotter, robot; robot";
		char *want = run_all(plain, text, strlen(text));
		char at[32];
		for (int q = 1; q <= ng; q++) {
			snprintf(at, sizeof at, "G%d summary@2+5:", q);
			if (!strstr(want, at))
				fail_msg("%d goals: no %s in %s", ng, at, want);
		}
		for (int round = 0; round < 2; round++) {
			char *got = run_all(g, text, strlen(text));
			if (strcmp(got, want) != 0)
				fail_msg("%d goals, round %d:\nmemo:  %s\nplain: %s", ng, round, got, want);
			free(got);
		}
		free(want);
		eu_goals_free(g);
		eu_goals_free(plain);
		rm_config(dir);
	}
}

/* A term that looks behind its start is never answered from the memo:
 * "omstilling" after "grøn " and after "blå " have the same text from the
 * boundary on, and a nested look-behind sees two characters back though
 * PCRE2 counts one.  The character before is part of what is remembered:
 * a multi-line ^ sees a line break where \b sees only a non-word.  Terms
 * starting with other letters are remembered all the same. */
static void test_memo_and_look_behind(void **s)
{
	(void)s;
	char *dir = mini_config("goal,weight,fields,pattern\n"
				"G1,1,summary,\\b(?<=grøn )omstilling\\b\n"
				"G1,1,summary,\\b(?<=(?<!x) )robot\\b\n"
				"G2,1,summary,\\b(?m:^)cobot\\b\n", "100000");
	eu_goals *g = eu_goals_load(dir);
	assert_non_null(g);
	const char *text = "grøn omstilling, blå omstilling; grøn omstilling";
	char *got = run_all(g, text, strlen(text));
	if (!strstr(got, "G1 summary@6+10:2;") || strstr(got, "@23+") || !strstr(got, "@41+10"))
		fail_msg("%s", got);
	free(got);
	/* The same text from the boundary on at 2 and at 11.  Compared with
	 * no memo: PCRE2 10.42's interpreter (EUPRIO_NO_JIT, for valgrind)
	 * reads this nested look-behind differently from its JIT. */
	text = "x robot, y robot, z";
	eu_goals *plain = load_without_memo(dir);
	assert_non_null(plain);
	char *want = run_all(plain, text, strlen(text));
	for (int round = 0; round < 2; round++) {
		got = run_all(g, text, strlen(text));
		if (strcmp(got, want) != 0 || !strstr(got, "G1 summary@11+5:3;"))
			fail_msg("memo:  %s\nplain: %s", got, want);
		free(got);
	}
	if (!getenv("EUPRIO_NO_JIT") && strstr(want, "@2+"))
		fail_msg("nested look-behind matched after x: %s", want);
	free(want);
	eu_goals_free(plain);
	text = "cobot\ncobot cobot x cobot";
	for (int round = 0; round < 2; round++) {
		got = run_all(g, text, strlen(text));
		if (!strstr(got, "G2 summary@0+5:4;G2 summary@6+5:4;") || strstr(got, "@12+"))
			fail_msg("%s", got);
		free(got);
	}
	eu_goals_free(g);
	rm_config(dir);
}

/* A goal whose term runs on past the word ("robot arm") where another
 * goal's term has already matched the word alone: the memo must take in
 * the next word for it too. */
static void test_memo_term_of_several_words(void **s)
{
	(void)s;
	char *dir = mini_config("goal,weight,fields,pattern\n"
				"G1,1,summary,\\brobot\\w*\n"
				"G2,1,summary,\\brobot arm\\b\n", "100000");
	eu_goals *g = eu_goals_load(dir);
	assert_non_null(g);
	const char *text = "robot arm, robot leg, robot arm";
	for (int round = 0; round < 2; round++) {
		char *got = run_all(g, text, strlen(text));
		if (!strstr(got, "G1;G2 |") || !strstr(got, "G1 summary@0+5:2;G2 summary@0+9:3;") ||
		    !strstr(got, "G1 summary@11+5:2;G1 summary@22+5:2;G2 summary@22+9:3;"))
			fail_msg("%s", got);
		free(got);
	}
	eu_goals_free(g);
	rm_config(dir);
}


/* The prefilter lets an upper-case prefix share its lower-case twin's
 * answers only when no term tells the cases apart.  A term that does
 * ((?-i), a property, a POSIX class) must still find its upper-case
 * words and skip the lower-case ones; the shipped terms, which fold,
 * must find upper-case and mixed-case words. */
static void test_prefilter_letter_case(void **s)
{
	(void)s;
	static const char *const terms[] = {
		"G1,1,summary,\\b(?-i:EUF)und\\w*\n",
		"G1,1,summary,\\b\\p{Lu}\\p{Lu}fund\\w*\n",
		"G1,1,summary,\\b[[:upper:]]{2}Fund\\w*\n",
	};
	for (size_t i = 0; i < sizeof terms / sizeof *terms; i++) {
		char spec[200];
		snprintf(spec, sizeof spec, "goal,weight,fields,pattern\n%sG2,1,summary,\\bgrøn\\w*\n", terms[i]);
		char *dir = mini_config(spec, "100000");
		eu_goals *g = eu_goals_load(dir);
		assert_non_null(g);
		const char *text = "EUFunds, Grønne EUfunds";
		char *got = run_all(g, text, strlen(text));
		if (!strstr(got, "G1 summary@0+7:") || !strstr(got, "G2 summary@9+"))
			fail_msg("term %zu: %s", i, got);
		if (i == 0 && strstr(got, "@16+"))
			fail_msg("term %zu matched the wrong case: %s", i, got);
		free(got);
		eu_goals_free(g);
		rm_config(dir);
	}
	static const char *const pairs[][2] = {
		{"ROBOTTEKNOLOGI i ÆLDREPLEJEN", "robotteknologi i ældreplejen"},
		{"CO2-Reduktion og KlimaTilpasning", "co2-reduktion og klimatilpasning"},
		{"LONG-TERM UNEMPLOYED YOUNG PEOPLE", "long-term unemployed young people"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		char *want = goals_of("summary", pairs[i][1]);
		if (!*want)
			fail_msg("\"%s\" serves no goal", pairs[i][1]);
		expect("summary", pairs[i][0], want);
		free(want);
	}
}

/* Words longer than the scan's blocks of 32 bytes and its look-ahead of
 * 32 more: where one starts, ends or runs through both, the boundaries
 * around it are found as in short text; with the AVX2 mask and the SSE2
 * one.  The long word cycles through every kind of word character, so
 * that each of them in turn stands next to a term. */
static void test_long_words(void **s)
{
	(void)s;
	static const char *const wc[] = {
		"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
		"t", "u", "v", "w", "x", "y", "z", "A", "M", "Z", "0", "5", "9", "_", "æ", "ø", "å", "Æ", "Ø",
		"Å", "é", "ü", "ß", "À", "ÿ",
	};
	const size_t nwc = sizeof wc / sizeof *wc;
	char text[400], want[200];
	eu_goals *shipped = G;
	setenv("EUPRIO_GOALS_NO_AVX2", "1", 1);
	eu_goals *sse2 = eu_goals_load(SRCDIR "/config");
	unsetenv("EUPRIO_GOALS_NO_AVX2");
	assert_non_null(sse2);
	char *alone = goals_of("summary", "klimaet");
	snprintf(want, sizeof want, "%s", alone);
	free(alone);
	for (int v = 0; v < 2; v++) {
		G = v ? sse2 : shipped;
		size_t k = 0;
		for (size_t pad = 0; pad < 70; pad += 3) {
			for (size_t len = 28; len < 140; len += 5) {
				/* pad spaces, a word of about len bytes, then " klimaet" */
				size_t at = pad;
				memset(text, ' ', pad);
				while (at < pad + len)
					for (const char *c = wc[k++ % nwc]; *c; c++)
						text[at++] = *c;
				strcpy(text + at, " klimaet");
				expect("summary", text, want);
				/* glued to the long word: no word start, no match (klima is
				 * not a compound row) */
				memmove(text + at, text + at + 1, strlen(text + at + 1) + 1);
				expect("summary", text, "");
				/* the term's word itself long: klima + the letters */
				memmove(text + pad, "klima", 5);
				expect("summary", text, want);
			}
		}
	}
	G = shipped;
	eu_goals_free(sse2);
}

/* A term of weight 0 shows where it matched but adds nothing (its words
 * are in the evidence once, like any term's); and the terms' evidence is
 * summed in term order whatever order the text hits them in. */
static void test_zero_weight_and_sum_order(void **s)
{
	(void)s;
	char *dir = mini_config("goal,weight,fields,pattern\n"
				"G1,0,summary,\\bnote\\b\n"
				"G1,1,summary,\\bkey\\b\n"
				"G2,0.1,summary,\\balpha\\b\n"
				"G2,0.2,summary,\\bbeta\\b\n"
				"G2,0.7,summary,\\bgamma\\b\n", "100000");
	eu_goals *g = eu_goals_load(dir);
	assert_non_null(g);
	const char *texts[] = {"note, key note and note", "alpha beta gamma", "gamma beta alpha", "beta gamma alpha"};
	char *first = NULL;
	for (size_t i = 0; i < 4; i++) {
		char *got = run_all(g, texts[i], strlen(texts[i]));
		if (i == 0 && !strstr(got, "| G1:2 | G1: note (summary), key (summary) |"))
			fail_msg("%s", got);
		/* strength, from the second '|' on to the third */
		char *st = strchr(strchr(got, '|') + 1, '|');
		if (i == 1)
			first = strndup(st, (size_t)(strchr(st + 1, '|') - st));
		else if (i > 1 && strncmp(st, first, strlen(first)) != 0)
			fail_msg("text %zu: %s against %s", i, st, first);
		free(got);
	}
	assert_non_null(strstr(first, "G2:2"));
	free(first);
	eu_goals_free(g);
	rm_config(dir);
}

/* A field's last bytes, and a short field's all, are classed in a
 * NUL-padded copy of 32 bytes: a term at every place in them, glued to a
 * word or not, before a cut-off character or a × at the very end. */
static void test_field_tails(void **s)
{
	(void)s;
	static const char *const ends[] = {"", " ", "\xc3", "\xc3\xa6", "\xc3\x97", "\xe2\x80", "!"};
	char text[120];
	for (size_t e = 0; e < sizeof ends / sizeof *ends; e++) {
		for (size_t o = 0; o < 40; o++) {
			memset(text, ' ', o);
			snprintf(text + o, sizeof text - o, "klima%s", ends[e]);
			expect("summary", text, "G8");      /* \bklima\w* */
			if (o) {
				text[o - 1] = 'x';
				expect("summary", text, "");
			}
		}
	}
}

/* Loading on several threads (the JIT compilations run in parallel)
 * gives a matcher that answers as the one loaded on one. */
static void test_load_on_threads(void **s)
{
	(void)s;
	static const char *const texts[] = {
		"Robotter og velfærdsteknologi i ældreplejen for langtidsledige unge",
		"long-term unemployed young people, climate adaptation and CO2-reduktion",
		"x robot, forældre, lungekræft, career managed",
	};
	for (unsigned jobs = 2; jobs <= 9; jobs += 7) {
		eu_goals *g = eu_goals_load_jobs(SRCDIR "/config", jobs);
		assert_non_null(g);
		for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
			same_answer(g, G, texts[i], strlen(texts[i]), "loaded on threads");
		eu_goals_free(g);
	}
}

/* A NUL among a word's first four bytes (the reader refuses such fields,
 * but the library takes any bytes): the prefilter judges it like any
 * other non-word byte. */
static void test_nul_after_word(void **s)
{
	(void)s;
	char *dir = mini_config("goal,weight,fields,pattern\nG1,1,summary,\\bab\\b\nG2,1,summary,\\bcd\n", "100000");
	eu_goals *g = eu_goals_load(dir);
	assert_non_null(g);
	static const struct { const char *t; size_t n; const char *want; } cases[] = {
		{"ab\0x", 4, "G1 summary@0+2"}, {"ab\0", 3, "G1 summary@0+2"}, {"x ab\0 yz", 8, "G1 summary@2+2"},
		{"cd\0\0", 4, "G2 summary@0+2"}, {"\0cd\0e", 5, "G2 summary@1+2"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = run_all(g, cases[i].t, cases[i].n);
		if (!strstr(got, cases[i].want))
			fail_msg("case %zu: %s", i, got);
		free(got);
	}
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
		cmocka_unit_test(test_memo_changes_nothing),
		cmocka_unit_test(test_memo_many_goals_at_one_place),
		cmocka_unit_test(test_memo_and_look_behind),
		cmocka_unit_test(test_memo_term_of_several_words),
		cmocka_unit_test(test_prefilter_letter_case),
		cmocka_unit_test(test_long_words),
		cmocka_unit_test(test_field_tails),
		cmocka_unit_test(test_load_on_threads),
		cmocka_unit_test(test_nul_after_word),
		cmocka_unit_test(test_zero_weight_and_sum_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
