/*
 * case_number.h — case numbers: "GG" + the local date (Asia/Shanghai) as
 * YYYYMMDD + a 6-digit serial of that day (GG20261204000017), from the
 * case_counter row of the day, bumped in the creating transaction with one
 * upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING): race-free on
 * PostgreSQL with several nodes (the row lock orders them) and on SQLite (the
 * write lock).  A serial past 999999 keeps counting with more digits.
 */
#ifndef GG_DOMAIN_CASES_CASE_NUMBER_H
#define GG_DOMAIN_CASES_CASE_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* The local day of instant ms as "YYYYMMDD" (9 bytes). */
void gg_case_day(int64_t ms, char out[9]);
/* "GG" + day + serial padded to 6 digits (at least 24 bytes). */
void gg_case_number_format(const char *day, int64_t serial, char *out, size_t size);
/* 1 when text looks like a case number (GG + 8 digits + at least 6 digits). */
int gg_case_number_valid(const char *text);
/* The next number of the day of now, in the caller's transaction. */
int gg_case_number_next(gg_db_conn_t *c, int64_t now, char out[32], gg_error_t *err);

#endif
