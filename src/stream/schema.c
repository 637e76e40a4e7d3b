/* The canonical record-stream columns, in output order. */
#include <string.h>

#include "euprio/stream/schema.h"

const char *const eu_canon_names[EU_NCANON] = {
	"id", "source", "status", "title", "acronym", "programme", "call_id", "deadline",
	"total_eur", "eu_grant_eur", "own_cost_eur", "odense_role", "department", "contact",
	"summary", "keywords", "partners", "sdeo_id", "origin", "warnings", "reject_reason",
};

int eu_canon_index(const char *name)
{
	for (int i = 0; i < EU_NCANON; i++)
		if (strcmp(eu_canon_names[i], name) == 0)
			return i;
	return -1;
}
