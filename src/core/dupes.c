/* Repeated ids (dupes.h): an exact set in memory, or a Bloom filter over a
 * spool file when memory must stay flat. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "euprio/core/buf.h"
#include "euprio/core/dupes.h"
#include "euprio/core/hash.h"
#include "euprio/core/strmap.h"
#include "euprio/core/writer.h"

#define DUP_BITS (1u << 23)      /* 1 MiB: ~1e-6 false positives at 100 000 ids */

/* What an id's first occurrence left. */
struct first {
	uint64_t content;
	char origin[];
};

struct eu_dupes {
	int later;               /* a Bloom filter and a spool */
	eu_strmap seen;          /* now: id -> struct first */
	uint64_t *bloom;
	FILE *spool;
	char **files;            /* origin file names, by index */
	size_t nfiles;
	eu_strmap suspects;      /* ids the filter may have seen before */
	eu_buf origin;           /* scratch for a repeat's answer */
};

eu_dupes *eu_dupes_new(enum eu_dupes_mode mode)
{
	eu_dupes *D = eu_xcalloc(1, sizeof *D);

	if (mode == EU_DUPES_LATER) {
		int fd = eu_spool_fd("ids");
		if (fd >= 0 && !(D->spool = fdopen(fd, "w+")))
			close(fd);
		if (D->spool) {
			D->later = 1;
			D->bloom = eu_xcalloc(DUP_BITS / 64, sizeof *D->bloom);
		}
	}
	return D;
}

void eu_dupes_free(eu_dupes *D)
{
	if (!D)
		return;
	eu_strmap_free(&D->seen, free);
	free(D->bloom);
	if (D->spool)
		fclose(D->spool);
	for (size_t i = 0; i < D->nfiles; i++)
		free(D->files[i]);
	free(D->files);
	eu_strmap_free(&D->suspects, NULL);
	eu_buf_free(&D->origin);
	free(D);
}

static struct first *first_new(uint64_t content, const char *file, long line)
{
	eu_buf o = EU_BUF_INIT;

	if (line > 0)
		eu_buf_printf(&o, "%s:%ld", file, line);
	else
		eu_buf_adds(&o, file);
	struct first *f = eu_xmalloc(sizeof *f + o.len + 1);
	f->content = content;
	memcpy(f->origin, o.p, o.len + 1);
	eu_buf_free(&o);
	return f;
}

int eu_dupes_note(eu_dupes *D, const char *id, size_t len, uint64_t content, const char *file,
		  long line, eu_dupe *d)
{
	if (!D->later) {
		int found;
		struct first *f = eu_strmap_get(&D->seen, id, len, &found);
		if (!found) {
			eu_strmap_add(&D->seen, id, len, first_new(content, file, line));
			return 0;
		}
		eu_buf_clear(&D->origin);
		eu_buf_add(&D->origin, id, len);
		*d = (eu_dupe){D->origin.p, file, line, f->origin, f->content == content};
		return 1;
	}
	if (!D->nfiles || strcmp(D->files[D->nfiles - 1], file) != 0) {
		D->files = eu_xrealloc(D->files, (D->nfiles + 1) * sizeof *D->files);
		D->files[D->nfiles++] = eu_xstrdup(file);
	}
	fprintf(D->spool, "%zu %ld %016" PRIx64 " %.*s\n", D->nfiles - 1, line, content, (int)len, id);
	uint64_t h = eu_hash_mix(eu_fnv64(id, len, EU_FNV64_SEED)), h2 = (h >> 32 | h << 32) | 1;
	int all = 1;
	for (int k = 0; k < 4; k++) {
		uint32_t bit = (uint32_t)((h + (uint64_t)k * h2) % DUP_BITS);
		uint64_t m = 1ull << (bit & 63);
		all &= (D->bloom[bit >> 6] & m) != 0;
		D->bloom[bit >> 6] |= m;
	}
	if (all)
		eu_strmap_add(&D->suspects, id, len, NULL);
	return 0;
}

void eu_dupes_report(eu_dupes *D, void (*fn)(void *ctx, const eu_dupe *d), void *ctx)
{
	if (!D->later || !D->suspects.n)
		return;
	eu_strmap first = EU_STRMAP_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	fflush(D->spool);
	rewind(D->spool);
	while ((n = getline(&line, &cap, D->spool)) > 0) {
		size_t fi;
		long ln;
		uint64_t content;
		int off = 0;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (sscanf(line, "%zu %ld %" SCNx64 " %n", &fi, &ln, &content, &off) < 3 || !off ||
		    fi >= D->nfiles)
			continue;
		const char *id = line + off;
		size_t len = strlen(id);
		int suspect, seen;
		eu_strmap_get(&D->suspects, id, len, &suspect);
		if (!suspect)
			continue;
		struct first *f = eu_strmap_get(&first, id, len, &seen);
		if (!seen) {
			eu_strmap_add(&first, id, len, first_new(content, D->files[fi], ln));
			continue;
		}
		eu_dupe d = {id, D->files[fi], ln, f->origin, f->content == content};
		fn(ctx, &d);
	}
	free(line);
	eu_strmap_free(&first, free);
	/* The run is reported: start afresh. */
	eu_strmap_free(&D->suspects, NULL);
	memset(D->bloom, 0, DUP_BITS / 8);
	rewind(D->spool);
	if (ftruncate(fileno(D->spool), 0) != 0)
		clearerr(D->spool);
	for (size_t i = 0; i < D->nfiles; i++)
		free(D->files[i]);
	D->nfiles = 0;
}
