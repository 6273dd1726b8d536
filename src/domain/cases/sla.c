/* sla.c — yellow and red marks, once each, on one node at a time (sla.h). */
#include "domain/cases/sla.h"

#include <stdlib.h>
#include <string.h>

#include "domain/cases/case.h"
#include "domain/measures/rollup.h"
#include "domain/op.h"
#include "domain/setting.h"

#define DEADLINE_LOCK_KEY 74121905 /* pg_try_advisory_xact_lock key of the scheduler */
#define RUNNING "('registered', 'dispatched', 'in_progress', 'awaiting_verification')"
#define BATCH 200

typedef struct {
    const gg_keys_t *keys;
    int is_pg;
    int64_t now;
    int yellow, red, expired;
} run_t;

static int mark_kind(gg_db_conn_t *c, gg_arena_t *a, run_t *x, const char *kind, gg_error_t *err)
{
    int red = kind[0] == 'r';
    const char *sql = red ? "SELECT c.id, c.state, c.due_at FROM case_item c WHERE c.state IN " RUNNING
                            " AND c.due_at IS NOT NULL AND c.due_at <= $1 AND NOT EXISTS (SELECT 1 FROM "
                            "case_mark m WHERE m.case_id = c.id AND m.kind = 'red' AND m.due_at = c.due_at) "
                            "ORDER BY c.due_at LIMIT 200"
                          : "SELECT c.id, c.state, c.due_at FROM case_item c WHERE c.state IN " RUNNING
                            " AND c.yellow_at IS NOT NULL AND c.yellow_at <= $1 AND c.due_at > $1 AND NOT "
                            "EXISTS (SELECT 1 FROM case_mark m WHERE m.case_id = c.id AND m.kind = 'yellow' "
                            "AND m.due_at = c.due_at) ORDER BY c.yellow_at LIMIT 200";
    gg_db_res_t *r;
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(x->now)), &r, err) < 0) return -1;
    int64_t ids[BATCH], dues[BATCH];
    const char *states[BATCH];
    int n = 0, step;
    while (n < BATCH && (step = gg_db_next(r, err)) == 1) {
        ids[n] = gg_db_i64(r, 0);
        states[n] = gg_strdup(a, gg_db_text(r, 1));
        dues[n] = gg_db_i64(r, 2);
        n++;
    }
    gg_db_res_free(r);
    if (n < BATCH && step < 0) return -1;
    gg_op_t op = {.c = c, .arena = a, .auth = NULL, .keys = x->keys};
    for (int i = 0; i < n; i++) {
        int64_t made = 0;
        if (gg_db_exec(c,
                       "INSERT INTO case_mark (case_id, kind, due_at, at) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT DO NOTHING",
                       GG_ARGS(GG_I64(ids[i]), GG_TEXT(kind), GG_I64(dues[i]), GG_I64(x->now)), &made,
                       err) < 0)
            return -1;
        if (made != 1) continue; /* already marked: by another run, never twice */
        gg_case_event_t e = {.case_id = ids[i],
                             .at = x->now,
                             .actor_name = "system",
                             .action = red ? "mark_red" : "mark_yellow",
                             .from_state = states[i],
                             .to_state = states[i]};
        if (gg_case_event_add(&op, &e, NULL, err) < 0 || gg_rollup_case_changed(&op, NULL, ids[i], err) < 0)
            return -1;
        if (red)
            x->red++;
        else
            x->yellow++;
    }
    return 0;
}

/* Extension requests nobody answered within case_extension_expiry_hours (0: never) are dropped: the
 * request's effect is undone by the same guarded UPDATE that makes the event, so it happens once. */
static int expire_extensions(gg_db_conn_t *c, gg_arena_t *a, run_t *x, gg_error_t *err)
{
    const char *v = NULL;
    if (gg_setting_get(c, a, "case_extension_expiry_hours", &v, err) < 0) return -1;
    long hours = v ? strtol(v, NULL, 10) : 24;
    if (hours <= 0 || hours > 24 * 365) return 0;
    int64_t before = x->now - (int64_t)hours * 3600000;
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT c.id, c.state FROM case_item c WHERE c.extension_pending = 1 AND (SELECT MAX(e.at) "
            "FROM case_event e WHERE e.case_id = c.id AND e.action = 'extend_request') <= $1 "
            "ORDER BY c.id LIMIT 200",
            GG_ARGS(GG_I64(before)), &r, err) < 0)
        return -1;
    int64_t ids[BATCH];
    const char *states[BATCH];
    int n = 0, step = 0;
    while (n < BATCH && (step = gg_db_next(r, err)) == 1) {
        ids[n] = gg_db_i64(r, 0);
        states[n] = gg_strdup(a, gg_db_text(r, 1));
        n++;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    gg_op_t op = {.c = c, .arena = a, .auth = NULL, .keys = x->keys};
    for (int i = 0; i < n; i++) {
        int64_t changed = 0;
        if (gg_db_exec(
                c,
                "UPDATE case_item SET extension_pending = 0, extension_ms = NULL, extension_reason = NULL, "
                "version = version + 1, updated_at = $2 WHERE id = $1 AND extension_pending = 1",
                GG_ARGS(GG_I64(ids[i]), GG_I64(x->now)), &changed, err) < 0)
            return -1;
        if (changed != 1) continue;
        gg_case_event_t e = {.case_id = ids[i],
                             .at = x->now,
                             .actor_name = "system",
                             .action = "extend_expire",
                             .from_state = states[i],
                             .to_state = states[i],
                             .detail = gg_sprintf(a, "{\"hours\":%ld}", hours)};
        if (gg_case_event_add(&op, &e, NULL, err) < 0) return -1;
        x->expired++;
    }
    return 0;
}

static int run_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    run_t *x = ctx;
    x->yellow = x->red = x->expired = 0;
    if (x->is_pg) {
        int64_t got = 0;
        if (gg_db_query_i64(c, "SELECT CASE WHEN pg_try_advisory_xact_lock($1) THEN 1 ELSE 0 END",
                            GG_ARGS(GG_I64(DEADLINE_LOCK_KEY)), &got, NULL, err) < 0)
            return -1;
        if (!got) return 0; /* another node runs the scheduler now */
    }
    gg_arena_t *a = gg_arena_new(0);
    int rc = mark_kind(c, a, x, "yellow", err);
    if (rc == 0) rc = mark_kind(c, a, x, "red", err);
    if (rc == 0) rc = expire_extensions(c, a, x, err);
    gg_arena_free(a);
    return rc;
}

int gg_sla_run(gg_db_conn_t *c, int is_pg, const gg_keys_t *keys, int64_t now, int *yellow, int *red,
               int *expired, gg_error_t *err)
{
    run_t x = {.keys = keys, .is_pg = is_pg, .now = now};
    int rc = gg_db_tx(c, run_tx, &x, err);
    *yellow = rc == 0 ? x.yellow : 0;
    *red = rc == 0 ? x.red : 0;
    *expired = rc == 0 ? x.expired : 0;
    return rc;
}
