/* Configuration tables.  Staff edit these in a spreadsheet or a text
 * editor, so the loader is forgiving about form (';' or ',', BOM, CRLF,
 * comment rows) and strict about content: any fault names file, line and
 * column, and the program stops before it reads a record. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "euprio/core/buf.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/encoding.h"
#include "euprio/core/hash.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"

/* Both come from CMake (GNUInstallDirs): the package has /usr/share/euprio
 * and /etc/euprio. */
#ifndef EUPRIO_DEFAULT_CONFIG
#define EUPRIO_DEFAULT_CONFIG "/usr/local/share/euprio"
#endif
#ifndef EUPRIO_SYSTEM_CONFIG
#define EUPRIO_SYSTEM_CONFIG "/usr/local/etc/euprio"
#endif

#define MAX_CONFIG_BYTES (64u << 20)

/* The directory eu_config_dir chose, for the hint on a missing table. */
static const char *chosen_dir;

const char *eu_config_pick(const char *opt, const char *env, const char *system,
			   const char *installed)
{
	struct stat st;

	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	/* Only when it exists: a fresh "cmake --install" has no system
	 * directory, and the installed default is then the policy. */
	if (system && *system && stat(system, &st) == 0 && S_ISDIR(st.st_mode))
		return system;
	return installed;
}

const char *eu_config_dir(const char *opt)
{
	chosen_dir = eu_config_pick(opt, getenv("EUPRIO_CONFIG"), EUPRIO_SYSTEM_CONFIG,
				    EUPRIO_DEFAULT_CONFIG);
	return chosen_dir;
}

const char *eu_config_system_dir(void)
{
	return EUPRIO_SYSTEM_CONFIG;
}

const char *eu_config_installed_dir(void)
{
	return EUPRIO_DEFAULT_CONFIG;
}

/* Several stages read the same table (settings.csv by five), and
 * euprio-check-config loads them all: a fault is printed the first time
 * only.  The memory is a list of hashes of what was printed; a run stops
 * at its first faulty policy, so the list stays short, and past its cap
 * messages are printed again rather than lost. */
#define SEEN_MAX 4096
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t seen[SEEN_MAX];
static size_t nseen;

void eu_table_forget_faults(void)
{
	pthread_mutex_lock(&seen_lock);
	nseen = 0;
	pthread_mutex_unlock(&seen_lock);
}

static void conf_vwarn(const char *path, long line, long col, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void conf_vwarn(const char *path, long line, long col, const char *fmt, va_list ap)
{
	char msg[4096];
	int dup = 0;

	vsnprintf(msg, sizeof msg, fmt, ap);
	uint64_t h = eu_fnv64(path, strlen(path) + 1, EU_FNV64_SEED);
	h = eu_fnv64(&line, sizeof line, h);
	h = eu_fnv64(&col, sizeof col, h);
	h = eu_fnv64(msg, strlen(msg), h);
	pthread_mutex_lock(&seen_lock);
	for (size_t i = 0; i < nseen && !dup; i++)
		dup = seen[i] == h;
	if (!dup && nseen < SEEN_MAX)
		seen[nseen++] = h;
	pthread_mutex_unlock(&seen_lock);
	if (!dup)
		eu_warn_at_col(path, line, col, "%s", msg);
}

static void conf_warn(const char *path, long line, long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void conf_warn(const char *path, long line, long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vwarn(path, line, col, fmt, ap);
	va_end(ap);
}

/* The columns of every policy table, so that a header naming a column no
 * program reads (a typo: "exlcude") is an error instead of a rule that
 * silently never applies.  A table is found by its file name, a profile
 * by its folder.  Keep this in step with the loaders and with
 * docs/configuration.md; columns for people are below. */
static const struct known_table {
	const char *name;        /* "x.csv", or "folder/" for every file in it */
	const char *const cols[12];
} known_tables[] = {
	{"settings.csv", {"key", "value"}},
	{"scoring.csv", {"key", "value"}},
	{"countries.csv", {"code", "spelling"}},
	{"municipality.csv", {"kind", "value"}},
	{"local_actors.csv", {"name", "aliases", "ids", "type", "tier", "postcode", "city", "theme_goals", "theme_words",
			      "not_local_postcodes"}},
	{"postcodes.csv", {"postcode", "city", "tier", "kommuner"}},
	{"places.csv", {"name", "tier"}},
	{"place_exceptions.csv", {"name", "tier"}},
	{"call_status.csv", {"value", "status"}},
	{"call_programmes.csv", {"prefix", "programme_id", "programme"}},
	{"twin_cities.csv", {"city", "country", "spelling"}},
	{"goals.csv", {"id", "name_da", "name_en"}},
	{"goal_terms.csv", {"goal", "lang", "weight", "fields", "pattern", "exclude", "compound"}},
	{"salience_markers.csv", {"kind", "lang", "pattern"}},
	{"principle_terms.csv", {"principle", "points", "fields", "pattern", "exclude"}},
	{"labels.csv", {"key", "da", "en"}},
	{"workbook.csv", {"sheet", "column", "kind", "title_da", "title_en", "optional"}},
	{"profiles/", {"kind", "column", "xpath", "option"}},
	{"listings/", {"kind", "column", "header", "option"}},
};

/* A column staff keep for themselves: note, notes, comment, kommentar... */
static int for_people(const char *col)
{
	static const char *const prefixes[] = {"note", "comment", "kommentar"};

	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (strncmp(col, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

static int known_has(const struct known_table *k, const char *col)
{
	for (size_t i = 0; i < sizeof k->cols / sizeof *k->cols && k->cols[i]; i++)
		if (strcmp(k->cols[i], col) == 0)
			return 1;
	return 0;
}

/* Which table path is: by its file name, by its folder, or (a profile
 * named by path, e.g. "-p ./mine.csv") the one folder's table whose
 * columns hold every required one.  NULL: not a policy table (tests). */
static const struct known_table *known_for(const char *path, const char *const *required)
{
	const char *base = strrchr(path, '/');
	const char *folder = path;
	size_t nk = sizeof known_tables / sizeof *known_tables;

	base = base ? base + 1 : path;
	for (const char *p = path; p < base - 1; p++)
		if (*p == '/')
			folder = p + 1;
	size_t flen = base > path ? (size_t)(base - 1 - folder) : 0;
	for (size_t i = 0; i < nk; i++) {
		const char *n = known_tables[i].name;
		size_t nlen = strlen(n);
		if (n[nlen - 1] == '/' ? (flen == nlen - 1 && strncmp(folder, n, flen) == 0)
				       : strcmp(base, n) == 0)
			return &known_tables[i];
	}
	const struct known_table *only = NULL;
	for (size_t i = 0; required && required[0] && i < nk; i++) {
		const char *n = known_tables[i].name;
		if (n[strlen(n) - 1] != '/')
			continue;
		int all = 1;
		for (size_t k = 0; required[k] && all; k++)
			all = known_has(&known_tables[i], required[k]);
		if (all) {
			if (only)
				return NULL;
			only = &known_tables[i];
		}
	}
	return only;
}

/* Optimal string alignment distance, for "did you mean": column names
 * are short, so the quadratic table is a few hundred cells. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 40 || lb > 40)
		return 99;
	size_t d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* Every header name is known, said once, and named: an unknown one, a
 * second column of one name, or values under a column without a name
 * are each an error, as each would be a rule silently not applied. */
static int check_columns(const eu_table *t, long hline, const char *const *required,
			 const char *const *given)
{
	const struct known_table *kt = given ? NULL : known_for(t->path, required);
	const char *const *k = given ? given : kt ? kt->cols : NULL;
	size_t nk = 0;
	int rc = 0;

	while (k && nk < 10 && k[nk])
		nk++;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *c = t->cols[i];
		if (!*c) {
			for (size_t r = 0; r < t->nrows; r++)
				if (*t->rows[r].v[i]) {
					conf_warn(t->path, t->rows[r].line, (long)i + 1,
						  "'%s' is in a column with no name in the header",
						  t->rows[r].v[i]);
					rc = -1;
					break;
				}
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->cols[j], c) == 0) {
				conf_warn(t->path, hline, (long)i + 1,
					  "column '%s' is named twice in the header (also column %zu)",
					  c, j + 1);
				rc = -1;
			}
		int known = for_people(c);
		for (size_t q = 0; !known && required && required[q]; q++)
			known = strcmp(required[q], c) == 0;
		for (size_t q = 0; !known && q < nk; q++)
			known = strcmp(k[q], c) == 0;
		if (known || !k)
			continue;
		eu_buf list = EU_BUF_INIT;
		const char *best = NULL;
		size_t bestd = 3;
		for (size_t q = 0; q < nk; q++) {
			eu_buf_printf(&list, "%s%s", q ? ", " : "", k[q]);
			size_t d = edit_distance(c, k[q]);
			if (d < bestd) {
				bestd = d;
				best = k[q];
			}
		}
		if (best)
			conf_warn(t->path, hline, (long)i + 1,
				  "unknown column '%s' (did you mean '%s'?); the columns are %s, "
				  "and note or comment for people", c, best, list.p);
		else
			conf_warn(t->path, hline, (long)i + 1,
				  "unknown column '%s'; the columns are %s, and note or comment "
				  "for people", c, list.p);
		eu_buf_free(&list);
		rc = -1;
	}
	return rc;
}

static size_t count_byte(const char *s, size_t n, char c)
{
	size_t k = 0;

	for (const char *e = s + n; (s = memchr(s, c, (size_t)(e - s))); s++)
		k++;
	return k;
}

static int row_blank(const eu_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		if (row->len[i] && strspn(row->f[i], " \t\r\n") != row->len[i])
			return 0;
	return 1;
}

static int row_comment(const eu_row *row)
{
	return row->n && row->f[0][strspn(row->f[0], " ")] == '#';
}

/* The fields of the header row, the first row that is neither blank nor
 * a comment, when the table is read with delim. */
static size_t header_width(const char *data, size_t len, unsigned char delim)
{
	eu_reader_opts o = {.delim = delim, .max_field = 1u << 20};
	eu_reader *r = eu_reader_mem(data, len, "", &o);
	eu_row row;
	size_t n = 0;

	while (eu_reader_next(r, &row) == 1)
		if (!row_blank(&row) && !row_comment(&row)) {
			n = row.n;
			break;
		}
	eu_reader_close(r);
	return n;
}

unsigned char eu_sniff_delim(const char *data, size_t len)
{
	return header_width(data, len, ';') > header_width(data, len, ',') ? ';' : ',';
}

/* Windows-1252 bytes that are not characters (Excel never writes them). */
static int cp1252_byte(unsigned char b)
{
	return b >= 0x80 && b != 0x81 && b != 0x8d && b != 0x8f && b != 0x90 && b != 0x9d;
}

/* Called when data is not UTF-8.  Staff save tables from Danish Excel, whose
 * "CSV (semikolonsepareret)" is Windows-1252: it has already turned every
 * character outside it (CO₂, ≥, →) into '?'.  Converting would keep those
 * '?' without a word, so the table is refused with the way to save it, at
 * the first cell with such bytes. */
static void report_encoding(const char *path, const char *data, size_t len, unsigned char delim)
{
	int cp1252 = 1;
	for (size_t off = 0; off < len && cp1252;) {
		size_t k = eu_utf8_check(data + off, len - off);
		if (k == len - off)
			break;
		cp1252 = cp1252_byte((unsigned char)data[off + k]);
		off += k + 1;
	}

	eu_reader_opts o = {.delim = delim, .max_field = 1u << 20};
	eu_reader *r = eu_reader_mem(data, len, path, &o);
	eu_row row;
	long line = 0, col = 0;
	unsigned long rows = 0;
	eu_buf cell = EU_BUF_INIT;
	while (eu_reader_next(r, &row) == 1) {
		int bad = 0;
		long nl = 0;
		for (size_t i = 0; i < row.n && !bad; i++) {
			size_t at = eu_utf8_check(row.f[i], row.len[i]);
			if (at == row.len[i]) {
				nl += (long)count_byte(row.f[i], row.len[i], '\n');
				continue;
			}
			bad = 1;
			if (line)
				break;
			line = row.line + nl + (long)count_byte(row.f[i], at, '\n');
			col = (long)i + 1;
			/* The letters around the first one, as Excel showed them
			 * (every Windows-1252 byte is a character: any cut will do). */
			size_t from = at > 24 ? at - 24 : 0;
			size_t n = row.len[i] - from > 40 ? 40 : row.len[i] - from;
			eu_buf_reserve(&cell, 3 * n + 8);
			if (cp1252) {
				if (from)
					eu_buf_adds(&cell, "\u2026");
				cell.len += eu_cp1252_to_utf8((const unsigned char *)row.f[i] + from, n,
							      (unsigned char *)cell.p + cell.len);
				if (from + n < row.len[i])
					eu_buf_adds(&cell, "\u2026");
				cell.p[cell.len] = '\0';
			}
		}
		rows += (unsigned long)bad;
	}
	eu_reader_close(r);
	if (cp1252)
		conf_warn(path, line, col,
			  "not UTF-8 but Windows-1252 ('%s'), as Excel's \"CSV (semikolonsepareret)\" "
			  "saves, which has already turned characters such as \u2082, \u2265 and "
			  "\u2192 into '?': save the table as \"CSV UTF-8\" and check its cells "
			  "(%lu row%s with such letters)", cell.len ? cell.p : "", rows, rows == 1 ? "" : "s");
	else
		conf_warn(path, line, col,
			  "invalid UTF-8 (%lu row%s): save the table as \"CSV UTF-8\"", rows,
			  rows == 1 ? "" : "s");
	eu_buf_free(&cell);
}

/* eu_table_load_mem with the table's columns given (known: NULL-ended,
 * at most 10) rather than found by its file name. */
static int load_mem(eu_table *t, const char *path, const char *data, size_t len,
		    const char *const *required, const char *const *known)
{
	eu_reader_opts o = {0};
	eu_row row;
	int rc = 0, got;

	memset(t, 0, sizeof *t);
	t->path = eu_xstrdup(path);
	o.delim = eu_sniff_delim(data, len);
	if (eu_utf8_check(data, len) != len) {
		report_encoding(path, data, len, o.delim);
		return -1;
	}
	o.check_width = 0;
	o.max_field = 1u << 20;
	eu_reader *r = eu_reader_mem(data, len, path, &o);
	/* The header is the first row that is neither blank nor a comment. */
	while ((got = eu_reader_next(r, &row)) == 1 && !row.bad && (row_blank(&row) || row_comment(&row)))
		;
	if (got != 1) {
		conf_warn(path, 0, 0, "empty configuration table: a header row is needed");
		eu_reader_close(r);
		return -1;
	}
	const eu_row *h = &row;
	long hline = h->line;
	if (h->bad) {
		conf_warn(path, h->line, (long)h->bad_field, "%s", h->bad);
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
			/* No column to point at: the line of the header. */
			conf_warn(path, hline, 0, "missing column '%s' in the header", required[k]);
			rc = -1;
		}
	}
	size_t cap = 0;
	while ((got = eu_reader_next(r, &row)) == 1) {
		if (row.bad) {
			conf_warn(path, row.line, (long)row.bad_field, "%s", row.bad);
			rc = -1;
			continue;
		}
		if (row_blank(&row) || row_comment(&row))
			continue;
		if (row.n > t->ncols) {
			for (size_t i = t->ncols; i < row.n; i++)
				if (row.len[i] && strspn(row.f[i], " \t\r\n") != row.len[i]) {
					conf_warn(path, row.line, (long)i + 1,
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
		conf_warn(path, 0, 0, "read error: %s", strerror(errno));
		rc = -1;
	}
	eu_reader_close(r);
	if (check_columns(t, hline, required, known) < 0)
		rc = -1;
	return rc;
}

int eu_table_load_mem(eu_table *t, const char *path, const char *data, size_t len,
		      const char *const *required)
{
	return load_mem(t, path, data, len, required, NULL);
}

/* A table missing from the policy directory is not taken from the
 * installed default (docs/configuration.md: the directory is the whole
 * policy); when the default has it, say how to get it. */
static void report_missing(const char *path, int err)
{
	const char *dir = chosen_dir;
	size_t n = dir ? strlen(dir) : 0;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (err == ENOENT && n && strncmp(path, dir, n) == 0 && path[n] == '/' &&
	    strcmp(dir, EUPRIO_DEFAULT_CONFIG) != 0) {
		eu_buf def = EU_BUF_INIT;
		eu_buf_printf(&def, "%s%s", EUPRIO_DEFAULT_CONFIG, path + n);
		if (access(def.p, R_OK) == 0) {
			conf_warn(path, 0, 0, "cannot open configuration table: %s (the policy is "
				  "%.*s, whole; to use the installed default, copy %s there)",
				  strerror(err), (int)n, dir, def.p);
			eu_buf_free(&def);
			return;
		}
		eu_buf_free(&def);
	}
	conf_warn(path, 0, 0, "cannot open configuration table: %s", strerror(err));
}

/* The whole file at path into data; -1 after a message (a missing policy
 * table says where to copy it from, policy_table set). */
static int read_table_file(const char *path, const char *what, int policy_table, eu_buf *data)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (policy_table)
			report_missing(path, errno);
		else
			conf_warn(path, 0, 0, "cannot open %s: %s", what, strerror(errno));
		return -1;
	}
	for (;;) {
		eu_buf_reserve(data, 65536);
		ssize_t n = read(fd, data->p + data->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			conf_warn(path, 0, 0, "read error: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		data->len += (size_t)n;
		if (data->len > MAX_CONFIG_BYTES) {
			conf_warn(path, 0, 0, "%s larger than %u bytes", what, MAX_CONFIG_BYTES);
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
	eu_buf path = EU_BUF_INIT, data = EU_BUF_INIT;
	int rc;

	eu_buf_printf(&path, "%s/%s", dir, name);
	if (read_table_file(path.p, "configuration table", 1, &data) < 0) {
		memset(t, 0, sizeof *t);
		rc = -1;
	} else {
		rc = eu_table_load_mem(t, path.p, data.p ? data.p : "", data.len, required);
	}
	eu_buf_free(&path);
	eu_buf_free(&data);
	return rc;
}

int eu_table_load_file(eu_table *t, const char *path, const char *what, int flags,
		       const char *const *required, const char *const *known)
{
	eu_buf data = EU_BUF_INIT;
	int rc;

	if (read_table_file(path, what, 0, &data) < 0) {
		memset(t, 0, sizeof *t);
		eu_buf_free(&data);
		return -1;
	}
	/* A table staff keep beside the inputs may be saved by Danish Excel's
	 * "CSV (semikolonsepareret)", Windows-1252, as listings are: by the
	 * listings' own rule (encoding.h), converted as a whole, so line
	 * numbers stay the file's.  (Policy tables refuse it: there a '?'
	 * Excel put for a character it lacked could change a rule.) */
	if ((flags & EU_TABLE_CP1252) && data.len && eu_text_is_cp1252(data.p, data.len, 1)) {
		eu_buf u = EU_BUF_INIT;
		eu_buf_reserve(&u, data.len * 3 + 1);
		u.len = eu_cp1252_to_utf8((const unsigned char *)data.p, data.len, (unsigned char *)u.p);
		eu_buf_free(&data);
		data = u;
	}
	rc = load_mem(t, path, data.p ? data.p : "", data.len, required, known);
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
	/* An absent column (col < 0) has no place to point at. */
	conf_vwarn(t->path, row < t->nrows ? t->rows[row].line : 0, col >= 0 ? col + 1 : 0, fmt, ap);
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
		conf_warn(s->t.path, 0, 0, "missing setting '%s'", key);
		return -1;
	}
	return eu_table_number(&s->t, (size_t)r, s->cval, min, max, out);
}

const char *eu_setting_str(const eu_settings *s, const char *key)
{
	long r = eu_setting_row(s, key);

	if (r < 0) {
		conf_warn(s->t.path, 0, 0, "missing setting '%s'", key);
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

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

long eu_table_dir(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	size_t n = 0;

	*names = NULL;
	if (!d) {
		eu_warn_at(dir, 0, "cannot read the folder: %s", strerror(errno));
		return -1;
	}
	for (struct dirent *de; (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".csv") && de->d_name[0] != '.') {
			*names = eu_xrealloc(*names, (n + 1) * sizeof **names);
			(*names)[n++] = eu_xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(*names, n, sizeof **names, by_name);
	return (long)n;
}
