/* Growable buffers and checked allocation. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/buf.h"
#include "euprio/core/diag.h"

static void oom(size_t n)
{
	eu_warnx("out of memory (asked for %zu bytes)", n);
	abort();
}

void *eu_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *eu_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *eu_xzalloc_aligned(size_t align, size_t n)
{
	/* aligned_alloc wants a multiple of the alignment. */
	size_t r = (n + align - 1) / align * align;
	void *p = r >= n ? aligned_alloc(align, r ? r : align) : NULL;

	if (!p)
		oom(n);
	memset(p, 0, r);
	return p;
}

void *eu_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *eu_xstrdup(const char *s)
{
	return eu_xstrndup(s, strlen(s));
}

char *eu_xstrndup(const char *s, size_t n)
{
	char *d = eu_xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void eu_buf_reserve(eu_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need < b->len)
		oom(SIZE_MAX);
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	b->p = eu_xrealloc(b->p, cap);
	b->cap = cap;
}

void eu_buf_add(eu_buf *b, const void *s, size_t len)
{
	eu_buf_reserve(b, len);
	if (len)
		memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void eu_buf_adds(eu_buf *b, const char *s)
{
	eu_buf_add(b, s, strlen(s));
}

void eu_buf_printf(eu_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		eu_buf_add(b, small, (size_t)n);
		return;
	}
	eu_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void eu_buf_clear(eu_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void eu_buf_free(eu_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void eu_buf_shrink(eu_buf *b, size_t keep)
{
	if (b->cap > keep && b->len < keep) {
		b->p = eu_xrealloc(b->p, keep);
		b->cap = keep;
	}
}
