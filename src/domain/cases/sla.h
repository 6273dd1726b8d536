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
 *  - Extension requests (extend_request) unanswered for case_extension_expiry_hours (app_setting, default 24
 *    wall-clock hours, 0 = never) lapse: extension_pending is cleared (version + 1) by an UPDATE guarded on
 *    extension_pending = 1 and, when it changed the row, an extend_expire event (system, internal) follows —
 *    once, whoever runs it.  The handler is told (notification extension_expired).
 */
#ifndef GG_DOMAIN_CASES_SLA_H
#define GG_DOMAIN_CASES_SLA_H

#include "domain/domain.h"

int gg_sla_run(gg_db_conn_t *c, int is_pg, const gg_keys_t *keys, int64_t now, int *yellow, int *red,
               int *expired, gg_error_t *err);

#endif
