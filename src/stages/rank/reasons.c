/* The reasons: one sentence a coordinator reads without a manual, in the
 * chosen language, every word from labels.csv — why a record is kept for
 * review, the goals with their evidence, the local partners, twin cities,
 * value for money, the deadline and the SDEO listing; for a call, its
 * suggested partners and budget instead of the partners and the ratio. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/values.h"
#include "euprio/core/words.h"
#include "euprio/stream/listcol.h"
#include "rank_int.h"

/* Up to three distinct words of the goal evidence, in lower case, for the
 * goals part: "cobots, robotics, ældre". */
static void evidence_words(eu_buf *out, const char *ev, size_t len)
{
	eu_evidence_it it;
	eu_evidence_item e;
	eu_buf word = EU_BUF_INIT;
	int n = 0;

	eu_evidence_begin(&it, ev, len);
	while (n < 3 && eu_evidence_next(&it, &e)) {
		eu_buf_clear(&word);
		eu_buf_add(&word, e.text, e.textlen);
		for (char *c = word.p; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c += 32;
		/* A word inside one already listed adds nothing ("robot" after
		 * "robotics"). */
		if (!out->p || !strstr(out->p, word.p)) {
			if (out->len)
				eu_buf_adds(out, ", ");
			eu_buf_add(out, word.p, word.len);
			n++;
		}
	}
	eu_buf_free(&word);
}

static void goals_part(eu_rank *R, const struct facts *f, eu_buf *out)
{
	eu_buf goals = EU_BUF_INIT, words = EU_BUF_INIT;

	eu_list_join(&goals, f->goals, f->goals_len, ", ");
	evidence_words(&words, f->evidence, f->evidence_len);
	rank_add_part(R, out, "goals", "goals", goals.p ? goals.p : "", "terms", words.p ? words.p : "", NULL);
	eu_buf_free(&goals);
	eu_buf_free(&words);
}

/* A whole number (a count of actors, days, an amount) as digits, without
 * printf's floating-point path, which the counts, days and amounts of a
 * record's reasons made a tenth of rank's time on short records; anything
 * that is not whole as %.0f writes it, so the text is %.0f's. */
static void whole_text(char *b, size_t size, double v)
{
	if (!(v >= 0 && !signbit(v) && v < 1e15 && v == (double)(long long)v)) {
		snprintf(b, size, "%.0f", v);
		return;
	}
	char tmp[24], *q = tmp + sizeof tmp;
	unsigned long long u = (unsigned long long)v;
	do
		*--q = (char)('0' + u % 10);
	while (u /= 10);
	size_t n = (size_t)(tmp + sizeof tmp - q);
	memcpy(b, q, n);
	b[n] = '\0';
}

static void local_part(eu_rank *R, const struct facts *f, eu_buf *out)
{
	if (f->local_count <= 0) {
		rank_add_part(R, out, "local.none", NULL);
		return;
	}
	char n[32], key[32], nod[32], nfy[32];
	whole_text(n, sizeof n, f->local_count);
	whole_text(nod, sizeof nod, f->n_odense);
	whole_text(nfy, sizeof nfy, f->n_fyn);
	/* Actors in Odense and elsewhere on Funen are told apart, so one in
	 * Svendborg is not said to be in Odense. */
	int mixed = f->has_tier_counts && f->n_odense > 0 && f->n_fyn > 0;
	if (mixed)
		snprintf(key, sizeof key, "local.mixed");
	else
		snprintf(key, sizeof key, "local.%s.%s", f->local_count == 1 ? "one" : "many",
			 f->tier == EU_TIER_ODENSE ? "odense" : "fyn");
	eu_buf types = EU_BUF_INIT;
	eu_list_it it;
	const char *t;
	size_t tl;
	eu_list_begin(&it, f->types, f->types_len);
	while (eu_list_next(&it, &t, &tl)) {
		char tk[48];
		snprintf(tk, sizeof tk, "type.%.*s", (int)(tl > 40 ? 40 : tl), t);
		if (types.len)
			eu_buf_adds(&types, ", ");
		eu_buf_adds(&types, eu_label(&R->labels, tk));
	}
	if (!types.len)
		eu_buf_adds(&types, eu_label(&R->labels, "type.unknown"));
	rank_add_part(R, out, key, "n", n, "odense", nod, "fyn", nfy, "types", types.p, NULL);
	eu_buf_free(&types);
}

static void ratio_part(eu_rank *R, const eu_rank_out *o, eu_buf *out)
{
	if (!o->has_ratio) {
		rank_add_part(R, out, "ratio.none", NULL);
		return;
	}
	char r[32];
	snprintf(r, sizeof r, "%.1f", o->value_ratio);
	for (char *c = r; *c; c++)
		if (*c == '.')
			*c = *eu_label(&R->labels, "decimal");   /* "," in Danish */
	rank_add_part(R, out, "ratio", "ratio", r, NULL);
}

static void deadline_part(eu_rank *R, const struct facts *f, const eu_rank_out *o, eu_buf *out)
{
	if (f->unreadable) {
		eu_buf text = EU_BUF_INIT;
		eu_buf_add(&text, f->unreadable, f->unreadable_len);
		rank_add_part(R, out, "deadline.unreadable", "deadline", text.p ? text.p : "", NULL);
		eu_buf_free(&text);
		return;
	}
	if (!o->has_deadline) {
		rank_add_part(R, out, "deadline.none", NULL);
		return;
	}
	char d[32];
	whole_text(d, sizeof d, (double)(o->days_left < 0 ? -o->days_left : o->days_left));
	rank_add_part(R, out, o->days_left > 0 ? "deadline.days" : o->days_left == 0 ? "deadline.today" : "deadline.passed",
		      "days", d, NULL);
}

/* An amount as people read it, with the language's thousands separator:
 * "4.000.000" in Danish. */
static void amount_words(const eu_rank *R, eu_buf *out, double v)
{
	char digits[64];
	const char *sep = eu_label(&R->labels, "thousands");

	whole_text(digits, sizeof digits, v);
	size_t n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			eu_buf_adds(out, sep);
		eu_buf_addc(out, digits[i]);
	}
}

/* A call's reasons: the goals, its local partners (a listing's own, else
 * the ones the registry suggests), who on Funen took part in projects of
 * its programme part, the budget per grant, when it opens, the deadline. */
static void explain_call(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o)
{
	eu_buf *out = &o->reasons;

	if (f->goal_count > 0)
		goals_part(R, f, out);
	/* A listing's own local partners, and the others the registry
	 * suggests; a portal topic has only the latter, and is told when the
	 * registry has none for it. */
	if (f->local_count > 0)
		local_part(R, f, out);
	if (f->local_count <= 0 || R->nsugs)
		rank_suggest_part(R, out);
	rank_cordis_part(R, rec, out);
	if (f->twins_len) {
		eu_buf twins = EU_BUF_INIT;
		eu_list_join(&twins, f->twins, f->twins_len, ", ");
		rank_add_part(R, out, "twin", "city", twins.p, NULL);
		eu_buf_free(&twins);
	}
	if (f->has_budget) {
		eu_buf amount = EU_BUF_INIT;
		amount_words(R, &amount, f->budget);
		rank_add_part(R, out, "call.budget", "amount", amount.p, NULL);
		eu_buf_free(&amount);
	} else {
		rank_add_part(R, out, "call.budget.none", NULL);
	}
	if (f->forthcoming) {
		if (*f->start_text && eu_parse_date(f->start_text) >= 0)
			rank_add_part(R, out, "call.opens", "date", f->start_text, NULL);
		else
			rank_add_part(R, out, "call.opens.unknown", NULL);
	}
	deadline_part(R, f, o, out);
	if (f->sdeo_len) {
		if (out->len)
			eu_buf_adds(out, "; ");
		eu_buf_add(out, f->sdeo, f->sdeo_len);
	}
}

void rank_explain(eu_rank *R, const eu_rec *rec, const struct facts *f, eu_rank_out *o, const eu_buf *review)
{
	eu_buf *out = &o->reasons;

	if (f->call) {
		explain_call(R, rec, f, o);
		return;
	}

	if (o->decision == EU_DEC_REVIEW)
		rank_add_part(R, out, "review", "why", review->p, NULL);
	if (f->goal_count > 0)
		goals_part(R, f, out);
	local_part(R, f, out);
	if (f->twins_len) {
		eu_buf twins = EU_BUF_INIT;
		eu_list_join(&twins, f->twins, f->twins_len, ", ");
		rank_add_part(R, out, "twin", "city", twins.p, NULL);
		eu_buf_free(&twins);
	}
	ratio_part(R, o, out);
	deadline_part(R, f, o, out);
	if (f->sdeo_len) {
		if (out->len)
			eu_buf_adds(out, "; ");
		eu_buf_add(out, f->sdeo, f->sdeo_len);
	}
}
