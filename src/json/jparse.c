/* jparse.c — request-body JSON parsing and field schemas (see jparse.h). */
#include "json/jparse.h"

#include "core/utf8.h"

#include <math.h>
#include <string.h>

/* Nesting depth of the document, ignoring brackets inside strings. */
static int max_depth(const char *s, size_t n)
{
    int depth = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"')
            in_str = 1;
        else if (c == '{' || c == '[') {
            if (++depth > max) max = depth;
            if (max > GG_JSON_MAX_DEPTH) return max;
        } else if (c == '}' || c == ']')
            depth--;
    }
    return max;
}

int gg_json_parse_body(const char *body, size_t len, json_t **out, gg_error_t *err)
{
    *out = NULL;
    if (!body || len == 0) return gg_err_invalid(err, NULL, "the request body is empty; send a JSON object");
    if (max_depth(body, len) > GG_JSON_MAX_DEPTH)
        return gg_err_invalid(err, NULL, "JSON is nested deeper than %d levels", GG_JSON_MAX_DEPTH);
    json_error_t je;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        const char *what = "invalid JSON";
        if (json_error_code(&je) == json_error_invalid_utf8)
            what = "invalid UTF-8 in JSON";
        else if (json_error_code(&je) == json_error_duplicate_key)
            what = "duplicate key in JSON object";
        else if (json_error_code(&je) == json_error_null_character)
            what = "NUL character in JSON string";
        return gg_err_invalid(err, NULL, "%s at line %d, column %d: %s", what, je.line, je.column, je.text);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return gg_err_invalid(err, NULL, "the request body must be a JSON object");
    }
    *out = root;
    return 0;
}

static const char *type_name(gg_ftype_t t)
{
    switch (t) {
    case GG_F_STR:
        return "a string";
    case GG_F_INT:
        return "an integer";
    case GG_F_NUM:
        return "a number";
    case GG_F_BOOL:
        return "true or false";
    case GG_F_OBJ:
        return "an object";
    case GG_F_ARR:
        return "an array";
    default:
        return "a value";
    }
}

int gg_json_check(json_t *obj, const gg_field_t *fields, int nfields, const char *prefix, gg_error_t *err)
{
    char name[96];
    const char *key;
    json_t *v;
    if (!prefix) prefix = "";
    json_object_foreach(obj, key, v)
    {
        int known = 0;
        for (int i = 0; i < nfields && !known; i++)
            known = strcmp(fields[i].name, key) == 0;
        if (!known) {
            snprintf(name, sizeof name, "%s%s", prefix, key);
            gg_err_invalid(err, name, "unknown field \"%s\"", name);
            return gg_error_reason(err, "unknown_field");
        }
    }
    for (int i = 0; i < nfields; i++) {
        const gg_field_t *f = &fields[i];
        snprintf(name, sizeof name, "%s%s", prefix, f->name);
        v = json_object_get(obj, f->name);
        if (!v || (json_is_null(v) && f->nullable)) {
            if (f->required) {
                gg_err_invalid(err, name, "%s is required", name);
                return gg_error_reason(err, "required");
            }
            continue;
        }
        int ok = 1;
        switch (f->type) {
        case GG_F_STR:
            ok = json_is_string(v);
            break;
        case GG_F_INT:
            ok = json_is_integer(v);
            break;
        case GG_F_NUM:
            ok = json_is_number(v);
            break;
        case GG_F_BOOL:
            ok = json_is_boolean(v);
            break;
        case GG_F_OBJ:
            ok = json_is_object(v);
            break;
        case GG_F_ARR:
            ok = json_is_array(v);
            break;
        default:
            break;
        }
        if (!ok) {
            gg_err_invalid(err, name, "%s must be %s", name, type_name(f->type));
            return gg_error_reason(err, "wrong_type");
        }
        if (f->type == GG_F_STR) {
            size_t chars = gg_utf8_len(json_string_value(v));
            if ((int64_t)chars < f->min) {
                if (f->min == 1) {
                    gg_err_invalid(err, name, "%s must not be empty", name);
                    return gg_error_reason(err, "empty");
                }
                gg_err_invalid(err, name, "%s must have at least %lld characters", name, (long long)f->min);
                return gg_error_limits(err, "too_short", 1, (long long)f->min, 0, 0);
            }
            if (f->max > 0 && (int64_t)chars > f->max) {
                gg_err_invalid(err, name, "%s is too long (%zu characters; at most %lld)", name, chars,
                               (long long)f->max);
                return gg_error_limits(err, "too_long", 0, 0, 1, (long long)f->max);
            }
        } else if (f->type == GG_F_INT && (f->min || f->max)) {
            json_int_t x = json_integer_value(v);
            if (x < f->min || x > f->max) {
                gg_err_invalid(err, name, "%s must be between %lld and %lld", name, (long long)f->min,
                               (long long)f->max);
                return gg_error_limits(err, "out_of_range", 1, (long long)f->min, 1, (long long)f->max);
            }
        } else if (f->type == GG_F_NUM && (f->min || f->max)) {
            double x = json_number_value(v);
            if (!isfinite(x) || x < (double)f->min || x > (double)f->max) {
                gg_err_invalid(err, name, "%s must be between %lld and %lld", name, (long long)f->min,
                               (long long)f->max);
                return gg_error_limits(err, "out_of_range", 1, (long long)f->min, 1, (long long)f->max);
            }
        }
    }
    return 0;
}

const char *gg_json_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t gg_json_int(json_t *obj, const char *key, int64_t def)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

double gg_json_num(json_t *obj, const char *key, double def)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : def;
}

int gg_json_bool(json_t *obj, const char *key, int def)
{
    json_t *v = json_object_get(obj, key);
    return json_is_boolean(v) ? json_is_true(v) : def;
}

int gg_json_has(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v);
}
