/* Configuration tables.  Staff edit these in a spreadsheet or a text
 * editor, so the loader is forgiving about form (';' or ',', BOM, CRLF,
 * comment rows) and strict about content: any fault names file, line and
 * column, and the program stops before it reads a record. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "euprio/core/buf.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/encoding.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"

#ifndef EUPRIO_DEFAULT_CONFIG
#define EUPRIO_DEFAULT_CONFIG "/usr/local/share/euprio"
#endif

#define MAX_CONFIG_BYTES (64u << 20)

const char *eu_config_dir(const char *opt)
{
	const char *env = getenv("EUPRIO_CONFIG");

	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return EUPRIO_DEFAULT_CONFIG;
}

int eu_table_load_mem(eu_table *t, const char *path, const char *data, size_t len,
		      const char *const *required)
{
	eu_reader_opts o = {0};
	eu_row row;
	int rc = 0, got;

	memset(t, 0, sizeof *t);
	t->path = eu_xstrdup(path);
	o.delim = eu_sniff_delim(data, len);
	o.check_utf8 = 1;
	o.check_width = 0;
	o.max_field = 1u << 20;
	eu_reader *r = eu_reader_mem(data, len, path, &o);
	/* The header is the first row that is not a comment. */
	while ((got = eu_reader_next(r, &row)) == 1 && !row.bad &&
	       (row.n == 0 || row.f[0][0] == '#' || (row.n == 1 && row.len[0] == 0)))
		;
	if (got != 1) {
		eu_warn_at(path, 1, "empty configuration table: a header row is needed");
		eu_reader_close(r);
		return -1;
	}
	const eu_row *h = &row;
	if (h->bad) {
		eu_warn_at_col(path, h->line, 1, "%s", h->bad);
		eu_reader_close(r);
		return -1;
	}
	t->ncols = h->n;
	t->cols = eu_xcalloc(h->n + 1, sizeof *t->cols);
	for (size_t i = 0; i < h->n; i++) {
		char *name = eu_xstrndup(h->f[i], h->len[i]);
		t->cols[i] = name;
		/* Headers typed in a spreadsheet pick up stray spaces and case. */
		char *trimmed = eu_trim(name);
		memmove(name, trimmed, strlen(trimmed) + 1);
		for (char *c = name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c += 32;
	}
	for (size_t k = 0; required && required[k]; k++) {
		if (eu_table_col(t, required[k]) < 0) {
			eu_warn_at_col(path, h->line, 1, "missing column '%s' in the header", required[k]);
			rc = -1;
		}
	}
	size_t cap = 0;
	while ((got = eu_reader_next(r, &row)) == 1) {
		if (row.bad) {
			eu_warn_at_col(path, row.line, 1, "%s", row.bad);
			rc = -1;
			continue;
		}
		int empty = 1;
		for (size_t i = 0; i < row.n; i++)
			if (row.len[i] && strspn(row.f[i], " \t\r\n") != row.len[i])
				empty = 0;
		if (empty || (row.n && row.f[0][strspn(row.f[0], " ")] == '#'))
			continue;
		if (row.n > t->ncols) {
			for (size_t i = t->ncols; i < row.n; i++)
				if (row.len[i]) {
					eu_warn_at_col(path, row.line, (long)i + 1,
						       "value beyond the last column of the header");
					rc = -1;
					break;
				}
		}
		if (t->nrows == cap) {
			cap = cap ? cap * 2 : 32;
			t->rows = eu_xrealloc(t->rows, cap * sizeof *t->rows);
		}
		eu_table_row *tr = &t->rows[t->nrows++];
		tr->line = row.line;
		tr->v = eu_xcalloc(t->ncols + 1, sizeof *tr->v);
		for (size_t i = 0; i < t->ncols; i++) {
			if (i < row.n) {
				char *v = eu_xstrndup(row.f[i], row.len[i]);
				char *tv = eu_trim(v);
				memmove(v, tv, strlen(tv) + 1);
				tr->v[i] = v;
			} else {
				tr->v[i] = eu_xstrdup("");
			}
		}
	}
	if (got < 0) {
		eu_warn_at(path, 0, "read error: %s", strerror(errno));
		rc = -1;
	}
	eu_reader_close(r);
	return rc;
}

/* The whole file at path into data; -1 after a message that names what
 * the file is to the program. */
static int read_table_file(const char *path, const char *what, eu_buf *data)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		eu_warn_at(path, 0, "cannot open %s: %s", what, strerror(errno));
		return -1;
	}
	for (;;) {
		eu_buf_reserve(data, 65536);
		ssize_t n = read(fd, data->p + data->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			eu_warn_at(path, 0, "read error: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		data->len += (size_t)n;
		if (data->len > MAX_CONFIG_BYTES) {
			eu_warn_at(path, 0, "%s larger than %u bytes", what, MAX_CONFIG_BYTES);
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

int eu_table_load(eu_table *t, const char *dir, const char *name,
		  const char *const *required)
{
	eu_buf path = EU_BUF_INIT;

	eu_buf_printf(&path, "%s/%s", dir, name);
	int rc = eu_table_load_file(t, path.p, "configuration table", 0, required);
	eu_buf_free(&path);
	return rc;
}

int eu_table_load_file(eu_table *t, const char *path, const char *what, int flags,
		       const char *const *required)
{
	eu_buf data = EU_BUF_INIT;
	int rc;

	if (read_table_file(path, what, &data) < 0) {
		memset(t, 0, sizeof *t);
		eu_buf_free(&data);
		return -1;
	}
	/* A table a person saves from an older Excel may be Windows-1252: by
	 * the listings' rule (encoding.h), converted as a whole, so line
	 * numbers stay those of the file. */
	if ((flags & EU_TABLE_CP1252) && data.len && eu_text_is_cp1252(data.p, data.len, 1)) {
		eu_buf u = EU_BUF_INIT;
		eu_buf_reserve(&u, data.len * 3 + 1);
		u.len = eu_cp1252_to_utf8((const unsigned char *)data.p, data.len, (unsigned char *)u.p);
		eu_buf_free(&data);
		data = u;
	}
	rc = eu_table_load_mem(t, path, data.p ? data.p : "", data.len, required);
	eu_buf_free(&data);
	return rc;
}

void eu_table_free(eu_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r].v[c]);
		free(t->rows[r].v);
	}
	for (size_t c = 0; c < t->ncols; c++)
		free(t->cols[c]);
	free(t->cols);
	free(t->rows);
	free(t->path);
	memset(t, 0, sizeof *t);
}

long eu_table_col(const eu_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (eu_strcaseeq(t->cols[i], name))
			return (long)i;
	return -1;
}

const char *eu_table_get(const eu_table *t, size_t row, long col)
{
	if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows)
		return "";
	return t->rows[row].v[col];
}

void eu_table_error(const eu_table *t, size_t row, long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eu_vwarn_at(t->path, row < t->nrows ? t->rows[row].line : 0, col >= 0 ? col + 1 : 1, fmt, ap);
	va_end(ap);
}

int eu_table_enum(const eu_table *t, size_t row, long col, const char *what,
		  const char *const *names, size_t n)
{
	const char *s = eu_table_get(t, row, col);

	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	eu_table_error(t, row, col, "unknown %s '%s'", what, s);
	return -1;
}

int eu_table_number(const eu_table *t, size_t row, long col, double min,
		    double max, double *out)
{
	const char *s = eu_table_get(t, row, col);
	double v;

	/* A decimal comma is accepted: the file may come from a Danish
	 * spreadsheet. */
	if (eu_parse_number(s, strlen(s), EU_NUM_COMMA, &v) < 0 || !isfinite(v)) {
		eu_table_error(t, row, col, "'%s' is not a number", s);
		return -1;
	}
	if (v < min || v > max) {
		eu_table_error(t, row, col, "%s is out of range (%g to %g)", s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int eu_settings_load(eu_settings *s, const char *dir, const char *name)
{
	static const char *const req[] = {"key", "value", NULL};

	if (eu_table_load(&s->t, dir, name, req) < 0)
		return -1;
	s->ckey = eu_table_col(&s->t, "key");
	s->cval = eu_table_col(&s->t, "value");
	for (size_t r = 0; r < s->t.nrows; r++)
		for (size_t q = 0; q < r; q++)
			if (strcmp(s->t.rows[r].v[s->ckey], s->t.rows[q].v[s->ckey]) == 0) {
				eu_table_error(&s->t, r, s->ckey, "key '%s' is set twice (first on line %ld)",
					       s->t.rows[r].v[s->ckey], s->t.rows[q].line);
				return -1;
			}
	return 0;
}

long eu_setting_row(const eu_settings *s, const char *key)
{
	for (size_t r = 0; r < s->t.nrows; r++)
		if (strcmp(s->t.rows[r].v[s->ckey], key) == 0)
			return (long)r;
	return -1;
}

int eu_setting_number(const eu_settings *s, const char *key, double min,
		      double max, double *out)
{
	long r = eu_setting_row(s, key);

	if (r < 0) {
		eu_warn_at(s->t.path, 0, "missing setting '%s'", key);
		return -1;
	}
	return eu_table_number(&s->t, (size_t)r, s->cval, min, max, out);
}

const char *eu_setting_str(const eu_settings *s, const char *key)
{
	long r = eu_setting_row(s, key);

	if (r < 0) {
		eu_warn_at(s->t.path, 0, "missing setting '%s'", key);
		return NULL;
	}
	return s->t.rows[r].v[s->cval];
}

void eu_settings_free(eu_settings *s)
{
	eu_table_free(&s->t);
}

int eu_settings_dkk_rate(const char *dir, double *rate)
{
	eu_settings s;
	int rc = 0;

	if (eu_settings_load(&s, dir, "settings.csv") < 0 ||
	    eu_setting_number(&s, "dkk_rate", 0.01, 1000, rate) < 0)
		rc = -1;
	eu_settings_free(&s);
	return rc;
}
