/* The canonical columns every source filter emits (docs/record-stream.md). */
#ifndef EUPRIO_SCHEMA_H
#define EUPRIO_SCHEMA_H

enum eu_canon {
	EU_C_ID, EU_C_SOURCE, EU_C_STATUS, EU_C_TITLE, EU_C_ACRONYM, EU_C_PROGRAMME,
	EU_C_CALL_ID, EU_C_DEADLINE, EU_C_TOTAL, EU_C_EU_GRANT, EU_C_OWN_COST, EU_C_ROLE,
	EU_C_DEPARTMENT, EU_C_CONTACT, EU_C_SUMMARY, EU_C_KEYWORDS, EU_C_PARTNERS,
	EU_C_SDEO_ID, EU_C_ORIGIN, EU_C_WARNINGS, EU_C_REJECT,
	EU_NCANON
};

extern const char *const eu_canon_names[EU_NCANON];

/* Index of a canonical column by name, or -1. */
int eu_canon_index(const char *name);

#endif
