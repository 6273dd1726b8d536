/*
 * cases_internal.h — what the case API files (cases.c, public_cases.c and the
 * transitions, case_actions.c) share: the snapshots a case computation
 * needs, body helpers, the create run and the full read of one case.
 */
#ifndef GG_API_CASES_INTERNAL_H
#define GG_API_CASES_INTERNAL_H

#include "api/api.h"
#include "api/write.h"
#include "domain/cases/case_create.h"

/* The working calendar's current snapshot (refreshed when another node changed it), or NULL when the server
 * has none; release with gg_cal_snapshot_release. */
gg_cal_snapshot_t *gg_api_case_calendar(gg_req_t *req, gg_db_conn_t *c);
/* Bring the point-in-grid index up to date (outside a transaction). */
void gg_api_case_sync_grids(gg_req_t *req, gg_db_conn_t *c);
/* body[key]: an array of at most 9 positive ids (400 naming key or key[i]). */
int gg_api_case_ids(gg_arena_t *a, json_t *body, const char *key, int64_t *ids, int *n, gg_error_t *err);
/* body's lat and lon (both or neither) into in. */
int gg_api_case_point(json_t *body, gg_case_in_t *in, gg_error_t *err);
/* gg_case_create with the server's snapshots (inside the runner's transaction). */
int gg_api_case_create_run(gg_req_t *req, gg_op_t *op, const gg_case_in_t *in, int64_t *id, char secret[44],
                           gg_error_t *err);
/* The full answer of GET /cases/{id} for case id (rv: ?reveal=phone, may be NULL) — what a transition answers
 * too. */
int gg_api_case_respond_full(gg_write_t *w, int64_t id, gg_reveal_t *rv, gg_error_t *err);
/* Events as JSON objects into the open array, each with its "attachments" (staff: actors, units and details
 * too); -1 on a database error before anything is written. */
int gg_api_case_events_json(gg_jw_t *jw, gg_db_conn_t *c, gg_arena_t *a, const gg_case_event_t *e, int n,
                            int staff, gg_error_t *err);

#endif
