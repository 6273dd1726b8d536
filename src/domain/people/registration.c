/* registration.c — public QR registrations, their decision, and public rate limits (see registration.h). */
#include "domain/people/registration.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/change.h"
#include "domain/people/household.h"
#include "domain/people/id_probe.h"
#include "domain/tree/place.h"
#include "domain/people/resident.h"
#include "domain/scope.h"
#include "domain/validate.h"
#include "json/jw.h"

static const char *const statuses[] = {"pending", "approved", "rejected", NULL};
static const char *const resident_types[] = {"registered", "migrant", NULL};

void gg_public_limits_defaults(gg_public_limits_t *l)
{
    l->lookups_per_address = 300;
    l->submissions_per_address = 20;
    l->submissions_per_house = 5;
    l->attachments_per_address = 30;
    l->window_ms = 60 * 60000;
}

static char *id_text(gg_arena_t *a, int64_t id)
{
    return gg_sprintf(a, "%lld", (long long)id);
}

static const char *dup_text(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static int64_t opt_i64(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

/* ---- rate limits ---- */

struct hit_ctx {
    const char *key;
    int max;
    int64_t window_ms, now;
    int *retry_after_s;
};

static int hit_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct hit_ctx *x = ctx;
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "INSERT INTO rate_limit (key, hits, window_start) VALUES ($1, 1, $2) "
                    "ON CONFLICT (key) DO UPDATE SET "
                    "hits = CASE WHEN rate_limit.window_start > $3 THEN rate_limit.hits + 1 ELSE 1 END, "
                    "window_start = CASE WHEN rate_limit.window_start > $3 THEN rate_limit.window_start "
                    "ELSE $2 END "
                    "RETURNING hits, window_start",
                    GG_ARGS(GG_TEXT(x->key), GG_I64(x->now), GG_I64(x->now - x->window_ms)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    int64_t hits = step == 1 ? gg_db_i64(r, 0) : 0, start = step == 1 ? gg_db_i64(r, 1) : x->now;
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (hits > x->max) {
        /* refused: returning -1 rolls the count back, so a client hammering a closed window does not
         * push its end further away — the window ends when it was going to */
        int64_t left = start + x->window_ms - x->now;
        *x->retry_after_s = (int)((left > 0 ? left : 0) + 999) / 1000;
        if (*x->retry_after_s < 1) *x->retry_after_s = 1;
        return gg_error_set(err, 429, "too_many_requests", NULL,
                            "too many requests from here; try again in %d seconds", *x->retry_after_s);
    }
    return 0;
}

int gg_rate_limit_hit(gg_db_conn_t *c, const char *key, int max, int64_t window_ms, int *retry_after_s,
                      gg_error_t *err)
{
    int ignored = 0;
    struct hit_ctx x = {.key = key,
                        .max = max,
                        .window_ms = window_ms,
                        .now = gg_now_ms(),
                        .retry_after_s = retry_after_s ? retry_after_s : &ignored};
    return gg_db_tx(c, hit_tx, &x, err);
}

/* ---- the public view of a house ---- */

static int token_not_found(gg_error_t *err)
{
    /* one message for every kind of miss: a malformed, unknown, rotated or retired token must not be
     * told apart, or the answer would say which codes once existed */
    return gg_err_not_found(err, "this QR code is not valid (any more); ask your grid worker for a new one");
}

static int token_shape_ok(const char *t)
{
    size_t n = 0;
    for (; t && t[n]; n++) {
        char ch = t[n];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
              ch == '_'))
            return 0;
    }
    return n == 43;
}

/* The community above a unit path: the ids of the path are the candidates (paths are digits and slashes). */
static int community_of(gg_db_conn_t *c, gg_arena_t *a, const char *path, const char **name, gg_error_t *err)
{
    *name = NULL;
    if (!gg_unit_path_valid(path)) return 0;
    gg_buf_t ids = {0};
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *s = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p > s) {
            if (ids.len) gg_buf_putc(&ids, ',');
            gg_buf_append(&ids, s, (size_t)(p - s));
        }
    }
    int rc = 0;
    if (ids.len) {
        gg_db_res_t *r;
        char *sql = gg_sprintf(a, "SELECT name FROM unit WHERE level = 'community' AND id IN (%s)", ids.data);
        rc = gg_db_query(c, sql, GG_NOARGS, &r, err);
        if (rc == 0) {
            int step = gg_db_next(r, err);
            if (step == 1) *name = gg_strdup(a, gg_db_text(r, 0));
            gg_db_res_free(r);
            rc = step < 0 ? -1 : 0;
        }
    }
    gg_buf_free(&ids);
    return rc;
}

int gg_public_house_get(gg_db_conn_t *c, gg_arena_t *a, const char *token, gg_public_house_t *out,
                        gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!token_shape_ok(token)) return token_not_found(err);
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "SELECT h.id, h.unit_path, b.grid_id, b.name, h.entrance, h.room FROM house h "
                    "JOIN building b ON b.id = h.building_id "
                    "WHERE h.qr_token = $1 AND h.retired_at IS NULL AND b.retired_at IS NULL",
                    GG_ARGS(GG_TEXT(token)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        out->house_id = gg_db_i64(r, 0);
        out->unit_path = gg_strdup(a, gg_db_text(r, 1));
        out->grid_id = gg_db_i64(r, 2);
        out->building = gg_strdup(a, gg_db_text(r, 3));
        out->entrance = dup_text(a, r, 4);
        out->room = gg_strdup(a, gg_db_text(r, 5));
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return token_not_found(err);
    out->label = gg_house_label(a, out->building, out->entrance, out->room);
    return community_of(c, a, out->unit_path, &out->community, err);
}

/* ---- submission ---- */

int gg_registration_validate(gg_arena_t *a, gg_registration_in_t *in, gg_error_t *err)
{
    char today[11];
    gg_today(today);
    if (gg_text_field(a, &in->name, "name", 1, err) < 0) return -1;
    if (!in->id_number || !*in->id_number) return gg_err_invalid(err, "id_number", "ID number is required");
    gg_id_info_t id;
    if (gg_id_number_check(in->id_number, "id_number", today, &id, err) < 0) return -1;
    in->id_number = gg_strdup(a, id.number);
    if (!in->phone || !*in->phone)
        return gg_err_invalid(err, "phone", "a phone number is required, so your grid worker can reach you");
    if (gg_phone_valid(in->phone, "phone", err) < 0) return -1;
    if (!in->relation) return gg_err_invalid(err, "relation", "relation to the household head is required");
    if (gg_relation_valid(in->relation, "relation", err) < 0) return -1;
    return gg_text_field(a, &in->note, "note", 0, err);
}

struct submit_ctx {
    gg_arena_t *a;
    const gg_keys_t *keys;
    const gg_public_limits_t *l;
    const gg_public_house_t *h;
    const gg_registration_in_t *in;
    int *retry_after_s;
};

static int submit_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct submit_ctx *x = ctx;
    gg_arena_t *a = x->a;
    const gg_registration_in_t *in = x->in;
    /* counted inside the transaction: a submission that fails to be stored does not count */
    if (gg_rate_limit_hit(c, gg_sprintf(a, "submit:%s", in->client_ip ? in->client_ip : "unknown"),
                          x->l->submissions_per_address, x->l->window_ms, x->retry_after_s, err) < 0 ||
        gg_rate_limit_hit(c, gg_sprintf(a, "house:%lld", (long long)x->h->house_id),
                          x->l->submissions_per_house, x->l->window_ms, x->retry_after_s, err) < 0)
        return -1;
    int64_t now = gg_now_ms(), existing;
    int found;
    /* expired counters are dead weight; submissions are rare enough to sweep them here (indexed) */
    if (gg_db_exec(c, "DELETE FROM rate_limit WHERE window_start < $1",
                   GG_ARGS(GG_I64(now - x->l->window_ms)), NULL, err) < 0)
        return -1;
    const char *bidx = gg_pii_blind_index(x->keys, a, in->id_number);
    if (gg_db_query_i64(
            c,
            "SELECT id FROM registration WHERE house_id = $1 AND id_number_bidx = $2 AND status = "
            "'pending'",
            GG_ARGS(GG_I64(x->h->house_id), GG_TEXT(bidx)), &existing, &found, err) < 0)
        return -1;
    const char *enc_id = gg_pii_encrypt(x->keys, a, in->id_number),
               *enc_phone = gg_pii_encrypt(x->keys, a, in->phone),
               *phone_bidx = gg_pii_blind_index(x->keys, a, in->phone);
    int64_t id = existing;
    if (found) {
        /* the same person again at the same house: the newer details replace the pending ones */
        if (gg_db_exec(
                c,
                "UPDATE registration SET name = $1, id_number_enc = $2, phone_enc = $3, phone_bidx = $4, "
                "relation = $5, note = $6, client_ip = $7, submitted_at = $8, version = version + 1 "
                "WHERE id = $9",
                GG_ARGS(GG_TEXT(in->name), GG_TEXT(enc_id), GG_TEXT(enc_phone), GG_TEXT(phone_bidx),
                        GG_TEXT(in->relation), GG_TEXT(in->note), GG_TEXT(in->client_ip), GG_I64(now),
                        GG_I64(existing)),
                NULL, err) < 0)
            return -1;
    } else {
        gg_db_res_t *r;
        if (gg_db_query(
                c,
                "INSERT INTO registration (house_id, unit_path, name, id_number_enc, id_number_bidx, "
                "phone_enc, phone_bidx, relation, note, client_ip, submitted_at) VALUES ($1, $2, $3, $4, "
                "$5, $6, $7, $8, $9, $10, $11) RETURNING id",
                GG_ARGS(GG_I64(x->h->house_id), GG_TEXT(x->h->unit_path), GG_TEXT(in->name), GG_TEXT(enc_id),
                        GG_TEXT(bidx), GG_TEXT(enc_phone), GG_TEXT(phone_bidx), GG_TEXT(in->relation),
                        GG_TEXT(in->note), GG_TEXT(in->client_ip), GG_I64(now)),
                &r, err) < 0) {
            if (err->http_status == 409)
                gg_error_set(err, 409, "conflict", NULL,
                             "the same registration arrived twice at once; retry");
            return -1;
        }
        int step = gg_db_next(r, err);
        if (step == 1) id = gg_db_i64(r, 0);
        gg_db_res_free(r);
        if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "registration insert returned no id");
    }
    /* no name, number or phone on the record: the audit log is read by more people than may see them */
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "house_id", x->h->house_id);
    gg_change_note(&ch, "relation", in->relation);
    if (found) gg_change_note(&ch, "replaced", "pending registration of the same person");
    gg_actor_t actor = {.account_id = 0, .username = NULL, .client_ip = in->client_ip};
    gg_audit_entry_t e = {.action = "registration.submit",
                          .object_type = "registration",
                          .object_id = id_text(a, id),
                          .unit_id = x->h->grid_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, &actor, &e, err);
}

int gg_registration_submit(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_public_limits_t *l,
                           const char *token, gg_registration_in_t *in, int *retry_after_s, gg_error_t *err)
{
    gg_public_house_t h;
    /* the house first: a dead code is a 404 whatever the body says */
    if (gg_public_house_get(c, a, token, &h, err) < 0) return -1;
    if (gg_registration_validate(a, in, err) < 0) return -1;
    struct submit_ctx x = {.a = a, .keys = keys, .l = l, .h = &h, .in = in, .retry_after_s = retry_after_s};
    return gg_db_tx(c, submit_tx, &x, err);
}

/* ---- reading ---- */

#define REG_COLS                                                                                             \
    "r.id, r.house_id, b.grid_id, h.unit_path, r.status, h.house_code, b.name, h.entrance, h.room, r.name, " \
    "r.id_number_enc, r.phone_enc, r.relation, r.note, r.client_ip, r.submitted_at, r.decided_at, "          \
    "r.decided_by, ac.username, r.decision_note, r.resident_id, r.household_id, r.version"
#define REG_FROM                                                                                             \
    " FROM registration r JOIN house h ON h.id = r.house_id JOIN building b ON b.id = h.building_id "        \
    "LEFT JOIN account ac ON ac.id = r.decided_by "

static void read_reg(gg_db_res_t *r, gg_arena_t *a, const gg_keys_t *keys, gg_registration_t *o)
{
    memset(o, 0, sizeof *o);
    o->id = gg_db_i64(r, 0);
    o->house_id = gg_db_i64(r, 1);
    o->grid_id = gg_db_i64(r, 2);
    o->unit_path = gg_strdup(a, gg_db_text(r, 3));
    o->status = gg_strdup(a, gg_db_text(r, 4));
    o->house_code = gg_strdup(a, gg_db_text(r, 5));
    o->house_label =
        gg_house_label(a, gg_db_text(r, 6), gg_db_isnull(r, 7) ? NULL : gg_db_text(r, 7), gg_db_text(r, 8));
    o->name = gg_strdup(a, gg_db_text(r, 9));
    o->id_number = gg_pii_decrypt(keys, a, gg_db_text(r, 10));
    o->phone = gg_pii_decrypt(keys, a, gg_db_text(r, 11));
    o->relation = gg_strdup(a, gg_db_text(r, 12));
    o->note = dup_text(a, r, 13);
    o->client_ip = dup_text(a, r, 14);
    o->submitted_at = gg_db_i64(r, 15);
    o->decided_at = opt_i64(r, 16);
    o->decided_by = opt_i64(r, 17);
    o->decided_by_username = dup_text(a, r, 18);
    o->decision_note = dup_text(a, r, 19);
    o->resident_id = opt_i64(r, 20);
    o->household_id = opt_i64(r, 21);
    o->version = (int)gg_db_i64(r, 22);
}

int gg_registration_get(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                        int64_t id, gg_registration_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    char *sql = gg_sprintf(a, "SELECT " REG_COLS REG_FROM "WHERE r.id = $1 AND %s",
                           gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "h.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_reg(r, a, keys, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_err_not_found(err, "registration %lld does not exist or is outside your scope",
                                (long long)id);
    return 0;
}

int gg_registration_list(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                         const gg_registration_filter_t *f, const gg_page_t *page, gg_registration_t **rows,
                         int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    const char *lo, *hi;
    int step, limit = page->limit > 0 ? page->limit : 50;
    *n = 0;
    if (f->status && gg_choice_valid(f->status, statuses, "status", err) < 0) return -1;
    if (gg_subtree_bounds(c, a, auth, f->unit_id, &lo, &hi, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_registration_t) * (size_t)limit);
    char *sql = gg_sprintf(a,
                           "SELECT " REG_COLS REG_FROM
                           "WHERE %s AND h.unit_path >= $1 AND h.unit_path < $2 AND r.id > $3 "
                           "AND (CAST($4 AS TEXT) = '' OR r.status = $4) "
                           "AND (CAST($5 AS BIGINT) = 0 OR r.house_id = $5) ORDER BY r.id LIMIT %d",
                           gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "h.unit_path"), limit);
    if (gg_db_query(c, sql,
                    GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(page->after),
                            GG_TEXT(f->status ? f->status : ""), GG_I64(f->house_id)),
                    &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit)
        read_reg(r, a, keys, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* The resident holding the ID number, anywhere (id and unit path), or id 0. */
static int person_by_id_number(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const char *id_number,
                               int64_t *id, const char **path, const char **name, gg_error_t *err)
{
    gg_db_res_t *r;
    *id = 0;
    *path = *name = NULL;
    if (gg_db_query(c, "SELECT id, unit_path, name FROM resident WHERE id_number_bidx = $1",
                    GG_ARGS(GG_TEXT(gg_pii_blind_index(keys, a, id_number))), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        *id = gg_db_i64(r, 0);
        *path = gg_strdup(a, gg_db_text(r, 1));
        *name = gg_strdup(a, gg_db_text(r, 2));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_registration_match(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                          const gg_registration_t *r, int64_t *resident_id, const char **name,
                          gg_error_t *err)
{
    const char *path;
    if (person_by_id_number(c, a, keys, r->id_number, resident_id, &path, name, err) < 0) return -1;
    if (*resident_id && !gg_auth_can(auth, GG_P_RESIDENT_READ, path)) {
        *resident_id = 0;
        *name = NULL;
    }
    return 0;
}

int gg_registration_audit_reveal(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor,
                                 const gg_auth_t *auth, const gg_registration_t *r, const char *const *fields,
                                 int nfields, gg_error_t *err)
{
    if (!gg_auth_can(auth, GG_P_PII_READ, r->unit_path))
        return gg_err_forbidden(err, "you may not see unmasked personal data of this registration");
    return gg_audit_pii_read(c, a, actor, "registration", r->id, r->grid_id, fields, nfields, err);
}

/* ---- decisions ---- */

/* A pending registration the caller may decide on. */
static int load_pending(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                        int64_t id, int version, gg_registration_t *r, gg_error_t *err)
{
    if (gg_registration_get(c, a, keys, auth, id, r, err) < 0) return -1;
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, r->unit_path))
        return gg_err_forbidden(err, "you may not decide on registrations in this grid");
    if (strcmp(r->status, "pending") != 0)
        return gg_error_set(err, 409, "conflict", "status", "registration %lld is already %s",
                            (long long)r->id, r->status);
    if (version && version != r->version)
        return gg_error_set(
            err, 409, "version_conflict", "version",
            "the registration changed (version %d, you sent %d): the resident resubmitted it; "
            "reload and check again",
            r->version, version);
    return 0;
}

static int mark_decided(gg_db_conn_t *c, const gg_actor_t *actor, const gg_registration_t *r,
                        const char *status, const char *note, int64_t resident_id, int64_t household_id,
                        gg_error_t *err)
{
    int64_t changes;
    if (gg_db_exec(
            c,
            "UPDATE registration SET status = $1, decided_at = $2, decided_by = $3, decision_note = $4, "
            "resident_id = $5, household_id = $6, version = version + 1 "
            "WHERE id = $7 AND status = 'pending' AND version = $8",
            GG_ARGS(GG_TEXT(status), GG_I64(gg_now_ms()),
                    actor->account_id ? GG_I64(actor->account_id) : GG_NULL, GG_TEXT(note),
                    resident_id ? GG_I64(resident_id) : GG_NULL,
                    household_id ? GG_I64(household_id) : GG_NULL, GG_I64(r->id), GG_I64(r->version)),
            &changes, err) < 0)
        return -1;
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "the registration was decided or resubmitted at the same time; reload");
    return 0;
}

/* The house's household to join: the oldest live one, or a new one. */
static int target_household(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                            int64_t house_id, gg_household_t *k, int *created, gg_error_t *err)
{
    int64_t id;
    int found;
    *created = 0;
    if (gg_db_query_i64(
            c, "SELECT id FROM household WHERE house_id = $1 AND dissolved_at IS NULL ORDER BY id LIMIT 1",
            GG_ARGS(GG_I64(house_id)), &id, &found, err) < 0)
        return -1;
    if (!found) {
        if (gg_household_create(c, a, actor, auth, house_id, "family", 0, &id, err) < 0) return -1;
        *created = 1;
    }
    return gg_household_get(c, a, auth, id, k, err);
}

int gg_registration_approve(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                            const gg_auth_t *auth, int64_t id, const gg_registration_decision_t *d,
                            gg_error_t *err)
{
    gg_registration_t r;
    gg_house_t h;
    gg_household_t k;
    int new_household, new_resident = 0;
    if (load_pending(c, a, keys, auth, id, d->version, &r, err) < 0) return -1;
    const char *relation = d->relation ? d->relation : r.relation;
    if (gg_relation_valid(relation, "relation", err) < 0) return -1;
    if (d->resident_type && gg_choice_valid(d->resident_type, resident_types, "resident_type", err) < 0)
        return -1;
    const char *note = d->note;
    if (gg_text_field(a, &note, "note", 0, err) < 0) return -1;
    if (gg_house_get(c, a, auth, GG_P_RESIDENT_READ, r.house_id, &h, err) < 0) return -1;
    if (h.retired_at)
        return gg_error_set(err, 409, "conflict", NULL, "house %s is retired; reject the registration",
                            h.house_code);

    int64_t person;
    const char *person_path, *person_name;
    if (person_by_id_number(c, a, keys, r.id_number, &person, &person_path, &person_name, err) < 0) return -1;
    /* rationed like a create (a QR registration the worker submits and approves is a probe too): for every
     * number not in scope, so the refusal says nothing */
    if ((!person || !gg_auth_can(auth, GG_P_RESIDENT_WRITE, person_path)) &&
        gg_id_probe_check(c, auth, "id_number", err) < 0)
        return -1;
    if (person && !gg_auth_can(auth, GG_P_RESIDENT_WRITE, person_path)) {
        gg_id_probe_hit(c, auth);
        return gg_error_set(
            err, 409, "conflict", "id_number",
            "a resident with this ID number is registered outside your scope; their grid must "
            "move them out before this registration can be approved");
    }
    if (target_household(c, a, actor, auth, h.id, &k, &new_household, err) < 0) return -1;
    /* the registrant heads a household that has no head; a second "head" needs a relation from the worker */
    const char *eff = relation;
    int already_member = 0;
    if (person) {
        gg_resident_t cur;
        if (gg_resident_get(c, a, keys, auth, person, &cur, err) < 0) return -1;
        already_member = cur.household_id == k.id;
    }
    if (!already_member) {
        if (!k.head_resident_id)
            eff = "head";
        else if (strcmp(relation, "head") == 0)
            return gg_error_set(err, 409, "conflict", "relation",
                                "the household already has a head (%s); choose the registrant's relation to "
                                "them",
                                k.head_name ? k.head_name : "?");
    }
    int64_t resident_id = person;
    if (person) {
        /* a person we know: the registration corrects the name and the phone, and moves them here;
         * someone recorded as gone who registers at a door is back */
        gg_resident_t cur, next;
        if (gg_resident_get(c, a, keys, auth, person, &cur, err) < 0) return -1;
        if (cur.departure && (gg_resident_return(c, a, keys, actor, auth, person, cur.version, err) < 0 ||
                              gg_resident_get(c, a, keys, auth, person, &cur, err) < 0))
            return -1;
        next = cur;
        next.name = r.name;
        next.phone = r.phone;
        if ((strcmp(cur.name, next.name) != 0 || !cur.phone || strcmp(cur.phone, next.phone) != 0) &&
            gg_resident_update(c, a, keys, actor, auth, &cur, &next, cur.version, err) < 0)
            return -1;
        if (!already_member &&
            gg_household_add_member(c, a, actor, auth, k.id, person, eff, 0, "QR registration", err) < 0)
            return -1;
    } else {
        gg_resident_new_t in = {.r = {.name = r.name,
                                      .id_type = "resident_id",
                                      .id_number = r.id_number,
                                      .phone = r.phone,
                                      .resident_type = d->resident_type,
                                      .house_id = h.id},
                                .household_id = k.id,
                                .relation = eff};
        if (gg_resident_create(c, a, keys, actor, auth, &in, &resident_id, err) < 0) return -1;
        new_resident = 1;
    }
    if (mark_decided(c, actor, &r, "approved", note, resident_id, k.id, err) < 0) return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "house_id", h.id);
    gg_change_note_int(&ch, "resident_id", resident_id);
    gg_change_note_int(&ch, "household_id", k.id);
    gg_change_note(&ch, "resident", new_resident ? "created" : "updated");
    if (new_household) gg_change_note(&ch, "household", "created");
    gg_change_note(&ch, "relation", already_member ? "unchanged" : eff);
    if (note) gg_change_note(&ch, "note", note);
    gg_audit_entry_t e = {.action = "registration.approve",
                          .object_type = "registration",
                          .object_id = id_text(a, r.id),
                          .unit_id = h.grid_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_registration_reject(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                           const gg_auth_t *auth, int64_t id, const gg_registration_decision_t *d,
                           gg_error_t *err)
{
    gg_registration_t r;
    if (load_pending(c, a, keys, auth, id, d->version, &r, err) < 0) return -1;
    const char *reason = d->note;
    if (gg_text_field(a, &reason, "reason", 1, err) < 0) return -1;
    if (mark_decided(c, actor, &r, "rejected", reason, 0, 0, err) < 0) return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "house_id", r.house_id);
    gg_change_note(&ch, "reason", reason);
    gg_audit_entry_t e = {.action = "registration.reject",
                          .object_type = "registration",
                          .object_id = id_text(a, r.id),
                          .unit_id = r.grid_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

/* ---- QR token rotation ---- */

int gg_house_rotate_qr(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                       int64_t house_id, gg_error_t *err)
{
    gg_house_t h;
    if (gg_house_get(c, a, auth, GG_P_PLACE_READ, house_id, &h, err) < 0) return -1;
    if (!gg_auth_can(auth, GG_P_PLACE_WRITE, h.unit_path))
        return gg_err_forbidden(err, "you may not change house %s", h.house_code);
    if (h.retired_at) return gg_err_conflict(err, "house %s is retired", h.house_code);
    char token[44];
    gg_random_token(token);
    if (gg_db_exec(c, "UPDATE house SET qr_token = $1, updated_at = $2, version = version + 1 WHERE id = $3",
                   GG_ARGS(GG_TEXT(token), GG_I64(gg_now_ms()), GG_I64(h.id)), NULL, err) < 0)
        return -1;
    /* the token is a credential of sorts (it opens the registration page): not in the log */
    gg_audit_entry_t e = {.action = "house.qr_rotate",
                          .object_type = "house",
                          .object_id = id_text(a, h.id),
                          .unit_id = h.grid_id,
                          .detail_json = "{\"qr_token\":\"changed\"}"};
    return gg_audit_append(c, actor, &e, err);
}
