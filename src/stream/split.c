/* Cutting a record stream into parts at record boundaries, each with the
 * header, so the record stages can run in parallel.  Line-based splitters
 * (split -l, GNU parallel --pipe) cut through quoted fields that hold line
 * breaks, which every euprio stream has (partners, summaries). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/core/writer.h"
#include "euprio/stream/split.h"
#include "euprio/stream/stream.h"

int eu_split_run(char *const *paths, size_t npaths, unsigned long parts, unsigned long per,
		 const char *prefix, FILE *names)
{
	eu_stream s;
	eu_rec rec;
	eu_stream_open(&s, paths, npaths, NULL);
	int status = s.status;
	if (s.nin == 0) {
		eu_stream_close(&s);
		return status;
	}
	/* With --parts, cut by bytes: the size of the inputs over N. */
	unsigned long long total = 0, budget = 0;
	if (parts) {
		for (size_t i = 0; i < npaths; i++) {
			FILE *f = fopen(paths[i], "rb");
			if (f && !fseek(f, 0, SEEK_END))
				total += (unsigned long long)ftell(f);
			if (f)
				fclose(f);
		}
		if (!total) {
			eu_warnx("--parts needs regular files to size; use --records for a pipe");
			eu_stream_close(&s);
			return EU_EXIT_USAGE;
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
				return EU_EXIT_OUTPUT;
			}
			fprintf(names, "%s\n", name);
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
	return status;
}
