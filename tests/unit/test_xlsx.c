/* Cell text for Excel: cutting at the 32 767-unit limit on a character
 * boundary (surrogate pairs count two), the marker, control characters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "euprio/stages/xlsx.h"

static void fit_counts_utf16_units(void **state)
{
	(void)state;
	assert_int_equal(eu_xlsx_fit("abc", 3, 3), 3);
	assert_int_equal(eu_xlsx_fit("abc", 3, 2), 2);
	/* "Ærø": three characters, six bytes. */
	assert_int_equal(eu_xlsx_fit("\xc3\x86r\xc3\xb8", 5, 2), 3);
	assert_int_equal(eu_xlsx_fit("\xc3\x86r\xc3\xb8", 5, 1), 2);
	/* An emoji is one character but two UTF-16 units: it never half fits. */
	assert_int_equal(eu_xlsx_fit("a\xf0\x9f\x98\x80", 5, 2), 1);
	assert_int_equal(eu_xlsx_fit("a\xf0\x9f\x98\x80", 5, 3), 5);
	assert_int_equal(eu_xlsx_fit("", 0, 0), 0);
}

static size_t units(const char *s)
{
	size_t u = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			u += ((unsigned char)*s >= 0xF0) ? 2 : 1;
	return u;
}

static void long_cells_are_cut_with_marker(void **state)
{
	(void)state;
	size_t n = 40000;
	char *s = malloc(n * 3 + 1), *p = s;
	for (size_t i = 0; i < n; i++)
		p += i % 2 ? (memcpy(p, "\xc3\xa6", 2), 2) : (*p = 'x', 1);    /* x, æ, x, æ ... */
	*p = '\0';
	eu_buf b = EU_BUF_INIT;
	assert_int_equal(eu_xlsx_cell_text(&b, s, (size_t)(p - s), "[cut]"), 1);
	assert_true(units(b.p) <= EU_XLSX_CELL_MAX);
	assert_true(units(b.p) > EU_XLSX_CELL_MAX - 10);
	assert_string_equal(b.p + b.len - 6, " [cut]");
	assert_memory_equal(b.p, s, b.len - 6);
	free(s);
	eu_buf_free(&b);

	/* Exactly at the limit: kept whole. */
	char *full = malloc(EU_XLSX_CELL_MAX + 1);
	memset(full, 'y', EU_XLSX_CELL_MAX);
	full[EU_XLSX_CELL_MAX] = '\0';
	eu_buf c = EU_BUF_INIT;
	assert_int_equal(eu_xlsx_cell_text(&c, full, EU_XLSX_CELL_MAX, "[cut]"), 0);
	assert_int_equal(c.len, EU_XLSX_CELL_MAX);
	free(full);
	eu_buf_free(&c);
}

static void controls_and_line_breaks(void **state)
{
	(void)state;
	eu_buf b = EU_BUF_INIT;
	const char in[] = "a\x01" "b\x1b" "c\r\nd\re\tf\x7f" "g";
	assert_int_equal(eu_xlsx_cell_text(&b, in, sizeof in - 1, "[cut]"), 0);
	assert_string_equal(b.p, "a b c\nd\ne\tf g");
	eu_buf_clear(&b);
	/* Formulas are left alone: the writer stores text cells, never formulas. */
	eu_xlsx_cell_text(&b, "=1+1", 4, "[cut]");
	assert_string_equal(b.p, "=1+1");
	eu_buf_clear(&b);
	eu_xlsx_cell_text(&b, "", 0, "[cut]");
	assert_non_null(b.p);
	assert_string_equal(b.p, "");
	eu_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit_counts_utf16_units),
		cmocka_unit_test(long_cells_are_cut_with_marker),
		cmocka_unit_test(controls_and_line_breaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
