/* The shared words of the record stream (words.h). */
#include <string.h>
#include <strings.h>

#include "euprio/core/words.h"

const char *const eu_tier_names[EU_NTIERS] = {"none", "fyn", "odense"};
const char *const eu_decision_names[EU_NDECISIONS] = {"prioritise", "consider", "explore", "review", "reject"};
const char *const eu_change_names[EU_NCHANGES] = {
	"new", "left", "decision", "score", "below_cost", "cost_covered", "deadline_soon",
	"deadline_unreadable", "local_lost", "local_gained", "back", "watched", "new_call", "call_deadline_soon",
};
const char *const eu_staff_names[EU_NSTAFF] = {"pursue", "decline", "watch"};
const char *const eu_back_flags[EU_NBACK] = {
	"DECLINE_EXPIRED", "SINCE_DECLINE_DEADLINE", "SINCE_DECLINE_LOCAL", "SINCE_DECLINE_GRANT",
	"SINCE_DECLINE_OWN_COST",
};

long eu_word_index(const char *const *names, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncasecmp(names[i], s, len) == 0)
			return (long)i;
	return -1;
}

const char *eu_tier_name(int tier)
{
	return tier > EU_TIER_NONE && tier < EU_NTIERS ? eu_tier_names[tier] : eu_tier_names[EU_TIER_NONE];
}

int eu_tier_parse(const char *s, size_t len, int allow_none)
{
	long t = eu_word_index(eu_tier_names, EU_NTIERS, s, len);

	return t < 0 || (t == EU_TIER_NONE && !allow_none) ? -2 : (int)t;
}

int eu_decision_parse(const char *s, size_t len)
{
	return (int)eu_word_index(eu_decision_names, EU_NDECISIONS, s, len);
}

int eu_staff_parse(const char *s, size_t len)
{
	return (int)eu_word_index(eu_staff_names, EU_NSTAFF, s, len);
}
