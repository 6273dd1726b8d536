/* fuzz_csv.c — the CSV reader on arbitrary bytes: every row it returns has
 * valid UTF-8 fields and no more than GG_CSV_MAX_FIELDS of them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gg_csv_t *c = gg_csv_open_mem((const char *)data, size);
    gg_error_t err;
    char **f;
    int n, rc, rows = 0;
    while ((rc = gg_csv_next(c, &f, &n, &err)) == 1) {
        if (n < 1 || n > GG_CSV_MAX_FIELDS) abort();
        for (int i = 0; i < n; i++)
            if (!gg_utf8_valid(f[i], strlen(f[i]))) abort();
        if (++rows > 1000000) abort();
    }
    if (rc < 0 && (!err.message[0] || strncmp(err.message, "line ", 5) != 0)) abort();
    gg_csv_close(c);
    return 0;
}
