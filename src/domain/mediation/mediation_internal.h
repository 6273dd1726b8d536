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
 * closed and open_only, 409 when revoked. */
typedef struct gg_med_row {
    int64_t id, unit_id, lead_mediator_id;
    const char *unit_path, *state, *outcome, *type, *number, *day;
    int64_t due_at;
    int has_agreement;
    const char *agreement_day;
    int revoked; /* revoked as registered by mistake: every write answers 409 dispute_revoked */
    int version;
} gg_med_row_t;
int gg_med_load(gg_op_t *op, int64_t id, int open_only, gg_med_row_t *row, gg_error_t *err);

/* A step on one dispute: gg_med_begin loads the row (gg_med_load) and the rollup snapshot before;
 * gg_med_finish moves the rollup from before to the dispute's counters now, bumps the version and writes the
 * timeline event (action) and the audit row ("dispute.<action>", detail or "{}"). */
int gg_med_begin(gg_op_t *op, int64_t id, int open_only, gg_med_row_t *row, gg_med_snap_t *before,
                 gg_error_t *err);
int gg_med_finish(gg_op_t *op, const gg_med_row_t *row, const gg_med_snap_t *before, const char *action,
                  int64_t event_unit, const char *note, const char *detail, gg_error_t *err);

/* Check one party in place (defaults filled, ID number GB 11643 and upper-cased, phone, resident in scope);
 * errors name prefix + the item ("parties[2].id_number", or "id_number" with prefix ""). */
int gg_med_party_check(gg_op_t *op, const char *prefix, gg_dispute_party_new_t *p, gg_error_t *err);

/* Insert a checked party as number seq of the dispute (ID number and phone encrypted, the blind index). */
int gg_med_party_insert(gg_op_t *op, int64_t dispute_id, int seq, const gg_dispute_party_new_t *p,
                        int64_t *party_id, gg_error_t *err);
/* A text item trimmed (gg_text_field) and at most max characters (400 naming field). */
int gg_med_text(gg_arena_t *a, const char **s, const char *field, int required, int max, gg_error_t *err);
extern const char *const gg_med_scales[]; /* small … major */
extern const char *const gg_med_risks[];  /* low, medium, high */

/* Local day of ms as YYYY-MM-DD. */
void gg_med_day(int64_t ms, char out[11]);

#endif
