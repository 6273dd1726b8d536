/* dispute_edit.c — editing the register (dispute.h "editing the register"): a dispute's items and its
 * parties changed before it is concluded, parties added and removed before the first session held, 撤销 of
 * a dispute registered by mistake, and the audited reveal of one party's ID number and phone.  Each write is
 * a step of mediation_work.c's kind (gg_med_begin/gg_med_finish): one transaction with the rollup, the
 * timeline and the audit row.  The timeline says which items changed — a party's ID number or phone by
 * name only, never the value: the timeline is read by everyone who reads the dispute. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/mediation/dispute.h"
#include "domain/mediation/mediation_internal.h"
#include "domain/scope.h"
#include "domain/validate.h"

static int version_ok(const gg_med_row_t *row, int version, gg_error_t *err)
{
    if (version == row->version) return 0;
    return gg_error_set(err, 409, "version_conflict", "version",
                        "dispute %s was changed by someone else (version %d, you sent %d); reload and retry",
                        row->number, row->version, version);
}

static const char *dumps(gg_arena_t *a, json_t *j)
{
    char *t = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    const char *out = gg_strdup(a, t);
    free(t);
    return out;
}

/* ---- the register items ---- */

typedef struct item {
    const char *name;
    const char **value; /* the edit's (NULL: unchanged) */
    int optional, max;
    const char *const *choices;
    int quiet; /* long text: the timeline names it without its values */
} item_t;

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

int gg_dispute_update(gg_op_t *op, int64_t id, int version, const gg_dispute_edit_t *in0,
                      const gg_dispute_party_edit_t *parties, int nparties, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_dispute_edit_t in = *in0;
    item_t items[] = {
        {"title", &in.title, 0, 100, NULL, 0},
        {"type", &in.type, 0, 32, gg_dispute_types, 0},
        {"summary", &in.summary, 0, 5000, NULL, 1},
        {"occurred_on", &in.occurred_on, 1, 10, NULL, 0},
        {"place", &in.place, 1, 200, NULL, 0},
        {"scale", &in.scale, 0, 16, gg_med_scales, 0},
        {"risk_level", &in.risk_level, 0, 16, gg_med_risks, 0},
        {"units_involved", &in.units_involved, 1, 500, NULL, 0},
        {"responsible_org", &in.responsible_org, 1, 100, NULL, 0},
        {"referral_from", &in.referral_from, 1, 100, NULL, 0},
    };
    const int nitems = (int)(sizeof items / sizeof items[0]);
    for (int k = 0; k < nitems; k++) {
        item_t *it = &items[k];
        if (!*it->value) continue;
        if (gg_med_text(a, it->value, it->name, !it->optional, it->max, err) < 0) return -1;
        if (it->choices && gg_choice_valid(*it->value, it->choices, it->name, err) < 0) return -1;
        if (!strcmp(it->name, "occurred_on") && *it->value &&
            gg_date_valid(*it->value, "occurred_on", err) < 0)
            return gg_error_reason(err, "malformed");
    }
    if (nparties > GG_DISPUTE_MAX_PARTIES) {
        gg_err_invalid(err, "parties", "at most %d parties", GG_DISPUTE_MAX_PARTIES);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_DISPUTE_MAX_PARTIES);
    }
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 1, &row, &before, err) < 0 || version_ok(&row, version, err) < 0) return -1;

    /* the items now */
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT title, type, summary, occurred_on, place, scale, risk_level, units_involved, "
                    "responsible_org, referral_from, people_count FROM dispute WHERE id = $1",
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    const char *cur[10] = {0};
    int64_t people = 0;
    int step = gg_db_next(r, err);
    if (step == 1) {
        for (int k = 0; k < nitems; k++)
            cur[k] = gg_strdup(a, gg_db_text(r, k));
        people = gg_db_i64(r, 10);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_not_found(err, "no such dispute");

    json_t *changed = json_array();
    const char *final[10];
    for (int k = 0; k < nitems; k++) {
        const char *v = *items[k].value;
        final[k] = v ? (*v ? v : NULL) : cur[k];
        if (!v || same(final[k], cur[k])) continue;
        json_t *c = json_pack("{s:s}", "field", items[k].name);
        if (!items[k].quiet) {
            json_object_set_new(c, "from", cur[k] ? json_string(cur[k]) : json_null());
            json_object_set_new(c, "to", final[k] ? json_string(final[k]) : json_null());
        }
        json_array_append_new(changed, c);
    }
    int64_t people_final = in.people_count > 0 ? in.people_count : people;
    if (people_final != people)
        json_array_append_new(changed, json_pack("{s:s,s:I,s:I}", "field", "people_count", "from",
                                                 (json_int_t)people, "to", (json_int_t)people_final));
    if (json_array_size(changed) &&
        gg_db_exec(op->c,
                   "UPDATE dispute SET title = $2, type = $3, summary = $4, occurred_on = $5, place = $6, "
                   "scale = $7, risk_level = $8, units_involved = $9, responsible_org = $10, referral_from = "
                   "$11, people_count = $12 WHERE id = $1",
                   GG_ARGS(GG_I64(id), GG_TEXT(final[0]), GG_TEXT(final[1]), GG_TEXT(final[2]),
                           GG_TEXT(final[3]), GG_TEXT(final[4]), GG_TEXT(final[5]), GG_TEXT(final[6]),
                           GG_TEXT(final[7]), GG_TEXT(final[8]), GG_TEXT(final[9]), GG_I64(people_final)),
                   NULL, err) < 0) {
        json_decref(changed);
        return -1;
    }

    /* the parties */
    json_t *pchanged = json_array();
    for (int i = 0; i < nparties; i++) {
        const gg_dispute_party_edit_t *e = &parties[i];
        const char *prefix = gg_sprintf(a, "parties[%d].", i);
        if (gg_db_query(op->c,
                        "SELECT kind, role, name, id_number_enc, phone_enc, address, resident_id, org_code "
                        "FROM dispute_party WHERE id = $1 AND dispute_id = $2",
                        GG_ARGS(GG_I64(e->party_id), GG_I64(id)), &r, err) < 0)
            goto fail;
        gg_dispute_party_new_t p = {0}, old = {0};
        step = gg_db_next(r, err);
        if (step == 1) {
            old.kind = gg_strdup(a, gg_db_text(r, 0));
            old.role = gg_strdup(a, gg_db_text(r, 1));
            old.name = gg_strdup(a, gg_db_text(r, 2));
            old.id_number = gg_db_text(r, 3) ? gg_pii_decrypt(op->keys, a, gg_db_text(r, 3)) : NULL;
            old.phone = gg_db_text(r, 4) ? gg_pii_decrypt(op->keys, a, gg_db_text(r, 4)) : NULL;
            old.address = gg_strdup(a, gg_db_text(r, 5));
            old.resident_id = gg_db_isnull(r, 6) ? 0 : gg_db_i64(r, 6);
            old.org_code = gg_strdup(a, gg_db_text(r, 7));
        }
        gg_db_res_free(r);
        if (step < 0) goto fail;
        if (step == 0) {
            gg_err_invalid(err, gg_sprintf(a, "%sid", prefix), "no such party of this dispute");
            gg_error_reason(err, "not_found");
            goto fail;
        }
        p = old;
        if (e->role) p.role = e->role;
        if (e->name) p.name = e->name;
        if (e->id_number) p.id_number = e->id_number;
        if (e->phone) p.phone = e->phone;
        if (e->address) p.address = *e->address ? e->address : NULL;
        p.resident_id = 0; /* checked when it was linked; a link is not changed here */
        if (gg_med_party_check(op, prefix, &p, err) < 0) goto fail;
        json_t *fields = json_array();
        if (!same(p.role, old.role)) json_array_append_new(fields, json_string("role"));
        if (!same(p.name, old.name)) json_array_append_new(fields, json_string("name"));
        if (!same(p.id_number, old.id_number)) json_array_append_new(fields, json_string("id_number"));
        if (!same(p.phone, old.phone)) json_array_append_new(fields, json_string("phone"));
        if (!same(p.address, old.address)) json_array_append_new(fields, json_string("address"));
        if (!json_array_size(fields)) {
            json_decref(fields);
            continue;
        }
        json_array_append_new(pchanged, json_pack("{s:I,s:s,s:o}", "id", (json_int_t)e->party_id, "name",
                                                  p.name, "fields", fields));
        if (gg_db_exec(
                op->c,
                "UPDATE dispute_party SET role = $3, name = $4, id_number_enc = $5, id_number_bidx = $6, "
                "phone_enc = $7, address = $8 WHERE id = $1 AND dispute_id = $2",
                GG_ARGS(GG_I64(e->party_id), GG_I64(id), GG_TEXT(p.role), GG_TEXT(p.name),
                        GG_TEXT(p.id_number ? gg_pii_encrypt(op->keys, a, p.id_number) : NULL),
                        GG_TEXT(p.id_number ? gg_pii_blind_index(op->keys, a, p.id_number) : NULL),
                        GG_TEXT(p.phone ? gg_pii_encrypt(op->keys, a, p.phone) : NULL), GG_TEXT(p.address)),
                NULL, err) < 0)
            goto fail;
    }
    if (!json_array_size(changed) && !json_array_size(pchanged)) {
        json_decref(changed);
        json_decref(pchanged);
        return 0; /* nothing changed: no version, no event */
    }
    const char *detail = dumps(a, json_pack("{s:o,s:o}", "changed", changed, "parties", pchanged));
    return gg_med_finish(op, &row, &before, "edit", 0, NULL, detail, err);
fail:
    json_decref(changed);
    json_decref(pchanged);
    return -1;
}

/* ---- parties added and removed ---- */

/* Before the first session held: who the parties are is settled once they have sat down together. */
static int no_session_held(gg_op_t *op, int64_t id, gg_error_t *err)
{
    int64_t held = 0;
    int found;
    if (gg_db_query_i64(op->c, "SELECT COUNT(*) FROM dispute_session WHERE dispute_id = $1 AND held = 1",
                        GG_ARGS(GG_I64(id)), &held, &found, err) < 0)
        return -1;
    if (held) {
        gg_err_conflict(err, "a session was held: the parties are settled");
        return gg_error_reason(err, "session_held");
    }
    return 0;
}

int gg_dispute_party_add(gg_op_t *op, int64_t id, int version, const gg_dispute_party_new_t *p0,
                         int64_t *party_id, gg_error_t *err)
{
    gg_dispute_party_new_t p = *p0;
    if (gg_med_party_check(op, "", &p, err) < 0) return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 1, &row, &before, err) < 0 || version_ok(&row, version, err) < 0 ||
        no_session_held(op, id, err) < 0)
        return -1;
    int64_t n = 0, seq = 0;
    int found;
    if (gg_db_query_i64(op->c, "SELECT COUNT(*) FROM dispute_party WHERE dispute_id = $1",
                        GG_ARGS(GG_I64(id)), &n, &found, err) < 0 ||
        gg_db_query_i64(op->c, "SELECT COALESCE(MAX(seq), 0) FROM dispute_party WHERE dispute_id = $1",
                        GG_ARGS(GG_I64(id)), &seq, &found, err) < 0)
        return -1;
    if (n >= GG_DISPUTE_MAX_PARTIES) {
        gg_err_conflict(err, "a dispute has at most %d parties", GG_DISPUTE_MAX_PARTIES);
        return gg_error_reason(err, "too_many");
    }
    int64_t pid = 0;
    if (gg_med_party_insert(op, id, (int)seq + 1, &p, &pid, err) < 0) return -1;
    if (party_id) *party_id = pid;
    const char *detail = dumps(
        op->arena, json_pack("{s:I,s:s,s:s}", "party_id", (json_int_t)pid, "name", p.name, "role", p.role));
    return gg_med_finish(op, &row, &before, "party_add", 0, NULL, detail, err);
}

int gg_dispute_party_remove(gg_op_t *op, int64_t id, int64_t party_id, int version, gg_error_t *err)
{
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 1, &row, &before, err) < 0) return -1;
    const char *name = NULL;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT name FROM dispute_party WHERE id = $1 AND dispute_id = $2",
                    GG_ARGS(GG_I64(party_id), GG_I64(id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) name = gg_strdup(op->arena, gg_db_text(r, 0));
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (!name) return gg_err_not_found(err, "no such party");
    if (version_ok(&row, version, err) < 0 || no_session_held(op, id, err) < 0) return -1;
    int64_t n = 0;
    int found;
    if (gg_db_query_i64(op->c, "SELECT COUNT(*) FROM dispute_party WHERE dispute_id = $1",
                        GG_ARGS(GG_I64(id)), &n, &found, err) < 0)
        return -1;
    if (n <= 1) {
        gg_err_conflict(err, "a dispute has at least one party");
        return gg_error_reason(err, "last_party");
    }
    if (gg_db_exec(op->c, "DELETE FROM dispute_party WHERE id = $1 AND dispute_id = $2",
                   GG_ARGS(GG_I64(party_id), GG_I64(id)), NULL, err) < 0)
        return -1;
    const char *detail =
        dumps(op->arena, json_pack("{s:I,s:s}", "party_id", (json_int_t)party_id, "name", name));
    return gg_med_finish(op, &row, &before, "party_remove", 0, NULL, detail, err);
}

/* ---- 撤销 ---- */

int gg_dispute_revoke(gg_op_t *op, int64_t id, int version, const char *reason, gg_error_t *err)
{
    if (gg_med_text(op->arena, &reason, "reason", 1, 500, err) < 0) return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 1, &row, &before, err) < 0 || version_ok(&row, version, err) < 0) return -1;
    /* state closed: every "open" list and workload leaves it out; the snapshot of a revoked dispute is zero,
     * so gg_med_finish takes it out of the rollup */
    if (gg_db_exec(
            op->c,
            "UPDATE dispute SET state = 'closed', revoked_at = $2, revoked_reason = $3, revoked_by = $4 "
            "WHERE id = $1",
            GG_ARGS(GG_I64(id), GG_I64(gg_now_ms()), GG_TEXT(reason),
                    op->auth->account_id ? GG_I64(op->auth->account_id) : GG_NULL),
            NULL, err) < 0)
        return -1;
    return gg_med_finish(op, &row, &before, "revoke", 0, reason,
                         dumps(op->arena, json_pack("{s:s}", "reason", reason)), err);
}

/* ---- the reveal ---- */

int gg_dispute_party_reveal(gg_op_t *op, int64_t id, int64_t party_id, const char *reason,
                            const char **id_number, const char **phone, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    *id_number = *phone = NULL;
    const char *sql = gg_sprintf(
        a,
        "SELECT d.unit_id, d.unit_path, d.number, p.id_number_enc, p.phone_enc, EXISTS (SELECT 1 FROM "
        "dispute_mediator x JOIN mediator y ON y.id = x.mediator_id WHERE x.dispute_id = d.id AND "
        "y.account_id = $3) FROM dispute d JOIN dispute_party p ON p.dispute_id = d.id AND p.id = $2 WHERE "
        "d.id = $1 AND (%s OR %s)",
        gg_scope_sql(a, op->auth, GG_P_DISPUTE_READ, "d.unit_path"),
        gg_scope_sql(a, op->auth, GG_P_DISPUTE_READ, "d.origin_unit_path"));
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql,
                    GG_ARGS(GG_I64(id), GG_I64(party_id), GG_I64(op->auth ? op->auth->account_id : 0)), &r,
                    err) < 0)
        return -1;
    int64_t unit_id = 0;
    const char *path = NULL, *number = NULL, *idn = NULL, *ph = NULL;
    int assigned = 0;
    int step = gg_db_next(r, err);
    if (step == 1) {
        unit_id = gg_db_i64(r, 0);
        path = gg_strdup(a, gg_db_text(r, 1));
        number = gg_strdup(a, gg_db_text(r, 2));
        idn = gg_db_text(r, 3) ? gg_pii_decrypt(op->keys, a, gg_db_text(r, 3)) : NULL;
        ph = gg_db_text(r, 4) ? gg_pii_decrypt(op->keys, a, gg_db_text(r, 4)) : NULL;
        assigned = gg_db_i64(r, 5) != 0;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* the dispute's own mediators, or the unit's mediation staff who also hold pii.read there; to everyone
     * else the reveal does not exist */
    int may = step == 1 && (assigned || (gg_auth_can(op->auth, GG_P_DISPUTE_MANAGE, path) &&
                                         gg_auth_can(op->auth, GG_P_PII_READ, path)));
    if (!may) return gg_err_not_found(err, "no such party");
    if (gg_med_text(a, &reason, "reason", 1, 200, err) < 0) return -1;
    json_t *fields = json_array();
    if (idn) json_array_append_new(fields, json_string("id_number"));
    if (ph) json_array_append_new(fields, json_string("phone"));
    const char *detail =
        dumps(a, json_pack("{s:I,s:s,s:I,s:o,s:s}", "dispute_id", (json_int_t)id, "dispute_number", number,
                           "party_id", (json_int_t)party_id, "fields", fields, "reason", reason));
    gg_audit_entry_t e = {.action = "pii.read",
                          .object_type = "dispute_party",
                          .object_id = gg_sprintf(a, "%lld", (long long)party_id),
                          .unit_id = unit_id,
                          .detail_json = detail};
    if (gg_audit_append(op->c, &op->actor, &e, err) < 0) return -1;
    *id_number = idn;
    *phone = ph;
    return 0;
}
