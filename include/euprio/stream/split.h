/* euprio-split's logic: a record stream cut into parts at record
 * boundaries, each part with the header. */
#ifndef EUPRIO_SPLIT_H
#define EUPRIO_SPLIT_H

#include <stddef.h>
#include <stdio.h>

/* Reads paths (none: stdin) as one stream and writes parts named
 * PREFIX0000.csv, PREFIX0001.csv, ...: about parts of equal size (by the
 * inputs' bytes, so they must be regular files) or per records each;
 * exactly one of parts and per is non-zero.  Each part's name is printed
 * on names.  Returns the eu_exit status. */
int eu_split_run(char *const *paths, size_t npaths, unsigned long parts, unsigned long per,
		 const char *prefix, FILE *names);

#endif
