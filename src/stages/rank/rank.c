/* One record through euprio-rank: read its facts, pass the gates, score
 * it, explain it.  docs/scoring.md is the formula; the parts are facts.c,
 * staff.c (the staff's decision on it), gates.c, score.c and reasons.c,
 * the policy they read policy.c. */
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
	o->has_ratio = o->has_deadline = 0;
	o->days_left = 0;

	rank_facts(R, rec, today, &f);
	rank_staff(R, rec, &f, today, o);
	if (!rank_gate(R, &f, o, &review)) {
		rank_score(R, rec, &f, o, &review);
		rank_staff_flags(R, o);
		rank_explain(R, &f, o, &review);
	}
	eu_buf_free(&review);
}
