/*
 * outbox.h — the transactional outbox (DESIGN §2 `outbox`): every domain event that leaves the process
 * (webhooks, the 12345 platform's callbacks, live updates) is first a row of `outbox`, written in the SAME
 * transaction as the change it reports, so a change without its event (or an event of a change rolled back)
 * cannot happen.  The delivery worker (domain/webhook.h, worker/webhook_worker.c) reads the rows afterwards.
 *
 * Contract
 *  - gg_outbox_emit(op, event_type, unit_path, line_id, payload_json, err): append one row in op->c's
 *    transaction.  line_id: the hotline line whose 12345 platform is told of this event (its callback
 *    subscription matches on it), 0 for none.  The single place events enter the outbox: a helper that wants
 * to react to events too (the live stream, notifications) hooks here.  payload_json is the complete JSON body
 * subscribers get.
 *  - gg_outbox_case_event(op, e, event_id, err): the outbox row of one case_event just appended
 *    (called once, by gg_case_event_add in domain/cases/case.c — case creation and every transition go
 *    through it).  Event type: "case.created" for the report event, else "case." + the event's action
 *    (case.accept, case.dispatch, case.rate, case.merge_in …).  The payload (docs/api.md "Webhooks"):
 *    {"id": outbox id is not known yet, so "event_id" (the case_event id), "type", "at", "action",
 * "from_state", "to_state", "note" (only when the event is public), "case": {id, number, channel, state,
 * category_code, unit_id, unit_path, due_at, line_id, external_no, rating, rating_comment}, "hotline": {…}
 * when the case came from a linked 12345 platform and the step is one it is told of}.  No personal data.
 */
#ifndef GG_DOMAIN_OUTBOX_H
#define GG_DOMAIN_OUTBOX_H

#include "domain/cases/case.h"
#include "domain/op.h"

int gg_outbox_emit(gg_op_t *op, const char *event_type, const char *unit_path, int64_t line_id,
                   const char *payload_json, gg_error_t *err);

int gg_outbox_case_event(gg_op_t *op, const gg_case_event_t *e, int64_t event_id, int64_t at,
                         gg_error_t *err);

/* Housekeeping: delete outbox rows older than outbox_keep_days (app_setting, default 90, 0 = keep all) that
 * were fanned out and whose deliveries all succeeded (with those deliveries), at most 20,000 a run, oldest
 * first, never the newest row (ids are cursors: SQLite would reuse a deleted top id); *deleted the rows gone.
 * A row with a pending or dead delivery stays (it is still news for its subscriber, or the record of a
 * failure to retry). */
int gg_outbox_trim(gg_db_conn_t *c, int64_t now, int64_t *deleted, gg_error_t *err);

/* The 12345 platform's name of a case step ("accepted", "returned", "extended", "completed", "rated"), or
 * NULL for a step the platform is not told of. */
const char *gg_outbox_hotline_callback(const char *action);

#endif
