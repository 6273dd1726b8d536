/* score.c — the scores of an assessment plan: computing the measure tasks, the responsible unit's manual
 * values with evidence and the office's review, each change into assess_score_history and the audit log;
 * scorecards, totals, grades with the hard-indicator cap, rankings and the period comparison (see
 * assessment.h, docs/assessment.md). */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/assessment/internal.h"
#include "domain/attachment.h"
#include "domain/change.h"
#include "domain/identity/audit.h"

#define SCORE_COLS                                                                                           \
    "s.id, s.plan_id, s.task_id, s.unit_id, s.status, s.has_value, s.value, s.score, s.met, s.note, "        \
    "s.review_note, s.submitted_by, s.submitted_at, s.reviewed_by, s.reviewed_at, s.updated_at, s.version, " \
    "sa.display_name, ra.display_name"
#define SCORE_FROM                                                                                           \
    " FROM assess_score s LEFT JOIN account sa ON sa.id = s.submitted_by "                                   \
    "LEFT JOIN account ra ON ra.id = s.reviewed_by "

static const char *dup_or_null(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static int64_t i64_or_0(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

static void read_score(gg_db_res_t *r, gg_arena_t *a, gg_assess_score_t *s)
{
    memset(s, 0, sizeof *s);
    s->id = gg_db_i64(r, 0);
    s->plan_id = gg_db_i64(r, 1);
    s->task_id = gg_db_i64(r, 2);
    s->unit_id = gg_db_i64(r, 3);
    s->status = gg_strdup(a, gg_db_text(r, 4));
    s->has_value = gg_db_i64(r, 5) != 0;
    s->value = gg_db_isnull(r, 6) ? 0 : gg_db_f64(r, 6);
    s->score = gg_db_f64(r, 7);
    s->has_met = !gg_db_isnull(r, 8);
    s->met = s->has_met && gg_db_i64(r, 8) != 0;
    s->note = dup_or_null(a, r, 9);
    s->review_note = dup_or_null(a, r, 10);
    s->submitted_by = i64_or_0(r, 11);
    s->submitted_at = i64_or_0(r, 12);
    s->reviewed_by = i64_or_0(r, 13);
    s->reviewed_at = i64_or_0(r, 14);
    s->updated_at = gg_db_i64(r, 15);
    s->version = (int)gg_db_i64(r, 16);
    s->submitted_by_name = dup_or_null(a, r, 17);
    s->reviewed_by_name = dup_or_null(a, r, 18);
}

/* A score counts toward the total once it is computed or approved. */
static int counts(const gg_assess_score_t *s)
{
    return strcmp(s->status, "computed") == 0 || strcmp(s->status, "approved") == 0;
}

/* 无数据: a computed task whose measure had nothing to count (denominator 0).  Not scored: left out of the
 * total together with its weight, so the other tasks' weights are renormalised (docs/assessment.md rule 2).
 */
static int no_data(const gg_assess_score_t *s)
{
    return strcmp(s->status, "computed") == 0 && !s->has_value;
}

static int history(const gg_op_t *op, int64_t score_id, const char *action, const char *status, int has_value,
                   double value, double score, const char *note, gg_error_t *err)
{
    return gg_db_exec(
        op->c,
        "INSERT INTO assess_score_history (score_id, action, status, has_value, value, score, note, "
        "account_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        GG_ARGS(GG_I64(score_id), GG_TEXT(action), GG_TEXT(status), GG_I64(has_value),
                has_value ? GG_F64(value) : GG_NULL, GG_F64(score), note ? GG_TEXT(note) : GG_NULL,
                op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL, GG_I64(gg_now_ms())),
        NULL, err);
}

static int audit_score(const gg_op_t *op, const char *action, int64_t score_id, int64_t unit_id,
                       const char *detail, gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = "assess_score",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)score_id),
                          .unit_id = unit_id,
                          .detail_json = detail};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

/* ---- activate and compute ---- */

/* Here rather than in plan.c: the plan's lifecycle does not depend on scoring; scoring builds on the plan. */
int gg_assess_plan_activate(const gg_op_t *op, int64_t id, int version, gg_error_t *err)
{
    int changed;
    if (gg_assess_plan_open(op, id, version, err) < 0) return -1;
    return gg_assess_compute(op, id, &changed, err);
}

int gg_assess_compute(const gg_op_t *op, int64_t id, int *changed, gg_error_t *err)
{
    gg_assess_plan_t p;
    *changed = 0;
    if (gg_assess_plan_managed(op, id, &p, err) < 0) return -1;
    if (strcmp(p.status, "draft") == 0) {
        gg_error_set(err, 409, "plan_not_active", "status", "plan %s is a draft", p.name);
        return gg_error_reason(err, p.status);
    }
    if (strcmp(p.status, "closed") == 0) {
        gg_error_set(err, 409, "plan_not_active", "status", "plan %s is closed", p.name);
        return gg_error_reason(err, p.status);
    }
    gg_assess_unit_t *units;
    int nunits;
    gg_assess_task_t *tasks;
    int ntasks;
    if (gg_assess_units(op->c, op->arena, &p, &units, &nunits, err) < 0 ||
        gg_assess_tasks_load(op->c, op->arena, id, &tasks, &ntasks, err) < 0)
        return -1;
    int64_t now = gg_now_ms();
    for (int t = 0; t < ntasks; t++) {
        if (strncmp(tasks[t].source, "measure:", 8) != 0) continue;
        for (int u = 0; u < nunits; u++) {
            gg_db_res_t *r;
            if (gg_db_query(op->c,
                            "SELECT id, has_value, value, score FROM assess_score WHERE task_id = $1 AND "
                            "unit_id = $2",
                            GG_ARGS(GG_I64(tasks[t].id), GG_I64(units[u].id)), &r, err) < 0)
                return -1;
            int rc = gg_db_next(r, err);
            int64_t sid = rc > 0 ? gg_db_i64(r, 0) : 0;
            int had = rc > 0 && gg_db_i64(r, 1) != 0;
            double oldv = rc > 0 && !gg_db_isnull(r, 2) ? gg_db_f64(r, 2) : 0;
            double olds = rc > 0 ? gg_db_f64(r, 3) : 0;
            gg_db_res_free(r);
            if (rc < 0) return -1;
            if (rc == 0) continue; /* a unit made after activation is not assessed by this plan */
            int has_value = 0, met = 0;
            double value = 0, score = 0;
            if (gg_assess_measure(op, &units[u], tasks[t].source + 8, p.period_from, p.period_to, &has_value,
                                  &value, err) < 0) {
                char f[48];
                if (strcmp(err->field, "source") == 0) {
                    snprintf(f, sizeof f, "tasks[%d].source", tasks[t].seq);
                    snprintf(err->field, sizeof err->field, "%s", f);
                }
                return -1;
            }
            gg_assess_task_score(&tasks[t], has_value, value, &score, &met);
            if (gg_db_exec(op->c,
                           "UPDATE assess_score SET has_value = $2, value = $3, score = $4, met = $5, "
                           "updated_at = $6, version = version + 1 WHERE id = $1",
                           GG_ARGS(GG_I64(sid), GG_I64(has_value), has_value ? GG_F64(value) : GG_NULL,
                                   GG_F64(score), has_value ? GG_I64(met) : GG_NULL, GG_I64(now)),
                           NULL, err) < 0)
                return -1;
            if (had != has_value || oldv != value || olds != score || !p.computed_at) {
                (*changed)++;
                if (history(op, sid, "computed", "computed", has_value, value, score, NULL, err) < 0)
                    return -1;
            }
        }
    }
    if (gg_db_exec(op->c, "UPDATE assess_plan SET computed_at = $2 WHERE id = $1",
                   GG_ARGS(GG_I64(id), GG_I64(now)), NULL, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "changed", *changed);
    gg_audit_entry_t e = {.action = "assessment.compute",
                          .object_type = "assess_plan",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .unit_id = p.unit_id,
                          .detail_json = gg_change_done(&ch, op->arena)};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

/* ---- one score ---- */

static int load_score(gg_db_conn_t *c, gg_arena_t *a, const char *where, const gg_db_arg_t *args, int nargs,
                      gg_assess_score_t *s, int *found, gg_error_t *err)
{
    gg_db_res_t *r;
    char *sql = gg_sprintf(a, "SELECT " SCORE_COLS SCORE_FROM "WHERE %s", where);
    if (gg_db_query(c, sql, args, nargs, &r, err) < 0) return -1;
    int rc = gg_db_next(r, err);
    if (rc > 0) read_score(r, a, s);
    gg_db_res_free(r);
    if (rc < 0) return -1;
    *found = rc > 0;
    return 0;
}

static int load_task(gg_db_conn_t *c, gg_arena_t *a, int64_t plan_id, int64_t task_id, gg_assess_task_t *t,
                     int *found, gg_error_t *err)
{
    gg_assess_task_t *all;
    int n;
    *found = 0;
    if (gg_assess_tasks_load(c, a, plan_id, &all, &n, err) < 0) return -1;
    for (int i = 0; i < n; i++)
        if (all[i].id == task_id) {
            *t = all[i];
            *found = 1;
        }
    return 0;
}

static int unit_path_of(gg_db_conn_t *c, gg_arena_t *a, int64_t unit_id, const char **path, gg_error_t *err)
{
    gg_db_res_t *r;
    *path = NULL;
    if (gg_db_query(c, "SELECT path FROM unit WHERE id = $1", GG_ARGS(GG_I64(unit_id)), &r, err) < 0)
        return -1;
    if (gg_db_next(r, err) > 0) *path = gg_strdup(a, gg_db_text(r, 0));
    gg_db_res_free(r);
    return 0;
}

int gg_assess_score_get(const gg_op_t *op, int64_t score_id, gg_assess_score_t *out, gg_assess_task_t *task,
                        gg_assess_plan_t *plan, gg_error_t *err)
{
    int found;
    if (load_score(op->c, op->arena, "s.id = $1", GG_ARGS(GG_I64(score_id)), out, &found, err) < 0) return -1;
    const char *path = NULL;
    gg_error_t e2 = {0};
    if (found && (unit_path_of(op->c, op->arena, out->unit_id, &path, err) < 0)) return -1;
    if (!found || gg_assess_plan_get(op, out->plan_id, plan, &e2) < 0 || !path ||
        !gg_assess_sees_unit(op->auth, plan, path)) {
        if (e2.http_status >= 500) {
            *err = e2;
            return -1;
        }
        return gg_err_not_found(err, "score %lld does not exist or is outside your scope",
                                (long long)score_id);
    }
    if (load_task(op->c, op->arena, plan->id, out->task_id, task, &found, err) < 0) return -1;
    return 0;
}

static int not_active(const gg_assess_plan_t *p, gg_error_t *err)
{
    if (strcmp(p->status, "active") == 0) return 0;
    gg_error_set(err, 409, "plan_not_active", "status", "plan %s is %s: scores are not taken", p->name,
                 p->status);
    return gg_error_reason(err, p->status);
}

int gg_assess_submit(const gg_op_t *op, int64_t plan_id, const gg_assess_submit_t *in, int64_t *score_id,
                     gg_error_t *err)
{
    gg_assess_plan_t p;
    if (gg_assess_plan_get(op, plan_id, &p, err) < 0) return -1;
    gg_assess_task_t t;
    int found;
    if (load_task(op->c, op->arena, plan_id, in->task_id, &t, &found, err) < 0) return -1;
    if (!found) {
        gg_err_invalid(err, "task_id", "plan %s has no task %lld", p.name, (long long)in->task_id);
        return gg_error_reason(err, "not_in_plan");
    }
    if (strcmp(t.source, "manual") != 0) {
        gg_err_invalid(err, "task_id", "task %d is computed from a measure, not entered", t.seq);
        return gg_error_reason(err, "computed");
    }
    if (not_active(&p, err) < 0) return -1;
    /* the unit: assessed by the plan and within the caller's assess.score (else it looks missing) */
    const char *path = NULL;
    if (unit_path_of(op->c, op->arena, in->unit_id, &path, err) < 0) return -1;
    gg_assess_score_t s;
    found = 0;
    if (path && gg_auth_can(op->auth, GG_P_ASSESS_SCORE, path) &&
        load_score(op->c, op->arena, "s.task_id = $1 AND s.unit_id = $2",
                   GG_ARGS(GG_I64(in->task_id), GG_I64(in->unit_id)), &s, &found, err) < 0)
        return -1;
    if (!found)
        return gg_err_not_found(err, "unit %lld is not assessed by this plan or is outside your scope",
                                (long long)in->unit_id);
    if (strcmp(s.status, "approved") == 0) {
        gg_error_set(err, 409, "score_approved", "status", "task %d of this unit is approved already", t.seq);
        return gg_error_reason(err, "approved");
    }
    double score;
    int met;
    gg_assess_task_score(&t, 1, in->value, &score, &met);
    int64_t now = gg_now_ms();
    if (gg_db_exec(
            op->c,
            "UPDATE assess_score SET status = 'submitted', has_value = 1, value = $2, score = $3, met = $4, "
            "note = $5, submitted_by = $6, submitted_at = $7, updated_at = $7, version = version + 1 "
            "WHERE id = $1",
            GG_ARGS(GG_I64(s.id), GG_F64(in->value), GG_F64(score), GG_I64(met),
                    in->note ? GG_TEXT(in->note) : GG_NULL,
                    op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL, GG_I64(now)),
            NULL, err) < 0)
        return -1;
    if (gg_attachment_claim(op, in->attachment_ids, in->nattachments, NULL, "assess_score", s.id, "evidence",
                            err) < 0)
        return -1;
    if (history(op, s.id, "submitted", "submitted", 1, in->value, score, in->note, err) < 0) return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "plan", plan_id);
    gg_change_note_int(&ch, "task", t.seq);
    gg_change_str(&ch, "status", s.status, "submitted");
    gg_change_num(&ch, "value", s.has_value, s.value, 1, in->value);
    gg_change_num(&ch, "score", 1, s.score, 1, score);
    gg_change_note_int(&ch, "evidence", in->nattachments);
    *score_id = s.id;
    return audit_score(op, "assessment.score_submit", s.id, in->unit_id, gg_change_done(&ch, op->arena), err);
}

int gg_assess_review(const gg_op_t *op, int64_t score_id, int approve, const char *note, int has_score,
                     double score, int version, gg_error_t *err)
{
    gg_assess_score_t s;
    gg_assess_task_t t;
    gg_assess_plan_t p;
    if (gg_assess_score_get(op, score_id, &s, &t, &p, err) < 0) return -1;
    if (!p.can_manage)
        return gg_err_forbidden(err, "reviewing scores of plan %s needs assess.manage at %s", p.name,
                                p.unit_name);
    if (not_active(&p, err) < 0) return -1;
    if (version && version != s.version)
        return gg_error_set(err, 409, "version_conflict", "version", "the score was changed by someone else");
    if (strcmp(s.status, "submitted") != 0) {
        gg_error_set(err, 409, "score_not_submitted", "status", "the score is %s, not submitted", s.status);
        return gg_error_reason(err, s.status);
    }
    if (!approve && (!note || !*note)) {
        gg_err_invalid(err, "note", "say why the score is returned");
        return gg_error_reason(err, "required");
    }
    double final = s.score;
    if (approve && has_score) {
        if (!(score >= 0) || score > t.weight) {
            gg_err_invalid(err, "score", "a score from 0 to the task's weight %g", t.weight);
            return gg_error_limits(err, "out_of_range", 1, 0, 1, (long long)t.weight);
        }
        final = floor(score * 100.0 + 0.5) / 100.0;
    }
    const char *status = approve ? "approved" : "returned";
    if (gg_db_exec(op->c,
                   "UPDATE assess_score SET status = $2, score = $3, reviewed_by = $4, reviewed_at = $5, "
                   "review_note = $6, updated_at = $5, version = version + 1 WHERE id = $1",
                   GG_ARGS(GG_I64(s.id), GG_TEXT(status), GG_F64(final),
                           op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL, GG_I64(gg_now_ms()),
                           note ? GG_TEXT(note) : GG_NULL),
                   NULL, err) < 0)
        return -1;
    if (history(op, s.id, status, status, s.has_value, s.value, final, note, err) < 0) return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "plan", p.id);
    gg_change_note_int(&ch, "task", t.seq);
    gg_change_str(&ch, "status", s.status, status);
    gg_change_num(&ch, "score", 1, s.score, 1, final);
    if (note) gg_change_note(&ch, "note", note);
    return audit_score(op, approve ? "assessment.score_approve" : "assessment.score_return", s.id, s.unit_id,
                       gg_change_done(&ch, op->arena), err);
}

/* ---- standings ---- */

/* Total, grade and cap of one unit from its scores (scores[i] of tasks[i]). */
static void standing(gg_arena_t *a, const gg_assess_plan_t *p, const gg_assess_task_t *tasks,
                     const gg_assess_score_t *const *scores, int n, gg_assess_result_t *res)
{
    res->score_sum = 0;
    res->weight_sum = p->weight_sum;
    res->no_data = 0;
    res->pending = 0;
    res->nfailed_hard = 0;
    res->failed_hard = gg_alloc(a, sizeof(gg_assess_task_t *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        const gg_assess_score_t *s = scores[i];
        if (!s) continue;
        if (no_data(s)) {
            res->no_data++;
            res->weight_sum -= tasks[i].weight;
            continue;
        }
        if (!counts(s)) {
            res->pending++;
            continue;
        }
        res->score_sum += s->score;
        if (tasks[i].is_hard && s->has_met && !s->met) res->failed_hard[res->nfailed_hard++] = &tasks[i];
    }
    res->score_sum = floor(res->score_sum * 100.0 + 0.5) / 100.0;
    res->weight_sum = floor(res->weight_sum * 100.0 + 0.5) / 100.0;
    res->total = res->weight_sum > 0 ? floor(res->score_sum / res->weight_sum * 1000.0 + 0.5) / 10.0 : 0;
    res->band_grade = gg_assess_grade(p->bands, res->total);
    res->grade = res->band_grade;
    res->capped = 0;
    char cap = p->hard_cap[0];
    if (res->nfailed_hard && res->grade < cap) {
        res->grade = cap;
        res->capped = 1;
    }
}

/* Every score of the plan, grouped per unit: scores of unit u in task order into by_unit[u][t]. */
static gg_assess_score_t ***load_all(const gg_op_t *op, const gg_assess_plan_t *p,
                                     const gg_assess_task_t *tasks, int ntasks, const gg_assess_unit_t *units,
                                     int nunits, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_assess_score_t ***by_unit = gg_zalloc(a, sizeof(gg_assess_score_t **) * (size_t)(nunits ? nunits : 1));
    for (int u = 0; u < nunits; u++)
        by_unit[u] = gg_zalloc(a, sizeof(gg_assess_score_t *) * (size_t)(ntasks ? ntasks : 1));
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " SCORE_COLS SCORE_FROM "WHERE s.plan_id = $1", GG_ARGS(GG_I64(p->id)), &r,
                    err) < 0)
        return NULL;
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_assess_score_t *s = gg_alloc(a, sizeof *s);
        read_score(r, a, s);
        int ui = -1, ti = -1;
        for (int u = 0; u < nunits && ui < 0; u++)
            if (units[u].id == s->unit_id) ui = u;
        for (int t = 0; t < ntasks && ti < 0; t++)
            if (tasks[t].id == s->task_id) ti = t;
        if (ui >= 0 && ti >= 0) by_unit[ui][ti] = s;
    }
    gg_db_res_free(r);
    return step < 0 ? NULL : by_unit;
}

static int cmp_result(const void *x, const void *y)
{
    const gg_assess_result_t *a = x, *b = y;
    if (a->total != b->total) return a->total > b->total ? -1 : 1;
    return strcmp(a->unit_code, b->unit_code);
}

/* All units' standings, ranked (ties share a rank). */
static int rank_all(const gg_op_t *op, const gg_assess_plan_t *p, gg_assess_unit_t *units, int nunits,
                    gg_assess_result_t **out, gg_error_t *err)
{
    gg_assess_task_t *tasks;
    int ntasks;
    if (gg_assess_tasks_load(op->c, op->arena, p->id, &tasks, &ntasks, err) < 0) return -1;
    gg_assess_score_t ***by_unit = load_all(op, p, tasks, ntasks, units, nunits, err);
    if (!by_unit) return -1;
    gg_assess_result_t *res = gg_zalloc(op->arena, sizeof *res * (size_t)(nunits ? nunits : 1));
    int n = 0;
    for (int u = 0; u < nunits; u++) {
        int any = 0;
        for (int t = 0; t < ntasks; t++)
            any |= by_unit[u][t] != NULL;
        if (!any) continue; /* made after activation: not assessed */
        gg_assess_result_t *r = &res[n++];
        r->unit_id = units[u].id;
        r->unit_name = units[u].name;
        r->unit_code = units[u].code;
        r->unit_path = units[u].path;
        standing(op->arena, p, tasks, (const gg_assess_score_t *const *)by_unit[u], ntasks, r);
    }
    qsort(res, (size_t)n, sizeof *res, cmp_result);
    for (int i = 0; i < n; i++)
        res[i].rank = i > 0 && res[i].total == res[i - 1].total ? res[i - 1].rank : i + 1;
    *out = res;
    return n;
}

/* The plan compared with: the one named, or the latest earlier plan of the same unit and level. */
static int previous_plan(const gg_op_t *op, const gg_assess_plan_t *p, int64_t *prev, gg_error_t *err)
{
    *prev = p->previous_plan_id;
    if (*prev) return 0;
    int found = 0;
    return gg_db_query_i64(
        op->c,
        "SELECT id FROM assess_plan WHERE unit_id = $1 AND target_level = $2 AND period_to < $3 "
        "AND status <> 'draft' ORDER BY period_to DESC, id DESC LIMIT 1",
        GG_ARGS(GG_I64(p->unit_id), GG_TEXT(p->target_level), GG_TEXT(p->period_from)), prev, &found, err);
}

static int with_previous(const gg_op_t *op, const gg_assess_plan_t *p, gg_assess_result_t *rows, int n,
                         gg_error_t *err)
{
    int64_t prev_id = 0;
    if (previous_plan(op, p, &prev_id, err) < 0) return -1;
    if (!prev_id) return 0;
    gg_assess_plan_t prev;
    gg_error_t e2 = {0};
    if (gg_assess_plan_get(op, prev_id, &prev, &e2) < 0) return e2.http_status >= 500 ? (*err = e2, -1) : 0;
    gg_assess_unit_t *units;
    int nunits;
    gg_assess_result_t *old;
    if (gg_assess_units(op->c, op->arena, &prev, &units, &nunits, err) < 0) return -1;
    int nold = rank_all(op, &prev, units, nunits, &old, err);
    if (nold < 0) return -1;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < nold; j++)
            if (old[j].unit_id == rows[i].unit_id) {
                rows[i].has_previous = 1;
                rows[i].previous_total = old[j].total;
                rows[i].previous_grade = old[j].grade;
                rows[i].previous_plan_id = prev_id;
            }
    return 0;
}

int gg_assess_ranking(const gg_op_t *op, int64_t plan_id, gg_assess_plan_t *plan, gg_assess_result_t **rows,
                      int *n, gg_error_t *err)
{
    if (gg_assess_plan_get(op, plan_id, plan, err) < 0) return -1;
    gg_assess_unit_t *units;
    int nunits;
    gg_assess_result_t *all;
    if (gg_assess_units(op->c, op->arena, plan, &units, &nunits, err) < 0) return -1;
    int nall = rank_all(op, plan, units, nunits, &all, err);
    if (nall < 0) return -1;
    /* only the units the caller may see; their ranks stay the ranks among all */
    *n = 0;
    for (int i = 0; i < nall; i++)
        if (gg_assess_sees_unit(op->auth, plan, all[i].unit_path)) all[(*n)++] = all[i];
    *rows = all;
    return with_previous(op, plan, *rows, *n, err);
}

int gg_assess_scorecard(const gg_op_t *op, int64_t plan_id, int64_t unit_id, gg_assess_plan_t *plan,
                        gg_assess_task_t **tasks, gg_assess_score_t **scores, int *n, gg_assess_result_t *res,
                        gg_error_t *err)
{
    gg_assess_result_t *rows;
    int nrows;
    if (gg_assess_ranking(op, plan_id, plan, &rows, &nrows, err) < 0) return -1;
    int found = 0;
    for (int i = 0; i < nrows; i++)
        if (rows[i].unit_id == unit_id) {
            *res = rows[i];
            found = 1;
        }
    if (!found)
        return gg_err_not_found(err, "unit %lld is not assessed by this plan or is outside your scope",
                                (long long)unit_id);
    if (gg_assess_tasks_load(op->c, op->arena, plan_id, tasks, n, err) < 0) return -1;
    *scores = gg_zalloc(op->arena, sizeof(gg_assess_score_t) * (size_t)(*n ? *n : 1));
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " SCORE_COLS SCORE_FROM "WHERE s.plan_id = $1 AND s.unit_id = $2",
                    GG_ARGS(GG_I64(plan_id), GG_I64(unit_id)), &r, err) < 0)
        return -1;
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_assess_score_t s;
        read_score(r, op->arena, &s);
        for (int t = 0; t < *n; t++)
            if ((*tasks)[t].id == s.task_id) (*scores)[t] = s;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_assess_history_list(const gg_op_t *op, int64_t score_id, gg_assess_history_t **rows, int *n,
                           gg_error_t *err)
{
    gg_assess_score_t s;
    gg_assess_task_t t;
    gg_assess_plan_t p;
    if (gg_assess_score_get(op, score_id, &s, &t, &p, err) < 0) return -1;
    gg_db_res_t *r;
    int cap = 16, step;
    *n = 0;
    *rows = gg_alloc(op->arena, sizeof(gg_assess_history_t) * (size_t)cap);
    if (gg_db_query(op->c,
                    "SELECT h.id, h.score_id, h.account_id, h.at, h.action, h.status, h.note, a.username, "
                    "a.display_name, h.has_value, h.value, h.score FROM assess_score_history h "
                    "LEFT JOIN account a ON a.id = h.account_id WHERE h.score_id = $1 ORDER BY h.id",
                    GG_ARGS(GG_I64(score_id)), &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_assess_history_t *bigger = gg_alloc(op->arena, sizeof(gg_assess_history_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_assess_history_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        gg_assess_history_t *h = &(*rows)[(*n)++];
        h->id = gg_db_i64(r, 0);
        h->score_id = gg_db_i64(r, 1);
        h->account_id = i64_or_0(r, 2);
        h->at = gg_db_i64(r, 3);
        h->action = gg_strdup(op->arena, gg_db_text(r, 4));
        h->status = gg_strdup(op->arena, gg_db_text(r, 5));
        h->note = dup_or_null(op->arena, r, 6);
        h->username = dup_or_null(op->arena, r, 7);
        h->display_name = dup_or_null(op->arena, r, 8);
        h->has_value = gg_db_i64(r, 9) != 0;
        h->value = gg_db_isnull(r, 10) ? 0 : gg_db_f64(r, 10);
        h->score = gg_db_f64(r, 11);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* ---- evidence ---- */

static int score_visible(const gg_op_t *op, int64_t score_id, gg_error_t *err)
{
    if (!op->auth) return gg_err_not_found(err, "no such attachment");
    gg_assess_score_t s;
    gg_assess_task_t t;
    gg_assess_plan_t p;
    gg_op_t o = *op;
    return gg_assess_score_get(&o, score_id, &s, &t, &p, err);
}

void gg_assess_attachments_init(void)
{
    gg_attachment_owner_register("assess_score", score_visible);
}
