/* The record stream: several inputs read as one, with the union of their
 * headers, and the plan by which a filter lays out its output (the driver
 * that runs a filter over the stream is filter.c). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/stream/stream.h"

/* Column names by a hash: a hostile header of thousands of columns must
 * cost linear time in every stage (a linear search per column was
 * quadratic: 100,000 columns took 40 s). */
long eu_stream_col(const eu_stream *s, const char *name)
{
	uintptr_t at = (uintptr_t)eu_strmap_get(&s->colmap, name, strlen(name), NULL);

	return at ? (long)at - 1 : -1;
}

size_t eu_stream_add_col(eu_stream *s, const char *name)
{
	long c = eu_stream_col(s, name);

	if (c >= 0)
		return (size_t)c;
	if (s->ncols == s->capcols) {
		s->capcols = s->capcols ? s->capcols * 2 : 32;
		s->cols = eu_xrealloc(s->cols, s->capcols * sizeof *s->cols);
		s->v = eu_xrealloc(s->v, s->capcols * sizeof *s->v);
		s->len = eu_xrealloc(s->len, s->capcols * sizeof *s->len);
	}
	s->cols[s->ncols] = eu_xstrdup(name);
	eu_strmap_add(&s->colmap, name, strlen(name), (void *)(uintptr_t)(s->ncols + 1));
	return s->ncols++;
}

static int header_has_duplicate(const eu_row *h, size_t *dup)
{
	eu_strmap seen = EU_STRMAP_INIT;
	int found = 0;

	for (size_t i = 0; i < h->n && !found; i++)
		if (!eu_strmap_add(&seen, h->f[i], h->len[i], NULL)) {
			*dup = i;
			found = 1;
		}
	eu_strmap_free(&seen, NULL);
	return found;
}

static void open_one(eu_stream *s, const char *path, const eu_reader_opts *opts)
{
	eu_reader *r = eu_reader_open(path, opts);
	if (!r) {
		eu_warn_at(path, 0, "cannot open: %s", strerror(errno));
		eu_status_raise(&s->status, EU_EXIT_INPUT);
		return;
	}
	const eu_row *h = eu_reader_header(r);
	size_t dup;
	if (!h) {
		if (errno)
			eu_warn_at(path, 0, "read error: %s", strerror(errno));
		else
			eu_warn_at(path, 0, "empty input: no header row");
		eu_status_raise(&s->status, EU_EXIT_INPUT);
		eu_reader_close(r);
		return;
	}
	if (h->bad) {
		/* Excel's "Unicode text" is UTF-16: say so, not "NUL byte". */
		const unsigned char *f0 = h->n && h->len[0] >= 2 ? (const unsigned char *)h->f[0] : NULL;
		if (f0 && ((f0[0] == 0xFF && f0[1] == 0xFE) || (f0[0] == 0xFE && f0[1] == 0xFF)))
			eu_warn_at(path, h->line, "UTF-16 text (byte-order mark %02X %02X): save it as UTF-8 "
				   "or Windows-1252 CSV", f0[0], f0[1]);
		else
			eu_warn_at(path, h->line, "unusable header row: %s", h->bad);
		eu_status_raise(&s->status, EU_EXIT_INPUT);
		eu_reader_close(r);
		return;
	}
	if (header_has_duplicate(h, &dup)) {
		eu_warn_at(path, h->line, "column '%s' appears twice in the header; file skipped",
			   h->f[dup]);
		eu_status_raise(&s->status, EU_EXIT_INPUT);
		eu_reader_close(r);
		return;
	}
	eu_input *in = &s->in[s->nin++];
	in->r = r;
	in->nmap = h->n;
	in->map = eu_xmalloc((h->n ? h->n : 1) * sizeof *in->map);
	for (size_t i = 0; i < h->n; i++)
		in->map[i] = eu_stream_add_col(s, h->f[i]);
}

int eu_stream_open(eu_stream *s, char *const *paths, size_t npaths,
		   const eu_reader_opts *opts)
{
	static char *const stdin_only[] = {"-"};

	memset(s, 0, sizeof *s);
	if (npaths == 0) {
		paths = stdin_only;
		npaths = 1;
	}
	s->in = eu_xcalloc(npaths, sizeof *s->in);
	for (size_t i = 0; i < npaths; i++)
		open_one(s, paths[i], opts);
	return 0;
}

int eu_stream_next(eu_stream *s, eu_rec *rec)
{
	eu_row row;

	while (s->cur < s->nin) {
		eu_input *in = &s->in[s->cur];
		int rc = eu_reader_next(in->r, &row);
		if (rc == 0) {
			s->cur++;
			continue;
		}
		if (rc < 0) {
			eu_warn_at(eu_reader_name(in->r), 0, "read error: %s", strerror(errno));
			eu_status_raise(&s->status, EU_EXIT_INPUT);
			s->cur++;
			continue;
		}
		for (size_t i = 0; i < s->ncols; i++) {
			s->v[i] = "";
			s->len[i] = 0;
		}
		size_t n = row.n < in->nmap ? row.n : in->nmap;
		for (size_t i = 0; i < n; i++) {
			s->v[in->map[i]] = row.f[i];
			s->len[in->map[i]] = row.len[i];
		}
		rec->n = s->ncols;
		rec->v = s->v;
		rec->len = s->len;
		rec->file = eu_reader_name(in->r);
		rec->line = row.line;
		rec->bad = row.bad;
		rec->first = row.n ? row.f[0] : "";
		rec->first_len = row.n ? row.len[0] : 0;
		s->span = row.span;
		s->span_len = row.span_len;
		return 1;
	}
	return 0;
}

void eu_stream_close(eu_stream *s)
{
	for (size_t i = 0; i < s->nin; i++) {
		eu_reader_close(s->in[i].r);
		free(s->in[i].map);
	}
	for (size_t i = 0; i < s->ncols; i++)
		free(s->cols[i]);
	free(s->cols);
	eu_strmap_free(&s->colmap, NULL);
	free(s->in);
	free(s->v);
	free(s->len);
	memset(s, 0, sizeof *s);
}

void eu_plan_init(eu_plan *p, const eu_stream *s, const char *const *owned,
		  size_t nowned, const unsigned char *owned_numeric)
{
	memset(p, 0, sizeof *p);
	p->names = eu_xcalloc(s->ncols + nowned + 1, sizeof *p->names);
	p->src = eu_xcalloc(s->ncols + nowned + 1, sizeof *p->src);
	p->nowned = nowned;
	p->numeric = owned_numeric;
	p->out_reject = p->out_origin = p->in_reject = p->in_origin = -1;
	for (size_t c = 0; c < s->ncols; c++) {
		int mine = 0;
		for (size_t k = 0; k < nowned; k++)
			if (strcmp(s->cols[c], owned[k]) == 0)
				mine = 1;
		if (mine)
			continue;
		if (strcmp(s->cols[c], EU_COL_REJECT) == 0) {
			p->in_reject = (long)c;
			p->out_reject = (long)p->nout;
		} else if (strcmp(s->cols[c], EU_COL_ORIGIN) == 0) {
			p->in_origin = (long)c;
			p->out_origin = (long)p->nout;
		}
		p->names[p->nout] = s->cols[c];
		p->src[p->nout++] = (long)c;
	}
	for (size_t k = 0; k < nowned; k++) {
		p->names[p->nout] = owned[k];
		p->src[p->nout++] = -1 - (long)k;
	}
}

void eu_plan_free(eu_plan *p)
{
	free(p->names);
	free(p->src);
	memset(p, 0, sizeof *p);
}

void eu_plan_write_header(const eu_plan *p, eu_writer *w)
{
	for (size_t i = 0; i < p->nout; i++)
		eu_write_str(w, p->names[i]);
	eu_write_end(w);
}

void eu_origin_format(eu_buf *b, const char *file, long line)
{
	eu_buf_printf(b, "%s:%ld", file, line);
}
