/* What the files of the goals stage share: the loaded tables and plans
 * (struct eu_goals), the memo's entries, a record's tally (struct acc),
 * and the helpers of the hot path, static inline here so that every
 * caller still has them inlined.  How the scan works is told at the top
 * of scan.c.
 *
 *   terms.c      goals.csv, the term tables and settings.csv
 *   plan.c       the combined patterns, the field plans and their prefilter
 *   memo.c       the memo, and the hits at one word boundary
 *   scan.c       the word-boundary scan of a record's fields
 *   score.c      a record's hits summed into goals, strength and evidence
 *   lifecycle.c  load, clone and free */
#ifndef EUPRIO_GOALS_INT_H
#define EUPRIO_GOALS_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* A 32-byte mask where the processor has AVX2, chosen at run time. */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#define EU_AVX2 1
#include <immintrin.h>
#endif

#include "euprio/core/buf.h"
#include "euprio/stages/goals.h"

#define MAX_FIELDS 32
#define COMPILE_FLAGS (PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF | PCRE2_NO_AUTO_CAPTURE)

struct term {
	size_t goal;
	const char *file;        /* the table it came from, for --explain */
	int unweighted;          /* an extra-table term: field weights do not apply */
	double weight;
	unsigned fields;         /* bit per field */
	char *pattern;
	pcre2_code *exclude;
	long line;
};

struct combo {                   /* terms of one goal (or all goals) for one field */
	size_t goal, field;
	pcre2_code *re;
	size_t *term;            /* mark n -> term index */
	size_t nterm;
};

struct bucket {                  /* the word-start terms that can begin with one byte */
	pcre2_code *re;          /* anchored alternation */
	size_t *term;            /* mark n -> term index */
	size_t nterm;
	int memo_ok;             /* its answers may be remembered (see memo_safe) */
};

/* Which ASCII bytes can follow the first ones of a word for a match to
 * start there, found at load by partial matches (no pattern parsing).
 * Most words of running text ("den", "for", "med") stop here, before any
 * match call. */
struct prefilter {
	unsigned char *second;   /* [b << 7 | c], ASCII: can a match start with b, c? */
	uint16_t *third_idx;     /* [b << 7 | c] -> 1 + index into third, 0: no filter */
	uint64_t (*third)[2];    /* ASCII bytes that can follow b, c */
	uint16_t *fourth_idx;    /* [(third index) * 128 + d] -> 1 + index into fourth */
	uint64_t (*fourth)[2];   /* ASCII bytes that can follow b, c, d */
	uint64_t *quad;          /* all four levels: a bit per hashed four bytes, never a false no */
	unsigned char all[128];  /* first bytes it does not judge */
};
#define QUAD_BITS 20

struct fieldplan {               /* the word-boundary scan of one field */
	int any;                 /* the field has word-start terms */
	struct bucket *buckets;  /* distinct term sets */
	size_t nbuckets;
	short first[256];        /* byte -> bucket, or -1 */
	struct prefilter pre;    /* for the buckets */
	pcre2_code **goal;       /* anchored, per goal, or NULL */
	size_t **gterm;          /* per goal: mark n -> term index */
	int *gmemo;              /* per goal: its answers may be remembered */
	unsigned char (*gfirst)[256]; /* per goal: bytes its terms can start with */
	size_t recheck_at[257];  /* byte b: recheck[recheck_at[b] .. recheck_at[b + 1]) */
	size_t *recheck;         /* the goals whose terms can start with b */
	unsigned char memo_ok[256]; /* by first byte: every pattern tried there may be remembered */
	unsigned id;             /* its field's index: names it in the memo */
	int nonword_first;       /* some term can start with a non-word byte */
	int fold;                /* no term tells letter cases apart (fold_safe) */
};

/* The memo's entries (see memo.c for what it remembers and why that is
 * safe): read by memo.c and by the scan's inline look-up in scan.c. */
#define MEMO_BITS 14
#define MEMO_KEY 48
#define MEMO_LEVELS 4
#define MEMO_HITS 6
#define PREV_START 0xffffffffu   /* no character before: the field starts */

enum { M_EMPTY, M_NOMATCH, M_MATCH, M_PARTIAL };

struct pos_hit {                 /* a term's match, from the boundary */
	uint32_t term, ms, me;
};

struct memo_ent {
	uint64_t key[MEMO_KEY / 8];      /* the text, zero after klen bytes */
	uint64_t meta;           /* see memo_meta; 0: empty */
	unsigned char state, nhit;
	struct pos_hit hit[MEMO_HITS];   /* the bucket's first, then by goal */
};

struct memo {
	struct memo_ent e[1u << MEMO_BITS];
};

/* Where each term's exclude search stands (struct xcur: see score.c). */
struct xscan {
	unsigned long gen;       /* one per field scanned */
	struct xcur *c;          /* per term */
};

struct eu_goals {
	char **ids;
	size_t ngoals;
	char *fields[MAX_FIELDS];
	double fweight[MAX_FIELDS];
	size_t nfields;
	struct term *terms;
	size_t nterms;
	struct combo *combos;    /* the general terms, one pattern per goal and field */
	size_t ncombos;
	struct fieldplan plan[MAX_FIELDS];
	/* The plan each field scans with: fields with the same word-start terms
	 * (title, summary, keywords) share one, built once. */
	const struct fieldplan *use[MAX_FIELDS];
	double threshold;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	pcre2_match_data *md;
	pcre2_match_data *xmd;
	char *terms_path;
	eu_goals_spec spec;
	int *extra;              /* per group: from the extra table */
	int nojit;               /* some pattern is not JIT-compiled */
	/* \w of the two-byte UTF-8 characters (U+0080 to U+07FF: Latin-1,
	 * Latin Extended, Greek, Cyrillic), by (lead - 0xC2) << 6 | trail. */
	unsigned char word2[30 << 6];
	int c3_letters;          /* \w holds every C3 xx but × and ÷ (see block_words) */
	int avx2;                /* scan with scan_field_avx2 */
	struct memo *memo;       /* NULL: EUPRIO_GOALS_NO_MEMO */
	eu_buf *ev;              /* per goal: evidence scratch, reused */
	struct xscan *xs;        /* where each exclude pattern's search stands */
	double *tw;              /* per term: best weighted hit in this record, 0 between */
	unsigned char *seen;     /* per term: hit in this record, 0 between */
	uint32_t *touched;       /* the terms hit in this record */
	int is_clone;            /* owns only the scratch below the terms */
};

/* What one record has gathered so far. */
struct acc {
	const eu_goals *G;
	double *tw;              /* per term: best weighted hit, 0 if none */
	unsigned char *seen;     /* per term: hit yet */
	uint32_t *touched;       /* the terms hit, so that only they are summed and reset */
	size_t ntouched;
	eu_buf *ev;              /* per goal: evidence text */
	size_t *last_end;        /* per goal and field: where its last hit ended */
	eu_goals_hit_fn hit;
	void *hctx;
};

/* Calls between the files, each told where it is defined. */

/* terms.c */
int goals_load_goal_table(eu_goals *G, const char *dir);
int goals_load_terms(eu_goals *G, const char *dir, const char *file, const char *goal_col,
		     const char *weight_col, int extra, pcre2_match_data *probe);
int goals_load_settings(eu_goals *G, const char *dir);

/* plan.c */
int goals_plan_build(eu_goals *G, unsigned threads);
void goals_plan_free(eu_goals *G);

/* memo.c */
struct memo *goals_memo_new(void);
size_t goals_next_cut(const eu_goals *G, const unsigned char *u, size_t n, size_t j, size_t wend);
void goals_key_words(const unsigned char *p, size_t k, size_t avail, uint64_t *w);
int goals_try_at(struct acc *a, const struct fieldplan *fp, size_t f, const char *s, size_t n, size_t i,
		 size_t wend, eu_buf *err);

/* scan.c */
void goals_chars_init(eu_goals *G);
int goals_scan_record(struct acc *a, const char *const *text, const size_t *len, eu_buf *err);
int goals_limit_error(eu_buf *err, int rc, const char *goal, const char *field);

/* score.c */
struct xscan *goals_xscan_new(size_t nterms);
void goals_xscan_free(struct xscan *x);
int goals_excluded(const eu_goals *G, size_t k, const char *text, size_t len, size_t s, size_t e, int *rc);
void goals_add_evidence(struct acc *a, const struct term *tm, size_t f, const char *s, size_t ms, size_t me);

/* lifecycle.c */
void goals_jit_stack(eu_goals *G);

/* The prefilter's hash of four bytes, and its reading half (plan.c builds
 * it). */
static inline uint32_t quad_hash(uint32_t w)
{
	return (w * 0x9e3779b1u) >> (32 - QUAD_BITS);
}

/* Can a match start at u[i], judging by up to four bytes? */
static inline __attribute__((always_inline)) int prefilter_pass(const struct prefilter *pf, const unsigned char *u,
								  size_t n, size_t i)
{
	/* Four ASCII bytes, the common case: one look-up. */
	if (i + 4 <= n) {
		uint32_t w;
		memcpy(&w, u + i, 4);
		if (!(w & 0x80808080u)) {
			if (pf->all[u[i]])
				return 1;
			uint32_t h = quad_hash(w);
			return (int)(pf->quad[h >> 6] >> (h & 63) & 1);
		}
	}
	/* Otherwise level by level. */
	if (i + 1 >= n || (u[i] | u[i + 1]) >= 0x80)
		return 1;      /* non-ASCII pairs always pass */
	unsigned pair = (unsigned)u[i] << 7 | u[i + 1];
	if (!pf->second[pair])
		return 0;
	uint16_t t = pf->third_idx[pair];
	unsigned char d = i + 2 < n ? u[i + 2] : 0;
	if (!t || !d || d >= 0x80)
		return 1;
	if (!(pf->third[t - 1][d >> 6] & (1ull << (d & 63))))
		return 0;
	uint16_t q = pf->fourth_idx[(size_t)(t - 1) * 128 + d];
	unsigned char e = i + 3 < n ? u[i + 3] : 0;
	if (!q || !e || e >= 0x80)
		return 1;
	return (int)(pf->fourth[q - 1][e >> 6] >> (e & 63) & 1);
}

/* Characters: what \w is, as the scan and the memo's cuts need it. */

/* Bytes by what \w (PCRE2_UCP) makes of them when they stand alone: 1 an
 * ASCII word character (letter, digit, underscore), 0 an ASCII non-word
 * character, 2 the start of a longer character or an invalid byte. */
#define W_ 1
#define L_ 2
static const unsigned char byte_class[256] = {
	['0'] = W_, ['1'] = W_, ['2'] = W_, ['3'] = W_, ['4'] = W_, ['5'] = W_, ['6'] = W_, ['7'] = W_,
	['8'] = W_, ['9'] = W_, ['_'] = W_,
	['A'] = W_, ['B'] = W_, ['C'] = W_, ['D'] = W_, ['E'] = W_, ['F'] = W_, ['G'] = W_, ['H'] = W_,
	['I'] = W_, ['J'] = W_, ['K'] = W_, ['L'] = W_, ['M'] = W_, ['N'] = W_, ['O'] = W_, ['P'] = W_,
	['Q'] = W_, ['R'] = W_, ['S'] = W_, ['T'] = W_, ['U'] = W_, ['V'] = W_, ['W'] = W_, ['X'] = W_,
	['Y'] = W_, ['Z'] = W_,
	['a'] = W_, ['b'] = W_, ['c'] = W_, ['d'] = W_, ['e'] = W_, ['f'] = W_, ['g'] = W_, ['h'] = W_,
	['i'] = W_, ['j'] = W_, ['k'] = W_, ['l'] = W_, ['m'] = W_, ['n'] = W_, ['o'] = W_, ['p'] = W_,
	['q'] = W_, ['r'] = W_, ['s'] = W_, ['t'] = W_, ['u'] = W_, ['v'] = W_, ['w'] = W_, ['x'] = W_,
	['y'] = W_, ['z'] = W_,
	[0x80] = L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
};
#undef W_
#undef L_

/* Is code point cp a \w character: a letter, a number or underscore? */
static inline int cp_word(utf8proc_int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);
	return cp == '_' || (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	       (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

/* The character at u[i]: 1 a word character, 0 not, -1 an invalid byte
 * (never a word character); *len its length in bytes. */
static inline int char_class(const eu_goals *G, const unsigned char *u, size_t n, size_t i, size_t *len)
{
	unsigned char c = u[i];

	if (c < 0x80) {
		*len = 1;
		return byte_class[c];
	}
	if (c >= 0xc2 && c <= 0xdf && i + 1 < n && (u[i + 1] & 0xc0) == 0x80) {
		*len = 2;      /* æ ø å é ü and the rest of Latin-1: a table */
		return G->word2[(c - 0xc2) << 6 | (u[i + 1] & 0x3f)];
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
	if (k < 1) {
		*len = 1;
		return -1;
	}
	*len = (size_t)k;
	return cp_word(cp);
}

#ifdef __SSE2__
/* The ASCII word characters (letters, digits, _) among 16 bytes. */
static inline unsigned ascii_words(__m128i v)
{
	__m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
	/* Signed compares: bytes from 0x80 fall outside every ASCII range. */
	__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
				      _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1)));
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i word = _mm_or_si128(_mm_or_si128(alpha, digit), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
	return (unsigned)_mm_movemask_epi8(word);
}
#endif

/* Past the ASCII word characters from j. */
static inline size_t ascii_run(const unsigned char *u, size_t n, size_t j)
{
#ifdef __SSE2__
	/* Sixteen bytes at a time: most words end in the first block. */
	while (j + 16 <= n) {
		unsigned stop = ~ascii_words(_mm_loadu_si128((const __m128i *)(u + j))) & 0xffffu;
		if (stop)
			return j + (size_t)__builtin_ctz(stop);
		j += 16;
	}
#endif
	while (j < n && byte_class[u[j]] == 1)
		j++;
	return j;
}

/* The memo's keys and slots, for its look-ups in memo.c and scan.c. */

/* Everything of a key but its text, in one word: the character before,
 * the length, whether the cut is the field's end, and the plan. */
static inline uint64_t memo_meta(uint32_t prev, size_t klen, int end, unsigned plan)
{
	return (uint64_t)prev | (uint64_t)klen << 32 | (uint64_t)end << 40 | (uint64_t)plan << 48 | 1ull << 63;
}

/* The slot of a key: one multiply per word. */
static const uint64_t memo_mul[MEMO_KEY / 8] = {
	0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull,
	0xd6e8feb86659fd93ull, 0xff51afd7ed558ccdull, 0xc4ceb9fe1a85ec53ull,
};

static inline size_t memo_slot(const uint64_t *key, size_t klen, uint64_t meta)
{
	uint64_t h = meta * 0x94d049bb133111ebull;
	for (size_t q = 0; q * 8 < klen; q++)
		h ^= key[q] * memo_mul[q];
	h ^= h >> 31;
	return (size_t)((h * 0xbf58476d1ce4e5b9ull) >> (64 - MEMO_BITS));
}

/* memo_slot of a key of at most 16 bytes, without the loop: the second
 * word is 0 for a key of 8 bytes or less, and adds nothing then. */
static inline size_t memo_slot16(const uint64_t k[2], uint64_t meta)
{
	uint64_t h = meta * 0x94d049bb133111ebull ^ k[0] * memo_mul[0] ^ k[1] * memo_mul[1];
	h ^= h >> 31;
	return (size_t)((h * 0xbf58476d1ce4e5b9ull) >> (64 - MEMO_BITS));
}

/* The key of the klen bytes at u + i, klen at most 16, as goals_key_words
 * makes it: one 16-byte copy where the text allows. */
static inline void key16(const unsigned char *u, size_t n, size_t i, size_t klen, uint64_t k[2])
{
	k[0] = k[1] = 0;
	if (i + 16 <= n)
		memcpy(k, u + i, 16);
	else
		memcpy(k, u + i, klen);
	if (klen <= 8) {
		k[0] &= ~0ull >> (64 - 8 * klen);
		k[1] = 0;
	} else if (klen < 16) {
		k[1] &= ~0ull >> (64 - 8 * (klen - 8));
	}
}

static inline int same_key(const uint64_t *a, const uint64_t *b, size_t k)
{
	for (size_t q = 0; q * 8 < k; q++)
		if (a[q] != b[q])
			return 0;
	return 1;
}

/* The term a hit's (*MARK:n) names, n indexing terms. */
static inline size_t mark_term(const size_t *terms, PCRE2_SPTR mark)
{
	size_t k = 0;

	for (; mark && *mark >= '0' && *mark <= '9'; mark++)
		k = k * 10 + (size_t)(*mark - '0');
	return terms[k];
}

/* Counting a hit, inline in every place that finds one; what becomes of
 * the counts, and the helpers called here, are in score.c. */

/* Counts a hit of term k in field f at [ms, me), unless its exclude
 * pattern covers it.  Returns 0, or a PCRE2 error code. */
static inline __attribute__((always_inline)) int count_hit(struct acc *a, size_t k, size_t f, const char *s,
							     size_t n, size_t ms, size_t me)
{
	const eu_goals *G = a->G;
	const struct term *tm = &G->terms[k];

	if (tm->exclude) {
		int xrc;
		int x = goals_excluded(G, k, s, n, ms, me, &xrc);
		if (xrc < 0)
			return xrc;
		if (x)
			return 0;
	}
	if (a->hit)
		a->hit(a->hctx, G->ids[tm->goal], G->fields[f], ms, s + ms, me - ms, tm->file, tm->line, tm->pattern, tm->weight);
	double w = tm->weight * (tm->unweighted ? 1 : G->fweight[f]);
	if (!a->seen[k]) {
		a->seen[k] = 1;
		a->touched[a->ntouched++] = (uint32_t)k;
		goals_add_evidence(a, tm, f, s, ms, me);
	}
	if (w > a->tw[k])
		a->tw[k] = w;
	return 0;
}

/* Counts the hits at one boundary, by the rules of the scan: a goal's
 * hits do not overlap. */
static inline __attribute__((always_inline)) int count_at(struct acc *a, size_t f, size_t i, const char *s, size_t n,
							    const struct pos_hit *hit, size_t nhit, eu_buf *err)
{
	const eu_goals *G = a->G;

	for (size_t h = 0; h < nhit; h++) {
		size_t k = hit[h].term, g = G->terms[k].goal;
		size_t ms = i + hit[h].ms, me = i + hit[h].me;
		/* The first is where the scan found a hit; the others were
		 * looked for only where their goal's last hit had ended. */
		if (h == 0 ? ms < a->last_end[g] : i < a->last_end[g])
			continue;
		a->last_end[g] = me;
		int m = count_hit(a, k, f, s, n, ms, me);
		if (m < 0)
			return goals_limit_error(err, m, G->ids[g], G->fields[f]);
	}
	return 0;
}

#endif
