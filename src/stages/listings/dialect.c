/* euprio-sdeo's dialect sniffing.
 *
 * A file's dialect is found from its first 64 KiB: encoding (BOM, valid
 * UTF-8, else Windows-1252), then, for each delimiter, the row among the
 * first 30 that names the most columns of a listing profile is the header
 * (so title rows and notes above it are skipped).  The rest of the file is
 * rows.c's. */
#include <stdlib.h>
#include <string.h>

#include "listings_int.h"
#include "euprio/core/encoding.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"

/* How many of the profile's rules name a cell of this row.  cells are the
 * row's cells, already folded. */
static int score_row(const struct lprofile *p, char *const *cells, size_t n)
{
	int score = 0;

	for (size_t k = 0; k < p->n; k++) {
		const struct lrule *ru = &p->r[k];
		int hit = 0;
		for (size_t c = 0; c < n && !hit; c++)
			for (size_t h = 0; h < ru->nhdr && !hit; h++)
				hit = cells[c][0] && strcmp(cells[c], ru->hdr[h]) == 0;
		score += hit;
	}
	return score;
}

static char *to_utf8(const char *in, size_t len, size_t *outlen)
{
	char *out = eu_xmalloc(len * 3 + 4);

	*outlen = eu_cp1252_to_utf8((const unsigned char *)in, len, (unsigned char *)out);
	return out;
}

int listings_detect(const eu_listings *S, const char *buf, size_t len, int at_eof, struct dialect *d)
{
	memset(d, 0, sizeof *d);
	if (S->o.encoding == EU_ENC_CP1252)
		d->cp1252 = 1;
	else if (S->o.encoding == EU_ENC_AUTO)
		d->cp1252 = eu_text_is_cp1252(buf, len, at_eof);
	size_t ulen = len;
	char *u = d->cp1252 ? to_utf8(buf, len, &ulen) : NULL;
	const char *text = u ? u : buf;
	static const unsigned char delims[] = {';', ',', '\t'};

	for (size_t di = 0; di < 3; di++) {
		if (S->o.delim && S->o.delim != delims[di])
			continue;
		eu_reader_opts ro = {.delim = delims[di], .check_utf8 = 0, .check_width = 0, .max_field = 1 << 20};
		eu_reader *r = eu_reader_mem(text, ulen, "sniff", &ro);
		eu_row row;
		for (size_t n = 0; n < SNIFF_ROWS && eu_reader_next(r, &row) == 1; n++) {
			/* Header names are short; a long cell is data, not a name. */
			char **cells = eu_xcalloc(row.n + 1, sizeof *cells);
			for (size_t c = 0; c < row.n; c++) {
				eu_buf f = EU_BUF_INIT;
				eu_fold(&f, row.f[c], row.len[c] > 200 ? 0 : row.len[c]);
				cells[c] = f.p;
			}
			for (size_t pi = 0; pi < S->np; pi++) {
				int sc = score_row(&S->p[pi], cells, row.n);
				if (sc > d->score) {
					d->score = sc;
					d->p = &S->p[pi];
					d->delim = delims[di];
					d->header_row = n;
				}
			}
			for (size_t c = 0; c < row.n; c++)
				free(cells[c]);
			free(cells);
		}
		eu_reader_close(r);
	}
	free(u);
	return d->score >= 2 ? 0 : -1;
}
