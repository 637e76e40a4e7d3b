/* euprio-xlsx: the morning workbook for the people who decide.  Reads
 * euprio-rank's candidates (and optionally its rejects and euprio-changes'
 * output) and writes, with libxlsxwriter, a workbook a Danish Excel opens
 * with real numbers, dates, links and charts: Kandidater, Indkaldelser,
 * Overblik, Afviste, Ændringer.  Which columns appear, how and under what title is
 * config/workbook.csv; every word is config/labels.csv.
 *
 * This file is the run: the policy, a temporary workbook beside the output,
 * the sheets in reading order, and the rename that publishes it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "euprio/core/diag.h"
#include "euprio/core/labels.h"
#include "euprio/core/values.h"
#include "euprio/stages/xlsx.h"
#include "xlsx_int.h"

static lxw_worksheet *add_sheet(xl *X, const char *key)
{
	return workbook_add_worksheet(X->wb, eu_label(&X->L, key));
}

/* Reserves a temporary file beside path, so the rename that publishes the
 * workbook stays on one file system and no reader sees half a file. */
static char *temp_beside(const char *path)
{
	size_t n = strlen(path);
	char *tmp = eu_xmalloc(n + 8);
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		eu_warnx("cannot create a file beside %s: %s", path, strerror(errno));
		free(tmp);
		return NULL;
	}
	mode_t um = umask(0);
	umask(um);
	fchmod(fd, 0666 & ~um);
	close(fd);
	return tmp;
}

int eu_xlsx_run(const eu_xlsx_opts *o, char *const *paths, size_t npaths)
{
	xl X = {.english = o->english, .today = o->today};
	const char *output = o->output, *rejects = o->rejects, *chg = o->changes;
	int ty, tm, td;

	eu_civil_from_days(X.today, &ty, &tm, &td);
	X.today_month = (long)ty * 12 + tm - 1;
	if (xl_load_config(&X, o->config_dir)) {
		xl_free(&X);
		return EU_EXIT_USAGE;
	}

	char *tmp = temp_beside(output);
	if (!tmp) {
		xl_free(&X);
		return EU_EXIT_OUTPUT;
	}
	lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = getenv("TMPDIR")};
	X.wb = workbook_new_opt(tmp, &wo);
	if (!X.wb) {
		eu_warnx("cannot start the workbook %s", output);
		unlink(tmp);
		free(tmp);
		xl_free(&X);
		return EU_EXIT_OUTPUT;
	}
	xl_make_formats(&X);
	/* Sheets in reading order; rows are streamed into each (constant
	 * memory), so the overview is written last though it comes second. */
	X.sh[S_CAND].ws = add_sheet(&X, "sheet.candidates");
	/* The calls next to the candidates: the other list to act on.  A
	 * layout without the sheet (workbook.csv from before it) keeps them
	 * on Kandidater. */
	if (X.sh[S_CALL].n)
		X.sh[S_CALL].ws = add_sheet(&X, "sheet.calls");
	X.overview = add_sheet(&X, "sheet.overview");
	X.sh[S_REJ].ws = add_sheet(&X, "sheet.rejected");
	if (chg)
		X.sh[S_CHG].ws = add_sheet(&X, "sheet.changes");
	int ok = X.sh[S_CAND].ws && X.overview && X.sh[S_REJ].ws && (!chg || X.sh[S_CHG].ws) &&
		 (!X.sh[S_CALL].n || X.sh[S_CALL].ws);
	if (ok) {
		/* Every input's header first: an optional column (the staff's,
		 * written only with euprio-rank --decisions) is shown only where
		 * its input has it, and the header rows are written then. */
		char *rej_path[1] = {(char *)rejects}, *chg_path[1] = {(char *)chg};
		eu_stream sc, sr, sg;
		int oc = 0, orj = 0, og = 0;
		ok = (oc = xl_open_sheet(&X, S_CAND, paths, npaths, &sc) == 0) &&
		     (orj = xl_open_sheet(&X, S_REJ, rejects ? rej_path : NULL, 1, &sr) == 0) &&
		     (og = xl_open_sheet(&X, S_CHG, chg ? chg_path : NULL, 1, &sg) == 0);
		if (ok) {
			xl_sheet_header(&X, &X.sh[S_CAND]);
			if (X.sh[S_CALL].ws)
				xl_sheet_header(&X, &X.sh[S_CALL]);
			xl_sheet_header(&X, &X.sh[S_REJ]);
			if (chg)
				xl_sheet_header(&X, &X.sh[S_CHG]);
			worksheet_activate(X.sh[S_CAND].ws);
			xl_fill_sheet(&X, S_CAND, &sc, &X.ncand);
			if (rejects)
				xl_fill_sheet(&X, S_REJ, &sr, &X.nrej);
			if (chg)
				xl_fill_sheet(&X, S_CHG, &sg, &X.nchg);
		} else {
			/* Close what opened before the one that failed. */
			if (oc)
				eu_stream_close(&sc);
			if (orj && rejects)
				eu_stream_close(&sr);
		}
	} else {
		eu_status_raise(&X.status, EU_EXIT_USAGE);
	}
	if (ok) {
		xl_sheet_finish(&X, &X.sh[S_CAND]);
		if (X.sh[S_CALL].ws)
			xl_sheet_finish(&X, &X.sh[S_CALL]);
		xl_sheet_finish(&X, &X.sh[S_REJ]);
		if (chg)
			xl_sheet_finish(&X, &X.sh[S_CHG]);
		xl_write_overview(&X, eu_label(&X.L, "sheet.overview"));
	}
	/* Closing writes the zip; on any earlier failure it still must run to
	 * free the workbook, and its file is then thrown away. */
	lxw_error e = workbook_close(X.wb);
	if (ok && e != LXW_NO_ERROR) {
		eu_warnx("cannot write %s: %s", output, lxw_strerror(e));
		eu_status_raise(&X.status, EU_EXIT_OUTPUT);
		ok = 0;
	}
	/* The staff's names (a decisions table's by, notes) are not for the
	 * world to read. */
	if (ok && X.names_staff) {
		struct stat st;
		if (stat(tmp, &st) < 0 || chmod(tmp, st.st_mode & 07770) < 0)
			eu_warnx("cannot keep %s from being world-readable: %s", output, strerror(errno));
	}
	if (ok && rename(tmp, output) < 0) {
		eu_warnx("cannot write %s: %s", output, strerror(errno));
		eu_status_raise(&X.status, EU_EXIT_OUTPUT);
		ok = 0;
	}
	if (!ok) {
		unlink(tmp);
		if (X.status < EU_EXIT_USAGE)
			eu_status_raise(&X.status, EU_EXIT_INPUT);
	} else {
		eu_warnx("%s: %lu candidates, %lu calls, %lu rejected (%lu unreadable rows), %lu changes", output,
			 X.ncand - X.ncalls, X.ncalls, X.nrej + X.nbad, X.nbad, X.nchg);
	}
	free(tmp);
	int status = X.status;
	xl_free(&X);
	return status;
}

