/* tag.c — the tag dictionary and tags on residents (see tag.h). */
#include "domain/people/tag.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/change.h"
#include "domain/setting.h"
#include "domain/validate.h"

#define TAG_COLS                                                                                             \
    "t.id, t.code, t.name, t.name_en, t.sensitive, t.retired_at, t.created_at, t.updated_at, t.version, "    \
    "t.min_age, t.max_age"

static void read_tag(gg_db_res_t *r, gg_arena_t *a, gg_tag_t *t)
{
    t->id = gg_db_i64(r, 0);
    t->code = gg_strdup(a, gg_db_text(r, 1));
    t->name = gg_strdup(a, gg_db_text(r, 2));
    t->name_en = gg_db_isnull(r, 3) ? NULL : gg_strdup(a, gg_db_text(r, 3));
    t->sensitive = (int)gg_db_i64(r, 4);
    t->retired_at = gg_db_isnull(r, 5) ? 0 : gg_db_i64(r, 5);
    t->created_at = gg_db_i64(r, 6);
    t->updated_at = gg_db_i64(r, 7);
    t->version = (int)gg_db_i64(r, 8);
    t->min_age = gg_db_isnull(r, 9) ? -1 : (int)gg_db_i64(r, 9);
    t->max_age = gg_db_isnull(r, 10) ? -1 : (int)gg_db_i64(r, 10);
}

/* ---- derived tags ---- */

int gg_tag_is_derived(const gg_tag_t *t)
{
    return t->min_age >= 0 || t->max_age >= 0;
}

/* The last birth date of someone who is at least years old today: today's month and day, years back.
 * (Born on 29 February: of age on 1 March in other years, as the string comparison gives.) */
static void born_by(int years, char out[16])
{
    char today[32];
    gg_time_rfc3339(gg_now_ms(), today); /* YYYY-MM-DDT… in Asia/Shanghai */
    int y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + (today[3] - '0');
    unsigned born = y > years ? (unsigned)(y - years) : 0;
    snprintf(out, 16, "%04u%.6s", born % 10000u, today + 4);
}

const char *gg_tag_derived_sql(gg_arena_t *a, const gg_tag_t *t, const char *birth_col)
{
    char lo[16], hi[16];
    if (t->min_age >= 0) born_by(t->min_age, lo);     /* min_age or older: born on or before lo */
    if (t->max_age >= 0) born_by(t->max_age + 1, hi); /* max_age or younger: born after hi */
    if (t->min_age >= 0 && t->max_age >= 0)
        return gg_sprintf(a, "(%s <= '%s' AND %s > '%s')", birth_col, lo, birth_col, hi);
    if (t->min_age >= 0) return gg_sprintf(a, "(%s <= '%s')", birth_col, lo);
    if (t->max_age >= 0) return gg_sprintf(a, "(%s > '%s')", birth_col, hi);
    return "(1 = 0)";
}

int gg_tag_derived_applies(const gg_tag_t *t, const char *birth_date)
{
    char lo[16], hi[16];
    if (!birth_date || !gg_tag_is_derived(t)) return 0;
    if (t->min_age >= 0) {
        born_by(t->min_age, lo);
        if (strcmp(birth_date, lo) > 0) return 0;
    }
    if (t->max_age >= 0) {
        born_by(t->max_age + 1, hi);
        if (strcmp(birth_date, hi) <= 0) return 0;
    }
    return 1;
}

int gg_tag_derived_list(gg_db_conn_t *c, gg_arena_t *a, gg_tag_t **rows, int *n, gg_error_t *err)
{
    gg_tag_t *all;
    int nall;
    if (gg_tag_list(c, a, 0, &all, &nall, err) < 0) return -1;
    *rows = all;
    *n = 0;
    for (int i = 0; i < nall; i++)
        if (gg_tag_is_derived(&all[i])) (*rows)[(*n)++] = all[i];
    return 0;
}

int gg_tag_list(gg_db_conn_t *c, gg_arena_t *a, int include_retired, gg_tag_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    int cap = 32, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_tag_t) * (size_t)cap);
    if (gg_db_query(c, "SELECT " TAG_COLS " FROM tag t WHERE $1 = 1 OR t.retired_at IS NULL ORDER BY t.id",
                    GG_ARGS(GG_I64(include_retired ? 1 : 0)), &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_tag_t *bigger = gg_alloc(a, sizeof(gg_tag_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_tag_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        read_tag(r, a, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_tag_by_code(gg_db_conn_t *c, gg_arena_t *a, const char *code, gg_tag_t *out, int *found,
                   gg_error_t *err)
{
    gg_db_res_t *r;
    *found = 0;
    if (gg_db_query(c, "SELECT " TAG_COLS " FROM tag t WHERE t.code = $1", GG_ARGS(GG_TEXT(code)), &r, err) <
        0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        read_tag(r, a, out);
        *found = 1;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_tag_may_manage(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int *may, gg_error_t *err)
{
    return gg_settings_may_manage(c, a, auth, may, err);
}

static int tag_valid(gg_arena_t *a, gg_tag_t *t, gg_error_t *err)
{
    if (gg_text_field(a, &t->name, "name", 1, err) < 0 ||
        gg_text_field(a, &t->name_en, "name_en", 0, err) < 0)
        return -1;
    return 0;
}

static int must_manage(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, gg_error_t *err)
{
    int may;
    if (gg_tag_may_manage(c, a, auth, &may, err) < 0) return -1;
    if (!may)
        return gg_err_forbidden(err,
                                "the tag dictionary is shared by everyone; changing it needs settings.manage "
                                "at the root");
    return 0;
}

int gg_tag_create(const gg_op_t *op, const gg_tag_t *in, int64_t *id, gg_error_t *err)
{
    gg_db_conn_t *c = op->c;
    gg_arena_t *a = op->arena;
    gg_tag_t t = *in;
    if (must_manage(c, a, op->auth, err) < 0 ||
        gg_code_valid(t.code, "a tag code", "elderly_alone", err) < 0 || tag_valid(a, &t, err) < 0)
        return -1;
    int64_t now = gg_now_ms();
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "INSERT INTO tag (code, name, name_en, sensitive, created_at, updated_at) "
                    "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                    GG_ARGS(GG_TEXT(t.code), GG_TEXT(t.name), GG_TEXT(t.name_en), GG_I64(t.sensitive ? 1 : 0),
                            GG_I64(now)),
                    &r, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "code", "there is already a tag with code %s", t.code);
        return -1;
    }
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "tag insert returned no id");
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note(&ch, "code", t.code);
    gg_change_note(&ch, "name", t.name);
    gg_change_note_int(&ch, "sensitive", t.sensitive ? 1 : 0);
    gg_audit_entry_t e = {.action = "tag.create",
                          .object_type = "tag",
                          .object_id = t.code,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, &op->actor, &e, err);
}

int gg_tag_update(const gg_op_t *op, const gg_tag_t *cur, const gg_tag_t *next, int version, gg_error_t *err)
{
    gg_db_conn_t *c = op->c;
    gg_arena_t *a = op->arena;
    gg_tag_t t = *next;
    if (must_manage(c, a, op->auth, err) < 0) return -1;
    if (version != cur->version)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "tag %s was changed by someone else (version %d, you sent %d); reload and retry",
                            cur->code, cur->version, version);
    if (tag_valid(a, &t, err) < 0) return -1;
    int64_t changes;
    if (gg_db_exec(
            c,
            "UPDATE tag SET name = $1, name_en = $2, sensitive = $3, retired_at = $4, updated_at = $5, "
            "version = version + 1 WHERE id = $6 AND version = $7",
            GG_ARGS(GG_TEXT(t.name), GG_TEXT(t.name_en), GG_I64(t.sensitive ? 1 : 0),
                    t.retired_at ? GG_I64(t.retired_at) : GG_NULL, GG_I64(gg_now_ms()), GG_I64(cur->id),
                    GG_I64(cur->version)),
            &changes, err) < 0)
        return -1;
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version", "tag %s was changed concurrently; retry",
                            cur->code);
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "name", cur->name, t.name);
    gg_change_str(&ch, "name_en", cur->name_en, t.name_en);
    gg_change_int(&ch, "sensitive", 1, cur->sensitive != 0, 1, t.sensitive != 0);
    gg_change_int(&ch, "retired", 1, cur->retired_at != 0, 1, t.retired_at != 0);
    gg_audit_entry_t e = {.action = "tag.update",
                          .object_type = "tag",
                          .object_id = cur->code,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, &op->actor, &e, err);
}

int gg_resident_tag_set(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        int64_t resident_id, int64_t unit_id, const char *unit_path, const char *code, int on,
                        const char *field, gg_error_t *err)
{
    gg_tag_t t;
    int found;
    int64_t have, changes;
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, unit_path))
        return gg_err_forbidden(err, "you may not change the tags of resident %lld", (long long)resident_id);
    if (gg_tag_by_code(c, a, code, &t, &found, err) < 0) return -1;
    if (!found)
        return field ? gg_err_invalid(err, field, "there is no tag with code \"%s\" (see GET /api/v1/tags)",
                                      code)
                     : gg_error_set(err, 404, "not_found", "tag_code", "there is no tag with code \"%s\"",
                                    code);
    if (gg_db_query_i64(c, "SELECT count(*) FROM resident_tag WHERE resident_id = $1 AND tag_id = $2",
                        GG_ARGS(GG_I64(resident_id), GG_I64(t.id)), &have, &found, err) < 0)
        return -1;
    if (gg_tag_is_derived(&t)) {
        char range[48];
        if (t.min_age >= 0 && t.max_age >= 0)
            snprintf(range, sizeof range, "%d to %d", t.min_age, t.max_age);
        else if (t.min_age >= 0)
            snprintf(range, sizeof range, "%d and over", t.min_age);
        else
            snprintf(range, sizeof range, "under %d", t.max_age + 1);
        const char *msg = gg_sprintf(a,
                                     "tag %s (%s) is derived: it follows from the birth date (age %s) and "
                                     "cannot be %s by hand",
                                     t.code, t.name, range, on ? "put on" : "taken off");
        return field ? gg_err_invalid(err, field, "%s", msg)
                     : gg_error_set(err, 409, "conflict", "tag_code", "%s", msg);
    }
    if ((have != 0) == (on != 0)) return 0; /* already so */
    if (on && t.retired_at)
        return gg_error_set(err, 409, "conflict", field ? field : "tag_code", "tag %s is retired", t.code);
    if (on) {
        if (gg_db_exec(c, "INSERT INTO resident_tag (resident_id, tag_id, created_at) VALUES ($1, $2, $3)",
                       GG_ARGS(GG_I64(resident_id), GG_I64(t.id), GG_I64(gg_now_ms())), &changes, err) < 0)
            return -1;
    } else if (gg_db_exec(c, "DELETE FROM resident_tag WHERE resident_id = $1 AND tag_id = $2",
                          GG_ARGS(GG_I64(resident_id), GG_I64(t.id)), &changes, err) < 0) {
        return -1;
    }
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note(&ch, "tag", t.code);
    gg_audit_entry_t e = {.action = on ? "resident.tag.add" : "resident.tag.remove",
                          .object_type = "resident",
                          .object_id = gg_sprintf(a, "%lld", (long long)resident_id),
                          .unit_id = unit_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}
