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

/* The coordinator's decisions (docs/scoring.md, "Staff decisions"):
 * the table at path (id, decision = pursue|decline|watch, until, note,
 * by; ',' or ';', BOM, UTF-8 or Windows-1252), and the decline memory at
 * memory (NULL: none, so a decline holds until its date only; a missing
 * file: nothing remembered yet).  Any fault in either is a file:line
 * message and -1: nothing is to be ranked, so a typo never undoes a
 * decision.  Rows whose until has passed are told now; ids no record had,
 * at the end of the run, which also replaces the memory file. */
int eu_rank_decisions(eu_rank *R, const char *path, const char *memory, long today);

/* The Funen organisations that took part in EU projects, for a call's
 * reasons (docs/scoring.md, "Calls"): a record stream of CORDIS projects
 * with their partners (euprio-sdeo's output), each partner judged by the
 * local registry, counted per programme part (the topic id's prefix, from
 * the project table's topics) and per programme.  Returns the eu_exit
 * status of reading it: EU_EXIT_USAGE for a stream that has no partners
 * column (after a message). */
int eu_rank_cordis(eu_rank *R, const char *path);

/* Resolves the columns rank reads in a stream (absent ones read as ""). */
void eu_rank_bind(eu_rank *R, const eu_stream *s);
/* After eu_rank_bind: the number of stages whose columns rank relies on
 * are absent from the stream (goal_count: euprio-goals; local_count:
 * euprio-local), each told on stderr. */
int eu_rank_missing_stages(const eu_rank *R);


/* The sub-scores: the five principles, and the call track's time to the
 * deadline and budget per grant (docs/scoring.md, "Calls"). */
enum { EU_SUB_VALUE, EU_SUB_KNOWLEDGE, EU_SUB_COOPERATION, EU_SUB_PARTNERSHIPS,
       EU_SUB_REPUTATION, EU_SUB_TIME, EU_SUB_BUDGET, EU_NSUB };
extern const char *const eu_sub_names[EU_NSUB];

typedef struct eu_rank_out {
	enum eu_decision decision;
	const char *reject_code;     /* when decision is EU_DEC_REJECT */
	eu_buf reject_reason;
	double sub[EU_NSUB];
	unsigned subs;               /* bit k: sub-score k belongs to the record's track */
	double score;                /* 0-100, one decimal */
	int call;                    /* on the call track */
	eu_buf suggested;            /* a call's suggested local partners, "; " names */
	int has_ratio;
	double value_ratio;
	int has_deadline;
	long deadline;               /* days since epoch */
	long days_left;
	eu_buf flags;
	eu_buf reasons;
	/* The staff's decision (with eu_rank_decisions): the table's word
	 * (enum eu_staff) or -1; whether it holds tonight (its until has not
	 * passed); its row's note, by and until (YYYY-MM-DD or ""), valid
	 * while R lives; for a decline, what brought the record back among
	 * the candidates (eu_back bits; 0: it is held out, DECLINED) and the
	 * same in words (since_declined). */
	int staff;
	int staff_holds;
	const char *staff_note, *staff_by, *staff_until;
	unsigned back;
	eu_buf since;
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
