/* body.c — optional body fields into domain structs (see body.h). */
#include "api/body.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/validate.h"
#include "json/jparse.h"

void gg_body_str(gg_arena_t *a, json_t *body, const char *key, const char **dst)
{
    json_t *v = json_object_get(body, key);
    if (!v) return;
    *dst = json_is_string(v) ? gg_strdup(a, json_string_value(v)) : NULL;
}

void gg_body_int(json_t *body, const char *key, int *has, int64_t *dst)
{
    json_t *v = json_object_get(body, key);
    if (!v) return;
    *has = json_is_integer(v);
    *dst = *has ? (int64_t)json_integer_value(v) : 0;
}

void gg_body_num(json_t *body, const char *key, int *has, double *dst)
{
    json_t *v = json_object_get(body, key);
    if (!v) return;
    *has = json_is_number(v);
    *dst = *has ? json_number_value(v) : 0;
}

void gg_body_bool(json_t *body, const char *key, int *dst)
{
    json_t *v = json_object_get(body, key);
    if (v && json_is_boolean(v)) *dst = json_is_true(v);
}

int gg_body_location(json_t *body, const char *key, int *has, double *lat, double *lon, gg_error_t *err)
{
    static const gg_field_t fields[] = {{"lat", GG_F_NUM, 1, -90, 90, 0}, {"lng", GG_F_NUM, 1, -180, 180, 0}};
    char prefix[64];
    json_t *v = json_object_get(body, key);
    if (!v) return 0;
    if (json_is_null(v)) {
        *has = 0;
        return 0;
    }
    snprintf(prefix, sizeof prefix, "%s.", key);
    if (gg_json_check(v, fields, 2, prefix, err) < 0) return -1;
    *has = 1;
    *lat = gg_json_num(v, "lat", 0);
    *lon = gg_json_num(v, "lng", 0);
    return 0;
}

int gg_body_date_ms(json_t *body, const char *key, int64_t *ms, gg_error_t *err)
{
    const char *s = gg_json_str(body, key);
    *ms = 0;
    if (!s) return 0;
    if (gg_date_valid(s, key, err) < 0) return -1;
    *ms = gg_date_ms(s);
    return 0;
}

int gg_body_ids(gg_arena_t *a, json_t *body, const char *key, int max, int64_t *ids, int *n, gg_error_t *err)
{
    *n = 0;
    json_t *arr = json_object_get(body, key);
    if (!arr || json_is_null(arr)) return 0;
    if (!json_is_array(arr)) {
        gg_err_invalid(err, key, "%s is an array of ids", key);
        return gg_error_reason(err, "wrong_type");
    }
    if ((int)json_array_size(arr) > max) {
        gg_err_invalid(err, key, "%s has at most %d ids", key, max);
        return gg_error_limits(err, "too_many", 0, 0, 1, max);
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            gg_err_invalid(err, gg_sprintf(a, "%s[%zu]", key, i), "an id is a positive integer");
            return gg_error_reason(err, "wrong_type");
        }
        ids[(*n)++] = json_integer_value(v);
    }
    return 0;
}

/* digits of s[0..n) as a number, or -1 */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int gg_body_time_ms(json_t *body, const char *key, int64_t *ms, gg_error_t *err)
{
    const char *s = gg_json_str(body, key);
    *ms = 0;
    if (!s) return 0;
    size_t len = strlen(s);
    int y = -1, mo = -1, d = -1, h = -1, mi = -1, se = 0;
    const char *p = s + len; /* past the date and time: where the seconds or the offset start */
    if (len >= 17 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') && s[13] == ':') {
        p = s + 16;
        y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2);
        mi = digits(s + 14, 2);
    }
    if (y >= 0 && *p == ':' && p[1] && p[2]) {
        se = digits(p + 1, 2);
        p += 3;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++) {
            }
    }
    int64_t off = -1;
    if (*p == 'Z' && !p[1]) {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        if (oh >= 0 && oh < 24 && om >= 0 && om < 60) off = (*p == '-' ? -1 : 1) * (oh * 60 + om) * 60000LL;
    }
    char date[11];
    snprintf(date, sizeof date, "%.10s", s);
    gg_error_t ignore;
    if (y < 0 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 || off == -1 ||
        gg_date_valid(date, key, &ignore) < 0) {
        gg_err_invalid(err, key, "%s is a time like 2026-12-06T10:30:00+08:00", key);
        return gg_error_reason(err, "malformed");
    }
    /* gg_date_ms is 00:00 in Asia/Shanghai: back to UTC midnight, then the time and the offset */
    *ms = gg_date_ms(date) + 8LL * 3600000 + ((h * 60LL + mi) * 60 + se) * 1000 - off;
    return 0;
}

int gg_body_str_array(gg_arena_t *a, json_t *body, const char *key, int max_items, int max_chars,
                      const char ***out, int *n, gg_error_t *err)
{
    json_t *v = json_object_get(body, key), *item;
    size_t i;
    char field[64];
    *out = NULL;
    *n = 0;
    if (!v || json_is_null(v)) return 0;
    if ((int)json_array_size(v) > max_items)
        return gg_err_invalid(err, key, "%s has at most %d items", key, max_items);
    *out = gg_alloc(a, sizeof(char *) * (json_array_size(v) + 1));
    json_array_foreach(v, i, item)
    {
        snprintf(field, sizeof field, "%s[%zu]", key, i);
        if (!json_is_string(item)) return gg_err_invalid(err, field, "%s must be a string", field);
        size_t chars = gg_utf8_len(json_string_value(item));
        if (chars < 1 || (int)chars > max_chars)
            return gg_err_invalid(err, field, "%s must have 1 to %d characters", field, max_chars);
        (*out)[(*n)++] = gg_strdup(a, json_string_value(item));
    }
    return 0;
}

void gg_body_next(gg_jw_t *w, gg_arena_t *a, int n, int limit, int64_t last_id)
{
    if (n == limit && n > 0)
        gg_jw_kstr(w, "next", gg_sprintf(a, "%lld", (long long)last_id));
    else
        gg_jw_knull(w, "next");
}

void gg_body_kid(gg_jw_t *w, const char *key, int64_t id)
{
    if (id)
        gg_jw_kint(w, key, id);
    else
        gg_jw_knull(w, key);
}

void gg_body_kref(gg_jw_t *w, const char *key, const char *id_key, int64_t id, const char *name_key,
                  const char *name)
{
    if (!id) {
        gg_jw_knull(w, key);
        return;
    }
    gg_jw_key(w, key);
    gg_jw_obj(w);
    gg_jw_kint(w, id_key, id);
    gg_jw_kstr(w, name_key, name);
    gg_jw_obj_end(w);
}

void gg_body_permissions(gg_jw_t *w, gg_perm_t perms)
{
    gg_jw_arr(w);
    for (int b = 0; b < GG_PERM_COUNT; b++)
        if (perms & GG_PERM(b)) gg_jw_str(w, gg_perm_name(b));
    gg_jw_arr_end(w);
}

void gg_body_grants(gg_jw_t *w, const gg_grant_t *g, int n)
{
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        const gg_role_t *role = gg_role_find(g[i].role);
        gg_jw_obj(w);
        gg_jw_kint(w, "id", g[i].id);
        gg_jw_kstr(w, "role", g[i].role);
        gg_jw_kstr(w, "role_name", role ? role->name_zh : g[i].role);
        if (g[i].unit_id)
            gg_jw_kint(w, "unit_id", g[i].unit_id);
        else
            gg_jw_knull(w, "unit_id"); /* outside the caller's scope: not named */
        gg_jw_kstr(w, "unit_code", g[i].unit_code);
        gg_jw_kstr(w, "unit_name", g[i].unit_name);
        gg_jw_kbool(w, "outside_scope", !g[i].unit_id);
        /* with the unit's path, the web app can tell what the session may do at a given unit (the path
         * of every unit it is shown) and offer only that; the server checks again in any case */
        gg_jw_kstr(w, "unit_path", g[i].unit_path);
        gg_jw_key(w, "permissions");
        gg_body_permissions(w, g[i].perms ? g[i].perms : role ? role->perms : 0);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
}
