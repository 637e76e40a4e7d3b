/* euprio-sdeo's listing profiles: every table in config/listings compiled
 * into rules that name, by folded header synonyms, which cell fills which
 * output column.  A new profile is a new file there, usable by its name
 * and found by header detection: no list of profiles lives in code. */
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

/* Splits a '|' list into folded items: header synonyms, or (values) the
 * values a label or ended rule names, where a trailing '*' marks a prefix.
 * Returns the number of items. */
static size_t fold_list(struct lrule *ru, const char *list, int values)
{
	int stars = values;
	char *copy = eu_xstrdup(list), *save = NULL;

	for (char *h = strtok_r(copy, "|", &save); h; h = strtok_r(NULL, "|", &save)) {
		eu_buf f = EU_BUF_INIT;
		size_t hl = strlen(h);
		int star = 0;
		while (hl && (h[hl - 1] == ' ' || h[hl - 1] == '\t'))
			hl--;
		if (stars && hl && h[hl - 1] == '*') {
			star = 1;
			hl--;
		}
		eu_fold(&f, h, hl);
		if (!f.len) {
			eu_buf_free(&f);
			continue;
		}
		if (values) {
			ru->val = eu_xrealloc(ru->val, (ru->nval + 1) * sizeof *ru->val);
			ru->prefix = eu_xrealloc(ru->prefix, ru->nval + 1);
			ru->prefix[ru->nval] = (unsigned char)star;
			ru->val[ru->nval++] = f.p;
		} else {
			ru->hdr = eu_xrealloc(ru->hdr, (ru->nhdr + 1) * sizeof *ru->hdr);
			ru->hdr[ru->nhdr++] = f.p;
		}
	}
	free(copy);
	return values ? ru->nval : ru->nhdr;
}

/* An idhash rule's columns: "title+start_date+programme". */
static int idhash_parts(eu_listings *S, eu_table *t, size_t row, long cc, struct lrule *ru, const char *list)
{
	char *copy = eu_xstrdup(list), *save = NULL;
	int rc = 0;

	for (char *h = strtok_r(copy, "+", &save); h; h = strtok_r(NULL, "+", &save)) {
		char *name = eu_trim(h);
		long c = col_index(S, name, 0);
		if (c < 0 || c == EU_C_ID) {
			eu_table_error(t, row, cc, "idhash: '%s' is not an output column another rule fills", name);
			rc = -1;
			continue;
		}
		ru->parts = eu_xrealloc(ru->parts, (ru->nparts + 1) * sizeof *ru->parts);
		ru->parts[ru->nparts++] = c;
	}
	free(copy);
	if (!ru->nparts && !rc) {
		eu_table_error(t, row, cc, "idhash needs the columns that make the id, '+'-separated");
		rc = -1;
	}
	return rc;
}

static int load_profile(eu_listings *S, struct lprofile *p, const char *dir, const char *file)
{
	static const char *const req[] = {"kind", "column", "header", NULL};
	static const char *const kinds[L_NKIND] = {
		[L_CONST] = "const", [L_FIELD] = "field", [L_TEXT] = "text", [L_DATE] = "date",
		[L_AMOUNT] = "amount", [L_ORIGINAL] = "original", [L_PARTNERS] = "partners",
		[L_LEAD] = "lead", [L_IDHASH] = "idhash", [L_GROUP] = "group", [L_SUM] = "sum",
		[L_PARTNER] = "partner", [L_ENDED] = "ended", [L_PAIR] = "pair", [L_LABEL] = "label",
		[L_IGNORE] = "ignore",
	};
	eu_table t;
	int rc = 0;

	p->group = p->pair = -1;
	p->name = eu_xstrdup(file);
	char *dot = strrchr(p->name, '.');
	if (dot)
		*dot = '\0';
	if (eu_table_load(&t, dir, file, req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long ck = eu_table_col(&t, "kind"), cc = eu_table_col(&t, "column"),
	     ch = eu_table_col(&t, "header"), co = eu_table_col(&t, "option");
	p->r = eu_xcalloc(t.nrows + 1, sizeof *p->r);
	/* idhash names columns other rules fill: compile it after them. */
	for (int pass = 0; pass < 2; pass++)
	for (size_t r = 0; r < t.nrows; r++) {
		struct lrule ru = {0};
		const char *col = eu_table_get(&t, r, cc), *hdr = eu_table_get(&t, r, ch),
			   *opt = eu_table_get(&t, r, co);
		int k = eu_table_enum(&t, r, ck, "kind", kinds, L_NKIND);
		if (k < 0) {
			if (pass == 0)
				rc = -1;
			continue;
		}
		if ((k == L_IDHASH) != (pass == 1))
			continue;
		ru.kind = (enum lkind)k;
		ru.col = -1;
		ru.pattr = -1;
		if (ru.kind == L_IGNORE) {
			/* Columns known and deliberately not read. */
		} else if (ru.kind == L_LEAD || ru.kind == L_PARTNER) {
			ru.pattr = eu_pattr_index(col);
			if (ru.pattr < 0) {
				eu_table_error(&t, r, cc, "'%s' is not a partner attribute", col);
				rc = -1;
				continue;
			}
			ru.col = col_index(S, "partners", 1);
		} else if (ru.kind == L_ENDED) {
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
		if ((ru.kind == L_IDHASH || ru.kind == L_GROUP || ru.kind == L_PAIR) && ru.col != EU_C_ID) {
			eu_table_error(&t, r, cc, "%s rows fill the id column", kinds[ru.kind]);
			rc = -1;
			continue;
		}
		if (ru.kind == L_GROUP || ru.kind == L_PAIR) {
			long *slot = ru.kind == L_GROUP ? &p->group : &p->pair;
			if (*slot >= 0 || (ru.kind == L_GROUP ? p->pair : p->group) >= 0) {
				eu_table_error(&t, r, ck, "a profile has one group or one pair rule");
				rc = -1;
				continue;
			}
			*slot = (long)p->n;
		}
		ru.opt = eu_xstrdup(opt);
		ru.cur = EU_CUR_EUR;
		if (ru.kind == L_AMOUNT || ru.kind == L_ORIGINAL || ru.kind == L_SUM) {
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
		if ((ru.kind == L_LABEL || ru.kind == L_ENDED) && !*opt) {
			eu_table_error(&t, r, co, ru.kind == L_LABEL ? "a label row needs the label"
								     : "an ended row needs the values that mean 'left'");
			rc = -1;
		}
		if (ru.kind == L_ENDED && *opt)
			fold_list(&ru, opt, 1);
		if (ru.kind == L_IDHASH) {
			rc |= idhash_parts(S, &t, r, ch, &ru, hdr);
		} else if (ru.kind != L_CONST && !fold_list(&ru, hdr, ru.kind == L_LABEL)) {
			eu_table_error(&t, r, ch, ru.kind == L_LABEL ? "a label row needs the values it labels"
								     : "a header name is needed");
			rc = -1;
		}
		p->r[p->n++] = ru;
	}
	for (size_t i = 0; i < p->n; i++)
		for (size_t h = 0; h < p->r[i].nhdr; h++)
			eu_strmap_add(&p->names, p->r[i].hdr[h], strlen(p->r[i].hdr[h]), NULL);
	int has_id = 0;
	for (size_t i = 0; i < p->n; i++)
		has_id |= p->r[i].col == EU_C_ID && p->r[i].kind != L_LEAD && p->r[i].kind != L_PARTNER &&
			  p->r[i].kind != L_LABEL;
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

	eu_buf dir = EU_BUF_INIT;
	eu_buf_printf(&dir, "%s/listings", config_dir);
	/* Every *.csv, in name order so that detection and the extra columns
	 * are the same on every machine. */
	char **names;
	long got = eu_table_dir(dir.p, &names);
	if (got < 0) {
		eu_buf_free(&dir);
		return -1;
	}
	size_t nn = (size_t)got;
	S->p = eu_xcalloc(nn + 1, sizeof *S->p);
	for (size_t i = 0; i < nn; i++) {
		rc |= load_profile(S, &S->p[S->np++], dir.p, names[i]);
		free(names[i]);
	}
	free(names);
	if (!S->np) {
		eu_warn_at(dir.p, 0, "no listing profile (*.csv) found");
		rc = -1;
	}
	if (S->o.profile && !listings_profile(S, S->o.profile)) {
		eu_buf have = EU_BUF_INIT;
		for (size_t i = 0; i < S->np; i++)
			eu_buf_printf(&have, "%s%s", i ? ", " : "", S->p[i].name);
		eu_warnx("no listing profile '%s' in %s (%s)", S->o.profile, dir.p, have.p ? have.p : "none");
		eu_buf_free(&have);
		rc = -1;
	}
	eu_buf_free(&dir);
	return rc;
}

const struct lprofile *listings_profile(const eu_listings *S, const char *name)
{
	for (size_t i = 0; i < S->np; i++)
		if (!strcmp(S->p[i].name, name))
			return &S->p[i];
	return NULL;
}

void listings_free_profiles(eu_listings *S)
{
	for (size_t i = 0; i < S->np; i++) {
		for (size_t k = 0; k < S->p[i].n; k++) {
			struct lrule *ru = &S->p[i].r[k];
			for (size_t h = 0; h < ru->nhdr; h++)
				free(ru->hdr[h]);
			free(ru->hdr);
			for (size_t h = 0; h < ru->nval; h++)
				free(ru->val[h]);
			free(ru->val);
			free(ru->prefix);
			free(ru->parts);
			free(ru->opt);
		}
		free(S->p[i].r);
		free(S->p[i].name);
		eu_strmap_free(&S->p[i].names, NULL);
	}
	free(S->p);
	for (size_t i = 0; i < S->ncols; i++)
		free(S->cols[i]);
	free(S->cols);
}
