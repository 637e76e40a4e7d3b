/* euprio-sdeo's logic: listing spreadsheets (SDEO's sheet, the ERDF export,
 * CORDIS participants) in any Danish-Excel dialect to canonical records,
 * and the join of listings onto applications by call id. */
#ifndef EUPRIO_LISTINGS_H
#define EUPRIO_LISTINGS_H

#include <stddef.h>
#include "euprio/core/buf.h"
#include "euprio/stream/partners.h"
#include "euprio/core/writer.h"

typedef struct eu_listings eu_listings;

enum eu_encoding { EU_ENC_AUTO = 0, EU_ENC_UTF8, EU_ENC_CP1252 };

typedef struct eu_listings_opts {
	const char *profile;        /* a name in config/listings, or NULL */
	unsigned char delim;        /* 0: detect */
	enum eu_encoding encoding;  /* EU_ENC_AUTO: detect */
} eu_listings_opts;

/* NULL after file:line:col messages. */
eu_listings *eu_listings_new(const char *config_dir, const eu_listings_opts *o);
void eu_listings_free(eu_listings *S);

/* Parses a free-text partners cell into the partners codec, appending to
 * out: "Odense Havn (DK, 5000 Odense C); Groningen Seaports (NL);
 * University of Tartu, EE". */
void eu_listings_free_partners(const eu_listings *S, const char *s, size_t len, eu_buf *out);

/* Reads listing files and writes records; with append, first passes the
 * record stream from append_fd through and joins listings onto it by call
 * id.  Returns the eu_exit status. */
int eu_listings_run(eu_listings *S, char *const *paths, size_t npaths, int append_fd, eu_writer *w);


#endif
