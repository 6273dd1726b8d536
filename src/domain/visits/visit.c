/* visit.c — household visits (入户走访): making, reading, the author's correction, 转为事件, coverage and
 * the 待走访 list (visit.h). */
#include "domain/visits/visit.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/attachment.h"
#include "domain/identity/audit.h"
#include "domain/scope.h"
#include "domain/tree/place.h"
#include "domain/validate.h"

const char *const gg_visit_kinds[] = {
    "routine", "special_care", "dispute_followup", "policy", "safety", "epidemic", "other", NULL};
const char *const gg_visit_special_tags[] = {"elderly_alone", "left_behind_elderly", "left_behind_child",
                                             "disabled", NULL};

static int bad(gg_error_t *err, const char *field, const char *reason, const char *msg)
{
    gg_err_invalid(err, field, "%s", msg);
    return gg_error_reason(err, reason);
}

/* Free text of several lines: trimmed, NULL when empty; control characters other than line breaks and
 * tabs refused (the length is the body schema's). */
static int multiline(gg_arena_t *a, const char **s, const char *field, gg_error_t *err)
{
    if (!*s) return 0;
    const char *p = *s;
    for (const unsigned char *q = (const unsigned char *)p; *q; q++)
        if ((*q < 0x20 && *q != '\n' && *q != '\r' && *q != '\t') || *q == 0x7f)
            return bad(err, field, "control_characters", "the text must not contain control characters");
    size_t n = strlen(p);
    while (n && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == '\t'))
        n--;
    *s = n ? gg_strndup(a, p, n) : NULL;
    return 0;
}

static int check_met(int met, int64_t household_id, const int64_t *ids, int n, gg_error_t *err)
{
    if (n && !met) return bad(err, "met_resident_ids", "not_met", "nobody was met, so nobody can be named");
    if (n && !household_id)
        return bad(err, "met_resident_ids", "no_household", "residents met are members of a household");
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (ids[i] == ids[j])
                return bad(err, "met_resident_ids", "duplicate", "a resident is named twice");
    return 0;
}

int gg_visit_in_check(const gg_visit_in_t *in, int64_t now, gg_error_t *err)
{
    if (!in->house_id && !in->household_id)
        return bad(err, "household_id", "required", "name the household visited (or the house)");
    if (!in->kind) return bad(err, "kind", "required", "kind is required");
    if (gg_choice_valid(in->kind, gg_visit_kinds, "kind", err) < 0) return -1;
    if (in->visited_at) {
        if (in->visited_at > now + 5 * 60 * 1000)
            return bad(err, "visited_at", "in_future", "a visit cannot lie in the future");
        if (in->visited_at < now - GG_VISIT_MAX_AGE_MS)
            return bad(err, "visited_at", "too_old", "a visit is recorded within 30 days");
    }
    return check_met(in->met, in->household_id, in->met_ids, in->nmet, err);
}

/* The house (and household) visited, in the caller's scope: its grid and path. */
typedef struct place {
    int64_t house_id, household_id, grid_id;
    const char *path;
} place_t;

static int find_place(const gg_op_t *op, int64_t house_id, int64_t household_id, place_t *pl, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_db_res_t *r;
    int step;
    memset(pl, 0, sizeof *pl);
    if (household_id) {
        if (gg_db_query(
                op->c,
                gg_sprintf(a,
                           "SELECT hh.house_id, b.grid_id, h.unit_path FROM household hh "
                           "JOIN house h ON h.id = hh.house_id JOIN building b ON b.id = h.building_id "
                           "WHERE hh.id = $1 AND hh.dissolved_at IS NULL AND %s",
                           gg_scope_sql(a, op->auth, GG_P_RESIDENT_READ, "hh.unit_path")),
                GG_ARGS(GG_I64(household_id)), &r, err) < 0)
            return -1;
        step = gg_db_next(r, err);
        if (step == 1) {
            pl->house_id = gg_db_i64(r, 0);
            pl->grid_id = gg_db_i64(r, 1);
            pl->path = gg_strdup(a, gg_db_text(r, 2));
            pl->household_id = household_id;
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
        if (!step) return bad(err, "household_id", "not_found", "no such household");
        if (house_id && house_id != pl->house_id)
            return bad(err, "house_id", "not_in_house", "the household does not live in this house");
    } else {
        if (gg_db_query(op->c,
                        gg_sprintf(a,
                                   "SELECT h.id, b.grid_id, h.unit_path FROM house h "
                                   "JOIN building b ON b.id = h.building_id WHERE h.id = $1 "
                                   "AND h.retired_at IS NULL AND %s",
                                   gg_scope_sql(a, op->auth, GG_P_RESIDENT_READ, "h.unit_path")),
                        GG_ARGS(GG_I64(house_id)), &r, err) < 0)
            return -1;
        step = gg_db_next(r, err);
        if (step == 1) {
            pl->house_id = gg_db_i64(r, 0);
            pl->grid_id = gg_db_i64(r, 1);
            pl->path = gg_strdup(a, gg_db_text(r, 2));
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
        if (!step) return bad(err, "house_id", "not_found", "no such house");
    }
    if (!gg_auth_can(op->auth, GG_P_RESIDENT_WRITE, pl->path)) {
        gg_err_forbidden(err, "recording a visit needs resident.write here");
        return gg_error_reason(err, "not_permitted");
    }
    return 0;
}

/* Whom was met: each a current member of the household. */
static int put_met(const gg_op_t *op, int64_t visit_id, int64_t household_id, const int64_t *ids, int n,
                   gg_error_t *err)
{
    if (gg_db_exec(op->c, "DELETE FROM visit_resident WHERE visit_id = $1", GG_ARGS(GG_I64(visit_id)), NULL,
                   err) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        int64_t one = 0;
        int found = 0;
        if (gg_db_query_i64(op->c, "SELECT 1 FROM resident WHERE id = $1 AND household_id = $2",
                            GG_ARGS(GG_I64(ids[i]), GG_I64(household_id)), &one, &found, err) < 0)
            return -1;
        if (!found) {
            char f[48];
            snprintf(f, sizeof f, "met_resident_ids[%d]", i);
            return bad(err, f, "not_member", "the resident is not a member of the household visited");
        }
        if (gg_db_exec(op->c, "INSERT INTO visit_resident (visit_id, resident_id) VALUES ($1, $2)",
                       GG_ARGS(GG_I64(visit_id), GG_I64(ids[i])), NULL, err) < 0)
            return -1;
    }
    return 0;
}

static const char *enc(const gg_op_t *op, const char *s)
{
    return s ? gg_pii_encrypt(op->keys, op->arena, s) : NULL;
}

static int audit(const gg_op_t *op, const char *action, int64_t id, int64_t grid_id, const char *detail,
                 gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = "visit",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .unit_id = grid_id,
                          .detail_json = detail};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

int gg_visit_create(const gg_op_t *op, const gg_visit_in_t *in, int64_t *id, gg_error_t *err)
{
    int64_t now = gg_now_ms();
    const char *findings = in->findings, *needs = in->needs;
    place_t pl;
    if (gg_visit_in_check(in, now, err) < 0 || multiline(op->arena, &findings, "findings", err) < 0 ||
        multiline(op->arena, &needs, "needs", err) < 0 ||
        find_place(op, in->house_id, in->household_id, &pl, err) < 0)
        return -1;
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO visit (house_id, household_id, grid_id, unit_path, account_id, visited_at, "
            "kind, met, findings_enc, needs_enc, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            GG_ARGS(GG_I64(pl.house_id), pl.household_id ? GG_I64(pl.household_id) : GG_NULL,
                    GG_I64(pl.grid_id), GG_TEXT(pl.path), GG_I64(op->actor.account_id),
                    GG_I64(in->visited_at ? in->visited_at : now), GG_TEXT(in->kind), GG_I64(in->met ? 1 : 0),
                    findings ? GG_TEXT(enc(op, findings)) : GG_NULL,
                    needs ? GG_TEXT(enc(op, needs)) : GG_NULL, GG_I64(now)),
            id, &found, err) < 0)
        return -1;
    if (put_met(op, *id, pl.household_id, in->met_ids, in->nmet, err) < 0 ||
        gg_attachment_claim(op, in->attachment_ids, in->nattachments, NULL, "visit", *id, "photo", err) < 0)
        return -1;
    return audit(op, "visit.create", *id, pl.grid_id,
                 gg_sprintf(op->arena, "{\"kind\":\"%s\",\"household_id\":%lld,\"house_id\":%lld}", in->kind,
                            (long long)pl.household_id, (long long)pl.house_id),
                 err);
}

#define VCOLS                                                                                                \
    "v.id, v.house_id, v.household_id, v.grid_id, v.account_id, v.visited_at, v.case_id, v.created_at, "     \
    "v.updated_at, v.unit_path, g.name, h.house_code, b.name, h.entrance, h.room, hr.name, "                 \
    "ac.display_name, "                                                                                      \
    "v.kind, v.findings_enc, v.needs_enc, ci.number, v.met, v.version"
#define VFROM                                                                                                \
    " FROM visit v JOIN unit g ON g.id = v.grid_id JOIN house h ON h.id = v.house_id "                       \
    "JOIN building b ON b.id = h.building_id JOIN account ac ON ac.id = v.account_id "                       \
    "LEFT JOIN household hh ON hh.id = v.household_id LEFT JOIN resident hr ON hr.id = hh.head_resident_id " \
    "LEFT JOIN case_item ci ON ci.id = v.case_id "

static const char *dec(const gg_op_t *op, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_pii_decrypt(op->keys, op->arena, gg_db_text(r, col));
}

static void read_visit(const gg_op_t *op, gg_db_res_t *r, gg_visit_t *v)
{
    gg_arena_t *a = op->arena;
    memset(v, 0, sizeof *v);
    v->id = gg_db_i64(r, 0);
    v->house_id = gg_db_i64(r, 1);
    v->household_id = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
    v->grid_id = gg_db_i64(r, 3);
    v->account_id = gg_db_i64(r, 4);
    v->visited_at = gg_db_i64(r, 5);
    v->case_id = gg_db_isnull(r, 6) ? 0 : gg_db_i64(r, 6);
    v->created_at = gg_db_i64(r, 7);
    v->updated_at = gg_db_i64(r, 8);
    v->unit_path = gg_strdup(a, gg_db_text(r, 9));
    v->grid_name = gg_strdup(a, gg_db_text(r, 10));
    v->house_code = gg_strdup(a, gg_db_text(r, 11));
    v->house_label = gg_house_label(a, gg_db_text(r, 12), gg_db_isnull(r, 13) ? NULL : gg_db_text(r, 13),
                                    gg_db_text(r, 14));
    v->head_name = gg_db_isnull(r, 15) ? NULL : gg_strdup(a, gg_db_text(r, 15));
    v->account_name = gg_strdup(a, gg_db_text(r, 16));
    v->kind = gg_strdup(a, gg_db_text(r, 17));
    v->findings = dec(op, r, 18);
    v->needs = dec(op, r, 19);
    v->case_number = gg_db_isnull(r, 20) ? NULL : gg_strdup(a, gg_db_text(r, 20));
    v->met = (int)gg_db_i64(r, 21);
    v->version = (int)gg_db_i64(r, 22);
}

/* Whom was met, for rows[0..n). */
static int load_met(const gg_op_t *op, gg_visit_t *rows, int n, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    for (int i = 0; i < n; i++) {
        gg_db_res_t *r;
        if (gg_db_query(op->c,
                        "SELECT r.id, r.name FROM visit_resident vr JOIN resident r ON r.id = vr.resident_id "
                        "WHERE vr.visit_id = $1 ORDER BY r.id",
                        GG_ARGS(GG_I64(rows[i].id)), &r, err) < 0)
            return -1;
        rows[i].met_ids = gg_alloc(a, sizeof(int64_t) * GG_VISIT_MAX_MET);
        rows[i].met_names = gg_alloc(a, sizeof(char *) * GG_VISIT_MAX_MET);
        int step;
        while ((step = gg_db_next(r, err)) == 1 && rows[i].nmet < GG_VISIT_MAX_MET) {
            rows[i].met_ids[rows[i].nmet] = gg_db_i64(r, 0);
            rows[i].met_names[rows[i].nmet++] = gg_strdup(a, gg_db_text(r, 1));
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
    }
    return 0;
}

static const char *read_scope(const gg_op_t *op)
{
    return gg_scope_sql(op->arena, op->auth, GG_P_RESIDENT_READ, "v.unit_path");
}

int gg_visit_get(const gg_op_t *op, int64_t id, gg_visit_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    gg_sprintf(op->arena, "SELECT " VCOLS VFROM "WHERE v.id = $1 AND %s", read_scope(op)),
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_visit(op, r, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (!step) return gg_err_not_found(err, "there is no visit %lld", (long long)id);
    return load_met(op, out, 1, err);
}

int gg_visit_list(const gg_op_t *op, const gg_visit_filter_t *f, gg_visit_t **rows, int *n, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    const char *lo, *hi;
    if (gg_subtree_bounds(op->c, a, op->auth, f->unit_id, &lo, &hi, err) < 0) return -1;
    int limit = f->limit > 0 ? f->limit : 50;
    if (f->household_page) {
        int64_t one = 0;
        int found = 0;
        if (gg_db_query_i64(op->c,
                            gg_sprintf(a, "SELECT 1 FROM household hh WHERE hh.id = $1 AND %s",
                                       gg_scope_sql(a, op->auth, GG_P_RESIDENT_READ, "hh.unit_path")),
                            GG_ARGS(GG_I64(f->household_id)), &one, &found, err) < 0)
            return -1;
        if (!found) return gg_err_not_found(err, "there is no household %lld", (long long)f->household_id);
    }
    char *sql = gg_sprintf(a,
                           "SELECT " VCOLS VFROM "WHERE %s AND v.unit_path >= $1 AND v.unit_path < $2 "
                           "AND (CAST($3 AS BIGINT) = 0 OR v.id < $3) "
                           "AND (CAST($4 AS BIGINT) = 0 OR v.household_id = $4) "
                           "AND (CAST($5 AS BIGINT) = 0 OR v.house_id = $5) "
                           "AND (CAST($6 AS BIGINT) = 0 OR v.account_id = $6) "
                           "AND (CAST($7 AS TEXT) = '' OR v.kind = $7) "
                           "AND (CAST($8 AS BIGINT) = 0 OR v.visited_at >= $8) "
                           "AND (CAST($9 AS BIGINT) = 0 OR v.visited_at < $9) "
                           "ORDER BY v.id DESC LIMIT %d",
                           read_scope(op), limit);
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql,
                    GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(f->after_id), GG_I64(f->household_id),
                            GG_I64(f->house_id), GG_I64(f->account_id), GG_TEXT(f->kind ? f->kind : ""),
                            GG_I64(f->from_ms), GG_I64(f->to_ms)),
                    &r, err) < 0)
        return -1;
    *rows = gg_alloc(a, sizeof(gg_visit_t) * (size_t)limit);
    *n = 0;
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit)
        read_visit(op, r, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    if (step < 0) return -1;
    return load_met(op, *rows, *n, err);
}

int gg_visit_correct(const gg_op_t *op, int64_t id, const gg_visit_patch_t *p, int64_t now, gg_error_t *err)
{
    gg_visit_t v;
    if (gg_visit_get(op, id, &v, err) < 0) return -1;
    if (v.account_id != op->actor.account_id) {
        gg_err_forbidden(err, "only the visit's author corrects it");
        return gg_error_reason(err, "author_only");
    }
    if (now - v.created_at > GG_VISIT_CORRECTION_MS) {
        gg_error_set(err, 409, "conflict", NULL, "a visit is corrected within 24 hours of its recording");
        return gg_error_reason(err, "correction_closed");
    }
    if (p->version != v.version) {
        gg_error_set(err, 409, "conflict", "version", "the visit was changed meanwhile (version %d)",
                     v.version);
        return gg_error_reason(err, "version_conflict");
    }
    const char *findings = p->findings, *needs = p->needs;
    if ((p->kind && gg_choice_valid(p->kind, gg_visit_kinds, "kind", err) < 0) ||
        multiline(op->arena, &findings, "findings", err) < 0 ||
        multiline(op->arena, &needs, "needs", err) < 0)
        return -1;
    int met = p->has_met ? p->met : v.met;
    if (p->has_met_ids) {
        if (check_met(met, v.household_id, p->met_ids, p->nmet, err) < 0 ||
            put_met(op, id, v.household_id, p->met_ids, p->nmet, err) < 0)
            return -1;
    } else if (!met && v.nmet) {
        if (put_met(op, id, v.household_id, NULL, 0, err) < 0) return -1; /* nobody met: nobody named */
    }
    /* "" clears a text: p->findings set but empty after trimming */
    if (gg_db_exec(op->c,
                   "UPDATE visit SET kind = COALESCE($1, kind), met = $2, "
                   "findings_enc = CASE WHEN $3 = 1 THEN $4 ELSE findings_enc END, "
                   "needs_enc = CASE WHEN $5 = 1 THEN $6 ELSE needs_enc END, "
                   "updated_at = $7, version = version + 1 WHERE id = $8",
                   GG_ARGS(p->kind ? GG_TEXT(p->kind) : GG_NULL, GG_I64(met), GG_I64(p->findings ? 1 : 0),
                           findings ? GG_TEXT(enc(op, findings)) : GG_NULL, GG_I64(p->needs ? 1 : 0),
                           needs ? GG_TEXT(enc(op, needs)) : GG_NULL, GG_I64(now), GG_I64(id)),
                   NULL, err) < 0)
        return -1;
    return audit(op, "visit.correct", id, v.grid_id, NULL, err);
}

int gg_visit_to_case(gg_op_t *op, const gg_case_env_t *env, int64_t id, int64_t category_id,
                     const char *description, int64_t *case_id, gg_error_t *err)
{
    gg_visit_t v;
    if (gg_visit_get(op, id, &v, err) < 0) return -1;
    if (v.case_id) {
        gg_error_set(err, 409, "conflict", NULL, "a case was made from this visit already (%s)",
                     v.case_number);
        return gg_error_reason(err, "already_converted");
    }
    const char *text = description;
    if (multiline(op->arena, &text, "description", err) < 0) return -1;
    if (!text) text = v.needs;
    if (!text) return bad(err, "description", "required", "the visit raised no needs: describe the case");
    gg_case_in_t in = {.channel = "patrol",
                       .category_id = category_id,
                       .description = text,
                       .address = v.house_label,
                       .place_id = v.house_id};
    char secret[44];
    if (gg_case_in_check(&in, err) < 0 || gg_case_create(op, env, &in, case_id, secret, err) < 0) return -1;
    int64_t changed = 0;
    if (gg_db_exec(op->c, "UPDATE visit SET case_id = $1, updated_at = $2 WHERE id = $3 AND case_id IS NULL",
                   GG_ARGS(GG_I64(*case_id), GG_I64(env->now), GG_I64(id)), &changed, err) < 0)
        return -1;
    if (!changed) {
        gg_error_set(err, 409, "conflict", NULL, "a case was made from this visit already");
        return gg_error_reason(err, "already_converted");
    }
    return audit(op, "visit.to_case", id, v.grid_id,
                 gg_sprintf(op->arena, "{\"case_id\":%lld}", (long long)*case_id), err);
}

int gg_visit_coverage(const gg_op_t *op, int64_t unit_id, int64_t from, int64_t to,
                      gg_visit_coverage_t **rows, int *n, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    const char *lo, *hi;
    if (gg_subtree_bounds(op->c, a, op->auth, unit_id, &lo, &hi, err) < 0) return -1;
    char *sql = gg_sprintf(
        a,
        "SELECT b.grid_id, g.name, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM visit v WHERE "
        "v.household_id = hh.id AND v.visited_at >= $3 AND v.visited_at < $4) THEN 1 ELSE 0 END) "
        "FROM household hh JOIN house h ON h.id = hh.house_id JOIN building b ON b.id = h.building_id "
        "JOIN unit g ON g.id = b.grid_id WHERE hh.dissolved_at IS NULL AND hh.unit_path >= $1 "
        "AND hh.unit_path < $2 AND %s GROUP BY b.grid_id, g.name, g.code ORDER BY g.code",
        gg_scope_sql(a, op->auth, GG_P_RESIDENT_READ, "hh.unit_path"));
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(from), GG_I64(to)), &r, err) < 0)
        return -1;
    int cap = 64, step;
    *rows = gg_alloc(a, sizeof(gg_visit_coverage_t) * (size_t)cap);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_visit_coverage_t *more = gg_alloc(a, sizeof(gg_visit_coverage_t) * (size_t)cap * 2);
            memcpy(more, *rows, sizeof(gg_visit_coverage_t) * (size_t)cap);
            *rows = more;
            cap *= 2;
        }
        gg_visit_coverage_t *x = &(*rows)[(*n)++];
        x->grid_id = gg_db_i64(r, 0);
        x->grid_name = gg_strdup(a, gg_db_text(r, 1));
        x->households = gg_db_i64(r, 2);
        x->visited = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_visit_due(const gg_op_t *op, int64_t unit_id, int64_t now, int limit, gg_visit_due_t **rows, int *n,
                 int64_t *total, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    const char *lo, *hi;
    if (gg_subtree_bounds(op->c, a, op->auth, unit_id, &lo, &hi, err) < 0) return -1;
    const char *tags = "";
    for (int i = 0; gg_visit_special_tags[i]; i++)
        tags = gg_sprintf(a, "%s%s'%s'", tags, i ? ", " : "", gg_visit_special_tags[i]);
    const char *special =
        gg_sprintf(a,
                   "EXISTS (SELECT 1 FROM resident r JOIN resident_tag rt ON rt.resident_id = "
                   "r.id JOIN tag t ON t.id = rt.tag_id WHERE r.household_id = hh.id AND "
                   "r.departure IS NULL AND t.code IN (%s))",
                   tags);
    const char *where = gg_sprintf(
        a,
        "hh.dissolved_at IS NULL AND hh.unit_path >= $1 AND hh.unit_path < $2 AND %s AND %s AND NOT EXISTS "
        "(SELECT 1 FROM visit v WHERE v.household_id = hh.id AND v.visited_at >= $3)",
        gg_scope_sql(a, op->auth, GG_P_RESIDENT_READ, "hh.unit_path"), special);
    int found;
    if (gg_db_query_i64(op->c, gg_sprintf(a, "SELECT COUNT(*) FROM household hh WHERE %s", where),
                        GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(now - GG_VISIT_DUE_MS)), total, &found,
                        err) < 0)
        return -1;
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            gg_sprintf(a,
                       "SELECT hh.id, hh.house_id, b.grid_id, g.name, b.name, h.entrance, h.room, "
                       "hr.name, (SELECT MAX(v.visited_at) FROM visit v WHERE v.household_id = hh.id) "
                       "AS last_at FROM household hh JOIN house h ON h.id = hh.house_id "
                       "JOIN building b ON b.id = h.building_id JOIN unit g ON g.id = b.grid_id "
                       "LEFT JOIN resident hr ON hr.id = hh.head_resident_id WHERE %s "
                       "ORDER BY CASE WHEN (SELECT MAX(v.visited_at) FROM visit v WHERE v.household_id "
                       "= hh.id) IS NULL THEN 0 ELSE 1 END, last_at, hh.id LIMIT %d",
                       where, limit),
            GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(now - GG_VISIT_DUE_MS)), &r, err) < 0)
        return -1;
    *rows = gg_alloc(a, sizeof(gg_visit_due_t) * (size_t)(limit > 0 ? limit : 1));
    *n = 0;
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit) {
        gg_visit_due_t *x = &(*rows)[(*n)++];
        x->household_id = gg_db_i64(r, 0);
        x->house_id = gg_db_i64(r, 1);
        x->grid_id = gg_db_i64(r, 2);
        x->grid_name = gg_strdup(a, gg_db_text(r, 3));
        x->house_label = gg_house_label(a, gg_db_text(r, 4), gg_db_isnull(r, 5) ? NULL : gg_db_text(r, 5),
                                        gg_db_text(r, 6));
        x->head_name = gg_db_isnull(r, 7) ? NULL : gg_strdup(a, gg_db_text(r, 7));
        x->last_visited_at = gg_db_isnull(r, 8) ? 0 : gg_db_i64(r, 8);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* the special tags each household has, for the list's reason column */
    for (int i = 0; i < *n; i++) {
        if (gg_db_query(
                op->c,
                gg_sprintf(a,
                           "SELECT DISTINCT t.name, t.code FROM resident r JOIN resident_tag rt ON "
                           "rt.resident_id = r.id JOIN tag t ON t.id = rt.tag_id WHERE r.household_id = "
                           "$1 AND r.departure IS NULL AND t.code IN (%s) ORDER BY t.code",
                           tags),
                GG_ARGS(GG_I64((*rows)[i].household_id)), &r, err) < 0)
            return -1;
        const char *s = "";
        while ((step = gg_db_next(r, err)) == 1)
            s = gg_sprintf(a, "%s%s%s", s, *s ? "、" : "", gg_db_text(r, 0));
        gg_db_res_free(r);
        if (step < 0) return -1;
        (*rows)[i].tags = s;
    }
    return 0;
}

static int visit_visible(const gg_op_t *op, int64_t visit_id, gg_error_t *err)
{
    if (!op->auth) return gg_err_not_found(err, "no such attachment");
    gg_visit_t v;
    return gg_visit_get(op, visit_id, &v, err);
}

void gg_visit_attachments_init(void)
{
    gg_attachment_owner_register("visit", visit_visible);
}
