/* euprio-apps' logic: exported applications (XML) to canonical records,
 * by mapping profile, streaming and refusing anything unsafe. */
#ifndef EUPRIO_APPS_H
#define EUPRIO_APPS_H

#include <stddef.h>
#include "euprio/core/writer.h"

typedef struct eu_apps eu_apps;

/* Loads every profile in dir/profiles (or only `profile`, a name like
 * portfolio-v2 or a path to a .csv file) and settings.csv.  NULL after
 * file:line:col messages. */
eu_apps *eu_apps_new(const char *config_dir, const char *profile);
void eu_apps_free(eu_apps *A);
/* Reports every id that appeared more than once since the last call (at
 * each later occurrence, naming the first), and starts a new run.  Call at
 * the end of a run; eu_apps_free does not report. */
void eu_apps_report_duplicates(eu_apps *A);

/* Writes the canonical header. */
void eu_apps_write_header(eu_writer *w);

/* Reads one XML export and writes its records.  Returns an eu_exit status:
 * 1 when some records were rejected, 3 when the file could not be read to
 * the end (records completed before the fault are kept). */
int eu_apps_read_fd(eu_apps *A, int fd, const char *name, eu_writer *w);
int eu_apps_read_mem(eu_apps *A, const char *buf, size_t len, const char *name, eu_writer *w);

/* The profile names loaded, for --help and messages. */
size_t eu_apps_nprofiles(const eu_apps *A);
const char *eu_apps_profile_name(const eu_apps *A, size_t i);


#endif
