/* What changed between two nights' candidates — new ones, ones that left,
 * changed decisions or scores, and the changes of flags and partners that
 * matter (below cost or covering it again, a deadline near or no longer
 * readable, a local partner lost or gained); for calls (decision explore)
 * a new call and a call whose deadline came near — the first thing a
 * coordinator reads in the morning.  The staff's decisions (euprio-rank
 * --decisions) change what is news: a record staff declined is not told
 * as left (tonight's rejects say DECLINED) but is told when it is back; a
 * record staff watch has every change told.  Reads every dialect
 * euprio-rank writes (',' or ';', BOM, CRLF, decimal comma), "-" as
 * standard input, and refuses an OLD it cannot read rather than call
 * everything new.  Holds the older file in memory (one block a row: the
 * candidates of one night), streams the newer. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"
#include "euprio/core/words.h"
#include "euprio/stream/listcol.h"
#include "euprio/stages/changes.h"

static int has_flag(const char *flags, const char *flag);

/* The columns compared, as euprio-rank names them. */
enum { K_ID, K_TITLE, K_DECISION, K_SCORE, K_RANK, K_FLAGS, K_RATIO, K_DAYS, K_DEADLINE, K_LOCAL,
       K_SINCE, NK };
static const char *const col_names[NK] = {
	"id", "title", "decision", "score", "rank", "flags", "value_ratio", "days_left", "deadline",
	"local_partners", "since_declined",
};

/* A watched record's columns that are not compared one by one: those
 * with kinds of their own (decision, score, the local partners), those
 * that change by themselves (days_left, and reasons, which say it in
 * words) or with the files read (origin), and the staff's own words. */
static const char *const not_watched[] = {
	"id", "decision", "score", "local_partners", "days_left", "reasons", "origin", "staff_decision",
	"staff_note", "staff_by", "staff_until", "since_declined", NULL,
};

/* One candidates file being read. */
struct side {
	const char *path;
	int fd, own_fd;
	eu_reader *r;
	long col[NK];
	char **names;            /* the header */
	size_t ncols;
};

/* A row of the older file: its fields in one block. */
struct old {
	char *blob;
	const char **cell;       /* ncols of the older file's header */
	const char *v[NK];       /* the compared ones, "" when absent */
	int seen;
};

/* Opens a candidates file ("-": standard input), finds its delimiter from
 * its first bytes and reads its header.  -1 after a message. */
static int side_open(struct side *s, const char *path)
{
	char buf[65536];
	size_t n = 0;
	ssize_t got;

	memset(s, 0, sizeof *s);
	s->path = path;
	if (strcmp(path, "-") == 0) {
		s->fd = 0;
	} else if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		eu_warn_at(path, 0, "cannot open: %s", strerror(errno));
		return -1;
	} else {
		s->own_fd = 1;
	}
	/* Enough to hold the header line: the reader is given these bytes
	 * back, so standard input is read once. */
	while (n < sizeof buf && (got = read(s->fd, buf + n, sizeof buf - n)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			eu_warn_at(path, 0, "read error: %s", strerror(errno));
			return -1;
		}
		n += (size_t)got;
		if (memchr(buf, '\n', n))
			break;
	}
	eu_reader_opts o = {.delim = eu_sniff_delim(buf, n), .check_utf8 = 1, .check_width = 1};
	s->r = eu_reader_fdopen(s->fd, path, &o);
	eu_reader_prepend(s->r, buf, n);
	const eu_row *h = eu_reader_header(s->r);
	if (!h || h->bad) {
		eu_warn_at(path, 0, "%s", !h && errno ? strerror(errno) : h ? h->bad : "empty: no header row");
		return -1;
	}
	s->ncols = h->n;
	s->names = eu_xcalloc(h->n + 1, sizeof *s->names);
	for (size_t i = 0; i < h->n; i++)
		s->names[i] = eu_xstrndup(h->f[i], h->len[i]);
	for (int k = 0; k < NK; k++) {
		s->col[k] = -1;
		for (size_t i = 0; i < h->n; i++)
			if (strcmp(h->f[i], col_names[k]) == 0)
				s->col[k] = (long)i;
	}
	if (s->col[K_ID] < 0) {
		eu_warn_at(path, 0, "has no id column: is it euprio-rank output?");
		return -1;
	}
	return 0;
}

static void side_close(struct side *s)
{
	if (s->r)
		eu_reader_close(s->r);
	if (s->own_fd)
		close(s->fd);
	s->r = NULL;
	s->own_fd = 0;
}

static void side_free(struct side *s)
{
	side_close(s);
	for (size_t i = 0; i < s->ncols; i++)
		free(s->names[i]);
	free(s->names);
	s->names = NULL;
	s->ncols = 0;
}

static long side_col(const struct side *s, const char *name)
{
	for (size_t i = 0; i < s->ncols; i++)
		if (strcmp(s->names[i], name) == 0)
			return (long)i;
	return -1;
}

/* The next good row; a row the reader cannot trust is told and left out. */
static int side_next(struct side *s, eu_row *row, int *status)
{
	int rc;

	while ((rc = eu_reader_next(s->r, row)) == 1) {
		if (!row->bad)
			return 1;
		eu_warn_at(s->path, row->line, "%s; row left out of the comparison", row->bad);
		eu_status_raise(status, EU_EXIT_BADREC);
	}
	if (rc < 0) {
		eu_warn_at(s->path, 0, "read error: %s", strerror(errno));
		eu_status_raise(status, EU_EXIT_INPUT);
	}
	return 0;
}

static const char *cell(const struct side *s, const eu_row *row, int k)
{
	long c = s->col[k];
	return c >= 0 && (size_t)c < row->n ? row->f[c] : "";
}

static int cmp_old(const void *a, const void *b)
{
	return strcmp(((const struct old *)a)->v[K_ID], ((const struct old *)b)->v[K_ID]);
}

/* A number as euprio-rank writes it, in either dialect ("1,5" = "1.5"),
 * written back plainly; text that is no number stays as it is. */
static void norm_number(eu_buf *out, const char *s)
{
	double v;

	if (eu_parse_number(s, strlen(s), EU_NUM_COMMA, &v) == 0)
		eu_fmt_amount(out, v);
	else
		eu_buf_adds(out, s);
}

static int same_number(const char *a, const char *b)
{
	double x, y;

	if (eu_parse_number(a, strlen(a), EU_NUM_COMMA, &x) == 0 &&
	    eu_parse_number(b, strlen(b), EU_NUM_COMMA, &y) == 0)
		return x == y;
	return strcmp(a, b) == 0;
}

struct out {
	eu_writer *w;
	eu_buf a, b;
};

static void row(struct out *o, enum eu_change change, const char *const nv[NK], const char *const ov[NK],
		const char *oval, const char *nval, const char *detail)
{
	const char *none[NK];
	for (int k = 0; k < NK; k++)
		none[k] = "";
	const char *const *n = nv ? nv : none, *const *p = ov ? ov : none;

	eu_write_str(o->w, eu_change_names[change]);
	eu_write_str(o->w, nv ? n[K_ID] : p[K_ID]);
	eu_write_str(o->w, nv ? n[K_TITLE] : p[K_TITLE]);
	eu_write_str(o->w, p[K_DECISION]);
	eu_write_str(o->w, n[K_DECISION]);
	eu_buf_clear(&o->a);
	norm_number(&o->a, p[K_SCORE]);
	eu_write_field(o->w, o->a.p, o->a.len, 1);
	eu_buf_clear(&o->a);
	norm_number(&o->a, n[K_SCORE]);
	eu_write_field(o->w, o->a.p, o->a.len, 1);
	eu_write_field(o->w, p[K_RANK], strlen(p[K_RANK]), 1);
	eu_write_field(o->w, n[K_RANK], strlen(n[K_RANK]), 1);
	eu_buf_clear(&o->a);
	norm_number(&o->a, oval ? oval : "");
	eu_write_field(o->w, o->a.p, o->a.len, 1);
	eu_buf_clear(&o->a);
	norm_number(&o->a, nval ? nval : "");
	eu_write_field(o->w, o->a.p, o->a.len, 1);
	eu_write_str(o->w, detail ? detail : "");
	eu_write_end(o->w);
}

static int has_flag(const char *flags, const char *flag)
{
	return eu_list_has(flags, strlen(flags), flag, strlen(flag));
}

/* The names of list a missing from list b, "; "-joined into out; their
 * count. */
static size_t names_missing(const char *a, const char *b, eu_buf *out)
{
	eu_list_it it, jt;
	const char *n, *m;
	size_t nl, ml, missing = 0;

	eu_list_begin(&it, a, strlen(a));
	while (eu_names_next(&it, &n, &nl)) {
		int found = 0;
		eu_list_begin(&jt, b, strlen(b));
		while (!found && eu_names_next(&jt, &m, &ml))
			found = ml == nl && memcmp(m, n, nl) == 0;
		if (!found) {
			eu_names_add(out, n, nl);
			missing++;
		}
	}
	return missing;
}

static size_t names_count(const char *s)
{
	eu_list_it it;
	const char *n;
	size_t nl, k = 0;

	eu_list_begin(&it, s, strlen(s));
	while (eu_names_next(&it, &n, &nl))
		k++;
	return k;
}

/* A call: euprio-rank's call track decides explore and nothing else. */
static int is_call(const char *const nv[NK])
{
	return eu_decision_parse(nv[K_DECISION], strlen(nv[K_DECISION])) == EU_DEC_EXPLORE;
}

/* The rows for one candidate in both files. */
static void compare(struct out *o, const char *const nv[NK], const char *const ov[NK], const int cmp[NK])
{
	if (strcmp(ov[K_DECISION], nv[K_DECISION]))
		row(o, EU_CHANGE_DECISION, nv, ov, NULL, NULL, NULL);
	else if (!same_number(ov[K_SCORE], nv[K_SCORE]))
		row(o, EU_CHANGE_SCORE, nv, ov, NULL, NULL, NULL);
	if (cmp[K_FLAGS]) {
		int was = has_flag(ov[K_FLAGS], EU_FLAG_VALUE_BELOW_COST), is = has_flag(nv[K_FLAGS], EU_FLAG_VALUE_BELOW_COST);
		if (is != was)
			row(o, is ? EU_CHANGE_BELOW_COST : EU_CHANGE_COST_COVERED, nv, ov, ov[K_RATIO], nv[K_RATIO], NULL);
		/* A call whose deadline came near is news of its own: time to
		 * decide whether to go. */
		if (has_flag(nv[K_FLAGS], EU_FLAG_DEADLINE_SOON) && !has_flag(ov[K_FLAGS], EU_FLAG_DEADLINE_SOON))
			row(o, is_call(nv) ? EU_CHANGE_CALL_DEADLINE_SOON : EU_CHANGE_DEADLINE_SOON, nv, ov, ov[K_DAYS],
			    nv[K_DAYS], nv[K_DEADLINE]);
		if (has_flag(nv[K_FLAGS], EU_FLAG_DEADLINE_UNREADABLE) && !has_flag(ov[K_FLAGS], EU_FLAG_DEADLINE_UNREADABLE))
			row(o, EU_CHANGE_DEADLINE_UNREADABLE, nv, ov, NULL, NULL, NULL);
	}
	if (cmp[K_LOCAL]) {
		char on[24], nn[24];
		snprintf(on, sizeof on, "%zu", names_count(ov[K_LOCAL]));
		snprintf(nn, sizeof nn, "%zu", names_count(nv[K_LOCAL]));
		eu_buf_clear(&o->b);
		if (names_missing(ov[K_LOCAL], nv[K_LOCAL], &o->b))
			row(o, EU_CHANGE_LOCAL_LOST, nv, ov, on, nn, o->b.p);
		eu_buf_clear(&o->b);
		if (names_missing(nv[K_LOCAL], ov[K_LOCAL], &o->b))
			row(o, EU_CHANGE_LOCAL_GAINED, nv, ov, on, nn, o->b.p);
	}
}

/* A record's flags without the staff's (STAFF_WATCH, STAFF_PURSUE and
 * what brought a declined record back), which are news of their own. */
static void flags_of_record(eu_buf *out, const char *flags)
{
	eu_list_it it;
	const char *f;
	size_t fl;

	eu_list_begin(&it, flags, strlen(flags));
	while (eu_list_next(&it, &f, &fl)) {
		int staff = (fl == strlen(EU_FLAG_STAFF_WATCH) && !memcmp(f, EU_FLAG_STAFF_WATCH, fl)) ||
			    (fl == strlen(EU_FLAG_STAFF_PURSUE) && !memcmp(f, EU_FLAG_STAFF_PURSUE, fl)) ||
			    eu_word_index(eu_back_flags, EU_NBACK, f, fl) >= 0;
		if (!staff)
			eu_list_add(out, f, fl);
	}
}

static int is_back(const char *flags)
{
	for (int k = 0; k < EU_NBACK; k++)
		if (has_flag(flags, eu_back_flags[k]))
			return 1;
	return 0;
}

/* The detail of a back row: what brought it back, in rank's words when
 * the file has them, else the flags that say it. */
static const char *back_detail(struct out *o, const char *const nv[NK])
{
	if (*nv[K_SINCE])
		return nv[K_SINCE];
	eu_list_it it;
	const char *f;
	size_t fl;
	eu_buf_clear(&o->b);
	eu_list_begin(&it, nv[K_FLAGS], strlen(nv[K_FLAGS]));
	while (eu_list_next(&it, &f, &fl))
		if (eu_word_index(eu_back_flags, EU_NBACK, f, fl) >= 0)
			eu_list_add(&o->b, f, fl);
	return o->b.p ? o->b.p : "";
}

/* A watched record: every other column both files have, one row each,
 * named in detail. */
static void compare_watched(struct out *o, const struct side *ns, const eu_row *r, const char *const nv[NK],
			    const struct old *p, const long *oldcol)
{
	eu_buf was = EU_BUF_INIT, now = EU_BUF_INIT;

	for (size_t i = 0; i < ns->ncols && i < r->n; i++) {
		size_t k;
		for (k = 0; not_watched[k] && strcmp(not_watched[k], ns->names[i]); k++)
			;
		if (not_watched[k] || oldcol[i] < 0)
			continue;
		const char *a = p->cell[oldcol[i]], *b = r->f[i];
		if (strcmp(ns->names[i], "flags") == 0) {
			eu_buf_clear(&was);
			eu_buf_clear(&now);
			flags_of_record(&was, a);
			flags_of_record(&now, b);
			a = was.p ? was.p : "";
			b = now.p ? now.p : "";
		}
		if (!same_number(a, b))
			row(o, EU_CHANGE_WATCHED, nv, p->v, a, b, ns->names[i]);
	}
	eu_buf_free(&was);
	eu_buf_free(&now);
}

/* Columns a comparison needs in both files; a missing one is told once
 * and its kinds of change are not reported. */
static void comparable(const struct side *a, const struct side *b, int cmp[NK])
{
	static const struct { int k; const char *what; } need[] = {
		{K_FLAGS, "flag changes (below_cost, deadline_soon, ...)"},
		{K_LOCAL, "local partners lost or gained"},
	};
	for (int k = 0; k < NK; k++)
		cmp[k] = 1;
	for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
		const struct side *s = a->col[need[i].k] < 0 ? a : b->col[need[i].k] < 0 ? b : NULL;
		if (s) {
			cmp[need[i].k] = 0;
			eu_warn_at(s->path, 0, "has no %s column: %s are not reported", col_names[need[i].k],
				   need[i].what);
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids tonight's rejects give as DECLINED, sorted; -1 after a message
 * when the file cannot be read. */
static int read_declined(const char *path, char ***ids, size_t *n, int *status)
{
	struct side s;
	eu_row r;
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	if (side_open(&s, path) < 0) {
		side_free(&s);
		return -1;
	}
	long code = side_col(&s, "reject_code");
	if (code < 0) {
		eu_warn_at(path, 0, "has no reject_code column: is it euprio-rank --rejects output?");
		side_free(&s);
		return -1;
	}
	while (side_next(&s, &r, status)) {
		if ((size_t)code >= r.n || strcmp(r.f[code], "DECLINED") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*ids = eu_xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = eu_xstrdup(cell(&s, &r, K_ID));
	}
	side_free(&s);
	if (*n)
		qsort(*ids, *n, sizeof **ids, cmp_str);
	return 0;
}

/* Keeps a row of the older file whole, for a watched record's changes. */
static void keep_old(struct old *o, const struct side *s, const eu_row *r)
{
	o->blob = eu_xmalloc(r->span_len + 1);
	if (r->span_len)
		memcpy(o->blob, r->span, r->span_len);
	o->blob[r->span_len] = '\0';
	o->cell = eu_xcalloc(s->ncols + 1, sizeof *o->cell);
	const char *p = o->blob;
	for (size_t i = 0; i < s->ncols; i++) {
		o->cell[i] = i < r->n ? p : "";
		if (i < r->n)
			p += r->len[i] + 1;
	}
	for (int k = 0; k < NK; k++)
		o->v[k] = s->col[k] >= 0 ? o->cell[s->col[k]] : "";
	o->seen = 0;
}

int eu_changes_run(const char *old_path, const char *new_path, const char *rejects_path, eu_writer *w)
{
	struct side os, ns;
	struct old *old = NULL;
	size_t nold = 0, cap = 0, ndeclined = 0;
	char **declined = NULL;
	long *oldcol = NULL;
	int status = EU_EXIT_OK, cmp[NK] = {0};
	eu_row r;

	if (old_path && strcmp(old_path, "-") == 0 && strcmp(new_path, "-") == 0) {
		eu_warnx("OLD and NEW cannot both be standard input");
		return EU_EXIT_USAGE;
	}
	if (rejects_path && strcmp(rejects_path, "-") == 0) {
		eu_warnx("--rejects is a file euprio-rank wrote, not standard input");
		return EU_EXIT_USAGE;
	}
	/* Without tonight's rejects a declined record would be told as
	 * left, which is no news to the staff who declined it. */
	if (rejects_path && read_declined(rejects_path, &declined, &ndeclined, &status) < 0) {
		eu_warn_at(rejects_path, 0, "tonight's rejects cannot be read, so nothing is compared");
		return EU_EXIT_INPUT;
	}
	memset(&os, 0, sizeof os);
	if (old_path) {
		if (side_open(&os, old_path) < 0) {
			eu_warn_at(old_path, 0, "the previous candidates cannot be read, so nothing is compared; "
				   "if there is no previous night, run euprio-changes --first-run NEW");
			side_free(&os);
			for (size_t i = 0; i < ndeclined; i++)
				free(declined[i]);
			free(declined);
			return EU_EXIT_INPUT;
		}
		while (side_next(&os, &r, &status)) {
			if (nold == cap) {
				cap = cap ? cap * 2 : 256;
				old = eu_xrealloc(old, cap * sizeof *old);
			}
			keep_old(&old[nold++], &os, &r);
		}
		if (nold)   /* qsort must not get NULL, even for no elements */
			qsort(old, nold, sizeof *old, cmp_old);
	}
	int new_ok = side_open(&ns, new_path) == 0;
	if (new_ok && old_path)
		comparable(&os, &ns, cmp);
	if (new_ok) {
		oldcol = eu_xcalloc(ns.ncols + 1, sizeof *oldcol);
		for (size_t i = 0; i < ns.ncols; i++)
			oldcol[i] = old_path ? side_col(&os, ns.names[i]) : -1;
	}
	side_close(&os);

	struct out o = {w, EU_BUF_INIT, EU_BUF_INIT};
	if (new_ok) {
		static const char *const header[] = {
			"change", "id", "title", "old_decision", "new_decision", "old_score", "new_score",
			"old_rank", "new_rank", "old_value", "new_value", "detail",
		};
		for (size_t i = 0; i < sizeof header / sizeof *header; i++)
			eu_write_str(w, header[i]);
		eu_write_end(w);
		const char *nv[NK];
		while (side_next(&ns, &r, &status) && !eu_writer_error(w)) {
			for (int k = 0; k < NK; k++)
				nv[k] = cell(&ns, &r, k);
			struct old key = {.v = {[K_ID] = nv[K_ID]}};
			struct old *p = nold ? bsearch(&key, old, nold, sizeof *old, cmp_old) : NULL;
			/* Back from a decline: told once, the night it returns. */
			int back = is_back(nv[K_FLAGS]) && (!p || !is_back(p->v[K_FLAGS]));
			if (!p) {
				row(&o, back ? EU_CHANGE_BACK : is_call(nv) ? EU_CHANGE_NEW_CALL : EU_CHANGE_NEW, nv, NULL,
				    NULL, NULL, back ? back_detail(&o, nv) : is_call(nv) ? nv[K_DEADLINE] : NULL);
				continue;
			}
			p->seen = 1;
			if (back)
				row(&o, EU_CHANGE_BACK, nv, p->v, NULL, NULL, back_detail(&o, nv));
			compare(&o, nv, p->v, cmp);
			if (has_flag(nv[K_FLAGS], EU_FLAG_STAFF_WATCH))
				compare_watched(&o, &ns, &r, nv, p, oldcol);
		}
	} else {
		status = EU_EXIT_INPUT;   /* nothing written: a half answer would mislead */
	}
	side_free(&ns);
	for (size_t i = 0; i < nold; i++) {
		char *const *was = ndeclined ? bsearch(&old[i].v[K_ID], declined, ndeclined, sizeof *declined, cmp_str) : NULL;
		if (!old[i].seen && new_ok && !was)
			row(&o, EU_CHANGE_LEFT, NULL, old[i].v, NULL, NULL, NULL);
		free(old[i].blob);
		free(old[i].cell);
	}
	free(old);
	free(oldcol);
	for (size_t i = 0; i < ndeclined; i++)
		free(declined[i]);
	free(declined);
	side_free(&os);
	eu_buf_free(&o.a);
	eu_buf_free(&o.b);
	return status;
}
