/* Text helpers: Unicode folding for matching names the way people write
 * them (utf8proc), whitespace handling, number formatting. */
#ifndef EUPRIO_TEXT_H
#define EUPRIO_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "euprio/core/buf.h"

/* Folds s for comparing names: case-folded, compatibility-normalised,
 * accents stripped, the Nordic letters spelt out (ae, o, aa) so that
 * "Århus" = "Aarhus" and "København" = "Kobenhavn", every run of
 * non-alphanumerics one space, no leading or trailing space.  The result
 * is appended to out.  Invalid UTF-8 bytes are dropped.  */
void eu_fold(eu_buf *out, const char *s, size_t len);

/* True when needle (folded) occurs in hay (folded) on word boundaries. */
int eu_folded_contains_words(const char *hay, size_t hlen, const char *needle, size_t nlen);

/* Collapses every run of white space (including line breaks) to one space
 * and trims; appends to out. */
void eu_collapse_ws(eu_buf *out, const char *s, size_t len);

/* Writes a plain decimal with up to two decimals and no trailing zeros
 * ("1480000", "160857.91"). */
void eu_fmt_amount(eu_buf *out, double v);
/* The same into out, NUL-terminated; returns its length.  DBL_MAX written
 * out is 309 digits. */
#define EU_AMOUNT_MAX 320
size_t eu_fmt_amount_to(char out[EU_AMOUNT_MAX], double v);

/* PCRE2 JIT compilation, unless $EUPRIO_NO_JIT is set (memcheck cannot
 * follow JIT code, so scripts/memcheck.sh runs the interpreter).  Returns
 * whether the code is JIT-compiled, so callers pick pcre2_jit_match. */
struct pcre2_real_code_8;
int eu_jit(struct pcre2_real_code_8 *code);
/* The same for other JIT modes (PCRE2_JIT_PARTIAL_HARD, ...), added to
 * those the code has. */
int eu_jit_modes(struct pcre2_real_code_8 *code, uint32_t modes);

/* ASCII helpers that ignore the locale. */
int eu_strcaseeq(const char *a, const char *b);
char *eu_trim(char *s);

#endif
