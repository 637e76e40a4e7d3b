/* Which country a partner's country cell names, and whether it is the home
 * country: one predicate for every stage, by the policy's table of
 * spellings (config/countries.csv) and settings.csv's home_country. */
#ifndef EUPRIO_COUNTRY_H
#define EUPRIO_COUNTRY_H

#include <stddef.h>

typedef struct eu_countries eu_countries;

/* Loads dir/countries.csv and home_country from dir/settings.csv.  NULL
 * after file:line:col messages. */
eu_countries *eu_countries_load(const char *dir);
void eu_countries_free(eu_countries *C);

/* The ISO 3166 alpha-2 code the cell s names, into code (upper case, NUL
 * terminated): a spelling from countries.csv ("Danmark", "DNK",
 * "Dänemark"; case, accents and spacing do not matter), else any two
 * letters as a code of their own.  Returns 1, or 0 when the cell is empty
 * or names nothing known (code is then ""). */
int eu_country_code(const eu_countries *C, const char *s, size_t len, char code[3]);

/* 1 when the cell names the home country, 0 when it is empty or names
 * another (or an unknown) country. */
int eu_country_is_home(const eu_countries *C, const char *s, size_t len);

/* The home country's code. */
const char *eu_country_home(const eu_countries *C);

#endif
