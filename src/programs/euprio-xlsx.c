/* euprio-xlsx: the morning workbook's options and main(); the workbook
 * itself is eu_xlsx_run (src/stages/xlsx/). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/core/values.h"
#include "euprio/stages/xlsx.h"

static const char synopsis[] =
	"euprio-xlsx [-hV] [-c DIR] -o FILE.xlsx [-r REJECTED.csv]\n"
	"                   [--changes CHANGES.csv] [-l da|en] [-t DATE] [CANDIDATES.csv...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Write the morning workbook from euprio-rank's candidates (standard input\n"
		"when no file is named): sheets Kandidater (candidates in rank order),\n"
		"Indkaldelser (the open calls to explore), Overblik (counts and charts),\n"
		"Afviste (rejected records) and Ændringer (changes since the last run,\n"
		"with --changes).\n"
		"\n"
		"  -o, --output FILE     the workbook to write (replaced atomically)\n"
		"  -r, --rejects FILE    euprio-rank's rejected records, for Afviste\n"
		"      --changes FILE    euprio-changes output, for Ændringer\n"
		"  -l, --lang da|en      sheet names, titles and words (default da)\n"
		"  -t, --today DATE      the date the overview counts months from\n"
		"                        (YYYY-MM-DD; default today)\n"
		"  -c, --config DIR      the policy directory; by default\n", synopsis);
	eu_cli_config_help(out, 24);
	fprintf(out,
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n"
		"\n"
		"See euprio-xlsx(1).\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"rejects", required_argument, NULL, 'r'},
		{"changes", required_argument, NULL, EU_OPT_CHANGES},
		{"lang", required_argument, NULL, 'l'},
		{"today", required_argument, NULL, 't'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *output = NULL, *rejects = NULL, *chg = NULL;
	eu_xlsx_opts o = {0};
	int ch, rc;

	eu_cli_start(argv[0]);
	o.today = eu_today();
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:l:o:r:t:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			output = optarg;
			break;
		case 'r':
			rejects = optarg;
			break;
		case EU_OPT_CHANGES:
			chg = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "da") && strcmp(optarg, "en")) {
				eu_warnx("--lang: '%s' is not da or en", optarg);
				return eu_cli_usage_error(synopsis);
			}
			o.english = strcmp(optarg, "en") == 0;
			break;
		case 't':
			if ((o.today = eu_parse_date(optarg)) < 0) {
				eu_warnx("--today: '%s' is not a date (YYYY-MM-DD)", optarg);
				return eu_cli_usage_error(synopsis);
			}
			break;
		default:
			if ((rc = eu_cli_option(ch, usage, synopsis, &config)) >= 0)
				return rc;
			break;
		}
	}
	if (!output) {
		eu_warnx("-o FILE.xlsx is required: a workbook cannot go to standard output");
		return eu_cli_usage_error(synopsis);
	}
	if (eu_limits_load(eu_config_dir(config), 1) < 0)
		return EU_EXIT_USAGE;
	o.config_dir = eu_config_dir(config);
	o.output = output;
	o.rejects = rejects;
	o.changes = chg;
	return eu_xlsx_run(&o, argv + optind, (size_t)(argc - optind));
}
