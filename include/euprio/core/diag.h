/* Diagnostics and exit statuses shared by every euprio program: one enum of
 * exit codes, and messages in the form "program: file:line: message". */
#ifndef EUPRIO_DIAG_H
#define EUPRIO_DIAG_H

#include <stdarg.h>
#include <stdio.h>

/* Exit statuses.  Ordered by severity so a run can keep the worst one seen
 * with eu_status_raise(); EU_EXIT_USAGE is always immediate. */
enum eu_exit {
	EU_EXIT_OK = 0,      /* all good */
	EU_EXIT_BADREC = 1,  /* some records were bad and passed on as rejected */
	EU_EXIT_USAGE = 2,   /* usage or configuration error, nothing processed */
	EU_EXIT_INPUT = 3,   /* an input file could not be read */
	EU_EXIT_OUTPUT = 4,  /* output could not be written */
};

/* Where diagnostics go; stderr unless a test or fuzzer redirects it. */
extern FILE *eu_diag;

void eu_set_progname(const char *argv0);
const char *eu_progname(void);

/* "prog: message" */
void eu_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: file:line: message"; line <= 0 leaves the line out. */
void eu_warn_at(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "prog: file:line:col: message", used for configuration errors. */
void eu_warn_at_col(const char *file, long line, long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void eu_vwarn_at(const char *file, long line, long col, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/* Keeps the most severe status: a later minor problem never hides an I/O
 * failure seen earlier. */
static inline void eu_status_raise(int *status, int code)
{
	if (code > *status)
		*status = code;
}

/* Limits the number of per-record warnings printed, so a file of a million
 * bad rows does not flood cron's mail; the count is still reported. */
extern unsigned long eu_diag_max_per_file;

#endif
