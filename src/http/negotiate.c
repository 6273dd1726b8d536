/*
 * negotiate.c — the request headers that choose what of a file is sent: Accept-Encoding q-values,
 * If-None-Match lists, single byte ranges (see negotiate.h).  Pure functions over untrusted text:
 * fuzzed by fuzz/fuzz_negotiate.c.
 */
#include "http/negotiate.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int gg_accept_q(const char *accept, const char *coding)
{
    int star = -1;
    size_t clen = strlen(coding);
    for (const char *c = accept; *c;) {
        while (*c == ' ' || *c == '\t' || *c == ',')
            c++;
        const char *name = c;
        while (*c && *c != ',' && *c != ';' && *c != ' ' && *c != '\t')
            c++;
        size_t nlen = (size_t)(c - name);
        int q = 1000;
        while (*c && *c != ',') { /* parameters: only q counts */
            if (*c != ';') {
                c++;
                continue;
            }
            c++;
            while (*c == ' ' || *c == '\t')
                c++;
            if ((c[0] == 'q' || c[0] == 'Q') && c[1] == '=') {
                c += 2;
                q = 0;
                if (*c == '1') {
                    q = 1000;
                } else if (*c == '0' && c[1] == '.') {
                    int scale = 100;
                    for (c += 2; *c >= '0' && *c <= '9' && scale; c++, scale /= 10)
                        q += (*c - '0') * scale;
                }
            }
        }
        if (nlen == clen && strncasecmp(name, coding, clen) == 0) return q;
        if (nlen == 1 && name[0] == '*') star = q;
    }
    return star;
}

int gg_etag_listed(const char *list, const char *etag)
{
    size_t n = strlen(etag);
    for (const char *c = list; *c;) {
        while (*c == ' ' || *c == '\t' || *c == ',')
            c++;
        if (*c == '*') return 1;
        if (c[0] == 'W' && c[1] == '/') c += 2; /* weak comparison, as If-None-Match asks */
        if (strncmp(c, etag, n) == 0 && (c[n] == 0 || c[n] == ',' || c[n] == ' ')) return 1;
        while (*c && *c != ',')
            c++;
    }
    return 0;
}

int gg_byte_range(const char *h, uint64_t size, uint64_t *from, uint64_t *len)
{
    if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',')) return 0;
    const char *c = h + 6;
    char *end;
    if (*c == '-') {
        if (c[1] < '0' || c[1] > '9') return 0;
        unsigned long long n = strtoull(c + 1, &end, 10);
        if (*end) return 0;
        if (n == 0) return -1;
        if (n > size) n = size;
        *from = size - n;
        *len = n;
        return size ? 1 : -1;
    }
    if (*c < '0' || *c > '9') return 0;
    unsigned long long a = strtoull(c, &end, 10);
    if (*end != '-') return 0;
    c = end + 1;
    unsigned long long b = size ? size - 1 : 0;
    if (*c) {
        if (*c < '0' || *c > '9') return 0;
        b = strtoull(c, &end, 10);
        if (*end || b < a) return 0;
        if (b >= size) b = size - 1;
    }
    if (a >= size) return -1;
    *from = a;
    *len = b - a + 1;
    return 1;
}
