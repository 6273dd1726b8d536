/*
 * table.h — rows of an uploaded spreadsheet, CSV or XLSX alike, for bulk
 * imports: one iterator over csv.h and xlsx_read.h.
 *
 * The kind is sniffed from the bytes, never taken from a Content-Type or a
 * file name: a zip signature is XLSX, anything else must be CSV text (UTF-8,
 * optionally with a BOM).  Other binary content (NUL bytes, a PDF, an old
 * .xls) is refused up front with a 400 naming "file".
 *
 * gg_table_row is the row number a person sees in their spreadsheet program
 * (the header is row 1): for XLSX the sheet's own row number, for CSV the
 * record's position (a quoted field spanning lines is still one row).
 */
#ifndef GG_CORE_TABLE_H
#define GG_CORE_TABLE_H

#include <stddef.h>

#include "core/error.h"

typedef enum { GG_TABLE_CSV = 1, GG_TABLE_XLSX = 2 } gg_table_kind_t;

typedef struct gg_table gg_table_t;

/* Decide the kind from the first bytes of the file (n may be short); 400 for binary that is neither. */
int gg_table_sniff(const void *head, size_t n, gg_table_kind_t *kind, gg_error_t *err);
/* Open the file behind fd (from offset 0; fd stays the caller's). */
int gg_table_open_fd(int fd, gg_table_t **out, gg_error_t *err);
/* data must stay valid until gg_table_close. */
int gg_table_open_mem(const void *data, size_t len, gg_table_t **out, gg_error_t *err);
gg_table_kind_t gg_table_kind(const gg_table_t *t);
/* 1: a row; 0: end; <0: error (err names "file" and the row). */
int gg_table_next(gg_table_t *t, char ***fields, int *n, gg_error_t *err);
long gg_table_row(const gg_table_t *t);
void gg_table_close(gg_table_t *t);

#endif
