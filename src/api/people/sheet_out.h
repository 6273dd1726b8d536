/*
 * sheet_out.h — writing a table as CSV or XLSX into a temp file, for exports
 * and import templates; the finished file is handed to the HTTP layer as an
 * open, already unlinked descriptor (nothing stays on disk, memory stays flat).
 *
 * CSV: UTF-8 with a byte-order mark (Excel in a Chinese locale otherwise reads
 * it as GBK), RFC 4180 quoting, CRLF; a cell that a spreadsheet would run as a
 * formula (starting with = + @, or - not followed by a number) is prefixed
 * with an apostrophe (CSV injection).  XLSX: libxlsxwriter in constant-memory
 * mode, every cell written as text so ID numbers keep all 18 digits.
 */
#ifndef GG_API_SHEET_OUT_H
#define GG_API_SHEET_OUT_H

#include <stdint.h>
#include <stdio.h>
#include <xlsxwriter.h>

#include "core/error.h"
#include "core/mem.h"

#define GG_CSV_BOM "\xEF\xBB\xBF" /* what a CSV export starts with */

typedef struct gg_sheet_out {
    int xlsx;
    FILE *csv;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *text, *head, *wrap;
    uint32_t row;
    char path[1100];
} gg_sheet_out_t;

int gg_sheet_open(gg_sheet_out_t *s, const char *tmp_dir, int xlsx, const char *sheet_name, gg_error_t *err);
/* header = 1 writes the row bold (XLSX) */
int gg_sheet_row(gg_sheet_out_t *s, const char *const *cells, int n, int header, gg_error_t *err);
/* XLSX only: start another worksheet (the template's explanation sheet). */
int gg_sheet_add(gg_sheet_out_t *s, const char *name, gg_error_t *err);
/* XLSX only: column widths of the current sheet (characters); text_cols get the text format. */
void gg_sheet_widths(gg_sheet_out_t *s, const double *widths, int n);
/* Finish: *fd is the file (offset 0, unlinked), *size its length.  s is closed either way. */
int gg_sheet_finish(gg_sheet_out_t *s, int *fd, uint64_t *size, gg_error_t *err);
void gg_sheet_abort(gg_sheet_out_t *s);
/* One CSV row (quoting and the formula guard above, CRLF) appended to b: for exports streamed
 * from memory instead of a file (the audit log, api/audit.c). */
void gg_csv_row(gg_buf_t *b, const char *const *cells, int n);

#endif
