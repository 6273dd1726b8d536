/* desk.c — the mediator's desk and the failed disputes beside the measures (desk.h). */
#include "domain/mediation/desk.h"

#include <string.h>

#include "core/clock.h"
#include "domain/mediation/mediation_internal.h"
#include "domain/scope.h"
#include "domain/tree/unit.h"

static const char *read_scope(gg_op_t *op)
{
    return gg_sprintf(op->arena, "(%s OR %s)",
                      gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "d.unit_path"),
                      gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "d.origin_unit_path"));
}

int gg_mediation_desk(gg_op_t *op, gg_med_desk_t *out, gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    gg_arena_t *a = op->arena;
    int64_t now = gg_now_ms();
    gg_med_day(now, out->today);
    const int64_t day_ms = 86400000;
    int64_t start = (now + GG_CAL_UTC_OFFSET_MS) / day_ms * day_ms - GG_CAL_UTC_OFFSET_MS;
    const char *mine = "EXISTS (SELECT 1 FROM dispute_mediator x JOIN mediator y ON y.id = x.mediator_id "
                       "WHERE x.dispute_id = "
                       "d.id AND y.account_id = $3)";
    gg_db_res_t *r;
    /* today's sessions: of my disputes, or (no roster entry) of every dispute in scope */
    if (gg_db_query(
            op->c,
            gg_sprintf(a,
                       "SELECT s.id, d.id, s.at, d.number, d.title, s.place, s.held FROM dispute_session s "
                       "JOIN dispute d ON d.id = s.dispute_id WHERE d.revoked_at IS NULL AND s.at >= $1 AND "
                       "s.at < $2 AND %s AND (%s "
                       "OR NOT EXISTS (SELECT 1 FROM mediator z WHERE z.account_id = $3)) ORDER BY s.at "
                       "LIMIT 100",
                       read_scope(op), mine),
            GG_ARGS(GG_I64(start), GG_I64(start + day_ms), GG_I64(op->auth->account_id)), &r, err) < 0)
        return -1;
    out->sessions = gg_alloc(a, sizeof *out->sessions * 100);
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_med_desk_session_t *s = &out->sessions[out->nsessions++];
        s->session_id = gg_db_i64(r, 0);
        s->dispute_id = gg_db_i64(r, 1);
        s->at = gg_db_i64(r, 2);
        s->number = gg_strdup(a, gg_db_text(r, 3));
        s->title = gg_strdup(a, gg_db_text(r, 4));
        s->place = gg_strdup(a, gg_db_text(r, 5));
        s->held = (int)gg_db_i64(r, 6);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    gg_dispute_filter_t f = {.mine = 1, .state = "open"};
    gg_page_t page = {.limit = 50};
    if (gg_dispute_list(op, &f, &page, &out->mine, &out->nmine, NULL, err) < 0) return -1;
    if (gg_db_query(
            op->c,
            gg_sprintf(a,
                       "SELECT f.id, d.id, d.number, d.title, f.due_on FROM dispute_followup f JOIN dispute "
                       "d ON d.id = f.dispute_id WHERE f.result IS NULL AND f.due_on <= $1 AND %s AND (%s OR "
                       "NOT EXISTS (SELECT 1 FROM mediator z WHERE z.account_id = $3) OR $2 = '') ORDER BY "
                       "f.due_on LIMIT 100",
                       read_scope(op), mine),
            GG_ARGS(GG_TEXT(out->today), GG_TEXT("x"), GG_I64(op->auth->account_id)), &r, err) < 0)
        return -1;
    out->followups = gg_alloc(a, sizeof *out->followups * 100);
    while ((step = gg_db_next(r, err)) == 1) {
        gg_med_desk_followup_t *x = &out->followups[out->nfollowups++];
        x->followup_id = gg_db_i64(r, 0);
        x->dispute_id = gg_db_i64(r, 1);
        x->number = gg_strdup(a, gg_db_text(r, 2));
        x->title = gg_strdup(a, gg_db_text(r, 3));
        x->due_on = gg_strdup(a, gg_db_text(r, 4));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_mediation_failures(gg_op_t *op, int64_t unit_id, const char *from, const char *to, int limit,
                          gg_med_failure_t **rows, int *n, gg_error_t *err)
{
    *n = 0;
    gg_unit_t u;
    if (gg_unit_get_scoped(op->c, op->arena, op->auth, GG_P_DISPUTE_READ, unit_id, &u, err) < 0) return -1;
    const char *hi = gg_sprintf(op->arena, "%.*s0", (int)strlen(u.path) - 1, u.path);
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            gg_sprintf(op->arena,
                       "SELECT d.id, d.outcome_at, d.number, d.title, d.type, d.outcome, d.outcome_text, "
                       "x.name FROM dispute d JOIN unit x ON x.id = d.unit_id WHERE d.unit_path >= $1 AND "
                       "d.unit_path < $2 AND d.day >= $3 AND d.day <= $4 AND d.outcome IN ('failure', "
                       "'litigation') ORDER BY d.id DESC LIMIT %d",
                       limit),
            GG_ARGS(GG_TEXT(u.path), GG_TEXT(hi), GG_TEXT(from && *from ? from : "0000-00-00"),
                    GG_TEXT(to && *to ? to : "9999-99-99")),
            &r, err) < 0)
        return -1;
    *rows = gg_alloc(op->arena, sizeof **rows * (size_t)limit);
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_med_failure_t *f = &(*rows)[(*n)++];
        f->id = gg_db_i64(r, 0);
        f->outcome_at = gg_db_isnull(r, 1) ? 0 : gg_db_i64(r, 1);
        f->number = gg_strdup(op->arena, gg_db_text(r, 2));
        f->title = gg_strdup(op->arena, gg_db_text(r, 3));
        f->type = gg_strdup(op->arena, gg_db_text(r, 4));
        f->outcome = gg_strdup(op->arena, gg_db_text(r, 5));
        f->outcome_text = gg_strdup(op->arena, gg_db_text(r, 6));
        f->unit_name = gg_strdup(op->arena, gg_db_text(r, 7));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}
