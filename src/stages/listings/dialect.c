/* euprio-sdeo's dialect sniffing.
 *
 * A file's dialect is found from its first 64 KiB.  The encoding is
 * decided for the whole file from the whole sniff: a BOM says UTF-8; a
 * UTF-16 file is refused with a message; otherwise valid UTF-8 characters
 * are counted against bytes that cannot be UTF-8, and the file is UTF-8
 * unless the second outnumber the first (a few bad bytes in a UTF-8 file
 * are those rows' fault, rejected with file:line, not the file's).  Then,
 * for each delimiter, the row among the first 30 that best fits a listing
 * profile is the header: the most cells the profile names, less the cells
 * it does not (so title rows and notes above it are skipped, and a
 * foreign layout that shares a few names with a profile is not taken for
 * it).  The rest of the file is rows.c's. */
#include <stdlib.h>
#include <string.h>

#include "listings_int.h"
#include "euprio/core/encoding.h"
#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"

/* Does the profile name this folded cell (a rule's header, or ignore)? */
static int names_cell(const struct lprofile *p, const char *cell)
{
	int found;
	eu_strmap_get(&p->names, cell, strlen(cell), &found);
	return found;
}

/* UTF-16 by its BOM, or by the zero bytes that ASCII text has in it. */
static int is_utf16(const unsigned char *s, size_t len)
{
	if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
		return 1;
	size_t n = len < 512 ? len : 512, zeros = 0;
	for (size_t i = 0; i < n; i++)
		zeros += s[i] == 0;
	return n >= 8 && zeros * 4 >= n;
}

int listings_mojibake(const char *s, size_t len)
{
	/* "ø" saved as UTF-8 and read as Windows-1252 is "Ã¸": U+00C3 or
	 * U+00C2 followed by a character that stood for a continuation byte
	 * (U+0080-U+00BF, or one of the code page's specials, U+0152-U+2122). */
	for (const char *p = s, *end = s + len; (p = memchr(p, 0xc3, (size_t)(end - p))) && p + 3 < end; p++) {
		const unsigned char *u = (const unsigned char *)p;
		if (u[1] != 0x83 && u[1] != 0x82)
			continue;
		if (u[2] == 0xc2 && u[3] >= 0x80 && u[3] <= 0xbf)
			return 1;
		if ((u[2] == 0xc5 || u[2] == 0xc6 || u[2] == 0xcb || u[2] == 0xe2) && u[3] >= 0x80)
			return 1;
	}
	return 0;
}

int listings_odd_text(const char *s, size_t len, int cp1252)
{
	/* A BOM is EF BB BF, and read as Windows-1252 "ï»¿" (C3 AF C2 BB C2
	 * BF); mojibake starts with C3 too: one memchr finds them all. */
	const unsigned char lead = cp1252 ? 0xc3 : 0xef;
	for (const char *p = s, *end = s + len; (p = memchr(p, lead, (size_t)(end - p))); p++) {
		const unsigned char *u = (const unsigned char *)p;
		size_t left = (size_t)(end - p);
		if (!cp1252) {
			if (left >= 3 && u[1] == 0xbb && u[2] == 0xbf)
				return 1;
			continue;
		}
		if (left >= 6 && !memcmp(u, "\xc3\xaf\xc2\xbb\xc2\xbf", 6))
			return 1;
		if (left >= 4 && (u[1] == 0x83 || u[1] == 0x82) && listings_mojibake(p, 4))
			return 2;
	}
	return 0;
}

static char *to_utf8(const char *in, size_t len, size_t *outlen)
{
	char *out = eu_xmalloc(len * 3 + 4);

	*outlen = eu_cp1252_to_utf8((const unsigned char *)in, len, (unsigned char *)out);
	return out;
}

int listings_detect(const eu_listings *S, const char *path, const char *buf, size_t len, int at_eof,
		    struct dialect *d)
{
	memset(d, 0, sizeof *d);
	if (is_utf16((const unsigned char *)buf, len)) {
		eu_warn_at(path, 0, "the file is UTF-16, which euprio does not read: save it again as "
			   "\"CSV UTF-8\" or \"CSV (semikolonsepareret)\"");
		return -1;
	}
	eu_utf8_count(buf, len, at_eof, &d->utf8_chars, &d->bad_bytes);
	if (S->o.encoding == EU_ENC_CP1252)
		d->cp1252 = 1;
	else if (S->o.encoding == EU_ENC_AUTO)
		d->cp1252 = eu_text_is_cp1252(buf, len, at_eof);
	size_t ulen = len;
	char *u = d->cp1252 ? to_utf8(buf, len, &ulen) : NULL;
	const char *text = u ? u : buf;
	static const unsigned char delims[] = {';', ',', '\t'};
	const struct lprofile *only = S->o.profile ? listings_profile(S, S->o.profile) : NULL;
	int best = 0, found = 0;

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
				const struct lprofile *p = &S->p[pi];
				if (only && p != only)
					continue;
				int named = 0, unknown = 0;
				for (size_t c = 0; c < row.n; c++) {
					if (!cells[c] || !cells[c][0])
						continue;
					if (names_cell(p, cells[c]))
						named++;
					else
						unknown++;
				}
				if (named < 2 || (found && named - unknown <= best))
					continue;
				found = 1;
				best = named - unknown;
				d->p = p;
				d->named = named;
				d->unknown = unknown;
				d->delim = delims[di];
				d->header_row = n;
			}
			for (size_t c = 0; c < row.n; c++)
				free(cells[c]);
			free(cells);
		}
		eu_reader_close(r);
	}
	free(u);
	if (!found) {
		eu_warn_at(path, 1, "no header row found: no row among the first %d names two or more columns of a listing profile%s%s",
			   SNIFF_ROWS, only ? " " : "", only ? only->name : "");
		return -1;
	}
	if (!only && d->named <= d->unknown) {
		eu_warn_at(path, 1, "no listing profile fits: the best, %s, names %d of the header's %d columns "
			   "(a foreign layout?); give --profile %s to read it with that profile anyway",
			   d->p->name, d->named, d->named + d->unknown, d->p->name);
		return -1;
	}
	return 0;
}
