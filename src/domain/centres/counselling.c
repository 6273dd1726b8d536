/* counselling.c — counselling referrals, their content for the counsellor role only (counselling.h). */
#include "domain/centres/counselling.h"

#include <string.h>

#include "core/clock.h"
#include "domain/scope.h"
#include "domain/validate.h"

#define MAKE_PERMS (GG_P_CENTRE_INTAKE | GG_P_LEGAL_SERVE | GG_P_COUNSEL_MANAGE)
static const char *const STATUSES[] = {"referred", "in_progress", "closed", NULL};

int gg_referral_create(const gg_op_t *op, int64_t unit_id, int64_t matter_id, int64_t consultation_id,
                       const char *reason, int64_t *id, gg_error_t *err)
{
    gg_unit_t u;
    if (gg_text_field(op->arena, &reason, "reason", 1, err) < 0) return -1;
    if (gg_centre_unit(op, unit_id, MAKE_PERMS, "unit_id", &u, err) < 0) return -1;
    int64_t now = gg_now_ms();
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO counselling_referral (unit_id, matter_id, consultation_id, reason_enc, status, "
            "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, 'referred', $5, $6, $6) "
            "RETURNING id",
            GG_ARGS(GG_I64(u.id), matter_id ? GG_I64(matter_id) : GG_NULL,
                    consultation_id ? GG_I64(consultation_id) : GG_NULL,
                    GG_TEXT(gg_pii_encrypt(op->keys, op->arena, reason)), GG_I64(op->actor.account_id),
                    GG_I64(now)),
            id, &found, err) < 0)
        return -1;
    return gg_centre_audit(op, "counselling.refer", "counselling_referral", *id, u.id, NULL, err);
}

#define RCOLS                                                                                                \
    "r.id, r.unit_id, r.matter_id, r.consultation_id, r.counsellor_id, r.created_at, r.updated_at, u.name, " \
    "u.path, r.status, r.reason_enc, r.notes_enc"

static void read_ref(const gg_op_t *op, gg_db_res_t *r, gg_referral_t *x)
{
    memset(x, 0, sizeof *x);
    x->id = gg_db_i64(r, 0);
    x->unit_id = gg_db_i64(r, 1);
    x->matter_id = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
    x->consultation_id = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
    x->counsellor_id = gg_db_isnull(r, 4) ? 0 : gg_db_i64(r, 4);
    x->created_at = gg_db_i64(r, 5);
    x->updated_at = gg_db_i64(r, 6);
    x->unit_name = gg_strdup(op->arena, gg_db_text(r, 7));
    x->unit_path = gg_strdup(op->arena, gg_db_text(r, 8));
    x->status = gg_strdup(op->arena, gg_db_text(r, 9));
    x->content_visible = gg_centre_role_covers(op->auth, "counsellor", x->unit_path);
    if (x->content_visible) {
        x->reason = gg_db_isnull(r, 10) ? NULL : gg_pii_decrypt(op->keys, op->arena, gg_db_text(r, 10));
        x->notes = gg_db_isnull(r, 11) ? NULL : gg_pii_decrypt(op->keys, op->arena, gg_db_text(r, 11));
    }
}

static const char *scope(const gg_op_t *op)
{
    gg_arena_t *a = op->arena;
    return gg_sprintf(a, "(%s OR %s OR %s)", gg_scope_sql(a, op->auth, GG_P_CENTRE_INTAKE, "u.path"),
                      gg_scope_sql(a, op->auth, GG_P_LEGAL_SERVE, "u.path"),
                      gg_scope_sql(a, op->auth, GG_P_COUNSEL_MANAGE, "u.path"));
}

int gg_referral_list(const gg_op_t *op, int64_t unit_id, gg_referral_t **rows, int *n, gg_error_t *err)
{
    const char *where = scope(op);
    if (unit_id) {
        gg_unit_t u;
        if (gg_centre_unit(op, unit_id, MAKE_PERMS, "unit_id", &u, err) < 0) return -1;
        where = gg_sprintf(op->arena, "%s AND u.path >= '%s' AND u.path < '%.*s0'", where, u.path,
                           (int)strlen(u.path) - 1, u.path);
    }
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    gg_sprintf(op->arena,
                               "SELECT " RCOLS
                               " FROM counselling_referral r JOIN unit u ON u.id = r.unit_id WHERE %s "
                               "ORDER BY r.id DESC LIMIT 200",
                               where),
                    NULL, 0, &r, err) < 0)
        return -1;
    int step;
    *rows = gg_alloc(op->arena, sizeof(gg_referral_t) * 200);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1)
        read_ref(op, r, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_referral_get(const gg_op_t *op, int64_t id, gg_referral_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    gg_sprintf(op->arena,
                               "SELECT " RCOLS
                               " FROM counselling_referral r JOIN unit u ON u.id = r.unit_id WHERE "
                               "r.id = $1 AND %s",
                               scope(op)),
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_ref(op, r, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (!step) return gg_err_not_found(err, "there is no referral %lld", (long long)id);
    return 0;
}

int gg_referral_update(const gg_op_t *op, int64_t id, const char *status, const char *notes, gg_error_t *err)
{
    gg_referral_t x;
    if (gg_referral_get(op, id, &x, err) < 0) return -1;
    if (!x.content_visible) {
        gg_err_forbidden(err, "only the counsellor works on a referral");
        return gg_error_reason(err, "counsellor_only");
    }
    if (status && gg_choice_valid(status, STATUSES, "status", err) < 0) return -1;
    if (gg_db_exec(op->c,
                   "UPDATE counselling_referral SET status = COALESCE($1, status), notes_enc = COALESCE($2, "
                   "notes_enc), "
                   "counsellor_id = $3, updated_at = $4 WHERE id = $5",
                   GG_ARGS(status ? GG_TEXT(status) : GG_NULL,
                           notes ? GG_TEXT(gg_pii_encrypt(op->keys, op->arena, notes)) : GG_NULL,
                           GG_I64(op->actor.account_id), GG_I64(gg_now_ms()), GG_I64(id)),
                   NULL, err) < 0)
        return -1;
    return gg_centre_audit(op, "counselling.update", "counselling_referral", id, x.unit_id,
                           status ? gg_sprintf(op->arena, "{\"status\":\"%s\"}", status) : NULL, err);
}
