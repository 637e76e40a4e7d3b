/* euprio-rank: the last stage's options and main(); the run itself is
 * eu_rank_run (src/stages/rank/run.c). */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stream/partners.h"
#include "euprio/stages/rank.h"
#include "euprio/stream/stream.h"
#include "euprio/core/strmap.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"

static const char synopsis[] =
	"euprio-rank [-AhV] [-c DIR] -r FILE [-t DATE] [-l da|en]\n"
	"                   [--decisions FILE [--decline-memory FILE]] [--cordis FILE]\n"
	"                   [-d rfc4180|excel-da] [--bom] [--no-escape] [FILE...]";

/* Long options only: the short letters are the programs' shared set
 * (docs/cli.md). */
enum { OPT_DECISIONS = 256, OPT_DECLINE_MEMORY, OPT_CORDIS };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Score every record by the five principles, decide (prioritise, consider,\n"
		"review; explore for an open call, with suggested local partners), sort, and\n"
		"write the candidates to stdout and every rejected record, with its reason,\n"
		"to the rejects file.  Every input record ends in exactly one.\n"
		"\n"
		"  -c, --config DIR    the policy directory; by default\n", synopsis);
	eu_cli_config_help(out, 22);
	fprintf(out,
		"  -r, --rejects FILE  where rejected records go (required; may be /dev/null)\n"
		"  -t, --today DATE    the date deadlines count from (YYYY-MM-DD; default today)\n"
		"  -l, --lang LANG     language of reasons: da (default) or en\n"
		"  -A, --all-columns   keep every column of the record stream (for machines)\n"
		"      --decisions FILE  the coordinator's decisions: id, decision (pursue,\n"
		"                      decline, watch), until, note, by; any fault stops the run\n"
		"      --decline-memory FILE  what each declined record was when first declined,\n"
		"                      read and replaced, so a material change brings it back\n"
		"      --cordis FILE   CORDIS projects with their partners (euprio-sdeo output):\n"
		"                      a call's reasons name the Funen organisations in them\n"
		"  -d, --dialect D     rfc4180 (default: ',', LF) or excel-da (';', CRLF, BOM,\n"
		"                      decimal comma), for Danish Excel\n"
		"      --bom           start both outputs with a UTF-8 BOM\n"
		"      --no-escape     do not prefix cells that would start a formula with '\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
		"\n"
		"See euprio-rank(1) and docs/scoring.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"all-columns", no_argument, NULL, 'A'},
		{"bom", no_argument, NULL, EU_OPT_BOM},
		{"config", required_argument, NULL, 'c'},
		{"cordis", required_argument, NULL, OPT_CORDIS},
		{"decisions", required_argument, NULL, OPT_DECISIONS},
		{"decline-memory", required_argument, NULL, OPT_DECLINE_MEMORY},
		{"dialect", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"lang", required_argument, NULL, 'l'},
		{"no-escape", no_argument, NULL, EU_OPT_NO_ESCAPE},
		{"rejects", required_argument, NULL, 'r'},
		{"today", required_argument, NULL, 't'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *rejects = NULL, *decisions = NULL, *memory = NULL, *cordis = NULL;
	enum eu_lang lang = EU_LANG_DA;
	eu_writer_opts wo = {.excel_safe = 1};
	int all = 0, ch;
	eu_rank_run_opts ro = {0};
	eu_rank *R;
	eu_writer *rej;

	eu_cli_start(argv[0]);
	int opt_rc;
	ro.today = eu_today();
	optind = 0;
	static const eu_cli_retired retired[] = {
		{'a', "-A or --all-columns", "--all-columns"}, {0, NULL, NULL},
	};
	eu_cli_retire(retired);
	while ((ch = getopt_long(argc, argv, "Ac:d:hl:r:t:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			all = 1;
			break;
		case 'd':
			if (strcmp(optarg, "excel-da") == 0) {
				wo.delim = ';';
				wo.crlf = wo.bom = wo.decimal_comma = 1;
			} else if (strcmp(optarg, "rfc4180") != 0) {
				eu_warnx("unknown dialect '%s' (rfc4180 or excel-da)", optarg);
				return eu_cli_usage_error(synopsis);
			}
			break;
		case 'l':
			if (strcmp(optarg, "da") == 0)
				lang = EU_LANG_DA;
			else if (strcmp(optarg, "en") == 0)
				lang = EU_LANG_EN;
			else {
				eu_warnx("unknown language '%s' (da or en)", optarg);
				return eu_cli_usage_error(synopsis);
			}
			break;
		case 'r':
			rejects = optarg;
			break;
		case 't':
			ro.today = eu_parse_date(optarg);
			if (ro.today < 0 || strlen(optarg) != 10) {
				eu_warnx("--today wants a date as YYYY-MM-DD, not '%s'", optarg);
				return eu_cli_usage_error(synopsis);
			}
			break;
		case OPT_DECISIONS:
			decisions = optarg;
			break;
		case OPT_DECLINE_MEMORY:
			memory = optarg;
			break;
		case OPT_CORDIS:
			cordis = optarg;
			break;
		case EU_OPT_BOM:
			wo.bom = 1;
			break;
		case EU_OPT_NO_ESCAPE:
			wo.excel_safe = 0;
			break;
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, &config)) >= 0)
				return opt_rc;
			break;
		}
	}
	if (!rejects) {
		eu_warnx("--rejects FILE is required: every record must end somewhere");
		return eu_cli_usage_error(synopsis);
	}
	if (memory && !decisions) {
		eu_warnx("--decline-memory remembers declines: it needs --decisions FILE");
		return eu_cli_usage_error(synopsis);
	}
	if (eu_limits_load(eu_config_dir(config), 1) < 0)
		return EU_EXIT_USAGE;
	R = eu_rank_load(eu_config_dir(config), lang);
	if (!R)
		return EU_EXIT_USAGE;
	/* Before the rejects file is opened: a faulty table leaves every
	 * output as it was. */
	if (decisions && eu_rank_decisions(R, decisions, memory, ro.today) < 0) {
		eu_rank_free(R);
		return EU_EXIT_USAGE;
	}
	/* CORDIS before the outputs too: a file that is no stream of
	 * projects stops the run; one that cannot be read is told (status 3)
	 * and the calls go without its names. */
	int cstatus = cordis ? eu_rank_cordis(R, cordis) : EU_EXIT_OK;
	if (cstatus == EU_EXIT_USAGE) {
		eu_rank_free(R);
		return EU_EXIT_USAGE;
	}
	rej = eu_writer_open(rejects, &wo);
	if (!rej) {
		eu_warnx("cannot create %s: %s", rejects, strerror(errno));
		eu_rank_free(R);
		return EU_EXIT_OUTPUT;
	}
	ro.all_columns = all;
	eu_writer *w = eu_writer_fdopen(1, "standard output", &wo);
	int status = eu_rank_run(R, &ro, argv + optind, (size_t)(argc - optind), rej, w);
	eu_status_raise(&status, cstatus);
	if (eu_writer_close(rej) < 0) {
		eu_warnx("write error on %s: %s", rejects, strerror(errno));
		eu_status_raise(&status, EU_EXIT_OUTPUT);
	}
	eu_rank_free(R);
	return eu_cli_finish(w, status);
}

