/* roster.c — mediators and mediation committees, with workload and success rate (roster.h). */
#include "domain/mediation/roster.h"

#include <string.h>

#include "auth/crypto.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "domain/identity/audit.h"
#include "domain/scope.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"

static const char *const committee_kinds[] = {"people", "industry", NULL};
static const char *const mediator_kinds[] = {
    "people_mediator", "lawyer", "legal_adviser", "retired_judge", "veteran_party_member", "other", NULL};

static int manage_unit(gg_op_t *op, int64_t unit_id, gg_unit_t *u, gg_error_t *err)
{
    if (unit_id <= 0) {
        gg_err_invalid(err, "unit_id", "unit_id is required");
        return gg_error_reason(err, "required");
    }
    if (gg_unit_get_scoped(op->c, op->arena, op->auth, GG_P_DISPUTE_READ, unit_id, u, err) < 0) {
        if (err->http_status != 404) return -1;
        gg_err_invalid(err, "unit_id", "no such unit");
        return gg_error_reason(err, "not_found");
    }
    if (!gg_auth_can(op->auth, GG_P_DISPUTE_MANAGE, u->path)) {
        gg_err_forbidden(err, "you may not keep the mediation roster of %s", u->name);
        return gg_error_reason(err, "not_allowed");
    }
    return 0;
}

static int audit(gg_op_t *op, const char *action, const char *type, int64_t id, int64_t unit_id,
                 gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = type,
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .unit_id = unit_id,
                          .detail_json = "{}"};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

static int name_ok(gg_arena_t *a, const char **s, gg_error_t *err)
{
    if (gg_text_field(a, s, "name", 1, err) < 0) return -1;
    if (gg_utf8_len(*s) > 100) {
        gg_err_invalid(err, "name", "name has at most 100 characters");
        return gg_error_limits(err, "too_long", 1, 1, 1, 100);
    }
    return 0;
}

int gg_committee_create(gg_op_t *op, const gg_committee_t *in, int64_t *id, gg_error_t *err)
{
    const char *name = in->name;
    if (name_ok(op->arena, &name, err) < 0) return -1;
    const char *kind = in->kind && *in->kind ? in->kind : "people";
    if (gg_choice_valid(kind, committee_kinds, "kind", err) < 0) return -1;
    gg_unit_t u;
    if (manage_unit(op, in->unit_id, &u, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO mediation_committee (name, kind, speciality, unit_id, unit_path, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            GG_ARGS(GG_TEXT(name), GG_TEXT(kind),
                    GG_TEXT(in->speciality && *in->speciality ? in->speciality : NULL), GG_I64(u.id),
                    GG_TEXT(u.path), GG_I64(gg_now_ms())),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step < 0) return -1;
    return audit(op, "committee.create", "mediation_committee", *id, u.id, err);
}

/* Entries in scope, or of a unit above a unit in scope (the path is a prefix of a granted path). */
static const char *visible(gg_op_t *op, const char *col)
{
    const char *s = gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, col);
    for (int i = 0; i < op->auth->ngrants; i++) {
        const gg_grant_t *g = &op->auth->grants[i];
        if (!(g->perms & GG_P_DISPUTE_READ) || !gg_unit_path_valid(g->unit_path)) continue;
        s = gg_sprintf(op->arena, "%s OR substr('%s', 1, length(%s)) = %s", s, g->unit_path, col, col);
    }
    return gg_sprintf(op->arena, "(%s)", s);
}

int gg_committee_list(gg_op_t *op, int64_t unit_id, gg_committee_t **rows, int *n, gg_error_t *err)
{
    const char *where = visible(op, "c.unit_path");
    gg_db_arg_t args[2];
    int na = 0;
    if (unit_id > 0) {
        gg_unit_t u;
        if (gg_unit_get_scoped(op->c, op->arena, op->auth, GG_P_DISPUTE_READ, unit_id, &u, err) < 0)
            return -1;
        args[na++] = GG_TEXT(u.path);
        where = gg_sprintf(op->arena,
                           "%s AND (substr($1, 1, length(c.unit_path)) = c.unit_path OR "
                           "substr(c.unit_path, 1, length($1)) = $1)",
                           where);
    }
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            gg_sprintf(op->arena,
                       "SELECT c.id, c.unit_id, c.name, c.kind, c.speciality, u.name, u.level, (SELECT "
                       "COUNT(*) FROM mediator_committee x WHERE x.committee_id = c.id) FROM "
                       "mediation_committee c JOIN unit u ON u.id = c.unit_id WHERE %s ORDER BY "
                       "length(c.unit_path), c.kind DESC, c.name LIMIT 500",
                       where),
            args, na, &r, err) < 0)
        return -1;
    *rows = gg_alloc(op->arena, sizeof **rows * 500);
    *n = 0;
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_committee_t *c = &(*rows)[(*n)++];
        c->id = gg_db_i64(r, 0);
        c->unit_id = gg_db_i64(r, 1);
        c->name = gg_strdup(op->arena, gg_db_text(r, 2));
        c->kind = gg_strdup(op->arena, gg_db_text(r, 3));
        c->speciality = gg_strdup(op->arena, gg_db_text(r, 4));
        c->unit_name = gg_strdup(op->arena, gg_db_text(r, 5));
        c->unit_level = gg_strdup(op->arena, gg_db_text(r, 6));
        c->members = gg_db_i64(r, 7);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_mediator_create(gg_op_t *op, const gg_mediator_new_t *in, int64_t *id, gg_error_t *err)
{
    const char *name = in->name;
    if (name_ok(op->arena, &name, err) < 0) return -1;
    const char *kind = in->kind && *in->kind ? in->kind : "people_mediator";
    if (gg_choice_valid(kind, mediator_kinds, "kind", err) < 0) return -1;
    if (in->phone && *in->phone && gg_phone_valid(in->phone, "phone", err) < 0)
        return gg_error_reason(err, "malformed");
    gg_unit_t u;
    if (manage_unit(op, in->unit_id, &u, err) < 0) return -1;
    int64_t one;
    int found;
    if (in->account_id > 0) {
        if (gg_db_query_i64(op->c, "SELECT 1 FROM account WHERE id = $1", GG_ARGS(GG_I64(in->account_id)),
                            &one, &found, err) < 0)
            return -1;
        if (!found) {
            gg_err_invalid(err, "account_id", "no such account");
            return gg_error_reason(err, "not_found");
        }
    }
    if (in->resident_id > 0) {
        if (gg_db_query_i64(op->c, "SELECT 1 FROM resident WHERE id = $1", GG_ARGS(GG_I64(in->resident_id)),
                            &one, &found, err) < 0)
            return -1;
        if (!found) {
            gg_err_invalid(err, "resident_id", "no such resident");
            return gg_error_reason(err, "not_found");
        }
    }
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO mediator (name, kind, specialities, phone_enc, account_id, resident_id, unit_id, "
            "unit_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            GG_ARGS(GG_TEXT(name), GG_TEXT(kind), GG_TEXT(in->specialities ? in->specialities : ""),
                    GG_TEXT(in->phone && *in->phone ? gg_pii_encrypt(op->keys, op->arena, in->phone) : NULL),
                    in->account_id > 0 ? GG_I64(in->account_id) : GG_NULL,
                    in->resident_id > 0 ? GG_I64(in->resident_id) : GG_NULL, GG_I64(u.id), GG_TEXT(u.path),
                    GG_I64(gg_now_ms())),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step < 0) return -1;
    for (int i = 0; i < in->ncommittees; i++) {
        const char *sql = gg_sprintf(op->arena, "SELECT 1 FROM mediation_committee c WHERE c.id = $1 AND %s",
                                     visible(op, "c.unit_path"));
        if (gg_db_query_i64(op->c, sql, GG_ARGS(GG_I64(in->committee_ids[i])), &one, &found, err) < 0)
            return -1;
        if (!found) {
            gg_err_invalid(err, gg_sprintf(op->arena, "committee_ids[%d]", i), "no such committee");
            return gg_error_reason(err, "not_found");
        }
        if (gg_db_exec(
                op->c,
                "INSERT INTO mediator_committee (mediator_id, committee_id) VALUES ($1, $2) ON CONFLICT "
                "DO NOTHING",
                GG_ARGS(GG_I64(*id), GG_I64(in->committee_ids[i])), NULL, err) < 0)
            return -1;
    }
    return audit(op, "mediator.create", "mediator", *id, u.id, err);
}

#define MEDIATOR_COLS                                                                                        \
    "m.id, m.unit_id, m.account_id, m.resident_id, m.name, m.kind, m.specialities, u.name, m.phone_enc, "    \
    "m.retired_at, m.created_at, "                                                                           \
    "(SELECT COUNT(*) FROM dispute_mediator x JOIN dispute d ON d.id = x.dispute_id WHERE x.mediator_id = "  \
    "m.id AND d.state <> 'closed'), "                                                                        \
    "(SELECT COUNT(*) FROM dispute_mediator x WHERE x.mediator_id = m.id), "                                 \
    "(SELECT COUNT(*) FROM dispute d WHERE d.lead_mediator_id = m.id AND d.outcome IN ('success', "          \
    "'failure', "                                                                                            \
    "'litigation')), "                                                                                       \
    "(SELECT COUNT(*) FROM dispute d WHERE d.lead_mediator_id = m.id AND d.outcome = 'success') "            \
    "FROM mediator m JOIN unit u ON u.id = m.unit_id "

static int read_mediators(gg_op_t *op, gg_db_res_t *r, gg_mediator_t **rows, int *n, int cap, gg_error_t *err)
{
    *rows = gg_alloc(op->arena, sizeof **rows * (size_t)cap);
    *n = 0;
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < cap) {
        gg_mediator_t *m = &(*rows)[(*n)++];
        memset(m, 0, sizeof *m);
        m->id = gg_db_i64(r, 0);
        m->unit_id = gg_db_i64(r, 1);
        m->account_id = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
        m->resident_id = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
        m->name = gg_strdup(op->arena, gg_db_text(r, 4));
        m->kind = gg_strdup(op->arena, gg_db_text(r, 5));
        m->specialities = gg_strdup(op->arena, gg_db_text(r, 6));
        m->unit_name = gg_strdup(op->arena, gg_db_text(r, 7));
        m->phone = gg_db_text(r, 8) ? gg_pii_decrypt(op->keys, op->arena, gg_db_text(r, 8)) : NULL;
        m->retired_at = gg_db_isnull(r, 9) ? 0 : gg_db_i64(r, 9);
        m->created_at = gg_db_i64(r, 10);
        m->open = gg_db_i64(r, 11);
        m->assigned = gg_db_i64(r, 12);
        m->mediated = gg_db_i64(r, 13);
        m->success = gg_db_i64(r, 14);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* committees */
    for (int i = 0; i < *n; i++) {
        gg_mediator_t *m = &(*rows)[i];
        gg_db_res_t *q;
        if (gg_db_query(op->c,
                        "SELECT c.id, c.name FROM mediator_committee x JOIN mediation_committee c ON c.id = "
                        "x.committee_id WHERE x.mediator_id = $1 ORDER BY c.id LIMIT 16",
                        GG_ARGS(GG_I64(m->id)), &q, err) < 0)
            return -1;
        m->committee_ids = gg_alloc(op->arena, sizeof(int64_t) * 16);
        m->committee_names = gg_alloc(op->arena, sizeof(char *) * 16);
        while ((step = gg_db_next(q, err)) == 1) {
            m->committee_ids[m->ncommittees] = gg_db_i64(q, 0);
            m->committee_names[m->ncommittees++] = gg_strdup(op->arena, gg_db_text(q, 1));
        }
        gg_db_res_free(q);
        if (step < 0) return -1;
    }
    return 0;
}

int gg_mediator_list(gg_op_t *op, int64_t unit_id, int64_t account_id, gg_mediator_t **rows, int *n,
                     gg_error_t *err)
{
    const char *where = visible(op, "m.unit_path");
    gg_db_arg_t args[2];
    int na = 0;
    if (unit_id > 0) {
        gg_unit_t u;
        if (gg_unit_get_scoped(op->c, op->arena, op->auth, GG_P_DISPUTE_READ, unit_id, &u, err) < 0)
            return -1;
        args[na++] = GG_TEXT(u.path);
        where =
            gg_sprintf(op->arena,
                       "%s AND (substr($1, 1, length(m.unit_path)) = m.unit_path OR substr(m.unit_path, 1, "
                       "length($1)) = $1)",
                       where);
    }
    if (account_id > 0) {
        args[na] = GG_I64(account_id);
        na++;
        where = gg_sprintf(op->arena, "%s AND m.account_id = $%d", where, na);
    }
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    gg_sprintf(op->arena,
                               "SELECT " MEDIATOR_COLS "WHERE %s AND m.retired_at IS NULL ORDER BY "
                               "length(m.unit_path), m.name LIMIT 500",
                               where),
                    args, na, &r, err) < 0)
        return -1;
    return read_mediators(op, r, rows, n, 500, err);
}

int gg_mediator_get(gg_op_t *op, int64_t id, gg_mediator_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    gg_sprintf(op->arena, "SELECT " MEDIATOR_COLS "WHERE m.id = $1 AND %s",
                               visible(op, "m.unit_path")),
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    gg_mediator_t *rows;
    int n;
    if (read_mediators(op, r, &rows, &n, 1, err) < 0) return -1;
    if (n == 0) return gg_err_not_found(err, "no such mediator");
    *out = rows[0];
    return 0;
}

int gg_mediator_self(gg_op_t *op, int64_t unit_id, int64_t *id, gg_error_t *err)
{
    int found = 0;
    if (gg_db_query_i64(op->c,
                        "SELECT id FROM mediator WHERE account_id = $1 AND retired_at IS NULL ORDER BY id",
                        GG_ARGS(GG_I64(op->auth->account_id)), id, &found, err) < 0)
        return -1;
    if (found) return 0;
    gg_mediator_new_t in = {.unit_id = unit_id,
                            .account_id = op->auth->account_id,
                            .name = op->auth->display_name ? op->auth->display_name : op->auth->username,
                            .kind = "people_mediator"};
    return gg_mediator_create(op, &in, id, err);
}
