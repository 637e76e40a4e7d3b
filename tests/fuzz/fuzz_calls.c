/* libFuzzer harness for euprio-calls' JSON (and CSV) mapping, from memory:
 * besides "no crash, no leak", the records and messages must not depend on
 * how the input is cut into reads (the framer's state crosses every read
 * boundary: a BOM, an escape, a cut string, a search after an error). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/buf.h"
#include "euprio/core/diag.h"
#include "euprio/stages/calls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char msgs[2][1 << 20];
static char config[] = "/tmp/euprio-fuzz-calls-XXXXXX";

/* The shipped policy with small limits, so that cut strings, replaced
 * containers and full topics are reached by inputs of a few KB. */
static void make_config(void)
{
	char cmd[1024];
	if (!mkdtemp(config))
		abort();
	snprintf(cmd, sizeof cmd,
		 "cp %s/*.csv %s/ && sed -i -e 's/^calls.max_text_bytes,[0-9]*/calls.max_text_bytes,1024/' "
		 "-e 's/^calls.max_depth,[0-9]*/calls.max_depth,12/' -e 's/^calls.max_values,[0-9]*/calls.max_values,500/' "
		 "-e 's/^calls.max_topic_bytes,[0-9]*/calls.max_topic_bytes,8192/' "
		 "-e 's/^calls.max_topics_per_file,[0-9]*/calls.max_topics_per_file,40/' %s/settings.csv",
		 FUZZ_CONFIG, config, config);
	if (system(cmd) != 0)
		abort();
}

/* Output and messages of one read of data in reads of chunk bytes. */
static int run(const uint8_t *data, size_t size, size_t chunk, eu_buf *out, int k)
{
	static eu_writer *like;
	eu_calls_opts o = {.today = 20000, .chunk = chunk};

	if (!like) {
		like = eu_writer_fdopen(-1, "fuzz", NULL);
		make_config();
	}
	eu_calls *C = eu_calls_new(config, &o);
	if (!C)
		abort();
	memset(msgs[k], 0, 64);
	eu_diag = fmemopen(msgs[k], sizeof msgs[k] - 1, "w");
	eu_writer *w = eu_writer_mem(like);
	eu_buf_clear(out);
	eu_writer_mem_bind(w, out);
	int status = eu_calls_read_mem(C, data, size, "fuzz.json", w);
	eu_writer_mem_unbind(w);
	eu_writer_close(w);
	fputc('\0', eu_diag);
	fclose(eu_diag);
	eu_diag = NULL;
	eu_calls_free(C);
	return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static eu_buf a = EU_BUF_INIT, b = EU_BUF_INIT;

	if (!size)
		return 0;
	/* yajl reads a token split over reads again from its start: small
	 * reads only for small inputs, so that a run stays quick. */
	size_t chunk = size <= 4096 ? 1 + data[0] % 13 : 256 + data[0] % 200;
	int s1 = run(data, size, 0, &a, 0);
	int s2 = run(data, size, chunk, &b, 1);
	if (s1 != s2 || a.len != b.len || (a.len && memcmp(a.p, b.p, a.len)) || strcmp(msgs[0], msgs[1])) {
		fprintf(stderr, "reads of %zu bytes differ from 64 KiB reads: status %d / %d\n%s\n---\n%s\n",
			chunk, s2, s1, msgs[1], msgs[0]);
		abort();
	}
	return 0;
}
