/* The coordinator's decisions (docs/scoring.md, "Staff decisions"): the
 * decisions table staff keep in a spreadsheet, and what each row does to
 * its record.  pursue pins a record ahead of its decision group, watch
 * marks it for euprio-changes, decline holds it out among the rejects
 * until its date, or until it changes materially from what it was the
 * night the decline was first seen (memory.c keeps that across nights).
 * A fault anywhere in the table stops the run before any record: a typo
 * must never silently undo a decision. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/values.h"
#include "euprio/core/words.h"
#include "euprio/stream/listcol.h"
#include "rank_int.h"

static int cmp_row(const void *a, const void *b)
{
	const struct staff_row *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

struct staff_row *rank_staff_find(const struct staff *S, const char *id)
{
	struct staff_row key = {.id = (char *)id};
	size_t lo = 0, hi = S->n;

	/* By id alone: the rows are unique by id once loaded. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key.id, S->row[mid].id);
		if (c == 0)
			return &S->row[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void rank_staff_free(struct staff *S)
{
	if (!S)
		return;
	for (size_t i = 0; i < S->n; i++) {
		free(S->row[i].id);
		free(S->row[i].note);
		free(S->row[i].by);
		rank_memo_free(S->row[i].mem);
	}
	free(S->row);
	free(S->path);
	free(S->memory);
	free(S);
}

/* The rows of the table, every fault told; -1 after any. */
static int read_rows(struct staff *S, const eu_table *t)
{
	long ci = eu_table_col(t, "id"), cd = eu_table_col(t, "decision"), cu = eu_table_col(t, "until"),
	     cn = eu_table_col(t, "note"), cb = eu_table_col(t, "by");
	int rc = 0;

	S->row = eu_xcalloc(t->nrows + 1, sizeof *S->row);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *id = eu_table_get(t, r, ci), *word = eu_table_get(t, r, cd), *u = eu_table_get(t, r, cu);
		int d = eu_staff_parse(word, strlen(word));
		long until = -1;
		if (!*id) {
			eu_table_error(t, r, ci, "a decision without an id");
			rc = -1;
			continue;
		}
		if (d < 0) {
			eu_table_error(t, r, cd, "unknown decision '%s' for '%s' (pursue, decline or watch)", word, id);
			rc = -1;
			continue;
		}
		if (*u && (until = eu_parse_date(u)) < 0) {
			eu_table_error(t, r, cu, "until '%s' for '%s' is not a date (YYYY-MM-DD or DD-MM-YYYY)", u, id);
			rc = -1;
			continue;
		}
		struct staff_row *row = &S->row[S->n++];
		row->id = eu_xstrdup(id);
		row->note = eu_xstrdup(eu_table_get(t, r, cn));
		row->by = eu_xstrdup(eu_table_get(t, r, cb));
		row->decision = d;
		row->until = until;
		row->line = t->rows[r].line;
		if (until >= 0) {
			eu_buf iso = EU_BUF_INIT;
			eu_fmt_date(&iso, until);
			snprintf(row->until_iso, sizeof row->until_iso, "%s", iso.p);
			eu_buf_free(&iso);
		}
	}
	if (S->n)
		qsort(S->row, S->n, sizeof *S->row, cmp_row);
	for (size_t i = 1; i < S->n; i++)
		if (strcmp(S->row[i].id, S->row[i - 1].id) == 0) {
			eu_warn_at(S->path, S->row[i].line, "'%s' is decided again (first at line %ld): one row per id",
				   S->row[i].id, S->row[i - 1].line);
			rc = -1;
		}
	return rc;
}

int eu_rank_decisions(eu_rank *R, const char *path, const char *memory, long today)
{
	static const char *const req[] = {"id", "decision", NULL};
	/* title: staff's own reminder of what the id is; a column rank does
	 * not know (a typo, "untill") is an error, not a date ignored. */
	static const char *const known[] = {"id", "decision", "until", "note", "by", "title", NULL};
	struct staff *S = eu_xcalloc(1, sizeof *S);
	eu_table t;

	S->path = eu_xstrdup(path);
	S->memory = memory ? eu_xstrdup(memory) : NULL;
	int rc = eu_table_load_file(&t, path, "decisions table", EU_TABLE_CP1252, req, known);
	if (rc == 0)
		rc = read_rows(S, &t);
	eu_table_free(&t);
	for (size_t i = 0; rc == 0 && i < S->n; i++) {
		struct staff_row *row = &S->row[i];
		if (row->until < 0 || row->until >= today)
			continue;
		row->expired = 1;
		eu_warn_at(S->path, row->line, "%s '%s' was until %s, which has passed: %s; remove the row or give "
			   "a new date", eu_staff_names[row->decision], row->id, row->until_iso,
			   row->decision == EU_STAFF_DECLINE ? "it is among the candidates again (DECLINE_EXPIRED)" :
			   row->decision == EU_STAFF_PURSUE ? "it is no longer pinned" : "it is no longer watched");
	}
	const char *faulty = path;
	if (rc == 0 && S->memory && (rc = rank_memory_load(S)) < 0)
		faulty = S->memory;
	if (rc < 0) {
		eu_warnx("%s: nothing was ranked: with a fault here a decision could be undone without anyone "
			 "noticing", faulty);
		rank_staff_free(S);
		return -1;
	}
	rank_staff_free(R->staff);
	R->staff = S;
	return 0;
}

/* A relative change of at least pct percent, either way; a value that
 * appears where there was none counts, one that vanishes does not (data
 * lost is no reason to look again). */
static int moved(const char *was, const char *now, double pct, double *a, double *b)
{
	int ha = eu_parse_number(was, strlen(was), 0, a) == 0, hb = eu_parse_number(now, strlen(now), 0, b) == 0;

	if (pct <= 0 || !hb)
		return 0;
	if (!ha)
		return 1;
	return fabs(*b - *a) * 100 >= pct * fabs(*a) && *b != *a;
}

static void since_add(const eu_rank *R, eu_buf *what, const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	eu_label_vappend(&R->labels, what, "; ", key, ap);
	va_end(ap);
}

static const char *or_none(const eu_rank *R, const char *s)
{
	return *s ? s : eu_label(&R->labels, "since.none");
}

unsigned rank_since(const eu_rank *R, const struct memo *m, const char *deadline, const char *local,
		    const char *grant, const char *cost, eu_buf *since)
{
	eu_buf what = EU_BUF_INIT, names = EU_BUF_INIT, on = EU_BUF_INIT;
	unsigned back = 0;
	double a, b;

	/* A new deadline: one where there was none, or another date (or
	 * other text, when neither reads as a date).  A deadline that
	 * vanished is not new. */
	if (R->back_deadline > 0 && *deadline) {
		long was = *m->deadline ? eu_parse_date(m->deadline) : -1, now = eu_parse_date(deadline);
		int other = !*m->deadline || (was >= 0 || now >= 0 ? was != now : strcmp(m->deadline, deadline) != 0);
		if (other) {
			back |= 1u << EU_BACK_DEADLINE;
			since_add(R, &what, "since.deadline", "new", deadline, "old", or_none(R, m->deadline), NULL);
		}
	}
	/* A local partner the record did not have: names are compared whole,
	 * as euprio-changes compares them. */
	if (R->back_local > 0) {
		eu_list_it it, jt;
		const char *n, *o;
		size_t nl, ol;
		eu_list_begin(&it, local, strlen(local));
		while (eu_names_next(&it, &n, &nl)) {
			int found = 0;
			eu_list_begin(&jt, m->local, strlen(m->local));
			while (!found && eu_names_next(&jt, &o, &ol))
				found = ol == nl && memcmp(o, n, nl) == 0;
			if (!found)
				eu_names_add(&names, n, nl);
		}
		if (names.len) {
			back |= 1u << EU_BACK_LOCAL;
			since_add(R, &what, "since.local", "names", names.p, NULL);
		}
	}
	if (moved(m->grant, grant, R->back_grant_pct, &a, &b)) {
		back |= 1u << EU_BACK_GRANT;
		since_add(R, &what, "since.grant", "new", grant, "old", or_none(R, m->grant), NULL);
	}
	if (moved(m->cost, cost, R->back_cost_pct, &a, &b)) {
		back |= 1u << EU_BACK_OWN_COST;
		since_add(R, &what, "since.own_cost", "new", cost, "old", or_none(R, m->cost), NULL);
	}
	if (back) {
		eu_fmt_date(&on, m->on);
		eu_label_fill(&R->labels, since, "since", "on", on.p, "what", what.p, NULL);
	}
	eu_buf_free(&what);
	eu_buf_free(&names);
	eu_buf_free(&on);
	return back;
}

void rank_staff(eu_rank *R, const eu_rec *rec, const struct facts *f, long today, eu_rank_out *o)
{
	o->staff = -1;
	o->staff_holds = 0;
	o->staff_note = o->staff_by = o->staff_until = "";
	o->back = 0;
	if (!R->staff)
		return;                 /* no table: nothing more per record */
	eu_buf_clear(&o->since);
	const char *id = rank_get(R, rec, C_ID);
	struct staff_row *row = *id ? rank_staff_find(R->staff, id) : NULL;
	if (!row)
		return;
	row->matched = 1;
	o->staff = row->decision;
	o->staff_holds = !row->expired;
	o->staff_note = row->note;
	o->staff_by = row->by;
	o->staff_until = row->until_iso;
	if (row->decision != EU_STAFF_DECLINE)
		return;
	if (row->expired) {
		o->back = 1u << EU_BACK_EXPIRED;
		eu_label_fill(&R->labels, &o->since, "since.expired", "until", row->until_iso, NULL);
		return;
	}
	/* A record an earlier stage could not read is judged by no one:
	 * what it says is not remembered. */
	if (f->reject_len || f->stage_missing)
		return;
	if (!row->mem) {
		row->mem = rank_memo_take(R, rec, today, row);
		return;
	}
	o->back = rank_since(R, row->mem, rank_get(R, rec, C_DEADLINE), rank_get(R, rec, C_LOCAL_PARTNERS),
			     rank_get(R, rec, C_EU_GRANT), rank_get(R, rec, C_OWN_COST), &o->since);
}

void rank_staff_reason(const eu_rank *R, const eu_rank_out *o, eu_buf *reason)
{
	if (o->staff != EU_STAFF_PURSUE || !o->staff_holds)
		return;
	eu_buf gate = EU_BUF_INIT;
	eu_buf_add(&gate, reason->p ? reason->p : "", reason->len);
	eu_buf_clear(reason);
	eu_label_fill(&R->labels, reason, "reject.PURSUED", "reason", gate.p ? gate.p : "", NULL);
	eu_buf_free(&gate);
}

void rank_staff_flags(const eu_rank *R, eu_rank_out *o)
{
	(void)R;
	if (o->staff < 0)
		return;
	if (o->staff == EU_STAFF_PURSUE && o->staff_holds)
		eu_list_add(&o->flags, EU_FLAG_STAFF_PURSUE, strlen(EU_FLAG_STAFF_PURSUE));
	if (o->staff == EU_STAFF_WATCH && o->staff_holds)
		eu_list_add(&o->flags, EU_FLAG_STAFF_WATCH, strlen(EU_FLAG_STAFF_WATCH));
	for (int k = 0; k < EU_NBACK; k++)
		if (o->back & (1u << k))
			eu_list_add(&o->flags, eu_back_flags[k], strlen(eu_back_flags[k]));
}

void rank_staff_unmatched(const eu_rank *R)
{
	const struct staff *S = R->staff;

	for (size_t i = 0; S && i < S->n; i++)
		if (!S->row[i].matched)
			eu_warn_at(S->path, S->row[i].line, "'%s' (%s) matches no record in this run: check the id",
				   S->row[i].id, eu_staff_names[S->row[i].decision]);
}
