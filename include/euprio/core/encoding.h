/* Text encodings: UTF-8 validation and Windows-1252 to UTF-8, for the CSV
 * reader and the listings' dialect sniffing. */
#ifndef EUPRIO_ENCODING_H
#define EUPRIO_ENCODING_H

#include <stddef.h>

/* Decodes Windows-1252 to UTF-8; out needs room for 3 * n bytes.  Returns
 * the bytes written.  Undefined bytes become U+FFFD. */
size_t eu_cp1252_to_utf8(const unsigned char *in, size_t n, unsigned char *out);

/* Validates UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
 * Returns the offset of the first bad byte, or len when all is well. */
size_t eu_utf8_check(const char *s, size_t len);

/* Whether text that a person saved (a listing, a staff table) is
 * Windows-1252 rather than UTF-8: it has no UTF-8 BOM and is not valid
 * UTF-8.  whole is 0 when buf is only the first bytes of the file, so a
 * sequence cut at its end does not count against UTF-8.  The one rule
 * for every reader that accepts both. */
int eu_text_is_cp1252(const char *buf, size_t len, int whole);

#endif
