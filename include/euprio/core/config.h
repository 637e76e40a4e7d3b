/* Configuration tables: CSV files under the config directory that staff
 * edit.  Every error names file, line and column, and stops the program. */
#ifndef EUPRIO_CONFIG_H
#define EUPRIO_CONFIG_H

#include <stddef.h>

typedef struct eu_table_row {
	long line;
	char **v;            /* one per column, "" when the row is short */
} eu_table_row;

typedef struct eu_table {
	char *path;
	size_t ncols;
	char **cols;
	size_t nrows;
	eu_table_row *rows;
} eu_table;

/* The policy directory: opt (--config) when given, else $EUPRIO_CONFIG,
 * else the system directory (/etc/euprio in the package) when it exists,
 * else the installed default (/usr/share/euprio).  The directory chosen is
 * the whole policy: a table missing from it is an error, never taken from
 * the next one (docs/configuration.md says why). */
const char *eu_config_dir(const char *opt);
/* The same choice among given places (tests). */
const char *eu_config_pick(const char *opt, const char *env, const char *system,
			   const char *installed);
/* The compiled-in system and installed directories, for --help. */
const char *eu_config_system_dir(void);
const char *eu_config_installed_dir(void);

/* The delimiter of a CSV text staff or the tools saved: ';' or ',',
 * whichever splits its header (the first row that is neither blank nor a
 * '#' comment) into more columns.  The rows are parsed rather than scanned
 * as lines, so a BOM, a comment holding either character, or a quoted
 * comment ("# a; b";;) in front of the header does not decide.  For policy
 * tables, and for euprio-changes reading either dialect the tools write. */
unsigned char eu_sniff_delim(const char *data, size_t len);

/* Loads dir/name.  Delimiter ',' or ';' (whichever splits the header into
 * more columns, as Danish spreadsheets save ';').  UTF-8 only: a table in
 * Windows-1252 is refused with how to save it.  Rows whose first cell
 * starts with '#' and blank rows are skipped.  Every column in required
 * must be in the header, and every column in the header must be one the
 * table has (a list in config.c), or one for people (note..., comment...).
 * Returns 0, or -1 after printing file:line:col diagnostics; a fault
 * printed once is not printed again, by any later load. */
int eu_table_load(eu_table *t, const char *dir, const char *name,
		  const char *const *required);
/* Same, from a file anywhere (a table staff keep beside the inputs, not
 * policy); what names it in messages ("decisions table"), known lists the
 * columns it may have besides required (NULL-ended, at most 10; note...
 * and comment... are for people).  With EU_TABLE_CP1252 a file that is
 * not UTF-8 is read as Windows-1252, by the rule the listings reader uses
 * (eu_text_is_cp1252), so a table saved by any Excel reads as the
 * listings do: ',' or ';', BOM, UTF-8 or Windows-1252. */
#define EU_TABLE_CP1252 1
int eu_table_load_file(eu_table *t, const char *path, const char *what, int flags,
		       const char *const *required, const char *const *known);
/* Same, from memory (tests and fuzzers); path is used in messages. */
int eu_table_load_mem(eu_table *t, const char *path, const char *data, size_t len,
		      const char *const *required);
void eu_table_free(eu_table *t);
/* Forgets which faults were printed (tests that load one faulty table
 * twice). */
void eu_table_forget_faults(void);

long eu_table_col(const eu_table *t, const char *name);
/* The cell, "" for an absent column (col < 0). */
const char *eu_table_get(const eu_table *t, size_t row, long col);

/* Prints "prog: path:line:col: message" for a cell. */
void eu_table_error(const eu_table *t, size_t row, long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* For a column that picks one of a fixed list of words, such as a
 * profile's kind: the index of the cell among names[0..n), compared
 * exactly (a spreadsheet's "Const" is not "const"), or -1 after
 * "unknown WHAT 'cell'" at the cell. */
int eu_table_enum(const eu_table *t, size_t row, long col, const char *what,
		  const char *const *names, size_t n);

/* Parses a cell as a number in [min, max]; prints an error and returns -1
 * when it is not one. */
int eu_table_number(const eu_table *t, size_t row, long col, double min,
		    double max, double *out);

/* A key,value settings table (settings.csv). */
typedef struct eu_settings {
	eu_table t;
	long ckey, cval;
} eu_settings;

int eu_settings_load(eu_settings *s, const char *dir, const char *name);
/* Looks a key up and parses it as a number in [min, max].  A missing key or
 * bad value prints file:line:col and returns -1: no constant lives in code. */
int eu_setting_number(const eu_settings *s, const char *key, double min,
		      double max, double *out);
/* The row of key in s->t, or -1 (for messages about a value). */
long eu_setting_row(const eu_settings *s, const char *key);
/* Returns the value string, or NULL after an error message. */
const char *eu_setting_str(const eu_settings *s, const char *key);
void eu_settings_free(eu_settings *s);

/* The policy tables of a folder (the XML and listing profiles): the names
 * of its *.csv files, hidden ones left out, in name order so that every
 * machine loads them alike.  Returns their count and sets *names (free
 * each and the array), or -1 after a message when dir cannot be read. */
long eu_table_dir(const char *dir, char ***names);

/* The DKK per EUR rate of dir/settings.csv (dkk_rate), the one every
 * converting stage reads with the same bounds.  0, or -1 after messages. */
int eu_settings_dkk_rate(const char *dir, double *rate);

#endif
