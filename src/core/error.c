/* error.c — filling gg_error_t (see error.h for the contract). */
#include "core/error.h"

#include <stdio.h>
#include <string.h>

int gg_error_set(gg_error_t *e, int http_status, const char *code, const char *field, const char *fmt, ...)
{
    if (!e) return http_status > 0 ? -http_status : -500;
    e->http_status = http_status;
    snprintf(e->code, sizeof e->code, "%s", code ? code : "error");
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    e->reason = NULL;
    e->has_min = e->has_max = 0;
    e->min = e->max = 0;
    e->name[0] = 0;
    e->has_allowed = e->nallowed = 0;
    return http_status > 0 ? -http_status : -500;
}

int gg_error_limits(gg_error_t *e, const char *reason, int has_min, long long min, int has_max, long long max)
{
    if (!e) return -500;
    e->reason = reason;
    e->has_min = has_min;
    e->min = min;
    e->has_max = has_max;
    e->max = max;
    return e->http_status > 0 ? -e->http_status : -500;
}

int gg_error_reason(gg_error_t *e, const char *reason)
{
    return gg_error_limits(e, reason, 0, 0, 0, 0);
}

int gg_error_named(gg_error_t *e, const char *reason, const char *fmt, ...)
{
    if (!e) return -500;
    e->reason = reason;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->name, sizeof e->name, fmt, ap);
    va_end(ap);
    return e->http_status > 0 ? -e->http_status : -500;
}

void gg_error_clear(gg_error_t *e)
{
    if (e) memset(e, 0, sizeof *e);
}
