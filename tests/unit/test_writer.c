/* Unit tests for the CSV writer (src/lib/writer.c): minimal quoting that
 * reads back to the same fields, formula escaping, dialect options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "euprio/core/buf.h"
#include "euprio/core/reader.h"
#include "euprio/core/writer.h"

/* Writes rows through a pipe-free temp file and returns the bytes. */
static char *render(const eu_writer_opts *o, const char *const *cells, size_t n,
		    const int *numeric, size_t *outlen)
{
	char path[] = "/tmp/euprio-writer-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	eu_writer *w = eu_writer_fdopen(fd, path, o);
	for (size_t i = 0; i < n; i++) {
		if (!cells[i]) {
			eu_write_end(w);
			continue;
		}
		eu_write_field(w, cells[i], strlen(cells[i]), numeric ? numeric[i] : 0);
	}
	assert_int_equal(eu_writer_flush(w), 0);
	off_t size = lseek(fd, 0, SEEK_END);
	char *buf = calloc(1, (size_t)size + 1);
	assert_int_equal(pread(fd, buf, (size_t)size, 0), size);
	eu_writer_close(w);
	close(fd);
	unlink(path);
	*outlen = (size_t)size;
	return buf;
}

static void test_minimal_quoting(void **s)
{
	(void)s;
	const char *cells[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "", " sp ", "x\ry", NULL};
	size_t len;
	char *out = render(NULL, cells, 8, NULL, &len);
	assert_string_equal(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",, sp ,\"x\ry\"\n");

	/* Reads back to the same fields. */
	eu_reader_opts ro = {.check_utf8 = 1};
	eu_reader *r = eu_reader_mem(out, len, "w", &ro);
	eu_row row;
	assert_int_equal(eu_reader_next(r, &row), 1);
	assert_int_equal(row.n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(row.f[i], cells[i]);
	eu_reader_close(r);
	free(out);
}

static void test_lone_empty_field_is_quoted(void **s)
{
	(void)s;
	const char *cells[] = {"", NULL, "x", NULL};
	size_t len;
	char *out = render(NULL, cells, 4, NULL, &len);
	assert_string_equal(out, "\"\"\nx\n");
	free(out);
}

static void test_formula_escaping(void **s)
{
	(void)s;
	eu_writer_opts o = {.excel_safe = 1};
	const char *cells[] = {"=SUM(A1)", "+1", "-5", "-5", "@x", "  =1", "\tx", "safe", "1.5", "-2x", NULL};
	int numeric[] = {0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0};
	size_t len;
	char *out = render(&o, cells, 11, numeric, &len);
	assert_string_equal(out, "'=SUM(A1),'+1,-5,'-5,'@x,'  =1,'\tx,safe,1.5,'-2x\n");
	free(out);
	assert_true(eu_cell_is_formula("=1", 2, 0));
	assert_false(eu_cell_is_formula("-5", 2, 1));
	assert_true(eu_cell_is_formula("-", 1, 1));
	assert_false(eu_cell_is_formula("   ", 3, 0));
}

static void test_excel_da_dialect(void **s)
{
	(void)s;
	eu_writer_opts o = {.delim = ';', .crlf = 1, .bom = 1, .decimal_comma = 1};
	const char *cells[] = {"a;b", "1480000.5", "1.5", NULL};
	int numeric[] = {0, 1, 0, 0};
	size_t len;
	char *out = render(&o, cells, 4, numeric, &len);
	assert_string_equal(out, "\xef\xbb\xbf\"a;b\";1480000,5;1.5\r\n");
	free(out);
}

static void test_plain_number(void **s)
{
	(void)s;
	assert_true(eu_is_plain_number("0", 1));
	assert_true(eu_is_plain_number("-12.50", 6));
	assert_false(eu_is_plain_number("1.", 2));
	assert_false(eu_is_plain_number(".5", 2));
	assert_false(eu_is_plain_number("1e5", 3));
	assert_false(eu_is_plain_number("", 0));
}

static void test_write_error_is_sticky(void **s)
{
	(void)s;
	FILE *full = fopen("/dev/full", "w");
	if (!full)
		skip();
	eu_writer *w = eu_writer_fdopen(fileno(full), "/dev/full", NULL);
	for (int i = 0; i < 20000; i++) {
		eu_write_str(w, "some data that fills the buffer");
		eu_write_end(w);
	}
	assert_int_equal(eu_writer_flush(w), -1);
	assert_int_equal(eu_writer_error(w), -1);
	eu_writer_close(w);
	fclose(full);
}

/* Rows made by a memory writer, then written raw, read the same as rows
 * written directly: the options carry over (no BOM twice), small chunks
 * go through the buffer and large ones past it, in order. */
static void test_memory_writer_rows(void **s)
{
	(void)s;
	eu_writer_opts o = {.delim = ';', .crlf = 1, .bom = 1, .excel_safe = 1};
	static const char *const cells[] = {"=SUM(A1)", "a;b", "say \"hi\"", "", "plain", "-5", "x\ny"};
	const size_t nc = sizeof cells / sizeof *cells;
	for (int rounds = 1; rounds <= 3000; rounds *= 3000) {
		char pd[] = "/tmp/euprio-writer-XXXXXX", pr[] = "/tmp/euprio-writer-XXXXXX";
		int fd = mkstemp(pd), fr = mkstemp(pr);
		assert_true(fd >= 0 && fr >= 0);
		eu_writer *direct = eu_writer_fdopen(fd, pd, &o), *raw = eu_writer_fdopen(fr, pr, &o);
		eu_writer *mem = eu_writer_mem(raw);
		eu_buf rows = EU_BUF_INIT;
		/* a header through each, then the rows */
		eu_write_str(direct, "head");
		eu_write_end(direct);
		eu_write_str(raw, "head");
		eu_write_end(raw);
		eu_writer_mem_bind(mem, &rows);
		for (int r = 0; r < rounds; r++) {
			for (size_t i = 0; i < nc; i++) {
				eu_write_field(direct, cells[i], strlen(cells[i]), i == 5);
				eu_write_field(mem, cells[i], strlen(cells[i]), i == 5);
			}
			eu_write_end(direct);
			eu_write_end(mem);
		}
		eu_writer_mem_unbind(mem);
		assert_true(rounds == 1 ? rows.len < 65536 : rows.len > 65536);
		eu_write_raw(raw, rows.p, rows.len);
		eu_write_str(direct, "tail");
		eu_write_end(direct);
		eu_write_str(raw, "tail");
		eu_write_end(raw);
		assert_int_equal(eu_writer_flush(direct), 0);
		assert_int_equal(eu_writer_flush(raw), 0);
		off_t a = lseek(fd, 0, SEEK_END), b = lseek(fr, 0, SEEK_END);
		assert_int_equal(a, b);
		char *x = calloc(1, (size_t)a + 1), *y = calloc(1, (size_t)b + 1);
		assert_int_equal(pread(fd, x, (size_t)a, 0), a);
		assert_int_equal(pread(fr, y, (size_t)b, 0), b);
		assert_memory_equal(x, y, (size_t)a);
		assert_memory_equal(x, "\xef\xbb\xbfhead\r\n'=SUM(A1);\"a;b\";\"say \"\"hi\"\"\";;plain;-5;\"x\ny\"\r\n", 50);
		free(x);
		free(y);
		eu_buf_free(&rows);
		eu_writer_close(mem);
		eu_writer_close(direct);
		eu_writer_close(raw);
		close(fd);
		close(fr);
		unlink(pd);
		unlink(pr);
	}
	/* a large raw write to a full disk fails, and the failure stays */
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		eu_writer *w = eu_writer_fdopen(fileno(full), "/dev/full", NULL);
		char *big = calloc(1, 100000);
		eu_write_raw(w, big, 100000);
		assert_int_equal(eu_writer_error(w), -1);
		eu_write_str(w, "more");
		assert_int_equal(eu_writer_flush(w), -1);
		free(big);
		eu_writer_close(w);
		fclose(full);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_quoting),
		cmocka_unit_test(test_lone_empty_field_is_quoted),
		cmocka_unit_test(test_formula_escaping),
		cmocka_unit_test(test_excel_da_dialect),
		cmocka_unit_test(test_plain_number),
		cmocka_unit_test(test_write_error_is_sticky),
		cmocka_unit_test(test_memory_writer_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
