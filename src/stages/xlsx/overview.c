/* The overview (Overblik): the day's candidates counted by decision, goal,
 * local tier, deadline and programme, in small tables with the charts that
 * read them.  Written last, from the counts sheets.c gathered. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/labels.h"
#include "euprio/core/values.h"
#include "xlsx_int.h"

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

void xl_write_overview(xl *X, const char *sheet)
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
		if (k == EU_DEC_REJECT && X->dec_count[k] == 0)
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
	if (X->nprogs)      /* qsort must not get NULL, even for no elements */
		qsort(X->progs, X->nprogs, sizeof *X->progs, cmp_prog);
	lxw_row_t p0 = r;
	double width = 12;
	for (size_t i = 0; i < X->nprogs; i++) {
		xl_put_string(X, ws, r, 0, X->progs[i].name, strlen(X->progs[i].name), NULL, &width);
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
