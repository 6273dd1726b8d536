/*
 * measures.h — the mediation measures (docs/mediation.md "Measures"): mediation rate, success rate, agreement
 * performance rate and resolution on time of the disputes registered in a unit's subtree over a period, from
 * the rollup mediation_rollup (per unit and every ancestor × registration day × type, kept in the same
 * transaction as every dispute write: the totals never scan the disputes), broken down by type, by child unit
 * (rollup too) or by lead mediator (a scan of the period's disputes in the subtree).
 *
 * Formulas (the denominator is the part after "/"; percent rounded half up to one decimal; a zero
 * denominator has no value, shown "—"):
 *   mediation_rate   = mediated / registered        mediated = outcome success, failure or litigation
 *   success_rate     = success / mediated
 *   performance_rate = performed / agreements       performed = the latest recorded follow-up says performed
 *   on_time_rate     = closed by due_at / closed    closed = any outcome (withdrawn too)
 * Scope: dispute.read over the unit; 404 otherwise.
 */
#ifndef GG_DOMAIN_MEDIATION_MEASURES_H
#define GG_DOMAIN_MEDIATION_MEASURES_H

#include "domain/op.h"

typedef struct gg_med_counts {
    int64_t registered, mediated, success, failure, litigation, withdrawn, closed, on_time, agreements,
        performed;
} gg_med_counts_t;

#define GG_MED_NMEASURES 4
typedef struct gg_med_measure {
    const char *code; /* mediation_rate, success_rate, performance_rate, on_time_rate */
    const char *name_zh, *name_en;
    int has_value;
    double value; /* percent 0..100, one decimal */
    int64_t numerator, denominator;
    const char *formula_zh, *formula_en;
} gg_med_measure_t;

typedef struct gg_med_row {
    const char *key, *name;
    gg_med_counts_t counts;
} gg_med_breakdown_t;

/* The counts of unit_id's subtree over [from, to] (YYYY-MM-DD registration days, inclusive). */
int gg_mediation_counts(gg_op_t *op, int64_t unit_id, const char *from, const char *to, gg_med_counts_t *out,
                        gg_error_t *err);
/* The same counts without a permission check, for a caller that has already checked its own (the general
 * measures, domain/measures/measure.c: dashboard.read over the unit; aggregate counts only). */
int gg_mediation_counts_of(gg_db_conn_t *c, int64_t unit_id, const char *from, const char *to,
                           gg_med_counts_t *out, gg_error_t *err);
/* by: "type" | "child" | "mediator". */
int gg_mediation_breakdown(gg_op_t *op, int64_t unit_id, const char *from, const char *to, const char *by,
                           gg_med_breakdown_t **rows, int *n, gg_error_t *err);
/* The four measures of counts. */
void gg_mediation_measures(const gg_med_counts_t *c, gg_med_measure_t out[GG_MED_NMEASURES]);
/* Percent of num / den rounded half up to one decimal (den > 0). */
double gg_mediation_percent(int64_t num, int64_t den);

#endif
