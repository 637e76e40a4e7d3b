/* euprio-cat: concatenates record streams into one, under the union of
 * their headers.  The simplest filter, and the reference for the others. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stream/filter.h"
#include "euprio/stream/stream.h"

static const char synopsis[] = "euprio-cat [-hV] [FILE...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Concatenate euprio record streams (CSV) into one stream whose header is\n"
		"the union of the inputs' headers, in first-seen order.  A column a file\n"
		"lacks is empty in its records.  With no FILE, or with -, read stdin.\n"
		"\n"
		"  -h, --help      show this help and exit\n"
		"  -V, --version   show the version and the libraries built with\n"
		"\n"
		"Exit status: 0 ok, 1 bad records passed on as rejected, 2 usage error,\n"
		"3 an input could not be read, 4 output could not be written.\n"
		"See euprio-cat(1).\n", synopsis);
}

static int pass(void *ctx, const eu_rec *rec, eu_owned *out, eu_buf *reason)
{
	(void)ctx; (void)rec; (void)out; (void)reason;
	return 0;
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

	/* Without a policy of its own this tool keeps the shipped limits. */
	if (eu_limits_load(eu_config_dir(NULL), 0) < 0)
		return EU_EXIT_USAGE;
	static const eu_filter f = {.process = pass};
	eu_writer *w = eu_writer_fdopen(1, "standard output", NULL);
	int status = eu_filter_run(&f, NULL, argv + optind, (size_t)(argc - optind), w);
	return eu_cli_finish(w, status);
}
