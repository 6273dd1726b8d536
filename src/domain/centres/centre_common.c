/* centre_common.c — numbers, the period rule, timelines, audit and role checks of the centre areas
 * (centre_common.h). */
#include "domain/centres/centre_common.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/cases/case_number.h"
#include "domain/identity/audit.h"

int gg_centre_number_next(gg_db_conn_t *c, const char *prefix, int64_t now, char out[32], gg_error_t *err)
{
    char day[9];
    gg_case_day(now, day);
    int64_t serial = 0;
    int found = 0;
    if (gg_db_query_i64(
            c,
            "INSERT INTO centre_counter (prefix, day, last) VALUES ($1, $2, 1) "
            "ON CONFLICT (prefix, day) DO UPDATE SET last = centre_counter.last + 1 RETURNING last",
            GG_ARGS(GG_TEXT(prefix), GG_TEXT(day)), &serial, &found, err) < 0)
        return -1;
    if (!found) return gg_err_internal(err, "the centre counter gave no serial");
    snprintf(out, 32, "%.2s%.8s%06lld", prefix, day, (long long)serial);
    return 0;
}

static int weekday_workday(int64_t z)
{
    int wd = (int)(((z % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday (4); 0 = Sunday */
    return wd >= 1 && wd <= 5;
}

void gg_centre_period_end(const gg_cal_snapshot_t *cal, const char *date, int n, char out[11], int *fallback)
{
    int y, m, d, fb = 0;
    if (fallback) *fallback = 0;
    if (gg_cal_parse_date(date, &y, &m, &d) < 0) {
        out[0] = 0;
        return;
    }
    int64_t z = gg_cal_days_from_civil(y, m, d) + n;
    for (int guard = 0; guard < 60; guard++, z++) {
        gg_cal_civil_from_days(z, &y, &m, &d);
        int work = cal ? gg_cal_is_workday(cal, y, m, d, &fb) : weekday_workday(z);
        if (!cal) fb = 1;
        if (fallback && fb) *fallback = 1;
        if (work) break;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    memcpy(out, buf, 11);
    out[10] = 0;
}

int gg_centre_event(const gg_op_t *op, const char *table, const char *col, int64_t owner_id, const char *kind,
                    const char *detail_json, gg_error_t *err)
{
    const char *sql =
        gg_sprintf(op->arena, "INSERT INTO %s (%s, kind, detail, account_id, at) VALUES ($1, $2, $3, $4, $5)",
                   table, col);
    return gg_db_exec(op->c, sql,
                      GG_ARGS(GG_I64(owner_id), GG_TEXT(kind), GG_TEXT(detail_json ? detail_json : "{}"),
                              op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL,
                              GG_I64(gg_now_ms())),
                      NULL, err);
}

int gg_centre_audit(const gg_op_t *op, const char *action, const char *type, int64_t id, int64_t unit_id,
                    const char *detail_json, gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = type,
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .unit_id = unit_id,
                          .detail_json = detail_json};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

int gg_centre_role_covers(const gg_auth_t *auth, const char *role, const char *unit_path)
{
    if (!auth || !unit_path) return 0;
    for (int i = 0; i < auth->ngrants; i++)
        if (auth->grants[i].role && strcmp(auth->grants[i].role, role) == 0 &&
            gg_path_within(unit_path, auth->grants[i].unit_path))
            return 1;
    return 0;
}

int gg_centre_can_any(const gg_auth_t *auth, gg_perm_t perms, const char *path)
{
    for (int b = 0; b < GG_PERM_COUNT; b++)
        if ((perms & GG_PERM(b)) && gg_auth_can(auth, GG_PERM(b), path)) return 1;
    return 0;
}

int gg_centre_unit(const gg_op_t *op, int64_t unit_id, gg_perm_t perms, const char *field, gg_unit_t *u,
                   gg_error_t *err)
{
    int found = 0;
    if (gg_unit_by_id(op->c, op->arena, unit_id, u, &found, err) < 0) return -1;
    if (!found || !gg_centre_can_any(op->auth, perms, u->path)) {
        gg_error_set(err, 404, "not_found", field, "there is no unit %lld in your scope", (long long)unit_id);
        return -1;
    }
    return 0;
}

const char *gg_centre_json_str(gg_arena_t *a, const char *s)
{
    if (!s) return "null";
    size_t n = strlen(s);
    char *out = gg_alloc(a, n * 6 + 3), *p = out;
    *p++ = '"';
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if (*q == '"' || *q == '\\') {
            *p++ = '\\';
            *p++ = (char)*q;
        } else if (*q < 0x20) {
            p += sprintf(p, "\\u%04x", *q);
        } else {
            *p++ = (char)*q;
        }
    }
    *p++ = '"';
    *p = 0;
    return out;
}
