/* euprio-apps' repeated ids: which ids a run holds more than once, and
 * where each was first seen.  The detector is core's (core/dupes.h), in
 * its flat-memory mode, so a night of any size costs the same memory; the
 * report comes at the end of the run. */
#include <string.h>

#include "apps_int.h"
#include "euprio/core/diag.h"

void apps_note_id(eu_apps *A, const char *id, const char *file, long line)
{
	eu_dupe d;

	if (!A->dups)
		A->dups = eu_dupes_new(EU_DUPES_LATER);
	/* Without a temporary file the detector answers at once. */
	if (eu_dupes_note(A->dups, id, strlen(id), 0, file, line, &d))
		eu_warn_at(d.file, d.line, "id %s appears more than once in this run (first at %s)", d.id, d.first);
}

static void report(void *ctx, const eu_dupe *d)
{
	(void)ctx;
	eu_warn_at(d->file, d->line, "id %s appears more than once in this run (first at %s)", d->id, d->first);
}

void eu_apps_report_duplicates(eu_apps *A)
{
	if (A->dups)
		eu_dupes_report(A->dups, report, NULL);
}
