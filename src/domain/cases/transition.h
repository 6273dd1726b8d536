/*
 * transition.h — one step of the case loop: POST /cases/{id}/actions/{action} and the reporter's two public
 * steps (rate, reopen by number + tracking secret).  The rules (from-state × action → to-state, who, what
 * inputs) are workflow.c's table; this module decides who the caller is for one case, looks the rule up,
 * checks the inputs and applies the action's effects (docs/cases.md, "Effects").
 *
 * Contract of gg_case_act (in the caller's transaction; nothing outside the database):
 *  1. The case as the caller may see it (gg_case_load, 404 when invisible, the same answer as absent).
 *  2. in->version must be the case's version (409 version_conflict, field version); 0 = not checked
 *     (only the public reporter steps, which have no version to send).
 *  3. The caller's actor mask for this case (gg_case_actor_mask), then the rule: none for this state, or
 *     not for these actors, or a fact missing (no extension pending to approve) → 409 illegal_transition
 *     with err->allowed: the actions this caller may take now.
 *  4. Inputs the rule requires (400 naming the field: reason, unit_id, note, days, rating, into_case_id),
 *     then the action's own checks (a dispatch target outside the owner's reach: 400 unit_id with reason
 *     not_reachable; escalating at the county: 409 illegal_transition with reason at_county; feedback
 *     while assisting units have not reported: 409 assists_pending naming them; reopening after
 *     case_reopen_days or after a satisfied rating: 409 reopen_refused with reason window_passed or
 *     rated_satisfied; merging into a closed, foreign or unrelated case: 400 into_case_id).
 *  5. The effects (case_item columns, case_task rows), one case_event (from_state, to_state, note, public,
 *     unit/account target, detail JSON), version + 1 and updated_at (an UPDATE guarded by the version: a
 *     concurrent step is 409 version_conflict), and one audit row "case.transition" naming the action.
 *  Deadlines use in->cal (the working calendar's snapshot the API holds); "now" is gg_now_ms().
 */
#ifndef GG_DOMAIN_CASES_TRANSITION_H
#define GG_DOMAIN_CASES_TRANSITION_H

#include "domain/cases/calendar.h"
#include "domain/cases/case.h"
#include "domain/op.h"

#define GG_CASE_MAX_ASSISTS 8

typedef struct gg_case_act_in {
    int version; /* the case's version the caller saw; 0 = not checked (public reporter steps only) */
    const char *note, *reason, *comment, *rating;
    int public_set, is_public; /* note's visibility on the tracking page (default per action) */
    int64_t unit_id, account_id, into_case_id;
    int64_t assist_unit_ids[GG_CASE_MAX_ASSISTS];
    int nassist;
    int days, hours; /* extend_request: exactly one */
    int64_t due_at;  /* supervise: the supervision deadline (0: none) */
    int reporter;    /* set by gg_case_act_public: the caller proved number + secret */
    int system;      /* set by gg_case_act_system: the scheduler acting as the owner's dispatcher */
    const gg_cal_snapshot_t *cal;
    gg_case_t *result; /* optional: the case as the step left it (joined names as loaded before it) */
    int64_t *event_id; /* optional: the step's case_event (attachments link to it: attachment_link) */
    /* the caller's uploads to link to the step's event (gg_attachment_claim: role "after" for feedback and
     * assist_report, "note" otherwise; 400 attachment_ids when not the caller's own or already linked) */
    const int64_t *attachment_ids;
    int nattachments;
} gg_case_act_in_t;

/* Apply action to case case_id as op->auth (see the contract above). */
int gg_case_act(gg_op_t *op, int64_t case_id, const char *action, const gg_case_act_in_t *in,
                gg_error_t *err);

/* The reporter's step on the public tracking page: the case numbered number whose tracking secret is secret
 * (anything else: 404, the same as no such number); then as gg_case_act with the reporter as the actor.
 * op->auth may be NULL.  *case_id gets the case's id. */
int gg_case_act_public(gg_op_t *op, const char *number, const char *secret, const char *action,
                       const gg_case_act_in_t *in, int64_t *case_id, gg_error_t *err);

/* The scheduler's step (automatic escalation, domain/cases/sla.h): case case_id without a caller's
 * visibility, acting as its owner's dispatcher; the event's actor is "system" (op->auth NULL, op->actor the
 * system's).  Otherwise as gg_case_act (the rule's states, inputs and effects). */
int gg_case_act_system(gg_op_t *op, int64_t case_id, const char *action, const gg_case_act_in_t *in,
                       gg_error_t *err);

/* Who auth is for case k: GG_ACTOR_* bits (transition.c's rules; also for GET /cases/{id}'s actions). */
int gg_case_actor_mask(gg_op_t *op, const gg_case_t *k, int *mask, gg_error_t *err);

/* The action codes auth may take on case k now (table order, static strings): what GET /cases/{id} lists as
 * `actions`.  Fills out[0..max), returns the count or <0 on a database error. */
int gg_case_allowed_actions(gg_op_t *op, const gg_case_t *k, const char **out, int max, gg_error_t *err);
/* The same from the case's tasks already read with gg_case_tasks (no second read of them). */
int gg_case_allowed_actions_with(gg_op_t *op, const gg_case_t *k, const gg_case_task_t *tasks, int ntasks,
                                 const char **out, int max, gg_error_t *err);

/* The reporter's actions on case k now, for the public tracking page's buttons: the table's reporter rules,
 * without reopen when it would be refused (rated satisfied, or past case_reopen_days).
 * gg_case_allowed_actions drops a refused reopen the same way. */
int gg_case_reporter_actions(gg_db_conn_t *c, gg_arena_t *a, const gg_case_t *k, const char **out, int max,
                             gg_error_t *err);

#endif
