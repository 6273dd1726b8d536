/* mediation_internal.h — what the files of domain/mediation share: the timeline, the rollup snapshot of one
 * dispute and loading a dispute for a write.  Not for use outside domain/mediation. */
#ifndef GG_DOMAIN_MEDIATION_INTERNAL_H
#define GG_DOMAIN_MEDIATION_INTERNAL_H

#include "domain/mediation/dispute.h"

/* The rollup counters one dispute contributes (domain/mediation/measures.h: every ancestor of unit_path). */
typedef struct gg_med_snap {
    const char *unit_path, *day, *type;
    int64_t registered, mediated, success, failure, litigation, withdrawn, closed, on_time, agreements,
        performed;
} gg_med_snap_t;

int gg_med_snap(gg_op_t *op, int64_t id, gg_med_snap_t *s, gg_error_t *err);
/* Add sign (+1/-1) times s to the rollup rows of every ancestor of s->unit_path (and the unit itself). */
int gg_med_rollup_apply(gg_db_conn_t *c, const gg_med_snap_t *s, int sign, gg_error_t *err);

/* The timeline. */
int gg_med_event(gg_op_t *op, int64_t id, const char *action, int64_t unit_id, const char *note,
                 const char *detail, gg_error_t *err);
/* Audit a dispute write (action "dispute.X"). */
int gg_med_audit(gg_op_t *op, int64_t id, int64_t unit_id, const char *action, const char *detail_json,
                 gg_error_t *err);

/* The row a write works on: 404 outside read scope, 403 in read scope without dispute.manage, 409 when
 * closed and open_only. */
typedef struct gg_med_row {
    int64_t id, unit_id, lead_mediator_id;
    const char *unit_path, *state, *outcome, *type, *number, *day;
    int64_t due_at;
    int has_agreement;
    const char *agreement_day;
} gg_med_row_t;
int gg_med_load(gg_op_t *op, int64_t id, int open_only, gg_med_row_t *row, gg_error_t *err);

/* Local day of ms as YYYY-MM-DD. */
void gg_med_day(int64_t ms, char out[11]);

#endif
