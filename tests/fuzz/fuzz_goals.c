/* libFuzzer harness for the goal matcher with the shipped terms: the input
 * is split into title, summary and keywords at the first two NUL bytes.
 * Differential: the matcher with its memo (twice, so the second run is
 * answered from it) must agree with the matcher without, which also scans
 * with SSE2 where the other uses AVX2 and filters compounds by its
 * byte-pair table. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/stages/goals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static eu_goals *G, *plain;
	static eu_goals_result res, again, want;
	if (!G) {
		eu_diag = fopen("/dev/null", "w");
		G = eu_goals_load(FUZZ_CONFIG);
		setenv("EUPRIO_GOALS_NO_MEMO", "1", 1);
		setenv("EUPRIO_GOALS_NO_AVX2", "1", 1);
		setenv("EUPRIO_GOALS_NO_SSSE3", "1", 1);
		plain = eu_goals_load(FUZZ_CONFIG);
		unsetenv("EUPRIO_GOALS_NO_MEMO");
		unsetenv("EUPRIO_GOALS_NO_AVX2");
		unsetenv("EUPRIO_GOALS_NO_SSSE3");
		if (!G || !plain)
			abort();
	}
	const char *parts[3] = {"", "", ""};
	size_t plen[3] = {0, 0, 0};
	const char *p = (const char *)data, *end = p + size;
	for (int i = 0; i < 3 && p <= end; i++) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		parts[i] = p;
		plen[i] = z && i < 2 ? (size_t)(z - p) : (size_t)(end - p);
		p += plen[i] + 1;
		if (!z)
			break;
	}
	size_t nf = eu_goals_nfields(G);
	const char *t[32];
	size_t l[32];
	for (size_t f = 0; f < nf && f < 32; f++) {
		const char *name = eu_goals_field(G, f);
		int k = !strcmp(name, "title") ? 0 : !strcmp(name, "summary") ? 1 : !strcmp(name, "keywords") ? 2 : -1;
		t[f] = k >= 0 ? parts[k] : "";
		l[f] = k >= 0 ? plen[k] : 0;
	}
	eu_buf err = EU_BUF_INIT;
	int rc = eu_goals_record(G, t, l, &res, &err, NULL, NULL);
	int rc2 = eu_goals_record(G, t, l, &again, &err, NULL, NULL);
	int rcw = eu_goals_record(plain, t, l, &want, &err, NULL, NULL);
	eu_buf_free(&err);
	if (rc != rcw || rc2 != rcw)
		abort();
	if (rc == 0) {
		const eu_goals_result *r[2] = {&res, &again};
		for (int i = 0; i < 2; i++)
			if (r[i]->count != want.count || strcmp(r[i]->evidence.p ? r[i]->evidence.p : "", want.evidence.p ? want.evidence.p : "") ||
			    strcmp(r[i]->strength.p ? r[i]->strength.p : "", want.strength.p ? want.strength.p : "")) {
				fprintf(stderr, "memo: %s\nplain: %s\n", r[i]->evidence.p, want.evidence.p);
				abort();
			}
	}
	return 0;
}
