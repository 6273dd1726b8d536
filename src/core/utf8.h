/* utf8.h — UTF-8 validation shared by the JSON writer, the JSON reader and
 * query-string parsing: strict (no overlongs, no surrogates, <= U+10FFFF). */
#ifndef GG_CORE_UTF8_H
#define GG_CORE_UTF8_H

#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at s[0..n), or 0 if invalid. */
size_t gg_utf8_seq(const unsigned char *s, size_t n);
/* 1 when s[0..n) is entirely valid UTF-8. */
int gg_utf8_valid(const char *s, size_t n);
/* Number of code points in the NUL-terminated valid UTF-8 string s. */
size_t gg_utf8_len(const char *s);

#endif
