/* euprio-rank's logic: the gates, the five sub-scores, the value ratio,
 * the decision and the plain-language reasons for one record. */
#ifndef EUPRIO_RANK_H
#define EUPRIO_RANK_H

#include "euprio/core/buf.h"
#include "euprio/core/labels.h"
#include "euprio/core/words.h"
#include "euprio/core/writer.h"
#include "euprio/stream/stream.h"

typedef struct eu_rank eu_rank;

/* Loads scoring.csv, principle_terms.csv, labels.csv, settings.csv. */
eu_rank *eu_rank_load(const char *dir, enum eu_lang lang);
void eu_rank_free(eu_rank *R);

/* Resolves the columns rank reads in a stream (absent ones read as ""). */
void eu_rank_bind(eu_rank *R, const eu_stream *s);
/* After eu_rank_bind: the number of stages whose columns rank relies on
 * are absent from the stream (goal_count: euprio-goals; local_count:
 * euprio-local), each told on stderr. */
int eu_rank_missing_stages(const eu_rank *R);


enum { EU_SUB_VALUE, EU_SUB_KNOWLEDGE, EU_SUB_COOPERATION, EU_SUB_PARTNERSHIPS,
       EU_SUB_REPUTATION, EU_NSUB };
extern const char *const eu_sub_names[EU_NSUB];

typedef struct eu_rank_out {
	enum eu_decision decision;
	const char *reject_code;     /* when decision is EU_DEC_REJECT */
	eu_buf reject_reason;
	double sub[EU_NSUB];
	double score;                /* 0-100, one decimal */
	int has_ratio;
	double value_ratio;
	int has_deadline;
	long deadline;               /* days since epoch */
	long days_left;
	eu_buf flags;
	eu_buf reasons;
} eu_rank_out;

void eu_rank_out_free(eu_rank_out *o);

/* Evaluates one record against today's date (days since epoch).  The
 * duplicate gate is the caller's: it needs the whole run. */
void eu_rank_eval(eu_rank *R, const eu_rec *rec, long today, eu_rank_out *out);

/* Fills a reject reason from the label table: code is e.g. "DUPLICATE";
 * key/value pairs fill {placeholders}. */
void eu_rank_label(const eu_rank *R, eu_buf *out, const char *key, ...);

/* How a run is made: today's date (days since epoch) and whether the
 * candidates keep every column of the stream (for machines) or only the
 * columns people read. */
typedef struct eu_rank_run_opts {
	long today;
	int all_columns;
} eu_rank_run_opts;

/* Ranks the record stream read from paths (none: stdin): every record goes
 * either to w, the candidates in rank order, or to rej with its code and
 * reason.  Checks that records in = candidates + rejects.  Returns the
 * eu_exit status (not counting the writers' close). */
int eu_rank_run(eu_rank *R, const eu_rank_run_opts *o, char *const *paths, size_t npaths,
		eu_writer *rej, eu_writer *w);

#endif
