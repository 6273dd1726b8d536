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
    char message[320]; /* a sentence a person can act on (English: the UI says it in the user's language
                          from code, field, reason and limits, never by showing this) */
    /* Why the field was refused, as a code the UI translates: "required", "too_long", "too_short",
     * "empty", "wrong_type", "out_of_range", "unknown_field", "not_allowed", "malformed" … (a static
     * string; NULL when the code and field say it all).  With limits where they help ("at most 50"). */
    const char *reason;
    int has_min, has_max;
    long long min, max;
    /* A name the reason's sentence quotes ("长乐社区第一网格 (420204001002001)": a unit the caller may see),
     * "" when none. */
    char name[160];
    /* The actions the caller may take instead (409 illegal_transition of the case loop): static strings,
     * written as the error's "allowed" array when has_allowed (also when empty). */
    int has_allowed, nallowed;
    const char *allowed[32];
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

/* Attach a reason (a static string) and the bounds that go with it to an error already set; both return
 * the error's -status, so `gg_err_invalid(err, name, "…"); return gg_error_limits(err, "too_long", 0, 0,
 * 1, 50);` reads as one step. */
int gg_error_reason(gg_error_t *e, const char *reason);
/* A reason whose sentence names something: `return gg_error_named(err, "overlaps", "%s (%s)", name, code);`.
 */
int gg_error_named(gg_error_t *e, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int gg_error_limits(gg_error_t *e, const char *reason, int has_min, long long min, int has_max,
                    long long max);

#endif
