/* Buffered CSV writer.  Quotes a field only when it must (delimiter, quote,
 * CR or LF inside), so output diffs cleanly and reads back identically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "euprio/core/buf.h"
#include "euprio/core/writer.h"

#define WBUF (64 * 1024)

struct eu_writer {
	int fd;
	int own_fd;
	char *name;
	eu_writer_opts o;
	char *buf;
	size_t len, cap;         /* cap: WBUF, or a memory writer's room */
	eu_buf *sink;            /* a memory writer's buffer, while bound */
	int err;             /* errno of the first failure, 0 if none */
	int col;             /* fields written in the current row */
	unsigned char special[256]; /* bytes that force quoting */
	int bom_done;
};

eu_writer *eu_writer_fdopen(int fd, const char *name, const eu_writer_opts *opts)
{
	eu_writer *w = eu_xcalloc(1, sizeof *w);

	w->fd = fd;
	w->name = eu_xstrdup(name);
	if (opts)
		w->o = *opts;
	if (!w->o.delim)
		w->o.delim = ',';
	w->special['"'] = w->special['\n'] = w->special['\r'] = w->special[w->o.delim] = 1;
	w->buf = eu_xmalloc(WBUF);
	w->cap = WBUF;
	return w;
}

eu_writer *eu_writer_open(const char *path, const eu_writer_opts *opts)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return NULL;
	eu_writer *w = eu_writer_fdopen(fd, path, opts);
	w->own_fd = 1;
	return w;
}

const char *eu_writer_name(const eu_writer *w)
{
	return w->name;
}

int eu_writer_private(eu_writer *w)
{
	struct stat st;

	if (w->fd < 0)
		return 0;
	if (fstat(w->fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0007))
		return 0;
	return fchmod(w->fd, st.st_mode & 07770);
}

static void put_raw(eu_writer *w, const char *s, size_t n)
{
	while (!w->err && n) {
		if (w->len == w->cap && eu_writer_flush(w) < 0)
			return;
		size_t k = w->cap - w->len;
		if (k > n)
			k = n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
	}
}

static inline void put_char(eu_writer *w, char c)
{
	if (w->len == w->cap && eu_writer_flush(w) < 0)
		return;
	w->buf[w->len++] = c;
}

int eu_is_plain_number(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && s[i] == '-')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (!digits)
		return 0;
	if (i < len && s[i] == '.') {
		i++;
		size_t frac = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, frac++;
		if (!frac)
			return 0;
	}
	return i == len;
}

int eu_cell_is_formula(const char *s, size_t len, int numeric)
{
	size_t i = 0;

	if (numeric && eu_is_plain_number(s, len))
		return 0;
	/* Spreadsheets skip leading spaces before deciding a cell is a
	 * formula, and TAB or CR at the start are injection vectors too. */
	while (i < len && s[i] == ' ')
		i++;
	if (i == len)
		return 0;
	switch (s[i]) {
	case '=': case '+': case '-': case '@': case '\t': case '\r':
		return 1;
	default:
		return 0;
	}
}

void eu_write_field(eu_writer *w, const char *s, size_t len, int numeric)
{
	if (w->err)
		return;
	if (w->o.bom && !w->bom_done)
		put_raw(w, "\xef\xbb\xbf", 3);
	w->bom_done = 1;
	if (w->col++)
		put_char(w, (char)w->o.delim);

	int escape = w->o.excel_safe && eu_cell_is_formula(s, len, numeric);
	int quote = 0;
	/* Most fields need no quotes; a table lookup per byte is the fast way
	 * to be sure (four comparisons per byte were a sixth of a filter). */
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	for (; i + 4 <= len; i += 4)
		if (w->special[u[i]] | w->special[u[i + 1]] | w->special[u[i + 2]] | w->special[u[i + 3]])
			break;
	for (; i < len && !quote; i++)
		quote = w->special[u[i]];
	/* A lone empty field would write an empty line, which readers skip:
	 * quote it so a one-column record survives. */
	if (!quote && len == 0 && w->col == 1)
		quote = -1;
	if (quote)
		put_char(w, '"');
	if (escape)
		put_char(w, '\'');
	if (quote > 0) {
		const char *p = s, *end = s + len;
		while (p < end) {
			const char *q = memchr(p, '"', (size_t)(end - p));
			if (!q) {
				put_raw(w, p, (size_t)(end - p));
				break;
			}
			put_raw(w, p, (size_t)(q - p) + 1);
			put_char(w, '"');
			p = q + 1;
		}
	} else if (numeric && w->o.decimal_comma && eu_is_plain_number(s, len)) {
		for (size_t k = 0; k < len; k++)
			put_char(w, s[k] == '.' ? ',' : s[k]);
	} else {
		put_raw(w, s, len);
	}
	if (quote)
		put_char(w, '"');
}

void eu_write_str(eu_writer *w, const char *s)
{
	eu_write_field(w, s, strlen(s), 0);
}

void eu_write_end(eu_writer *w)
{
	if (w->o.crlf)
		put_char(w, '\r');
	put_char(w, '\n');
	w->col = 0;
}

int eu_writer_error(const eu_writer *w)
{
	if (w->err) {
		errno = w->err;
		return -1;
	}
	return 0;
}

/* Writes n bytes at p to the descriptor; -1 with w->err set on failure. */
static int write_all(eu_writer *w, const char *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t k = write(w->fd, p + off, n - off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			w->err = errno;
			return -1;
		}
		off += (size_t)k;
	}
	return 0;
}

int eu_writer_flush(eu_writer *w)
{
	if (w->fd < 0) {
		/* A memory writer grows its buffer instead; one byte is kept
		 * for eu_buf's terminating NUL. */
		if (!w->sink)
			return 0;
		w->sink->len = w->len;
		eu_buf_reserve(w->sink, w->len < 4096 ? 4096 : w->len);
		w->buf = w->sink->p;
		w->cap = w->sink->cap - 1;
		return 0;
	}
	if (w->err) {
		errno = w->err;
		return -1;
	}
	int rc = write_all(w, w->buf, w->len);
	w->len = 0;
	return rc;
}

eu_writer *eu_writer_mem(const eu_writer *like)
{
	eu_writer *w = eu_xcalloc(1, sizeof *w);

	w->fd = -1;
	w->name = eu_xstrdup(like->name);
	w->o = like->o;
	memcpy(w->special, like->special, sizeof w->special);
	w->bom_done = 1;
	return w;
}

void eu_writer_mem_bind(eu_writer *w, eu_buf *sink)
{
	w->sink = sink;
	w->buf = sink->p;
	w->len = sink->len;
	w->cap = sink->cap ? sink->cap - 1 : 0;
	w->col = 0;
}

void eu_writer_mem_unbind(eu_writer *w)
{
	if (!w->sink)
		return;
	w->sink->len = w->len;
	if (w->sink->p)
		w->sink->p[w->len] = '\0';
	w->sink = NULL;
	w->buf = NULL;
	w->len = w->cap = 0;
}

void eu_write_raw(eu_writer *w, const char *s, size_t len)
{
	/* Whole batches of rows go out from where they lie, not through
	 * the buffer. */
	if (w->fd >= 0 && len >= w->cap) {
		if (eu_writer_flush(w) == 0)
			write_all(w, s, len);
		return;
	}
	put_raw(w, s, len);
}

int eu_writer_close(eu_writer *w)
{
	if (w->fd < 0) {
		eu_writer_mem_unbind(w);
		free(w->name);
		free(w);
		return 0;
	}
	int rc = eu_writer_flush(w);
	int e = errno;

	if (w->own_fd) {
		if (close(w->fd) < 0 && rc == 0 && errno != EINTR) {
			rc = -1;
			e = errno;
		}
	}
	free(w->buf);
	free(w->name);
	free(w);
	errno = e;
	return rc;
}

int eu_spool_fd(const char *tag)
{
	const char *dir = getenv("TMPDIR");
	char path[512];

	snprintf(path, sizeof path, "%s/euprio-%s-XXXXXX", dir && *dir ? dir : "/tmp", tag);
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);     /* gone when we are, even on a crash */
	return fd;
}
