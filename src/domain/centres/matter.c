/* matter.c — centres and the one window: register, route, escalate, close, track, overview (matter.h). */
#include "domain/centres/matter.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "auth/crypto.h"
#include "core/utf8.h"
#include "domain/cases/case_number.h"
#include "domain/centres/counselling.h"
#include "domain/centres/legal.h"
#include "domain/centres/petition.h"
#include "domain/mediation/dispute.h"
#include "domain/scope.h"
#include "domain/validate.h"

const char *const gg_centre_areas[] = {"command", "petition",    "legal", "mediation",
                                       "grid",    "counselling", NULL};
const char *const gg_matter_routes[] = {"mediation", "legal_aid", "consultation", "petition", "counselling",
                                        "case",      NULL};
static const char *const CENTRE_LEVELS[] = {"community", "street", "county", NULL};

static const char *opt(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

/* ---- centres ---- */

int gg_centre_save(const gg_op_t *op, const gg_centre_t *in, int64_t *id, gg_error_t *err)
{
    gg_unit_t u;
    if (gg_centre_unit(op, in->unit_id, GG_P_UNIT_MANAGE, "unit_id", &u, err) < 0) return -1;
    if (gg_choice_valid(u.level, CENTRE_LEVELS, "unit_id", err) < 0) return -1;
    const char *name = in->name ? in->name : gg_sprintf(op->arena, "%s综治中心", u.name);
    if (gg_text_field(op->arena, &name, "name", 1, err) < 0) return -1;
    /* areas: a comma list of known codes */
    const char *areas = in->areas ? in->areas : "";
    char buf[256];
    if (strlen(areas) >= sizeof buf) return gg_err_invalid(err, "areas", "too many areas");
    strcpy(buf, areas);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (gg_choice_valid(t, gg_centre_areas, "areas", err) < 0) return -1;
    int found = 0;
    if (gg_db_query_i64(op->c, "SELECT id FROM centre WHERE unit_id = $1", GG_ARGS(GG_I64(u.id)), id, &found,
                        err) < 0)
        return -1;
    if (found) {
        if (gg_db_exec(op->c,
                       "UPDATE centre SET name = $1, areas = $2, address = $3, phone = $4 WHERE id = $5",
                       GG_ARGS(GG_TEXT(name), GG_TEXT(areas), in->address ? GG_TEXT(in->address) : GG_NULL,
                               in->phone ? GG_TEXT(in->phone) : GG_NULL, GG_I64(*id)),
                       NULL, err) < 0)
            return -1;
    } else if (gg_db_query_i64(
                   op->c,
                   "INSERT INTO centre (unit_id, name, areas, address, phone, created_at) VALUES ($1, $2, "
                   "$3, $4, $5, $6) RETURNING id",
                   GG_ARGS(GG_I64(u.id), GG_TEXT(name), GG_TEXT(areas),
                           in->address ? GG_TEXT(in->address) : GG_NULL,
                           in->phone ? GG_TEXT(in->phone) : GG_NULL, GG_I64(gg_now_ms())),
                   id, &found, err) < 0) {
        return -1;
    }
    return gg_centre_audit(op, "centre.save", "centre", *id, u.id, NULL, err);
}

int gg_centre_list(const gg_op_t *op, int64_t unit_id, gg_centre_t **rows, int *n, gg_error_t *err)
{
    const char *where = gg_scope_sql(op->arena, op->auth, GG_P_UNIT_READ, "u.path");
    if (unit_id) {
        gg_unit_t u;
        if (gg_centre_unit(op, unit_id, GG_P_UNIT_READ, "unit_id", &u, err) < 0) return -1;
        where = gg_sprintf(op->arena, "%s AND u.path >= '%s' AND u.path < '%.*s0'", where, u.path,
                           (int)strlen(u.path) - 1, u.path);
    }
    gg_db_res_t *r;
    const char *sql =
        gg_sprintf(op->arena,
                   "SELECT c.id, c.unit_id, c.created_at, c.name, u.name, u.level, c.areas, c.address, "
                   "c.phone FROM centre c JOIN unit u ON u.id = c.unit_id WHERE %s ORDER BY u.path "
                   "LIMIT 500",
                   where);
    if (gg_db_query(op->c, sql, NULL, 0, &r, err) < 0) return -1;
    int step;
    *rows = gg_alloc(op->arena, sizeof(gg_centre_t) * 500);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_centre_t *c = &(*rows)[(*n)++];
        c->id = gg_db_i64(r, 0);
        c->unit_id = gg_db_i64(r, 1);
        c->created_at = gg_db_i64(r, 2);
        c->name = opt(op->arena, r, 3);
        c->unit_name = opt(op->arena, r, 4);
        c->level = opt(op->arena, r, 5);
        c->areas = opt(op->arena, r, 6);
        c->address = opt(op->arena, r, 7);
        c->phone = opt(op->arena, r, 8);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* ---- matters ---- */

/* Mask a name (first character kept) or a phone (last 4 kept). */
static const char *mask(gg_arena_t *a, const char *s, int phone)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    if (phone) return n > 4 ? gg_sprintf(a, "*******%s", s + n - 4) : "***";
    size_t first = 1;
    while (first < n && ((unsigned char)s[first] & 0xC0) == 0x80)
        first++;
    return gg_sprintf(a, "%.*s**", (int)first, s);
}

#define MCOLS                                                                                                \
    "m.id, m.unit_id, m.target_id, m.created_at, m.updated_at, m.closed_at, m.due_at, m.created_by, "        \
    "m.number, "                                                                                             \
    "u.name, u.level, u.path, m.summary, m.route, m.status, m.target_type, m.target_number, "                \
    "m.visitor_name_enc, m.visitor_phone_enc, "                                                              \
    "CASE m.target_type WHEN 'case' THEN (SELECT state FROM case_item WHERE id = m.target_id) "              \
    "WHEN 'petition' THEN (SELECT status FROM petition WHERE id = m.target_id) "                             \
    "WHEN 'appointment' THEN (SELECT status FROM legal_appointment WHERE id = m.target_id) "                 \
    "WHEN 'referral' THEN (SELECT status FROM counselling_referral WHERE id = m.target_id) "                 \
    "WHEN 'dispute' THEN (SELECT state FROM dispute WHERE id = m.target_id) END"

/* The first max characters of s (whole UTF-8 sequences). */
static const char *prefix_chars(gg_arena_t *a, const char *s, size_t max)
{
    size_t i = 0, n = strlen(s), k = 0;
    while (i < n && k < max) {
        size_t l = gg_utf8_seq((const unsigned char *)s + i, n - i);
        i += l ? l : 1;
        k++;
    }
    return gg_sprintf(a, "%.*s", (int)i, s);
}

static void read_matter(const gg_op_t *op, gg_db_res_t *r, gg_matter_t *m, int with_visitor)
{
    gg_arena_t *a = op->arena;
    memset(m, 0, sizeof *m);
    m->id = gg_db_i64(r, 0);
    m->unit_id = gg_db_i64(r, 1);
    m->target_id = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
    m->created_at = gg_db_i64(r, 3);
    m->updated_at = gg_db_i64(r, 4);
    m->closed_at = gg_db_isnull(r, 5) ? 0 : gg_db_i64(r, 5);
    m->due_at = gg_db_isnull(r, 6) ? 0 : gg_db_i64(r, 6);
    m->created_by = gg_db_isnull(r, 7) ? 0 : gg_db_i64(r, 7);
    m->number = opt(a, r, 8);
    m->unit_name = opt(a, r, 9);
    m->unit_level = opt(a, r, 10);
    m->unit_path = opt(a, r, 11);
    m->summary = opt(a, r, 12);
    m->route = opt(a, r, 13);
    m->status = opt(a, r, 14);
    m->target_type = opt(a, r, 15);
    m->target_number = opt(a, r, 16);
    if (with_visitor) {
        /* a matter routed to the petition office keeps its visitor out of sight like the petition does */
        int hide = !strcmp(m->route, "petition") && !gg_auth_can(op->auth, GG_P_PETITION_READ, m->unit_path);
        if (!gg_db_isnull(r, 17))
            m->visitor_name = hide ? "***" : mask(a, gg_pii_decrypt(op->keys, a, gg_db_text(r, 17)), 0);
        if (!gg_db_isnull(r, 18))
            m->visitor_phone = hide ? "***" : mask(a, gg_pii_decrypt(op->keys, a, gg_db_text(r, 18)), 1);
    }
    m->target_status = opt(a, r, 19);
}

/* The dispute register's field names on the matter's form: the applicant is the visitor, the type is
 * dispute_type — so a refused value is shown under the field the desk typed it in. */
static int dispute_field(gg_error_t *err)
{
    static const char *const map[][2] = {{"parties[0].name", "visitor_name"},
                                         {"parties[0].phone", "visitor_phone"},
                                         {"parties[0].id_number", "id_number"},
                                         {"type", "dispute_type"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(err->field, map[i][0])) {
            snprintf(err->field, sizeof err->field, "%s", map[i][1]);
            break;
        }
    return -1;
}

/* Route mediation: a dispute in the receiving centre's unit through the register's own creation (source
 * window, centre.intake there suffices), the visitor its applicant (encrypted by the register), the
 * matter's summary its facts. */
static int route_dispute(gg_op_t *op, const gg_case_env_t *env, const gg_matter_new_t *in, int64_t matter_id,
                         const gg_unit_t *u, int64_t *tid, const char **tnum, int64_t *due, gg_error_t *err)
{
    if (!in->visitor_name) {
        gg_err_invalid(err, "visitor_name", "a dispute names its applicant");
        return gg_error_reason(err, "required");
    }
    gg_dispute_party_new_t applicant = {.kind = "person",
                                        .role = "applicant",
                                        .name = in->visitor_name,
                                        .phone = in->visitor_phone,
                                        .id_number = in->id_number};
    gg_dispute_new_t d = {.unit_id = u->id,
                          .title = in->title ? in->title : prefix_chars(op->arena, in->summary, 30),
                          .type = in->dispute_type ? in->dispute_type : "other",
                          .summary = in->summary,
                          .source = "window",
                          .matter_id = matter_id,
                          .parties = &applicant,
                          .nparties = 1,
                          .cal = env->cal,
                          .now = env->now};
    if (gg_dispute_create(op, &d, tid, tnum, err) < 0) return dispute_field(err);
    int found;
    return gg_db_query_i64(op->c, "SELECT due_at FROM dispute WHERE id = $1", GG_ARGS(GG_I64(*tid)), due,
                           &found, err);
}

static int route_target(gg_op_t *op, const gg_case_env_t *env, const gg_matter_new_t *in, int64_t matter_id,
                        const gg_unit_t *u, const char **type, int64_t *tid, const char **tnum, int64_t *due,
                        gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    const char *r = in->route;
    *type = NULL;
    *tid = 0;
    *tnum = NULL;
    *due = 0;
    if (!strcmp(r, "case")) {
        if (!in->category_id) {
            gg_err_invalid(err, "category_id", "a matter for the case loop needs its category");
            return gg_error_reason(err, "required");
        }
        gg_case_in_t c = {.channel = "walk_in",
                          .category_id = in->category_id,
                          .description = in->summary,
                          .address = in->address,
                          .unit_id = in->unit_id,
                          .reporter_name = in->visitor_name,
                          .reporter_phone = in->visitor_phone};
        char secret[44];
        if (gg_case_in_check(&c, err) < 0 || gg_case_create(op, env, &c, tid, secret, err) < 0) return -1;
        int found;
        gg_db_res_t *res;
        if (gg_db_query(op->c, "SELECT number, due_at FROM case_item WHERE id = $1", GG_ARGS(GG_I64(*tid)),
                        &res, err) < 0)
            return -1;
        if ((found = gg_db_next(res, err)) == 1) {
            *tnum = gg_strdup(a, gg_db_text(res, 0));
            *due = gg_db_isnull(res, 1) ? 0 : gg_db_i64(res, 1);
        }
        gg_db_res_free(res);
        if (found < 0) return -1;
        *type = "case";
    } else if (!strcmp(r, "petition")) {
        gg_petition_new_t p = {.unit_id = in->unit_id,
                               .kind = in->petition_kind ? in->petition_kind : "visit",
                               .name = in->visitor_name,
                               .id_number = in->id_number,
                               .phone = in->visitor_phone,
                               .subject = in->title ? in->title : prefix_chars(a, in->summary, 30),
                               .content = in->summary,
                               .matter_id = matter_id,
                               .from_window = 1};
        if (!p.name) {
            gg_err_invalid(err, "visitor_name", "a petition names its petitioner");
            return gg_error_reason(err, "required");
        }
        if (gg_petition_create(op, env->cal, &p, tid, tnum, err) < 0) return -1;
        gg_petition_t got;
        if (gg_petition_get(op, *tid, &got, err) < 0) return -1;
        *due = gg_date_ms(got.accept_due) + 86400000LL - 1;
        *type = "petition";
    } else if (!strcmp(r, "consultation")) {
        if (in->slot_id) {
            if (gg_legal_book(op, in->slot_id, prefix_chars(a, in->summary, 100),
                              in->visitor_name ? in->visitor_name : "来访群众", matter_id, tid, err) < 0)
                return -1;
            *type = "appointment";
        }
    } else if (!strcmp(r, "counselling")) {
        if (gg_referral_create(op, u->id, matter_id, 0, in->summary, tid, err) < 0) return -1;
        *type = "referral";
    } else if (!strcmp(r, "mediation")) {
        if (route_dispute(op, env, in, matter_id, u, tid, tnum, due, err) < 0) return -1;
        *type = "dispute";
    }
    return 0;
}

int gg_matter_create(gg_op_t *op, const gg_case_env_t *env, const gg_matter_new_t *in, int64_t *id,
                     gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_matter_new_t m = *in;
    if (gg_text_field(a, &m.summary, "summary", 1, err) < 0 ||
        gg_text_field(a, &m.visitor_name, "visitor_name", 0, err) < 0 ||
        gg_text_field(a, &m.visitor_phone, "visitor_phone", 0, err) < 0)
        return -1;
    if (!m.route) {
        gg_err_invalid(err, "route", "choose where the matter goes");
        return gg_error_reason(err, "required");
    }
    if (gg_choice_valid(m.route, gg_matter_routes, "route", err) < 0) return -1;
    if (m.visitor_phone && gg_phone_valid(m.visitor_phone, "visitor_phone", err) < 0) return -1;
    gg_unit_t u;
    if (gg_centre_unit(op, m.unit_id, GG_P_CENTRE_INTAKE, "unit_id", &u, err) < 0) return -1;
    char num[32];
    int64_t now = gg_now_ms();
    int found;
    if (gg_centre_number_next(op->c, "YC", now, num, err) < 0) return -1;
    /* the visitor's tracking code, as a case reporter's: shown once, kept as a hash of number and code */
    char code[GG_CASE_CODE_LEN + 2], hash[65];
    gg_case_code_new(code);
    gg_case_code_hash(num, code, hash);
    if (in->secret) memcpy(in->secret, code, sizeof code);
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO matter (number, unit_id, visitor_name_enc, visitor_phone_enc, visitor_phone_bidx, "
            "summary, route, status, created_by, created_at, updated_at, secret_hash) VALUES ($1, $2, $3, "
            "$4, $5, $6, $7, 'routed', $8, $9, $9, $10) RETURNING id",
            GG_ARGS(GG_TEXT(num), GG_I64(u.id),
                    m.visitor_name ? GG_TEXT(gg_pii_encrypt(op->keys, a, m.visitor_name)) : GG_NULL,
                    m.visitor_phone ? GG_TEXT(gg_pii_encrypt(op->keys, a, m.visitor_phone)) : GG_NULL,
                    m.visitor_phone ? GG_TEXT(gg_pii_blind_index(op->keys, a, m.visitor_phone)) : GG_NULL,
                    GG_TEXT(m.summary), GG_TEXT(m.route), GG_I64(op->actor.account_id), GG_I64(now),
                    GG_TEXT(hash)),
            id, &found, err) < 0)
        return -1;
    if (gg_centre_event(op, "matter_event", "matter_id", *id, "registered",
                        gg_sprintf(a, "{\"unit\":%s}", gg_centre_json_str(a, u.name)), err) < 0)
        return -1;
    const char *type, *tnum;
    int64_t tid, due;
    if (route_target(op, env, &m, *id, &u, &type, &tid, &tnum, &due, err) < 0) return -1;
    if (gg_db_exec(op->c,
                   "UPDATE matter SET target_type = $1, target_id = $2, target_number = $3, due_at = $4 "
                   "WHERE id = $5",
                   GG_ARGS(type ? GG_TEXT(type) : GG_NULL, tid ? GG_I64(tid) : GG_NULL,
                           tnum ? GG_TEXT(tnum) : GG_NULL, due ? GG_I64(due) : GG_NULL, GG_I64(*id)),
                   NULL, err) < 0)
        return -1;
    if (gg_centre_event(op, "matter_event", "matter_id", *id, "routed",
                        gg_sprintf(a, "{\"route\":\"%s\",\"target_type\":%s,\"target_number\":%s}", m.route,
                                   gg_centre_json_str(a, type), gg_centre_json_str(a, tnum)),
                        err) < 0)
        return -1;
    return gg_centre_audit(op, "matter.create", "matter", *id, u.id,
                           gg_sprintf(a, "{\"number\":\"%s\",\"route\":\"%s\"}", num, m.route), err);
}

static const char *intake_scope(const gg_op_t *op)
{
    /* the desk that registered a matter keeps seeing it after it was escalated away */
    return gg_sprintf(op->arena, "(%s OR %s OR m.created_by = %lld)",
                      gg_scope_sql(op->arena, op->auth, GG_P_CENTRE_INTAKE, "u.path"),
                      gg_scope_sql(op->arena, op->auth, GG_P_DASHBOARD_READ, "u.path"),
                      (long long)(op->auth ? op->auth->account_id : 0));
}

int gg_matter_get(const gg_op_t *op, int64_t id, gg_matter_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    const char *sql = gg_sprintf(
        op->arena, "SELECT " MCOLS " FROM matter m JOIN unit u ON u.id = m.unit_id WHERE m.id = $1 AND %s",
        intake_scope(op));
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_matter(op, r, out, 1);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (!step) return gg_err_not_found(err, "there is no matter %lld", (long long)id);
    return 0;
}

int gg_matter_list(const gg_op_t *op, int64_t unit_id, const char *route, const char *status,
                   int64_t after_id, int limit, gg_matter_t **rows, int *n, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    const char *where = intake_scope(op);
    gg_db_arg_t args[4];
    int na = 0;
    if (unit_id) {
        gg_unit_t u;
        if (gg_centre_unit(op, unit_id, GG_P_CENTRE_INTAKE | GG_P_DASHBOARD_READ, "unit_id", &u, err) < 0)
            return -1;
        where = gg_sprintf(a, "%s AND u.path >= '%s' AND u.path < '%.*s0'", where, u.path,
                           (int)strlen(u.path) - 1, u.path);
    }
    if (route) {
        args[na++] = GG_TEXT(route);
        where = gg_sprintf(a, "%s AND m.route = $%d", where, na);
    }
    if (status) {
        args[na++] = GG_TEXT(status);
        where = gg_sprintf(a, "%s AND m.status = $%d", where, na);
    }
    if (after_id) {
        args[na++] = GG_I64(after_id);
        where = gg_sprintf(a, "%s AND m.id < $%d", where, na);
    }
    if (limit <= 0) limit = 50;
    const char *sql = gg_sprintf(a,
                                 "SELECT " MCOLS " FROM matter m JOIN unit u ON u.id = m.unit_id WHERE %s "
                                 "ORDER BY m.id DESC LIMIT %d",
                                 where, limit);
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, args, na, &r, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_matter_t) * (size_t)limit);
    *n = 0;
    int step;
    while ((step = gg_db_next(r, err)) == 1)
        read_matter(op, r, &(*rows)[(*n)++], 1);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_matter_events(const gg_op_t *op, int64_t id, gg_matter_event_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT e.id, e.at, e.kind, e.detail, a.username FROM matter_event e LEFT JOIN account a ON "
            "a.id = e.account_id WHERE e.matter_id = $1 ORDER BY e.id LIMIT 200",
            GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int step;
    *rows = gg_alloc(op->arena, sizeof(gg_matter_event_t) * 200);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_matter_event_t *e = &(*rows)[(*n)++];
        e->id = gg_db_i64(r, 0);
        e->at = gg_db_i64(r, 1);
        e->kind = opt(op->arena, r, 2);
        e->detail = opt(op->arena, r, 3);
        e->username = opt(op->arena, r, 4);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static int writable(const gg_op_t *op, int64_t id, gg_matter_t *m, gg_error_t *err)
{
    if (gg_matter_get(op, id, m, err) < 0) return -1;
    if (!gg_auth_can(op->auth, GG_P_CENTRE_INTAKE, m->unit_path))
        return gg_err_not_found(err, "there is no matter %lld", (long long)id);
    if (!strcmp(m->status, "closed")) {
        gg_error_set(err, 409, "wrong_state", "status", "the matter is closed");
        return gg_error_reason(err, "wrong_state");
    }
    return 0;
}

int gg_matter_escalate(const gg_op_t *op, int64_t id, const char *note, gg_error_t *err)
{
    gg_matter_t m;
    if (writable(op, id, &m, err) < 0) return -1;
    gg_unit_t u, parent;
    int found = 0;
    if (gg_unit_by_id(op->c, op->arena, m.unit_id, &u, &found, err) < 0) return -1;
    if (!strcmp(u.level, "county") || !u.parent_id) {
        gg_error_set(err, 409, "wrong_state", "id", "the county centre is the top of the three levels");
        return gg_error_reason(err, "top_level");
    }
    if (gg_unit_by_id(op->c, op->arena, u.parent_id, &parent, &found, err) < 0) return -1;
    if (gg_db_exec(op->c, "UPDATE matter SET unit_id = $1, updated_at = $2 WHERE id = $3",
                   GG_ARGS(GG_I64(parent.id), GG_I64(gg_now_ms()), GG_I64(id)), NULL, err) < 0)
        return -1;
    const char *det =
        gg_sprintf(op->arena, "{\"from\":%s,\"to\":%s,\"note\":%s}", gg_centre_json_str(op->arena, u.name),
                   gg_centre_json_str(op->arena, parent.name), gg_centre_json_str(op->arena, note));
    if (gg_centre_event(op, "matter_event", "matter_id", id, "escalated", det, err) < 0) return -1;
    return gg_centre_audit(op, "matter.escalate", "matter", id, parent.id, det, err);
}

int gg_matter_close(const gg_op_t *op, int64_t id, const char *note, gg_error_t *err)
{
    gg_matter_t m;
    if (writable(op, id, &m, err) < 0) return -1;
    int64_t now = gg_now_ms();
    if (gg_db_exec(op->c,
                   "UPDATE matter SET status = 'closed', closed_at = $1, updated_at = $1 WHERE id = $2",
                   GG_ARGS(GG_I64(now), GG_I64(id)), NULL, err) < 0)
        return -1;
    const char *det = gg_sprintf(op->arena, "{\"note\":%s}", gg_centre_json_str(op->arena, note));
    if (gg_centre_event(op, "matter_event", "matter_id", id, "closed", det, err) < 0) return -1;
    return gg_centre_audit(op, "matter.close", "matter", id, m.unit_id, det, err);
}

int gg_matter_track(const gg_op_t *op, const char *number, const char *secret, gg_matter_t *out,
                    gg_matter_event_t **ev, int *nev, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT " MCOLS ", m.secret_hash FROM matter m JOIN unit u ON u.id = m.unit_id WHERE "
                    "m.number = $1",
                    GG_ARGS(GG_TEXT(number ? number : "")), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    char hash[65] = "";
    const char *stored = NULL;
    if (step == 1) {
        read_matter(op, r, out, 0);
        stored = gg_strdup(op->arena, gg_db_text(r, gg_db_ncols(r) - 1));
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* a wrong code answers exactly as a wrong number; a matter from before codes has none and is not tracked
     */
    gg_case_code_hash(number ? number : "", secret ? secret : "", hash);
    if (step == 1 && (!stored || !hash[0] || !gg_ct_streq(hash, stored))) step = 0;
    if (!step) {
        gg_error_set(err, 404, "not_found", "number", "there is no matter with this number");
        return -1;
    }
    return gg_matter_events(op, out->id, ev, nev, err);
}

int gg_matter_overview(const gg_op_t *op, int64_t unit_id, gg_matter_stat_t **rows, int *n, gg_error_t *err)
{
    gg_unit_t u;
    if (gg_centre_unit(op, unit_id, GG_P_CENTRE_INTAKE | GG_P_DASHBOARD_READ, "unit_id", &u, err) < 0)
        return -1;
    const char *sql = gg_sprintf(
        op->arena,
        "SELECT u.level, m.route, count(*), sum(CASE WHEN m.status = 'routed' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN m.status = 'closed' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN m.status = 'routed' AND m.due_at IS NOT NULL AND m.due_at < $1 THEN 1 ELSE 0 END) "
        "FROM matter m JOIN unit u ON u.id = m.unit_id WHERE u.path >= '%s' AND u.path < '%.*s0' AND %s "
        "GROUP BY u.level, m.route ORDER BY u.level, m.route",
        u.path, (int)strlen(u.path) - 1, u.path, intake_scope(op));
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(gg_now_ms())), &r, err) < 0) return -1;
    int step;
    *rows = gg_alloc(op->arena, sizeof(gg_matter_stat_t) * 64);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1 && *n < 64) {
        gg_matter_stat_t *s = &(*rows)[(*n)++];
        s->level = opt(op->arena, r, 0);
        s->route = opt(op->arena, r, 1);
        s->received = gg_db_i64(r, 2);
        s->open = gg_db_i64(r, 3);
        s->closed = gg_db_i64(r, 4);
        s->overdue = gg_db_i64(r, 5);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}
