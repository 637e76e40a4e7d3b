/* euprio-sdeo's listing spool for --append: each listing record, with the
 * join's verdict beside it, on an unlinked temporary file (eu_spool_fd),
 * so that memory does not grow with the listings.  Records are written
 * as they come and read back once in order, or at an offset for the one
 * an application joins.  The format is private and length-prefixed, so a
 * field of any length or content comes back as it went in. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listings_int.h"

#define SPOOL_BUF (256 * 1024)

int listings_spool_open(lspool *s)
{
	memset(s, 0, sizeof *s);
	s->fd = eu_spool_fd("sdeo");
	return s->fd < 0 ? -1 : 0;
}

static void put32(eu_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
	eu_buf_add(b, x, 4);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int listings_spool_flush(lspool *s)
{
	for (size_t off = 0; off < s->w.len;) {
		ssize_t k = pwrite(s->fd, s->w.p + off, s->w.len - off, s->off + (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			s->err = errno;
			return -1;
		}
		off += (size_t)k;
	}
	s->off += (off_t)s->w.len;
	eu_buf_clear(&s->w);
	return 0;
}

off_t listings_spool_put(lspool *s, const struct rec *rec, const struct lspool_side *side)
{
	off_t at = s->off + (off_t)s->w.len;

	put32(&s->w, (uint32_t)rec->n);
	put32(&s->w, (uint32_t)side->claim);
	put32(&s->w, (uint32_t)side->tie[0]);
	put32(&s->w, (uint32_t)side->tie[1]);
	put32(&s->w, (uint32_t)side->maybe);
	for (size_t i = 0; i < rec->n; i++) {
		put32(&s->w, (uint32_t)rec->v[i].len);
		eu_buf_add(&s->w, rec->v[i].p ? rec->v[i].p : "", rec->v[i].len);
	}
	if (s->w.len >= SPOOL_BUF)
		listings_spool_flush(s);
	return at;
}

static int read_at(lspool *s, off_t at, void *dst, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = pread(s->fd, (char *)dst + got, n - got, at + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			s->err = k < 0 ? errno : EIO;
			return -1;
		}
		got += (size_t)k;
	}
	return 0;
}

/* Reads n bytes at the read position into dst, through the read buffer. */
static int take(lspool *s, void *dst, size_t n)
{
	char *d = dst;
	while (n) {
		if (s->rpos == s->rlen) {
			s->roff += (off_t)s->rlen;
			s->rpos = s->rlen = 0;
			if (!s->rb)
				s->rb = eu_xmalloc(SPOOL_BUF);
			off_t left = s->off - s->roff;
			size_t want = left < SPOOL_BUF ? (size_t)left : SPOOL_BUF;
			if (want == 0 || read_at(s, s->roff, s->rb, want) < 0)
				return -1;
			s->rlen = want;
		}
		size_t k = s->rlen - s->rpos < n ? s->rlen - s->rpos : n;
		memcpy(d, s->rb + s->rpos, k);
		s->rpos += k;
		d += k;
		n -= k;
	}
	return 0;
}

static int read_rec(lspool *s, int (*rd)(lspool *, void *, size_t, off_t *), off_t *at, struct rec *rec,
		    struct lspool_side *side)
{
	unsigned char h[20];

	if (rd(s, h, 20, at) < 0)
		return -1;
	size_t n = get32(h);
	side->claim = (int32_t)get32(h + 4);
	side->tie[0] = (int32_t)get32(h + 8);
	side->tie[1] = (int32_t)get32(h + 12);
	side->maybe = (int32_t)get32(h + 16);
	if (n != rec->n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char l[4];
		if (rd(s, l, 4, at) < 0)
			return -1;
		size_t len = get32(l);
		eu_buf_clear(&rec->v[i]);
		eu_buf_reserve(&rec->v[i], len + 1);
		if (rd(s, rec->v[i].p, len, at) < 0)
			return -1;
		rec->v[i].len = len;
		rec->v[i].p[len] = '\0';
	}
	return 0;
}

static int rd_seq(lspool *s, void *dst, size_t n, off_t *at)
{
	(void)at;
	return take(s, dst, n);
}

static int rd_at(lspool *s, void *dst, size_t n, off_t *at)
{
	if (read_at(s, *at, dst, n) < 0)
		return -1;
	*at += (off_t)n;
	return 0;
}

int listings_spool_get(lspool *s, off_t at, struct rec *rec, struct lspool_side *side)
{
	return read_rec(s, rd_at, &at, rec, side);
}

void listings_spool_rewind(lspool *s)
{
	s->roff = 0;
	s->rpos = s->rlen = 0;
}

int listings_spool_next(lspool *s, struct rec *rec, struct lspool_side *side)
{
	if (s->roff + (off_t)s->rpos >= s->off)
		return 0;
	return read_rec(s, rd_seq, NULL, rec, side) < 0 ? -1 : 1;
}

void listings_spool_close(lspool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	eu_buf_free(&s->w);
	free(s->rb);
	s->rb = NULL;
}
