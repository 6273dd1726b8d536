/* case_number.c — case numbers from the per-day counter, and tracking codes (case_number.h). */
#include "domain/cases/case_number.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth/crypto.h"
#include "domain/cases/calendar.h"

void gg_case_day(int64_t ms, char out[9])
{
    int64_t local = ms + GG_CAL_UTC_OFFSET_MS;
    int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    int y, m, d;
    gg_cal_civil_from_days(days, &y, &m, &d);
    char buf[32];
    snprintf(buf, sizeof buf, "%04d%02d%02d", (y % 10000 + 10000) % 10000, m % 100, d % 100);
    memcpy(out, buf, 9);
}

void gg_case_number_format(const char *day, int64_t serial, char *out, size_t size)
{
    snprintf(out, size, "GG%.8s%06lld", day, (long long)serial);
}

int gg_case_number_valid(const char *text)
{
    if (!text || strncmp(text, "GG", 2)) return 0;
    size_t n = strlen(text);
    if (n < 16 || n > 24) return 0;
    for (size_t i = 2; i < n; i++)
        if (text[i] < '0' || text[i] > '9') return 0;
    return 1;
}

int gg_case_number_next(gg_db_conn_t *c, int64_t now, char out[32], gg_error_t *err)
{
    char day[9];
    gg_case_day(now, day);
    int64_t serial = 0;
    int found = 0;
    if (gg_db_query_i64(c,
                        "INSERT INTO case_counter (day, last) VALUES ($1, 1) "
                        "ON CONFLICT (day) DO UPDATE SET last = case_counter.last + 1 RETURNING last",
                        GG_ARGS(GG_TEXT(day)), &serial, &found, err) < 0)
        return -1;
    if (!found) return gg_err_internal(err, "the case counter gave no serial");
    gg_case_number_format(day, serial, out, 32);
    return 0;
}

static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford's base32 */

void gg_case_code_new(char out[GG_CASE_CODE_LEN + 2])
{
    int k = 0;
    for (int i = 0; i < GG_CASE_CODE_LEN; i++) {
        if (i == GG_CASE_CODE_LEN / 2) out[k++] = '-';
        out[k++] = code_alphabet[randombytes_uniform(32)];
    }
    out[k] = 0;
}

int gg_case_code_normalize(const char *typed, char out[GG_CASE_CODE_LEN + 1])
{
    int n = 0;
    for (const char *p = typed ? typed : ""; *p; p++) {
        char ch = *p;
        if (ch == '-' || ch == ' ') continue;
        if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
        if (ch == 'O') ch = '0';
        if (ch == 'I' || ch == 'L') ch = '1';
        if (!strchr(code_alphabet, ch) || ch == 0 || n == GG_CASE_CODE_LEN) return -1;
        out[n++] = ch;
    }
    out[n] = 0;
    return n == GG_CASE_CODE_LEN ? 0 : -1;
}

void gg_case_code_hash(const char *number, const char *typed, char out[65])
{
    char code[GG_CASE_CODE_LEN + 1], salted[64];
    if (gg_case_code_normalize(typed, code) < 0) {
        out[0] = 0;
        return;
    }
    int n = snprintf(salted, sizeof salted, "%.31s:%s", number ? number : "", code);
    gg_sha256_hex(salted, (size_t)n, out);
}
