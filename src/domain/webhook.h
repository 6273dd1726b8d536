/*
 * webhook.h — webhook subscriptions, their deliveries, and the signature scheme shared by everything gridgov
 * signs or checks (outgoing webhooks, the 12345 platform's pushes and callbacks, camera alarms).
 *
 * Contract
 *  - Subscriptions (webhook_subscription) are shared settings: listing, creating, changing them and retrying
 * a delivery need settings.manage at the root (gg_settings_may_manage), 403 otherwise; every change audited
 *    (webhook.create, webhook.update, webhook.retry).  The secret is stored encrypted (pii_enc) and shown
 *    once, when made.  event_types: "*", "case.*" or exact types (case.created, case.dispatch …); unit_id:
 *    the subtree whose events it receives (none: everywhere).  kind "hotline" subscriptions (a 12345
 *    platform's callback URL) are made by domain/cases/hotline_link.h and match on the outbox row's line_id.
 *  - Delivery (the worker, no caller): gg_webhook_fanout turns outbox rows not yet fanned into one pending
 *    delivery per matching active subscription (UNIQUE (subscription, outbox): a second node's fan-out of the
 *    same row makes nothing twice; PostgreSQL rows are taken FOR UPDATE SKIP LOCKED).  gg_webhook_claim takes
 *    one due pending delivery by setting its lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so two nodes never
 *    take the same row) and counting the attempt; gg_webhook_finish records the answer: 2xx delivered, else
 *    pending again after base × 2^(attempts-1) (capped, with jitter: a random 50–100 % of it), or dead at
 *    webhook_max_attempts.  A node that dies holding a lease leaves the row to be claimed again when the
 *    lease passes: at least once, never lost.  Receivers deduplicate on X-Gridgov-Delivery.
 *  - Signature: header X-Gridgov-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>.
 *    gg_webhook_verify checks it against a body within window_s seconds of now (400 naming the header when
 *    it is malformed or the time is outside the window: reason "malformed" or "stale"; 401 "bad_signature").
 */
#ifndef GG_DOMAIN_WEBHOOK_H
#define GG_DOMAIN_WEBHOOK_H

#include "domain/domain.h"
#include "domain/op.h"

#define GG_WEBHOOK_SIGNATURE_MAX 96
/* A secret is 16..128 characters (the ones made here are 49); buffers that hold one. */
#define GG_WEBHOOK_SECRET_MAX 160

typedef struct gg_webhook {
    int64_t id;
    const char *kind, *name, *url;
    const char **event_types;
    int nevent_types;
    int64_t unit_id; /* 0: everywhere */
    const char *unit_path, *unit_name;
    int64_t line_id;
    int active;
    int64_t created_by, created_at, updated_at;
    int version;
    int64_t pending, dead; /* counts of its deliveries in those states */
} gg_webhook_t;

int gg_webhook_list(gg_op_t *op, gg_webhook_t **rows, int *n, gg_error_t *err);
int gg_webhook_get(gg_op_t *op, int64_t id, gg_webhook_t *out, gg_error_t *err);
/* secret: the caller's (16..128 characters) or NULL for a new random one written to secret_out (44 bytes). */
int gg_webhook_create(gg_op_t *op, const gg_webhook_t *in, const char *secret,
                      char secret_out[GG_WEBHOOK_SECRET_MAX], int64_t *id, gg_error_t *err);
/* Change what is set in in (name, url NULL: unchanged; event_types NULL: unchanged; unit_id -1: unchanged,
 * 0: everywhere; active -1: unchanged) at version. */
int gg_webhook_update(gg_op_t *op, int64_t id, const gg_webhook_t *in, const char *secret, int version,
                      gg_error_t *err);

typedef struct gg_webhook_delivery {
    int64_t id, subscription_id, outbox_id;
    const char *event_type, *state, *last_error;
    int attempts, last_status;
    int64_t next_at, last_at, delivered_at, created_at;
} gg_webhook_delivery_t;

/* The deliveries of subscription id, newest first; state NULL for all; after: id cursor (0: from the top). */
int gg_webhook_deliveries(gg_op_t *op, int64_t id, const char *state, int64_t after, int limit,
                          gg_webhook_delivery_t **rows, int *n, gg_error_t *err);
int gg_webhook_delivery_get(gg_op_t *op, int64_t id, gg_webhook_delivery_t *out, gg_error_t *err);
/* A dead (or pending) delivery tried again at once with its attempts counted from zero; 409 when delivered.
 */
int gg_webhook_retry(gg_op_t *op, int64_t delivery_id, gg_error_t *err);

/* ---- the worker's side ---- */

typedef struct gg_webhook_settings {
    int64_t backoff_ms;     /* webhook_backoff_ms, 10000 */
    int64_t backoff_max_ms; /* webhook_backoff_max_ms, 3600000 */
    int max_attempts;       /* webhook_max_attempts, 8 */
    int64_t timeout_ms;     /* webhook_timeout_ms, 10000 */
} gg_webhook_settings_t;
int gg_webhook_settings(gg_db_conn_t *c, gg_arena_t *a, gg_webhook_settings_t *s, gg_error_t *err);

/* Fan out up to 200 outbox rows; *made = the deliveries made.  pg: the database is PostgreSQL. */
int gg_webhook_fanout(gg_db_conn_t *c, gg_arena_t *a, int pg, int *made, gg_error_t *err);

typedef struct gg_webhook_job {
    int64_t delivery_id, subscription_id, outbox_id;
    int attempts; /* this one included */
    const char *url, *secret, *body, *event_type;
} gg_webhook_job_t;

/* Claim one due delivery until now + lease_ms; *found = 0 when none is due. */
int gg_webhook_claim(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, int pg, int64_t now,
                     int64_t lease_ms, gg_webhook_job_t *job, int *found, gg_error_t *err);
/* Record the try: status the HTTP status (0: none), error NULL or what went wrong. */
int gg_webhook_finish(gg_db_conn_t *c, const gg_webhook_settings_t *s, const gg_webhook_job_t *job,
                      int status, const char *error, int64_t now, gg_error_t *err);

/* "t=<t>,v1=<hex>" for body signed with secret at unix second t. */
void gg_webhook_sign(const char *secret, int64_t t, const char *body, size_t body_len,
                     char out[GG_WEBHOOK_SIGNATURE_MAX]);
/* Check header (the X-Gridgov-Signature value; NULL: missing) over body; field names the header in errors. */
int gg_webhook_verify(const char *secret, const char *header, const char *body, size_t body_len,
                      int64_t now_s, int window_s, const char *field, gg_error_t *err);

#endif
