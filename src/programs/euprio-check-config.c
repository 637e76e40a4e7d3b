/* euprio-check-config: loads every table and profile of a policy directory
 * the way the programs do, and reports every fault, so a broken edit is
 * found before a night's run (euprio-nightly runs it first).  --get KEY then
 * prints one setting, so the shell script reads settings.csv through the
 * same parser as every program instead of a second one in sed. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "euprio/stages/apps.h"
#include "euprio/stages/calls.h"
#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stages/goals.h"
#include "euprio/stages/local.h"
#include "euprio/stages/rank.h"
#include "euprio/stages/listings.h"
#include "euprio/stages/xlsx.h"

static const char synopsis[] = "euprio-check-config [-hqV] [-c DIR] [--get KEY]";

enum { OPT_GET = 0x2000 };

/* The settings no stage reads: euprio-nightly's.  Checked here so that a
 * bad value is a fault of the policy like any other, found before a night. */
static int check_nightly_settings(const char *dir)
{
	eu_settings st;
	double v;
	int rc = 0;

	if (eu_settings_load(&st, dir, "settings.csv") < 0)
		return -1;
	/* timeout(1) takes whole seconds; a week is far beyond any night. */
	if (eu_setting_number(&st, "stage_time_limit_seconds", 1, 604800, &v) < 0) {
		rc = -1;
	} else {
		long r = eu_setting_row(&st, "stage_time_limit_seconds");
		const char *s = eu_table_get(&st.t, (size_t)r, st.cval);
		if (strspn(s, "0123456789") != strlen(s)) {
			eu_table_error(&st.t, (size_t)r, st.cval, "'%s' is not a whole number of seconds", s);
			rc = -1;
		}
	}
	eu_settings_free(&st);
	return rc;
}

/* Prints the value of key in dir/settings.csv on its own line. */
static int print_setting(const char *dir, const char *key)
{
	eu_settings st;
	const char *v;
	int rc = -1;

	if (eu_settings_load(&st, dir, "settings.csv") < 0)
		return -1;
	if ((v = eu_setting_str(&st, key)) != NULL) {
		printf("%s\n", v);
		rc = 0;
	}
	eu_settings_free(&st);
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Check every configuration table and profile of the policy directory the\n"
		"programs would use, or DIR.  Every fault is printed as file:line:col; the\n"
		"exit status is 0 when all is well and 2 otherwise.\n"
		"\n"
		"  -c, --config DIR  the policy directory to check; by default\n", synopsis);
	eu_cli_config_help(out, 20);
	fprintf(out,
		"      --get KEY     when all is well, print the value of KEY in settings.csv\n"
		"                    (and nothing else); a missing KEY is a fault\n"
		"  -q, --quiet       print nothing when all is well\n"
		"  -h, --help        show this help and exit\n"
		"  -V, --version     show the version and exit\n"
		"\n"
		"See euprio-check-config(1).\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"get", required_argument, NULL, OPT_GET},
		{"help", no_argument, NULL, 'h'},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *get = NULL;
	int ch, quiet = 0, bad = 0;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:hqV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			quiet = 1;
			break;
		case OPT_GET:
			get = optarg;
			break;
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, &config)) >= 0)
				return opt_rc;
			break;
		}
	}
	if (optind < argc)
		return eu_cli_usage_error(synopsis);
	const char *dir = eu_config_dir(config);

	/* Each loader prints its own faults; load them all so one run shows
	 * every fault in every table. */
	bad |= eu_limits_load(dir, 1) != 0;
	eu_local *L = eu_local_load(dir, EU_LANG_DA);
	bad |= !L;
	eu_local_free(L);
	eu_goals *G = eu_goals_load(dir);
	bad |= !G;
	eu_goals_free(G);
	for (int lang = EU_LANG_DA; lang <= EU_LANG_EN; lang++) {
		eu_rank *R = eu_rank_load(dir, (enum eu_lang)lang);
		bad |= !R;
		eu_rank_free(R);
		if (!R)
			break;     /* the same faults again in English add nothing */
	}
	eu_apps *A = eu_apps_new(dir, NULL);
	bad |= !A;
	eu_apps_free(A);
	eu_listings *S = eu_listings_new(dir, NULL);
	bad |= !S;
	eu_listings_free(S);
	eu_calls *C = eu_calls_new(dir, NULL);
	bad |= !C;
	eu_calls_free(C);
	bad |= eu_xlsx_check_config(dir) != 0;
	bad |= check_nightly_settings(dir) != 0;
	if (!bad && get && print_setting(dir, get) < 0)
		bad = 1;
	if (bad) {
		eu_warnx("%s: the configuration has faults (see above)", dir);
		return eu_cli_finish(NULL, EU_EXIT_USAGE);
	}
	if (get)
		return eu_cli_finish(NULL, EU_EXIT_OK);
	if (!quiet)
		printf("%s: configuration OK\n", dir);
	return eu_cli_finish(NULL, EU_EXIT_OK);
}
