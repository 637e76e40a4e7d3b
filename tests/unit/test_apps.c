/* Unit tests for the XML reader (src/stages/apps/): profile loading and
 * faults, the mapping of each shipped profile, value normalisation, and
 * hostile documents read from memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "euprio/stages/apps.h"
#include "euprio/core/buf.h"
#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/stream/schema.h"

static char diagbuf[8192];

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

/* Runs XML through the reader and returns the CSV it wrote. */
static char *run(eu_apps *A, const char *xml, int *status)
{
	char path[] = "/tmp/euprio-apps-XXXXXX";
	int fd = mkstemp(path);
	eu_writer *w = eu_writer_fdopen(fd, path, NULL);
	eu_apps_write_header(w);
	*status = eu_apps_read_mem(A, xml, strlen(xml), "t.xml", w);
	eu_apps_report_duplicates(A);
	eu_writer_flush(w);
	off_t n = lseek(fd, 0, SEEK_END);
	char *out = calloc(1, (size_t)n + 1);
	pread(fd, out, (size_t)n, 0);
	eu_writer_close(w);
	close(fd);
	unlink(path);
	return out;
}

/* The value of column col in data row `row` (from 1) of csv. */
static char *cell(const char *csv, int row, int col)
{
	eu_reader *r = eu_reader_mem(csv, strlen(csv), "out", NULL);
	eu_row rw;
	char *v = NULL;
	assert_non_null(eu_reader_header(r));
	for (int i = 0; i < row; i++)
		if (eu_reader_next(r, &rw) != 1) {
			eu_reader_close(r);
			return strdup("<no row>");
		}
	v = strdup(rw.f[col]);
	eu_reader_close(r);
	return v;
}

static void cell_is(const char *csv, int row, int col, const char *want)
{
	char *got = cell(csv, row, col);
	if (strcmp(got, want))
		fail_msg("row %d %s: want '%s', got '%s'", row, eu_canon_names[col], want, got);
	free(got);
}

static eu_apps *A;

static int setup(void **s)
{
	(void)s;
	A = eu_apps_new(SRCDIR "/config", NULL);
	return A ? 0 : -1;
}

static int teardown(void **s)
{
	(void)s;
	eu_apps_free(A);
	return 0;
}

static void test_profiles_loaded(void **s)
{
	(void)s;
	assert_int_equal(eu_apps_nprofiles(A), 3);
	assert_string_equal(eu_apps_profile_name(A, 0), "cordis-project");
	assert_string_equal(eu_apps_profile_name(A, 1), "portfolio-v1");
	assert_string_equal(eu_apps_profile_name(A, 2), "portfolio-v2");
}

static void test_portfolio_v2(void **s)
{
	(void)s;
	int st;
	char *out = run(A,
		"<?xml version='1.0'?><portfolio xmlns='urn:odense:portfolio:export:2' department='BSF'>"
		"<application id='A1' status='draft'><title xml:lang='en'>English</title>"
		"<title xml:lang='da'>  Dansk\n titel </title><call id='C-1'/><deadline>22.04.2025</deadline>"
		"<budget><total currency='DKK'>746.000</total><euGrant>1,5 mio</euGrant></budget>"
		"<keywords><keyword>a</keyword><keyword>b c</keyword></keywords>"
		"<summary>line one\r\nline &amp; two</summary>"
		"<partners><partner role='partner'><name>SDU\tX</name><type>research</type>"
		"<address><postcode>5230</postcode><country>DK</country></address></partner></partners>"
		"</application></portfolio>", &st);
	assert_int_equal(st, 0);
	cell_is(out, 1, EU_C_ID, "A1");
	cell_is(out, 1, EU_C_SOURCE, "application");
	cell_is(out, 1, EU_C_TITLE, "Dansk titel");           /* Danish first, one line */
	cell_is(out, 1, EU_C_CALL_ID, "C-1");
	cell_is(out, 1, EU_C_DEADLINE, "2025-04-22");
	cell_is(out, 1, EU_C_TOTAL, "100000");                /* DKK at 7.46 */
	cell_is(out, 1, EU_C_EU_GRANT, "1500000");            /* no currency: EUR */
	cell_is(out, 1, EU_C_KEYWORDS, "a;b c");
	cell_is(out, 1, EU_C_SUMMARY, "line one\nline & two");
	cell_is(out, 1, EU_C_DEPARTMENT, "BSF");
	cell_is(out, 1, EU_C_PARTNERS, "SDU X\t\tresearch\tpartner\t5230\t\tDK");
	cell_is(out, 1, EU_C_ORIGIN, "t.xml:1");
	free(out);
}

static void test_english_fallback_and_warnings(void **s)
{
	(void)s;
	int st;
	capture();
	char *out = run(A,
		"<portfolio xmlns='urn:odense:portfolio:export:2'>\n"
		"<application id='A2'><title xml:lang='en'>Only English</title><deadline>31-02-2025</deadline>"
		"<budget><total currency='XYZ'>12</total><euGrant currency='EUR'>lots</euGrant></budget></application>\n"
		"<application><title>no id</title></application>\n"
		"<application id='A2'><title>again</title></application>\n"
		"</portfolio>", &st);
	const char *d = captured();
	assert_int_equal(st, 1);
	cell_is(out, 1, EU_C_TITLE, "Only English");
	cell_is(out, 1, EU_C_DEADLINE, "");
	cell_is(out, 1, EU_C_WARNINGS, "deadline: '31-02-2025' is not a date; unknown currency 'XYZ', read as EUR; eu_grant_eur: 'lots' is not an amount");
	cell_is(out, 2, EU_C_REJECT, "the record has no id");
	assert_non_null(strstr(d, "t.xml:3: record without an id"));
	assert_non_null(strstr(d, "t.xml:4: id A2 appears more than once"));
	free(out);
}

static void test_v1_and_cordis(void **s)
{
	(void)s;
	int st;
	char *out = run(A, "<portfolio><application id='V1'><title>Gammel</title>"
			   "<budget><ownContribution currency='DKK'>7460</ownContribution></budget></application></portfolio>", &st);
	assert_int_equal(st, 0);
	cell_is(out, 1, EU_C_ID, "V1");
	cell_is(out, 1, EU_C_OWN_COST, "1000");
	free(out);
	out = run(A, "<project xmlns='http://cordis.europa.eu'><id>101</id><title>T</title><totalCost>5012345.5</totalCost>"
		     "<relations><associations><organization type='coordinator' activityType='HES'><legalName>SDU</legalName>"
		     "<vatNumber>DK29283958</vatNumber><address><postalCode>5230</postalCode><city>Odense M</city>"
		     "<country>DK</country></address></organization></associations></relations></project>", &st);
	assert_int_equal(st, 0);
	cell_is(out, 1, EU_C_ID, "101");
	cell_is(out, 1, EU_C_TOTAL, "5012345.5");
	cell_is(out, 1, EU_C_PARTNERS, "SDU\tDK29283958\tHES\tcoordinator\t5230\tOdense M\tDK");
	free(out);
}

static void test_hostile(void **s)
{
	(void)s;
	int st;
	capture();
	char *out = run(A, "<?xml version='1.0'?>\n<!DOCTYPE p [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
			   "<portfolio><application id='X'><title>&x;</title></application></portfolio>", &st);
	const char *d = captured();
	assert_int_equal(st, 3);
	assert_null(strstr(out, "root"));
	assert_non_null(strstr(d, "t.xml:2: document type declaration refused"));
	free(out);

	/* Deep nesting stops at libxml2's depth limit, with a message. */
	char *deep = malloc(300 * 7 + 200);
	strcpy(deep, "<portfolio><application id='D'>");
	for (int i = 0; i < 300; i++)
		strcat(deep, "<a>");
	strcat(deep, "x");
	for (int i = 0; i < 300; i++)
		strcat(deep, "</a>");
	strcat(deep, "</application></portfolio>");
	capture();
	out = run(A, deep, &st);
	captured();
	assert_int_equal(st, 3);
	free(out);
	free(deep);

	/* Not XML at all, and empty. */
	capture();
	out = run(A, "id,title\n1,x\n", &st);
	captured();
	assert_int_equal(st, 3);
	free(out);
	capture();
	out = run(A, "", &st);
	captured();
	assert_int_equal(st, 3);
	free(out);
}

static void test_profile_faults(void **s)
{
	(void)s;
	FILE *f = fopen("/tmp/euprio-bad-profile.csv", "w");
	fputs("kind,column,xpath,option\nns,p,urn:x,\nrecord,,p:app,\nfield,id,@id,\nbogus,id,x,\n"
	      "amount,total_eur,p:t,GBP\nfield,origin,x,\n", f);
	fclose(f);
	capture();
	eu_apps *B = eu_apps_new(SRCDIR "/config", "/tmp/euprio-bad-profile.csv");
	const char *d = captured();
	assert_null(B);
	assert_non_null(strstr(d, "euprio-bad-profile.csv:5:1: unknown kind 'bogus'"));
	assert_non_null(strstr(d, "euprio-bad-profile.csv:6:4: currency must be @attribute, EUR or DKK, not 'GBP'"));
	assert_non_null(strstr(d, "euprio-bad-profile.csv:7:2: 'origin' is not a column a profile can fill"));
	remove("/tmp/euprio-bad-profile.csv");
	capture();
	assert_null(eu_apps_new(SRCDIR "/config", "no-such-profile"));
	assert_non_null(strstr(captured(), "no profile 'no-such-profile'"));
}

/* Profiles' paths are walked directly when they are simple and left to
 * XPath otherwise; both must give what XPath gives.  Each expression here
 * is run both ways (EUPRIO_XPATH_ONLY) and checked against the expected. */
static void test_simple_paths_match_xpath(void **s)
{
	(void)s;
	static const char xml[] =
		"<?xml version='1.0'?><r xmlns='urn:x' xmlns:o='urn:other' dept='D'>"
		"<app id='A1'><title xml:lang='en'>English</title><title xml:lang=\"da\">Dansk</title>"
		"<title o:k='v'>Other</title><acronym>ACR</acronym><plain xmlns=''>no-ns</plain>"
		"<budget><total currency='DKK'>746.000</total><x><total>9</total></x></budget>"
		"<keywords><keyword>a</keyword><keyword>b</keyword></keywords>"
		"<partners><partner><name>P1</name></partner><partner><name>P2</name></partner></partners>"
		"</app></r>";
	static const char profile[] =
		"kind,column,xpath,option\nns,p,urn:x,\nns,o,urn:other,\nrecord,,p:app,\n"
		"field,id,@id,\n"
		"field,title,p:title[@xml:lang=\"da\"],\n"                    /* simple, double quotes */
		"field,acronym,p:title[@o:k='v'],\n"                          /* namespaced test attribute */
		"field,programme,plain,\n"                                     /* no namespace */
		"field,call_id,p:acronym,\n"
		"field,department,../@dept,\n"
		"field,status,string(p:title[2]),\n"                          /* XPath only */
		"field,contact,title,\n"                                       /* no-namespace name: nothing */
		"amount,total_eur,p:budget/p:total,@currency\n"
		"amount,eu_grant_eur,p:budget//p:x/p:total,\n"                  /* XPath only */
		"list,keywords,p:keywords/p:keyword,\n"
		"partners,partners,p:partners/p:partner,\n"
		"partner,name,p:name,\n";
	FILE *f = fopen("/tmp/euprio-paths-profile.csv", "w");
	fputs(profile, f);
	fclose(f);
	for (int xpath_only = 0; xpath_only <= 1; xpath_only++) {
		if (xpath_only)
			setenv("EUPRIO_XPATH_ONLY", "1", 1);
		eu_apps *B = eu_apps_new(SRCDIR "/config", "/tmp/euprio-paths-profile.csv");
		assert_non_null(B);
		int st;
		char *out = run(B, xml, &st);
		assert_int_equal(st, 0);
		cell_is(out, 1, EU_C_ID, "A1");
		cell_is(out, 1, EU_C_TITLE, "Dansk");
		cell_is(out, 1, EU_C_ACRONYM, "Other");
		cell_is(out, 1, EU_C_PROGRAMME, "no-ns");
		cell_is(out, 1, EU_C_CALL_ID, "ACR");
		cell_is(out, 1, EU_C_DEPARTMENT, "D");
		cell_is(out, 1, EU_C_STATUS, "Dansk");
		cell_is(out, 1, EU_C_CONTACT, "");
		cell_is(out, 1, EU_C_TOTAL, "100000");
		cell_is(out, 1, EU_C_EU_GRANT, "9");
		cell_is(out, 1, EU_C_KEYWORDS, "a;b");
		cell_is(out, 1, EU_C_PARTNERS, "P1\t\t\t\t\t\t\nP2\t\t\t\t\t\t");
		free(out);
		eu_apps_free(B);
	}
	unsetenv("EUPRIO_XPATH_ONLY");
	remove("/tmp/euprio-paths-profile.csv");
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Duplicate ids: every later occurrence named once, with the first, among
 * 30 000 distinct ids (the spool and filter path), and the same with no
 * temporary directory (the exact in-memory fallback). */
static void test_duplicates_many_ids(void **s)
{
	(void)s;
	eu_buf xml = EU_BUF_INIT;
	eu_buf_adds(&xml, "<portfolio xmlns='urn:odense:portfolio:export:2'>\n");
	for (int i = 0; i < 30000; i++)
		eu_buf_printf(&xml, "<application id='D%d'><title>t</title></application>\n", i);
	eu_buf_adds(&xml, "<application id='D5'><title>again</title></application>\n"
			  "<application id='D29999'><title>again</title></application>\n"
			  "<application id='D5'><title>third</title></application>\n</portfolio>");
	for (int fallback = 0; fallback <= 1; fallback++) {
		const char *old = getenv("TMPDIR");
		char *keep = old ? strdup(old) : NULL;
		if (fallback)
			setenv("TMPDIR", "/nonexistent/euprio", 1);
		int st;
		capture();
		char *out = run(A, xml.p, &st);
		const char *d = captured();
		assert_int_equal(count_of(d, "appears more than once"), 3);
		assert_non_null(strstr(d, "t.xml:30002: id D5 appears more than once"));
		assert_non_null(strstr(d, "t.xml:30003: id D29999 appears more than once"));
		assert_non_null(strstr(d, "t.xml:30004: id D5 appears more than once"));
		if (!fallback)
			assert_non_null(strstr(d, "id D5 appears more than once in this run (first at t.xml:7)"));
		if (keep) {
			setenv("TMPDIR", keep, 1);
			free(keep);
		} else {
			unsetenv("TMPDIR");
		}
		free(out);
	}
	eu_buf_free(&xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_loaded),
		cmocka_unit_test(test_portfolio_v2),
		cmocka_unit_test(test_english_fallback_and_warnings),
		cmocka_unit_test(test_v1_and_cordis),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_profile_faults),
		cmocka_unit_test(test_simple_paths_match_xpath),
		cmocka_unit_test(test_duplicates_many_ids),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
