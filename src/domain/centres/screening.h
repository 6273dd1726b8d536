/*
 * screening.h — grid screening of disputes (矛盾纠纷排查): each period (a month, 'YYYY-MM') a grid's worker
 * reports the disputes found in the grid, or an explicit zero report (零报告).  One report per grid and
 * period (a UNIQUE constraint); the street (or any unit above grids) sees which of its grids have reported.
 * Reporting needs case.report at the grid; the status needs unit.read over the unit.
 */
#ifndef GG_DOMAIN_CENTRES_SCREENING_H
#define GG_DOMAIN_CENTRES_SCREENING_H

#include "domain/centres/centre_common.h"

#define GG_SCREENING_MAX_ITEMS 50

typedef struct gg_screening_item {
    const char *title, *summary;
} gg_screening_item_t;

int gg_screening_report(const gg_op_t *op, int64_t grid_id, const char *period, int zero,
                        const gg_screening_item_t *items, int nitems, int64_t *id, gg_error_t *err);

typedef struct gg_screening_row {
    int64_t grid_id, report_id, reported_at;
    const char *grid_name, *grid_code, *community_name, *items_json, *reported_by;
    int reported, found;
    int may_report; /* not reported yet and the caller holds case.report at the grid */
} gg_screening_row_t;

/* Every grid under unit_id with its report of period (reported 0 when missing). */
int gg_screening_status(const gg_op_t *op, int64_t unit_id, const char *period, gg_screening_row_t **rows,
                        int *n, gg_error_t *err);
/* The current period ('YYYY-MM' of today in Asia/Shanghai). */
void gg_screening_period_now(char out[8]);
int gg_screening_period_valid(const char *period, gg_error_t *err);

#endif
