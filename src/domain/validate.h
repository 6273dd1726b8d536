/*
 * validate.h — checks of the identity data people type in: resident ID
 * numbers (公民身份号码, GB 11643-1999), phone numbers, calendar dates.
 *
 * Each check fills gg_error_t with a 400 naming the caller's field, so the
 * message reaches the person who typed the value.  Dates are civil dates in
 * Asia/Shanghai (the zone users work in), written YYYY-MM-DD.
 */
#ifndef GG_DOMAIN_VALIDATE_H
#define GG_DOMAIN_VALIDATE_H

#include <stdint.h>

#include "core/error.h"
#include "core/mem.h"

/* What an ID number says about its holder. */
typedef struct gg_id_info {
    char number[19];     /* normalised: 18 characters, check character upper-case */
    char area[7];        /* 6-digit address code (GB/T 2260) of the registration */
    char birth_date[11]; /* YYYY-MM-DD */
    const char *gender;  /* "male" (17th digit odd) or "female" (even) */
} gg_id_info_t;

/*
 * Check an 18-character ID number: digits with a final check character
 * (0-9 or X, lower-case x accepted) equal to the ISO 7064 MOD 11-2 value of
 * the first 17 digits; a known province in the area code; a real birth date
 * not after today (today: "YYYY-MM-DD", NULL = now in Asia/Shanghai) and not
 * before 1880.  out may be NULL.
 */
int gg_id_number_check(const char *id, const char *field, const char *today, gg_id_info_t *out,
                       gg_error_t *err);
/* The check character for the first 17 digits ('0'..'9' or 'X'); 0 when they are not 17 digits. */
char gg_id_number_check_char(const char *first17);

/* A mainland mobile number (11 digits, 13x-19x) or a landline with area code (0xx-xxxxxxxx). */
int gg_phone_valid(const char *phone, const char *field, gg_error_t *err);

/* A real calendar date written YYYY-MM-DD (leap years included). */
int gg_date_valid(const char *date, const char *field, gg_error_t *err);
/* Today's date in Asia/Shanghai. */
void gg_today(char out[11]);
/* Unix milliseconds of 00:00 Asia/Shanghai on a valid YYYY-MM-DD date. */
int64_t gg_date_ms(const char *date);
/*
 * A line of text people typed (a name, an address): surrounding white space
 * (ASCII and the ideographic space U+3000) is trimmed, control characters are
 * refused.  *s is replaced by the trimmed copy from the arena, or by NULL when
 * nothing is left — which is an error when required.  *s NULL stays NULL.
 */
int gg_text_field(gg_arena_t *a, const char **s, const char *field, int required, gg_error_t *err);

/* A stable code people do not see (a tag's, a category's): 2 to 32 of a-z, 0-9 and '_'; otherwise a 400
 * naming "code" that speaks of what ("a tag code") and shows example. */
int gg_code_valid(const char *code, const char *what, const char *example, gg_error_t *err);

/* 1 when value is one of the NULL-terminated list; otherwise a 400 naming field and the choices. */
int gg_choice_valid(const char *value, const char *const *choices, const char *field, gg_error_t *err);

/* Whole years between a YYYY-MM-DD birth date and today (YYYY-MM-DD). */
int gg_age_years(const char *birth_date, const char *today);

#endif
