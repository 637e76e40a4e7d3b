/* The portal's CSV exports, read with the project's CSV reader: columns by
 * name (both known orders and any other), a BOM, HTML in descriptions.
 * A header row met again (two exports joined with cat) re-reads the
 * columns from there on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "calls_int.h"
#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/core/text.h"
#include "euprio/stream/stream.h"

/* Export column -> record column.  deadline and deadline2 both go to the
 * list of deadlines. */
static const struct {
	const char *name;
	int col;
} cmap[] = {
	{"identifier", EU_C_ID},
	{"title", EU_C_TITLE},
	{"programme", EU_C_PROGRAMME},
	{"status", EU_C_STATUS},
	{"action_type", X_TYPE_OF_ACTION},
	{"submission_procedure", X_SUBMISSION},
	{"start_date", X_START_DATE},
	{"deadline", X_DEADLINES},
	{"deadline2", X_DEADLINES},
	{"budget_min", X_BUDGET_MIN},
	{"budget_max", X_BUDGET_MAX},
	{"project_number", X_EXPECTED_GRANTS},
	{"reference", X_PORTAL_REFERENCE},
	{"call_identifier", X_CALL_IDENTIFIER},
	{"call_title", X_CALL_TITLE},
	{"description", EU_C_SUMMARY},
};
#define NMAP (sizeof cmap / sizeof *cmap)

struct layout {
	long src[NMAP];          /* input column of each cmap entry, or -1 */
	size_t width;
	int has_status;
};

/* A header cell's name: trimmed, lower case, without a BOM. */
static void cell_name(eu_buf *b, const char *s, size_t n)
{
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
		s += 3;
		n -= 3;
	}
	eu_buf_clear(b);
	eu_collapse_ws(b, s, n);
	for (size_t i = 0; i < b->len; i++)
		if (b->p[i] >= 'A' && b->p[i] <= 'Z')
			b->p[i] += 32;
}

/* Reads a layout from a row; returns 1 when it is a header (it names the
 * identifier and the title). */
static int layout_from(struct layout *L, const eu_row *row)
{
	eu_buf b = EU_BUF_INIT;
	struct layout l;
	int id = 0, title = 0;

	for (size_t k = 0; k < NMAP; k++)
		l.src[k] = -1;
	for (size_t c = 0; c < row->n; c++) {
		cell_name(&b, row->f[c], row->len[c]);
		for (size_t k = 0; k < NMAP; k++)
			if (b.p && !strcmp(b.p, cmap[k].name) && l.src[k] < 0) {
				l.src[k] = (long)c;
				id |= cmap[k].col == EU_C_ID;
				title |= cmap[k].col == EU_C_TITLE;
			}
	}
	eu_buf_free(&b);
	if (!id || !title)
		return 0;
	l.width = row->n;
	l.has_status = 0;
	for (size_t k = 0; k < NMAP; k++)
		l.has_status |= cmap[k].col == EU_C_STATUS && l.src[k] >= 0;
	*L = l;
	return 1;
}

static int csv_read(eu_calls *C, eu_reader *rd, const char *name, eu_writer *w)
{
	struct layout L;
	struct call_rec rec;
	eu_row row;
	int status = EU_EXIT_OK, got;

	const eu_row *hdr = eu_reader_header(rd);
	if (!hdr) {
		eu_warn_at(name, 1, "neither JSON nor a CSV export with a header row");
		return EU_EXIT_INPUT;
	}
	if (hdr->bad || !layout_from(&L, hdr)) {
		eu_warn_at(name, hdr->line, "neither JSON nor a CSV export of topics: no identifier and title columns in the first row%s%s",
			   hdr->bad ? ": " : "", hdr->bad ? hdr->bad : "");
		return EU_EXIT_INPUT;
	}
	call_rec_init(&rec);
	while ((got = eu_reader_next(rd, &row)) == 1) {
		size_t used = row.n;
		while (used && row.len[used - 1] == 0)
			used--;
		if (!used && !row.bad)
			continue;               /* an empty line */
		if (!row.bad && layout_from(&L, &row)) {
			eu_warn_at(name, row.line, "a header row again (files joined with cat?): columns read from it on");
			continue;
		}
		call_rec_clear(&rec);
		rec.file = name;
		rec.line = row.line;
		eu_origin_format(&rec.v[EU_C_ORIGIN], name, row.line);
		char why[200];
		const char *bad = row.bad;
		if (!bad && row.n != L.width) {
			snprintf(why, sizeof why, "ragged row: %zu fields where the header has %zu; not shifted into columns",
				 row.n, L.width);
			bad = why;
		}
		if (bad) {
			/* The values may be shifted: none is trusted, the first is
			 * quoted so that staff can find the row. */
			size_t n = row.n ? (row.len[0] > 40 ? 40 : row.len[0]) : 0;
			while (n && n < row.len[0] && ((unsigned char)row.f[0][n] & 0xC0) == 0x80)
				n--;
			call_reject(&rec, "%s; first field \"%.*s\"", bad, (int)n, n ? row.f[0] : "");
			eu_buf_adds(&rec.v[EU_C_SOURCE], "call");
			eu_status_raise(&status, call_emit(C, &rec, w));
			continue;
		}
		for (size_t k = 0; k < NMAP; k++) {
			long s = L.src[k];
			if (s < 0)
				continue;
			eu_buf *v = &rec.v[cmap[k].col];
			if (cmap[k].col == X_DEADLINES) {
				if (row.len[s]) {
					if (v->len)
						eu_buf_addc(v, '\n');
					eu_buf_add(v, row.f[s], row.len[s]);
				}
			} else {
				eu_buf_add(v, row.f[s], row.len[s]);
			}
		}
		rec.status_from_dates = !L.has_status;
		eu_buf idtrim = EU_BUF_INIT;
		eu_collapse_ws(&idtrim, rec.v[EU_C_ID].p ? rec.v[EU_C_ID].p : "", rec.v[EU_C_ID].len);
		eu_buf_clear(&rec.v[EU_C_ID]);
		eu_buf_add(&rec.v[EU_C_ID], idtrim.p ? idtrim.p : "", idtrim.len);
		eu_buf_free(&idtrim);
		call_set_ids(&rec);
		call_finish(C, &rec);
		eu_status_raise(&status, call_emit(C, &rec, w));
	}
	if (got < 0) {
		eu_warn_at(name, 0, "read error: %s", strerror(errno));
		eu_status_raise(&status, EU_EXIT_INPUT);
	}
	call_rec_free(&rec);
	return status;
}

static void opts_for(const eu_calls *C, eu_reader_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_field = C->max_text;
	o->check_utf8 = 1;
	o->check_width = 0;      /* checked here, against the latest header */
}

int call_csv_read(eu_calls *C, int fd, const char *name, const char *first, size_t nfirst, eu_writer *w)
{
	eu_reader_opts o;
	opts_for(C, &o);
	eu_reader *rd = eu_reader_fdopen(fd, name, &o);
	eu_reader_prepend(rd, first, nfirst);
	int status = csv_read(C, rd, name, w);
	eu_reader_close(rd);
	return status;
}

int call_csv_read_mem(eu_calls *C, const char *buf, size_t len, const char *name, eu_writer *w)
{
	eu_reader_opts o;
	opts_for(C, &o);
	eu_reader *rd = eu_reader_mem(buf, len, name, &o);
	int status = csv_read(C, rd, name, w);
	eu_reader_close(rd);
	return status;
}
