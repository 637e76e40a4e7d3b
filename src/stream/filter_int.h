/* What the filter driver (filter.c) and its thread pool (pool.c) share:
 * judging a record, and making its message and its output row, so that a
 * worker's rows and the reading thread's are made by the same code. */
#ifndef EUPRIO_FILTER_INT_H
#define EUPRIO_FILTER_INT_H

#include "euprio/core/buf.h"
#include "euprio/core/writer.h"
#include "euprio/stream/filter.h"
#include "euprio/stream/stream.h"

/* What the writing thread keeps across records for the messages. */
struct emit_state {
	const char *last_file;
	unsigned long shown, hidden;
	long id_col;
	eu_buf origin;
};

/* Applies the filter to one record: its owned values in out, or the
 * reason it is rejected (blank: the row could not be read at all). */
void eu_filter_judge(const eu_filter *f, void *ctx, const eu_plan *plan, const eu_rec *rec, eu_owned *out,
		     eu_buf *reason, int *rejected, int *blank);
/* The message and status of a rejected record, in input order. */
void eu_filter_note(struct emit_state *es, int *status, const eu_rec *rec, const eu_buf *reason, int blank);
/* The output row of a record; origin is scratch.  Any thread may make it. */
void eu_filter_row(const eu_plan *plan, const eu_rec *rec, const eu_owned *out, const eu_buf *reason,
		   int rejected, int blank, eu_writer *w, eu_buf *origin);

/* Runs the records through workers; returns 0, or -1 when no thread
 * could be started (the caller then runs them itself). */
int eu_pool_run(const eu_filter *f, void *ctx, eu_stream *s, const eu_plan *plan, struct emit_state *es,
		eu_writer *w);

#endif
