/* Unit tests for folding and formatting helpers (src/lib/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "euprio/core/text.h"

static void fold_is(const char *in, const char *want)
{
	eu_buf b = EU_BUF_INIT;
	eu_fold(&b, in, strlen(in));
	assert_string_equal(b.p, want);
	eu_buf_free(&b);
}

static void test_fold(void **s)
{
	(void)s;
	fold_is("Östersund", "ostersund");
	fold_is("København", "kobenhavn");
	fold_is("Århus", "aarhus");
	fold_is("AARHUS", "aarhus");
	fold_is("İzmir", "izmir");
	fold_is("Kópavogur", "kopavogur");
	fold_is("Klaksvík", "klaksvik");
	fold_is("Norrköping", "norrkoping");
	fold_is("Straße", "strasse");
	fold_is("Київ", "киів");   /* ї loses its diaeresis like any mark */
	fold_is("  Odense   Robotics A/S ", "odense robotics a s");
	fold_is("Petach-Tikva", "petach tikva");
	fold_is("Ærø", "aero");
	fold_is("bad\xff" "byte", "badbyte");
	fold_is("", "");
}

static void test_words(void **s)
{
	(void)s;
	const char *h = "syddansk universitet sdu";
	assert_true(eu_folded_contains_words(h, strlen(h), "sdu", 3));
	assert_true(eu_folded_contains_words(h, strlen(h), "syddansk universitet", 20));
	assert_false(eu_folded_contains_words(h, strlen(h), "universitet s", 13));
	const char *h2 = "sduniversity";
	assert_false(eu_folded_contains_words(h2, strlen(h2), "sdu", 3));
}

static void test_amount(void **s)
{
	(void)s;
	eu_buf b = EU_BUF_INIT;
	eu_fmt_amount(&b, 1480000);
	eu_buf_addc(&b, '|');
	eu_fmt_amount(&b, 160857.914);
	eu_buf_addc(&b, '|');
	eu_fmt_amount(&b, 0.1 + 0.2);
	eu_buf_addc(&b, '|');
	eu_fmt_amount(&b, -0.001);
	eu_buf_addc(&b, '|');
	eu_fmt_amount(&b, 2400000.5);
	assert_string_equal(b.p, "1480000|160857.91|0.3|0|2400000.5");
	/* Past the integer path, printf's: the largest double is 309 digits,
	 * all of them written, none read past the buffer (a 64-byte one was,
	 * for anything from 1e61 on). */
	char big[EU_AMOUNT_MAX];
	size_t n = eu_fmt_amount_to(big, 1.7976931348623157e308);
	assert_int_equal(n, 309);
	assert_int_equal(strlen(big), 309);
	assert_memory_equal(big, "17976931348623157", 17);
	n = eu_fmt_amount_to(big, -1e61);
	assert_int_equal(n, 62);
	assert_int_equal(strlen(big), 62);
	assert_memory_equal(big, "-99999999999999980", 18);
	assert_int_equal(eu_fmt_amount_to(big, 12345678901234.5), 16);
	assert_string_equal(big, "12345678901234.5");
	assert_int_equal(eu_fmt_amount_to(big, -2.25), 5);
	assert_string_equal(big, "-2.25");
	/* Halves of a cent round away from zero, as llround does. */
	eu_fmt_amount_to(big, 0.125);
	assert_string_equal(big, "0.13");
	eu_fmt_amount_to(big, -0.125);
	assert_string_equal(big, "-0.13");
	eu_buf_free(&b);
}

static void test_collapse(void **s)
{
	(void)s;
	eu_buf b = EU_BUF_INIT;
	const char *in = "  Robotter \n som\t\tjobskabere\xc2\xa0nu ";
	eu_collapse_ws(&b, in, strlen(in));
	assert_string_equal(b.p, "Robotter som jobskabere nu");
	eu_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_amount),
		cmocka_unit_test(test_collapse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
