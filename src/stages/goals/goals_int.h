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
 *   compound.c   terms that may end a Danish compound: found inside words
 *   salience.c   the salience rule: where each hit stands, and which goals count
 *   score.c      a record's hits gathered, and the columns written
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

/* What a term's hit is: evidence of a goal, weighed by where it stands
 * (the salience rule, salience.c); points of a group, each term once at
 * its weight (the principle terms, and every term of a spec without the
 * rule); or a marker of the text's structure (salience_markers.csv). */
enum tkind { T_GOAL, T_POINTS, T_MARK };

/* The kinds of marker, as salience_markers.csv names them. */
enum mkind { MK_PURPOSE, MK_SECTION, MK_SECTION_END, MK_BACKGROUND, NMKINDS };

/* Where a hit stands, and what a field is to the rule. */
enum zone { Z_TITLE, Z_LEAD, Z_PURPOSE, Z_BODY, Z_BACKGROUND, Z_OTHER, NZONES };
enum fkind { FK_OTHER, FK_TITLE, FK_TEXT };

struct term {
	size_t goal;
	const char *file;        /* the table it came from, for --explain */
	unsigned char kind;      /* enum tkind */
	unsigned char mark;      /* enum mkind, for a marker */
	unsigned char compound;  /* may be the last part of a compound (compound.c) */
	double weight;
	unsigned fields;         /* bit per field */
	char *pattern;
	pcre2_code *exclude;
	long line;
};

/* A goal term's hit, kept until the record is scanned, when its zone is
 * known (markers may come after it). */
struct rhit {
	uint32_t term, ms, me;
	uint16_t goal;
	uint8_t field, zone;
};

/* A marker's hit. */
struct rmark {
	uint32_t ms, me;
	uint8_t field, kind;
};

/* A stretch of a text field that states the purpose (salience.c). */
struct span {
	uint32_t s, e;
};

/* Hits and markers kept per record at most: memory stays flat.  Hits past
 * the cap still count, at their field's zone (title, body, other), and
 * --explain says how many; markers past it are not used. */
#define HITS_MAX 8192
#define MARKS_MAX 1024

/* The rule's numbers, from settings.csv (salience.*). */
struct salience {
	double zone[NZONES];
	double lead_sentences, min_evidence, relative, min_density, section_bytes;
};

/* One goal's tally in a record. */
struct gstat {
	double e;                /* evidence: term weight x zone factor, summed */
	double bg;               /* the part of it in the background */
	unsigned zones[NZONES];  /* mentions by zone, counted as the zones are found */
	unsigned mentions, terms; /* set by sum_terms and goals_decide */
	int top;                 /* a mention in title, lead or purpose (set by goals_decide) */
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

/* The compound terms of a field plan (compound.c): where inside a word
 * one can start (byte classes for the SIMD filter, a byte-pair table for
 * the scalar one, the Latin-1 letters that can be second, and a prefilter
 * of four bytes), and each goal's anchored alternation of them. */
struct compound {
	size_t n;                /* compound terms */
	/* Nibble tables: the classes of a byte as a term's first, second,
	 * third and fourth (a class per term, eight at most, shared beyond). */
	unsigned char lo[5][16], hi[5][16]; /* [4]: a C3 xx letter's xx as second */
	uint8_t pair[1 << 13];   /* bit per (byte, next byte): the same, for the scalar filter */
	uint64_t c3[128];        /* ASCII first byte: bit per C3 xx letter (xx & 63) that may be second */
	pcre2_code *all;         /* every compound term, anchored, for the prefilter */
	int all_safe;            /* the prefilter may judge them (goals_compound_build says when) */
	struct prefilter pre;
	size_t *glist, ng;       /* the goals with compound terms */
	pcre2_code **goal;       /* per goal, anchored, or NULL */
	size_t **gterm;          /* per goal: mark n -> term index */
	unsigned char (*gfirst)[256]; /* per goal: bytes its compound terms can start with */
};

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
	struct compound cp;      /* its compound terms, if any */
};

/* The memo's entries (see memo.c for what it remembers and why that is
 * safe): read by memo.c and by the scan's inline look-up in scan.c. */
#define MEMO_BITS 14
#define MEMO_KEY 48
#define MEMO_LEVELS 4
#define MEMO_HITS 5
#define PREV_START 0xffffffffu   /* no character before: the field starts */

enum { M_EMPTY, M_NOMATCH, M_MATCH, M_PARTIAL };

struct pos_hit {                 /* a term's match, from the boundary */
	uint32_t term, ms, me;
};

/* Two cache lines, aligned: a look-up reads the first only (meta, a short
 * key, state), and only a match the second.  At 136 bytes unaligned, most
 * look-ups read two lines.  Five hits, to fit: a place where six goals
 * match is matched whole (memo.c), as one where seven did before. */
struct memo_ent {
	uint64_t meta;           /* see memo_meta; 0: empty */
	uint64_t key[MEMO_KEY / 8];      /* the text, zero after klen bytes */
	unsigned char state, nhit;
	struct pos_hit hit[MEMO_HITS];   /* the bucket's first, then by goal */
} __attribute__((aligned(64)));

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
	size_t flen[MAX_FIELDS];  /* strlen(fields[f]), for the evidence */
	size_t nfields;
	struct term *terms;
	size_t nterms;
	struct combo *combos;    /* the general terms, one pattern per goal and field */
	size_t ncombos;
	struct fieldplan plan[MAX_FIELDS];
	/* The plan each field scans with: fields with the same word-start terms
	 * (title, summary, keywords) share one, built once. */
	const struct fieldplan *use[MAX_FIELDS];
	int salience;            /* goals are decided by the salience rule */
	struct salience sal;
	unsigned char fkind[MAX_FIELDS]; /* enum fkind */
	char *markers_path;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	pcre2_match_data *md;
	pcre2_match_data *xmd;
	char *terms_path;
	eu_goals_spec spec;
	int *extra;              /* per group: 0 a goal, 1 the extra table's, 2 markers */
	int nojit;               /* some pattern is not JIT-compiled */
	/* \w of the two-byte UTF-8 characters (U+0080 to U+07FF: Latin-1,
	 * Latin Extended, Greek, Cyrillic), by (lead - 0xC2) << 6 | trail. */
	unsigned char word2[30 << 6];
	int c3_letters;          /* \w holds every C3 xx but × and ÷ (see block_words) */
	int avx2;                /* scan with scan_field_avx2 */
	int ssse3;               /* without AVX2: filter compounds with SSSE3 (compound.c) */
	struct memo *memo;       /* NULL: EUPRIO_GOALS_NO_MEMO */
	eu_buf *ev;              /* per goal: evidence scratch, reused */
	struct xscan *xs;        /* where each exclude pattern's search stands */
	double *tw;              /* per term: best hit (points) or sum of zone factors (goals), 0 between */
	unsigned char *seen;     /* per term: hit in this record, 0 between */
	uint32_t *touched;       /* the terms hit in this record */
	uint32_t *first;         /* per goal term: its first kept hit in this record, or UINT32_MAX */
	struct rhit *hits;       /* HITS_MAX */
	struct rmark *marks;     /* MARKS_MAX */
	struct gstat *gs;        /* per group */
	struct span *spans;      /* MARKS_MAX */
	int is_clone;            /* owns only the scratch below the terms */
};

/* What one record has gathered so far. */
struct acc {
	const eu_goals *G;
	double *tw;              /* per term: see eu_goals */
	unsigned char *seen;     /* per term: hit yet */
	uint32_t *touched;       /* the terms hit, so that only they are summed and reset */
	size_t ntouched;
	uint32_t *first;         /* see eu_goals */
	struct rhit *hits;       /* the goal terms' hits, in the order found */
	size_t nhits, over;      /* kept, and counted past HITS_MAX */
	struct rmark *marks;
	size_t nmarks;
	struct gstat *gs;
	size_t bg[MAX_FIELDS];   /* per text field: where its background starts (its length if none) */
	eu_buf *ev;              /* per goal: evidence text */
	size_t *last_end;        /* per goal and field: where its last hit ended */
	eu_goals_hit_fn hit;
	void *hctx;
};

/* Calls between the files, each told where it is defined. */

/* terms.c */
struct eu_table;
int goals_load_goal_table(eu_goals *G, const char *dir);
int goals_load_terms(eu_goals *G, const char *dir, const char *file, const char *goal_col,
		     const char *weight_col, int extra, pcre2_match_data *probe);
int goals_load_settings(eu_goals *G, const char *dir);
char *goals_term_pattern(const struct eu_table *t, size_t r, long c, pcre2_match_data *probe);
long goals_add_group(eu_goals *G, const char *id, int extra);

/* salience.c */
extern const char *const goals_zone_name[NZONES];
int goals_load_salience(eu_goals *G, const void *settings);
int goals_load_markers(eu_goals *G, const char *dir, pcre2_match_data *probe);
void goals_hit_over(struct acc *a, const struct term *tm, size_t f);
void goals_zones(struct acc *a, const char *const *text, const size_t *len);
void goals_decide(struct acc *a, const char *const *text, const size_t *len, eu_goals_result *res);

/* compound.c */
int goals_compound_build(eu_goals *G, struct fieldplan *fp, const size_t *list, size_t n,
			 const unsigned char (*can)[256], void *later);
void goals_compound_free(const eu_goals *G, struct fieldplan *fp);
int goals_compound_scan(struct acc *a, const struct fieldplan *fp, size_t f, const char *s, size_t n,
			size_t first_hit, eu_buf *err);

/* plan.c */
int goals_plan_build(eu_goals *G, unsigned threads);
void goals_plan_free(eu_goals *G);
pcre2_code *goals_combine(eu_goals *G, const size_t *terms, size_t n, uint32_t extra, eu_buf *pat, void *later,
			  uint32_t modes);
void goals_prefilter_build(struct prefilter *pf, pcre2_code *const re[128], pcre2_match_data *md, int fold);
void goals_prefilter_free(struct prefilter *pf);
int goals_fold_safe(const char *pat);
int goals_partial_ok(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md);

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
	/* Four ASCII bytes, the common case: one look-up, and no branch on
	 * its answer (the scan passes about a third of its word starts, in
	 * no order a branch predictor learns). */
	if (__builtin_expect(i + 4 <= n, 1)) {
		uint32_t w;
		memcpy(&w, u + i, 4);
		if (__builtin_expect(!(w & 0x80808080u), 1)) {
			uint32_t h = quad_hash(w);
			return (int)((unsigned)pf->all[u[i]] | (unsigned)(pf->quad[h >> 6] >> (h & 63) & 1));
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

/* The compound filter (compound.c tells it): of the places in inner
 * (bits for P[0..32); P[-1] to P[35] readable), those where a compound
 * term may start: after a byte that may end a word's character, with a
 * class shared by the byte as a first, the next as a second, and so on to
 * the fourth.  From the first byte from 0x80 on, every class passes: the
 * tables judge ASCII only. */
#ifdef EU_AVX2
/* The nibble tables in registers, loaded once per field. */
struct ctab {
	__m256i lo[5], hi[5];
};

__attribute__((target("avx2"))) static inline void compound_tables(const struct compound *cp, struct ctab *t)
{
	for (int k = 0; k < 5; k++) {
		t->lo[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)cp->lo[k]));
		t->hi[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)cp->hi[k]));
	}
}

__attribute__((target("avx2"))) static inline __m256i compound_classes(const struct ctab *t, int k, __m256i v)
{
	const __m256i nib = _mm256_set1_epi8(0x0f);
	return _mm256_and_si256(_mm256_shuffle_epi8(t->lo[k], _mm256_and_si256(v, nib)),
				_mm256_shuffle_epi8(t->hi[k], _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
}

__attribute__((target("avx2"))) static inline uint32_t compound_mask_avx2(const struct ctab *t, const unsigned char *P,
									  uint32_t inner)
{
	const __m256i all = _mm256_set1_epi8(-1);
	__m256i v0 = _mm256_loadu_si256((const __m256i *)P), v1 = _mm256_loadu_si256((const __m256i *)(P + 1)),
		v2 = _mm256_loadu_si256((const __m256i *)(P + 2)), v3 = _mm256_loadu_si256((const __m256i *)(P + 3));
	/* A first byte's classes hold the lead bytes too; after a byte from
	 * 0x80 on, blendv (by the top bit of the bytes so far) passes all. */
	__m256i s1 = _mm256_or_si256(v0, v1), s2 = _mm256_or_si256(s1, v2), s3 = _mm256_or_si256(s2, v3);
	/* A Latin-1 letter (C3 xx: æ ø å é) second after an ASCII first is
	 * judged by its xx: Danish text has many. */
	__m256i c3 = _mm256_andnot_si256(v0, _mm256_cmpeq_epi8(v1, _mm256_set1_epi8((char)0xc3)));
	__m256i c1 = _mm256_blendv_epi8(_mm256_blendv_epi8(compound_classes(t, 1, v1), all, s1),
					compound_classes(t, 4, v2), c3);
	__m256i c = _mm256_and_si256(compound_classes(t, 0, v0), c1);
	c = _mm256_and_si256(c, _mm256_blendv_epi8(compound_classes(t, 2, v2), all, s2));
	c = _mm256_and_si256(c, _mm256_blendv_epi8(compound_classes(t, 3, v3), all, s3));
	/* Inside a word as far as one compare tells: the byte before is not
	 * a space, control or punctuation below '0'. */
	__m256i vb = _mm256_loadu_si256((const __m256i *)(P - 1));
	uint32_t after = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(vb, _mm256_set1_epi8('0')), vb));
	return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(c, _mm256_setzero_si256())) & inner & after;
}
#endif

/* Counting a hit, inline in every place that finds one; what becomes of
 * the counts, and the helpers called here, are in score.c. */

/* Counts a hit of term k in field f at [ms, me), unless its exclude
 * pattern covers it: a marker is noted, a goal term's hit kept for the
 * salience rule, a points term's best hit remembered.  Returns 0, or a
 * PCRE2 error code. */
static inline __attribute__((always_inline)) int count_hit(struct acc *a, size_t k, size_t f, const char *s,
							     size_t n, size_t ms, size_t me)
{
	const eu_goals *G = a->G;
	const struct term *tm = &G->terms[k];

	if (tm->kind == T_MARK) {
		if (a->nmarks < MARKS_MAX)
			a->marks[a->nmarks++] = (struct rmark){(uint32_t)ms, (uint32_t)me, (uint8_t)f, tm->mark};
		return 0;
	}
	if (tm->exclude) {
		int xrc;
		int x = goals_excluded(G, k, s, n, ms, me, &xrc);
		if (xrc < 0)
			return xrc;
		if (x)
			return 0;
	}
	if (!a->seen[k]) {
		a->seen[k] = 1;
		a->touched[a->ntouched++] = (uint32_t)k;
		/* A goal's evidence is written from its first kept hit once it
		 * counts (goals_decide); the extra table's is not written. */
		if (tm->kind == T_GOAL)
			a->first[k] = a->nhits < HITS_MAX ? (uint32_t)a->nhits : UINT32_MAX;
		else if (!G->salience)
			goals_add_evidence(a, tm, f, s, ms, me);
	}
	if (tm->kind == T_GOAL) {
		if (a->nhits < HITS_MAX)
			a->hits[a->nhits++] = (struct rhit){(uint32_t)k, (uint32_t)ms, (uint32_t)me, (uint16_t)tm->goal,
							    (uint8_t)f, 0};
		else
			goals_hit_over(a, tm, f);
		return 0;
	}
	if (a->hit) {
		eu_goals_hit h = {G->ids[tm->goal], G->fields[f], ms, me - ms, s + ms, tm->file, tm->line,
				  tm->pattern, tm->weight, NULL, 1};
		a->hit(a->hctx, &h);
	}
	if (tm->weight > a->tw[k])
		a->tw[k] = tm->weight;
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
