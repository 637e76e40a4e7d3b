/* Unit tests for the streaming CSV reader (src/core/reader.c) and its
 * encodings (src/core/encoding.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "euprio/core/buf.h"
#include "euprio/core/encoding.h"
#include "euprio/core/reader.h"

/* Renders every row as "line:[f1][f2]" or "line:BAD(reason)", one per
 * line, so a whole parse compares as one string. */
static char *dump(const char *in, size_t len, size_t chunk, size_t max_field)
{
	eu_reader_opts o = {.check_utf8 = 1, .check_width = 1, .chunk = chunk, .max_field = max_field};
	eu_reader *r = eu_reader_mem(in, len, "t.csv", &o);
	eu_buf b = EU_BUF_INIT;
	eu_row row;
	const eu_row *h = eu_reader_header(r);

	if (h) {
		eu_buf_printf(&b, "H%ld:", h->line);
		for (size_t i = 0; i < h->n; i++)
			eu_buf_printf(&b, "[%s]", h->f[i]);
		eu_buf_addc(&b, '\n');
	}
	while (eu_reader_next(r, &row) == 1) {
		eu_buf_printf(&b, "%ld:", row.line);
		if (row.bad) {
			eu_buf_printf(&b, "BAD(%s)\n", row.bad);
			continue;
		}
		for (size_t i = 0; i < row.n; i++) {
			eu_buf_addc(&b, '[');
			eu_buf_add(&b, row.f[i], row.len[i]);
			eu_buf_addc(&b, ']');
		}
		eu_buf_addc(&b, '\n');
	}
	eu_reader_close(r);
	eu_buf_add(&b, "", 0);
	return b.p;
}

static void check(const char *in, const char *want)
{
	char *got = dump(in, strlen(in), 0, 0);
	assert_string_equal(got, want);
	free(got);
	/* The same input read a byte at a time gives the same rows. */
	got = dump(in, strlen(in), 1, 0);
	assert_string_equal(got, want);
	free(got);
}

static void test_basic(void **s)
{
	(void)s;
	check("a,b\n1,2\n3,4\n", "H1:[a][b]\n2:[1][2]\n3:[3][4]\n");
}

static void test_bom_crlf(void **s)
{
	(void)s;
	check("\xef\xbb\xbf" "a,b\r\n1,2\r\n", "H1:[a][b]\n2:[1][2]\n");
}

static void test_quotes_and_breaks(void **s)
{
	(void)s;
	check("a,b\n\"x\ny\",\"he said \"\"hi\"\"\"\n\"p,q\",\n",
	      "H1:[a][b]\n2:[x\ny][he said \"hi\"]\n4:[p,q][]\n");
	/* CRLF inside a quoted field is kept as data. */
	check("a,b\r\n\"x\r\ny\",2\r\n", "H1:[a][b]\n2:[x\r\ny][2]\n");
}

static void test_empty_lines_and_no_final_newline(void **s)
{
	(void)s;
	check("a,b\n\n1,2\n\n\n3,4", "H1:[a][b]\n3:[1][2]\n6:[3][4]\n");
	check("a,b\n1,2\n\n", "H1:[a][b]\n2:[1][2]\n");
	check("a,b\n,\n", "H1:[a][b]\n2:[][]\n");
}

static void test_spaces_kept(void **s)
{
	(void)s;
	check("a,b\n  x , y \n", "H1:[a][b]\n2:[  x ][ y ]\n");
}

static void test_ragged_line_numbers(void **s)
{
	(void)s;
	/* The ragged row comes after a three-line field: line 5, not 3. */
	check("a,b\n\"1\n2\n3\",x\n9\n7,8,9\n5,6\n",
	      "H1:[a][b]\n2:[1\n2\n3][x]\n"
	      "5:BAD(ragged row: 1 fields where the header has 2)\n"
	      "6:BAD(ragged row: 3 fields where the header has 2)\n"
	      "7:[5][6]\n");
}

static void test_nul_and_utf8(void **s)
{
	(void)s;
	static const char in[] = "a,b\n1,x\0y\n2,\xff\xfe\n3,\xc3\xa6\xc3\xb8\n4,\xed\xa0\x80\n5,\xc0\xaf\n";
	char *got = dump(in, sizeof in - 1, 0, 0);
	assert_string_equal(got,
		"H1:[a][b]\n2:BAD(NUL byte in field 2)\n"
		"3:BAD(invalid UTF-8 in field 2 at byte 1)\n"
		"4:[3][\xc3\xa6\xc3\xb8]\n"
		"5:BAD(invalid UTF-8 in field 2 at byte 1)\n"
		"6:BAD(invalid UTF-8 in field 2 at byte 1)\n");
	free(got);
}

static void test_lone_cr_line_numbers(void **s)
{
	(void)s;
	/* A lone CR ends a row mid-line; the next row starts on that line,
	 * whether the line is fed whole or a byte at a time (fuzz finding:
	 * after a quoted line break the whole-line path kept a stale line). */
	check("a,b\n\"x\ny\",1\r2,3\n4,5\n", "H1:[a][b]\n2:[x\ny][1]\n3:[2][3]\n4:[4][5]\n");
}

static void test_unterminated_quote(void **s)
{
	(void)s;
	check("a,b\n1,2\n3,\"open\nstill", "H1:[a][b]\n2:[1][2]\n3:BAD(unterminated quoted field at end of input)\n");
}

static void test_overlong_field(void **s)
{
	(void)s;
	eu_buf in = EU_BUF_INIT;
	eu_buf_adds(&in, "a,b\n1,2\n3,");
	for (int i = 0; i < 5000; i++)
		eu_buf_addc(&in, 'x');
	eu_buf_adds(&in, "\n4,5\n");
	for (size_t chunk = 1; chunk <= 65536; chunk *= 16) {
		char *got = dump(in.p, in.len, chunk, 1000);
		assert_string_equal(got, "H1:[a][b]\n2:[1][2]\n3:BAD(field 2 longer than 1000 bytes)\n4:[4][5]\n");
		free(got);
	}
	eu_buf_free(&in);
}

static void test_overlong_first_field(void **s)
{
	(void)s;
	/* The first field of the very first row is too long: a row with no
	 * fields at all is handed on as bad (UBSan fuzz finding). */
	eu_buf in = EU_BUF_INIT;
	for (int i = 0; i < 2000; i++)
		eu_buf_addc(&in, 'x');
	eu_buf_adds(&in, ",b\n1,2\n");
	eu_reader_opts o = {.check_utf8 = 1, .check_width = 1, .max_field = 1000};
	eu_reader *r = eu_reader_mem(in.p, in.len, "t", &o);
	const eu_row *h = eu_reader_header(r);
	assert_non_null(h);
	assert_int_equal(h->n, 0);
	assert_non_null(h->bad);
	assert_non_null(strstr(h->bad, "field 1 longer than 1000 bytes"));
	eu_row row;
	assert_int_equal(eu_reader_next(r, &row), 1);
	assert_string_equal(row.f[0], "1");
	eu_reader_close(r);
	eu_buf_free(&in);
}

static void test_chunk_sizes_agree(void **s)
{
	(void)s;
	/* A larger mixed input, with quoted fields straddling every possible
	 * chunk boundary for small chunk sizes. */
	eu_buf in = EU_BUF_INIT;
	eu_buf_adds(&in, "\xef\xbb\xbfid,text,n\r\n");
	for (int i = 0; i < 300; i++)
		eu_buf_printf(&in, "%d,\"line %d\r\nwith \"\"quotes\"\", commas\",%d\r\n%s", i, i, i * 7,
			      i % 17 == 0 ? "\r\n" : "");
	char *ref = dump(in.p, in.len, 65536, 0);
	size_t sizes[] = {1, 2, 3, 5, 7, 64, 4096};
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		char *got = dump(in.p, in.len, sizes[k], 0);
		assert_string_equal(got, ref);
		free(got);
	}
	assert_non_null(strstr(ref, "2:[0][line 0\r\nwith \"quotes\", commas][0]\n"));
	assert_non_null(strstr(ref, "\n5:[1]"));   /* an empty line after record 0 */
	free(ref);
	eu_buf_free(&in);
}

static void test_empty_input(void **s)
{
	(void)s;
	eu_reader *r = eu_reader_mem("", 0, "e.csv", NULL);
	assert_null(eu_reader_header(r));
	eu_reader_close(r);
	check("a,b\n", "H1:[a][b]\n");
}

static void test_utf8_check(void **s)
{
	(void)s;
	assert_int_equal(eu_utf8_check("abc", 3), 3);
	assert_int_equal(eu_utf8_check("\xf0\x9f\x98\x80", 4), 4);   /* emoji */
	assert_int_equal(eu_utf8_check("\xf0\x9f\x98", 3), 0);       /* truncated */
	assert_int_equal(eu_utf8_check("ab\xf4\x90\x80\x80", 6), 2); /* > U+10FFFF */
	assert_int_equal(eu_utf8_check("abcdefghij\x80", 11), 10);
}

static void test_delimiter(void **s)
{
	(void)s;
	eu_reader_opts o = {.delim = ';', .check_width = 1};
	eu_reader *r = eu_reader_mem("a;b\n1,5;2\n", 10, "d.csv", &o);
	eu_row row;
	assert_non_null(eu_reader_header(r));
	assert_int_equal(eu_reader_next(r, &row), 1);
	assert_int_equal(row.n, 2);
	assert_string_equal(row.f[0], "1,5");
	eu_reader_close(r);
}

/* Real exports, read with 64 KiB chunks (records split by the fast path)
 * and with 7-byte chunks (almost every record crosses a buffer, so libcsv
 * parses it), must give the same rows, lines and faults. */
static void test_real_files_both_paths(void **s)
{
	(void)s;
	static const struct { const char *path; unsigned char delim; } files[] = {
		{SHARED_DATA "/dk-erdf-erhvervsstyrelsen/ERDF_Denmark_2007-2013.csv", ','},
		{SHARED_DATA "/cordis-horizon-europe-org/organization_fyn_projects.csv", ';'},
		{SHARED_DATA "/cordis-horizon-europe-org/project_2021_cleaned_invalid_fields.csv", ';'},
		{SHARED_DATA "/ft-calls-mjarmak/output_query-open_1729947526918.csv", ','},
		{SHARED_DATA "/cordis-fp3-org/organizations-fp3-1990-1994.csv", '\t'},
		{SHARED_DATA "/dk-postnumre-postnord-2020/postals.csv", ';'},
	};
	int ran = 0;
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		FILE *f = fopen(files[i].path, "rb");
		if (!f)
			continue;
		eu_buf in = EU_BUF_INIT;
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			eu_buf_add(&in, chunk, n);
		fclose(f);
		char *a = NULL, *b = NULL;
		for (int pass = 0; pass < 2; pass++) {
			eu_reader_opts o = {.delim = files[i].delim, .check_utf8 = 1, .check_width = 1,
					    .chunk = pass ? 7 : 65536};
			eu_reader *r = eu_reader_mem(in.p, in.len, "real", &o);
			eu_buf out = EU_BUF_INIT;
			eu_row row;
			eu_reader_header(r);
			while (eu_reader_next(r, &row) == 1) {
				eu_buf_printf(&out, "%ld:%zu:%s|", row.line, row.n, row.bad ? row.bad : "");
				for (size_t k = 0; k < row.n; k++) {
					eu_buf_add(&out, row.f[k], row.len[k]);
					eu_buf_addc(&out, '\x1f');
				}
				eu_buf_addc(&out, '\n');
			}
			eu_reader_close(r);
			if (pass)
				b = out.p;
			else
				a = out.p;
		}
		if (strcmp(a, b) != 0)
			fail_msg("%s: the fast path and libcsv disagree", files[i].path);
		free(a);
		free(b);
		eu_buf_free(&in);
		ran++;
	}
	if (!ran) {
		printf("skip: real data not found under %s\n", SHARED_DATA);
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_bom_crlf),
		cmocka_unit_test(test_quotes_and_breaks),
		cmocka_unit_test(test_empty_lines_and_no_final_newline),
		cmocka_unit_test(test_spaces_kept),
		cmocka_unit_test(test_ragged_line_numbers),
		cmocka_unit_test(test_nul_and_utf8),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_lone_cr_line_numbers),
		cmocka_unit_test(test_overlong_field),
		cmocka_unit_test(test_overlong_first_field),
		cmocka_unit_test(test_chunk_sizes_agree),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_utf8_check),
		cmocka_unit_test(test_delimiter),
		cmocka_unit_test(test_real_files_both_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
