/* The workbook's policy: which columns each sheet shows, how and under what
 * title (config/workbook.csv), every word (labels.csv, sheet names checked
 * against Excel's rules), the goals' names, the deadline colours and the
 * call-id links (scoring.csv, settings.csv).  euprio-check-config loads it
 * the same way, in both languages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/labels.h"
#include "euprio/core/text.h"
#include "euprio/stages/xlsx.h"
#include "xlsx_int.h"

static const char *const kind_names[NKIND] = {
	"text", "wrap", "integer", "number", "amount", "ratio", "date", "days",
	"decision", "score", "call", "tier", "change", "staff",
};
static const char *const sheet_names[NSHEET] = {"candidates", "rejected", "changes", "calls"};

static int load_layout(xl *X, const char *dir)
{
	static const char *const req[] = {"sheet", "column", "kind", "title_da", "title_en", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "workbook.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cs = eu_table_col(&t, "sheet"), cc = eu_table_col(&t, "column"),
	     ck = eu_table_col(&t, "kind"), ct = eu_table_col(&t, X->english ? "title_en" : "title_da"),
	     co = eu_table_col(&t, "optional");
	for (size_t r = 0; r < t.nrows; r++) {
		int s = xl_code_index(sheet_names, NSHEET, eu_table_get(&t, r, cs));
		int k = xl_code_index(kind_names, NKIND, eu_table_get(&t, r, ck));
		const char *name = eu_table_get(&t, r, cc);
		if (s < 0) {
			eu_table_error(&t, r, cs, "unknown sheet '%s' (candidates, calls, rejected or changes)",
				       eu_table_get(&t, r, cs));
			rc = -1;
			continue;
		}
		if (k < 0) {
			eu_table_error(&t, r, ck, "unknown kind '%s' (text, wrap, integer, number, amount, "
				       "ratio, date, days, decision, score, call, tier, change or staff)",
				       eu_table_get(&t, r, ck));
			rc = -1;
			continue;
		}
		if (!*name) {
			eu_table_error(&t, r, cc, "empty column name");
			rc = -1;
			continue;
		}
		const char *opt = eu_table_get(&t, r, co);
		if (*opt && strcmp(opt, "yes") != 0) {
			eu_table_error(&t, r, co, "optional is 'yes' or empty, not '%s'", opt);
			rc = -1;
			continue;
		}
		struct sheet *sh = &X->sh[s];
		for (size_t i = 0; i < sh->n; i++)
			if (strcmp(sh->c[i].name, name) == 0) {
				eu_table_error(&t, r, cc, "column '%s' is listed twice for sheet %s", name,
					       sheet_names[s]);
				rc = -1;
			}
		sh->c = eu_xrealloc(sh->c, (sh->n + 1) * sizeof *sh->c);
		const char *title = eu_table_get(&t, r, ct);
		sh->c[sh->n++] = (struct col){eu_xstrdup(name), (enum kind)k, *opt != 0, eu_xstrdup(*title ? title : name),
					      -1, 0};
	}
	if (rc == 0 && X->sh[S_CAND].n == 0) {
		eu_warn_at(t.path, 0, "no column for the candidates sheet");
		rc = -1;
	}
	eu_table_free(&t);
	return rc;
}

static int load_goals(xl *X, const char *dir)
{
	static const char *const req[] = {"id", "name_da", "name_en", NULL};
	eu_table t;

	if (eu_table_load(&t, dir, "goals.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long ci = eu_table_col(&t, "id"), cn = eu_table_col(&t, X->english ? "name_en" : "name_da");
	X->goal_id = eu_xcalloc(t.nrows + 1, sizeof *X->goal_id);
	X->goal_name = eu_xcalloc(t.nrows + 1, sizeof *X->goal_name);
	X->goal_count = eu_xcalloc(t.nrows + 1, sizeof *X->goal_count);
	for (size_t r = 0; r < t.nrows; r++) {
		X->goal_id[X->ngoals] = eu_xstrdup(eu_table_get(&t, r, ci));
		X->goal_name[X->ngoals++] = eu_xstrdup(eu_table_get(&t, r, cn));
	}
	eu_table_free(&t);
	return 0;
}

static int load_settings(xl *X, const char *dir)
{
	eu_settings S;
	int rc = 0;

	if (eu_settings_load(&S, dir, "scoring.csv") < 0)
		return -1;
	if (eu_setting_number(&S, "decision.deadline_soon_days", 0, 3650, &X->soon) < 0)
		rc = -1;
	eu_settings_free(&S);
	if (eu_settings_load(&S, dir, "settings.csv") < 0)
		return -1;
	double limit, depth, links;
	const char *pat = eu_setting_str(&S, "topic_pattern"), *url = eu_setting_str(&S, "topic_url");
	if (!pat || !url || eu_setting_number(&S, "regex_match_limit", 1, 1e9, &limit) < 0 ||
	    eu_setting_number(&S, "regex_depth_limit", 1, 1e9, &depth) < 0 ||
	    eu_setting_number(&S, "topic_links_max", 0, MAX_LINKS, &links) < 0) {
		eu_settings_free(&S);
		return -1;
	}
	int err;
	PCRE2_SIZE off;
	X->topic = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
	if (!X->topic) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		eu_table_error(&S.t, (size_t)eu_setting_row(&S, "topic_pattern"), S.cval,
			       "topic_pattern does not compile at offset %zu: %s", (size_t)off, (char *)msg);
		rc = -1;
	} else {
		eu_jit(X->topic);
		X->md = pcre2_match_data_create_from_pattern(X->topic, NULL);
		X->mctx = pcre2_match_context_create(NULL);
		pcre2_set_match_limit(X->mctx, (uint32_t)limit);
		pcre2_set_depth_limit(X->mctx, (uint32_t)depth);
	}
	X->topic_url = eu_xstrdup(url);
	X->max_links = (unsigned long)links;
	eu_settings_free(&S);
	return rc;
}

static void cache_words(xl *X)
{
	eu_buf key = EU_BUF_INIT;
	const char **words[NXC] = {X->dec_word, X->tier_word, X->change_word, X->staff_word};

	for (int k = 0; k < NXC; k++)
		for (size_t i = 0; i < xl_ncodes((enum xl_code)k); i++) {
			eu_buf_clear(&key);
			eu_buf_printf(&key, "%s%s", xl_code_prefix[k], xl_code_name((enum xl_code)k, i));
			words[k][i] = eu_label(&X->L, key.p);
		}
	X->cut = eu_label(&X->L, "cut");
	eu_buf_free(&key);
}

static int load_labels(xl *X, const char *dir)
{
	static const char *const fixed[] = {
		"sheet.candidates", "sheet.overview", "sheet.rejected", "sheet.changes", "sheet.calls",
		"overview.title", "overview.count",
		"overview.decision", "overview.goal", "overview.goal_name", "overview.programme",
		"overview.grant", "overview.tier", "overview.deadlines", "overview.days",
		"overview.month", "overview.total", "overview.other", "overview.none",
		"chart.goals", "chart.grant", "chart.months", "cut",
	};
	/* Every code's word too, so a new decision or kind of change in
	 * core/words.h cannot reach the workbook without its label. */
	const char *need[sizeof fixed / sizeof *fixed + NDEC + NTIER + NCHANGE + NSTAFF + 1];
	eu_buf names[NDEC + NTIER + NCHANGE + NSTAFF];
	size_t n = 0, nn = 0;
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		need[n++] = fixed[i];
	for (int k = 0; k < NXC; k++)
		for (size_t i = 0; i < xl_ncodes((enum xl_code)k); i++) {
			names[nn] = (eu_buf)EU_BUF_INIT;
			eu_buf_printf(&names[nn], "%s%s", xl_code_prefix[k], xl_code_name((enum xl_code)k, i));
			need[n++] = names[nn++].p;
		}
	need[n] = NULL;
	int rc = eu_labels_load(&X->L, dir, X->english ? "en" : "da", need);
	for (size_t i = 0; i < nn; i++)
		eu_buf_free(&names[i]);
	if (rc < 0)
		return -1;
	cache_words(X);
	return 0;
}

void xl_free(xl *X)
{
	for (int s = 0; s < NSHEET; s++) {
		for (size_t i = 0; i < X->sh[s].n; i++) {
			free(X->sh[s].c[i].name);
			free(X->sh[s].c[i].title);
		}
		free(X->sh[s].c);
		free(X->sh[s].warned);
	}
	for (size_t i = 0; i < X->ngoals; i++) {
		free(X->goal_id[i]);
		free(X->goal_name[i]);
	}
	free(X->goal_id);
	free(X->goal_name);
	free(X->goal_count);
	for (size_t i = 0; i < X->nprogs; i++)
		free(X->progs[i].name);
	free(X->progs);
	pcre2_match_data_free(X->md);
	pcre2_match_context_free(X->mctx);
	pcre2_code_free(X->topic);
	free(X->topic_url);
	eu_labels_free(&X->L);
	eu_buf_free(&X->tmp);
	eu_buf_free(&X->url);
}

/* Excel's rules for a sheet name, checked when the policy is loaded so a
 * bad label is a configuration fault, not a failed night. */
static const char *sheet_name_fault(const char *name)
{
	size_t n = strlen(name);
	if (n == 0)
		return "it is empty";
	if (eu_xlsx_fit(name, n, 31) < n)
		return "it is longer than 31 characters";
	if (strpbrk(name, "[]:*?/\\"))
		return "it contains one of [ ] : * ? / \\";
	if (name[0] == '\'' || name[n - 1] == '\'')
		return "it starts or ends with an apostrophe";
	return NULL;
}

static int check_sheet_names(xl *X)
{
	static const char *const keys[] = {"sheet.candidates", "sheet.overview", "sheet.rejected", "sheet.changes",
					   "sheet.calls"};
	int rc = 0;
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *why = sheet_name_fault(eu_label(&X->L, keys[i]));
		if (why) {
			eu_warn_at(X->L.path, 0, "label %s: '%s' cannot name a sheet: %s", keys[i],
				   eu_label(&X->L, keys[i]), why);
			rc = -1;
		}
		for (size_t k = 0; k < i; k++)
			if (eu_strcaseeq(eu_label(&X->L, keys[i]), eu_label(&X->L, keys[k]))) {
				eu_warn_at(X->L.path, 0, "labels %s and %s name the same sheet", keys[k], keys[i]);
				rc = -1;
			}
	}
	return rc;
}

int xl_load_config(xl *X, const char *dir)
{
	int rc = load_labels(X, dir);
	if (rc == 0)
		rc = check_sheet_names(X);
	rc |= load_layout(X, dir);
	rc |= load_goals(X, dir);
	rc |= load_settings(X, dir);
	return rc;
}

int eu_xlsx_check_config(const char *dir)
{
	int rc = 0;
	for (int english = 0; english <= 1 && rc == 0; english++) {
		xl X = {.english = english};
		rc = xl_load_config(&X, dir);
		xl_free(&X);
	}
	return rc;
}
