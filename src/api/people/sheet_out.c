/* sheet_out.c — CSV/XLSX output into an unlinked temp file (see sheet_out.h). */
#include "api/people/sheet_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XLSX_MAX_ROWS 1048576u

int gg_sheet_open(gg_sheet_out_t *s, const char *tmp_dir, int xlsx, const char *sheet_name, gg_error_t *err)
{
    memset(s, 0, sizeof *s);
    s->xlsx = xlsx;
    snprintf(s->path, sizeof s->path, "%s/export-XXXXXX", tmp_dir);
    int fd = mkostemp(s->path, O_CLOEXEC);
    if (fd < 0) return gg_err_internal(err, "cannot create an export file: %s", strerror(errno));
    if (!xlsx) {
        unlink(s->path); /* the descriptor is its only name from here on */
        s->path[0] = 0;
        s->csv = fdopen(fd, "w+b");
        if (!s->csv) {
            close(fd);
            return gg_err_internal(err, "cannot write an export file");
        }
        fputs(GG_CSV_BOM, s->csv);
        return 0;
    }
    close(fd); /* libxlsxwriter writes by name; the file is unlinked once it is reopened */
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmp_dir};
    s->wb = workbook_new_opt(s->path, &opt);
    if (!s->wb) {
        unlink(s->path);
        return gg_err_internal(err, "cannot create a workbook");
    }
    s->text = workbook_add_format(s->wb);
    format_set_num_format(s->text, "@");
    s->head = workbook_add_format(s->wb);
    format_set_bold(s->head);
    format_set_num_format(s->head, "@");
    format_set_bg_color(s->head, 0xDDEBF7);
    s->wrap = workbook_add_format(s->wb);
    format_set_text_wrap(s->wrap);
    format_set_num_format(s->wrap, "@");
    format_set_align(s->wrap, LXW_ALIGN_VERTICAL_TOP);
    return gg_sheet_add(s, sheet_name, err);
}

int gg_sheet_add(gg_sheet_out_t *s, const char *name, gg_error_t *err)
{
    s->ws = workbook_add_worksheet(s->wb, name);
    s->row = 0;
    if (!s->ws) return gg_err_internal(err, "cannot add a worksheet");
    return 0;
}

void gg_sheet_widths(gg_sheet_out_t *s, const double *widths, int n)
{
    if (!s->xlsx) return;
    for (int i = 0; i < n; i++)
        worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], s->text);
}

/* A cell a spreadsheet would take for a formula. */
static int formula_like(const char *v)
{
    if (v[0] == '=' || v[0] == '+' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') return 1;
    if (v[0] != '-') return 0;
    char *end;
    strtod(v, &end);
    return *end != 0;
}

static void csv_cell(gg_buf_t *b, const char *v)
{
    if (!v || !*v) return;
    int quote = strpbrk(v, ",\"\r\n") != NULL;
    if (quote) gg_buf_putc(b, '"');
    if (formula_like(v)) gg_buf_putc(b, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '"') gg_buf_putc(b, '"');
        gg_buf_putc(b, *p);
    }
    if (quote) gg_buf_putc(b, '"');
}

void gg_csv_row(gg_buf_t *b, const char *const *cells, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) gg_buf_putc(b, ',');
        csv_cell(b, cells[i]);
    }
    gg_buf_puts(b, "\r\n");
}

int gg_sheet_row(gg_sheet_out_t *s, const char *const *cells, int n, int header, gg_error_t *err)
{
    if (!s->xlsx) {
        gg_buf_t line = {0};
        gg_csv_row(&line, cells, n);
        size_t wrote = fwrite(line.data, 1, line.len, s->csv);
        int failed = wrote != line.len || ferror(s->csv);
        gg_buf_free(&line);
        if (failed) return gg_err_internal(err, "cannot write the export file (disk full?)");
        return 0;
    }
    if (s->row >= XLSX_MAX_ROWS)
        return gg_err_invalid(err, "format",
                              "more than %u rows do not fit in an XLSX sheet; export CSV or filter",
                              XLSX_MAX_ROWS);
    for (int i = 0; i < n; i++)
        if (cells[i] && *cells[i] &&
            worksheet_write_string(s->ws, s->row, (lxw_col_t)i, cells[i], header ? s->head : s->wrap) !=
                LXW_NO_ERROR)
            return gg_err_internal(err, "cannot write the workbook");
    s->row++;
    return 0;
}

int gg_sheet_finish(gg_sheet_out_t *s, int *fd, uint64_t *size, gg_error_t *err)
{
    struct stat st;
    *fd = -1;
    if (!s->xlsx) {
        FILE *f = s->csv;
        s->csv = NULL;
        if (fflush(f) != 0 || ferror(f)) {
            fclose(f);
            return gg_err_internal(err, "cannot write the export file (disk full?)");
        }
        int d = dup(fileno(f));
        fclose(f);
        if (d < 0 || fstat(d, &st) != 0 || lseek(d, 0, SEEK_SET) != 0) {
            if (d >= 0) close(d);
            return gg_err_internal(err, "cannot read back the export file");
        }
        *fd = d;
        *size = (uint64_t)st.st_size;
        return 0;
    }
    lxw_error e = workbook_close(s->wb);
    s->wb = NULL;
    int d = e == LXW_NO_ERROR ? open(s->path, O_RDONLY | O_CLOEXEC) : -1;
    unlink(s->path);
    s->path[0] = 0;
    if (d < 0 || fstat(d, &st) != 0) {
        if (d >= 0) close(d);
        return gg_err_internal(err, "cannot write the workbook (%s)", lxw_strerror(e));
    }
    *fd = d;
    *size = (uint64_t)st.st_size;
    return 0;
}

void gg_sheet_abort(gg_sheet_out_t *s)
{
    if (s->csv) fclose(s->csv);
    s->csv = NULL;
    if (s->wb) workbook_close(s->wb);
    s->wb = NULL;
    if (s->path[0]) unlink(s->path);
    s->path[0] = 0;
}
