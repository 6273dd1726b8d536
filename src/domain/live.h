/*
 * live.h — the domain side of the live loop: staff notifications (table notification), the scope each case
 * event carries to the live stream (outbox.scope), and the reads the stream's hub polls (api/stream.c).
 *
 * Contract
 *  - gg_live_case_event(op, e, &scope, err): called once per case event by gg_outbox_case_event (the single
 *    place case events enter the outbox), in the event's transaction and after the case row was updated.  It
 *    writes the notifications the step causes, in that same transaction:
 *    (a unit's staff: active accounts holding a role with case.handle — case.dispatch for the owner unit —
 *    at the unit itself, or homed at the unit with such a role at or above it)
 *      dispatch, reassign   new_task   to the handling unit's staff
 *      supervise            supervised to the handler (handler_account_id, else the handling unit's accounts)
 *      mark_yellow          near_due   same recipients as supervised (the scheduler's, domain/cases/sla.h)
 *      mark_red             overdue    same, and the owner unit's accounts
 *      extend_expire        extension_expired  as supervised (the scheduler's)
 *      return               returned   to the owner unit's accounts (the dispatcher's unit)
 *      rate (unsatisfied)   rated      to the owner unit's accounts
 *    never to the actor.  params: {"number", "category_code", "action"}; the UI translates kind.  *scope is
 *    the outbox row's scope text (see 0019_live.sql); a commit hook wakes this node's hub (set_waker) and on
 *    PostgreSQL a pg_notify('gg_live') in the transaction wakes the other nodes' hubs at commit.
 *  - gg_live_visible(auth, scope): 1 when the caller may see a case event of this scope — gg_case_visible's
 *    rule (case.read on location or owner, case.handle on a task unit, the reporter) evaluated in memory;
 *    the reporter only for public events (the scope names no reporter for the others).
 *  - Notifications are read and marked only by their account (404 for another's id).
 */
#ifndef GG_DOMAIN_LIVE_H
#define GG_DOMAIN_LIVE_H

#include "domain/cases/case.h"
#include "domain/op.h"

int gg_live_case_event(gg_op_t *op, const gg_case_event_t *e, const char **scope, gg_error_t *err);
int gg_live_visible(const gg_auth_t *auth, const char *scope);
/* fn runs after each commit that wrote an outbox row or a notification (one process-wide waker). */
void gg_live_set_waker(void (*fn)(void));

typedef struct gg_notification {
    int64_t id, case_id, read_at, created_at;
    const char *kind, *params;
} gg_notification_t;

int gg_notifications(gg_op_t *op, int unread_only, int64_t after, int limit, gg_notification_t **rows, int *n,
                     gg_error_t *err);
int gg_notification_unread(gg_db_conn_t *c, int64_t account_id, int64_t *count, gg_error_t *err);
/* 404 unless the notification is the caller's; marking twice keeps the first read_at. */
int gg_notification_read(gg_op_t *op, int64_t id, gg_error_t *err);
int gg_notification_read_all(gg_op_t *op, int64_t *changed, gg_error_t *err);

/* What the hub polls: outbox rows after id (id, event_type, payload, scope), ascending, at most limit. */
typedef struct gg_live_row {
    int64_t id;
    const char *type, *payload, *scope;
} gg_live_row_t;
int gg_live_outbox_after(gg_db_conn_t *c, gg_arena_t *a, int64_t after, int limit, gg_live_row_t **rows,
                         int *n, gg_error_t *err);
int gg_live_outbox_last(gg_db_conn_t *c, int64_t *id, gg_error_t *err);
int gg_live_notification_last(gg_db_conn_t *c, int64_t *id, gg_error_t *err);
/* The accounts with notifications made after id (distinct), and the highest notification id seen. */
int gg_live_notified_after(gg_db_conn_t *c, gg_arena_t *a, int64_t after, int64_t **accounts, int *n,
                           int64_t *last, gg_error_t *err);

/* Of the sessions named by their token hashes (64 hex digits; others count as ended), which are still valid
 * at now (not revoked, not past their end, used within idle_ms): alive[i] = 1 or 0.  One query per 500. */
int gg_live_sessions_alive(gg_db_conn_t *c, gg_arena_t *a, const char *const *hashes, int n, int64_t now,
                           int64_t idle_ms, int *alive, gg_error_t *err);

#endif
