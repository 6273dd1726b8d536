/* fuzz_negotiate.c — arbitrary Accept-Encoding, If-None-Match and Range headers (http/negotiate.h):
 * a q-value stays within -1..1000, and a satisfiable range stays inside the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/negotiate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096) return 0;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    int q = gg_accept_q(text, data[0] & 1 ? "gzip" : "br");
    if (q < -1 || q > 1000) abort();
    (void)gg_etag_listed(text, "\"1f-2b\"");
    uint64_t from = 0, len = 0, file = data[0] * 37u;
    int r = gg_byte_range(text, file, &from, &len);
    if (r == 1 && (len == 0 || from >= file || len > file - from)) abort();
    free(text);
    return 0;
}
