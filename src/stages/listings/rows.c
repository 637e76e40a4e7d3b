/* euprio-sdeo's rows: a listing file read row by row once its dialect is
 * known (dialect.c), each row mapped by its profile into one record.
 *
 * After the sniff the file streams through the ordinary reader.  Rows
 * whose field count disagrees with the header are never shifted: they
 * travel on as rejected with file and line.  Grouped profiles (CORDIS
 * participants) hold their groups until the end of the file, because
 * participant files are not sorted by project. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listings_int.h"
#include "euprio/core/diag.h"
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

static void rec_clear(struct rec *r)
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

static void warn_add(eu_buf *w, const char *col, const char *what, const char *val)
{
	if (w->len)
		eu_buf_adds(w, "; ");
	eu_buf_printf(w, "%s: '%s' is not %s", col, val, what);
}

static uint32_t fnv32(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void country_code(eu_buf *b)
{
	/* Exports write the country's name where we keep ISO codes. */
	if (b->p && (eu_strcaseeq(b->p, "Danmark") || eu_strcaseeq(b->p, "Denmark"))) {
		eu_buf_clear(b);
		eu_buf_adds(b, "DK");
	}
}

/* Maps one data row into rec by the profile (not the grouped parts). */
static void map_row(const eu_listings *S, const struct lprofile *p, const eu_row *row, struct rec *out)
{
	eu_buf tmp = EU_BUF_INIT, lead[EU_P_NATTR];
	eu_buf *warn = &out->v[EU_C_WARNINGS];
	int has_lead = 0;

	for (int a = 0; a < EU_P_NATTR; a++)
		lead[a] = (eu_buf)EU_BUF_INIT;
	for (size_t k = 0; k < p->n; k++) {
		const struct lrule *ru = &p->r[k];
		eu_buf *v = &out->v[ru->col];
		if (ru->kind == L_CONST) {
			if (!v->len)
				eu_buf_adds(v, ru->opt);
			continue;
		}
		if (ru->src < 0 || (size_t)ru->src >= row->n || ru->kind == L_GROUP || ru->kind == L_SUM ||
		    ru->kind == L_PARTNER)
			continue;
		const char *cell = row->f[ru->src];
		size_t clen = row->len[ru->src];
		if (strspn(cell, " \t\r\n") == clen)
			continue;
		if ((ru->kind == L_FIELD || ru->kind == L_TEXT || ru->kind == L_IDHASH) && v->len)
			continue;            /* an earlier rule filled it */
		eu_buf_clear(&tmp);
		/* Long free text (descriptions, partner lists) is read raw. */
		if (ru->kind != L_TEXT && ru->kind != L_PARTNERS)
			eu_collapse_ws(&tmp, cell, clen);
		switch (ru->kind) {
		case L_FIELD:
			if (!v->len)
				eu_buf_add(v, tmp.p, tmp.len);
			break;
		case L_TEXT:
			if (!v->len) {
				for (size_t i = 0; i < clen; i++)
					if (cell[i] != '\r')
						eu_buf_addc(v, cell[i]);
				listings_trim(v);
				while (v->len && v->p[v->len - 1] == '\n')
					v->p[--v->len] = '\0';
			}
			break;
		case L_DATE: {
			long d = eu_parse_date(tmp.p);
			if (d >= 0)
				eu_fmt_date(v, d);
			else
				warn_add(warn, S->cols[ru->col], "a date", tmp.p);
			break;
		}
		case L_AMOUNT: {
			double a;
			enum eu_currency c;
			if (eu_parse_amount_dec(tmp.p, ru->dec, &a, &c) == 0 && a >= 0)
				eu_fmt_amount(v, eu_to_eur(a, c, ru->cur, S->dkk_rate));
			else
				warn_add(warn, S->cols[ru->col], "an amount", tmp.p);
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
		case L_IDHASH:
			if (!v->len)
				eu_buf_printf(v, "%s%08x", ru->opt, fnv32(tmp.p, tmp.len));
			break;
		default:
			break;
		}
	}
	/* A lead named again among the partners is one partner, not two. */
	if (has_lead && lead[EU_P_NAME].len && out->v[EU_C_PARTNERS].len) {
		eu_buf fl = EU_BUF_INIT, fp = EU_BUF_INIT;
		eu_partners ps = EU_PARTNERS_INIT;
		const char *err;
		eu_fold(&fl, lead[EU_P_NAME].p, lead[EU_P_NAME].len);
		if (eu_partners_decode(&ps, out->v[EU_C_PARTNERS].p, out->v[EU_C_PARTNERS].len, &err) == 0)
			for (size_t i = 0; i < ps.n && has_lead; i++) {
				eu_buf_clear(&fp);
				eu_fold(&fp, ps.p[i].a[EU_P_NAME], ps.p[i].len[EU_P_NAME]);
				if (fp.len == fl.len && !memcmp(fp.p, fl.p, fl.len))
					has_lead = 0;
			}
		eu_partners_free(&ps);
		eu_buf_free(&fl);
		eu_buf_free(&fp);
	}
	if (has_lead && lead[EU_P_NAME].len) {
		/* The lead partner goes first, as coordinator. */
		eu_buf rest = EU_BUF_INIT;
		const char *av[EU_P_NATTR];
		country_code(&lead[EU_P_COUNTRY]);
		eu_buf_add(&rest, out->v[EU_C_PARTNERS].p ? out->v[EU_C_PARTNERS].p : "", out->v[EU_C_PARTNERS].len);
		eu_buf_clear(&out->v[EU_C_PARTNERS]);
		for (int a = 0; a < EU_P_NATTR; a++)
			av[a] = lead[a].p;
		av[EU_P_ROLE] = "coordinator";
		eu_partner_encode(&out->v[EU_C_PARTNERS], av);
		if (rest.len) {
			eu_buf_addc(&out->v[EU_C_PARTNERS], '\n');
			eu_buf_add(&out->v[EU_C_PARTNERS], rest.p, rest.len);
		}
		eu_buf_free(&rest);
	}
	for (int a = 0; a < EU_P_NATTR; a++)
		eu_buf_free(&lead[a]);
	eu_buf_free(&tmp);
}

struct group {
	char *key;
	struct rec rec;
	size_t first_line;
};

int listings_read_file(struct run *r, const char *path)
{
	eu_listings *S = r->S;
	char *sniff = eu_xmalloc(SNIFF);
	size_t slen = 0;
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	int eof = 0, status = EU_EXIT_OK;

	if (fd < 0) {
		eu_warn_at(path, 0, "cannot open: %s", strerror(errno));
		free(sniff);
		return EU_EXIT_INPUT;
	}
	while (slen < SNIFF) {
		ssize_t n = read(fd, sniff + slen, SNIFF - slen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			eu_warn_at(path, 0, "read error: %s", strerror(errno));
			free(sniff);
			if (fd)
				close(fd);
			return EU_EXIT_INPUT;
		}
		if (n == 0) {
			eof = 1;
			break;
		}
		slen += (size_t)n;
	}
	struct dialect d;
	if (slen == 0) {
		eu_warn_at(path, 0, "empty file");
		free(sniff);
		if (fd)
			close(fd);
		return EU_EXIT_INPUT;
	}
	if (listings_detect(S, sniff, slen, eof, &d) < 0) {
		eu_warn_at(path, 1, "no header row found: no row among the first %d names two or more columns of a listing profile", SNIFF_ROWS);
		free(sniff);
		if (fd)
			close(fd);
		return EU_EXIT_INPUT;
	}
	eu_reader_opts ro = {.delim = d.delim, .check_utf8 = 1, .check_width = 0, .cp1252 = d.cp1252};
	eu_reader *rd = eu_reader_fdopen(fd, path, &ro);
	eu_reader_prepend(rd, sniff, slen);
	free(sniff);

	eu_row row;
	size_t width = 0;
	struct lprofile *p = (struct lprofile *)d.p;
	for (size_t n = 0; n <= d.header_row; n++) {
		if (eu_reader_next(rd, &row) != 1) {
			eu_reader_close(rd);
			if (fd)
				close(fd);
			return EU_EXIT_INPUT;
		}
	}
	/* Resolve each rule's column; trailing empty header cells are the
	 * spreadsheet's padding, not columns. */
	width = row.n;
	while (width && row.len[width - 1] == 0)
		width--;
	eu_buf f = EU_BUF_INIT;
	for (size_t k = 0; k < p->n; k++) {
		p->r[k].src = -1;
		for (size_t h = 0; h < p->r[k].nhdr && p->r[k].src < 0; h++)
			for (size_t c = 0; c < width && p->r[k].src < 0; c++) {
				eu_buf_clear(&f);
				eu_fold(&f, row.f[c], row.len[c]);
				if (f.len && !strcmp(f.p, p->r[k].hdr[h]))
					p->r[k].src = (long)c;
			}
	}
	eu_buf_free(&f);
	long header_line = row.line;

	struct group *groups = NULL;
	size_t ngroups = 0, capgroups = 0;
	struct lrule *group_rule = NULL;
	for (size_t k = 0; k < p->n; k++)
		if (p->r[k].kind == L_GROUP)
			group_rule = &p->r[k];
	eu_buf key = EU_BUF_INIT, tmp = EU_BUF_INIT;
	struct rec rec;
	listings_rec_init(&rec, S->ncols);
	int got;
	unsigned long shown = 0;

	while ((got = eu_reader_next(rd, &row)) == 1) {
		size_t used = row.n;
		while (used && row.len[used - 1] == 0)
			used--;
		if (used == 0)
			continue;                 /* an empty row */
		rec_clear(&rec);
		eu_origin_format(&rec.v[EU_C_ORIGIN], path, row.line);
		const char *bad = row.bad;
		char why[160];
		if (!bad && (used > width || row.n < width)) {
			snprintf(why, sizeof why, "ragged row: %zu fields where the header (line %ld) has %zu; not shifted into columns; first field \"%.40s\"",
				 used, header_line, width, row.f[0]);
			bad = why;
		}
		if (bad) {
			eu_buf_adds(&rec.v[EU_C_SOURCE], "sdeo");
			eu_buf_adds(&rec.v[EU_C_REJECT], bad);
			if (eu_diag_max_per_file == 0 || shown++ < eu_diag_max_per_file)
				eu_warn_at(path, row.line, "%s", bad);
			eu_status_raise(&status, EU_EXIT_BADREC);
			listings_write_rec(r, &rec);
			continue;
		}
		if (!group_rule) {
			map_row(S, p, &row, &rec);
			if (!rec.v[EU_C_ID].len) {
				eu_buf_adds(&rec.v[EU_C_REJECT], "the row has no id");
				eu_warn_at(path, row.line, "row without an id: passed on as rejected");
				eu_status_raise(&status, EU_EXIT_BADREC);
			} else if (rec.v[EU_C_WARNINGS].len) {
				eu_warn_at(path, row.line, "record %s: %s", rec.v[EU_C_ID].p, rec.v[EU_C_WARNINGS].p);
			}
			listings_deliver(r, &rec);
			continue;
		}
		/* A participant row: find its project's group. */
		eu_buf_clear(&key);
		if (group_rule->src >= 0)
			eu_collapse_ws(&key, row.f[group_rule->src], row.len[group_rule->src]);
		if (!key.len) {
			map_row(S, p, &row, &rec);
			eu_buf_adds(&rec.v[EU_C_REJECT], "the participant row has no project id");
			eu_warn_at(path, row.line, "participant row without a project id: passed on as rejected");
			eu_status_raise(&status, EU_EXIT_BADREC);
			listings_write_rec(r, &rec);
			continue;
		}
		struct group *g = NULL;
		/* Groups are few per file; the last one is the likely match. */
		for (size_t i = ngroups; i-- > 0;)
			if (!strcmp(groups[i].key, key.p)) {
				g = &groups[i];
				break;
			}
		if (!g) {
			if (ngroups == capgroups) {
				capgroups = capgroups ? capgroups * 2 : 64;
				groups = eu_xrealloc(groups, capgroups * sizeof *groups);
			}
			g = &groups[ngroups++];
			g->key = eu_xstrdup(key.p);
			listings_rec_init(&g->rec, S->ncols);
			map_row(S, p, &row, &g->rec);
			eu_buf_printf(&g->rec.v[group_rule->col], "%s%s", group_rule->opt, key.p);
			eu_origin_format(&g->rec.v[EU_C_ORIGIN], path, row.line);
		}
		const char *av[EU_P_NATTR] = {0};
		eu_buf attr[EU_P_NATTR];
		for (int a = 0; a < EU_P_NATTR; a++)
			attr[a] = (eu_buf)EU_BUF_INIT;
		for (size_t k = 0; k < p->n; k++) {
			const struct lrule *ru = &p->r[k];
			if (ru->src < 0 || (size_t)ru->src >= row.n)
				continue;
			eu_buf_clear(&tmp);
			eu_collapse_ws(&tmp, row.f[ru->src], row.len[ru->src]);
			if (ru->kind == L_PARTNER && !attr[ru->pattr].len) {
				eu_buf_add(&attr[ru->pattr], tmp.p, tmp.len);
			} else if (ru->kind == L_SUM && tmp.len) {
				double a, sum = 0;
				enum eu_currency c;
				if (eu_parse_amount_dec(tmp.p, ru->dec, &a, &c) == 0 && a >= 0) {
					if (g->rec.v[ru->col].len)
						sum = strtod(g->rec.v[ru->col].p, NULL);
					eu_buf_clear(&g->rec.v[ru->col]);
					eu_fmt_amount(&g->rec.v[ru->col], sum + eu_to_eur(a, c, ru->cur, S->dkk_rate));
				} else {
					warn_add(&g->rec.v[EU_C_WARNINGS], S->cols[ru->col], "an amount", tmp.p);
				}
			}
		}
		for (int a = 0; a < EU_P_NATTR; a++)
			av[a] = attr[a].p;
		if (attr[EU_P_NAME].len)
			eu_partner_encode(&g->rec.v[EU_C_PARTNERS], av);
		else
			warn_add(&g->rec.v[EU_C_WARNINGS], "partners", "a named participant", "");
		for (int a = 0; a < EU_P_NATTR; a++)
			eu_buf_free(&attr[a]);
	}
	if (got < 0) {
		eu_warn_at(path, 0, "read error: %s", strerror(errno));
		eu_status_raise(&status, EU_EXIT_INPUT);
	}
	for (size_t i = 0; i < ngroups; i++) {
		listings_deliver(r, &groups[i].rec);
		listings_rec_free(&groups[i].rec);
		free(groups[i].key);
	}
	free(groups);
	listings_rec_free(&rec);
	eu_buf_free(&key);
	eu_buf_free(&tmp);
	eu_reader_close(rd);
	if (fd)
		close(fd);
	return status;
}
