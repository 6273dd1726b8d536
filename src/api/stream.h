/*
 * stream.h — the live stream's hub (one per node, started by `serve`): GET /api/v1/stream answers
 * Server-Sent Events of the case changes within the caller's scope and the caller's unread notification
 * count (docs/api.md "Stream").
 *
 * Contract
 *  - gg_live_hub_start(db) starts one thread that reads the outbox (rows with a scope, domain/live.h) and
 *    the notifications newer than what it handed out: at once when a commit of this node wrote either (the
 *    domain's waker), on PostgreSQL at once when any node's commit did (a second thread LISTENs on gg_live
 *    on a connection of its own; the steps pg_notify in their transaction), and every 250 ms anyway (every
 *    2 s while the listener is connected: a safety net).  On PostgreSQL rows committed out of id order are
 *    caught by re-reading the last 64 ids and skipping those already sent.
 *  - Each subscriber is filtered in memory (gg_live_visible on the row's scope): no query per event per
 *    client.  An idle subscriber is a parked connection (http/stream.c): no thread.
 *  - Every 20 s each stream gets a comment line (": hb"), so proxies keep it and a dead client is found, and
 *    the sessions of all streams are checked in one query per 500 (gg_live_sessions_alive, session_idle_ms
 *    as the session rule): a stream whose session ended (logout, revocation, expiry) gets "event: reset"
 *    {"reason":"session_ended"} and ends.  Grants are those of the stream's start until it reconnects.
 *  - A subscriber that does not read (more than 1 MiB waiting) gets "event: reset" and its stream ends.
 *  - gg_live_hub_touch(hub, account): recount that account's unread notifications on the next poll (after
 *    marking read).  gg_live_hub_stop after the HTTP server stopped (no stream left), before the database
 *    closes.
 */
#ifndef GG_API_STREAM_H
#define GG_API_STREAM_H

#include "db/db.h"

typedef struct gg_live_hub gg_live_hub_t;

gg_live_hub_t *gg_live_hub_start(gg_db_t *db, int64_t session_idle_ms, gg_error_t *err);
void gg_live_hub_touch(gg_live_hub_t *hub, int64_t account_id);
void gg_live_hub_stop(gg_live_hub_t *hub);

#endif
