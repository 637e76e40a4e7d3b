/* libFuzzer harness for the listing reader's value parsers: Danish amounts
 * and dates, and free-text partners (which must always encode to something
 * the partners codec decodes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/stream/partners.h"
#include "euprio/stages/listings.h"
#include "euprio/core/values.h"

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
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	double v;
	enum eu_currency c;
	eu_parse_amount(s, &v, &c);
	eu_parse_amount_dec(s, ',', &v, &c);
	long d = eu_parse_date(s);
	if (d >= 0) {
		eu_buf b = EU_BUF_INIT;
		eu_fmt_date(&b, d);
		if (eu_parse_date(b.p) != d)    /* a date survives its own format */
			abort();
		eu_buf_free(&b);
	}
	eu_buf out = EU_BUF_INIT;
	eu_listings_free_partners(S, s, strlen(s), &out);
	eu_partners ps = EU_PARTNERS_INIT;
	const char *err;
	if (out.len && eu_partners_decode(&ps, out.p, out.len, &err) != 0)
		abort();
	eu_partners_free(&ps);
	eu_buf_free(&out);
	free(s);
	return 0;
}
