/* The gates of docs/scoring.md, in its order: a record rejected upstream
 * or not seen by a stage, a closed one, an ended project, a passed
 * deadline (for a call, one too close), no goal, no local partner (not
 * for a call), no text to judge the goals on.
 * Time comes before content: a finished project is rejected for being
 * finished, whatever else it lacks.  A record whose status keeps it for
 * review (a running collaboration) passes the goal and local gates and
 * carries the failed rule to its reasons instead.  A record staff declined
 * is rejected DECLINED after the data gates and before the policy's; one
 * they pursue is still rejected by any gate, and its reason says they
 * pursue it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/words.h"
#include "rank_int.h"

static int reject(eu_rank *R, eu_rank_out *o, const char *code, const char *key, ...)
{
	va_list ap;

	o->decision = EU_DEC_REJECT;
	o->reject_code = code;
	va_start(ap, key);
	eu_label_vfill(&R->labels, &o->reject_reason, key, ap);
	va_end(ap);
	return 1;
}

static void review_add(eu_rank *R, eu_buf *review, const char *key)
{
	if (review->len)
		eu_buf_adds(review, ", ");
	eu_rank_label(R, review, key, NULL);
}

static int gate(eu_rank *R, const struct facts *f, eu_rank_out *o, eu_buf *review)
{
	if (f->reject_len)
		return reject(R, o, "BAD_INPUT", "reject.BAD_INPUT", "reason", f->reject, NULL);
	if (f->stage_missing)
		return reject(R, o, "BAD_INPUT", "reject.NO_STAGE", "column", f->stage_missing, "stage",
			      strcmp(f->stage_missing, "goal_count") == 0 ? "euprio-goals" : "euprio-local", NULL);
	/* Staff's word before the policy's: a declined record is told as
	 * declined, in the words of their note, whatever else it fails. */
	if (o->staff == EU_STAFF_DECLINE && !o->back) {
		o->decision = EU_DEC_REJECT;
		o->reject_code = "DECLINED";
		if (*o->staff_note)
			eu_buf_adds(&o->reject_reason, o->staff_note);
		else
			eu_rank_label(R, &o->reject_reason, "reject.DECLINED", NULL);
		return 1;
	}
	if (f->closed)
		return reject(R, o, "CLOSED", "reject.CLOSED", "status", f->status, NULL);
	if (f->ended)
		return reject(R, o, "ENDED", "reject.ENDED", "end", f->end_text, NULL);
	/* A call's status is the portal's word on the day of the export, so
	 * its passed deadline rejects whatever the status says. */
	if (f->has_deadline && f->days_left < 0 && (f->gated || f->call))
		return reject(R, o, "DEADLINE_PASSED", "reject.DEADLINE_PASSED", "deadline", f->deadline_text, NULL);
	/* The call track's own gate of time: too few days to find partners and
	 * write an application.  Staff who pursue the call are already on it,
	 * so for them it does not stand (it is judgement, not a fact as a
	 * passed deadline is). */
	if (f->call && f->has_deadline && f->days_left < R->call_min_days &&
	    !(o->staff == EU_STAFF_PURSUE && o->staff_holds)) {
		char days[32], min[32];
		snprintf(days, sizeof days, "%ld", f->days_left);
		snprintf(min, sizeof min, "%.0f", R->call_min_days);
		return reject(R, o, "DEADLINE_TOO_CLOSE", "reject.DEADLINE_TOO_CLOSE", "deadline", f->deadline_text,
			      "days", days, "min", min, NULL);
	}
	/* No goal found where there was nothing to read is NO_TEXT, said
	 * after the local gate, which can still be judged. */
	if (f->goal_count <= 0 && !f->no_text) {
		if (!f->review)
			return reject(R, o, "NO_GOAL", "reject.NO_GOAL", NULL);
		review_add(R, review, "reject.NO_GOAL");
	}
	/* A call has no partners yet: finding them is what its suggested
	 * local partners are for. */
	if (f->local_count <= 0 && !f->call) {
		if (!f->review)
			return reject(R, o, "NO_LOCAL_PARTNER", "reject.NO_LOCAL_PARTNER", NULL);
		review_add(R, review, "reject.NO_LOCAL_PARTNER");
	}
	if (f->goal_count <= 0 && f->no_text) {
		if (!f->review)
			return reject(R, o, "NO_TEXT", "reject.NO_TEXT", NULL);
		review_add(R, review, "reject.NO_TEXT");
	}
	return 0;
}

int rank_gate(eu_rank *R, const struct facts *f, eu_rank_out *o, eu_buf *review)
{
	if (!gate(R, f, o, review))
		return 0;
	/* Pursuing does not open a closed call: the gate stands, and says
	 * that staff pursue the record. */
	rank_staff_reason(R, o, &o->reject_reason);
	return 1;
}
