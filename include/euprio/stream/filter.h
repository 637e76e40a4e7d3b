/* The filter driver: a stage's record filter run over the record stream.
 * Every column the filter does not own passes through; bad and
 * already-rejected records travel on with their reason; with jobs > 1
 * process() runs on worker threads and the output stays as from one. */
#ifndef EUPRIO_FILTER_H
#define EUPRIO_FILTER_H

#include <stddef.h>
#include "euprio/core/buf.h"
#include "euprio/core/writer.h"
#include "euprio/stream/stream.h"

/* Values a filter computes for one record, by owned-column index. */
typedef struct eu_owned {
	size_t n;
	eu_buf *val;
} eu_owned;

/* A record filter: what each stage supplies to eu_filter_run(). */
typedef struct eu_filter {
	const char *const *owned;
	size_t nowned;
	const unsigned char *owned_numeric;
	/* Called once the union header is known; may look up columns.  Returns
	 * 0, or non-zero (an eu_exit status) to stop before any record. */
	int (*prepare)(void *ctx, const eu_stream *s);
	/* Fills out->val[k] for owned column k.  Returns 0, or 1 with *reason
	 * set to reject the record (it travels on with its reason).  */
	int (*process)(void *ctx, const eu_rec *rec, eu_owned *out, eu_buf *reason);
	/* Optional, for running process() on worker threads: a context of its
	 * own for one worker (sharing what is read-only), and its release.
	 * A worker judges a batch of records and makes their output rows;
	 * the reading thread writes the rows in input order.  Such a
	 * process() must not print: the messages about records are made from
	 * their reasons, in input order, by the thread that writes (a read
	 * error, reported as it is met, may come before the messages about
	 * the records just ahead of it). */
	void *(*worker_new)(void *ctx);
	void (*worker_free)(void *wctx);
	/* Threads that run process(), the reading thread among them: 0 or 1
	 * runs it on the reading thread alone. */
	unsigned jobs;
} eu_filter;

/* The default number of worker threads: the processors online, at most 8. */
unsigned eu_default_jobs(void);

/* Reads paths as one stream, applies f to every good record, writes the
 * result to w.  Bad and already-rejected records pass through with their
 * reason.  Returns the eu_exit status of the run (not counting w's close). */
int eu_filter_run(const eu_filter *f, void *ctx, char *const *paths,
		  size_t npaths, eu_writer *w);

#endif
