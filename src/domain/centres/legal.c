/* legal.c — counters, professionals, slots, appointments, the walk-in queue, consultations (legal.h). */
#include "domain/centres/legal.h"

#include <string.h>

#include "core/clock.h"
#include "domain/cases/case_number.h"
#include "domain/validate.h"

static const char *const PRO_KINDS[] = {"lawyer", "notary", "judge", "legal_adviser", NULL};

static const char *opt(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static int64_t opt_i(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

static int serve_at(const gg_op_t *op, const gg_unit_t *u, gg_error_t *err)
{
    if (gg_auth_can(op->auth, GG_P_LEGAL_SERVE, u->path)) return 0;
    gg_err_forbidden(err, "legal services of %s need legal.serve", u->name);
    return gg_error_reason(err, "forbidden");
}

int gg_legal_counter_unit(const gg_op_t *op, int64_t counter_id, const char *field, gg_unit_t *u,
                          gg_error_t *err)
{
    int64_t unit_id = 0;
    int found = 0;
    if (gg_db_query_i64(op->c, "SELECT unit_id FROM legal_counter WHERE id = $1", GG_ARGS(GG_I64(counter_id)),
                        &unit_id, &found, err) < 0)
        return -1;
    if (found && gg_unit_by_id(op->c, op->arena, unit_id, u, &found, err) < 0) return -1;
    if (!found) {
        gg_error_set(err, 404, "not_found", field, "there is no counter %lld", (long long)counter_id);
        return -1;
    }
    return 0;
}

int gg_legal_counter_create(const gg_op_t *op, int64_t unit_id, const char *name, int64_t *id,
                            gg_error_t *err)
{
    gg_unit_t u;
    if (gg_text_field(op->arena, &name, "name", 1, err) < 0) return -1;
    if (gg_centre_unit(op, unit_id, GG_P_LEGAL_SERVE, "unit_id", &u, err) < 0) return -1;
    int found;
    if (gg_db_query_i64(
            op->c, "INSERT INTO legal_counter (unit_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
            GG_ARGS(GG_I64(unit_id), GG_TEXT(name), GG_I64(gg_now_ms())), id, &found, err) < 0)
        return -1;
    return gg_centre_audit(op, "legal.counter_create", "legal_counter", *id, unit_id, NULL, err);
}

int gg_legal_counters(const gg_op_t *op, int64_t unit_id, gg_legal_counter_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    char day[9];
    gg_case_day(gg_now_ms(), day);
    if (gg_db_query(
            op->c,
            "SELECT k.id, k.unit_id, k.name, u.name, (SELECT count(*) FROM legal_professional p WHERE "
            "p.counter_id = k.id), (SELECT count(*) FROM legal_ticket t WHERE t.counter_id = k.id AND "
            "t.day = $2 AND t.status = 'waiting'), u.path "
            "FROM legal_counter k JOIN unit u ON u.id = k.unit_id WHERE ($1 = 0 OR k.unit_id = $1) "
            "ORDER BY u.path, k.id",
            GG_ARGS(GG_I64(unit_id), GG_TEXT(day)), &r, err) < 0)
        return -1;
    int cap = 64, step;
    *rows = gg_alloc(op->arena, sizeof(gg_legal_counter_t) * (size_t)cap);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1 && *n < cap) {
        gg_legal_counter_t *k = &(*rows)[(*n)++];
        k->id = gg_db_i64(r, 0);
        k->unit_id = gg_db_i64(r, 1);
        k->name = opt(op->arena, r, 2);
        k->unit_name = opt(op->arena, r, 3);
        k->professionals = gg_db_i64(r, 4);
        k->waiting = gg_db_i64(r, 5);
        k->may_serve = gg_auth_can(op->auth, GG_P_LEGAL_SERVE, gg_db_text(r, 6));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_legal_pro_create(const gg_op_t *op, const gg_legal_pro_t *in, int64_t *id, gg_error_t *err)
{
    gg_unit_t u;
    const char *name = in->name;
    if (gg_text_field(op->arena, &name, "name", 1, err) < 0) return -1;
    if (gg_choice_valid(in->kind, PRO_KINDS, "kind", err) < 0) return -1;
    if (gg_legal_counter_unit(op, in->counter_id, "counter_id", &u, err) < 0 || serve_at(op, &u, err) < 0)
        return -1;
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO legal_professional (counter_id, name, kind, org, account_id, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            GG_ARGS(GG_I64(in->counter_id), GG_TEXT(name), GG_TEXT(in->kind),
                    in->org ? GG_TEXT(in->org) : GG_NULL, in->account_id ? GG_I64(in->account_id) : GG_NULL,
                    GG_I64(gg_now_ms())),
            id, &found, err) < 0)
        return -1;
    return gg_centre_audit(op, "legal.professional_create", "legal_professional", *id, u.id, NULL, err);
}

int gg_legal_pros(const gg_op_t *op, int64_t counter_id, gg_legal_pro_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT p.id, p.counter_id, p.account_id, p.name, p.kind, p.org, k.name FROM legal_professional "
            "p "
            "JOIN legal_counter k ON k.id = p.counter_id WHERE ($1 = 0 OR p.counter_id = $1) ORDER BY p.id",
            GG_ARGS(GG_I64(counter_id)), &r, err) < 0)
        return -1;
    int cap = 200, step;
    *rows = gg_alloc(op->arena, sizeof(gg_legal_pro_t) * (size_t)cap);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1 && *n < cap) {
        gg_legal_pro_t *p = &(*rows)[(*n)++];
        p->id = gg_db_i64(r, 0);
        p->counter_id = gg_db_i64(r, 1);
        p->account_id = opt_i(r, 2);
        p->name = opt(op->arena, r, 3);
        p->kind = opt(op->arena, r, 4);
        p->org = opt(op->arena, r, 5);
        p->counter_name = opt(op->arena, r, 6);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static int pro_unit(const gg_op_t *op, int64_t pro_id, const char *field, gg_unit_t *u, gg_error_t *err)
{
    int64_t counter = 0;
    int found = 0;
    if (gg_db_query_i64(op->c, "SELECT counter_id FROM legal_professional WHERE id = $1",
                        GG_ARGS(GG_I64(pro_id)), &counter, &found, err) < 0)
        return -1;
    if (!found) {
        gg_error_set(err, 404, "not_found", field, "there is no professional %lld", (long long)pro_id);
        return -1;
    }
    return gg_legal_counter_unit(op, counter, field, u, err);
}

int gg_legal_slot_create(const gg_op_t *op, int64_t professional_id, int64_t starts_at, int64_t ends_at,
                         int64_t *id, gg_error_t *err)
{
    gg_unit_t u;
    if (pro_unit(op, professional_id, "professional_id", &u, err) < 0 || serve_at(op, &u, err) < 0) return -1;
    if (ends_at <= starts_at) {
        gg_err_invalid(err, "ends_at", "a slot ends after it starts");
        return gg_error_reason(err, "before_start");
    }
    if (ends_at - starts_at > 8LL * 3600 * 1000) {
        gg_err_invalid(err, "ends_at", "a slot lasts at most 8 hours");
        return gg_error_reason(err, "out_of_range");
    }
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO legal_slot (professional_id, starts_at, ends_at, created_at) VALUES ($1, $2, "
            "$3, $4) RETURNING id",
            GG_ARGS(GG_I64(professional_id), GG_I64(starts_at), GG_I64(ends_at), GG_I64(gg_now_ms())), id,
            &found, err) < 0) {
        if (err->http_status == 409) {
            gg_error_set(err, 409, "conflict", "starts_at", "the professional has a slot at that time");
            return gg_error_reason(err, "slot_exists");
        }
        return -1;
    }
    return 0;
}

int gg_legal_slots(const gg_op_t *op, int64_t counter_id, int64_t professional_id, int64_t from, int64_t to,
                   int only_free, gg_legal_slot_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT s.id, s.professional_id, s.starts_at, s.ends_at, p.name, p.kind, k.name, k.id, "
            "EXISTS (SELECT 1 FROM legal_appointment a WHERE a.slot_id = s.id AND a.status = 'booked') "
            "FROM legal_slot s JOIN legal_professional p ON p.id = s.professional_id "
            "JOIN legal_counter k ON k.id = p.counter_id "
            "WHERE s.starts_at >= $1 AND s.starts_at < $2 AND ($3 = 0 OR k.id = $3) AND ($4 = 0 OR "
            "p.id = $4) ORDER BY s.starts_at, s.id LIMIT 500",
            GG_ARGS(GG_I64(from), GG_I64(to), GG_I64(counter_id), GG_I64(professional_id)), &r, err) < 0)
        return -1;
    int cap = 500, step;
    *rows = gg_alloc(op->arena, sizeof(gg_legal_slot_t) * (size_t)cap);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        int booked = gg_db_i64(r, 8) != 0;
        if (only_free && booked) continue;
        gg_legal_slot_t *s = &(*rows)[(*n)++];
        s->id = gg_db_i64(r, 0);
        s->professional_id = gg_db_i64(r, 1);
        s->starts_at = gg_db_i64(r, 2);
        s->ends_at = gg_db_i64(r, 3);
        s->professional_name = opt(op->arena, r, 4);
        s->professional_kind = opt(op->arena, r, 5);
        s->counter_name = opt(op->arena, r, 6);
        s->counter_id = gg_db_i64(r, 7);
        s->booked = booked;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_legal_book(const gg_op_t *op, int64_t slot_id, const char *topic, const char *visitor_name,
                  int64_t matter_id, int64_t *id, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    if (gg_text_field(a, &topic, "topic", 1, err) < 0 ||
        gg_text_field(a, &visitor_name, "visitor_name", 0, err) < 0)
        return -1;
    int64_t pro = 0, starts = 0;
    int found = 0;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT professional_id, starts_at FROM legal_slot WHERE id = $1",
                    GG_ARGS(GG_I64(slot_id)), &r, err) < 0)
        return -1;
    if ((found = gg_db_next(r, err)) == 1) {
        pro = gg_db_i64(r, 0);
        starts = gg_db_i64(r, 1);
    }
    gg_db_res_free(r);
    if (found < 0) return -1;
    if (!found) {
        gg_error_set(err, 404, "not_found", "slot_id", "there is no slot %lld", (long long)slot_id);
        return -1;
    }
    if (starts <= gg_now_ms()) {
        gg_err_invalid(err, "slot_id", "the slot has begun or is over");
        return gg_error_reason(err, "slot_past");
    }
    gg_unit_t u;
    if (pro_unit(op, pro, "slot_id", &u, err) < 0) return -1;
    int desk = gg_auth_can(op->auth, GG_P_LEGAL_SERVE, u.path);
    if (visitor_name && !desk) {
        gg_err_forbidden(err, "only the centre's staff book for a walk-in visitor");
        return gg_error_reason(err, "forbidden");
    }
    if (!visitor_name && !gg_auth_has(op->auth, GG_P_LEGAL_BOOK_OWN)) {
        gg_err_invalid(err, "visitor_name", "a desk booking names the visitor");
        return gg_error_reason(err, "required");
    }
    /* no check for an existing booking here: the partial unique index refuses the second one */
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO legal_appointment (slot_id, account_id, visitor_name, topic, status, matter_id, "
            "created_by, created_at) VALUES ($1, $2, $3, $4, 'booked', $5, $6, $7) RETURNING id",
            GG_ARGS(GG_I64(slot_id), visitor_name ? GG_NULL : GG_I64(op->actor.account_id),
                    visitor_name ? GG_TEXT(visitor_name) : GG_NULL, GG_TEXT(topic),
                    matter_id ? GG_I64(matter_id) : GG_NULL, GG_I64(op->actor.account_id),
                    GG_I64(gg_now_ms())),
            id, &found, err) < 0) {
        if (err->http_status == 409) {
            gg_error_set(err, 409, "conflict", "slot_id", "the slot was booked by someone else");
            return gg_error_reason(err, "slot_taken");
        }
        return -1;
    }
    return gg_centre_audit(op, "legal.book", "legal_appointment", *id, u.id,
                           gg_sprintf(a, "{\"slot_id\":%lld}", (long long)slot_id), err);
}

/* A booked appointment the caller may act on (its resident, or legal.serve at its counter's unit when desk
 * is 1 — then only that); 404 for what the caller may not see, 409 wrong_state when it is not booked. */
typedef struct appt_row {
    int64_t owner, starts_at, ends_at;
    const char *status, *attendance;
    gg_unit_t unit;
} appt_row_t;

static int booked_appt(const gg_op_t *op, int64_t id, int desk, appt_row_t *x, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT a.account_id, a.status, s.professional_id, s.starts_at, s.ends_at, a.attendance FROM "
            "legal_appointment a JOIN legal_slot s ON s.id = a.slot_id WHERE a.id = $1",
            GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int found = gg_db_next(r, err);
    int64_t pro = 0;
    if (found == 1) {
        x->owner = opt_i(r, 0);
        x->status = opt(op->arena, r, 1);
        pro = gg_db_i64(r, 2);
        x->starts_at = gg_db_i64(r, 3);
        x->ends_at = gg_db_i64(r, 4);
        x->attendance = opt(op->arena, r, 5);
    }
    gg_db_res_free(r);
    if (found < 0) return -1;
    if (found && pro_unit(op, pro, "id", &x->unit, err) < 0) return -1;
    int serve = found && gg_auth_can(op->auth, GG_P_LEGAL_SERVE, x->unit.path);
    if (!found || (!serve && (desk || x->owner != op->actor.account_id))) {
        if (found && desk && x->owner == op->actor.account_id) {
            gg_err_forbidden(err, "only the centre's staff record whether the visitor came");
            return gg_error_reason(err, "forbidden");
        }
        return gg_err_not_found(err, "there is no appointment %lld", (long long)id);
    }
    if (strcmp(x->status, "booked")) {
        gg_error_set(err, 409, "wrong_state", "status", "the appointment is %s", x->status);
        return gg_error_reason(err, "wrong_state");
    }
    return 0;
}

int gg_legal_cancel(const gg_op_t *op, int64_t id, gg_error_t *err)
{
    appt_row_t x;
    if (booked_appt(op, id, 0, &x, err) < 0) return -1;
    if (gg_db_exec(op->c,
                   "UPDATE legal_appointment SET status = 'cancelled', cancelled_at = $1 WHERE id = $2",
                   GG_ARGS(GG_I64(gg_now_ms()), GG_I64(id)), NULL, err) < 0)
        return -1;
    return gg_centre_audit(op, "legal.cancel", "legal_appointment", id, x.unit.id, NULL, err);
}

static const char *const ATTENDANCE[] = {"checked_in", "no_show", NULL};

int gg_legal_attend(const gg_op_t *op, int64_t id, const char *attendance, gg_error_t *err)
{
    if (gg_choice_valid(attendance, ATTENDANCE, "attendance", err) < 0) return -1;
    appt_row_t x;
    if (booked_appt(op, id, 1, &x, err) < 0) return -1;
    if (x.attendance) {
        gg_error_set(err, 409, "wrong_state", "status", "the visit is already recorded as %s", x.attendance);
        return gg_error_reason(err, "wrong_state");
    }
    int64_t now = gg_now_ms();
    int checkin = !strcmp(attendance, "checked_in");
    /* 签到 from an hour before the slot; 爽约 only once it has begun */
    if (now < x.starts_at - (checkin ? 3600000LL : 0)) {
        gg_err_invalid(err, "attendance",
                       checkin ? "check-in opens an hour before the slot"
                               : "a visitor misses a slot once it begins");
        return gg_error_reason(err, "too_early");
    }
    if (gg_db_exec(op->c, "UPDATE legal_appointment SET attendance = $1, checked_in_at = $2 WHERE id = $3",
                   GG_ARGS(GG_TEXT(attendance), checkin ? GG_I64(now) : GG_NULL, GG_I64(id)), NULL, err) < 0)
        return -1;
    return gg_centre_audit(op, checkin ? "legal.check_in" : "legal.no_show", "legal_appointment", id,
                           x.unit.id, NULL, err);
}

int gg_legal_appointments(const gg_op_t *op, int mine, int64_t counter_id, int64_t from_ms,
                          gg_legal_appt_t **rows, int *n, gg_error_t *err)
{
    if (!mine) {
        gg_unit_t u;
        if (gg_legal_counter_unit(op, counter_id, "counter_id", &u, err) < 0 || serve_at(op, &u, err) < 0)
            return -1;
    }
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT a.id, a.slot_id, a.account_id, a.matter_id, a.created_at, s.starts_at, s.ends_at, k.id, "
            "a.visitor_name, a.topic, a.status, p.name, p.kind, k.name, a.attendance, a.checked_in_at "
            "FROM legal_appointment a "
            "JOIN legal_slot s ON s.id = a.slot_id JOIN legal_professional p ON p.id = s.professional_id "
            "JOIN legal_counter k ON k.id = p.counter_id WHERE s.starts_at >= $3 AND "
            "(($1 = 1 AND a.account_id = $2) OR ($1 = 0 AND k.id = $4)) ORDER BY s.starts_at, a.id LIMIT 500",
            GG_ARGS(GG_I64(mine), GG_I64(op->actor.account_id), GG_I64(from_ms), GG_I64(counter_id)), &r,
            err) < 0)
        return -1;
    int cap = 500, step;
    *rows = gg_alloc(op->arena, sizeof(gg_legal_appt_t) * (size_t)cap);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_legal_appt_t *x = &(*rows)[(*n)++];
        x->id = gg_db_i64(r, 0);
        x->slot_id = gg_db_i64(r, 1);
        x->account_id = opt_i(r, 2);
        x->matter_id = opt_i(r, 3);
        x->created_at = gg_db_i64(r, 4);
        x->starts_at = gg_db_i64(r, 5);
        x->ends_at = gg_db_i64(r, 6);
        x->counter_id = gg_db_i64(r, 7);
        x->visitor_name = opt(op->arena, r, 8);
        x->topic = opt(op->arena, r, 9);
        x->status = opt(op->arena, r, 10);
        x->professional_name = opt(op->arena, r, 11);
        x->professional_kind = opt(op->arena, r, 12);
        x->counter_name = opt(op->arena, r, 13);
        x->attendance = opt(op->arena, r, 14);
        x->checked_in_at = opt_i(r, 15);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static int load_ticket(const gg_op_t *op, const char *where, const gg_db_arg_t *args, int nargs,
                       gg_legal_ticket_t **rows, int *n, int cap, gg_error_t *err)
{
    gg_db_res_t *r;
    const char *sql =
        gg_sprintf(op->arena,
                   "SELECT id, counter_id, created_at, called_at, seq, day, name, status FROM legal_ticket "
                   "WHERE %s",
                   where);
    if (gg_db_query(op->c, sql, args, nargs, &r, err) < 0) return -1;
    int step;
    *rows = gg_alloc(op->arena, sizeof(gg_legal_ticket_t) * (size_t)cap);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1 && *n < cap) {
        gg_legal_ticket_t *t = &(*rows)[(*n)++];
        t->id = gg_db_i64(r, 0);
        t->counter_id = gg_db_i64(r, 1);
        t->created_at = gg_db_i64(r, 2);
        t->called_at = opt_i(r, 3);
        t->seq = (int)gg_db_i64(r, 4);
        t->day = opt(op->arena, r, 5);
        t->name = opt(op->arena, r, 6);
        t->status = opt(op->arena, r, 7);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_legal_ticket_take(const gg_op_t *op, int64_t counter_id, const char *name, gg_legal_ticket_t *out,
                         gg_error_t *err)
{
    gg_unit_t u;
    if (gg_text_field(op->arena, &name, "name", 0, err) < 0) return -1;
    if (gg_legal_counter_unit(op, counter_id, "counter_id", &u, err) < 0 || serve_at(op, &u, err) < 0)
        return -1;
    char day[9];
    gg_case_day(gg_now_ms(), day);
    int64_t id = 0;
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO legal_ticket (counter_id, day, seq, name, status, created_at) VALUES ($1, $2, "
            "(SELECT COALESCE(max(seq), 0) + 1 FROM legal_ticket WHERE counter_id = $1 AND day = $2), $3, "
            "'waiting', $4) RETURNING id",
            GG_ARGS(GG_I64(counter_id), GG_TEXT(gg_strdup(op->arena, day)), name ? GG_TEXT(name) : GG_NULL,
                    GG_I64(gg_now_ms())),
            &id, &found, err) < 0)
        return -1;
    gg_legal_ticket_t *rows;
    int n;
    if (load_ticket(op, "id = $1", GG_ARGS(GG_I64(id)), &rows, &n, 1, err) < 0) return -1;
    *out = rows[0];
    return 0;
}

int gg_legal_ticket_next(const gg_op_t *op, int64_t counter_id, gg_legal_ticket_t *out, gg_error_t *err)
{
    gg_unit_t u;
    if (gg_legal_counter_unit(op, counter_id, "counter_id", &u, err) < 0 || serve_at(op, &u, err) < 0)
        return -1;
    char day[9];
    gg_case_day(gg_now_ms(), day);
    const char *d = gg_strdup(op->arena, day);
    if (gg_db_exec(op->c,
                   "UPDATE legal_ticket SET status = 'done' WHERE counter_id = $1 AND day = $2 AND status = "
                   "'called'",
                   GG_ARGS(GG_I64(counter_id), GG_TEXT(d)), NULL, err) < 0)
        return -1;
    gg_legal_ticket_t *rows;
    int n;
    if (load_ticket(op, "counter_id = $1 AND day = $2 AND status = 'waiting' ORDER BY seq LIMIT 1",
                    GG_ARGS(GG_I64(counter_id), GG_TEXT(d)), &rows, &n, 1, err) < 0)
        return -1;
    if (!n) {
        gg_error_set(err, 404, "not_found", "counter_id", "nobody is waiting at this counter");
        return gg_error_reason(err, "queue_empty");
    }
    int64_t now = gg_now_ms();
    if (gg_db_exec(op->c, "UPDATE legal_ticket SET status = 'called', called_at = $1 WHERE id = $2",
                   GG_ARGS(GG_I64(now), GG_I64(rows[0].id)), NULL, err) < 0)
        return -1;
    *out = rows[0];
    out->status = "called";
    out->called_at = now;
    return 0;
}

int gg_legal_tickets(const gg_op_t *op, int64_t counter_id, gg_legal_ticket_t **rows, int *n, gg_error_t *err)
{
    gg_unit_t u;
    if (gg_legal_counter_unit(op, counter_id, "counter_id", &u, err) < 0) return -1;
    char day[9];
    gg_case_day(gg_now_ms(), day);
    return load_ticket(op, "counter_id = $1 AND day = $2 ORDER BY seq",
                       GG_ARGS(GG_I64(counter_id), GG_TEXT(gg_strdup(op->arena, day))), rows, n, 1000, err);
}

int gg_legal_consult_create(const gg_op_t *op, const gg_legal_consult_t *in, int64_t *id, gg_error_t *err)
{
    gg_unit_t u;
    const char *q = in->question, *adv = in->advice;
    if (gg_text_field(op->arena, &q, "question", 1, err) < 0 ||
        gg_text_field(op->arena, &adv, "advice", 1, err) < 0)
        return -1;
    if (gg_legal_counter_unit(op, in->counter_id, "counter_id", &u, err) < 0 || serve_at(op, &u, err) < 0)
        return -1;
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO legal_consultation (counter_id, professional_id, appointment_id, ticket_id, "
            "matter_id, question, advice, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
            "$9) RETURNING id",
            GG_ARGS(GG_I64(in->counter_id), in->professional_id ? GG_I64(in->professional_id) : GG_NULL,
                    in->appointment_id ? GG_I64(in->appointment_id) : GG_NULL,
                    in->ticket_id ? GG_I64(in->ticket_id) : GG_NULL,
                    in->matter_id ? GG_I64(in->matter_id) : GG_NULL, GG_TEXT(q), GG_TEXT(adv),
                    GG_I64(op->actor.account_id), GG_I64(gg_now_ms())),
            id, &found, err) < 0)
        return -1;
    if (in->appointment_id &&
        gg_db_exec(op->c, "UPDATE legal_appointment SET status = 'done' WHERE id = $1 AND status = 'booked'",
                   GG_ARGS(GG_I64(in->appointment_id)), NULL, err) < 0)
        return -1;
    return gg_centre_audit(op, "legal.consultation", "legal_consultation", *id, u.id, NULL, err);
}
