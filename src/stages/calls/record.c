/* One call record: raw values from any of the formats made into the
 * stream's forms (text repaired and stripped, dates in Brussels, status,
 * amounts, links), then written with its message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calls_int.h"
#include "euprio/stream/listcol.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"

const char *const call_extra_names[CALL_NCOLS - EU_NCANON] = {
	"call_identifier", "call_title", "kind", "type_of_action", "submission",
	"start_date", "deadlines", "budget_min_eur", "budget_max_eur", "expected_grants",
	"budget_topic_eur", "budget_per_grant_eur", "portal_url", "programme_id",
	"portal_reference", "status_basis",
};

void call_rec_init(struct call_rec *r)
{
	memset(r, 0, sizeof *r);
}

void call_rec_clear(struct call_rec *r)
{
	for (int i = 0; i < CALL_NCOLS; i++)
		eu_buf_clear(&r->v[i]);
	eu_buf_clear(&r->reason);
	r->line = 0;
	r->object = 0;
	r->status_from_dates = 0;
	r->nwarn = 0;
}

void call_rec_free(struct call_rec *r)
{
	for (int i = 0; i < CALL_NCOLS; i++)
		eu_buf_free(&r->v[i]);
	eu_buf_free(&r->reason);
}

void call_warn(struct call_rec *r, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	eu_warnings_addf(&r->v[EU_C_WARNINGS], "%s", tmp);
	r->nwarn++;
}

/* The common warning, in the form rank reads an unreadable deadline from. */
static void call_warn_value(struct call_rec *r, const char *col, const char *s, const char *what)
{
	eu_warning_add(&r->v[EU_C_WARNINGS], col, s, strlen(s), what);
	r->nwarn++;
}

void call_reject(struct call_rec *r, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (r->reason.len)
		eu_buf_adds(&r->reason, "; ");
	eu_buf_adds(&r->reason, tmp);
}

/* Values that go into messages: one line, at most 60 bytes, cut on a
 * character boundary. */
static const char *glimpse(const eu_buf *b, char *tmp, size_t cap)
{
	size_t n = b->len < cap - 4 ? b->len : cap - 4;
	while (n < b->len && n > 0 && ((unsigned char)b->p[n] & 0xC0) == 0x80)
		n--;
	memcpy(tmp, b->len ? b->p : "", n);
	strcpy(tmp + n, n < b->len ? "..." : "");
	for (char *p = tmp; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return tmp;
}

static void strip_feff(eu_buf *b)
{
	/* U+FEFF inside text is a byte-order mark that joined files left. */
	size_t o = 0;
	for (size_t i = 0; i < b->len; i++) {
		if (i + 2 < b->len + 0 && (unsigned char)b->p[i] == 0xEF &&
		    (unsigned char)b->p[i + 1] == 0xBB && (unsigned char)b->p[i + 2] == 0xBF) {
			i += 2;
			continue;
		}
		b->p[o++] = b->p[i];
	}
	b->len = o;
	if (b->p)
		b->p[o] = '\0';
}

/* Folds a text's lines: no-break spaces and tabs to spaces, runs of spaces
 * to one, no space at a line's ends, no empty lines, CR dropped. */
static void fold_lines(eu_buf *b)
{
	eu_buf out = EU_BUF_INIT;
	int space = 0;

	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if (c == 0xC2 && i + 1 < b->len && (unsigned char)b->p[i + 1] == 0xA0) {
			i++;
			c = ' ';
		}
		if (c == '\r')
			continue;
		if (c == '\n') {
			space = 0;
			if (out.len && out.p[out.len - 1] != '\n')
				eu_buf_addc(&out, '\n');
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
			space = 1;
			continue;
		}
		if (space && out.len && out.p[out.len - 1] != '\n')
			eu_buf_addc(&out, ' ');
		space = 0;
		eu_buf_addc(&out, (char)c);
	}
	while (out.len && out.p[out.len - 1] == '\n')
		out.p[--out.len] = '\0';
	eu_buf_clear(b);
	eu_buf_add(b, out.p ? out.p : "", out.len);
	eu_buf_free(&out);
}

static const char *col_name(int c)
{
	return c < EU_NCANON ? eu_canon_names[c] : call_extra_names[c - EU_NCANON];
}

/* Repairs, strips and folds one text value; line_breaks keeps its lines
 * (the summary), else it becomes one line.  Returns 1 when mojibake was
 * undone. */
static int clean_text(struct call_rec *r, int col, eu_buf *v, int line_breaks)
{
	int repaired = 0;

	if (!v->len)
		return 0;
	if (memchr(v->p, '\0', v->len)) {
		call_reject(r, "%s holds a NUL character", col_name(col));
		eu_buf_clear(v);
		return 0;
	}
	eu_buf tmp = EU_BUF_INIT;
	if (eu_mojibake_repair(v->p, v->len, &tmp)) {
		eu_buf_clear(v);
		eu_buf_add(v, tmp.p, tmp.len);
		repaired = 1;
	}
	eu_buf_clear(&tmp);
	strip_feff(v);
	if (eu_looks_like_html(v->p, v->len)) {
		if (eu_html_text(v->p, v->len, &tmp) == 0) {
			eu_buf_clear(v);
			eu_buf_add(v, tmp.p ? tmp.p : "", tmp.len);
		} else {
			call_warn(r, "%s: HTML that libxml2 could not parse, kept as it is", col_name(col));
		}
	}
	eu_buf_free(&tmp);
	if (line_breaks) {
		fold_lines(v);
	} else {
		eu_buf one = EU_BUF_INIT;
		/* No-break spaces become spaces first, then runs fold to one. */
		for (size_t i = 0; i + 1 < v->len; i++)
			if ((unsigned char)v->p[i] == 0xC2 && (unsigned char)v->p[i + 1] == 0xA0) {
				v->p[i] = ' ';
				v->p[i + 1] = ' ';
			}
		eu_collapse_ws(&one, v->p, v->len);
		eu_buf_clear(v);
		eu_buf_add(v, one.p ? one.p : "", one.len);
		eu_buf_free(&one);
	}
	return repaired;
}

const char *call_status_of(const eu_calls *C, const char *word)
{
	for (size_t i = 0; i < C->nstat; i++)
		if (eu_strcaseeq(C->stat[i].value, word))
			return C->stat[i].status;
	return NULL;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

/* Deadlines: one raw value per line in, ISO dates in order out; returns
 * how many, with the chosen one in *pick (-1 if none). */
static void finish_deadlines(eu_calls *C, struct call_rec *r, long *first, long *last, long *pick)
{
	eu_buf *v = &r->v[X_DEADLINES];
	long *d = NULL;
	size_t n = 0, cap = 0;

	*first = *last = *pick = -1;
	if (v->len) {
		char *save = NULL, *copy = eu_xstrndup(v->p, v->len);
		for (char *t = strtok_r(copy, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
			char *s = eu_trim(t);
			if (!*s)
				continue;
			long day = eu_brussels_date(s);
			if (day < 0) {
				call_warn_value(r, "deadline", s, "a date");
				continue;
			}
			if (n == cap)
				d = eu_xrealloc(d, (cap = cap ? cap * 2 : 4) * sizeof *d);
			d[n++] = day;
		}
		free(copy);
	}
	if (n)
		qsort(d, n, sizeof *d, cmp_long);
	eu_buf_clear(v);
	size_t u = 0;
	for (size_t i = 0; i < n; i++) {
		if (u && d[u - 1] == d[i])
			continue;
		d[u++] = d[i];
		if (v->len)
			eu_buf_addc(v, ';');
		eu_fmt_date(v, d[i]);
	}
	if (u) {
		*first = d[0];
		*last = d[u - 1];
		/* Two stages: the first stage's is the one a new proposal meets.
		 * Cut-offs: the next one still ahead, else the last. */
		if (strstr(r->v[X_SUBMISSION].p ? r->v[X_SUBMISSION].p : "", "two-stage")) {
			*pick = d[0];
		} else {
			*pick = d[u - 1];
			for (size_t i = 0; i < u; i++)
				if (d[i] >= C->today) {
					*pick = d[i];
					break;
				}
		}
	}
	free(d);
}

static void finish_amount(struct call_rec *r, int col, int whole)
{
	eu_buf *v = &r->v[col];
	double a;

	if (!v->len)
		return;
	char *s = eu_xstrndup(v->p, v->len);
	eu_buf_clear(v);
	if (call_number(s, strlen(s), &a) < 0 || (whole && a != (double)(long long)a))
		call_warn_value(r, col_name(col), s, whole ? "a whole number" : "an amount");
	else
		eu_fmt_amount(v, a);
	free(s);
}

static void lower_into(eu_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		eu_buf_addc(out, (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]));
}

/* The programme row for a call id: the longest prefix ending at a '-' or
 * '/' (or the whole id). */
static const struct call_prog *prog_by_prefix(const eu_calls *C, const char *id)
{
	const struct call_prog *best = NULL;
	size_t bestlen = 0, idlen = strlen(id);

	for (size_t i = 0; i < C->nprog; i++) {
		size_t n = strlen(C->prog[i].prefix);
		if (n && n <= idlen && n > bestlen && !strncasecmp(id, C->prog[i].prefix, n) &&
		    (n == idlen || id[n] == '-' || id[n] == '/' || C->prog[i].prefix[n - 1] == '-' ||
		     C->prog[i].prefix[n - 1] == '/')) {
			best = &C->prog[i];
			bestlen = n;
		}
	}
	return best;
}

static void finish_keywords(struct call_rec *r)
{
	eu_buf *v = &r->v[EU_C_KEYWORDS];
	eu_buf out = EU_BUF_INIT, item = EU_BUF_INIT, seen = EU_BUF_INIT;

	if (!v->len)
		return;
	char *save = NULL, *copy = eu_xstrndup(v->p, v->len);
	eu_buf_addc(&seen, '\n');
	for (char *t = strtok_r(copy, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		eu_buf_clear(&item);
		eu_buf_adds(&item, t);
		clean_text(r, EU_C_KEYWORDS, &item, 0);
		for (size_t i = 0; i < item.len; i++)
			if (item.p[i] == ';')
				item.p[i] = ',';
		if (!item.len || eu_strcaseeq(item.p, r->v[EU_C_CALL_ID].p ? r->v[EU_C_CALL_ID].p : "") ||
		    eu_strcaseeq(item.p, r->v[X_CALL_IDENTIFIER].p ? r->v[X_CALL_IDENTIFIER].p : ""))
			continue;       /* the topic's own ids are not keywords */
		eu_buf key = EU_BUF_INIT;
		eu_buf_addc(&key, '\n');
		lower_into(&key, item.p, item.len);
		eu_buf_addc(&key, '\n');
		if (!strstr(seen.p, key.p)) {
			eu_buf_add(&seen, key.p + 1, key.len - 1);
			if (out.len)
				eu_buf_addc(&out, ';');
			eu_buf_add(&out, item.p, item.len);
		}
		eu_buf_free(&key);
	}
	free(copy);
	eu_buf_clear(v);
	eu_buf_add(v, out.p ? out.p : "", out.len);
	eu_buf_free(&out);
	eu_buf_free(&item);
	eu_buf_free(&seen);
}

void call_finish(eu_calls *C, struct call_rec *r)
{
	static const int one_line[] = {
		EU_C_ID, EU_C_TITLE, EU_C_PROGRAMME, EU_C_CALL_ID, X_CALL_IDENTIFIER, X_CALL_TITLE,
		X_TYPE_OF_ACTION, X_SUBMISSION, X_PORTAL_URL, X_PROGRAMME_ID, X_PORTAL_REFERENCE,
	};
	eu_buf fixed = EU_BUF_INIT;

	eu_buf_clear(&r->v[EU_C_SOURCE]);
	eu_buf_adds(&r->v[EU_C_SOURCE], "call");
	for (size_t i = 0; i < sizeof one_line / sizeof *one_line; i++)
		if (clean_text(r, one_line[i], &r->v[one_line[i]], 0)) {
			eu_buf_adds(&fixed, fixed.len ? ", " : "");
			eu_buf_adds(&fixed, col_name(one_line[i]));
		}
	if (clean_text(r, EU_C_SUMMARY, &r->v[EU_C_SUMMARY], 1)) {
		eu_buf_adds(&fixed, fixed.len ? ", " : "");
		eu_buf_adds(&fixed, "summary");
	}
	/* The keywords' own repairs count once, under their name. */
	{
		eu_buf before = EU_BUF_INIT;
		eu_buf_add(&before, r->v[EU_C_KEYWORDS].p ? r->v[EU_C_KEYWORDS].p : "", r->v[EU_C_KEYWORDS].len);
		eu_buf probe = EU_BUF_INIT;
		int kw = eu_mojibake_repair(before.p ? before.p : "", before.len, &probe);
		eu_buf_free(&probe);
		eu_buf_free(&before);
		finish_keywords(r);
		if (kw) {
			eu_buf_adds(&fixed, fixed.len ? ", " : "");
			eu_buf_adds(&fixed, "keywords");
		}
	}
	if (fixed.len) {
		eu_buf *w = &r->v[EU_C_WARNINGS];
		eu_buf_adds(w, w->len ? "; " : "");
		eu_buf_printf(w, "mojibake repaired in %s", fixed.p);
		C->counts.repaired++;
	}
	eu_buf_free(&fixed);

	/* Dates. */
	long start = -1;
	if (r->v[X_START_DATE].len) {
		start = eu_brussels_date(eu_trim(r->v[X_START_DATE].p));
		char *s = eu_xstrdup(r->v[X_START_DATE].p);
		eu_buf_clear(&r->v[X_START_DATE]);
		if (start >= 0)
			eu_fmt_date(&r->v[X_START_DATE], start);
		else
			call_warn_value(r, "start_date", s, "a date");
		free(s);
	}
	long first, last, pick;
	finish_deadlines(C, r, &first, &last, &pick);
	eu_buf_clear(&r->v[EU_C_DEADLINE]);
	if (pick >= 0)
		eu_fmt_date(&r->v[EU_C_DEADLINE], pick);

	/* Status: the portal's word, else from the dates on the day of the run. */
	eu_buf *st = &r->v[EU_C_STATUS];
	eu_buf_clear(&r->v[X_STATUS_BASIS]);
	if (!r->status_from_dates) {
		if (st->len) {
			char *word = eu_xstrndup(st->p, st->len);
			const char *s = call_status_of(C, eu_trim(word));
			eu_buf_clear(st);
			if (s) {
				eu_buf_adds(st, s);
				eu_buf_adds(&r->v[X_STATUS_BASIS], "portal");
			} else {
				call_warn(r, "status: '%.40s' is not in call_status.csv", word);
			}
			free(word);
		}
	} else {
		eu_buf_clear(st);
		const char *s = NULL;
		if (start >= 0 && C->today < start)
			s = "Forthcoming";
		else if (last >= 0 && last >= C->today && start >= 0)
			s = "Open";
		else if (last >= 0 && last < C->today)
			s = "Closed";
		if (s) {
			eu_buf_adds(st, s);
			eu_buf_adds(&r->v[X_STATUS_BASIS], "dates ");
			eu_fmt_date(&r->v[X_STATUS_BASIS], C->today);
		} else {
			call_warn(r, "status: not in the input, and %s", start < 0 ? "no opening date to tell it by" : "no deadline to tell it by");
		}
	}

	/* Amounts.  The maximum EU contribution to one project is the grant a
	 * project can get; the topic's budget is not, but divided among the
	 * grants it is the next best figure. */
	finish_amount(r, X_BUDGET_MIN, 0);
	finish_amount(r, X_BUDGET_MAX, 0);
	finish_amount(r, X_BUDGET_TOPIC, 0);
	finish_amount(r, X_EXPECTED_GRANTS, 1);
	eu_buf_clear(&r->v[X_BUDGET_PER_GRANT]);
	double mx = 0, topic = 0, grants = 0;
	if (r->v[X_BUDGET_MAX].len)
		mx = strtod(r->v[X_BUDGET_MAX].p, NULL);
	if (r->v[X_BUDGET_TOPIC].len)
		topic = strtod(r->v[X_BUDGET_TOPIC].p, NULL);
	if (r->v[X_EXPECTED_GRANTS].len)
		grants = strtod(r->v[X_EXPECTED_GRANTS].p, NULL);
	if (mx > 0)
		eu_fmt_amount(&r->v[X_BUDGET_PER_GRANT], mx);
	else if (topic > 0 && grants >= 1)
		eu_fmt_amount(&r->v[X_BUDGET_PER_GRANT], topic / grants);
	eu_buf_clear(&r->v[EU_C_EU_GRANT]);
	eu_buf_add(&r->v[EU_C_EU_GRANT], r->v[X_BUDGET_PER_GRANT].p ? r->v[X_BUDGET_PER_GRANT].p : "",
		   r->v[X_BUDGET_PER_GRANT].len);

	/* Programme and link from the tables when the input has none. */
	const char *cid = r->v[EU_C_CALL_ID].p ? r->v[EU_C_CALL_ID].p : "";
	const struct call_prog *pp = prog_by_prefix(C, cid);
	if (!r->v[EU_C_PROGRAMME].len && r->v[X_PROGRAMME_ID].len)
		for (size_t i = 0; i < C->nprog; i++)
			if (!strcmp(C->prog[i].id, r->v[X_PROGRAMME_ID].p)) {
				eu_buf_adds(&r->v[EU_C_PROGRAMME], C->prog[i].name);
				break;
			}
	if (pp && !r->v[EU_C_PROGRAMME].len)
		eu_buf_adds(&r->v[EU_C_PROGRAMME], pp->name);
	if (pp && !r->v[X_PROGRAMME_ID].len)
		eu_buf_adds(&r->v[X_PROGRAMME_ID], pp->id);
	if (!r->v[X_PORTAL_URL].len && *cid && r->v[X_KIND].p && !strcmp(r->v[X_KIND].p, "topic")) {
		const char *t = strstr(C->topic_url, "{topic}");
		if (t) {
			eu_buf_add(&r->v[X_PORTAL_URL], C->topic_url, (size_t)(t - C->topic_url));
			lower_into(&r->v[X_PORTAL_URL], cid, strlen(cid));
			eu_buf_adds(&r->v[X_PORTAL_URL], t + 7);
		}
	}
	if (!r->v[EU_C_ID].len && !r->reason.len)
		call_reject(r, "no topic identifier");
}

int call_emit(eu_calls *C, struct call_rec *r, eu_writer *w)
{
	/* A rejected record keeps what identifies it; its other values may be
	 * cut or half read. */
	static const int keep[] = {EU_C_ID, EU_C_SOURCE, EU_C_TITLE, EU_C_CALL_ID, EU_C_ORIGIN,
				   EU_C_WARNINGS, EU_C_REJECT};
	int status = EU_EXIT_OK;
	char g1[64], g2[200];

	C->counts.topics++;
	eu_buf_clear(&r->v[EU_C_REJECT]);
	if (r->reason.len) {
		eu_buf_add(&r->v[EU_C_REJECT], r->reason.p, r->reason.len);
		for (int c = 0; c < CALL_NCOLS; c++) {
			int k = 0;
			for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
				k |= keep[i] == c;
			if (!k)
				eu_buf_clear(&r->v[c]);
		}
		eu_buf_clear(&r->v[EU_C_SOURCE]);
		eu_buf_adds(&r->v[EU_C_SOURCE], "call");
		C->counts.rejected++;
		status = EU_EXIT_BADREC;
	}
	if ((r->reason.len || r->nwarn) && (eu_diag_max_per_file == 0 || C->shown++ < eu_diag_max_per_file)) {
		char where[64] = "";
		if (r->object)
			snprintf(where, sizeof where, "object %lu ", r->object);
		const eu_buf *msg = r->reason.len ? &r->reason : &r->v[EU_C_WARNINGS];
		eu_warn_at(r->file, r->line, "%s%s%s%s: %s%s", where, r->v[EU_C_ID].len ? "topic " : "",
			   r->v[EU_C_ID].len ? glimpse(&r->v[EU_C_ID], g1, sizeof g1) : "(no id)",
			   r->v[EU_C_ID].len ? "" : "", glimpse(msg, g2, sizeof g2),
			   r->reason.len ? ": passed on as rejected" : "");
	}
	for (int c = 0; c < CALL_NCOLS; c++) {
		const eu_buf *b = &r->v[c];
		eu_write_field(w, b->len ? b->p : "", b->len, 0);
	}
	eu_write_end(w);
	return status;
}
