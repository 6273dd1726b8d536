/* plan.c — assessment plans and their tasks: create, edit while draft, activate (a score row per task ×
 * assessed unit), close, and the reads with their scope (see assessment.h, docs/assessment.md). */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/assessment/assessment.h"
#include "domain/assessment/internal.h"
#include "domain/change.h"
#include "domain/identity/audit.h"

#define PLAN_COLS                                                                                            \
    "p.id, p.unit_id, u.name, u.path, u.level, p.name, p.period_from, p.period_to, p.target_level, "         \
    "p.status, p.band_a, p.band_b, p.band_c, p.band_d, p.hard_cap, p.previous_plan_id, p.created_at, "       \
    "p.updated_at, p.activated_at, p.computed_at, p.version, "                                               \
    "(SELECT count(*) FROM assess_task t WHERE t.plan_id = p.id), "                                          \
    "(SELECT count(*) FROM assess_task t WHERE t.plan_id = p.id AND t.is_hard = 1), "                        \
    "(SELECT coalesce(sum(t.weight), 0) FROM assess_task t WHERE t.plan_id = p.id)"

#define TASK_COLS                                                                                            \
    "t.id, t.plan_id, t.seq, t.title, t.category, t.weight, t.is_hard, t.target, t.comparison, t.source, "   \
    "t.responsible, t.version"

static const char *dup_or_null(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static void read_plan(gg_db_res_t *r, gg_arena_t *a, const gg_auth_t *auth, gg_assess_plan_t *p)
{
    memset(p, 0, sizeof *p);
    p->id = gg_db_i64(r, 0);
    p->unit_id = gg_db_i64(r, 1);
    p->unit_name = gg_strdup(a, gg_db_text(r, 2));
    p->unit_path = gg_strdup(a, gg_db_text(r, 3));
    p->unit_level = gg_strdup(a, gg_db_text(r, 4));
    p->name = gg_strdup(a, gg_db_text(r, 5));
    p->period_from = gg_strdup(a, gg_db_text(r, 6));
    p->period_to = gg_strdup(a, gg_db_text(r, 7));
    p->target_level = gg_strdup(a, gg_db_text(r, 8));
    p->status = gg_strdup(a, gg_db_text(r, 9));
    for (int i = 0; i < 4; i++)
        p->bands[i] = gg_db_f64(r, 10 + i);
    p->hard_cap = gg_strdup(a, gg_db_text(r, 14));
    p->previous_plan_id = gg_db_isnull(r, 15) ? 0 : gg_db_i64(r, 15);
    p->created_at = gg_db_i64(r, 16);
    p->updated_at = gg_db_i64(r, 17);
    p->activated_at = gg_db_isnull(r, 18) ? 0 : gg_db_i64(r, 18);
    p->computed_at = gg_db_isnull(r, 19) ? 0 : gg_db_i64(r, 19);
    p->version = (int)gg_db_i64(r, 20);
    p->ntasks = (int)gg_db_i64(r, 21);
    p->nhard = (int)gg_db_i64(r, 22);
    p->weight_sum = gg_db_f64(r, 23);
    p->can_manage = auth && gg_auth_can(auth, GG_P_ASSESS_MANAGE, p->unit_path);
}

static void read_task(gg_db_res_t *r, gg_arena_t *a, gg_assess_task_t *t)
{
    memset(t, 0, sizeof *t);
    t->id = gg_db_i64(r, 0);
    t->plan_id = gg_db_i64(r, 1);
    t->seq = (int)gg_db_i64(r, 2);
    t->title = gg_strdup(a, gg_db_text(r, 3));
    t->category = gg_strdup(a, gg_db_text(r, 4));
    t->weight = gg_db_f64(r, 5);
    t->is_hard = gg_db_i64(r, 6) != 0;
    t->target = gg_db_f64(r, 7);
    t->comparison = gg_strdup(a, gg_db_text(r, 8));
    t->source = gg_strdup(a, gg_db_text(r, 9));
    t->responsible = dup_or_null(a, r, 10);
    t->version = (int)gg_db_i64(r, 11);
}

/* ---- scope ---- */

#define READ_PERMS (GG_P_DASHBOARD_READ | GG_P_ASSESS_MANAGE | GG_P_ASSESS_SCORE)

int gg_assess_sees_unit(const gg_auth_t *auth, const gg_assess_plan_t *p, const char *unit_path)
{
    if (p && gg_auth_can(auth, GG_P_ASSESS_MANAGE, p->unit_path)) return 1;
    for (int i = 0; i < auth->ngrants; i++)
        if ((auth->grants[i].perms & READ_PERMS) && gg_path_within(unit_path, auth->grants[i].unit_path))
            return 1;
    return 0;
}

/* A grant with a read permission at the plan's unit, above it or inside it. */
static int sees_plan(const gg_auth_t *auth, const char *plan_path)
{
    for (int i = 0; i < auth->ngrants; i++) {
        const gg_grant_t *g = &auth->grants[i];
        if (!(g->perms & READ_PERMS)) continue;
        if (gg_path_within(plan_path, g->unit_path) || gg_path_within(g->unit_path, plan_path)) return 1;
    }
    return 0;
}

static int no_plan(gg_error_t *err, int64_t id)
{
    return gg_err_not_found(err, "assessment plan %lld does not exist or is outside your scope",
                            (long long)id);
}

static int load_plan(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_assess_plan_t *out,
                     gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "SELECT " PLAN_COLS " FROM assess_plan p JOIN unit u ON u.id = p.unit_id WHERE p.id = $1",
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int rc = gg_db_next(r, err);
    if (rc > 0) read_plan(r, a, auth, out);
    gg_db_res_free(r);
    if (rc < 0) return -1;
    return rc == 0 ? no_plan(err, id) : 0;
}

int gg_assess_plan_get(const gg_op_t *op, int64_t id, gg_assess_plan_t *out, gg_error_t *err)
{
    if (load_plan(op->c, op->arena, op->auth, id, out, err) < 0) return -1;
    return sees_plan(op->auth, out->unit_path) ? 0 : no_plan(err, id);
}

int gg_assess_plan_managed(const gg_op_t *op, int64_t id, gg_assess_plan_t *out, gg_error_t *err)
{
    if (gg_assess_plan_get(op, id, out, err) < 0) return -1;
    if (out->can_manage) return 0;
    if (sees_plan(op->auth, out->unit_path))
        return gg_err_forbidden(err, "managing assessment plan %lld needs assess.manage at %s", (long long)id,
                                out->unit_name);
    return no_plan(err, id);
}

static int must_draft(const gg_assess_plan_t *p, gg_error_t *err)
{
    if (strcmp(p->status, "draft") == 0) return 0;
    gg_error_set(err, 409, "plan_not_draft", "status", "plan %s is %s: its structure is fixed", p->name,
                 p->status);
    return gg_error_reason(err, p->status);
}

static int version_matches(const gg_assess_plan_t *p, int version, gg_error_t *err)
{
    if (version == p->version) return 0;
    return gg_error_set(err, 409, "version_conflict", "version",
                        "plan %s was changed by someone else (version %d, you sent %d); reload and retry",
                        p->name, p->version, version);
}

int gg_assess_plans(const gg_op_t *op, gg_assess_plan_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    int cap = 32, step;
    *n = 0;
    *rows = gg_alloc(op->arena, sizeof(gg_assess_plan_t) * (size_t)cap);
    if (gg_db_query(op->c,
                    "SELECT " PLAN_COLS " FROM assess_plan p JOIN unit u ON u.id = p.unit_id "
                    "ORDER BY p.period_from DESC, p.id DESC LIMIT 1000",
                    NULL, 0, &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_assess_plan_t p;
        read_plan(r, op->arena, op->auth, &p);
        if (!sees_plan(op->auth, p.unit_path)) continue;
        if (*n == cap) {
            gg_assess_plan_t *bigger = gg_alloc(op->arena, sizeof(gg_assess_plan_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_assess_plan_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        (*rows)[(*n)++] = p;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_assess_tasks_load(gg_db_conn_t *c, gg_arena_t *a, int64_t plan_id, gg_assess_task_t **rows, int *n,
                         gg_error_t *err)
{
    gg_db_res_t *r;
    int cap = 64, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_assess_task_t) * (size_t)cap);
    if (gg_db_query(c, "SELECT " TASK_COLS " FROM assess_task t WHERE t.plan_id = $1 ORDER BY t.seq",
                    GG_ARGS(GG_I64(plan_id)), &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_assess_task_t *bigger = gg_alloc(a, sizeof(gg_assess_task_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_assess_task_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        read_task(r, a, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_assess_tasks(const gg_op_t *op, int64_t plan_id, gg_assess_task_t **rows, int *n, gg_error_t *err)
{
    gg_assess_plan_t p;
    if (gg_assess_plan_get(op, plan_id, &p, err) < 0) return -1;
    return gg_assess_tasks_load(op->c, op->arena, plan_id, rows, n, err);
}

/* ---- writes ---- */

static int audit(const gg_op_t *op, const char *action, int64_t id, int64_t unit_id, const char *detail,
                 gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = "assess_plan",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .unit_id = unit_id,
                          .detail_json = detail};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

static int insert_tasks(const gg_op_t *op, int64_t plan_id, const gg_assess_task_t *tasks, int n, int base,
                        gg_error_t *err)
{
    int64_t now = gg_now_ms();
    for (int i = 0; i < n; i++) {
        const gg_assess_task_t *t = &tasks[i];
        /* a sequence number twice: named by the later one's index */
        for (int j = 0; j < i; j++)
            if (tasks[j].seq == t->seq) {
                char f[48];
                snprintf(f, sizeof f, "tasks[%d].seq", base + i);
                gg_err_invalid(err, f, "sequence number %d is given twice", t->seq);
                return gg_error_reason(err, "duplicate");
            }
        int64_t taken = 0;
        int found = 0;
        if (gg_db_query_i64(op->c, "SELECT id FROM assess_task WHERE plan_id = $1 AND seq = $2",
                            GG_ARGS(GG_I64(plan_id), GG_I64(t->seq)), &taken, &found, err) < 0)
            return -1;
        if (found) {
            char f[48];
            snprintf(f, sizeof f, "tasks[%d].seq", base + i);
            gg_err_invalid(err, f, "the plan already has a task %d", t->seq);
            return gg_error_reason(err, "duplicate");
        }
        if (gg_db_exec(
                op->c,
                "INSERT INTO assess_task (plan_id, seq, title, category, weight, is_hard, target, "
                "comparison, source, responsible, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                "$10, $11)",
                GG_ARGS(GG_I64(plan_id), GG_I64(t->seq), GG_TEXT(t->title), GG_TEXT(t->category),
                        GG_F64(t->weight), GG_I64(t->is_hard ? 1 : 0), GG_F64(t->target),
                        GG_TEXT(t->comparison), GG_TEXT(t->source),
                        t->responsible ? GG_TEXT(t->responsible) : GG_NULL, GG_I64(now)),
                NULL, err) < 0)
            return -1;
    }
    int64_t total = 0;
    int found = 0;
    if (gg_db_query_i64(op->c, "SELECT count(*) FROM assess_task WHERE plan_id = $1",
                        GG_ARGS(GG_I64(plan_id)), &total, &found, err) < 0)
        return -1;
    if (total > GG_ASSESS_MAX_TASKS) {
        gg_err_invalid(err, "tasks", "a plan has at most %d tasks", GG_ASSESS_MAX_TASKS);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_ASSESS_MAX_TASKS);
    }
    return 0;
}

static int previous_check(const gg_op_t *op, const gg_assess_plan_t *p, int64_t self, gg_error_t *err)
{
    if (!p->previous_plan_id) return 0;
    gg_assess_plan_t prev;
    gg_error_t e2 = {0};
    if (p->previous_plan_id == self || gg_assess_plan_get(op, p->previous_plan_id, &prev, &e2) < 0 ||
        prev.unit_id != p->unit_id) {
        if (e2.http_status >= 500) {
            *err = e2;
            return -1;
        }
        gg_err_invalid(err, "previous_plan_id", "the previous plan must be another plan of the same unit");
        return gg_error_reason(err, "not_allowed");
    }
    return 0;
}

int gg_assess_plan_create(const gg_op_t *op, const gg_assess_plan_t *p, const gg_assess_task_t *tasks, int n,
                          int64_t *id, gg_error_t *err)
{
    gg_db_res_t *r;
    int found = 0;
    char *path = NULL;
    if (gg_db_query(op->c, "SELECT path, level FROM unit WHERE id = $1", GG_ARGS(GG_I64(p->unit_id)), &r,
                    err) < 0)
        return -1;
    if (gg_db_next(r, err) > 0) {
        found = 1;
        path = gg_strdup(op->arena, gg_db_text(r, 0));
    }
    gg_db_res_free(r);
    if (!found || !gg_auth_can(op->auth, GG_P_ASSESS_MANAGE, path)) {
        gg_err_invalid(err, "unit_id", "unit %lld does not exist or you may not assess from it",
                       (long long)p->unit_id);
        return gg_error_reason(err, "not_allowed");
    }
    if (previous_check(op, p, 0, err) < 0) return -1;
    int64_t now = gg_now_ms();
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO assess_plan (unit_id, name, period_from, period_to, target_level, band_a, "
            "band_b, band_c, band_d, hard_cap, previous_plan_id, created_by, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            GG_ARGS(GG_I64(p->unit_id), GG_TEXT(p->name), GG_TEXT(p->period_from), GG_TEXT(p->period_to),
                    GG_TEXT(p->target_level), GG_F64(p->bands[0]), GG_F64(p->bands[1]), GG_F64(p->bands[2]),
                    GG_F64(p->bands[3]), GG_TEXT(p->hard_cap),
                    p->previous_plan_id ? GG_I64(p->previous_plan_id) : GG_NULL,
                    op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL, GG_I64(now)),
            id, &found, err) < 0)
        return -1;
    if (insert_tasks(op, *id, tasks, n, 0, err) < 0) return -1;
    int nhard = 0;
    for (int i = 0; i < n; i++)
        nhard += tasks[i].is_hard;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note(&ch, "name", p->name);
    gg_change_note(&ch, "period", gg_sprintf(op->arena, "%s..%s", p->period_from, p->period_to));
    gg_change_note_int(&ch, "tasks", n);
    gg_change_note_int(&ch, "hard", nhard);
    return audit(op, "assessment.plan_create", *id, p->unit_id, gg_change_done(&ch, op->arena), err);
}

int gg_assess_plan_update(const gg_op_t *op, int64_t id, const gg_assess_plan_t *next, int version,
                          gg_error_t *err)
{
    gg_assess_plan_t cur;
    if (gg_assess_plan_managed(op, id, &cur, err) < 0 || must_draft(&cur, err) < 0 ||
        version_matches(&cur, version, err) < 0)
        return -1;
    gg_assess_plan_t p = *next;
    p.unit_id = cur.unit_id;
    if (previous_check(op, &p, id, err) < 0) return -1;
    if (gg_db_exec(
            op->c,
            "UPDATE assess_plan SET name = $2, period_from = $3, period_to = $4, target_level = $5, "
            "band_a = $6, band_b = $7, band_c = $8, band_d = $9, hard_cap = $10, previous_plan_id = $11, "
            "updated_at = $12, version = version + 1 WHERE id = $1",
            GG_ARGS(GG_I64(id), GG_TEXT(p.name), GG_TEXT(p.period_from), GG_TEXT(p.period_to),
                    GG_TEXT(p.target_level), GG_F64(p.bands[0]), GG_F64(p.bands[1]), GG_F64(p.bands[2]),
                    GG_F64(p.bands[3]), GG_TEXT(p.hard_cap),
                    p.previous_plan_id ? GG_I64(p.previous_plan_id) : GG_NULL, GG_I64(gg_now_ms())),
            NULL, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "name", cur.name, p.name);
    gg_change_str(&ch, "period_from", cur.period_from, p.period_from);
    gg_change_str(&ch, "period_to", cur.period_to, p.period_to);
    gg_change_str(&ch, "target_level", cur.target_level, p.target_level);
    gg_change_str(&ch, "hard_cap", cur.hard_cap, p.hard_cap);
    return audit(op, "assessment.plan_update", id, cur.unit_id, gg_change_done(&ch, op->arena), err);
}

int gg_assess_tasks_add(const gg_op_t *op, int64_t plan_id, const gg_assess_task_t *tasks, int n,
                        gg_error_t *err)
{
    gg_assess_plan_t cur;
    if (gg_assess_plan_managed(op, plan_id, &cur, err) < 0 || must_draft(&cur, err) < 0) return -1;
    if (insert_tasks(op, plan_id, tasks, n, 0, err) < 0) return -1;
    if (gg_db_exec(op->c, "UPDATE assess_plan SET updated_at = $2, version = version + 1 WHERE id = $1",
                   GG_ARGS(GG_I64(plan_id), GG_I64(gg_now_ms())), NULL, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "added", n);
    return audit(op, "assessment.tasks_add", plan_id, cur.unit_id, gg_change_done(&ch, op->arena), err);
}

int gg_assess_task_update(const gg_op_t *op, int64_t plan_id, int64_t task_id, const gg_assess_task_t *next,
                          int version, gg_error_t *err)
{
    gg_assess_plan_t cur;
    if (gg_assess_plan_managed(op, plan_id, &cur, err) < 0 || must_draft(&cur, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " TASK_COLS " FROM assess_task t WHERE t.id = $1 AND t.plan_id = $2",
                    GG_ARGS(GG_I64(task_id), GG_I64(plan_id)), &r, err) < 0)
        return -1;
    gg_assess_task_t t;
    int rc = gg_db_next(r, err);
    if (rc > 0) read_task(r, op->arena, &t);
    gg_db_res_free(r);
    if (rc < 0) return -1;
    if (rc == 0)
        return gg_err_not_found(err, "plan %lld has no task %lld", (long long)plan_id, (long long)task_id);
    if (version != t.version)
        return gg_error_set(err, 409, "version_conflict", "version", "task %d was changed by someone else",
                            t.seq);
    if (next->seq != t.seq) {
        int64_t other = 0;
        int found = 0;
        if (gg_db_query_i64(op->c, "SELECT id FROM assess_task WHERE plan_id = $1 AND seq = $2",
                            GG_ARGS(GG_I64(plan_id), GG_I64(next->seq)), &other, &found, err) < 0)
            return -1;
        if (found) {
            gg_err_invalid(err, "seq", "the plan already has a task %d", next->seq);
            return gg_error_reason(err, "duplicate");
        }
    }
    if (gg_db_exec(op->c,
                   "UPDATE assess_task SET seq = $2, title = $3, category = $4, weight = $5, is_hard = $6, "
                   "target = $7, comparison = $8, source = $9, responsible = $10, version = version + 1 "
                   "WHERE id = $1",
                   GG_ARGS(GG_I64(task_id), GG_I64(next->seq), GG_TEXT(next->title), GG_TEXT(next->category),
                           GG_F64(next->weight), GG_I64(next->is_hard ? 1 : 0), GG_F64(next->target),
                           GG_TEXT(next->comparison), GG_TEXT(next->source),
                           next->responsible ? GG_TEXT(next->responsible) : GG_NULL),
                   NULL, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "task", task_id);
    gg_change_str(&ch, "title", t.title, next->title);
    gg_change_num(&ch, "weight", 1, t.weight, 1, next->weight);
    gg_change_num(&ch, "target", 1, t.target, 1, next->target);
    gg_change_str(&ch, "source", t.source, next->source);
    gg_change_int(&ch, "is_hard", 1, t.is_hard, 1, next->is_hard);
    return audit(op, "assessment.task_update", plan_id, cur.unit_id, gg_change_done(&ch, op->arena), err);
}

/* The units the plan assesses: live units of its target level under its unit, by code. */
int gg_assess_units(gg_db_conn_t *c, gg_arena_t *a, const gg_assess_plan_t *p, gg_assess_unit_t **rows,
                    int *n, gg_error_t *err)
{
    size_t len = strlen(p->unit_path);
    char *hi = gg_strdup(a, p->unit_path);
    hi[len - 1] = '0';
    gg_db_res_t *r;
    int cap = 32, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_assess_unit_t) * (size_t)cap);
    if (gg_db_query(
            c,
            "SELECT id, name, code, path, level FROM unit WHERE path > $1 AND path < $2 AND level = $3 "
            "AND retired_at IS NULL ORDER BY code",
            GG_ARGS(GG_TEXT(p->unit_path), GG_TEXT(hi), GG_TEXT(p->target_level)), &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_assess_unit_t *bigger = gg_alloc(a, sizeof(gg_assess_unit_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_assess_unit_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        gg_assess_unit_t *u = &(*rows)[(*n)++];
        u->id = gg_db_i64(r, 0);
        u->name = gg_strdup(a, gg_db_text(r, 1));
        u->code = gg_strdup(a, gg_db_text(r, 2));
        u->path = gg_strdup(a, gg_db_text(r, 3));
        u->level = gg_strdup(a, gg_db_text(r, 4));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_assess_plan_open(const gg_op_t *op, int64_t id, int version, gg_error_t *err)
{
    gg_assess_plan_t p;
    if (gg_assess_plan_managed(op, id, &p, err) < 0 || must_draft(&p, err) < 0 ||
        version_matches(&p, version, err) < 0)
        return -1;
    if (p.ntasks == 0) {
        gg_err_invalid(err, "tasks", "a plan needs at least one task before it is activated");
        return gg_error_reason(err, "required");
    }
    if (p.weight_sum <= 0) {
        gg_err_invalid(err, "tasks", "the tasks' weights add up to 0");
        return gg_error_reason(err, "out_of_range");
    }
    gg_assess_unit_t *units;
    int nunits;
    gg_assess_task_t *tasks;
    int ntasks;
    if (gg_assess_units(op->c, op->arena, &p, &units, &nunits, err) < 0 ||
        gg_assess_tasks_load(op->c, op->arena, id, &tasks, &ntasks, err) < 0)
        return -1;
    if (nunits == 0) {
        gg_err_invalid(err, "target_level", "%s has no units of this level to assess", p.unit_name);
        return gg_error_reason(err, "empty");
    }
    int64_t now = gg_now_ms();
    for (int u = 0; u < nunits; u++)
        for (int t = 0; t < ntasks; t++) {
            int manual = strcmp(tasks[t].source, "manual") == 0;
            if (gg_db_exec(op->c,
                           "INSERT INTO assess_score (plan_id, task_id, unit_id, status, updated_at) "
                           "VALUES ($1, $2, $3, $4, $5)",
                           GG_ARGS(GG_I64(id), GG_I64(tasks[t].id), GG_I64(units[u].id),
                                   GG_TEXT(manual ? "pending" : "computed"), GG_I64(now)),
                           NULL, err) < 0)
                return -1;
        }
    if (gg_db_exec(op->c,
                   "UPDATE assess_plan SET status = 'active', activated_at = $2, updated_at = $2, "
                   "version = version + 1 WHERE id = $1",
                   GG_ARGS(GG_I64(id), GG_I64(now)), NULL, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "units", nunits);
    gg_change_note_int(&ch, "tasks", ntasks);
    if (audit(op, "assessment.plan_activate", id, p.unit_id, gg_change_done(&ch, op->arena), err) < 0)
        return -1;
    return 0;
}

int gg_assess_plan_close(const gg_op_t *op, int64_t id, int version, gg_error_t *err)
{
    gg_assess_plan_t p;
    if (gg_assess_plan_managed(op, id, &p, err) < 0 || version_matches(&p, version, err) < 0) return -1;
    if (strcmp(p.status, "active") != 0) {
        gg_error_set(err, 409, "plan_not_active", "status", "plan %s is %s", p.name, p.status);
        return gg_error_reason(err, p.status);
    }
    if (gg_db_exec(
            op->c,
            "UPDATE assess_plan SET status = 'closed', updated_at = $2, version = version + 1 WHERE id = $1",
            GG_ARGS(GG_I64(id), GG_I64(gg_now_ms())), NULL, err) < 0)
        return -1;
    return audit(op, "assessment.plan_close", id, p.unit_id, NULL, err);
}
