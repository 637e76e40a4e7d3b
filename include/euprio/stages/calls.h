/* euprio-calls' logic: the EU Funding & Tenders portal's formats (the
 * search API's response, the snapshot of concatenated topic objects, the
 * CSV exports; gzip or not) to canonical records, one per topic. */
#ifndef EUPRIO_CALLS_H
#define EUPRIO_CALLS_H

#include <stddef.h>
#include "euprio/core/buf.h"
#include "euprio/core/writer.h"

typedef struct eu_calls eu_calls;

typedef struct eu_calls_opts {
	long today;          /* days since 1970-01-01; < 0: today in Brussels */
	size_t chunk;        /* read size in bytes; 0: 64 KiB (tests use 1..13) */
} eu_calls_opts;

/* What one run read, for the summary line and the tests. */
typedef struct eu_calls_counts {
	unsigned long files, topics, rejected, repaired;
} eu_calls_counts;

/* Loads settings.csv (the calls.* limits, topic_url), call_programmes.csv
 * and call_status.csv.  NULL after file:line:col messages. */
eu_calls *eu_calls_new(const char *config_dir, const eu_calls_opts *o);
void eu_calls_free(eu_calls *C);

/* Writes the header: the canonical columns, then the calls' own. */
void eu_calls_write_header(const eu_calls *C, eu_writer *w);

/* Reads one file ("-" is stdin) and writes a record per topic in it.
 * Returns the eu_exit status: 1 when some topics were rejected, 3 when the
 * file (or part of it) could not be read. */
int eu_calls_read_path(eu_calls *C, const char *path, eu_writer *w);
/* The same from memory (tests, fuzzers); name is used in messages. */
int eu_calls_read_mem(eu_calls *C, const void *buf, size_t len, const char *name, eu_writer *w);

/* Header, then every path (none: stdin); the worst status. */
int eu_calls_run(eu_calls *C, char *const *paths, size_t npaths, eu_writer *w);

const eu_calls_counts *eu_calls_counts_get(const eu_calls *C);

/* Undoes UTF-8 that was read as Windows-1252 (or Latin-1) and written
 * again as UTF-8 ("â€™" for "’", "Ã©" for "é"), up to three layers deep,
 * but only when the whole of s is consistent with that: every character
 * maps back to one byte and those bytes are valid UTF-8 with at least one
 * multi-byte character.  Appends the repaired text to out and returns 1;
 * returns 0 and appends nothing when s is left as it is. */
int eu_mojibake_repair(const char *s, size_t len, eu_buf *out);

/* Appends the text of an HTML fragment (libxml2's HTML parser, no network,
 * no messages): block elements and <br> end lines, script and style are
 * dropped, entities decoded.  Returns 0, or -1 when libxml2 could not
 * parse it (out is then untouched). */
int eu_html_text(const char *s, size_t len, eu_buf *out);
/* True when s holds a tag (<p, </p, <!--, <br/>) or an entity (&amp;,
 * &#39;): plain text is never put through the HTML parser. */
int eu_looks_like_html(const char *s, size_t len);

/* The calendar date in Brussels of a portal time stamp: 2024-09-05,
 * 2024-09-05T17:00:00 (no zone: Brussels local time, as the portal shows
 * it), 2023-05-11T02:00:00.000+0200, ...Z, and the forms eu_parse_date
 * reads ("11 May 2023").  Days since 1970-01-01, or -1. */
long eu_brussels_date(const char *s);

#endif
