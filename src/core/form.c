/* form.c — application/x-www-form-urlencoded parsing (form.h). */
#include "core/form.h"

#include <string.h>

#include "core/utf8.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int malformed(gg_error_t *err, const char *what)
{
    gg_error_set(err, 400, "validation_failed", "body", "the form body is malformed: %s", what);
    return gg_error_reason(err, "malformed");
}

/* Decode s[0..n) into a new arena string. */
static int decode(gg_arena_t *a, const char *s, size_t n, const char **out, gg_error_t *err)
{
    char *d = gg_alloc(a, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) return malformed(err, "a % not followed by two hex digits");
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') return malformed(err, "a NUL byte");
        d[j++] = c;
    }
    d[j] = '\0';
    if (!gg_utf8_valid(d, j)) return malformed(err, "text that is not UTF-8");
    *out = d;
    return 0;
}

int gg_form_parse(gg_arena_t *a, const char *body, size_t n, int max_pairs, gg_form_t *out, gg_error_t *err)
{
    out->pairs = NULL;
    out->n = 0;
    if (!body || n == 0) return 0;
    int cap = 1;
    for (size_t i = 0; i < n; i++)
        if (body[i] == '&') cap++;
    if (cap > max_pairs) {
        gg_error_set(err, 400, "validation_failed", "body", "a form of at most %d fields", max_pairs);
        return gg_error_limits(err, "too_many", 0, 0, 1, max_pairs);
    }
    out->pairs = gg_alloc(a, sizeof *out->pairs * (size_t)cap);
    size_t i = 0;
    while (i <= n) {
        size_t end = i;
        while (end < n && body[end] != '&')
            end++;
        if (end > i) { /* empty pieces ("a=1&&b=2", a trailing '&') are skipped */
            size_t eq = i;
            while (eq < end && body[eq] != '=')
                eq++;
            gg_form_pair_t *p = &out->pairs[out->n];
            if (decode(a, body + i, eq - i, &p->key, err) < 0) return -1;
            if (eq < end) {
                if (decode(a, body + eq + 1, end - eq - 1, &p->value, err) < 0) return -1;
            } else {
                p->value = "";
            }
            if (!p->key[0]) return malformed(err, "a field without a name");
            out->n++;
        }
        i = end + 1;
    }
    return 0;
}

const char *gg_form_get(const gg_form_t *f, const char *key)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->pairs[i].key, key)) return f->pairs[i].value;
    return NULL;
}

int gg_form_attribute(gg_arena_t *a, const char *key, const char **code, int *is_list)
{
    static const char prefix[] = "attribute[";
    if (strncmp(key, prefix, sizeof prefix - 1) != 0) return 0;
    const char *s = key + sizeof prefix - 1;
    const char *close = strchr(s, ']');
    if (!close || close == s) return -1;
    const char *rest = close + 1;
    if (!strcmp(rest, ""))
        *is_list = 0;
    else if (!strcmp(rest, "[]"))
        *is_list = 1;
    else
        return -1;
    *code = gg_strndup(a, s, (size_t)(close - s));
    return 1;
}
