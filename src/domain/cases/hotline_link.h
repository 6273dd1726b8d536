/*
 * hotline_link.h — the 12345 platform link of a hotline line (docs/api.md "12345 platform link"): the secret
 * the platform signs its pushes with (hotline_link, encrypted), and its callback URL, kept as the line's
 * webhook subscription of kind "hotline" (domain/webhook.h) so the callbacks are ordinary outbox deliveries
 * signed with the same secret.  Setting it needs settings.manage at the root, audited (hotline_link.update).
 *
 * The inbound push (api/cases/hotline_orders.c) has no caller: it proves the platform with the signature,
 * then creates the case through gg_case_create as the link (an actor with case.report over the line's unit
 * only, named "12345:<line number>").  A work order is recognised by (line_id, external_no): a second push
 * of the same number answers the case it made (the unique index case_item_line).
 */
#ifndef GG_DOMAIN_CASES_HOTLINE_LINK_H
#define GG_DOMAIN_CASES_HOTLINE_LINK_H

#include "domain/domain.h"
#include "domain/op.h"
#include "domain/webhook.h" /* GG_WEBHOOK_SECRET_MAX */

typedef struct gg_hotline_link {
    int64_t line_id;
    int active;
    const char *callback_url; /* NULL: no callbacks */
    int64_t subscription_id;  /* 0: none */
    int64_t updated_at;
} gg_hotline_link_t;

/* 404 when the line has no link. */
int gg_hotline_link_get(gg_op_t *op, int64_t line_id, gg_hotline_link_t *out, gg_error_t *err);
/* Make or change the link: secret (16..128 characters) or NULL to keep it (a new random one, written to
 * secret_out, when the link is new); callback_url NULL or "" for none; active 0/1. */
int gg_hotline_link_set(gg_op_t *op, int64_t line_id, const char *secret, const char *callback_url,
                        int active, char secret_out[GG_WEBHOOK_SECRET_MAX], gg_error_t *err);

/* For the push: the line's active link secret, its unit path and number.  *found = 0 without an active link.
 */
int gg_hotline_link_secret(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, int64_t line_id,
                           const char **secret, const char **unit_path, const char **number, int *found,
                           gg_error_t *err);
/* The case of work order external_no on line_id: *case_id 0 when none. */
int gg_hotline_order_find(gg_db_conn_t *c, int64_t line_id, const char *external_no, int64_t *case_id,
                          gg_error_t *err);
/* A category id by code, else by name (the platform's text); 0 when neither names one. */
int gg_hotline_category(gg_db_conn_t *c, const char *code, const char *name, int64_t *id, gg_error_t *err);

#endif
