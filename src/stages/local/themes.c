/* The registry's themes (local_actors.csv's theme_goals and theme_words),
 * which staff keep for each actor, and the partners they suggest for a
 * call: the actors whose goals the call serves and whose words its text
 * uses (docs/scoring.md, "Calls").  The cells are read here for the one
 * loader of the registry (load.c), so every fault is file:line:col with
 * the rest of the table's. */
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/text.h"
#include "euprio/stream/listcol.h"
#include "local_int.h"

/* '|'-separated items of a cell, trimmed, empty ones dropped: the
 * registry's list form (aliases, ids). */
static size_t next_item(const char **p, const char **item)
{
	const char *s = *p;

	while (*s == '|' || *s == ' ')
		s++;
	const char *e = s;
	while (*e && *e != '|')
		e++;
	*p = *e ? e + 1 : e;
	const char *t = e;
	while (t > s && t[-1] == ' ')
		t--;
	*item = s;
	return (size_t)(t - s);
}

int local_load_themes(struct actor *a, const eu_table *t, size_t r, long cg, long cw, char *const *goal_ids,
		      size_t ngoal_ids)
{
	const char *p, *item;
	size_t n;
	int rc = 0;

	p = eu_table_get(t, r, cg);
	while (*p) {
		if (!(n = next_item(&p, &item)))
			continue;
		size_t g;
		for (g = 0; g < ngoal_ids && !(strlen(goal_ids[g]) == n && !memcmp(goal_ids[g], item, n)); g++)
			;
		if (g == ngoal_ids) {
			/* A goal that is not one would never match: a typo (G11,
			 * g9) must not silently leave an actor out. */
			eu_table_error(t, r, cg, "theme_goals: '%.*s' is not a goal of goals.csv", (int)n, item);
			rc = -1;
			continue;
		}
		a->theme_goals = eu_xrealloc(a->theme_goals, (a->ntheme_goals + 1) * sizeof *a->theme_goals);
		a->theme_goals[a->ntheme_goals++] = goal_ids[g];   /* L owns the id */
	}
	p = eu_table_get(t, r, cw);
	while (*p) {
		if (!(n = next_item(&p, &item)))
			continue;
		struct theme_word w = {0};
		w.label = eu_xstrndup(item, n);
		/* A trailing '*' matches the start of a word: robot* is robot,
		 * robots, robotics, robotteknologi. */
		size_t core = n;
		if (core && item[core - 1] == '*') {
			w.prefix = 1;
			w.label[--core] = '\0';
		}
		eu_buf f = EU_BUF_INIT;
		eu_fold(&f, item, core);
		if (!f.len) {
			eu_table_error(t, r, cw, "theme_words: '%.*s' has no letters or digits", (int)n, item);
			eu_buf_free(&f);
			free(w.label);
			rc = -1;
			continue;
		}
		w.folded = f.p;
		w.len = f.len;
		a->words = eu_xrealloc(a->words, (a->nwords + 1) * sizeof *a->words);
		a->words[a->nwords++] = w;
	}
	return rc;
}

void local_free_themes(struct actor *a)
{
	for (size_t i = 0; i < a->nwords; i++) {
		free(a->words[i].folded);
		free(a->words[i].label);
	}
	free(a->words);
	free(a->theme_goals);   /* the ids themselves belong to L->goal_ids */
}

/* The word starts of a folded text, bucketed by their first byte, so a
 * theme word is compared only where a word with its first letter starts
 * (memmem over a long summary, once per theme word, was 80 % of a run on
 * the portal's exports). */
struct starts {
	const char *text;
	size_t len;
	size_t first[257];       /* bucket b is pos[first[b] .. first[b + 1]) */
	size_t *pos;
};

static void starts_build(struct starts *st, const char *text, size_t len)
{
	size_t n = 0;

	st->text = text;
	st->len = len;
	memset(st->first, 0, sizeof st->first);
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && (i == 0 || text[i - 1] == ' ')) {
			st->first[(unsigned char)text[i] + 1]++;
			n++;
		}
	for (int b = 1; b <= 256; b++)
		st->first[b] += st->first[b - 1];
	st->pos = eu_xmalloc((n + 1) * sizeof *st->pos);
	size_t fill[256];
	memcpy(fill, st->first, sizeof fill);
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && (i == 0 || text[i - 1] == ' '))
			st->pos[fill[(unsigned char)text[i]]++] = i;
}

/* How often the folded word occurs at the start of a word, ending one
 * unless it is a prefix; counting stops at want. */
static size_t word_hits(const struct starts *st, const struct theme_word *w, size_t want)
{
	unsigned char b = (unsigned char)w->folded[0];
	size_t n = 0;

	for (size_t k = st->first[b]; k < st->first[b + 1] && n < want; k++) {
		size_t at = st->pos[k];
		/* The second letter first: most words of a bucket differ there,
		 * and a call to memcmp costs more than the compare. */
		if (at + w->len <= st->len && (w->len < 2 || st->text[at + 1] == w->folded[1]) &&
		    !memcmp(st->text + at, w->folded, w->len) &&
		    (w->prefix || at + w->len == st->len || st->text[at + w->len] == ' '))
			n++;
	}
	return n;
}

static int better(const eu_local *L, const eu_suggestion *a, const eu_suggestion *b)
{
	if (a->fit != b->fit)
		return a->fit > b->fit;
	/* Odense before the rest of Funen, then the registry's order. */
	if (L->actors[a->actor].tier != L->actors[b->actor].tier)
		return L->actors[a->actor].tier > L->actors[b->actor].tier;
	return a->actor < b->actor;
}

size_t eu_local_suggest(const eu_local *L, const eu_suggest_opts *o, const char *goals, size_t glen,
			const char *head, size_t hlen, const char *body, size_t blen, eu_suggestion *out)
{
	size_t body_hits = o->body_hits ? o->body_hits : 1;
	struct starts h, b;

	starts_build(&h, head, hlen);
	starts_build(&b, body, blen);

	size_t n = 0;

	for (size_t i = 0; i < L->nactors && o->max; i++) {
		const struct actor *a = &L->actors[i];
		eu_suggestion s = {.actor = i};
		size_t shared = 0;
		for (size_t g = 0; g < a->ntheme_goals; g++)
			if (eu_list_has(goals, glen, a->theme_goals[g], strlen(a->theme_goals[g])))
				shared++;
		/* A word in the title or keywords says what the call is about;
		 * in a long description only one it keeps using does (a
		 * Horizon topic mentions SMEs and biodiversity in passing). */
		for (size_t k = 0; k < a->nwords; k++)
			if (word_hits(&h, &a->words[k], 1) || word_hits(&b, &a->words[k], body_hits) >= body_hits) {
				if (s.nwords < EU_SUGGEST_WORDS)
					s.word[s.nwords] = a->words[k].label;
				s.nwords++;
			}
		s.fit = o->per_goal * (double)shared + o->per_word * (double)s.nwords;
		if (s.nwords < o->min_words || s.fit < o->min_fit || s.fit <= 0)
			continue;
		/* Kept best first, at most max: an insertion into a short list. */
		size_t at = n;
		while (at > 0 && better(L, &s, &out[at - 1]))
			at--;
		if (at >= o->max)
			continue;
		if (n < o->max)
			n++;
		memmove(&out[at + 1], &out[at], (n - 1 - at) * sizeof *out);
		out[at] = s;
	}
	free(h.pos);
	free(b.pos);
	return n;
}

const char *eu_local_actor_name(const eu_local *L, size_t actor)
{
	return L->actors[actor].name;
}

const char *eu_local_actor_type(const eu_local *L, size_t actor)
{
	return L->actors[actor].type;
}

int eu_local_actor_tier(const eu_local *L, size_t actor)
{
	return L->actors[actor].tier;
}
