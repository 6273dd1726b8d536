/*
 * assessment.c — /api/v1/assessment/…: assessment plans (考核方案) and their tasks, activation and
 * computation, manual scores with evidence and their review, scorecards, rankings, the history of a
 * score, and the XLSX sheets of a scorecard and a ranking.  The rules and the scope are the domain's
 * (domain/assessment/assessment.h, docs/assessment.md); this file parses, calls and writes JSON.
 */
#include <math.h>
#include <string.h>

#include "api/api.h"
#include "api/attachments.h"
#include "api/body.h"
#include "api/people/sheet_out.h"
#include "api/write.h"
#include "domain/assessment/assessment.h"
#include "domain/validate.h"

/* ---- JSON ---- */

static void write_task(gg_jw_t *w, const gg_assess_task_t *t)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", t->id);
    gg_jw_kint(w, "seq", t->seq);
    gg_jw_kstr(w, "title", t->title);
    gg_jw_kstr(w, "category", t->category);
    gg_jw_knum(w, "weight", t->weight);
    gg_jw_kbool(w, "is_hard", t->is_hard);
    gg_jw_knum(w, "target", t->target);
    gg_jw_kstr(w, "comparison", t->comparison);
    gg_jw_kstr(w, "source", t->source);
    gg_jw_kstr(w, "responsible", t->responsible);
    gg_jw_kint(w, "version", t->version);
    gg_jw_obj_end(w);
}

static void write_plan(gg_jw_t *w, const gg_assess_plan_t *p, const gg_auth_t *auth, int end)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", p->id);
    gg_body_kref(w, "unit", "id", p->unit_id, "name", p->unit_name);
    gg_jw_kstr(w, "name", p->name);
    gg_jw_key(w, "period");
    gg_jw_obj(w);
    gg_jw_kstr(w, "from", p->period_from);
    gg_jw_kstr(w, "to", p->period_to);
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "target_level", p->target_level);
    gg_jw_kstr(w, "status", p->status);
    gg_jw_key(w, "bands");
    gg_jw_obj(w);
    gg_jw_knum(w, "A", p->bands[0]);
    gg_jw_knum(w, "B", p->bands[1]);
    gg_jw_knum(w, "C", p->bands[2]);
    gg_jw_knum(w, "D", p->bands[3]);
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "hard_cap", p->hard_cap);
    gg_jw_key(w, "previous_plan_id");
    p->previous_plan_id ? gg_jw_int(w, p->previous_plan_id) : gg_jw_null(w);
    gg_jw_kint(w, "tasks_count", p->ntasks);
    gg_jw_kint(w, "hard_count", p->nhard);
    gg_jw_knum(w, "weight_sum", p->weight_sum);
    gg_jw_kbool(w, "can_manage", p->can_manage);
    gg_jw_kbool(w, "can_score", gg_auth_has(auth, GG_P_ASSESS_SCORE));
    gg_jw_ktime(w, "created_at", p->created_at);
    gg_jw_ktime(w, "updated_at", p->updated_at);
    gg_jw_ktime(w, "activated_at", p->activated_at);
    gg_jw_ktime(w, "computed_at", p->computed_at);
    gg_jw_kint(w, "version", p->version);
    if (end) gg_jw_obj_end(w);
}

static void grade_str(char *out, char g)
{
    out[0] = g;
    out[1] = 0;
}

static void write_standing(gg_jw_t *w, const gg_assess_result_t *r, const gg_assess_plan_t *p)
{
    char g[2], bg[2];
    grade_str(g, r->grade);
    grade_str(bg, r->band_grade);
    gg_jw_obj(w);
    gg_jw_kint(w, "rank", r->rank);
    gg_jw_key(w, "unit");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", r->unit_id);
    gg_jw_kstr(w, "name", r->unit_name);
    gg_jw_kstr(w, "code", r->unit_code);
    gg_jw_obj_end(w);
    gg_jw_knum(w, "score_sum", r->score_sum);
    gg_jw_knum(w, "weight_sum", r->weight_sum);
    gg_jw_kint(w, "no_data", r->no_data);
    gg_jw_knum(w, "total", r->total);
    gg_jw_kstr(w, "band_grade", bg);
    gg_jw_kstr(w, "grade", g);
    gg_jw_kbool(w, "capped", r->capped);
    gg_jw_key(w, "failed_hard");
    gg_jw_arr(w);
    for (int i = 0; i < r->nfailed_hard; i++) {
        gg_jw_obj(w);
        gg_jw_kint(w, "id", r->failed_hard[i]->id);
        gg_jw_kint(w, "seq", r->failed_hard[i]->seq);
        gg_jw_kstr(w, "title", r->failed_hard[i]->title);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_key(w, "cap_reason");
    if (r->capped) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "code", "hard_indicator_failed");
        gg_jw_kstr(w, "cap", p->hard_cap);
        gg_jw_kint(w, "failed", r->nfailed_hard);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_jw_kint(w, "pending", r->pending);
    gg_jw_key(w, "previous");
    if (r->has_previous) {
        char pg[2];
        grade_str(pg, r->previous_grade);
        gg_jw_obj(w);
        gg_jw_kint(w, "plan_id", r->previous_plan_id);
        gg_jw_knum(w, "total", r->previous_total);
        gg_jw_kstr(w, "grade", pg);
        gg_jw_knum(w, "delta", round((r->total - r->previous_total) * 10.0) / 10.0);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_jw_obj_end(w);
}

/* ---- query: ?format= for the exports ---- */

/* ---- GET /assessment/plans ---- */

static int plans_respond(gg_write_t *w, gg_error_t *err)
{
    gg_assess_plan_t *rows;
    int n;
    if (gg_assess_plans(&w->op, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_plan(jw, &rows[i], w->op.auth, 1);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t PLAN_LIST = {.respond = plans_respond};

/* ---- one plan, with its tasks ---- */

static int plan_respond(gg_write_t *w, gg_error_t *err)
{
    gg_assess_plan_t p;
    gg_assess_task_t *tasks;
    int n;
    if (gg_assess_plan_get(&w->op, w->result, &p, err) < 0 ||
        gg_assess_tasks(&w->op, w->result, &tasks, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    write_plan(jw, &p, w->op.auth, 0);
    gg_jw_key(jw, "tasks");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++)
        write_task(jw, &tasks[i]);
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t PLAN_GET = {.path_ids = {"id"}, .respond = plan_respond};

/* ---- reading tasks and plans from a body ---- */

static const gg_field_t task_fields[] = {
    {"seq", GG_F_INT, 1, 1, 100000, 0},      {"title", GG_F_STR, 1, 1, 200, 0},
    {"category", GG_F_STR, 0, 0, 64, 1},     {"weight", GG_F_NUM, 1, 0, 100, 0},
    {"is_hard", GG_F_BOOL, 0, 0, 0, 1},      {"target", GG_F_NUM, 1, -1000000000, 1000000000, 0},
    {"comparison", GG_F_STR, 0, 2, 2, 1},    {"source", GG_F_STR, 1, 1, 60, 0},
    {"responsible", GG_F_STR, 0, 0, 100, 1}, {"version", GG_F_INT, 0, 1, INT32_MAX, 1},
};

static int read_task(gg_arena_t *a, json_t *o, const char *prefix, gg_assess_task_t *t, gg_error_t *err)
{
    if (!json_is_object(o)) {
        char f[48];
        snprintf(f, sizeof f, "%.*s", (int)strlen(prefix) - 1, prefix);
        gg_err_invalid(err, f, "a task is an object");
        return gg_error_reason(err, "wrong_type");
    }
    if (gg_json_check(o, task_fields, (int)(sizeof task_fields / sizeof task_fields[0]), prefix, err) < 0)
        return -1;
    memset(t, 0, sizeof *t);
    t->seq = (int)gg_json_int(o, "seq", 0);
    t->title = gg_strdup(a, gg_json_str(o, "title"));
    t->category = gg_json_str(o, "category") ? gg_strdup(a, gg_json_str(o, "category")) : NULL;
    t->weight = gg_json_num(o, "weight", NAN);
    t->is_hard = gg_json_bool(o, "is_hard", 0);
    t->target = gg_json_num(o, "target", NAN);
    t->comparison = gg_json_str(o, "comparison") ? gg_strdup(a, gg_json_str(o, "comparison")) : NULL;
    t->source = gg_strdup(a, gg_json_str(o, "source"));
    t->responsible = gg_json_str(o, "responsible") ? gg_strdup(a, gg_json_str(o, "responsible")) : NULL;
    return gg_assess_task_check(a, t, prefix, err);
}

typedef struct tasks_state {
    gg_assess_plan_t plan;
    gg_assess_task_t *tasks;
    int ntasks;
} tasks_state_t;

static int read_tasks(gg_arena_t *a, json_t *body, int required, tasks_state_t *s, gg_error_t *err)
{
    json_t *arr = json_object_get(body, "tasks");
    if (!arr || json_is_null(arr)) {
        if (!required) return 0;
        gg_err_invalid(err, "tasks", "tasks is required");
        return gg_error_reason(err, "required");
    }
    size_t n = json_array_size(arr);
    if (n > GG_ASSESS_MAX_TASKS_PER_CALL) {
        gg_err_invalid(err, "tasks", "at most %d tasks in one request", GG_ASSESS_MAX_TASKS_PER_CALL);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_ASSESS_MAX_TASKS_PER_CALL);
    }
    if (required && n == 0) {
        gg_err_invalid(err, "tasks", "give at least one task");
        return gg_error_reason(err, "empty");
    }
    s->tasks = gg_alloc(a, sizeof(gg_assess_task_t) * (n ? n : 1));
    s->ntasks = (int)n;
    for (size_t i = 0; i < n; i++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "tasks[%zu].", i);
        if (read_task(a, json_array_get(arr, i), prefix, &s->tasks[i], err) < 0) return -1;
        for (size_t j = 0; j < i; j++)
            if (s->tasks[j].seq == s->tasks[i].seq) {
                char f[40];
                snprintf(f, sizeof f, "tasks[%zu].seq", i);
                gg_err_invalid(err, f, "sequence number %d is given twice", s->tasks[i].seq);
                return gg_error_reason(err, "duplicate");
            }
    }
    return 0;
}

static const gg_field_t band_fields[] = {
    {"A", GG_F_NUM, 1, 0, 100, 0},
    {"B", GG_F_NUM, 1, 0, 100, 0},
    {"C", GG_F_NUM, 1, 0, 100, 0},
    {"D", GG_F_NUM, 1, 0, 100, 0},
};

/* The plan's own fields of body over p (absent: unchanged). */
static int read_plan(gg_arena_t *a, json_t *body, gg_assess_plan_t *p, gg_error_t *err)
{
    gg_body_str(a, body, "name", &p->name);
    gg_body_str(a, body, "period_from", &p->period_from);
    gg_body_str(a, body, "period_to", &p->period_to);
    gg_body_str(a, body, "target_level", &p->target_level);
    gg_body_str(a, body, "hard_cap", &p->hard_cap);
    if (gg_text_field(a, &p->name, "name", 1, err) < 0) return -1;
    json_t *b = json_object_get(body, "bands");
    if (b && !json_is_null(b)) {
        if (gg_json_check(b, band_fields, 4, "bands.", err) < 0) return -1;
        static const char *const k[] = {"A", "B", "C", "D"};
        for (int i = 0; i < 4; i++)
            p->bands[i] = gg_json_num(b, k[i], 0);
    }
    json_t *prev = json_object_get(body, "previous_plan_id");
    if (prev) p->previous_plan_id = json_is_null(prev) ? 0 : json_integer_value(prev);
    return gg_assess_plan_check(p, err);
}

static const gg_field_t plan_fields[] = {
    {"name", GG_F_STR, 0, 1, 100, 0},
    {"period_from", GG_F_STR, 0, 10, 10, 0},
    {"period_to", GG_F_STR, 0, 10, 10, 0},
    {"target_level", GG_F_STR, 0, 1, 16, 0},
    {"bands", GG_F_OBJ, 0, 0, 0, 1},
    {"hard_cap", GG_F_STR, 0, 1, 1, 0},
    {"previous_plan_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

static const gg_field_t create_fields[] = {
    {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"tasks", GG_F_ARR, 0, 0, 0, 1},
};

/* ---- POST /assessment/plans ---- */

static int create_prepare(gg_write_t *w, gg_error_t *err)
{
    tasks_state_t *s = w->state;
    gg_assess_plan_t *p = &s->plan;
    p->unit_id = gg_json_int(w->body, "unit_id", 0);
    p->bands[0] = 90, p->bands[1] = 80, p->bands[2] = 70, p->bands[3] = 60;
    p->hard_cap = "C";
    static const char *const required[] = {"name", "period_from", "period_to", "target_level"};
    for (int i = 0; i < 4; i++)
        if (!gg_json_str(w->body, required[i])) {
            gg_err_invalid(err, required[i], "%s is required", required[i]);
            return gg_error_reason(err, "required");
        }
    if (read_plan(w->op.arena, w->body, p, err) < 0) return -1;
    return read_tasks(w->op.arena, w->body, 0, s, err);
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    tasks_state_t *s = w->state;
    return gg_assess_plan_create(&w->op, &s->plan, s->tasks, s->ntasks, &w->result, err);
}

static const gg_write_op_t PLAN_CREATE = {
    .fields = GG_FIELDS(plan_fields),
    .more = GG_FIELDS(create_fields),
    .state_size = sizeof(tasks_state_t),
    .prepare = create_prepare,
    .run = create_run,
    .respond = plan_respond,
    .status = 201,
    .location = "/api/v1/assessment/plans/%lld",
};

/* ---- PATCH /assessment/plans/{id} ---- */

static const gg_field_t version_only[] = {{"version", GG_F_INT, 1, 1, INT32_MAX, 0}};

static int update_run(gg_write_t *w, gg_error_t *err)
{
    gg_assess_plan_t cur;
    if (gg_assess_plan_get(&w->op, w->id, &cur, err) < 0) return -1;
    gg_assess_plan_t next = cur;
    if (read_plan(w->op.arena, w->body, &next, err) < 0) return -1;
    return gg_assess_plan_update(&w->op, w->id, &next, (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_write_op_t PLAN_UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(plan_fields),
    .more = GG_FIELDS(version_only),
    .run = update_run,
    .respond = plan_respond,
};

/* ---- POST /assessment/plans/{id}/tasks (bulk) ---- */

static const gg_field_t tasks_fields[] = {{"tasks", GG_F_ARR, 1, 0, 0, 0}};

static int tasks_prepare(gg_write_t *w, gg_error_t *err)
{
    return read_tasks(w->op.arena, w->body, 1, w->state, err);
}

static int tasks_run(gg_write_t *w, gg_error_t *err)
{
    tasks_state_t *s = w->state;
    return gg_assess_tasks_add(&w->op, w->id, s->tasks, s->ntasks, err);
}

static const gg_write_op_t TASKS_ADD = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(tasks_fields),
    .state_size = sizeof(tasks_state_t),
    .prepare = tasks_prepare,
    .run = tasks_run,
    .respond = plan_respond,
    .status = 201,
};

/* ---- PATCH /assessment/plans/{id}/tasks/{task_id} ---- */

static int task_update_prepare(gg_write_t *w, gg_error_t *err)
{
    tasks_state_t *s = w->state;
    s->tasks = gg_alloc(w->op.arena, sizeof(gg_assess_task_t));
    return read_task(w->op.arena, w->body, "", s->tasks, err);
}

static int task_update_run(gg_write_t *w, gg_error_t *err)
{
    tasks_state_t *s = w->state;
    return gg_assess_task_update(&w->op, w->ids[0], w->ids[1], s->tasks,
                                 (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_write_op_t TASK_UPDATE = {
    .path_ids = {"id", "task_id"},
    .fields = GG_FIELDS(task_fields),
    .state_size = sizeof(tasks_state_t),
    .prepare = task_update_prepare,
    .run = task_update_run,
    .respond = plan_respond,
};

/* ---- activate, close, compute ---- */

static int activate_run(gg_write_t *w, gg_error_t *err)
{
    return gg_assess_plan_activate(&w->op, w->id, (int)gg_json_int(w->body, "version", 0), err);
}

static int close_run(gg_write_t *w, gg_error_t *err)
{
    return gg_assess_plan_close(&w->op, w->id, (int)gg_json_int(w->body, "version", 0), err);
}

static int compute_run(gg_write_t *w, gg_error_t *err)
{
    int changed;
    return gg_assess_compute(&w->op, w->id, &changed, err);
}

static const gg_write_op_t PLAN_ACTIVATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(version_only),
    .run = activate_run,
    .respond = plan_respond,
};

static const gg_write_op_t PLAN_CLOSE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(version_only),
    .run = close_run,
    .respond = plan_respond,
};

static int ranking_respond(gg_write_t *w, gg_error_t *err);

static const gg_write_op_t PLAN_COMPUTE = {
    .path_ids = {"id"},
    .run = compute_run,
    .respond = ranking_respond,
};

/* ---- GET /assessment/plans/{id}/ranking ---- */

static int ranking_respond(gg_write_t *w, gg_error_t *err)
{
    gg_assess_plan_t p;
    gg_assess_result_t *rows;
    int n;
    if (gg_assess_ranking(&w->op, w->id, &p, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_key(jw, "plan");
    write_plan(jw, &p, w->op.auth, 1);
    gg_jw_key(jw, "items");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++)
        write_standing(jw, &rows[i], &p);
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t PLAN_RANKING = {.path_ids = {"id"}, .respond = ranking_respond};

/* ---- GET /assessment/plans/{id}/units/{unit_id}: the scorecard ---- */

static void write_score(gg_jw_t *w, const gg_assess_score_t *s, const gg_attachment_t *ev, int nev)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", s->id);
    gg_jw_kstr(w, "status", s->status);
    gg_jw_key(w, "value");
    s->has_value ? gg_jw_num(w, s->value) : gg_jw_null(w);
    gg_jw_knum(w, "score", s->score);
    gg_jw_kbool(w, "no_data", !strcmp(s->status, "computed") && !s->has_value); /* 无数据: not scored */
    gg_jw_key(w, "met");
    s->has_met ? gg_jw_bool(w, s->met) : gg_jw_null(w);
    gg_jw_kstr(w, "note", s->note);
    gg_jw_kstr(w, "review_note", s->review_note);
    gg_body_kref(w, "submitted_by", "id", s->submitted_by, "name", s->submitted_by_name);
    gg_jw_ktime(w, "submitted_at", s->submitted_at);
    gg_body_kref(w, "reviewed_by", "id", s->reviewed_by, "name", s->reviewed_by_name);
    gg_jw_ktime(w, "reviewed_at", s->reviewed_at);
    gg_jw_kint(w, "version", s->version);
    gg_jw_key(w, "evidence");
    gg_api_attachments_json(w, ev, nev, s->id);
    gg_jw_obj_end(w);
}

typedef struct card {
    gg_assess_plan_t plan;
    gg_assess_task_t *tasks;
    gg_assess_score_t *scores;
    int n;
    gg_assess_result_t res;
    gg_attachment_t *ev;
    int nev;
} card_t;

static int load_card(gg_write_t *w, card_t *k, gg_error_t *err)
{
    if (gg_assess_scorecard(&w->op, w->ids[0], w->ids[1], &k->plan, &k->tasks, &k->scores, &k->n, &k->res,
                            err) < 0)
        return -1;
    int64_t *ids = gg_alloc(w->op.arena, sizeof(int64_t) * (size_t)(k->n ? k->n : 1));
    int nids = 0;
    for (int i = 0; i < k->n; i++)
        if (k->scores[i].id) ids[nids++] = k->scores[i].id;
    return gg_attachment_list(w->op.c, w->op.arena, "assess_score", ids, nids, &k->ev, &k->nev, err);
}

static int card_respond(gg_write_t *w, gg_error_t *err)
{
    card_t k;
    if (load_card(w, &k, err) < 0) return -1;
    const gg_auth_t *auth = w->op.auth;
    int active = strcmp(k.plan.status, "active") == 0;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_key(jw, "plan");
    write_plan(jw, &k.plan, auth, 1);
    gg_jw_key(jw, "standing");
    write_standing(jw, &k.res, &k.plan);
    gg_jw_key(jw, "items");
    gg_jw_arr(jw);
    for (int i = 0; i < k.n; i++) {
        const gg_assess_score_t *s = &k.scores[i];
        int manual = strcmp(k.tasks[i].source, "manual") == 0;
        gg_jw_obj(jw);
        gg_jw_key(jw, "task");
        write_task(jw, &k.tasks[i]);
        gg_jw_key(jw, "score");
        if (s->id)
            write_score(jw, s, k.ev, k.nev);
        else
            gg_jw_null(jw);
        gg_jw_kbool(jw, "can_submit",
                    s->id && active && manual && strcmp(s->status, "approved") != 0 &&
                        gg_auth_can(auth, GG_P_ASSESS_SCORE, k.res.unit_path));
        gg_jw_kbool(jw, "can_review",
                    s->id && active && k.plan.can_manage && !strcmp(s->status, "submitted"));
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t SCORECARD = {.path_ids = {"id", "unit_id"}, .respond = card_respond};

/* ---- POST /assessment/plans/{id}/scores: a manual value with evidence ---- */

#define MAX_EVIDENCE GG_ASSESS_MAX_EVIDENCE

typedef struct submit_state {
    gg_assess_submit_t in;
    int64_t ids[MAX_EVIDENCE];
} submit_state_t;

static const gg_field_t submit_fields[] = {
    {"task_id", GG_F_INT, 1, 1, INT64_MAX, 0},          {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"value", GG_F_NUM, 1, -1000000000, 1000000000, 0}, {"note", GG_F_STR, 0, 0, 500, 1},
    {"attachment_ids", GG_F_ARR, 0, 0, 0, 1},
};

static int submit_prepare(gg_write_t *w, gg_error_t *err)
{
    submit_state_t *s = w->state;
    s->in.task_id = gg_json_int(w->body, "task_id", 0);
    s->in.unit_id = gg_json_int(w->body, "unit_id", 0);
    s->in.value = gg_json_num(w->body, "value", 0);
    s->in.note = gg_json_str(w->body, "note") ? gg_strdup(w->op.arena, gg_json_str(w->body, "note")) : NULL;
    if (gg_text_field(w->op.arena, &s->in.note, "note", 0, err) < 0) return -1;
    json_t *arr = json_object_get(w->body, "attachment_ids");
    size_t n = arr ? json_array_size(arr) : 0;
    if (n > MAX_EVIDENCE) {
        gg_err_invalid(err, "attachment_ids", "at most %d files", MAX_EVIDENCE);
        return gg_error_limits(err, "too_many", 0, 0, 1, MAX_EVIDENCE);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            gg_err_invalid(err, "attachment_ids", "attachment ids are positive integers");
            return gg_error_reason(err, "wrong_type");
        }
        s->ids[i] = json_integer_value(v);
    }
    s->in.attachment_ids = s->ids;
    s->in.nattachments = (int)n;
    return 0;
}

static int submit_run(gg_write_t *w, gg_error_t *err)
{
    submit_state_t *s = w->state;
    return gg_assess_submit(&w->op, w->id, &s->in, &w->result, err);
}

static int one_score_respond(gg_write_t *w, gg_error_t *err)
{
    gg_assess_score_t s;
    gg_assess_task_t t;
    gg_assess_plan_t p;
    if (gg_assess_score_get(&w->op, w->result, &s, &t, &p, err) < 0) return -1;
    gg_attachment_t *ev;
    int nev;
    if (gg_attachment_list(w->op.c, w->op.arena, "assess_score", &s.id, 1, &ev, &nev, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "plan_id", p.id);
    gg_jw_kint(jw, "unit_id", s.unit_id);
    gg_jw_key(jw, "task");
    write_task(jw, &t);
    gg_jw_key(jw, "score");
    write_score(jw, &s, ev, nev);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t SCORE_SUBMIT = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(submit_fields),
    .state_size = sizeof(submit_state_t),
    .prepare = submit_prepare,
    .run = submit_run,
    .respond = one_score_respond,
    .refused_action = "assessment.score_refused",
    .refused_type = "assess_plan",
};

/* ---- POST /assessment/scores/{id}/review ---- */

static const gg_field_t review_fields[] = {
    {"decision", GG_F_STR, 1, 1, 16, 0},
    {"note", GG_F_STR, 0, 0, 500, 1},
    {"score", GG_F_NUM, 0, 0, 100, 1},
    {"version", GG_F_INT, 0, 1, INT32_MAX, 1},
};

static int review_prepare(gg_write_t *w, gg_error_t *err)
{
    static const char *const decisions[] = {"approve", "return", NULL};
    return gg_choice_valid(gg_json_str(w->body, "decision"), decisions, "decision", err);
}

static int review_run(gg_write_t *w, gg_error_t *err)
{
    const char *note = gg_json_str(w->body, "note");
    if (note) {
        note = gg_strdup(w->op.arena, note);
        if (gg_text_field(w->op.arena, &note, "note", 0, err) < 0) return -1;
    }
    int has_score = gg_json_has(w->body, "score") && !json_is_null(json_object_get(w->body, "score"));
    return gg_assess_review(&w->op, w->id, strcmp(gg_json_str(w->body, "decision"), "approve") == 0, note,
                            has_score, gg_json_num(w->body, "score", 0),
                            (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_write_op_t SCORE_REVIEW = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(review_fields),
    .prepare = review_prepare,
    .run = review_run,
    .respond = one_score_respond,
};

static const gg_write_op_t SCORE_GET = {.path_ids = {"id"}, .respond = one_score_respond};

/* ---- GET /assessment/scores/{id}/history ---- */

static int history_respond(gg_write_t *w, gg_error_t *err)
{
    gg_assess_history_t *rows;
    int n;
    if (gg_assess_history_list(&w->op, w->id, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].id);
        gg_jw_kstr(jw, "action", rows[i].action);
        gg_jw_kstr(jw, "status", rows[i].status);
        gg_jw_key(jw, "value");
        rows[i].has_value ? gg_jw_num(jw, rows[i].value) : gg_jw_null(jw);
        gg_jw_knum(jw, "score", rows[i].score);
        gg_jw_kstr(jw, "note", rows[i].note);
        gg_body_kref(jw, "by", "id", rows[i].account_id, "name",
                     rows[i].display_name ? rows[i].display_name : rows[i].username);
        gg_jw_ktime(jw, "at", rows[i].at);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t SCORE_HISTORY = {.path_ids = {"id"}, .respond = history_respond};

/* ---- XLSX: a scorecard and a ranking ---- */

static const char *num(gg_arena_t *a, double v)
{
    return gg_sprintf(a, "%g", v);
}

static int send_sheet(gg_write_t *w, gg_sheet_out_t *sh, const char *name, gg_error_t *err)
{
    int fd;
    uint64_t size;
    if (gg_sheet_finish(sh, &fd, &size, err) < 0) return -1;
    gg_req_t *req = w->req;
    gg_resp_header(req, "Content-Disposition",
                   gg_sprintf(req->arena, "attachment; filename=\"%s.xlsx\"", name));
    req->status = 200;
    req->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    req->file_fd = fd;
    req->file_size = size;
    return 0;
}

static const char *status_zh(const char *s)
{
    static const char *const k[][2] = {{"computed", "自动计算"},
                                       {"pending", "待填报"},
                                       {"submitted", "待审核"},
                                       {"approved", "已审核"},
                                       {"returned", "已退回"}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (strcmp(k[i][0], s) == 0) return k[i][1];
    return s;
}

static int card_export(gg_write_t *w, gg_error_t *err)
{
    card_t k;
    if (load_card(w, &k, err) < 0) return -1;
    gg_arena_t *a = w->op.arena;
    gg_sheet_out_t sh;
    if (gg_sheet_open(&sh, ((gg_app_t *)w->req->app)->tmp_dir, 1, "考核得分", err) < 0) return -1;
    static const double widths[] = {6, 14, 40, 8, 8, 10, 22, 10, 10, 10, 30};
    gg_sheet_widths(&sh, widths, (int)(sizeof widths / sizeof widths[0]));
    static const char *const head[] = {"序号", "类别",   "任务", "权重", "硬指标",  "目标",
                                       "来源", "实际值", "得分", "状态", "审核意见"};
    char g[2];
    grade_str(g, k.res.grade);
    const char *title[] = {k.plan.name, k.res.unit_name, gg_sprintf(a, "总分 %g", k.res.total),
                           gg_sprintf(a, "等次 %s%s", g, k.res.capped ? "（硬指标未达标封顶）" : "")};
    int rc = gg_sheet_row(&sh, title, 4, 1, err);
    if (rc >= 0) rc = gg_sheet_row(&sh, head, (int)(sizeof head / sizeof head[0]), 1, err);
    for (int i = 0; rc >= 0 && i < k.n; i++) {
        const gg_assess_task_t *t = &k.tasks[i];
        const gg_assess_score_t *s = &k.scores[i];
        const char *cells[] = {gg_sprintf(a, "%d", t->seq),
                               t->category,
                               t->title,
                               num(a, t->weight),
                               t->is_hard ? "是" : "",
                               gg_sprintf(a, "%s %g", strcmp(t->comparison, "le") ? "≥" : "≤", t->target),
                               strcmp(t->source, "manual") ? t->source + 8 : "人工填报",
                               s->id && s->has_value ? num(a, s->value) : "",
                               !s->id                                            ? ""
                               : !strcmp(s->status, "computed") && !s->has_value ? "无数据，不计分"
                                                                                 : num(a, s->score),
                               s->id ? status_zh(s->status) : "",
                               s->review_note ? s->review_note : ""};
        rc = gg_sheet_row(&sh, cells, (int)(sizeof cells / sizeof cells[0]), 0, err);
    }
    if (rc < 0) {
        gg_sheet_abort(&sh);
        return -1;
    }
    return send_sheet(w, &sh,
                      gg_sprintf(a, "scorecard-%lld-%lld", (long long)w->ids[0], (long long)w->ids[1]), err);
}

static int ranking_export(gg_write_t *w, gg_error_t *err)
{
    gg_assess_plan_t p;
    gg_assess_result_t *rows;
    int n;
    if (gg_assess_ranking(&w->op, w->id, &p, &rows, &n, err) < 0) return -1;
    gg_arena_t *a = w->op.arena;
    gg_sheet_out_t sh;
    if (gg_sheet_open(&sh, ((gg_app_t *)w->req->app)->tmp_dir, 1, "考核排名", err) < 0) return -1;
    static const double widths[] = {6, 20, 10, 10, 8, 30, 10, 10};
    gg_sheet_widths(&sh, widths, (int)(sizeof widths / sizeof widths[0]));
    static const char *const head[] = {"名次", "单位",     "得分",     "总分",
                                       "等次", "封顶原因", "上期总分", "增减"};
    const char *title[] = {p.name, gg_sprintf(a, "%s 至 %s", p.period_from, p.period_to)};
    int rc = gg_sheet_row(&sh, title, 2, 1, err);
    if (rc >= 0) rc = gg_sheet_row(&sh, head, (int)(sizeof head / sizeof head[0]), 1, err);
    for (int i = 0; rc >= 0 && i < n; i++) {
        const gg_assess_result_t *r = &rows[i];
        char g[2];
        grade_str(g, r->grade);
        const char *reason = "";
        if (r->capped) {
            gg_buf_t b = {0};
            gg_buf_init(&b, 64);
            gg_buf_printf(&b, "硬指标未达标，等次封顶为%s：", p.hard_cap);
            for (int j = 0; j < r->nfailed_hard; j++)
                gg_buf_printf(&b, "%s%d %s", j ? "；" : "", r->failed_hard[j]->seq, r->failed_hard[j]->title);
            reason = gg_strdup(a, b.data);
            gg_buf_free(&b);
        }
        const char *cells[] = {gg_sprintf(a, "%d", r->rank),
                               r->unit_name,
                               num(a, r->score_sum),
                               num(a, r->total),
                               g,
                               reason,
                               r->has_previous ? num(a, r->previous_total) : "",
                               r->has_previous ? num(a, round((r->total - r->previous_total) * 10) / 10)
                                               : ""};
        rc = gg_sheet_row(&sh, cells, (int)(sizeof cells / sizeof cells[0]), 0, err);
    }
    if (rc < 0) {
        gg_sheet_abort(&sh);
        return -1;
    }
    return send_sheet(w, &sh, gg_sprintf(a, "ranking-%lld", (long long)w->id), err);
}

static const gg_write_op_t SCORECARD_EXPORT = {.path_ids = {"id", "unit_id"}, .respond = card_export};
static const gg_write_op_t RANKING_EXPORT = {.path_ids = {"id"}, .respond = ranking_export};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/assessment/plans", PLAN_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/assessment/plans", PLAN_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/assessment/plans/{id}", PLAN_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/assessment/plans/{id}", PLAN_UPDATE),
    GG_WRITE_ROUTE("POST", "/api/v1/assessment/plans/{id}/tasks", TASKS_ADD),
    GG_WRITE_ROUTE("PATCH", "/api/v1/assessment/plans/{id}/tasks/{task_id}", TASK_UPDATE),
    GG_WRITE_ROUTE("POST", "/api/v1/assessment/plans/{id}/activate", PLAN_ACTIVATE),
    GG_WRITE_ROUTE("POST", "/api/v1/assessment/plans/{id}/close", PLAN_CLOSE),
    GG_WRITE_ROUTE("POST", "/api/v1/assessment/plans/{id}/compute", PLAN_COMPUTE),
    GG_WRITE_ROUTE("GET", "/api/v1/assessment/plans/{id}/ranking", PLAN_RANKING),
    GG_WRITE_ROUTE("GET", "/api/v1/assessment/plans/{id}/ranking/export", RANKING_EXPORT),
    GG_WRITE_ROUTE("GET", "/api/v1/assessment/plans/{id}/units/{unit_id}", SCORECARD),
    GG_WRITE_ROUTE("GET", "/api/v1/assessment/plans/{id}/units/{unit_id}/export", SCORECARD_EXPORT),
    GG_WRITE_ROUTE("POST", "/api/v1/assessment/plans/{id}/scores", SCORE_SUBMIT),
    GG_WRITE_ROUTE("GET", "/api/v1/assessment/scores/{id}", SCORE_GET),
    GG_WRITE_ROUTE("POST", "/api/v1/assessment/scores/{id}/review", SCORE_REVIEW),
    GG_WRITE_ROUTE("GET", "/api/v1/assessment/scores/{id}/history", SCORE_HISTORY),
};

int gg_api_assessment_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
