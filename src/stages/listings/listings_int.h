/* euprio-sdeo's private header: compiled listing profiles, the stage's
 * state and a run's, shared by the profiles (profiles.c), dialect sniffing
 * (dialect.c), free-text partners (partner_text.c), row reading and mapping
 * (rows.c), participant groups and the project table (groups.c), the
 * record spool (spool.c), project matching (match.c) and the join
 * (join.c). */
#ifndef EUPRIO_LISTINGS_INT_H
#define EUPRIO_LISTINGS_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "euprio/core/buf.h"
#include "euprio/core/country.h"
#include "euprio/core/strmap.h"
#include "euprio/core/values.h"
#include "euprio/core/writer.h"
#include "euprio/stages/listings.h"
#include "euprio/stream/listcol.h"
#include "euprio/stream/schema.h"

#define SNIFF (64 * 1024)
#define SNIFF_ROWS 30

enum lkind {
	L_CONST, L_FIELD, L_TEXT, L_DATE, L_AMOUNT, L_ORIGINAL, L_PARTNERS, L_LEAD, L_IDHASH,
	L_GROUP, L_SUM, L_PARTNER, L_ENDED, L_PAIR, L_LABEL, L_IGNORE, L_NKIND
};

struct lrule {
	enum lkind kind;
	long col;                /* output column, or -1 (ignore) */
	int pattr;               /* partner attribute for L_LEAD / L_PARTNER */
	char **hdr;              /* folded header synonyms */
	size_t nhdr;
	char **val;              /* L_LABEL, L_ENDED: the folded values it names */
	unsigned char *prefix;   /* per value: 1 when it matches a prefix ("ERDF*") */
	size_t nval;
	long *parts;             /* L_IDHASH: the output columns that make the id */
	size_t nparts;
	char *opt;
	enum eu_currency cur;
	char dec;
};

struct lprofile {
	char *name;
	struct lrule *r;
	size_t n;
	long group;              /* the L_GROUP rule, or -1 */
	long pair;               /* the L_PAIR rule, or -1 */
	eu_strmap names;         /* every folded header the profile names (detection) */
};

struct eu_listings {
	struct lprofile *p;
	size_t np;
	eu_listings_opts o;
	double dkk_rate;
	/* the join (settings.csv, docs/listings.md) */
	double title_min, lead_title_min, w_call, w_acronym, w_title, w_lead;
	eu_countries *countries;
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
	int named, unknown;      /* header cells the profile names, and does not */
	/* the encoding decision, for messages */
	unsigned long utf8_chars, bad_bytes;
};

struct rec {
	eu_buf *v;               /* per output column */
	size_t n;
};

/* One listing file: opened and sniffed before any file is read, so that
 * the project tables (which complete participant groups) can be read
 * after the participant files whatever the order on the command line. */
struct lfile {
	const char *path;
	int fd;
	char *sniff;
	size_t slen;
	int eof;
	int status;              /* nonzero: not readable (reported) */
	struct dialect d;
};

struct group;
struct join;

struct run {
	eu_listings *S;
	eu_writer *w;            /* final output (plain runs) */
	int status;
	/* participant groups, held to the end of the run (groups.c) */
	eu_strmap gidx;          /* record id -> group number + 1 */
	struct group **g;
	size_t ng, capg;
	eu_strmap seen_rows;     /* fingerprints of participant rows already counted */
	unsigned long repeated_rows, paired;
	/* --append (join.c), or NULL */
	struct join *J;
};

/* profiles.c: the output columns (canonical, then the extras profiles
 * name) and every profile of config/listings; nonzero after
 * file:line:col messages. */
int listings_load_profiles(eu_listings *S, const char *config_dir);
void listings_free_profiles(eu_listings *S);
/* A profile by name, or NULL. */
const struct lprofile *listings_profile(const eu_listings *S, const char *name);

/* partner_text.c: the free-text partner grammar (and
 * eu_listings_free_partners). */
void listings_partners_init(eu_listings *S);
void listings_partners_free(eu_listings *S);
/* Trims white space off both ends of b. */
void listings_trim(eu_buf *b);

/* dialect.c: encoding, delimiter, profile and header row of a file from
 * its first len bytes.  Returns 0, or -1 after a message naming path (no
 * header, a foreign layout, UTF-16). */
int listings_detect(const eu_listings *S, const char *path, const char *buf, size_t len, int at_eof,
		    struct dialect *d);
/* Whether a decoded text looks like UTF-8 that was read as Windows-1252
 * ("GrÃ¸n"), and whether it holds a byte-order mark (U+FEFF). */
int listings_mojibake(const char *s, size_t len);
/* A data cell's oddities in one scan: 1 a byte-order mark (as read in
 * either encoding), 2 UTF-8 read as Windows-1252 (cp1252 files only), or
 * 0. */
int listings_odd_text(const char *s, size_t len, int cp1252);

/* rows.c: reads one sniffed listing file into records for r; returns the
 * eu_exit status. */
int listings_read_file(struct run *r, struct lfile *f);
/* Maps one row's cells f[0..n) into rec by the profile, src giving each
 * rule's input column (or -1). */
void listings_map_row(const eu_listings *S, const struct lprofile *p, const long *src, const char *const *f,
		      const size_t *flen, size_t n, struct rec *out);
/* What every record gets before it leaves: no total below the grant, no
 * field longer than the stream's readers take. */
void listings_finish(struct rec *rec);
void listings_rec_init(struct rec *r, size_t n);
void listings_rec_clear(struct rec *r);
void listings_rec_free(struct rec *r);
/* Appends "; " and a note to a record's warnings. */
#define listings_warn(rec, ...) eu_warnings_addf(&(rec)->v[EU_C_WARNINGS], __VA_ARGS__)

/* groups.c: participant rows into one record per project, across the
 * files of a run; the project table's rows into those records. */
struct group *listings_group_get(struct run *r, const char *id, size_t idlen, int *created);
struct rec *listings_group_rec(struct group *g);
/* Adds one participant row's sums; returns 0, or 1 when the row repeats
 * one already counted (the same file read twice, or a project in two
 * extracts) and must be left out. */
int listings_group_row_seen(struct run *r, const char *const *f, const size_t *len, size_t n);
void listings_group_sum(struct group *g, long col, double v);
/* Fills a held group from a project-table record with the same id;
 * returns 0 when there is none (the record then stands alone). */
int listings_group_pair(struct run *r, struct rec *project);
/* Delivers every held group, in first-seen order, and frees them. */
void listings_groups_flush(struct run *r);

/* join.c: writes a record, and hands a finished one on (matched and
 * spooled when r is joining, else written); listings_join is
 * eu_listings_run with --append. */
void listings_write_rec(struct run *r, const struct rec *rec);
void listings_deliver(struct run *r, struct rec *rec);
int listings_join(eu_listings *S, struct lfile *files, size_t nfiles, int append_fd, eu_writer *out);
/* listings.c: reads the files of a run in order (project tables last). */
void listings_read_all(struct run *r, struct lfile *files, size_t nfiles);

/* spool.c: listing records on an unlinked temporary file, with the join's
 * verdict beside each, written once and read back in order or at an
 * offset.  No field cap and no CSV quoting on the way through. */
struct lspool_side {
	int32_t claim;           /* application it is the unique best match of, or -1 */
	int32_t tie[2];          /* applications it matches equally well, or -1 */
	int32_t maybe;           /* an application on its call with its lead but another title, or -1 */
};
typedef struct lspool {
	int fd;
	eu_buf w;                /* write buffer */
	off_t off;               /* file offset of w's start */
	unsigned char *rb;       /* read buffer */
	size_t rlen, rpos;
	off_t roff;              /* file offset of rb's start */
	int err;
} lspool;
int listings_spool_open(lspool *s);
off_t listings_spool_put(lspool *s, const struct rec *rec, const struct lspool_side *side);
int listings_spool_flush(lspool *s);
int listings_spool_get(lspool *s, off_t at, struct rec *rec, struct lspool_side *side);
void listings_spool_rewind(lspool *s);
/* 1 with the next record, 0 at the end, -1 on a read error. */
int listings_spool_next(lspool *s, struct rec *rec, struct lspool_side *side);
void listings_spool_close(lspool *s);

/* match.c: what the join compares of a project (docs/listings.md). */
struct pfacts {
	eu_buf call, acronym;    /* normalised; empty when absent */
	uint64_t *words;         /* folded title words, hashed, sorted, unique */
	uint32_t nwords;
	char **wtext;            /* the words themselves (for the index) */
	uint64_t numbers;        /* the title's numbers ("2.0", "2011"), hashed; 0 when none */
	uint64_t programme;      /* the folded programme, hashed; 0 when none */
	uint64_t lead;           /* folded lead partner's name, hashed; 0 when none */
	eu_buf scratch;
};
void listings_facts(struct pfacts *pf, const char *call, size_t clen, const char *acr, size_t alen,
		    const char *title, size_t tlen, const char *prog, size_t prlen, const char *partners, size_t plen);
void listings_facts_free(struct pfacts *pf);
/* Jaccard over the title words: words in both over words in either. */
double listings_title_similarity(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb);

#endif
