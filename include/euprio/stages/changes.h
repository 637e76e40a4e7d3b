/* euprio-changes' logic: what changed between two nights' candidates. */
#ifndef EUPRIO_CHANGES_H
#define EUPRIO_CHANGES_H

#include "euprio/core/writer.h"

/* Compares two candidates files (euprio-rank output, in any of its
 * dialects; "-" is standard input) by id and writes the changes to w as
 * CSV: change (eu_change_names), id, title, old and new decision, score
 * and rank, old and new value of what changed, and a detail (the partners
 * lost or gained, the deadline that came near).  old_path NULL: the first
 * night, every candidate is new.  An old_path or new_path that cannot be
 * read is EU_EXIT_INPUT with nothing written: calling every candidate new
 * would mislead.  rejects_path, when not NULL, is the same night's
 * rejects (euprio-rank -r): a candidate that left because staff declined
 * it (DECLINED) is not told; one back from a decline is told as back, with
 * what brought it back; one staff watch (STAFF_WATCH) has every other
 * column that changed told as watched, the column in detail.  A call
 * (decision explore) new tonight is new_call, its deadline in detail; one
 * whose deadline came near (DEADLINE_SOON) is call_deadline_soon.  Returns
 * the eu_exit status. */
int eu_changes_run(const char *old_path, const char *new_path, const char *rejects_path, eu_writer *w);

#endif
