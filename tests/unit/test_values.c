/* Unit tests for dates and amounts as people type them (src/core/values.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "euprio/core/values.h"

static void date_is(const char *in, const char *want)
{
	long d = eu_parse_date(in);
	if (!want) {
		if (d >= 0)
			fail_msg("'%s' parsed as a date", in);
		return;
	}
	eu_buf b = EU_BUF_INIT;
	if (d < 0)
		fail_msg("'%s' did not parse", in);
	eu_fmt_date(&b, d);
	if (strcmp(b.p, want))
		fail_msg("'%s': want %s, got %s", in, want, b.p);
	eu_buf_free(&b);
}

static void test_dates(void **s)
{
	(void)s;
	date_is("2025-05-15", "2025-05-15");
	date_is("2024-09-05T17:00:00", "2024-09-05");
	date_is("15-05-2025", "2025-05-15");
	date_is("15.05.2025", "2025-05-15");
	date_is("15/5/2025", "2025-05-15");
	date_is("3. juli 2025", "2025-07-03");
	date_is("15. maj 2025", "2025-05-15");
	date_is("15 May 2025", "2025-05-15");
	date_is("24.04.2014", "2014-04-24");
	date_is("29-02-2024", "2024-02-29");
	date_is(" 1.1.2030 ", "2030-01-01");
	date_is("31-02-2025", NULL);
	date_is("29-02-2025", NULL);
	date_is("2025-13-01", NULL);
	date_is("15-05-25", NULL);
	date_is("soon", NULL);
	date_is("", NULL);
	date_is("2025-05-15 or so", NULL);
	date_is("32. juli 2025", NULL);
	assert_int_equal(eu_parse_date("1970-01-01"), 0);
}

static void amount_is(const char *in, double want, enum eu_currency wcur)
{
	double v = -1;
	enum eu_currency c;
	if (eu_parse_amount(in, &v, &c) != 0)
		fail_msg("'%s' did not parse", in);
	if (v < want - 0.001 || v > want + 0.001 || c != wcur)
		fail_msg("'%s': want %.2f (%d), got %.2f (%d)", in, want, wcur, v, c);
}

static void not_amount(const char *in)
{
	double v;
	enum eu_currency c;
	if (eu_parse_amount(in, &v, &c) == 0)
		fail_msg("'%s' parsed as %.2f", in, v);
}

static void test_amounts(void **s)
{
	(void)s;
	amount_is("3.200.000", 3200000, EU_CUR_UNKNOWN);
	amount_is("2.400.000,50", 2400000.5, EU_CUR_UNKNOWN);
	amount_is("4,5 mio.", 4500000, EU_CUR_UNKNOWN);
	amount_is("EUR 1,2 mio", 1200000, EU_CUR_EUR);
	amount_is("18 mio. kr.", 18000000, EU_CUR_DKK);
	amount_is("18 mio.kr.", 18000000, EU_CUR_DKK);
	amount_is("491873,75", 491873.75, EU_CUR_UNKNOWN);
	amount_is("1480000.00", 1480000, EU_CUR_UNKNOWN);
	amount_is("15.414.794", 15414794, EU_CUR_UNKNOWN);
	amount_is("DKK 250.000", 250000, EU_CUR_DKK);
	amount_is("1 480 000 €", 1480000, EU_CUR_EUR);
	amount_is("3,200,000", 3200000, EU_CUR_UNKNOWN);
	amount_is("1.5", 1.5, EU_CUR_UNKNOWN);
	amount_is("2 mia. kr", 2e9, EU_CUR_DKK);
	amount_is("-5", -5, EU_CUR_UNKNOWN);
	not_amount("");
	not_amount("n/a");
	not_amount("ca. 2 mio");
	not_amount("1.2.3,4,5");
	not_amount("9999999999999");
	not_amount("12 apples");
	assert_true(eu_to_eur(746, EU_CUR_DKK, EU_CUR_EUR, 7.46) == 100);
	assert_true(eu_to_eur(746, EU_CUR_UNKNOWN, EU_CUR_EUR, 7.46) == 746);
}

/* The one number parser: what the record stream carries, and with
 * EU_NUM_COMMA a Danish decimal comma; nothing strtod would also take. */
static void test_numbers(void **s)
{
	(void)s;
	static const struct { const char *in; int flags; int ok; double want; } cases[] = {
		{"1480000", 0, 1, 1480000}, {"160857.91", 0, 1, 160857.91}, {"-5", 0, 1, -5},
		{"+2.5", 0, 1, 2.5}, {"0", 0, 1, 0}, {"7,46", EU_NUM_COMMA, 1, 7.46},
		{"7,46", 0, 0, 0}, {"", 0, 0, 0}, {" 5", 0, 0, 0}, {"5 ", 0, 0, 0}, {"1e5", 0, 0, 0},
		{"0x10", 0, 0, 0}, {"inf", 0, 0, 0}, {"nan", 0, 0, 0}, {".5", 0, 0, 0}, {"5.", 0, 0, 0},
		{"-", 0, 0, 0}, {"1.2.3", 0, 0, 0}, {"1,2,3", EU_NUM_COMMA, 0, 0}, {"3.200.000", 0, 0, 0},
		{"12345678901234567890123456789012345678901234567890123456789012345678", 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		double v = -99;
		int rc = eu_parse_number(cases[i].in, strlen(cases[i].in), cases[i].flags, &v);
		if ((rc == 0) != cases[i].ok)
			fail_msg("'%s': %s", cases[i].in, rc == 0 ? "read as a number" : "not read");
		if (cases[i].ok && v != cases[i].want)
			fail_msg("'%s': %g", cases[i].in, v);
	}
	/* The length bounds the number: a field's bytes need no NUL. */
	double v;
	assert_int_equal(eu_parse_number("123abc", 3, 0, &v), 0);
	assert_true(v == 123);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_amounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
