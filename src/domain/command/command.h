/*
 * command.h — the command centre (指挥中心, docs/command.md): a unit's live counters, the load of its
 * children for the map's colours, its top categories and channels this month, and the open cases as
 * server-side clusters for the map.  Reads only; every function takes a unit the caller may read with
 * dashboard.read (the API loads it with gg_unit_get_scoped: 404 outside the scope).
 *
 * Contract
 *  - "open" is gg_case_state_open's list (not closed, rated, rejected, merged); "overdue" a running case
 *    (registered … awaiting_verification) past due_at; "yellow" a running case past yellow_at, not yet due.
 *  - Days and months are local (Asia/Shanghai, UTC+8).  on_time_* : cases of the unit closed since the first
 * of this month, and those of them closed by their due_at (a case without due_at counts as on time).
 *  - Markers: open cases located in the unit's subtree with a point, in the bbox, clustered on a grid of
 * cells of (360 / 2^zoom / 4) degrees (about 64 px at 256-px tiles); a cell holding one case is that case. At
 * most GG_COMMAND_MARKER_ROWS cases are read (truncated says so).
 */
#ifndef GG_DOMAIN_COMMAND_COMMAND_H
#define GG_DOMAIN_COMMAND_COMMAND_H

#include "domain/cases/case.h"
#include "domain/op.h"
#include "domain/tree/unit.h"

typedef struct gg_command_counters {
    int64_t open, overdue, yellow, reported_today, closed_today;
    int64_t on_time_closed, on_time_total; /* this month */
} gg_command_counters_t;

int gg_command_counters(gg_db_conn_t *c, const gg_unit_t *u, int64_t now, gg_command_counters_t *out,
                        gg_error_t *err);

/* One child of the unit (the drill-down and the map's colours). */
typedef struct gg_command_child {
    int64_t id;
    const char *name, *level;
    int has_centroid;
    double lat, lon;
    int64_t open, overdue, yellow;
} gg_command_child_t;

int gg_command_children(gg_op_t *op, const gg_unit_t *u, gg_command_child_t **rows, int *n, gg_error_t *err);

int gg_command_case_event(gg_op_t *op, const gg_case_event_t *e, gg_error_t *err);
/* Goes up after each commit of a case event on this node (the API's summary cache keys on it). */
uint64_t gg_command_generation(void);

typedef struct gg_command_top {
    int64_t id; /* category id; 0 for a channel */
    const char *key, *name, *name_en;
    int64_t count;
} gg_command_top_t;

/* The reports of the cases reported this month by category and by channel (gg_measure_series), most first
 * (at most 10). */
int gg_command_top(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u, int64_t now,
                   gg_command_top_t **cats, int *ncats, gg_command_top_t **chans, int *nchans,
                   gg_error_t *err);

#define GG_COMMAND_MARKER_ROWS 50000

typedef struct gg_command_marker {
    int count, overdue;
    double lat, lon;                 /* a cluster: the mean of its cases; a case: its point */
    double south, west, north, east; /* a cluster's cases' extent */
    /* a single case (count 1) */
    int64_t id;
    const char *number, *category_code, *category_name, *state;
} gg_command_marker_t;

typedef struct gg_bbox {
    int set;
    double south, west, north, east;
} gg_bbox_t;

int gg_command_markers(gg_op_t *op, const gg_unit_t *u, const gg_bbox_t *bbox, int zoom, int64_t now,
                       gg_command_marker_t **rows, int *n, int64_t *total, int *truncated, gg_error_t *err);

/* The local day and month starts (Unix ms) of now. */
int64_t gg_command_day_start(int64_t now);
int64_t gg_command_month_start(int64_t now);

#endif
