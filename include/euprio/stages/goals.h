/* euprio-goals' logic: which of the council's ten goals a record serves,
 * by the term table in config/, with the evidence a person can check. */
#ifndef EUPRIO_GOALS_H
#define EUPRIO_GOALS_H

#include <stddef.h>
#include "euprio/core/buf.h"

typedef struct eu_goals eu_goals;

/* Which tables to load: the goals' own, or another term table of the same
 * shape (euprio-rank's principle terms).  Without goals_file, the groups
 * are the distinct values of goal_col. */
typedef struct eu_goals_spec {
	const char *goals_file;
	const char *terms_file;
	const char *goal_col;
	const char *weight_col;
	/* Goal alignment's rule: a hit weighs its term's weight times the
	 * factor of where it stands, every mention counts, and a goal counts
	 * by the salience rule (salience.* in settings.csv, the markers of
	 * salience_markers.csv).  0: each term counts once at its weight and
	 * a group's score is the sum (rank's principle points). */
	int field_weights;
	/* A second table matched in the same pass (principle_terms.csv), whose
	 * groups are evidence, not goals: NULL for none. */
	const char *extra_terms_file;
	const char *extra_goal_col;
	const char *extra_weight_col;
	/* Threads for the JIT compilations, most of the load time: 0 or 1
	 * for this one alone. */
	unsigned jobs;
} eu_goals_spec;

/* Loads goals.csv, goal_terms.csv and settings.csv.  Every pattern is
 * compiled alone first so that a fault names its file, line, column and
 * PCRE2 offset; then the terms of each goal are combined per field and
 * JIT-compiled once.  NULL after messages. */
eu_goals *eu_goals_load(const char *dir);
/* The same on up to jobs threads. */
eu_goals *eu_goals_load_jobs(const char *dir, unsigned jobs);
eu_goals *eu_goals_load_spec(const char *dir, const eu_goals_spec *spec);
/* The index of a goal (or group) id, or -1. */
long eu_goals_index(const eu_goals *G, const char *id);
/* The index of a group of the extra table (knowledge, reputation), or -1. */
long eu_goals_extra_index(const eu_goals *G, const char *id);
void eu_goals_free(eu_goals *G);
/* A copy for another thread: it shares G's compiled terms (which must
 * outlive it) and has match data, JIT stack and memo of its own.  Freed
 * with eu_goals_free. */
eu_goals *eu_goals_clone(const eu_goals *G);

/* The record columns the terms read, so the caller can look them up. */
size_t eu_goals_nfields(const eu_goals *G);
const char *eu_goals_field(const eu_goals *G, size_t i);
size_t eu_goals_ngoals(const eu_goals *G);
const char *eu_goals_id(const eu_goals *G, size_t g);

typedef struct eu_goals_result {
	eu_buf goals;       /* the counted goals, strongest first: "G9;G3" */
	eu_buf strength;    /* their evidence: "G9:6;G3:2.5" */
	eu_buf evidence;    /* "G9: cobots (summary), robotics (title) | G3: ..." */
	eu_buf flag;        /* "weak:G6": no goal counted, though G6 had evidence */
	eu_buf why;         /* when explaining: a line per goal with hits, why it counted or not */
	size_t count;
	double *score;      /* per goal (its evidence) and extra group (points), ngoals long */
} eu_goals_result;

void eu_goals_result_free(eu_goals_result *r);

/* A counted hit, for explaining. */
typedef struct eu_goals_hit {
	const char *goal, *field;
	size_t offset, len;
	const char *text;        /* the len bytes matched */
	const char *term_file;
	long term_line;
	const char *pattern;
	double weight;           /* the term's */
	/* Where it stands by the salience rule ("title", "lead", "purpose",
	 * "body", "background", "other") and that zone's factor; NULL and 1
	 * for a points term (principle evidence), counted once at its weight. */
	const char *zone;
	double factor;
} eu_goals_hit;

/* Called for every counted hit when explaining: a points term's as it is
 * found, a goal term's when the record is scanned and its zone known. */
typedef void (*eu_goals_hit_fn)(void *ctx, const eu_goals_hit *h);

/* Matches one record; text[i] is the value of field i.  Returns 0, or -1
 * with err set when a match limit was hit (the record must be rejected,
 * never treated as "no match"). */
int eu_goals_record(const eu_goals *G, const char *const *text, const size_t *len,
		    eu_goals_result *res, eu_buf *err, eu_goals_hit_fn hit, void *hctx);


#endif
