/* euprio-calls: reads the EU Funding & Tenders portal's formats and writes
 * one canonical record per topic (source "call"). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/core/values.h"
#include "euprio/stages/calls.h"

static const char synopsis[] = "euprio-calls [-hVv] [-c DIR] [-t DATE] [FILE...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Read topics of the EU Funding & Tenders portal and write one canonical\n"
		"record per topic (source \"call\").  Formats are recognised by content: the\n"
		"search API's response (results[].metadata), the snapshot of concatenated\n"
		"topic objects, JSON lines or an array of topics, and the CSV exports; gzip\n"
		"is read through zlib.  No FILE, or \"-\": standard input.\n"
		"\n"
		"  -c, --config DIR      the policy directory; by default\n", synopsis);
	eu_cli_config_help(out, 22);
	fprintf(out,
		"  -t, --today DATE      the day CSV exports' status is derived for and the next\n"
		"                        cut-off is chosen from (YYYY-MM-DD; default today)\n"
		"  -v, --verbose         print a count of topics read, rejected and repaired\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n"
		"\n"
		"See euprio-calls(1) and docs/calls.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"today", required_argument, NULL, 't'},
		{"verbose", no_argument, NULL, 'v'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL;
	eu_calls_opts o = {.today = -1};
	int verbose = 0, ch, rc;

	eu_cli_start(argv[0]);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:ht:vV", longopts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if ((o.today = eu_parse_date(optarg)) < 0) {
				eu_warnx("--today: '%s' is not a date", optarg);
				return eu_cli_usage_error(synopsis);
			}
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			if ((rc = eu_cli_option(ch, usage, synopsis, &config)) >= 0)
				return rc;
			break;
		}
	}
	if (eu_limits_load(eu_config_dir(config), 1) < 0)
		return EU_EXIT_USAGE;
	eu_calls *C = eu_calls_new(eu_config_dir(config), &o);
	if (!C)
		return EU_EXIT_USAGE;
	eu_writer *w = eu_writer_fdopen(1, "standard output", NULL);
	int status = eu_calls_run(C, argv + optind, (size_t)(argc - optind), w);
	if (verbose) {
		const eu_calls_counts *n = eu_calls_counts_get(C);
		eu_warnx("%lu file%s, %lu topics, %lu rejected, mojibake repaired in %lu", n->files,
			 n->files == 1 ? "" : "s", n->topics, n->rejected, n->repaired);
	}
	eu_calls_free(C);
	return eu_cli_finish(w, status);
}
