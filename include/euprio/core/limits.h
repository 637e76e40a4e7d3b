/* The limits that keep hostile input from costing unbounded memory or
 * time in every program: the bytes of one CSV field, the columns of one
 * CSV record, the attributes of one XML element.  They are policy
 * (settings.csv's limit.* keys); a program loads them once, before it
 * reads a record, and the readers use them as their defaults. */
#ifndef EUPRIO_LIMITS_H
#define EUPRIO_LIMITS_H

#include <stddef.h>

typedef struct eu_limits {
	size_t field_bytes;      /* limit.field_bytes: one CSV field */
	size_t columns;          /* limit.columns: fields of one CSV record, header included */
	size_t xml_attributes;   /* limit.xml_attributes: attributes of one XML element */
} eu_limits;

/* The process's limits: the shipped settings' values until eu_limits_load
 * reads a policy. */
extern eu_limits eu_limit;

/* Reads the limit.* keys of dir/settings.csv into eu_limit.  required: a
 * missing settings.csv or key is a fault (the pipeline's stages, which
 * need their policy anyway); otherwise it keeps the default (euprio-cat
 * and the other tools that run without a policy).  A value that is not a
 * number in range is always a fault.  0, or -1 after file:line:col
 * messages. */
int eu_limits_load(const char *dir, int required);

#endif
