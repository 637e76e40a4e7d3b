/* The words the programs write for people (config/labels.csv), in one
 * language, with {placeholder} filling. */
#ifndef EUPRIO_LABELS_H
#define EUPRIO_LABELS_H

#include <stdarg.h>
#include "euprio/core/buf.h"
#include "euprio/core/strmap.h"

/* The languages the labels come in; "da" and "en" are labels.csv's columns. */
enum eu_lang { EU_LANG_DA = 0, EU_LANG_EN = 1 };
/* "da" or "en". */
const char *eu_lang_code(enum eu_lang lang);

typedef struct eu_labels {
	char **key, **text;
	size_t n;
	char *path;
	eu_strmap index;     /* key -> its first row + 1: a reason is several look-ups per record */
} eu_labels;

/* Loads labels.csv from dir in "da" or "en".  Every key in need
 * (NULL-terminated) must be there: a missing sentence would otherwise
 * surface only on the morning someone needs it.  Each fault is reported
 * with the file; returns -1 after any. */
int eu_labels_load(eu_labels *L, const char *dir, const char *lang, const char *const *need);
void eu_labels_free(eu_labels *L);
/* The text for key, or key itself when absent (load checked the needed). */
const char *eu_label(const eu_labels *L, const char *key);
/* Appends the text for key with {name} placeholders filled from
 * NULL-terminated name, value pairs (at most 8). */
void eu_label_fill(const eu_labels *L, eu_buf *out, const char *key, ...);
void eu_label_vfill(const eu_labels *L, eu_buf *out, const char *key, va_list ap);
/* The same as one more part of a sentence being built: sep first unless
 * out is empty ("; " between the parts of rank's reasons, ", " between
 * local's pieces of evidence). */
void eu_label_vappend(const eu_labels *L, eu_buf *out, const char *sep, const char *key, va_list ap);

#endif
