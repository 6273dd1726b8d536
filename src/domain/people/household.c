/* household.c — households, heads, members and their move history (see household.h). */
#include "domain/people/household.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/change.h"
#include "domain/tree/place.h"
#include "domain/scope.h"
#include "domain/validate.h"

static const char *const kinds[] = {"family", "collective", "rental", NULL};
/* GB/T 4761 (simplified): 户主, 配偶, 子女, 父母, 祖父母, 孙子女, 兄弟姐妹, 儿媳/女婿, 其他 */
static const char *const relations[] = {"head",       "spouse",  "child",        "parent", "grandparent",
                                        "grandchild", "sibling", "child_in_law", "other",  NULL};

int gg_relation_valid(const char *relation, const char *field, gg_error_t *err)
{
    return gg_choice_valid(relation, relations, field, err);
}

#define HOUSEHOLD_COLS                                                                                       \
    "k.id, k.house_id, b.grid_id, k.head_resident_id, k.unit_path, k.kind, h.house_code, b.name, "           \
    "h.entrance, "                                                                                           \
    "h.room, (SELECT p.name FROM resident p WHERE p.id = k.head_resident_id), "                              \
    "(SELECT count(*) FROM resident m WHERE m.household_id = k.id), k.created_at, k.updated_at, "            \
    "k.dissolved_at, k.version"
#define HOUSEHOLD_FROM                                                                                       \
    " FROM household k JOIN house h ON h.id = k.house_id JOIN building b ON b.id = h.building_id "

static char *id_text(gg_arena_t *a, int64_t id)
{
    return gg_sprintf(a, "%lld", (long long)id);
}

static void read_household(gg_db_res_t *r, gg_arena_t *a, gg_household_t *k)
{
    k->id = gg_db_i64(r, 0);
    k->house_id = gg_db_i64(r, 1);
    k->grid_id = gg_db_i64(r, 2);
    k->head_resident_id = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
    k->unit_path = gg_strdup(a, gg_db_text(r, 4));
    k->kind = gg_strdup(a, gg_db_text(r, 5));
    k->house_code = gg_strdup(a, gg_db_text(r, 6));
    k->house_label =
        gg_house_label(a, gg_db_text(r, 7), gg_db_isnull(r, 8) ? NULL : gg_db_text(r, 8), gg_db_text(r, 9));
    k->head_name = gg_db_isnull(r, 10) ? NULL : gg_strdup(a, gg_db_text(r, 10));
    k->member_count = gg_db_i64(r, 11);
    k->created_at = gg_db_i64(r, 12);
    k->updated_at = gg_db_i64(r, 13);
    k->dissolved_at = gg_db_isnull(r, 14) ? 0 : gg_db_i64(r, 14);
    k->version = (int)gg_db_i64(r, 15);
}

static int audit(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const char *action,
                 const gg_household_t *k, gg_change_t *ch, gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = "household",
                          .object_id = id_text(a, k->id),
                          .unit_id = k->grid_id,
                          .detail_json = gg_change_done(ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_household_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_household_t *out,
                     gg_error_t *err)
{
    gg_db_res_t *r;
    char *sql = gg_sprintf(a, "SELECT " HOUSEHOLD_COLS HOUSEHOLD_FROM "WHERE k.id = $1 AND %s",
                           gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "k.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_household(r, a, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_err_not_found(err, "household %lld does not exist or is outside your scope", (long long)id);
    return 0;
}

int gg_household_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_household_filter_t *f,
                      const gg_page_t *page, gg_household_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    const char *lo, *hi;
    int step, limit = page->limit > 0 ? page->limit : 50;
    *n = 0;
    if (gg_subtree_bounds(c, a, auth, f->unit_id, &lo, &hi, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_household_t) * (size_t)limit);
    char *sql = gg_sprintf(a,
                           "SELECT " HOUSEHOLD_COLS HOUSEHOLD_FROM
                           "WHERE %s AND k.unit_path >= $1 AND k.unit_path < $2 AND k.id > $3 "
                           "AND (CAST($4 AS BIGINT) = 0 OR k.house_id = $4) "
                           "AND ($5 = 1 OR k.dissolved_at IS NULL) ORDER BY k.id LIMIT %d",
                           gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "k.unit_path"), limit);
    if (gg_db_query(c, sql,
                    GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(page->after), GG_I64(f->house_id),
                            GG_I64(f->include_dissolved ? 1 : 0)),
                    &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit)
        read_household(r, a, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_household_members(gg_db_conn_t *c, gg_arena_t *a, int64_t household_id, int history,
                         gg_member_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    int cap = 16, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_member_t) * (size_t)cap);
    const char *sql =
        history ? "SELECT m.resident_id, p.name, m.relation, m.in_reason, m.out_reason, m.moved_in_at, "
                  "m.moved_out_at "
                  "FROM household_move m JOIN resident p ON p.id = m.resident_id WHERE m.household_id = $1 "
                  "ORDER BY m.id"
                : "SELECT m.resident_id, p.name, m.relation, m.in_reason, m.out_reason, m.moved_in_at, "
                  "m.moved_out_at "
                  "FROM household_move m JOIN resident p ON p.id = m.resident_id WHERE m.household_id = $1 "
                  "AND m.moved_out_at IS NULL ORDER BY m.relation <> 'head', m.id";
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(household_id)), &r, err) < 0) return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_member_t *bigger = gg_alloc(a, sizeof(gg_member_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_member_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        gg_member_t *m = &(*rows)[(*n)++];
        m->resident_id = gg_db_i64(r, 0);
        m->name = gg_strdup(a, gg_db_text(r, 1));
        m->relation = gg_db_isnull(r, 2) ? NULL : gg_strdup(a, gg_db_text(r, 2));
        m->in_reason = gg_db_isnull(r, 3) ? NULL : gg_strdup(a, gg_db_text(r, 3));
        m->out_reason = gg_db_isnull(r, 4) ? NULL : gg_strdup(a, gg_db_text(r, 4));
        m->moved_in_at = gg_db_i64(r, 5);
        m->moved_out_at = gg_db_isnull(r, 6) ? 0 : gg_db_i64(r, 6);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_household_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        int64_t house_id, const char *kind, int64_t head_resident_id, int64_t *id,
                        gg_error_t *err)
{
    gg_house_t h;
    if (gg_house_get(c, a, auth, GG_P_RESIDENT_READ, house_id, &h, err) < 0) {
        snprintf(err->field, sizeof err->field, "house_id");
        return -1;
    }
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, h.unit_path))
        return gg_err_forbidden(err, "you may not register households in house %s", h.house_code);
    if (h.retired_at) return gg_err_invalid(err, "house_id", "house %s is retired", h.house_code);
    if (!kind) kind = "family";
    if (gg_choice_valid(kind, kinds, "kind", err) < 0) return -1;
    int64_t now = gg_now_ms();
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "INSERT INTO household (house_id, unit_path, kind, created_at, updated_at) "
                    "VALUES ($1, $2, $3, $4, $4) RETURNING id",
                    GG_ARGS(GG_I64(h.id), GG_TEXT(h.unit_path), GG_TEXT(kind), GG_I64(now)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "household insert returned no id");
    gg_household_t k = {.id = *id, .grid_id = h.grid_id};
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "house_id", h.id);
    gg_change_note(&ch, "kind", kind);
    if (audit(c, a, actor, "household.create", &k, &ch, err) < 0) return -1;
    if (head_resident_id &&
        gg_household_add_member(c, a, actor, auth, *id, head_resident_id, "head", 0, NULL, err) < 0) {
        if (strcmp(err->field, "resident_id") == 0)
            snprintf(err->field, sizeof err->field, "head_resident_id");
        return -1;
    }
    return 0;
}

/* The resident as the membership code needs it, within the caller's resident.read scope (404 naming field).
 */
typedef struct who {
    int64_t id, household_id, moved_in_at;
    const char *name, *relation, *unit_path;
} who_t;

static int load_who(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, who_t *w,
                    gg_error_t *err)
{
    gg_db_res_t *r;
    char *sql = gg_sprintf(
        a,
        "SELECT r.id, r.household_id, r.moved_in_at, r.name, r.relation, r.unit_path FROM resident r "
        "WHERE r.id = $1 AND %s",
        gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "r.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        w->id = gg_db_i64(r, 0);
        w->household_id = gg_db_isnull(r, 1) ? 0 : gg_db_i64(r, 1);
        w->moved_in_at = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
        w->name = gg_strdup(a, gg_db_text(r, 3));
        w->relation = gg_db_isnull(r, 4) ? NULL : gg_strdup(a, gg_db_text(r, 4));
        w->unit_path = gg_strdup(a, gg_db_text(r, 5));
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_error_set(err, 404, "not_found", "resident_id",
                            "resident %lld does not exist or is outside your scope", (long long)id);
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, w->unit_path))
        return gg_err_forbidden(err, "you may not change the household of resident %lld", (long long)id);
    return 0;
}

/* A move date: not in the future, not before the move it ends or follows. */
static int move_time(int64_t at, int64_t not_before, int64_t *out, gg_error_t *err)
{
    int64_t now = gg_now_ms();
    *out = at ? at : now;
    if (*out > now) return gg_err_invalid(err, "date", "the date of a move cannot be in the future");
    if (*out < not_before)
        return gg_err_invalid(err, "date", "the date is before the resident moved in; check the date");
    return 0;
}

/* Close the resident's open membership and clear their household fields. */
static int close_membership(gg_db_conn_t *c, int64_t resident_id, int64_t household_id, int64_t at,
                            const char *reason, gg_error_t *err)
{
    if (gg_db_exec(c,
                   "UPDATE household_move SET moved_out_at = $1, out_reason = $2 WHERE resident_id = $3 "
                   "AND household_id = $4 AND moved_out_at IS NULL",
                   GG_ARGS(GG_I64(at), GG_TEXT(reason), GG_I64(resident_id), GG_I64(household_id)), NULL,
                   err) < 0)
        return -1;
    return gg_db_exec(c,
                      "UPDATE household SET head_resident_id = NULL, updated_at = $1, version = version + 1 "
                      "WHERE id = $2 AND head_resident_id = $3",
                      GG_ARGS(GG_I64(at), GG_I64(household_id), GG_I64(resident_id)), NULL, err);
}

/* The head may leave only as the last member: a household with people and no head would be a data error. */
static int head_may_leave(gg_db_conn_t *c, const gg_household_t *k, int64_t resident_id, gg_error_t *err)
{
    if (k->head_resident_id != resident_id || k->member_count <= 1) return 0;
    gg_error_set(err, 409, "conflict", "resident_id",
                 "resident %lld is the head of household %lld, which has other members; choose another "
                 "head first",
                 (long long)resident_id, (long long)k->id);
    return gg_error_reason(err, "head_with_members");
}

int gg_household_add_member(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                            int64_t household_id, int64_t resident_id, const char *relation, int64_t at,
                            const char *reason, gg_error_t *err)
{
    gg_household_t k, old;
    who_t w;
    int64_t when;
    if (gg_household_get(c, a, auth, household_id, &k, err) < 0) return -1;
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, k.unit_path))
        return gg_err_forbidden(err, "you may not change household %lld", (long long)household_id);
    if (k.dissolved_at)
        return gg_error_set(err, 409, "conflict", "household_id", "household %lld is dissolved",
                            (long long)k.id);
    if (gg_relation_valid(relation, "relation", err) < 0) return -1;
    int as_head = strcmp(relation, "head") == 0;
    if (as_head && k.head_resident_id)
        return gg_error_set(err, 409, "conflict", "relation",
                            "household %lld already has a head; change the head with PATCH", (long long)k.id);
    if (load_who(c, a, auth, resident_id, &w, err) < 0) return -1;
    if (w.household_id == k.id) {
        gg_error_set(err, 409, "conflict", "resident_id", "%s is already a member of household %lld", w.name,
                     (long long)k.id);
        return gg_error_reason(err, "already_member");
    }
    if (move_time(at, w.household_id ? w.moved_in_at : 0, &when, err) < 0) return -1;
    if (w.household_id) {
        /* joining another household moves the resident out of the old one, on the record of both */
        if (gg_household_get(c, a, auth, w.household_id, &old, err) < 0) return -1;
        if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, old.unit_path))
            return gg_err_forbidden(err, "you may not move %s out of household %lld", w.name,
                                    (long long)old.id);
        if (head_may_leave(c, &old, w.id, err) < 0) return -1;
        if (close_membership(c, w.id, old.id, when, gg_sprintf(a, "moved to household %lld", (long long)k.id),
                             err) < 0)
            return -1;
        gg_change_t och;
        gg_change_init(&och);
        gg_change_note_int(&och, "resident_id", w.id);
        gg_change_note_int(&och, "to_household", k.id);
        if (audit(c, a, actor, "household.member.out", &old, &och, err) < 0) return -1;
    }
    if (gg_db_exec(c,
                   "INSERT INTO household_move (resident_id, household_id, relation, moved_in_at, in_reason) "
                   "VALUES ($1, $2, $3, $4, $5)",
                   GG_ARGS(GG_I64(w.id), GG_I64(k.id), GG_TEXT(relation), GG_I64(when), GG_TEXT(reason)),
                   NULL, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "resident_id",
                         "%s joined another household at the same time; retry", w.name);
        return -1;
    }
    /* the resident now lives in the household's house, in its grid */
    if (gg_db_exec(
            c,
            "UPDATE resident SET household_id = $1, house_id = $2, unit_id = $3, unit_path = $4, relation = "
            "$5, "
            "moved_in_at = $6, moved_out_at = NULL, updated_at = $7, version = version + 1 WHERE id = $8",
            GG_ARGS(GG_I64(k.id), GG_I64(k.house_id), GG_I64(k.grid_id), GG_TEXT(k.unit_path),
                    GG_TEXT(relation), GG_I64(when), GG_I64(gg_now_ms()), GG_I64(w.id)),
            NULL, err) < 0)
        return -1;
    if (as_head &&
        gg_db_exec(c,
                   "UPDATE household SET head_resident_id = $1, updated_at = $2, version = version + 1 "
                   "WHERE id = $3",
                   GG_ARGS(GG_I64(w.id), GG_I64(gg_now_ms()), GG_I64(k.id)), NULL, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "resident_id", w.id);
    gg_change_note(&ch, "relation", relation);
    if (w.household_id) gg_change_note_int(&ch, "from_household", w.household_id);
    if (reason) gg_change_note(&ch, "reason", reason);
    return audit(c, a, actor, "household.member.in", &k, &ch, err);
}

/* Load the household and check that resident_id is a current member the caller may change. */
static int member_of(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t household_id,
                     int64_t resident_id, gg_household_t *k, who_t *w, gg_error_t *err)
{
    if (gg_household_get(c, a, auth, household_id, k, err) < 0) return -1;
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, k->unit_path))
        return gg_err_forbidden(err, "you may not change household %lld", (long long)household_id);
    if (load_who(c, a, auth, resident_id, w, err) < 0) return -1;
    if (w->household_id != k->id)
        return gg_error_set(err, 404, "not_found", "resident_id",
                            "resident %lld is not a member of household %lld", (long long)resident_id,
                            (long long)household_id);
    return 0;
}

int gg_household_move_out(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                          int64_t household_id, int64_t resident_id, int64_t at, const char *reason,
                          gg_error_t *err)
{
    gg_household_t k;
    who_t w;
    int64_t when;
    if (member_of(c, a, auth, household_id, resident_id, &k, &w, err) < 0) return -1;
    if (head_may_leave(c, &k, w.id, err) < 0) return -1;
    if (move_time(at, w.moved_in_at, &when, err) < 0) return -1;
    if (close_membership(c, w.id, k.id, when, reason, err) < 0) return -1;
    /* the record stays with the grid the person lived in; they are no longer in any house */
    if (gg_db_exec(
            c,
            "UPDATE resident SET household_id = NULL, house_id = NULL, relation = NULL, moved_out_at = $1, "
            "updated_at = $2, version = version + 1 WHERE id = $3",
            GG_ARGS(GG_I64(when), GG_I64(gg_now_ms()), GG_I64(w.id)), NULL, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "resident_id", w.id);
    if (reason) gg_change_note(&ch, "reason", reason);
    return audit(c, a, actor, "household.member.out", &k, &ch, err);
}

static int set_relation(gg_db_conn_t *c, int64_t household_id, int64_t resident_id, const char *relation,
                        gg_error_t *err)
{
    if (gg_db_exec(c,
                   "UPDATE household_move SET relation = $1 WHERE resident_id = $2 AND household_id = $3 "
                   "AND moved_out_at IS NULL",
                   GG_ARGS(GG_TEXT(relation), GG_I64(resident_id), GG_I64(household_id)), NULL, err) < 0)
        return -1;
    return gg_db_exec(
        c, "UPDATE resident SET relation = $1, updated_at = $2, version = version + 1 WHERE id = $3",
        GG_ARGS(GG_TEXT(relation), GG_I64(gg_now_ms()), GG_I64(resident_id)), NULL, err);
}

int gg_household_set_relation(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                              int64_t household_id, int64_t resident_id, const char *relation,
                              gg_error_t *err)
{
    gg_household_t k;
    who_t w;
    if (member_of(c, a, auth, household_id, resident_id, &k, &w, err) < 0) return -1;
    if (gg_relation_valid(relation, "relation", err) < 0) return -1;
    if (strcmp(relation, "head") == 0 || k.head_resident_id == w.id)
        return gg_err_invalid(err, "relation",
                              "the head changes with PATCH /api/v1/households/%lld (head_resident_id)",
                              (long long)k.id);
    if (set_relation(c, k.id, w.id, relation, err) < 0) return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "resident_id", w.id);
    gg_change_str(&ch, "relation", w.relation, relation);
    return audit(c, a, actor, "household.member.update", &k, &ch, err);
}

int gg_household_update(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        int64_t id, const gg_household_patch_t *p, gg_error_t *err)
{
    gg_household_t k;
    if (gg_household_get(c, a, auth, id, &k, err) < 0) return -1;
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, k.unit_path))
        return gg_err_forbidden(err, "you may not change household %lld", (long long)id);
    if (p->version != k.version)
        return gg_error_set(
            err, 409, "version_conflict", "version",
            "household %lld was changed by someone else (version %d, you sent %d); reload and retry",
            (long long)id, k.version, p->version);
    if (k.dissolved_at)
        return gg_error_set(err, 409, "conflict", NULL, "household %lld is dissolved", (long long)id);
    const char *kind = p->kind ? p->kind : k.kind;
    if (gg_choice_valid(kind, kinds, "kind", err) < 0) return -1;
    if (p->dissolve && k.member_count > 0)
        return gg_error_set(err, 409, "conflict", "dissolved",
                            "household %lld still has %lld members; move them out first", (long long)id,
                            (long long)k.member_count);
    /* every field sent is checked, whether or not it takes effect on this write */
    const char *former = p->former_head_relation ? p->former_head_relation : "other";
    if (gg_relation_valid(former, "former_head_relation", err) < 0) return -1;
    if (strcmp(former, "head") == 0)
        return gg_err_invalid(err, "former_head_relation", "a household has one head");
    int64_t head = k.head_resident_id;
    if (p->head_resident_id && p->head_resident_id != k.head_resident_id) {
        who_t w;
        if (load_who(c, a, auth, p->head_resident_id, &w, err) < 0) {
            if (strcmp(err->field, "resident_id") == 0)
                snprintf(err->field, sizeof err->field, "head_resident_id");
            return -1;
        }
        if (w.household_id != k.id)
            return gg_err_invalid(err, "head_resident_id",
                                  "%s is not a member of household %lld; add them first", w.name,
                                  (long long)k.id);
        if (k.head_resident_id && set_relation(c, k.id, k.head_resident_id, former, err) < 0) return -1;
        if (set_relation(c, k.id, w.id, "head", err) < 0) return -1;
        head = w.id;
    }
    int64_t now = gg_now_ms(), changes;
    if (gg_db_exec(
            c,
            "UPDATE household SET kind = $1, head_resident_id = $2, dissolved_at = $3, updated_at = $4, "
            "version = version + 1 WHERE id = $5 AND version = $6",
            GG_ARGS(GG_TEXT(kind), head ? GG_I64(head) : GG_NULL, p->dissolve ? GG_I64(now) : GG_NULL,
                    GG_I64(now), GG_I64(id), GG_I64(k.version)),
            &changes, err) < 0)
        return -1;
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "household %lld was changed concurrently; retry", (long long)id);
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "kind", k.kind, kind);
    gg_change_int(&ch, "head_resident_id", k.head_resident_id != 0, k.head_resident_id, head != 0, head);
    if (p->dissolve) gg_change_note(&ch, "dissolved", "yes");
    return audit(c, a, actor, "household.update", &k, &ch, err);
}
