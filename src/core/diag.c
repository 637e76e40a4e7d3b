/* Diagnostics: every message a program prints about its input goes through
 * here, so that the "program: file:line: message" form is kept everywhere. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/diag.h"

FILE *eu_diag;
unsigned long eu_diag_max_per_file = 100;
static char progname[64] = "euprio";

void eu_set_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	snprintf(progname, sizeof progname, "%s", slash ? slash + 1 : argv0);
}

const char *eu_progname(void)
{
	return progname;
}

void eu_vwarn_at(const char *file, long line, long col, const char *fmt, va_list ap)
{
	FILE *out = eu_diag ? eu_diag : stderr;

	fprintf(out, "%s: ", progname);
	if (file) {
		fputs(file, out);
		if (line > 0)
			fprintf(out, ":%ld", line);
		if (line > 0 && col > 0)
			fprintf(out, ":%ld", col);
		fputs(": ", out);
	}
	vfprintf(out, fmt, ap);
	fputc('\n', out);
}

void eu_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eu_vwarn_at(NULL, 0, 0, fmt, ap);
	va_end(ap);
}

void eu_warn_at(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eu_vwarn_at(file, line, 0, fmt, ap);
	va_end(ap);
}

void eu_warn_at_col(const char *file, long line, long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eu_vwarn_at(file, line, col, fmt, ap);
	va_end(ap);
}
