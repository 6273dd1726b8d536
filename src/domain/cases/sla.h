/*
 * sla.h — the deadline scheduler's work (worker/deadlines.c runs it every few seconds): the yellow mark
 * when a running case passes yellow_at (near due) and the red mark when it passes due_at (overdue), each a
 * case event (mark_yellow / mark_red, actor "system", internal) whose notifications (near_due / overdue,
 * domain/live.h) are written in the same transaction.
 *
 * Contract
 *  - Fires once: a mark is a case_mark row (case_id, kind, due_at) inserted with ON CONFLICT DO NOTHING and
 *    the event is written only when the insert made the row, so a restart, a catch-up after downtime or a
 *    second node never marks twice.  An extension moves due_at: the new deadline is marked anew.
 *  - One node at a time: on PostgreSQL the run's transaction first takes pg_try_advisory_xact_lock on a
 *    fixed key; a node that does not get it returns at once (0 marks).  A node that dies mid-run loses its
 *    connection and the lock with it, so the next run of any node takes over (no lease to wait out).
 *  - Catches up: each run marks every case whose instant has passed (at most 200 per kind per run; the
 *    next run continues).  A case whose due_at passed before its yellow mark gets only the red one.
 *  - Running states: registered, dispatched, in_progress, awaiting_verification (as the overdue box).
 *  - Extension requests (extend_request) unanswered for case_extension_expiry_hours (app_setting, default 8
 *    working hours — office time of the working calendar, nights, weekends and holidays not counted; 0 =
 *    never) lapse: extension_pending is cleared (version + 1) by an UPDATE guarded on
 *    extension_pending = 1 and, when it changed the row, an extend_expire event (system, internal) follows —
 *    once, whoever runs it.  The handler is told (notification extension_expired).
 *  - Overdue reminder: a running case still overdue case_overdue_reminder_hours working hours after due_at
 *    (0 = off, the default) gets one remind_overdue event (system, internal) per deadline; the assignee (the
 *    handler account, else the handler unit's staff), the owner's dispatchers and supervisors are told
 *    (notification overdue_reminder).  Once: a case_sla_step row (case_id, 'remind', due_at).
 *  - Automatic escalation: an open case (registered, dispatched, in_progress) overdue by
 *    case_escalate_after_overdue_hours working hours (0 = off, the default) on which no person acted since
 *    due_at (no event with an account after it), owned by a community or a street, is escalated once per
 *    deadline (case_sla_step 'escalate'): the workflow's escalate step (gg_case_act_system, owner one level
 *    up, tasks withdrawn, registered) with the actor "system"; the new owner's dispatchers are told
 *    (notification escalated, as for every escalate).
 */
#ifndef GG_DOMAIN_CASES_SLA_H
#define GG_DOMAIN_CASES_SLA_H

#include "domain/cases/calendar.h"
#include "domain/domain.h"

typedef struct gg_sla_counts {
    int yellow, red, expired, reminded, escalated;
} gg_sla_counts_t;

/* One run at now; cal (the working calendar) counts the expiry, reminder and escalation hours in office
 * time — NULL counts wall hours and escalates nothing (the workflow step needs the calendar). */
int gg_sla_run(gg_db_conn_t *c, int is_pg, const gg_keys_t *keys, const gg_cal_snapshot_t *cal, int64_t now,
               gg_sla_counts_t *out, gg_error_t *err);

#endif
