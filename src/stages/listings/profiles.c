/* euprio-sdeo's listing profiles: the tables in config/listings (sdeo,
 * erdf, cordis-participants) compiled into rules that name, by folded
 * header synonyms, which cell fills which output column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "listings_int.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "euprio/stream/partners.h"
#include "euprio/stream/schema.h"

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
	static const char *const kinds[L_NKIND] = {
		[L_CONST] = "const", [L_FIELD] = "field", [L_TEXT] = "text", [L_DATE] = "date",
		[L_AMOUNT] = "amount", [L_PARTNERS] = "partners", [L_LEAD] = "lead", [L_IDHASH] = "idhash",
		[L_GROUP] = "group", [L_SUM] = "sum", [L_PARTNER] = "partner",
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
		const char *col = eu_table_get(&t, r, cc), *hdr = eu_table_get(&t, r, ch),
			   *opt = eu_table_get(&t, r, co);
		int k = eu_table_enum(&t, r, ck, "kind", kinds, L_NKIND);
		if (k < 0) {
			rc = -1;
			continue;
		}
		ru.kind = (enum lkind)k;
		ru.col = -1;
		ru.pattr = -1;
		if (ru.kind == L_LEAD || ru.kind == L_PARTNER) {
			ru.pattr = eu_pattr_index(col);
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

int listings_load_profiles(eu_listings *S, const char *config_dir)
{
	int rc = 0;

	for (int i = 0; i < EU_NCANON; i++)
		col_index(S, eu_canon_names[i], 1);

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
	return rc;
}

void listings_free_profiles(eu_listings *S)
{
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
}
