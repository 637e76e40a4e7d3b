/* euprio-changes' logic: what changed between two nights' candidates. */
#ifndef EUPRIO_CHANGES_H
#define EUPRIO_CHANGES_H

#include "euprio/core/writer.h"

/* Compares two candidates files (euprio-rank output) by id and writes the
 * changes to w as CSV: change (new, left, decision, score), id, title, old
 * and new decision, score and rank.  A missing old_path counts as empty.
 * Returns the eu_exit status. */
int eu_changes_run(const char *old_path, const char *new_path, eu_writer *w);

#endif
