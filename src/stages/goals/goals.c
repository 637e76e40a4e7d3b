/* Goal alignment.
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
 * terms find at the others is remembered (see struct memo), so running
 * text, which repeats its words, seldom reaches PCRE2 at all.  The memo
 * and the match data are per eu_goals: a thread gets its own by
 * eu_goals_clone. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* A 32-byte mask where the processor has AVX2, chosen at run time. */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#define EU_AVX2 1
#include <immintrin.h>
#endif

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/stages/goals.h"
#include "euprio/core/text.h"

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

static void word2_build(eu_goals *G);
static struct memo *memo_new(void);
static struct xscan *xscan_new(size_t nterms);
static void scratch_rest(eu_goals *G);
static void xscan_free(struct xscan *x);

size_t eu_goals_nfields(const eu_goals *G) { return G->nfields; }
const char *eu_goals_field(const eu_goals *G, size_t i) { return G->fields[i]; }
size_t eu_goals_ngoals(const eu_goals *G) { return G->ngoals; }

long eu_goals_index(const eu_goals *G, const char *id)
{
	for (size_t g = 0; g < G->ngoals; g++)
		if (strcmp(G->ids[g], id) == 0)
			return (long)g;
	return -1;
}
const char *eu_goals_id(const eu_goals *G, size_t g) { return G->ids[g]; }

static pcre2_code *compile_at(const eu_table *t, size_t r, long c, const char *pat)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, COMPILE_FLAGS,
				       &err, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[200];
		pcre2_get_error_message(err, msg, sizeof msg);
		eu_table_error(t, r, c, "pattern does not compile: %s at offset %zu", (char *)msg, (size_t)off);
	}
	return re;
}

static long field_index(eu_goals *G, const char *name)
{
	for (size_t i = 0; i < G->nfields; i++)
		if (strcmp(G->fields[i], name) == 0)
			return (long)i;
	if (G->nfields == MAX_FIELDS)
		return -1;
	G->fields[G->nfields] = eu_xstrdup(name);
	return (long)G->nfields++;
}

static int load_goal_table(eu_goals *G, const char *dir)
{
	static const char *const req[] = {"id", NULL};
	eu_table t;

	if (eu_table_load(&t, dir, "goals.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long ci = eu_table_col(&t, "id");
	int rc = 0;
	G->ids = eu_xcalloc(t.nrows + 1, sizeof *G->ids);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *id = eu_table_get(&t, r, ci);
		if (!*id || strpbrk(id, ";:|, ")) {
			eu_table_error(&t, r, ci, "a goal id must be non-empty without ';:|, ' ('%s')", id);
			rc = -1;
		}
		for (size_t q = 0; q < G->ngoals; q++)
			if (strcmp(G->ids[q], id) == 0) {
				eu_table_error(&t, r, ci, "goal %s is listed twice", id);
				rc = -1;
			}
		G->ids[G->ngoals++] = eu_xstrdup(id);
	}
	G->extra = eu_xcalloc(G->ngoals + 1, sizeof *G->extra);
	if (!G->ngoals) {
		eu_warn_at(t.path, 0, "no goals defined");
		rc = -1;
	}
	eu_table_free(&t);
	return rc;
}

/* Loads a term table.  extra: its groups are not goals but evidence
 * (knowledge, reputation) named by the table itself, summed without field
 * weights and never subject to the goal threshold. */
static int load_terms(eu_goals *G, const char *dir, const char *file, const char *goal_col,
		      const char *weight_col, int extra, pcre2_match_data *probe)
{
	const char *req[] = {goal_col, weight_col, "fields", "pattern", NULL};
	eu_table t;
	int rc = 0;

	if (eu_table_load(&t, dir, file, req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	if (!G->terms_path)
		G->terms_path = eu_xstrdup(t.path);
	long cg = eu_table_col(&t, goal_col), cw = eu_table_col(&t, weight_col),
	     cf = eu_table_col(&t, "fields"), cp = eu_table_col(&t, "pattern"),
	     cx = eu_table_col(&t, "exclude");
	G->terms = eu_xrealloc(G->terms, (G->nterms + t.nrows + 1) * sizeof *G->terms);
	memset(G->terms + G->nterms, 0, (t.nrows + 1) * sizeof *G->terms);
	for (size_t r = 0; r < t.nrows; r++) {
		struct term *tm = &G->terms[G->nterms];
		const char *gid = eu_table_get(&t, r, cg);
		size_t g;
		for (g = 0; g < G->ngoals; g++)
			if (strcmp(G->ids[g], gid) == 0 && G->extra[g] == extra)
				break;
		if (g == G->ngoals && (extra || !G->spec.goals_file) && *gid) {
			/* Without a goals table the terms name the groups. */
			G->ids = eu_xrealloc(G->ids, (G->ngoals + 1) * sizeof *G->ids);
			G->extra = eu_xrealloc(G->extra, (G->ngoals + 1) * sizeof *G->extra);
			G->extra[G->ngoals] = extra;
			G->ids[G->ngoals++] = eu_xstrdup(gid);
		}
		tm->file = extra ? G->spec.extra_terms_file : G->spec.terms_file;
		tm->unweighted = extra || !G->spec.field_weights;
		if (g == G->ngoals) {
			eu_table_error(&t, r, cg, "unknown goal '%s' (not in goals.csv)", gid);
			rc = -1;
			continue;
		}
		tm->goal = g;
		tm->line = t.rows[r].line;
		/* A term's best hit counts, and nothing is below none: a
		 * negative weight could never count.  exclude is the way to
		 * say where a term does not hold. */
		if (eu_table_number(&t, r, cw, 0, 100, &tm->weight) < 0) {
			rc = -1;
			continue;
		}
		char *fl = eu_xstrdup(eu_table_get(&t, r, cf)), *save = NULL;
		for (char *f = strtok_r(fl, ";|", &save); f; f = strtok_r(NULL, ";|", &save)) {
			f = eu_trim(f);
			if (!*f)
				continue;
			long fi = field_index(G, f);
			if (fi < 0) {
				eu_table_error(&t, r, cf, "more than %d distinct fields", MAX_FIELDS);
				rc = -1;
				break;
			}
			tm->fields |= 1u << fi;
		}
		free(fl);
		if (!tm->fields) {
			eu_table_error(&t, r, cf, "a term needs at least one field");
			rc = -1;
			continue;
		}
		const char *pat = eu_table_get(&t, r, cp);
		pcre2_code *alone = compile_at(&t, r, cp, pat);
		if (!alone) {
			rc = -1;
			continue;
		}
		/* A pattern that matches nothing at all would "match" every
		 * record; refuse it. */
		if (pcre2_match(alone, (PCRE2_SPTR)"", 0, 0, 0, probe, NULL) >= 0) {
			eu_table_error(&t, r, cp, "pattern matches the empty string");
			pcre2_code_free(alone);
			rc = -1;
			continue;
		}
		pcre2_code_free(alone);
		tm->pattern = eu_xstrdup(pat);
		const char *ex = eu_table_get(&t, r, cx);
		if (*ex) {
			tm->exclude = compile_at(&t, r, cx, ex);
			if (!tm->exclude) {
				rc = -1;
				free(tm->pattern);
				continue;
			}
			eu_jit(tm->exclude);
		}
		G->nterms++;
	}
	eu_table_free(&t);
	return rc;
}

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
		 * how matches are run (see build_combos). */
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
static pcre2_code *combine(eu_goals *G, const size_t *terms, size_t n, uint32_t extra, eu_buf *pat,
			   struct jit_list *later, uint32_t modes)
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

static int partial_ok(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md)
{
	/* Tens of thousands of these at load: straight into the JIT code
	 * when there is some (it answers PCRE2_ERROR_JIT_BADOPTION when not). */
	int pr = pcre2_jit_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_PARTIAL_HARD, md, NULL);
	if (pr == PCRE2_ERROR_JIT_BADOPTION)
		pr = pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_PARTIAL_HARD, md, NULL);
	return pr >= 0 || pr == PCRE2_ERROR_PARTIAL;
}

static inline uint32_t quad_hash(uint32_t w)
{
	return (w * 0x9e3779b1u) >> (32 - QUAD_BITS);
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
static int fold_safe(const char *pat)
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
		if (!(fold && upper(x)) && partial_ok(re, w, len + 1, md))
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
static void prefilter_build(struct prefilter *pf, pcre2_code *const re[128], pcre2_match_data *md, int fold)
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
				if (!(pf->second[b << 7 | c] = (unsigned char)partial_ok(re[b], w, 2, md)) ||
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
	int word = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
	return word && looks_one_back_at_most;
}

static void prefilter_free(struct prefilter *pf)
{
	free(pf->quad);
	free(pf->second);
	free(pf->third_idx);
	free(pf->third);
	free(pf->fourth_idx);
	free(pf->fourth);
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
	prefilter_build(&fp->pre, by_first, md, fp->fold);
	for (int b = 0; b < 256; b++) {
		if (fp->first[b] < 0)
			continue;
		/* The non-word characters a block of the scan holds are ASCII,
		 * and × and ÷ (C3 97, C3 B7): can a term start with one? */
		if (b < 0x80 ? !prefilter_may(b, 1)
		    : b == 0xc3 && (!fp->buckets[fp->first[b]].memo_ok ||
				    partial_ok(fp->buckets[fp->first[b]].re, "\xc3\x97", 2, md) ||
				    partial_ok(fp->buckets[fp->first[b]].re, "\xc3\xb7", 2, md)))
			fp->nonword_first = 1;
		int ok = fp->buckets[fp->first[b]].memo_ok;
		for (size_t r = fp->recheck_at[b]; r < fp->recheck_at[b + 1]; r++)
			ok &= fp->gmemo[fp->recheck[r]];
		fp->memo_ok[b] = (unsigned char)ok;
	}
	pcre2_match_data_free(md);
}

static int build_combos(eu_goals *G, unsigned threads)
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
					bk->re = combine(G, set, m, PCRE2_ANCHORED, &pat, &later,
							 PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
					if (!bk->re)
						rc = -1;
					bk->memo_ok = memo_safe(G, bk->re, set, m);
				}
				fp->first[b] = (short)q;
			}
			free(set);
			free(can);
			fp->fold = 1;
			for (size_t i = 0; i < n; i++)
				fp->fold &= fold_safe(G->terms[list[i]].pattern);
			size_t *gl = eu_xcalloc(n + 1, sizeof *gl);
			for (size_t g = 0; g < G->ngoals && fp->any; g++) {
				size_t m = 0;
				for (size_t i = 0; i < n; i++)
					if (G->terms[list[i]].goal == g)
						gl[m++] = list[i];
				if (m) {
					fp->goal[g] = combine(G, gl, m, PCRE2_ANCHORED, &pat, &later,
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
			c->re = combine(G, list, m, 0, &pat, &later, PCRE2_JIT_COMPLETE);
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

static int load_settings(eu_goals *G, const char *dir)
{
	eu_settings s;
	double ml, dl;
	int rc = 0;
	eu_buf key = EU_BUF_INIT;

	if (eu_settings_load(&s, dir, "settings.csv") < 0) {
		eu_settings_free(&s);
		return -1;
	}
	if (eu_setting_number(&s, "goal_threshold", 0, 1e6, &G->threshold) < 0 ||
	    eu_setting_number(&s, "regex_match_limit", 1000, 1e9, &ml) < 0 ||
	    eu_setting_number(&s, "regex_depth_limit", 100, 1e9, &dl) < 0)
		rc = -1;
	double other = 1;
	if (eu_setting_number(&s, "field_weight.other", 0, 100, &other) < 0)
		rc = -1;
	for (size_t f = 0; f < G->nfields; f++) {
		eu_buf_clear(&key);
		eu_buf_printf(&key, "field_weight.%s", G->fields[f]);
		G->fweight[f] = other;
		if (!G->spec.field_weights) {
			G->fweight[f] = 1;
			continue;
		}
		for (size_t r = 0; r < s.t.nrows; r++)
			if (strcmp(s.t.rows[r].v[s.ckey], key.p) == 0 &&
			    eu_table_number(&s.t, r, s.cval, 0, 100, &G->fweight[f]) < 0)
				rc = -1;
	}
	G->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(G->mctx, (uint32_t)ml);
	pcre2_set_depth_limit(G->mctx, (uint32_t)dl);
	/* The default 32 KiB JIT stack is too small for long alternations
	 * on long summaries; 1 MiB is bounded and ample. */
	G->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	pcre2_jit_stack_assign(G->mctx, NULL, G->jstack);
	eu_buf_free(&key);
	eu_settings_free(&s);
	return rc;
}

eu_goals *eu_goals_load(const char *dir)
{
	return eu_goals_load_jobs(dir, 1);
}

eu_goals *eu_goals_load_jobs(const char *dir, unsigned jobs)
{
	eu_goals_spec goals = {
		.goals_file = "goals.csv", .terms_file = "goal_terms.csv",
		.goal_col = "goal", .weight_col = "weight", .field_weights = 1, .jobs = jobs,
	};
	eu_buf path = EU_BUF_INIT;

	/* The knowledge and reputation evidence read the same texts, so they
	 * ride along in the same scan when their table is there; euprio-rank
	 * scans for them itself when the columns are absent. */
	eu_buf_printf(&path, "%s/principle_terms.csv", dir);
	if (access(path.p, F_OK) == 0) {
		goals.extra_terms_file = "principle_terms.csv";
		goals.extra_goal_col = "principle";
		goals.extra_weight_col = "points";
	}
	eu_buf_free(&path);
	return eu_goals_load_spec(dir, &goals);
}

long eu_goals_extra_index(const eu_goals *G, const char *id)
{
	for (size_t g = 0; g < G->ngoals; g++)
		if (G->extra[g] && strcmp(G->ids[g], id) == 0)
			return (long)g;
	return -1;
}

eu_goals *eu_goals_load_spec(const char *dir, const eu_goals_spec *spec)
{
	eu_goals *G = eu_xcalloc(1, sizeof *G);
	int rc = 0;

	G->spec = *spec;
	G->md = pcre2_match_data_create(2, NULL);
	G->xmd = pcre2_match_data_create(2, NULL);
	if (spec->goals_file && load_goal_table(G, dir) < 0) {
		eu_goals_free(G);
		return NULL;
	}
	if (!G->extra)
		G->extra = eu_xcalloc(1, sizeof *G->extra);
	rc |= load_terms(G, dir, spec->terms_file, spec->goal_col, spec->weight_col, 0, G->md);
	if (spec->extra_terms_file)
		rc |= load_terms(G, dir, spec->extra_terms_file, spec->extra_goal_col, spec->extra_weight_col, 1, G->md);
	rc |= load_settings(G, dir);
	if (!rc)
		rc |= build_combos(G, spec->jobs ? spec->jobs : 1);
	if (rc) {
		eu_goals_free(G);
		return NULL;
	}
	word2_build(G);
	scratch_rest(G);
	return G;
}

/* The scratch beside the match data: evidence, exclude searches, memo. */
static void scratch_rest(eu_goals *G)
{
	G->ev = eu_xcalloc(G->ngoals + 1, sizeof *G->ev);
	G->xs = xscan_new(G->nterms);
	G->tw = eu_xcalloc(G->nterms + 1, sizeof *G->tw);
	G->seen = eu_xcalloc(G->nterms + 1, sizeof *G->seen);
	G->touched = eu_xcalloc(G->nterms + 1, sizeof *G->touched);
	const char *nm = getenv("EUPRIO_GOALS_NO_MEMO");
	G->memo = !nm || !*nm || strcmp(nm, "0") == 0 ? memo_new() : NULL;
}

/* The per-thread part: what matching writes to. */
static void scratch_new(eu_goals *G, const pcre2_match_context *limits)
{
	G->md = pcre2_match_data_create(2, NULL);
	G->xmd = pcre2_match_data_create(2, NULL);
	G->mctx = pcre2_match_context_copy((pcre2_match_context *)limits);
	/* As in load_settings. */
	G->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	pcre2_jit_stack_assign(G->mctx, NULL, G->jstack);
	scratch_rest(G);
}

static void scratch_free(eu_goals *G)
{
	pcre2_match_context_free(G->mctx);
	pcre2_jit_stack_free(G->jstack);
	pcre2_match_data_free(G->md);
	pcre2_match_data_free(G->xmd);
	free(G->memo);
	xscan_free(G->xs);
	free(G->tw);
	free(G->seen);
	free(G->touched);
	for (size_t g = 0; G->ev && g < G->ngoals; g++)
		eu_buf_free(&G->ev[g]);
	free(G->ev);
}

eu_goals *eu_goals_clone(const eu_goals *G)
{
	eu_goals *C = eu_xmalloc(sizeof *C);

	*C = *G;
	C->is_clone = 1;
	scratch_new(C, G->mctx);
	return C;
}

void eu_goals_free(eu_goals *G)
{
	if (!G)
		return;
	if (G->is_clone) {
		scratch_free(G);
		free(G);
		return;
	}
	for (size_t i = 0; i < G->ngoals; i++)
		free(G->ids[i]);
	free(G->ids);
	free(G->extra);
	for (size_t i = 0; i < G->nfields; i++)
		free(G->fields[i]);
	for (size_t i = 0; i < G->nterms; i++) {
		free(G->terms[i].pattern);
		pcre2_code_free(G->terms[i].exclude);
	}
	free(G->terms);
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
		prefilter_free(&fp->pre);
		free(fp->gfirst);
		for (size_t g = 0; fp->goal && g < G->ngoals; g++) {
			pcre2_code_free(fp->goal[g]);
			free(fp->gterm[g]);
		}
		free(fp->goal);
		free(fp->gterm);
		free(fp->gmemo);
		free(fp->recheck);
	}
	scratch_free(G);
	free(G->terms_path);
	free(G);
}

void eu_goals_result_free(eu_goals_result *r)
{
	eu_buf_free(&r->goals);
	eu_buf_free(&r->strength);
	eu_buf_free(&r->evidence);
	free(r->score);
	r->score = NULL;
}

static int limit_error(eu_buf *err, int rc, const eu_goals *G, const char *goal, const char *field)
{
	PCRE2_UCHAR msg[160];

	(void)G;
	pcre2_get_error_message(rc, msg, sizeof msg);
	eu_buf_printf(err, "goal %s in %s: %s (the text is too complex for the terms; see regex_match_limit in settings.csv)",
		      goal, field, (char *)msg);
	return -1;
}

/* Where a term's exclude search stands in the field being scanned: its
 * successive matches are found once per field, not once per hit (a long
 * description with a thousand hits of "growth" was a thousand scans). */
struct xcur {
	unsigned long gen;       /* the field scan it belongs to */
	size_t off, xs, xe, last_s;
	int have, done;
};

struct xscan {
	unsigned long gen;       /* one per field scanned */
	struct xcur *c;          /* per term */
};

static struct xscan *xscan_new(size_t nterms)
{
	struct xscan *x = eu_xcalloc(1, sizeof *x);
	x->c = eu_xcalloc(nterms + 1, sizeof *x->c);
	return x;
}

static void xscan_free(struct xscan *x)
{
	if (x)
		free(x->c);
	free(x);
}

/* True when a hit [s, e) lies inside one of the successive matches of
 * the term's exclude pattern that start at or before s.  Runs only for
 * terms that have one, and only on a hit.  Hits come in order of s, so
 * the search resumes where the last hit left it: a match is passed only
 * once it ends at or before s, when no later hit can lie inside it. */
static int excluded(const eu_goals *G, size_t k, const char *text, size_t len, size_t s, size_t e, int *rc)
{
	struct xcur *c = &G->xs->c[k];

	*rc = 0;
	if (c->gen != G->xs->gen || s < c->last_s)
		*c = (struct xcur){.gen = G->xs->gen};
	c->last_s = s;
	for (;;) {
		if (!c->have) {
			if (c->done || c->off > len)
				return 0;
			int m = pcre2_match(G->terms[k].exclude, (PCRE2_SPTR)text, len, c->off, 0, G->xmd, G->mctx);
			if (m == PCRE2_ERROR_NOMATCH) {
				c->done = 1;
				return 0;
			}
			if (m < 0) {
				*rc = m;
				c->gen = 0;     /* start afresh next time */
				return 0;
			}
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(G->xmd);
			c->xs = ov[0];
			c->xe = ov[1];
			c->have = 1;
		}
		if (c->xs <= s && c->xe >= e)
			return 1;
		if (c->xs > s || c->xe > s)
			return 0;       /* the next match would start after s */
		c->off = c->xe > c->xs ? c->xe : c->xs + 1;
		c->have = 0;
	}
}

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

/* Adds the words of a term's first hit in a record to its goal's
 * evidence, as they stand in the text, short. */
static __attribute__((noinline)) void add_evidence(struct acc *a, const struct term *tm, size_t f, const char *s,
						   size_t ms, size_t me)
{
	const eu_goals *G = a->G;
	size_t show = me - ms > 40 ? 40 : me - ms;

	while (show < me - ms && show && ((unsigned char)s[ms + show] & 0xc0) == 0x80)
		show--;
	eu_buf *e = &a->ev[tm->goal];
	const char *name = G->fields[f];
	size_t nl = strlen(name);
	eu_buf_reserve(e, show + nl + 5);
	char *p = e->p + e->len;
	if (e->len) {
		*p++ = ',';
		*p++ = ' ';
	}
	memcpy(p, s + ms, show);
	for (size_t i = 0; i < show; i++)
		if ((unsigned char)p[i] < 0x0e && (p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
			p[i] = ' ';
	p += show;
	*p++ = ' ';
	*p++ = '(';
	memcpy(p, name, nl);
	p += nl;
	*p++ = ')';
	*p = '\0';
	e->len = (size_t)(p - e->p);
}

/* Counts a hit of term k in field f at [ms, me), unless its exclude
 * pattern covers it.  Returns 0, or a PCRE2 error code. */
static inline __attribute__((always_inline)) int count_hit(struct acc *a, size_t k, size_t f, const char *s,
							     size_t n, size_t ms, size_t me)
{
	const eu_goals *G = a->G;
	const struct term *tm = &G->terms[k];

	if (tm->exclude) {
		int xrc;
		int x = excluded(G, k, s, n, ms, me, &xrc);
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
		add_evidence(a, tm, f, s, ms, me);
	}
	if (w > a->tw[k])
		a->tw[k] = w;
	return 0;
}

/* pcre2_jit_match skips pcre2_match's checks on the hot path; without JIT
 * (EUPRIO_NO_JIT, for memcheck) the interpreter runs instead. */
#define MATCH(G, re, s, n, at) ((G)->nojit \
	? pcre2_match((re), (PCRE2_SPTR)(s), (n), (at), 0, (G)->md, (G)->mctx) \
	: pcre2_jit_match((re), (PCRE2_SPTR)(s), (n), (at), 0, (G)->md, (G)->mctx))

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
static int cp_word(utf8proc_int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);
	return cp == '_' || (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	       (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

static void word2_build(eu_goals *G)
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

/* The memo.  Running text repeats its words, and what the terms find at a
 * boundary depends only on the text from there to where the attempts stop
 * looking, and on the character before (\b, \B and a multi-line ^ look one
 * back; terms that look further are never remembered, see memo_safe).  So
 * the hits at a boundary are found on the text cut after the word and the
 * character that follows it, with PCRE2_PARTIAL_HARD: a complete match or
 * no match there holds whatever follows the cut, because a hard partial
 * match is reported as soon as any attempt reaches the cut, a \b or $ there
 * included (pcre2partial(3)).  When one was reached (a term of several
 * words: "young people"), the next word is taken in, up to MEMO_LEVELS
 * words and MEMO_KEY bytes; past that, or when more than MEMO_HITS goals
 * match at one place, the field is matched whole as without the memo.  A
 * cut never splits or holds an invalid sequence.  The table is fixed and
 * direct-mapped, so memory stays flat and a collision costs only the
 * match calls; EUPRIO_GOALS_NO_MEMO=1 turns it off, for comparing. */
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

static struct memo *memo_new(void)
{
	return eu_xcalloc(1, sizeof(struct memo));
}

/* One boundary and its cuts, found as they are needed. */
struct at {
	size_t i;
	uint32_t prev;
	int ok;                  /* the memo may be used here */
	int ncut;
	size_t word_end;         /* of the word at i, or 0 when not known */
	size_t cut[MEMO_LEVELS];
	uint64_t key[MEMO_LEVELS][MEMO_KEY / 8];
};

static void at_init(struct at *at, const eu_goals *G, const unsigned char *u, size_t n, size_t i, size_t wend)
{
	at->i = i;
	at->ncut = 0;
	at->word_end = wend;
	at->ok = G->memo != NULL;
	if (i == 0) {
		at->prev = PREV_START;
		return;
	}
	if (u[i - 1] < 0x80) {
		at->prev = u[i - 1];
		return;
	}
	/* The character before, whole and valid, or no memo. */
	size_t b = i - 1, l;
	while (b > 0 && i - b < 4 && (u[b] & 0xc0) == 0x80)
		b--;
	if (char_class(G, u, n, b, &l) < 0 || b + l != i) {
		at->ok = 0;
		return;
	}
	at->prev = 0;
	for (size_t q = b; q < i; q++)
		at->prev = at->prev << 8 | u[q];
}

/* After the next word from j (or the word ending at wend): its end and
 * the one character after it; 0 when an invalid sequence is on the way. */
static size_t next_cut(const eu_goals *G, const unsigned char *u, size_t n, size_t j, size_t wend)
{
	size_t l;

	if (!wend) {
		while (j < n) {
			while (j < n && byte_class[u[j]] == 0)
				j++;      /* ASCII, not a word character */
			if (j >= n || u[j] < 0x80)
				break;
			int w = char_class(G, u, n, j, &l);
			if (w < 0)
				return 0;
			if (w)
				break;
			j += l;
		}
		while (j < n) {
			j = ascii_run(u, n, j);
			if (j >= n || u[j] < 0x80)
				break;
			int w = char_class(G, u, n, j, &l);
			if (w < 0)
				return 0;
			if (!w)
				break;
			j += l;
		}
	} else {
		j = wend;
	}
	if (j < n) {
		if (char_class(G, u, n, j, &l) < 0)
			return 0;
		j += l;
	}
	return j;
}

/* The k bytes at p (k at most MEMO_KEY) as the MEMO_KEY / 8 words of a key,
 * zero after them; reads up to avail bytes at p, one copy where it may. */
static void key_words(const unsigned char *p, size_t k, size_t avail, uint64_t *w)
{
	size_t q = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (avail >= MEMO_KEY) {
		/* One copy, the last word masked. */
		memcpy(w, p, MEMO_KEY);
		q = k / 8;
		if (k % 8)
			w[q++] &= ~0ull >> (64 - 8 * (k % 8));
	}
#endif
	for (; q * 8 < k; q++) {
		size_t take = k - q * 8 < 8 ? k - q * 8 : 8;
		uint64_t v = 0;
		for (size_t b = 0; b < take; b++)
			v |= (uint64_t)p[q * 8 + b] << (8 * b);
		w[q] = v;
	}
	for (; q < MEMO_KEY / 8; q++)
		w[q] = 0;
}

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

/* The key of the klen bytes at u + i, klen at most 16, as key_words makes
 * it: one 16-byte copy where the text allows. */
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

static size_t mark_term(const size_t *terms, PCRE2_SPTR mark)
{
	size_t k = 0;

	for (; mark && *mark >= '0' && *mark <= '9'; mark++)
		k = k * 10 + (size_t)(*mark - '0');
	return terms[k];
}

/* One anchored match on s[0, end) at i, partial or whole.  With
 * PCRE2_MATCH_INVALID_UTF, PCRE2 10.42's interpreter (EUPRIO_NO_JIT) lets
 * an anchored pattern that fails at i go on in the next valid stretch of
 * the subject, past an invalid byte, where the JIT code says no match: a
 * match that starts after an invalid byte is no match at i. */
static int match_one(const eu_goals *G, const pcre2_code *re, const char *s, size_t end, size_t i, uint32_t opt)
{
	int m = opt ? pcre2_match(re, (PCRE2_SPTR)s, end, i, opt, G->md, G->mctx) : MATCH(G, re, s, end, i);
	if (m >= 0) {
		PCRE2_SIZE at = pcre2_get_ovector_pointer(G->md)[0];
		for (size_t j = i; j < at;) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + j, (utf8proc_ssize_t)(at - j), &cp);
			if (k < 1)
				return PCRE2_ERROR_NOMATCH;
			j += (size_t)k;
		}
	}
	return m;
}

/* Every goal's hit at boundary i of s[0, end): the bucket's first, then
 * the other goals' in goal order, their goals in goal[] (max + 1 places).
 * With opt PCRE2_PARTIAL_HARD, M_PARTIAL when an attempt reached end.
 * Returns M_NOMATCH, M_MATCH, M_PARTIAL, -1 for more than max hits, or a
 * PCRE2 error with the goal it names in goal[*nhit]. */
static int find_hits(const eu_goals *G, const struct fieldplan *fp, const char *s, size_t end, size_t i,
		     uint32_t opt, struct pos_hit *hit, size_t *goal, size_t max, size_t *nhit)
{
	const unsigned char *u = (const unsigned char *)s;
	const struct bucket *bk = &fp->buckets[fp->first[u[i]]];
	int m = match_one(G, bk->re, s, end, i, opt);

	*nhit = 0;
	*goal = 0;         /* the goal named if there is an error */
	if (m == PCRE2_ERROR_PARTIAL)
		return M_PARTIAL;
	if (m == PCRE2_ERROR_NOMATCH)
		return M_NOMATCH;
	if (m < 0)
		return m;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(G->md);
	size_t k = mark_term(bk->term, pcre2_get_mark(G->md));
	size_t hit_goal = G->terms[k].goal;
	hit[0] = (struct pos_hit){(uint32_t)k, (uint32_t)(ov[0] - i), (uint32_t)(ov[1] - i)};
	goal[0] = hit_goal;
	*nhit = 1;
	/* The alternation names one goal; the others may match here too. */
	for (size_t r = fp->recheck_at[u[i]]; r < fp->recheck_at[u[i] + 1]; r++) {
		size_t g = fp->recheck[r];
		if (g == hit_goal)
			continue;
		m = match_one(G, fp->goal[g], s, end, i, opt);
		if (m == PCRE2_ERROR_PARTIAL)
			return M_PARTIAL;
		if (m == PCRE2_ERROR_NOMATCH)
			continue;
		if (m < 0) {
			goal[*nhit] = g;
			return m;
		}
		if (*nhit == max)
			return -1;
		ov = pcre2_get_ovector_pointer(G->md);
		k = mark_term(fp->gterm[g], pcre2_get_mark(G->md));
		hit[*nhit] = (struct pos_hit){(uint32_t)k, (uint32_t)(ov[0] - i), (uint32_t)(ov[1] - i)};
		goal[(*nhit)++] = g;
	}
	return M_MATCH;
}

/* The hits at boundary at->i from the memo, found and remembered there if
 * need be.  Returns M_NOMATCH, M_MATCH, or -1 when the memo cannot say. */
static int memo_hits(const eu_goals *G, const struct fieldplan *fp, struct at *at, const char *s, size_t n,
		     struct pos_hit *hit, size_t *nhit)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t goal[MEMO_HITS + 1];

	if (!at->ok || !fp->memo_ok[u[at->i]])
		return -1;
	for (int L = 0; L < MEMO_LEVELS; L++) {
		if (L == at->ncut) {
			size_t from = L ? at->cut[L - 1] : at->i;
			size_t c = next_cut(G, u, n, from, L ? 0 : at->word_end);
			if (!c || c <= from || c - at->i > MEMO_KEY)
				return -1;
			at->cut[L] = c;
			key_words(u + at->i, c - at->i, n - at->i, at->key[L]);
			at->ncut++;
		}
		size_t klen = at->cut[L] - at->i;
		int end = at->cut[L] == n;
		uint64_t meta = memo_meta(at->prev, klen, end, fp->id);
		struct memo_ent *e = &G->memo->e[memo_slot(at->key[L], klen, meta)];
		if (e->meta == meta && same_key(e->key, at->key[L], klen)) {
			if (e->state == M_PARTIAL)
				continue;
			*nhit = e->nhit;
			memcpy(hit, e->hit, e->nhit * sizeof *hit);
			return e->state;
		}
		/* At the field's end the cut text is all there is: match it whole. */
		int st = find_hits(G, fp, s, at->cut[L], at->i, end ? 0 : PCRE2_PARTIAL_HARD, hit, goal, MEMO_HITS, nhit);
		if (st < 0)
			return -1;     /* a limit, or many hits: the whole field decides */
		e->meta = meta;
		memcpy(e->key, at->key[L], sizeof e->key);
		e->state = (unsigned char)st;
		e->nhit = (unsigned char)*nhit;
		memcpy(e->hit, hit, *nhit * sizeof *hit);
		if (st != M_PARTIAL)
			return st;
	}
	return -1;
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
			return limit_error(err, m, G, G->ids[g], G->fields[f]);
	}
	return 0;
}

/* The hits of the word-start terms at one boundary. */
static int try_at(struct acc *a, const struct fieldplan *fp, size_t f, struct at *at, const char *s, size_t n,
		  eu_buf *err)
{
	const eu_goals *G = a->G;
	struct pos_hit hit[MEMO_HITS];
	size_t nhit;
	int st = memo_hits(G, fp, at, s, n, hit, &nhit);

	if (st == M_NOMATCH)
		return 0;
	if (st == M_MATCH)
		return count_at(a, f, at->i, s, n, hit, nhit, err);
	/* Without the memo: the whole field, as many hits as there are. */
	size_t max = G->ngoals, *goal = eu_xcalloc(max + 1, sizeof *goal);
	struct pos_hit *many = eu_xcalloc(max + 1, sizeof *many);
	st = find_hits(G, fp, s, n, at->i, 0, many, goal, max, &nhit);
	int rc = 0;
	if (st < 0)
		rc = limit_error(err, st, G, G->ids[goal[nhit]], G->fields[f]);
	else if (st == M_MATCH)
		rc = count_at(a, f, at->i, s, n, many, nhit, err);
	free(goal);
	free(many);
	return rc;
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

/* block_words for 32 bytes: the scan's loop then runs half as often. */
static inline __attribute__((always_inline)) unsigned block_words32(const unsigned char *p, uint32_t *wm)
{
	unsigned lo, hi, q = block_words(p, &lo);

	if (q < 16) {
		*wm = lo;
		return q;
	}
	q = block_words(p + 16, &hi);
	*wm = lo | hi << 16;
	return 16 + q;
}
#endif

#ifdef EU_AVX2
/* block_words32 in one pass.  It also judges a C3 at byte 15 whose second
 * byte is at 16, which the two halves cannot; either answer is right. */
__attribute__((target("avx2"))) static inline unsigned block_words32_avx2(const unsigned char *p, uint32_t *wm)
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
			*wm = m & ((1u << q) - 1);
			return q;
		}
	}
	*wm = m;
	return 32;
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

/* next_cut from j by the mask, when the next word and the character
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
			c = next_cut(G, u, n, cut, 0);
		if (!c || c <= cut || c - i > MEMO_KEY)
			return NULL;
		uint64_t meta = memo_meta(prev, c - i, c == n, fp->id);
		if (c - i <= 16) {
			key16(u, n, i, c - i, kw);
			me = &G->memo->e[memo_slot16(kw, meta)];
			if (me->meta != meta || me->key[0] != kw[0] || me->key[1] != kw[1])
				return NULL;
		} else {
			key_words(u + i, c - i, n - i, kw);
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

/* The common case of memo_hits, inline: the word at i ends at wend, and
 * it and the character after it fit in 16 bytes, after an ASCII character
 * or none.  The remembered entry if it says match or no match, else NULL
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

/* A boundary of field f at i, a word start if word, that has passed the
 * prefilter: the terms that can start there are tried.  Kept out of line,
 * so the scan's loop stays small for the many boundaries that do not. */
static __attribute__((noinline)) int visit(struct acc *a, const struct fieldplan *fp, size_t f, const char *s,
					   size_t n, size_t i, int word, size_t wend, eu_buf *err)
{
	const eu_goals *G = a->G;
	const unsigned char *u = (const unsigned char *)s;
	size_t l;
	struct at at;

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
	at_init(&at, G, u, n, i, word ? wend : 0);
	return try_at(a, fp, f, &at, s, n, err);
}


#ifdef EU_AVX2
#define BLOCK32(wide, p, wm) ((wide) ? block_words32_avx2(p, wm) : block_words32(p, wm))
#else
#define BLOCK32(wide, p, wm) ((void)(wide), block_words32(p, wm))
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
	uint32_t next_wm = 0;    /* the mask of the block at i, when next_ok */
	int next_ok = 0;
#endif

	while (i < n) {
#ifdef __SSE2__
		if (i >= plain_until && G->c3_letters) {
			uint32_t wm, valid = ~0u;
			unsigned q = 32;
			if (next_ok) {
				wm = next_wm;
			} else if (i + 32 <= n) {
				q = BLOCK32(wide, u + i, &wm);
			} else {
				/* The field's last bytes (a short field's all), padded
				 * with NULs, which are not word characters. */
				unsigned char tail[32] = {0};
				memcpy(tail, u + i, n - i);
				q = BLOCK32(wide, tail, &wm);
				valid = (1u << (n - i)) - 1;
			}
			if (q == 32) {
				/* The next block too, so that a word running into it
				 * has its end known here; the loop takes it over. */
				next_ok = i + 64 <= n && BLOCK32(wide, u + i + 32, &next_wm) == 32;
				uint64_t both = wm | (next_ok ? (uint64_t)next_wm << 32 : 0);
				unsigned span = next_ok ? 64 : 32;
				uint32_t bnd = (wm ^ (wm << 1 | (prev == 1))) & valid;
				if (prev == 2)
					bnd |= 1;
				/* Where no term starts with a non-word character, only
				 * word starts can begin a match. */
				if (!fp->nonword_first)
					bnd &= wm;
				while (bnd) {
					unsigned p = (unsigned)__builtin_ctz(bnd);
					bnd &= bnd - 1;
					if (fp->first[u[i + p]] < 0 || !prefilter_pass(&fp->pre, u, n, i + p))
						continue;
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

static int scan_field(struct acc *a, const struct fieldplan *fp, size_t f, const char *s, size_t n, eu_buf *err)
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

int eu_goals_record(const eu_goals *G, const char *const *text, const size_t *len,
		    eu_goals_result *res, eu_buf *err, eu_goals_hit_fn hit, void *hctx)
{
	size_t ends[64];
	struct acc a = {.G = G, .tw = G->tw, .seen = G->seen, .touched = G->touched, .hit = hit, .hctx = hctx};
	int rc = 0;

	a.last_end = G->ngoals <= 64 ? ends : eu_xcalloc(G->ngoals, sizeof *a.last_end);
	if (!res->score)
		res->score = eu_xcalloc(G->ngoals, sizeof *res->score);
	for (size_t g = 0; g < G->ngoals; g++)
		res->score[g] = 0;
	eu_buf_clear(&res->goals);
	eu_buf_clear(&res->strength);
	eu_buf_clear(&res->evidence);
	res->count = 0;
	a.ev = G->ev;
	for (size_t g = 0; g < G->ngoals; g++)
		eu_buf_clear(&a.ev[g]);

	for (size_t f = 0; f < G->nfields && rc == 0; f++) {
		if (!len[f])
			continue;
		for (size_t g = 0; g < G->ngoals; g++)
			a.last_end[g] = 0;
		G->xs->gen++;
#ifdef EU_AVX2
		if (G->use[f]->any && G->avx2)
			rc = scan_field_avx2(&a, G->use[f], f, text[f], len[f], err);
		else
#endif
		if (G->use[f]->any)
			rc = scan_field(&a, G->use[f], f, text[f], len[f], err);
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
					rc = limit_error(err, m, G, G->ids[c->goal], G->fields[f]);
					break;
				}
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(G->md);
				size_t ms = ov[0], me = ov[1];
				PCRE2_SPTR mark = pcre2_get_mark(G->md);
				size_t k = mark_term(c->term, mark);
				off = me > ms ? me : ms + 1;
				if ((m = count_hit(&a, k, f, s, n, ms, me)) < 0) {
					rc = limit_error(err, m, G, G->ids[c->goal], G->fields[f]);
					break;
				}
			}
		}
	}
	/* Summed in term order, whatever order they were hit in: a sum of
	 * doubles depends on its order, and a record's few hits sort fast. */
	for (size_t t = 1; t < a.ntouched; t++) {
		uint32_t k = a.touched[t];
		size_t j = t;
		for (; j > 0 && a.touched[j - 1] > k; j--)
			a.touched[j] = a.touched[j - 1];
		a.touched[j] = k;
	}
	for (size_t t = 0; t < a.ntouched; t++) {
		size_t k = a.touched[t];
		if (rc == 0)
			res->score[G->terms[k].goal] += a.tw[k];
		a.tw[k] = 0;
		a.seen[k] = 0;
	}
	if (rc == 0) {
		for (size_t g = 0; g < G->ngoals; g++) {
			if (G->extra[g] || res->score[g] < G->threshold || res->score[g] <= 0)
				continue;
			res->count++;
			if (res->goals.len) {
				eu_buf_addc(&res->goals, ';');
				eu_buf_addc(&res->strength, ';');
				eu_buf_adds(&res->evidence, " | ");
			}
			eu_buf_adds(&res->goals, G->ids[g]);
			eu_buf_adds(&res->strength, G->ids[g]);
			eu_buf_addc(&res->strength, ':');
			eu_fmt_amount(&res->strength, res->score[g]);
			eu_buf_adds(&res->evidence, G->ids[g]);
			eu_buf_adds(&res->evidence, ": ");
			eu_buf_add(&res->evidence, a.ev[g].p, a.ev[g].len);
		}
	}
	if (a.last_end != ends)
		free(a.last_end);
	return rc;
}
