/* What changed between two nights' candidates — new ones, ones that left,
 * and changed decisions or scores — the first thing a coordinator reads in
 * the morning.  Holds the older file's ids, decisions and scores in memory
 * (small), streams the newer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/core/words.h"
#include "euprio/stream/stream.h"
#include "euprio/stages/changes.h"

struct old {
	char *id, *title, *decision, *score, *rank;
	int seen;
};

static int cmp_old(const void *a, const void *b)
{
	return strcmp(((const struct old *)a)->id, ((const struct old *)b)->id);
}

static const char *val(const eu_rec *r, long c)
{
	return c >= 0 ? r->v[c] : "";
}

static void row(eu_writer *w, const char *change, const char *id, const char *title,
		const char *od, const char *nd, const char *os, const char *ns, const char *orank,
		const char *nrank)
{
	const char *v[] = {change, id, title, od, nd, os, ns, orank, nrank};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		eu_write_str(w, v[i]);
	eu_write_end(w);
}

int eu_changes_run(const char *old_path, const char *new_path, eu_writer *w)
{
	char *old_paths[] = {(char *)old_path}, *new_paths[] = {(char *)new_path};
	int status = EU_EXIT_OK;

	struct old *old = NULL;
	size_t nold = 0, cap = 0;
	eu_stream s;
	eu_rec r;
	FILE *probe = fopen(old_path, "r");
	if (probe) {
		fclose(probe);
		eu_stream_open(&s, old_paths, 1, NULL);
		long ci = eu_stream_col(&s, "id"), ct = eu_stream_col(&s, "title"),
		     cd = eu_stream_col(&s, "decision"), cs = eu_stream_col(&s, "score"),
		     cr = eu_stream_col(&s, "rank");
		while (eu_stream_next(&s, &r)) {
			if (r.bad || ci < 0)
				continue;
			if (nold == cap) {
				cap = cap ? cap * 2 : 256;
				old = eu_xrealloc(old, cap * sizeof *old);
			}
			old[nold++] = (struct old){eu_xstrdup(val(&r, ci)), eu_xstrdup(val(&r, ct)),
						   eu_xstrdup(val(&r, cd)), eu_xstrdup(val(&r, cs)),
						   eu_xstrdup(val(&r, cr)), 0};
		}
		status = s.status;
		eu_stream_close(&s);
		if (nold)   /* qsort must not get NULL, even for no elements */
			qsort(old, nold, sizeof *old, cmp_old);
	}

	row(w, "change", "id", "title", "old_decision", "new_decision", "old_score", "new_score",
	    "old_rank", "new_rank");
	eu_stream_open(&s, new_paths, 1, NULL);
	long ci = eu_stream_col(&s, "id"), ct = eu_stream_col(&s, "title"),
	     cd = eu_stream_col(&s, "decision"), cs = eu_stream_col(&s, "score"),
	     cr = eu_stream_col(&s, "rank");
	if (s.nin && ci < 0) {
		eu_warnx("%s has no id column: is it euprio-rank output?", new_path);
		eu_status_raise(&status, EU_EXIT_INPUT);
	}
	while (ci >= 0 && eu_stream_next(&s, &r)) {
		if (r.bad)
			continue;
		struct old key = {.id = (char *)val(&r, ci)};
		struct old *o = nold ? bsearch(&key, old, nold, sizeof *old, cmp_old) : NULL;
		if (!o) {
			row(w, eu_change_names[EU_CHANGE_NEW], val(&r, ci), val(&r, ct), "", val(&r, cd), "", val(&r, cs), "", val(&r, cr));
			continue;
		}
		o->seen = 1;
		if (strcmp(o->decision, val(&r, cd)))
			row(w, eu_change_names[EU_CHANGE_DECISION], val(&r, ci), val(&r, ct), o->decision, val(&r, cd), o->score, val(&r, cs),
			    o->rank, val(&r, cr));
		else if (strcmp(o->score, val(&r, cs)))
			row(w, eu_change_names[EU_CHANGE_SCORE], val(&r, ci), val(&r, ct), o->decision, val(&r, cd), o->score, val(&r, cs),
			    o->rank, val(&r, cr));
	}
	eu_status_raise(&status, s.status);
	eu_stream_close(&s);
	for (size_t i = 0; i < nold; i++) {
		if (!old[i].seen)
			row(w, eu_change_names[EU_CHANGE_LEFT], old[i].id, old[i].title, old[i].decision, "", old[i].score, "", old[i].rank, "");
		free(old[i].id);
		free(old[i].title);
		free(old[i].decision);
		free(old[i].score);
		free(old[i].rank);
	}
	free(old);
	return status;
}
