/* What a record says that euprio-rank decides on, read once: its status
 * class, deadline, goals, local partners, partners abroad, role and money.
 * The list columns are read with the stream's one codec (listcol.h) and
 * numbers with the one number parser, so rank reads exactly what the
 * stages before it wrote. */
#include <math.h>
#include <string.h>

#include "euprio/core/text.h"
#include "euprio/core/values.h"
#include "euprio/core/words.h"
#include "euprio/stream/listcol.h"
#include "euprio/stream/partners.h"
#include "rank_int.h"

/* Is the folded word one of the list's (folded when loaded)? */
static int folded_in(const char *folded, char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(folded, list[i]) == 0)
			return 1;
	return 0;
}

static int status_in(const char *status, char *const *list, size_t n)
{
	eu_buf f = EU_BUF_INIT;

	eu_fold(&f, status, strlen(status));
	int hit = folded_in(f.p, list, n);
	eu_buf_free(&f);
	return hit;
}

/* A number column: 0 when empty or not a number (a stage that was skipped
 * leaves it empty; rank_gate says so). */
static double number(const eu_rank *R, const eu_rec *rec, int c, int *ok)
{
	double v = 0;
	int got = eu_parse_number(rank_get(R, rec, c), rank_getlen(R, rec, c), 0, &v) == 0;

	if (ok)
		*ok = got;
	return got ? v : 0;
}

void rank_facts(eu_rank *R, const eu_rec *rec, long today, struct facts *f)
{
	memset(f, 0, sizeof *f);
	f->reject = rank_get(R, rec, C_REJECT);
	f->reject_len = rank_getlen(R, rec, C_REJECT);
	f->status = rank_get(R, rec, C_STATUS);
	/* The status folded once for the lists it is looked up in: folding
	 * it for each was a tenth of rank's time on short records. */
	eu_buf fst = EU_BUF_INIT;
	eu_fold(&fst, f->status, strlen(f->status));
	f->closed = *f->status && folded_in(fst.p, R->st_closed, R->nst_closed);
	f->review = folded_in(fst.p, R->st_review, R->nst_review);
	f->gated = !*f->status || folded_in(fst.p, R->st_deadline, R->nst_deadline);
	f->forthcoming = *f->status && folded_in(fst.p, R->st_forthcoming, R->nst_forthcoming);
	eu_buf_free(&fst);

	/* A deadline that cannot be read is not "no deadline": its text comes
	 * from the column, or, where a source left the column empty, from the
	 * source's warning about it ("deadline: '31-02-2025' is not a date"). */
	f->deadline_text = rank_get(R, rec, C_DEADLINE);
	if (*f->deadline_text) {
		long d = eu_parse_date(f->deadline_text);
		if (d >= 0) {
			f->has_deadline = 1;
			f->deadline = d;
			f->days_left = d - today;
		} else {
			f->unreadable = f->deadline_text;
			f->unreadable_len = rank_getlen(R, rec, C_DEADLINE);
		}
	} else {
		eu_warning_text(rank_get(R, rec, C_WARNINGS), rank_getlen(R, rec, C_WARNINGS), "deadline",
				&f->unreadable, &f->unreadable_len);
	}

	/* The project's own time: ended, or running now. */
	const char *st = rank_get(R, rec, C_START);
	f->end_text = rank_get(R, rec, C_END);
	f->start = *st ? eu_parse_date(st) : -1;
	f->end = *f->end_text ? eu_parse_date(f->end_text) : -1;
	f->has_start = f->start >= 0;
	f->has_end = f->end >= 0;
	f->ended = f->has_end && f->end < today;
	f->running = f->has_start && f->has_end && f->start <= today && today <= f->end;

	/* A stage's count left empty: that stage never saw the record (a file
	 * joined to the stream without it), which is not "no goal". */
	int ok;
	f->goal_count = number(R, rec, C_GOAL_COUNT, &ok);
	if (!ok)
		f->stage_missing = "goal_count";
	f->goals = rank_get(R, rec, C_GOALS);
	f->goals_len = rank_getlen(R, rec, C_GOALS);
	f->strength = eu_strength_sum(rank_get(R, rec, C_GOAL_STRENGTH), rank_getlen(R, rec, C_GOAL_STRENGTH));
	f->evidence = rank_get(R, rec, C_GOAL_EVIDENCE);
	f->evidence_len = rank_getlen(R, rec, C_GOAL_EVIDENCE);

	f->local_count = number(R, rec, C_LOCAL_COUNT, &ok);
	if (!ok && !f->stage_missing)
		f->stage_missing = "local_count";
	eu_list_it lt;
	const char *tid;
	size_t tlen;
	double tn;
	eu_list_begin(&lt, rank_get(R, rec, C_LOCAL_TIERS), rank_getlen(R, rec, C_LOCAL_TIERS));
	while (eu_strength_next(&lt, &tid, &tlen, &tn)) {
		int t = eu_tier_parse(tid, tlen, 0);
		f->has_tier_counts = 1;
		if (t == EU_TIER_ODENSE)
			f->n_odense = tn;
		else if (t == EU_TIER_FYN)
			f->n_fyn = tn;
	}
	const char *tier = rank_get(R, rec, C_LOCAL_TIER);
	int t = eu_tier_parse(tier, strlen(tier), 1);
	f->tier = t < 0 ? EU_TIER_NONE : t;
	f->types = rank_get(R, rec, C_LOCAL_TYPES);
	f->types_len = rank_getlen(R, rec, C_LOCAL_TYPES);
	f->ntypes = eu_list_count(f->types, f->types_len);
	f->business = eu_list_has(f->types, f->types_len, "business", 8);
	f->twins = rank_get(R, rec, C_TWINS);
	f->twins_len = rank_getlen(R, rec, C_TWINS);

	/* Partners abroad: one home-country predicate for every stage, so
	 * "DK", "Danmark" and "Dänemark" are one country here as in local. */
	eu_partners ps = EU_PARTNERS_INIT;
	const char *err;
	if (eu_partners_decode(&ps, rank_get(R, rec, C_PARTNERS), rank_getlen(R, rec, C_PARTNERS), &err) == 0) {
		f->npartners = ps.n;
		for (size_t i = 0; i < ps.n; i++)
			if (ps.p[i].len[EU_P_COUNTRY] &&
			    !eu_country_is_home(R->countries, ps.p[i].a[EU_P_COUNTRY], ps.p[i].len[EU_P_COUNTRY]))
				f->nabroad++;
	}
	eu_partners_free(&ps);
	f->coordinator = eu_strcaseeq(rank_get(R, rec, C_ROLE), "coordinator");

	/* Value for money: Odense's share of the grant over its own cost. */
	double own = number(R, rec, C_OWN_COST, &ok);
	if (ok && own > 0) {
		double share = number(R, rec, C_ODENSE_GRANT, &ok);
		if (!ok) {
			double grant = number(R, rec, C_EU_GRANT, &ok);
			share = grant / (double)(f->npartners + 1);
		}
		if (ok) {
			f->has_ratio = 1;
			f->value_ratio = round(share / own * 100) / 100;
		}
	}
	/* Nothing to judge the goals on: no summary or keywords, and a title
	 * that is only the acronym (CORDIS participants) or none. */
	if (!rank_getlen(R, rec, C_SUMMARY) && !rank_getlen(R, rec, C_KEYWORDS)) {
		eu_buf ft = EU_BUF_INIT, fa = EU_BUF_INIT;
		eu_fold(&ft, rank_get(R, rec, C_TITLE), rank_getlen(R, rec, C_TITLE));
		eu_fold(&fa, rank_get(R, rec, C_ACRONYM), rank_getlen(R, rec, C_ACRONYM));
		f->no_text = !ft.len || (ft.len == fa.len && !memcmp(ft.p, fa.p, ft.len));
		eu_buf_free(&ft);
		eu_buf_free(&fa);
	}
	f->sdeo = rank_get(R, rec, C_SDEO);
	f->sdeo_len = rank_getlen(R, rec, C_SDEO);

	/* The call track: a call from the portal, or a listing of type Call
	 * standing alone (its source a listing's).  A listing joined onto an
	 * application carries the listing's type, but the record is that
	 * application's project, with the application's source. */
	const char *src = rank_get(R, rec, C_SOURCE), *ltype = rank_get(R, rec, C_LISTING_TYPE);
	size_t slen = rank_getlen(R, rec, C_SOURCE);
	if (!R->last_source.p || R->last_source.len != slen || memcmp(R->last_source.p, src, slen)) {
		eu_buf_clear(&R->last_source);
		eu_buf_add(&R->last_source, src, slen);
		R->last_source_call = *src && status_in(src, R->call_sources, R->ncall_sources);
		R->last_source_listing = *src && status_in(src, R->call_listing_sources, R->ncall_listing_sources);
	}
	f->call = R->last_source_call ||
		  (R->last_source_listing && *ltype && status_in(ltype, R->call_types, R->ncall_types));
	if (!f->call) {
		f->forthcoming = 0;      /* a word of the call track only */
		return;
	}
	f->start_text = st;
	/* What one project can get: the budget per grant, which euprio-calls
	 * writes as the EU grant (docs/calls.md). */
	f->budget = number(R, rec, C_EU_GRANT, &ok);
	f->has_budget = ok && f->budget > 0;
}
