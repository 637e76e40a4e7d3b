/* euprio-apps' duplicate-id detector: which ids a run holds more than
 * once, and where each was first seen. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps_int.h"
#include "euprio/core/diag.h"
#include "euprio/core/strmap.h"
#include "euprio/stream/stream.h"

/* Duplicate ids in a run, in memory that does not grow with the run: each
 * id goes, with its origin, to a spool file and into a Bloom filter, and
 * an id the filter may have seen becomes a suspect.  The report reads the
 * spool once and names every later occurrence of each suspect that really
 * repeats, so a filter's false positive costs a look-up, never a false
 * report.  Without a spool (no temporary file) an exact in-memory set does
 * the job and reports at once. */
#define DUP_BITS (1u << 23)      /* 1 MiB: ~1e-6 false positives at 100 000 ids */

struct dups {
	uint64_t *bloom;
	FILE *spool;
	char **files;                /* origin file names, by index */
	size_t nfiles;
	eu_strmap suspects;
	eu_strmap exact;             /* the fallback */
};

static uint64_t id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;     /* FNV-1a, then a finaliser */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

void apps_dups_free(struct dups *D)
{
	if (!D)
		return;
	free(D->bloom);
	if (D->spool)
		fclose(D->spool);
	for (size_t i = 0; i < D->nfiles; i++)
		free(D->files[i]);
	free(D->files);
	eu_strmap_free(&D->suspects, NULL);
	eu_strmap_free(&D->exact, NULL);
	free(D);
}

void apps_note_id(eu_apps *A, const char *id, const char *file, long line)
{
	struct dups *D = A->dups;
	if (!D) {
		D = A->dups = eu_xcalloc(1, sizeof *D);
		int fd = eu_spool_fd("ids");
		if (fd >= 0 && !(D->spool = fdopen(fd, "w+")))
			close(fd);
		if (D->spool)
			D->bloom = eu_xcalloc(DUP_BITS / 64, sizeof *D->bloom);
	}
	if (!D->spool) {
		if (!eu_strmap_add(&D->exact, id, strlen(id), NULL))
			eu_warn_at(file, line, "id %s appears more than once in this run", id);
		return;
	}
	if (!D->nfiles || strcmp(D->files[D->nfiles - 1], file) != 0) {
		D->files = eu_xrealloc(D->files, (D->nfiles + 1) * sizeof *D->files);
		D->files[D->nfiles++] = eu_xstrdup(file);
	}
	fprintf(D->spool, "%zu %ld %s\n", D->nfiles - 1, line, id);
	uint64_t h = id_hash(id), h2 = (h >> 32 | h << 32) | 1;
	int all = 1;
	for (int k = 0; k < 4; k++) {
		uint32_t bit = (uint32_t)((h + (uint64_t)k * h2) % DUP_BITS);
		uint64_t m = 1ull << (bit & 63);
		all &= (D->bloom[bit >> 6] & m) != 0;
		D->bloom[bit >> 6] |= m;
	}
	if (all)
		eu_strmap_add(&D->suspects, id, strlen(id), NULL);
}

void eu_apps_report_duplicates(eu_apps *A)
{
	struct dups *D = A->dups;
	if (!D || !D->spool || !D->suspects.n) {
		apps_dups_free(D);
		A->dups = NULL;
		return;
	}
	eu_strmap first = EU_STRMAP_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	eu_buf origin = EU_BUF_INIT;

	fflush(D->spool);
	rewind(D->spool);
	while ((n = getline(&line, &cap, D->spool)) > 0) {
		size_t fi;
		long ln;
		int off = 0;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (sscanf(line, "%zu %ld %n", &fi, &ln, &off) < 2 || !off || fi >= D->nfiles)
			continue;
		const char *id = line + off;
		size_t len = strlen(id);
		int suspect;
		eu_strmap_get(&D->suspects, id, len, &suspect);
		if (!suspect)
			continue;
		int seen;
		char *at = eu_strmap_get(&first, id, len, &seen);
		if (!seen) {
			eu_buf_clear(&origin);
			eu_origin_format(&origin, D->files[fi], ln);
			eu_strmap_add(&first, id, len, eu_xstrdup(origin.p));
			continue;
		}
		eu_warn_at(D->files[fi], ln, "id %s appears more than once in this run (first at %s)", id, at);
	}
	free(line);
	eu_buf_free(&origin);
	eu_strmap_free(&first, free);
	apps_dups_free(D);
	A->dups = NULL;
}
