/*
 * form.h — application/x-www-form-urlencoded bodies (the Open311 POST, api/open311.c): pairs split on '&',
 * key and value split on the first '=', '+' is a space, %XX a byte.  Strict: a bad escape, a NUL byte,
 * text that is not UTF-8 or more than max_pairs pairs refuse the body (400, field "body", reason
 * "malformed"/"too_many").  Keys keep their brackets ("attribute[CODE][]"); gg_form_attribute reads them.
 */
#ifndef GG_CORE_FORM_H
#define GG_CORE_FORM_H

#include <stddef.h>

#include "core/error.h"
#include "core/mem.h"

typedef struct gg_form_pair {
    const char *key, *value; /* decoded, NUL-terminated, in the arena */
} gg_form_pair_t;

typedef struct gg_form {
    gg_form_pair_t *pairs;
    int n;
} gg_form_t;

/* Parse body[0..n) (NULL or empty: no pairs).  0, or < 0 with err. */
int gg_form_parse(gg_arena_t *a, const char *body, size_t n, int max_pairs, gg_form_t *out, gg_error_t *err);
/* The first value of key, or NULL. */
const char *gg_form_get(const gg_form_t *f, const char *key);
/* 1 when key is "attribute[CODE]" (*is_list 0) or "attribute[CODE][]" (*is_list 1) with CODE non-empty
 * (*code, in the arena); 0 for any other key; -1 for an "attribute[" key that is malformed. */
int gg_form_attribute(gg_arena_t *a, const char *key, const char **code, int *is_list);

#endif
