/* Goal alignment.  The terms of one goal that read one field are joined
 * into a single alternation, each alternative tagged with (*MARK:n) so a
 * match tells which term it was, and JIT-compiled once per process.  One
 * pattern per goal (not one for all goals) because an alternation reports
 * only one alternative per position: "velfærdsteknologi" must count for
 * both G3 and G9.  Every match runs under the match and depth limits from
 * settings.csv; hitting one rejects the record rather than hiding a goal. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/config.h"
#include "euprio/diag.h"
#include "euprio/goals.h"
#include "euprio/text.h"

#define MAX_FIELDS 32
#define COMPILE_FLAGS (PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF | PCRE2_NO_AUTO_CAPTURE)

struct term {
	size_t goal;
	double weight;
	unsigned fields;         /* bit per field */
	char *pattern;
	pcre2_code *exclude;
	long line;
};

struct combo {                   /* the terms of one goal for one field */
	size_t goal, field;
	pcre2_code *re;
	size_t *term;            /* mark n -> term index */
	size_t nterm;
};

struct eu_goals {
	char **ids;
	size_t ngoals;
	char *fields[MAX_FIELDS];
	double fweight[MAX_FIELDS];
	size_t nfields;
	struct term *terms;
	size_t nterms;
	struct combo *combos;
	size_t ncombos;
	double threshold;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	pcre2_match_data *md;
	pcre2_match_data *xmd;
	char *terms_path;
};

size_t eu_goals_nfields(const eu_goals *G) { return G->nfields; }
const char *eu_goals_field(const eu_goals *G, size_t i) { return G->fields[i]; }
size_t eu_goals_ngoals(const eu_goals *G) { return G->ngoals; }
const char *eu_goals_id(const eu_goals *G, size_t g) { return G->ids[g]; }

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
	return (long)G->nfields++;
}

static int load_goal_table(eu_goals *G, const char *dir)
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
	if (!G->ngoals) {
		eu_warn_at(t.path, 0, "no goals defined");
		rc = -1;
	}
	eu_table_free(&t);
	return rc;
}

static int load_terms(eu_goals *G, const char *dir, pcre2_match_data *probe)
{
	static const char *const req[] = {"goal", "weight", "fields", "pattern", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "goal_terms.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	G->terms_path = eu_xstrdup(t.path);
	long cg = eu_table_col(&t, "goal"), cw = eu_table_col(&t, "weight"),
	     cf = eu_table_col(&t, "fields"), cp = eu_table_col(&t, "pattern"),
	     cx = eu_table_col(&t, "exclude");
	G->terms = eu_xcalloc(t.nrows + 1, sizeof *G->terms);
	for (size_t r = 0; r < t.nrows; r++) {
		struct term *tm = &G->terms[G->nterms];
		const char *gid = eu_table_get(&t, r, cg);
		size_t g;
		for (g = 0; g < G->ngoals; g++)
			if (strcmp(G->ids[g], gid) == 0)
				break;
		if (g == G->ngoals) {
			eu_table_error(&t, r, cg, "unknown goal '%s' (not in goals.csv)", gid);
			rc = -1;
			continue;
		}
		tm->goal = g;
		tm->line = t.rows[r].line;
		if (eu_table_number(&t, r, cw, -100, 100, &tm->weight) < 0) {
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
		const char *pat = eu_table_get(&t, r, cp);
		pcre2_code *alone = compile_at(&t, r, cp, pat);
		if (!alone) {
			rc = -1;
			continue;
		}
		/* A pattern that matches nothing at all would "match" every
		 * record; refuse it. */
		if (pcre2_match(alone, (PCRE2_SPTR)"", 0, 0, 0, probe, NULL) >= 0) {
			eu_table_error(&t, r, cp, "pattern matches the empty string");
			pcre2_code_free(alone);
			rc = -1;
			continue;
		}
		pcre2_code_free(alone);
		tm->pattern = eu_xstrdup(pat);
		const char *ex = eu_table_get(&t, r, cx);
		if (*ex) {
			tm->exclude = compile_at(&t, r, cx, ex);
			if (!tm->exclude) {
				rc = -1;
				free(tm->pattern);
				continue;
			}
			pcre2_jit_compile(tm->exclude, PCRE2_JIT_COMPLETE);
		}
		G->nterms++;
	}
	eu_table_free(&t);
	return rc;
}

static int build_combos(eu_goals *G)
{
	eu_buf pat = EU_BUF_INIT;
	int rc = 0;

	G->combos = eu_xcalloc(G->ngoals * G->nfields + 1, sizeof *G->combos);
	for (size_t g = 0; g < G->ngoals; g++)
		for (size_t f = 0; f < G->nfields; f++) {
			struct combo *c = &G->combos[G->ncombos];
			eu_buf_clear(&pat);
			c->term = eu_xcalloc(G->nterms + 1, sizeof *c->term);
			c->nterm = 0;
			eu_buf_adds(&pat, "(?:");
			for (size_t k = 0; k < G->nterms; k++) {
				const struct term *tm = &G->terms[k];
				if (tm->goal != g || !(tm->fields & (1u << f)))
					continue;
				if (c->nterm)
					eu_buf_addc(&pat, '|');
				/* The mark goes last so the start-of-match
				 * optimisations still see each term's first unit. */
				eu_buf_printf(&pat, "(?:%s)(*MARK:%zu)", tm->pattern, c->nterm);
				c->term[c->nterm++] = k;
			}
			eu_buf_addc(&pat, ')');
			if (!c->nterm) {
				free(c->term);
				continue;
			}
			int err;
			PCRE2_SIZE off;
			c->re = pcre2_compile((PCRE2_SPTR)pat.p, pat.len, COMPILE_FLAGS, &err, &off, NULL);
			if (!c->re) {
				PCRE2_UCHAR msg[200];
				pcre2_get_error_message(err, msg, sizeof msg);
				eu_warn_at(G->terms_path, 0, "the terms of %s for %s do not combine: %s",
					   G->ids[g], G->fields[f], (char *)msg);
				free(c->term);
				rc = -1;
				continue;
			}
			pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
			c->goal = g;
			c->field = f;
			G->ncombos++;
		}
	eu_buf_free(&pat);
	return rc;
}

static int load_settings(eu_goals *G, const char *dir)
{
	eu_settings s;
	double ml, dl;
	int rc = 0;
	eu_buf key = EU_BUF_INIT;

	if (eu_settings_load(&s, dir, "settings.csv") < 0) {
		eu_settings_free(&s);
		return -1;
	}
	if (eu_setting_number(&s, "goal_threshold", 0, 1e6, &G->threshold) < 0 ||
	    eu_setting_number(&s, "regex_match_limit", 1000, 1e9, &ml) < 0 ||
	    eu_setting_number(&s, "regex_depth_limit", 100, 1e9, &dl) < 0)
		rc = -1;
	double other = 1;
	if (eu_setting_number(&s, "field_weight.other", 0, 100, &other) < 0)
		rc = -1;
	for (size_t f = 0; f < G->nfields; f++) {
		eu_buf_clear(&key);
		eu_buf_printf(&key, "field_weight.%s", G->fields[f]);
		G->fweight[f] = other;
		for (size_t r = 0; r < s.t.nrows; r++)
			if (strcmp(s.t.rows[r].v[s.ckey], key.p) == 0 &&
			    eu_table_number(&s.t, r, s.cval, 0, 100, &G->fweight[f]) < 0)
				rc = -1;
	}
	G->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(G->mctx, (uint32_t)ml);
	pcre2_set_depth_limit(G->mctx, (uint32_t)dl);
	/* The default 32 KiB JIT stack is too small for long alternations
	 * on long summaries; 1 MiB is bounded and ample. */
	G->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	pcre2_jit_stack_assign(G->mctx, NULL, G->jstack);
	eu_buf_free(&key);
	eu_settings_free(&s);
	return rc;
}

eu_goals *eu_goals_load(const char *dir)
{
	eu_goals *G = eu_xcalloc(1, sizeof *G);
	int rc = 0;

	G->md = pcre2_match_data_create(2, NULL);
	G->xmd = pcre2_match_data_create(2, NULL);
	if (load_goal_table(G, dir) < 0) {
		eu_goals_free(G);
		return NULL;
	}
	rc |= load_terms(G, dir, G->md);
	rc |= load_settings(G, dir);
	if (!rc)
		rc |= build_combos(G);
	if (rc) {
		eu_goals_free(G);
		return NULL;
	}
	return G;
}

void eu_goals_free(eu_goals *G)
{
	if (!G)
		return;
	for (size_t i = 0; i < G->ngoals; i++)
		free(G->ids[i]);
	free(G->ids);
	for (size_t i = 0; i < G->nfields; i++)
		free(G->fields[i]);
	for (size_t i = 0; i < G->nterms; i++) {
		free(G->terms[i].pattern);
		pcre2_code_free(G->terms[i].exclude);
	}
	free(G->terms);
	for (size_t i = 0; i < G->ncombos; i++) {
		pcre2_code_free(G->combos[i].re);
		free(G->combos[i].term);
	}
	free(G->combos);
	pcre2_match_context_free(G->mctx);
	pcre2_jit_stack_free(G->jstack);
	pcre2_match_data_free(G->md);
	pcre2_match_data_free(G->xmd);
	free(G->terms_path);
	free(G);
}

void eu_goals_result_free(eu_goals_result *r)
{
	eu_buf_free(&r->goals);
	eu_buf_free(&r->strength);
	eu_buf_free(&r->evidence);
	free(r->score);
	r->score = NULL;
}

static int limit_error(eu_buf *err, int rc, const eu_goals *G, const struct combo *c)
{
	PCRE2_UCHAR msg[160];

	pcre2_get_error_message(rc, msg, sizeof msg);
	eu_buf_printf(err, "goal %s in %s: %s (the text is too complex for the terms; see regex_match_limit in settings.csv)",
		      G->ids[c->goal], G->fields[c->field], (char *)msg);
	return -1;
}

/* True when a hit [s, e) lies inside a match of the term's exclude
 * pattern.  Runs only for terms that have one, and only on a hit. */
static int excluded(const eu_goals *G, const struct term *tm, const char *text, size_t len,
		    size_t s, size_t e, int *rc)
{
	PCRE2_SIZE off = 0;

	*rc = 0;
	while (off <= len) {
		int m = pcre2_match(tm->exclude, (PCRE2_SPTR)text, len, off, 0, G->xmd, G->mctx);
		if (m == PCRE2_ERROR_NOMATCH)
			return 0;
		if (m < 0) {
			*rc = m;
			return 0;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(G->xmd);
		if (ov[0] <= s && ov[1] >= e)
			return 1;
		if (ov[0] > s)
			return 0;
		off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return 0;
}

int eu_goals_record(const eu_goals *G, const char *const *text, const size_t *len,
		    eu_goals_result *res, eu_buf *err, eu_goals_hit_fn hit, void *hctx)
{
	/* Per term: the best field weight it was found with, 0 if not. */
	double best[512];
	double *tw = G->nterms <= 512 ? best : eu_xcalloc(G->nterms, sizeof *tw);
	int rc = 0;

	if (!res->score)
		res->score = eu_xcalloc(G->ngoals, sizeof *res->score);
	for (size_t g = 0; g < G->ngoals; g++)
		res->score[g] = 0;
	for (size_t k = 0; k < G->nterms; k++)
		tw[k] = 0;
	eu_buf_clear(&res->goals);
	eu_buf_clear(&res->strength);
	eu_buf_clear(&res->evidence);
	res->count = 0;

	/* Evidence per goal: "term (field)" once each, in order found. */
	eu_buf *ev = eu_xcalloc(G->ngoals, sizeof *ev);

	for (size_t ci = 0; ci < G->ncombos && rc == 0; ci++) {
		const struct combo *c = &G->combos[ci];
		const char *s = text[c->field];
		size_t n = len[c->field];
		PCRE2_SIZE off = 0;
		if (!n)
			continue;
		while (off < n) {
			int m = pcre2_match(c->re, (PCRE2_SPTR)s, n, off, 0, G->md, G->mctx);
			if (m == PCRE2_ERROR_NOMATCH)
				break;
			if (m < 0) {
				rc = limit_error(err, m, G, c);
				break;
			}
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(G->md);
			size_t ms = ov[0], me = ov[1];
			PCRE2_SPTR mark = pcre2_get_mark(G->md);
			size_t k = c->term[mark ? strtoul((const char *)mark, NULL, 10) : 0];
			const struct term *tm = &G->terms[k];
			off = me > ms ? me : ms + 1;
			if (tm->exclude) {
				int xrc;
				int x = excluded(G, tm, s, n, ms, me, &xrc);
				if (xrc < 0) {
					rc = limit_error(err, xrc, G, c);
					break;
				}
				if (x)
					continue;
			}
			if (hit)
				hit(hctx, G->ids[c->goal], G->fields[c->field], ms, s + ms, me - ms,
				    tm->line, tm->pattern, tm->weight);
			double w = tm->weight * G->fweight[c->field];
			if (tw[k] == 0) {
				/* Show the words as they stand in the text, short. */
				size_t show = me - ms > 40 ? 40 : me - ms;
				while (show < me - ms && show && ((unsigned char)s[ms + show] & 0xc0) == 0x80)
					show--;
				eu_buf *e = &ev[c->goal];
				if (e->len)
					eu_buf_adds(e, ", ");
				for (size_t i = 0; i < show; i++) {
					char ch = s[ms + i];
					eu_buf_addc(e, (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch);
				}
				eu_buf_printf(e, " (%s)", G->fields[c->field]);
			}
			if (w > tw[k])
				tw[k] = w;
		}
	}
	if (rc == 0) {
		for (size_t k = 0; k < G->nterms; k++)
			res->score[G->terms[k].goal] += tw[k];
		for (size_t g = 0; g < G->ngoals; g++) {
			if (res->score[g] < G->threshold || res->score[g] <= 0)
				continue;
			res->count++;
			if (res->goals.len) {
				eu_buf_addc(&res->goals, ';');
				eu_buf_addc(&res->strength, ';');
				eu_buf_adds(&res->evidence, " | ");
			}
			eu_buf_adds(&res->goals, G->ids[g]);
			eu_buf_printf(&res->strength, "%s:", G->ids[g]);
			eu_fmt_amount(&res->strength, res->score[g]);
			eu_buf_printf(&res->evidence, "%s: %s", G->ids[g], ev[g].p);
		}
	}
	for (size_t g = 0; g < G->ngoals; g++)
		eu_buf_free(&ev[g]);
	free(ev);
	if (tw != best)
		free(tw);
	return rc;
}
