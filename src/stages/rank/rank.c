/* One record through euprio-rank: read its facts, pass the gates, score
 * it, explain it.  docs/scoring.md is the formula; the parts are facts.c,
 * staff.c (the staff's decision on it), gates.c, partners.c (a call's
 * suggested local partners), score.c and reasons.c, the policy they read
 * policy.c. */
#include "rank_int.h"

void eu_rank_eval(eu_rank *R, const eu_rec *rec, long today, eu_rank_out *o)
{
	struct facts f;
	eu_buf review = EU_BUF_INIT;     /* the rules a running record fails */

	o->decision = EU_DEC_CONSIDER;
	o->reject_code = NULL;
	eu_buf_clear(&o->reject_reason);
	eu_buf_clear(&o->flags);
	eu_buf_clear(&o->reasons);
	eu_buf_clear(&o->suggested);
	o->has_ratio = o->has_deadline = 0;
	o->days_left = 0;
	o->subs = 0;
	o->call = 0;
	R->nsugs = 0;

	rank_facts(R, rec, today, &f);
	rank_staff(R, rec, &f, today, o);
	if (!rank_gate(R, &f, o, &review)) {
		/* A call's local partners are to be found: the registry's
		 * themes suggest them, from the goals it serves. */
		if (f.call)
			rank_suggest(R, rec, &f, o);
		rank_score(R, rec, &f, o, &review);
		rank_staff_flags(R, o);
		rank_explain(R, rec, &f, o, &review);
	}
	eu_buf_free(&review);
}
