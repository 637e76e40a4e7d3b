/* euprio-xlsx: the morning workbook for the people who decide.  Reads
 * euprio-rank's candidates (and optionally its rejects and euprio-changes'
 * output) and writes, with libxlsxwriter, a workbook a Danish Excel opens
 * with real numbers, dates, links and charts: Kandidater, Overblik,
 * Afviste, Ændringer.  Which columns appear, how and under what title is
 * config/workbook.csv; every word is config/labels.csv. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <xlsxwriter.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/labels.h"
#include "euprio/stream/stream.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"
#include "euprio/stages/xlsx.h"

/* How a column's cells are written; names as in workbook.csv. */
enum kind {
	K_TEXT, K_WRAP, K_INTEGER, K_NUMBER, K_AMOUNT, K_RATIO, K_DATE, K_DAYS,
	K_DECISION, K_SCORE, K_CALL, K_TIER, K_CHANGE, NKIND
};
static const char *const kind_names[NKIND] = {
	"text", "wrap", "integer", "number", "amount", "ratio", "date", "days",
	"decision", "score", "call", "tier", "change",
};

/* Codes whose words come from labels.csv under prefix.code. */
static const char *const decisions[] = {"prioritise", "consider", "review", "reject"};
static const char *const tiers[] = {"odense", "fyn", "none"};
static const char *const changes[] = {"new", "left", "decision", "score"};
#define NDEC 4
#define NTIER 3
#define NCHANGE 4

enum { S_CAND, S_REJ, S_CHG, NSHEET };
static const char *const sheet_names[NSHEET] = {"candidates", "rejected", "changes"};

/* Columns the overview counts by, whatever workbook.csv shows. */
static const char *const overview_cols[] = {
	"decision", "goals", "programme", "local_tier", "days_left", "deadline", "eu_grant_eur", NULL,
};
/* Columns the Afviste sheet fills for a row the reader could not trust. */
static const char *const reject_cols[] = {"reject_code", "reject_reason", "origin", NULL};

/* Widest a column is fitted to, in characters; wrapped text wraps there. */
#define WIDTH_TEXT 45
#define WIDTH_WRAP 60
#define MONTHS 12
#define MAX_PROGRAMMES 200   /* the rest are counted as "others" */
#define CHART_PROGRAMMES 15  /* the grant chart shows the largest */
#define MAX_URL 2079         /* Excel's limit on a link */
#define MAX_LINKS 65530      /* and on the links of one sheet */
#define PRINT_WIDTH 250      /* characters across a printed landscape page */

struct col {
	char *name;
	enum kind kind;
	char *title;
	long src;        /* column in the input stream */
	double width;    /* widest cell so far, in characters */
};

struct sheet {
	struct col *c;
	size_t n;
	lxw_worksheet *ws;
	lxw_row_t rows;  /* rows written, header included */
	int full;        /* reached Excel's row limit */
	unsigned long left_out;
	unsigned char *warned;  /* per column: a bad number was reported */
};

struct prog {
	char *name;
	double count, grant;
};

typedef struct xl {
	eu_labels L;
	int english;
	struct sheet sh[NSHEET];
	double soon;
	pcre2_code *topic;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	char *topic_url;
	char **goal_id, **goal_name;
	size_t ngoals;
	long today;
	long today_month;        /* year * 12 + month - 1 of today */
	/* Words looked up once, not per cell. */
	const char *cut, *dec_word[NDEC], *tier_word[NTIER], *change_word[NCHANGE];
	lxw_workbook *wb;
	lxw_worksheet *overview;
	lxw_format *f_head, *f_wrap, *f_int, *f_num, *f_amount, *f_ratio, *f_date, *f_link,
		*f_red, *f_amber, *f_dec[NDEC], *f_title, *f_month, *f_bold, *f_bold_int;
	/* what the overview counts */
	double dec_count[NDEC], tier_count[NTIER], within[3], months[MONTHS];
	double *goal_count;
	struct prog *progs;
	size_t nprogs;
	double other_count, other_grant;
	unsigned long ncand, nrej, nchg, nbad;
	unsigned long links;     /* on the candidates sheet, the only one with links */
	unsigned long max_links;
	eu_buf tmp, url;
	int status;
} xl;

size_t eu_xlsx_fit(const char *s, size_t len, size_t max)
{
	size_t units = 0, i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		size_t u = n == 4 ? 2 : 1;      /* outside the BMP: a surrogate pair */
		if (i + n > len)
			n = len - i;
		if (units + u > max)
			return i;
		units += u;
		i += n;
	}
	return len;
}

int eu_xlsx_cell_text(eu_buf *out, const char *s, size_t len, const char *marker)
{
	size_t mlen = strlen(marker), keep = eu_xlsx_fit(s, len, EU_XLSX_CELL_MAX);
	int cut = keep < len;

	if (cut)
		keep = eu_xlsx_fit(s, len, EU_XLSX_CELL_MAX - eu_xlsx_fit(marker, mlen, SIZE_MAX) - 1);
	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r') {
			if (i + 1 < keep && s[i + 1] == '\n')
				continue;
			c = '\n';
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
			c = ' ';
		}
		eu_buf_addc(out, (char)c);
	}
	if (cut) {
		eu_buf_addc(out, ' ');
		eu_buf_add(out, marker, mlen);
	}
	if (!out->p)
		eu_buf_add(out, "", 0);
	return cut;
}

/* The screen width of the widest line of s, in characters (UTF-8 lead
 * bytes), which is what fitting a column needs. */
static double text_width(const char *s, size_t len)
{
	double w = 0, line = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			line = 0;
			continue;
		}
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++line > w)
			w = line;
	}
	return w;
}

static int code_index(const char *const *codes, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(codes[i], v) == 0)
			return (int)i;
	return -1;
}

/* A plain decimal as euprio writes them (no hex, inf or nan, which strtod
 * would take). */
static int parse_number(const char *v, double *out)
{
	char *end;

	if (!*v || strspn(v, "0123456789+-.eE") != strlen(v))
		return -1;
	errno = 0;
	*out = strtod(v, &end);
	return *end || errno || !isfinite(*out) ? -1 : 0;
}

/* ---- configuration ---- */

static int load_layout(xl *X, const char *dir)
{
	static const char *const req[] = {"sheet", "column", "kind", "title_da", "title_en", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "workbook.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cs = eu_table_col(&t, "sheet"), cc = eu_table_col(&t, "column"),
	     ck = eu_table_col(&t, "kind"), ct = eu_table_col(&t, X->english ? "title_en" : "title_da");
	for (size_t r = 0; r < t.nrows; r++) {
		int s = code_index(sheet_names, NSHEET, eu_table_get(&t, r, cs));
		int k = code_index(kind_names, NKIND, eu_table_get(&t, r, ck));
		const char *name = eu_table_get(&t, r, cc);
		if (s < 0) {
			eu_table_error(&t, r, cs, "unknown sheet '%s' (candidates, rejected or changes)",
				       eu_table_get(&t, r, cs));
			rc = -1;
			continue;
		}
		if (k < 0) {
			eu_table_error(&t, r, ck, "unknown kind '%s' (text, wrap, integer, number, amount, "
				       "ratio, date, days, decision, score, call, tier or change)",
				       eu_table_get(&t, r, ck));
			rc = -1;
			continue;
		}
		if (!*name) {
			eu_table_error(&t, r, cc, "empty column name");
			rc = -1;
			continue;
		}
		struct sheet *sh = &X->sh[s];
		for (size_t i = 0; i < sh->n; i++)
			if (strcmp(sh->c[i].name, name) == 0) {
				eu_table_error(&t, r, cc, "column '%s' is listed twice for sheet %s", name,
					       sheet_names[s]);
				rc = -1;
			}
		sh->c = eu_xrealloc(sh->c, (sh->n + 1) * sizeof *sh->c);
		const char *title = eu_table_get(&t, r, ct);
		sh->c[sh->n++] = (struct col){eu_xstrdup(name), (enum kind)k, eu_xstrdup(*title ? title : name), -1, 0};
	}
	if (rc == 0 && X->sh[S_CAND].n == 0) {
		eu_warn_at(t.path, 0, "no column for the candidates sheet");
		rc = -1;
	}
	eu_table_free(&t);
	return rc;
}

static int load_goals(xl *X, const char *dir)
{
	static const char *const req[] = {"id", "name_da", "name_en", NULL};
	eu_table t;

	if (eu_table_load(&t, dir, "goals.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long ci = eu_table_col(&t, "id"), cn = eu_table_col(&t, X->english ? "name_en" : "name_da");
	X->goal_id = eu_xcalloc(t.nrows + 1, sizeof *X->goal_id);
	X->goal_name = eu_xcalloc(t.nrows + 1, sizeof *X->goal_name);
	X->goal_count = eu_xcalloc(t.nrows + 1, sizeof *X->goal_count);
	for (size_t r = 0; r < t.nrows; r++) {
		X->goal_id[X->ngoals] = eu_xstrdup(eu_table_get(&t, r, ci));
		X->goal_name[X->ngoals++] = eu_xstrdup(eu_table_get(&t, r, cn));
	}
	eu_table_free(&t);
	return 0;
}

static int load_settings(xl *X, const char *dir)
{
	eu_settings S;
	int rc = 0;

	if (eu_settings_load(&S, dir, "scoring.csv") < 0)
		return -1;
	if (eu_setting_number(&S, "decision.deadline_soon_days", 0, 3650, &X->soon) < 0)
		rc = -1;
	eu_settings_free(&S);
	if (eu_settings_load(&S, dir, "settings.csv") < 0)
		return -1;
	double limit, depth, links;
	const char *pat = eu_setting_str(&S, "topic_pattern"), *url = eu_setting_str(&S, "topic_url");
	if (!pat || !url || eu_setting_number(&S, "regex_match_limit", 1, 1e9, &limit) < 0 ||
	    eu_setting_number(&S, "regex_depth_limit", 1, 1e9, &depth) < 0 ||
	    eu_setting_number(&S, "topic_links_max", 0, MAX_LINKS, &links) < 0) {
		eu_settings_free(&S);
		return -1;
	}
	int err;
	PCRE2_SIZE off;
	X->topic = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
	if (!X->topic) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		eu_table_error(&S.t, (size_t)eu_setting_row(&S, "topic_pattern"), S.cval,
			       "topic_pattern does not compile at offset %zu: %s", (size_t)off, (char *)msg);
		rc = -1;
	} else {
		eu_jit(X->topic);
		X->md = pcre2_match_data_create_from_pattern(X->topic, NULL);
		X->mctx = pcre2_match_context_create(NULL);
		pcre2_set_match_limit(X->mctx, (uint32_t)limit);
		pcre2_set_depth_limit(X->mctx, (uint32_t)depth);
	}
	X->topic_url = eu_xstrdup(url);
	X->max_links = (unsigned long)links;
	eu_settings_free(&S);
	return rc;
}

static void cache_words(xl *X)
{
	eu_buf key = EU_BUF_INIT;
	const char *const *codes[3] = {decisions, tiers, changes};
	const char **words[3] = {X->dec_word, X->tier_word, X->change_word};
	const char *prefix[3] = {"decision.", "tier.", "change."};
	size_t n[3] = {NDEC, NTIER, NCHANGE};

	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < n[k]; i++) {
			eu_buf_clear(&key);
			eu_buf_printf(&key, "%s%s", prefix[k], codes[k][i]);
			words[k][i] = eu_label(&X->L, key.p);
		}
	X->cut = eu_label(&X->L, "cut");
	eu_buf_free(&key);
}

static int load_labels(xl *X, const char *dir)
{
	static const char *const need[] = {
		"sheet.candidates", "sheet.overview", "sheet.rejected", "sheet.changes",
		"decision.prioritise", "decision.consider", "decision.review", "decision.reject",
		"tier.odense", "tier.fyn", "tier.none", "change.new", "change.left",
		"change.decision", "change.score", "overview.title", "overview.count",
		"overview.decision", "overview.goal", "overview.goal_name", "overview.programme",
		"overview.grant", "overview.tier", "overview.deadlines", "overview.days",
		"overview.month", "overview.total", "overview.other", "overview.none",
		"chart.goals", "chart.grant", "chart.months", "cut", NULL,
	};
	if (eu_labels_load(&X->L, dir, X->english ? "en" : "da", need) < 0)
		return -1;
	cache_words(X);
	return 0;
}

static void xl_free(xl *X)
{
	for (int s = 0; s < NSHEET; s++) {
		for (size_t i = 0; i < X->sh[s].n; i++) {
			free(X->sh[s].c[i].name);
			free(X->sh[s].c[i].title);
		}
		free(X->sh[s].c);
		free(X->sh[s].warned);
	}
	for (size_t i = 0; i < X->ngoals; i++) {
		free(X->goal_id[i]);
		free(X->goal_name[i]);
	}
	free(X->goal_id);
	free(X->goal_name);
	free(X->goal_count);
	for (size_t i = 0; i < X->nprogs; i++)
		free(X->progs[i].name);
	free(X->progs);
	pcre2_match_data_free(X->md);
	pcre2_match_context_free(X->mctx);
	pcre2_code_free(X->topic);
	free(X->topic_url);
	eu_labels_free(&X->L);
	eu_buf_free(&X->tmp);
	eu_buf_free(&X->url);
}

/* ---- formats ---- */

static lxw_format *fmt(xl *X, const char *num, lxw_color_t bg, lxw_color_t fg)
{
	lxw_format *f = workbook_add_format(X->wb);
	if (num)
		format_set_num_format(f, num);
	if (bg) {
		format_set_bg_color(f, bg);
		format_set_pattern(f, LXW_PATTERN_SOLID);
	}
	if (fg)
		format_set_font_color(f, fg);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	return f;
}

/* Number formats are stored in Excel's neutral form ("#,##0"); a Danish
 * Excel shows them with its own separators (1.234.567). */
static void make_formats(xl *X)
{
	X->f_head = workbook_add_format(X->wb);
	format_set_bold(X->f_head);
	format_set_text_wrap(X->f_head);
	format_set_align(X->f_head, LXW_ALIGN_VERTICAL_TOP);
	format_set_bottom(X->f_head, LXW_BORDER_THIN);
	format_set_bg_color(X->f_head, 0xD9E1F2);
	format_set_pattern(X->f_head, LXW_PATTERN_SOLID);
	X->f_wrap = fmt(X, NULL, 0, 0);
	format_set_text_wrap(X->f_wrap);
	X->f_int = fmt(X, "#,##0", 0, 0);
	X->f_num = fmt(X, "#,##0.0", 0, 0);
	X->f_amount = fmt(X, "#,##0", 0, 0);
	X->f_ratio = fmt(X, "0.00", 0, 0);
	X->f_date = fmt(X, "dd-mm-yyyy", 0, 0);
	X->f_link = fmt(X, NULL, 0, 0x0563C1);
	format_set_underline(X->f_link, LXW_UNDERLINE_SINGLE);
	/* The colours of Excel's own "good / neutral / bad" styles, which
	 * readers already know. */
	X->f_red = fmt(X, "#,##0", 0xFFC7CE, 0x9C0006);
	X->f_amber = fmt(X, "#,##0", 0xFFEB9C, 0x9C5700);
	X->f_dec[0] = fmt(X, NULL, 0xC6EFCE, 0x006100);
	X->f_dec[1] = fmt(X, NULL, 0xFFEB9C, 0x9C5700);
	X->f_dec[2] = fmt(X, NULL, 0xDDEBF7, 0x1F4E78);
	X->f_dec[3] = fmt(X, NULL, 0xFFC7CE, 0x9C0006);
	X->f_title = workbook_add_format(X->wb);
	format_set_bold(X->f_title);
	format_set_font_size(X->f_title, 14);
	X->f_month = fmt(X, "mmm yyyy", 0, 0);
	format_set_align(X->f_month, LXW_ALIGN_LEFT);
	X->f_bold = workbook_add_format(X->wb);
	format_set_bold(X->f_bold);
	X->f_bold_int = workbook_add_format(X->wb);
	format_set_bold(X->f_bold_int);
	format_set_num_format(X->f_bold_int, "#,##0");
}

/* ---- cells ---- */

static void put_string(xl *X, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *v, size_t len,
		       lxw_format *f, double *width)
{
	eu_buf_clear(&X->tmp);
	eu_xlsx_cell_text(&X->tmp, v, len, X->cut);
	worksheet_write_string(ws, r, c, X->tmp.p, f);
	if (width) {
		double w = text_width(X->tmp.p, X->tmp.len);
		if (w > *width)
			*width = w;
	}
}

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
		if (parse_number(v, &d) < 0) {
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
	case K_DECISION: case K_TIER: case K_CHANGE: {
		const char *const *codes = c->kind == K_DECISION ? decisions : c->kind == K_TIER ? tiers : changes;
		const char **words = c->kind == K_DECISION ? X->dec_word : c->kind == K_TIER ? X->tier_word : X->change_word;
		int k = code_index(codes, c->kind == K_TIER ? NTIER : c->kind == K_DECISION ? NDEC : NCHANGE, v);
		if (k < 0)
			break;
		put_string(X, ws, r, (lxw_col_t)i, words[k], strlen(words[k]),
			   c->kind == K_DECISION ? X->f_dec[k] : NULL, &c->width);
		return;
	}
	case K_CALL:
		if (put_call(X, ws, r, (lxw_col_t)i, v, len) == 0) {
			if (text_width(v, len) > c->width)
				c->width = text_width(v, len);
			return;
		}
		break;
	case K_WRAP:
		put_string(X, ws, r, (lxw_col_t)i, v, len, X->f_wrap, &c->width);
		return;
	case K_TEXT: case NKIND:
		break;
	}
	put_string(X, ws, r, (lxw_col_t)i, v, len, NULL, &c->width);
}

/* ---- sheets ---- */

static void sheet_header(xl *X, struct sheet *sh)
{
	for (size_t i = 0; i < sh->n; i++) {
		worksheet_write_string(sh->ws, 0, (lxw_col_t)i, sh->c[i].title, X->f_head);
		/* Room for the title and the filter button beside it. */
		sh->c[i].width = text_width(sh->c[i].title, strlen(sh->c[i].title)) + 3;
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

static void sheet_finish(xl *X, struct sheet *sh)
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
			put_string(X, sh->ws, sh->rows, (lxw_col_t)i, v, strlen(v),
				   sh->c[i].kind == K_WRAP ? X->f_wrap : NULL, &sh->c[i].width);
	}
	sh->rows++;
	eu_buf_free(&origin);
}

/* Binds the sheet's columns (and extra, the columns the caller reads
 * itself) to the stream; names every missing one in one message. */
static int bind(xl *X, struct sheet *sh, const eu_stream *s, const char *what, const char *const *extra,
		long *extra_src)
{
	eu_buf miss = EU_BUF_INIT;
	size_t nmiss = 0;

	for (size_t i = 0; i < sh->n; i++)
		if ((sh->c[i].src = eu_stream_col(s, sh->c[i].name)) < 0) {
			eu_buf_printf(&miss, "%s%s", nmiss++ ? ", " : "", sh->c[i].name);
		}
	for (size_t i = 0; extra && extra[i]; i++)
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
			 sh == &X->sh[S_CAND] ? "euprio-rank's output" :
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

static void count_candidate(xl *X, const eu_rec *rec, const long *src)
{
	const char *dec = rec->v[src[0]], *goals = rec->v[src[1]], *prog = rec->v[src[2]],
		   *tier = rec->v[src[3]], *left = rec->v[src[4]], *dl = rec->v[src[5]],
		   *grant = rec->v[src[6]];
	double d, g = 0;
	int k;

	if ((k = code_index(decisions, NDEC, dec)) >= 0)
		X->dec_count[k]++;
	if ((k = code_index(tiers, NTIER, tier)) >= 0)
		X->tier_count[k]++;
	for (const char *p = goals; *p;) {
		size_t n = strcspn(p, ";");
		for (size_t i = 0; i < X->ngoals; i++)
			if (strlen(X->goal_id[i]) == n && strncmp(X->goal_id[i], p, n) == 0)
				X->goal_count[i]++;
		p += n + (p[n] == ';');
	}
	if (parse_number(grant, &g) < 0)
		g = 0;
	count_programme(X, prog, g);
	if (parse_number(left, &d) == 0 && d >= 0) {
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

/* Streams CSV inputs onto a sheet as workbook.csv lays it out; rows the
 * reader could not trust go to Afviste.  The candidates also feed the
 * overview's counts. */
static int read_sheet(xl *X, int which, char *const *paths, size_t npaths, unsigned long *count)
{
	eu_stream s;
	eu_rec rec;
	struct sheet *sh = &X->sh[which];
	const char *const *extra = which == S_CAND ? overview_cols : which == S_REJ ? reject_cols : NULL;
	long src[8];

	eu_stream_open(&s, paths, npaths, NULL);
	eu_status_raise(&X->status, s.status);
	if (s.nin == 0) {
		eu_stream_close(&s);
		return -1;
	}
	if (bind(X, sh, &s, npaths ? paths[0] : "standard input", extra, src) < 0) {
		eu_stream_close(&s);
		eu_status_raise(&X->status, EU_EXIT_INPUT);
		return -1;
	}
	while (eu_stream_next(&s, &rec)) {
		if (rec.bad) {
			put_bad(X, &rec);
			continue;
		}
		(*count)++;
		if (which == S_CAND)
			count_candidate(X, &rec, src);
		if (!sheet_room(sh))
			continue;
		for (size_t i = 0; i < sh->n; i++)
			put_cell(X, sh, i, &rec);
		sh->rows++;
	}
	eu_status_raise(&X->status, s.status);
	eu_stream_close(&s);
	return 0;
}

static int cmp_prog(const void *a, const void *b)
{
	const struct prog *p = a, *q = b;
	if (p->grant != q->grant)
		return p->grant < q->grant ? 1 : -1;
	if (p->count != q->count)
		return p->count < q->count ? 1 : -1;
	return strcmp(p->name, q->name);
}

/* A one-series chart of a table on the overview.  Bar charts list their
 * categories top-down in table order; counts get whole-number ticks. */
static lxw_chart *chart(xl *X, uint8_t type, const char *title_key, const char *sheet, lxw_row_t r1,
			lxw_col_t ccat, lxw_row_t r2, lxw_col_t cval, double max, const char *cat_format)
{
	lxw_chart *ch = workbook_add_chart(X->wb, type);
	lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
	chart_series_set_categories(se, sheet, r1, ccat, r2, ccat);
	chart_series_set_values(se, sheet, r1, cval, r2, cval);
	chart_title_set_name(ch, eu_label(&X->L, title_key));
	chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	lxw_chart_axis *cat = type == LXW_CHART_BAR ? ch->y_axis : ch->x_axis;
	lxw_chart_axis *val = type == LXW_CHART_BAR ? ch->x_axis : ch->y_axis;
	if (type == LXW_CHART_BAR)
		chart_axis_set_reverse(cat);
	if (cat_format)
		chart_axis_set_num_format(cat, cat_format);
	chart_axis_set_num_format(val, "#,##0");
	chart_axis_set_min(val, 0);
	if (max <= 10)
		chart_axis_set_major_unit(val, 1);
	return ch;
}

static double max_of(const double *v, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* One heading row of a small table. */
static void heads(xl *X, lxw_worksheet *ws, lxw_row_t r, const char *a, const char *b, const char *c)
{
	worksheet_write_string(ws, r, 0, eu_label(&X->L, a), X->f_head);
	worksheet_write_string(ws, r, 1, eu_label(&X->L, b), X->f_head);
	if (c)
		worksheet_write_string(ws, r, 2, eu_label(&X->L, c), X->f_head);
}

static void write_overview(xl *X, const char *sheet)
{
	lxw_worksheet *ws = X->overview;
	lxw_row_t r = 0;
	eu_buf b = EU_BUF_INIT, date = EU_BUF_INIT;
	lxw_chart_options place = {.x_offset = 10, .x_scale = 1.4, .y_scale = 1.1};

	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);
	worksheet_fit_to_pages(ws, 1, 1);
	eu_fmt_date(&date, X->today);
	if (!X->english && date.len == 10) /* dd-mm-yyyy, as Danes write it */
		eu_buf_printf(&b, "%.2s-%.2s-%.4s", date.p + 8, date.p + 5, date.p);
	else
		eu_buf_adds(&b, date.p);
	eu_buf_clear(&date);
	eu_label_fill(&X->L, &date, "overview.title", "date", b.p, NULL);
	worksheet_write_string(ws, r, 0, date.p, X->f_title);
	r = 2;

	/* By decision, with the total that is every candidate. */
	heads(X, ws, r++, "overview.decision", "overview.count", NULL);
	for (int k = 0; k < NDEC; k++) {
		if (k == 3 && X->dec_count[k] == 0)
			continue;    /* rank never writes a rejected candidate */
		worksheet_write_string(ws, r, 0, X->dec_word[k], X->f_dec[k]);
		worksheet_write_number(ws, r++, 1, X->dec_count[k], X->f_int);
	}
	worksheet_write_string(ws, r, 0, eu_label(&X->L, "overview.total"), X->f_bold);
	worksheet_write_number(ws, r++, 1, (double)X->ncand, X->f_bold_int);
	r++;

	/* By goal: the chart of candidates per goal reads this table. */
	heads(X, ws, r++, "overview.goal", "overview.count", "overview.goal_name");
	lxw_row_t g0 = r;
	for (size_t i = 0; i < X->ngoals; i++) {
		worksheet_write_string(ws, r, 0, X->goal_id[i], NULL);
		worksheet_write_number(ws, r, 1, X->goal_count[i], X->f_int);
		worksheet_write_string(ws, r++, 2, X->goal_name[i], NULL);
	}
	if (X->ngoals)
		worksheet_insert_chart_opt(ws, 2, 4,
			chart(X, LXW_CHART_BAR, "chart.goals", sheet, g0, 2, r - 1, 1,
			      max_of(X->goal_count, X->ngoals), NULL), &place);
	r++;

	heads(X, ws, r++, "overview.tier", "overview.count", NULL);
	for (int k = 0; k < NTIER; k++) {
		worksheet_write_string(ws, r, 0, X->tier_word[k], NULL);
		worksheet_write_number(ws, r++, 1, X->tier_count[k], X->f_int);
	}
	r++;

	heads(X, ws, r++, "overview.deadlines", "overview.count", NULL);
	for (int i = 0; i < 3; i++) {
		char n[8];
		snprintf(n, sizeof n, "%d", 30 * (i + 1));
		eu_buf_clear(&b);
		eu_label_fill(&X->L, &b, "overview.days", "days", n, NULL);
		worksheet_write_string(ws, r, 0, b.p, NULL);
		worksheet_write_number(ws, r++, 1, X->within[i], X->f_int);
	}
	r++;

	/* Deadlines per month from this month on, as real dates so Excel
	 * names the months in its own language. */
	heads(X, ws, r++, "overview.month", "overview.count", NULL);
	lxw_row_t m0 = r;
	for (int i = 0; i < MONTHS; i++) {
		int y = (int)((X->today_month + i) / 12), m = (int)((X->today_month + i) % 12) + 1;
		worksheet_write_number(ws, r, 0, (double)(eu_days_from_civil(y, m, 1) + 25569), X->f_month);
		worksheet_write_number(ws, r++, 1, X->months[i], X->f_int);
	}
	worksheet_insert_chart_opt(ws, 38, 4,
		chart(X, LXW_CHART_COLUMN, "chart.months", sheet, m0, 0, r - 1, 1,
		      max_of(X->months, MONTHS), "mmm yyyy"), &place);
	r++;

	/* By programme, largest grant first; the chart shows the largest. */
	heads(X, ws, r++, "overview.programme", "overview.count", "overview.grant");
	qsort(X->progs, X->nprogs, sizeof *X->progs, cmp_prog);
	lxw_row_t p0 = r;
	double width = 12;
	for (size_t i = 0; i < X->nprogs; i++) {
		put_string(X, ws, r, 0, X->progs[i].name, strlen(X->progs[i].name), NULL, &width);
		worksheet_write_number(ws, r, 1, X->progs[i].count, X->f_int);
		worksheet_write_number(ws, r++, 2, X->progs[i].grant, X->f_amount);
	}
	if (X->other_count) {
		worksheet_write_string(ws, r, 0, eu_label(&X->L, "overview.other"), NULL);
		worksheet_write_number(ws, r, 1, X->other_count, X->f_int);
		worksheet_write_number(ws, r++, 2, X->other_grant, X->f_amount);
	}
	if (X->nprogs) {
		lxw_row_t last = p0 + (X->nprogs < CHART_PROGRAMMES ? X->nprogs : CHART_PROGRAMMES) - 1;
		worksheet_insert_chart_opt(ws, 20, 4,
			chart(X, LXW_CHART_BAR, "chart.grant", sheet, p0, 0, last, 2, 1e9, NULL), &place);
	}
	worksheet_set_column(ws, 0, 0, width > WIDTH_TEXT ? WIDTH_TEXT : width + 1, NULL);
	worksheet_set_column(ws, 1, 1, 10, NULL);
	worksheet_set_column(ws, 2, 2, 40, NULL);
	eu_buf_free(&b);
	eu_buf_free(&date);
}

/* ---- the program ---- */

/* Excel's rules for a sheet name, checked when the policy is loaded so a
 * bad label is a configuration fault, not a failed night. */
static const char *sheet_name_fault(const char *name)
{
	size_t n = strlen(name);
	if (n == 0)
		return "it is empty";
	if (eu_xlsx_fit(name, n, 31) < n)
		return "it is longer than 31 characters";
	if (strpbrk(name, "[]:*?/\\"))
		return "it contains one of [ ] : * ? / \\";
	if (name[0] == '\'' || name[n - 1] == '\'')
		return "it starts or ends with an apostrophe";
	return NULL;
}

static int check_sheet_names(xl *X)
{
	static const char *const keys[] = {"sheet.candidates", "sheet.overview", "sheet.rejected", "sheet.changes"};
	int rc = 0;
	for (size_t i = 0; i < 4; i++) {
		const char *why = sheet_name_fault(eu_label(&X->L, keys[i]));
		if (why) {
			eu_warn_at(X->L.path, 0, "label %s: '%s' cannot name a sheet: %s", keys[i],
				   eu_label(&X->L, keys[i]), why);
			rc = -1;
		}
		for (size_t k = 0; k < i; k++)
			if (eu_strcaseeq(eu_label(&X->L, keys[i]), eu_label(&X->L, keys[k]))) {
				eu_warn_at(X->L.path, 0, "labels %s and %s name the same sheet", keys[k], keys[i]);
				rc = -1;
			}
	}
	return rc;
}

static int load_config(xl *X, const char *dir)
{
	int rc = load_labels(X, dir);
	if (rc == 0)
		rc = check_sheet_names(X);
	rc |= load_layout(X, dir);
	rc |= load_goals(X, dir);
	rc |= load_settings(X, dir);
	return rc;
}

int eu_xlsx_check_config(const char *dir)
{
	int rc = 0;
	for (int english = 0; english <= 1 && rc == 0; english++) {
		xl X = {.english = english};
		rc = load_config(&X, dir);
		xl_free(&X);
	}
	return rc;
}

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
	if (load_config(&X, o->config_dir)) {
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
	make_formats(&X);
	/* Sheets in reading order; rows are streamed into each (constant
	 * memory), so the overview is written last though it comes second. */
	X.sh[S_CAND].ws = add_sheet(&X, "sheet.candidates");
	X.overview = add_sheet(&X, "sheet.overview");
	X.sh[S_REJ].ws = add_sheet(&X, "sheet.rejected");
	if (chg)
		X.sh[S_CHG].ws = add_sheet(&X, "sheet.changes");
	int ok = X.sh[S_CAND].ws && X.overview && X.sh[S_REJ].ws && (!chg || X.sh[S_CHG].ws);
	if (ok) {
		sheet_header(&X, &X.sh[S_CAND]);
		sheet_header(&X, &X.sh[S_REJ]);
		if (chg)
			sheet_header(&X, &X.sh[S_CHG]);
		worksheet_activate(X.sh[S_CAND].ws);
		char *rej_path[1] = {(char *)rejects}, *chg_path[1] = {(char *)chg};
		ok = read_sheet(&X, S_CAND, paths, npaths, &X.ncand) == 0;
		if (ok && rejects)
			ok = read_sheet(&X, S_REJ, rej_path, 1, &X.nrej) == 0;
		if (ok && chg)
			ok = read_sheet(&X, S_CHG, chg_path, 1, &X.nchg) == 0;
	} else {
		eu_status_raise(&X.status, EU_EXIT_USAGE);
	}
	if (ok) {
		sheet_finish(&X, &X.sh[S_CAND]);
		sheet_finish(&X, &X.sh[S_REJ]);
		if (chg)
			sheet_finish(&X, &X.sh[S_CHG]);
		write_overview(&X, eu_label(&X.L, "sheet.overview"));
	}
	/* Closing writes the zip; on any earlier failure it still must run to
	 * free the workbook, and its file is then thrown away. */
	lxw_error e = workbook_close(X.wb);
	if (ok && e != LXW_NO_ERROR) {
		eu_warnx("cannot write %s: %s", output, lxw_strerror(e));
		eu_status_raise(&X.status, EU_EXIT_OUTPUT);
		ok = 0;
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
		eu_warnx("%s: %lu candidates, %lu rejected (%lu unreadable rows), %lu changes", output,
			 X.ncand, X.nrej + X.nbad, X.nbad, X.nchg);
	}
	free(tmp);
	int status = X.status;
	xl_free(&X);
	return status;
}
