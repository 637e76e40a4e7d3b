/* The salience rule: which goals a record is for, not which it mentions.
 *
 * A coordinator reads the title, the first sentences and the sentences
 * that state the purpose, and weighs how much of the text is about a goal
 * against the other goals of the same text.  So every hit of a goal term
 * is given the zone it stands in:
 *
 *   title       a field of salience.title_fields (title, keywords)
 *   background  in a field of salience.text_fields (summary), from the
 *               sentence holding a background marker on (an EU call's
 *               restated work-programme "destination")
 *   lead        the first salience.lead_sentences sentences
 *   purpose     a sentence holding a purpose marker ("formål", "the
 *               project will"), or a purpose section (from "Expected
 *               Outcome:" to the next section_end marker, "Scope:", or
 *               salience.section_bytes on)
 *   body        the rest of the text
 *   other       any other field (programme and call-id hints)
 *
 * and weighs its term's weight times the zone's factor (salience.zone.*).
 * Every mention counts.  A goal's evidence E is the sum; its density D is
 * its evidence outside the background per 1000 characters of the title
 * fields and of the text fields before any background.  A goal counts when
 *
 *   E >= salience.min_evidence,
 *   E >= salience.relative x the strongest goal's E, and
 *   it has a mention in title, lead or purpose, or D >= salience.min_density;
 *
 * the counted goals are listed strongest first, goal_strength is each one's
 * E, and a record none of whose goals counts though some have evidence is
 * flagged "weak:G6" (the strongest) instead of having silently no goal.
 * The markers are terms of salience_markers.csv, found in the same scan as
 * the goal terms; sentences are found only around what needs them (the
 * lead, a marker), so the rule costs little more than the hits it judges.
 * docs/configuration.md tells staff the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "euprio/stream/listcol.h"
#include "goals_int.h"

const char *const goals_zone_name[NZONES] = {"title", "lead", "purpose", "body", "background", "other"};
static const char *const zone_key[NZONES] = {
	"salience.zone.title", "salience.zone.lead", "salience.zone.purpose",
	"salience.zone.body", "salience.zone.background", "salience.zone.other",
};
static const char *const mark_name[NMKINDS] = {"purpose", "section", "section_end", "background"};

/* Marks the fields named in a ';' list as kind; -1 after a message for a
 * field that already has another kind. */
static int field_kinds(eu_goals *G, const eu_settings *s, const char *key, unsigned char kind)
{
	const char *v = eu_setting_str(s, key);
	if (!v)
		return -1;
	int rc = 0;
	char *list = eu_xstrdup(v), *save = NULL;
	for (char *f = strtok_r(list, ";|", &save); f; f = strtok_r(NULL, ";|", &save)) {
		f = eu_trim(f);
		for (size_t i = 0; i < G->nfields; i++) {
			if (strcmp(G->fields[i], f) != 0)
				continue;
			if (G->fkind[i] != FK_OTHER && G->fkind[i] != kind) {
				eu_table_error(&s->t, (size_t)eu_setting_row(s, key), s->cval,
					       "field '%s' is in both salience.title_fields and salience.text_fields", f);
				rc = -1;
			}
			G->fkind[i] = kind;
		}
	}
	free(list);
	return rc;
}

/* The salience.* settings.  The rule replaced goal_threshold and
 * field_weight.*: a row of either is refused, not silently ignored, so a
 * settings.csv kept from an older version says what to change. */
int goals_load_salience(eu_goals *G, const void *settings)
{
	const eu_settings *s = settings;
	struct salience *S = &G->sal;
	int rc = 0;

	for (size_t r = 0; r < s->t.nrows; r++) {
		const char *k = s->t.rows[r].v[s->ckey];
		if (strcmp(k, "goal_threshold") == 0 || strncmp(k, "field_weight.", 13) == 0) {
			eu_table_error(&s->t, r, s->ckey,
				       "'%s' is no longer read: goals count by the salience rule (salience.min_evidence, "
				       "salience.zone.*; docs/configuration.md); remove the row", k);
			rc = -1;
		}
	}
	for (int z = 0; z < NZONES; z++)
		if (eu_setting_number(s, zone_key[z], 0, 100, &S->zone[z]) < 0)
			rc = -1;
	/* Each on its own, so that every missing one is named. */
	rc |= eu_setting_number(s, "salience.lead_sentences", 0, 1000, &S->lead_sentences);
	rc |= eu_setting_number(s, "salience.min_evidence", 0, 1e6, &S->min_evidence);
	rc |= eu_setting_number(s, "salience.relative", 0, 1, &S->relative);
	rc |= eu_setting_number(s, "salience.min_density", 0, 1e6, &S->min_density);
	rc |= eu_setting_number(s, "salience.section_bytes", 0, 1e9, &S->section_bytes);
	rc |= field_kinds(G, s, "salience.title_fields", FK_TITLE);
	rc |= field_kinds(G, s, "salience.text_fields", FK_TEXT);
	return rc;
}

/* salience_markers.csv: kind,lang,pattern.  Each kind is a group of its
 * own (extra 2), so that the scan keeps a kind's hits apart as it keeps a
 * goal's.  Markers are scanned in the title fields too, where they are not
 * used: the title, summary and keywords then keep sharing one field plan
 * (plan.c), built once. */
int goals_load_markers(eu_goals *G, const char *dir, pcre2_match_data *probe)
{
	static const char *const req[] = {"kind", "pattern", NULL};
	eu_table t;
	long group[NMKINDS] = {-1, -1, -1, -1};
	unsigned fields = 0;
	int rc = 0;

	if (eu_table_load(&t, dir, "salience_markers.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	G->markers_path = eu_xstrdup(t.path);
	for (size_t f = 0; f < G->nfields; f++)
		if (G->fkind[f] != FK_OTHER)
			fields |= 1u << f;
	long ck = eu_table_col(&t, "kind"), cp = eu_table_col(&t, "pattern");
	G->terms = eu_xrealloc(G->terms, (G->nterms + t.nrows + 1) * sizeof *G->terms);
	memset(G->terms + G->nterms, 0, (t.nrows + 1) * sizeof *G->terms);
	for (size_t r = 0; r < t.nrows; r++) {
		int kind = eu_table_enum(&t, r, ck, "marker kind (purpose, section, section_end, background)",
					 mark_name, NMKINDS);
		if (kind < 0) {
			rc = -1;
			continue;
		}
		struct term *tm = &G->terms[G->nterms];
		tm->pattern = goals_term_pattern(&t, r, cp, probe);
		if (!tm->pattern) {
			rc = -1;
			continue;
		}
		if (group[kind] < 0) {
			char id[40];
			snprintf(id, sizeof id, "marker:%s", mark_name[kind]);
			group[kind] = goals_add_group(G, id, 2);
		}
		tm->goal = (size_t)group[kind];
		tm->file = "salience_markers.csv";
		tm->kind = T_MARK;
		tm->mark = (unsigned char)kind;
		tm->fields = fields;
		tm->line = t.rows[r].line;
		G->nterms++;
	}
	eu_table_free(&t);
	return rc;
}

/* A hit past HITS_MAX: counted at once, at its field's zone, since the
 * markers that could place it better are not all known yet. */
void goals_hit_over(struct acc *a, const struct term *tm, size_t f)
{
	const eu_goals *G = a->G;
	int z = G->fkind[f] == FK_TITLE ? Z_TITLE : G->fkind[f] == FK_TEXT ? Z_BODY : Z_OTHER;
	struct gstat *g = &a->gs[tm->goal];

	a->tw[tm - G->terms] += G->sal.zone[z];
	g->zones[z]++;
	a->over++;
}

/* Sentences.  How texts are written, not policy: a sentence ends at '.',
 * '!' or '?' before white space, or straight before a capital letter, a
 * quote or a bracket (EU call texts lose the space: "cities.Comprehensive");
 * at ':' or ';' before (white space and) such a character; and at a line
 * break. */
static const unsigned char sent_punct[256] = {['.'] = 1, ['!'] = 1, ['?'] = 1, [':'] = 2, [';'] = 2, ['\n'] = 3};

static int space_at(const unsigned char *u, size_t n, size_t j, size_t *len)
{
	*len = 1;
	if (u[j] == ' ' || u[j] == '\t' || u[j] == '\n' || u[j] == '\r')
		return 1;
	*len = 2;
	return u[j] == 0xc2 && j + 1 < n && u[j + 1] == 0xa0;   /* no-break space */
}

static size_t skip_space(const unsigned char *u, size_t n, size_t j)
{
	size_t l;
	while (j < n && space_at(u, n, j, &l))
		j += l;
	return j;
}

/* Can a sentence begin with the character at j? */
static int opens_sentence(const unsigned char *u, size_t n, size_t j)
{
	unsigned char c = u[j];
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') || c == '"' || c == '\'' || c == '(' || c == '[';
	utf8proc_int32_t cp;
	if (utf8proc_iterate(u + j, (utf8proc_ssize_t)(n - j), &cp) < 1)
		return 0;
	/* A capital, and the opening quotes: “ „ « ‘ */
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU || cp == 0x201c || cp == 0x201e || cp == 0xab ||
	       cp == 0x2018;
}

/* Where the next sentence starts when one ends at i (a byte of
 * sent_punct), else 0. */
static size_t sentence_next(const unsigned char *u, size_t n, size_t i)
{
	size_t j = i + 1, l;

	if (j >= n)
		return n;
	switch (sent_punct[u[i]]) {
	case 1:
		if (space_at(u, n, j, &l))
			return skip_space(u, n, j);
		return opens_sentence(u, n, j) ? j : 0;
	case 2:
		j = skip_space(u, n, j);
		return j < n && opens_sentence(u, n, j) ? j : 0;
	case 3:
		return skip_space(u, n, j);
	}
	return 0;
}

static size_t next_punct(const unsigned char *u, size_t n, size_t i);

/* The end of the sentence holding p (where the next starts), or n. */
static size_t sentence_end(const unsigned char *u, size_t n, size_t p)
{
	for (size_t i = next_punct(u, n, p); i < n; i = next_punct(u, n, i + 1)) {
		size_t nx = sentence_next(u, n, i);
		if (nx)
			return nx;
	}
	return n;
}

/* The start of the sentence holding p, looking back no further than
 * floor, a sentence start at or before p. */
static size_t sentence_start(const unsigned char *u, size_t n, size_t p, size_t floor)
{
	for (size_t i = p; i-- > floor;)
		if (sent_punct[u[i]]) {
			size_t nx = sentence_next(u, n, i);
			if (nx && nx <= p)
				return nx;
		}
	return floor;
}

/* The next byte of sent_punct from i, or n. */
static size_t next_punct(const unsigned char *u, size_t n, size_t i)
{
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(u + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
					 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')), _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
		m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(';')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
#endif
	while (i < n && !sent_punct[u[i]])
		i++;
	return i;
}

/* Where the first k sentences end. */
static size_t lead_end(const unsigned char *u, size_t n, size_t k)
{
	size_t i = 0;

	while (k && i < n) {
		size_t q = next_punct(u, n, i);
		if (q == n)
			return n;
		size_t nx = sentence_next(u, n, q);
		if (nx) {
			k--;
			i = nx;
		} else {
			i = q + 1;
		}
	}
	return k ? n : i;
}

/* What the rule knows of one text field of the record, found when a hit
 * there first needs it. */
struct fstate {
	size_t lead;
	size_t span0, nspan;     /* its purpose spans in the record's list */
};

struct zones {
	struct acc *a;
	const char *const *text;
	const size_t *len;
	uint32_t have_lead, have_spans;  /* bit per field: fs[f] holds it */
	struct fstate fs[MAX_FIELDS];
	struct span *spans;      /* MARKS_MAX */
	size_t nspans;
};

static int by_field_then_start(const void *x, const void *y)
{
	const struct rmark *a = x, *b = y;
	if (a->field != b->field)
		return a->field < b->field ? -1 : 1;
	return a->ms < b->ms ? -1 : a->ms > b->ms;
}

static int by_start(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	return a->s < b->s ? -1 : a->s > b->s;
}

/* The markers of field f: [*from, *to) in the sorted list. */
static void marks_of(const struct acc *a, size_t f, size_t *from, size_t *to)
{
	size_t i = 0;
	while (i < a->nmarks && a->marks[i].field < f)
		i++;
	*from = i;
	while (i < a->nmarks && a->marks[i].field == f)
		i++;
	*to = i;
}

/* Where the background of field f starts: the sentence of its first
 * background marker, or the field's end. */
static size_t background_of(const struct acc *a, const char *text, size_t n, size_t f)
{
	size_t from, to;

	marks_of(a, f, &from, &to);
	for (size_t m = from; m < to; m++)
		if (a->marks[m].kind == MK_BACKGROUND)
			return sentence_start((const unsigned char *)text, n, a->marks[m].ms, 0);
	return n;
}

/* The purpose spans of field f: the sentences holding a purpose marker,
 * and the sections, sorted and merged. */
static void spans_of(struct zones *Z, size_t f)
{
	struct fstate *st = &Z->fs[f];
	const struct acc *a = Z->a;
	const unsigned char *u = (const unsigned char *)Z->text[f];
	size_t n = Z->len[f], from, to, cur = 0;
	const double secmax = Z->a->G->sal.section_bytes;

	Z->have_spans |= 1u << f;
	st->span0 = Z->nspans;
	marks_of(a, f, &from, &to);
	for (size_t m = from; m < to; m++) {
		const struct rmark *mk = &a->marks[m];
		size_t s, e;
		if (mk->kind == MK_PURPOSE) {
			if (mk->ms < cur)
				continue;        /* in the sentence already taken */
			s = sentence_start(u, n, mk->ms, cur);
			e = sentence_end(u, n, mk->me);
			cur = e;
		} else if (mk->kind == MK_SECTION) {
			s = mk->ms;
			e = secmax < (double)(n - s) ? s + (size_t)secmax : n;
			for (size_t q = m + 1; q < to; q++)
				if (a->marks[q].kind == MK_SECTION_END && a->marks[q].ms > mk->ms) {
					if (a->marks[q].ms < e)
						e = a->marks[q].ms;
					break;
				}
		} else {
			continue;
		}
		Z->spans[Z->nspans++] = (struct span){(uint32_t)s, (uint32_t)e};
	}
	struct span *sp = Z->spans + st->span0;
	size_t k = Z->nspans - st->span0, out = 0;
	qsort(sp, k, sizeof *sp, by_start);
	for (size_t i = 0; i < k; i++) {
		if (out && sp[i].s <= sp[out - 1].e) {
			if (sp[i].e > sp[out - 1].e)
				sp[out - 1].e = sp[i].e;
		} else {
			sp[out++] = sp[i];
		}
	}
	st->nspan = out;
	Z->nspans = st->span0 + out;
}

static int in_span(const struct span *sp, size_t k, size_t p)
{
	size_t lo = 0, hi = k;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sp[mid].e <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k && sp[lo].s <= p;
}

static int zone_of(struct zones *Z, const struct rhit *h)
{
	const eu_goals *G = Z->a->G;
	size_t f = h->field;

	if (G->fkind[f] == FK_TITLE)
		return Z_TITLE;
	if (G->fkind[f] != FK_TEXT)
		return Z_OTHER;
	if (h->ms >= Z->a->bg[f])
		return Z_BACKGROUND;
	struct fstate *st = &Z->fs[f];
	if (!(Z->have_lead >> f & 1)) {
		st->lead = lead_end((const unsigned char *)Z->text[f], Z->len[f], (size_t)G->sal.lead_sentences);
		Z->have_lead |= 1u << f;
	}
	if (h->ms < st->lead)
		return Z_LEAD;
	if (!Z->a->nmarks)
		return Z_BODY;
	if (!(Z->have_spans >> f & 1))
		spans_of(Z, f);
	return st->nspan && in_span(Z->spans + st->span0, st->nspan, h->ms) ? Z_PURPOSE : Z_BODY;
}

/* The zone of every kept hit, its factor added to its term's tally and
 * its goal's. */
void goals_zones(struct acc *a, const char *const *text, const size_t *len)
{
	const eu_goals *G = a->G;
	struct zones Z;          /* fs[] only as have_* says: not cleared per record */

	Z.a = a;
	Z.text = text;
	Z.len = len;
	Z.spans = G->spans;
	Z.nspans = 0;
	Z.have_lead = Z.have_spans = 0;
	if (a->nmarks > 1)
		qsort(a->marks, a->nmarks, sizeof *a->marks, by_field_then_start);
	for (size_t f = 0; f < G->nfields; f++)
		a->bg[f] = G->fkind[f] == FK_TEXT && a->nmarks ? background_of(a, text[f], len[f], f) : len[f];
	/* The hits run field by field: a run's zones are worked out the
	 * cheap way where the field allows (a title, or a text without
	 * markers: only the lead to tell).  A hit's zone is kept only to
	 * explain it. */
	const double *factor = G->sal.zone;
	const int keep = a->hit != NULL;
	size_t i = 0;
	while (i < a->nhits) {
		size_t f = a->hits[i].field;
		int kind = G->fkind[f];
		if (kind != FK_TEXT || !a->nmarks) {
			size_t lead = kind == FK_TEXT ? lead_end((const unsigned char *)text[f], len[f], (size_t)G->sal.lead_sentences) : 0;
			int z0 = kind == FK_TITLE ? Z_TITLE : kind == FK_TEXT ? Z_BODY : Z_OTHER;
			for (; i < a->nhits && a->hits[i].field == f; i++) {
				struct rhit *h = &a->hits[i];
				int z = h->ms < lead ? Z_LEAD : z0;
				if (keep)
					h->zone = (uint8_t)z;
				a->tw[h->term] += factor[z];
				a->gs[h->goal].zones[z]++;
			}
			continue;
		}
		for (; i < a->nhits && a->hits[i].field == f; i++) {
			struct rhit *h = &a->hits[i];
			int z = zone_of(&Z, h);
			struct gstat *g = &a->gs[h->goal];
			h->zone = (uint8_t)z;
			a->tw[h->term] += factor[z];
			if (z == Z_BACKGROUND)
				g->bg += G->terms[h->term].weight * factor[z];
			g->zones[z]++;
		}
	}
}

/* Characters, not bytes ("æ" is one), of the text the density is taken
 * over. */
static size_t chars_of(const unsigned char *u, size_t n)
{
	size_t cont = 0, i = 0;
#ifdef __SSE2__
	/* UTF-8 continuation bytes, 0x80 to 0xBF, are below -64 signed: each
	 * compare is -1 there, summed per byte lane 255 blocks at a time. */
	while (i + 16 <= n) {
		__m128i acc = _mm_setzero_si128();
		for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmplt_epi8(_mm_loadu_si128((const __m128i *)(u + i)), _mm_set1_epi8(-64)));
		__m128i sum = _mm_sad_epu8(acc, _mm_setzero_si128());
		cont += (size_t)_mm_cvtsi128_si64(sum) + (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
	}
#endif
	for (; i < n; i++)
		cont += (u[i] & 0xc0) == 0x80;
	return n - cont;
}

/* The characters of the title fields and the text fields before their
 * background; bytes only, when !count. */
static size_t core_size(const struct acc *a, const char *const *text, const size_t *len, int count)
{
	const eu_goals *G = a->G;
	size_t c = 0;

	for (size_t f = 0; f < G->nfields; f++) {
		size_t n = G->fkind[f] == FK_TITLE ? len[f] : G->fkind[f] == FK_TEXT ? a->bg[f] : 0;
		c += count ? chars_of((const unsigned char *)text[f], n) : n;
	}
	return c;
}

/* One goal's line for --explain: what was found, and why it counted or
 * not, naming the settings that decided. */
static void explain_goal(eu_buf *w, const eu_goals *G, size_t g, const struct gstat *st, size_t chars, double d,
			 double max, size_t maxg, int fail_ev, int fail_rel, int fail_den)
{
	const struct salience *S = &G->sal;

	eu_buf_printf(w, "%s: %u mention%s of %u term%s (", G->ids[g], st->mentions, st->mentions == 1 ? "" : "s",
		      st->terms, st->terms == 1 ? "" : "s");
	const char *sep = "";
	for (int z = 0; z < NZONES; z++)
		if (st->zones[z]) {
			eu_buf_printf(w, "%s%s %u", sep, goals_zone_name[z], st->zones[z]);
			sep = ", ";
		}
	eu_buf_printf(w, ") in %zu characters, evidence ", chars);
	eu_fmt_amount(w, st->e);
	if (!fail_ev && !fail_rel && !fail_den) {
		eu_buf_adds(w, ": counted\n");
		return;
	}
	eu_buf_adds(w, ": not counted:");
	sep = " ";
	if (fail_ev) {
		eu_buf_printf(w, "%sevidence below salience.min_evidence %g", sep, S->min_evidence);
		sep = "; ";
	}
	if (fail_rel) {
		eu_buf_printf(w, "%s%.2f of the strongest goal's (%s, ", sep, max > 0 ? st->e / max : 0, G->ids[maxg]);
		eu_fmt_amount(w, max);
		eu_buf_printf(w, "), below salience.relative %g", S->relative);
		sep = "; ";
	}
	if (fail_den)
		eu_buf_printf(w, "%sno mention in title, lead or purpose, and %.2f per 1000 characters, below "
			      "salience.min_density %g", sep, d, S->min_density);
	eu_buf_addc(w, '\n');
}

/* Which goals count (see the top of this file), written strongest first:
 * goals, goal_strength, goal_evidence, and the flag of a record whose
 * evidence is all weak.  The goals' evidence sums are in a->gs. */
void goals_decide(struct acc *a, const char *const *text, const size_t *len, eu_goals_result *res)
{
	const eu_goals *G = a->G;
	const struct salience *S = &G->sal;
	double max = 0;
	size_t maxg = 0, nc = 0, stack[64];
	size_t *counted = G->ngoals <= 64 ? stack : eu_xcalloc(G->ngoals, sizeof *counted);
	/* The characters are counted to say them, or when the bytes cannot
	 * decide the density: a character is one to four bytes. */
	size_t bytes = core_size(a, text, len, 0), chars = 0;
	int have_chars = 0;
	if (a->hit) {
		chars = core_size(a, text, len, 1);
		have_chars = 1;
	}

	for (size_t g = 0; g < G->ngoals; g++) {
		if (G->extra[g])
			continue;
		res->score[g] = a->gs[g].e;
		if (a->gs[g].e > max) {
			max = a->gs[g].e;
			maxg = g;
		}
	}
	if (a->hit && a->over)
		eu_buf_printf(&res->why, "%zu hits past the first %d were counted at their field's zone\n", a->over,
			      HITS_MAX);
	for (size_t g = 0; g < G->ngoals; g++) {
		struct gstat *st = &a->gs[g];
		if (G->extra[g])
			continue;
		st->mentions = 0;
		for (int z = 0; z < NZONES; z++)
			st->mentions += st->zones[z];
		if (!st->mentions)
			continue;
		st->top = st->zones[Z_TITLE] || st->zones[Z_LEAD] || st->zones[Z_PURPOSE];
		int fail_ev = st->e < S->min_evidence, fail_rel = st->e < S->relative * max, fail_den = 0;
		/* The density: the evidence outside the background over the
		 * characters outside it, compared as core < min_density x
		 * characters / 1000 whichever way the characters are known. */
		double core = (st->e - st->bg) * 1000;
		if (!st->top && !have_chars && !fail_ev && !fail_rel) {
			if (bytes && core >= S->min_density * (double)bytes)
				fail_den = 0;
			else if (bytes && core < S->min_density * (double)bytes / 8)
				fail_den = 1;
			else {
				chars = core_size(a, text, len, 1);
				have_chars = 1;
			}
		}
		if (!st->top && have_chars)
			fail_den = core < S->min_density * (double)chars;
		if (a->hit)
			explain_goal(&res->why, G, g, st, chars, chars ? core / (double)chars : 0, max, maxg, fail_ev,
				     fail_rel, fail_den);
		if (fail_ev || fail_rel || fail_den)
			continue;
		/* Strongest first; equals in goal order. */
		size_t j = nc++;
		for (; j > 0 && a->gs[counted[j - 1]].e < st->e; j--)
			counted[j] = counted[j - 1];
		counted[j] = g;
	}
	/* Their columns, with each one's evidence: its terms' first kept hits
	 * in the order found (the touched terms are in term order; a goal's
	 * first 64 terms are shown, which is more than a person reads). */
	uint32_t order[64];
	for (size_t i = 0; i < nc; i++) {
		size_t g = counted[i], m = 0;
		eu_list_add(&res->goals, G->ids[g], strlen(G->ids[g]));
		eu_strength_add(&res->strength, G->ids[g], a->gs[g].e);
		for (size_t t = 0; t < a->ntouched && m < 64; t++) {
			uint32_t k = a->touched[t], at = a->first[k];
			if (G->terms[k].goal != g || at == UINT32_MAX)
				continue;
			size_t j = m++;
			for (; j > 0 && order[j - 1] > at; j--)
				order[j] = order[j - 1];
			order[j] = at;
		}
		size_t mark = eu_evidence_open(&res->evidence, G->ids[g], strlen(G->ids[g]));
		for (size_t q = 0; q < m; q++) {
			const struct rhit *r = &a->hits[order[q]];
			eu_evidence_add(&res->evidence, mark, text[r->field] + r->ms, r->me - r->ms, 40,
					G->fields[r->field], G->flen[r->field]);
		}
	}
	res->count = nc;
	if (!nc && max > 0) {
		eu_buf_adds(&res->flag, "weak:");
		eu_buf_adds(&res->flag, G->ids[maxg]);
	}
	if (counted != stack)
		free(counted);
}
