/* Unit tests for configuration tables (src/core/config.c): faults give
 * file:line:col, once; Windows-1252 is refused; a BOM and comments do not
 * decide the delimiter; unknown columns are errors; where the policy is. */
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
	assert_non_null(strstr(diag(), "terms.csv:1: missing column 'pattern'"));
	eu_table_free(&t);
}

static void test_malformed_row(void **s)
{
	(void)s;
	const char *in = "a,b\n1,2\n3,4,5\n6,\"open\n";
	/* The column is the field the fault is in: the quote opens field 2. */
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "m.csv", in, strlen(in), NULL), -1);
	assert_non_null(strstr(diag(), "m.csv:3:3: value beyond the last column"));
	assert_non_null(strstr(diag(), "m.csv:4:2: unterminated quoted field"));
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
	assert_int_equal(eu_table_load_file(&t, path, "decisions table", EU_TABLE_CP1252, req, NULL), 0);
	assert_int_equal(t.nrows, 1);
	assert_int_equal(t.rows[0].line, 3);
	assert_string_equal(eu_table_get(&t, 0, eu_table_col(&t, "note")), "\xc3\x86ndret \xc3\xb8konomi \xe2\x82\xac");
	eu_table_free(&t);
	/* Without the flag the same file is refused at its line. */
	assert_int_equal(eu_table_load_file(&t, path, "decisions table", 0, req, NULL), -1);
	assert_non_null(strstr(diag(), ":3:2: not UTF-8 but Windows-1252"));
	eu_table_free(&t);
	/* UTF-8 with a BOM stays UTF-8. */
	const char u8[] = "\xef\xbb\xbfid,note\nA-1,\xc3\x86ndret\n";
	FILE *f = fopen(path, "w");
	fwrite(u8, 1, sizeof u8 - 1, f);
	fclose(f);
	assert_int_equal(eu_table_load_file(&t, path, "decisions table", EU_TABLE_CP1252, req, NULL), 0);
	assert_string_equal(eu_table_get(&t, 0, 1), "\xc3\x86ndret");
	eu_table_free(&t);
	remove(path);
	assert_int_equal(eu_table_load_file(&t, path, "decisions table", EU_TABLE_CP1252, req, NULL), -1);
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

/* Count of needle in the captured messages. */
static int count(const char *needle)
{
	int n = 0;

	for (const char *p = diag(); (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Danish Excel's "CSV (semikolonsepareret)" is Windows-1252, which has
 * already lost CO₂'s subscript to '?': the table is refused, at the first
 * cell with such letters, with the way to save it; never converted. */
static void test_cp1252_refused(void **s)
{
	(void)s;
	static const char *const req[] = {"goal", "pattern", NULL};
	const char *in = "goal;weight;fields;pattern\nG6;1;title;\\bCO[2?]\n"
			 "G3;1;summary;\\b\xe6ldre\nG3;1;title;\\bpleje\xf8konomi\n";
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "goal_terms.csv", in, strlen(in), req), -1);
	assert_non_null(strstr(diag(), "goal_terms.csv:3:4: not UTF-8 but Windows-1252 ('\\b\xc3\xa6ldre')"));
	assert_non_null(strstr(diag(), "save the table as \"CSV UTF-8\""));
	assert_non_null(strstr(diag(), "(2 rows with such letters)"));
	assert_int_equal(count("goal_terms.csv"), 1);
	assert_int_equal(t.nrows, 0);
	eu_table_free(&t);

	/* Not Windows-1252 either (0x81 is no character there): still refused. */
	in = "goal,pattern\nG1,\"a\nb\x81\"\n";
	assert_int_equal(eu_table_load_mem(&t, "x.csv", in, strlen(in), req), -1);
	assert_non_null(strstr(diag(), "x.csv:3:2: invalid UTF-8 (1 row)"));
	eu_table_free(&t);
}

/* Excel's "CSV UTF-8" starts with a BOM; a comment row holding ';' above a
 * ',' header, with the BOM in front of its '#', must not make ';' the
 * delimiter, nor must a comment Excel quoted. */
static void test_bom_before_comment(void **s)
{
	(void)s;
	static const char *const req[] = {"key", "value", NULL};
	const char *in = "\xef\xbb\xbf# settings; edit with care; really;;\nkey,value,comment\nrate,7.46,x\n";
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "settings.csv", in, strlen(in), req), 0);
	assert_int_equal(t.ncols, 3);
	assert_string_equal(eu_table_get(&t, 0, eu_table_col(&t, "value")), "7.46");
	eu_table_free(&t);

	in = "\xef\xbb\xbf\"# a, b, c, d\";;\r\nkey;value\r\nrate;7,46\r\n";
	assert_int_equal(eu_table_load_mem(&t, "settings.csv", in, strlen(in), req), 0);
	assert_int_equal(t.ncols, 2);
	assert_string_equal(eu_table_get(&t, 0, 1), "7,46");
	eu_table_free(&t);
	assert_string_equal(diag(), "");
}

/* The column of a fault is the field it is in, and a fault with no field
 * (a missing column, a missing setting) names none. */
static void test_real_columns(void **s)
{
	(void)s;
	const char in[] = "a,b,c\n1,2,3\n4,5,x\0y\n";
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "n.csv", in, sizeof in - 1, NULL), -1);
	assert_non_null(strstr(diag(), "n.csv:3:3: NUL byte in field 3"));
	eu_table_free(&t);

	const char *in2 = "a,b\n1,2\n";
	assert_int_equal(eu_table_load_mem(&t, "e.csv", in2, strlen(in2), NULL), 0);
	eu_table_error(&t, 0, -1, "about the row");
	eu_table_error(&t, 0, 1, "about b");
	assert_non_null(strstr(diag(), "e.csv:2: about the row"));
	assert_non_null(strstr(diag(), "e.csv:2:2: about b"));
	eu_table_free(&t);
}

/* Two stages reading one table print its fault once, as does loading it
 * twice; another fault is still printed. */
static void test_fault_once(void **s)
{
	(void)s;
	static const char *const req[] = {"key", "value", NULL};
	const char *in = "key,value\ndkk_rate,abc\n";
	double d;
	for (int i = 0; i < 3; i++) {
		eu_table t;
		assert_int_equal(eu_table_load_mem(&t, "once.csv", in, strlen(in), req), 0);
		assert_int_equal(eu_table_number(&t, 0, 1, 0, 100, &d), -1);
		assert_int_equal(eu_table_number(&t, 0, 1, 0, 1, &d), -1);
		eu_table_free(&t);
	}
	assert_int_equal(count("once.csv:2:2: 'abc' is not a number"), 1);
	for (int i = 0; i < 2; i++) {
		eu_table t;
		assert_int_equal(eu_table_load(&t, "/nonexistent-dir", "settings.csv", req), -1);
		eu_table_free(&t);
	}
	assert_int_equal(count("/nonexistent-dir/settings.csv: cannot open"), 1);
	eu_table_forget_faults();
	eu_table t;
	assert_int_equal(eu_table_load(&t, "/nonexistent-dir", "settings.csv", req), -1);
	assert_int_equal(count("/nonexistent-dir/settings.csv: cannot open"), 2);
}

/* A column no program reads is an error that names the columns there are
 * and the nearest one; note... and comment... columns are for people. */
static void test_unknown_column(void **s)
{
	(void)s;
	static const char *const req[] = {"goal", "weight", "fields", "pattern", NULL};
	const char *in = "goal,lang,weight,fields,pattern,exlcude,Note\nG1,da,1,title,x,y,z\n";
	eu_table t;
	assert_int_equal(eu_table_load_mem(&t, "/etc/euprio/goal_terms.csv", in, strlen(in), req), -1);
	assert_non_null(strstr(diag(), "goal_terms.csv:1:6: unknown column 'exlcude' (did you mean 'exclude'?); "
				       "the columns are goal, lang, weight, fields, pattern, exclude"));
	assert_int_equal(count("unknown column"), 1);
	eu_table_free(&t);

	/* A profile is known by its folder, or, named by path, by the columns
	 * it must have. */
	static const char *const preq[] = {"kind", "column", "xpath", NULL};
	in = "kind,column,xpath,optoin\nrecord,,//p,\n";
	assert_int_equal(eu_table_load_mem(&t, "cfg/profiles/mine.csv", in, strlen(in), preq), -1);
	assert_non_null(strstr(diag(), "profiles/mine.csv:1:4: unknown column 'optoin' (did you mean 'option'?)"));
	eu_table_free(&t);
	assert_int_equal(eu_table_load_mem(&t, "./elsewhere.csv", in, strlen(in), preq), -1);
	assert_non_null(strstr(diag(), "elsewhere.csv:1:4: unknown column 'optoin'"));
	eu_table_free(&t);

	/* Named twice, and a value under a column with no name. */
	static const char *const sreq[] = {"key", "value", NULL};
	in = "key;value;value;;comment\nrate;1;2;;x\nname;a;b;oops;\n";
	assert_int_equal(eu_table_load_mem(&t, "settings.csv", in, strlen(in), sreq), -1);
	assert_non_null(strstr(diag(), "settings.csv:1:3: column 'value' is named twice in the header (also column 2)"));
	assert_non_null(strstr(diag(), "settings.csv:3:4: 'oops' is in a column with no name in the header"));
	eu_table_free(&t);

	/* Excel's empty trailing columns are fine; so is any column of a
	 * table that is not policy (tests, fuzzers). */
	in = "key;value;comment;;\nrate;1;x;;\n";
	assert_int_equal(eu_table_load_mem(&t, "settings.csv", in, strlen(in), sreq), 0);
	eu_table_free(&t);
	in = "anything,at,all\n1,2,3\n";
	assert_int_equal(eu_table_load_mem(&t, "mem.csv", in, strlen(in), NULL), 0);
	eu_table_free(&t);
}

/* --config, then $EUPRIO_CONFIG, then the system directory when it exists,
 * then the installed default. */
static void test_config_pick(void **s)
{
	(void)s;
	char sys[] = "/tmp/euprio-etc-XXXXXX";
	assert_non_null(mkdtemp(sys));
	assert_string_equal(eu_config_pick("/o", "/e", sys, "/d"), "/o");
	assert_string_equal(eu_config_pick(NULL, "/e", sys, "/d"), "/e");
	assert_string_equal(eu_config_pick("", "", sys, "/d"), sys);
	assert_string_equal(eu_config_pick(NULL, NULL, "/nonexistent-etc", "/d"), "/d");
	/* A file where the directory should be is not a policy directory. */
	char file[] = "/tmp/euprio-etcfile-XXXXXX";
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	assert_string_equal(eu_config_pick(NULL, NULL, file, "/d"), "/d");
	remove(file);
	rmdir(sys);
	assert_string_equal(eu_config_pick(NULL, NULL, sys, "/d"), "/d");
	assert_non_null(strstr(eu_config_system_dir(), "etc/euprio"));
	assert_non_null(strstr(eu_config_installed_dir(), "share/euprio"));
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
		cmocka_unit_test_setup_teardown(test_cp1252_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bom_before_comment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_pick, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
