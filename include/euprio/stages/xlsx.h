/* euprio-xlsx: the morning workbook.  The program and the two text helpers
 * whose edge cases tests check directly. */
#ifndef EUPRIO_XLSX_H
#define EUPRIO_XLSX_H

#include <stddef.h>
#include "euprio/core/buf.h"

/* Excel's limit on the characters of one cell, counted in UTF-16 units. */
#define EU_XLSX_CELL_MAX 32767

/* Bytes of the longest prefix of s (valid UTF-8, len bytes) made of whole
 * characters that fit in max UTF-16 units; len when all of s fits. */
size_t eu_xlsx_fit(const char *s, size_t len, size_t max);

/* Appends s as a cell text: line breaks become "\n", other control
 * characters a space (Excel shows them as boxes), and text over Excel's
 * limit is cut at a character boundary with marker appended so the cell
 * still fits.  Returns 1 when it cut. */
int eu_xlsx_cell_text(eu_buf *out, const char *s, size_t len, const char *marker);

/* What a workbook is made of and where it goes. */
typedef struct eu_xlsx_opts {
	const char *config_dir;
	const char *output;      /* the .xlsx, replaced atomically */
	const char *rejects;     /* euprio-rank's rejects, or NULL */
	const char *changes;     /* euprio-changes' output, or NULL */
	int english;
	long today;              /* days since epoch */
} eu_xlsx_opts;

/* Writes the workbook from the candidates in paths (none: stdin).
 * Returns the eu_exit status; on failure the old output stays. */
int eu_xlsx_run(const eu_xlsx_opts *o, char *const *paths, size_t npaths);
/* Loads the workbook's policy (workbook.csv, its labels in both languages,
 * goals, settings) as euprio-check-config does; 0 or -1 after messages. */
int eu_xlsx_check_config(const char *dir);

#endif
