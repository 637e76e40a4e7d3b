/* Reading the values people type: dates in Danish and ISO forms, amounts
 * with Danish separators, "mio."/"mia." and a currency. */
#ifndef EUPRIO_VALUES_H
#define EUPRIO_VALUES_H

#include <stddef.h>
#include "euprio/core/buf.h"

/* Parses 2025-05-15, 2025-05-15T17:00:00, 15-05-2025, 15.05.2025,
 * 15/5/2025, "3. juli 2025", "15 maj 2025", "15. May 2025".  Returns days
 * since 1970-01-01, or -1 when s is not a valid date (31-02-2025 is not). */
long eu_parse_date(const char *s);
/* Days since 1970-01-01 of a calendar date, or -1 when invalid. */
long eu_days_from_civil(int y, int m, int d);
/* The calendar date of days since 1970-01-01. */
void eu_civil_from_days(long days, int *year, int *month, int *day);
/* Writes YYYY-MM-DD. */
void eu_fmt_date(eu_buf *out, long days);
/* Today's local date, in days since 1970-01-01. */
long eu_today(void);

enum eu_currency { EU_CUR_UNKNOWN = 0, EU_CUR_EUR, EU_CUR_DKK };

/* Parses an amount: 3.200.000, 2.400.000,50, 491873,75, 1480000.00, 4,5 mio.,
 * EUR 1,2 mio, 18 mio. kr., 15.414.794, "DKK 250.000".  *cur is the currency
 * the text names, or EU_CUR_UNKNOWN.  Returns 0, or -1 when s is not an
 * amount or is beyond any budget (1e12). */
int eu_parse_amount(const char *s, double *value, enum eu_currency *cur);
/* The same with the decimal separator fixed ('.' or ','; 0 guesses). */
int eu_parse_amount_dec(const char *s, char dec, double *value, enum eu_currency *cur);

/* The one parser of plain numbers: what the record stream carries
 * ("1480000", "-5", "160857.91", an optional leading + or -) and, with
 * EU_NUM_COMMA, a decimal comma as Danish spreadsheets save it in policy
 * tables ("7,46").  No exponents, hex, inf or nan, no spaces: a value that
 * is not plainly a number is not read as one.  Returns 0, or -1. */
#define EU_NUM_COMMA 1
int eu_parse_number(const char *s, size_t len, int flags, double *out);

/* Converts to EUR: DKK at rate DKK per EUR; unknown counts as dflt. */
double eu_to_eur(double v, enum eu_currency cur, enum eu_currency dflt, double dkk_rate);

#endif
