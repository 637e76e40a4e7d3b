/* Unit tests for local anchoring (src/lib/local.c) against the shipped
 * policy in config/, and a real-data check on CORDIS participants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "euprio/stages/local.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"

static eu_local *L;

static int setup(void **s)
{
	(void)s;
	L = eu_local_load(SRCDIR "/config");
	return L ? 0 : -1;
}

static int teardown(void **s)
{
	(void)s;
	eu_local_free(L);
	return 0;
}

static eu_partner mk(const char *name, const char *org, const char *type, const char *pc,
		     const char *city, const char *country)
{
	eu_partner p;
	const char *v[EU_P_NATTR] = {name, org, type, "partner", pc, city, country};
	for (int k = 0; k < EU_P_NATTR; k++) {
		p.a[k] = v[k];
		p.len[k] = strlen(v[k]);
	}
	return p;
}

static int judge(eu_partner p, char *ev, size_t evsize, const char **type)
{
	eu_buf b = EU_BUF_INIT;
	const char *t = NULL;
	int tier = eu_local_judge(L, &p, &b, &t);
	snprintf(ev, evsize, "%s", b.p ? b.p : "");
	if (type)
		*type = t;
	eu_buf_free(&b);
	return tier;
}

static void test_municipality_never_local(void **s)
{
	(void)s;
	char ev[200];
	assert_int_equal(judge(mk("Odense Kommune", "", "public", "5000", "Odense C", "DK"), ev, sizeof ev, NULL), EU_TIER_SELF);
	assert_int_equal(judge(mk("Some name", "DK35209115", "", "5000", "Odense C", "DK"), ev, sizeof ev, NULL), EU_TIER_SELF);
	assert_int_equal(judge(mk("ODENSE KOMMUNE, Børn- og Ungeforvaltningen", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_SELF);
	assert_int_equal(judge(mk("City of Odense", "", "", "", "", "DK"), ev, sizeof ev, NULL), EU_TIER_SELF);
	/* Another body whose name merely starts the same way is not the municipality. */
	assert_int_not_equal(judge(mk("Odense Kommunes Lærerforening", "", "", "5000", "", "DK"), ev, sizeof ev, NULL), EU_TIER_SELF);
}

static void test_registry(void **s)
{
	(void)s;
	char ev[200];
	const char *type;
	assert_int_equal(judge(mk("University of Southern Denmark", "", "", "", "", ""), ev, sizeof ev, &type), EU_TIER_ODENSE);
	assert_string_equal(type, "research");
	assert_non_null(strstr(ev, "alias University of Southern Denmark"));
	assert_int_equal(judge(mk("Whatever", "DK 29 28 39 58", "", "", "", "DK"), ev, sizeof ev, &type), EU_TIER_ODENSE);
	assert_non_null(strstr(ev, "id DK 29 28 39 58"));
	/* Word boundaries: SDU must not match inside another word. */
	assert_int_equal(judge(mk("SDUniversal Consulting", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("sdu", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	/* Legal suffixes and accents do not matter. */
	assert_int_equal(judge(mk("UNIVERSAL ROBOTS A/S", "", "", "", "", "DK"), ev, sizeof ev, &type), EU_TIER_ODENSE);
	assert_string_equal(type, "business");
	assert_int_equal(judge(mk("Maersk Mc-Kinney Moller Institute", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	/* A foreign actor with a registry name is not matched by name. */
	assert_int_equal(judge(mk("Civica", "", "", "", "London", "GB"), ev, sizeof ev, NULL), EU_TIER_NONE);
}

static void test_postcodes(void **s)
{
	(void)s;
	char ev[200];
	assert_int_equal(judge(mk("Acme ApS", "", "business", "5230", "Odense M", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "postcode 5230");
	assert_int_equal(judge(mk("Acme ApS", "", "", "DK-5700", "Svendborg", "DK"), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_int_equal(judge(mk("Acme ApS", "", "", "8000", "Aarhus C", "DK"), ev, sizeof ev, NULL), EU_TIER_NONE);
	/* The Bergen trap: a Norwegian 4-digit postcode is not Danish. */
	assert_int_equal(judge(mk("Bergen kommune", "", "", "5003", "Bergen", "NO"), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("Bergen kommune", "", "", "5003", "Bergen", ""), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("Firm", "", "", "5000", "Bergen", ""), ev, sizeof ev, NULL), EU_TIER_NONE);
	/* No country but a matching Danish city: local. */
	assert_int_equal(judge(mk("Firm", "", "", "5000", "Odense C", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	/* A postcode shared with another municipality is only fyn. */
	assert_int_equal(judge(mk("Firm", "", "", "5330", "Munkebo", "DK"), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_int_equal(judge(mk("Firm", "", "", "5270", "Odense N", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
}

static void test_city_names(void **s)
{
	(void)s;
	char ev[200];
	assert_int_equal(judge(mk("Firm", "", "", "", "ODENSE", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "city ODENSE");
	assert_int_equal(judge(mk("Firm", "", "", "", "Odense SØ", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_int_equal(judge(mk("Firm", "", "", "", "Odense SO", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_int_equal(judge(mk("Firm", "", "", "", "Aarslev", "DK"), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_int_equal(judge(mk("Firm", "", "", "", "Odense", "US"), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("Firm", "", "", "", "Odenseby", "DK"), ev, sizeof ev, NULL), EU_TIER_NONE);
}

static void twin_is(const char *name, const char *city, const char *country, const char *want)
{
	eu_partner p = mk(name, "", "", "", city, country);
	const char *got = eu_local_twin(L, &p);
	if (!want) {
		if (got)
			fail_msg("%s/%s matched twin %s", name, city, got);
		return;
	}
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s/%s/%s: want %s, got %s", name, city, country, want, got ? got : "none");
}

static void test_twin_spellings(void **s)
{
	(void)s;
	twin_is("x", "Kyiv", "UA", "Kyiv");
	twin_is("x", "Kiev", "", "Kyiv");
	twin_is("x", "Київ", "UA", "Kyiv");
	twin_is("x", "Petah-Tikva", "IL", "Petah Tikva");
	twin_is("x", "Petach Tikva", "", "Petah Tikva");
	twin_is("x", "Izmir", "TR", "İzmir");
	twin_is("x", "İZMİR", "TR", "İzmir");
	twin_is("x", "Saint Albans", "GB", "St Albans");
	twin_is("x", "St. Albans", "", "St Albans");
	twin_is("x", "Tammerfors", "FI", "Tampere");
	twin_is("x", "Ostersund", "SE", "Östersund");
	twin_is("x", "Norrkoping", "", "Norrköping");
	twin_is("x", "Kopavogur", "IS", "Kópavogur");
	twin_is("x", "Klaksvik", "FO", "Klaksvík");
	twin_is("x", "Iksan-City", "KR", "Iksan");
	twin_is("x", "Brno", "CZ", "Brno");
	twin_is("x", "Shaoxing", "CN", "Shaoxing");
	twin_is("x", "Schwerin", "DE", "Schwerin");
	twin_is("x", "Upernavik", "GL", "Upernavik");
	twin_is("x", "Funabashi", "JP", "Funabashi");
	twin_is("x", "Kaunas", "LT", "Kaunas");
	twin_is("x", "Trondheim", "NO", "Trondheim");
	twin_is("x", "Katowice", "PL", "Katowice");
	twin_is("x", "Columbus", "US", "Columbus (Ohio)");
	twin_is("x", "Groningen", "NL", "Groningen");
	/* On the name when the city is empty. */
	twin_is("Landeshauptstadt Schwerin", "", "DE", "Schwerin");
	twin_is("Gemeente Groningen", "", "", "Groningen");
	twin_is("Kauno miesto savivaldybė", "", "LT", "Kaunas");
	twin_is("Tampereen kaupunki", "", "FI", "Tampere");
	/* Not twins: another country, another word. */
	twin_is("x", "Groningen", "DE", NULL);
	twin_is("x", "Brnoville", "CZ", NULL);
	twin_is("Schwerinsky Ltd", "", "", NULL);
}

static void test_record(void **s)
{
	(void)s;
	eu_local_result r = {0};
	const char *err;
	const char *ps = "SDU\t\t\tpartner\t\t\t\n"
			 "Odense Kommune\t\tpublic\tpartner\t5000\tOdense C\tDK\n"
			 "Acme A/S\t\tbusiness\tpartner\t5600\tFaaborg\tDK\n"
			 "Stadt Schwerin\t\tpublic\tpartner\t\tSchwerin\tDE";
	assert_int_equal(eu_local_record(L, ps, strlen(ps), &r, &err), 0);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.tier, EU_TIER_ODENSE);
	assert_string_equal(r.partners.p, "SDU; Acme A/S");
	assert_string_equal(r.types.p, "business;research");
	assert_string_equal(r.twins.p, "Schwerin");
	assert_non_null(strstr(r.evidence.p, "Acme A/S: postcode 5600"));
	const char *bad = "a\tb\tc\td\te\tf\tg\th";
	assert_int_equal(eu_local_record(L, bad, strlen(bad), &r, &err), -1);
	eu_local_result_free(&r);
}

/* Real data: every Danish CORDIS participant with a 5xxx postcode or an
 * Odense city is local with the right tier; no other Danish row is, except
 * actors the registry knows by name.  The expectation is computed here from
 * the raw columns, independently of the rules under test. */
static void test_cordis_dk(void **s)
{
	(void)s;
	const char *path = SHARED_DATA "/cordis-horizon-europe-org/organization_DK.csv";
	eu_reader_opts o = {.delim = ';', .check_utf8 = 1, .check_width = 1};
	eu_reader *r = eu_reader_open(path, &o);
	if (!r) {
		printf("skip: %s not found (shared real data absent)\n", path);
		skip();
	}
	const eu_row *h = eu_reader_header(r);
	assert_non_null(h);
	long cname = -1, cpc = -1, ccity = -1, ccountry = -1, cvat = -1;
	for (size_t i = 0; i < h->n; i++) {
		if (!strcmp(h->f[i], "name")) cname = (long)i;
		if (!strcmp(h->f[i], "postCode")) cpc = (long)i;
		if (!strcmp(h->f[i], "city")) ccity = (long)i;
		if (!strcmp(h->f[i], "country")) ccountry = (long)i;
		if (!strcmp(h->f[i], "vatNumber")) cvat = (long)i;
	}
	eu_row row;
	int rows = 0, local = 0, odense = 0;
	while (eu_reader_next(r, &row) == 1) {
		assert_null(row.bad);
		rows++;
		const char *pc = row.f[cpc], *city = row.f[ccity];
		int want = EU_TIER_NONE;
		if (strlen(pc) == 4 && pc[0] == '5')
			want = EU_TIER_FYN;
		eu_buf fc = EU_BUF_INIT;
		eu_fold(&fc, city, strlen(city));
		if (strstr(fc.p, "odense") || (want && strcmp(pc, "5000") >= 0 && strcmp(pc, "5270") <= 0) ||
		    !strcmp(pc, "5320"))
			want = EU_TIER_ODENSE;
		eu_buf_free(&fc);
		eu_partner p = mk(row.f[cname], row.f[cvat], "", pc, city, row.f[ccountry]);
		char ev[300];
		int got = judge(p, ev, sizeof ev, NULL);
		if (got == EU_TIER_SELF)
			continue;         /* the municipality itself */
		if (want != EU_TIER_NONE) {
			local++;
			odense += want == EU_TIER_ODENSE;
			if (got != want)
				fail_msg("line %ld %s (%s %s): want tier %d, got %d (%s)", row.line, row.f[cname], pc, city, want, got, ev);
		} else if (got != EU_TIER_NONE && strncmp(ev, "registry", 8) != 0 && strncmp(ev, "alias", 5) != 0 &&
			   strncmp(ev, "id", 2) != 0) {
			fail_msg("line %ld %s (%s %s) judged local: %s", row.line, row.f[cname], pc, city, ev);
		}
	}
	eu_reader_close(r);
	printf("CORDIS DK: %d rows, %d on Funen by postcode or city, %d in Odense\n", rows, local, odense);
	assert_int_equal(rows, 2020);
	assert_true(local > 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_municipality_never_local),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_postcodes),
		cmocka_unit_test(test_city_names),
		cmocka_unit_test(test_twin_spellings),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_cordis_dk),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
