/* The words of the record stream that more than one program writes or
 * reads — tiers, decisions, kinds of change — spelled in one place, so a
 * stage that writes one and a stage that reads it cannot disagree. */
#ifndef EUPRIO_WORDS_H
#define EUPRIO_WORDS_H

#include <stddef.h>

/* local_tier: how rooted a partner (or a record's best partner) is.
 * EU_TIER_SELF is the municipality itself, which never counts. */
enum eu_tier { EU_TIER_SELF = -1, EU_TIER_NONE = 0, EU_TIER_FYN = 1, EU_TIER_ODENSE = 2 };
#define EU_NTIERS 3
/* "none", "fyn", "odense", indexed by tier. */
extern const char *const eu_tier_names[EU_NTIERS];
const char *eu_tier_name(int tier);
/* The tier a word names (ASCII case ignored), or -2 when it names none;
 * "none" is accepted only when allow_none is set. */
int eu_tier_parse(const char *s, size_t len, int allow_none);

/* decision: what euprio-rank decides.  EU_DEC_REJECT never appears in the
 * candidates; the order is the candidates' sort order.  EU_DEC_EXPLORE is
 * the call track's (docs/scoring.md, "Calls"): an open call that fits the
 * goals with time to find partners, after the projects to pursue and
 * before the collaborations to review. */
enum eu_decision {
	EU_DEC_PRIORITISE = 0, EU_DEC_CONSIDER = 1, EU_DEC_EXPLORE = 2, EU_DEC_REVIEW = 3, EU_DEC_REJECT = 4
};
#define EU_NDECISIONS 5
extern const char *const eu_decision_names[EU_NDECISIONS];
/* The decision a word names, or -1. */
int eu_decision_parse(const char *s, size_t len);

/* staff decision: what a coordinator decided about a record in the
 * decisions table (euprio-rank --decisions), written by rank as
 * staff_decision and shown by the workbook as label staff.<name>. */
enum eu_staff { EU_STAFF_PURSUE = 0, EU_STAFF_DECLINE = 1, EU_STAFF_WATCH = 2 };
#define EU_NSTAFF 3
extern const char *const eu_staff_names[EU_NSTAFF];
/* The staff decision a word names (ASCII case ignored: a spreadsheet
 * capitalises "Decline"), or -1. */
int eu_staff_parse(const char *s, size_t len);

/* The flags rank writes for the staff's decisions, which euprio-changes
 * reads: a pursued or watched record, and a declined one back among the
 * candidates, with what brought it back. */
#define EU_FLAG_STAFF_PURSUE "STAFF_PURSUE"
#define EU_FLAG_STAFF_WATCH "STAFF_WATCH"
/* The flags of a candidate's deadline and cost that euprio-changes reads. */
#define EU_FLAG_DEADLINE_SOON "DEADLINE_SOON"
#define EU_FLAG_DEADLINE_UNREADABLE "DEADLINE_UNREADABLE"
#define EU_FLAG_VALUE_BELOW_COST "VALUE_BELOW_COST"
enum eu_back { EU_BACK_EXPIRED, EU_BACK_DEADLINE, EU_BACK_LOCAL, EU_BACK_GRANT, EU_BACK_OWN_COST, EU_NBACK };
/* "DECLINE_EXPIRED", "SINCE_DECLINE_DEADLINE", "SINCE_DECLINE_LOCAL",
 * "SINCE_DECLINE_GRANT", "SINCE_DECLINE_OWN_COST", indexed by eu_back. */
extern const char *const eu_back_flags[EU_NBACK];

/* change: a row of euprio-changes' output.  A candidate new tonight or
 * gone; its decision or else its score changed; and the changes of flags
 * and partners that matter: it fell below its own cost or covers it again,
 * its deadline came near, its deadline can no longer be read, a local
 * partner was lost or gained; a declined record back among the
 * candidates; any other change of a record staff watch; and for the call
 * track (decision explore) a call new tonight and a call whose deadline
 * came near, in place of new and deadline_soon.  The workbook shows each
 * by its label, change.<name> in labels.csv. */
enum eu_change {
	EU_CHANGE_NEW, EU_CHANGE_LEFT, EU_CHANGE_DECISION, EU_CHANGE_SCORE, EU_CHANGE_BELOW_COST,
	EU_CHANGE_COST_COVERED, EU_CHANGE_DEADLINE_SOON, EU_CHANGE_DEADLINE_UNREADABLE,
	EU_CHANGE_LOCAL_LOST, EU_CHANGE_LOCAL_GAINED, EU_CHANGE_BACK, EU_CHANGE_WATCHED,
	EU_CHANGE_NEW_CALL, EU_CHANGE_CALL_DEADLINE_SOON, EU_NCHANGES
};
extern const char *const eu_change_names[EU_NCHANGES];

/* The index of the word s (len bytes) in names[0..n), or -1: the look-up
 * the functions above share. */
long eu_word_index(const char *const *names, size_t n, const char *s, size_t len);

#endif
