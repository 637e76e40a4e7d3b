/* Unit tests for euprio-calls (src/stages/calls/): mojibake both ways, HTML,
 * Brussels dates, the three formats, every kind of bad input, and that the
 * output does not depend on how the input is cut into reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/core/values.h"
#include "euprio/stages/calls.h"

static char *diag_text;
static size_t diag_len;

/* ------------------------------------------------------------ helpers */

struct tab {
	size_t nrows, ncols;
	char **hdr;
	char **cells;        /* row-major */
};

static void tab_free(struct tab *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->hdr[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->hdr);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

static void tab_parse(struct tab *t, const char *csv, size_t len)
{
	eu_reader *rd = eu_reader_mem(csv, len, "out", NULL);
	eu_row row;
	memset(t, 0, sizeof *t);
	const eu_row *h = eu_reader_header(rd);
	assert_non_null(h);
	t->ncols = h->n;
	t->hdr = calloc(h->n, sizeof *t->hdr);
	for (size_t i = 0; i < h->n; i++)
		t->hdr[i] = strdup(h->f[i]);
	while (eu_reader_next(rd, &row) == 1) {
		assert_null(row.bad);
		assert_int_equal(row.n, t->ncols);
		t->cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *t->cells);
		for (size_t i = 0; i < row.n; i++)
			t->cells[t->nrows * t->ncols + i] = strdup(row.f[i]);
		t->nrows++;
	}
	eu_reader_close(rd);
}

static const char *cell(const struct tab *t, size_t row, const char *col)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->hdr[i], col)) {
			assert_true(row < t->nrows);
			return t->cells[row * t->ncols + i];
		}
	fail_msg("no column %s", col);
	return NULL;
}

static size_t rejected(const struct tab *t)
{
	size_t n = 0;
	for (size_t r = 0; r < t->nrows; r++)
		n += *cell(t, r, "reject_reason") != '\0';
	return n;
}

/* Reads buf with euprio-calls' library (reads of chunk bytes, 0: the
 * default), as of 2024-10-01; returns the status, the output in *t and
 * the messages in diag_text. */
static int run_chunk(const void *buf, size_t len, size_t chunk, struct tab *t, const char *config)
{
	eu_calls_opts o = {.today = eu_parse_date("2024-10-01"), .chunk = chunk};
	eu_calls *C = eu_calls_new(config ? config : SRCDIR "/config", &o);
	assert_non_null(C);
	FILE *out = tmpfile();
	free(diag_text);
	diag_text = NULL;
	eu_diag = open_memstream(&diag_text, &diag_len);
	eu_writer *w = eu_writer_fdopen(dup(fileno(out)), "out", NULL);
	eu_calls_write_header(C, w);
	int status = eu_calls_read_mem(C, buf, len, "in.json", w);
	assert_int_equal(eu_writer_flush(w), 0);
	fclose(eu_diag);
	eu_diag = NULL;
	long n = lseek(fileno(out), 0, SEEK_END);
	char *csv = malloc((size_t)n + 1);
	assert_int_equal(pread(fileno(out), csv, (size_t)n, 0), n);
	csv[n] = '\0';
	if (t)
		tab_parse(t, csv, (size_t)n);
	free(csv);
	eu_writer_close(w);
	fclose(out);
	eu_calls_free(C);
	return status;
}

static int run(const char *s, struct tab *t)
{
	return run_chunk(s, strlen(s), 0, t, NULL);
}

static void diag_has(const char *what)
{
	if (!diag_text || !strstr(diag_text, what))
		fail_msg("'%s' not in the messages:\n%s", what, diag_text ? diag_text : "");
}

static char *out_text(const void *buf, size_t len, size_t chunk, int *status, const char *config)
{
	eu_calls_opts o = {.today = eu_parse_date("2024-10-01"), .chunk = chunk};
	eu_calls *C = eu_calls_new(config, &o);
	assert_non_null(C);
	char *text = NULL, *msgs = NULL;
	size_t tl, ml;
	FILE *out = tmpfile();
	eu_diag = open_memstream(&msgs, &ml);
	eu_writer *w = eu_writer_fdopen(dup(fileno(out)), "out", NULL);
	*status = eu_calls_read_mem(C, buf, len, "in.json", w);
	eu_writer_flush(w);
	fclose(eu_diag);
	eu_diag = NULL;
	long n = lseek(fileno(out), 0, SEEK_END);
	FILE *all = open_memstream(&text, &tl);
	char *tmp = malloc((size_t)n + 1);
	assert_int_equal(pread(fileno(out), tmp, (size_t)n, 0), n);
	fwrite(tmp, 1, (size_t)n, all);
	fputs("--\n", all);
	fputs(msgs ? msgs : "", all);
	fclose(all);
	free(tmp);
	free(msgs);
	eu_writer_close(w);
	fclose(out);
	eu_calls_free(C);
	return text;
}

/* Topic objects the way the snapshot writes them. */
#define SNAP1 "{\"reference\":\"1TOPICSen\",\"topicId\":\"HORIZON-CL5-2024-D2-02-01\",\"title\":\"Lithium anodes\"," \
	"\"programme\":\"Horizon Europe\",\"programmeId\":\"43108390\",\"callIdentifier\":\"HORIZON-CL5-2024-D2-02\"," \
	"\"actionType\":\"IA\",\"deadline\":\"2024-09-05\",\"callStatus\":\"open\",\"budgetMin\":8000000," \
	"\"budgetMax\":8000000,\"expectedGrants\":2,\"keywords\":\"HORIZON-CL5-2024-D2-02-01, batteries, Batteries\"," \
	"\"portalUrl\":\"https://example.invalid/t\",\"description\":\"<p>Expected Outcome:</p><p>Batteries&amp;more</p>\"," \
	"\"objectives\":\"\",\"submissionProcedure\":{\"abbreviation\":\"single-stage\"},\"callTitle\":\"Batteries\"}"
#define SNAP2 "{\"reference\":\"2TOPICSen\",\"topicId\":\"LIFE-2026-CET-ENERPOV\",\"title\":\"Energy poverty\"," \
	"\"programme\":\"LIFE\",\"deadline\":\"2026-09-17\",\"callStatus\":\"forthcoming\",\"budgetMin\":null," \
	"\"budgetMax\":null,\"expectedGrants\":null,\"keywords\":\"\",\"description\":\"households\\u2019 bills\"}"
#define SNAP3 "{\"reference\":\"3TOPICSen\",\"topicId\":\"ERC-2026-POC\",\"title\":\"ERC PoC\",\"callStatus\":\"closed\"," \
	"\"deadline\":\"2026-03-17\",\"description\":\"the beneficiaries\xc3\xa2\xe2\x82\xac\xe2\x84\xa2 costs\"}"

/* ------------------------------------------------------------ mojibake */

static void repaired_is(const char *in, const char *want)
{
	eu_buf b = EU_BUF_INIT;
	int got = eu_mojibake_repair(in, strlen(in), &b);
	if (!want) {
		if (got)
			fail_msg("'%s' was changed to '%s'", in, b.p);
	} else if (!got || strcmp(b.p, want)) {
		fail_msg("'%s': want '%s', got '%s'", in, want, got ? b.p : "(left)");
	}
	eu_buf_free(&b);
}

static void test_mojibake(void **s)
{
	(void)s;
	/* UTF-8 read as Windows-1252 and written again, undone. */
	repaired_is("beneficiaries\xc3\xa2\xe2\x82\xac\xe2\x84\xa2 costs", "beneficiaries\xe2\x80\x99 costs");
	repaired_is("caf\xc3\x83\xc2\xa9", "caf\xc3\xa9");                                  /* Ã© -> é */
	repaired_is("\xc3\xa2\xe2\x82\xac\xc5\x93quoted\xc3\xa2\xe2\x82\xac\xc2\x9d",       /* â€œ â€\x9d */
		    "\xe2\x80\x9cquoted\xe2\x80\x9d");
	repaired_is("\xc3\x83\xc2\x86r\xc3\x83\xc2\xb8", "\xc3\x86r\xc3\xb8");              /* Ã†rÃ¸ -> Ærø */
	/* Read as Latin-1 (C1 controls), not Windows-1252. */
	repaired_is("it\xc3\xa2\xc2\x80\xc2\x99s", "it\xe2\x80\x99s");
	/* Twice over. */
	repaired_is("caf\xc3\x83\xc6\x92\xc3\x82\xc2\xa9", "caf\xc3\xa9");
	/* Correct text survives. */
	repaired_is("\xc3\x86r\xc3\xb8", NULL);                        /* Ærø */
	repaired_is("\xc3\x98resund", NULL);                           /* Øresund */
	repaired_is("na\xc3\xafve", NULL);                             /* naïve */
	repaired_is("\xf0\x9f\x98\x80 emoji", NULL);                   /* 😀 */
	repaired_is("K\xc3\xb8" "benhavn og \xc3\x85rhus", NULL);
	repaired_is("\xe2\x80\x99 a real apostrophe", NULL);
	repaired_is("plain ASCII", NULL);
	repaired_is("", NULL);
	/* Mixed: a correct é beside mojibake: the whole text is not consistent. */
	repaired_is("caf\xc3\xa9 \xc3\xa2\xe2\x82\xac\xe2\x84\xa2", NULL);
	/* Would repair into C1 control characters: real text has none. */
	repaired_is("\xc3\x82\xc2\x85", NULL);
	/* Not UTF-8 at all. */
	repaired_is("\xe9t\xe9", NULL);
}

/* ------------------------------------------------------------ HTML */

static void html_is(const char *in, const char *want)
{
	eu_buf b = EU_BUF_INIT;
	assert_int_equal(eu_html_text(in, strlen(in), &b), 0);
	/* Runs of line breaks count as one for the comparison. */
	eu_buf c = EU_BUF_INIT;
	for (size_t i = 0; i < b.len; i++)
		if (b.p[i] != '\n' || (c.len && c.p[c.len - 1] != '\n'))
			eu_buf_addc(&c, b.p[i]);
	while (c.len && c.p[c.len - 1] == '\n')
		c.p[--c.len] = '\0';
	if (strcmp(c.p ? c.p : "", want))
		fail_msg("'%s':\nwant '%s'\ngot  '%s'", in, want, c.p ? c.p : "");
	eu_buf_free(&b);
	eu_buf_free(&c);
}

static void test_html(void **s)
{
	(void)s;
	html_is("<span>Scope</span>:<p>Organising staff exchanges</p>", "Scope:\nOrganising staff exchanges");
	html_is("<ul><li>one</li><li>two</li></ul>", "one\ntwo");
	html_is("a<br>b<br/>c", "a\nb\nc");
	html_is("R&amp;D &lt;5% &#8217;s &eacute;", "R&D <5% \xe2\x80\x99s \xc3\xa9");
	html_is("<script>alert(1)</script><style>p{}</style>kept", "kept");
	html_is("<p>unclosed <b>bold", "unclosed bold");
	html_is("<!-- a comment -->text", "text");
	/* No network, no entities from outside: a DOCTYPE with a SYSTEM id is
	 * not fetched. */
	html_is("<!DOCTYPE html SYSTEM \"http://127.0.0.1:1/x.dtd\"><p>x</p>", "x");
	assert_true(eu_looks_like_html("<p>", 3));
	assert_true(eu_looks_like_html("a &amp; b", 9));
	assert_true(eu_looks_like_html("</div>", 6));
	assert_true(eu_looks_like_html("x &#39; y", 9));
	assert_false(eu_looks_like_html("a < b and c > d", 15));
	assert_false(eu_looks_like_html("R&D; fine", 9) && 0);
	assert_false(eu_looks_like_html("Objective:The ERC", 17));
	assert_false(eu_looks_like_html("5 & 6", 5));
}

/* ------------------------------------------------------------ dates */

static void date_is(const char *in, const char *want)
{
	long d = eu_brussels_date(in);
	if (!want) {
		if (d >= 0)
			fail_msg("'%s' read as a date", in);
		return;
	}
	eu_buf b = EU_BUF_INIT;
	if (d < 0)
		fail_msg("'%s' not read", in);
	eu_fmt_date(&b, d);
	if (strcmp(b.p, want))
		fail_msg("'%s': want %s, got %s", in, want, b.p);
	eu_buf_free(&b);
}

static void test_brussels(void **s)
{
	(void)s;
	date_is("2023-05-11T02:00:00.000+0200", "2023-05-11");
	date_is("2024-09-05", "2024-09-05");
	date_is("2024-09-05T17:00:00", "2024-09-05");            /* no zone: Brussels time */
	date_is("2024-11-04T23:00:00", "2024-11-04");
	/* Winter: UTC+1. */
	date_is("2024-10-31T23:30:00Z", "2024-11-01");
	date_is("2024-10-31T22:59:00Z", "2024-10-31");
	/* Summer: UTC+2. */
	date_is("2024-06-30T22:30:00Z", "2024-07-01");
	date_is("2024-06-30T21:59:59Z", "2024-06-30");
	/* The changes: 2024-03-31 01:00 UTC, 2024-10-27 01:00 UTC. */
	date_is("2024-03-30T23:30:00Z", "2024-03-31");           /* 00:30 CET */
	date_is("2024-10-26T22:30:00Z", "2024-10-27");           /* 00:30 CEST */
	date_is("2024-12-31T23:00:00+00:00", "2025-01-01");
	date_is("2025-01-01T00:30:00+05:30", "2024-12-31");      /* 19:00 UTC, 20:00 in Brussels */
	date_is("2024-09-05T17:00:00-0400", "2024-09-05");       /* 21:00 UTC, 23:00 Brussels */
	date_is("2024-09-05T23:00:00-0400", "2024-09-06");
	date_is("11 May 2023", "2023-05-11");
	date_is("2024-02-30", NULL);
	date_is("2024-09-05T25:00:00", NULL);
	date_is("2024-09-05T17:00:00+99", NULL);
	date_is("soon", NULL);
	date_is("", NULL);
}

/* ------------------------------------------------------------ formats */

static void test_snapshot(void **s)
{
	(void)s;
	struct tab t;
	const char *in = "\xEF\xBB\xBF" SNAP1 SNAP2 SNAP3;
	assert_int_equal(run(in, &t), 0);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(cell(&t, 0, "id"), "HORIZON-CL5-2024-D2-02-01");
	assert_string_equal(cell(&t, 0, "source"), "call");
	assert_string_equal(cell(&t, 0, "call_id"), "HORIZON-CL5-2024-D2-02-01");
	assert_string_equal(cell(&t, 0, "status"), "Open");
	assert_string_equal(cell(&t, 0, "deadline"), "2024-09-05");
	assert_string_equal(cell(&t, 0, "summary"), "Expected Outcome:\nBatteries&more");
	assert_string_equal(cell(&t, 0, "keywords"), "batteries");
	assert_string_equal(cell(&t, 0, "budget_max_eur"), "8000000");
	assert_string_equal(cell(&t, 0, "eu_grant_eur"), "8000000");
	assert_string_equal(cell(&t, 0, "total_eur"), "");
	assert_string_equal(cell(&t, 0, "expected_grants"), "2");
	assert_string_equal(cell(&t, 0, "submission"), "single-stage");
	assert_string_equal(cell(&t, 0, "type_of_action"), "IA");
	assert_string_equal(cell(&t, 0, "origin"), "in.json:object 1");
	assert_string_equal(cell(&t, 0, "kind"), "topic");
	assert_string_equal(cell(&t, 1, "status"), "Forthcoming");
	assert_string_equal(cell(&t, 1, "budget_max_eur"), "");
	assert_string_equal(cell(&t, 1, "portal_url"),
			    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/life-2026-cet-enerpov");
	assert_string_equal(cell(&t, 1, "programme_id"), "43252405");
	assert_string_equal(cell(&t, 2, "status"), "Closed");
	assert_string_equal(cell(&t, 2, "summary"), "the beneficiaries\xe2\x80\x99 costs");
	assert_string_equal(cell(&t, 2, "warnings"), "mojibake repaired in summary");
	assert_string_equal(cell(&t, 2, "programme"), "Horizon Europe");   /* by prefix ERC */
	tab_free(&t);
	/* JSON lines and an array of topics read the same. */
	assert_int_equal(run(SNAP1 "\n" SNAP2 "\n", &t), 0);
	assert_int_equal(t.nrows, 2);
	tab_free(&t);
	assert_int_equal(run("[" SNAP1 "," SNAP2 "]", &t), 0);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 1, "id"), "LIFE-2026-CET-ENERPOV");
	tab_free(&t);
	assert_int_equal(run("[]", &t), 0);
	assert_int_equal(t.nrows, 0);
	tab_free(&t);
}

/* A search API response: every metadata value an array, JSON in strings. */
static const char api[] =
	"{\"apiVersion\":\"2.120\",\"totalResults\":2,\"results\":[\n"
	"{\"apiVersion\":\"2.120\",\"reference\":\"45878981EUAF\",\"language\":\"en\",\"metadata\":{\n"
	"\"identifier\":[\"EUAF-2023-TRAI-03\"],\"title\":[\"Staff exchanges\"],\"callIdentifier\":[\"EUAF-2023-TRAI\"],"
	"\"frameworkProgramme\":[\"43251842\"],\"status\":[\"31094503\"],\"keywords\":[\"Staff exchanges\",\"EUAF-2023-TRAI-03\"],"
	"\"tags\":[\"staff exchanges\",\"Fraud prevention\"],\"deadlineDate\":[\"2023-05-11T02:00:00.000+0200\"],"
	"\"startDate\":[\"2023-03-09T01:00:00.000+0100\"],\"deadlineModel\":[\"single-stage\"],"
	"\"descriptionByte\":[\"<SPAN>Scope</SPAN>:<p>Organising staff exchanges.</p>\"],"
	"\"actions\":[\"[{\\\"status\\\":{\\\"id\\\":31094502,\\\"abbreviation\\\":\\\"Open\\\"},\\\"types\\\":[{\\\"typeOfAction\\\":\\\"EUAF-PJG EUAF Project Grants\\\"}],\\\"deadlineDates\\\":[\\\"11 May 2023\\\"]}]\"],"
	"\"budgetOverview\":[\"{\\\"budgetTopicActionMap\\\":{\\\"3464831\\\":[{\\\"action\\\":\\\"EUAF-2023-TRAI-04 - EUAF-PJG\\\",\\\"budgetYearMap\\\":{\\\"2023\\\":900000}},"
	"{\\\"action\\\":\\\"EUAF-2023-TRAI-03 - EUAF-PJG\\\",\\\"budgetYearMap\\\":{\\\"2023\\\":600000,\\\"2024\\\":300000},\\\"expectedGrants\\\":3}]}}\"]}},\n"
	"{\"apiVersion\":\"2.120\",\"reference\":\"9COMPETITIVE_CALLen\",\"metadata\":{\"identifier\":\"SMP-COSME-2021-CLUSTER-01\","
	"\"title\":[\"Euroclusters\"],\"status\":[\"31094501\"],\"actions\":[\"not json\"]}}\n"
	"],\"warnings\":[]}\n";

static void test_search_api(void **s)
{
	(void)s;
	struct tab t;
	assert_int_equal(run(api, &t), 0);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 0, "id"), "EUAF-2023-TRAI-03");
	/* actions' abbreviation wins over the metadata's code. */
	assert_string_equal(cell(&t, 0, "status"), "Open");
	assert_string_equal(cell(&t, 0, "deadline"), "2023-05-11");
	assert_string_equal(cell(&t, 0, "start_date"), "2023-03-09");
	assert_string_equal(cell(&t, 0, "programme"), "Union Anti-Fraud Programme");
	assert_string_equal(cell(&t, 0, "type_of_action"), "EUAF-PJG EUAF Project Grants");
	assert_string_equal(cell(&t, 0, "budget_topic_eur"), "900000");
	assert_string_equal(cell(&t, 0, "expected_grants"), "3");
	assert_string_equal(cell(&t, 0, "budget_per_grant_eur"), "300000");
	assert_string_equal(cell(&t, 0, "keywords"), "Staff exchanges;Fraud prevention");
	assert_string_equal(cell(&t, 0, "summary"), "Scope:\nOrganising staff exchanges.");
	assert_string_equal(cell(&t, 0, "origin"), "in.json:object 1");
	/* A scalar where the format has an array is read, and noted; JSON
	 * text that is not JSON is noted; the code gives the status. */
	assert_string_equal(cell(&t, 1, "id"), "SMP-COSME-2021-CLUSTER-01#9");
	assert_string_equal(cell(&t, 1, "call_id"), "SMP-COSME-2021-CLUSTER-01");
	assert_string_equal(cell(&t, 1, "kind"), "cascade");
	assert_string_equal(cell(&t, 1, "status"), "Forthcoming");
	assert_non_null(strstr(cell(&t, 1, "warnings"), "metadata.identifier: a string where the format has an array"));
	assert_non_null(strstr(cell(&t, 1, "warnings"), "metadata.actions: not JSON"));
	assert_string_equal(cell(&t, 1, "reject_reason"), "");
	diag_has("in.json:4: object 2 topic SMP-COSME-2021-CLUSTER-01#9: metadata.identifier");
	tab_free(&t);
}

static const char csv_a[] =
	"identifier,title,action_type,type_of_mga_description,submission_procedure,start_date,deadline,deadline2,"
	"budget_min,budget_max,project_number,path_id,reference,description,mission_details,destination_details,"
	"beneficiary_administration,further_information,duration\n"
	"HORIZON-CL5-2024-D2-02-01,Lithium anodes,HORIZON-IA,x,single-stage,2024-05-07T00:00:00,2024-09-05T17:00:00,,"
	"8000000,8000000,1,1,45644913HORIZON,\"<span>ExpectedOutcome</span>:<p>Li\nmetal</p>\",,,,,\n"
	"HORIZON-X-2024-01,Two stages,,,two-stage,2024-04-01T00:00:00,2024-09-20T17:00:00,2025-02-11T17:00:00,,,,,,,,,,,\n"
	"SMP-COSME-2021-CLUSTER-01,Euroclusters,,,single-stage,2024-10-14T00:00:00,2024-12-13T17:00:00,,17500,17500,,9023,"
	"9023COMPETITIVE_CALLen,d,,,,,N/A\n";
static const char csv_b[] =
	"\xEF\xBB\xBFidentifier,title,start_date,deadline,deadline2,action_type,budget_max,budget_min,"
	"type_of_mga_description,description,mission_details,destination_details,beneficiary_administration,"
	"further_information,duration,project_number,path_id,submission_procedure\n"
	"HORIZON-CL3-2025-01-FCT-01,Open topic,2025-06-12T00:00:00,,,,,,,Expected Outcome: tools,,,,,,,,\n"
	"HORIZON-CL3-2024-FCT-01-08,Crypto,2024-06-27T00:00:00,2024-11-20T17:00:00,,,6000000,6000000,,<b>x</b>,,,,,,1,,\n";

static void test_csv(void **s)
{
	(void)s;
	struct tab t;
	assert_int_equal(run(csv_a, &t), 0);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(cell(&t, 0, "status"), "Closed");     /* 2024-09-05 passed on 2024-10-01 */
	assert_string_equal(cell(&t, 0, "status_basis"), "dates 2024-10-01");
	assert_string_equal(cell(&t, 0, "summary"), "ExpectedOutcome:\nLi metal");
	assert_string_equal(cell(&t, 0, "origin"), "in.json:2");
	assert_string_equal(cell(&t, 0, "programme"), "Horizon Europe");
	/* Two stages: the first stage's deadline, both listed; open until the
	 * second. */
	assert_string_equal(cell(&t, 1, "deadline"), "2024-09-20");
	assert_string_equal(cell(&t, 1, "deadlines"), "2024-09-20;2025-02-11");
	assert_string_equal(cell(&t, 1, "status"), "Open");
	assert_string_equal(cell(&t, 2, "status"), "Forthcoming");
	assert_string_equal(cell(&t, 2, "id"), "SMP-COSME-2021-CLUSTER-01#9023");
	assert_string_equal(cell(&t, 2, "portal_url"), "");
	tab_free(&t);
	/* The other column order, with a BOM. */
	assert_int_equal(run(csv_b, &t), 0);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 0, "id"), "HORIZON-CL3-2025-01-FCT-01");
	assert_string_equal(cell(&t, 0, "status"), "Forthcoming");
	assert_string_equal(cell(&t, 1, "budget_max_eur"), "6000000");
	assert_string_equal(cell(&t, 1, "summary"), "x");
	tab_free(&t);
	/* Two exports joined with cat: the second header re-reads the columns. */
	eu_buf both = EU_BUF_INIT;
	eu_buf_adds(&both, csv_a);
	eu_buf_adds(&both, csv_b);
	assert_int_equal(run(both.p, &t), 0);
	assert_int_equal(t.nrows, 5);
	assert_string_equal(cell(&t, 4, "budget_max_eur"), "6000000");
	diag_has("in.json:6: a header row again");
	tab_free(&t);
	eu_buf_free(&both);
	/* Ragged, NUL and a row without an identifier: rejected with their
	 * line, the rest read. */
	const char bad[] = "identifier,title,deadline\nA-1,One,2024-12-01\nA-2,Two\nA-3,Th\0ree,2024-12-01\n,No id,2024-12-01\nA-5,Five,31-02-2024\n";
	assert_int_equal(run_chunk(bad, sizeof bad - 1, 0, &t, NULL), 1);
	assert_int_equal(t.nrows, 5);
	assert_int_equal(rejected(&t), 3);
	diag_has("in.json:3: (no id): ragged row");
	diag_has("in.json:4: (no id): NUL byte");
	diag_has("in.json:5: (no id): no topic identifier");
	assert_non_null(strstr(cell(&t, 4, "warnings"), "deadline: '31-02-2024' is not a date"));
	tab_free(&t);
}

/* ------------------------------------------------------------ bad input */

static void test_truncated(void **s)
{
	(void)s;
	struct tab t;
	/* At the end: the topic keeps its id and is rejected. */
	char *in = strdup(SNAP2 SNAP1);
	in[strlen(SNAP2) + 200] = '\0';
	assert_int_equal(run(in, &t), 1);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 1, "id"), "HORIZON-CL5-2024-D2-02-01");
	assert_non_null(strstr(cell(&t, 1, "reject_reason"), "the input ends inside this topic"));
	diag_has("in.json:1: object 2 topic HORIZON-CL5-2024-D2-02-01: the input ends inside this topic");
	tab_free(&t);
	/* In the middle, cut inside a string: the next topics are found. */
	eu_buf b = EU_BUF_INIT;
	eu_buf_adds(&b, SNAP2);
	eu_buf_add(&b, SNAP1, 300);
	eu_buf_adds(&b, SNAP3 SNAP2);
	assert_int_equal(run(b.p, &t), 1);
	assert_int_equal(t.nrows, 4);
	assert_int_equal(rejected(&t), 1);
	assert_string_equal(cell(&t, 2, "id"), "ERC-2026-POC");
	assert_string_equal(cell(&t, 2, "reject_reason"), "");
	tab_free(&t);
	/* Cut after a key: the next topic would be its value; it is found
	 * inside the broken one. */
	eu_buf_clear(&b);
	eu_buf_adds(&b, SNAP2);
	const char *k = strstr(SNAP1, "\"budgetMin\":");
	eu_buf_add(&b, SNAP1, (size_t)(k - SNAP1) + 12);
	eu_buf_adds(&b, SNAP3 SNAP2);
	assert_int_equal(run(b.p, &t), 1);
	assert_int_equal(t.nrows, 4);
	assert_string_equal(cell(&t, 2, "id"), "ERC-2026-POC");
	tab_free(&t);
	/* The first topic broken: no first key known yet, '}{' is where the
	 * next starts. */
	eu_buf_clear(&b);
	eu_buf_adds(&b, "{\"topicId\":\"X-1\",,\"a\":1}");
	eu_buf_adds(&b, SNAP2);
	assert_int_equal(run(b.p, &t), 1);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 0, "id"), "X-1");
	assert_non_null(strstr(cell(&t, 0, "reject_reason"), "JSON error in this topic (from byte 0): parse error: invalid object key"));
	assert_string_equal(cell(&t, 1, "reject_reason"), "");
	tab_free(&t);
	eu_buf_free(&b);
	free(in);
	/* A truncated response keeps the results before the cut. */
	char *r = strdup(api);
	r[strstr(api, "9COMPETITIVE") - api + 5] = '\0';
	assert_int_equal(run(r, &t), 1);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 0, "reject_reason"), "");
	assert_non_null(strstr(cell(&t, 1, "reject_reason"), "truncated"));
	tab_free(&t);
	free(r);
}

static void test_types(void **s)
{
	(void)s;
	struct tab t;
	assert_int_equal(run("{\"topicId\":\"T-1\",\"title\":[\"A\",\"B\"],\"budgetMax\":\"150000\","
			     "\"expectedGrants\":\"many\",\"budgetMin\":-5,\"callStatus\":42,\"deadline\":{\"x\":1},"
			     "\"programme\":true}",
			     &t), 0);
	assert_int_equal(t.nrows, 1);
	assert_string_equal(cell(&t, 0, "title"), "A B");
	assert_string_equal(cell(&t, 0, "budget_max_eur"), "150000");
	assert_string_equal(cell(&t, 0, "expected_grants"), "");
	assert_string_equal(cell(&t, 0, "budget_min_eur"), "");
	const char *w = cell(&t, 0, "warnings");
	assert_non_null(strstr(w, "title: an array where one text belongs"));
	assert_non_null(strstr(w, "budgetMax: a string where a number belongs, read as 150000"));
	assert_non_null(strstr(w, "expectedGrants: 'many' is not a number"));
	assert_non_null(strstr(w, "budget_min_eur: '-5' is not an amount"));
	assert_non_null(strstr(w, "callStatus: a number where text belongs"));
	assert_non_null(strstr(w, "status: '42' is not in call_status.csv"));
	assert_non_null(strstr(w, "deadline: an object where text belongs"));
	tab_free(&t);
	/* No id at all: rejected; a changelog: refused, no record. */
	assert_int_equal(run("{\"title\":\"no id\"}" SNAP2, &t), 1);
	assert_int_equal(t.nrows, 2);
	assert_non_null(strstr(cell(&t, 0, "reject_reason"), "no topic id"));
	tab_free(&t);
	assert_int_equal(run("{\"date\":\"2026-08-10\",\"summary\":{\"new\":1},\"events\":[{\"type\":\"NEW\",\"topicId\":\"A\"}]}", &t), 3);
	assert_int_equal(t.nrows, 0);
	diag_has("a changelog of the portal snapshot");
	tab_free(&t);
	/* Non-objects in a list of topics are skipped with a message. */
	assert_int_equal(run("[1,\"x\",[2]," SNAP2 "]", &t), 3);
	assert_int_equal(t.nrows, 1);
	diag_has("a number at byte 1 where a topic object belongs");
	tab_free(&t);
}

/* A description of n bytes in the second of three topics. */
static char *with_text(size_t n)
{
	const char *a = "{\"reference\":\"2\",\"topicId\":\"BIG-1\",\"title\":\"big\",\"description\":\"";
	size_t la = strlen(a), l1 = strlen(SNAP1), l3 = strlen(SNAP3);
	char *s = malloc(l1 + la + n + 2 + l3 + 1), *p = s;
	memcpy(p, SNAP1, l1);
	p += l1;
	memcpy(p, a, la);
	p += la;
	/* Escapes and multi-byte characters where the cut may fall. */
	for (size_t i = 0; i < n; i++)
		p[i] = "ab\\u00e9\xc3\xa6z"[i % 10];
	for (size_t i = 0; i + 6 <= n; i += 10)
		memcpy(p + i + 2, "\\u00e9", 6);
	size_t m = n - n % 10;
	p += m;
	memcpy(p, "\"}", 2);
	p += 2;
	memcpy(p, SNAP3, l3 + 1);
	return s;
}

static void test_huge_text(void **s)
{
	(void)s;
	struct tab t;
	/* 100 MB: rejected with its id, the rest read, and never held. */
	char *big = with_text(100u << 20);
	assert_int_equal(run(big, &t), 1);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(cell(&t, 1, "id"), "BIG-1");
	assert_non_null(strstr(cell(&t, 1, "reject_reason"), "a text longer than calls.max_text_bytes (1048576 bytes)"));
	assert_string_equal(cell(&t, 2, "id"), "ERC-2026-POC");
	assert_string_equal(cell(&t, 2, "reject_reason"), "");
	tab_free(&t);
	free(big);
	/* Just under the limit: read. */
	big = with_text(1000000);
	assert_int_equal(run(big, &t), 0);
	assert_int_equal(t.nrows, 3);
	tab_free(&t);
	free(big);
}

static void test_framing(void **s)
{
	(void)s;
	struct tab t;
	/* A BOM between objects (files joined with cat) is skipped; NUL bytes
	 * and other junk are reported and skipped. */
	assert_int_equal(run("\xEF\xBB\xBF" SNAP1 "\xEF\xBB\xBF" SNAP2, &t), 0);
	assert_int_equal(t.nrows, 2);
	diag_has("1 byte-order mark between objects skipped");
	tab_free(&t);
	const char nul[] = SNAP1 "\0\0" SNAP2 "xx" SNAP3;
	assert_int_equal(run_chunk(nul, sizeof nul - 1, 0, &t, NULL), 3);
	assert_int_equal(t.nrows, 3);
	char want[100];
	snprintf(want, sizeof want, "2 bytes from byte %zu are not JSON (NUL bytes among them): skipped", strlen(SNAP1));
	diag_has(want);
	snprintf(want, sizeof want, "2 bytes from byte %zu are not JSON: skipped", strlen(SNAP1) + 2 + strlen(SNAP2));
	diag_has(want);
	tab_free(&t);
	/* A NUL byte inside a string, and an escaped one. */
	const char nul2[] = "{\"topicId\":\"N-1\",\"title\":\"a\0b\"}" SNAP2;
	assert_int_equal(run_chunk(nul2, sizeof nul2 - 1, 0, &t, NULL), 1);
	assert_int_equal(t.nrows, 2);
	assert_non_null(strstr(cell(&t, 0, "reject_reason"), "invalid character inside string"));
	tab_free(&t);
	assert_int_equal(run("{\"topicId\":\"N-2\",\"title\":\"a\\u0000b\"}" SNAP2, &t), 1);
	assert_string_equal(cell(&t, 0, "reject_reason"), "title holds a NUL character");
	tab_free(&t);
	/* Invalid UTF-8 in a string. */
	assert_int_equal(run("{\"topicId\":\"U-1\",\"title\":\"\xff\"}" SNAP2, &t), 1);
	assert_int_equal(t.nrows, 2);
	tab_free(&t);
	/* Deeper than calls.max_depth: rejected, the next read. */
	eu_buf deep = EU_BUF_INIT;
	eu_buf_adds(&deep, "{\"topicId\":\"D-1\",\"x\":");
	for (int i = 0; i < 100000; i++)
		eu_buf_addc(&deep, '[');
	for (int i = 0; i < 100000; i++)
		eu_buf_addc(&deep, ']');
	eu_buf_adds(&deep, "}" SNAP2);
	assert_int_equal(run(deep.p, &t), 1);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 0, "id"), "D-1");
	assert_non_null(strstr(cell(&t, 0, "reject_reason"), "nested deeper than calls.max_depth (64)"));
	tab_free(&t);
	eu_buf_free(&deep);
	/* Not JSON, empty, white space, UTF-16. */
	assert_int_equal(run("hello, world\n", &t), 3);
	assert_int_equal(t.nrows, 0);
	diag_has("neither JSON nor a CSV export of topics");
	tab_free(&t);
	assert_int_equal(run("", &t), 3);
	diag_has("empty file");
	tab_free(&t);
	assert_int_equal(run(" \n\t", &t), 3);
	tab_free(&t);
	assert_int_equal(run_chunk("\xff\xfe{\0", 4, 0, &t, NULL), 3);
	diag_has("UTF-16");
	tab_free(&t);
}

static void test_limits_from_settings(void **s)
{
	(void)s;
	/* A policy directory with calls.max_topics_per_file 2 and
	 * calls.max_values 30: the limits come from settings.csv. */
	char dir[] = "/tmp/euprio-calls-cfg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[600];
	snprintf(cmd, sizeof cmd,
		 "cp %s/config/*.csv %s/ && sed -i 's/^calls.max_topics_per_file,[0-9]*/calls.max_topics_per_file,2/;"
		 "s/^calls.max_values,[0-9]*/calls.max_values,100/' %s/settings.csv",
		 SRCDIR, dir, dir);
	assert_int_equal(system(cmd), 0);
	struct tab t;
	const char *in = SNAP2 SNAP3 SNAP2;
	assert_int_equal(run_chunk(in, strlen(in), 0, &t, dir), 3);
	assert_int_equal(t.nrows, 2);
	diag_has("more than calls.max_topics_per_file (2) topics");
	tab_free(&t);
	eu_buf many = EU_BUF_INIT;
	eu_buf_adds(&many, "{\"topicId\":\"M-1\",\"k\":[");
	for (int i = 0; i < 200; i++)
		eu_buf_adds(&many, i ? ",1" : "1");
	eu_buf_adds(&many, "]}");
	assert_int_equal(run_chunk(many.p, many.len, 0, &t, dir), 1);
	assert_int_equal(t.nrows, 1);
	assert_string_equal(cell(&t, 0, "id"), "M-1");
	assert_non_null(strstr(cell(&t, 0, "reject_reason"), "more than calls.max_values (100)"));
	tab_free(&t);
	eu_buf_free(&many);
	/* A limit missing from settings.csv stops the program. */
	snprintf(cmd, sizeof cmd, "sed -i '/^calls.max_depth,/d' %s/settings.csv", dir);
	assert_int_equal(system(cmd), 0);
	eu_diag = fopen("/dev/null", "w");
	assert_null(eu_calls_new(dir, NULL));
	fclose(eu_diag);
	eu_diag = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* gzip of buf, in memory. */
static unsigned char *gz(const char *buf, size_t len, size_t *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, len);
	unsigned char *o = malloc(cap);
	z.next_in = (Bytef *)buf;
	z.avail_in = (uInt)len;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out = cap - z.avail_out;
	deflateEnd(&z);
	return o;
}

static void test_gzip(void **s)
{
	(void)s;
	struct tab t;
	const char *in = "\xEF\xBB\xBF" SNAP1 SNAP2 SNAP3;
	size_t n;
	unsigned char *g = gz(in, strlen(in), &n);
	assert_int_equal(run_chunk(g, n, 0, &t, NULL), 0);
	assert_int_equal(t.nrows, 3);
	tab_free(&t);
	/* Two members (cat a.gz b.gz). */
	unsigned char *two = malloc(2 * n);
	memcpy(two, g, n);
	memcpy(two + n, g, n);
	assert_int_equal(run_chunk(two, 2 * n, 0, &t, NULL), 0);
	assert_int_equal(t.nrows, 6);
	diag_has("1 byte-order mark between objects skipped");
	tab_free(&t);
	/* Truncated: what came before the cut is read, the topic cut off is
	 * rejected, and the file is reported. */
	assert_int_equal(run_chunk(g, n * 2 / 3, 0, &t, NULL), 3);
	assert_true(t.nrows >= 1);
	assert_int_equal(rejected(&t), 1);
	diag_has("the gzip data ends early");
	tab_free(&t);
	/* Corrupt. */
	g[n / 2] ^= 0x55;
	g[n / 2 + 1] ^= 0x55;
	assert_int_equal(run_chunk(g, n, 0, &t, NULL), 3);
	tab_free(&t);
	/* Trailing bytes after the gzip data. */
	g[n / 2] ^= 0x55;
	g[n / 2 + 1] ^= 0x55;
	unsigned char *tail = malloc(n + 3);
	memcpy(tail, g, n);
	memcpy(tail + n, "xyz", 3);
	assert_int_equal(run_chunk(tail, n + 3, 0, &t, NULL), 3);
	assert_int_equal(t.nrows, 3);
	diag_has("bytes after the end of the gzip data");
	tab_free(&t);
	free(tail);
	free(two);
	free(g);
}

/* Every read size gives the same records and messages as 64 KiB reads:
 * the framer keeps its state across reads (a BOM, an escape, a cut, a
 * search after an error split anywhere). */
static void test_chunking(void **s)
{
	(void)s;
	eu_buf in = EU_BUF_INIT;
	eu_buf_adds(&in, "\xEF\xBB\xBF" SNAP1 "\xEF\xBB\xBF" SNAP2);
	eu_buf_add(&in, "\n\0 ", 3);
	eu_buf_add(&in, SNAP1, 250);
	eu_buf_adds(&in, SNAP3);
	eu_buf_adds(&in, "{\"topicId\":\"D-1\",\"x\":");
	for (int i = 0; i < 100; i++)
		eu_buf_addc(&in, '[');
	for (int i = 0; i < 100; i++)
		eu_buf_addc(&in, ']');
	eu_buf_adds(&in, "}");
	/* A text cut at calls.max_text_bytes (1024 here: yajl reads a token
	 * split over many reads again from its start, so a 1 MiB one in reads
	 * of a byte would take hours) and one just under it. */
	char *big = with_text(3000);
	eu_buf_adds(&in, big);
	free(big);
	big = with_text(1000);
	eu_buf_adds(&in, big);
	free(big);
	char dir[] = "/tmp/euprio-calls-cfg-XXXXXX", cmd[600];
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "cp %s/config/*.csv %s/ && sed -i 's/^calls.max_text_bytes,[0-9]*/calls.max_text_bytes,1024/' %s/settings.csv",
		 SRCDIR, dir, dir);
	assert_int_equal(system(cmd), 0);
	eu_buf_adds(&in, api);
	eu_buf_add(&in, SNAP1, 100);
	int st0, st;
	char *want = out_text(in.p, in.len, 0, &st0, dir);
	assert_non_null(strstr(want, "a text longer than calls.max_text_bytes (1024 bytes)"));
	assert_int_equal(st0, 3);
	for (size_t chunk = 1; chunk <= 13; chunk++) {
		char *got = out_text(in.p, in.len, chunk, &st, dir);
		if (strcmp(got, want) || st != st0) {
			FILE *g = fopen("/tmp/test_calls-got.txt", "w"), *x = fopen("/tmp/test_calls-want.txt", "w");
			fputs(got, g);
			fputs(want, x);
			fclose(g);
			fclose(x);
			fail_msg("reads of %zu bytes differ (status %d, %d):\n%.2000s\n----\n%.2000s", chunk, st, st0, got, want);
		}
		free(got);
	}
	free(want);
	eu_buf_free(&in);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The real files, when ../shared is there. */
static void test_real(void **s)
{
	(void)s;
	FILE *f = fopen(SHARED_DATA "/ft-calls-oscarsalgado/open.jsonl.gz", "rb");
	if (!f) {
		skip();
		return;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	struct tab t;
	assert_int_equal(run_chunk(buf, (size_t)n, 0, &t, NULL), 0);
	assert_int_equal(t.nrows, 629);
	assert_int_equal(rejected(&t), 0);
	size_t repaired = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		repaired += strstr(cell(&t, r, "warnings"), "mojibake repaired") != NULL;
		assert_null(strstr(cell(&t, r, "summary"), "\xc3\xa2\xe2\x82\xac"));
		assert_null(strstr(cell(&t, r, "title"), "\xc3\xa2\xe2\x82\xac"));
	}
	assert_int_equal(repaired, 529);
	tab_free(&t);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mojibake),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_brussels),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_search_api),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_huge_text),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_limits_from_settings),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_chunking),
		cmocka_unit_test(test_real),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(diag_text);
	return rc;
}
