/* libFuzzer harness for euprio-sdeo's whole path over one listing file:
 * dialect and profile detection, the encodings, ragged and bad rows,
 * participant groups and free-text partners.  Every record written must
 * read back through the record stream's reader. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/core/writer.h"
#include "euprio/stages/listings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static eu_listings *S;
	if (!S) {
		eu_diag = fopen("/dev/null", "w");
		S = eu_listings_new(FUZZ_CONFIG, NULL);
		if (!S)
			abort();
	}
	int in = memfd_create("listing", 0), out = memfd_create("out", 0);
	if (in < 0 || out < 0 || write(in, data, size) != (ssize_t)size)
		abort();
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", in);
	char *paths[] = {path};
	eu_writer *w = eu_writer_fdopen(out, "out", NULL);
	eu_listings_run(S, paths, 1, -1, w);
	eu_writer_flush(w);
	eu_writer_close(w);
	/* What was written is a record stream: every row as wide as the header
	 * and none the reader rejects. */
	lseek(out, 0, SEEK_SET);
	eu_reader *r = eu_reader_fdopen(out, "out", NULL);
	if (eu_reader_header(r)) {
		eu_row row;
		while (eu_reader_next(r, &row) == 1)
			if (row.bad)
				abort();
	}
	eu_reader_close(r);
	close(in);
	close(out);
	return 0;
}
