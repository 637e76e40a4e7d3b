/* The streamed sheets: Kandidater, Indkaldelser, Afviste and Ændringer are
 * written row by row as the inputs are read (libxlsxwriter's constant memory), each cell
 * as its column's kind in workbook.csv says: real numbers and dates,
 * coloured days left, words for codes, links for call ids, and text for
 * whatever does not parse.  Then their widths, filter and print layout.
 * Rows the reader could not trust go to Afviste; the candidates are
 * counted for the overview on the way. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/core/values.h"
#include "euprio/stream/stream.h"
#include "euprio/stream/listcol.h"
#include "xlsx_int.h"

/* Columns the overview counts by, whatever workbook.csv shows. */
static const char *const overview_cols[] = {
	"decision", "goals", "programme", "local_tier", "days_left", "deadline", "eu_grant_eur", NULL,
};
/* Columns the Afviste sheet fills for a row the reader could not trust. */
static const char *const reject_cols[] = {"reject_code", "reject_reason", "origin", NULL};

/* ---- cells, by the kind workbook.csv gives their column ---- */

/* Writes the link to the topic page when v looks like a topic id. */
static int put_call(xl *X, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *v, size_t len)
{
	if (!X->topic || len > 200)
		return -1;
	int rc = pcre2_match(X->topic, (PCRE2_SPTR)v, len, 0, 0, X->md, X->mctx);
	if (rc < 0) {
		if (rc != PCRE2_ERROR_NOMATCH)
			eu_warnx("topic_pattern: match failed on '%s' (%d); written without a link", v, rc);
		return -1;
	}
	eu_buf_clear(&X->url);
	for (const char *p = X->topic_url; *p; p++) {
		if (strncmp(p, "{topic}", 7) == 0) {
			for (size_t i = 0; i < len; i++)
				eu_buf_addc(&X->url, (char)tolower((unsigned char)v[i]));
			p += 6;
		} else {
			eu_buf_addc(&X->url, *p);
		}
	}
	if (X->url.len > MAX_URL)
		return -1;
	/* libxlsxwriter keeps every link in memory (about 3 KB each) and Excel
	 * takes at most 65 530 a sheet; past topic_links_max, plain text. */
	if (X->links == X->max_links) {
		eu_warnx("more than %lu call ids to link (topic_links_max): the rest are written "
			 "without links", X->max_links);
		X->links++;
	}
	if (X->links > X->max_links)
		return -1;
	X->links++;
	return worksheet_write_url_opt(ws, r, c, X->url.p, X->f_link, v, NULL) == LXW_NO_ERROR ? 0 : -1;
}

static void bad_number(xl *X, struct sheet *sh, size_t i, const eu_rec *rec, const char *v)
{
	if (!sh->warned)
		sh->warned = eu_xcalloc(sh->n, 1);
	if (sh->warned[i])
		return;
	sh->warned[i] = 1;
	eu_warn_at(rec->file, rec->line, "column '%s': '%.40s' is not a %s; written as text "
		   "(reported once per column)", sh->c[i].name, v,
		   sh->c[i].kind == K_DATE ? "date" : "number");
}

static void put_cell(xl *X, struct sheet *sh, size_t i, const eu_rec *rec)
{
	struct col *c = &sh->c[i];
	lxw_worksheet *ws = sh->ws;
	lxw_row_t r = sh->rows;
	const char *v = rec->v[c->src];
	size_t len = rec->len[c->src];
	double d;
	lxw_format *f = NULL;

	if (len == 0)
		return;
	switch (c->kind) {
	case K_INTEGER: f = X->f_int; goto number;
	case K_NUMBER: case K_SCORE: f = X->f_num; goto number;
	case K_AMOUNT: f = X->f_amount; goto number;
	case K_RATIO: f = X->f_ratio; goto number;
	case K_DAYS:
	number:
		if (eu_parse_number(v, len, 0, &d) < 0) {
			bad_number(X, sh, i, rec, v);
			break;
		}
		if (c->kind == K_DAYS)
			f = d < X->soon ? X->f_red : d < 2 * X->soon ? X->f_amber : X->f_int;
		worksheet_write_number(ws, r, (lxw_col_t)i, d, f);
		/* Widths of numbers as shown, with group separators. */
		if ((double)len + len / 3 + 1 > c->width)
			c->width = (double)len + len / 3 + 1;
		return;
	case K_DATE: {
		long days = eu_parse_date(v);
		/* Excel's serial day: 25569 is 1970-01-01; before 1900-03-01 its
		 * calendar is wrong (the 1900 leap-year bug), so those stay text. */
		if (days < 0 || days + 25569 < 61) {
			bad_number(X, sh, i, rec, v);
			break;
		}
		worksheet_write_number(ws, r, (lxw_col_t)i, (double)(days + 25569), X->f_date);
		if (c->width < 11)
			c->width = 11;
		return;
	}
	case K_DECISION: case K_TIER: case K_CHANGE: case K_STAFF: {
		enum xl_code code = c->kind == K_DECISION ? XC_DECISION : c->kind == K_TIER ? XC_TIER :
				    c->kind == K_STAFF ? XC_STAFF : XC_CHANGE;
		const char **words = c->kind == K_DECISION ? X->dec_word : c->kind == K_TIER ? X->tier_word :
				     c->kind == K_STAFF ? X->staff_word : X->change_word;
		int k = xl_code_of(code, v);
		if (k < 0)
			break;
		xl_put_string(X, ws, r, (lxw_col_t)i, words[k], strlen(words[k]),
			      c->kind == K_DECISION ? X->f_dec[k] : NULL, &c->width);
		return;
	}
	case K_CALL:
		if (put_call(X, ws, r, (lxw_col_t)i, v, len) == 0) {
			if (xl_text_width(v, len) > c->width)
				c->width = xl_text_width(v, len);
			return;
		}
		break;
	case K_WRAP:
		xl_put_string(X, ws, r, (lxw_col_t)i, v, len, X->f_wrap, &c->width);
		return;
	case K_TEXT: case NKIND:
		break;
	}
	xl_put_string(X, ws, r, (lxw_col_t)i, v, len, NULL, &c->width);
}

/* ---- sheets ---- */

void xl_sheet_header(xl *X, struct sheet *sh)
{
	for (size_t i = 0; i < sh->n; i++) {
		worksheet_write_string(sh->ws, 0, (lxw_col_t)i, sh->c[i].title, X->f_head);
		/* Room for the title and the filter button beside it. */
		sh->c[i].width = xl_text_width(sh->c[i].title, strlen(sh->c[i].title)) + 3;
	}
	worksheet_freeze_panes(sh->ws, 1, 0);
	/* Printed, it is a landscape A4 list one page wide with the titles on
	 * every page: what a meeting gets handed. */
	worksheet_set_landscape(sh->ws);
	worksheet_set_paper(sh->ws, 9);
	worksheet_fit_to_pages(sh->ws, 1, 0);
	worksheet_repeat_rows(sh->ws, 0, 0);
	sh->rows = 1;
}

/* Takes a row if the sheet has room; Excel stops at 1,048,576. */
static int sheet_room(struct sheet *sh)
{
	if (sh->rows < LXW_ROW_MAX)
		return 1;
	sh->left_out++;
	return 0;
}

void xl_sheet_finish(xl *X, struct sheet *sh)
{
	double total = 0;
	lxw_col_t print_last = 0;

	for (size_t i = 0; i < sh->n; i++) {
		double cap = sh->c[i].kind == K_WRAP ? WIDTH_WRAP : WIDTH_TEXT;
		double w = sh->c[i].width > cap ? cap : sh->c[i].width;
		/* Print the columns that fit a readable landscape page; the
		 * rest (sub-scores, provenance) are for the screen. */
		if ((total += w + 1) <= PRINT_WIDTH || i == 0)
			print_last = (lxw_col_t)i;
		worksheet_set_column(sh->ws, (lxw_col_t)i, (lxw_col_t)i, w + 1,
				     sh->c[i].kind == K_WRAP ? X->f_wrap : NULL);
		if (sh->c[i].kind == K_SCORE && sh->rows > 1) {
			lxw_conditional_format cf = {
				.type = LXW_CONDITIONAL_DATA_BAR,
				.min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER, .min_value = 0,
				.max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER, .max_value = 100,
				.bar_color = 0x63BE7B,
			};
			worksheet_conditional_format_range(sh->ws, 1, (lxw_col_t)i, sh->rows - 1, (lxw_col_t)i, &cf);
		}
	}
	worksheet_autofilter(sh->ws, 0, 0, sh->rows - 1, (lxw_col_t)(sh->n - 1));
	worksheet_print_area(sh->ws, 0, 0, sh->rows - 1, print_last);
	if (sh->left_out) {
		eu_warnx("%lu rows did not fit in one sheet (Excel's limit is %d) and are left out",
			 sh->left_out, LXW_ROW_MAX);
		eu_status_raise(&X->status, EU_EXIT_OUTPUT);
	}
}

/* A row the reader could not trust goes to Afviste, as every rejected
 * record does: code BAD_INPUT, the reader's reason, its origin. */
static void put_bad(xl *X, const eu_rec *rec)
{
	struct sheet *sh = &X->sh[S_REJ];
	eu_buf origin = EU_BUF_INIT;

	eu_warn_at(rec->file, rec->line, "%s; listed on the rejected sheet", rec->bad);
	eu_status_raise(&X->status, EU_EXIT_BADREC);
	X->nbad++;
	if (!sheet_room(sh))
		return;
	eu_origin_format(&origin, rec->file, rec->line);
	for (size_t i = 0; i < sh->n; i++) {
		const char *v = strcmp(sh->c[i].name, "reject_code") == 0 ? "BAD_INPUT" :
				strcmp(sh->c[i].name, "reject_reason") == 0 ? rec->bad :
				strcmp(sh->c[i].name, "origin") == 0 ? origin.p : NULL;
		if (v)
			xl_put_string(X, sh->ws, sh->rows, (lxw_col_t)i, v, strlen(v),
				      sh->c[i].kind == K_WRAP ? X->f_wrap : NULL, &sh->c[i].width);
	}
	sh->rows++;
	eu_buf_free(&origin);
}

/* Drops column i of a sheet: an optional column its input lacks. */
static void drop_col(struct sheet *sh, size_t i)
{
	free(sh->c[i].name);
	free(sh->c[i].title);
	memmove(&sh->c[i], &sh->c[i + 1], (sh->n - i - 1) * sizeof *sh->c);
	sh->n--;
}

/* Binds the sheet's columns (and extra, the columns the caller reads
 * itself) to the stream (NULL: no input, so only optional columns can
 * go); names every missing one in one message. */
static int bind(xl *X, struct sheet *sh, const eu_stream *s, const char *what, const char *const *extra,
		long *extra_src)
{
	eu_buf miss = EU_BUF_INIT;
	size_t nmiss = 0;

	for (size_t i = 0; i < sh->n;) {
		sh->c[i].src = s ? eu_stream_col(s, sh->c[i].name) : -1;
		if (sh->c[i].src < 0 && sh->c[i].optional) {
			drop_col(sh, i);
			continue;
		}
		if (sh->c[i].src < 0 && s)
			eu_buf_printf(&miss, "%s%s", nmiss++ ? ", " : "", sh->c[i].name);
		/* The staff columns name who decided: see xl_publish. */
		if (sh->c[i].src >= 0 && strncmp(sh->c[i].name, "staff_", 6) == 0)
			X->names_staff = 1;
		i++;
	}
	for (size_t i = 0; s && extra && extra[i]; i++)
		if ((extra_src[i] = eu_stream_col(s, extra[i])) < 0) {
			size_t k;
			for (k = 0; k < sh->n && strcmp(sh->c[k].name, extra[i]); k++)
				;
			if (k == sh->n)
				eu_buf_printf(&miss, "%s%s", nmiss++ ? ", " : "", extra[i]);
		}
	if (nmiss) {
		eu_warnx("%s lacks the column%s the workbook needs: %s (is it %s?)", what,
			 nmiss > 1 ? "s" : "", miss.p,
			 sh == &X->sh[S_CAND] || sh == &X->sh[S_CALL] ? "euprio-rank's output" :
			 sh == &X->sh[S_REJ] ? "euprio-rank --rejects output" : "euprio-changes output");
		eu_buf_free(&miss);
		return -1;
	}
	return 0;
}

static void count_programme(xl *X, const char *name, double grant)
{
	if (!*name)
		name = eu_label(&X->L, "overview.none");
	for (size_t i = 0; i < X->nprogs; i++)
		if (strcmp(X->progs[i].name, name) == 0) {
			X->progs[i].count++;
			X->progs[i].grant += grant;
			return;
		}
	if (X->nprogs == MAX_PROGRAMMES) {
		X->other_count++;
		X->other_grant += grant;
		return;
	}
	X->progs = eu_xrealloc(X->progs, (X->nprogs + 1) * sizeof *X->progs);
	X->progs[X->nprogs++] = (struct prog){eu_xstrdup(name), 1, grant};
}

static void count_candidate(xl *X, const eu_rec *rec, const long *src, int tables)
{
	const char *dec = rec->v[src[0]], *goals = rec->v[src[1]], *prog = rec->v[src[2]],
		   *tier = rec->v[src[3]], *left = rec->v[src[4]], *dl = rec->v[src[5]],
		   *grant = rec->v[src[6]];
	double d, g = 0;
	int k;

	if ((k = xl_code_of(XC_DECISION, dec)) >= 0)
		X->dec_count[k]++;
	if (!tables)
		return;
	if ((k = xl_code_of(XC_TIER, tier)) >= 0)
		X->tier_count[k]++;
	eu_list_it it;
	const char *goal;
	size_t n;
	eu_list_begin(&it, goals, strlen(goals));
	while (eu_list_next(&it, &goal, &n))
		for (size_t i = 0; i < X->ngoals; i++)
			if (strlen(X->goal_id[i]) == n && strncmp(X->goal_id[i], goal, n) == 0)
				X->goal_count[i]++;
	if (eu_parse_number(grant, strlen(grant), 0, &g) < 0)
		g = 0;
	count_programme(X, prog, g);
	if (eu_parse_number(left, strlen(left), 0, &d) == 0 && d >= 0) {
		static const double within[3] = {30, 60, 90};
		for (int i = 0; i < 3; i++)
			if (d <= within[i])
				X->within[i]++;
	}
	long days = eu_parse_date(dl);
	if (days >= 0) {
		int y, m, day;
		eu_civil_from_days(days, &y, &m, &day);
		long idx = (long)y * 12 + m - 1 - X->today_month;
		if (idx >= 0 && idx < MONTHS)
			X->months[idx]++;
	}
}

int xl_open_sheet(xl *X, int which, char *const *paths, size_t npaths, eu_stream *s)
{
	struct sheet *sh = &X->sh[which];
	const char *const *extra = which == S_CAND ? overview_cols : which == S_REJ ? reject_cols : NULL;
	long src[8];

	if (!paths) {
		bind(X, sh, NULL, "", NULL, NULL);
		return 0;
	}
	eu_stream_open(s, paths, npaths, NULL);
	eu_status_raise(&X->status, s->status);
	if (s->nin == 0) {
		eu_stream_close(s);
		return -1;
	}
	const char *what = npaths ? paths[0] : "standard input";
	/* The calls sheet reads the candidates' stream too. */
	if (bind(X, sh, s, what, extra, src) < 0 ||
	    (which == S_CAND && X->sh[S_CALL].n && bind(X, &X->sh[S_CALL], s, what, NULL, NULL) < 0)) {
		eu_stream_close(s);
		eu_status_raise(&X->status, EU_EXIT_INPUT);
		return -1;
	}
	if (which == S_CAND)
		memcpy(X->overview_src, src, sizeof src);
	return 0;
}

/* Streams a sheet's rows as workbook.csv lays them out; rows the reader
 * could not trust go to Afviste.  The candidates also feed the overview's
 * counts. */
void xl_fill_sheet(xl *X, int which, eu_stream *s, unsigned long *count)
{
	eu_rec rec;
	struct sheet *sh = &X->sh[which];

	while (eu_stream_next(s, &rec)) {
		if (rec.bad) {
			put_bad(X, &rec);
			continue;
		}
		(*count)++;
		struct sheet *to = sh;
		if (which == S_CAND) {
			/* A call (rank's explore) goes to the calls sheet, and the
			 * overview counts it by decision only: its budget per grant
			 * is no grant, and hundreds of calls would hide the
			 * projects in the tables by goal and programme. */
			int call = X->sh[S_CALL].ws &&
				   xl_code_of(XC_DECISION, rec.v[X->overview_src[0]]) == EU_DEC_EXPLORE;
			if (call) {
				to = &X->sh[S_CALL];
				X->ncalls++;
			}
			count_candidate(X, &rec, X->overview_src, !call);
		}
		if (!sheet_room(to))
			continue;
		for (size_t i = 0; i < to->n; i++)
			put_cell(X, to, i, &rec);
		to->rows++;
	}
	eu_status_raise(&X->status, s->status);
	eu_stream_close(s);
}
