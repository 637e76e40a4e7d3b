/* What the parts of euprio-rank share: the loaded policy, and the facts of
 * one record, read once and then used by the gates, the score and the
 * reasons (rank.c is the order of the three). */
#ifndef EUPRIO_RANK_INT_H
#define EUPRIO_RANK_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "euprio/core/buf.h"
#include "euprio/core/country.h"
#include "euprio/core/labels.h"
#include "euprio/core/strmap.h"
#include "euprio/stages/goals.h"
#include "euprio/stages/local.h"
#include "euprio/stages/rank.h"

/* The columns rank reads (absent ones read as ""). */
enum col {
	C_ID, C_STATUS, C_DEADLINE, C_PROGRAMME, C_CALL, C_TITLE, C_SUMMARY, C_KEYWORDS,
	C_GOALS, C_GOAL_COUNT, C_GOAL_STRENGTH, C_GOAL_EVIDENCE, C_LOCAL_COUNT, C_LOCAL_TIER,
	C_LOCAL_TYPES, C_TWINS, C_PARTNERS, C_ROLE, C_EU_GRANT, C_OWN_COST, C_ODENSE_GRANT,
	C_SDEO, C_REJECT, C_KPOINTS, C_RPOINTS, C_START, C_END, C_WARNINGS, C_LOCAL_TIERS, C_ACRONYM,
	C_LOCAL_PARTNERS, C_SOURCE, C_LISTING_TYPE, NCOL
};

/* The Funen organisations of CORDIS projects (partners.c): how many
 * projects each took part in, per programme part or programme. */
struct cordis_entry {
	char *key;                   /* "part:HORIZON-CL4" or "programme:<folded name>" */
	char *name;                  /* as euprio-local names the actor */
	unsigned long projects;
};

struct cordis {
	struct cordis_entry *e;      /* sorted by key, projects descending, name */
	size_t n, cap;
	eu_strmap pair;              /* key \x1f name -> index + 1, while loading */
	eu_strmap first;             /* key -> index of its first entry + 1 */
	unsigned long records;       /* projects read */
};

struct eu_rank {
	/* scoring.csv: every number of docs/scoring.md */
	double w[EU_NSUB];
	double value_per_goal, value_per_strength;
	double coop_per_partner, coop_odense, coop_fyn, coop_per_type, coop_business;
	double part_per_intl, part_intl_cap, part_twin, part_consortium_min, part_consortium;
	double rep_coord, rep_flagship, rep_twin;
	char *flagship_goal;
	double prioritise_min, ratio_min, soon_days;
	/* the call track (calls.* in scoring.csv; docs/scoring.md, "Calls") */
	double cw[EU_NSUB];          /* its weights; 0 for a sub-score it lacks */
	char **call_sources, **call_listing_sources, **call_types, **st_forthcoming;   /* folded */
	size_t ncall_sources, ncall_listing_sources, ncall_types, nst_forthcoming;
	double call_min_days, time_no_deadline, budget_zero, budget_full, budget_unknown;
	double *band_days, *band_points;   /* calls.time_points, most days first */
	size_t nbands;
	eu_suggest_opts sug;         /* suggest.* */
	double cordis_max;
	eu_local *L;                 /* the registry, for suggesting partners */
	eu_local *Lfull;             /* the whole local policy, to judge CORDIS partners (--cordis) */
	char *dir;                   /* the policy directory, for loading it then */
	enum eu_lang lang;
	/* The last record's source and whether it made a call (sources come
	 * in long runs: one comparison a record, not a fold). */
	eu_buf last_source;
	int last_source_call, last_source_listing;
	eu_suggestion *sugs;         /* scratch: sug.max of them */
	size_t nsugs;
	eu_buf text;                 /* scratch: the call's text, folded */
	struct cordis cordis;
	/* what brings a declined record back (decline.* in scoring.csv) */
	double back_deadline, back_local, back_grant_pct, back_cost_pct;
	struct staff *staff;         /* the decisions table, or NULL (staff.c) */
	char **st_deadline, **st_closed, **st_review;   /* folded statuses */
	size_t nst_deadline, nst_closed, nst_review;
	eu_countries *countries;     /* who is abroad */
	/* principle terms, for a stream euprio-goals has not seen */
	eu_goals *P;
	long pk, pr;                 /* knowledge and reputation groups, or -1 */
	long *pcol;                  /* stream column per principle-term field */
	const char **ptext;
	size_t *plen;
	eu_goals_result pres;
	eu_buf perr;
	eu_labels labels;
	long col[NCOL];
};

/* One record as rank sees it. */
struct facts {
	const char *status;
	int closed, review, gated;   /* its status is closed, kept for review, deadline-gated */
	const char *deadline_text;
	int has_deadline;
	long deadline, days_left;
	/* A deadline given but not readable: the text, from the deadline
	 * column or the source's warning about it. */
	const char *unreadable;
	size_t unreadable_len;
	/* The project's own dates (start_date, end_date), when readable. */
	int has_start, has_end;
	long start, end;
	const char *end_text;
	int ended, running;          /* end < today; start <= today <= end */
	const char *stage_missing;   /* a stage's column empty in this record, or NULL */
	double goal_count, strength;
	const char *goals;
	size_t goals_len;
	const char *evidence;
	size_t evidence_len;
	double local_count;          /* actors */
	int tier;                    /* enum eu_tier */
	double n_odense, n_fyn;      /* actors per tier, when local_tier_counts is there */
	int has_tier_counts;
	const char *types;
	size_t types_len, ntypes;
	int business;                /* a local partner is a business */
	const char *twins;
	size_t twins_len;
	size_t npartners, nabroad;
	int coordinator;             /* Odense coordinates */
	int has_ratio;
	double value_ratio;
	const char *sdeo;
	size_t sdeo_len;
	int no_text;                 /* no title of its own, no summary, no keywords */
	/* The call track: a call (source call, or a listing of type Call
	 * standing alone), Forthcoming, its budget per grant. */
	int call, forthcoming, has_budget;
	double budget;
	const char *start_text;
	const char *reject;          /* an earlier stage's reason */
	size_t reject_len;
};

/* What rank remembers of a declined record: the decline it belongs to
 * (its row's until, note and by: an edited row is a new decline) and the
 * record as it was the night rank first saw that decline (memory.c). */
struct memo {
	char *id, *until, *note, *by;
	long on;                     /* that night, days since epoch */
	char *title, *deadline, *local, *grant, *cost;
};

/* One row of the decisions table. */
struct staff_row {
	char *id, *note, *by;
	char until_iso[11];          /* YYYY-MM-DD, "" when none */
	int decision;                /* enum eu_staff */
	long until;                  /* days since epoch, or -1 */
	long line;
	int expired;                 /* until has passed: the decision no longer holds */
	int matched;                 /* a record had the id in this run */
	struct memo *mem;            /* a decline's memory, or NULL until first seen */
};

struct staff {
	char *path;                  /* the decisions table, for messages */
	struct staff_row *row;       /* sorted by id */
	size_t n;
	char *memory;                /* the decline memory file, or NULL */
};

/* The staff's word on one record, before the gates: which row, whether a
 * decline still holds it out or what brought it back (staff.c). */
void rank_staff(eu_rank *R, const eu_rec *rec, const struct facts *f, long today, eu_rank_out *o);
/* A rejected record staff pursue: its reason says so (staff.c). */
void rank_staff_reason(const eu_rank *R, const eu_rank_out *o, eu_buf *reason);
/* The flags of a candidate's staff decision (staff.c). */
void rank_staff_flags(const eu_rank *R, eu_rank_out *o);
/* What changed materially from m to the record's deadline, local
 * partners, EU grant and own cost: eu_back bits, and the words in since
 * (staff.c). */
unsigned rank_since(const eu_rank *R, const struct memo *m, const char *deadline, const char *local,
		    const char *grant, const char *cost, eu_buf *since);
/* The row for id, or NULL (rows are unique by id). */
struct staff_row *rank_staff_find(const struct staff *S, const char *id);
/* After the run: the rows no record had, told at their lines. */
void rank_staff_unmatched(const eu_rank *R);
void rank_staff_free(struct staff *S);
/* memory.c: the memory's file read into the rows it still belongs to (a
 * missing file is an empty memory); a new memory from a record; the file
 * replaced atomically.  -1 after messages. */
int rank_memory_load(struct staff *S);
struct memo *rank_memo_take(const eu_rank *R, const eu_rec *rec, long today, const struct staff_row *row);
void rank_memo_free(struct memo *m);
int rank_memory_write(const struct staff *S);

const char *rank_get(const eu_rank *R, const eu_rec *rec, int c);
size_t rank_getlen(const eu_rank *R, const eu_rec *rec, int c);
/* Reads what the record says (facts.c). */
void rank_facts(eu_rank *R, const eu_rec *rec, long today, struct facts *f);
/* The gates: 1 when the record is rejected (o says why); review lists the
 * rules a record kept for review failed (gates.c). */
int rank_gate(eu_rank *R, const struct facts *f, eu_rank_out *o, eu_buf *review);
/* The five sub-scores, the score, the value ratio, the flags and the
 * decision (score.c). */
void rank_score(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o, eu_buf *review);
/* The reasons, one sentence in the chosen language (reasons.c). */
void rank_explain(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o, const eu_buf *review);
/* A call's suggested local partners into o->suggested and R->sugs
 * (partners.c). */
void rank_suggest(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o);
/* The reasons' part naming them, and the Funen organisations of CORDIS
 * projects of the call's programme part (partners.c). */
void rank_suggest_part(eu_rank *R, eu_buf *out);
void rank_cordis_part(eu_rank *R, const eu_rec *rec, eu_buf *out);
void rank_cordis_free(struct cordis *c);
/* A "; "-separated part of the reasons, from labels.csv. */
void rank_add_part(const eu_rank *R, eu_buf *out, const char *key, ...);

#endif
