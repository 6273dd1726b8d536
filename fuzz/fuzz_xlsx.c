/* fuzz_xlsx.c — the XLSX reader (libzip + expat) on arbitrary bytes, through the table iterator the
 * importer uses: every row it returns has at most GG_XLSX_MAX_COLS valid UTF-8 fields, rows come in
 * increasing order, and a refusal always names "file". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/table.h"
#include "core/utf8.h"
#include "core/xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gg_table_t *t;
    gg_error_t err;
    char **f;
    int n, rc;
    long last = 0;
    if (gg_table_open_mem(data, size, &t, &err) < 0) {
        if (strcmp(err.field, "file") != 0) abort();
        return 0;
    }
    while ((rc = gg_table_next(t, &f, &n, &err)) == 1) {
        if (n < 1 || n > GG_XLSX_MAX_COLS) abort();
        for (int i = 0; i < n; i++)
            if (!gg_utf8_valid(f[i], strlen(f[i]))) abort();
        if (gg_table_row(t) <= last) abort();
        last = gg_table_row(t);
    }
    if (rc < 0 && strcmp(err.field, "file") != 0) abort();
    gg_table_close(t);
    return 0;
}
