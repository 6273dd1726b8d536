/*
 * desk.h — the mediation desk (今日调解, 我的纠纷, 待回访) of the caller, and the list of failed disputes
 * with their reasons beside the measures.  Scope: dispute.read (the desk's "mine": disputes assigned to a
 * roster entry linked to the caller's account).
 */
#ifndef GG_DOMAIN_MEDIATION_DESK_H
#define GG_DOMAIN_MEDIATION_DESK_H

#include "domain/mediation/dispute.h"

typedef struct gg_med_desk_session {
    int64_t session_id, dispute_id, at;
    const char *number, *title, *place;
    int held;
} gg_med_desk_session_t;

typedef struct gg_med_desk_followup {
    int64_t followup_id, dispute_id;
    const char *number, *title, *due_on;
} gg_med_desk_followup_t;

typedef struct gg_med_desk {
    char today[11];
    gg_med_desk_session_t *sessions;
    int nsessions;
    gg_dispute_t *mine;
    int nmine;
    gg_med_desk_followup_t *followups; /* open follow-ups due today or earlier, in scope */
    int nfollowups;
} gg_med_desk_t;

int gg_mediation_desk(gg_op_t *op, gg_med_desk_t *out, gg_error_t *err);

typedef struct gg_med_failure {
    int64_t id, outcome_at;
    const char *number, *title, *type, *outcome, *outcome_text, *unit_name;
} gg_med_failure_t;

/* Disputes of unit_id's subtree registered in [from, to] whose mediation failed or went to litigation,
 * newest first, at most limit. */
int gg_mediation_failures(gg_op_t *op, int64_t unit_id, const char *from, const char *to, int limit,
                          gg_med_failure_t **rows, int *n, gg_error_t *err);

#endif
