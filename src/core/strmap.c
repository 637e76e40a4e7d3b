/* String-keyed hash map: FNV-1a, open addressing with linear probing, kept
 * at most half full.  Keys are copied; lookups compare whole keys. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/buf.h"
#include "euprio/core/hash.h"
#include "euprio/core/strmap.h"

static size_t slot(const eu_strmap *m, const char *key, size_t len)
{
	size_t h = (size_t)eu_fnv64(key, len, EU_FNV64_SEED) & (m->cap - 1);

	while (m->keys[h] && (strlen(m->keys[h]) != len || memcmp(m->keys[h], key, len)))
		h = (h + 1) & (m->cap - 1);
	return h;
}

void *eu_strmap_get(const eu_strmap *m, const char *key, size_t len, int *found)
{
	if (!m->cap) {
		if (found)
			*found = 0;
		return NULL;
	}
	size_t h = slot(m, key, len);
	if (found)
		*found = m->keys[h] != NULL;
	return m->keys[h] ? m->vals[h] : NULL;
}

int eu_strmap_add(eu_strmap *m, const char *key, size_t len, void *val)
{
	if ((m->n + 1) * 2 > m->cap) {
		eu_strmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 256;
		m->keys = eu_xcalloc(m->cap, sizeof *m->keys);
		m->vals = eu_xcalloc(m->cap, sizeof *m->vals);
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				size_t h = slot(m, old.keys[i], strlen(old.keys[i]));
				m->keys[h] = old.keys[i];
				m->vals[h] = old.vals[i];
			}
		free(old.keys);
		free(old.vals);
	}
	size_t h = slot(m, key, len);
	if (m->keys[h])
		return 0;
	m->keys[h] = eu_xstrndup(key, len);
	m->vals[h] = val;
	m->n++;
	return 1;
}

void eu_strmap_free(eu_strmap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->keys[i]);
		if (free_val && m->vals[i])
			free_val(m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}
