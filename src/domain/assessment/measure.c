/* measure.c — the bridge from computed assessment tasks (source "measure:<code>") to the measures of
 * domain/measures/measure.h (gg_measure_get over the assessed unit and the plan's period). */
#include <string.h>

#include "domain/assessment/internal.h"

#if __has_include("domain/measures/measure.h")
#include "domain/measures/measure.h"
#include "domain/tree/unit.h"

int gg_assess_measures_available(void)
{
    return 1;
}

int gg_assess_measure(const gg_op_t *op, const gg_assess_unit_t *u, const char *code, const char *from,
                      const char *to, int *has_value, double *value, gg_error_t *err)
{
    gg_unit_t unit = {.id = u->id, .level = u->level, .code = u->code, .name = u->name, .path = u->path};
    gg_measure_t m;
    gg_error_t e2 = {0};
    if (gg_measure_get(op->c, op->arena, op->auth, &unit, code, from, to, &m, &e2) < 0) {
        if (e2.http_status == 404 && strcmp(e2.field, "code") == 0) {
            gg_err_invalid(err, "source", "there is no measure %s", code);
            return gg_error_reason(err, "unknown_measure");
        }
        *err = e2;
        return -1;
    }
    *has_value = m.has_value;
    *value = m.value;
    return 0;
}
#else
int gg_assess_measures_available(void)
{
    return 0;
}

int gg_assess_measure(const gg_op_t *op, const gg_assess_unit_t *u, const char *code, const char *from,
                      const char *to, int *has_value, double *value, gg_error_t *err)
{
    (void)op, (void)u, (void)from, (void)to, (void)has_value, (void)value;
    gg_err_invalid(err, "source", "measure %s is not available in this build", code);
    return gg_error_reason(err, "unknown_measure");
}
#endif
