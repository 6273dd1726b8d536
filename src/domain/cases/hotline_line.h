/*
 * hotline_line.h — the configured hotlines a hotline case names (line_id):
 * 12345 at each county, local lines such as 仙游's 8251825 good-neighbour
 * line at a community.  Everyone logged in reads them (the intake form offers
 * them); creating and changing them needs settings.manage at the root
 * (gg_settings_may_manage), audited.  A line is retired, never deleted.
 */
#ifndef GG_DOMAIN_CASES_HOTLINE_LINE_H
#define GG_DOMAIN_CASES_HOTLINE_LINE_H

#include "domain/domain.h"
#include "domain/op.h"

typedef struct gg_hotline_line {
    int64_t id, unit_id;
    const char *name, *number, *unit_name;
    int64_t retired_at, created_at, updated_at;
    int version;
} gg_hotline_line_t;

int gg_hotline_line_list(gg_op_t *op, int include_retired, gg_hotline_line_t **rows, int *n, gg_error_t *err);
int gg_hotline_line_get(gg_op_t *op, int64_t id, gg_hotline_line_t *out, gg_error_t *err);
int gg_hotline_line_create(gg_op_t *op, const gg_hotline_line_t *in, int64_t *id, gg_error_t *err);
/* next's name, number and unit over line id at version; retire: 1 retire, 0 restore, -1 unchanged. */
int gg_hotline_line_update(gg_op_t *op, int64_t id, const char *name, const char *number, int64_t unit_id,
                           int retire, int version, gg_error_t *err);
/* The demo's lines and other seeds: create unless a line with this number at this unit exists (no audit). */
int gg_hotline_line_seed(gg_db_conn_t *c, const char *name, const char *number, int64_t unit_id,
                         gg_error_t *err);

#endif
