/* An eu_goals from its tables to its end: loading (the tables, then the
 * plans, then the scratch matching writes to), a clone per thread that
 * shares everything but that scratch, and freeing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "euprio/core/diag.h"
#include "goals_int.h"

/* The default 32 KiB JIT stack is too small for long alternations on long
 * summaries; 1 MiB is bounded and ample. */
void goals_jit_stack(eu_goals *G)
{
	G->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	pcre2_jit_stack_assign(G->mctx, NULL, G->jstack);
}

/* The scratch beside the match data: evidence, exclude searches, memo. */
static void scratch_rest(eu_goals *G)
{
	G->ev = eu_xcalloc(G->ngoals + 1, sizeof *G->ev);
	G->xs = goals_xscan_new(G->nterms);
	G->tw = eu_xcalloc(G->nterms + 1, sizeof *G->tw);
	G->seen = eu_xcalloc(G->nterms + 1, sizeof *G->seen);
	G->touched = eu_xcalloc(G->nterms + 1, sizeof *G->touched);
	G->first = eu_xcalloc(G->nterms + 1, sizeof *G->first);
	G->hits = eu_xcalloc(HITS_MAX, sizeof *G->hits);
	G->marks = eu_xcalloc(MARKS_MAX, sizeof *G->marks);
	G->spans = eu_xcalloc(MARKS_MAX, sizeof *G->spans);
	G->gs = eu_xcalloc(G->ngoals + 1, sizeof *G->gs);
	const char *nm = getenv("EUPRIO_GOALS_NO_MEMO");
	G->memo = !nm || !*nm || strcmp(nm, "0") == 0 ? goals_memo_new() : NULL;
}

/* The per-thread part: what matching writes to. */
static void scratch_new(eu_goals *G, const pcre2_match_context *limits)
{
	G->md = pcre2_match_data_create(2, NULL);
	G->xmd = pcre2_match_data_create(2, NULL);
	G->mctx = pcre2_match_context_copy((pcre2_match_context *)limits);
	goals_jit_stack(G);
	scratch_rest(G);
}

static void scratch_free(eu_goals *G)
{
	pcre2_match_context_free(G->mctx);
	pcre2_jit_stack_free(G->jstack);
	pcre2_match_data_free(G->md);
	pcre2_match_data_free(G->xmd);
	free(G->memo);
	goals_xscan_free(G->xs);
	free(G->tw);
	free(G->seen);
	free(G->touched);
	free(G->first);
	free(G->hits);
	free(G->marks);
	free(G->spans);
	free(G->gs);
	for (size_t g = 0; G->ev && g < G->ngoals; g++)
		eu_buf_free(&G->ev[g]);
	free(G->ev);
}

eu_goals *eu_goals_load(const char *dir)
{
	return eu_goals_load_jobs(dir, 1);
}

eu_goals *eu_goals_load_jobs(const char *dir, unsigned jobs)
{
	eu_goals_spec goals = {
		.goals_file = "goals.csv", .terms_file = "goal_terms.csv",
		.goal_col = "goal", .weight_col = "weight", .field_weights = 1, .jobs = jobs,
	};
	eu_buf path = EU_BUF_INIT;

	/* The knowledge and reputation evidence read the same texts, so they
	 * ride along in the same scan when their table is there; euprio-rank
	 * scans for them itself when the columns are absent. */
	eu_buf_printf(&path, "%s/principle_terms.csv", dir);
	if (access(path.p, F_OK) == 0) {
		goals.extra_terms_file = "principle_terms.csv";
		goals.extra_goal_col = "principle";
		goals.extra_weight_col = "points";
	}
	eu_buf_free(&path);
	return eu_goals_load_spec(dir, &goals);
}

eu_goals *eu_goals_load_spec(const char *dir, const eu_goals_spec *spec)
{
	eu_goals *G = eu_xcalloc(1, sizeof *G);
	int rc = 0;

	G->spec = *spec;
	G->salience = spec->field_weights;
	G->md = pcre2_match_data_create(2, NULL);
	G->xmd = pcre2_match_data_create(2, NULL);
	if (spec->goals_file && goals_load_goal_table(G, dir) < 0) {
		eu_goals_free(G);
		return NULL;
	}
	if (!G->extra)
		G->extra = eu_xcalloc(1, sizeof *G->extra);
	rc |= goals_load_terms(G, dir, spec->terms_file, spec->goal_col, spec->weight_col, 0, G->md);
	if (spec->extra_terms_file)
		rc |= goals_load_terms(G, dir, spec->extra_terms_file, spec->extra_goal_col, spec->extra_weight_col, 1, G->md);
	rc |= goals_load_settings(G, dir);
	if (G->salience)
		rc |= goals_load_markers(G, dir, G->md);
	if (G->ngoals > UINT16_MAX) {
		/* A record's kept hits name their goal in 16 bits. */
		eu_warn_at(G->terms_path, 0, "more than %u goals and groups", (unsigned)UINT16_MAX);
		rc = -1;
	}
	if (!rc)
		rc |= goals_plan_build(G, spec->jobs ? spec->jobs : 1);
	if (rc) {
		eu_goals_free(G);
		return NULL;
	}
	goals_chars_init(G);
	scratch_rest(G);
	return G;
}

eu_goals *eu_goals_clone(const eu_goals *G)
{
	eu_goals *C = eu_xmalloc(sizeof *C);

	*C = *G;
	C->is_clone = 1;
	scratch_new(C, G->mctx);
	return C;
}

void eu_goals_free(eu_goals *G)
{
	if (!G)
		return;
	if (G->is_clone) {
		scratch_free(G);
		free(G);
		return;
	}
	for (size_t i = 0; i < G->ngoals; i++)
		free(G->ids[i]);
	free(G->ids);
	free(G->extra);
	for (size_t i = 0; i < G->nfields; i++)
		free(G->fields[i]);
	for (size_t i = 0; i < G->nterms; i++) {
		free(G->terms[i].pattern);
		pcre2_code_free(G->terms[i].exclude);
	}
	free(G->terms);
	goals_plan_free(G);
	scratch_free(G);
	free(G->terms_path);
	free(G->markers_path);
	free(G);
}
