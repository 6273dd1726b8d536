/*
 * case_number.h — the two public handles of a case: its number and its
 * tracking code (查询码).
 *
 * Numbers: "GG" + the local date (Asia/Shanghai) as
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

/* Tracking codes: 8 characters of Crockford's base32 (0-9 and A-Z without I, L, O, U: nothing to
 * misread on a phone screen or over the hotline), 40 random bits, written XXXX-XXXX.  Guessing one takes
 * about 5·10^11 tries on average, against public lookups limited per address; the code opens only the
 * public view of its own case (state, public notes, rating).  Read back case-insensitively with dashes and
 * spaces ignored, O read as 0 and I, L as 1 (what people type for them).  Stored as the SHA-256 of
 * number ":" code, so two cases with the same code do not share a hash. */
#define GG_CASE_CODE_LEN 8
/* A new code, with its dash (10 bytes). */
void gg_case_code_new(char out[GG_CASE_CODE_LEN + 2]);
/* The 8 characters of a code as typed, or -1 when it cannot be one. */
int gg_case_code_normalize(const char *typed, char out[GG_CASE_CODE_LEN + 1]);
/* The stored hash of the code typed for number; a code that cannot be one hashes to "" (matches nothing). */
void gg_case_code_hash(const char *number, const char *typed, char out[65]);

#endif
