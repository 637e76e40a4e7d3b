/* libFuzzer harness for the configuration table loader. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const req[] = {"key", "value", NULL};
	eu_table t;

	if (!eu_diag)
		eu_diag = fopen("/dev/null", "w");
	eu_table_load_mem(&t, "fuzz.csv", (const char *)data, size, size % 2 ? req : NULL);
	for (size_t r = 0; r < t.nrows; r++) {
		double d;
		eu_table_number(&t, r, 0, -1e9, 1e9, &d);
	}
	eu_table_free(&t);
	return 0;
}
