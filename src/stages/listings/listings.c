/* Listing spreadsheets to canonical records.
 *
 * A file's dialect is found from its first 64 KiB: encoding (BOM, valid
 * UTF-8, else Windows-1252), then, for each delimiter, the row among the
 * first 30 that names the most columns of a listing profile is the header
 * (so title rows and notes above it are skipped).  The rest streams through
 * the ordinary reader.  Rows whose field count disagrees with the header
 * are never shifted: they travel on as rejected with file and line.
 * Grouped profiles (CORDIS participants) hold their groups until the end of
 * the file, because participant files are not sorted by project. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/encoding.h"
#include "euprio/core/reader.h"
#include "euprio/stream/schema.h"
#include "euprio/stages/listings.h"
#include "euprio/stream/stream.h"
#include "euprio/core/strmap.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"

#define SNIFF (64 * 1024)
#define SNIFF_ROWS 30

enum lkind { L_CONST, L_FIELD, L_TEXT, L_DATE, L_AMOUNT, L_PARTNERS, L_LEAD, L_IDHASH,
	     L_GROUP, L_SUM, L_PARTNER };

struct lrule {
	enum lkind kind;
	long col;                /* output column */
	int pattr;               /* partner attribute for L_LEAD / L_PARTNER */
	char **hdr;              /* folded synonyms */
	size_t nhdr;
	char *opt;
	enum eu_currency cur;
	char dec;
	long src;                /* per file: the input column, or -1 */
};

struct lprofile {
	char *name;
	struct lrule *r;
	size_t n;
	int grouped;
};

struct eu_listings {
	struct lprofile *p;
	size_t np;
	eu_listings_opts o;
	double dkk_rate;
	char **cols;             /* output columns: canonical, then extras */
	size_t ncols;
	pcre2_code *re_paren, *re_tail, *re_cc, *re_pc;
	pcre2_match_data *md;
};

static long col_index(eu_listings *S, const char *name, int add)
{
	for (size_t i = 0; i < S->ncols; i++)
		if (strcmp(S->cols[i], name) == 0)
			return (long)i;
	if (!add)
		return -1;
	S->cols = eu_xrealloc(S->cols, (S->ncols + 1) * sizeof *S->cols);
	S->cols[S->ncols] = eu_xstrdup(name);
	return (long)S->ncols++;
}

static int load_profile(eu_listings *S, struct lprofile *p, const char *dir, const char *file)
{
	static const char *const req[] = {"kind", "column", "header", NULL};
	static const struct { const char *name; enum lkind k; } kinds[] = {
		{"const", L_CONST}, {"field", L_FIELD}, {"text", L_TEXT}, {"date", L_DATE},
		{"amount", L_AMOUNT}, {"partners", L_PARTNERS}, {"lead", L_LEAD}, {"idhash", L_IDHASH},
		{"group", L_GROUP}, {"sum", L_SUM}, {"partner", L_PARTNER},
	};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, file, req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	p->name = eu_xstrdup(file);
	char *dot = strrchr(p->name, '.');
	if (dot)
		*dot = '\0';
	long ck = eu_table_col(&t, "kind"), cc = eu_table_col(&t, "column"),
	     ch = eu_table_col(&t, "header"), co = eu_table_col(&t, "option");
	p->r = eu_xcalloc(t.nrows + 1, sizeof *p->r);
	for (size_t r = 0; r < t.nrows; r++) {
		struct lrule ru = {0};
		const char *kind = eu_table_get(&t, r, ck), *col = eu_table_get(&t, r, cc),
			   *hdr = eu_table_get(&t, r, ch), *opt = eu_table_get(&t, r, co);
		size_t k;
		for (k = 0; k < sizeof kinds / sizeof *kinds; k++)
			if (!strcmp(kinds[k].name, kind))
				break;
		if (k == sizeof kinds / sizeof *kinds) {
			eu_table_error(&t, r, ck, "unknown kind '%s'", kind);
			rc = -1;
			continue;
		}
		ru.kind = kinds[k].k;
		ru.col = -1;
		ru.pattr = -1;
		if (ru.kind == L_LEAD || ru.kind == L_PARTNER) {
			for (int a = 0; a < EU_P_NATTR; a++)
				if (!strcmp(eu_pattr_names[a], col))
					ru.pattr = a;
			if (ru.pattr < 0) {
				eu_table_error(&t, r, cc, "'%s' is not a partner attribute", col);
				rc = -1;
				continue;
			}
			ru.col = col_index(S, "partners", 1);
		} else {
			int canon = eu_canon_index(col);
			if (canon == EU_C_ORIGIN || canon == EU_C_WARNINGS || canon == EU_C_REJECT || !*col ||
			    strpbrk(col, ",;\"\n")) {
				eu_table_error(&t, r, cc, "'%s' is not a column a profile can fill", col);
				rc = -1;
				continue;
			}
			ru.col = col_index(S, col, 1);
		}
		if (ru.kind == L_PARTNERS && strcmp(col, "partners")) {
			eu_table_error(&t, r, cc, "partners rows fill the partners column");
			rc = -1;
			continue;
		}
		if (ru.kind == L_GROUP)
			p->grouped = 1;
		ru.opt = eu_xstrdup(opt);
		ru.cur = EU_CUR_EUR;
		if (ru.kind == L_AMOUNT || ru.kind == L_SUM) {
			if (!strncasecmp(opt, "DKK", 3))
				ru.cur = EU_CUR_DKK;
			else if (*opt && strncasecmp(opt, "EUR", 3)) {
				eu_table_error(&t, r, co, "currency must be EUR or DKK, not '%s'", opt);
				rc = -1;
			}
			const char *colon = strchr(opt, ':');
			if (colon)
				ru.dec = colon[1];
		}
		if (ru.kind != L_CONST) {
			char *copy = eu_xstrdup(hdr), *save = NULL;
			for (char *h = strtok_r(copy, "|", &save); h; h = strtok_r(NULL, "|", &save)) {
				eu_buf f = EU_BUF_INIT;
				eu_fold(&f, h, strlen(h));
				if (!f.len) {
					eu_buf_free(&f);
					continue;
				}
				ru.hdr = eu_xrealloc(ru.hdr, (ru.nhdr + 1) * sizeof *ru.hdr);
				ru.hdr[ru.nhdr++] = f.p;
			}
			free(copy);
			if (!ru.nhdr) {
				eu_table_error(&t, r, ch, "a header name is needed");
				rc = -1;
			}
		}
		p->r[p->n++] = ru;
	}
	int has_id = 0;
	for (size_t i = 0; i < p->n; i++)
		has_id |= p->r[i].col == EU_C_ID && p->r[i].kind != L_LEAD && p->r[i].kind != L_PARTNER;
	if (!has_id) {
		eu_warn_at(t.path, 0, "profile has no rule for the id column");
		rc = -1;
	}
	eu_table_free(&t);
	return rc;
}

static pcre2_code *re(const char *pat)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				      PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (c)
		eu_jit(c);
	return c;
}

eu_listings *eu_listings_new(const char *config_dir, const eu_listings_opts *o)
{
	eu_listings *S = eu_xcalloc(1, sizeof *S);
	eu_settings st;
	int rc = 0;

	if (o)
		S->o = *o;
	for (int i = 0; i < EU_NCANON; i++)
		col_index(S, eu_canon_names[i], 1);
	if (eu_settings_load(&st, config_dir, "settings.csv") < 0 ||
	    eu_setting_number(&st, "dkk_rate", 0.01, 1000, &S->dkk_rate) < 0)
		rc = -1;
	eu_settings_free(&st);

	static const char *const names[] = {"sdeo.csv", "erdf.csv", "cordis-participants.csv"};
	eu_buf dir = EU_BUF_INIT;
	eu_buf_printf(&dir, "%s/listings", config_dir);
	S->p = eu_xcalloc(4, sizeof *S->p);
	for (size_t i = 0; i < 3; i++) {
		char want[128];
		snprintf(want, sizeof want, "%s.csv", S->o.profile ? S->o.profile : "");
		if (S->o.profile && strcmp(names[i], want))
			continue;
		rc |= load_profile(S, &S->p[S->np++], dir.p, names[i]);
	}
	if (S->o.profile && !S->np) {
		eu_warnx("no listing profile '%s' (sdeo, erdf, cordis-participants)", S->o.profile);
		rc = -1;
	}
	eu_buf_free(&dir);

	/* The free-text partner grammar: "Name (parts)" or "Name, CC". */
	S->re_paren = re("^(.*?)\\s*\\(([^()]*)\\)\\s*$");
	S->re_tail = re("^(.*?),\\s*(\\p{Lu}{2})\\s*$");
	S->re_cc = re("^\\p{Lu}{2}$");
	S->re_pc = re("^(?:[A-Z]{1,2}-)?(\\d{4,5})\\s+(.+)$");
	S->md = pcre2_match_data_create(4, NULL);
	if (rc) {
		eu_listings_free(S);
		return NULL;
	}
	return S;
}

void eu_listings_free(eu_listings *S)
{
	if (!S)
		return;
	for (size_t i = 0; i < S->np; i++) {
		for (size_t k = 0; k < S->p[i].n; k++) {
			for (size_t h = 0; h < S->p[i].r[k].nhdr; h++)
				free(S->p[i].r[k].hdr[h]);
			free(S->p[i].r[k].hdr);
			free(S->p[i].r[k].opt);
		}
		free(S->p[i].r);
		free(S->p[i].name);
	}
	free(S->p);
	for (size_t i = 0; i < S->ncols; i++)
		free(S->cols[i]);
	free(S->cols);
	pcre2_code_free(S->re_paren);
	pcre2_code_free(S->re_tail);
	pcre2_code_free(S->re_cc);
	pcre2_code_free(S->re_pc);
	pcre2_match_data_free(S->md);
	free(S);
}

static int match(const eu_listings *S, pcre2_code *c, const char *s, size_t n)
{
	return pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, S->md, NULL) >= 0;
}

static void group_str(const eu_listings *S, int g, eu_buf *out, const char *s)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(S->md);
	eu_buf_add(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

static void trim_buf(eu_buf *b)
{
	static const char space[] = " \t\r\n\v\f";
	size_t st = 0;
	while (st < b->len && strchr(space, b->p[st]) && b->p[st])
		st++;
	memmove(b->p, b->p + st, b->len - st + 1);
	b->len -= st;
	while (b->len && b->p[b->len - 1] && strchr(space, b->p[b->len - 1]))
		b->p[--b->len] = '\0';
}

void eu_listings_free_partners(const eu_listings *S, const char *s, size_t len, eu_buf *out)
{
	eu_buf item = EU_BUF_INIT, name = EU_BUF_INIT, rest = EU_BUF_INIT, part = EU_BUF_INIT;
	eu_buf pc = EU_BUF_INIT, city = EU_BUF_INIT, cc = EU_BUF_INIT;
	const char *end = s + len;

	while (s < end) {
		const char *stop = s;
		while (stop < end && *stop != ';' && *stop != '\n')
			stop++;
		eu_buf_clear(&item);
		eu_buf_add(&item, s, (size_t)(stop - s));
		trim_buf(&item);
		s = stop < end ? stop + 1 : end;
		if (!item.len)
			continue;
		eu_buf_clear(&name);
		eu_buf_clear(&rest);
		eu_buf_clear(&pc);
		eu_buf_clear(&city);
		eu_buf_clear(&cc);
		if (match(S, S->re_paren, item.p, item.len)) {
			group_str(S, 1, &name, item.p);
			group_str(S, 2, &rest, item.p);
		} else if (match(S, S->re_tail, item.p, item.len)) {
			group_str(S, 1, &name, item.p);
			group_str(S, 2, &cc, item.p);
		} else {
			eu_buf_add(&name, item.p, item.len);
		}
		/* "DK, 5000 Odense C": a country code, a postcode with its
		 * town, or a town. */
		const char *r = rest.p ? rest.p : "", *rend = r + rest.len;
		while (r < rend) {
			const char *comma = memchr(r, ',', (size_t)(rend - r));
			const char *pe = comma ? comma : rend;
			eu_buf_clear(&part);
			eu_buf_add(&part, r, (size_t)(pe - r));
			trim_buf(&part);
			r = comma ? comma + 1 : rend;
			if (!part.len)
				continue;
			if (match(S, S->re_cc, part.p, part.len)) {
				eu_buf_clear(&cc);
				eu_buf_add(&cc, part.p, part.len);
			} else if (match(S, S->re_pc, part.p, part.len)) {
				eu_buf_clear(&pc);
				eu_buf_clear(&city);
				group_str(S, 1, &pc, part.p);
				group_str(S, 2, &city, part.p);
			} else if (!city.len) {
				eu_buf_add(&city, part.p, part.len);
			}
		}
		trim_buf(&name);
		if (!name.len)
			continue;
		const char *v[EU_P_NATTR] = {name.p, NULL, NULL, "partner", pc.p, city.p, cc.p};
		eu_partner_encode(out, v);
	}
	eu_buf_free(&item);
	eu_buf_free(&name);
	eu_buf_free(&rest);
	eu_buf_free(&part);
	eu_buf_free(&pc);
	eu_buf_free(&city);
	eu_buf_free(&cc);
}

/* ---- dialect detection ---- */

struct dialect {
	const struct lprofile *p;
	unsigned char delim;
	int cp1252;
	size_t header_row;       /* rows to skip before the header */
	int score;
};

/* How many of the profile's rules name a cell of this row.  cells are the
 * row's cells, already folded. */
static int score_row(const struct lprofile *p, char *const *cells, size_t n)
{
	int score = 0;

	for (size_t k = 0; k < p->n; k++) {
		const struct lrule *ru = &p->r[k];
		int hit = 0;
		for (size_t c = 0; c < n && !hit; c++)
			for (size_t h = 0; h < ru->nhdr && !hit; h++)
				hit = cells[c][0] && strcmp(cells[c], ru->hdr[h]) == 0;
		score += hit;
	}
	return score;
}

static char *to_utf8(const char *in, size_t len, size_t *outlen)
{
	char *out = eu_xmalloc(len * 3 + 4);

	*outlen = eu_cp1252_to_utf8((const unsigned char *)in, len, (unsigned char *)out);
	return out;
}

static int detect(const eu_listings *S, const char *buf, size_t len, int at_eof, struct dialect *d)
{
	memset(d, 0, sizeof *d);
	if (S->o.encoding == EU_ENC_CP1252)
		d->cp1252 = 1;
	else if (S->o.encoding == EU_ENC_AUTO && !(len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))) {
		/* Valid UTF-8, allowing a sequence cut at the end of the sniff. */
		size_t ok = eu_utf8_check(buf, len);
		d->cp1252 = ok != len && (at_eof || len - ok > 3);
	}
	size_t ulen = len;
	char *u = d->cp1252 ? to_utf8(buf, len, &ulen) : NULL;
	const char *text = u ? u : buf;
	static const unsigned char delims[] = {';', ',', '\t'};

	for (size_t di = 0; di < 3; di++) {
		if (S->o.delim && S->o.delim != delims[di])
			continue;
		eu_reader_opts ro = {.delim = delims[di], .check_utf8 = 0, .check_width = 0, .max_field = 1 << 20};
		eu_reader *r = eu_reader_mem(text, ulen, "sniff", &ro);
		eu_row row;
		for (size_t n = 0; n < SNIFF_ROWS && eu_reader_next(r, &row) == 1; n++) {
			/* Header names are short; a long cell is data, not a name. */
			char **cells = eu_xcalloc(row.n + 1, sizeof *cells);
			for (size_t c = 0; c < row.n; c++) {
				eu_buf f = EU_BUF_INIT;
				eu_fold(&f, row.f[c], row.len[c] > 200 ? 0 : row.len[c]);
				cells[c] = f.p;
			}
			for (size_t pi = 0; pi < S->np; pi++) {
				int sc = score_row(&S->p[pi], cells, row.n);
				if (sc > d->score) {
					d->score = sc;
					d->p = &S->p[pi];
					d->delim = delims[di];
					d->header_row = n;
				}
			}
			for (size_t c = 0; c < row.n; c++)
				free(cells[c]);
			free(cells);
		}
		eu_reader_close(r);
	}
	free(u);
	return d->score >= 2 ? 0 : -1;
}

/* ---- records ---- */

struct rec {
	eu_buf *v;               /* per output column */
	size_t n;
};

static void rec_init(struct rec *r, size_t n)
{
	r->n = n;
	r->v = eu_xcalloc(n, sizeof *r->v);
}

static void rec_clear(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		eu_buf_clear(&r->v[i]);
}

static void rec_free(struct rec *r)
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
				trim_buf(v);
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

/* ---- output, with the join ---- */

struct joined {
	char *key;
	struct rec listing;
};

struct run {
	eu_listings *S;
	eu_writer *w;            /* final output, or the unmatched spool */
	int status;
	/* --append */
	int joining;
	eu_strmap keys;          /* applications' join keys */
	struct joined *j;
	size_t nj;
};

/* Call ids compare without case or stray spaces; without one, the acronym
 * (marked so it never equals a call id). */
static void join_key(eu_buf *k, const char *call, size_t clen, const char *acr, size_t alen)
{
	eu_buf_clear(k);
	const char *s = clen ? call : acr;
	size_t n = clen ? clen : alen;
	if (!n)
		return;
	if (!clen)
		eu_buf_adds(k, "acronym:");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t')
			continue;
		eu_buf_addc(k, (c >= 'a' && c <= 'z') ? (char)(c - 32) : c);
	}
}

static void key_add(struct run *r, const char *k)
{
	eu_strmap_add(&r->keys, k, strlen(k), NULL);
}

static int key_has(const struct run *r, const char *k)
{
	int found;

	eu_strmap_get(&r->keys, k, strlen(k), &found);
	return found;
}

static void write_rec(struct run *r, const struct rec *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		eu_write_field(r->w, rec->v[i].p ? rec->v[i].p : "", rec->v[i].len, 0);
	eu_write_end(r->w);
}

/* A finished listing record: joined onto applications, or written. */
static void deliver(struct run *r, struct rec *rec)
{
	if (r->joining && !rec->v[EU_C_REJECT].len) {
		eu_buf k = EU_BUF_INIT;
		join_key(&k, rec->v[EU_C_CALL_ID].p, rec->v[EU_C_CALL_ID].len,
			 rec->v[EU_C_ACRONYM].p, rec->v[EU_C_ACRONYM].len);
		if (k.len && key_has(r, k.p)) {
			for (size_t i = 0; i < r->nj; i++)
				if (!strcmp(r->j[i].key, k.p)) {
					eu_warnx("%s: listing %s joins call %s, already joined by an earlier listing; the first is kept",
						 rec->v[EU_C_ORIGIN].p, rec->v[EU_C_ID].p, k.p);
					eu_buf_free(&k);
					return;
				}
			r->j = eu_xrealloc(r->j, (r->nj + 1) * sizeof *r->j);
			r->j[r->nj].key = eu_xstrdup(k.p);
			rec_init(&r->j[r->nj].listing, rec->n);
			for (size_t i = 0; i < rec->n; i++)
				eu_buf_add(&r->j[r->nj].listing.v[i], rec->v[i].p ? rec->v[i].p : "", rec->v[i].len);
			r->nj++;
			eu_buf_free(&k);
			return;
		}
		eu_buf_free(&k);
	}
	write_rec(r, rec);
}

struct group {
	char *key;
	struct rec rec;
	size_t first_line;
};

static int read_listing(struct run *r, const char *path)
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
	if (detect(S, sniff, slen, eof, &d) < 0) {
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
	rec_init(&rec, S->ncols);
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
			write_rec(r, &rec);
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
			deliver(r, &rec);
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
			write_rec(r, &rec);
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
			rec_init(&g->rec, S->ncols);
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
		deliver(r, &groups[i].rec);
		rec_free(&groups[i].rec);
		free(groups[i].key);
	}
	free(groups);
	rec_free(&rec);
	eu_buf_free(&key);
	eu_buf_free(&tmp);
	eu_reader_close(rd);
	if (fd)
		close(fd);
	return status;
}

static int copy_fd(int from, int to)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(from, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t k = write(to, buf + off, (size_t)(n - off));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -1;
			off += k;
		}
	}
}

int eu_listings_run(eu_listings *S, char *const *paths, size_t npaths, int append_fd, eu_writer *out)
{
	struct run r = {.S = S, .w = out};
	int apps = -1, unmatched = -1;
	static char *const stdin_only[] = {"-"};

	if (npaths == 0) {
		if (append_fd == 0) {
			eu_warnx("--append reads the record stream on stdin: name the listing files");
			return EU_EXIT_USAGE;
		}
		paths = stdin_only;
		npaths = 1;
	}
	if (append_fd < 0) {
		for (size_t i = 0; i < S->ncols; i++)
			eu_write_str(out, S->cols[i]);
		eu_write_end(out);
		for (size_t i = 0; i < npaths && !eu_writer_error(out); i++)
			eu_status_raise(&r.status, read_listing(&r, paths[i]));
		return r.status;
	}

	/* The join: spool the applications (only their join keys stay in
	 * memory), stream the listings (unmatched ones to a second spool),
	 * then write the applications with their listings' data, then the
	 * unmatched listings. */
	apps = eu_spool_fd("sdeo");
	unmatched = eu_spool_fd("sdeo");
	if (apps < 0 || unmatched < 0 || copy_fd(append_fd, apps) < 0) {
		eu_warnx("cannot spool the record stream: %s", strerror(errno));
		if (apps >= 0) close(apps);
		if (unmatched >= 0) close(unmatched);
		return EU_EXIT_OUTPUT;
	}
	eu_stream s;
	char path[64];
	/* Each open of /dev/fd/N is a fresh description with its own offset. */
	snprintf(path, sizeof path, "/dev/fd/%d", apps);
	char *const app_paths[] = {path};
	eu_stream_open(&s, app_paths, 1, NULL);
	long acall = eu_stream_col(&s, "call_id"), aacr = eu_stream_col(&s, "acronym");
	eu_rec rec;
	eu_buf k = EU_BUF_INIT;
	while (eu_stream_next(&s, &rec)) {
		if (rec.bad)
			continue;
		join_key(&k, acall >= 0 ? rec.v[acall] : "", acall >= 0 ? rec.len[acall] : 0,
			 aacr >= 0 ? rec.v[aacr] : "", aacr >= 0 ? rec.len[aacr] : 0);
		if (k.len)
			key_add(&r, k.p);
	}
	r.status = s.status;
	eu_stream_close(&s);

	r.joining = 1;
	r.w = eu_writer_fdopen(unmatched, "spool", NULL);
	for (size_t i = 0; i < npaths; i++)
		eu_status_raise(&r.status, read_listing(&r, paths[i]));
	if (eu_writer_flush(r.w) < 0) {
		eu_warnx("cannot spool listings: %s", strerror(errno));
		eu_status_raise(&r.status, EU_EXIT_OUTPUT);
	}
	eu_writer_close(r.w);
	r.w = out;

	/* Output header: the applications' columns, then any listing column
	 * they lack. */
	eu_stream_open(&s, app_paths, 1, NULL);
	long *lmap = eu_xcalloc(S->ncols, sizeof *lmap);
	for (size_t i = 0; i < S->ncols; i++)
		lmap[i] = (long)eu_stream_add_col(&s, S->cols[i]);
	for (size_t i = 0; i < s.ncols; i++)
		eu_write_str(out, s.cols[i]);
	eu_write_end(out);
	acall = eu_stream_col(&s, "call_id");
	aacr = eu_stream_col(&s, "acronym");
	long asdeo = eu_stream_col(&s, "sdeo_id");
	unsigned long joined = 0;
	while (eu_stream_next(&s, &rec) && !eu_writer_error(out)) {
		struct rec *l = NULL;
		if (!rec.bad) {
			join_key(&k, rec.v[acall], rec.len[acall], aacr >= 0 ? rec.v[aacr] : "", aacr >= 0 ? rec.len[aacr] : 0);
			for (size_t i = 0; k.len && i < r.nj; i++)
				if (!strcmp(r.j[i].key, k.p))
					l = &r.j[i].listing;
		}
		joined += l != NULL;
		for (size_t c = 0; c < s.ncols; c++) {
			const char *v = rec.v[c];
			size_t n = rec.len[c];
			if (l && (long)c == asdeo && !n) {
				const eu_buf *sid = l->v[EU_C_SDEO_ID].len ? &l->v[EU_C_SDEO_ID] : &l->v[EU_C_ID];
				v = sid->p;
				n = sid->len;
			} else if (l && !n) {
				/* Fill what the application left empty. */
				for (size_t i = 0; i < S->ncols; i++)
					if (lmap[i] == (long)c && i != EU_C_ID && i != EU_C_SOURCE && i != EU_C_ORIGIN &&
					    i != EU_C_WARNINGS && i != EU_C_REJECT && l->v[i].len) {
						v = l->v[i].p;
						n = l->v[i].len;
					}
			}
			eu_write_field(out, v, n, 0);
		}
		eu_write_end(out);
	}
	eu_status_raise(&r.status, s.status);
	eu_stream_close(&s);

	/* The unmatched listings, laid out under the output header. */
	char upath[64];
	snprintf(upath, sizeof upath, "/dev/fd/%d", unmatched);
	eu_reader_opts ro = {.check_utf8 = 1, .check_width = 0};
	eu_reader *rd = eu_reader_open(upath, &ro);
	eu_row row;
	eu_stream_open(&s, app_paths, 1, NULL);
	for (size_t i = 0; i < S->ncols; i++)
		lmap[i] = (long)eu_stream_add_col(&s, S->cols[i]);
	const char **outv = eu_xcalloc(s.ncols, sizeof *outv);
	size_t *outl = eu_xcalloc(s.ncols, sizeof *outl);
	while (rd && eu_reader_next(rd, &row) == 1 && !eu_writer_error(out)) {
		for (size_t c = 0; c < s.ncols; c++) {
			outv[c] = "";
			outl[c] = 0;
		}
		for (size_t i = 0; i < row.n && i < S->ncols; i++) {
			outv[lmap[i]] = row.f[i];
			outl[lmap[i]] = row.len[i];
		}
		for (size_t c = 0; c < s.ncols; c++)
			eu_write_field(out, outv[c], outl[c], 0);
		eu_write_end(out);
	}
	eu_warnx("%lu applications joined with a listing, %zu listings matched", joined, r.nj);
	free(outv);
	free(outl);
	eu_reader_close(rd);
	eu_stream_close(&s);
	free(lmap);
	eu_strmap_free(&r.keys, NULL);
	for (size_t i = 0; i < r.nj; i++) {
		free(r.j[i].key);
		rec_free(&r.j[i].listing);
	}
	free(r.j);
	eu_buf_free(&k);
	close(apps);
	close(unmatched);
	return r.status;
}
