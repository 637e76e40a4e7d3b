/* Conventions every program shares: start-up, --help and --version,
 * which inputs to read, and a checked close of standard output. */
#ifndef EUPRIO_CLI_H
#define EUPRIO_CLI_H

#include <stdio.h>
#include "euprio/core/writer.h"

/* Sets the program name and resets SIGPIPE so that "| head" ends a filter
 * quietly. */
void eu_cli_start(const char *argv0);

/* Prints "prog (euprio) VERSION" and the libraries it was built with. */
void eu_cli_version(FILE *out);

/* The options every program shares, for the default of its getopt switch:
 * -h prints usage, -V the version (both return 0 to exit with); -c stores
 * optarg in *config when config is not NULL (returns -1: go on); anything
 * else is a usage error (returns EU_EXIT_USAGE). */
int eu_cli_option(int ch, void (*usage)(FILE *), const char *synopsis, const char **config);

/* A short option a program gave up (docs/cli.md: one letter, one meaning
 * in every program), and what to type now: an old script then fails with
 * the new spelling instead of a bare "invalid option". */
typedef struct eu_cli_retired {
	int ch;
	const char *now;     /* e.g. "-A or --all-columns" */
	const char *was;     /* e.g. "--all-columns" */
} eu_cli_retired;

/* The program's retired letters, ended by {0}; eu_cli_option names them. */
void eu_cli_retire(const eu_cli_retired *list);

/* "$EUPRIO_CONFIG, else /etc/euprio if it exists, else /usr/share/euprio"
 * with the compiled-in directories, for the --config line of --help. */
void eu_cli_config_help(FILE *out, int indent);

/* Prints the one-line "try --help" hint and returns EU_EXIT_USAGE. */
int eu_cli_usage_error(const char *synopsis);

/* Flushes and closes w (standard output) and stdout; reports a failed
 * write.  Returns the exit status to end with given the run's status. */
int eu_cli_finish(eu_writer *w, int status);

/* Every program's long options share these values. */
enum {
	EU_OPT_CONFIG = 0x1000,
	EU_OPT_TODAY,
	EU_OPT_REJECTS,
	EU_OPT_PROFILE,
	EU_OPT_LANG,
	EU_OPT_APPEND,
	EU_OPT_EXPLAIN,
	EU_OPT_ALLCOLS,
	EU_OPT_DIALECT,
	EU_OPT_BOM,
	EU_OPT_NO_ESCAPE,
	EU_OPT_ENCODING,
	EU_OPT_DELIM,
	EU_OPT_CHECK,
	EU_OPT_TOP,
	EU_OPT_CHANGES,
	EU_OPT_PARTS,
	EU_OPT_RECORDS,
	EU_OPT_PREFIX,
};


#endif
