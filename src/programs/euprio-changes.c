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

static const char synopsis[] = "euprio-changes [-hV] [-r FILE] OLD NEW\n"
			       "       euprio-changes [-r FILE] --first-run NEW";

enum { OPT_FIRST_RUN = 256 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Compare two candidates files (euprio-rank output, either dialect) by id and\n"
		"write the changes as CSV: change (new, left, decision, score, below_cost,\n"
		"cost_covered, deadline_soon, deadline_unreadable, local_lost, local_gained,\n"
		"back, watched; for a call, decision explore: new_call, call_deadline_soon),\n"
		"id, title, old and new decision, score and rank, old_value, new_value,\n"
		"detail.  A record staff watch (STAFF_WATCH) has every change told;\n"
		"one back from a decline is told as back.  '-' is standard input.  An OLD\n"
		"that cannot be read is an error (exit 3).\n"
		"\n"
		"      --first-run  there is no previous night: NEW alone, every candidate new\n"
		"  -r, --rejects FILE  NEW's rejects (euprio-rank -r): a candidate that left\n"
		"                   because staff declined it (DECLINED) is not told\n"
		"  -h, --help       show this help and exit\n"
		"  -V, --version    show the version and exit\n"
		"\n"
		"See euprio-changes(1).\n", synopsis);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"first-run", no_argument, NULL, OPT_FIRST_RUN},
		{"rejects", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int ch, first = 0;
	const char *rejects = NULL;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hr:V", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_FIRST_RUN:
			first = 1;
			break;
		case 'r':
			rejects = optarg;
			break;
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, NULL)) >= 0)
				return opt_rc;
			break;
		}
	}
	if (argc - optind != (first ? 1 : 2)) {
		if (first)
			eu_warnx("--first-run takes NEW only: there is no OLD on the first night");
		return eu_cli_usage_error(synopsis);
	}

	/* Without a policy of its own this tool keeps the shipped limits. */
	if (eu_limits_load(eu_config_dir(NULL), 0) < 0)
		return EU_EXIT_USAGE;
	eu_writer *w = eu_writer_fdopen(1, "standard output", &(eu_writer_opts){.excel_safe = 1});
	int status = eu_changes_run(first ? NULL : argv[optind], argv[argc - 1], rejects, w);
	return eu_cli_finish(w, status);
}
