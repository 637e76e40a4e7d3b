/* Streaming CSV reader over libcsv.
 *
 * libcsv is a push parser that does not count lines, so input is fed to it
 * one physical line (or the part of a line that is in the buffer) at a
 * time: after each feed we know exactly which line we are on, which gives
 * every record the line it starts at, even after fields with line breaks.
 * Completed rows wait in a small queue (usually one row) until the caller
 * pulls them; memory is the read buffer plus the largest row, whatever the
 * input size.  Checking UTF-8 and decoding Windows-1252 are encoding.c. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "euprio/core/buf.h"
#include "euprio/core/limits.h"
#include "euprio/core/encoding.h"
#include "euprio/core/reader.h"

/* libcsv's states, from its documented struct: a row is in progress
 * whenever the parser is not at ROW_NOT_BEGUN. */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_FIELD_BEGUN 2

struct qrow {
	size_t first;        /* index of its first field */
	size_t n;
	long line;
	int bad;             /* reason is in badmsg */
	size_t badfield;     /* its field, from 1; 0 when the fault is the row's */
	char badmsg[160];
};

struct eu_reader {
	char *name;
	int fd;
	int own_fd;
	const unsigned char *mem;
	size_t memlen, mempos;

	unsigned char *in;
	size_t chunk, inlen, inpos;
	int started, eof, fini;

	struct csv_parser p;
	eu_reader_opts o;
	long line;           /* line of the next byte to feed */
	long row_start;
	int in_row;
	int skip_to_eol;     /* resynchronising after an over-long field */

	eu_buf arena;        /* field bytes, each NUL-terminated */
	size_t *foff, *flen;
	size_t nf, fcap;
	size_t row_first;    /* first field of the row in progress */
	int cur_bad;
	size_t cur_badfield;
	char cur_badmsg[160];

	struct qrow *q;
	size_t qn, qcap, qhead;

	const char **fptr;
	size_t fptr_cap;
	struct qrow out;     /* the row handed out last, for its bad message */

	size_t width;
	eu_row hdr;
	char **hdr_f;
	size_t *hdr_len;

	unsigned long rows;
	unsigned long long bytes;

	unsigned char *pre;  /* bytes to parse before reading the descriptor */
	size_t prelen, prepos;
	int cp1252;          /* decode Windows-1252 to UTF-8 */
	unsigned char *raw;  /* undecoded bytes */
	size_t rawlen;
};

/* libcsv's realloc hook has no user pointer, so the field cap is per
 * process; every reader in a program uses the same limit.  Growing to the
 * allocator's usable size turns libcsv's linear growth (128 bytes a step)
 * into amortised doubling, so a 10 MB field is not copied 80 000 times. */
static size_t field_cap = 8u << 20;

static void *capped_realloc(void *ptr, size_t n)
{
	if (n > field_cap + 1)
		return NULL;
	if (ptr && n <= malloc_usable_size(ptr))
		return ptr;
	size_t want = ptr ? malloc_usable_size(ptr) * 2 : n;
	if (want < n)
		want = n;
	if (want > field_cap + 1)
		want = field_cap + 1;
	return realloc(ptr, want);
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0;    /* keep spaces: a filter passes values on unchanged */
}

static void set_cur_bad(eu_reader *r, size_t field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_cur_bad(eu_reader *r, size_t field, const char *fmt, ...)
{
	va_list ap;

	if (r->cur_bad)
		return;     /* the first fault in a row is the one reported */
	r->cur_bad = 1;
	r->cur_badfield = field;
	va_start(ap, fmt);
	vsnprintf(r->cur_badmsg, sizeof r->cur_badmsg, fmt, ap);
	va_end(ap);
}

static void on_field(void *s, size_t len, void *data)
{
	eu_reader *r = data;
	size_t col = r->nf - r->row_first + 1;

	/* A row of a million fields would grow the arena and every stage's
	 * per-record work with it: past the limit its fields are not kept,
	 * and the row is one the caller passes on as rejected. */
	if (col > r->o.max_fields) {
		set_cur_bad(r, 0, "more than %zu fields in one row (limit.columns in settings.csv)", r->o.max_fields);
		return;
	}
	if (r->nf == r->fcap) {
		r->fcap *= 2;
		r->foff = eu_xrealloc(r->foff, r->fcap * sizeof *r->foff);
		r->flen = eu_xrealloc(r->flen, r->fcap * sizeof *r->flen);
	}
	r->foff[r->nf] = r->arena.len;
	r->flen[r->nf] = len;
	r->nf++;
	eu_buf_add(&r->arena, s, len);
	eu_buf_addc(&r->arena, '\0');   /* each field keeps its terminator */
	if (len && memchr(s, '\0', len))
		set_cur_bad(r, col, "NUL byte in field %zu", col);
	else if (r->o.check_utf8) {
		size_t at = eu_utf8_check(s, len);
		if (at != len)
			set_cur_bad(r, col, "invalid UTF-8 in field %zu at byte %zu", col, at + 1);
	}
}

static void push_row(eu_reader *r)
{
	if (r->qn == r->qcap) {
		r->qcap = r->qcap ? r->qcap * 2 : 4;
		r->q = eu_xrealloc(r->q, r->qcap * sizeof *r->q);
	}
	struct qrow *q = &r->q[r->qn++];
	q->first = r->row_first;
	q->n = r->nf - r->row_first;
	q->line = r->row_start;
	q->bad = r->cur_bad;
	q->badfield = r->cur_bad ? r->cur_badfield : 0;
	if (r->cur_bad)
		memcpy(q->badmsg, r->cur_badmsg, sizeof q->badmsg);
	r->row_first = r->nf;
	r->cur_bad = 0;
	r->in_row = 0;
	/* A row that begins later in this same segment (after a lone CR)
	 * begins on the current line; at a segment's start this is set anew. */
	r->row_start = r->line;
}

static void on_row(int c, void *data)
{
	(void)c;
	push_row(data);
}

static eu_reader *reader_new(const char *name, const eu_reader_opts *opts)
{
	eu_reader *r = eu_xcalloc(1, sizeof *r);

	if (opts)
		r->o = *opts;
	else
		r->o.check_utf8 = r->o.check_width = 1;
	if (!r->o.delim)
		r->o.delim = ',';
	if (!r->o.max_field)
		r->o.max_field = eu_limit.field_bytes;
	if (!r->o.max_fields)
		r->o.max_fields = eu_limit.columns;
	if (!r->o.chunk)
		r->o.chunk = 64 * 1024;
	field_cap = r->o.max_field;
	r->chunk = r->o.chunk;
	r->cp1252 = r->o.cp1252;
	if (r->cp1252 && r->chunk < 16)
		r->chunk = 16;
	r->in = eu_xmalloc(r->chunk < 4 ? 4 : r->chunk);
	/* Allocated up front: a row rejected before its first field (an
	 * over-long first field) still points into these (fuzz finding). */
	r->fcap = 64;
	r->foff = eu_xmalloc(r->fcap * sizeof *r->foff);
	r->flen = eu_xmalloc(r->fcap * sizeof *r->flen);
	r->name = eu_xstrdup(name);
	r->fd = -1;
	r->line = 1;
	if (csv_init(&r->p, 0) != 0) {
		free(r->in);
		free(r->name);
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	csv_set_delim(&r->p, r->o.delim);
	csv_set_space_func(&r->p, no_space);
	csv_set_realloc_func(&r->p, capped_realloc);
	csv_set_blk_size(&r->p, 4096);
	return r;
}

eu_reader *eu_reader_fdopen(int fd, const char *name, const eu_reader_opts *opts)
{
	eu_reader *r = reader_new(name, opts);

	if (r) {
		r->fd = fd;
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	return r;
}

eu_reader *eu_reader_open(const char *path, const eu_reader_opts *opts)
{
	if (strcmp(path, "-") == 0)
		return eu_reader_fdopen(0, "-", opts);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	eu_reader *r = eu_reader_fdopen(fd, path, opts);
	if (!r) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	r->own_fd = 1;
	return r;
}

eu_reader *eu_reader_mem(const void *buf, size_t len, const char *name,
			 const eu_reader_opts *opts)
{
	eu_reader *r = reader_new(name, opts);

	if (r) {
		r->mem = buf;
		r->memlen = len;
	}
	return r;
}

void eu_reader_close(eu_reader *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	csv_free(&r->p);
	free(r->in);
	free(r->name);
	eu_buf_free(&r->arena);
	free(r->foff);
	free(r->flen);
	free(r->q);
	free(r->fptr);
	free(r->pre);
	free(r->raw);
	if (r->hdr_f) {
		for (size_t i = 0; i < r->hdr.n; i++)
			free(r->hdr_f[i]);
		free(r->hdr_f);
		free(r->hdr_len);
	}
	free(r);
}

/* Reads more bytes into the buffer.  Returns bytes read, 0 at EOF, -1 on
 * error. */
static ssize_t read_raw(eu_reader *r, unsigned char *dst, size_t want)
{
	if (r->prepos < r->prelen) {
		size_t n = r->prelen - r->prepos;
		if (n > want)
			n = want;
		memcpy(dst, r->pre + r->prepos, n);
		r->prepos += n;
		return (ssize_t)n;
	}
	if (r->mem) {
		size_t n = r->memlen - r->mempos;
		if (n > want)
			n = want;
		memcpy(dst, r->mem + r->mempos, n);
		r->mempos += n;
		return (ssize_t)n;
	}
	for (;;) {
		ssize_t n = read(r->fd, dst, want);
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

/* Reads up to want bytes of UTF-8.  Windows-1252 input is decoded on the
 * way in; a byte becomes at most three, so a third of the space is read
 * raw.  A byte the code page leaves undefined becomes U+FFFD rather than an
 * error: one odd character must not cost the whole file. */
static ssize_t fill_once(eu_reader *r, unsigned char *dst, size_t want)
{
	if (!r->cp1252)
		return read_raw(r, dst, want);
	if (want < 3)
		want = 3;
	if (!r->raw)
		r->raw = eu_xmalloc(r->chunk + 4);
	ssize_t n = read_raw(r, r->raw, want / 3);
	if (n <= 0)
		return n;
	return (ssize_t)eu_cp1252_to_utf8(r->raw, (size_t)n, dst);
}

static int fill(eu_reader *r)
{
	r->inpos = r->inlen = 0;
	ssize_t n = fill_once(r, r->in, r->chunk);
	if (n < 0)
		return -1;
	r->inlen = (size_t)n;
	if (!r->started) {
		/* A BOM may arrive split over tiny reads: gather three bytes. */
		r->started = 1;
		while (n > 0 && r->inlen < 3) {
			n = fill_once(r, r->in + r->inlen, 3 - r->inlen > r->chunk ? r->chunk : 3 - r->inlen);
			if (n < 0)
				return -1;
			r->inlen += (size_t)n;
		}
		if (r->inlen >= 3 && memcmp(r->in, "\xef\xbb\xbf", 3) == 0)
			r->inpos = 3;
	}
	r->bytes += r->inlen;
	return r->inlen > 0;
}

/* Moves the fields of the row in progress to the front once the queue is
 * drained, so the arena only ever holds about one row. */
static void compact(eu_reader *r)
{
	size_t keep = r->nf - r->row_first;
	size_t base = keep ? r->foff[r->row_first] : r->arena.len;
	size_t bytes = r->arena.len - base;

	if (r->row_first) {
		memmove(r->arena.p, r->arena.p + base, bytes);
		for (size_t i = 0; i < keep; i++) {
			r->foff[i] = r->foff[r->row_first + i] - base;
			r->flen[i] = r->flen[r->row_first + i];
		}
	} else if (!keep) {
		bytes = 0;
	}
	r->arena.len = bytes;
	r->nf = keep;
	r->row_first = 0;
	r->qn = r->qhead = 0;
	if (!keep && r->arena.cap > (1u << 20))
		eu_buf_shrink(&r->arena, 64 * 1024);
}

static void finish_input(eu_reader *r)
{
	if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted) {
		if (!r->in_row)
			r->row_start = r->line;
		set_cur_bad(r, r->nf - r->row_first + 1, "unterminated quoted field at end of input");
	}
	csv_fini(&r->p, on_field, on_row, r);
	r->fini = 1;
}

static void field_too_long(eu_reader *r)
{
	set_cur_bad(r, r->nf - r->row_first + 1, "field %zu longer than %zu bytes",
		    r->nf - r->row_first + 1, r->o.max_field);
	push_row(r);
	csv_free(&r->p);
	csv_init(&r->p, 0);
	csv_set_delim(&r->p, r->o.delim);
	csv_set_space_func(&r->p, no_space);
	csv_set_realloc_func(&r->p, capped_realloc);
	csv_set_blk_size(&r->p, 4096);
}

/* The fast path: one whole record that lies in the buffer and uses only
 * plain RFC 4180 (unquoted fields without quotes or CR, quoted fields closed
 * and followed by a delimiter or the line end) is split here with memchr,
 * several times faster than libcsv's byte-at-a-time loop.  Anything else —
 * a bare quote, a lone CR, text after a closing quote, a record that runs
 * past the buffer, an over-long field — returns 0 before anything is kept,
 * and libcsv parses that record as before.  So libcsv stays the parser of
 * record for every unusual input, and the two paths agree on the rest
 * (test_reader feeds the same bytes in 1-byte and 64 KiB chunks).
 * Returns 1 when a record or a blank line was consumed. */
static int fast_record(eu_reader *r)
{
	const unsigned char *p = r->in + r->inpos, *end = r->in + r->inlen;
	const unsigned char d = r->o.delim;
	size_t first = r->nf, lines = 0;

	if (p >= end)
		return 0;       /* e.g. a buffer that held only the BOM (valgrind) */
	if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
		/* An empty line, which libcsv skips too. */
		r->inpos += *p == '\n' ? 1 : 2;
		r->line++;
		return 1;
	}
	const unsigned char *q = p;
	for (;;) {
		if (q >= end)
			goto fallback;
		if (*q == '"') {
			const unsigned char *start = ++q;
			int doubled = 0;
			for (;;) {
				const unsigned char *dq = memchr(q, '"', (size_t)(end - q));
				if (!dq || dq + 1 >= end)
					goto fallback;
				if (dq[1] == '"') {
					doubled = 1;
					q = dq + 2;
					continue;
				}
				q = dq;
				break;
			}
			size_t len = (size_t)(q - start);
			if (len > r->o.max_field)
				goto fallback;
			for (const unsigned char *nl = start; (nl = memchr(nl, '\n', (size_t)(q - nl))); nl++)
				lines++;
			if (!doubled) {
				on_field((void *)start, len, r);
			} else {
				/* Undouble the quotes into the field's own copy. */
				eu_buf tmp = EU_BUF_INIT;
				for (const unsigned char *c = start; c < q; c++) {
					eu_buf_addc(&tmp, (char)*c);
					if (*c == '"')
						c++;
				}
				on_field(tmp.p, tmp.len, r);
				eu_buf_free(&tmp);
			}
			q++;                          /* the closing quote */
		} else {
			const unsigned char *start = q;
			while (q < end && *q != d && *q != '\n' && *q != '\r' && *q != '"')
				q++;
			if (q >= end || *q == '"' || (size_t)(q - start) > r->o.max_field)
				goto fallback;
			on_field((void *)start, (size_t)(q - start), r);
		}
		if (q >= end)
			goto fallback;
		if (*q == d) {
			q++;
			continue;
		}
		if (*q == '\n') {
			q++;
			break;
		}
		if (*q == '\r' && q + 1 < end && q[1] == '\n') {
			q += 2;
			break;
		}
		goto fallback;
	}
	r->row_start = r->line;
	push_row(r);
	r->line += (long)lines + 1;
	r->inpos = (size_t)(q - r->in);
	return 1;

fallback:
	/* Forget what this attempt kept; libcsv starts the record afresh. */
	if (r->nf > first)
		r->arena.len = r->foff[first];
	r->nf = first;
	r->cur_bad = 0;
	return 0;
}

int eu_reader_next(eu_reader *r, eu_row *row)
{
	while (r->qhead == r->qn) {
		if (r->fini)
			return 0;
		compact(r);
		if (r->inpos == r->inlen) {
			int got = fill(r);
			if (got < 0)
				return -1;
			if (got == 0 && r->inpos == r->inlen) {
				finish_input(r);
				continue;
			}
		}
		if (!r->in_row && !r->skip_to_eol && fast_record(r))
			continue;
		unsigned char *seg = r->in + r->inpos;
		size_t avail = r->inlen - r->inpos;
		unsigned char *nl = memchr(seg, '\n', avail);
		size_t seglen = nl ? (size_t)(nl - seg) + 1 : avail;

		r->inpos += seglen;
		if (r->skip_to_eol) {
			/* The rest of an over-long field: its line is already
			 * accounted for by the rejected row. */
			if (nl) {
				r->skip_to_eol = 0;
				r->line++;
			}
			continue;
		}
		if (!r->in_row)
			r->row_start = r->line;
		size_t done = csv_parse(&r->p, seg, seglen, on_field, on_row, r);
		if (done < seglen) {
			field_too_long(r);
			if (!nl)
				r->skip_to_eol = 1;
			else
				r->line++;
			continue;
		}
		if (nl)
			r->line++;
		r->in_row = r->p.pstate != LIBCSV_ROW_NOT_BEGUN || r->nf > r->row_first;
	}

	struct qrow *q = &r->q[r->qhead++];
	r->out = *q;
	if (r->fptr_cap < q->n + 1) {
		r->fptr_cap = q->n + 1;
		r->fptr = eu_xrealloc(r->fptr, r->fptr_cap * sizeof *r->fptr);
	}
	for (size_t i = 0; i < q->n; i++)
		r->fptr[i] = r->arena.p + r->foff[q->first + i];
	row->n = q->n;
	row->f = r->fptr;
	row->span = NULL;
	row->span_len = 0;
	if (q->n) {
		size_t last = q->first + q->n - 1;
		row->span = r->arena.p + r->foff[q->first];
		row->span_len = r->foff[last] + r->flen[last] + 1 - r->foff[q->first];
	}
	row->len = r->flen + q->first;
	row->line = q->line;
	row->bad = NULL;
	row->bad_field = q->badfield;
	if (q->bad) {
		row->bad = r->out.badmsg;
	} else if (r->o.check_width && r->width && q->n != r->width) {
		snprintf(r->out.badmsg, sizeof r->out.badmsg,
			 "ragged row: %zu fields where the header has %zu", q->n, r->width);
		row->bad = r->out.badmsg;
	}
	r->rows++;
	return 1;
}

void eu_reader_prepend(eu_reader *r, const void *buf, size_t len)
{
	free(r->pre);
	r->pre = eu_xmalloc(len ? len : 1);
	memcpy(r->pre, buf, len);
	r->prelen = len;
	r->prepos = 0;
}

void eu_reader_set_width(eu_reader *r, size_t width)
{
	r->width = width;
}

const eu_row *eu_reader_header(eu_reader *r)
{
	eu_row row;

	if (r->hdr_f)
		return &r->hdr;
	errno = 0;
	if (eu_reader_next(r, &row) != 1)
		return NULL;
	r->rows = 0;
	r->hdr_f = eu_xcalloc(row.n + 1, sizeof *r->hdr_f);
	r->hdr_len = eu_xcalloc(row.n + 1, sizeof *r->hdr_len);
	for (size_t i = 0; i < row.n; i++) {
		r->hdr_f[i] = eu_xstrndup(row.f[i], row.len[i]);
		r->hdr_len[i] = row.len[i];
	}
	r->hdr.n = row.n;
	r->hdr.f = (const char **)r->hdr_f;
	r->hdr.len = r->hdr_len;
	r->hdr.line = row.line;
	r->hdr.bad = row.bad;
	r->hdr.bad_field = row.bad_field;
	r->width = row.n;
	return &r->hdr;
}

const char *eu_reader_name(const eu_reader *r)
{
	return r->name;
}

unsigned long eu_reader_rows(const eu_reader *r)
{
	return r->rows;
}

unsigned long long eu_reader_bytes(const eu_reader *r)
{
	return r->bytes;
}
