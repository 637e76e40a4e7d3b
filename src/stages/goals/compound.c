/* Terms that may be the last part of a Danish compound: a row of
 * goal_terms.csv with compound "yes" matches inside a word as well as at
 * its start ("robot" in træningsrobotter and plejerobot, "turisme" in
 * kystturisme), where the other rows keep their word boundary (Øresund is
 * not "sund", forældre not "ældre").
 *
 * The word-boundary scan (scan.c) stops at word starts; a compound term
 * must be tried inside words too, and a match call at every letter would
 * cost more than the whole scan.  So after the scan of a field a pass of
 * its own looks up, 32 bytes per instruction with AVX2, each byte's
 * classes as a term's first byte, the next one's as its second, and so on
 * to the fourth, by their nibbles (each compound term a class,
 * compound_mask_avx2 in goals_int.h); a place where all four share a
 * class, after a byte that may end a word's character, goes on to a check
 * that it is inside a word, a prefilter of four bytes like the scan's own,
 * a check of a Latin-1 letter as second, and only then to each goal's
 * anchored alternation of its compound terms.
 * Every filter may pass more than it should, never less: the bytes a term
 * can start with come from PCRE2's first-code-unit bitmap, the ones that
 * can follow from partial matches, and from the first byte from 0x80 on
 * any class passes.  Without AVX2 the same runs on 16 bytes with SSSE3,
 * and without that a table of byte pairs does the first step, a place at
 * a time.  Kept out of the scan's own loop: inside it,
 * the loop came out a tenth slower for every field.
 *
 * The hit is the whole word from its start, so that the evidence and an
 * exclude pattern see "træningsrobotter"; it counts unless one of its
 * goal's hits overlaps it (robotrobot counts once). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "goals_int.h"

/* Which ASCII bytes can follow the len bytes at w for term re to start
 * with them, by partial matches. */
static void next_ascii(pcre2_code *re, char *w, size_t len, pcre2_match_data *md, unsigned char out[128])
{
	for (int c = 0; c < 0x80; c++) {
		w[len] = (char)c;
		if (!out[c] && goals_partial_ok(re, w, len + 1, md))
			out[c] = 1;
	}
}

/* May the prefilter, built by partial matches at a subject's start, judge
 * this term at a place inside a word?  Not if what it matches there could
 * depend on the letter before: a look-behind, a verb, \B, or a \b other
 * than the one it ends with. */
static int inside_safe(const char *pat)
{
	size_t n = strlen(pat);
	if (strstr(pat, "(?<") || strstr(pat, "(*") || strstr(pat, "\\B"))
		return 0;
	for (const char *p = strstr(pat, "\\b"); p; p = strstr(p + 1, "\\b"))
		if ((size_t)(p - pat) + 2 != n)
			return 0;
	return 1;
}

/* The compound terms among the plan's word-start terms list[0..n), whose
 * first bytes are can[i]: their filters and each goal's alternation, JIT-
 * compiled with the rest (later; plan_finish builds the prefilter).
 * Returns -1 after a message. */
int goals_compound_build(eu_goals *G, struct fieldplan *fp, const size_t *list, size_t n,
			 const unsigned char (*can)[256], void *later)
{
	struct compound *cp = &fp->cp;
	pcre2_match_data *md = pcre2_match_data_create(2, NULL);
	size_t *gl = eu_xcalloc(n + 1, sizeof *gl), m = 0;
	eu_buf pat = EU_BUF_INIT;
	int rc = 0;

	cp->all_safe = 1;
	for (size_t i = 0; i < n; i++) {
		const struct term *tm = &G->terms[list[i]];
		if (!tm->compound)
			continue;
		gl[m++] = list[i];
		unsigned bit = 1u << (cp->n++ % 8);
		/* The term alone, anchored, without its \b: what it matches
		 * from a place inside a word. */
		int err;
		PCRE2_SIZE off;
		eu_buf_clear(&pat);
		eu_buf_printf(&pat, "(?:%s)", tm->pattern + 2);
		cp->all_safe &= inside_safe(tm->pattern + 2);
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat.p, pat.len, COMPILE_FLAGS | PCRE2_ANCHORED, &err, &off, NULL);
		if (!re) {
			rc = -1;
			continue;
		}
		/* The ASCII bytes that can be second, third and fourth after
		 * ASCII ones, by partial matches; the pair table for the scalar
		 * filter, where a second byte from 0x80 on always passes. */
		unsigned char at[4][128];
		memset(at, 0, sizeof at);
		for (int b = 0; b < 256; b++) {
			if (!can[i][b])
				continue;
			cp->lo[0][b & 15] |= (unsigned char)bit;
			cp->hi[0][b >> 4] |= (unsigned char)bit;
			unsigned char sec[128] = {0};
			char w[5] = {(char)b};
			if (b < 0x80)
				next_ascii(re, w, 1, md, sec);
			for (int c = 0; c < 256; c++)
				if (c >= 0x80 || sec[c])
					cp->pair[(b << 8 | c) >> 3] |= (uint8_t)(1u << (c & 7));
			for (int c = 0; c < 0x80; c++) {
				if (!sec[c])
					continue;
				at[1][c] = 1;
				w[1] = (char)c;
				unsigned char thi[128] = {0};
				next_ascii(re, w, 2, md, thi);
				for (int d = 0; d < 0x80; d++) {
					if (!thi[d])
						continue;
					at[2][d] = 1;
					w[2] = (char)d;
					next_ascii(re, w, 3, md, at[3]);
				}
			}
		}
		for (int k = 1; k < 4; k++)
			for (int c = 0; c < 0x80; c++)
				if (at[k][c]) {
					cp->lo[k][c & 15] |= (unsigned char)bit;
					cp->hi[k][c >> 4] |= (unsigned char)bit;
				}
		/* A Latin-1 letter second (C3 xx: æ ø å é): which ones, by
		 * partial matches too. */
		for (int b = 0; b < 0x80; b++)
			for (int x = 0x80; can[i][b] && x < 0xc0; x++) {
				char w3[3] = {(char)b, (char)0xc3, (char)x};
				if (goals_partial_ok(re, w3, 3, md)) {
					cp->c3[b] |= 1ull << (x & 63);
					cp->lo[4][x & 15] |= (unsigned char)bit;
					cp->hi[4][x >> 4] |= (unsigned char)bit;
				}
			}
		pcre2_code_free(re);
	}
	if (cp->n) {
		cp->all = goals_combine(G, gl, m, PCRE2_ANCHORED, &pat, later, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
		if (!cp->all)
			rc = -1;
		cp->goal = eu_xcalloc(G->ngoals, sizeof *cp->goal);
		cp->gterm = eu_xcalloc(G->ngoals, sizeof *cp->gterm);
		cp->gfirst = eu_xcalloc(G->ngoals, sizeof *cp->gfirst);
		for (size_t g = 0; g < G->ngoals; g++) {
			size_t k = 0;
			for (size_t i = 0; i < n; i++)
				if (G->terms[list[i]].compound && G->terms[list[i]].goal == g) {
					gl[k++] = list[i];
					for (int b = 0; b < 256; b++)
						cp->gfirst[g][b] |= can[i][b];
				}
			if (!k)
				continue;
			if (cp->ng == 8) {
				/* A compound pass keeps a cursor per goal. */
				eu_warn_at(G->terms_path, 0, "compound terms of more than 8 goals");
				rc = -1;
				continue;
			}
			cp->glist = eu_xrealloc(cp->glist, (cp->ng + 1) * sizeof *cp->glist);
			cp->glist[cp->ng++] = g;
			cp->goal[g] = goals_combine(G, gl, k, PCRE2_ANCHORED, &pat, later, PCRE2_JIT_COMPLETE);
			if (!cp->goal[g])
				rc = -1;
			cp->gterm[g] = eu_xcalloc(k, sizeof **cp->gterm);
			memcpy(cp->gterm[g], gl, k * sizeof *gl);
		}
	}
	eu_buf_free(&pat);
	free(gl);
	pcre2_match_data_free(md);
	return rc;
}

void goals_compound_free(const eu_goals *G, struct fieldplan *fp)
{
	struct compound *cp = &fp->cp;

	for (size_t g = 0; cp->goal && g < G->ngoals; g++) {
		pcre2_code_free(cp->goal[g]);
		free(cp->gterm[g]);
	}
	pcre2_code_free(cp->all);
	goals_prefilter_free(&cp->pre);
	free(cp->goal);
	free(cp->gterm);
	free(cp->gfirst);
	free(cp->glist);
}

/* Where one field's compound pass stands: the place last found inside a
 * word and that word's start, and per goal with compound terms its next
 * hit of the word-boundary scan to compare and where its last compound
 * hit ended. */
struct cstate {
	size_t cw_at, cw_start;
	size_t main_end;         /* the field's boundary hits are hits[first .. main_end) */
	size_t cur[8], cend[8];
};

/* The start of the word that p is inside, or p when p starts one (or is
 * not in a word).  It looks back over the word's characters, and no
 * further than a place found before in the same word, whose word's start
 * it then takes: in a very long word each byte is looked at once. */
static size_t word_start(const eu_goals *G, struct cstate *cs, const unsigned char *u, size_t n, size_t p)
{
	size_t b = p, l;
	size_t floor = cs->cw_at && cs->cw_at < p ? cs->cw_at : 0;

	while (b > floor) {
		size_t c = b - 1;
		while (c > floor && b - c < 4 && (u[c] & 0xc0) == 0x80)
			c--;
		if (char_class(G, u, n, c, &l) != 1 || c + l != b)
			break;
		b = c;
	}
	if (floor && b == floor)
		b = cs->cw_start;
	if (b < p) {
		cs->cw_at = p;
		cs->cw_start = b;
	}
	return b;
}

/* Does goal q's (the q-th with compound terms) boundary hits of the field
 * hold one that overlaps [ws, me)?  The places come in order, so each
 * goal's cursor only moves on. */
static int overlaps(const struct acc *a, struct cstate *cs, size_t q, size_t g, size_t ws, size_t me)
{
	size_t c = cs->cur[q];
	while (c < cs->main_end && (a->hits[c].goal != g || a->hits[c].me <= ws))
		c++;
	cs->cur[q] = c;
	return c < cs->main_end && a->hits[c].ms < me;
}

/* The compound terms at p, a place the filters passed: each goal's
 * alternation, anchored; a hit is the word from its start, counted unless
 * one of its goal's hits overlaps it. */
static int compound_at(struct acc *a, const struct fieldplan *fp, struct cstate *cs, size_t f, const char *s,
		       size_t n, size_t p, eu_buf *err)
{
	const eu_goals *G = a->G;
	const struct compound *cp = &fp->cp;
	const unsigned char *u = (const unsigned char *)s;
	size_t ws = (size_t)-1;

	if (u[p] < 0x80 && p + 2 < n && u[p + 1] == 0xc3 && !(cp->c3[u[p]] >> (u[p + 2] & 63) & 1))
		return 0;
	for (size_t q = 0; q < cp->ng; q++) {
		size_t g = cp->glist[q];
		if (!cp->gfirst[g][u[p]])
			continue;
		int m = G->nojit ? pcre2_match(cp->goal[g], (PCRE2_SPTR)s, n, p, 0, G->md, G->mctx)
				 : pcre2_jit_match(cp->goal[g], (PCRE2_SPTR)s, n, p, 0, G->md, G->mctx);
		if (m == PCRE2_ERROR_NOMATCH)
			continue;
		if (m < 0)
			return goals_limit_error(err, m, G->ids[g], G->fields[f]);
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(G->md);
		size_t me = ov[1], k = mark_term(cp->gterm[g], pcre2_get_mark(G->md));
		if (ov[0] != p)
			continue;        /* the interpreter past an invalid byte (see match_one in memo.c) */
		if (ws == (size_t)-1)
			ws = word_start(G, cs, u, n, p);
		if (ws == p)
			return 0;        /* a word's start: the boundary scan's */
		if (ws < cs->cend[q] || overlaps(a, cs, q, g, ws, me))
			continue;
		cs->cend[q] = me;
		if ((m = count_hit(a, k, f, s, n, ws, me)) < 0)
			return goals_limit_error(err, m, G->ids[g], G->fields[f]);
	}
	return 0;
}

/* A place the SIMD or scalar filter passed: after a word character (by
 * its byte, where that tells: an ASCII one that is not), and through the
 * prefilter. */
static inline int candidate(struct acc *a, const struct fieldplan *fp, struct cstate *cs, size_t f, const char *s,
			    size_t n, size_t p, eu_buf *err)
{
	const unsigned char *u = (const unsigned char *)s;

	if (!p || (u[p - 1] < 0x80 && byte_class[u[p - 1]] != 1) || (u[p] & 0xc0) == 0x80 ||
	    !prefilter_pass(&fp->cp.pre, u, n, p))
		return 0;
	return compound_at(a, fp, cs, f, s, n, p, err);
}

/* The bytes at i for the filter (P[-1] to P[35]), in place where the
 * field allows, else copied into buf; before the field's start 0, a
 * non-word byte, and past its end 0xFF, which passes as any class: the
 * filter cannot tell there, the match will. */
static inline const unsigned char *window(const unsigned char *u, size_t n, size_t i, unsigned char buf[40])
{
	if (i && i + 36 <= n)
		return u + i;
	memset(buf, 0xff, 40);
	buf[0] = i ? u[i - 1] : 0;
	memcpy(buf + 1, u + i, n - i < 36 ? n - i : 36);
	return buf + 1;
}

#ifdef EU_AVX2
__attribute__((target("avx2"))) static int pass_avx2(struct acc *a, const struct fieldplan *fp, struct cstate *cs,
						      size_t f, const char *s, size_t n, eu_buf *err)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char buf[40];
	struct ctab t;

	/* The tables once per field, in registers where the compiler can:
	 * a quarter of the filter's time. */
	compound_tables(&fp->cp, &t);
	for (size_t i = 0; i < n; i += 32) {
		uint32_t valid = n - i >= 32 ? ~0u : (1u << (n - i)) - 1;
		uint32_t m = compound_mask_avx2(&t, window(u, n, i, buf), valid);
		while (m) {
			size_t p = i + (size_t)__builtin_ctz(m);
			m &= m - 1;
			if (candidate(a, fp, cs, f, s, n, p, err) < 0)
				return -1;
		}
	}
	return 0;
}
#endif

#ifdef EU_AVX2
/* The filter of compound_mask_avx2 on 16 bytes, for processors without
 * AVX2 (SSSE3 has the byte shuffle; the blends are masks). */
__attribute__((target("ssse3"))) static inline __m128i classes16(const struct compound *cp, int k, __m128i v)
{
	const __m128i nib = _mm_set1_epi8(0x0f);
	__m128i l = _mm_loadu_si128((const __m128i *)cp->lo[k]), h = _mm_loadu_si128((const __m128i *)cp->hi[k]);
	return _mm_and_si128(_mm_shuffle_epi8(l, _mm_and_si128(v, nib)),
			     _mm_shuffle_epi8(h, _mm_and_si128(_mm_srli_epi16(v, 4), nib)));
}

__attribute__((target("ssse3"))) static uint32_t mask16(const struct compound *cp, const unsigned char *P)
{
	const __m128i zero = _mm_setzero_si128();
	__m128i v0 = _mm_loadu_si128((const __m128i *)P), v1 = _mm_loadu_si128((const __m128i *)(P + 1)),
		v2 = _mm_loadu_si128((const __m128i *)(P + 2)), v3 = _mm_loadu_si128((const __m128i *)(P + 3));
	/* From the first byte from 0x80 on, every class. */
	__m128i s1 = _mm_cmplt_epi8(_mm_or_si128(v0, v1), zero), s2 = _mm_or_si128(s1, _mm_cmplt_epi8(v2, zero));
	__m128i s3 = _mm_or_si128(s2, _mm_cmplt_epi8(v3, zero));
	__m128i c3 = _mm_andnot_si128(_mm_cmplt_epi8(v0, zero), _mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xc3)));
	__m128i c1 = _mm_or_si128(classes16(cp, 1, v1), s1);
	c1 = _mm_or_si128(_mm_andnot_si128(c3, c1), _mm_and_si128(c3, classes16(cp, 4, v2)));
	__m128i c = _mm_and_si128(classes16(cp, 0, v0), c1);
	c = _mm_and_si128(c, _mm_or_si128(classes16(cp, 2, v2), s2));
	c = _mm_and_si128(c, _mm_or_si128(classes16(cp, 3, v3), s3));
	__m128i vb = _mm_loadu_si128((const __m128i *)(P - 1));
	unsigned after = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(vb, _mm_set1_epi8('0')), vb));
	return ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, zero)) & after & 0xffffu;
}

__attribute__((target("ssse3"))) static int pass_ssse3(struct acc *a, const struct fieldplan *fp, struct cstate *cs,
							size_t f, const char *s, size_t n, eu_buf *err)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char buf[40];

	for (size_t i = 0; i < n; i += 16) {
		uint32_t m = mask16(&fp->cp, window(u, n, i, buf)) & (n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1);
		while (m) {
			size_t p = i + (size_t)__builtin_ctz(m);
			m &= m - 1;
			if (candidate(a, fp, cs, f, s, n, p, err) < 0)
				return -1;
		}
	}
	return 0;
}
#endif

/* The compound hits of field f (n bytes at s), after its word-boundary
 * scan, whose hits are kept from first_hit on. */
int goals_compound_scan(struct acc *a, const struct fieldplan *fp, size_t f, const char *s, size_t n,
			size_t first_hit, eu_buf *err)
{
	const eu_goals *G = a->G;
	struct cstate cs = {.main_end = a->nhits};

	for (size_t q = 0; q < 8; q++)
		cs.cur[q] = first_hit;
#ifdef EU_AVX2
	if (G->avx2)
		return pass_avx2(a, fp, &cs, f, s, n, err);
#endif
#ifdef EU_AVX2
	if (G->ssse3)
		return pass_ssse3(a, fp, &cs, f, s, n, err);
#endif
	/* A place at a time, by the table of byte pairs. */
	const unsigned char *u = (const unsigned char *)s;
	unsigned char buf[40];
	for (size_t p = 0; p < n; p++) {
		const unsigned char *P = window(u, n, p, buf);
		unsigned pr = (unsigned)P[0] << 8 | P[1];
		if ((fp->cp.pair[pr >> 3] >> (pr & 7) & 1) && candidate(a, fp, &cs, f, s, n, p, err) < 0)
			return -1;
	}
	return 0;
}
