/* jw.c — JSON writer (see jw.h for the escaping contract). */
#include "json/jw.h"

#include "core/clock.h"
#include "core/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gg_jw_init(gg_jw_t *w, gg_buf_t *buf)
{
    w->buf = buf;
    w->depth = 0;
    w->count[0] = 0;
    w->after_key = 0;
}

/* Emit the separator a new value needs at the current level. */
static void before_value(gg_jw_t *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->count[w->depth]) gg_buf_putc(w->buf, ',');
    w->count[w->depth] = 1;
}

static void open(gg_jw_t *w, char c)
{
    before_value(w);
    gg_buf_putc(w->buf, c);
    if (w->depth + 1 < GG_JW_MAX_DEPTH) w->depth++;
    w->count[w->depth] = 0;
}

static void close_(gg_jw_t *w, char c)
{
    gg_buf_putc(w->buf, c);
    if (w->depth > 0) w->depth--;
}

void gg_jw_obj(gg_jw_t *w)
{
    open(w, '{');
}
void gg_jw_obj_end(gg_jw_t *w)
{
    close_(w, '}');
}
void gg_jw_arr(gg_jw_t *w)
{
    open(w, '[');
}
void gg_jw_arr_end(gg_jw_t *w)
{
    close_(w, ']');
}

static const char hex[] = "0123456789abcdef";

void gg_json_escape(gg_buf_t *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    gg_buf_reserve(b, n + 2);
    size_t i = 0, run = 0; /* run: start of bytes copied verbatim */
    while (i < n) {
        unsigned c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t len = gg_utf8_seq(s + i, n - i);
            if (len == 3 && c == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
                gg_buf_append(b, s + run, i - run);
                gg_buf_puts(b, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
                i += 3;
                run = i;
                continue;
            }
            if (len) {
                i += len;
                continue;
            }
            gg_buf_append(b, s + run, i - run);
            gg_buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD for the invalid byte */
            i++;
            run = i;
            continue;
        }
        gg_buf_append(b, s + run, i - run);
        char esc[7];
        switch (c) {
        case '"':
            gg_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            gg_buf_append(b, "\\\\", 2);
            break;
        case '\n':
            gg_buf_append(b, "\\n", 2);
            break;
        case '\r':
            gg_buf_append(b, "\\r", 2);
            break;
        case '\t':
            gg_buf_append(b, "\\t", 2);
            break;
        case '\b':
            gg_buf_append(b, "\\b", 2);
            break;
        case '\f':
            gg_buf_append(b, "\\f", 2);
            break;
        default:
            esc[0] = '\\', esc[1] = 'u', esc[2] = '0', esc[3] = '0';
            esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
            gg_buf_append(b, esc, 6);
        }
        i++;
        run = i;
    }
    gg_buf_append(b, s + run, n - run);
}

/* ASCII bytes gg_json_escape rewrites: controls and " \\ < > & */
static const unsigned char ascii_escaped[128] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,          1,         1,         1,         1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ['"'] = 1, ['\\'] = 1, ['<'] = 1, ['>'] = 1, ['&'] = 1,
};

/* 1 when gg_json_escape would copy s as it is: printable ASCII but " \\ < > &, and valid UTF-8 but U+2028/9.
 * Three-byte sequences (CJK) are checked inline, the rest by gg_utf8_seq. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
/* a byte of v is zero (v's bytes all below 0x80 where it matters) */
#define HAS_ZERO(v) (((v)-ONES) & ~(v)&HIGHS)

/* 1 when the 8 bytes at p are printable ASCII that gg_json_escape copies (8 at a time: keys and ASCII text)
 */
static int plain8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    if (v & HIGHS) return 0;
    return !(((v - 0x20 * ONES) & ~v & HIGHS) | HAS_ZERO(v ^ ('"' * ONES)) | HAS_ZERO(v ^ ('\\' * ONES)) |
             HAS_ZERO(v ^ ('<' * ONES)) | HAS_ZERO(v ^ ('>' * ONES)) | HAS_ZERO(v ^ ('&' * ONES)));
}

static int plain(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80 && i + 8 <= n && plain8(s + i)) { /* not for CJK text: its lead bytes are >= 0x80 */
            i += 8;
            continue;
        }
        if (c < 0x80) {
            if (ascii_escaped[c]) return 0;
            i++;
            continue;
        }
        if (c >= 0xE1 && c <= 0xEC && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 &&
            !(c == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))) {
            i += 3; /* U+1000..U+CFFF: never overlong, never a surrogate */
            continue;
        }
        size_t len = gg_utf8_seq(s + i, n - i);
        if (!len || (len == 3 && c == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)))
            return 0;
        i += len;
    }
    return 1;
}

/* the separator, '"', s, then tail: one reserve and copies, for the common case of nothing to escape */
static void put_quoted(gg_jw_t *w, const char *s, size_t n, const char *tail, size_t tn)
{
    gg_buf_t *b = w->buf;
    before_value(w);
    gg_buf_reserve(b, n + tn + 1);
    char *p = b->data + b->len;
    *p++ = '"';
    b->len = (size_t)(p - b->data);
    if (plain(s, n)) {
        memcpy(p, s, n);
        b->len += n;
    } else {
        gg_json_escape(b, s, n);
        gg_buf_reserve(b, tn);
    }
    memcpy(b->data + b->len, tail, tn);
    b->len += tn;
    b->data[b->len] = 0;
}

void gg_jw_key(gg_jw_t *w, const char *key)
{
    put_quoted(w, key, strlen(key), "\":", 2);
    w->after_key = 1;
}

void gg_jw_strn(gg_jw_t *w, const char *s, size_t n)
{
    put_quoted(w, s, n, "\"", 1);
}

void gg_jw_str(gg_jw_t *w, const char *s)
{
    if (!s) {
        gg_jw_null(w);
        return;
    }
    gg_jw_strn(w, s, strlen(s));
}

void gg_jw_int(gg_jw_t *w, int64_t v)
{
    before_value(w);
    char tmp[24];
    char *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    gg_buf_append(w->buf, p, (size_t)(tmp + sizeof tmp - p));
}

/* Fixed notation for 1e-4 <= |v| < 1e6 (coordinates, shares, amounts): the fewest decimals k with
 * m / 10^k == v for the integer m nearest v * 10^k.  m < 2^53 and 10^k are exact doubles and division is
 * correctly rounded, so the double nearest the decimal m·10^-k — what a reader's strtod gives — is v: the
 * text round-trips, and it is what the %.*g loop below finds (that range is printed without an exponent at
 * 6 or more significant digits).  0 when v is outside the range or needs more than 9 decimals. */
static int num_fixed(double v, char *out)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e6)) return 0;
    for (int k = 0; k <= 9; k++) {
        double m = nearbyint(a * p10[k]);
        if (m / p10[k] != a) continue;
        uint64_t u = (uint64_t)m;
        char digits[24];
        int nd = 0;
        do {
            digits[nd++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        while (nd <= k)
            digits[nd++] = '0'; /* a leading 0 before the point */
        int n = 0;
        if (v < 0) out[n++] = '-';
        for (int i = nd - 1; i >= 0; i--) {
            out[n++] = digits[i];
            if (i == k && k > 0) out[n++] = '.';
        }
        out[n] = '\0';
        return n;
    }
    return 0;
}

void gg_jw_num(gg_jw_t *w, double v)
{
    if (!isfinite(v)) {
        gg_jw_null(w);
        return;
    }
    before_value(w);
    char tmp[32];
    int n = num_fixed(v, tmp);
    if (n == 0 && v == 0) n = snprintf(tmp, sizeof tmp, "%s", signbit(v) ? "-0" : "0");
    /* the shortest %g text that round-trips, for readable 0.1 rather than 0.10000000000000001: 15
     * significant digits always survive a double, so the search starts there (and tries the fewer digits a
     * 15-digit text leaves off, trailing zeros being dropped by %g), then 16 and 17 */
    for (int prec = 15; n == 0 && prec <= 17; prec++) {
        n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (prec < 17 && strtod(tmp, NULL) != v) n = 0;
    }
    gg_buf_append(w->buf, tmp, (size_t)n);
}

void gg_jw_bool(gg_jw_t *w, int v)
{
    before_value(w);
    gg_buf_puts(w->buf, v ? "true" : "false");
}

void gg_jw_null(gg_jw_t *w)
{
    before_value(w);
    gg_buf_append(w->buf, "null", 4);
}

void gg_jw_raw(gg_jw_t *w, const char *json, size_t n)
{
    before_value(w);
    gg_buf_append(w->buf, json, n);
}

void gg_jw_time(gg_jw_t *w, int64_t unix_ms)
{
    if (unix_ms <= 0) {
        gg_jw_null(w);
        return;
    }
    char tmp[32];
    gg_time_rfc3339(unix_ms, tmp);
    gg_jw_str(w, tmp);
}

void gg_jw_kstr(gg_jw_t *w, const char *key, const char *s)
{
    gg_jw_key(w, key), gg_jw_str(w, s);
}
void gg_jw_kint(gg_jw_t *w, const char *key, int64_t v)
{
    gg_jw_key(w, key), gg_jw_int(w, v);
}
void gg_jw_knum(gg_jw_t *w, const char *key, double v)
{
    gg_jw_key(w, key), gg_jw_num(w, v);
}
void gg_jw_kbool(gg_jw_t *w, const char *key, int v)
{
    gg_jw_key(w, key), gg_jw_bool(w, v);
}
void gg_jw_knull(gg_jw_t *w, const char *key)
{
    gg_jw_key(w, key), gg_jw_null(w);
}
void gg_jw_ktime(gg_jw_t *w, const char *key, int64_t ms)
{
    gg_jw_key(w, key), gg_jw_time(w, ms);
}
