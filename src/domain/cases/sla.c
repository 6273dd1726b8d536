/* sla.c — yellow and red marks, once each, on one node at a time (sla.h). */
#include "domain/cases/sla.h"

#include <stdlib.h>
#include <string.h>

#include "domain/cases/case.h"
#include "domain/cases/transition.h"
#include "domain/measures/rollup.h"
#include "domain/op.h"
#include "domain/setting.h"

#define DEADLINE_LOCK_KEY 74121905 /* pg_try_advisory_xact_lock key of the scheduler */
#define RUNNING "('registered', 'dispatched', 'in_progress', 'awaiting_verification')"
#define BATCH 200

typedef struct {
    const gg_keys_t *keys;
    const gg_cal_snapshot_t *cal; /* NULL: wall-clock hours */
    int is_pg;
    int64_t now;
    int yellow, red, expired, reminded, escalated;
} run_t;

/* Working time from since to now (the calendar's office hours; wall time without a calendar).  Never more
 * than the wall time, so a query may first narrow to rows whose wall time is enough. */
static int64_t working_since(const run_t *x, int64_t since)
{
    if (!x->cal) return x->now - since;
    int fallback = 0;
    return gg_cal_working_ms(x->cal, since, x->now, &fallback);
}

/* A whole number of hours from app_setting key (def when unset or not a number in 0..max). */
static int setting_hours(gg_db_conn_t *c, gg_arena_t *a, const char *key, long def, long *out,
                         gg_error_t *err)
{
    const char *v = NULL;
    if (gg_setting_get(c, a, key, &v, err) < 0) return -1;
    char *end = NULL;
    long h = v ? strtol(v, &end, 10) : def;
    *out = v && (end == v || *end || h < 0 || h > 24 * 365) ? def : h;
    return 0;
}

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
        /* Lock the case and check again that it still runs to the same deadline: a transition committing
         * meanwhile (closed, extended …) must not be marked from the state read above, and on PostgreSQL the
         * rollup upkeep below must not compute the case's facts beside a concurrent writer's (it would
         * write a stale contribution after that writer's — the random-workload test caught it). */
        if (gg_db_exec(c,
                       "UPDATE case_item SET version = version WHERE id = $1 AND state IN " RUNNING
                       " AND due_at = $2",
                       GG_ARGS(GG_I64(ids[i]), GG_I64(dues[i])), &made, err) < 0)
            return -1;
        if (made != 1) continue;
        made = 0;
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
    long hours;
    if (setting_hours(c, a, "case_extension_expiry_hours", 8, &hours, err) < 0) return -1;
    if (hours <= 0) return 0;
    int64_t span = (int64_t)hours * 3600000;
    /* office hours count, not the night or the weekend: the wall time narrows (it is never less than the
     * working time), the calendar decides; oldest request first, so the first too young ends the batch */
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT p.id, p.state, p.asked FROM (SELECT c.id, c.state, (SELECT MAX(e.at) FROM case_event "
            "e WHERE e.case_id = c.id AND e.action = 'extend_request') AS asked FROM case_item c WHERE "
            "c.extension_pending = 1) p WHERE p.asked <= $1 ORDER BY p.asked, p.id LIMIT 200",
            GG_ARGS(GG_I64(x->now - span)), &r, err) < 0)
        return -1;
    int64_t ids[BATCH];
    const char *states[BATCH];
    int n = 0, step = 0;
    while (n < BATCH && (step = gg_db_next(r, err)) == 1) {
        if (working_since(x, gg_db_i64(r, 2)) < span) break;
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
        gg_case_event_t e = {
            .case_id = ids[i],
            .at = x->now,
            .actor_name = "system",
            .action = "extend_expire",
            .from_state = states[i],
            .to_state = states[i],
            .detail = gg_sprintf(a, "{\"hours\":%ld,\"working\":%s}", hours, x->cal ? "true" : "false")};
        if (gg_case_event_add(&op, &e, NULL, err) < 0) return -1;
        x->expired++;
    }
    return 0;
}

typedef struct escalate {
    gg_op_t *op;
    int64_t id;
    const gg_cal_snapshot_t *cal;
} escalate_t;

static int escalate_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    (void)c;
    escalate_t *x = ctx;
    gg_case_act_in_t in = {.reason = "超期未办理，系统自动上报上级", .cal = x->cal};
    return gg_case_act_system(x->op, x->id, "escalate", &in, err);
}

/* Running cases overdue by at least case_overdue_reminder_hours of working time (or, with escalate, open
 * cases overdue by case_escalate_after_overdue_hours that nobody acted on since due_at and whose owner is
 * below the county), each once per deadline: a case_sla_step row (case_id, kind, due_at) made with ON
 * CONFLICT DO NOTHING decides, as case_mark does for the marks. */
static int overdue_steps(gg_db_conn_t *c, gg_arena_t *a, run_t *x, int escalate, gg_error_t *err)
{
    long hours;
    if (setting_hours(c, a, escalate ? "case_escalate_after_overdue_hours" : "case_overdue_reminder_hours", 0,
                      &hours, err) < 0)
        return -1;
    if (hours <= 0) return 0;
    int64_t span = (int64_t)hours * 3600000;
    const char *kind = escalate ? "escalate" : "remind";
    const char *sql =
        escalate
            ? "SELECT c.id, c.state, c.due_at FROM case_item c JOIN unit ou ON ou.id = c.owner_unit_id WHERE "
              "c.state IN ('registered', 'dispatched', 'in_progress') AND c.due_at IS NOT NULL AND c.due_at "
              "<= "
              "$1 AND ou.level IN ('community', 'street') AND NOT EXISTS (SELECT 1 FROM case_sla_step m "
              "WHERE "
              "m.case_id = c.id AND m.kind = 'escalate' AND m.due_at = c.due_at) AND NOT EXISTS (SELECT 1 "
              "FROM "
              "case_event e WHERE e.case_id = c.id AND e.at > c.due_at AND e.account_id IS NOT NULL) "
              "ORDER BY c.due_at, c.id LIMIT 200"
            : "SELECT c.id, c.state, c.due_at FROM case_item c WHERE c.state IN " RUNNING
              " AND c.due_at IS NOT NULL AND c.due_at <= $1 AND NOT EXISTS (SELECT 1 FROM case_sla_step m "
              "WHERE "
              "m.case_id = c.id AND m.kind = 'remind' AND m.due_at = c.due_at) ORDER BY c.due_at, c.id LIMIT "
              "200";
    gg_db_res_t *r;
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(x->now - span)), &r, err) < 0) return -1;
    int64_t ids[BATCH], dues[BATCH];
    const char *states[BATCH];
    int n = 0, step = 0;
    while (n < BATCH && (step = gg_db_next(r, err)) == 1) {
        int64_t due = gg_db_i64(r, 2);
        if (working_since(x, due) < span) break; /* later deadlines have had less working time still */
        ids[n] = gg_db_i64(r, 0);
        states[n] = gg_strdup(a, gg_db_text(r, 1));
        dues[n] = due;
        n++;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    gg_op_t op = {.c = c, .arena = a, .auth = NULL, .keys = x->keys};
    for (int i = 0; i < n; i++) {
        int64_t made = 0;
        if (gg_db_exec(c,
                       "INSERT INTO case_sla_step (case_id, kind, due_at, at) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT DO NOTHING",
                       GG_ARGS(GG_I64(ids[i]), GG_TEXT(kind), GG_I64(dues[i]), GG_I64(x->now)), &made,
                       err) < 0)
            return -1;
        if (made != 1) continue; /* done already: by another run, never twice */
        if (!escalate) {
            gg_case_event_t e = {
                .case_id = ids[i],
                .at = x->now,
                .actor_name = "system",
                .action = "remind_overdue",
                .from_state = states[i],
                .to_state = states[i],
                .detail = gg_sprintf(a, "{\"hours\":%ld,\"due_at\":%lld}", hours, (long long)dues[i])};
            if (gg_case_event_add(&op, &e, NULL, err) < 0) return -1;
            x->reminded++;
            continue;
        }
        /* the escalate step of the workflow (owner one level up, tasks withdrawn, back to registered), as
         * the owner's dispatcher would take it; its refusals come before any write, so a refused one (a
         * case that changed under the query) is only skipped — its step row keeps it from coming back */
        escalate_t one = {&op, ids[i], x->cal};
        gg_error_t why = {0};
        int rc =
            x->cal ? gg_db_tx(c, escalate_tx, &one, &why) : 0; /* a savepoint: a refusal leaves nothing */
        if (rc < 0 && why.http_status >= 500) {
            if (err) *err = why;
            return -1;
        }
        if (rc == 0 && x->cal) x->escalated++;
    }
    return 0;
}

static int run_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    run_t *x = ctx;
    x->yellow = x->red = x->expired = x->reminded = x->escalated = 0;
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
    if (rc == 0) rc = overdue_steps(c, a, x, 0, err);
    if (rc == 0) rc = overdue_steps(c, a, x, 1, err);
    gg_arena_free(a);
    return rc;
}

int gg_sla_run(gg_db_conn_t *c, int is_pg, const gg_keys_t *keys, const gg_cal_snapshot_t *cal, int64_t now,
               gg_sla_counts_t *out, gg_error_t *err)
{
    run_t x = {.keys = keys, .cal = cal, .is_pg = is_pg, .now = now};
    int rc = gg_db_tx(c, run_tx, &x, err);
    *out = rc == 0 ? (gg_sla_counts_t){x.yellow, x.red, x.expired, x.reminded, x.escalated}
                   : (gg_sla_counts_t){0};
    return rc;
}
