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
    return http_status > 0 ? -http_status : -500;
}

void gg_error_clear(gg_error_t *e)
{
    if (e) memset(e, 0, sizeof *e);
}
