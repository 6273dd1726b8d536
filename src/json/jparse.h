/*
 * jparse.h — reading untrusted JSON request bodies (jansson underneath).
 *
 * gg_json_parse_body enforces DESIGN §5's input rules before any handler sees
 * the data: valid UTF-8 (jansson), no NUL in strings, no duplicate keys,
 * nesting depth <= 32 (checked by a pre-scan so a 1 MiB "[[[[..." cannot make
 * the parser recurse), a JSON object at the top.  gg_json_check then applies a
 * per-endpoint field schema: unknown fields rejected, required fields present,
 * types, string lengths in characters, integer ranges — each failure a 400
 * naming the field.
 */
#ifndef GG_JSON_JPARSE_H
#define GG_JSON_JPARSE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define GG_JSON_MAX_DEPTH 32

int gg_json_parse_body(const char *body, size_t len, json_t **out, gg_error_t *err);

typedef enum { GG_F_STR = 1, GG_F_INT, GG_F_NUM, GG_F_BOOL, GG_F_OBJ, GG_F_ARR, GG_F_ANY } gg_ftype_t;

typedef struct gg_field {
    const char *name;
    gg_ftype_t type;
    int required;
    int64_t min;  /* STR: min characters; INT/NUM: minimum value */
    int64_t max;  /* STR: max characters; INT/NUM: maximum value (0 = no limit for NUM) */
    int nullable; /* JSON null accepted (treated as absent) */
} gg_field_t;

/* Check obj against fields; prefix ("" or "location.") prefixes reported field names. */
int gg_json_check(json_t *obj, const gg_field_t *fields, int nfields, const char *prefix, gg_error_t *err);

/* Accessors after gg_json_check: absent or null gives NULL / def. */
const char *gg_json_str(json_t *obj, const char *key);
int64_t gg_json_int(json_t *obj, const char *key, int64_t def);
double gg_json_num(json_t *obj, const char *key, double def);
int gg_json_bool(json_t *obj, const char *key, int def);
int gg_json_has(json_t *obj, const char *key);

#endif
