/*
 * xlsx_read.h — a streaming reader of the first worksheet of an .xlsx file
 * (Office Open XML spreadsheet) from untrusted bytes, with the row-iterator
 * shape of csv.h so a bulk import takes either.
 *
 * An .xlsx is a zip (read with libzip) of XML parts (parsed with expat):
 * xl/workbook.xml names the first sheet, xl/_rels/workbook.xml.rels where it
 * is, xl/sharedStrings.xml holds the text of cells of type "s".  The sheet is
 * parsed incrementally: expat is suspended at each </row>, so a large sheet
 * never sits in memory as a whole.
 *
 * Cells come back as text: shared and inline strings as written, booleans as
 * TRUE/FALSE, numbers as Excel stores them, except that integers written in
 * exponent form (1.38001380000E10) are spelt out.  Dates are numbers (serial
 * days since 1899-12-30) — the caller that expects a date converts them.
 * Missing cells in a row are "", rows that are absent are skipped (the row
 * number says where a row was).
 *
 * Refused with a 400 naming "file": not a zip, an encrypted or inconsistent
 * zip, a part larger than its limit (zip bombs: sizes are counted as they are
 * inflated, not taken from the header), malformed XML, any DOCTYPE or entity
 * declaration (no XXE, no billion laughs), more than 256 columns, a row beyond
 * 1,048,576 or rows out of order, a row of more than 256 KiB of text.
 * Row fields point into the reader's memory and are valid until the next call.
 */
#ifndef GG_CORE_XLSX_READ_H
#define GG_CORE_XLSX_READ_H

#include <stddef.h>

#include "core/error.h"

#define GG_XLSX_MAX_COLS 256
#define GG_XLSX_MAX_ROWS 1048576
#define GG_XLSX_MAX_ROW_BYTES (256 * 1024)
#define GG_XLSX_MAX_SHEET_BYTES ((size_t)512 << 20)   /* inflated sheet XML */
#define GG_XLSX_MAX_STRINGS_BYTES ((size_t)128 << 20) /* inflated shared-strings XML */
#define GG_XLSX_MAX_PART_BYTES ((size_t)4 << 20)      /* workbook, relationships */

typedef struct gg_xlsx gg_xlsx_t;

/* data must stay valid until gg_xlsx_close. */
int gg_xlsx_open_mem(const void *data, size_t len, gg_xlsx_t **out, gg_error_t *err);
/* Reads the file behind fd (a duplicate is taken; the caller keeps fd). */
int gg_xlsx_open_fd(int fd, gg_xlsx_t **out, gg_error_t *err);
/* 1: a row (fields and count filled); 0: end of the sheet; <0: error (err names the row). */
int gg_xlsx_next(gg_xlsx_t *x, char ***fields, int *n, gg_error_t *err);
long gg_xlsx_row(const gg_xlsx_t *x); /* the spreadsheet row number of the last row (1-based) */
void gg_xlsx_close(gg_xlsx_t *x);

#endif
