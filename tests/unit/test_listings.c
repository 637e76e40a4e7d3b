/* Unit tests for listing spreadsheets (src/stages/listings/): free-text
 * partners, dialect and header detection, ragged rows, profiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/stream/schema.h"
#include "euprio/stages/listings.h"

static eu_listings *S;

static int setup(void **s)
{
	(void)s;
	S = eu_listings_new(SRCDIR "/config", NULL);
	return S ? 0 : -1;
}

static int teardown(void **s)
{
	(void)s;
	eu_listings_free(S);
	return 0;
}

static void partners_are(const char *in, const char *want)
{
	eu_buf b = EU_BUF_INIT;
	eu_listings_free_partners(S, in, strlen(in), &b);
	if (strcmp(b.p ? b.p : "", want))
		fail_msg("'%s':\nwant '%s'\ngot  '%s'", in, want, b.p ? b.p : "");
	eu_buf_free(&b);
}

static void test_free_text_partners(void **s)
{
	(void)s;
	partners_are("Odense Havn (DK, 5000 Odense C); Groningen Seaports (NL); University of Tartu, EE",
		     "Odense Havn\t\t\tpartner\t5000\tOdense C\tDK\n"
		     "Groningen Seaports\t\t\tpartner\t\t\tNL\n"
		     "University of Tartu\t\t\tpartner\t\t\tEE");
	partners_are("SDU\nOUH\r\n\n;  ; Fjernvarme Fyn A/S",
		     "SDU\t\t\tpartner\t\t\t\nOUH\t\t\tpartner\t\t\t\nFjernvarme Fyn A/S\t\t\tpartner\t\t\t");
	partners_are("Tampere University (FI, 33100 Tampere)", "Tampere University\t\t\tpartner\t33100\tTampere\tFI");
	partners_are("Firma (Odense)", "Firma\t\t\tpartner\t\tOdense\t");
	partners_are("Firma (DK-5230 Odense M, DK)", "Firma\t\t\tpartner\t5230\tOdense M\tDK");
	partners_are("Ærø Kommune (DK)", "Ærø Kommune\t\t\tpartner\t\t\tDK");
	partners_are("A (b (c))", "A (b (c))\t\t\tpartner\t\t\t");
	/* Form feeds are white space, not a name (fuzz finding). */
	partners_are("\f\f\f; SDU\v", "SDU\t\t\tpartner\t\t\t");
	partners_are("", "");
}

static char *run_file(const char *content, size_t len, int *status, char *errbuf, size_t errlen)
{
	char in[] = "/tmp/euprio-sdeo-in-XXXXXX", out[] = "/tmp/euprio-sdeo-out-XXXXXX";
	int fi = mkstemp(in), fo = mkstemp(out);
	assert_int_equal(write(fi, content, len), (ssize_t)len);
	close(fi);
	if (errbuf) {
		memset(errbuf, 0, errlen);
		eu_diag = fmemopen(errbuf, errlen - 1, "w");
	}
	eu_writer *w = eu_writer_fdopen(fo, out, NULL);
	char *paths[] = {in};
	*status = eu_listings_run(S, paths, 1, -1, w);
	eu_writer_flush(w);
	if (errbuf) {
		fclose(eu_diag);
		eu_diag = NULL;
	}
	off_t n = lseek(fo, 0, SEEK_END);
	char *text = calloc(1, (size_t)n + 1);
	pread(fo, text, (size_t)n, 0);
	eu_writer_close(w);
	close(fo);
	unlink(in);
	unlink(out);
	return text;
}

static char *cell(const char *csv, int row, const char *colname)
{
	eu_reader *r = eu_reader_mem(csv, strlen(csv), "o", NULL);
	const eu_row *h = eu_reader_header(r);
	long col = -1;
	for (size_t i = 0; h && i < h->n; i++)
		if (!strcmp(h->f[i], colname))
			col = (long)i;
	eu_row rw;
	char *v = NULL;
	for (int i = 0; i < row; i++)
		if (eu_reader_next(r, &rw) != 1) {
			eu_reader_close(r);
			return strdup("<no row>");
		}
	v = strdup(col >= 0 ? rw.f[col] : "<no column>");
	eu_reader_close(r);
	return v;
}

static void cell_is(const char *csv, int row, const char *col, const char *want)
{
	char *got = cell(csv, row, col);
	if (strcmp(got, want))
		fail_msg("row %d %s: want '%s', got '%s'", row, col, want, got);
	free(got);
}

static void test_dialects(void **s)
{
	(void)s;
	int st;
	/* BOM, ';', CRLF, a title row, Danish headers with stray spaces. */
	const char *a = "\xef\xbb\xbfSDEO uge 9;;\r\n;;\r\n Projekt-ID ;TITEL;Ansøgningsfrist;Samlet budget\r\n"
			"S-1;Grøn havn;15/5/2025;18 mio. kr.\r\n";
	char *out = run_file(a, strlen(a), &st, NULL, 0);
	assert_int_equal(st, 0);
	cell_is(out, 1, "id", "S-1");
	cell_is(out, 1, "title", "Grøn havn");
	cell_is(out, 1, "deadline", "2025-05-15");
	cell_is(out, 1, "total_eur", "2412868.63");
	/* Title row on line 1, empty row on 2, header on 3: the data is line 4. */
	char *origin = cell(out, 1, "origin");
	assert_string_equal(origin + strlen(origin) - 2, ":4");
	free(origin);
	free(out);
}

static void test_cp1252_tab(void **s)
{
	(void)s;
	int st;
	const char *b = "Project ID\tTitle\tDeadline\tPartners\r\nS-2\tK\xf8" "benhavn \x80 \x96 x\t3. juli 2025\tSDU (DK)\r\n";
	char *out = run_file(b, strlen(b), &st, NULL, 0);
	assert_int_equal(st, 0);
	cell_is(out, 1, "title", "København € – x");
	cell_is(out, 1, "deadline", "2025-07-03");
	cell_is(out, 1, "partners", "SDU\t\t\tpartner\t\t\tDK");
	free(out);
}

static void test_ragged_and_empty_rows(void **s)
{
	(void)s;
	int st;
	char err[2048];
	const char *c = "Projekt-ID;Titel;Partnere;Status\nS-3;A;X (DK); Y (NL);Åben\n;;;\nS-4;B;Z;Åben\nS-5;C\n";
	char *out = run_file(c, strlen(c), &st, err, sizeof err);
	assert_int_equal(st, 1);
	cell_is(out, 1, "reject_reason", "ragged row: 5 fields where the header (line 1) has 4; not shifted into columns; first field \"S-3\"");
	cell_is(out, 1, "title", "");
	cell_is(out, 2, "id", "S-4");
	cell_is(out, 3, "reject_reason", "ragged row: 2 fields where the header (line 1) has 4; not shifted into columns; first field \"S-5\"");
	assert_non_null(strstr(err, ":2: ragged row"));
	assert_non_null(strstr(err, ":5: ragged row"));
	free(out);
}

static void test_no_header(void **s)
{
	(void)s;
	int st;
	char err[1024];
	const char *d = "a;b;c\n1;2;3\n";
	char *out = run_file(d, strlen(d), &st, err, sizeof err);
	assert_int_equal(st, 3);
	assert_non_null(strstr(err, "no header row found"));
	free(out);
}

static void test_grouping(void **s)
{
	(void)s;
	int st;
	const char *g = "\"projectID\";\"projectAcronym\";\"name\";\"vatNumber\";\"activityType\";\"role\";\"postCode\";\"city\";\"country\";\"ecContribution\";\"totalCost\"\n"
			"\"1\";\"A\";\"SDU\";\"DK29283958\";\"HES\";\"coordinator\";\"5230\";\"Odense M\";\"DK\";\"100.5\";\"200,5\"\n"
			"\"2\";\"B\";\"X\";\"\";\"PRC\";\"participant\";\"\";\"\";\"FI\";\"10\";\"0\"\n"
			"\"1\";\"A\";\"Tampere U\";\"\";\"HES\";\"participant\";\"\";\"Tampere\";\"FI\";\"50\";\"1000,25\"\n";
	char *out = run_file(g, strlen(g), &st, NULL, 0);
	assert_int_equal(st, 0);
	cell_is(out, 1, "id", "HE-1");
	cell_is(out, 1, "eu_grant_eur", "150.5");
	cell_is(out, 1, "total_eur", "1200.75");
	cell_is(out, 1, "partners", "SDU\tDK29283958\tHES\tcoordinator\t5230\tOdense M\tDK\nTampere U\t\tHES\tparticipant\t\tTampere\tFI");
	cell_is(out, 2, "id", "HE-2");
	cell_is(out, 3, "id", "<no row>");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_text_partners),
		cmocka_unit_test(test_dialects),
		cmocka_unit_test(test_cp1252_tab),
		cmocka_unit_test(test_ragged_and_empty_rows),
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_grouping),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
