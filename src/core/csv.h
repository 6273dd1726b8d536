/*
 * csv.h — a streaming RFC 4180 reader for untrusted files (division data,
 * bulk imports of houses and residents).
 *
 * Accepts: comma separators, quoted fields with "" for a quote, CRLF or LF
 * line ends, a UTF-8 byte-order mark at the start.  Refuses, naming the line:
 * invalid UTF-8, a quote inside an unquoted field, text after a closing quote,
 * an unterminated quote, a row longer than 64 KiB or with more than 256 fields.
 * Row fields point into the reader's buffer and are valid until the next call.
 */
#ifndef GG_CORE_CSV_H
#define GG_CORE_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

#define GG_CSV_MAX_FIELDS 256
#define GG_CSV_MAX_ROW (64 * 1024)

typedef struct gg_csv gg_csv_t;

gg_csv_t *gg_csv_open_file(FILE *f); /* does not close f */
gg_csv_t *gg_csv_open_mem(const char *data, size_t len);
/* 1: a row (fields and count filled); 0: end of input; <0: error (err names the line). */
int gg_csv_next(gg_csv_t *c, char ***fields, int *n, gg_error_t *err);
long gg_csv_line(const gg_csv_t *c);     /* line number where the last row started (1-based) */
size_t gg_csv_offset(const gg_csv_t *c); /* bytes consumed so far, for progress */
void gg_csv_close(gg_csv_t *c);

#endif
