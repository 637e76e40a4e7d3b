/* Shared command-line conventions. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>
#include <libxml/xmlversion.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"

#ifndef EUPRIO_VERSION
#define EUPRIO_VERSION "0"
#endif

#define STR2(x) #x
#define STR(x) STR2(x)

void eu_cli_start(const char *argv0)
{
	eu_set_progname(argv0);
	/* A filter whose reader went away should end, quietly, like cat. */
	signal(SIGPIPE, SIG_DFL);
}

void eu_cli_version(FILE *out)
{
	fprintf(out, "%s (euprio) %s\n", eu_progname(), EUPRIO_VERSION);
	fprintf(out, "built with libcsv %d.%d.%d, libxml2 %s, PCRE2 %d.%d, utf8proc %s\n",
		CSV_MAJOR, CSV_MINOR, CSV_RELEASE, LIBXML_DOTTED_VERSION,
		PCRE2_MAJOR, PCRE2_MINOR, utf8proc_version());
}

int eu_cli_usage_error(const char *synopsis)
{
	FILE *out = eu_diag ? eu_diag : stderr;

	fprintf(out, "usage: %s\nTry '%s --help' for more information.\n", synopsis, eu_progname());
	return EU_EXIT_USAGE;
}

int eu_cli_finish(eu_writer *w, int status)
{
	if (w) {
		if (eu_writer_flush(w) < 0) {
			eu_warnx("write error on %s: %s", eu_writer_name(w), strerror(errno));
			eu_status_raise(&status, EU_EXIT_OUTPUT);
		}
		eu_writer_close(w);
	}
	/* stdout may hold --help text; a failed close (NFS, full disk) must
	 * not end in status 0. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		eu_warnx("write error on standard output: %s", strerror(errno));
		eu_status_raise(&status, EU_EXIT_OUTPUT);
	}
	return status;
}

static const eu_cli_retired *retired;

void eu_cli_retire(const eu_cli_retired *list)
{
	retired = list;
}

void eu_cli_config_help(FILE *out, int indent)
{
	fprintf(out, "%*s$EUPRIO_CONFIG, else %s if it\n%*sexists, else %s\n",
		indent, "", eu_config_system_dir(), indent, "", eu_config_installed_dir());
}

int eu_cli_option(int ch, void (*usage)(FILE *), const char *synopsis, const char **config)
{
	/* getopt has said "invalid option"; say what the letter became. */
	for (const eu_cli_retired *r = retired; ch == '?' && r && r->ch; r++)
		if (r->ch == optopt) {
			FILE *out = eu_diag ? eu_diag : stderr;
			fprintf(out, "%s: -%c was short for %s: use %s (docs/cli.md)\n",
				eu_progname(), r->ch, r->was, r->now);
		}
	switch (ch) {
	case 'c':
		if (config) {
			*config = optarg;
			return -1;
		}
		break;
	case 'h':
		usage(stdout);
		return eu_cli_finish(NULL, EU_EXIT_OK);
	case 'V':
		eu_cli_version(stdout);
		return eu_cli_finish(NULL, EU_EXIT_OK);
	default:
		break;
	}
	return eu_cli_usage_error(synopsis);
}
