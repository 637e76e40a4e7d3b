/* libFuzzer harness for the partners codec.  Oracle: whatever decodes,
 * encoded again and decoded again, gives the same partners. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/stream/partners.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eu_partners a = EU_PARTNERS_INIT, b = EU_PARTNERS_INIT;
	eu_buf enc = EU_BUF_INIT;
	const char *err;

	/* Names with NUL never reach the codec (the reader rejects such
	 * fields), and the encoder takes C strings: nothing to round-trip. */
	if (memchr(data, '\0', size))
		return 0;
	if (eu_partners_decode(&a, (const char *)data, size, &err) == 0) {
		for (size_t i = 0; i < a.n; i++) {
			const char *v[EU_P_NATTR];
			for (int k = 0; k < EU_P_NATTR; k++)
				v[k] = a.p[i].a[k];
			eu_partner_encode(&enc, v);
		}
		if (eu_partners_decode(&b, enc.p ? enc.p : "", enc.len, &err) != 0)
			abort();
		/* Encoding trims and folds separators, so compare the
		 * re-encoding of the re-decoded partners. */
		eu_buf enc2 = EU_BUF_INIT;
		for (size_t i = 0; i < b.n; i++) {
			const char *v[EU_P_NATTR];
			for (int k = 0; k < EU_P_NATTR; k++)
				v[k] = b.p[i].a[k];
			eu_partner_encode(&enc2, v);
		}
		if (enc.len != enc2.len || (enc.len && memcmp(enc.p, enc2.p, enc.len)))
			abort();
		eu_buf_free(&enc2);
	}
	eu_partners_free(&a);
	eu_partners_free(&b);
	eu_buf_free(&enc);
	return 0;
}
