/* id_probe.c — rationing and recording out-of-scope ID-number hits (see id_probe.h). */
#include "domain/people/id_probe.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/identity/audit.h"

/* Hits of one transaction, recorded by the after-transaction hook.  malloc'd, not from an arena: an import
 * resets row arenas while the transaction runs on. */
typedef struct pending {
    gg_actor_t actor;
    int64_t hits;
} pending_t;

/* Committed hits in the current window (0 when the window has passed). */
static int window_hits(gg_db_conn_t *c, int64_t account_id, int64_t now, int64_t *hits, int64_t *window_start,
                       gg_error_t *err)
{
    gg_db_res_t *r;
    *hits = 0;
    *window_start = now;
    if (gg_db_query(
            c, "SELECT window_hits, window_start FROM id_probe WHERE account_id = $1 AND window_start > $2",
            GG_ARGS(GG_I64(account_id), GG_I64(now - GG_ID_PROBE_WINDOW_MS)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        *hits = gg_db_i64(r, 0);
        *window_start = gg_db_i64(r, 1);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static void flush_hits(gg_db_conn_t *c, void *ctx);

int gg_id_probe_check(gg_db_conn_t *c, const gg_auth_t *auth, const char *field, gg_error_t *err)
{
    if (!auth) return 0;
    int64_t now = gg_now_ms(), hits, start;
    if (window_hits(c, auth->account_id, now, &hits, &start, err) < 0) return -1;
    const pending_t *p = gg_db_after_tx_find(c, flush_hits);
    if (p) hits += p->hits;
    if (hits < GG_ID_PROBE_BUDGET) return 0;
    int64_t wait_s = (start + GG_ID_PROBE_WINDOW_MS - now + 999) / 1000;
    return gg_error_set(
        err, 429, "too_many_requests", field,
        "too many ID numbers registered outside your scope were tried; ID numbers outside your "
        "scope are not checked for %lld minutes",
        (long long)((wait_s + 59) / 60));
}

void gg_id_probe_hit(gg_db_conn_t *c, const gg_auth_t *auth)
{
    if (!auth) return;
    pending_t *p = gg_db_after_tx_find(c, flush_hits);
    if (p) {
        p->hits++;
        return;
    }
    if (!(p = calloc(1, sizeof *p))) return;
    p->actor = gg_actor_of(auth); /* strings of the request, which outlives its transactions */
    p->hits = 1;
    gg_db_after_tx(c, flush_hits, p); /* may run (and free p) at once */
}

static int flush_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    const pending_t *p = ctx;
    int64_t now = gg_now_ms(), home = 0, hits = 0;
    int found, flagged = 0;
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "INSERT INTO id_probe (account_id, window_start, window_hits, total_hits, last_hit_at) "
            "VALUES ($1, $2, CAST($3 AS BIGINT), CAST($3 AS BIGINT), $2) ON CONFLICT (account_id) DO UPDATE "
            "SET "
            "window_hits = CASE WHEN id_probe.window_start > $4 THEN id_probe.window_hits + CAST($3 AS "
            "BIGINT) ELSE CAST($3 AS BIGINT) END, "
            "window_start = CASE WHEN id_probe.window_start > $4 THEN id_probe.window_start ELSE $2 END, "
            "total_hits = id_probe.total_hits + CAST($3 AS BIGINT), last_hit_at = $2 "
            "RETURNING window_hits, flagged_at",
            GG_ARGS(GG_I64(p->actor.account_id), GG_I64(now), GG_I64(p->hits),
                    GG_I64(now - GG_ID_PROBE_WINDOW_MS)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        hits = gg_db_i64(r, 0);
        flagged = !gg_db_isnull(r, 1);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (gg_db_query_i64(c, "SELECT home_unit_id FROM account WHERE id = $1",
                        GG_ARGS(GG_I64(p->actor.account_id)), &home, &found, err) < 0)
        return -1;
    char id[24], detail[96];
    snprintf(id, sizeof id, "%lld", (long long)p->actor.account_id);
    snprintf(detail, sizeof detail, "{\"hits\":%lld,\"hits_in_window\":%lld}", (long long)p->hits,
             (long long)hits);
    gg_audit_entry_t e = {.action = "resident.id_probe",
                          .object_type = "account",
                          .object_id = id,
                          .unit_id = home,
                          .detail_json = detail};
    if (gg_audit_append(c, &p->actor, &e, err) < 0) return -1;
    if (flagged || hits < GG_ID_PROBE_BUDGET) return 0;
    if (gg_db_exec(c, "UPDATE id_probe SET flagged_at = $1 WHERE account_id = $2",
                   GG_ARGS(GG_I64(now), GG_I64(p->actor.account_id)), NULL, err) < 0)
        return -1;
    gg_audit_entry_t f = {.action = "account.flagged",
                          .object_type = "account",
                          .object_id = id,
                          .unit_id = home,
                          .detail_json =
                              "{\"reason\":\"many ID numbers registered outside the account's scope\"}"};
    return gg_audit_append(c, &p->actor, &f, err);
}

static void flush_hits(gg_db_conn_t *c, void *ctx)
{
    pending_t *p = ctx;
    gg_error_t err;
    if (gg_db_tx(c, flush_tx, p, &err) < 0)
        gg_log_warn("id probe: could not record %lld hits of account %lld: %s", (long long)p->hits,
                    (long long)p->actor.account_id, err.message);
    free(p);
}
