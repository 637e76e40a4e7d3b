/* What the parts of euprio-local share: the loaded policy tables (load.c),
 * the judgement of one partner line (judge.c) and the memo and actor
 * grouping of one record (local.c). */
#ifndef EUPRIO_LOCAL_INT_H
#define EUPRIO_LOCAL_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "euprio/core/buf.h"
#include "euprio/core/config.h"
#include "euprio/core/country.h"
#include "euprio/core/labels.h"
#include "euprio/core/strmap.h"
#include "euprio/stages/local.h"

#define NTYPES 5
extern const char *const local_type_names[NTYPES];

struct alias {
	char *folded;            /* whole-word match */
	pcre2_code *re;          /* or a pattern on the folded name */
	char *label;             /* as written, for the evidence */
};

/* A word of an actor's themes, folded; prefix: written with a trailing
 * '*', it matches the start of a word. */
struct theme_word {
	char *folded;
	size_t len;
	int prefix;
	char *label;             /* as written, without the '*', for the reasons */
};

struct actor {
	char *name;
	char *folded;            /* the name folded, to see a line that is the name */
	const char *type;        /* one of local_type_names, or NULL */
	int tier;
	char **ids;              /* digits only */
	size_t nids;
	struct alias *aliases;   /* the name itself is alias 0 */
	size_t naliases;
	int *not_local;          /* postcodes of sites staff judged not local */
	size_t nnot_local;
	/* The themes staff keep for the actor (themes.c): the goals it works
	 * for (ids of goals.csv, L->goal_ids' strings) and its words. */
	const char **theme_goals;
	size_t ntheme_goals;
	struct theme_word *words;
	size_t nwords;
};

struct postcode {
	int code;
	int tier;
	char *city_folded;
};

/* A town, municipality or region of Funen (places.csv), or a name that
 * misleads (place_exceptions.csv). */
struct place {
	char *folded;
	char *name;
	int tier;
};

struct twin {
	char *canonical;
	char country[3];
	char *folded;
};

/* One partner line judged: a pure function of the line and the policy. */
struct line {
	int tier;                /* enum eu_tier; EU_TIER_SELF for the municipality */
	const char *type;
	long actor;              /* registry row, or -1 */
	const char *twin;
	char *evidence;          /* the pieces, ", "-joined, in the chosen language */
	char *key;               /* folded name without legal form: one actor, named twice */
	char *conflict;          /* why the evidence disagrees (English, for stderr), or NULL */
	size_t evlen, keylen;
	int site;                /* the postcode off Funen it is at, or -1 (abroad) */
};

/* A memo of judged partner lines: the same line (SDU, OUH, a foreign
 * university) recurs in record after record.  Direct-mapped and fixed in
 * size, so memory stays flat; a collision just judges again. */
#define MEMO_SLOTS 4096

struct memo {
	uint64_t hash;
	char *text;              /* the partner line, as read */
	size_t textlen;
	unsigned long used;      /* the last record whose hits point here */
	struct line ln;
};

/* One local line of the record being grouped into actors (local.c).  Its
 * strings are the memo's; should a later line of the same record take the
 * slot, they are copied out first. */
struct hit {
	size_t partner;          /* index in the decoded partners */
	const struct line *ln;
	struct memo *slot;       /* NULL once copied out */
	size_t group;
};

struct group {
	long actor;
	size_t first;            /* its first hit */
	int tier;
	const char *type;
	size_t nlines;
};

struct eu_local {
	struct memo *memo;
	char **self_names;       /* folded */
	size_t nself_names;
	char **self_ids;
	size_t nself_ids;
	struct actor *actors;
	size_t nactors;
	char **goal_ids;         /* goals.csv's ids, which theme_goals must name */
	size_t ngoal_ids;
	struct postcode pc[10000];   /* indexed by code; tier 0 = not listed */
	int funen_lo, funen_hi;      /* settings.csv funen_postcodes */
	struct place *places;        /* longest first */
	size_t nplaces;
	struct place *exceptions;
	size_t nexceptions;
	struct twin *twins;
	size_t ntwins;
	eu_countries *countries; /* which partners are in the home country */
	eu_labels labels;        /* the evidence's words */
	pcre2_match_data *md;
	eu_strmap warned;        /* actors whose conflict was told this run */
	/* per-record scratch, kept across records */
	unsigned long serial;    /* records seen */
	struct hit *hits;
	size_t nhits, caphits;
	struct group *groups;
	size_t ngroups, capgroups;
	struct line **copies;    /* lines copied out of a slot this record */
	size_t ncopies, capcopies;
	eu_buf ev, cf, name, city, tmp;
};

/* Folds s (eu_fold) and drops legal-form suffixes ("A/S", "ApS", "GmbH"). */
void local_fold_name(eu_buf *out, const char *s, size_t len);
/* The canonical type a word names (HES, company, forskning ...), or NULL. */
const char *local_canon_type(const char *v);
/* Judges one partner line into ln (its strings malloc'ed), using the
 * scratch buffers of L. */
void local_judge_line(eu_local *L, const eu_partner *p, struct line *ln);
void local_line_free(struct line *ln);
/* Reads an actor's theme_goals (cg) and theme_words (cw) cells of row r
 * (themes.c); -1 after file:line:col messages.  Columns may be -1. */
int local_load_themes(struct actor *a, const eu_table *t, size_t r, long cg, long cw, char *const *goal_ids,
		      size_t ngoal_ids);
void local_free_themes(struct actor *a);

#endif
