/* What the join compares of a project, application or listing
 * (docs/listings.md): its call id without case or spaces, its acronym
 * folded without spaces, the set of its title's folded words (hashed),
 * its programme and its lead partner's folded name (hashed). */
#include <stdlib.h>
#include <string.h>

#include "listings_int.h"
#include "euprio/core/hash.h"
#include "euprio/core/text.h"
#include "euprio/stream/partners.h"

void listings_facts(struct pfacts *pf, const char *call, size_t clen, const char *acr, size_t alen,
		    const char *title, size_t tlen, const char *prog, size_t prlen, const char *partners, size_t plen)
{
	eu_buf_clear(&pf->scratch);
	eu_fold(&pf->scratch, prog, prlen);
	pf->programme = pf->scratch.len ? eu_fnv64(pf->scratch.p, pf->scratch.len, EU_FNV64_SEED) | 1 : 0;
	eu_buf_clear(&pf->call);
	for (size_t i = 0; i < clen; i++) {
		char c = call[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		eu_buf_addc(&pf->call, (c >= 'a' && c <= 'z') ? (char)(c - 32) : c);
	}
	eu_buf_clear(&pf->acronym);
	eu_buf_clear(&pf->scratch);
	eu_fold(&pf->scratch, acr, alen);
	for (size_t i = 0; i < pf->scratch.len; i++)
		if (pf->scratch.p[i] != ' ')
			eu_buf_addc(&pf->acronym, pf->scratch.p[i]);

	/* Title words: folded, so case, accents and punctuation do not
	 * matter ("Grøn omstilling" = "GRON OMSTILLING!"). */
	for (uint32_t i = 0; i < pf->nwords; i++)
		free(pf->wtext[i]);
	pf->nwords = 0;
	eu_buf_clear(&pf->scratch);
	eu_fold(&pf->scratch, title, tlen);
	size_t cap = 1;
	for (size_t i = 0; i < pf->scratch.len; i++)
		cap += pf->scratch.p[i] == ' ';
	pf->words = eu_xrealloc(pf->words, (cap + 1) * sizeof *pf->words);
	pf->wtext = eu_xrealloc(pf->wtext, (cap + 1) * sizeof *pf->wtext);
	const char *w = pf->scratch.p ? pf->scratch.p : "", *end = w + pf->scratch.len;
	while (w < end) {
		const char *sp = memchr(w, ' ', (size_t)(end - w));
		const char *we = sp ? sp : end;
		if (we > w) {
			pf->words[pf->nwords] = eu_fnv64(w, (size_t)(we - w), EU_FNV64_SEED);
			pf->wtext[pf->nwords++] = eu_xstrndup(w, (size_t)(we - w));
		}
		w = we + 1;
	}
	/* Sorted by hash and unique: a set.  wtext follows its hash. */
	for (uint32_t i = 1; i < pf->nwords; i++)
		for (uint32_t j = i; j > 0 && pf->words[j - 1] > pf->words[j]; j--) {
			uint64_t t = pf->words[j];
			pf->words[j] = pf->words[j - 1];
			pf->words[j - 1] = t;
			char *s = pf->wtext[j];
			pf->wtext[j] = pf->wtext[j - 1];
			pf->wtext[j - 1] = s;
		}
	uint32_t u = 0;
	for (uint32_t i = 0; i < pf->nwords; i++) {
		if (u && pf->words[u - 1] == pf->words[i]) {
			free(pf->wtext[i]);
			continue;
		}
		pf->words[u] = pf->words[i];
		pf->wtext[u++] = pf->wtext[i];
	}
	pf->nwords = u;
	/* The numbers of a title tell phases and years apart ("Vækst 2.0",
	 * "SustainAgri 2011-2013"): a hash of the set, in hash order. */
	pf->numbers = 0;
	for (uint32_t i = 0; i < pf->nwords; i++)
		if (strspn(pf->wtext[i], "0123456789") == strlen(pf->wtext[i]))
			pf->numbers = eu_fnv64(&pf->words[i], sizeof pf->words[i], pf->numbers ? pf->numbers : EU_FNV64_SEED) | 1;

	/* The lead: the first coordinator among the partners. */
	pf->lead = 0;
	eu_partners ps = EU_PARTNERS_INIT;
	const char *err;
	if (plen && eu_partners_decode(&ps, partners, plen, &err) == 0)
		for (size_t i = 0; i < ps.n && !pf->lead; i++)
			if (eu_strcaseeq(ps.p[i].a[EU_P_ROLE], "coordinator")) {
				eu_buf_clear(&pf->scratch);
				eu_fold(&pf->scratch, ps.p[i].a[EU_P_NAME], ps.p[i].len[EU_P_NAME]);
				if (pf->scratch.len)
					pf->lead = eu_fnv64(pf->scratch.p, pf->scratch.len, EU_FNV64_SEED) | 1;
			}
	eu_partners_free(&ps);
}

void listings_facts_free(struct pfacts *pf)
{
	for (uint32_t i = 0; i < pf->nwords; i++)
		free(pf->wtext[i]);
	free(pf->wtext);
	free(pf->words);
	eu_buf_free(&pf->call);
	eu_buf_free(&pf->acronym);
	eu_buf_free(&pf->scratch);
	memset(pf, 0, sizeof *pf);
}

double listings_title_similarity(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb)
{
	uint32_t i = 0, j = 0, both = 0;

	if (!na || !nb)
		return 0;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			both++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)both / (double)(na + nb - both);
}
