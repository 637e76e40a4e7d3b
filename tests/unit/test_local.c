/* Unit tests for local anchoring (src/stages/local/) against the shipped
 * policy in config/, on partners written the way the real exports write
 * them (ERDF partner cells, CORDIS participants, SDEO sheets), and
 * real-data checks on CORDIS participants and PostNord's town list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "euprio/stages/local.h"
#include "euprio/core/diag.h"
#include "euprio/core/hash.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"

static eu_local *L;

static int setup(void **s)
{
	(void)s;
	L = eu_local_load(SRCDIR "/config", EU_LANG_EN);
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
	assert_int_equal(eu_local_record(L, ps, strlen(ps), NULL, &r, &err), 0);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.tier, EU_TIER_ODENSE);
	assert_string_equal(r.partners.p, "Syddansk Universitet; Acme A/S");
	assert_string_equal(r.types.p, "business;research");
	assert_string_equal(r.twins.p, "Schwerin");
	assert_non_null(strstr(r.evidence.p, "Acme A/S: postcode 5600"));
	const char *bad = "a\tb\tc\td\te\tf\tg\th";
	assert_int_equal(eu_local_record(L, bad, strlen(bad), NULL, &r, &err), -1);
	eu_local_result_free(&r);
}

/* One record's local columns, with what euprio-local would say on stderr
 * (where set) in *said. */
static int record(const char *partners, const char *where, eu_local_result *r, char **said)
{
	const char *err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	eu_diag = f;
	int rc = eu_local_record(L, partners, strlen(partners), where, r, &err);
	eu_diag = NULL;
	fclose(f);
	if (said)
		*said = buf;
	else
		free(buf);
	return rc;
}

/* The tier is the strongest the registry, the postcode and the town
 * support, not the first rule that fires (#19: Erhvervshus Fyn at 5230,
 * Energi Fyn at 5220 are in Odense though the registry says fyn). */
static void test_strongest_evidence(void **s)
{
	(void)s;
	char ev[300];
	assert_int_equal(judge(mk("Erhvervshus Fyn", "", "public", "5230", "Odense M", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "registry, postcode 5230");
	assert_int_equal(judge(mk("Energi Fyn A/S", "", "", "5220", "Odense SØ", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "registry, postcode 5220");
	/* No address: the registry's tier. */
	assert_int_equal(judge(mk("Erhvervshus Fyn", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_string_equal(ev, "registry");
	/* A town with a postcode PostNord does not list: FP3's ODENSE STEEL
	 * SHIPYARD at "5100 ODENSE C" (the old box code) is in Odense. */
	assert_int_equal(judge(mk("ODENSE STEEL SHIPYARD LTD", "", "", "5100", "ODENSE C", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "postcode 5100, city ODENSE C");
	/* CORDIS's company code 5239 ODENSE M: on Funen, no conflict. */
	assert_int_equal(judge(mk("FORENINGEN ODENSE ROBOTICS", "", "OTH", "5239", "ODENSE M", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_null(strstr(ev, "conflict"));
	/* A Funen postcode and another Funen town: the stronger. */
	assert_int_equal(judge(mk("Firm", "", "", "5700", "Odense", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
}

/* A registry actor at an address off Funen (ERDF 2007-13 writes the lead
 * without a country: SDU at Alsion 2, 6400 Sønderborg): counted at the
 * registry's tier, the conflict in the evidence and told once per actor
 * and site in a run, with where the record came from. */
static void test_conflict_told_once(void **s)
{
	(void)s;
	char ev[300];
	assert_int_equal(judge(mk("Syddansk Universitet", "29283958", "", "6400", "Sønderborg", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "id 29283958, conflict: postcode 6400 is not on Funen");
	/* Abroad by its country, but the registry knows its id. */
	assert_int_equal(judge(mk("SDU", "29283958", "", "", "", "SE"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "id 29283958, conflict: the country is SE");
	/* A town on Funen, a Danish postcode off it. */
	assert_int_equal(judge(mk("Acme ApS", "", "", "8000", "Odense", "DK"), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "city Odense, conflict: postcode 8000 is not on Funen");
	/* Off Funen and nothing else: not local, nothing to tell. */
	assert_int_equal(judge(mk("Acme ApS", "", "", "8000", "Aarhus C", "DK"), ev, sizeof ev, NULL), EU_TIER_NONE);

	eu_local *fresh = eu_local_load(SRCDIR "/config", EU_LANG_EN);
	eu_local *keep = L;
	L = fresh;
	eu_local_result r = {0};
	char *said;
	const char *p1 = "Syddansk Universitet\t29283958\t\tcoordinator\t6400\tSønderborg\t\n"
			 "Ærø Erhvervsråd\t\t\tpartner\t\t\t";
	assert_int_equal(record(p1, "ERDF_Denmark_2007-2013.csv:264", &r, &said), 0);
	assert_non_null(strstr(said, "ERDF_Denmark_2007-2013.csv:264: 'Syddansk Universitet' is odense in local_actors.csv"));
	assert_non_null(strstr(said, "add 6400 to the actor's not_local_postcodes"));
	assert_non_null(strstr(r.evidence.p, "Syddansk Universitet: id 29283958, conflict: postcode 6400 is not on Funen"));
	free(said);
	/* The same actor at the same site again, spelt otherwise: silent. */
	assert_int_equal(record("SDU\t\t\tpartner\t6400\tSønderborg\tDK", "x.csv:9", &r, &said), 0);
	assert_string_equal(said, "");
	free(said);
	/* Another site of the same actor is another decision for staff. */
	assert_int_equal(record("Syddansk Universitet\t29283958\t\tcoordinator\t6000\tKolding\t", "x.csv:10", &r, &said), 0);
	assert_non_null(strstr(said, "x.csv:10: 'Syddansk Universitet'"));
	assert_non_null(strstr(said, "6000"));
	free(said);
	/* Without a where, nothing is said. */
	eu_local_free(fresh);
	L = eu_local_load(SRCDIR "/config", EU_LANG_EN);
	assert_int_equal(record(p1, NULL, &r, &said), 0);
	assert_string_equal(said, "");
	free(said);
	eu_local_free(L);
	L = keep;
	eu_local_result_free(&r);
}

/* Staff decide in the registry: a site listed in not_local_postcodes is
 * not local by the registry. */
static void test_not_local_site(void **s)
{
	(void)s;
	char dir[] = "/tmp/euprio-test-local.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[512];
	/* The column is optional: a registry without it still loads. */
	snprintf(cmd, sizeof cmd, "cp %s/config/*.csv %s/ && sed -i 's/,not_local_postcodes$//' %s/local_actors.csv "
		 "&& ! grep -q not_local_postcodes, %s/local_actors.csv", SRCDIR, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	eu_local *T0 = eu_local_load(dir, EU_LANG_EN);
	assert_non_null(T0);
	eu_local_free(T0);
	snprintf(cmd, sizeof cmd, "cp %s/config/local_actors.csv %s/ && sed -i '/^Syddansk Universitet,/s/$/,6400|6000/' "
		 "%s/local_actors.csv", SRCDIR, dir, dir);
	assert_int_equal(system(cmd), 0);
	eu_local *T = eu_local_load(dir, EU_LANG_EN);
	assert_non_null(T);
	eu_partner p = mk("Syddansk Universitet", "29283958", "", "6400", "Sønderborg", "");
	eu_buf b = EU_BUF_INIT;
	const char *type;
	assert_int_equal(eu_local_judge(T, &p, &b, &type), EU_TIER_NONE);
	p = mk("Syddansk Universitet", "29283958", "", "5230", "Odense M", "");
	assert_int_equal(eu_local_judge(T, &p, &b, &type), EU_TIER_ODENSE);
	p = mk("Universal Robots", "", "", "", "", "DK");
	assert_int_equal(eu_local_judge(T, &p, &b, &type), EU_TIER_ODENSE);
	eu_buf_free(&b);
	eu_local_free(T);
	/* A postcode that is not four digits is a fault of the table. */
	snprintf(cmd, sizeof cmd, "sed -i 's/6400|6000/64OO/' %s/local_actors.csv", dir);
	assert_int_equal(system(cmd), 0);
	char *buf = NULL;
	size_t len = 0;
	eu_diag = open_memstream(&buf, &len);
	T = eu_local_load(dir, EU_LANG_EN);
	fclose(eu_diag);
	eu_diag = NULL;
	assert_null(T);
	assert_non_null(strstr(buf, "local_actors.csv:"));
	assert_non_null(strstr(buf, "'64OO' is not a four-digit postcode"));
	free(buf);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* One actor counts once (#19: "SDU" and "Syddansk Universitet, Det
 * Sundhedsvidenskabelige Fakultet" are one; SDEO-2025-060, ERDF "Robots at
 * Play"), its lines listed together in the evidence; a name repeated
 * (folded, legal form dropped) likewise; actors in Odense and elsewhere on
 * Funen are counted apart. */
static void test_actors_counted_once(void **s)
{
	(void)s;
	eu_local_result r = {0};
	const char *sdu = "SDU\t\t\tpartner\t\t\t\n"
			  "Syddansk Universitet, Det Sundhedsvidenskabelige Fakultet\t\tresearch\tpartner\t5000\tOdense C\tDK\n"
			  "Mærsk Mc-Kinney Møller Instituttet\t\t\tpartner\t\t\t\n"
			  "Odense Kommune\t35209115\tpublic\tpartner\t5000\tOdense C\tDK";
	assert_int_equal(record(sdu, NULL, &r, NULL), 0);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.partners.p, "Syddansk Universitet");
	assert_string_equal(r.evidence.p,
		"Syddansk Universitet: SDU (alias SDU) + Syddansk Universitet, Det Sundhedsvidenskabelige "
		"Fakultet (registry, postcode 5000) + Mærsk Mc-Kinney Møller Instituttet (alias Mærsk Mc-Kinney "
		"Møller Instituttet)");
	assert_string_equal(r.tiers.p, "odense:1");
	/* CORDIS repeats a participant; the names fold to one. */
	const char *cab = "CABINPLANT A/S\t889054180\tPRC\tparticipant\t5683\tHAARBY\tDK\n"
			  "Cabinplant\t\tPRC\tparticipant\t\t\tDK\n"
			  "Tampere University\t\tHES\tcoordinator\t\tTampere\tFI";
	assert_int_equal(record(cab, NULL, &r, NULL), 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.tier, EU_TIER_FYN);
	assert_string_equal(r.partners.p, "CABINPLANT A/S");
	assert_string_equal(r.types.p, "business");
	assert_string_equal(r.twins.p, "Tampere");
	/* ERDF 2014-20 "Kreativitet & Iværksætteri": Svendborg Kommune leads
	 * at 5700, SDU by the registry: one in Odense, one on Funen. */
	const char *ki = "Svendborg Kommune\t\t\tcoordinator\t5700\tSvendborg\tDK\n"
			 "Syddansk Universitet.\t\t\tpartner\t\t\t\n"
			 "Vejle Kommune.\t\t\tpartner\t\t\t\n"
			 "Fonden Business Kolding\t\t\tpartner\t\t\t";
	assert_int_equal(record(ki, NULL, &r, NULL), 0);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.tier, EU_TIER_ODENSE);
	assert_string_equal(r.partners.p, "Svendborg Kommune; Syddansk Universitet");
	assert_string_equal(r.tiers.p, "odense:1;fyn:1");
	assert_string_equal(r.evidence.p, "Svendborg Kommune: postcode 5700; Syddansk Universitet: registry");
	eu_local_result_free(&r);
}

/* Two local lines of one record that share a memo slot: the second takes
 * the slot, and the first's evidence must survive it. */
static void test_memo_collision_in_a_record(void **s)
{
	(void)s;
	char a[64], b[64], line[128];
	snprintf(a, sizeof a, "Firm 0");
	size_t n = (size_t)snprintf(line, sizeof line, "%s%c%c%c%c5700%cSvendborg%cDK", a, 0, 0, 0, 0, 0, 0);
	uint64_t want = eu_fnv64(line, n, EU_FNV64_SEED) % 4096;
	int found = 0;
	for (int i = 1; i < 1000000 && !found; i++) {
		snprintf(b, sizeof b, "Firm %d", i);
		n = (size_t)snprintf(line, sizeof line, "%s%c%c%c%c5000%cOdense C%cDK", b, 0, 0, 0, 0, 0, 0);
		found = eu_fnv64(line, n, EU_FNV64_SEED) % 4096 == want;
	}
	assert_true(found);
	char ps[256];
	snprintf(ps, sizeof ps, "%s\t\t\tpartner\t5700\tSvendborg\tDK\n%s\t\t\tpartner\t5000\tOdense C\tDK", a, b);
	eu_local_result r = {0};
	for (int round = 0; round < 2; round++) {
		assert_int_equal(record(ps, NULL, &r, NULL), 0);
		assert_int_equal(r.count, 2);
		char want_ev[256];
		snprintf(want_ev, sizeof want_ev, "%s: postcode 5700; %s: postcode 5000", a, b);
		assert_string_equal(r.evidence.p, want_ev);
		assert_string_equal(r.tiers.p, "odense:1;fyn:1");
	}
	eu_local_result_free(&r);
}

/* A partner without an address whose name holds a Funen town or
 * municipality as a whole word (#19: real ERDF partners) is placed there;
 * Odense is the odense tier, the rest of Funen fyn. */
static void test_places_in_names(void **s)
{
	(void)s;
	char ev[300];
	assert_int_equal(judge(mk("Odense Fagskole.", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "the name mentions Odense");
	assert_int_equal(judge(mk("Svendborg Erhvervsskole.", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_string_equal(ev, "the name mentions Svendborg");
	assert_int_equal(judge(mk("Middelfart Erhvervsråd", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_int_equal(judge(mk("Faaborg-Midtfyn Erhvervsråd.", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_string_equal(ev, "the name mentions Faaborg-Midtfyn");
	assert_int_equal(judge(mk("Ærø Erhvervsråd", "", "", "", "", "DK"), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_int_equal(judge(mk("AMU Fyn.", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_int_equal(judge(mk("Sydfyns Fri Fagskole S/I.", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_int_equal(judge(mk("NORDFYNS KOMMUNE", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	/* An unsplit cell naming several: all listed, the best tier. */
	assert_int_equal(judge(mk("Ærø Erhvervsråd. Svendborg Kommune,. Odense Fagskole", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "the name mentions Svendborg, Odense, Ærø");
	/* Whole words only, and towns elsewhere are not Funen. */
	assert_int_equal(judge(mk("Odenseby Consult", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("Svendborgvej Auto", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("Grindsted Landbrugsskole", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("Vejle Kommune.", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_NONE);
	/* Only without an address, and only at home or without a country. */
	assert_int_equal(judge(mk("Svendborg Erhvervsskole", "", "", "8000", "Aarhus C", "DK"), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("Odense Fagskole", "", "", "", "Vejle", "DK"), ev, sizeof ev, NULL), EU_TIER_NONE);
	assert_int_equal(judge(mk("Middelfart Trading AB", "", "", "", "", "SE"), ev, sizeof ev, NULL), EU_TIER_NONE);
	/* The municipality itself stays excluded; another Funen municipality
	 * is an actor on Funen. */
	assert_int_equal(judge(mk("Odense Kommune", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_SELF);
	assert_int_equal(judge(mk("Svendborg Kommune", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	/* A name that misleads (place_exceptions.csv). */
	assert_int_equal(judge(mk("Odense Lufthavn", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_FYN);
	assert_string_equal(ev, "the name Odense Lufthavn (place_exceptions.csv)");
	/* A registry actor named after Odense is the registry's, read once. */
	assert_int_equal(judge(mk("Odense Robotics", "", "", "", "", ""), ev, sizeof ev, NULL), EU_TIER_ODENSE);
	assert_string_equal(ev, "registry");
}

/* The evidence in Danish, as the nightly run writes it by default. */
static void test_danish_evidence(void **s)
{
	(void)s;
	eu_local *D = eu_local_load(SRCDIR "/config", EU_LANG_DA);
	assert_non_null(D);
	eu_partner p = mk("Svendborg Erhvervsskole", "", "", "", "", "");
	eu_buf b = EU_BUF_INIT;
	const char *type;
	assert_int_equal(eu_local_judge(D, &p, &b, &type), EU_TIER_FYN);
	assert_string_equal(b.p, "navnet nævner Svendborg");
	eu_buf_clear(&b);
	p = mk("SDU", "29283958", "", "6400", "Sønderborg", "");
	assert_int_equal(eu_local_judge(D, &p, &b, &type), EU_TIER_ODENSE);
	assert_string_equal(b.p, "id 29283958, modstrid: postnummer 6400 er ikke fynsk");
	eu_buf_free(&b);
	eu_local_free(D);
}

/* Real data: every town of the ten Funen municipalities in PostNord's
 * list, and every municipality's name, is in places.csv at the tier its
 * postcodes give (gen-postcodes.sh keeps the two tables consistent). */
static void test_postnord_towns(void **s)
{
	(void)s;
	const char *path = SHARED_DATA "/dk-postnumre-postnord-2020/postals.csv";
	eu_reader_opts o = {.delim = ';', .check_utf8 = 1};
	eu_reader *r = eu_reader_open(path, &o);
	if (!r) {
		printf("skip: %s not found (shared real data absent)\n", path);
		skip();
	}
	assert_non_null(eu_reader_header(r));
	static const int funen[] = {410, 420, 430, 440, 450, 461, 479, 480, 482, 492};
	eu_row row;
	int towns = 0;
	while (eu_reader_next(r, &row) == 1) {
		int k = atoi(row.f[2]), on = 0;
		for (size_t i = 0; i < sizeof funen / sizeof *funen; i++)
			on |= funen[i] == k;
		if (!on)
			continue;
		char ev[300];
		/* The town as a partner's city, without a postcode. */
		int t = judge(mk("Firm", "", "", "", row.f[5], "DK"), ev, sizeof ev, NULL);
		if (t <= EU_TIER_NONE)
			fail_msg("PostNord town %s (%s, kommune %d) is not in places.csv", row.f[5], row.f[4], k);
		if (k == 461 && !strncmp(row.f[5], "Odense", 6) && t != EU_TIER_ODENSE)
			fail_msg("%s should be odense", row.f[5]);
		if (k != 461 && t == EU_TIER_ODENSE && strncmp(row.f[5], "Odense", 6))
			fail_msg("%s (kommune %d) should be fyn", row.f[5], k);
		/* The municipality named in a partner's name. */
		char muni[128];
		snprintf(muni, sizeof muni, "%s Erhvervsråd", row.f[3]);
		char *kw = strstr(muni, " Kommune");
		if (kw)
			memmove(kw, kw + 8, strlen(kw + 8) + 1);
		t = judge(mk(muni, "", "", "", "", ""), ev, sizeof ev, NULL);
		if (t != (k == 461 ? EU_TIER_ODENSE : EU_TIER_FYN))
			fail_msg("'%s': tier %d", muni, t);
		towns++;
	}
	eu_reader_close(r);
	printf("PostNord: %d Funen town rows placed\n", towns);
	assert_true(towns > 90);
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

/* Suggestions for a call: by the goals it serves and the words of an
 * actor's themes it uses (title or keywords, or the summary at least
 * body_hits times); best fit first, Odense before Funen, at most max. */
static size_t suggest(const eu_local *T, const eu_suggest_opts *o, const char *goals, const char *head,
		      const char *body, eu_suggestion *out)
{
	eu_buf h = EU_BUF_INIT, b = EU_BUF_INIT;
	eu_fold(&h, head, strlen(head));
	eu_fold(&b, body, strlen(body));
	size_t n = eu_local_suggest(T, o, goals, strlen(goals), h.p ? h.p : "", h.len, b.p ? b.p : "", b.len, out);
	eu_buf_free(&h);
	eu_buf_free(&b);
	return n;
}

static void test_themes(void **s)
{
	(void)s;
	eu_suggest_opts o = {.per_goal = 1, .per_word = 1, .min_fit = 2, .min_words = 1, .body_hits = 2, .max = 3};
	eu_suggestion out[4];

	/* A robotics call: the robot makers and the cluster, which share G9
	 * and use the words; robot* is a prefix (Robotics, robotteknologi). */
	size_t n = suggest(L, &o, "G9;G6", "Collaborative robots for manufacturing SMEs", "", out);
	assert_int_equal(n, 3);
	assert_string_equal(eu_local_actor_name(L, out[0].actor), "Universal Robots");
	assert_true(out[0].fit == 4);           /* G9, G6, collaborative robot*, manufacturing */
	assert_int_equal(out[0].nwords, 2);
	assert_string_equal(out[0].word[0], "collaborative robot");   /* as written, without the '*' */
	assert_string_equal(eu_local_actor_name(L, out[1].actor), "Odense Robotics");
	/* Danish words are folded as the registry's are: "Velfærdsteknologi". */
	n = suggest(L, &o, "G3", "Velfærdsteknologi til ældre", "", out);
	assert_true(n >= 1);
	assert_string_equal(eu_local_actor_name(L, out[0].actor), "Syddansk Universitet");
	/* A word once in a long summary is not a theme; twice it is. */
	n = suggest(L, &o, "G8", "Energy for cities", "District heating is mentioned once.", out);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(eu_local_actor_name(L, out[i].actor), "Fjernvarme Fyn");
	n = suggest(L, &o, "G8", "Energy for cities", "District heating here. District heating there.", out);
	assert_int_equal(n, 1);
	assert_string_equal(eu_local_actor_name(L, out[0].actor), "Fjernvarme Fyn");
	/* Goals alone suggest nobody: a word must be used. */
	assert_int_equal(suggest(L, &o, "G1;G2;G3;G4;G5;G6;G7;G8;G9;G10", "A call", "", out), 0);
	/* A whole word is not a part of one: "tram" is not "trampoline". */
	assert_int_equal(suggest(L, &o, "G7;G8", "Trampoline parks", "", out), 0);
	assert_int_equal(suggest(L, &o, "G7;G8", "A tram for the city", "", out), 1);
	/* min_fit: one word without a shared goal is not enough; max caps. */
	assert_int_equal(suggest(L, &o, "", "Light rail", "", out), 0);
	o.max = 1;
	assert_int_equal(suggest(L, &o, "G9;G6", "Collaborative robots for manufacturing SMEs", "", out), 1);
	assert_string_equal(eu_local_actor_name(L, out[0].actor), "Universal Robots");
	o.max = 0;
	assert_int_equal(suggest(L, &o, "G9;G6", "Collaborative robots", "", out), 0);
}

/* Staff own the themes: a goal that is not in goals.csv and a word without
 * letters are faults at their file:line:col; a registry without the theme
 * columns loads and suggests nobody. */
static void test_themes_faults(void **s)
{
	(void)s;
	char dir[] = "/tmp/euprio-test-themes.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cp %s/config/*.csv %s/ && sed -i '/^Odense Robotics,/s/,G9|G6,/,G9|G11,/; "
		 "/^Universal Robots,/s/,cobot\\*|/,***|/' %s/local_actors.csv", SRCDIR, dir, dir);
	assert_int_equal(system(cmd), 0);
	char *buf = NULL;
	size_t len = 0;
	eu_diag = open_memstream(&buf, &len);
	eu_local *T = eu_local_load(dir, EU_LANG_EN);
	fclose(eu_diag);
	eu_diag = NULL;
	assert_null(T);
	assert_non_null(strstr(buf, "local_actors.csv:"));
	assert_non_null(strstr(buf, "theme_goals: 'G11' is not a goal of goals.csv"));
	assert_non_null(strstr(buf, "theme_words: '***' has no letters or digits"));
	free(buf);
	/* Without the columns: the registry of before. */
	snprintf(cmd, sizeof cmd, "cp %s/config/local_actors.csv %s/ && python3 -c \"import csv,sys;"
		 "r=[l for l in open(sys.argv[1],encoding='utf-8')];"
		 "h=[l for l in r if not l.startswith('#')];"
		 "rows=list(csv.reader(h));i=rows[0].index('theme_goals');"
		 "w=csv.writer(open(sys.argv[1],'w',encoding='utf-8',newline=''),lineterminator='\\n');"
		 "[w.writerow(x[:i]+x[i+2:]) for x in rows]\" %s/local_actors.csv", SRCDIR, dir, dir);
	assert_int_equal(system(cmd), 0);
	T = eu_local_load(dir, EU_LANG_EN);
	assert_non_null(T);
	eu_suggest_opts o = {.per_goal = 1, .per_word = 1, .min_fit = 0, .min_words = 0, .max = 3};
	eu_suggestion out[3];
	assert_int_equal(suggest(T, &o, "G9", "Robots", "", out), 0);
	eu_local_free(T);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
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
		cmocka_unit_test(test_strongest_evidence),
		cmocka_unit_test(test_conflict_told_once),
		cmocka_unit_test(test_not_local_site),
		cmocka_unit_test(test_actors_counted_once),
		cmocka_unit_test(test_memo_collision_in_a_record),
		cmocka_unit_test(test_places_in_names),
		cmocka_unit_test(test_danish_evidence),
		cmocka_unit_test(test_postnord_towns),
		cmocka_unit_test(test_cordis_dk),
		cmocka_unit_test(test_themes),
		cmocka_unit_test(test_themes_faults),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
