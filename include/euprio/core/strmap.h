/* A string-keyed hash map (open addressing), the one table for ids and
 * join keys: euprio-apps' seen ids, euprio-rank's duplicate gate,
 * euprio-sdeo's join keys. */
#ifndef EUPRIO_STRMAP_H
#define EUPRIO_STRMAP_H

#include <stddef.h>

typedef struct eu_strmap {
	char **keys;
	void **vals;
	size_t n, cap;
} eu_strmap;

#define EU_STRMAP_INIT {NULL, NULL, 0, 0}

/* The value stored for key (len bytes), or NULL when absent.  *found, when
 * given, says whether the key is there (a NULL value can be stored). */
void *eu_strmap_get(const eu_strmap *m, const char *key, size_t len, int *found);
/* Adds key with val unless it is there; returns 1 when added, 0 when the
 * key was already there (its value is left as it was). */
int eu_strmap_add(eu_strmap *m, const char *key, size_t len, void *val);
/* Frees the keys, and each value with free_val when it is not NULL. */
void eu_strmap_free(eu_strmap *m, void (*free_val)(void *));

#endif
