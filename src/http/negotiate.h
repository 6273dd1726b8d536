/*
 * negotiate.h — parsing the request headers static files are negotiated with (RFC 9110 §12.5.3,
 * §13.1.2, §14): which content coding the client prefers, whether its cached copy is current, which
 * bytes it asks for.  Used by static.c; every function takes untrusted header text and never fails.
 */
#ifndef GG_HTTP_NEGOTIATE_H
#define GG_HTTP_NEGOTIATE_H

#include <stdint.h>

/* The q-value Accept-Encoding gives coding, in thousandths (0..1000): its own entry (names compared
 * without case), else that of "*", else -1 (not mentioned).  "gzip;q=0.5" gives gzip 500. */
int gg_accept_q(const char *accept, const char *coding);

/* 1 when an If-None-Match list names etag (weak comparison: W/ is ignored) or is "*". */
int gg_etag_listed(const char *list, const char *etag);

/* One byte range "bytes=A-B", "bytes=A-" or "bytes=-N" of a size-byte file: 1 with the range in
 * [*from, *from + *len), 0 when the header is NULL, malformed or asks for several ranges (the
 * whole file is sent, as RFC 9110 allows), -1 when it cannot be satisfied (416). */
int gg_byte_range(const char *h, uint64_t size, uint64_t *from, uint64_t *len);

#endif
