/* The hits of the word-start terms at one word boundary of a field (the
 * scan that finds the boundaries is in scan.c, with the memo's inline
 * look-up for the common case), and the memo that remembers them.
 *
 * The memo.  Running text repeats its words, and what the terms find at a
 * boundary depends only on the text from there to where the attempts stop
 * looking, and on the character before (\b, \B and a multi-line ^ look one
 * back; terms that look further are never remembered, see memo_safe in plan.c).  So
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "goals_int.h"

/* pcre2_jit_match skips pcre2_match's checks on the hot path; without JIT
 * (EUPRIO_NO_JIT, for memcheck) the interpreter runs instead. */
#define MATCH(G, re, s, n, at) ((G)->nojit \
	? pcre2_match((re), (PCRE2_SPTR)(s), (n), (at), 0, (G)->md, (G)->mctx) \
	: pcre2_jit_match((re), (PCRE2_SPTR)(s), (n), (at), 0, (G)->md, (G)->mctx))

struct memo *goals_memo_new(void)
{
	return eu_xzalloc_aligned(64, sizeof(struct memo));
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
size_t goals_next_cut(const eu_goals *G, const unsigned char *u, size_t n, size_t j, size_t wend)
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
void goals_key_words(const unsigned char *p, size_t k, size_t avail, uint64_t *w)
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
			size_t c = goals_next_cut(G, u, n, from, L ? 0 : at->word_end);
			if (!c || c <= from || c - at->i > MEMO_KEY)
				return -1;
			at->cut[L] = c;
			goals_key_words(u + at->i, c - at->i, n - at->i, at->key[L]);
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

/* The hits of the word-start terms at boundary i of field f, counted; wend
 * is the end of the word at i, or 0 when not known or not a word. */
int goals_try_at(struct acc *a, const struct fieldplan *fp, size_t f, const char *s, size_t n, size_t i,
		 size_t wend, eu_buf *err)
{
	const eu_goals *G = a->G;
	struct at at;
	struct pos_hit hit[MEMO_HITS];
	size_t nhit;

	at_init(&at, G, (const unsigned char *)s, n, i, wend);
	int st = memo_hits(G, fp, &at, s, n, hit, &nhit);

	if (st == M_NOMATCH)
		return 0;
	if (st == M_MATCH)
		return count_at(a, f, i, s, n, hit, nhit, err);
	/* Without the memo: the whole field, as many hits as there are. */
	size_t max = G->ngoals, *goal = eu_xcalloc(max + 1, sizeof *goal);
	struct pos_hit *many = eu_xcalloc(max + 1, sizeof *many);
	st = find_hits(G, fp, s, n, i, 0, many, goal, max, &nhit);
	int rc = 0;
	if (st < 0)
		rc = goals_limit_error(err, st, G->ids[goal[nhit]], G->fields[f]);
	else if (st == M_MATCH)
		rc = count_at(a, f, i, s, n, many, nhit, err);
	free(goal);
	free(many);
	return rc;
}
