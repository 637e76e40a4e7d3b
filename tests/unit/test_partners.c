/* Unit tests for the partners field codec (src/stream/partners.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "euprio/stream/partners.h"

static void test_round_trip_hostile_names(void **s)
{
	(void)s;
	static const char *names[] = {
		"Odense Havn; A/S", "Foo | Bar", "Smith, Jones & Co", "The \"Quoted\" Org",
		"Æblegården ØST Århus", "Östersunds kommun", "İzmir Büyükşehir Belediyesi",
		"Київ", "Robots \xf0\x9f\xa4\x96 Inc", "x",
	};
	eu_buf b = EU_BUF_INIT;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const char *v[EU_P_NATTR] = {names[i], "29283958", "business", "partner", "5230", "Odense M", "DK"};
		eu_partner_encode(&b, v);
	}
	eu_partners ps = EU_PARTNERS_INIT;
	const char *err = NULL;
	assert_int_equal(eu_partners_decode(&ps, b.p, b.len, &err), 0);
	assert_int_equal(ps.n, sizeof names / sizeof *names);
	for (size_t i = 0; i < ps.n; i++) {
		assert_string_equal(ps.p[i].a[EU_P_NAME], names[i]);
		assert_string_equal(ps.p[i].a[EU_P_CITY], "Odense M");
		assert_string_equal(ps.p[i].a[EU_P_COUNTRY], "DK");
	}
	eu_partners_free(&ps);
	eu_buf_free(&b);
}

static void test_separators_folded(void **s)
{
	(void)s;
	eu_buf b = EU_BUF_INIT;
	const char *v[EU_P_NATTR] = {" Two\tpart\r\nname ", NULL, "education", NULL, NULL, "Odense\nC", NULL};
	eu_partner_encode(&b, v);
	assert_string_equal(b.p, "Two part name\t\teducation\t\t\tOdense C\t");
	eu_partners ps = EU_PARTNERS_INIT;
	const char *err;
	assert_int_equal(eu_partners_decode(&ps, b.p, b.len, &err), 0);
	assert_int_equal(ps.n, 1);
	assert_string_equal(ps.p[0].a[EU_P_ORGID], "");
	assert_string_equal(ps.p[0].a[EU_P_CITY], "Odense C");
	eu_partners_free(&ps);
	eu_buf_free(&b);
}

static void test_decode_errors(void **s)
{
	(void)s;
	eu_partners ps = EU_PARTNERS_INIT;
	const char *err = NULL;
	const char *eight = "a\tb\tc\td\te\tf\tg\th";
	assert_int_equal(eu_partners_decode(&ps, eight, strlen(eight), &err), -1);
	assert_non_null(strstr(err, "more than seven"));
	const char *noname = "\t1\tbusiness";
	assert_int_equal(eu_partners_decode(&ps, noname, strlen(noname), &err), -1);
	assert_non_null(strstr(err, "no name"));
	/* White space is no name either (a fuzzer found "\r\r\r" accepted). */
	const char *blank = "\r\r \t1\tbusiness";
	assert_int_equal(eu_partners_decode(&ps, blank, strlen(blank), &err), -1);
	/* Short lines, CRLF and blank lines are tolerated. */
	const char *ok = "SDU\t\teducation\r\n\r\nUniversal Robots\n";
	assert_int_equal(eu_partners_decode(&ps, ok, strlen(ok), &err), 0);
	assert_int_equal(ps.n, 2);
	assert_string_equal(ps.p[0].a[EU_P_TYPE], "education");
	assert_string_equal(ps.p[1].a[EU_P_NAME], "Universal Robots");
	assert_string_equal(ps.p[1].a[EU_P_COUNTRY], "");
	assert_int_equal(eu_partners_decode(&ps, "", 0, &err), 0);
	assert_int_equal(ps.n, 0);
	eu_partners_free(&ps);
}

static void test_attr_index(void **s)
{
	(void)s;
	for (int a = 0; a < EU_P_NATTR; a++)
		assert_int_equal(eu_pattr_index(eu_pattr_names[a]), a);
	assert_int_equal(eu_pattr_index("postcode"), EU_P_POSTCODE);
	assert_int_equal(eu_pattr_index("Country"), -1);
	assert_int_equal(eu_pattr_index("nam"), -1);
	assert_int_equal(eu_pattr_index(""), -1);
}

/* The one display both of euprio-rank's files use: "Name (City, CC)". */
static void test_display(void **s)
{
	(void)s;
	eu_buf b = EU_BUF_INIT;
	const char *f = "Syddansk Universitet\t29283958\tresearch\tcoordinator\t5230\tOdense M\tDK\n"
			"Tampere University\t\t\tpartner\t\t\tFI\n"
			"Odense Fagskole.\t\t\tpartner\t\t\t\n"
			"Stadt Schwerin\t\tpublic\tpartner\t\tSchwerin\t";
	assert_int_equal(eu_partners_display(&b, f, strlen(f)), 0);
	assert_string_equal(b.p, "Syddansk Universitet (Odense M, DK)\nTampere University (FI)\n"
				 "Odense Fagskole.\nStadt Schwerin (Schwerin)");
	eu_buf_clear(&b);
	assert_int_equal(eu_partners_display(&b, "a\tb\tc\td\te\tf\tg\th", 15), -1);
	assert_int_equal(b.len, 0);
	eu_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_hostile_names),
		cmocka_unit_test(test_separators_folded),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_attr_index),
		cmocka_unit_test(test_display),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
