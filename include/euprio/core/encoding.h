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

/* Counts the UTF-8 characters above ASCII in s and the bytes that cannot
 * be UTF-8; a sequence cut by the end of s is neither, unless whole (s is
 * the whole file, not the first bytes of it). */
void eu_utf8_count(const char *s, size_t len, int whole, unsigned long *chars, unsigned long *bad);

/* Whether text a person saved (a listing, a staff table) is Windows-1252
 * rather than UTF-8: it has no UTF-8 BOM, and more bytes that cannot be
 * UTF-8 than UTF-8 characters (a few bad bytes in a UTF-8 file are those
 * rows' fault, not the file's).  The one rule of every reader that takes
 * both: the listings' sniffer (on its first 64 KiB, whole 0) and
 * eu_table_load_file. */
int eu_text_is_cp1252(const char *buf, size_t len, int whole);

#endif
