/* The word-boundary scan of a record's fields: the hot path of goal
 * alignment, and how it works.  (The tables are read in terms.c, the plans
 * built in plan.c, the hits at a boundary found and remembered in memo.c,
 * compound terms found inside words in compound.c, and summed into goals
 * in score.c and salience.c.)
 *
 * Scanning every text once per term (or per goal) costs a pass per pattern,
 * about 110 passes with the shipped terms.  Nearly every term starts with \b
 * or ^, so instead each field is scanned once: the scan stops only at word
 * boundaries whose first byte can begin some term (PCRE2's first-code-unit
 * bitmap), and there runs one anchored alternation of all terms, each
 * tagged with (*MARK:n) so a hit names its term.  An alternation reports one
 * alternative per position, so at a hit the other goals' own anchored
 * patterns are tried at the same spot: "velfærdsteknologi" counts for G3
 * and G9.  Terms that start otherwise are scanned the plain way, one
 * pattern per goal.  Everything is compiled and JIT-compiled once; every
 * match runs under the limits from settings.csv, and hitting one rejects
 * the record rather than hiding a goal.
 *
 * Most boundaries stop at a prefilter of the first four bytes; what the
 * terms find at the others is remembered (see memo.c), so running
 * text, which repeats its words, seldom reaches PCRE2 at all.  The memo
 * and the match data are per eu_goals: a thread gets its own by
 * eu_goals_clone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "goals_int.h"

/* The message of a match limit, which rejects the record; returns -1. */
int goals_limit_error(eu_buf *err, int rc, const char *goal, const char *field)
{
	PCRE2_UCHAR msg[160];

	pcre2_get_error_message(rc, msg, sizeof msg);
	eu_buf_printf(err, "goal %s in %s: %s (the text is too complex for the terms; see regex_match_limit in settings.csv)",
		      goal, field, (char *)msg);
	return -1;
}

/* The tables of \w the scan classes characters by, and the scan's
 * instruction set. */
void goals_chars_init(eu_goals *G)
{
	for (unsigned lead = 0xc2; lead <= 0xdf; lead++)
		for (unsigned t = 0; t < 64; t++)
			G->word2[(lead - 0xc2) << 6 | t] = (unsigned char)cp_word((utf8proc_int32_t)((lead & 0x1f) << 6 | t));
	/* What the 16-byte mask assumes of Latin-1's letters, checked against
	 * the Unicode tables rather than trusted. */
	G->c3_letters = 1;
	for (unsigned t = 0; t < 64; t++)
		if (G->word2[(0xc3 - 0xc2) << 6 | t] != (t != 0x17 && t != 0x37))
			G->c3_letters = 0;
#ifdef EU_AVX2
	/* EUPRIO_GOALS_NO_AVX2=1 tries the SSE2 scan where AVX2 would run. */
	const char *na = getenv("EUPRIO_GOALS_NO_AVX2");
	G->avx2 = __builtin_cpu_supports("avx2") && (!na || !*na || strcmp(na, "0") == 0);
#endif
#ifdef EU_AVX2
	/* EUPRIO_GOALS_NO_SSSE3=1 tries the compound filter's byte-pair table. */
	const char *ns = getenv("EUPRIO_GOALS_NO_SSSE3");
	G->ssse3 = __builtin_cpu_supports("ssse3") && (!ns || !*ns || strcmp(ns, "0") == 0);
#endif
}

/* The end of the run of word characters from j. */
static size_t word_end(const eu_goals *G, const unsigned char *u, size_t n, size_t j)
{
	size_t l;

	for (;;) {
		j = ascii_run(u, n, j);
		if (j >= n || u[j] < 0x80 || char_class(G, u, n, j, &l) != 1)
			return j;
		j += l;
	}
}

#ifdef __SSE2__
/* The word characters among the 16 bytes at p as a bit mask, and 16; or
 * the first byte q the mask cannot judge (a non-ASCII character other than
 * a whole Latin-1 letter, U+00C0 to U+00FF: æ ø å é ü and the rest), with
 * the mask of the q bytes before it. */
static unsigned block_words(const unsigned char *p, unsigned *wm)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	unsigned m = ascii_words(v);
	unsigned hi = (unsigned)_mm_movemask_epi8(v);

	if (hi) {
		unsigned c3 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xc3)));
		unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8((char)0xc0)));
		unsigned sign = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0x97)),
									   _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xb7))));
		unsigned lead = c3 & (cont >> 1);          /* C3 with its second byte here */
		unsigned pair = lead | (lead << 1);
		unsigned bad = (hi & ~pair) & 0xffffu;
		unsigned nonletter = (lead << 1) & sign;   /* C3 97 and C3 B7: × and ÷ */
		m |= pair & ~(nonletter | nonletter >> 1);
		if (bad) {
			/* The bytes before the first it cannot judge are judged. */
			unsigned q = (unsigned)__builtin_ctz(bad);
			*wm = m & ((1u << q) - 1);
			return q;
		}
	}
	*wm = m & 0xffffu;
	return 16;
}

/* block_words for 32 bytes, the scan's loop then runs half as often, as
 * one value: the bytes judged << 32 | their mask.  Through pointers, GCC
 * kept the masks on the stack and read a 32-bit store back as 64 bits, a
 * store-forwarding stall on every block. */
static inline __attribute__((always_inline)) uint64_t block_words32(const unsigned char *p)
{
	unsigned lo, hi, q = block_words(p, &lo);

	if (q < 16)
		return (uint64_t)q << 32 | lo;
	q = block_words(p + 16, &hi);
	return (uint64_t)(16 + q) << 32 | (lo | hi << 16);
}
#endif

#ifdef EU_AVX2
/* block_words32 in one pass.  It also judges a C3 at byte 15 whose second
 * byte is at 16, which the two halves cannot; either answer is right. */
__attribute__((target("avx2"))) static inline uint64_t block_words32_avx2(const unsigned char *p)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)p);
	__m256i low = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
	__m256i alpha = _mm256_and_si256(_mm256_cmpgt_epi8(low, _mm256_set1_epi8('a' - 1)),
					 _mm256_cmpgt_epi8(_mm256_set1_epi8('z' + 1), low));
	__m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('0' - 1)),
					 _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), v));
	__m256i word = _mm256_or_si256(_mm256_or_si256(alpha, digit), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('_')));
	uint32_t m = (uint32_t)_mm256_movemask_epi8(word);
	uint32_t hi = (uint32_t)_mm256_movemask_epi8(v);

	if (hi) {
		uint32_t c3 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xc3)));
		uint32_t cont = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_set1_epi8((char)0xc0), v));
		uint32_t sign = (uint32_t)_mm256_movemask_epi8(
			_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0x97)),
					_mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xb7))));
		uint32_t lead = c3 & (cont >> 1);
		uint32_t pair = lead | (lead << 1);
		uint32_t bad = hi & ~pair;
		uint32_t nonletter = (lead << 1) & sign;
		m |= pair & ~(nonletter | nonletter >> 1);
		if (bad) {
			unsigned q = (unsigned)__builtin_ctz(bad);
			return (uint64_t)q << 32 | (m & ((1u << q) - 1));
		}
	}
	return (uint64_t)32 << 32 | m;
}
#endif

#if defined(__SSE2__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The scan's word mask of the bytes from base on: span bits (0: none),
 * past the field's end 0.  Every character in it is whole and valid. */
struct wmask {
	uint64_t bits;
	size_t base;
	unsigned span;
};

/* goals_next_cut from j by the mask, when the next word and the character
 * after it lie in it; 0 when the mask cannot tell. */
static inline size_t mask_cut(const struct wmask *m, const unsigned char *u, size_t n, size_t j)
{
	if (j < m->base || j - m->base >= m->span)
		return 0;
	unsigned o = (unsigned)(j - m->base);
	uint64_t w = m->bits >> o;
	if (!w)
		return 0;
	unsigned st = o + (unsigned)__builtin_ctzll(w);
	uint64_t rest = ~(m->bits >> st);
	if (!rest)
		return 0;
	size_t end = m->base + st + (unsigned)__builtin_ctzll(rest);
	if (end >= n)
		return n;
	if (end - m->base >= m->span)
		return 0;        /* the word may go on past what the mask saw */
	return end + (u[end] < 0x80 ? 1 : 2);   /* ASCII, or × and ÷ */
}

/* memo_fast past a first word that begins a term of several ("long-term
 * unemployed"): the next cuts, as memo_hits makes them. */
static __attribute__((noinline)) const struct memo_ent *memo_deeper(const eu_goals *G, const struct fieldplan *fp,
								    const unsigned char *u, size_t n, size_t i,
								    size_t cut, uint32_t prev, const struct wmask *m)
{
	const struct memo_ent *me;
	uint64_t kw[MEMO_KEY / 8];

	for (int L = 1; L < MEMO_LEVELS; L++) {
		size_t c = mask_cut(m, u, n, cut);
		if (!c)
			c = goals_next_cut(G, u, n, cut, 0);
		if (!c || c <= cut || c - i > MEMO_KEY)
			return NULL;
		uint64_t meta = memo_meta(prev, c - i, c == n, fp->id);
		if (c - i <= 16) {
			key16(u, n, i, c - i, kw);
			me = &G->memo->e[memo_slot16(kw, meta)];
			if (me->meta != meta || me->key[0] != kw[0] || me->key[1] != kw[1])
				return NULL;
		} else {
			goals_key_words(u + i, c - i, n - i, kw);
			me = &G->memo->e[memo_slot(kw, c - i, meta)];
			if (me->meta != meta || !same_key(me->key, kw, c - i))
				return NULL;
		}
		if (me->state != M_PARTIAL)
			return me;
		cut = c;
	}
	return NULL;
}

/* The common case of memo_hits (memo.c), inline: the word at i ends at
 * wend, and it and the character after it fit in 16 bytes, after an ASCII
 * character or none.  The remembered entry if it says match or no match, else NULL
 * (the caller goes the long way, which finds the same entry). */
static inline __attribute__((always_inline)) const struct memo_ent *
memo_fast(const eu_goals *G, const struct fieldplan *fp, const unsigned char *u, size_t n, size_t i, size_t wend,
	  uint64_t mbits, size_t mbase, unsigned mspan)
{
	size_t dl = 0, klen;
	if (!G->memo || !fp->memo_ok[u[i]] || (i && u[i - 1] >= 0x80))
		return NULL;
	if (wend < n) {
		if (u[wend] < 0x80)
			dl = 1;
		else if (char_class(G, u, n, wend, &dl) < 0)
			return NULL;
	}
	klen = wend - i + dl;
	if (klen > 16)
		return NULL;
	uint64_t k[2];
	key16(u, n, i, klen, k);
	uint32_t prev = i ? u[i - 1] : PREV_START;
	uint64_t meta = memo_meta(prev, klen, i + klen == n, fp->id);
	const struct memo_ent *me = &G->memo->e[memo_slot16(k, meta)];
	if (me->meta != meta || me->key[0] != k[0] || me->key[1] != k[1])
		return NULL;
	if (me->state != M_PARTIAL)
		return me;
	struct wmask m = {mbits, mbase, mspan};
	return memo_deeper(G, fp, u, n, i, i + klen, prev, &m);
}
#else
static inline const struct memo_ent *memo_fast(const eu_goals *G, const struct fieldplan *fp,
					       const unsigned char *u, size_t n, size_t i, size_t wend,
					       uint64_t mbits, size_t mbase, unsigned mspan)
{
	(void)G; (void)fp; (void)u; (void)n; (void)i; (void)wend; (void)mbits; (void)mbase; (void)mspan;
	return NULL;
}
#endif

/* Can a term start at u[i]: its first byte, then the prefilter, without
 * a branch on either answer in the common case. */
static inline __attribute__((always_inline)) unsigned prefilter_bit(const struct fieldplan *fp,
								     const unsigned char *u, size_t n, size_t i)
{
	return (unsigned)(fp->first[u[i]] >= 0) & (unsigned)prefilter_pass(&fp->pre, u, n, i);
}

/* A boundary of field f at i, a word start if word, that has passed the
 * prefilter: the terms that can start there are tried.  Kept out of line,
 * so the scan's loop stays small for the many boundaries that do not. */
static __attribute__((noinline)) int visit(struct acc *a, const struct fieldplan *fp, size_t f, const char *s,
					   size_t n, size_t i, int word, size_t wend, eu_buf *err)
{
	const eu_goals *G = a->G;
	const unsigned char *u = (const unsigned char *)s;
	size_t l;

#if defined(__SSE2__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The common case first, the same look-up as memo_hits makes at its
	 * first cut: a word and the character after it within 16 bytes, an
	 * ASCII character before. */
	unsigned wm;
	if (word && !wend && i + 16 <= n && G->c3_letters) {
		unsigned q = block_words(u + i, &wm), stop = ~wm & ((1u << q) - 1) & 0xffffu;
		/* The word's end and an ASCII character after it, or a whole
		 * Latin-1 one, both judged by the mask. */
		if (stop) {
			unsigned e = (unsigned)__builtin_ctz(stop);
			if (u[i + e] < 0x80 || e + 1 < q)
				wend = i + e;
		}
	}
	if (word && !wend && i + 16 > n) {
		char_class(G, u, n, i, &l);
		wend = word_end(G, u, n, i + l);
	}
	const struct memo_ent *me = word && wend ? memo_fast(G, fp, u, n, i, wend, 0, 0, 0) : NULL;
	if (me)
		return me->state == M_MATCH ? count_at(a, f, i, s, n, me->hit, me->nhit, err) : 0;
#endif
	if (word && !wend) {
		char_class(G, u, n, i, &l);
		wend = word_end(G, u, n, i + l);
	}
	return goals_try_at(a, fp, f, s, n, i, word ? wend : 0, err);
}

#ifdef EU_AVX2
#define BLOCK32(wide, p) ((wide) ? block_words32_avx2(p) : block_words32(p))
#else
#define BLOCK32(wide, p) ((void)(wide), block_words32(p))
#endif

/* The word-boundary scan of one field: see the top of this file.  The
 * boundaries are the field's start and where it changes between word and
 * other characters; 32 bytes are classed at once where the mask can, by
 * AVX2 when wide.  Inlined into one function per instruction set. */
static inline __attribute__((always_inline)) int scan_body(struct acc *a, const struct fieldplan *fp, size_t f,
							   const char *s, size_t n, eu_buf *err, const int wide)
{
	const eu_goals *G = a->G;
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, plain_until = 0;
	unsigned prev = 2;       /* the class before i: 2 at the start */
#ifdef __SSE2__
	uint64_t next = 0;       /* BLOCK32 of the block at i, when next_ok */
	int next_ok = 0;
#endif

	while (i < n) {
#ifdef __SSE2__
		if (i >= plain_until && G->c3_letters) {
			uint32_t valid = ~0u;
			uint64_t b;
			if (next_ok) {
				b = next;
			} else if (i + 32 <= n) {
				b = BLOCK32(wide, u + i);
			} else {
				/* The field's last bytes (a short field's all), padded
				 * with NULs, which are not word characters. */
				unsigned char tail[32] = {0};
				memcpy(tail, u + i, n - i);
				b = BLOCK32(wide, tail);
				valid = (1u << (n - i)) - 1;
			}
			uint32_t wm = (uint32_t)b;
			unsigned q = (unsigned)(b >> 32);
			if (q == 32) {
				/* The next block too, so that a word running into it
				 * has its end known here; the loop takes it over. */
				next_ok = 0;
				if (i + 64 <= n) {
					next = BLOCK32(wide, u + i + 32);
					next_ok = next >> 32 == 32;
				}
				uint64_t both = wm | (next_ok ? next << 32 : 0);
				unsigned span = next_ok ? 64 : 32;
				uint32_t bnd = (wm ^ (wm << 1 | (prev == 1))) & valid;
				if (prev == 2)
					bnd |= 1;
				/* Where no term starts with a non-word character, only
				 * word starts can begin a match. */
				if (!fp->nonword_first)
					bnd &= wm;
				/* First which boundaries the prefilter passes, without
				 * a branch on its answer: about a third pass, in no
				 * order a branch predictor learns, and the branch cost
				 * more than the rest of the look-up. */
				uint32_t go = 0;
				while (bnd) {
					unsigned p = (unsigned)__builtin_ctz(bnd);
					bnd &= bnd - 1;
					go |= (uint32_t)prefilter_bit(fp, u, n, i + p) << p;
				}
				while (go) {
					unsigned p = (unsigned)__builtin_ctz(go);
					go &= go - 1;
					/* A word ending in these blocks: where, known here. */
					uint64_t rest = ~both >> p;   /* 0: a word through both blocks */
					unsigned word = wm >> p & 1, e = rest ? (unsigned)__builtin_ctzll(rest) : 64;
					size_t wend = word && p + e < span ? i + p + e : 0;
					const struct memo_ent *me = wend ? memo_fast(G, fp, u, n, i + p, wend, both, i, span) : NULL;
					int rc = !me ? visit(a, fp, f, s, n, i + p, (int)word, wend, err)
					       : me->state == M_MATCH ? count_at(a, f, i + p, s, n, me->hit, me->nhit, err) : 0;
					if (rc < 0)
						return -1;
				}
				prev = wm >> 31 & 1;
				i += 32;
				continue;
			}
			plain_until = i + q + 1;   /* past the byte it could not judge */
		}
		next_ok = 0;
#endif
		size_t l;
		unsigned w = char_class(G, u, n, i, &l) == 1;
		if (w != prev && fp->first[u[i]] >= 0 && prefilter_pass(&fp->pre, u, n, i) &&
		    visit(a, fp, f, s, n, i, (int)w, 0, err) < 0)
			return -1;
		prev = w;
		i += l;
	}
	return 0;
}

/* The scan with SSE2 alone.  Out of line, as scan_field_avx2 is: inlined
 * into goals_scan_record, the loop came out 1.4 % more instructions. */
static __attribute__((noinline)) int scan_field(struct acc *a, const struct fieldplan *fp, size_t f, const char *s,
						size_t n, eu_buf *err)
{
	return scan_body(a, fp, f, s, n, err, 0);
}

#ifdef EU_AVX2
__attribute__((target("avx2"))) static int scan_field_avx2(struct acc *a, const struct fieldplan *fp, size_t f,
							   const char *s, size_t n, eu_buf *err)
{
	return scan_body(a, fp, f, s, n, err, 1);
}
#endif

/* The hits of every term in a record's fields (field f: len[f] bytes at
 * text[f]), counted into a.  Returns 0, or -1 with err set when a match
 * limit was hit. */
int goals_scan_record(struct acc *a, const char *const *text, const size_t *len, eu_buf *err)
{
	const eu_goals *G = a->G;
	int rc = 0;

	for (size_t f = 0; f < G->nfields && rc == 0; f++) {
		if (!len[f])
			continue;
		for (size_t g = 0; g < G->ngoals; g++)
			a->last_end[g] = 0;
		G->xs->gen++;
		size_t first_hit = a->nhits;
#ifdef EU_AVX2
		if (G->use[f]->any && G->avx2)
			rc = scan_field_avx2(a, G->use[f], f, text[f], len[f], err);
		else
#endif
		if (G->use[f]->any)
			rc = scan_field(a, G->use[f], f, text[f], len[f], err);
		/* Terms that may end a compound, inside words: compound.c. */
		if (rc == 0 && G->use[f]->cp.n)
			rc = goals_compound_scan(a, G->use[f], f, text[f], len[f], first_hit, err);
		/* Terms that need not start at a boundary: the plain way. */
		for (size_t ci = 0; ci < G->ncombos && rc == 0; ci++) {
			const struct combo *c = &G->combos[ci];
			if (c->field != f)
				continue;
			const char *s = text[f];
			size_t n = len[f];
			PCRE2_SIZE off = 0;
			while (off < n) {
				int m = pcre2_match(c->re, (PCRE2_SPTR)s, n, off, 0, G->md, G->mctx);
				if (m == PCRE2_ERROR_NOMATCH)
					break;
				if (m < 0) {
					rc = goals_limit_error(err, m, G->ids[c->goal], G->fields[f]);
					break;
				}
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(G->md);
				size_t ms = ov[0], me = ov[1];
				PCRE2_SPTR mark = pcre2_get_mark(G->md);
				size_t k = mark_term(c->term, mark);
				off = me > ms ? me : ms + 1;
				if ((m = count_hit(a, k, f, s, n, ms, me)) < 0) {
					rc = goals_limit_error(err, m, G->ids[c->goal], G->fields[f]);
					break;
				}
			}
		}
	}
	return rc;
}
