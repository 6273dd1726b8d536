/* validate.c — ID numbers, phone numbers and dates (see validate.h). */
#include "domain/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"

/* GB 11643-1999: weights 2^(17-i) mod 11 of the 17 digits, and the check character for the sum mod 11. */
static const int id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char id_check_chars[] = "10X98765432";

/* Province codes of GB/T 2260 (first two digits of the area code); 83 is Taiwan residents'
 * residence permits, which follow GB 11643 too. */
static const char *const provinces[] = {"11", "12", "13", "14", "15", "21", "22", "23", "31",
                                        "32", "33", "34", "35", "36", "37", "41", "42", "43",
                                        "44", "45", "46", "50", "51", "52", "53", "54", "61",
                                        "62", "63", "64", "65", "71", "81", "82", "83"};

char gg_id_number_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!first17[i] || !isdigit((unsigned char)first17[i])) return 0;
        sum += (first17[i] - '0') * id_weights[i];
    }
    return id_check_chars[sum % 11];
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* 1 when s[0..10) is YYYY-MM-DD of a real date; fills y, m, d. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return 0;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

int gg_date_valid(const char *date, const char *field, gg_error_t *err)
{
    int y, m, d;
    if (!parse_date(date, &y, &m, &d)) {
        gg_err_invalid(err, field, "%s must be a real date written YYYY-MM-DD (e.g. 1990-03-07)", field);
        return gg_error_reason(err, "not_a_date");
    }
    return 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t gg_date_ms(const char *date)
{
    int y, m, d;
    if (!parse_date(date, &y, &m, &d)) return 0;
    return (days_from_civil(y, m, d) * 86400 - 8 * 3600) * 1000;
}

void gg_today(char out[11])
{
    char ts[32];
    gg_time_rfc3339(gg_now_ms(), ts); /* already in +08:00 */
    memcpy(out, ts, 10);
    out[10] = 0;
}

int gg_age_years(const char *birth, const char *today)
{
    int by, bm, bd, ty, tm, td;
    if (!parse_date(birth, &by, &bm, &bd) || !parse_date(today, &ty, &tm, &td)) return -1;
    int age = ty - by;
    if (tm < bm || (tm == bm && td < bd)) age--;
    return age;
}

/* An ID number refused: the sentence for API clients, the reason (id_checksum …) for the UI, as the web app's
 * own check (idNumber.js) names them. */
#define id_error(err, field, reason, ...)                                                                    \
    (gg_err_invalid((err), (field), __VA_ARGS__), gg_error_reason((err), (reason)))

int gg_id_number_check(const char *id, const char *field, const char *today, gg_id_info_t *out,
                       gg_error_t *err)
{
    gg_id_info_t info;
    char now[11];
    size_t n = strlen(id);
    if (n != 18)
        return id_error(err, field, "id_length", "an ID number has 18 characters (this one has %zu)", n);
    for (int i = 0; i < 17; i++)
        if (!isdigit((unsigned char)id[i]))
            return id_error(err, field, "id_digits", "the first 17 characters of an ID number are digits");
    char last = (char)toupper((unsigned char)id[17]);
    if (!isdigit((unsigned char)last) && last != 'X')
        return id_error(err, field, "id_last", "the last character of an ID number is a digit or X");
    int province_ok = 0;
    for (size_t i = 0; i < sizeof provinces / sizeof provinces[0] && !province_ok; i++)
        province_ok = strncmp(id, provinces[i], 2) == 0;
    if (!province_ok)
        return id_error(err, field, "id_province", "the ID number's area code %.6s names no province", id);
    snprintf(info.birth_date, sizeof info.birth_date, "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
    int y, m, d;
    if (!parse_date(info.birth_date, &y, &m, &d))
        return id_error(err, field, "id_date", "the ID number's birth date %.8s is not a real date", id + 6);
    if (!today) {
        gg_today(now);
        today = now;
    }
    if (strcmp(info.birth_date, today) > 0)
        return id_error(err, field, "id_future", "the ID number's birth date %s is in the future",
                        info.birth_date);
    if (y < 1880)
        return id_error(err, field, "id_early", "the ID number's birth date %s is implausibly early",
                        info.birth_date);
    /* the checksum last: a typo in the digits above gets the more specific message */
    char want = gg_id_number_check_char(id);
    if (want != last)
        return id_error(err, field, "id_checksum",
                        "the ID number's check character is wrong (a digit was probably mistyped)");
    memcpy(info.number, id, 17);
    info.number[17] = last;
    info.number[18] = 0;
    memcpy(info.area, id, 6);
    info.area[6] = 0;
    info.gender = (id[16] - '0') % 2 ? "male" : "female";
    if (out) *out = info;
    return 0;
}

int gg_phone_valid(const char *phone, const char *field, gg_error_t *err)
{
    /* mainland mobile (1[3-9]x, 11 digits) or a landline with area code (0xx-xxxxxxx[x]) */
    size_t n = strlen(phone);
    int digits = 0, dash = 0;
    for (const char *p = phone; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p == '-' && !dash && p != phone)
            dash = 1;
        else
            return gg_err_invalid(err, field,
                                  "a phone number has digits only (and one '-' after a landline area code)");
    }
    if (!dash && n == 11 && phone[0] == '1' && phone[1] >= '3' && phone[1] <= '9') return 0;
    if (phone[0] == '0' && digits >= 10 && digits <= 12) return 0;
    return gg_err_invalid(
        err, field, "\"%s\" is not a mobile number (11 digits starting 13-19) or a landline with area code",
        phone);
}

int gg_text_field(gg_arena_t *a, const char **s, const char *field, int required, gg_error_t *err)
{
    const char *p = *s;
    if (!p) {
        if (required) {
            gg_err_invalid(err, field, "%s is required", field);
            return gg_error_reason(err, "required");
        }
        return 0;
    }
    for (const unsigned char *q = (const unsigned char *)p; *q; q++)
        if (*q < 0x20 || *q == 0x7f) {
            gg_err_invalid(err, field, "%s must not contain control characters (line breaks, tabs)", field);
            return gg_error_reason(err, "control_characters");
        }
    size_t n = strlen(p);
    /* U+3000 is E3 80 80: the space a Chinese input method types */
    for (;;) {
        if (n && p[0] == ' ') {
            p++, n--;
        } else if (n >= 3 && !memcmp(p, "\xe3\x80\x80", 3)) {
            p += 3, n -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (n && p[n - 1] == ' ') {
            n--;
        } else if (n >= 3 && !memcmp(p + n - 3, "\xe3\x80\x80", 3)) {
            n -= 3;
        } else {
            break;
        }
    }
    if (!n) {
        *s = NULL;
        if (required) {
            gg_err_invalid(err, field, "%s must not be empty", field);
            return gg_error_reason(err, "empty");
        }
        return 0;
    }
    *s = gg_strndup(a, p, n);
    return 0;
}

int gg_choice_valid(const char *value, const char *const *choices, const char *field, gg_error_t *err)
{
    char list[200];
    size_t len = 0;
    list[0] = 0;
    for (int i = 0; choices[i]; i++) {
        if (strcmp(value, choices[i]) == 0) return 0;
        len += (size_t)snprintf(list + len, len < sizeof list ? sizeof list - len : 0, "%s%s", i ? ", " : "",
                                choices[i]);
        if (len >= sizeof list) len = sizeof list - 1;
    }
    gg_err_invalid(err, field, "%s must be one of: %s", field, list);
    return gg_error_reason(err, "not_allowed");
}

int gg_code_valid(const char *code, const char *what, const char *example, gg_error_t *err)
{
    size_t n = strlen(code);
    if (n < 2 || n > 32) return gg_err_invalid(err, "code", "%s has 2 to 32 characters", what);
    for (const char *p = code; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return gg_err_invalid(err, "code", "%s may contain only a-z, 0-9 and '_' (e.g. %s)", what,
                                  example);
    return 0;
}
