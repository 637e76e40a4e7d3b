/* euprio-sdeo's rows: a listing file read row by row once its dialect is
 * known (dialect.c), each row mapped by its profile into one record.
 *
 * After the sniff the file streams through the ordinary reader.  Rows
 * whose field count disagrees with the header are never shifted: they
 * travel on as rejected with file and line, keeping the fields that lie
 * before the break (the id above all), so that a coordinator finds them.
 * Participant rows (grouped profiles) and project-table rows go to
 * groups.c; the rest are delivered as they are read. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listings_int.h"
#include "euprio/core/encoding.h"
#include "euprio/core/limits.h"
#include "euprio/core/diag.h"
#include "euprio/core/hash.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"
#include "euprio/stream/partners.h"
#include "euprio/stream/schema.h"
#include "euprio/stream/stream.h"

void listings_rec_init(struct rec *r, size_t n)
{
	r->n = n;
	r->v = eu_xcalloc(n, sizeof *r->v);
}

void listings_rec_clear(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		eu_buf_clear(&r->v[i]);
}

void listings_rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		eu_buf_free(&r->v[i]);
	free(r->v);
}

/* How much of s fits in max bytes without cutting a character. */
static int cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return (int)n;
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

static void warn_value(struct rec *rec, const char *col, const char *what, const char *val)
{
	eu_warning_add(&rec->v[EU_C_WARNINGS], col, val, strlen(val), what);
}

/* Whether a folded value is one of a rule's folded values (a trailing *
 * in the profile matches a prefix). */
static int value_in(const struct lrule *ru, const char *folded, size_t n)
{
	for (size_t h = 0; h < ru->nval; h++) {
		size_t hl = strlen(ru->val[h]);
		if (ru->prefix[h] ? n >= hl && !memcmp(folded, ru->val[h], hl) : n == hl && !memcmp(folded, ru->val[h], hl))
			return 1;
	}
	return 0;
}

/* The id of a file without ids: the prefix, with {column} replaced by
 * that column's letters and digits, then FNV-1a 64 of the named columns'
 * values (each ended by a NUL) in 16 hex digits. */
static void make_idhash(const eu_listings *S, const struct lrule *ru, struct rec *out)
{
	eu_buf *v = &out->v[EU_C_ID];
	uint64_t h = EU_FNV64_SEED;

	for (size_t i = 0; i < ru->nparts; i++) {
		const eu_buf *b = &out->v[ru->parts[i]];
		h = eu_fnv64(b->p ? b->p : "", b->len, h);
		h = eu_fnv64("", 1, h);
	}
	for (const char *o = ru->opt; *o; o++) {
		const char *close = *o == '{' ? strchr(o, '}') : NULL;
		if (!close) {
			eu_buf_addc(v, *o);
			continue;
		}
		/* {column|fallback}: the fallback when the column is empty. */
		const char *bar = memchr(o, '|', (size_t)(close - o));
		const char *name_end = bar ? bar : close;
		size_t before = v->len;
		for (size_t c = 0; c < S->ncols; c++)
			if (strlen(S->cols[c]) == (size_t)(name_end - o - 1) && !strncmp(S->cols[c], o + 1, (size_t)(name_end - o - 1)))
				for (size_t i = 0; i < out->v[c].len; i++) {
					char ch = out->v[c].p[i];
					if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
						eu_buf_addc(v, ch);
					else if (ch >= 'a' && ch <= 'z')
						eu_buf_addc(v, (char)(ch - 32));
				}
		if (v->len == before && bar)
			eu_buf_add(v, bar + 1, (size_t)(close - bar - 1));
		o = close;
	}
	eu_buf_printf(v, "%016llx", (unsigned long long)h);
}

/* The lead partner first, as coordinator; named again in the partners
 * cell it is still one partner, with what the cell adds (a postcode). */
static void add_lead(const eu_listings *S, struct rec *out, eu_buf lead[EU_P_NATTR])
{
	eu_buf *pv = &out->v[EU_C_PARTNERS];
	eu_buf fl = EU_BUF_INIT, fp = EU_BUF_INIT, rest = EU_BUF_INIT;
	eu_partners ps = EU_PARTNERS_INIT;
	const char *err, *av[EU_P_NATTR];
	char code[3];

	if (lead[EU_P_COUNTRY].len && eu_country_code(S->countries, lead[EU_P_COUNTRY].p, lead[EU_P_COUNTRY].len, code)) {
		eu_buf_clear(&lead[EU_P_COUNTRY]);
		eu_buf_adds(&lead[EU_P_COUNTRY], code);
	}
	eu_fold(&fl, lead[EU_P_NAME].p, lead[EU_P_NAME].len);
	/* Is the lead named in the cell?  A name folds to the lead's only if
	 * it starts with the same letter, so most are never folded. */
	int named = 0;
	if (pv->len && eu_partners_decode(&ps, pv->p, pv->len, &err) == 0) {
		unsigned char l0 = (unsigned char)lead[EU_P_NAME].p[0];
		for (size_t i = 0; i < ps.n && !named; i++) {
			unsigned char c0 = (unsigned char)ps.p[i].a[EU_P_NAME][0];
			int alnum0 = (c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z';
			if ((c0 | 0x20) == (l0 | 0x20) || !alnum0 || c0 >= 0x80 || l0 >= 0x80) {
				eu_buf_clear(&fp);
				eu_fold(&fp, ps.p[i].a[EU_P_NAME], ps.p[i].len[EU_P_NAME]);
				named = fl.len && fp.len == fl.len && !memcmp(fp.p, fl.p, fl.len);
			}
		}
	}
	if (named) {
		for (size_t i = 0; i < ps.n; i++) {
			eu_buf_clear(&fp);
			eu_fold(&fp, ps.p[i].a[EU_P_NAME], ps.p[i].len[EU_P_NAME]);
			if (fl.len && fp.len == fl.len && !memcmp(fp.p, fl.p, fl.len)) {
				for (int a = 1; a < EU_P_NATTR; a++)
					if (!lead[a].len && a != EU_P_ROLE)
						eu_buf_add(&lead[a], ps.p[i].a[a], ps.p[i].len[a]);
				continue;
			}
			for (int a = 0; a < EU_P_NATTR; a++)
				av[a] = ps.p[i].a[a];
			eu_partner_encode(&rest, av);
		}
	} else if (pv->len) {
		eu_buf_add(&rest, pv->p, pv->len);
	}
	eu_buf_clear(pv);
	for (int a = 0; a < EU_P_NATTR; a++)
		av[a] = lead[a].p;
	av[EU_P_ROLE] = "coordinator";
	eu_partner_encode(pv, av);
	if (rest.len) {
		eu_buf_addc(pv, '\n');
		eu_buf_add(pv, rest.p, rest.len);
	}
	eu_partners_free(&ps);
	eu_buf_free(&fl);
	eu_buf_free(&fp);
	eu_buf_free(&rest);
}

/* Maps one row into rec by the profile: cells f[0..n) by the file's src
 * (a rule's input column, or -1).  Participant attributes and sums are
 * groups.c's. */
void listings_map_row(const eu_listings *S, const struct lprofile *p, const long *src, const char *const *f,
		      const size_t *flen, size_t n, struct rec *out)
{
	eu_buf tmp = EU_BUF_INIT, lead[EU_P_NATTR];
	int has_lead = 0;
	/* An amount and its original read the same cell: parse it once. */
	long last_src = -1;
	char last_dec = 0;
	int last_ok = 0;
	double last_a = 0;
	enum eu_currency last_c = EU_CUR_UNKNOWN;

	for (int a = 0; a < EU_P_NATTR; a++)
		lead[a] = (eu_buf)EU_BUF_INIT;
	for (size_t k = 0; k < p->n; k++) {
		const struct lrule *ru = &p->r[k];
		if (ru->col < 0)
			continue;
		eu_buf *v = &out->v[ru->col];
		if (ru->kind == L_CONST) {
			if (!v->len)
				eu_buf_adds(v, ru->opt);
			continue;
		}
		if (src[k] < 0 || (size_t)src[k] >= n || ru->kind == L_SUM || ru->kind == L_PARTNER ||
		    ru->kind == L_ENDED || ru->kind == L_LABEL || ru->kind == L_IDHASH)
			continue;
		const char *cell = f[src[k]];
		size_t clen = flen[src[k]];
		if (strspn(cell, " \t\r\n") == clen)
			continue;
		if ((ru->kind == L_FIELD || ru->kind == L_TEXT || ru->kind == L_GROUP || ru->kind == L_PAIR) && v->len)
			continue;            /* an earlier rule filled it */
		eu_buf_clear(&tmp);
		/* Long free text (descriptions, partner lists) is read raw. */
		if (ru->kind != L_TEXT && ru->kind != L_PARTNERS)
			eu_collapse_ws(&tmp, cell, clen);
		switch (ru->kind) {
		case L_FIELD:
			eu_buf_add(v, tmp.p, tmp.len);
			break;
		case L_GROUP:
		case L_PAIR:
			eu_buf_printf(v, "%s%s", ru->opt, tmp.p);
			break;
		case L_TEXT:
			for (size_t i = 0; i < clen; i++)
				if (cell[i] != '\r')
					eu_buf_addc(v, cell[i]);
			listings_trim(v);
			while (v->len && v->p[v->len - 1] == '\n')
				v->p[--v->len] = '\0';
			break;
		case L_DATE: {
			long d = eu_parse_date(tmp.p);
			if (d >= 0) {
				eu_buf_clear(v);
				eu_fmt_date(v, d);
			} else {
				warn_value(out, S->cols[ru->col], "a date", tmp.p);
			}
			break;
		}
		case L_AMOUNT:
		case L_ORIGINAL: {
			if (src[k] != last_src || ru->dec != last_dec) {
				last_src = src[k];
				last_dec = ru->dec;
				last_ok = eu_parse_amount_dec(tmp.p, ru->dec, &last_a, &last_c) == 0 && last_a >= 0;
			}
			double a = last_a;
			enum eu_currency c = last_c;
			if (last_ok) {
				eu_buf_clear(v);
				if (ru->kind == L_AMOUNT) {
					eu_fmt_amount(v, eu_to_eur(a, c, ru->cur, S->dkk_rate));
				} else {
					/* As the file states it, for checking. */
					eu_fmt_amount(v, a);
					eu_buf_adds(v, (c ? c : ru->cur) == EU_CUR_DKK ? " DKK" : " EUR");
				}
			} else if (ru->kind == L_AMOUNT) {
				warn_value(out, S->cols[ru->col], "an amount", tmp.p);
			}
			break;
		}
		case L_PARTNERS:
			eu_listings_free_partners(S, cell, clen, v);
			break;
		case L_LEAD:
			if (!lead[ru->pattr].len) {
				eu_buf_add(&lead[ru->pattr], tmp.p, tmp.len);
				has_lead = 1;
			}
			break;
		default:
			break;
		}
	}
	/* Labels ("ERDFD" is the regional fund: ERDF), then ids made of the
	 * values they name. */
	for (size_t k = 0; k < p->n; k++) {
		const struct lrule *ru = &p->r[k];
		if (ru->kind != L_LABEL || !out->v[ru->col].len)
			continue;
		eu_buf_clear(&tmp);
		eu_fold(&tmp, out->v[ru->col].p, out->v[ru->col].len);
		if (value_in(ru, tmp.p ? tmp.p : "", tmp.len)) {
			eu_buf_clear(&out->v[ru->col]);
			eu_buf_adds(&out->v[ru->col], ru->opt);
		}
	}
	if (has_lead && lead[EU_P_NAME].len)
		add_lead(S, out, lead);
	for (size_t k = 0; k < p->n; k++)
		if (p->r[k].kind == L_IDHASH && !out->v[EU_C_ID].len)
			make_idhash(S, &p->r[k], out);
	for (int a = 0; a < EU_P_NATTR; a++)
		eu_buf_free(&lead[a]);
	eu_buf_free(&tmp);
}

/* What every record gets before it leaves: a total below the EU grant is
 * no total (CORDIS writes 0 for actions it has none for), and a field the
 * stream's readers could not take back is cut with a rejection. */
void listings_finish(struct rec *rec)
{
	eu_buf *t = &rec->v[EU_C_TOTAL], *g = &rec->v[EU_C_EU_GRANT];
	double tv, gv;

	/* More digits before the point is more: most records need no parse. */
	size_t ti = t->len, gi = g->len;
	if (t->len && g->len) {
		const char *tp = memchr(t->p, '.', t->len), *gp = memchr(g->p, '.', g->len);
		ti = tp ? (size_t)(tp - t->p) : t->len;
		gi = gp ? (size_t)(gp - g->p) : g->len;
	}
	if (t->len && g->len && ti <= gi && eu_parse_number(t->p, t->len, 0, &tv) == 0 &&
	    eu_parse_number(g->p, g->len, 0, &gv) == 0 && tv < gv) {
		listings_warn(rec, "total_eur: %s is below the EU grant %s: left empty (unknown)", t->p, g->p);
		eu_buf_clear(t);
	}
	for (size_t i = 0; i < rec->n; i++)
		if (rec->v[i].len > eu_limit.field_bytes) {
			char why[160];
			snprintf(why, sizeof why, "field %zu longer than %zu bytes", i + 1, eu_limit.field_bytes);
			eu_buf_clear(&rec->v[i]);
			if (!rec->v[EU_C_REJECT].len)
				eu_buf_adds(&rec->v[EU_C_REJECT], why);
		}
}

/* One participant row: its project's group, its partner line, its sums. */
static void participant_row(struct run *r, const struct lprofile *p, const long *src, const eu_row *row,
			    struct rec *scratch, int *status, const char *path)
{
	eu_listings *S = r->S;
	const struct lrule *gr = &p->r[p->group];
	eu_buf tmp = EU_BUF_INIT;

	listings_rec_clear(scratch);
	if (src[p->group] >= 0 && (size_t)src[p->group] < row->n)
		eu_collapse_ws(&tmp, row->f[src[p->group]], row->len[src[p->group]]);
	if (!tmp.len) {
		listings_map_row(S, p, src, row->f, row->len, row->n, scratch);
		eu_origin_format(&scratch->v[EU_C_ORIGIN], path, row->line);
		eu_buf_adds(&scratch->v[EU_C_REJECT], "the participant row has no project id");
		eu_warn_at(path, row->line, "participant row without a project id: passed on as rejected");
		eu_status_raise(status, EU_EXIT_BADREC);
		listings_deliver(r, scratch);
		eu_buf_free(&tmp);
		return;
	}
	if (listings_group_row_seen(r, row->f, row->len, row->n)) {
		eu_buf_free(&tmp);
		return;                  /* counted once already */
	}
	eu_buf id = EU_BUF_INIT;
	eu_buf_printf(&id, "%s%s", gr->opt, tmp.p);
	int created;
	struct group *g = listings_group_get(r, id.p, id.len, &created);
	struct rec *gr_rec = listings_group_rec(g);
	if (created) {
		listings_map_row(S, p, src, row->f, row->len, row->n, gr_rec);
		eu_origin_format(&gr_rec->v[EU_C_ORIGIN], path, row->line);
	}
	eu_buf attr[EU_P_NATTR];
	const char *av[EU_P_NATTR];
	int ended = 0;
	for (int a = 0; a < EU_P_NATTR; a++)
		attr[a] = (eu_buf)EU_BUF_INIT;
	for (size_t k = 0; k < p->n; k++) {
		const struct lrule *ru = &p->r[k];
		if (src[k] < 0 || (size_t)src[k] >= row->n)
			continue;
		eu_buf_clear(&tmp);
		eu_collapse_ws(&tmp, row->f[src[k]], row->len[src[k]]);
		if (ru->kind == L_PARTNER && !attr[ru->pattr].len) {
			eu_buf_add(&attr[ru->pattr], tmp.p, tmp.len);
		} else if (ru->kind == L_ENDED && tmp.len) {
			eu_buf folded = EU_BUF_INIT;
			eu_fold(&folded, tmp.p, tmp.len);
			ended |= value_in(ru, folded.p ? folded.p : "", folded.len);
			eu_buf_free(&folded);
		} else if (ru->kind == L_SUM && tmp.len) {
			double a;
			enum eu_currency c;
			if (eu_parse_amount_dec(tmp.p, ru->dec, &a, &c) == 0 && a >= 0)
				listings_group_sum(g, ru->col, eu_to_eur(a, c, ru->cur, S->dkk_rate));
			else
				warn_value(gr_rec, S->cols[ru->col], "an amount", tmp.p);
		}
	}
	char code[3];
	if (attr[EU_P_COUNTRY].len && eu_country_code(S->countries, attr[EU_P_COUNTRY].p, attr[EU_P_COUNTRY].len, code)) {
		eu_buf_clear(&attr[EU_P_COUNTRY]);
		eu_buf_adds(&attr[EU_P_COUNTRY], code);
	}
	for (int a = 0; a < EU_P_NATTR; a++)
		av[a] = attr[a].p;
	if (!attr[EU_P_NAME].len)
		warn_value(gr_rec, "partners", "a named participant", "");
	else if (ended)
		listings_warn(gr_rec, "partners: %s has ended its participation (line %ld): not counted",
			      attr[EU_P_NAME].p, row->line);
	else
		eu_partner_encode(&gr_rec->v[EU_C_PARTNERS], av);
	for (int a = 0; a < EU_P_NATTR; a++)
		eu_buf_free(&attr[a]);
	eu_buf_free(&id);
	eu_buf_free(&tmp);
}

/* The first input column that a partners or text rule reads: an unquoted
 * delimiter in free text is what usually breaks a row, so the cells before
 * it are still where they belong. */
static size_t free_text_start(const struct lprofile *p, const long *src, size_t width)
{
	size_t first = width;
	for (size_t k = 0; k < p->n; k++)
		if ((p->r[k].kind == L_PARTNERS || p->r[k].kind == L_TEXT) && src[k] >= 0 && (size_t)src[k] < first)
			first = (size_t)src[k];
	return first;
}

/* Whether a bad row's id can stand: an id made of several columns
 * (idhash) is another project's if one of them was not kept. */
static int id_trusted(const struct lprofile *p, const long *src, const eu_row *row, const char *const *kept)
{
	for (size_t k = 0; k < p->n; k++) {
		if (p->r[k].kind != L_IDHASH)
			continue;
		for (size_t i = 0; i < p->r[k].nparts; i++)
			for (size_t j = 0; j < p->n; j++)
				if (p->r[j].col == p->r[k].parts[i] && src[j] >= 0 && (size_t)src[j] < row->n &&
				    row->len[src[j]] && !kept[src[j]][0])
					return 0;
	}
	return 1;
}

/* Cells of a bad row that can be trusted: a glimpse of why, and how many. */
static size_t trusted_cells(const eu_row *row, size_t used, size_t width, size_t free_at, int after_short,
			    const char *header_name, long header_line, const char **bad, char *why, size_t whylen)
{
	size_t keep;
	int n = 0;
	if (*bad) {
		/* The reader's own fault: an over-long field (the ones before
		 * it are whole), bad bytes (only that field), an unterminated
		 * quote (the last field is suspect). */
		keep = strncmp(*bad, "unterminated", 12) == 0 && row->n ? row->n - 1 : row->n;
		n = snprintf(why, whylen, "%s", *bad);
	} else if (after_short) {
		keep = 0;
		n = snprintf(why, whylen, "ragged row: %zu fields where the header (line %ld) has %zu; not shifted into "
			     "columns; it seems to continue the broken row above, so nothing of it is kept", used,
			     header_line, width);
	} else if (used > width) {
		keep = free_at < width ? free_at : 0;
		if (keep)
			n = snprintf(why, whylen, "ragged row: %zu fields where the header (line %ld) has %zu; not shifted "
				     "into columns; kept the %zu before '%.*s', where a stray delimiter is likely", used,
				     header_line, width, keep, cut(header_name, 40), header_name);
		else
			n = snprintf(why, whylen, "ragged row: %zu fields where the header (line %ld) has %zu; not shifted "
				     "into columns", used, header_line, width);
	} else {
		keep = row->n ? row->n - 1 : 0;
		n = snprintf(why, whylen, "ragged row: %zu fields where the header (line %ld) has %zu; not shifted into "
			     "columns; kept the first %zu", row->n, header_line, width, keep);
	}
	if (n > 0 && (size_t)n + 64 < whylen && row->n) {
		/* A glimpse of the first field, cut on a character and with any
		 * byte that is not UTF-8 shown as '?': the reason must be text. */
		size_t at = (size_t)n, lim = row->len[0] > 40 ? 40 : row->len[0];
		while (lim < row->len[0] && lim > 0 && ((unsigned char)row->f[0][lim] & 0xc0) == 0x80)
			lim--;
		at += (size_t)snprintf(why + at, whylen - at, "; first field \"");
		for (size_t i = 0; i < lim && at + 8 < whylen;) {
			size_t ok = eu_utf8_check(row->f[0] + i, lim - i);
			if (ok == 0) {
				why[at++] = '?';
				i++;
				continue;
			}
			for (size_t k = 0; k < ok && at + 8 < whylen; k++, i++) {
				char c = row->f[0][i];
				why[at++] = (c == '\n' || c == '\r' || c == '\t' || c == '\0') ? ' ' : c;
			}
		}
		snprintf(why + at, whylen - at, lim < row->len[0] ? "...\"" : "\"");
	}
	*bad = why;
	return keep;
}

int listings_read_file(struct run *r, struct lfile *lf)
{
	eu_listings *S = r->S;
	const struct dialect *d = &lf->d;
	const char *path = lf->path;
	const struct lprofile *p = d->p;
	int status = EU_EXIT_OK;

	eu_reader_opts ro = {.delim = d->delim, .check_utf8 = 1, .check_width = 0, .cp1252 = d->cp1252};
	eu_reader *rd = eu_reader_fdopen(lf->fd, path, &ro);
	eu_reader_prepend(rd, lf->sniff, lf->slen);

	eu_row row;
	for (size_t n = 0; n <= d->header_row; n++)
		if (eu_reader_next(rd, &row) != 1) {
			eu_reader_close(rd);
			return EU_EXIT_INPUT;
		}
	/* Resolve each rule's column; trailing empty header cells are the
	 * spreadsheet's padding, not columns.  A header cell no rule names is
	 * said aloud; one that is mis-decoded stops the file. */
	size_t width = row.n;
	while (width && row.len[width - 1] == 0)
		width--;
	long *src = eu_xcalloc(p->n + 1, sizeof *src);
	for (size_t k = 0; k < p->n; k++)
		src[k] = -1;
	eu_buf f = EU_BUF_INIT, hnames = EU_BUF_INIT;
	char **hdr = eu_xcalloc(width + 1, sizeof *hdr);
	int refuse = 0;
	for (size_t c = 0; c < width; c++) {
		hdr[c] = eu_xstrndup(row.f[c], row.len[c]);
		eu_buf_clear(&f);
		eu_fold(&f, row.f[c], row.len[c] > 200 ? 0 : row.len[c]);
		if (!f.len)
			continue;
		int named = 0;
		for (size_t k = 0; k < p->n; k++)
			for (size_t h = 0; h < p->r[k].nhdr; h++)
				if (p->r[k].kind != L_LABEL && !strcmp(f.p, p->r[k].hdr[h])) {
					named = 1;
					/* The first synonym found wins, then the first column. */
					if (src[k] < 0)
						src[k] = (long)c;
				}
		if (eu_utf8_check(row.f[c], row.len[c]) != row.len[c] || memchr(row.f[c], '\0', row.len[c])) {
			/* Shown up to the first byte that is not text. */
			eu_warn_at(path, row.line, "header column %zu '%.*s...' is not valid text in the encoding the "
				   "file was read in, %s (%lu UTF-8 characters and %lu other bytes in its first 64 KiB); "
				   "give --encoding %s", c + 1, (int)eu_utf8_check(row.f[c], strnlen(row.f[c], row.len[c])),
				   row.f[c], d->cp1252 ? "Windows-1252" : "UTF-8", d->utf8_chars, d->bad_bytes,
				   d->cp1252 ? "utf-8" : "cp1252");
			refuse = 1;
		} else if (listings_mojibake(row.f[c], row.len[c]) || memmem(row.f[c], row.len[c], "\xef\xbf\xbd", 3)) {
			eu_warn_at(path, row.line, "header column %zu '%.*s' is mis-decoded: the file was read as %s "
				   "(%lu UTF-8 characters and %lu other bytes in its first 64 KiB); give --encoding %s",
				   c + 1, cut(hdr[c], 60), hdr[c], d->cp1252 ? "Windows-1252" : "UTF-8", d->utf8_chars, d->bad_bytes,
				   d->cp1252 ? "utf-8" : "cp1252");
			refuse = 1;
		} else if (!named) {
			eu_buf_printf(&hnames, "%s%zu '%.*s'", hnames.len ? ", " : "", c + 1, cut(hdr[c], 60), hdr[c]);
		}
	}
	eu_buf_free(&f);
	if (hnames.len)
		eu_warn_at(path, row.line, "columns not in profile %s, not read: %s (name them in config/listings/%s.csv, "
			   "as ignore if they are not wanted)", p->name, hnames.p, p->name);
	eu_buf_free(&hnames);
	long header_line = row.line;
	size_t free_at = free_text_start(p, src, width);
	if (refuse) {
		for (size_t c = 0; c < width; c++)
			free(hdr[c]);
		free(hdr);
		free(src);
		eu_reader_close(rd);
		return EU_EXIT_INPUT;
	}

	struct rec rec;
	listings_rec_init(&rec, S->ncols);
	const char **cf = NULL;
	size_t *cl = NULL, capc = 0;
	int got, prev_short = 0;
	unsigned long shown = 0;
	char why[512];

	while ((got = eu_reader_next(rd, &row)) == 1) {
		size_t used = row.n;
		while (used && row.len[used - 1] == 0)
			used--;
		if (used == 0) {
			prev_short = 0;
			continue;                 /* an empty row */
		}
		const char *bad = row.bad;
		int ragged = !bad && (used > width || row.n < width);
		if (bad || ragged) {
			/* A bad row keeps what can be trusted and goes on rejected. */
			if (capc < row.n + 1) {
				capc = row.n + 1;
				cf = eu_xrealloc(cf, capc * sizeof *cf);
				cl = eu_xrealloc(cl, capc * sizeof *cl);
			}
			size_t keep = trusted_cells(&row, used, width, free_at, ragged && prev_short,
						    free_at < width ? hdr[free_at] : "", header_line, &bad, why, sizeof why);
			prev_short = ragged && row.n < width;
			for (size_t c = 0; c < row.n; c++) {
				int ok = c < keep && eu_utf8_check(row.f[c], row.len[c]) == row.len[c] &&
					 !memchr(row.f[c], '\0', row.len[c]);
				cf[c] = ok ? row.f[c] : "";
				cl[c] = ok ? row.len[c] : 0;
			}
			listings_rec_clear(&rec);
			listings_map_row(S, p, src, cf, cl, row.n, &rec);
			if (!id_trusted(p, src, &row, cf))
				eu_buf_clear(&rec.v[EU_C_ID]);
			eu_buf_clear(&rec.v[EU_C_ORIGIN]);
			eu_origin_format(&rec.v[EU_C_ORIGIN], path, row.line);
			eu_buf_adds(&rec.v[EU_C_REJECT], bad);
			if (eu_diag_max_per_file == 0 || shown++ < eu_diag_max_per_file)
				eu_warn_at(path, row.line, "%s%s%s%s", rec.v[EU_C_ID].len ? "record " : "",
					   rec.v[EU_C_ID].len ? rec.v[EU_C_ID].p : "", rec.v[EU_C_ID].len ? ": " : "", bad);
			eu_status_raise(&status, EU_EXIT_BADREC);
			listings_deliver(r, &rec);
			continue;
		}
		prev_short = 0;
		/* A BOM inside the file (two exports joined into one), or in a
		 * Windows-1252 file a row that is UTF-8. */
		const char *odd = NULL;
		for (size_t c = 0; c < row.n && !odd; c++) {
			int k = listings_odd_text(row.f[c], row.len[c], d->cp1252);
			if (k == 1)
				odd = "a byte-order mark in mid-file: two files joined into one? The row is not read as data";
			else if (k == 2)
				odd = "UTF-8 text in a file read as Windows-1252 (decided from its first 64 KiB): "
				      "save the file in one encoding";
		}
		if (p->group >= 0 && !odd) {
			participant_row(r, p, src, &row, &rec, &status, path);
			continue;
		}
		listings_rec_clear(&rec);
		listings_map_row(S, p, src, row.f, row.len, row.n, &rec);
		eu_origin_format(&rec.v[EU_C_ORIGIN], path, row.line);
		if (odd) {
			eu_buf_adds(&rec.v[EU_C_REJECT], odd);
			eu_warn_at(path, row.line, "%s", odd);
			eu_status_raise(&status, EU_EXIT_BADREC);
		} else if (!rec.v[EU_C_ID].len) {
			eu_buf_adds(&rec.v[EU_C_REJECT], "the row has no id");
			eu_warn_at(path, row.line, "row without an id: passed on as rejected");
			eu_status_raise(&status, EU_EXIT_BADREC);
		} else if (rec.v[EU_C_WARNINGS].len) {
			eu_warn_at(path, row.line, "record %s: %s", rec.v[EU_C_ID].p, rec.v[EU_C_WARNINGS].p);
		}
		if (p->pair >= 0 && !rec.v[EU_C_REJECT].len && listings_group_pair(r, &rec))
			continue;
		listings_deliver(r, &rec);
	}
	if (got < 0) {
		eu_warn_at(path, 0, "read error: %s", strerror(errno));
		eu_status_raise(&status, EU_EXIT_INPUT);
	}
	for (size_t c = 0; c < width; c++)
		free(hdr[c]);
	free(hdr);
	free(cf);
	free(cl);
	free(src);
	listings_rec_free(&rec);
	eu_reader_close(rd);
	return status;
}
