/* euprio-calls: the policy it reads, the files it opens (gunzipped through
 * zlib when they are gzip), and which format each one is. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "calls_int.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"

#define RAW_CHUNK (64 * 1024)

struct call_src {
	const char *name;
	int fd;                   /* -1: memory */
	const unsigned char *mem;
	size_t memlen, mempos;
	int gz, zinit, zdone, eof, failed;
	z_stream z;
	unsigned char *in;        /* raw bytes waiting for inflate */
	size_t inlen;
	unsigned long long raw_read;
};

/* Raw bytes from the file or memory: the count, 0 at the end, -1 on error. */
static long raw_read(struct call_src *s, unsigned char *buf, size_t cap)
{
	if (s->fd < 0) {
		size_t n = s->memlen - s->mempos < cap ? s->memlen - s->mempos : cap;
		memcpy(buf, s->mem + s->mempos, n);
		s->mempos += n;
		s->raw_read += n;
		return (long)n;
	}
	for (;;) {
		ssize_t n = read(s->fd, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			eu_warn_at(s->name, 0, "read error: %s", strerror(errno));
			return -1;
		}
		s->raw_read += (unsigned long long)n;
		return (long)n;
	}
}

long call_src_read(struct call_src *s, char *buf, size_t cap)
{
	if (s->failed || s->eof)
		return s->failed ? -1 : 0;
	if (!s->gz) {
		long n = s->inlen ? 0 : raw_read(s, (unsigned char *)buf, cap);
		if (s->inlen) {       /* the sniffed bytes first */
			n = (long)(s->inlen < cap ? s->inlen : cap);
			memcpy(buf, s->in, (size_t)n);
			memmove(s->in, s->in + n, s->inlen - (size_t)n);
			s->inlen -= (size_t)n;
		}
		if (n <= 0) {
			s->eof = n == 0;
			s->failed = n < 0;
		}
		return n;
	}
	s->z.next_out = (Bytef *)buf;
	s->z.avail_out = (uInt)cap;
	while (s->z.avail_out == cap) {
		if (s->z.avail_in == 0) {
			long n = raw_read(s, s->in, RAW_CHUNK);
			if (n < 0) {
				s->failed = 1;
				break;
			}
			if (n == 0) {
				if (!s->zdone) {
					eu_warn_at(s->name, 0, "the gzip data ends early (%llu bytes): the file is truncated",
						   s->raw_read);
					s->failed = 1;
				} else {
					s->eof = 1;
				}
				break;
			}
			s->z.next_in = s->in;
			s->z.avail_in = (uInt)n;
		}
		if (s->zdone) {
			/* Another gzip member (cat a.gz b.gz), or bytes that are not. */
			if (s->z.avail_in >= 2 && s->z.next_in[0] == 0x1f && s->z.next_in[1] == 0x8b) {
				inflateReset(&s->z);
				s->zdone = 0;
			} else if (s->z.avail_in < 2 && s->z.next_in[0] == 0x1f) {
				/* one byte of a magic number: read on */
				memmove(s->in, s->z.next_in, 1);
				long n = raw_read(s, s->in + 1, RAW_CHUNK - 1);
				if (n <= 0) {
					eu_warn_at(s->name, 0, "1 byte after the end of the gzip data: ignored");
					s->failed = 1;
					break;
				}
				s->z.next_in = s->in;
				s->z.avail_in = (uInt)n + 1;
				continue;
			} else {
				eu_warn_at(s->name, 0, "bytes after the end of the gzip data, from byte %llu: ignored",
					   s->raw_read - s->z.avail_in);
				s->failed = 1;
				break;
			}
		}
		int rc = inflate(&s->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			s->zdone = 1;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			eu_warn_at(s->name, 0, "corrupt gzip data near byte %llu: %s", s->raw_read - s->z.avail_in,
				   s->z.msg ? s->z.msg : "inflate failed");
			s->failed = 1;
			break;
		}
	}
	long got = (long)(cap - s->z.avail_out);
	/* What was inflated before a fault is returned; the fault comes next. */
	if (got == 0 && s->failed)
		return -1;
	return got;
}

static void src_free(struct call_src *s)
{
	if (s->zinit)
		inflateEnd(&s->z);
	free(s->in);
}

/* Starts reading: sniffs gzip from the first raw bytes. */
static int src_start(struct call_src *s)
{
	s->in = eu_xmalloc(RAW_CHUNK);
	long n = raw_read(s, s->in, RAW_CHUNK);
	if (n < 0)
		return -1;
	s->inlen = (size_t)n;
	if (n >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		s->gz = 1;
		/* 16 + MAX_WBITS: a gzip header and trailer, checked. */
		if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
			eu_warn_at(s->name, 0, "zlib could not start");
			return -1;
		}
		s->zinit = 1;
		s->z.next_in = s->in;
		s->z.avail_in = (uInt)n;
		s->inlen = 0;
	}
	return 0;
}

static char *dup_cell(const eu_table *t, size_t row, long col)
{
	return eu_xstrdup(eu_table_get(t, row, col));
}

static int load_tables(eu_calls *C, const char *dir)
{
	static const char *const preq[] = {"prefix", "programme_id", "programme", NULL};
	static const char *const sreq[] = {"value", "status", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, "call_programmes.csv", preq) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cp = eu_table_col(&t, "prefix"), ci = eu_table_col(&t, "programme_id"),
	     cn = eu_table_col(&t, "programme");
	C->prog = eu_xcalloc(t.nrows + 1, sizeof *C->prog);
	for (size_t r = 0; r < t.nrows; r++) {
		if (!*eu_table_get(&t, r, cp) && !*eu_table_get(&t, r, ci)) {
			eu_table_error(&t, r, cp, "a row needs a prefix or a programme id");
			rc = -1;
			continue;
		}
		if (!*eu_table_get(&t, r, cn)) {
			eu_table_error(&t, r, cn, "a row needs the programme's name");
			rc = -1;
			continue;
		}
		C->prog[C->nprog].prefix = dup_cell(&t, r, cp);
		C->prog[C->nprog].id = dup_cell(&t, r, ci);
		C->prog[C->nprog].name = dup_cell(&t, r, cn);
		C->nprog++;
	}
	eu_table_free(&t);
	if (eu_table_load(&t, dir, "call_status.csv", sreq) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long cv = eu_table_col(&t, "value"), cs = eu_table_col(&t, "status");
	C->stat = eu_xcalloc(t.nrows + 1, sizeof *C->stat);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *st = eu_table_get(&t, r, cs);
		if (strcmp(st, "Forthcoming") && strcmp(st, "Open") && strcmp(st, "Closed")) {
			eu_table_error(&t, r, cs, "status must be Forthcoming, Open or Closed, not '%s'", st);
			rc = -1;
			continue;
		}
		if (!*eu_table_get(&t, r, cv)) {
			eu_table_error(&t, r, cv, "a row needs the portal's word or code");
			rc = -1;
			continue;
		}
		C->stat[C->nstat].value = dup_cell(&t, r, cv);
		C->stat[C->nstat].status = dup_cell(&t, r, cs);
		C->nstat++;
	}
	eu_table_free(&t);
	return rc;
}

eu_calls *eu_calls_new(const char *config_dir, const eu_calls_opts *o)
{
	eu_calls *C = eu_xcalloc(1, sizeof *C);
	eu_settings s;
	double text, depth, values, topic, topics;
	int rc = 0;

	if (eu_settings_load(&s, config_dir, "settings.csv") < 0) {
		eu_settings_free(&s);
		eu_calls_free(C);
		return NULL;
	}
	/* A text may not be longer than a field of the record stream. */
	rc |= eu_setting_number(&s, "calls.max_text_bytes", 1024, (double)eu_limit.field_bytes, &text);
	rc |= eu_setting_number(&s, "calls.max_depth", 8, 10000, &depth);
	rc |= eu_setting_number(&s, "calls.max_values", 100, 1e8, &values);
	rc |= eu_setting_number(&s, "calls.max_topic_bytes", 1024, 4e9, &topic);
	rc |= eu_setting_number(&s, "calls.max_topics_per_file", 1, 1e12, &topics);
	const char *url = rc ? NULL : eu_setting_str(&s, "topic_url");
	if (rc || !url) {
		eu_settings_free(&s);
		eu_calls_free(C);
		return NULL;
	}
	C->max_text = (size_t)text;
	C->max_depth = (size_t)depth;
	C->max_values = (size_t)values;
	C->max_topic = (size_t)topic;
	C->max_topics = (unsigned long)topics;
	C->topic_url = eu_xstrdup(url);
	eu_settings_free(&s);
	if (load_tables(C, config_dir) < 0) {
		eu_calls_free(C);
		return NULL;
	}
	C->today = o && o->today >= 0 ? o->today : eu_today();
	C->chunk = o && o->chunk ? o->chunk : 64 * 1024;
	return C;
}

void eu_calls_free(eu_calls *C)
{
	if (!C)
		return;
	for (size_t i = 0; i < C->nprog; i++) {
		free(C->prog[i].prefix);
		free(C->prog[i].id);
		free(C->prog[i].name);
	}
	for (size_t i = 0; i < C->nstat; i++) {
		free(C->stat[i].value);
		free(C->stat[i].status);
	}
	free(C->prog);
	free(C->stat);
	free(C->topic_url);
	free(C);
}

const eu_calls_counts *eu_calls_counts_get(const eu_calls *C)
{
	return &C->counts;
}

void eu_calls_write_header(const eu_calls *C, eu_writer *w)
{
	(void)C;
	for (int c = 0; c < EU_NCANON; c++)
		eu_write_str(w, eu_canon_names[c]);
	for (int c = EU_NCANON; c < CALL_NCOLS; c++)
		eu_write_str(w, call_extra_names[c - EU_NCANON]);
	eu_write_end(w);
}

/* Which format: JSON starts with '{' or '[' (after a BOM and white space);
 * anything else is tried as a CSV export. */
static int read_src(eu_calls *C, struct call_src *s, const char *name, eu_writer *w)
{
	char *first = eu_xmalloc(RAW_CHUNK);
	size_t n = 0;
	int status = EU_EXIT_OK;

	C->shown = 0;
	C->counts.files++;
	if (src_start(s) < 0) {
		free(first);
		return EU_EXIT_INPUT;
	}
	/* Enough decompressed bytes to see the first one that is not white. */
	size_t lead = 0;
	for (;;) {
		long got = call_src_read(s, first + n, RAW_CHUNK - n);
		if (got <= 0) {
			if (got < 0)
				status = EU_EXIT_INPUT;
			break;
		}
		n += (size_t)got;
		lead = 0;
		if (n >= 3 && !memcmp(first, "\xEF\xBB\xBF", 3))
			lead = 3;
		while (lead < n && strchr(" \t\r\n", first[lead]))
			lead++;
		if (lead < n || n == RAW_CHUNK)
			break;
	}
	if (n == 0 || lead >= n) {
		if (status == EU_EXIT_OK)
			eu_warn_at(name, 0, n ? "no topics: only white space" : "empty file: no topics");
		free(first);
		return EU_EXIT_INPUT;
	}
	if (n >= 2 && (((unsigned char)first[0] == 0xFF && (unsigned char)first[1] == 0xFE) ||
		       ((unsigned char)first[0] == 0xFE && (unsigned char)first[1] == 0xFF))) {
		eu_warn_at(name, 0, "UTF-16 text (byte-order mark %02X %02X): save it as UTF-8",
			   (unsigned char)first[0], (unsigned char)first[1]);
		free(first);
		return EU_EXIT_INPUT;
	}
	if (first[lead] == '{' || first[lead] == '[') {
		eu_status_raise(&status, call_json_read(C, s, name, first, n, w));
	} else if (s->gz) {
		eu_warn_at(name, 0, "gzip data that is not JSON: gunzip a CSV export before reading it");
		status = EU_EXIT_INPUT;
	} else if (s->fd >= 0) {
		/* The CSV reader takes the descriptor over, after what was read. */
		eu_status_raise(&status, call_csv_read(C, s->fd, name, first, n, w));
	} else {
		eu_status_raise(&status, call_csv_read_mem(C, (const char *)s->mem, s->memlen, name, w));
	}
	free(first);
	return status;
}

int eu_calls_read_path(eu_calls *C, const char *path, eu_writer *w)
{
	int stdin_ = !strcmp(path, "-");
	const char *name = stdin_ ? "standard input" : path;
	int fd = stdin_ ? 0 : open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		eu_warn_at(name, 0, "cannot open: %s", strerror(errno));
		return EU_EXIT_INPUT;
	}
	struct call_src s = {.name = name, .fd = fd};
	int status = read_src(C, &s, name, w);
	src_free(&s);
	if (!stdin_)
		close(fd);
	return status;
}

int eu_calls_read_mem(eu_calls *C, const void *buf, size_t len, const char *name, eu_writer *w)
{
	struct call_src s = {.name = name, .fd = -1, .mem = buf, .memlen = len};
	int status = read_src(C, &s, name, w);
	src_free(&s);
	return status;
}

int eu_calls_run(eu_calls *C, char *const *paths, size_t npaths, eu_writer *w)
{
	static char *const stdin_only[] = {"-"};
	int status = EU_EXIT_OK;

	if (!npaths) {
		paths = stdin_only;
		npaths = 1;
	}
	eu_calls_write_header(C, w);
	for (size_t i = 0; i < npaths && !eu_writer_error(w); i++)
		eu_status_raise(&status, eu_calls_read_path(C, paths[i], w));
	return status;
}
