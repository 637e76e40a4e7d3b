/* euprio-changes: options and main() over eu_changes_run
 * (src/stages/changes/). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stages/changes.h"

static const char synopsis[] = "euprio-changes [-hV] OLD NEW";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Compare two candidates files (euprio-rank output) by id and write the\n"
		"changes as CSV: change (new, left, decision, score), id, title, old and new\n"
		"decision, old and new score, old and new rank.  A missing OLD counts as empty.\n"
		"\n"
		"  -h, --help     show this help and exit\n"
		"  -V, --version  show the version and exit\n"
		"\n"
		"See euprio-changes(1).\n", synopsis);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (ch) {
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, NULL)) >= 0)
				return opt_rc;
			break;
		}
	}
	if (argc - optind != 2)
		return eu_cli_usage_error(synopsis);

	/* Without a policy of its own this tool keeps the shipped limits. */
	if (eu_limits_load(eu_config_dir(NULL), 0) < 0)
		return EU_EXIT_USAGE;
	eu_writer *w = eu_writer_fdopen(1, "standard output", &(eu_writer_opts){.excel_safe = 1});
	int status = eu_changes_run(argv[optind], argv[optind + 1], w);
	return eu_cli_finish(w, status);
}
