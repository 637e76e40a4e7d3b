/* The record stream: several CSV inputs read as one stream whose header is
 * the union of theirs, and the plan by which a filter keeps every column it
 * does not own and appends its own. */
#ifndef EUPRIO_STREAM_H
#define EUPRIO_STREAM_H

#include <stddef.h>
#include "euprio/core/buf.h"
#include "euprio/core/strmap.h"
#include "euprio/core/reader.h"
#include "euprio/core/writer.h"

/* Columns every stage keeps so that a bad record can travel to the end. */
#define EU_COL_REJECT "reject_reason"
#define EU_COL_ORIGIN "origin"

/* One record, its values laid out in the stream's union column order. */
typedef struct eu_rec {
	size_t n;
	const char **v;      /* "" for a column the record's file lacks */
	const size_t *len;
	const char *file;    /* input it came from */
	long line;           /* line of that input where it starts */
	const char *bad;     /* set when the reader could not trust the row */
	const char *first;   /* the row's first raw field, to describe a bad row */
	size_t first_len;
} eu_rec;

typedef struct eu_input {
	eu_reader *r;
	size_t *map;         /* file column -> union column */
	size_t nmap;
} eu_input;

typedef struct eu_stream {
	eu_input *in;
	size_t nin;
	size_t cur;
	char **cols;         /* union header, first-seen order */
	size_t ncols, capcols;
	eu_strmap colmap;    /* name -> index + 1: a header of thousands of
	                      * columns costs linear time, not quadratic */
	int status;          /* worst eu_exit so far */
	/* per-record scratch */
	const char **v;
	size_t *len;
	const char *span;    /* the last record's values from its input, back */
	size_t span_len;     /* to back (eu_row.span); v points into it or at "" */
} eu_stream;

/* Opens every path (none: stdin; "-": stdin) and reads the headers.  An
 * input that cannot be opened or has no usable header is reported and
 * skipped with status EU_EXIT_INPUT.  Returns 0; never fails as a whole. */
int eu_stream_open(eu_stream *s, char *const *paths, size_t npaths,
		   const eu_reader_opts *opts);
/* Adds a column to the union header if absent; returns its index. */
size_t eu_stream_add_col(eu_stream *s, const char *name);
/* Index of a column in the union header, or -1. */
long eu_stream_col(const eu_stream *s, const char *name);
/* 1 with *rec filled, 0 at the end of the last input.  Read errors are
 * reported, raise s->status and move on to the next input. */
int eu_stream_next(eu_stream *s, eu_rec *rec);
void eu_stream_close(eu_stream *s);

/* How a filter lays out its output: the union columns it does not own, in
 * order (reject_reason and origin added when missing), then its own. */
typedef struct eu_plan {
	size_t nout;
	const char **names;
	long *src;           /* >= 0: stream column; < 0: -1 - owned index */
	size_t nowned;
	long out_reject;     /* output positions */
	long out_origin;
	long in_reject;      /* stream columns, or -1 */
	long in_origin;
	const unsigned char *numeric; /* per owned column, may be NULL */
} eu_plan;

void eu_plan_init(eu_plan *p, const eu_stream *s, const char *const *owned,
		  size_t nowned, const unsigned char *owned_numeric);
void eu_plan_free(eu_plan *p);
void eu_plan_write_header(const eu_plan *p, eu_writer *w);

/* Describes a record the reader could not trust (rec->bad set) as every
 * stage does: the reader's reason and a glimpse of its first field, cut on
 * a character boundary, so that staff can find the row in the file. */
void eu_rec_describe_bad(eu_buf *reason, const eu_rec *rec);

/* Formats "file:line" for the origin column. */
void eu_origin_format(eu_buf *b, const char *file, long line);

#endif
