/*
 * internal.h — what the files of domain/assessment share and nobody else calls: the assessed units of a
 * plan, the task loader, the scope helpers and the bridge to the measures (measure.c).
 */
#ifndef GG_DOMAIN_ASSESSMENT_INTERNAL_H
#define GG_DOMAIN_ASSESSMENT_INTERNAL_H

#include "domain/assessment/assessment.h"

typedef struct gg_assess_unit {
    int64_t id;
    const char *name, *code, *path, *level;
} gg_assess_unit_t;

int gg_assess_units(gg_db_conn_t *c, gg_arena_t *a, const gg_assess_plan_t *p, gg_assess_unit_t **rows,
                    int *n, gg_error_t *err);
int gg_assess_tasks_load(gg_db_conn_t *c, gg_arena_t *a, int64_t plan_id, gg_assess_task_t **rows, int *n,
                         gg_error_t *err);
/* The plan when the caller may manage it (assess.manage at its unit): 403 when it may only read it, else 404.
 */
int gg_assess_plan_managed(const gg_op_t *op, int64_t id, gg_assess_plan_t *out, gg_error_t *err);
/* 1 when the caller may see the unit's scores in plan p (dashboard.read, assess.manage or assess.score over
 * it, or assess.manage at the plan's unit). */
int gg_assess_sees_unit(const gg_auth_t *auth, const gg_assess_plan_t *p, const char *unit_path);

/* The value of measure `code` for unit u over [from, to] (measure.c, through domain/measures/measure.h).
 * 400 field "source" reason "unknown_measure" for a code the measures do not know. */
int gg_assess_measure(const gg_op_t *op, const gg_assess_unit_t *u, const char *code, const char *from,
                      const char *to, int *has_value, double *value, gg_error_t *err);
/* 1 when the measures are built in (the branch has domain/measures/measure.h). */
int gg_assess_measures_available(void);

#endif
