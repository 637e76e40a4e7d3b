/* What the scan runs, built at load (see the top of scan.c): for each
 * field, the word-start terms as anchored alternations by first byte
 * (buckets), an anchored pattern per goal for the other goals at a hit,
 * and the prefilter of a word's first four bytes; the other terms as one
 * plain pattern per goal and field.  The JIT compilations run together at
 * the end, on several threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "goals_int.h"

static int starts_at_boundary(const char *pat)
{
	return strncmp(pat, "\\b", 2) == 0 || pat[0] == '^';
}

/* The JIT compilations of loading, run together at the end of it, on as
 * many threads as the caller allows: they are most of the load time. */
struct jit_job {
	pcre2_code *re;
	uint32_t modes;          /* PCRE2_JIT_COMPLETE, and maybe PARTIAL_HARD */
	int ok;                  /* the complete mode compiled */
};

struct jit_list {
	struct jit_job *v;
	size_t n, cap;
	size_t next;             /* the next job to take, shared */
};

static void jit_later(struct jit_list *L, pcre2_code *re, uint32_t modes)
{
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 64;
		L->v = eu_xrealloc(L->v, L->cap * sizeof *L->v);
	}
	L->v[L->n++] = (struct jit_job){re, modes, 0};
}

static void *jit_work(void *arg)
{
	struct jit_list *L = arg;

	for (;;) {
		size_t i = __atomic_fetch_add(&L->next, 1, __ATOMIC_RELAXED);
		if (i >= L->n)
			return NULL;
		struct jit_job *j = &L->v[i];
		/* The complete mode alone first: whether it compiled decides
		 * how matches are run (see goals_plan_build). */
		j->ok = eu_jit_modes(j->re, PCRE2_JIT_COMPLETE);
		if (j->modes != PCRE2_JIT_COMPLETE)
			eu_jit_modes(j->re, j->modes);
	}
}

static int pattern_size(const pcre2_code *re)
{
	size_t sz = 0;
	pcre2_pattern_info(re, PCRE2_INFO_SIZE, &sz);
	return sz > INT32_MAX ? INT32_MAX : (int)sz;
}

static int by_size_down(const void *a, const void *b)
{
	return pattern_size(((const struct jit_job *)b)->re) - pattern_size(((const struct jit_job *)a)->re);
}

/* Runs every job, the largest first, on up to threads threads (this one
 * among them); returns 0 when all compiled their complete mode. */
static int jit_all(struct jit_list *L, unsigned threads)
{
	pthread_t th[7];
	unsigned started = 0;

	qsort(L->v, L->n, sizeof *L->v, by_size_down);
	eu_jit_modes(NULL, 0);   /* reads EUPRIO_NO_JIT before any thread does */
	L->next = 0;
	if (threads > 8)
		threads = 8;
	while (started + 1 < threads && started + 1 < L->n && pthread_create(&th[started], NULL, jit_work, L) == 0)
		started++;
	jit_work(L);
	for (unsigned t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	int rc = 0;
	for (size_t i = 0; i < L->n; i++)
		if (!L->v[i].ok)
			rc = -1;
	return rc;
}

/* Joins terms into one alternation, each tagged with its mark; its JIT
 * compilation in the given modes is left to jit_all. */
pcre2_code *goals_combine(eu_goals *G, const size_t *terms, size_t n, uint32_t extra, eu_buf *pat, void *later,
			  uint32_t modes)
{
	int err;
	PCRE2_SIZE off;

	eu_buf_clear(pat);
	eu_buf_adds(pat, "(?:");
	for (size_t i = 0; i < n; i++) {
		if (i)
			eu_buf_addc(pat, '|');
		/* Anchored patterns run only where the scan has found a word
		 * boundary, so a leading \b is already true there; dropping it
		 * saves two Unicode property look-ups per term per stop.  The
		 * mark goes last so start-of-match optimisations still see
		 * each term's first unit. */
		const char *tp = G->terms[terms[i]].pattern;
		if ((extra & PCRE2_ANCHORED) && strncmp(tp, "\\b", 2) == 0)
			tp += 2;
		eu_buf_printf(pat, "(?:%s)(*MARK:%zu)", tp, i);
	}
	eu_buf_addc(pat, ')');
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat->p, pat->len, COMPILE_FLAGS | extra, &err, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[200];
		pcre2_get_error_message(err, msg, sizeof msg);
		eu_warn_at(G->terms_path, 0, "the terms do not combine: %s", (char *)msg);
		return NULL;
	}
	jit_later(later, re, modes);
	return re;
}

int goals_partial_ok(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md)
{
	/* Tens of thousands of these at load: straight into the JIT code
	 * when there is some (it answers PCRE2_ERROR_JIT_BADOPTION when not). */
	int pr = pcre2_jit_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_PARTIAL_HARD, md, NULL);
	if (pr == PCRE2_ERROR_JIT_BADOPTION)
		pr = pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_PARTIAL_HARD, md, NULL);
	return pr >= 0 || pr == PCRE2_ERROR_PARTIAL;
}

static inline int upper(int x)
{
	return x >= 'A' && x <= 'Z';
}

/* Does the pattern match an ASCII letter in either case alike?  All are
 * compiled caseless, which covers literals, classes, escapes and back
 * references; only a property (\p{Lu}), a POSIX class ([:upper:]) or an
 * inline option that may switch caselessness off ((?-i), (?^), and to be
 * safe any option letter or named construct after "(?") can tell the
 * cases apart. */
int goals_fold_safe(const char *pat)
{
	for (const char *p = pat; *p; p++) {
		if (p[0] == '\\' && p[1]) {
			if (p[1] == 'p' || p[1] == 'P')
				return 0;
			p++;
		} else if (p[0] == '[' && p[1] == ':') {
			return 0;
		} else if (p[0] == '(' && p[1] == '?' &&
			   (p[2] == '-' || p[2] == '^' || ((p[2] | 0x20) >= 'a' && (p[2] | 0x20) <= 'z'))) {
			return 0;
		}
	}
	return 1;
}

/* The ASCII bytes that can follow the len bytes at w for a match of re to
 * start with them (w has room for one more).  With fold, an upper-case
 * letter answers as its lower case does. */
static void next_bytes(pcre2_code *re, char *w, size_t len, pcre2_match_data *md, int fold, uint64_t mask[2])
{
	mask[0] = mask[1] = 0;
	for (int x = 0; x < 0x80; x++) {
		w[len] = (char)x;
		if (!(fold && upper(x)) && goals_partial_ok(re, w, len + 1, md))
			mask[x >> 6] |= 1ull << (x & 63);
	}
	for (int x = 'A'; fold && x <= 'Z'; x++)
		mask[x >> 6] |= (mask[(x | 0x20) >> 6] >> ((x | 0x20) & 63) & 1) << (x & 63);
}

/* Appends a mask to a growing table; returns its index plus one. */
static uint16_t push_mask(uint64_t (**tab)[2], size_t *n, size_t *cap, const uint64_t mask[2])
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*tab = eu_xrealloc(*tab, *cap * sizeof **tab);
	}
	(*tab)[*n][0] = mask[0];
	(*tab)[*n][1] = mask[1];
	return (uint16_t)++*n;
}

/* Builds pf for the patterns re[b] by first ASCII byte b (NULL: none).
 * fold: the patterns match an ASCII letter in either case alike (see
 * fold_safe), so a prefix with upper-case letters shares the answers of
 * its lower-case twin and half the partial matches are saved. */
void goals_prefilter_build(struct prefilter *pf, pcre2_code *const re[128], pcre2_match_data *md, int fold)
{
	size_t nthird = 0, capthird = 0, nfourth = 0, capfourth = 0;
	uint16_t *pair_of = NULL;        /* third index -> its pair, to extend it */

	pf->second = eu_xmalloc(1 << 14);
	memset(pf->second, 1, 1 << 14);
	pf->third_idx = eu_xcalloc(1 << 14, sizeof *pf->third_idx);
	/* Twice: pairs without an upper-case letter first, which the others
	 * then copy. */
	for (int round = 0; round < 2; round++) {
		for (int b = 0; b < 0x80; b++) {
			for (int c = 0; re[b] && c < 0x80; c++) {
				int lb = upper(b) ? b | 0x20 : b, lc = upper(c) ? c | 0x20 : c;
				int twin = fold && (lb != b || lc != c) && re[lb] == re[b];
				if (round != twin)
					continue;
				if (twin) {
					pf->second[b << 7 | c] = pf->second[lb << 7 | lc];
					pf->third_idx[b << 7 | c] = pf->third_idx[lb << 7 | lc];
					continue;
				}
				char w[4] = {(char)b, (char)c};
				if (!(pf->second[b << 7 | c] = (unsigned char)goals_partial_ok(re[b], w, 2, md)) ||
				    nthird == 65535)
					continue;
				uint64_t mask[2];
				next_bytes(re[b], w, 2, md, fold, mask);
				pf->third_idx[b << 7 | c] = push_mask(&pf->third, &nthird, &capthird, mask);
				pair_of = eu_xrealloc(pair_of, (nthird + 1) * sizeof *pair_of);
				pair_of[nthird - 1] = (uint16_t)(b << 7 | c);
			}
		}
	}
	/* "for" passes three bytes of "forsk"; "forn" does not pass four. */
	pf->fourth_idx = eu_xcalloc(nthird * 128 + 1, sizeof *pf->fourth_idx);
	for (size_t t = 0; t < nthird; t++) {
		int b = pair_of[t] >> 7;
		for (int d = 0; d < 0x80 && nfourth < 65535; d++) {
			if (!(pf->third[t][d >> 6] & (1ull << (d & 63))) || (fold && upper(d)))
				continue;
			char w[4] = {(char)b, (char)(pair_of[t] & 0x7f), (char)d};
			uint64_t mask[2];
			next_bytes(re[b], w, 3, md, fold, mask);
			pf->fourth_idx[t * 128 + (size_t)d] = push_mask(&pf->fourth, &nfourth, &capfourth, mask);
		}
		for (int d = 'A'; fold && d <= 'Z'; d++)
			pf->fourth_idx[t * 128 + (size_t)d] = pf->fourth_idx[t * 128 + (size_t)(d | 0x20)];
	}
	free(pair_of);
	/* Every four ASCII bytes that pass, hashed into a bit table: a hash
	 * collision only lets a word through to the memo. */
	pf->quad = eu_xcalloc((1u << QUAD_BITS) / 64, sizeof *pf->quad);
	for (int b = 0; b < 0x80; b++) {
		if (!re[b]) {
			pf->all[b] = 1;
			continue;
		}
		for (int c = 0; c < 0x80; c++) {
			unsigned pair = (unsigned)b << 7 | (unsigned)c;
			if (!pf->second[pair])
				continue;
			uint16_t t = pf->third_idx[pair];
			for (int d = 0; d < 0x80; d++) {
				if (t && !(pf->third[t - 1][d >> 6] >> (d & 63) & 1))
					continue;
				uint16_t q = t ? pf->fourth_idx[(size_t)(t - 1) * 128 + (size_t)d] : 0;
				for (int e = 0; e < 0x80; e++) {
					if (q && !(pf->fourth[q - 1][e >> 6] >> (e & 63) & 1))
						continue;
					unsigned char w4[4] = {(unsigned char)b, (unsigned char)c, (unsigned char)d,
							       (unsigned char)e};
					uint32_t w;
					memcpy(&w, w4, 4);
					uint32_t h = quad_hash(w);
					pf->quad[h >> 6] |= 1ull << (h & 63);
				}
			}
		}
	}
}

/* May the prefilter judge terms starting with byte c?  It judges by
 * partial matches at the start of a subject, where nothing comes before.
 * At a word start in the text that is true of \b and \B as well, but not
 * of a look-behind (memo_safe says which terms have one), nor at a word's
 * end, where the terms that start with other characters are tried. */
static int prefilter_may(int c, int looks_one_back_at_most)
{
	return byte_class[c] == 1 && looks_one_back_at_most;
}

void goals_prefilter_free(struct prefilter *pf)
{
	free(pf->quad);
	free(pf->second);
	free(pf->third_idx);
	free(pf->third);
	free(pf->fourth_idx);
	free(pf->fourth);
}

/* May the answers of an anchored alternation of these terms be
 * remembered by the text from the start position on and the one character
 * before it?  Yes unless a term looks further back: \b, \B and a
 * multi-line ^ inspect one character, an explicit look-behind (or a verb
 * that might be one) could inspect more, and PCRE2's maximum look-behind
 * undercounts nested ones, so those terms are never remembered. */
static int memo_safe(const eu_goals *G, const pcre2_code *re, const size_t *terms, size_t n)
{
	uint32_t lb = 0;

	if (!re || pcre2_pattern_info(re, PCRE2_INFO_MAXLOOKBEHIND, &lb) != 0 || lb > 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = G->terms[terms[i]].pattern;
		if (strstr(p, "(?<=") || strstr(p, "(?<!") || strstr(p, "(*"))
			return 0;
	}
	return 1;
}

/* After the JIT compilations: the prefilter, by partial matches of the
 * buckets, and what the scan may skip or remember by first byte. */
static void plan_finish(struct fieldplan *fp)
{
	pcre2_match_data *md = pcre2_match_data_create(2, NULL);
	pcre2_code *by_first[128] = {0};

	for (int c = 0; c < 0x80; c++)
		if (fp->first[c] >= 0 && prefilter_may(c, fp->buckets[fp->first[c]].memo_ok))
			by_first[c] = fp->buckets[fp->first[c]].re;
	goals_prefilter_build(&fp->pre, by_first, md, fp->fold);
	for (int b = 0; b < 256; b++) {
		if (fp->first[b] < 0)
			continue;
		/* The non-word characters a block of the scan holds are ASCII,
		 * and × and ÷ (C3 97, C3 B7): can a term start with one? */
		if (b < 0x80 ? !prefilter_may(b, 1)
		    : b == 0xc3 && (!fp->buckets[fp->first[b]].memo_ok ||
				    goals_partial_ok(fp->buckets[fp->first[b]].re, "\xc3\x97", 2, md) ||
				    goals_partial_ok(fp->buckets[fp->first[b]].re, "\xc3\xb7", 2, md)))
			fp->nonword_first = 1;
		int ok = fp->buckets[fp->first[b]].memo_ok;
		for (size_t r = fp->recheck_at[b]; r < fp->recheck_at[b + 1]; r++)
			ok &= fp->gmemo[fp->recheck[r]];
		fp->memo_ok[b] = (unsigned char)ok;
	}
	/* The compound terms' prefilter, judged at a place inside a word. */
	struct compound *cp = &fp->cp;
	if (cp->n) {
		pcre2_code *cfirst[128] = {0};
		for (int c = 0; c < 0x80; c++)
			if (cp->all_safe && byte_class[c] == 1 && (cp->lo[0][c & 15] & cp->hi[0][c >> 4]))
				cfirst[c] = cp->all;
		goals_prefilter_build(&cp->pre, cfirst, md, fp->fold);
	}
	pcre2_match_data_free(md);
}

/* Every field's plan and the plain patterns, JIT-compiled on up to threads
 * threads; -1 after messages. */
int goals_plan_build(eu_goals *G, unsigned threads)
{
	eu_buf pat = EU_BUF_INIT;
	size_t *list = eu_xcalloc(G->nterms + 1, sizeof *list);
	struct jit_list later = {0};
	int rc = 0;

	G->combos = eu_xcalloc(G->ngoals * G->nfields + 1, sizeof *G->combos);
	for (size_t f = 0; f < G->nfields; f++) {
		struct fieldplan *fp = &G->plan[f];
		fp->goal = eu_xcalloc(G->ngoals, sizeof *fp->goal);
		fp->gterm = eu_xcalloc(G->ngoals, sizeof *fp->gterm);
		fp->gmemo = eu_xcalloc(G->ngoals, sizeof *fp->gmemo);
		memset(fp->first, 0xff, sizeof fp->first);
		G->use[f] = fp;
		fp->id = (unsigned)f;
		/* Word-start terms of every goal: one anchored alternation. */
		size_t n = 0;
		for (size_t k = 0; k < G->nterms; k++)
			if ((G->terms[k].fields & (1u << f)) && starts_at_boundary(G->terms[k].pattern))
				list[n++] = k;
		/* The same terms as an earlier field: scan with its plan.  A
		 * term's field set decides, so compare those bits. */
		for (size_t e = 0; e < f && n; e++) {
			size_t k;
			for (k = 0; k < G->nterms; k++) {
				if (!starts_at_boundary(G->terms[k].pattern))
					continue;
				unsigned bits = G->terms[k].fields;
				if (!(bits >> f & 1) != !(bits >> e & 1))
					break;
			}
			if (k == G->nterms) {
				G->use[f] = G->use[e];
				n = 0;
				break;
			}
		}
		if (n) {
			fp->any = 1;
			/* Which bytes can each term start with?  PCRE2 knows. */
			unsigned char (*can)[256] = eu_xcalloc(n, sizeof *can);
			for (size_t i = 0; i < n; i++) {
				int err;
				PCRE2_SIZE off;
				pcre2_code *one = pcre2_compile((PCRE2_SPTR)G->terms[list[i]].pattern, PCRE2_ZERO_TERMINATED,
								COMPILE_FLAGS, &err, &off, NULL);
				const uint8_t *bm = NULL;
				uint32_t fcut = 0, fcu = 0;
				if (one) {
					pcre2_pattern_info(one, PCRE2_INFO_FIRSTBITMAP, &bm);
					pcre2_pattern_info(one, PCRE2_INFO_FIRSTCODETYPE, &fcut);
					pcre2_pattern_info(one, PCRE2_INFO_FIRSTCODEUNIT, &fcu);
				}
				for (int b = 0; b < 256; b++)
					can[i][b] = bm ? (bm[b / 8] >> (b % 8)) & 1 : !(one && fcut == 1);
				if (!bm && one && fcut == 1) {
					can[i][fcu & 0xff] = 1;
					if ((fcu >= 'a' && fcu <= 'z') || (fcu >= 'A' && fcu <= 'Z'))
						can[i][(fcu ^ 0x20) & 0xff] = 1;
					else if (fcu >= 0x80)
						memset(can[i] + 0xc0, 1, 0x40);   /* any lead byte: be safe */
				}
				pcre2_code_free(one);
			}
			fp->gfirst = eu_xcalloc(G->ngoals, sizeof *fp->gfirst);
			for (size_t i = 0; i < n; i++)
				for (int b = 0; b < 256; b++)
					fp->gfirst[G->terms[list[i]].goal][b] |= can[i][b];
			/* One bucket per distinct set of terms; 'a' and 'A' share. */
			size_t *set = eu_xcalloc(n + 1, sizeof *set);
			fp->buckets = eu_xcalloc(256, sizeof *fp->buckets);
			for (int b = 0; b < 256; b++) {
				size_t m = 0;
				for (size_t i = 0; i < n; i++)
					if (can[i][b])
						set[m++] = list[i];
				if (!m)
					continue;
				size_t q;
				for (q = 0; q < fp->nbuckets; q++)
					if (fp->buckets[q].nterm == m && !memcmp(fp->buckets[q].term, set, m * sizeof *set))
						break;
				if (q == fp->nbuckets) {
					struct bucket *bk = &fp->buckets[fp->nbuckets++];
					bk->term = eu_xcalloc(m, sizeof *bk->term);
					memcpy(bk->term, set, m * sizeof *set);
					bk->nterm = m;
					/* The prefilter is built by partial matches:
					 * JIT them too, or loading takes a third of a second. */
					bk->re = goals_combine(G, set, m, PCRE2_ANCHORED, &pat, &later,
							 PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
					if (!bk->re)
						rc = -1;
					bk->memo_ok = memo_safe(G, bk->re, set, m);
				}
				fp->first[b] = (short)q;
			}
			free(set);
			if (goals_compound_build(G, fp, list, n, (const unsigned char (*)[256])can, &later) < 0)
				rc = -1;
			free(can);
			fp->fold = 1;
			for (size_t i = 0; i < n; i++)
				fp->fold &= goals_fold_safe(G->terms[list[i]].pattern);
			size_t *gl = eu_xcalloc(n + 1, sizeof *gl);
			for (size_t g = 0; g < G->ngoals && fp->any; g++) {
				size_t m = 0;
				for (size_t i = 0; i < n; i++)
					if (G->terms[list[i]].goal == g)
						gl[m++] = list[i];
				if (m) {
					fp->goal[g] = goals_combine(G, gl, m, PCRE2_ANCHORED, &pat, &later,
							      PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
					fp->gterm[g] = eu_xcalloc(m, sizeof **fp->gterm);
					memcpy(fp->gterm[g], gl, m * sizeof *gl);
					fp->gmemo[g] = memo_safe(G, fp->goal[g], gl, m);
					if (!fp->goal[g])
						rc = -1;
				}
			}
			free(gl);
			fp->recheck = eu_xcalloc(256 * G->ngoals + 1, sizeof *fp->recheck);
			size_t nr = 0;
			for (int b = 0; b < 256; b++) {
				fp->recheck_at[b] = nr;
				for (size_t g = 0; g < G->ngoals; g++)
					if (fp->goal[g] && fp->gfirst[g][b])
						fp->recheck[nr++] = g;
			}
			fp->recheck_at[256] = nr;
		}
		/* The other terms: one plain pattern per goal. */
		for (size_t g = 0; g < G->ngoals; g++) {
			size_t m = 0;
			for (size_t k = 0; k < G->nterms; k++)
				if (G->terms[k].goal == g && (G->terms[k].fields & (1u << f)) &&
				    !starts_at_boundary(G->terms[k].pattern))
					list[m++] = k;
			if (!m)
				continue;
			struct combo *c = &G->combos[G->ncombos];
			c->term = eu_xcalloc(m, sizeof *c->term);
			memcpy(c->term, list, m * sizeof *list);
			c->nterm = m;
			c->re = goals_combine(G, list, m, 0, &pat, &later, PCRE2_JIT_COMPLETE);
			if (!c->re) {
				free(c->term);
				rc = -1;
				continue;
			}
			c->goal = g;
			c->field = f;
			G->ncombos++;
		}
	}
	/* One pattern without JIT (disabled, or unsupported) sends every
	 * match through pcre2_match. */
	if (jit_all(&later, threads) < 0)
		G->nojit = 1;
	for (size_t f = 0; f < G->nfields && rc == 0; f++)
		if (G->plan[f].any)
			plan_finish(&G->plan[f]);
	free(later.v);
	free(list);
	eu_buf_free(&pat);
	return rc;
}

void goals_plan_free(eu_goals *G)
{
	for (size_t i = 0; i < G->ncombos; i++) {
		pcre2_code_free(G->combos[i].re);
		free(G->combos[i].term);
	}
	free(G->combos);
	for (size_t f = 0; f < G->nfields; f++) {
		struct fieldplan *fp = &G->plan[f];
		for (size_t q = 0; q < fp->nbuckets; q++) {
			pcre2_code_free(fp->buckets[q].re);
			free(fp->buckets[q].term);
		}
		free(fp->buckets);
		goals_prefilter_free(&fp->pre);
		free(fp->gfirst);
		for (size_t g = 0; fp->goal && g < G->ngoals; g++) {
			pcre2_code_free(fp->goal[g]);
			free(fp->gterm[g]);
		}
		free(fp->goal);
		free(fp->gterm);
		free(fp->gmemo);
		free(fp->recheck);
		goals_compound_free(G, fp);
	}
}
