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

#include "euprio/core/limits.h"
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

/* The separators real cells use (partner-split-truth.csv in the audit):
 * ". " between names but not inside them, line breaks with trailing dots,
 * ", " only in a cell of three or more parts, a name given twice. */
static void test_real_partner_cells(void **s)
{
	(void)s;
	partners_are("Middelfart Erhvervsråd. Varde Erhvervs- og Turistråd S/I. Punkt H. Esbjerg Erhvervsudvikling.",
		     "Middelfart Erhvervsråd\t\t\tpartner\t\t\t\nVarde Erhvervs- og Turistråd S/I\t\t\tpartner\t\t\t\n"
		     "Punkt H\t\t\tpartner\t\t\t\nEsbjerg Erhvervsudvikling\t\t\tpartner\t\t\t");
	partners_are("Liller Trans A/S. P.L. Jessen & Søn ApS. Vognmand Knud Gade A/S. P. Fournaise A/S.",
		     "Liller Trans A/S\t\t\tpartner\t\t\t\nP.L. Jessen & Søn ApS\t\t\tpartner\t\t\t\n"
		     "Vognmand Knud Gade A/S\t\t\tpartner\t\t\t\nP. Fournaise A/S\t\t\tpartner\t\t\t");
	partners_are("Hjørring Kommune,. JØRGEN JEPPESENS EFTF. ApS. EJENDOMSSELSKABET AF 12. JUNI 2009ApS. MedCom. A/S Kurt Hansen Projekt.",
		     "Hjørring Kommune\t\t\tpartner\t\t\t\nJØRGEN JEPPESENS EFTF. ApS\t\t\tpartner\t\t\t\n"
		     "EJENDOMSSELSKABET AF 12. JUNI 2009ApS\t\t\tpartner\t\t\t\nMedCom\t\t\tpartner\t\t\t\n"
		     "A/S Kurt Hansen Projekt\t\t\tpartner\t\t\t");
	partners_are("GASA Kolding A.M.B.A. (Gartnernes Salgsforening i Kolding A.M.B.A.). DAMRC F.M.B.A.. Skov- og Naturstyrelsen .",
		     "GASA Kolding A.M.B.A. (Gartnernes Salgsforening i Kolding A.M.B.A.)\t\t\tpartner\t\t\t\n"
		     "DAMRC F.M.B.A.\t\t\tpartner\t\t\t\nSkov- og Naturstyrelsen\t\t\tpartner\t\t\t");
	/* 2014-2020: line breaks, a dot on every line but the last. */
	partners_are("Udviklingsråd Sønderjylland (URS).\nUdvikling Fyn A/S.\nSvanholm.com.\nMadværket ",
		     "Udviklingsråd Sønderjylland (URS)\t\t\tpartner\t\t\t\nUdvikling Fyn A/S\t\t\tpartner\t\t\t\n"
		     "Svanholm.com\t\t\tpartner\t\t\t\nMadværket\t\t\tpartner\t\t\t");
	/* ", " inside one name stays; three parts and nothing else: a list. */
	partners_are("Odense Universitetshospital, OUH", "Odense Universitetshospital, OUH\t\t\tpartner\t\t\t");
	partners_are("Syddansk Universitet, Det Sundhedsvidenskabelige Fakultet",
		     "Syddansk Universitet, Det Sundhedsvidenskabelige Fakultet\t\t\tpartner\t\t\t");
	partners_are("Knuthenlund, Susanne Hovmand. Pippi Lolland.",
		     "Knuthenlund, Susanne Hovmand\t\t\tpartner\t\t\t\nPippi Lolland\t\t\tpartner\t\t\t");
	partners_are("SDU, OUH, Odense Kommune",
		     "SDU\t\t\tpartner\t\t\t\nOUH\t\t\tpartner\t\t\t\nOdense Kommune\t\t\tpartner\t\t\t");
	/* A name twice in one cell is one partner. */
	partners_are("Region Syddanmark. Region Syddanmark. Bornholms Regionskommune.\nBornholms Regionskommune",
		     "Region Syddanmark\t\t\tpartner\t\t\t\nBornholms Regionskommune\t\t\tpartner\t\t\t");
}

/* Runs euprio-sdeo's stage on files with the given contents (and, when
 * apps is not NULL, --append onto that record stream); returns the output,
 * the status in *status and stderr in err. */
static char *run_with(eu_listings *L, const char *const *content, const size_t *len, size_t nfiles, const char *apps,
		      int *status, char *errbuf, size_t errlen)
{
	char in[8][40], out[] = "/tmp/euprio-sdeo-out-XXXXXX", ap[] = "/tmp/euprio-sdeo-apps-XXXXXX";
	char *paths[8];
	int fo = mkstemp(out), fa = -1;
	assert_true(nfiles <= 8);
	for (size_t i = 0; i < nfiles; i++) {
		snprintf(in[i], sizeof in[i], "/tmp/euprio-sdeo-in-XXXXXX");
		int fi = mkstemp(in[i]);
		assert_int_equal(write(fi, content[i], len[i]), (ssize_t)len[i]);
		close(fi);
		paths[i] = in[i];
	}
	if (apps) {
		fa = mkstemp(ap);
		assert_int_equal(write(fa, apps, strlen(apps)), (ssize_t)strlen(apps));
		lseek(fa, 0, SEEK_SET);
	}
	if (errbuf) {
		memset(errbuf, 0, errlen);
		eu_diag = fmemopen(errbuf, errlen - 1, "w");
	}
	eu_writer *w = eu_writer_fdopen(fo, out, NULL);
	*status = eu_listings_run(L, paths, nfiles, fa, w);
	eu_writer_flush(w);
	if (errbuf) {
		fclose(eu_diag);
		eu_diag = NULL;
	}
	off_t n = lseek(fo, 0, SEEK_END);
	char *text = calloc(1, (size_t)n + 1);
	assert_int_equal(pread(fo, text, (size_t)n, 0), (ssize_t)n);
	eu_writer_close(w);
	close(fo);
	unlink(out);
	for (size_t i = 0; i < nfiles; i++)
		unlink(in[i]);
	if (fa >= 0) {
		close(fa);
		unlink(ap);
	}
	return text;
}

static char *run_file(const char *content, size_t len, int *status, char *errbuf, size_t errlen)
{
	return run_with(S, &content, &len, 1, NULL, status, errbuf, errlen);
}

/* The number of records in a CSV text. */
static size_t nrecords(const char *csv)
{
	eu_reader *r = eu_reader_mem(csv, strlen(csv), "o", NULL);
	eu_row rw;
	size_t n = 0;
	if (eu_reader_header(r))
		while (eu_reader_next(r, &rw) == 1)
			n++;
	eu_reader_close(r);
	return n;
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

static void cell_has(const char *csv, int row, const char *col, const char *part)
{
	char *got = cell(csv, row, col);
	if (!strstr(got, part))
		fail_msg("row %d %s: want '%s' in '%s'", row, col, part, got);
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
	/* The fields before the free-text column stay, the id above all. */
	cell_is(out, 1, "reject_reason", "ragged row: 5 fields where the header (line 1) has 4; not shifted into columns; "
		"kept the 2 before 'Partnere', where a stray delimiter is likely; first field \"S-3\"");
	cell_is(out, 1, "id", "S-3");
	cell_is(out, 1, "title", "A");
	cell_is(out, 1, "partners", "");
	cell_is(out, 2, "id", "S-4");
	cell_is(out, 3, "reject_reason", "ragged row: 2 fields where the header (line 1) has 4; not shifted into columns; "
		"kept the first 1; first field \"S-5\"");
	cell_is(out, 3, "id", "S-5");
	cell_is(out, 3, "title", "");
	assert_non_null(strstr(err, ":2: record S-3: ragged row"));
	assert_non_null(strstr(err, ":5: record S-5: ragged row"));
	free(out);
	/* A line break in an unquoted cell: the first half keeps its id, the
	 * rest continues it and claims none. */
	const char *c2 = "Projekt-ID;Titel;Partnere;Status\nS-7;Broken\ntitle;X;Åben\nS-8;B;Z;Åben\n";
	out = run_file(c2, strlen(c2), &st, err, sizeof err);
	assert_int_equal(st, 1);
	cell_is(out, 1, "id", "S-7");
	cell_is(out, 2, "id", "");
	cell_has(out, 2, "reject_reason", "continue the broken row above");
	cell_is(out, 3, "id", "S-8");
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
	/* CORDIS writes 0 for a total it does not have: no total below the
	 * grant, said in warnings. */
	cell_is(out, 2, "total_eur", "");
	cell_is(out, 2, "warnings", "total_eur: 0 is below the EU grant 10: left empty (unknown)");
	cell_is(out, 3, "id", "<no row>");
	free(out);
}

/* A participant who left is not a partner; a row given twice counts once;
 * the project table completes the participants' record (read after them
 * whatever the order given); a project-table row without participants
 * stands alone. */
static void test_participants_and_project_table(void **s)
{
	(void)s;
	int st;
	char err[4096];
	const char *hdr = "\"projectID\";\"projectAcronym\";\"name\";\"role\";\"postCode\";\"city\";\"country\";\"ecContribution\";\"totalCost\";\"endOfParticipation\"\n";
	char part[1024];
	snprintf(part, sizeof part, "%s"
		 "\"7\";\"FLUENT\";\"SDU\";\"coordinator\";\"5230\";\"Odense M\";\"DK\";\"100\";\"100\";\"false\"\n"
		 "\"7\";\"FLUENT\";\"Orifarm\";\"participant\";\"5260\";\"Odense S\";\"DK\";\"0\";\"0\";\"true\"\n"
		 "\"7\";\"FLUENT\";\"SDU\";\"coordinator\";\"5230\";\"Odense M\";\"DK\";\"100\";\"100\";\"false\"\n", hdr);
	const char *proj = "id;acronym;status;title;startDate;endDate;totalCost;ecMaxContribution;topics;objective;frameworkProgramme\n"
			   "7;FLUENT;SIGNED;Human-robot collaboration;2022-10-01;2025-09-30;5000000,5;4000000;HORIZON-CL4-2021-X-01;\"Cobots that \"learn\" from workers.\";HORIZON\n"
			   "8;ALONE;SIGNED;A project without participants here;2023-01-01;2026-12-31;100;100;HORIZON-X;Text.;HORIZON\n";
	/* The project table first on the command line. */
	const char *content[] = {proj, part};
	size_t len[] = {strlen(proj), strlen(part)};
	char *out = run_with(S, content, len, 2, NULL, &st, err, sizeof err);
	assert_int_equal(st, 0);
	assert_int_equal(nrecords(out), 2);
	cell_is(out, 1, "id", "HE-8");
	cell_is(out, 1, "title", "A project without participants here");
	cell_is(out, 2, "id", "HE-7");
	cell_is(out, 2, "title", "Human-robot collaboration");
	cell_is(out, 2, "summary", "Cobots that \"learn\" from workers.");
	cell_is(out, 2, "call_id", "HORIZON-CL4-2021-X-01");
	cell_is(out, 2, "start_date", "2022-10-01");
	cell_is(out, 2, "total_eur", "5000000.5");
	cell_is(out, 2, "eu_grant_eur", "4000000");
	cell_is(out, 2, "source", "cordis");
	cell_is(out, 2, "partners", "SDU\t\t\tcoordinator\t5230\tOdense M\tDK");
	cell_has(out, 2, "warnings", "Orifarm has ended its participation");
	assert_non_null(strstr(err, "1 participant rows repeat a row already read"));
	free(out);
}

/* Encodings are decided for the whole file: a few bad bytes in a UTF-8
 * file are those rows' fault (rejected with their line, the id kept), a
 * real Windows-1252 file is still found, a header mis-decoded by a forced
 * encoding stops the file, a BOM in mid-file and UTF-16 are said. */
static void test_encodings(void **s)
{
	(void)s;
	int st;
	char err[4096];
	/* UTF-8 with one Windows-1252 row: stays UTF-8, the deadline column
	 * is read on every good row. */
	const char *u = "Projekt-ID;Titel;Ansøgningsfrist\nS-1;Grøn havn;15-05-2025\nS-2;Gr\xf8n by;16-05-2025\n"
			"S-3;Blå by;17-05-2025\nS-4;Rød by;18-05-2025\n";
	char *out = run_file(u, strlen(u), &st, err, sizeof err);
	assert_int_equal(st, 1);
	cell_is(out, 1, "title", "Grøn havn");
	cell_is(out, 1, "deadline", "2025-05-15");
	cell_is(out, 2, "id", "S-2");
	cell_has(out, 2, "reject_reason", "invalid UTF-8 in field 2");
	cell_is(out, 2, "title", "");
	cell_is(out, 2, "deadline", "2025-05-16");
	cell_is(out, 4, "deadline", "2025-05-18");
	assert_non_null(strstr(err, ":3: record S-2: invalid UTF-8"));
	free(out);
	/* A Windows-1252 file is one. */
	const char *w = "Projekt-ID;Titel;Ans\xf8gningsfrist\r\nS-5;K\xf8" "benhavn;15-05-2025\r\n";
	out = run_file(w, strlen(w), &st, NULL, 0);
	assert_int_equal(st, 0);
	cell_is(out, 1, "title", "København");
	cell_is(out, 1, "deadline", "2025-05-15");
	free(out);
	/* Forcing Windows-1252 on a UTF-8 file: the header says so, loudly. */
	eu_listings_opts o = {.encoding = EU_ENC_CP1252};
	eu_listings *L = eu_listings_new(SRCDIR "/config", &o);
	size_t ul = strlen(u);
	out = run_with(L, &u, &ul, 1, NULL, &st, err, sizeof err);
	assert_int_equal(st, 3);
	assert_non_null(strstr(err, "header column 3 'AnsÃ¸gningsfrist' is mis-decoded"));
	assert_int_equal(nrecords(out), 0);
	free(out);
	eu_listings_free(L);
	/* Two files joined into one: the second header, behind its BOM. */
	const char *b = "Projekt-ID;Titel\nS-6;A\n\xef\xbb\xbfProjekt-ID;Titel\nS-7;B\n";
	out = run_file(b, strlen(b), &st, err, sizeof err);
	assert_int_equal(st, 1);
	cell_has(out, 2, "reject_reason", "a byte-order mark in mid-file");
	cell_is(out, 3, "id", "S-7");
	free(out);
	/* UTF-16. */
	const char u16[] = "\xff\xfeP\0r\0o\0j\0e\0k\0t\0-\0I\0D\0;\0T\0i\0t\0e\0l\0\n\0";
	out = run_file(u16, sizeof u16 - 1, &st, err, sizeof err);
	assert_int_equal(st, 3);
	assert_non_null(strstr(err, "the file is UTF-16"));
	free(out);
}

/* A column the profile does not name is said aloud; a foreign layout
 * that shares a few names with a profile is refused, unless forced. */
static void test_unknown_columns_and_foreign_layouts(void **s)
{
	(void)s;
	int st;
	char err[4096];
	const char *a = "Projekt-ID;Titel;Noter\nS-1;A;hello\n";
	char *out = run_file(a, strlen(a), &st, err, sizeof err);
	assert_int_equal(st, 0);
	assert_non_null(strstr(err, "columns not in profile sdeo, not read: 3 'Noter'"));
	free(out);
	const char *f = "id;title;acronym;status;rapporteur;budgetLine;officer;unit;region\n1;T;A;S;r;x;y;z;q\n";
	out = run_file(f, strlen(f), &st, err, sizeof err);
	assert_int_equal(st, 3);
	assert_non_null(strstr(err, "no listing profile fits"));
	free(out);
	eu_listings_opts o = {.profile = "sdeo"};
	eu_listings *L = eu_listings_new(SRCDIR "/config", &o);
	size_t fl = strlen(f);
	out = run_with(L, &f, &fl, 1, NULL, &st, err, sizeof err);
	assert_int_equal(st, 0);
	cell_is(out, 1, "title", "T");
	free(out);
	eu_listings_free(L);
}

/* Any profile file in config/listings is usable by its name and found by
 * detection; an unknown name lists the ones there are. */
static void test_profiles_from_the_folder(void **s)
{
	(void)s;
	char dir[] = "/tmp/euprio-listings-config-XXXXXX", cmd[512];
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "cp -r %s/config/. %s/", SRCDIR, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s/listings/interreg.csv", dir);
	FILE *fp = fopen(cmd, "w");
	fputs("kind,column,header,option\nconst,source,,interreg\nfield,id,Operation code,\nfield,title,Operation name,\n"
	      "amount,total_eur,Total eligible,EUR\n", fp);
	fclose(fp);
	eu_listings_opts o = {.profile = "interreg"};
	eu_listings *L = eu_listings_new(dir, &o);
	assert_non_null(L);
	const char *f = "Operation code,Operation name,Total eligible\nNSR-1,Green ports,\"1,200,000.00\"\n";
	size_t fl = strlen(f);
	int st;
	char *out = run_with(L, &f, &fl, 1, NULL, &st, NULL, 0);
	assert_int_equal(st, 0);
	cell_is(out, 1, "id", "NSR-1");
	cell_is(out, 1, "source", "interreg");
	cell_is(out, 1, "total_eur", "1200000");
	free(out);
	eu_listings_free(L);
	L = eu_listings_new(dir, NULL);      /* found by its header */
	out = run_with(L, &f, &fl, 1, NULL, &st, NULL, 0);
	cell_is(out, 1, "source", "interreg");
	free(out);
	eu_listings_free(L);
	char err[1024];
	memset(err, 0, sizeof err);
	eu_diag = fmemopen(err, sizeof err - 1, "w");
	o.profile = "nosuch";
	assert_null(eu_listings_new(dir, &o));
	fclose(eu_diag);
	eu_diag = NULL;
	assert_non_null(strstr(err, "no listing profile 'nosuch'"));
	assert_non_null(strstr(err, "interreg"));
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* ERDF: kroner converted at dkk_rate with the amount as stated beside it;
 * the fund as the programme; ids from title, start, fund and budget, so
 * two operations of one project differ and a repeated row does not. */
static void test_erdf_kroner_and_ids(void **s)
{
	(void)s;
	int st;
	const char *e = "projekttitel,start_dato,slut_dato,ordning,budget,eu,navn,postnr,bynavn,parter\n"
			"Growth by Design,01.09.2016,31.08.2019,R,28.344.095,\"14172047,5\",Designskolen Kolding,6000,Kolding,"
			"\"Designskolen Kolding. Syddansk Universitet.\"\n"
			"Design2Innovate,02.09.2010,31.12.2013,ERDFD,31.600.000,1,Lead,5000,Odense C,\n"
			"Design2Innovate,02.09.2010,31.12.2013,ESFD,24.600.000,1,Lead,5000,Odense C,\n"
			"Scale-up Denmark,01.01.2016,31.12.2019,R,137.100.000,1,Lead,5000,Odense C,\n"
			"Scale-up Denmark,01.01.2016,31.12.2019,R,28.100.000,1,Lead,5000,Odense C,\n"
			"Scale-up Denmark,01.01.2016,31.12.2019,R,28.100.000,1,Lead,5000,Odense C,\n";
	char *out = run_file(e, strlen(e), &st, NULL, 0);
	assert_int_equal(st, 0);
	cell_is(out, 1, "total_eur", "3799476.54");
	cell_is(out, 1, "total_original", "28344095 DKK");
	cell_is(out, 1, "eu_grant_original", "14172047.5 DKK");
	cell_is(out, 1, "programme", "ERDF");
	cell_is(out, 1, "source", "erdf");
	/* The lead named again in the cell is one partner, the coordinator. */
	cell_is(out, 1, "partners", "Designskolen Kolding\t\t\tcoordinator\t6000\tKolding\t\n"
		"Syddansk Universitet\t\t\tpartner\t\t\t");
	cell_is(out, 3, "programme", "ESF");
	char *id[7];
	for (int r = 1; r <= 6; r++)
		id[r] = cell(out, r, "id");
	assert_int_equal(strncmp(id[1], "ERDF-", 5), 0);
	assert_int_equal(strlen(id[1]), 5 + 16);
	assert_int_equal(strncmp(id[3], "ESF-", 4), 0);
	assert_string_not_equal(id[2] + 5, id[3] + 4);
	assert_string_not_equal(id[4], id[5]);
	assert_string_equal(id[5], id[6]);  /* the same row twice: the same project */
	for (int r = 1; r <= 6; r++)
		free(id[r]);
	free(out);
}

/* The join of projects: many listings on one call, each joins only the
 * application that is its project; the rest stay their own records;
 * an ambiguous one is kept both ways, naming both; records in = out. */
static void test_join_by_project(void **s)
{
	(void)s;
	int st;
	char err[8192];
	const char *apps =
		"id,source,title,acronym,programme,call_id,partners,sdeo_id,origin\n"
		"A-1,application,Robots for healthy ageing at home,,,HORIZON-CL4-X-03,,,a:2\n"
		"A-2,application,Robots at the harbour,HARBOUR,,HORIZON-CL4-X-03,,,a:3\n"
		"A-3,application,Inspire one,INSPIRE,Horizon Europe,,,,a:4\n"
		"A-4,application,Vej til job,,,ESF-1,\"Tampereen kaupunki\t\t\tcoordinator\t\t\t\",,a:5\n"
		"A-5,application,Grøn omstilling i havnen,GREENPORT,Interreg North Sea,NSR-1,,,a:6\n"
		"A-6,application,Another AIDA,AIDA,,,,,a:7\n";
	const char *l =
		"Projekt-ID;Titel;Akronym;Program;Call-ID;Lead partner\n"
		"L-1;Smart harbour logistics;SHL;;HORIZON-CL4-X-03;Odense Havn\n"
		"L-2;Robots for Healthy Ageing at Home;ROBAGE;;HORIZON-CL4-X-03;SDU\n"
		"L-3;Logistics robots;LOGI;;HORIZON-CL4-X-03;SDU\n"
		"L-4;Inspire A;INSPIRE;Horizon Europe;;X\n"
		"L-5;Inspire B;INSPIRE;Horizon Europe;;Y\n"
		"L-6;Faglært til fremtiden;;;ESF-1;Tampereen kaupunki\n"
		"L-7;GREENPORT - grøn havn;GREENPORT;Interreg North Sea;;Z\n"
		"L-8;Green port 2;GREENPORT;Interreg North Sea;NSR-2;Z\n"
		"L-9;AIDA;AIDA;FP3;;Q\n";
	size_t len = strlen(l);
	char *out = run_with(S, &l, &len, 1, apps, &st, err, sizeof err);
	assert_int_equal(st, 0);
	/* 6 applications + 9 listings = 6 rows + 7 listings + 2 joined. */
	assert_int_equal(nrecords(out), 6 + 7);
	cell_is(out, 1, "sdeo_id", "L-2");       /* same call, same title */
	cell_is(out, 1, "acronym", "ROBAGE");    /* filled from it */
	cell_is(out, 2, "sdeo_id", "");          /* same call, another project */
	cell_is(out, 3, "sdeo_id", "");          /* two INSPIREs: ambiguous */
	cell_is(out, 4, "sdeo_id", "");          /* same call and lead, other title */
	cell_is(out, 5, "sdeo_id", "L-7");       /* acronym and programme, no call on one side */
	cell_is(out, 6, "sdeo_id", "");          /* an acronym alone, without a call: not enough */
	cell_is(out, 7, "id", "L-1");
	cell_is(out, 8, "id", "L-3");
	cell_is(out, 9, "id", "L-4");
	cell_has(out, 9, "warnings", "listing L-4 and listing L-5 fit application A-3 equally well");
	cell_is(out, 10, "id", "L-5");
	cell_is(out, 11, "id", "L-6");
	cell_has(out, 11, "warnings", "may be the same project as application A-4");
	cell_is(out, 12, "id", "L-8");           /* another call: another project */
	cell_is(out, 13, "id", "L-9");
	assert_non_null(strstr(err, "6 applications and 9 listings in; out: 6 applications (2 joined"));
	assert_non_null(strstr(err, "7 listings as their own records (3 ambiguous"));
	assert_non_null(strstr(err, "2 listings inside the applications they joined"));
	free(out);

	/* Many listings on one call and no application of theirs: none lost. */
	eu_buf many = EU_BUF_INIT;
	eu_buf_adds(&many, "Projekt-ID;Titel;Call-ID\n");
	for (int i = 0; i < 300; i++)
		eu_buf_printf(&many, "M-%d;Project number %d of the call;HORIZON-CL4-X-03\n", i, i);
	const char *m = many.p;
	len = many.len;
	out = run_with(S, &m, &len, 1, apps, &st, err, sizeof err);
	assert_int_equal(nrecords(out), 6 + 300);
	assert_non_null(strstr(err, "out: 6 applications (0 joined"));
	free(out);
	eu_buf_free(&many);
}

/* An application the reader cannot take back (a field over the cap) is
 * rejected as in every stage: what was read kept, the reason set, the
 * origin given. */
static void test_join_overlong_application(void **s)
{
	(void)s;
	int st;
	char err[4096];
	eu_buf apps = EU_BUF_INIT;
	eu_buf_adds(&apps, "id,title,summary,call_id,origin\nA-1,Big,");
	for (size_t i = 0; i < eu_limit.field_bytes + 10; i++)
		eu_buf_addc(&apps, 'x');
	eu_buf_adds(&apps, ",C-1,a:2\nA-2,Small,s,C-2,a:3\n");
	const char *l = "Projekt-ID;Titel;Call-ID\nL-1;Other;C-9\n";
	size_t len = strlen(l);
	char *out = run_with(S, &l, &len, 1, apps.p, &st, err, sizeof err);
	assert_int_equal(st, 1);
	assert_int_equal(nrecords(out), 3);
	cell_is(out, 1, "id", "A-1");
	cell_is(out, 1, "title", "Big");
	cell_is(out, 1, "reject_reason", "field 3 longer than 8388608 bytes; first field \"A-1\"");
	cell_is(out, 1, "origin", "-:2");
	cell_is(out, 2, "id", "A-2");
	cell_is(out, 2, "origin", "a:3");
	assert_non_null(strstr(err, "-:2: field 3 longer than"));
	free(out);
	eu_buf_free(&apps);
}

/* Whatever the input, the output is a record stream the readers take
 * back: notes cut short on a character, a header cell that is not text
 * stops the file (fuzz findings). */
static void test_output_is_always_text(void **s)
{
	(void)s;
	int st;
	char err[4096];
	eu_buf in = EU_BUF_INIT;
	eu_buf_adds(&in, "projekttitel,start_dato,ordning,budget,eu,navn\nA,0");
	for (int i = 0; i < 200; i++)
		eu_buf_addc(&in, (char)0xe3);   /* Windows-1252: 'ã' x 200 */
	eu_buf_adds(&in, ",R,1,1,Lead\n");
	const char *c = in.p;
	size_t len = in.len;
	char *out = run_with(S, &c, &len, 1, NULL, &st, NULL, 0);
	eu_reader *r = eu_reader_mem(out, strlen(out), "o", NULL);
	eu_row row;
	size_t n = 0;
	assert_non_null(eu_reader_header(r));
	while (eu_reader_next(r, &row) == 1) {
		assert_null(row.bad);
		n++;
	}
	eu_reader_close(r);
	assert_int_equal(n, 1);
	cell_has(out, 1, "warnings", "start_date: '0ããã");
	free(out);
	eu_buf_free(&in);
	const char *h = "Projekt-ID;Titel;Partne\xd4re;Status\nS-1;Grøn;Blå;Åben\nS-2;" "Rød;Økologi;Åben\n";
	out = run_file(h, strlen(h), &st, err, sizeof err);
	assert_int_equal(st, 3);
	assert_non_null(strstr(err, "header column 3 'Partne...' is not valid text"));
	assert_int_equal(nrecords(out), 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_text_partners),
		cmocka_unit_test(test_real_partner_cells),
		cmocka_unit_test(test_dialects),
		cmocka_unit_test(test_cp1252_tab),
		cmocka_unit_test(test_ragged_and_empty_rows),
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_participants_and_project_table),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_unknown_columns_and_foreign_layouts),
		cmocka_unit_test(test_profiles_from_the_folder),
		cmocka_unit_test(test_erdf_kroner_and_ids),
		cmocka_unit_test(test_join_by_project),
		cmocka_unit_test(test_join_overlong_application),
		cmocka_unit_test(test_output_is_always_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
