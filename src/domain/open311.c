/* open311.c — the Open311 channel: keys, services, questions, requests (open311.h). */
#include "domain/open311.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/crypto.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "domain/cases/calendar.h"
#include "domain/cases/case.h"
#include "domain/identity/audit.h"
#include "domain/setting.h"
#include "domain/tree/unit.h"
#include "json/jw.h"

static const char *dup(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static int64_t i64_or0(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

/* Grow *rows (elements of size) to hold one more; returns the new slot. */
static void *grow(gg_arena_t *a, void **rows, int n, int *cap, size_t size)
{
    if (n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        void *g = gg_alloc(a, size * (size_t)*cap);
        if (n) memcpy(g, *rows, size * (size_t)n);
        *rows = g;
    }
    return (char *)*rows + size * (size_t)n;
}

/* The end of a subtree's path range: "/1/7/" → "/1/70" ('0' follows '/'). */
static const char *path_end(gg_arena_t *a, const char *path)
{
    char *e = gg_strdup(a, path);
    size_t n = strlen(e);
    if (n && e[n - 1] == '/') e[n - 1] = '0';
    return e;
}

/* ---- keys ---- */

#define KEY_COLS                                                                                             \
    "k.id, k.unit_id, k.name, u.name, u.path, k.key_prefix, k.rate_per_minute, k.created_by, k.created_at, " \
    "k.revoked_at, k.last_used_at FROM open311_key k JOIN unit u ON u.id = k.unit_id"

static void key_row(gg_db_res_t *r, gg_arena_t *a, gg_o311_key_t *o)
{
    o->id = gg_db_i64(r, 0);
    o->unit_id = gg_db_i64(r, 1);
    o->name = dup(a, r, 2);
    o->unit_name = dup(a, r, 3);
    o->unit_path = dup(a, r, 4);
    o->key_prefix = dup(a, r, 5);
    o->rate_per_minute = (int)gg_db_i64(r, 6);
    o->created_by = i64_or0(r, 7);
    o->created_at = gg_db_i64(r, 8);
    o->revoked_at = i64_or0(r, 9);
    o->last_used_at = i64_or0(r, 10);
}

static int must_manage(gg_op_t *op, gg_error_t *err)
{
    int may;
    if (gg_settings_may_manage(op->c, op->arena, op->auth, &may, err) < 0) return -1;
    return may ? 0
               : gg_err_forbidden(err,
                                  "Open311 keys are shared settings; managing them needs settings.manage");
}

int gg_o311_key_list(gg_op_t *op, gg_o311_key_t **rows, int *n, gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    if (must_manage(op, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " KEY_COLS " ORDER BY k.revoked_at IS NOT NULL, k.name, k.id", GG_NOARGS,
                    &r, err) < 0)
        return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_o311_key_t *k = grow(op->arena, (void **)rows, *n, &cap, sizeof **rows);
        key_row(r, op->arena, k);
        (*n)++;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_o311_key_get(gg_op_t *op, int64_t id, gg_o311_key_t *out, gg_error_t *err)
{
    if (must_manage(op, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " KEY_COLS " WHERE k.id = $1", GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) key_row(r, op->arena, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    return step ? 0 : gg_err_not_found(err, "no Open311 key %lld", (long long)id);
}

static int audit(gg_op_t *op, const char *action, int64_t id, int64_t unit_id, const char *name,
                 gg_error_t *err)
{
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "name", name);
    gg_jw_kint(&w, "unit_id", unit_id);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = action,
                          .object_type = "open311_key",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .unit_id = unit_id,
                          .detail_json = gg_strdup(op->arena, b.data)};
    gg_buf_free(&b);
    return gg_audit_append(op->c, &op->actor, &e, err);
}

int gg_o311_key_create(gg_op_t *op, const char *name, int64_t unit_id, int rate_per_minute, int64_t *id,
                       char key[44], gg_error_t *err)
{
    if (must_manage(op, err) < 0) return -1;
    if (!name || !*name) {
        gg_err_invalid(err, "name", "a name is required");
        return gg_error_reason(err, "required");
    }
    if (gg_utf8_len(name) > 100) {
        gg_err_invalid(err, "name", "a name has at most 100 characters");
        return gg_error_limits(err, "too_long", 1, 1, 1, 100);
    }
    if (rate_per_minute < 1 || rate_per_minute > 10000) {
        gg_err_invalid(err, "rate_per_minute", "rate_per_minute is 1..10000");
        return gg_error_limits(err, "out_of_range", 1, 1, 1, 10000);
    }
    gg_unit_t u;
    int found = 0;
    if (gg_unit_by_id(op->c, op->arena, unit_id, &u, &found, err) < 0) return -1;
    if (!found || u.retired_at) {
        gg_err_invalid(err, "unit_id", "no such unit");
        return gg_error_reason(err, "not_found");
    }
    char hash[65], prefix[7];
    gg_random_token(key);
    gg_sha256_hex(key, strlen(key), hash);
    memcpy(prefix, key, 6);
    prefix[6] = '\0';
    int64_t now = gg_now_ms();
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO open311_key (name, unit_id, key_hash, key_prefix, rate_per_minute, created_by, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            GG_ARGS(GG_TEXT(name), GG_I64(unit_id), GG_TEXT(hash), GG_TEXT(prefix), GG_I64(rate_per_minute),
                    op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL, GG_I64(now)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_internal(err, "the key was not stored");
    return audit(op, "open311_key.create", *id, unit_id, name, err);
}

int gg_o311_key_revoke(gg_op_t *op, int64_t id, gg_error_t *err)
{
    gg_o311_key_t k;
    if (gg_o311_key_get(op, id, &k, err) < 0) return -1;
    if (k.revoked_at) return 0; /* revoking twice changes nothing */
    if (gg_db_exec(op->c, "UPDATE open311_key SET revoked_at = $2, revoked_by = $3 WHERE id = $1",
                   GG_ARGS(GG_I64(id), GG_I64(gg_now_ms()),
                           op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL),
                   NULL, err) < 0)
        return -1;
    return audit(op, "open311_key.revoke", id, k.unit_id, k.name, err);
}

int gg_o311_key_find(gg_db_conn_t *c, gg_arena_t *a, const char *key, gg_o311_key_t *out, int *found,
                     gg_error_t *err)
{
    *found = 0;
    if (!key || !*key || strlen(key) > 200) return 0;
    char hash[65];
    gg_sha256_hex(key, strlen(key), hash);
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT " KEY_COLS " WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
                    GG_ARGS(GG_TEXT(hash)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        key_row(r, a, out);
        *found = 1;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* ---- services ---- */

static const gg_category_t *by_id(const gg_category_t *tree, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (tree[i].id == id) return &tree[i];
    return NULL;
}

static const char *code_path(gg_arena_t *a, const gg_category_t *tree, int n, const gg_category_t *k)
{
    const char *path = k->code;
    for (const gg_category_t *p = by_id(tree, n, k->parent_id); p; p = by_id(tree, n, p->parent_id))
        path = gg_sprintf(a, "%s.%s", p->code, path);
    return path;
}

int gg_o311_services(gg_db_conn_t *c, gg_arena_t *a, gg_o311_service_t **rows, int *n, gg_error_t *err)
{
    gg_category_t *all, *offered;
    int nall, noffered;
    *rows = NULL;
    *n = 0;
    if (gg_category_tree(c, a, 0, &all, &nall, err) < 0 ||
        gg_category_tree(c, a, 1, &offered, &noffered, err) < 0)
        return -1;
    /* keywords and the number of questions per category, in one pass each */
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "SELECT k.id, k.open311_keywords, (SELECT COUNT(*) FROM category_attribute q WHERE "
                    "q.category_id = k.id) FROM category k",
                    GG_NOARGS, &r, err) < 0)
        return -1;
    int64_t *ids = gg_alloc(a, sizeof *ids * (size_t)(nall + 1));
    const char **kw = gg_alloc(a, sizeof *kw * (size_t)(nall + 1));
    int *nq = gg_alloc(a, sizeof *nq * (size_t)(nall + 1));
    int m = 0, step;
    while ((step = gg_db_next(r, err)) == 1 && m <= nall) {
        ids[m] = gg_db_i64(r, 0);
        kw[m] = dup(a, r, 1);
        nq[m] = (int)gg_db_i64(r, 2);
        m++;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    *rows = gg_zalloc(a, sizeof **rows * (size_t)(noffered ? noffered : 1));
    for (int i = 0; i < noffered; i++) {
        const gg_category_t *k = &offered[i];
        if (k->retired) continue;
        gg_o311_service_t *s = &(*rows)[(*n)++];
        s->category_id = k->id;
        s->code = code_path(a, all, nall, k);
        s->name = k->name;
        s->name_en = k->name_en;
        s->description =
            k->eff.text[GG_POLICY_OPEN_CONDITION] ? k->eff.text[GG_POLICY_OPEN_CONDITION] : k->name;
        const gg_category_t *parent = by_id(all, nall, k->parent_id);
        s->group = parent ? parent->name : NULL;
        for (int j = 0; j < m; j++)
            if (ids[j] == k->id) {
                s->keywords = kw[j];
                s->nattrs = nq[j];
            }
    }
    return 0;
}

int gg_o311_service_find(gg_db_conn_t *c, gg_arena_t *a, const char *code, gg_o311_service_t *out,
                         gg_error_t *err)
{
    gg_o311_service_t *rows;
    int n;
    if (gg_o311_services(c, a, &rows, &n, err) < 0) return -1;
    for (int i = 0; code && i < n; i++)
        if (!strcmp(rows[i].code, code)) {
            *out = rows[i];
            return 0;
        }
    gg_error_set(err, 404, "not_found", "service_code", "no service has the code \"%s\"", code ? code : "");
    return gg_error_reason(err, "not_found");
}

int gg_o311_attributes(gg_db_conn_t *c, gg_arena_t *a, int64_t category_id, gg_o311_attr_t **rows, int *n,
                       gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT q.id, q.code, q.datatype, q.required, q.description, q.datatype_description, q.sort, "
            "v.key, v.name FROM category_attribute q LEFT JOIN category_attribute_value v ON "
            "v.attribute_id = q.id WHERE q.category_id = $1 ORDER BY q.sort, q.id, v.sort, v.key",
            GG_ARGS(GG_I64(category_id)), &r, err) < 0)
        return -1;
    int cap = 0, step;
    int64_t last = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        int64_t qid = gg_db_i64(r, 0);
        if (qid != last) {
            gg_o311_attr_t *q = grow(a, (void **)rows, *n, &cap, sizeof **rows);
            memset(q, 0, sizeof *q);
            q->code = dup(a, r, 1);
            q->datatype = dup(a, r, 2);
            q->required = (int)gg_db_i64(r, 3);
            q->description = dup(a, r, 4);
            q->datatype_description = dup(a, r, 5);
            q->order = (int)gg_db_i64(r, 6);
            (*n)++;
            last = qid;
        }
        if (!gg_db_isnull(r, 7)) {
            gg_o311_attr_t *q = &(*rows)[*n - 1];
            gg_o311_value_t *v = gg_alloc(a, sizeof *v * (size_t)(q->nvalues + 1));
            if (q->nvalues) memcpy(v, q->values, sizeof *v * (size_t)q->nvalues);
            v[q->nvalues].key = dup(a, r, 7);
            v[q->nvalues].name = dup(a, r, 8);
            q->values = v;
            q->nvalues++;
        }
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* ---- requests ---- */

static int attr_error(gg_error_t *err, const char *code, const char *reason, const char *fmt,
                      const char *what)
{
    gg_error_set(err, 400, "validation_failed", NULL, fmt, code, what);
    snprintf(err->field, sizeof err->field, "attribute[%s]", code);
    return gg_error_reason(err, reason);
}

static int listed(const gg_o311_attr_t *q, const char *v)
{
    for (int i = 0; i < q->nvalues; i++)
        if (!strcmp(q->values[i].key, v)) return 1;
    return 0;
}

static int number_ok(const char *v)
{
    char *end;
    if (!*v || isspace((unsigned char)*v)) return 0;
    double d = strtod(v, &end);
    return *end == '\0' && isfinite(d);
}

/* The answers against the questions: every answer to a known question of the right shape, every required
 * question answered. */
static int check_answers(const gg_o311_attr_t *qs, int nq, const gg_o311_request_in_t *in, gg_error_t *err)
{
    for (int i = 0; i < in->nanswers; i++) {
        const gg_o311_answer_t *an = &in->answers[i];
        const gg_o311_attr_t *q = NULL;
        for (int j = 0; j < nq && !q; j++)
            if (!strcmp(qs[j].code, an->code)) q = &qs[j];
        if (!q)
            return attr_error(err, an->code, "unknown_field",
                              "attribute[%s] is not a question of this service%s", "");
        const char *v = an->value;
        int list = !strcmp(q->datatype, "singlevaluelist") || !strcmp(q->datatype, "multivaluelist");
        if (an->is_list && strcmp(q->datatype, "multivaluelist"))
            return attr_error(err, an->code, "wrong_type", "attribute[%s] takes one value%s", "");
        if (!*v && q->required)
            return attr_error(err, an->code, "required", "attribute[%s] is required%s", "");
        if (!*v) continue;
        if (list && !listed(q, v))
            return attr_error(err, an->code, "not_allowed", "attribute[%s]: \"%s\" is not one of its values",
                              v);
        if (!strcmp(q->datatype, "number") && !number_ok(v))
            return attr_error(err, an->code, "wrong_type", "attribute[%s]: \"%s\" is not a number", v);
        int64_t ms;
        if (!strcmp(q->datatype, "datetime") && gg_cal_parse_instant(v, &ms) < 0)
            return attr_error(err, an->code, "malformed",
                              "attribute[%s]: \"%s\" is not an RFC 3339 date-time", v);
        size_t max = !strcmp(q->datatype, "text") ? 5000 : 500;
        if (gg_utf8_len(v) > max)
            return attr_error(err, an->code, "too_long", "attribute[%s] is too long%s", "");
        if (!strcmp(q->datatype, "singlevaluelist") || !strcmp(q->datatype, "string") ||
            !strcmp(q->datatype, "number") || !strcmp(q->datatype, "datetime") ||
            !strcmp(q->datatype, "text"))
            for (int k = 0; k < i; k++)
                if (!strcmp(in->answers[k].code, an->code) && *in->answers[k].value)
                    return attr_error(err, an->code, "wrong_type", "attribute[%s] takes one value%s", "");
    }
    for (int j = 0; j < nq; j++) {
        if (!qs[j].required) continue;
        int answered = 0;
        for (int i = 0; i < in->nanswers && !answered; i++)
            answered = !strcmp(in->answers[i].code, qs[j].code) && *in->answers[i].value;
        if (!answered) return attr_error(err, qs[j].code, "required", "attribute[%s] is required%s", "");
    }
    return 0;
}

int gg_o311_request_create(gg_op_t *op, const gg_case_env_t *env, const gg_o311_request_in_t *in,
                           int64_t *case_id, const char **number, char token[44], gg_error_t *err)
{
    gg_o311_service_t svc;
    if (!in->service_code || !*in->service_code) {
        gg_err_invalid(err, "service_code", "service_code is required");
        return gg_error_reason(err, "required");
    }
    if (gg_o311_service_find(op->c, op->arena, in->service_code, &svc, err) < 0) {
        if (err->http_status == 404)
            err->http_status = 400; /* a POST naming an unknown service is a bad request */
        return -1;
    }
    gg_o311_attr_t *qs;
    int nq;
    if (gg_o311_attributes(op->c, op->arena, svc.category_id, &qs, &nq, err) < 0) return -1;
    if (check_answers(qs, nq, in, err) < 0) return -1;
    if (!in->has_point) {
        gg_err_invalid(err, "lat", "lat and long are required: this server routes a request by its position");
        return gg_error_reason(err, "required");
    }
    const char *name = NULL;
    if (in->first_name && *in->first_name && in->last_name && *in->last_name)
        name = gg_sprintf(op->arena, "%s %s", in->first_name, in->last_name);
    else if (in->first_name && *in->first_name)
        name = in->first_name;
    else if (in->last_name && *in->last_name)
        name = in->last_name;
    gg_case_in_t ci = {.channel = "open311",
                       .public = 1,
                       .category_id = svc.category_id,
                       .description = in->description && *in->description ? in->description : svc.name,
                       .address = in->address,
                       .has_point = 1,
                       .lat = in->lat,
                       .lon = in->lon,
                       .reporter_name = name,
                       .reporter_phone = in->phone,
                       .within_path = in->key->unit_path,
                       .within_field = "lat"};
    char secret[44];
    if (gg_case_create(op, env, &ci, case_id, secret, err) < 0) return -1;
    gg_random_token(token);
    const char *email = in->email && *in->email ? gg_pii_encrypt(op->keys, op->arena, in->email) : NULL;
    if (gg_db_exec(op->c,
                   "INSERT INTO open311_request (case_id, key_id, token, media_url, email_enc, created_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6)",
                   GG_ARGS(GG_I64(*case_id), GG_I64(in->key->id), GG_TEXT(token),
                           GG_TEXT(in->media_url && *in->media_url ? in->media_url : NULL), GG_TEXT(email),
                           GG_I64(env->now)),
                   NULL, err) < 0)
        return -1;
    for (int i = 0; i < in->nanswers; i++) {
        if (!*in->answers[i].value) continue;
        if (gg_db_exec(op->c,
                       "INSERT INTO case_attribute (case_id, code, value, sort) VALUES ($1, $2, $3, $4)",
                       GG_ARGS(GG_I64(*case_id), GG_TEXT(in->answers[i].code), GG_TEXT(in->answers[i].value),
                               GG_I64(i)),
                       NULL, err) < 0)
            return -1;
    }
    if (gg_db_exec(op->c, "UPDATE open311_key SET last_used_at = $2 WHERE id = $1",
                   GG_ARGS(GG_I64(in->key->id), GG_I64(env->now)), NULL, err) < 0)
        return -1;
    int64_t one;
    int found;
    (void)one;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT number FROM case_item WHERE id = $1", GG_ARGS(GG_I64(*case_id)), &r, err) <
        0)
        return -1;
    found = gg_db_next(r, err);
    if (found == 1) *number = gg_strdup(op->arena, gg_db_text(r, 0));
    gg_db_res_free(r);
    return found == 1 ? 0 : found < 0 ? -1 : gg_err_internal(err, "the case vanished");
}

int gg_o311_list_version(gg_db_conn_t *c, int64_t *version, gg_error_t *err)
{
    int found = 0;
    *version = 0;
    if (gg_db_query_i64(c, "SELECT MAX(updated_at) FROM case_item WHERE channel = 'open311'", GG_NOARGS,
                        version, &found, err) < 0)
        return -1;
    if (!found) *version = 0;
    return 0;
}

const char *gg_o311_status(const char *state)
{
    return gg_case_state_open(state) ? "open" : "closed";
}

int gg_o311_requests(gg_db_conn_t *c, gg_arena_t *a, const gg_o311_filter_t *f, gg_o311_request_t **rows,
                     int *n, gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    if (f->ncategories < 0 || f->nnumbers < 0) return 0;
    gg_db_arg_t *args = gg_alloc(a, sizeof *args * (size_t)(1000 + 500 + 8));
    int na = 0;
    gg_buf_t w = {0};
    gg_buf_puts(&w, "c.channel = 'open311'");
    if (f->nnumbers > 0) {
        gg_buf_puts(&w, " AND c.number IN (");
        for (int i = 0; i < f->nnumbers && na < 1000; i++) {
            args[na++] = GG_TEXT(f->numbers[i]);
            gg_buf_printf(&w, "%s$%d", i ? ", " : "", na);
        }
        gg_buf_puts(&w, ")");
    }
    if (f->ncategories > 0) {
        gg_buf_puts(&w, " AND c.category_id IN (");
        for (int i = 0; i < f->ncategories && i < 500; i++) {
            args[na++] = GG_I64(f->categories[i]);
            gg_buf_printf(&w, "%s$%d", i ? ", " : "", na);
        }
        gg_buf_puts(&w, ")");
    }
    if (f->start) {
        args[na++] = GG_I64(f->start);
        gg_buf_printf(&w, " AND c.created_at >= $%d", na);
    }
    if (f->end) {
        args[na++] = GG_I64(f->end);
        gg_buf_printf(&w, " AND c.created_at <= $%d", na);
    }
    if (f->status == 1)
        gg_buf_puts(&w, " AND c.state NOT IN ('closed', 'rated', 'rejected', 'merged')");
    else if (f->status == 2)
        gg_buf_puts(&w, " AND c.state IN ('closed', 'rated', 'rejected', 'merged')");
    if (f->within_path) {
        args[na++] = GG_TEXT(f->within_path);
        gg_buf_printf(&w, " AND c.unit_path >= $%d", na);
        args[na++] = GG_TEXT(path_end(a, f->within_path));
        gg_buf_printf(&w, " AND c.unit_path < $%d", na);
    }
    int limit = f->limit > 0 && f->limit <= GG_O311_MAX_LIST ? f->limit : GG_O311_MAX_LIST;
    const char *sql = gg_sprintf(
        a,
        "SELECT c.id, c.number, c.state, c.category_id, k.name, c.description, COALESCE(h.name, o.name), "
        "c.address, c.lat, c.lon, c.created_at, c.updated_at, COALESCE(c.due_at, c.response_due_at), "
        "(SELECT e.note FROM case_event e WHERE e.case_id = c.id AND e.public = 1 AND e.note IS NOT NULL "
        "AND e.note <> '' ORDER BY e.id DESC LIMIT 1), "
        /* from the case's few events to their links (CROSS JOIN: SQLite must not start at every link) */
        "(SELECT MIN(l.attachment_id) FROM case_event e CROSS JOIN attachment_link l WHERE e.case_id = c.id "
        "AND e.public = 1 AND l.owner_type = 'case_event' AND l.owner_id = e.id AND EXISTS (SELECT 1 FROM "
        "attachment t WHERE t.id = l.attachment_id AND t.mime LIKE 'image/%%')), r.media_url, r.token "
        "FROM case_item c JOIN category k ON k.id = c.category_id JOIN unit o ON o.id = c.owner_unit_id "
        "LEFT JOIN unit h ON h.id = c.handler_unit_id LEFT JOIN open311_request r ON r.case_id = c.id "
        "WHERE %s ORDER BY c.created_at DESC, c.id DESC LIMIT %d",
        w.data, limit);
    gg_buf_free(&w);
    gg_db_res_t *r;
    if (gg_db_query(c, sql, args, na, &r, err) < 0) return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_o311_request_t *q = grow(a, (void **)rows, *n, &cap, sizeof **rows);
        memset(q, 0, sizeof *q);
        q->case_id = gg_db_i64(r, 0);
        q->number = dup(a, r, 1);
        q->state = dup(a, r, 2);
        q->status = gg_o311_status(q->state);
        int64_t cat = gg_db_i64(r, 3);
        q->service_name = dup(a, r, 4);
        q->description = dup(a, r, 5);
        q->agency = dup(a, r, 6);
        q->address = dup(a, r, 7);
        q->has_point = !gg_db_isnull(r, 8) && !gg_db_isnull(r, 9);
        q->lat = q->has_point ? gg_db_f64(r, 8) : 0;
        q->lon = q->has_point ? gg_db_f64(r, 9) : 0;
        q->requested_at = gg_db_i64(r, 10);
        q->updated_at = gg_db_i64(r, 11);
        q->expected_at = i64_or0(r, 12);
        q->status_notes = dup(a, r, 13);
        q->photo_id = i64_or0(r, 14);
        q->media_url = dup(a, r, 15);
        q->token = dup(a, r, 16);
        q->category_id = cat; /* its service_code (the code path) is filled in below */
        (*n)++;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* service codes: the code paths of the whole catalogue (a retired category keeps its code), from one
     * light read of (id, parent_id, code) rather than the policy tree */
    if (*n) {
        if (gg_db_query(c, "SELECT id, parent_id, code FROM category", GG_NOARGS, &r, err) < 0) return -1;
        int m = 0, mcap = 0;
        gg_category_t *all = NULL;
        while ((step = gg_db_next(r, err)) == 1) {
            gg_category_t *k = grow(a, (void **)&all, m, &mcap, sizeof *all);
            memset(k, 0, sizeof *k);
            k->id = gg_db_i64(r, 0);
            k->parent_id = i64_or0(r, 1);
            k->code = dup(a, r, 2);
            m++;
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
        /* one path per category, however many requests share it */
        int64_t last_cat = 0;
        const char *last_path = NULL;
        for (int i = 0; i < *n; i++) {
            int64_t cat = (*rows)[i].category_id;
            if (cat != last_cat || !last_path) {
                const gg_category_t *k = by_id(all, m, cat);
                last_path = k ? code_path(a, all, m, k) : "";
                last_cat = cat;
            }
            (*rows)[i].service_code = last_path;
        }
    }
    return 0;
}

int gg_o311_token_number(gg_db_conn_t *c, gg_arena_t *a, const char *token, const char **number,
                         gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT c.number FROM open311_request r JOIN case_item c ON c.id = r.case_id WHERE r.token = $1",
            GG_ARGS(GG_TEXT(token)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *number = gg_strdup(a, gg_db_text(r, 0));
    gg_db_res_free(r);
    if (step < 0) return -1;
    return step ? 0 : gg_err_not_found(err, "no request has this token");
}

int gg_o311_media(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_attachment_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT t.id, t.sha256, t.mime, t.size, t.name, t.linked_at, t.created_at FROM attachment t "
            "WHERE t.id = $1 AND t.mime LIKE 'image/%' AND EXISTS (SELECT 1 FROM attachment_link l "
            "JOIN case_event e ON e.id = l.owner_id JOIN case_item k ON k.id = e.case_id WHERE "
            "l.attachment_id = t.id AND l.owner_type = 'case_event' AND e.public = 1 AND "
            "k.channel = 'open311')",
            GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        memset(out, 0, sizeof *out);
        out->id = gg_db_i64(r, 0);
        out->sha256 = dup(a, r, 1);
        out->mime = dup(a, r, 2);
        out->size = gg_db_i64(r, 3);
        out->name = dup(a, r, 4);
        out->linked_at = i64_or0(r, 5);
        out->created_at = gg_db_i64(r, 6);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    return step ? 0 : gg_err_not_found(err, "no such media");
}

int gg_o311_case_answers(gg_op_t *op, int64_t case_id, gg_o311_answer_t **rows, int *n, gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    if (gg_case_visible(op, case_id, err) < 0) return -1;
    gg_db_res_t *r;
    /* with the question and the list value's name, as the category asks them now */
    if (gg_db_query(op->c,
                    "SELECT a.code, a.value, (SELECT q.description FROM category_attribute q WHERE "
                    "q.category_id = c.category_id AND q.code = a.code LIMIT 1), (SELECT v.name FROM "
                    "category_attribute q JOIN category_attribute_value v ON v.attribute_id = q.id WHERE "
                    "q.category_id = c.category_id AND q.code = a.code AND v.key = a.value LIMIT 1) "
                    "FROM case_attribute a JOIN case_item c ON c.id = a.case_id WHERE a.case_id = $1 "
                    "ORDER BY a.sort",
                    GG_ARGS(GG_I64(case_id)), &r, err) < 0)
        return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_o311_answer_t *an = grow(op->arena, (void **)rows, *n, &cap, sizeof **rows);
        an->code = dup(op->arena, r, 0);
        an->value = dup(op->arena, r, 1);
        an->question = dup(op->arena, r, 2);
        an->value_name = dup(op->arena, r, 3);
        an->is_list = 0;
        (*n)++;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}
