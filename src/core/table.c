/* table.c — CSV or XLSX rows behind one iterator (see table.h). */
#include "core/table.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/mem.h"
#include "core/utf8.h"
#include "core/xlsx_read.h"

struct gg_table {
    gg_table_kind_t kind;
    gg_csv_t *csv;
    FILE *f;
    gg_xlsx_t *xlsx;
    long row;
};

int gg_table_sniff(const void *head, size_t n, gg_table_kind_t *kind, gg_error_t *err)
{
    const unsigned char *b = head;
    if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) {
        *kind = GG_TABLE_XLSX;
        return 0;
    }
    if (n >= 8 && memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return gg_err_invalid(err, "file",
                              "the file is an old Excel (.xls) workbook; save it as .xlsx or as CSV (UTF-8)");
    if (n == 0) return gg_err_invalid(err, "file", "the file is empty");
    /* text never holds NUL or most other control bytes; a UTF-16 CSV does (every other byte) */
    for (size_t i = 0; i < n; i++) {
        if (b[i] == 0 || (b[i] < 0x20 && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' && b[i] != 0x0c))
            return gg_err_invalid(err, "file",
                                  "the file is neither a CSV text file (UTF-8) nor an XLSX workbook");
    }
    *kind = GG_TABLE_CSV;
    return 0;
}

/* Excel on a Chinese-language Windows saves "CSV (逗号分隔)" in the ANSI code
 * page, GBK, and that is what a street office will upload.  A CSV that is not
 * valid UTF-8 but decodes completely as GB18030 (GBK's superset) is converted
 * to UTF-8 in a temporary file; anything else is left as it is, for the CSV
 * reader to refuse naming the line.  ASCII and UTF-8 files are not touched.
 * *f is replaced by the converted stream (the original is closed). */
static int gbk_to_utf8(FILE **f, gg_error_t *err)
{
    struct stat st;
    if (fstat(fileno(*f), &st) != 0)
        return gg_err_internal(err, "cannot read the upload: %s", strerror(errno));
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n ? n : 1);
    if (!buf) return gg_err_internal(err, "out of memory reading the upload");
    if (fread(buf, 1, n, *f) != n) {
        free(buf);
        return gg_err_internal(err, "cannot read the upload: %s", strerror(errno));
    }
    int converted = 0;
    FILE *out = NULL;
    iconv_t cd = (iconv_t)-1;
    if (!gg_utf8_valid(buf, n) && (cd = iconv_open("UTF-8", "GB18030")) != (iconv_t)-1 && (out = tmpfile())) {
        char *in = buf;
        size_t inleft = n;
        converted = 1;
        while (inleft && converted) {
            char chunk[65536], *o = chunk;
            size_t oleft = sizeof chunk;
            size_t r = iconv(cd, &in, &inleft, &o, &oleft);
            if (fwrite(chunk, 1, sizeof chunk - oleft, out) != sizeof chunk - oleft) converted = 0;
            if (r == (size_t)-1 && errno != E2BIG) converted = 0; /* not GB18030 either */
        }
    }
    if (cd != (iconv_t)-1) iconv_close(cd);
    free(buf);
    if (converted && fflush(out) == 0) {
        fclose(*f);
        rewind(out);
        *f = out;
        return 0;
    }
    if (out) fclose(out);
    rewind(*f);
    return 0;
}

static int open_kind(gg_table_t *t, const void *head, size_t n, gg_error_t *err)
{
    return gg_table_sniff(head, n, &t->kind, err);
}

int gg_table_open_fd(int fd, gg_table_t **out, gg_error_t *err)
{
    unsigned char head[4096];
    *out = NULL;
    ssize_t n = pread(fd, head, sizeof head, 0);
    if (n < 0) return gg_err_internal(err, "cannot read the upload: %s", strerror(errno));
    gg_table_t *t = gg_xcalloc(1, sizeof *t);
    if (open_kind(t, head, (size_t)n, err) < 0) goto fail;
    if (t->kind == GG_TABLE_XLSX) {
        if (gg_xlsx_open_fd(fd, &t->xlsx, err) < 0) goto fail;
    } else {
        int dfd = dup(fd);
        if (dfd < 0 || lseek(dfd, 0, SEEK_SET) != 0 || !(t->f = fdopen(dfd, "rb"))) {
            if (dfd >= 0) close(dfd);
            gg_err_internal(err, "cannot read the upload: %s", strerror(errno));
            goto fail;
        }
        if (gbk_to_utf8(&t->f, err) < 0) {
            fclose(t->f);
            goto fail;
        }
        t->csv = gg_csv_open_file(t->f);
    }
    *out = t;
    return 0;
fail:
    free(t);
    return -1;
}

int gg_table_open_mem(const void *data, size_t len, gg_table_t **out, gg_error_t *err)
{
    *out = NULL;
    gg_table_t *t = gg_xcalloc(1, sizeof *t);
    if (open_kind(t, data, len < 4096 ? len : 4096, err) < 0) goto fail;
    if (t->kind == GG_TABLE_XLSX) {
        if (gg_xlsx_open_mem(data, len, &t->xlsx, err) < 0) goto fail;
    } else {
        t->csv = gg_csv_open_mem(data, len);
    }
    *out = t;
    return 0;
fail:
    free(t);
    return -1;
}

gg_table_kind_t gg_table_kind(const gg_table_t *t)
{
    return t->kind;
}

int gg_table_next(gg_table_t *t, char ***fields, int *n, gg_error_t *err)
{
    if (t->xlsx) {
        int rc = gg_xlsx_next(t->xlsx, fields, n, err);
        if (rc == 1) t->row = gg_xlsx_row(t->xlsx);
        return rc;
    }
    int rc = gg_csv_next(t->csv, fields, n, err);
    if (rc < 0 && err && err->message[0]) {
        /* the CSV reader counts lines; say the row too when they differ (a quoted field spanning lines) */
        char msg[sizeof err->message + 32];
        snprintf(msg, sizeof msg, "row %ld, %s", t->row + 1, err->message);
        snprintf(err->message, sizeof err->message, "%.*s", (int)sizeof err->message - 1, msg);
    }
    if (rc == 1) t->row++;
    return rc;
}

long gg_table_row(const gg_table_t *t)
{
    return t->row;
}

void gg_table_close(gg_table_t *t)
{
    if (!t) return;
    if (t->csv) gg_csv_close(t->csv);
    if (t->f) fclose(t->f);
    gg_xlsx_close(t->xlsx);
    free(t);
}
