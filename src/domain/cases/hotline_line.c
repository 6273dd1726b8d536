/* hotline_line.c — configured hotlines (hotline_line.h). */
#include "domain/cases/hotline_line.h"

#include <string.h>

#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/setting.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"

#define COLS                                                                                                 \
    "l.id, l.unit_id, l.name, l.number, u.name, l.retired_at, l.created_at, l.updated_at, l.version "        \
    "FROM hotline_line l JOIN unit u ON u.id = l.unit_id"

static void row(gg_db_res_t *r, gg_arena_t *a, gg_hotline_line_t *o)
{
    o->id = gg_db_i64(r, 0);
    o->unit_id = gg_db_i64(r, 1);
    o->name = gg_strdup(a, gg_db_text(r, 2));
    o->number = gg_strdup(a, gg_db_text(r, 3));
    o->unit_name = gg_strdup(a, gg_db_text(r, 4));
    o->retired_at = gg_db_isnull(r, 5) ? 0 : gg_db_i64(r, 5);
    o->created_at = gg_db_i64(r, 6);
    o->updated_at = gg_db_i64(r, 7);
    o->version = (int)gg_db_i64(r, 8);
}

int gg_hotline_line_list(gg_op_t *op, int include_retired, gg_hotline_line_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    *rows = NULL;
    *n = 0;
    if (gg_db_query(op->c, "SELECT " COLS " WHERE ($1 = 1 OR l.retired_at IS NULL) ORDER BY l.number, l.id",
                    GG_ARGS(GG_I64(include_retired ? 1 : 0)), &r, err) < 0)
        return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            gg_hotline_line_t *g = gg_alloc(op->arena, sizeof *g * (size_t)cap);
            if (*n) memcpy(g, *rows, sizeof *g * (size_t)*n);
            *rows = g;
        }
        row(r, op->arena, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_hotline_line_get(gg_op_t *op, int64_t id, gg_hotline_line_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " COLS " WHERE l.id = $1", GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) row(r, op->arena, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    return step ? 0 : gg_err_not_found(err, "no hotline line %lld", (long long)id);
}

static int must_manage(gg_op_t *op, gg_error_t *err)
{
    int may;
    if (gg_settings_may_manage(op->c, op->arena, op->auth, &may, err) < 0) return -1;
    return may ? 0
               : gg_err_forbidden(err,
                                  "hotline lines are shared settings; changing them needs settings.manage");
}

static int check(gg_op_t *op, const char *name, const char *number, int64_t unit_id, gg_error_t *err)
{
    if (!name || !*name) {
        gg_err_invalid(err, "name", "a name is required");
        return gg_error_reason(err, "required");
    }
    if (!number || !*number) {
        gg_err_invalid(err, "number", "a number is required");
        return gg_error_reason(err, "required");
    }
    for (const char *p = number; *p; p++)
        if ((*p < '0' || *p > '9') && *p != '-') {
            gg_err_invalid(err, "number", "a hotline number has digits (and '-') only");
            return gg_error_reason(err, "malformed");
        }
    gg_unit_t u;
    int found = 0;
    if (gg_unit_by_id(op->c, op->arena, unit_id, &u, &found, err) < 0) return -1;
    if (!found || u.retired_at) {
        gg_err_invalid(err, "unit_id", "no such unit");
        return gg_error_reason(err, "not_found");
    }
    return 0;
}

static int audit(gg_op_t *op, const char *action, int64_t id, int64_t unit_id, const char *number,
                 gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = "hotline_line",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .unit_id = unit_id,
                          .detail_json = gg_sprintf(op->arena, "{\"number\":\"%s\"}", number)};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

int gg_hotline_line_create(gg_op_t *op, const gg_hotline_line_t *in, int64_t *id, gg_error_t *err)
{
    if (must_manage(op, err) < 0 || check(op, in->name, in->number, in->unit_id, err) < 0) return -1;
    int64_t now = gg_now_ms();
    int found;
    if (gg_db_query_i64(op->c,
                        "INSERT INTO hotline_line (name, number, unit_id, created_at, updated_at) "
                        "VALUES ($1, $2, $3, $4, $4) RETURNING id",
                        GG_ARGS(GG_TEXT(in->name), GG_TEXT(in->number), GG_I64(in->unit_id), GG_I64(now)), id,
                        &found, err) < 0)
        return -1;
    return audit(op, "hotline_line.create", *id, in->unit_id, in->number, err);
}

int gg_hotline_line_update(gg_op_t *op, int64_t id, const char *name, const char *number, int64_t unit_id,
                           int retire, int version, gg_error_t *err)
{
    if (must_manage(op, err) < 0) return -1;
    gg_hotline_line_t cur;
    if (gg_hotline_line_get(op, id, &cur, err) < 0) return -1;
    if (version && version != cur.version) {
        gg_error_set(err, 409, "version_conflict", "version", "the line was changed meanwhile (version %d)",
                     cur.version);
        return -409;
    }
    name = name ? name : cur.name;
    number = number ? number : cur.number;
    unit_id = unit_id ? unit_id : cur.unit_id;
    if (check(op, name, number, unit_id, err) < 0) return -1;
    int64_t now = gg_now_ms();
    int64_t retired = retire < 0 ? cur.retired_at : retire ? (cur.retired_at ? cur.retired_at : now) : 0;
    if (gg_db_exec(
            op->c,
            "UPDATE hotline_line SET name = $2, number = $3, unit_id = $4, retired_at = $5, updated_at = $6, "
            "version = version + 1 WHERE id = $1",
            GG_ARGS(GG_I64(id), GG_TEXT(name), GG_TEXT(number), GG_I64(unit_id),
                    retired ? GG_I64(retired) : GG_NULL, GG_I64(now)),
            NULL, err) < 0)
        return -1;
    return audit(op, "hotline_line.update", id, unit_id, number, err);
}

int gg_hotline_line_seed(gg_db_conn_t *c, const char *name, const char *number, int64_t unit_id,
                         gg_error_t *err)
{
    int64_t id;
    int found;
    if (gg_db_query_i64(c, "SELECT id FROM hotline_line WHERE number = $1 AND unit_id = $2",
                        GG_ARGS(GG_TEXT(number), GG_I64(unit_id)), &id, &found, err) < 0)
        return -1;
    if (found) return 0;
    int64_t now = gg_now_ms();
    return gg_db_exec(c,
                      "INSERT INTO hotline_line (name, number, unit_id, created_at, updated_at) VALUES ($1, "
                      "$2, $3, $4, $4)",
                      GG_ARGS(GG_TEXT(name), GG_TEXT(number), GG_I64(unit_id), GG_I64(now)), NULL, err);
}
