/* euprio-local's logic: which partners are rooted in Odense or on Funen,
 * counted as actors, and which are twin cities, by the rules in config/. */
#ifndef EUPRIO_LOCAL_H
#define EUPRIO_LOCAL_H

#include "euprio/core/buf.h"
#include "euprio/core/labels.h"
#include "euprio/core/words.h"
#include "euprio/stream/partners.h"

typedef struct eu_local eu_local;

/* Loads municipality.csv, local_actors.csv, postcodes.csv, places.csv,
 * place_exceptions.csv, twin_cities.csv, countries.csv and the evidence's
 * words (labels.csv, in lang) from dir.  NULL after file:line:col
 * messages. */
eu_local *eu_local_load(const char *dir, enum eu_lang lang);
void eu_local_free(eu_local *L);
/* The registry alone (local_actors.csv, with the goals.csv its themes
 * name), by the same loader: for eu_local_suggest and the actor look-ups
 * below, which is all a caller that judges no partner needs. */
eu_local *eu_local_load_registry(const char *dir);

/* Judges one partner line: EU_TIER_SELF for the municipality itself, else
 * the strongest tier its registry entry, postcode, town and (without an
 * address) its name support.  *type is the partner's type (registry
 * first); when local, evidence gets each piece ("alias SDU, postnummer
 * 5230"), a conflict among them too ("modstrid: postnummer 6400 er ikke
 * fynsk"). */
int eu_local_judge(eu_local *L, const eu_partner *p, eu_buf *evidence, const char **type);

/* The canonical name of the twin city a partner is in, or NULL. */
const char *eu_local_twin(const eu_local *L, const eu_partner *p);

/* The columns euprio-local adds, for one record's partners.  Partners are
 * counted as actors: the lines of one registry actor, and lines with the
 * same name (folded), are one. */
typedef struct eu_local_result {
	eu_buf partners;    /* the actors, "; "-separated: registry name, else the name as written */
	eu_buf types;       /* ";"-separated, distinct, in a fixed order */
	eu_buf evidence;    /* "Actor: pieces; Actor: line (pieces) + line (pieces)" */
	eu_buf twins;       /* ";"-separated canonical names */
	eu_buf tiers;       /* actors per tier, "odense:2;fyn:1" */
	size_t count;       /* actors */
	int tier;           /* the best actor's */
} eu_local_result;

void eu_local_result_free(eu_local_result *r);
/* Returns 0, or -1 with *err when the partners field cannot be decoded.
 * where ("file:line", or NULL for silence) is where a conflict in the
 * evidence is said to be, on stderr, the first time an actor shows one in
 * this run. */
int eu_local_record(eu_local *L, const char *partners, size_t len, const char *where,
		    eu_local_result *res, const char **err);

/* Suggested local partners for a call (docs/scoring.md, "Calls"): the
 * registry's actors whose themes fit it.  An actor's fit is per_goal for
 * each of its theme_goals the call serves (goals, a ';' list) plus
 * per_word for each of its theme_words the call uses: found in head (its
 * title and keywords) or at least body_hits times in body (its summary),
 * both folded with eu_fold.  It is suggested with at least min_words
 * words and a fit of at least min_fit. */
typedef struct eu_suggest_opts {
	double per_goal, per_word, min_fit;
	size_t min_words;
	size_t body_hits;        /* 0 counts as 1 */
	size_t max;              /* suggestions at most: out has room for max */
} eu_suggest_opts;

#define EU_SUGGEST_WORDS 2   /* words kept per suggestion, for the reasons */
typedef struct eu_suggestion {
	size_t actor;            /* registry row: eu_local_actor_name() */
	double fit;
	size_t nwords;           /* words found; the first EU_SUGGEST_WORDS in word[] */
	const char *word[EU_SUGGEST_WORDS];   /* as the registry writes them; valid while L lives */
} eu_suggestion;

/* Writes the suggestions to out, best fit first (then Odense before the
 * rest of Funen, then the registry's order), and returns how many. */
size_t eu_local_suggest(const eu_local *L, const eu_suggest_opts *o, const char *goals, size_t glen,
			const char *head, size_t hlen, const char *body, size_t blen, eu_suggestion *out);
const char *eu_local_actor_name(const eu_local *L, size_t actor);
/* The actor's type (education, business, ...) or NULL; its tier. */
const char *eu_local_actor_type(const eu_local *L, size_t actor);
int eu_local_actor_tier(const eu_local *L, size_t actor);

#endif
