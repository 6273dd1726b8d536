/* dispute.c — the dispute register: creation with its parties, reading one dispute and the list, the
 * timeline, the rollup snapshot and the settings (dispute.h, mediation_internal.h). */
#include "domain/mediation/dispute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auth/crypto.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "domain/cases/case_number.h"
#include "domain/identity/audit.h"
#include "domain/mediation/mediation_internal.h"
#include "domain/scope.h"
#include "domain/setting.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"
#include "json/jw.h"

const char *const gg_dispute_types[] = {"neighbour",   "family_marriage", "property_management",
                                        "labour",      "land_housing",    "traffic",
                                        "medical",     "consumer",        "contract",
                                        "environment", "other",           NULL};
const char *const gg_dispute_sources[] = {"window",   "case",          "walk_in", "screening",
                                          "referral", "hotline_12345", NULL};
const char *const gg_dispute_methods[] = {
    "mediation", "reconciliation", "litigation_mediation", "administrative_ruling", "arbitration", "other",
    NULL};
const char *const gg_dispute_outcomes[] = {"success", "failure", "litigation", "withdrawn", NULL};
const char *const gg_med_scales[] = {"small", "medium", "large", "major", NULL};
const char *const gg_med_risks[] = {"low", "medium", "high", NULL};
static const char *const party_kinds[] = {"person", "organisation", NULL};
static const char *const party_roles[] = {"applicant", "respondent", "party", NULL};

void gg_med_day(int64_t ms, char out[11])
{
    char d[9];
    gg_case_day(ms, d);
    snprintf(out, 11, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

int gg_dispute_settings(gg_db_conn_t *c, gg_arena_t *a, int *days, int *working, gg_error_t *err)
{
    const char *v = NULL;
    *days = 30;
    *working = 0;
    if (gg_setting_get(c, a, "mediation_days", &v, err) < 0) return -1;
    if (v && atoi(v) >= 1 && atoi(v) <= 365) *days = atoi(v);
    if (gg_setting_get(c, a, "mediation_days_unit", &v, err) < 0) return -1;
    if (v && !strcmp(v, "working")) *working = 1;
    return 0;
}

/* The resolution deadline: days calendar days after now's local date (moved to the close of office of the
 * next working day when that date is not one), or days working days — on the working calendar when cal is
 * given, else the end of the calendar day. */
static int due_of(gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t now, int64_t *due, gg_error_t *err)
{
    int days, working, fallback = 0;
    if (gg_dispute_settings(op->c, op->arena, &days, &working, err) < 0) return -1;
    const int64_t day_ms = 86400000;
    int64_t local_day = (now + GG_CAL_UTC_OFFSET_MS) / day_ms;
    if (!cal) {
        *due = (local_day + days + 1) * day_ms - GG_CAL_UTC_OFFSET_MS - 1;
        return 0;
    }
    if (working) return gg_cal_deadline_days(cal, now, days, "mediation_days", due, &fallback, err);
    /* the close of office of the first working day on or after the date days ahead */
    int64_t before = (local_day + days) * day_ms - GG_CAL_UTC_OFFSET_MS - 1; /* end of the day before */
    return gg_cal_deadline_days(cal, before, 1, "mediation_days", due, &fallback, err);
}

int gg_med_event(gg_op_t *op, int64_t id, const char *action, int64_t unit_id, const char *note,
                 const char *detail, gg_error_t *err)
{
    const char *name =
        op->auth ? (op->auth->display_name ? op->auth->display_name : op->auth->username) : NULL;
    return gg_db_exec(
        op->c,
        "INSERT INTO dispute_event (dispute_id, at, account_id, actor_name, action, unit_id, note, "
        "detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        GG_ARGS(GG_I64(id), GG_I64(gg_now_ms()),
                op->auth && op->auth->account_id ? GG_I64(op->auth->account_id) : GG_NULL, GG_TEXT(name),
                GG_TEXT(action), unit_id ? GG_I64(unit_id) : GG_NULL, GG_TEXT(note && *note ? note : NULL),
                GG_TEXT(detail)),
        NULL, err);
}

int gg_med_audit(gg_op_t *op, int64_t id, int64_t unit_id, const char *action, const char *detail_json,
                 gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = "dispute",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .unit_id = unit_id,
                          .detail_json = detail_json};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

/* ---- rollup ---- */

int gg_med_snap(gg_op_t *op, int64_t id, gg_med_snap_t *s, gg_error_t *err)
{
    memset(s, 0, sizeof *s);
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT d.unit_path, d.day, d.type, d.outcome, d.outcome_at, d.due_at, "
            "(SELECT COUNT(*) FROM dispute_agreement a WHERE a.dispute_id = d.id), "
            "(SELECT f.result FROM dispute_followup f WHERE f.dispute_id = d.id AND f.result IS NOT "
            "NULL ORDER BY f.done_at DESC, f.id DESC LIMIT 1), d.revoked_at FROM dispute d WHERE d.id = $1",
            GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        s->unit_path = gg_strdup(op->arena, gg_db_text(r, 0));
        s->day = gg_strdup(op->arena, gg_db_text(r, 1));
        s->type = gg_strdup(op->arena, gg_db_text(r, 2));
        const char *o = gg_db_text(r, 3);
        /* a dispute revoked as registered by mistake counts nowhere (docs/mediation.md "Measures") */
        int revoked = !gg_db_isnull(r, 8);
        s->registered = !revoked;
        if (revoked) o = NULL;
        if (o) {
            s->closed = 1;
            s->on_time = gg_db_i64(r, 4) <= gg_db_i64(r, 5);
            s->success = !strcmp(o, "success");
            s->failure = !strcmp(o, "failure");
            s->litigation = !strcmp(o, "litigation");
            s->withdrawn = !strcmp(o, "withdrawn");
            s->mediated = s->success + s->failure + s->litigation;
        }
        s->agreements = !revoked && gg_db_i64(r, 6) > 0;
        const char *f = gg_db_text(r, 7);
        s->performed = s->agreements && f && !strcmp(f, "performed");
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_not_found(err, "no such dispute");
    return 0;
}

int gg_med_rollup_apply(gg_db_conn_t *c, const gg_med_snap_t *s, int sign, gg_error_t *err)
{
    if (!s->unit_path) return 0;
    const char *p = s->unit_path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p) break;
        int64_t unit = strtoll(p, NULL, 10);
        while (*p && *p != '/')
            p++;
        if (unit <= 0) continue;
        char month[9];
        snprintf(month, sizeof month, "M%.7s", s->day);
        for (int k = 0; k < 3; k++)
            if (gg_db_exec(
                    c,
                    "INSERT INTO mediation_rollup (unit_id, day, type, registered, mediated, success, "
                    "failure, "
                    "litigation, withdrawn, closed, on_time, agreements, performed) VALUES ($1, $2, $3, $4, "
                    "$5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (unit_id, day, type) DO UPDATE SET "
                    "registered = mediation_rollup.registered + excluded.registered, "
                    "mediated = mediation_rollup.mediated + excluded.mediated, "
                    "success = mediation_rollup.success + excluded.success, "
                    "failure = mediation_rollup.failure + excluded.failure, "
                    "litigation = mediation_rollup.litigation + excluded.litigation, "
                    "withdrawn = mediation_rollup.withdrawn + excluded.withdrawn, "
                    "closed = mediation_rollup.closed + excluded.closed, "
                    "on_time = mediation_rollup.on_time + excluded.on_time, "
                    "agreements = mediation_rollup.agreements + excluded.agreements, "
                    "performed = mediation_rollup.performed + excluded.performed",
                    GG_ARGS(GG_I64(unit),
                            GG_TEXT(k == 2 ? "T"
                                    : k    ? month
                                           : s->day),
                            GG_TEXT(s->type), GG_I64(sign * s->registered), GG_I64(sign * s->mediated),
                            GG_I64(sign * s->success), GG_I64(sign * s->failure),
                            GG_I64(sign * s->litigation), GG_I64(sign * s->withdrawn),
                            GG_I64(sign * s->closed), GG_I64(sign * s->on_time), GG_I64(sign * s->agreements),
                            GG_I64(sign * s->performed)),
                    NULL, err) < 0)
                return -1;
    }
    return 0;
}

/* ---- loading for a write ---- */

int gg_med_load(gg_op_t *op, int64_t id, int open_only, gg_med_row_t *row, gg_error_t *err)
{
    memset(row, 0, sizeof *row);
    const char *sql = gg_sprintf(
        op->arena,
        "SELECT d.id, d.unit_id, d.unit_path, d.state, d.outcome, d.type, d.number, d.day, d.due_at, "
        "d.lead_mediator_id, a.signed_on, (a.dispute_id IS NOT NULL), d.revoked_at, d.version FROM dispute d "
        "LEFT JOIN "
        "dispute_agreement "
        "a ON a.dispute_id = d.id WHERE d.id = $1 AND (%s OR %s)",
        gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "d.unit_path"),
        gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "d.origin_unit_path"));
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        row->id = gg_db_i64(r, 0);
        row->unit_id = gg_db_i64(r, 1);
        row->unit_path = gg_strdup(op->arena, gg_db_text(r, 2));
        row->state = gg_strdup(op->arena, gg_db_text(r, 3));
        row->outcome = gg_strdup(op->arena, gg_db_text(r, 4));
        row->type = gg_strdup(op->arena, gg_db_text(r, 5));
        row->number = gg_strdup(op->arena, gg_db_text(r, 6));
        row->day = gg_strdup(op->arena, gg_db_text(r, 7));
        row->due_at = gg_db_i64(r, 8);
        row->lead_mediator_id = gg_db_isnull(r, 9) ? 0 : gg_db_i64(r, 9);
        row->agreement_day = gg_strdup(op->arena, gg_db_text(r, 10));
        row->has_agreement = gg_db_i64(r, 11) != 0;
        row->revoked = !gg_db_isnull(r, 12);
        row->version = (int)gg_db_i64(r, 13);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_not_found(err, "no such dispute");
    if (!gg_auth_can(op->auth, GG_P_DISPUTE_MANAGE, row->unit_path)) {
        gg_err_forbidden(err, "you may not mediate this dispute");
        return gg_error_reason(err, "not_allowed");
    }
    if (row->revoked) {
        gg_err_conflict(err, "the dispute was revoked");
        return gg_error_reason(err, "dispute_revoked");
    }
    if (open_only && !strcmp(row->state, "closed")) {
        gg_err_conflict(err, "the dispute is closed");
        return gg_error_reason(err, "dispute_closed");
    }
    return 0;
}

/* ---- creation ---- */

int gg_med_text(gg_arena_t *a, const char **s, const char *field, int required, int max, gg_error_t *err)
{
    if (gg_text_field(a, s, field, required, err) < 0) return -1;
    if (*s && (int)gg_utf8_len(*s) > max) {
        gg_err_invalid(err, field, "%s has at most %d characters", field, max);
        return gg_error_limits(err, "too_long", 1, 1, 1, max);
    }
    return 0;
}

int gg_med_party_check(gg_op_t *op, const char *prefix, gg_dispute_party_new_t *p, gg_error_t *err)
{
    char field[64];
    const char *kind = p->kind && *p->kind ? p->kind : "person";
    snprintf(field, sizeof field, "%skind", prefix);
    if (gg_choice_valid(kind, party_kinds, field, err) < 0) return -1;
    p->kind = kind;
    p->role = p->role && *p->role ? p->role : "party";
    snprintf(field, sizeof field, "%srole", prefix);
    if (gg_choice_valid(p->role, party_roles, field, err) < 0) return -1;
    snprintf(field, sizeof field, "%sname", prefix);
    if (gg_med_text(op->arena, &p->name, field, 1, 100, err) < 0) return -1;
    if (p->id_number && *p->id_number) {
        snprintf(field, sizeof field, "%sid_number", prefix);
        if (strcmp(kind, "person")) {
            gg_err_invalid(err, field, "an organisation has no ID number (org_code)");
            return gg_error_reason(err, "not_allowed");
        }
        if (gg_id_number_check(p->id_number, field, NULL, NULL, err) < 0) return -1;
        /* one spelling for the blind index: the check character upper-case */
        char *up = gg_strdup(op->arena, p->id_number);
        for (char *q = up; *q; q++)
            if (*q == 'x') *q = 'X';
        p->id_number = up;
    } else {
        p->id_number = NULL;
    }
    if (p->phone && *p->phone) {
        snprintf(field, sizeof field, "%sphone", prefix);
        if (gg_phone_valid(p->phone, field, err) < 0) return gg_error_reason(err, "malformed");
    } else {
        p->phone = NULL;
    }
    if (p->resident_id > 0) {
        snprintf(field, sizeof field, "%sresident_id", prefix);
        const char *sql = gg_sprintf(op->arena, "SELECT 1 FROM resident WHERE id = $1 AND %s",
                                     gg_scope_sql(op->arena, op->auth, GG_P_UNIT_READ, "unit_path"));
        int64_t one;
        int found;
        if (gg_db_query_i64(op->c, sql, GG_ARGS(GG_I64(p->resident_id)), &one, &found, err) < 0) return -1;
        if (!found) {
            gg_err_invalid(err, field, "no such resident");
            return gg_error_reason(err, "not_found");
        }
    }
    return 0;
}

int gg_med_party_insert(gg_op_t *op, int64_t dispute_id, int seq, const gg_dispute_party_new_t *p,
                        int64_t *party_id, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO dispute_party (dispute_id, seq, kind, role, name, id_number_enc, id_number_bidx, "
            "phone_enc, address, resident_id, org_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
            "$11) "
            "RETURNING id",
            GG_ARGS(GG_I64(dispute_id), GG_I64(seq), GG_TEXT(p->kind), GG_TEXT(p->role), GG_TEXT(p->name),
                    GG_TEXT(p->id_number ? gg_pii_encrypt(op->keys, op->arena, p->id_number) : NULL),
                    GG_TEXT(p->id_number ? gg_pii_blind_index(op->keys, op->arena, p->id_number) : NULL),
                    GG_TEXT(p->phone ? gg_pii_encrypt(op->keys, op->arena, p->phone) : NULL),
                    GG_TEXT(p->address && *p->address ? p->address : NULL),
                    p->resident_id > 0 ? GG_I64(p->resident_id) : GG_NULL,
                    GG_TEXT(p->org_code && *p->org_code ? p->org_code : NULL)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1 && party_id) *party_id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_dispute_create(gg_op_t *op, const gg_dispute_new_t *in0, int64_t *id, const char **number_out,
                      gg_error_t *err)
{
    gg_dispute_new_t in = *in0;
    if (!op->auth) return gg_err_forbidden(err, "a dispute is registered by staff");
    if (!in.source || !*in.source) {
        gg_err_invalid(err, "source", "source is required");
        return gg_error_reason(err, "required");
    }
    if (gg_choice_valid(in.source, gg_dispute_sources, "source", err) < 0) return -1;
    if (gg_med_text(op->arena, &in.title, "title", 1, 100, err) < 0) return -1;
    if (!in.type || !*in.type) {
        gg_err_invalid(err, "type", "type is required");
        return gg_error_reason(err, "required");
    }
    if (gg_choice_valid(in.type, gg_dispute_types, "type", err) < 0) return -1;
    if (gg_med_text(op->arena, &in.summary, "summary", 1, 5000, err) < 0) return -1;
    if (in.occurred_on && *in.occurred_on && gg_date_valid(in.occurred_on, "occurred_on", err) < 0)
        return gg_error_reason(err, "malformed");
    in.scale = in.scale && *in.scale ? in.scale : "small";
    if (gg_choice_valid(in.scale, gg_med_scales, "scale", err) < 0) return -1;
    in.risk_level = in.risk_level && *in.risk_level ? in.risk_level : "low";
    if (gg_choice_valid(in.risk_level, gg_med_risks, "risk_level", err) < 0) return -1;
    in.method = in.method && *in.method ? in.method : "mediation";
    if (gg_choice_valid(in.method, gg_dispute_methods, "method", err) < 0) return -1;
    if (gg_med_text(op->arena, &in.place, "place", 0, 200, err) < 0 ||
        gg_med_text(op->arena, &in.units_involved, "units_involved", 0, 500, err) < 0 ||
        gg_med_text(op->arena, &in.referral_from, "referral_from", 0, 100, err) < 0 ||
        gg_med_text(op->arena, &in.responsible_org, "responsible_org", 0, 100, err) < 0)
        return -1;
    if (in.has_point && (!(in.lat >= -90 && in.lat <= 90) || !(in.lon >= -180 && in.lon <= 180))) {
        gg_err_invalid(err, "lat", "the point is out of range");
        return gg_error_reason(err, "out_of_range");
    }
    if (in.people_count < 0 || in.people_count > 100000) {
        gg_err_invalid(err, "people_count", "people_count must be between 0 and 100000");
        return gg_error_limits(err, "out_of_range", 1, 0, 1, 100000);
    }
    if (in.nparties < 1) {
        gg_err_invalid(err, "parties", "a dispute has at least one party");
        return gg_error_reason(err, "required");
    }
    if (in.nparties > GG_DISPUTE_MAX_PARTIES) {
        gg_err_invalid(err, "parties", "at most %d parties", GG_DISPUTE_MAX_PARTIES);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_DISPUTE_MAX_PARTIES);
    }
    gg_dispute_party_new_t *parties = gg_alloc(op->arena, sizeof *parties * (size_t)in.nparties);
    for (int i = 0; i < in.nparties; i++) {
        parties[i] = in.parties[i];
        if (gg_med_party_check(op, gg_sprintf(op->arena, "parties[%d].", i), &parties[i], err) < 0) return -1;
    }
    /* the handling unit */
    gg_unit_t u;
    int found = 0;
    if (in.unit_id <= 0) {
        gg_err_invalid(err, "unit_id", "unit_id is required");
        return gg_error_reason(err, "required");
    }
    if (gg_unit_by_id(op->c, op->arena, in.unit_id, &u, &found, err) < 0) return -1;
    if (!found || u.retired_at ||
        !(gg_auth_can(op->auth, GG_P_DISPUTE_READ, u.path) ||
          gg_auth_can(op->auth, GG_P_CENTRE_INTAKE, u.path))) {
        gg_err_invalid(err, "unit_id", "no such unit");
        return gg_error_reason(err, "not_found");
    }
    if (strcmp(u.level, "community") && strcmp(u.level, "street") && strcmp(u.level, "county") &&
        strcmp(u.level, "city")) {
        gg_err_invalid(err, "unit_id", "a dispute is handled by a community, a street or a county, not a %s",
                       u.level);
        return gg_error_reason(err, "not_allowed");
    }
    int may = gg_auth_can(op->auth, GG_P_DISPUTE_MANAGE, u.path) ||
              (!strcmp(in.source, "window") && gg_auth_can(op->auth, GG_P_CENTRE_INTAKE, u.path));
    if (!may) {
        gg_err_forbidden(err, "you may not register disputes in %s", u.name);
        return gg_error_reason(err, "not_allowed");
    }
    /* the case it came from */
    if (!strcmp(in.source, "case") && in.case_id <= 0) {
        gg_err_invalid(err, "case_id", "a dispute from a case names the case");
        return gg_error_reason(err, "required");
    }
    if (in.case_id > 0) {
        const char *sql = gg_sprintf(op->arena, "SELECT 1 FROM case_item WHERE id = $1 AND (%s OR %s)",
                                     gg_scope_sql(op->arena, op->auth, GG_P_CASE_READ, "unit_path"),
                                     gg_scope_sql(op->arena, op->auth, GG_P_CASE_READ, "owner_unit_path"));
        int64_t one;
        if (gg_db_query_i64(op->c, sql, GG_ARGS(GG_I64(in.case_id)), &one, &found, err) < 0) return -1;
        if (!found) {
            gg_err_invalid(err, "case_id", "no such case");
            return gg_error_reason(err, "not_found");
        }
    }
    if (in.committee_id > 0) {
        const char *sql = gg_sprintf(op->arena, "SELECT 1 FROM mediation_committee WHERE id = $1 AND %s",
                                     gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "unit_path"));
        int64_t one;
        if (gg_db_query_i64(op->c, sql, GG_ARGS(GG_I64(in.committee_id)), &one, &found, err) < 0) return -1;
        if (!found) {
            gg_err_invalid(err, "committee_id", "no such committee");
            return gg_error_reason(err, "not_found");
        }
    }
    int64_t now = in.now ? in.now : gg_now_ms();
    int64_t due;
    if (due_of(op, in.cal, now, &due, err) < 0) return -1;
    char cday[9], day[11];
    gg_case_day(now, cday);
    gg_med_day(now, day);
    int64_t serial = 0;
    if (gg_db_query_i64(op->c,
                        "INSERT INTO dispute_counter (day, last) VALUES ($1, 1) "
                        "ON CONFLICT (day) DO UPDATE SET last = dispute_counter.last + 1 RETURNING last",
                        GG_ARGS(GG_TEXT(cday)), &serial, &found, err) < 0)
        return -1;
    const char *number = gg_sprintf(op->arena, "TJ%.8s%06lld", cday, (long long)serial);
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO dispute (number, title, type, scale, people_count, summary, units_involved, "
            "occurred_on, "
            "place, lat, lon, grid_id, unit_id, unit_path, origin_unit_path, committee_id, risk_level, "
            "source, "
            "referral_from, case_id, matter_id, method, responsible_org, state, due_at, day, created_by, "
            "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
            "$14, "
            "$15, $16, $17, $18, $19, $20, $21, $22, 'registered', $23, $24, $25, $26, $26) RETURNING id",
            GG_ARGS(GG_TEXT(number), GG_TEXT(in.title), GG_TEXT(in.type), GG_TEXT(in.scale),
                    GG_I64(in.people_count ? in.people_count : in.nparties), GG_TEXT(in.summary),
                    GG_TEXT(in.units_involved),
                    GG_TEXT(in.occurred_on && *in.occurred_on ? in.occurred_on : NULL), GG_TEXT(in.place),
                    in.has_point ? GG_F64(in.lat) : GG_NULL, in.has_point ? GG_F64(in.lon) : GG_NULL,
                    in.grid_id > 0 ? GG_I64(in.grid_id) : GG_NULL, GG_I64(u.id), GG_TEXT(u.path),
                    in.committee_id > 0 ? GG_I64(in.committee_id) : GG_NULL, GG_TEXT(in.risk_level),
                    GG_TEXT(in.source), GG_TEXT(in.referral_from),
                    in.case_id > 0 ? GG_I64(in.case_id) : GG_NULL,
                    in.matter_id > 0 ? GG_I64(in.matter_id) : GG_NULL, GG_TEXT(in.method),
                    GG_TEXT(in.responsible_org), GG_I64(due), GG_TEXT(day),
                    op->auth->account_id ? GG_I64(op->auth->account_id) : GG_NULL, GG_I64(now)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_internal(err, "the dispute was not stored");
    for (int i = 0; i < in.nparties; i++)
        if (gg_med_party_insert(op, *id, i + 1, &parties[i], NULL, err) < 0) return -1;
    const char *detail =
        gg_sprintf(op->arena, "{\"source\":\"%s\"%s}", in.source,
                   in.case_id > 0 ? gg_sprintf(op->arena, ",\"case_id\":%lld", (long long)in.case_id) : "");
    if (gg_med_event(op, *id, "register", u.id, NULL, detail, err) < 0) return -1;
    gg_med_snap_t s;
    if (gg_med_snap(op, *id, &s, err) < 0 || gg_med_rollup_apply(op->c, &s, 1, err) < 0) return -1;
    if (number_out) *number_out = number;
    return gg_med_audit(op, *id, u.id, "dispute.create",
                        gg_sprintf(op->arena, "{\"number\":\"%s\",\"type\":\"%s\",\"source\":\"%s\"}", number,
                                   in.type, in.source),
                        err);
}

/* ---- reading ---- */

#define DISPUTE_COLS                                                                                         \
    "d.id, d.number, d.title, d.type, d.scale, d.people_count, d.summary, d.units_involved, d.occurred_on, " \
    "d.place, d.lat, d.lon, d.grid_id, d.unit_id, d.unit_path, d.origin_unit_path, d.committee_id, "         \
    "d.risk_level, d.source, d.referral_from, d.case_id, d.matter_id, d.method, d.responsible_org, "         \
    "d.lead_mediator_id, d.state, d.outcome, d.outcome_text, d.evaluation, d.outcome_at, d.due_at, d.day, "  \
    "d.judicial_requested, d.judicial_on, d.judicial_outcome, d.created_by, d.created_at, d.updated_at, "    \
    "d.version, u.name, u.level, g.name, mc.name, c.number, m.name, d.revoked_at, d.revoked_reason "         \
    "FROM dispute d JOIN unit u ON u.id = d.unit_id LEFT JOIN unit g ON g.id = d.grid_id "                   \
    "LEFT JOIN mediation_committee mc ON mc.id = d.committee_id LEFT JOIN case_item c ON c.id = d.case_id "  \
    "LEFT JOIN mediator m ON m.id = d.lead_mediator_id "

static const char *tx(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_strdup(a, gg_db_text(r, col));
}

static int64_t ix(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

static void read_row(gg_op_t *op, gg_db_res_t *r, gg_dispute_t *d)
{
    gg_arena_t *a = op->arena;
    memset(d, 0, sizeof *d);
    d->id = gg_db_i64(r, 0);
    d->number = tx(a, r, 1);
    d->title = tx(a, r, 2);
    d->type = tx(a, r, 3);
    d->scale = tx(a, r, 4);
    d->people_count = (int)gg_db_i64(r, 5);
    d->summary = tx(a, r, 6);
    d->units_involved = tx(a, r, 7);
    d->occurred_on = tx(a, r, 8);
    d->place = tx(a, r, 9);
    d->has_point = !gg_db_isnull(r, 10);
    d->lat = gg_db_f64(r, 10);
    d->lon = gg_db_f64(r, 11);
    d->grid_id = ix(r, 12);
    d->unit_id = gg_db_i64(r, 13);
    d->unit_path = tx(a, r, 14);
    d->origin_unit_path = tx(a, r, 15);
    d->committee_id = ix(r, 16);
    d->risk_level = tx(a, r, 17);
    d->source = tx(a, r, 18);
    d->referral_from = tx(a, r, 19);
    d->case_id = ix(r, 20);
    d->matter_id = ix(r, 21);
    d->method = tx(a, r, 22);
    d->responsible_org = tx(a, r, 23);
    d->lead_mediator_id = ix(r, 24);
    d->state = tx(a, r, 25);
    d->outcome = tx(a, r, 26);
    d->outcome_text = tx(a, r, 27);
    d->evaluation = tx(a, r, 28);
    d->outcome_at = ix(r, 29);
    d->due_at = gg_db_i64(r, 30);
    d->day = tx(a, r, 31);
    d->judicial_requested = (int)gg_db_i64(r, 32);
    d->judicial_on = tx(a, r, 33);
    d->judicial_outcome = tx(a, r, 34);
    d->created_by = ix(r, 35);
    d->created_at = gg_db_i64(r, 36);
    d->updated_at = gg_db_i64(r, 37);
    d->version = (int)gg_db_i64(r, 38);
    d->unit_name = tx(a, r, 39);
    d->unit_level = tx(a, r, 40);
    d->grid_name = tx(a, r, 41);
    d->committee_name = tx(a, r, 42);
    d->case_number = tx(a, r, 43);
    d->lead_mediator_name = tx(a, r, 44);
    d->revoked_at = ix(r, 45);
    d->revoked_reason = tx(a, r, 46);
    d->may_manage = gg_auth_can(op->auth, GG_P_DISPUTE_MANAGE, d->unit_path);
    int64_t end = d->outcome_at ? d->outcome_at : gg_now_ms();
    d->overdue = end > d->due_at;
}

static const char *read_scope(gg_op_t *op)
{
    return gg_sprintf(op->arena, "(%s OR %s)",
                      gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "d.unit_path"),
                      gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "d.origin_unit_path"));
}

static const char **json_strings(gg_arena_t *a, const char *text, int *n)
{
    *n = 0;
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_array(j)) {
        if (j) json_decref(j);
        return NULL;
    }
    size_t k = json_array_size(j);
    const char **out = gg_alloc(a, sizeof *out * (k + 1));
    for (size_t i = 0; i < k; i++)
        if (json_is_string(json_array_get(j, i)))
            out[(*n)++] = gg_strdup(a, json_string_value(json_array_get(j, i)));
    json_decref(j);
    return out;
}

static int load_details(gg_op_t *op, gg_dispute_t *d, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_db_res_t *r;
    int step;
    /* parties */
    if (gg_db_query(
            op->c,
            "SELECT p.id, p.seq, p.kind, p.role, p.name, p.address, p.org_code, p.id_number_enc, "
            "p.phone_enc, p.resident_id, r.household_id FROM dispute_party p LEFT JOIN resident r ON r.id "
            "= p.resident_id WHERE p.dispute_id = $1 ORDER BY p.seq",
            GG_ARGS(GG_I64(d->id)), &r, err) < 0)
        return -1;
    d->parties = gg_alloc(a, sizeof *d->parties * GG_DISPUTE_MAX_PARTIES);
    while ((step = gg_db_next(r, err)) == 1 && d->nparties < GG_DISPUTE_MAX_PARTIES) {
        gg_dispute_party_t *p = &d->parties[d->nparties++];
        p->id = gg_db_i64(r, 0);
        p->seq = (int)gg_db_i64(r, 1);
        p->kind = tx(a, r, 2);
        p->role = tx(a, r, 3);
        p->name = tx(a, r, 4);
        p->address = tx(a, r, 5);
        p->org_code = tx(a, r, 6);
        p->id_number = gg_db_text(r, 7) ? gg_pii_decrypt(op->keys, a, gg_db_text(r, 7)) : NULL;
        p->phone = gg_db_text(r, 8) ? gg_pii_decrypt(op->keys, a, gg_db_text(r, 8)) : NULL;
        p->resident_id = ix(r, 9);
        p->household_id = ix(r, 10);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* mediators */
    if (gg_db_query(
            op->c,
            "SELECT dm.mediator_id, m.name, m.kind, dm.role, dm.coi_warning, m.account_id, dm.assigned_at "
            "FROM dispute_mediator dm JOIN mediator m ON m.id = dm.mediator_id WHERE dm.dispute_id = $1 "
            "ORDER BY dm.role DESC, dm.assigned_at",
            GG_ARGS(GG_I64(d->id)), &r, err) < 0)
        return -1;
    int cap = 16;
    d->mediators = gg_alloc(a, sizeof *d->mediators * (size_t)cap);
    while ((step = gg_db_next(r, err)) == 1 && d->nmediators < cap) {
        gg_dispute_mediator_t *m = &d->mediators[d->nmediators++];
        m->mediator_id = gg_db_i64(r, 0);
        m->name = tx(a, r, 1);
        m->kind = tx(a, r, 2);
        m->role = tx(a, r, 3);
        m->coi_warning = tx(a, r, 4);
        m->account_id = ix(r, 5);
        m->assigned_at = gg_db_i64(r, 6);
        if (op->auth && m->account_id && m->account_id == op->auth->account_id) d->may_reveal = 1;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* the rule of gg_dispute_party_reveal: the dispute's own mediators, or mediation staff with pii.read */
    if (d->may_manage && gg_auth_can(op->auth, GG_P_PII_READ, d->unit_path)) d->may_reveal = 1;
    /* sessions */
    if (gg_db_query(op->c,
                    "SELECT id, at, created_at, place, attendance, minutes, held FROM dispute_session WHERE "
                    "dispute_id = $1 ORDER BY at, id LIMIT 100",
                    GG_ARGS(GG_I64(d->id)), &r, err) < 0)
        return -1;
    d->sessions = gg_alloc(a, sizeof *d->sessions * 100);
    while ((step = gg_db_next(r, err)) == 1) {
        gg_dispute_session_t *s = &d->sessions[d->nsessions++];
        s->id = gg_db_i64(r, 0);
        s->at = gg_db_i64(r, 1);
        s->created_at = gg_db_i64(r, 2);
        s->place = tx(a, r, 3);
        s->attendance = tx(a, r, 4);
        s->minutes = tx(a, r, 5);
        s->held = (int)gg_db_i64(r, 6);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* agreement */
    if (gg_db_query(
            op->c,
            "SELECT number, facts, terms, performance, performance_due, copies, signed_on, "
            "party_signatures, mediator_signature, created_at, updated_at FROM dispute_agreement WHERE "
            "dispute_id = $1",
            GG_ARGS(GG_I64(d->id)), &r, err) < 0)
        return -1;
    step = gg_db_next(r, err);
    if (step == 1) {
        gg_dispute_agreement_t *g = &d->agreement;
        g->present = 1;
        g->number = tx(a, r, 0);
        g->facts = tx(a, r, 1);
        g->terms = json_strings(a, gg_db_text(r, 2), &g->nterms);
        g->performance = tx(a, r, 3);
        g->performance_due = tx(a, r, 4);
        g->copies = (int)gg_db_i64(r, 5);
        g->signed_on = tx(a, r, 6);
        g->party_signatures = json_strings(a, gg_db_text(r, 7), &g->nsignatures);
        g->mediator_signature = tx(a, r, 8);
        g->created_at = gg_db_i64(r, 9);
        g->updated_at = gg_db_i64(r, 10);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* follow-ups */
    if (gg_db_query(
            op->c,
            "SELECT id, done_at, created_at, due_on, result, note FROM dispute_followup WHERE dispute_id "
            "= $1 ORDER BY due_on, id LIMIT 50",
            GG_ARGS(GG_I64(d->id)), &r, err) < 0)
        return -1;
    d->followups = gg_alloc(a, sizeof *d->followups * 50);
    while ((step = gg_db_next(r, err)) == 1) {
        gg_dispute_followup_t *f = &d->followups[d->nfollowups++];
        f->id = gg_db_i64(r, 0);
        f->done_at = ix(r, 1);
        f->created_at = gg_db_i64(r, 2);
        f->due_on = tx(a, r, 3);
        f->result = tx(a, r, 4);
        f->note = tx(a, r, 5);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* timeline */
    if (gg_db_query(op->c,
                    "SELECT id, at, account_id, unit_id, actor_name, action, note, detail FROM dispute_event "
                    "WHERE dispute_id = $1 ORDER BY id LIMIT 500",
                    GG_ARGS(GG_I64(d->id)), &r, err) < 0)
        return -1;
    d->events = gg_alloc(a, sizeof *d->events * 500);
    while ((step = gg_db_next(r, err)) == 1) {
        gg_dispute_event_t *e = &d->events[d->nevents++];
        e->id = gg_db_i64(r, 0);
        e->at = gg_db_i64(r, 1);
        e->account_id = ix(r, 2);
        e->unit_id = ix(r, 3);
        e->actor_name = tx(a, r, 4);
        e->action = tx(a, r, 5);
        e->note = tx(a, r, 6);
        e->detail = tx(a, r, 7);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_dispute_get(gg_op_t *op, int64_t id, gg_dispute_t *out, gg_error_t *err)
{
    const char *sql = gg_sprintf(op->arena, "SELECT " DISPUTE_COLS "WHERE d.id = $1 AND %s", read_scope(op));
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_row(op, r, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_not_found(err, "no such dispute");
    return load_details(op, out, err);
}

int gg_dispute_list(gg_op_t *op, const gg_dispute_filter_t *f, const gg_page_t *page, gg_dispute_t **rows,
                    int *n, int64_t *total, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_db_arg_t args[16];
    int na = 0;
    const char *where = read_scope(op);
#define ARG(v) (args[na++] = (v), na)
    if (f->unit_id > 0) {
        gg_unit_t u;
        int found = 0;
        if (gg_unit_by_id(op->c, a, f->unit_id, &u, &found, err) < 0) return -1;
        if (!found) return gg_err_not_found(err, "no such unit");
        int lo = ARG(GG_TEXT(u.path));
        int hi = ARG(GG_TEXT(gg_sprintf(a, "%.*s0", (int)strlen(u.path) - 1, u.path)));
        where = gg_sprintf(a, "%s AND d.unit_path >= $%d AND d.unit_path < $%d", where, lo, hi);
    }
    if (f->mediator_id > 0)
        where = gg_sprintf(a,
                           "%s AND EXISTS (SELECT 1 FROM dispute_mediator x WHERE x.dispute_id = d.id AND "
                           "x.mediator_id = $%d)",
                           where, ARG(GG_I64(f->mediator_id)));
    if (f->mine)
        where = gg_sprintf(
            a,
            "%s AND EXISTS (SELECT 1 FROM dispute_mediator x JOIN mediator y ON y.id = x.mediator_id "
            "WHERE x.dispute_id = d.id AND y.account_id = $%d)",
            where, ARG(GG_I64(op->auth->account_id)));
    if (f->case_id > 0) where = gg_sprintf(a, "%s AND d.case_id = $%d", where, ARG(GG_I64(f->case_id)));
    if (f->state && !strcmp(f->state, "open"))
        where = gg_sprintf(a, "%s AND d.state <> 'closed'", where);
    else if (f->state && !strcmp(f->state, "revoked"))
        where = gg_sprintf(a, "%s AND d.revoked_at IS NOT NULL", where);
    else if (f->state && !strcmp(f->state, "closed"))
        where = gg_sprintf(a, "%s AND d.state = 'closed' AND d.revoked_at IS NULL", where);
    else if (f->state && *f->state)
        where = gg_sprintf(a, "%s AND d.state = $%d", where, ARG(GG_TEXT(f->state)));
    if (f->outcome && *f->outcome)
        where = gg_sprintf(a, "%s AND d.outcome = $%d", where, ARG(GG_TEXT(f->outcome)));
    if (f->type && *f->type) where = gg_sprintf(a, "%s AND d.type = $%d", where, ARG(GG_TEXT(f->type)));
    if (f->source && *f->source)
        where = gg_sprintf(a, "%s AND d.source = $%d", where, ARG(GG_TEXT(f->source)));
    if (f->from && *f->from) where = gg_sprintf(a, "%s AND d.day >= $%d", where, ARG(GG_TEXT(f->from)));
    if (f->to && *f->to) where = gg_sprintf(a, "%s AND d.day <= $%d", where, ARG(GG_TEXT(f->to)));
    if (f->q && *f->q) {
        int like = ARG(GG_TEXT(gg_sprintf(a, "%%%s%%", f->q)));
        int eq = ARG(GG_TEXT(f->q));
        where = gg_sprintf(a, "%s AND (d.title LIKE $%d OR d.number = $%d)", where, like, eq);
    }
    if (total) {
        *total = -1;
        if (page->want_total) {
            int found;
            if (gg_db_query_i64(op->c, gg_sprintf(a, "SELECT COUNT(*) FROM dispute d WHERE %s", where), args,
                                na, total, &found, err) < 0)
                return -1;
        }
    }
    const char *w2 = where;
    if (page->after > 0) w2 = gg_sprintf(a, "%s AND d.id < $%d", where, ARG(GG_I64(page->after)));
    int limit = page->limit > 0 ? page->limit : 50;
    const char *sql = gg_sprintf(a, "SELECT " DISPUTE_COLS "WHERE %s ORDER BY d.id DESC LIMIT %d", w2, limit);
#undef ARG
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, args, na, &r, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof **rows * (size_t)limit);
    *n = 0;
    int step;
    while ((step = gg_db_next(r, err)) == 1)
        read_row(op, r, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}
