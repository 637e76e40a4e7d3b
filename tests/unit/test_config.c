/* Unit tests for configuration tables (src/core/config.c): faults give
 * file:line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"

static char diagbuf[4096];

static int setup(void **s)
{
	(void)s;
	memset(diagbuf, 0, sizeof diagbuf);
	eu_diag = fmemopen(diagbuf, sizeof diagbuf - 1, "w");
	eu_set_progname("test");
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	fclose(eu_diag);
	eu_diag = NULL;
	return 0;
}

static const char *diag(void)
{
	fflush(eu_diag);
	return diagbuf;
}

static void test_load_semicolon_comments_bom(void **s)
{
	(void)s;
	static const char *const req[] = {"key", "value", NULL};
	const char *in = "\xef\xbb\xbf Key ;VALUE\r\n# a comment;x\r\n\r\ndkk_rate; 7,46 \r\nname;Odense\r\n";
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "s.csv", in, strlen(in), req), 0);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(eu_table_get(&t, 0, eu_table_col(&t, "value")), "7,46");
	double d;
	assert_int_equal(eu_table_number(&t, 0, 1, 0, 100, &d), 0);
	assert_true(d > 7.45 && d < 7.47);
	assert_int_equal(eu_table_number(&t, 1, 1, 0, 100, &d), -1);
	assert_non_null(strstr(diag(), "test: s.csv:5:2: 'Odense' is not a number"));
	eu_table_free(&t);
}

static void test_missing_column(void **s)
{
	(void)s;
	static const char *const req[] = {"goal", "pattern", NULL};
	const char *in = "goal,weight\nG1,1\n";
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "terms.csv", in, strlen(in), req), -1);
	assert_non_null(strstr(diag(), "terms.csv:1:1: missing column 'pattern'"));
	eu_table_free(&t);
}

static void test_malformed_row(void **s)
{
	(void)s;
	const char *in = "a,b\n1,2\n3,4,5\n6,\"open\n";
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "m.csv", in, strlen(in), NULL), -1);
	assert_non_null(strstr(diag(), "m.csv:3:3: value beyond the last column"));
	assert_non_null(strstr(diag(), "m.csv:4:1: unterminated quoted field"));
	eu_table_free(&t);
}

static void test_missing_file(void **s)
{
	(void)s;
	eu_table t;
	assert_int_equal(eu_table_load(&t, "/nonexistent-dir", "goals.csv", NULL), -1);
	assert_non_null(strstr(diag(), "/nonexistent-dir/goals.csv: cannot open configuration table"));
}

static void test_enum(void **s)
{
	(void)s;
	static const char *const req[] = {"kind", NULL};
	static const char *const kinds[] = {"const", "field", "text"};
	const char *in = "kind,column\ntext,summary\nconst,source\nConst,title\n,id\nfields,x\n";
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "p.csv", in, strlen(in), req), 0);
	long ck = eu_table_col(&t, "kind");
	assert_int_equal(eu_table_enum(&t, 0, ck, "kind", kinds, 3), 2);
	assert_int_equal(eu_table_enum(&t, 1, ck, "kind", kinds, 3), 0);
	assert_string_equal(diag(), "");
	/* Exact: no case folding, no prefix, and an empty cell is no kind. */
	assert_int_equal(eu_table_enum(&t, 2, ck, "kind", kinds, 3), -1);
	assert_non_null(strstr(diag(), "test: p.csv:4:1: unknown kind 'Const'\n"));
	assert_int_equal(eu_table_enum(&t, 3, ck, "kind", kinds, 3), -1);
	assert_non_null(strstr(diag(), "test: p.csv:5:1: unknown kind ''\n"));
	assert_int_equal(eu_table_enum(&t, 4, ck, "sheet", kinds, 3), -1);
	assert_non_null(strstr(diag(), "test: p.csv:6:1: unknown sheet 'fields'\n"));
	/* Only the first n names count. */
	assert_int_equal(eu_table_enum(&t, 0, ck, "kind", kinds, 2), -1);
	assert_non_null(strstr(diag(), "test: p.csv:2:1: unknown kind 'text'\n"));
	eu_table_free(&t);
}

static void test_settings(void **s)
{
	(void)s;
	FILE *f = fopen("/tmp/euprio-test-settings.csv", "w");
	assert_non_null(f);
	fputs("key,value,comment\nrate,7.46,DKK per EUR\nrate2,abc,\nrate,1,dup\n", f);
	fclose(f);
	eu_settings st;
	assert_int_equal(eu_settings_load(&st, "/tmp", "euprio-test-settings.csv"), -1);
	assert_non_null(strstr(diag(), "euprio-test-settings.csv:4:1: key 'rate' is set twice"));
	eu_settings_free(&st);

	f = fopen("/tmp/euprio-test-settings.csv", "w");
	fputs("key,value,comment\nrate,7.46,DKK per EUR\nrate2,abc,\n", f);
	fclose(f);
	assert_int_equal(eu_settings_load(&st, "/tmp", "euprio-test-settings.csv"), 0);
	double d;
	assert_int_equal(eu_setting_number(&st, "rate", 0, 100, &d), 0);
	assert_true(d == 7.46);
	assert_int_equal(eu_setting_number(&st, "rate2", 0, 100, &d), -1);
	assert_non_null(strstr(diag(), "settings.csv:3:2: 'abc' is not a number"));
	assert_int_equal(eu_setting_number(&st, "nope", 0, 100, &d), -1);
	assert_non_null(strstr(diag(), "missing setting 'nope'"));
	assert_int_equal(eu_setting_number(&st, "rate", 0, 5, &d), -1);
	assert_non_null(strstr(diag(), "out of range"));
	eu_settings_free(&st);
	remove("/tmp/euprio-test-settings.csv");
}

/* A table kept beside the inputs, in every form the listings reader
 * takes: Windows-1252 is converted only with EU_TABLE_CP1252 (the policy
 * tables stay strict UTF-8), a BOM'd UTF-8 file is never reinterpreted,
 * and line numbers are the file's. */
static void test_load_file_cp1252(void **s)
{
	(void)s;
	static const char *const req[] = {"id", "note", NULL};
	char path[] = "/tmp/euprio-test-table-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char cp[] = "id;note\r\n# comment\r\nA-1;\xc6ndret \xf8konomi \x80\r\n";
	assert_int_equal(write(fd, cp, sizeof cp - 1), (ssize_t)(sizeof cp - 1));
	close(fd);
	eu_table t;
	assert_int_equal(eu_table_load_file(&t, path, "decisions table", EU_TABLE_CP1252, req), 0);
	assert_int_equal(t.nrows, 1);
	assert_int_equal(t.rows[0].line, 3);
	assert_string_equal(eu_table_get(&t, 0, eu_table_col(&t, "note")), "\xc3\x86ndret \xc3\xb8konomi \xe2\x82\xac");
	eu_table_free(&t);
	/* Without the flag the same file is refused at its line. */
	assert_int_equal(eu_table_load_file(&t, path, "decisions table", 0, req), -1);
	assert_non_null(strstr(diag(), ":3:1: "));
	eu_table_free(&t);
	/* UTF-8 with a BOM stays UTF-8. */
	const char u8[] = "\xef\xbb\xbfid,note\nA-1,\xc3\x86ndret\n";
	FILE *f = fopen(path, "w");
	fwrite(u8, 1, sizeof u8 - 1, f);
	fclose(f);
	assert_int_equal(eu_table_load_file(&t, path, "decisions table", EU_TABLE_CP1252, req), 0);
	assert_string_equal(eu_table_get(&t, 0, 1), "\xc3\x86ndret");
	eu_table_free(&t);
	remove(path);
	assert_int_equal(eu_table_load_file(&t, path, "decisions table", EU_TABLE_CP1252, req), -1);
	assert_non_null(strstr(diag(), "cannot open decisions table"));
	eu_table_free(&t);
}

static void test_config_dir(void **s)
{
	(void)s;
	setenv("EUPRIO_CONFIG", "/from/env", 1);
	assert_string_equal(eu_config_dir("/from/opt"), "/from/opt");
	assert_string_equal(eu_config_dir(NULL), "/from/env");
	unsetenv("EUPRIO_CONFIG");
	assert_non_null(strstr(eu_config_dir(NULL), "euprio"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_semicolon_comments_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_file_cp1252, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_dir, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
