/* euprio-sdeo: reads listing spreadsheets and writes the canonical record
 * stream; with --append, joins them onto the applications on stdin. */
#include <getopt.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stages/listings.h"

static const char synopsis[] =
	"euprio-sdeo [-ahV] [-c DIR] [-p PROFILE] [-e ENCODING] [-F DELIM]\n"
	"                   [FILE...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Read listing spreadsheets (SDEO's sheet, the ERDF/ESF project exports,\n"
		"CORDIS participants and project table) saved as CSV in any Danish-Excel\n"
		"dialect, and write one canonical record per listed project or call.\n"
		"Encoding, delimiter, header row and profile are detected unless given.\n"
		"\n"
		"  -a, --append          first pass the record stream on stdin through, and\n"
		"                        join each listing onto the application that is its\n"
		"                        project (call, acronym, title, lead partner)\n"
		"  -c, --config DIR      the policy directory; by default\n", synopsis);
	eu_cli_config_help(out, 24);
	fprintf(out,
		"  -p, --profile NAME    any profile in config/listings (sdeo, erdf,\n"
		"                        cordis-participants, cordis-fp3, cordis-projects)\n"
		"  -e, --encoding ENC    utf-8 or cp1252 (also: latin1, windows-1252)\n"
		"  -F, --delimiter D     ';', ',' or tab\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n"
		"\n"
		"See euprio-sdeo(1) and docs/listings.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"append", no_argument, NULL, 'a'},
		{"config", required_argument, NULL, 'c'},
		{"delimiter", required_argument, NULL, 'F'},
		{"encoding", required_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{"profile", required_argument, NULL, 'p'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL;
	eu_listings_opts o = {0};
	int append = 0, ch;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	static const eu_cli_retired retired[] = {
		{'d', "-F or --delimiter", "--delimiter"}, {0, NULL, NULL},
	};
	eu_cli_retire(retired);
	while ((ch = getopt_long(argc, argv, "ac:e:F:hp:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			append = 1;
			break;
		case 'F':
			if (!strcmp(optarg, ";") || !strcmp(optarg, ",") || !strcmp(optarg, "\t"))
				o.delim = (unsigned char)optarg[0];
			else if (!strcmp(optarg, "tab") || !strcmp(optarg, "\\t"))
				o.delim = '\t';
			else {
				eu_warnx("delimiter must be ';', ',' or tab, not '%s'", optarg);
				return eu_cli_usage_error(synopsis);
			}
			break;
		case 'e':
			if (!strcasecmp(optarg, "utf-8") || !strcasecmp(optarg, "utf8"))
				o.encoding = EU_ENC_UTF8;
			else if (!strcasecmp(optarg, "cp1252") || !strcasecmp(optarg, "windows-1252") ||
				 !strcasecmp(optarg, "latin1") || !strcasecmp(optarg, "iso-8859-1"))
				o.encoding = EU_ENC_CP1252;
			else {
				eu_warnx("encoding must be utf-8 or cp1252, not '%s'", optarg);
				return eu_cli_usage_error(synopsis);
			}
			break;
		case 'p':
			o.profile = optarg;
			break;
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, &config)) >= 0)
				return opt_rc;
			break;
		}
	}
	if (eu_limits_load(eu_config_dir(config), 1) < 0)
		return EU_EXIT_USAGE;
	eu_listings *S = eu_listings_new(eu_config_dir(config), &o);
	if (!S)
		return EU_EXIT_USAGE;
	eu_writer *w = eu_writer_fdopen(1, "standard output", NULL);
	int status = eu_listings_run(S, argv + optind, (size_t)(argc - optind), append ? 0 : -1, w);
	eu_listings_free(S);
	return eu_cli_finish(w, status);
}
