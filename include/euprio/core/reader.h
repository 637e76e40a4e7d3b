/* Streaming CSV record reader over libcsv: RFC 4180, LF or CRLF, optional
 * BOM, line numbers per record, bad rows reported rather than repaired. */
#ifndef EUPRIO_READER_H
#define EUPRIO_READER_H

#include <stddef.h>

/* One parsed row.  Field strings are NUL-terminated and stay valid until
 * the next call to eu_reader_next() on the same reader. */
typedef struct eu_row {
	size_t n;            /* number of fields */
	const char **f;      /* field values */
	const size_t *len;   /* field lengths in bytes (a field may hold NUL) */
	long line;           /* physical line where the row starts, from 1 */
	const char *bad;     /* NULL, or why the reader could not trust the row */
	size_t bad_field;    /* the field bad is about, from 1; 0 when it is the
			      * whole row's (ragged) */
	/* The fields back to back in f's order, each followed by a NUL, so
	 * that a row can be kept with one copy; NULL when there are none. */
	const char *span;
	size_t span_len;
} eu_row;

typedef struct eu_reader_opts {
	unsigned char delim;   /* ',' unless set */
	size_t max_field;      /* bytes of one field; 0 means eu_limit.field_bytes */
	size_t max_fields;     /* fields of one row; 0 means eu_limit.columns */
	size_t chunk;          /* read size in bytes; 0 means 64 KiB */
	int check_utf8;        /* reject rows that are not valid UTF-8 */
	int check_width;       /* rows must have as many fields as the header */
	int cp1252;            /* input is Windows-1252: convert to UTF-8 */
} eu_reader_opts;


typedef struct eu_reader eu_reader;

/* Opens path ("-" is stdin) for reading.  Returns NULL and sets errno on
 * failure.  opts may be NULL for the record-stream defaults. */
eu_reader *eu_reader_open(const char *path, const eu_reader_opts *opts);
/* Reads from an open descriptor; name is used in diagnostics. */
eu_reader *eu_reader_fdopen(int fd, const char *name, const eu_reader_opts *opts);
/* Reads a memory buffer (tests, fuzzers, converted text).  The buffer is
 * borrowed and must outlive the reader. */
eu_reader *eu_reader_mem(const void *buf, size_t len, const char *name,
			 const eu_reader_opts *opts);
void eu_reader_close(eu_reader *r);

/* Gives the reader bytes that were already read from its descriptor (to
 * sniff the dialect); they are parsed before anything else.  Call before
 * the first eu_reader_next(). */
void eu_reader_prepend(eu_reader *r, const void *buf, size_t len);

/* Returns 1 and fills *row, 0 at end of input, -1 on a read error (errno
 * set).  A row the reader cannot trust (ragged, over-long field, NUL byte,
 * invalid UTF-8, unterminated quote) is still returned, with row->bad set,
 * so that the caller can pass it on as rejected. */
int eu_reader_next(eu_reader *r, eu_row *row);

/* The number of fields every row must have when check_width is on; 0 until
 * set.  eu_reader_header() sets it from the first row. */
void eu_reader_set_width(eu_reader *r, size_t width);

/* Reads the first row as the header and keeps a private copy of it.
 * Returns NULL at end of input or on a read error (check errno: 0 means the
 * file was empty) and also when the header row itself is bad. */
const eu_row *eu_reader_header(eu_reader *r);

const char *eu_reader_name(const eu_reader *r);
/* Count of rows (after the header) returned so far. */
unsigned long eu_reader_rows(const eu_reader *r);
/* Bytes read from the input so far. */
unsigned long long eu_reader_bytes(const eu_reader *r);


#endif
