/* euprio-split: options and main() over eu_split_run (src/stream/split.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stream/split.h"

static const char synopsis[] =
	"euprio-split [-hV] (--parts N | --records N) [--prefix P] [FILE...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Split a record stream into parts at record boundaries, each part with the\n"
		"header, named PREFIX0000.csv, PREFIX0001.csv, ...  The part names are\n"
		"printed on stdout, one per line.\n"
		"\n"
		"      --parts N      about N parts of equal size (needs a regular FILE)\n"
		"      --records N    N records per part\n"
		"      --prefix P     part names start with P (default part-)\n"
		"  -h, --help         show this help and exit\n"
		"  -V, --version      show the version and exit\n"
		"\n"
		"See euprio-split(1).\n", synopsis);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"parts", required_argument, NULL, EU_OPT_PARTS},
		{"prefix", required_argument, NULL, EU_OPT_PREFIX},
		{"records", required_argument, NULL, EU_OPT_RECORDS},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *prefix = "part-";
	unsigned long parts = 0, per = 0;
	int ch;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	/* -n, -l and -p mean --dry-run, --lang and --profile in the other
	 * programs (docs/cli.md): split keeps only its long names. */
	static const eu_cli_retired retired[] = {
		{'n', "--parts", "--parts"}, {'l', "--records", "--records"},
		{'p', "--prefix", "--prefix"}, {0, NULL, NULL},
	};
	eu_cli_retire(retired);
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		char *end;
		switch (ch) {
		case EU_OPT_RECORDS:
		case EU_OPT_PARTS:
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > 100000000) {
				eu_warnx("--%s wants a positive number, not '%s'",
					 ch == EU_OPT_PARTS ? "parts" : "records", optarg);
				return eu_cli_usage_error(synopsis);
			}
			if (ch == EU_OPT_RECORDS)
				per = v;
			else
				parts = v;
			break;
		case EU_OPT_PREFIX:
			prefix = optarg;
			break;
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, NULL)) >= 0)
				return opt_rc;
			break;
		}
	}
	if (!parts == !per) {
		eu_warnx("give exactly one of --parts and --records");
		return eu_cli_usage_error(synopsis);
	}

	/* Without a policy of its own this tool keeps the shipped limits. */
	if (eu_limits_load(eu_config_dir(NULL), 0) < 0)
		return EU_EXIT_USAGE;
	return eu_cli_finish(NULL, eu_split_run(argv + optind, (size_t)(argc - optind), parts, per, prefix, stdout));
}
