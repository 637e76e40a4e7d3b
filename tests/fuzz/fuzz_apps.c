/* libFuzzer harness for the XML reader with the shipped profiles, from
 * memory, with the deny-all entity loader installed by eu_apps_new. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "euprio/stages/apps.h"
#include "euprio/core/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static eu_apps *A;
	static int devnull = -1;

	if (!A) {
		eu_diag = fopen("/dev/null", "w");
		A = eu_apps_new(FUZZ_CONFIG, NULL);
		devnull = open("/dev/null", O_WRONLY);
		if (!A)
			abort();
	}
	eu_writer *w = eu_writer_fdopen(devnull, "/dev/null", NULL);
	eu_apps_read_mem(A, (const char *)data, size, "fuzz.xml", w);
	eu_apps_report_duplicates(A);     /* one input, one run: nothing piles up */
	eu_writer_flush(w);
	eu_writer_close(w);
	return 0;
}
