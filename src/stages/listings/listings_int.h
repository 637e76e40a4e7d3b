/* euprio-sdeo's private header: compiled listing profiles, the stage's
 * state and a run's, shared by the profiles (profiles.c), dialect sniffing
 * (dialect.c), free-text partners (partner_text.c), row reading and mapping
 * (rows.c) and the join (join.c). */
#ifndef EUPRIO_LISTINGS_INT_H
#define EUPRIO_LISTINGS_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

#include "euprio/core/buf.h"
#include "euprio/core/strmap.h"
#include "euprio/core/values.h"
#include "euprio/core/writer.h"
#include "euprio/stages/listings.h"

#define SNIFF (64 * 1024)
#define SNIFF_ROWS 30

enum lkind { L_CONST, L_FIELD, L_TEXT, L_DATE, L_AMOUNT, L_PARTNERS, L_LEAD, L_IDHASH,
	     L_GROUP, L_SUM, L_PARTNER, L_NKIND };

struct lrule {
	enum lkind kind;
	long col;                /* output column */
	int pattr;               /* partner attribute for L_LEAD / L_PARTNER */
	char **hdr;              /* folded synonyms */
	size_t nhdr;
	char *opt;
	enum eu_currency cur;
	char dec;
	long src;                /* per file: the input column, or -1 */
};

struct lprofile {
	char *name;
	struct lrule *r;
	size_t n;
	int grouped;
};

struct eu_listings {
	struct lprofile *p;
	size_t np;
	eu_listings_opts o;
	double dkk_rate;
	char **cols;             /* output columns: canonical, then extras */
	size_t ncols;
	pcre2_code *re_paren, *re_tail, *re_cc, *re_pc;
	pcre2_match_data *md;
};

struct dialect {
	const struct lprofile *p;
	unsigned char delim;
	int cp1252;
	size_t header_row;       /* rows to skip before the header */
	int score;
};

struct rec {
	eu_buf *v;               /* per output column */
	size_t n;
};

struct joined {
	char *key;
	struct rec listing;
};

struct run {
	eu_listings *S;
	eu_writer *w;            /* final output, or the unmatched spool */
	int status;
	/* --append */
	int joining;
	eu_strmap keys;          /* applications' join keys */
	struct joined *j;
	size_t nj;
};

/* profiles.c: the output columns (canonical, then the extras profiles
 * name) and the profiles of config/listings, all or only S->o.profile;
 * nonzero after file:line:col messages. */
int listings_load_profiles(eu_listings *S, const char *config_dir);
void listings_free_profiles(eu_listings *S);

/* partner_text.c: the free-text partner grammar (and
 * eu_listings_free_partners). */
void listings_partners_init(eu_listings *S);
void listings_partners_free(eu_listings *S);
/* Trims white space off both ends of b. */
void listings_trim(eu_buf *b);

/* dialect.c: encoding, delimiter, profile and header row of a file from
 * its first len bytes; -1 when no row names two columns of a profile. */
int listings_detect(const eu_listings *S, const char *buf, size_t len, int at_eof, struct dialect *d);

/* rows.c: reads one listing file into records for r; returns the eu_exit
 * status. */
int listings_read_file(struct run *r, const char *path);
void listings_rec_init(struct rec *r, size_t n);
void listings_rec_free(struct rec *r);

/* join.c: writes a record, and hands a finished one on (joined when r is
 * joining, else written); listings_join is eu_listings_run with --append. */
void listings_write_rec(struct run *r, const struct rec *rec);
void listings_deliver(struct run *r, struct rec *rec);
int listings_join(eu_listings *S, char *const *paths, size_t npaths, int append_fd, eu_writer *out);

#endif
