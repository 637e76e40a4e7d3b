/* Unit tests for the shared words (src/core/words.c), the hashes
 * (core/hash.h), the home-country predicate (core/country.c, with the
 * shipped countries.csv) and the duplicate-id detector (core/dupes.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "euprio/core/country.h"
#include "euprio/core/diag.h"
#include "euprio/core/dupes.h"
#include "euprio/core/hash.h"
#include "euprio/core/words.h"

static void test_words(void **s)
{
	(void)s;
	assert_string_equal(eu_tier_name(EU_TIER_ODENSE), "odense");
	assert_string_equal(eu_tier_name(EU_TIER_FYN), "fyn");
	assert_string_equal(eu_tier_name(EU_TIER_NONE), "none");
	assert_string_equal(eu_tier_name(EU_TIER_SELF), "none");   /* the municipality is not local */
	assert_int_equal(eu_tier_parse("Odense", 6, 0), EU_TIER_ODENSE);
	assert_int_equal(eu_tier_parse("FYN", 3, 0), EU_TIER_FYN);
	assert_int_equal(eu_tier_parse("none", 4, 0), -2);
	assert_int_equal(eu_tier_parse("none", 4, 1), EU_TIER_NONE);
	assert_int_equal(eu_tier_parse("odensee", 7, 1), -2);
	assert_int_equal(eu_tier_parse("odensee", 6, 1), EU_TIER_ODENSE);  /* by length */
	assert_int_equal(eu_decision_parse("review", 6), EU_DEC_REVIEW);
	assert_int_equal(eu_decision_parse("prioritize", 10), -1);
	assert_string_equal(eu_decision_names[EU_DEC_PRIORITISE], "prioritise");
	assert_string_equal(eu_change_names[EU_CHANGE_LEFT], "left");
}

static void test_hashes(void **s)
{
	(void)s;
	/* The published FNV-1a test vectors: ERDF ids depend on the 32-bit one. */
	assert_int_equal(eu_fnv32("", 0), 0x811c9dc5u);
	assert_int_equal(eu_fnv32("a", 1), 0xe40c292cu);
	assert_int_equal(eu_fnv32("foobar", 6), 0xbf9cf968u);
	assert_true(eu_fnv64("a", 1, EU_FNV64_SEED) == 0xaf63dc4c8601ec8cull);
	assert_true(eu_fnv64("foobar", 6, EU_FNV64_SEED) == 0x85944171f73967e8ull);
	/* Continuing a hash is hashing the concatenation. */
	assert_true(eu_fnv64("bar", 3, eu_fnv64("foo", 3, EU_FNV64_SEED)) == eu_fnv64("foobar", 6, EU_FNV64_SEED));
	/* The fingerprint tells contents apart at every length around its
	 * eight-byte steps. */
	char a[40], b[40];
	memset(a, 'x', sizeof a);
	for (size_t n = 1; n < sizeof a; n++) {
		memcpy(b, a, n);
		b[n - 1] = 'y';
		assert_true(eu_fingerprint(a, n, 1) != eu_fingerprint(b, n, 1));
		assert_true(eu_fingerprint(a, n, 1) != eu_fingerprint(a, n - 1, 1));
	}
}

static void test_countries(void **s)
{
	(void)s;
	eu_countries *C = eu_countries_load(SRCDIR "/config");
	assert_non_null(C);
	assert_string_equal(eu_country_home(C), "DK");
	static const char *const home[] = {"DK", "dk", "Danmark", "DANMARK", "Denmark", "DNK", "Dänemark",
					   "Danemark", " Danmark ", "Kongeriget Danmark"};
	for (size_t i = 0; i < sizeof home / sizeof *home; i++)
		if (!eu_country_is_home(C, home[i], strlen(home[i])))
			fail_msg("'%s' is not home", home[i]);
	static const char *const abroad[] = {"FI", "Sverige", "DE", "Deutschland", "UK", "EL", "Danmarks", "D", "", "—"};
	for (size_t i = 0; i < sizeof abroad / sizeof *abroad; i++)
		if (eu_country_is_home(C, abroad[i], strlen(abroad[i])))
			fail_msg("'%s' is home", abroad[i]);
	char code[3];
	assert_true(eu_country_code(C, "EL", 2, code));
	assert_string_equal(code, "GR");
	assert_true(eu_country_code(C, "United Kingdom", 14, code));
	assert_string_equal(code, "GB");
	assert_true(eu_country_code(C, "nl", 2, code));
	assert_string_equal(code, "NL");
	assert_false(eu_country_code(C, "Atlantis", 8, code));
	assert_string_equal(code, "");
	assert_false(eu_country_code(C, "", 0, code));
	eu_countries_free(C);
}

static void test_country_faults(void **s)
{
	(void)s;
	char dir[] = "/tmp/euprio-country-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/countries.csv", dir);
	f = fopen(path, "w");
	fputs("code,spelling\nDK,Danmark\nDe,Tyskland\nSE,Danmark\nFI,\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/settings.csv", dir);
	f = fopen(path, "w");
	fputs("key,value\nhome_country,Danmark\n", f);
	fclose(f);
	char *msg = NULL;
	size_t mlen = 0;
	eu_diag = open_memstream(&msg, &mlen);
	assert_null(eu_countries_load(dir));
	fclose(eu_diag);
	eu_diag = NULL;
	/* Each fault once, with its line and column. */
	assert_non_null(strstr(msg, "countries.csv:3:1: code must be an ISO 3166 alpha-2 code in capitals, not 'De'"));
	assert_non_null(strstr(msg, "countries.csv:4:2: 'Danmark' already names DK"));
	assert_non_null(strstr(msg, "countries.csv:5:2: a spelling needs letters"));
	assert_non_null(strstr(msg, "settings.csv:2:2: home_country must be an ISO 3166 alpha-2 code"));
	free(msg);
	snprintf(path, sizeof path, "%s/countries.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/settings.csv", dir);
	unlink(path);
	rmdir(dir);
}

struct seen {
	int n;
	char log[512];
};

static void on_dupe(void *ctx, const eu_dupe *d)
{
	struct seen *s = ctx;
	size_t at = strlen(s->log);
	snprintf(s->log + at, sizeof s->log - at, "%s@%s:%ld<%s%s ", d->id, d->file, d->line, d->first,
		 d->same ? "=" : "");
	s->n++;
}

/* Both ways of keeping ids give the same answers: which occurrences repeat
 * an earlier id, where it was first, and whether the content was the same. */
static void test_dupes(void **s)
{
	(void)s;
	static const struct { const char *id, *file; long line; uint64_t content; } in[] = {
		{"A", "a.xml", 3, 1}, {"B", "a.xml", 9, 2}, {"A", "a.xml", 12, 1}, {"AB", "b.xml", 2, 3},
		{"A", "b.xml", 5, 7}, {"B", "b.xml", 8, 2}, {"C", "b.xml", 9, 4},
	};
	const char *want = "A@a.xml:12<a.xml:3= A@b.xml:5<a.xml:3 B@b.xml:8<a.xml:9= ";
	struct seen now = {0}, later = {0};
	eu_dupes *N = eu_dupes_new(EU_DUPES_NOW), *L = eu_dupes_new(EU_DUPES_LATER);
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		eu_dupe d;
		if (eu_dupes_note(N, in[i].id, strlen(in[i].id), in[i].content, in[i].file, in[i].line, &d))
			on_dupe(&now, &d);
		assert_int_equal(eu_dupes_note(L, in[i].id, strlen(in[i].id), in[i].content, in[i].file, in[i].line, &d), 0);
	}
	eu_dupes_report(L, on_dupe, &later);
	assert_string_equal(now.log, want);
	assert_string_equal(later.log, want);
	/* A report starts a new run. */
	eu_dupe d;
	assert_int_equal(eu_dupes_note(L, "A", 1, 1, "c.xml", 1, &d), 0);
	later = (struct seen){0};
	eu_dupes_report(L, on_dupe, &later);
	assert_int_equal(later.n, 0);
	eu_dupes_free(N);
	eu_dupes_free(L);

	/* Many ids through the Bloom filter: exactly the planted repeats. */
	L = eu_dupes_new(EU_DUPES_LATER);
	later = (struct seen){0};
	char id[32];
	for (int i = 0; i < 30000; i++) {
		snprintf(id, sizeof id, "APP-%07d", i);
		eu_dupes_note(L, id, strlen(id), (uint64_t)i, "big.xml", i + 2, &d);
	}
	eu_dupes_note(L, "APP-0012345", 11, 0, "big.xml", 40000, &d);
	eu_dupes_report(L, on_dupe, &later);
	assert_int_equal(later.n, 1);
	assert_string_equal(later.log, "APP-0012345@big.xml:40000<big.xml:12347 ");
	eu_dupes_free(L);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_countries),
		cmocka_unit_test(test_country_faults),
		cmocka_unit_test(test_dupes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
