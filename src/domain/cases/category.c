/* category.c — the matter category tree, its policies and their versions (see category.h). */
#include "domain/cases/category.h"

#include <string.h>

#include "core/clock.h"
#include "domain/cases/names.h"
#include "domain/change.h"
#include "domain/identity/audit.h"
#include "domain/setting.h"
#include "domain/validate.h"

/* The policy columns in gg_policy_field order (category and category_version share them). */
#define POLICY_COLS                                                                                          \
    "response_limit, response_unit, handling_limit, handling_unit, first_handler, department_kind, "         \
    "priority, resident_selectable, open_condition, close_condition"

#define K_POLICY_COLS                                                                                        \
    "k.response_limit, k.response_unit, k.handling_limit, k.handling_unit, k.first_handler, "                \
    "k.department_kind, k.priority, k.resident_selectable, k.open_condition, k.close_condition"

/* How deep the tree may grow: type > domain > matter > sub-matter, with room to spare. */
#define MAX_DEPTH 8
#define MAX_HOURS 240 /* 30 working days */
#define MAX_DAYS 120

static const char *const UNITS[] = {"working_hours", "working_days", NULL};
static const char *const HANDLERS[] = {"grid", "community", "dispatcher", NULL};
static const char *const PRIORITIES[] = {"normal", "urgent", NULL};

static void read_policy(gg_db_res_t *r, int col, gg_arena_t *a, gg_policy_t *p)
{
    memset(p, 0, sizeof *p);
    for (int f = 0; f < GG_POLICY_NFIELDS; f++) {
        if (gg_db_isnull(r, col + f)) continue;
        p->set[f] = 1;
        if (gg_policy_fields[f].numeric)
            p->num[f] = gg_db_i64(r, col + f);
        else
            p->text[f] = gg_strdup(a, gg_db_text(r, col + f));
    }
}

/* The policy as bind arguments, in POLICY_COLS order, into args[0 .. GG_POLICY_NFIELDS). */
static void policy_args(const gg_policy_t *p, gg_db_arg_t *args)
{
    for (int f = 0; f < GG_POLICY_NFIELDS; f++)
        args[f] = !p->set[f]                    ? GG_NULL
                  : gg_policy_fields[f].numeric ? GG_I64(p->num[f])
                                                : GG_TEXT(p->text[f]);
}

/* ---- the tree ---- */

/* Rows as stored, siblings in display order. */
static int load_rows(gg_db_conn_t *c, gg_arena_t *a, gg_category_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    int cap = 64, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_category_t) * (size_t)cap);
    if (gg_db_query(
            c,
            "SELECT k.id, k.parent_id, k.code, k.name, k.name_en, k.sort, k.retired_at, k.created_at, "
            "k.updated_at, k.version, v.id, v.seq, " K_POLICY_COLS
            " FROM category k LEFT JOIN category_version v ON v.category_id = k.id AND v.seq = "
            "(SELECT max(seq) FROM category_version x WHERE x.category_id = k.id) "
            "ORDER BY k.sort, k.code, k.id",
            NULL, 0, &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_category_t *bigger = gg_alloc(a, sizeof(gg_category_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_category_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        gg_category_t *k = &(*rows)[(*n)++];
        memset(k, 0, sizeof *k);
        k->id = gg_db_i64(r, 0);
        k->parent_id = gg_db_isnull(r, 1) ? 0 : gg_db_i64(r, 1);
        k->code = gg_strdup(a, gg_db_text(r, 2));
        k->name = gg_strdup(a, gg_db_text(r, 3));
        k->name_en = gg_db_isnull(r, 4) ? NULL : gg_strdup(a, gg_db_text(r, 4));
        k->sort = (int)gg_db_i64(r, 5);
        k->retired_at = gg_db_isnull(r, 6) ? 0 : gg_db_i64(r, 6);
        k->created_at = gg_db_i64(r, 7);
        k->updated_at = gg_db_i64(r, 8);
        k->version = (int)gg_db_i64(r, 9);
        k->policy_version_id = gg_db_isnull(r, 10) ? 0 : gg_db_i64(r, 10);
        k->policy_version_seq = gg_db_isnull(r, 11) ? 0 : (int)gg_db_i64(r, 11);
        read_policy(r, 12, a, &k->own);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* Append the children of parent (index pi in out, -1 for the top) depth first, inheriting as they go. */
static void visit(const gg_category_t *raw, int nraw, int64_t parent_id, int pi, int depth,
                  gg_category_t *out, int *nout)
{
    if (depth > MAX_DEPTH) return;
    for (int i = 0; i < nraw; i++) {
        if (raw[i].parent_id != parent_id) continue;
        int me = (*nout)++;
        gg_category_t *k = &out[me];
        *k = raw[i];
        const gg_category_t *p = pi >= 0 ? &out[pi] : NULL;
        gg_policy_inherit(&k->own, k->id, p ? &p->eff : NULL, p ? p->from : NULL, &k->eff, k->from);
        k->depth = depth;
        k->retired = k->retired_at != 0 || (p && p->retired);
        visit(raw, nraw, k->id, me, depth + 1, out, nout);
    }
}

static int load_tree(gg_db_conn_t *c, gg_arena_t *a, gg_category_t **rows, int *n, gg_error_t *err)
{
    gg_category_t *raw;
    int nraw;
    if (load_rows(c, a, &raw, &nraw, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_category_t) * (size_t)(nraw ? nraw : 1));
    *n = 0;
    visit(raw, nraw, 0, -1, 0, *rows, n);
    return 0;
}

static const gg_category_t *find(const gg_category_t *rows, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (rows[i].id == id) return &rows[i];
    return NULL;
}

int gg_category_tree(gg_db_conn_t *c, gg_arena_t *a, int resident_only, gg_category_t **rows, int *n,
                     gg_error_t *err)
{
    if (load_tree(c, a, rows, n, err) < 0) return -1;
    if (!resident_only) return 0;
    /* depth first, so a node's parent was decided before it: keep it when its parent was kept */
    int kept = 0;
    for (int i = 0; i < *n; i++) {
        gg_category_t *k = &(*rows)[i];
        int selectable = !k->retired && k->eff.num[GG_POLICY_RESIDENT_SELECTABLE] &&
                         (!k->parent_id || find(*rows, kept, k->parent_id));
        if (selectable) (*rows)[kept++] = *k;
    }
    *n = kept;
    return 0;
}

int gg_category_get(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_category_t *out, gg_category_t **tree,
                    int *ntree, gg_error_t *err)
{
    if (load_tree(c, a, tree, ntree, err) < 0) return -1;
    const gg_category_t *k = find(*tree, *ntree, id);
    if (!k) return gg_err_not_found(err, "there is no category %lld", (long long)id);
    *out = *k;
    return 0;
}

/* ---- versions ---- */

/* A new category_version for every node whose effective policy differs from its latest version. */
static int sync_versions(const gg_op_t *op, gg_error_t *err)
{
    gg_category_t *tree;
    int n, step;
    if (load_tree(op->c, op->arena, &tree, &n, err) < 0) return -1;
    gg_policy_t *latest = gg_alloc(op->arena, sizeof(gg_policy_t) * (size_t)(n ? n : 1));
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT category_id, " POLICY_COLS " FROM category_version w WHERE seq = "
                    "(SELECT max(seq) FROM category_version x WHERE x.category_id = w.category_id)",
                    NULL, 0, &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        const gg_category_t *k = find(tree, n, gg_db_i64(r, 0));
        if (k) read_policy(r, 1, op->arena, &latest[k - tree]);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    int64_t now = gg_now_ms();
    for (int i = 0; i < n; i++) {
        if (tree[i].policy_version_id && gg_policy_equal(&latest[i], &tree[i].eff)) continue;
        gg_db_arg_t args[GG_POLICY_NFIELDS + 4];
        args[0] = GG_I64(tree[i].id);
        args[1] = GG_I64(tree[i].policy_version_seq + 1);
        policy_args(&tree[i].eff, args + 2);
        args[GG_POLICY_NFIELDS + 2] = GG_I64(now);
        args[GG_POLICY_NFIELDS + 3] = op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL;
        if (gg_db_exec(op->c,
                       "INSERT INTO category_version (category_id, seq, " POLICY_COLS
                       ", created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                       "$13, $14)",
                       args, GG_POLICY_NFIELDS + 4, NULL, err) < 0)
            return -1;
    }
    return 0;
}

int gg_category_versions(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_category_version_t **rows, int *n,
                         gg_error_t *err)
{
    int64_t one;
    int found, step, cap = 16;
    if (gg_db_query_i64(c, "SELECT id FROM category WHERE id = $1", GG_ARGS(GG_I64(id)), &one, &found, err) <
        0)
        return -1;
    if (!found) return gg_err_not_found(err, "there is no category %lld", (long long)id);
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "SELECT id, seq, created_at, created_by, " POLICY_COLS
                    " FROM category_version WHERE category_id = $1 ORDER BY seq DESC",
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_category_version_t) * (size_t)cap);
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_category_version_t *bigger = gg_alloc(a, sizeof(gg_category_version_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_category_version_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        gg_category_version_t *v = &(*rows)[(*n)++];
        v->id = gg_db_i64(r, 0);
        v->seq = (int)gg_db_i64(r, 1);
        v->created_at = gg_db_i64(r, 2);
        v->created_by = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
        read_policy(r, 4, a, &v->policy);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* ---- checks ---- */

static int must_manage(const gg_op_t *op, gg_error_t *err)
{
    int may;
    if (gg_settings_may_manage(op->c, op->arena, op->auth, &may, err) < 0) return -1;
    if (!may)
        return gg_err_forbidden(err, "the category catalogue is shared by everyone; changing it needs "
                                     "settings.manage at the root");
    return 0;
}

/* The node's own fields: names, and each policy field set on it. */
static int fields_valid(gg_arena_t *a, gg_category_t *k, gg_error_t *err)
{
    if (gg_text_field(a, &k->name, "name", 1, err) < 0 ||
        gg_text_field(a, &k->name_en, "name_en", 0, err) < 0)
        return -1;
    gg_policy_t *p = &k->own;
    for (int f = 0; f < GG_POLICY_NFIELDS; f++) {
        const char *name = gg_policy_fields[f].name;
        int pair = gg_policy_fields[f].pair;
        if (pair >= 0 && p->set[f] != p->set[pair])
            return gg_err_invalid(err, p->set[f] ? gg_policy_fields[pair].name : name,
                                  "%s and %s are set and cleared together", gg_policy_fields[f].name,
                                  gg_policy_fields[pair].name);
        if (!p->set[f] || gg_policy_fields[f].numeric) continue;
        if (gg_text_field(a, &p->text[f], name, 0, err) < 0) return -1;
        if (!p->text[f]) {
            p->set[f] = 0; /* only white space: not set */
            continue;
        }
        const char *const *choices = f == GG_POLICY_RESPONSE_UNIT || f == GG_POLICY_HANDLING_UNIT ? UNITS
                                     : f == GG_POLICY_FIRST_HANDLER                               ? HANDLERS
                                     : f == GG_POLICY_PRIORITY                                    ? PRIORITIES
                                                                                                  : NULL;
        if (choices && gg_choice_valid(p->text[f], choices, name, err) < 0) return -1;
    }
    for (int f = GG_POLICY_RESPONSE_LIMIT; f <= GG_POLICY_HANDLING_LIMIT; f += 2) {
        if (!p->set[f]) continue;
        int days = !strcmp(p->text[f + 1], "working_days");
        int64_t max = days ? MAX_DAYS : MAX_HOURS;
        if (p->num[f] < 1 || p->num[f] > max)
            return gg_err_invalid(err, gg_policy_fields[f].name, "%s is 1 to %lld %s",
                                  gg_policy_fields[f].name, (long long)max,
                                  days ? "working days" : "working hours");
    }
    return 0;
}

/* 1 when k's effective response limit is longer than its handling limit (a working day is 8 working hours).
 */
static int response_too_long(const gg_category_t *k)
{
    const gg_policy_t *e = &k->eff;
    return gg_policy_hours(e->num[GG_POLICY_RESPONSE_LIMIT], e->text[GG_POLICY_RESPONSE_UNIT]) >
           gg_policy_hours(e->num[GG_POLICY_HANDLING_LIMIT], e->text[GG_POLICY_HANDLING_UNIT]);
}

/* The tree as it now stands (after the write to node id, inside the transaction): the node has a complete
 * effective policy, and no node's response limit is longer than its handling limit — an edit above a node
 * changes what it inherits, so every node is checked, the edited one first. */
static int effective_valid(const gg_op_t *op, int64_t id, gg_error_t *err)
{
    gg_category_t k, *tree;
    int n;
    if (gg_category_get(op->c, op->arena, id, &k, &tree, &n, err) < 0) return -1;
    for (int f = 0; f < GG_POLICY_NFIELDS; f++)
        if (gg_policy_fields[f].required && !k.eff.set[f])
            return gg_err_invalid(err, gg_policy_fields[f].name, "a top-level category sets %s",
                                  gg_policy_fields[f].name);
    for (int i = -1; i < n; i++) {
        const gg_category_t *bad = i < 0 ? &k : &tree[i];
        if (!response_too_long(bad)) continue;
        const gg_policy_t *e = &bad->eff;
        return gg_err_invalid(err, "response_limit",
                              "the response limit of %s (%lld %s) would be longer than its handling limit "
                              "(%lld %s)",
                              bad->name, (long long)e->num[GG_POLICY_RESPONSE_LIMIT],
                              e->text[GG_POLICY_RESPONSE_UNIT], (long long)e->num[GG_POLICY_HANDLING_LIMIT],
                              e->text[GG_POLICY_HANDLING_UNIT]);
    }
    return 0;
}

/* parent_id may hold node id (0: a new node) with the given code: it exists, is in use, is not the node or
 * below it, and has no other child with that code. */
static int parent_valid(const gg_category_t *tree, int n, int64_t id, int64_t parent_id, const char *code,
                        gg_error_t *err)
{
    if (parent_id) {
        const gg_category_t *p = find(tree, n, parent_id);
        if (!p) return gg_err_invalid(err, "parent_id", "there is no category %lld", (long long)parent_id);
        if (p->retired)
            return gg_error_set(err, 409, "conflict", "parent_id", "category %s is retired", p->name);
        for (const gg_category_t *up = p; up; up = up->parent_id ? find(tree, n, up->parent_id) : NULL)
            if (id && up->id == id)
                return gg_err_invalid(err, "parent_id",
                                      "a category cannot move under itself or its own subtree");
        if (p->depth + 1 > MAX_DEPTH)
            return gg_err_invalid(err, "parent_id", "categories nest at most %d levels deep", MAX_DEPTH + 1);
    }
    for (int i = 0; i < n; i++)
        if (tree[i].parent_id == parent_id && tree[i].id != id && !strcmp(tree[i].code, code))
            return gg_err_invalid(err, "code", "%s already has a category with code %s",
                                  parent_id ? find(tree, n, parent_id)->name : "the top level", code);
    return 0;
}

static const char *id_text(gg_arena_t *a, int64_t id)
{
    return gg_sprintf(a, "%lld", (long long)id);
}

static void note_policy(gg_change_t *ch, const gg_policy_t *before, const gg_policy_t *after)
{
    for (int f = 0; f < GG_POLICY_NFIELDS; f++) {
        const char *name = gg_policy_fields[f].name;
        if (gg_policy_fields[f].numeric)
            gg_change_int(ch, name, before ? before->set[f] : 0, before ? before->num[f] : 0, after->set[f],
                          after->num[f]);
        else
            gg_change_str(ch, name, before && before->set[f] ? before->text[f] : NULL,
                          after->set[f] ? after->text[f] : NULL);
    }
}

/* ---- writes ---- */

int gg_category_create(const gg_op_t *op, const gg_category_t *in, int64_t *id, gg_error_t *err)
{
    gg_category_t k = *in, *tree;
    int n;
    if (must_manage(op, err) < 0 || gg_code_valid(k.code, "a category code", "exposed_rubbish", err) < 0 ||
        fields_valid(op->arena, &k, err) < 0 || load_tree(op->c, op->arena, &tree, &n, err) < 0 ||
        parent_valid(tree, n, 0, k.parent_id, k.code, err) < 0)
        return -1;
    int64_t now = gg_now_ms();
    gg_db_arg_t args[GG_POLICY_NFIELDS + 6];
    args[0] = k.parent_id ? GG_I64(k.parent_id) : GG_NULL;
    args[1] = GG_TEXT(k.code);
    args[2] = GG_TEXT(k.name);
    args[3] = GG_TEXT(k.name_en);
    args[4] = GG_I64(k.sort);
    args[5] = GG_I64(now);
    policy_args(&k.own, args + 6);
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO category (parent_id, code, name, name_en, sort, created_at, updated_at, " POLICY_COLS
            ") VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
            "RETURNING id",
            args, GG_POLICY_NFIELDS + 6, &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "category insert returned no id");
    if (effective_valid(op, *id, err) < 0 || sync_versions(op, err) < 0) return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note(&ch, "code", k.code);
    gg_change_note(&ch, "name", k.name);
    if (k.parent_id) gg_change_note_int(&ch, "parent_id", k.parent_id);
    note_policy(&ch, NULL, &k.own);
    gg_audit_entry_t e = {.action = "category.create",
                          .object_type = "category",
                          .object_id = id_text(op->arena, *id),
                          .detail_json = gg_change_done(&ch, op->arena)};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

static int version_matches(const gg_category_t *cur, int version, gg_error_t *err)
{
    if (version != cur->version)
        return gg_error_set(
            err, 409, "version_conflict", "version",
            "category %s was changed by someone else (version %d, you sent %d); reload and retry", cur->name,
            cur->version, version);
    return 0;
}

/* Set the row to k where its version is still cur_version (0 rows: someone else got there first). */
static int write_row(const gg_op_t *op, const gg_category_t *k, int cur_version, gg_error_t *err)
{
    gg_db_arg_t args[GG_POLICY_NFIELDS + 8];
    args[0] = k->parent_id ? GG_I64(k->parent_id) : GG_NULL;
    args[1] = GG_TEXT(k->name);
    args[2] = GG_TEXT(k->name_en);
    args[3] = GG_I64(k->sort);
    args[4] = k->retired_at ? GG_I64(k->retired_at) : GG_NULL;
    args[5] = GG_I64(gg_now_ms());
    args[6] = GG_I64(k->id);
    args[7] = GG_I64(cur_version);
    policy_args(&k->own, args + 8);
    int64_t changes;
    if (gg_db_exec(op->c,
                   "UPDATE category SET parent_id = $1, name = $2, name_en = $3, sort = $4, retired_at = $5, "
                   "updated_at = $6, version = version + 1, response_limit = $9, response_unit = $10, "
                   "handling_limit = $11, handling_unit = $12, first_handler = $13, department_kind = $14, "
                   "priority = $15, resident_selectable = $16, open_condition = $17, close_condition = $18 "
                   "WHERE id = $7 AND version = $8",
                   args, GG_POLICY_NFIELDS + 8, &changes, err) < 0)
        return -1;
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "category %s was changed concurrently; retry", k->name);
    return gg_names_changed(op->c, err); /* inbox rows read the names from a snapshot (names.h) */
}

int gg_category_update(const gg_op_t *op, const gg_category_t *cur, const gg_category_t *next, int version,
                       gg_error_t *err)
{
    gg_category_t k = *next, *tree;
    int n;
    if (must_manage(op, err) < 0 || version_matches(cur, version, err) < 0 ||
        fields_valid(op->arena, &k, err) < 0 || load_tree(op->c, op->arena, &tree, &n, err) < 0 ||
        (k.parent_id != cur->parent_id && parent_valid(tree, n, k.id, k.parent_id, k.code, err) < 0) ||
        write_row(op, &k, cur->version, err) < 0 || effective_valid(op, k.id, err) < 0 ||
        sync_versions(op, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "name", cur->name, k.name);
    gg_change_str(&ch, "name_en", cur->name_en, k.name_en);
    gg_change_int(&ch, "sort", 1, cur->sort, 1, k.sort);
    gg_change_int(&ch, "parent_id", cur->parent_id != 0, cur->parent_id, k.parent_id != 0, k.parent_id);
    note_policy(&ch, &cur->own, &k.own);
    gg_audit_entry_t e = {.action = "category.update",
                          .object_type = "category",
                          .object_id = id_text(op->arena, k.id),
                          .detail_json = gg_change_done(&ch, op->arena)};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

int gg_category_retire(const gg_op_t *op, int64_t id, int on, int version, gg_error_t *err)
{
    gg_category_t k, *tree;
    int n;
    if (must_manage(op, err) < 0 || gg_category_get(op->c, op->arena, id, &k, &tree, &n, err) < 0 ||
        version_matches(&k, version, err) < 0)
        return -1;
    if ((k.retired_at != 0) == (on != 0))
        return gg_error_set(err, 409, "conflict", NULL, "category %s is %s", k.name,
                            on ? "already retired" : "not retired");
    const gg_category_t *parent = k.parent_id ? find(tree, n, k.parent_id) : NULL;
    if (!on && parent && parent->retired)
        return gg_error_set(err, 409, "conflict", "parent_id",
                            "category %s is under the retired category %s; restore that first", k.name,
                            parent->name);
    int cur_version = k.version;
    k.retired_at = on ? gg_now_ms() : 0;
    if (write_row(op, &k, cur_version, err) < 0) return -1;
    gg_audit_entry_t e = {.action = on ? "category.retire" : "category.restore",
                          .object_type = "category",
                          .object_id = id_text(op->arena, id),
                          .detail_json = NULL};
    return gg_audit_append(op->c, &op->actor, &e, err);
}
