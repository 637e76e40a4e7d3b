/* What the files of the workbook writer share: the policy it loaded, the
 * sheets it streams and the counts for the overview (struct xl), and the
 * calls between policy.c, cells.c, sheets.c, overview.c and xlsx.c. */
#ifndef EUPRIO_XLSX_INT_H
#define EUPRIO_XLSX_INT_H

#include <stddef.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <xlsxwriter.h>

#include "euprio/core/buf.h"
#include "euprio/core/labels.h"
#include "euprio/core/words.h"
#include "euprio/stream/stream.h"

/* How a column's cells are written; names as in workbook.csv. */
enum kind {
	K_TEXT, K_WRAP, K_INTEGER, K_NUMBER, K_AMOUNT, K_RATIO, K_DATE, K_DAYS,
	K_DECISION, K_SCORE, K_CALL, K_TIER, K_CHANGE, K_STAFF, NKIND
};

/* Codes whose words come from labels.csv under prefix.code: the stream's
 * own words (core/words.h), in the order the workbook shows them; tiers
 * strongest first (cells.c). */
enum xl_code { XC_DECISION, XC_TIER, XC_CHANGE, XC_STAFF, NXC };
#define NDEC EU_NDECISIONS
#define NTIER EU_NTIERS
#define NCHANGE EU_NCHANGES
#define NSTAFF EU_NSTAFF
extern const char *const xl_code_prefix[NXC];
size_t xl_ncodes(enum xl_code c);
const char *xl_code_name(enum xl_code c, size_t i);
/* The index of the code v names, or -1. */
int xl_code_of(enum xl_code c, const char *v);

/* The streamed sheets.  The calls (rank's decision explore) are a sheet
 * of their own, fed from the candidates' stream, when workbook.csv lays
 * one out. */
enum { S_CAND, S_REJ, S_CHG, S_CALL, NSHEET };

/* Widest a column is fitted to, in characters; wrapped text wraps there. */
#define WIDTH_TEXT 45
#define WIDTH_WRAP 60
#define MONTHS 12
#define MAX_PROGRAMMES 200   /* the rest are counted as "others" */
#define CHART_PROGRAMMES 15  /* the grant chart shows the largest */
#define MAX_URL 2079         /* Excel's limit on a link */
#define MAX_LINKS 65530      /* and on the links of one sheet */
#define PRINT_WIDTH 250      /* characters across a printed landscape page */

struct col {
	char *name;
	enum kind kind;
	int optional;    /* shown only when the input has it (workbook.csv optional) */
	char *title;
	long src;        /* column in the input stream */
	double width;    /* widest cell so far, in characters */
};

struct sheet {
	struct col *c;
	size_t n;
	lxw_worksheet *ws;
	lxw_row_t rows;  /* rows written, header included */
	int full;        /* reached Excel's row limit */
	unsigned long left_out;
	unsigned char *warned;  /* per column: a bad number was reported */
};

struct prog {
	char *name;
	double count, grant;
};

typedef struct xl {
	eu_labels L;
	int english;
	struct sheet sh[NSHEET];
	double soon;
	pcre2_code *topic;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	char *topic_url;
	char **goal_id, **goal_name;
	size_t ngoals;
	long today;
	long today_month;        /* year * 12 + month - 1 of today */
	/* Words looked up once, not per cell. */
	const char *cut, *dec_word[NDEC], *tier_word[NTIER], *change_word[NCHANGE], *staff_word[NSTAFF];
	lxw_workbook *wb;
	lxw_worksheet *overview;
	lxw_format *f_head, *f_wrap, *f_int, *f_num, *f_amount, *f_ratio, *f_date, *f_link,
		*f_red, *f_amber, *f_dec[NDEC], *f_title, *f_month, *f_bold, *f_bold_int;
	/* what the overview counts */
	double dec_count[NDEC], tier_count[NTIER], within[3], months[MONTHS];
	double *goal_count;
	struct prog *progs;
	size_t nprogs;
	double other_count, other_grant;
	unsigned long ncand, nrej, nchg, nbad, ncalls;
	unsigned long links;     /* on the candidates and calls sheets, the ones with links */
	unsigned long max_links;
	eu_buf tmp, url;
	int status;
	int names_staff;         /* a staff column is shown: the workbook names people */
	long overview_src[8];    /* the candidates' columns the overview counts by */
} xl;

/* policy.c: workbook.csv, labels, goals and settings; 0 or -1 after
 * messages.  xl_free releases what a load (and a run) took. */
int xl_load_config(xl *X, const char *dir);
void xl_free(xl *X);

/* cells.c */
void xl_make_formats(xl *X);
void xl_put_string(xl *X, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *v, size_t len,
		   lxw_format *f, double *width);

/* sheets.c */
void xl_sheet_header(xl *X, struct sheet *sh);
void xl_sheet_finish(xl *X, struct sheet *sh);
/* Opens a sheet's inputs (paths NULL: there are none, as when no rejects
 * are given) and binds its columns: an optional column the input lacks
 * is dropped, any other is an error.  Then the header can be written and
 * the rows read.  xl_open_sheet: 0, or -1 after messages (s is closed). */
int xl_open_sheet(xl *X, int which, char *const *paths, size_t npaths, eu_stream *s);
void xl_fill_sheet(xl *X, int which, eu_stream *s, unsigned long *count);

/* overview.c: written last, from the counts, though it is the second sheet. */
void xl_write_overview(xl *X, const char *sheet);

/* Two small helpers of every file, inline as they were when the writer
 * was one file: they run for every cell. */

/* The screen width of the widest line of s, in characters (UTF-8 lead
 * bytes), which is what fitting a column needs. */
static inline double xl_text_width(const char *s, size_t len)
{
	double w = 0, line = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			line = 0;
			continue;
		}
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++line > w)
			w = line;
	}
	return w;
}

static inline int xl_code_index(const char *const *codes, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(codes[i], v) == 0)
			return (int)i;
	return -1;
}

#endif
