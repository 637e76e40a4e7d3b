/* euprio-rank's memory of declined records (--decline-memory): for each
 * decline, what the record was the night rank first saw that decline, so
 * that "changed since it was declined" means since then, not since the
 * last night (a grant growing 5 % a night comes back once it has grown
 * 20 %, and a missed night changes nothing).  It is a CSV file a person
 * can open, replaced atomically at the end of a run, so a killed night
 * leaves the last whole one.  An edited decision row (another note, by or
 * date) is a new decline and is remembered afresh; a row removed from the
 * table, or whose date has passed, is forgotten. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/values.h"
#include "euprio/core/words.h"
#include "euprio/core/writer.h"
#include "rank_int.h"

static const char *const mcols[] = {
	"id", "declined_on", "until", "note", "by", "title", "deadline", "local_partners", "eu_grant_eur",
	"own_cost_eur", NULL,
};
#define NMCOLS (sizeof mcols / sizeof *mcols - 1)

static const char header_comment[] =
	"# euprio-rank's memory of declined records: each record as it was the night its decline was first "
	"seen. It is back among the candidates when it changes materially from this (docs/scoring.md). "
	"Delete a row to have that record remembered afresh in the next run.\n";

void rank_memo_free(struct memo *m)
{
	if (!m)
		return;
	free(m->id);
	free(m->until);
	free(m->note);
	free(m->by);
	free(m->title);
	free(m->deadline);
	free(m->local);
	free(m->grant);
	free(m->cost);
	free(m);
}

/* The file is written for a spreadsheet too, so a cell that would start a
 * formula got a leading ' (the writer's escaping); this undoes it, so a
 * value reads back as it was. */
static char *unescaped(const char *s)
{
	if (s[0] == '\'' && eu_cell_is_formula(s + 1, strlen(s + 1), 0))
		s++;
	return eu_xstrdup(s);
}

int rank_memory_load(struct staff *S)
{
	struct stat st;
	eu_table t;
	int rc = 0;

	if (stat(S->memory, &st) < 0 && errno == ENOENT) {
		for (size_t i = 0; i < S->n; i++)
			if (S->row[i].decision == EU_STAFF_DECLINE) {
				eu_warnx("%s: no decline memory yet: each declined record is remembered as it is in "
					 "this run", S->memory);
				break;
			}
		return 0;
	}
	if (eu_table_load_file(&t, S->memory, "decline memory", 0, mcols, mcols) < 0) {
		rc = -1;
	} else {
		long c[NMCOLS];
		for (size_t k = 0; k < NMCOLS; k++)
			c[k] = eu_table_col(&t, mcols[k]);
		for (size_t r = 0; r < t.nrows; r++) {
			char *v[NMCOLS];
			for (size_t k = 0; k < NMCOLS; k++)
				v[k] = unescaped(eu_table_get(&t, r, c[k]));
			long on = eu_parse_date(v[1]), until = *v[2] ? eu_parse_date(v[2]) : -1;
			struct staff_row *row = rank_staff_find(S, v[0]);
			eu_buf iso = EU_BUF_INIT;
			if (until >= 0)
				eu_fmt_date(&iso, until);
			if (on < 0 || (*v[2] && until < 0)) {
				eu_table_error(&t, r, on < 0 ? c[1] : c[2], "'%s' is not a date", on < 0 ? v[1] : v[2]);
				rc = -1;
			} else if (row && row->mem) {
				eu_table_error(&t, r, c[0], "'%s' is remembered twice", v[0]);
				rc = -1;
			} else if (row && row->decision == EU_STAFF_DECLINE && !row->expired &&
				   strcmp(iso.p ? iso.p : "", row->until_iso) == 0 && strcmp(v[3], row->note) == 0 &&
				   strcmp(v[4], row->by) == 0) {
				/* Still the same decline: what it was then stands. */
				struct memo *m = eu_xcalloc(1, sizeof *m);
				m->id = v[0];
				m->on = on;
				m->until = v[2];
				m->note = v[3];
				m->by = v[4];
				m->title = v[5];
				m->deadline = v[6];
				m->local = v[7];
				m->grant = v[8];
				m->cost = v[9];
				row->mem = m;
				free(v[1]);          /* kept as m->on */
				eu_buf_free(&iso);
				continue;
			}
			eu_buf_free(&iso);
			for (size_t k = 0; k < NMCOLS; k++)
				free(v[k]);
		}
	}
	eu_table_free(&t);
	if (rc < 0)
		eu_warn_at(S->memory, 0, "delete the file to start afresh: each declined record is then "
			   "remembered as it is in the next run");
	return rc;
}

struct memo *rank_memo_take(const eu_rank *R, const eu_rec *rec, long today, const struct staff_row *row)
{
	struct memo *m = eu_xcalloc(1, sizeof *m);

	m->id = eu_xstrdup(row->id);
	m->until = eu_xstrdup(row->until_iso);
	m->note = eu_xstrdup(row->note);
	m->by = eu_xstrdup(row->by);
	m->on = today;
	m->title = eu_xstrdup(rank_get(R, rec, C_TITLE));
	m->deadline = eu_xstrdup(rank_get(R, rec, C_DEADLINE));
	m->local = eu_xstrdup(rank_get(R, rec, C_LOCAL_PARTNERS));
	m->grant = eu_xstrdup(rank_get(R, rec, C_EU_GRANT));
	m->cost = eu_xstrdup(rank_get(R, rec, C_OWN_COST));
	return m;
}

int rank_memory_write(const struct staff *S)
{
	/* Beside it, so the rename stays on one file system, and hidden
	 * (.decline-memory.csv.XXXXXX), so a run killed while writing leaves
	 * nothing a person takes for the memory. */
	const char *slash = strrchr(S->memory, '/');
	size_t dir = slash ? (size_t)(slash - S->memory) + 1 : 0;
	eu_buf tb = EU_BUF_INIT, on = EU_BUF_INIT;
	eu_buf_printf(&tb, "%.*s.%s.XXXXXX", (int)dir, S->memory, S->memory + dir);
	char *tmp = tb.p;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		eu_warnx("cannot create a file beside %s: %s; the decline memory is not updated", S->memory,
			 strerror(errno));
		free(tmp);
		return -1;
	}
	/* It names the staff who declined: not for the world to read. */
	mode_t um = umask(0);
	umask(um);
	fchmod(fd, 0666 & ~um & ~(mode_t)0007);
	eu_writer *w = eu_writer_fdopen(fd, tmp, &(eu_writer_opts){.excel_safe = 1});
	eu_write_raw(w, header_comment, sizeof header_comment - 1);
	for (size_t k = 0; k < NMCOLS; k++)
		eu_write_str(w, mcols[k]);
	eu_write_end(w);
	for (size_t i = 0; i < S->n; i++) {
		const struct memo *m = S->row[i].mem;
		if (!m || S->row[i].decision != EU_STAFF_DECLINE || S->row[i].expired)
			continue;
		eu_buf_clear(&on);
		eu_fmt_date(&on, m->on);
		const char *v[NMCOLS] = {m->id, on.p, m->until, m->note, m->by, m->title, m->deadline, m->local,
					 m->grant, m->cost};
		for (size_t k = 0; k < NMCOLS; k++)
			eu_write_field(w, v[k], strlen(v[k]), k >= 8);
		eu_write_end(w);
	}
	eu_buf_free(&on);
	int rc = eu_writer_close(w);
	int e = errno;
	if (rc == 0 && fsync(fd) < 0) {
		rc = -1;
		e = errno;
	}
	if (close(fd) < 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0 && rename(tmp, S->memory) < 0) {
		rc = -1;
		e = errno;
	}
	if (rc < 0) {
		eu_warnx("cannot write %s: %s; the decline memory is as it was", S->memory, strerror(e));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}
