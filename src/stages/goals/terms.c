/* The policy tables of goal alignment, read into struct eu_goals:
 * goals.csv (the goals), a term table (goal_terms.csv, with
 * principle_terms.csv riding along) and settings.csv (the match limits;
 * the salience rule's numbers and markers are read in salience.c).  Every
 * fault is a message at its file, line and column.  How the terms are
 * matched: the top of scan.c. */
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "goals_int.h"

size_t eu_goals_nfields(const eu_goals *G) { return G->nfields; }
const char *eu_goals_field(const eu_goals *G, size_t i) { return G->fields[i]; }
size_t eu_goals_ngoals(const eu_goals *G) { return G->ngoals; }

long eu_goals_index(const eu_goals *G, const char *id)
{
	for (size_t g = 0; g < G->ngoals; g++)
		if (strcmp(G->ids[g], id) == 0)
			return (long)g;
	return -1;
}
const char *eu_goals_id(const eu_goals *G, size_t g) { return G->ids[g]; }

/* The index of group id of the goals (extra 0) or of the extra table (1),
 * or -1: the two tables may name a group alike. */
static long group_index(const eu_goals *G, const char *id, int extra)
{
	for (size_t g = 0; g < G->ngoals; g++)
		if (G->extra[g] == extra && strcmp(G->ids[g], id) == 0)
			return (long)g;
	return -1;
}

long eu_goals_extra_index(const eu_goals *G, const char *id)
{
	return group_index(G, id, 1);
}

/* A new group (a goal named by the terms, an extra group, a marker kind);
 * its index. */
long goals_add_group(eu_goals *G, const char *id, int extra)
{
	G->ids = eu_xrealloc(G->ids, (G->ngoals + 1) * sizeof *G->ids);
	G->extra = eu_xrealloc(G->extra, (G->ngoals + 1) * sizeof *G->extra);
	G->extra[G->ngoals] = extra;
	G->ids[G->ngoals] = eu_xstrdup(id);
	return (long)G->ngoals++;
}

static pcre2_code *compile_at(const eu_table *t, size_t r, long c, const char *pat)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, COMPILE_FLAGS,
				       &err, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[200];
		pcre2_get_error_message(err, msg, sizeof msg);
		eu_table_error(t, r, c, "pattern does not compile: %s at offset %zu", (char *)msg, (size_t)off);
	}
	return re;
}

static long field_index(eu_goals *G, const char *name)
{
	for (size_t i = 0; i < G->nfields; i++)
		if (strcmp(G->fields[i], name) == 0)
			return (long)i;
	if (G->nfields == MAX_FIELDS)
		return -1;
	G->fields[G->nfields] = eu_xstrdup(name);
	G->flen[G->nfields] = strlen(name);
	return (long)G->nfields++;
}

/* goals.csv: each id once, and without the characters the list columns
 * are separated by. */
int goals_load_goal_table(eu_goals *G, const char *dir)
{
	static const char *const req[] = {"id", NULL};
	eu_table t;

	if (eu_table_load(&t, dir, "goals.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long ci = eu_table_col(&t, "id");
	int rc = 0;
	G->ids = eu_xcalloc(t.nrows + 1, sizeof *G->ids);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *id = eu_table_get(&t, r, ci);
		if (!*id || strpbrk(id, ";:|, ")) {
			eu_table_error(&t, r, ci, "a goal id must be non-empty without ';:|, ' ('%s')", id);
			rc = -1;
		}
		for (size_t q = 0; q < G->ngoals; q++)
			if (strcmp(G->ids[q], id) == 0) {
				eu_table_error(&t, r, ci, "goal %s is listed twice", id);
				rc = -1;
			}
		G->ids[G->ngoals++] = eu_xstrdup(id);
	}
	G->extra = eu_xcalloc(G->ngoals + 1, sizeof *G->extra);
	if (!G->ngoals) {
		eu_warn_at(t.path, 0, "no goals defined");
		rc = -1;
	}
	eu_table_free(&t);
	return rc;
}

/* The pattern in cell (r, c), checked: it compiles alone (so that a fault
 * names its place) and does not match the empty string, which would
 * "match" every record.  A copy, or NULL after a message. */
char *goals_term_pattern(const eu_table *t, size_t r, long c, pcre2_match_data *probe)
{
	const char *pat = eu_table_get(t, r, c);
	pcre2_code *alone = compile_at(t, r, c, pat);

	if (!alone)
		return NULL;
	int empty = pcre2_match(alone, (PCRE2_SPTR)"", 0, 0, 0, probe, NULL) >= 0;
	pcre2_code_free(alone);
	if (empty) {
		eu_table_error(t, r, c, "pattern matches the empty string");
		return NULL;
	}
	return eu_xstrdup(pat);
}

/* Loads a term table.  extra: its groups are not goals but evidence
 * (knowledge, reputation) named by the table itself, each term once at
 * its weight, never decided by the salience rule. */
int goals_load_terms(eu_goals *G, const char *dir, const char *file, const char *goal_col,
		     const char *weight_col, int extra, pcre2_match_data *probe)
{
	const char *req[] = {goal_col, weight_col, "fields", "pattern", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, file, req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	if (!G->terms_path)
		G->terms_path = eu_xstrdup(t.path);
	long cg = eu_table_col(&t, goal_col), cw = eu_table_col(&t, weight_col),
	     cf = eu_table_col(&t, "fields"), cp = eu_table_col(&t, "pattern"),
	     cx = eu_table_col(&t, "exclude"), cc = eu_table_col(&t, "compound");
	G->terms = eu_xrealloc(G->terms, (G->nterms + t.nrows + 1) * sizeof *G->terms);
	memset(G->terms + G->nterms, 0, (t.nrows + 1) * sizeof *G->terms);
	for (size_t r = 0; r < t.nrows; r++) {
		struct term *tm = &G->terms[G->nterms];
		const char *gid = eu_table_get(&t, r, cg);
		long gi = group_index(G, gid, extra);
		size_t g = gi < 0 ? G->ngoals : (size_t)gi;
		if (g == G->ngoals && (extra || !G->spec.goals_file) && *gid)
			goals_add_group(G, gid, extra);   /* without a goals table the terms name the groups */
		tm->file = extra ? G->spec.extra_terms_file : G->spec.terms_file;
		tm->kind = extra || !G->salience ? T_POINTS : T_GOAL;
		if (g == G->ngoals) {
			eu_table_error(&t, r, cg, "unknown goal '%s' (not in goals.csv)", gid);
			rc = -1;
			continue;
		}
		tm->goal = g;
		tm->line = t.rows[r].line;
		/* Nothing is below none: a negative weight could never count.
		 * exclude is the way to say where a term does not hold. */
		if (eu_table_number(&t, r, cw, 0, 100, &tm->weight) < 0) {
			rc = -1;
			continue;
		}
		char *fl = eu_xstrdup(eu_table_get(&t, r, cf)), *save = NULL;
		for (char *f = strtok_r(fl, ";|", &save); f; f = strtok_r(NULL, ";|", &save)) {
			f = eu_trim(f);
			if (!*f)
				continue;
			long fi = field_index(G, f);
			if (fi < 0) {
				eu_table_error(&t, r, cf, "more than %d distinct fields", MAX_FIELDS);
				rc = -1;
				break;
			}
			tm->fields |= 1u << fi;
		}
		free(fl);
		if (!tm->fields) {
			eu_table_error(&t, r, cf, "a term needs at least one field");
			rc = -1;
			continue;
		}
		static const char *const yesno[] = {"", "no", "yes"};
		int comp = cc < 0 ? 0 : eu_table_enum(&t, r, cc, "compound value (yes, no or empty)", yesno, 3);
		if (comp < 0) {
			rc = -1;
			continue;
		}
		tm->compound = comp == 2;
		if (tm->compound && strncmp(eu_table_get(&t, r, cp), "\\b", 2) != 0) {
			/* The word start the scan drops inside a compound. */
			eu_table_error(&t, r, cc, "a compound term's pattern must start with \\b");
			rc = -1;
			continue;
		}
		tm->pattern = goals_term_pattern(&t, r, cp, probe);
		if (!tm->pattern) {
			rc = -1;
			continue;
		}
		const char *ex = eu_table_get(&t, r, cx);
		if (*ex) {
			tm->exclude = compile_at(&t, r, cx, ex);
			if (!tm->exclude) {
				rc = -1;
				free(tm->pattern);
				continue;
			}
			eu_jit(tm->exclude);
		}
		G->nterms++;
	}
	eu_table_free(&t);
	return rc;
}

/* settings.csv: the limits every match runs under, and for goal
 * alignment the salience rule's numbers. */
int goals_load_settings(eu_goals *G, const char *dir)
{
	eu_settings s;
	double ml = 1000, dl = 100;
	int rc = 0;

	if (eu_settings_load(&s, dir, "settings.csv") < 0) {
		eu_settings_free(&s);
		return -1;
	}
	if (eu_setting_number(&s, "regex_match_limit", 1000, 1e9, &ml) < 0 ||
	    eu_setting_number(&s, "regex_depth_limit", 100, 1e9, &dl) < 0)
		rc = -1;
	if (G->salience && goals_load_salience(G, &s) < 0)
		rc = -1;
	G->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(G->mctx, (uint32_t)ml);
	pcre2_set_depth_limit(G->mctx, (uint32_t)dl);
	goals_jit_stack(G);
	eu_settings_free(&s);
	return rc;
}
