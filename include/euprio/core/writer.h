/* Buffered CSV writer: minimal RFC 4180 quoting, LF (or CRLF) line ends,
 * optional spreadsheet-formula escaping, every write checked. */
#ifndef EUPRIO_WRITER_H
#define EUPRIO_WRITER_H

#include <stddef.h>
#include "euprio/core/buf.h"

typedef struct eu_writer_opts {
	unsigned char delim;  /* ',' unless set */
	int crlf;             /* CRLF line ends instead of LF */
	int bom;              /* write a UTF-8 BOM first */
	int excel_safe;       /* prefix ' to cells that would start a formula */
	int decimal_comma;    /* write numeric cells with a decimal comma */
} eu_writer_opts;

typedef struct eu_writer eu_writer;

/* name is used in diagnostics.  Returns NULL only when out of memory. */
eu_writer *eu_writer_fdopen(int fd, const char *name, const eu_writer_opts *opts);
/* Opens (creates or truncates) path for writing; NULL and errno on failure. */
eu_writer *eu_writer_open(const char *path, const eu_writer_opts *opts);

/* Appends one field to the current row; numeric says the column holds
 * numbers, so that "-5" is not escaped and decimal_comma applies. */
void eu_write_field(eu_writer *w, const char *s, size_t len, int numeric);
void eu_write_str(eu_writer *w, const char *s);
/* Ends the current row. */
void eu_write_end(eu_writer *w);

/* Appends bytes already in CSV form (rows a memory writer made); many at
 * once are written from where they lie, past the buffer. */
void eu_write_raw(eu_writer *w, const char *s, size_t len);

/* A writer into memory with like's options and no BOM, so that worker
 * threads can format rows that one thread then writes in order.  It
 * writes into the buffer it is bound to, from that buffer's end, and
 * unbinding sets the buffer's length.  eu_writer_close frees it. */
eu_writer *eu_writer_mem(const eu_writer *like);
void eu_writer_mem_bind(eu_writer *w, eu_buf *sink);
void eu_writer_mem_unbind(eu_writer *w);

/* Returns 0, or -1 with errno when any write so far failed.  Errors are
 * sticky: after one, later writes are no-ops. */
int eu_writer_error(const eu_writer *w);
int eu_writer_flush(eu_writer *w);
/* Flushes, closes the descriptor, frees.  Returns 0 or -1 with errno. */
int eu_writer_close(eu_writer *w);
const char *eu_writer_name(const eu_writer *w);
/* For output that names people (the staff in a decisions table): when w
 * writes a regular file, takes the world's permissions off it, so only
 * its owner and group read it.  Pipes and terminals are left alone.
 * Returns 0, or -1 with errno. */
int eu_writer_private(eu_writer *w);

/* True when a cell would be read by a spreadsheet as a formula. */
int eu_cell_is_formula(const char *s, size_t len, int numeric);
/* True when s is a plain number: -?digits(.digits)? */
int eu_is_plain_number(const char *s, size_t len);

/* An unlinked temporary file under $TMPDIR (else /tmp) for spooling, named
 * euprio-TAG-* while it is created; -1 with errno when none can be made. */
int eu_spool_fd(const char *tag);

#endif
