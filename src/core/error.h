/*
 * error.h — the one error type every fallible function fills (DESIGN §8).
 *
 * Contract: a function that can fail returns int, 0 on success or a negative
 * value on failure, and fills the caller's gg_error_t.  The API layer turns a
 * gg_error_t into the JSON error body of DESIGN §5 in exactly one place
 * (src/api/api.c: gg_api_error).
 */
#ifndef GG_CORE_ERROR_H
#define GG_CORE_ERROR_H

#include <stdarg.h>

typedef struct gg_error {
    int http_status;   /* 400, 404, 409, 500 ... (0 when unset) */
    char code[40];     /* machine code: "validation_failed", "not_found" ... */
    char field[96];    /* offending field ("location.lat"), "" when none */
    char message[320]; /* a sentence a person can act on */
} gg_error_t;

/* Fill *e and return -http_status (always negative).  e may be NULL. */
int gg_error_set(gg_error_t *e, int http_status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Shorthands for the common cases. All return a negative value. */
#define gg_err_invalid(e, field, ...) gg_error_set((e), 400, "validation_failed", (field), __VA_ARGS__)
#define gg_err_not_found(e, ...) gg_error_set((e), 404, "not_found", NULL, __VA_ARGS__)
#define gg_err_conflict(e, ...) gg_error_set((e), 409, "conflict", NULL, __VA_ARGS__)
#define gg_err_forbidden(e, ...) gg_error_set((e), 403, "forbidden", NULL, __VA_ARGS__)
#define gg_err_internal(e, ...) gg_error_set((e), 500, "internal", NULL, __VA_ARGS__)
#define gg_err_unavailable(e, ...) gg_error_set((e), 503, "unavailable", NULL, __VA_ARGS__)

void gg_error_clear(gg_error_t *e);

#endif
