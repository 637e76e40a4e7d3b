/* The one detector of repeated ids in a run, with two ways of keeping what
 * it has seen and one meaning: an id seen again, where it was first seen,
 * and whether the record then had the same content.
 *   now:   every id in memory with its first origin and content
 *          fingerprint; eu_dupes_note answers at once (euprio-rank, which
 *          holds its candidates anyway, and rejects a repeat on the spot).
 *   later: a Bloom filter and a spool file, so memory does not grow with
 *          the run; eu_dupes_report reads the spool once at the end and
 *          names every later occurrence (euprio-apps, a streaming filter).
 *          A filter's false positive costs a look-up, never a false report.
 *          Without a temporary file it falls back to "now". */
#ifndef EUPRIO_DUPES_H
#define EUPRIO_DUPES_H

#include <stddef.h>
#include <stdint.h>

typedef struct eu_dupes eu_dupes;

enum eu_dupes_mode { EU_DUPES_NOW, EU_DUPES_LATER };

/* A repeat: the id, where it occurs again, where it was first, and whether
 * the content fingerprints agree. */
typedef struct eu_dupe {
	const char *id;
	const char *file;
	long line;
	const char *first;       /* "file:line" */
	int same;
} eu_dupe;

eu_dupes *eu_dupes_new(enum eu_dupes_mode mode);
void eu_dupes_free(eu_dupes *D);

/* Notes id (len bytes, no NUL inside) at file:line (line 0: file is the
 * whole origin, "file:line" already) with a content fingerprint.  Returns 1 with *d filled (valid until the next call) when
 * the id is known now to be a repeat; 0 when it is new, or when the answer
 * waits for eu_dupes_report. */
int eu_dupes_note(eu_dupes *D, const char *id, size_t len, uint64_t content, const char *file,
		  long line, eu_dupe *d);

/* For "later" (and a fallen-back "now"): calls fn for every occurrence
 * after the first of each repeated id, in the order they were noted, and
 * forgets the run.  A no-op when every repeat was answered at once. */
void eu_dupes_report(eu_dupes *D, void (*fn)(void *ctx, const eu_dupe *d), void *ctx);

#endif
