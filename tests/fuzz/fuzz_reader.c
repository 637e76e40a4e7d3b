/* libFuzzer harness for the CSV reader.  Oracle: the same bytes read with a
 * 64 KiB buffer (whole records split by the fast path) and with a small odd
 * buffer (nearly every record parsed by libcsv) give identical rows, lines
 * and faults; and nothing crashes or leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/buf.h"
#include "euprio/core/reader.h"

static void dump(const uint8_t *data, size_t size, unsigned char delim, size_t chunk, eu_buf *out)
{
	eu_reader_opts o = {.delim = delim, .check_utf8 = 1, .check_width = 1, .chunk = chunk,
			    .max_field = 4096};
	eu_reader *r = eu_reader_mem(data, size, "fuzz", &o);
	eu_row row;
	eu_reader_header(r);
	while (eu_reader_next(r, &row) == 1) {
		eu_buf_printf(out, "%ld:%zu:%s|", row.line, row.n, row.bad ? row.bad : "");
		for (size_t k = 0; k < row.n; k++) {
			eu_buf_add(out, row.f[k], row.len[k]);
			eu_buf_addc(out, '\x1f');
		}
		eu_buf_addc(out, '\n');
	}
	eu_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const unsigned char delims[] = {',', ';', '\t'};
	unsigned char delim = delims[data[0] % 3];
	size_t small = (size_t)(data[0] >> 2) % 13 + 1;
	eu_buf a = EU_BUF_INIT, b = EU_BUF_INIT;
	dump(data + 1, size - 1, delim, 65536, &a);
	dump(data + 1, size - 1, delim, small, &b);
	if ((a.len != b.len) || (a.len && memcmp(a.p, b.p, a.len) != 0))
		abort();     /* the two parsing paths disagree */
	eu_buf_free(&a);
	eu_buf_free(&b);
	return 0;
}
