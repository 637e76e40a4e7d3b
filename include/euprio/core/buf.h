/* A growable byte buffer, the one string builder every module uses. */
#ifndef EUPRIO_BUF_H
#define EUPRIO_BUF_H

#include <stddef.h>

typedef struct eu_buf {
	char *p;      /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
} eu_buf;

#define EU_BUF_INIT {NULL, 0, 0}

/* Allocation failure aborts with a message: every program here is a
 * short-lived filter, and there is nothing useful to do without memory. */
void eu_buf_reserve(eu_buf *b, size_t extra);
void eu_buf_add(eu_buf *b, const void *s, size_t len);
void eu_buf_adds(eu_buf *b, const char *s);
/* Inline: it runs once per byte in the text helpers. */
static inline void eu_buf_addc(eu_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		eu_buf_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}
void eu_buf_printf(eu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void eu_buf_clear(eu_buf *b);
void eu_buf_free(eu_buf *b);
/* Releases memory above keep bytes, so one huge record does not pin its
 * buffer for the rest of a streaming run. */
void eu_buf_shrink(eu_buf *b, size_t keep);

void *eu_xmalloc(size_t n);
void *eu_xcalloc(size_t n, size_t size);
void *eu_xrealloc(void *p, size_t n);
/* n zeroed bytes at a multiple of align (a power of two), for free(). */
void *eu_xzalloc_aligned(size_t align, size_t n);
char *eu_xstrdup(const char *s);
char *eu_xstrndup(const char *s, size_t n);

#endif
