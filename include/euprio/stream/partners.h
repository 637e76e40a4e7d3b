/* The partners field codec: one partner per line, seven TAB-separated
 * attributes per line.  The one parser and writer of that field. */
#ifndef EUPRIO_PARTNERS_H
#define EUPRIO_PARTNERS_H

#include <stddef.h>
#include "euprio/core/buf.h"

enum eu_pattr {
	EU_P_NAME, EU_P_ORGID, EU_P_TYPE, EU_P_ROLE,
	EU_P_POSTCODE, EU_P_CITY, EU_P_COUNTRY,
	EU_P_NATTR
};

extern const char *const eu_pattr_names[EU_P_NATTR];

/* Index of a partner attribute by name ("postcode"), or -1. */
int eu_pattr_index(const char *name);

typedef struct eu_partner {
	/* NUL-terminated, never NULL after decode, and laid out one after the
	 * other: a[0] to the end of a[EU_P_NATTR - 1] is the whole line. */
	const char *a[EU_P_NATTR];
	size_t len[EU_P_NATTR];
} eu_partner;

typedef struct eu_partners {
	size_t n, cap;
	eu_partner *p;
	eu_buf store;                /* decoded text lives here */
} eu_partners;

#define EU_PARTNERS_INIT {0, 0, NULL, EU_BUF_INIT}

/* Decodes a partners field.  Returns 0, or -1 with *err naming the fault
 * (a line with more than seven attributes, a partner without a name).
 * Empty lines are ignored; a CR before a line break is dropped. */
int eu_partners_decode(eu_partners *ps, const char *s, size_t len, const char **err);
void eu_partners_free(eu_partners *ps);

/* Appends one partner line (with a leading line break when b already holds
 * partners).  TABs and line breaks inside a value become spaces: they are
 * the codec's separators.  v[k] may be NULL for an empty attribute. */
void eu_partner_encode(eu_buf *b, const char *const v[EU_P_NATTR]);

/* The field as people read it: one partner per line, "Name (City, CC)"
 * (the parentheses only when there is a city or a country).  Appends to
 * out; -1 (nothing appended) when the field cannot be decoded. */
int eu_partners_display(eu_buf *out, const char *s, size_t len);

#endif
