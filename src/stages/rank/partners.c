/* A call's local partners to be (docs/scoring.md, "Calls"): the registry
 * actors its themes suggest (euprio-local's matcher, eu_local_suggest,
 * fed the goals the call serves and its text), and the Funen
 * organisations that took part in EU projects of the same programme part,
 * from CORDIS (--cordis).  The goals are known only here, after
 * euprio-goals, which is why rank does the matching and not euprio-local. */
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "euprio/stream/listcol.h"
#include "euprio/stream/stream.h"
#include "rank_int.h"

void rank_suggest(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o)
{
	/* Folded once, so themes are matched as the registry's aliases are:
	 * case, accents and punctuation aside.  The title and keywords say
	 * what the call is about, the summary more besides. */
	eu_buf_clear(&R->text);
	eu_fold(&R->text, rank_get(R, rec, C_TITLE), rank_getlen(R, rec, C_TITLE));
	eu_buf_addc(&R->text, ' ');
	eu_fold(&R->text, rank_get(R, rec, C_KEYWORDS), rank_getlen(R, rec, C_KEYWORDS));
	size_t head = R->text.len;
	eu_buf_addc(&R->text, ' ');
	eu_fold(&R->text, rank_get(R, rec, C_SUMMARY), rank_getlen(R, rec, C_SUMMARY));
	R->nsugs = eu_local_suggest(R->L, &R->sug, f->goals, f->goals_len, R->text.p, head, R->text.p + head,
				    R->text.len - head, R->sugs);
	/* A listing that names local partners needs the others: an actor
	 * already among them is no suggestion. */
	const char *have = rank_get(R, rec, C_LOCAL_PARTNERS);
	size_t hlen = rank_getlen(R, rec, C_LOCAL_PARTNERS), kept = 0;
	for (size_t i = 0; i < R->nsugs; i++) {
		const char *name = eu_local_actor_name(R->L, R->sugs[i].actor);
		eu_list_it it;
		const char *n;
		size_t nl;
		int dup = 0;
		eu_list_begin(&it, have, hlen);
		while (!dup && eu_names_next(&it, &n, &nl))
			dup = nl == strlen(name) && !memcmp(n, name, nl);
		if (dup)
			continue;
		R->sugs[kept++] = R->sugs[i];
		eu_names_add(&o->suggested, name, strlen(name));
	}
	R->nsugs = kept;
}

void rank_suggest_part(eu_rank *R, eu_buf *out)
{
	if (!R->nsugs) {
		rank_add_part(R, out, "call.suggested.none", NULL);
		return;
	}
	eu_buf names = EU_BUF_INIT, words = EU_BUF_INIT;
	for (size_t i = 0; i < R->nsugs; i++) {
		const eu_suggestion *s = &R->sugs[i];
		eu_buf_clear(&words);
		for (size_t k = 0; k < s->nwords && k < EU_SUGGEST_WORDS; k++) {
			if (k)
				eu_buf_adds(&words, ", ");
			eu_buf_adds(&words, s->word[k]);
		}
		if (names.len)
			eu_buf_adds(&names, ", ");
		eu_rank_label(R, &names, "call.suggested.words", "name", eu_local_actor_name(R->L, s->actor), "words",
			      words.p ? words.p : "", NULL);
	}
	rank_add_part(R, out, "call.suggested", "names", names.p, NULL);
	eu_buf_free(&names);
	eu_buf_free(&words);
}

/* ---- CORDIS: who on Funen took part in projects of a programme part ---- */

/* The programme part of a topic id: its segments before the first that is
 * a year (HORIZON-CL4-2024-DIGITAL-01-04 is HORIZON-CL4, LIFE-2024-SAP-ENV
 * is LIFE, ERC-2024-STG is ERC); 0 when it has no year segment. */
static size_t topic_part(const char *id, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++) {
		if (i && id[i - 1] != '-')
			continue;
		int year = 1;
		for (size_t k = 0; k < 4; k++)
			year &= id[i + k] >= '0' && id[i + k] <= '9';
		if (year && (i + 4 == len || id[i + 4] == '-'))
			return i ? i - 1 : 0;
	}
	return 0;
}

static void part_key(eu_buf *key, const char *id, size_t len)
{
	size_t n = topic_part(id, len);

	eu_buf_clear(key);
	if (!n)
		return;
	eu_buf_adds(key, "part:");
	for (size_t i = 0; i < n; i++)
		eu_buf_addc(key, id[i] >= 'a' && id[i] <= 'z' ? (char)(id[i] - 32) : id[i]);
}

static void programme_key(eu_buf *key, const char *name, size_t len)
{
	eu_buf_clear(key);
	eu_buf_adds(key, "programme:");
	size_t at = key->len;
	eu_fold(key, name, len);
	if (key->len == at)
		eu_buf_clear(key);
}

static void cordis_add(struct cordis *c, const eu_buf *key, const char *name, size_t nlen)
{
	eu_buf pair = EU_BUF_INIT;

	eu_buf_add(&pair, key->p, key->len);
	eu_buf_addc(&pair, '\x1f');
	eu_buf_add(&pair, name, nlen);
	size_t at = (size_t)eu_strmap_get(&c->pair, pair.p, pair.len, NULL);
	if (at) {
		c->e[at - 1].projects++;
	} else {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->e = eu_xrealloc(c->e, c->cap * sizeof *c->e);
		}
		c->e[c->n] = (struct cordis_entry){eu_xstrndup(key->p, key->len), eu_xstrndup(name, nlen), 1};
		eu_strmap_add(&c->pair, pair.p, pair.len, (void *)(c->n + 1));
		c->n++;
	}
	eu_buf_free(&pair);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct cordis_entry *x = a, *y = b;
	int k = strcmp(x->key, y->key);

	if (k)
		return k;
	if (x->projects != y->projects)
		return x->projects > y->projects ? -1 : 1;
	return strcmp(x->name, y->name);
}

int eu_rank_cordis(eu_rank *R, const char *path)
{
	struct cordis *c = &R->cordis;
	char *paths[1] = {(char *)path};
	eu_stream s;
	eu_rec rec;
	eu_local_result res = {0};
	eu_buf kp = EU_BUF_INIT, kg = EU_BUF_INIT;
	const char *err;

	/* Judging partners takes the whole local policy, as euprio-local
	 * has it. */
	if (!R->Lfull && !(R->Lfull = eu_local_load(R->dir, R->lang)))
		return EU_EXIT_USAGE;
	eu_stream_open(&s, paths, 1, NULL);
	long cp = eu_stream_col(&s, "partners"), cc = eu_stream_col(&s, "call_id"),
	     cg = eu_stream_col(&s, "programme"), cr = eu_stream_col(&s, EU_COL_REJECT);
	if (s.ncols && cp < 0) {
		eu_warn_at(path, 0, "has no partners column: --cordis wants euprio-sdeo's output of CORDIS "
			   "participant files; nothing was ranked");
		eu_stream_close(&s);
		return EU_EXIT_USAGE;
	}
	while (eu_stream_next(&s, &rec)) {
		/* A row nobody could read names nobody. */
		if (rec.bad || (cr >= 0 && rec.len[cr]))
			continue;
		if (eu_local_record(R->Lfull, rec.v[cp], rec.len[cp], NULL, &res, &err) < 0)
			continue;
		c->records++;
		if (!res.count)
			continue;
		part_key(&kp, cc >= 0 ? rec.v[cc] : "", cc >= 0 ? rec.len[cc] : 0);
		programme_key(&kg, cg >= 0 ? rec.v[cg] : "", cg >= 0 ? rec.len[cg] : 0);
		eu_list_it it;
		const char *name;
		size_t nlen;
		eu_list_begin(&it, res.partners.p, res.partners.len);
		while (eu_names_next(&it, &name, &nlen)) {
			if (kp.len)
				cordis_add(c, &kp, name, nlen);
			if (kg.len)
				cordis_add(c, &kg, name, nlen);
		}
	}
	int status = s.status;
	eu_stream_close(&s);
	eu_local_result_free(&res);
	eu_buf_free(&kp);
	eu_buf_free(&kg);
	eu_strmap_free(&c->pair, NULL);
	c->pair = (eu_strmap)EU_STRMAP_INIT;
	if (c->n)
		qsort(c->e, c->n, sizeof *c->e, cmp_entry);
	eu_strmap_free(&c->first, NULL);
	c->first = (eu_strmap)EU_STRMAP_INIT;
	for (size_t i = 0; i < c->n; i++)
		eu_strmap_add(&c->first, c->e[i].key, strlen(c->e[i].key), (void *)(i + 1));
	eu_warnx("%s: %lu CORDIS projects, %zu Funen organisations by programme part and programme", path,
		 c->records, c->n);
	return status;
}

void rank_cordis_part(eu_rank *R, const eu_rec *rec, eu_buf *out)
{
	const struct cordis *c = &R->cordis;
	eu_buf key = EU_BUF_INIT;
	size_t at = 0;
	const char *shown = NULL;
	size_t shown_len = 0;

	if (!c->n || R->cordis_max < 1)
		return;
	/* The call's programme part, else (CORDIS participants without their
	 * project table say no topic) its programme as a whole. */
	const char *id = rank_get(R, rec, C_CALL);
	size_t idlen = rank_getlen(R, rec, C_CALL);
	if (!idlen) {
		id = rank_get(R, rec, C_ID);
		idlen = rank_getlen(R, rec, C_ID);
	}
	part_key(&key, id, idlen);
	if (key.len && (at = (size_t)eu_strmap_get(&c->first, key.p, key.len, NULL))) {
		shown = key.p + 5;
		shown_len = key.len - 5;
	} else {
		programme_key(&key, rank_get(R, rec, C_PROGRAMME), rank_getlen(R, rec, C_PROGRAMME));
		if (key.len && (at = (size_t)eu_strmap_get(&c->first, key.p, key.len, NULL))) {
			shown = rank_get(R, rec, C_PROGRAMME);
			shown_len = rank_getlen(R, rec, C_PROGRAMME);
		}
	}
	if (at) {
		eu_buf names = EU_BUF_INIT, part = EU_BUF_INIT;
		eu_buf_add(&part, shown, shown_len);
		for (size_t i = at - 1, k = 0; i < c->n && k < (size_t)R->cordis_max && !strcmp(c->e[i].key, c->e[at - 1].key);
		     i++, k++)
			eu_buf_printf(&names, "%s%s (%lu)", k ? ", " : "", c->e[i].name, c->e[i].projects);
		rank_add_part(R, out, "call.cordis", "part", part.p, "names", names.p, NULL);
		eu_buf_free(&names);
		eu_buf_free(&part);
	}
	eu_buf_free(&key);
}

void rank_cordis_free(struct cordis *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].key);
		free(c->e[i].name);
	}
	free(c->e);
	eu_strmap_free(&c->pair, NULL);
	eu_strmap_free(&c->first, NULL);
}
