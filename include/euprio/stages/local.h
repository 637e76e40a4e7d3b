/* euprio-local's logic: which partners are rooted in Odense or on Funen,
 * and which are twin cities, by the rules in config/. */
#ifndef EUPRIO_LOCAL_H
#define EUPRIO_LOCAL_H

#include "euprio/core/buf.h"
#include "euprio/core/words.h"
#include "euprio/stream/partners.h"

typedef struct eu_local eu_local;

/* Loads municipality.csv, local_actors.csv, postcodes.csv, places.csv and
 * twin_cities.csv from dir.  NULL after file:line:col messages. */
eu_local *eu_local_load(const char *dir);
void eu_local_free(eu_local *L);

/* Judges one partner: EU_TIER_SELF for the municipality itself, else the
 * tier.  When local, *type is the partner's type (registry first) and
 * evidence gets what made it local ("CVR 29283958", "alias SDU",
 * "postcode 5230", "city Odense"). */
int eu_local_judge(const eu_local *L, const eu_partner *p, eu_buf *evidence,
		   const char **type);

/* The canonical name of the twin city a partner is in, or NULL. */
const char *eu_local_twin(const eu_local *L, const eu_partner *p);

/* The columns euprio-local adds, for one record's partners. */
typedef struct eu_local_result {
	eu_buf partners;    /* "; "-separated names */
	eu_buf types;       /* ";"-separated, distinct, in a fixed order */
	eu_buf evidence;    /* "Name: reason; ..." */
	eu_buf twins;       /* ";"-separated canonical names */
	size_t count;
	int tier;
} eu_local_result;

void eu_local_result_free(eu_local_result *r);
/* Returns 0, or -1 with *err when the partners field cannot be decoded. */
int eu_local_record(const eu_local *L, const char *partners, size_t len,
		    eu_local_result *res, const char **err);



#endif
