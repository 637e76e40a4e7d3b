/* euprio-split: cuts a record stream into parts at record boundaries, each
 * with the header, so the record stages can run in parallel.  Line-based
 * splitters (split -l, GNU parallel --pipe) cut through quoted fields that
 * hold line breaks, which every euprio stream has (partners, summaries). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/cli.h"
#include "euprio/diag.h"
#include "euprio/stream.h"

static const char synopsis[] = "euprio-split [-hV] [-n PARTS | -l RECORDS] [-p PREFIX] [FILE...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Split a record stream into parts at record boundaries, each part with the\n"
		"header, named PREFIX0000.csv, PREFIX0001.csv, ...  The part names are\n"
		"printed on stdout, one per line.\n"
		"\n"
		"  -n, --parts N      about N parts of equal size (needs a regular FILE)\n"
		"  -l, --records N    N records per part\n"
		"  -p, --prefix P     part names start with P (default part-)\n"
		"  -h, --help         show this help and exit\n"
		"  -V, --version      show the version and exit\n"
		"\n"
		"See euprio-split(1).\n", synopsis);
}

int eu_split_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"parts", required_argument, NULL, 'n'},
		{"prefix", required_argument, NULL, 'p'},
		{"records", required_argument, NULL, 'l'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *prefix = "part-";
	unsigned long parts = 0, per = 0;
	int ch;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hl:n:p:V", longopts, NULL)) != -1) {
		char *end;
		switch (ch) {
		case 'l':
		case 'n':
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > 100000000) {
				eu_warnx("-%c wants a positive number, not '%s'", ch, optarg);
				return eu_cli_usage_error(synopsis);
			}
			if (ch == 'l')
				per = v;
			else
				parts = v;
			break;
		case 'p':
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

	eu_stream s;
	eu_rec rec;
	eu_stream_open(&s, argv + optind, (size_t)(argc - optind), NULL);
	int status = s.status;
	if (s.nin == 0) {
		eu_stream_close(&s);
		return eu_cli_finish(NULL, status);
	}
	/* With --parts, cut by bytes: the size of the inputs over N. */
	unsigned long long total = 0, budget = 0;
	if (parts) {
		for (int i = optind; i < argc; i++) {
			FILE *f = fopen(argv[i], "rb");
			if (f && !fseek(f, 0, SEEK_END))
				total += (unsigned long long)ftell(f);
			if (f)
				fclose(f);
		}
		if (!total) {
			eu_warnx("--parts needs regular files to size; use --records for a pipe");
			eu_stream_close(&s);
			return eu_cli_finish(NULL, EU_EXIT_USAGE);
		}
		budget = total / parts + 1;
	}
	eu_writer *w = NULL;
	unsigned long n = 0, part = 0;
	unsigned long long bytes = 0;
	char name[4096];
	while (eu_stream_next(&s, &rec)) {
		if (!w || (per && n == per) || (parts && bytes >= budget)) {
			if (w && eu_writer_close(w) < 0) {
				eu_warnx("write error on %s: %s", name, strerror(errno));
				eu_status_raise(&status, EU_EXIT_OUTPUT);
			}
			snprintf(name, sizeof name, "%s%04lu.csv", prefix, part++);
			w = eu_writer_open(name, NULL);
			if (!w) {
				eu_warnx("cannot create %s: %s", name, strerror(errno));
				eu_stream_close(&s);
				return eu_cli_finish(NULL, EU_EXIT_OUTPUT);
			}
			printf("%s\n", name);
			for (size_t i = 0; i < s.ncols; i++)
				eu_write_str(w, s.cols[i]);
			eu_write_end(w);
			n = 0;
			bytes = 0;
		}
		for (size_t i = 0; i < rec.n; i++) {
			eu_write_field(w, rec.v[i], rec.len[i], 0);
			bytes += rec.len[i] + 1;
		}
		eu_write_end(w);
		n++;
	}
	if (w && eu_writer_close(w) < 0) {
		eu_warnx("write error on %s: %s", name, strerror(errno));
		eu_status_raise(&status, EU_EXIT_OUTPUT);
	}
	eu_status_raise(&status, s.status);
	eu_stream_close(&s);
	return eu_cli_finish(NULL, status);
}
