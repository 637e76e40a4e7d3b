/* euprio-apps: reads exported applications (XML) and writes the canonical
 * record stream. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "euprio/stages/apps.h"
#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"

static const char synopsis[] = "euprio-apps [-hV] [-c DIR] [-p PROFILE] [FILE...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Read exported applications (XML) and write one canonical record per\n"
		"application (docs/record-stream.md).  The mapping profile is chosen by the\n"
		"root element's namespace unless -p names one.  With no FILE, or -, read\n"
		"stdin.  DTDs, external entities and network access are refused.\n"
		"\n"
		"  -c, --config DIR       the policy directory; by default\n", synopsis);
	eu_cli_config_help(out, 25);
	fprintf(out,
		"  -p, --profile PROFILE  a profile name in DIR/profiles (portfolio-v2,\n"
		"                         portfolio-v1, cordis-project) or a path to a .csv\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n"
		"\n"
		"See euprio-apps(1) and docs/profiles.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"profile", required_argument, NULL, 'p'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *profile = NULL;
	int ch, status = EU_EXIT_OK;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:hp:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			profile = optarg;
			break;
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, &config)) >= 0)
				return opt_rc;
			break;
		}
	}
	if (eu_limits_load(eu_config_dir(config), 1) < 0)
		return EU_EXIT_USAGE;
	eu_apps *A = eu_apps_new(eu_config_dir(config), profile);
	if (!A)
		return EU_EXIT_USAGE;

	eu_writer *w = eu_writer_fdopen(1, "standard output", NULL);
	eu_apps_write_header(w);
	int nfiles = argc - optind;
	for (int i = 0; i < (nfiles ? nfiles : 1) && !eu_writer_error(w); i++) {
		const char *path = nfiles ? argv[optind + i] : "-";
		int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			eu_warn_at(path, 0, "cannot open: %s", strerror(errno));
			eu_status_raise(&status, EU_EXIT_INPUT);
			continue;
		}
		eu_status_raise(&status, eu_apps_read_fd(A, fd, path, w));
		if (fd != 0)
			close(fd);
	}
	eu_apps_report_duplicates(A);
	eu_apps_free(A);
	return eu_cli_finish(w, status);
}
