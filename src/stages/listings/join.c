/* euprio-sdeo's join (--append): listings onto the applications of the
 * record stream by call id, or by acronym where neither has one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listings_int.h"
#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/stream/schema.h"
#include "euprio/stream/stream.h"

/* Call ids compare without case or stray spaces; without one, the acronym
 * (marked so it never equals a call id). */
static void join_key(eu_buf *k, const char *call, size_t clen, const char *acr, size_t alen)
{
	eu_buf_clear(k);
	const char *s = clen ? call : acr;
	size_t n = clen ? clen : alen;
	if (!n)
		return;
	if (!clen)
		eu_buf_adds(k, "acronym:");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t')
			continue;
		eu_buf_addc(k, (c >= 'a' && c <= 'z') ? (char)(c - 32) : c);
	}
}

static void key_add(struct run *r, const char *k)
{
	eu_strmap_add(&r->keys, k, strlen(k), NULL);
}

static int key_has(const struct run *r, const char *k)
{
	int found;

	eu_strmap_get(&r->keys, k, strlen(k), &found);
	return found;
}

void listings_write_rec(struct run *r, const struct rec *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		eu_write_field(r->w, rec->v[i].p ? rec->v[i].p : "", rec->v[i].len, 0);
	eu_write_end(r->w);
}

/* A finished listing record: joined onto applications, or written. */
void listings_deliver(struct run *r, struct rec *rec)
{
	if (r->joining && !rec->v[EU_C_REJECT].len) {
		eu_buf k = EU_BUF_INIT;
		join_key(&k, rec->v[EU_C_CALL_ID].p, rec->v[EU_C_CALL_ID].len,
			 rec->v[EU_C_ACRONYM].p, rec->v[EU_C_ACRONYM].len);
		if (k.len && key_has(r, k.p)) {
			for (size_t i = 0; i < r->nj; i++)
				if (!strcmp(r->j[i].key, k.p)) {
					eu_warnx("%s: listing %s joins call %s, already joined by an earlier listing; the first is kept",
						 rec->v[EU_C_ORIGIN].p, rec->v[EU_C_ID].p, k.p);
					eu_buf_free(&k);
					return;
				}
			r->j = eu_xrealloc(r->j, (r->nj + 1) * sizeof *r->j);
			r->j[r->nj].key = eu_xstrdup(k.p);
			listings_rec_init(&r->j[r->nj].listing, rec->n);
			for (size_t i = 0; i < rec->n; i++)
				eu_buf_add(&r->j[r->nj].listing.v[i], rec->v[i].p ? rec->v[i].p : "", rec->v[i].len);
			r->nj++;
			eu_buf_free(&k);
			return;
		}
		eu_buf_free(&k);
	}
	listings_write_rec(r, rec);
}

static int copy_fd(int from, int to)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(from, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t k = write(to, buf + off, (size_t)(n - off));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -1;
			off += k;
		}
	}
}

int listings_join(eu_listings *S, char *const *paths, size_t npaths, int append_fd, eu_writer *out)
{
	struct run r = {.S = S, .w = out};
	int apps = -1, unmatched = -1;

	/* The join: spool the applications (only their join keys stay in
	 * memory), stream the listings (unmatched ones to a second spool),
	 * then write the applications with their listings' data, then the
	 * unmatched listings. */
	apps = eu_spool_fd("sdeo");
	unmatched = eu_spool_fd("sdeo");
	if (apps < 0 || unmatched < 0 || copy_fd(append_fd, apps) < 0) {
		eu_warnx("cannot spool the record stream: %s", strerror(errno));
		if (apps >= 0) close(apps);
		if (unmatched >= 0) close(unmatched);
		return EU_EXIT_OUTPUT;
	}
	eu_stream s;
	char path[64];
	/* Each open of /dev/fd/N is a fresh description with its own offset. */
	snprintf(path, sizeof path, "/dev/fd/%d", apps);
	char *const app_paths[] = {path};
	eu_stream_open(&s, app_paths, 1, NULL);
	long acall = eu_stream_col(&s, "call_id"), aacr = eu_stream_col(&s, "acronym");
	eu_rec rec;
	eu_buf k = EU_BUF_INIT;
	while (eu_stream_next(&s, &rec)) {
		if (rec.bad)
			continue;
		join_key(&k, acall >= 0 ? rec.v[acall] : "", acall >= 0 ? rec.len[acall] : 0,
			 aacr >= 0 ? rec.v[aacr] : "", aacr >= 0 ? rec.len[aacr] : 0);
		if (k.len)
			key_add(&r, k.p);
	}
	r.status = s.status;
	eu_stream_close(&s);

	r.joining = 1;
	r.w = eu_writer_fdopen(unmatched, "spool", NULL);
	for (size_t i = 0; i < npaths; i++)
		eu_status_raise(&r.status, listings_read_file(&r, paths[i]));
	if (eu_writer_flush(r.w) < 0) {
		eu_warnx("cannot spool listings: %s", strerror(errno));
		eu_status_raise(&r.status, EU_EXIT_OUTPUT);
	}
	eu_writer_close(r.w);
	r.w = out;

	/* Output header: the applications' columns, then any listing column
	 * they lack. */
	eu_stream_open(&s, app_paths, 1, NULL);
	long *lmap = eu_xcalloc(S->ncols, sizeof *lmap);
	for (size_t i = 0; i < S->ncols; i++)
		lmap[i] = (long)eu_stream_add_col(&s, S->cols[i]);
	for (size_t i = 0; i < s.ncols; i++)
		eu_write_str(out, s.cols[i]);
	eu_write_end(out);
	acall = eu_stream_col(&s, "call_id");
	aacr = eu_stream_col(&s, "acronym");
	long asdeo = eu_stream_col(&s, "sdeo_id");
	unsigned long joined = 0;
	while (eu_stream_next(&s, &rec) && !eu_writer_error(out)) {
		struct rec *l = NULL;
		if (!rec.bad) {
			join_key(&k, rec.v[acall], rec.len[acall], aacr >= 0 ? rec.v[aacr] : "", aacr >= 0 ? rec.len[aacr] : 0);
			for (size_t i = 0; k.len && i < r.nj; i++)
				if (!strcmp(r.j[i].key, k.p))
					l = &r.j[i].listing;
		}
		joined += l != NULL;
		for (size_t c = 0; c < s.ncols; c++) {
			const char *v = rec.v[c];
			size_t n = rec.len[c];
			if (l && (long)c == asdeo && !n) {
				const eu_buf *sid = l->v[EU_C_SDEO_ID].len ? &l->v[EU_C_SDEO_ID] : &l->v[EU_C_ID];
				v = sid->p;
				n = sid->len;
			} else if (l && !n) {
				/* Fill what the application left empty. */
				for (size_t i = 0; i < S->ncols; i++)
					if (lmap[i] == (long)c && i != EU_C_ID && i != EU_C_SOURCE && i != EU_C_ORIGIN &&
					    i != EU_C_WARNINGS && i != EU_C_REJECT && l->v[i].len) {
						v = l->v[i].p;
						n = l->v[i].len;
					}
			}
			eu_write_field(out, v, n, 0);
		}
		eu_write_end(out);
	}
	eu_status_raise(&r.status, s.status);
	eu_stream_close(&s);

	/* The unmatched listings, laid out under the output header. */
	char upath[64];
	snprintf(upath, sizeof upath, "/dev/fd/%d", unmatched);
	eu_reader_opts ro = {.check_utf8 = 1, .check_width = 0};
	eu_reader *rd = eu_reader_open(upath, &ro);
	eu_row row;
	eu_stream_open(&s, app_paths, 1, NULL);
	for (size_t i = 0; i < S->ncols; i++)
		lmap[i] = (long)eu_stream_add_col(&s, S->cols[i]);
	const char **outv = eu_xcalloc(s.ncols, sizeof *outv);
	size_t *outl = eu_xcalloc(s.ncols, sizeof *outl);
	while (rd && eu_reader_next(rd, &row) == 1 && !eu_writer_error(out)) {
		for (size_t c = 0; c < s.ncols; c++) {
			outv[c] = "";
			outl[c] = 0;
		}
		for (size_t i = 0; i < row.n && i < S->ncols; i++) {
			outv[lmap[i]] = row.f[i];
			outl[lmap[i]] = row.len[i];
		}
		for (size_t c = 0; c < s.ncols; c++)
			eu_write_field(out, outv[c], outl[c], 0);
		eu_write_end(out);
	}
	eu_warnx("%lu applications joined with a listing, %zu listings matched", joined, r.nj);
	free(outv);
	free(outl);
	eu_reader_close(rd);
	eu_stream_close(&s);
	free(lmap);
	eu_strmap_free(&r.keys, NULL);
	for (size_t i = 0; i < r.nj; i++) {
		free(r.j[i].key);
		listings_rec_free(&r.j[i].listing);
	}
	free(r.j);
	eu_buf_free(&k);
	close(apps);
	close(unmatched);
	return r.status;
}
