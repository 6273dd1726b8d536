/* transition.c — one step of the case loop (see transition.h): the caller's actor mask for a case, the rule
 * from workflow.c's table, the inputs, and each action's effects on case_item, case_task and the timeline. */
#include "domain/cases/transition.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/attachment.h"
#include "domain/cases/deadline.h"
#include "domain/cases/workflow.h"
#include "domain/identity/audit.h"
#include "domain/measures/rollup.h"
#include "domain/tree/unit.h"

#define DAY_MS (24LL * 3600 * 1000)

typedef struct task {
    int64_t id, unit_id, account_id;
    const char *unit_path, *unit_name, *role, *state;
} task_t;

/* The tasks of the case that are not withdrawn, lead first. */
static int load_tasks(gg_op_t *op, int64_t case_id, task_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    *rows = NULL;
    *n = 0;
    if (gg_db_query(
            op->c,
            "SELECT t.id, t.unit_id, t.unit_path, t.account_id, t.role, t.state, u.name FROM case_task t "
            "JOIN unit u ON u.id = t.unit_id WHERE t.case_id = $1 AND t.state <> 'withdrawn' "
            "ORDER BY CASE WHEN t.role = 'lead' THEN 0 ELSE 1 END, t.id",
            GG_ARGS(GG_I64(case_id)), &r, err) < 0)
        return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            task_t *grown = gg_alloc(op->arena, sizeof *grown * (size_t)cap);
            if (*n) memcpy(grown, *rows, sizeof *grown * (size_t)*n);
            *rows = grown;
        }
        task_t *t = &(*rows)[(*n)++];
        t->id = gg_db_i64(r, 0);
        t->unit_id = gg_db_i64(r, 1);
        t->unit_path = gg_strdup(op->arena, gg_db_text(r, 2));
        t->account_id = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
        t->role = gg_strdup(op->arena, gg_db_text(r, 4));
        t->state = gg_strdup(op->arena, gg_db_text(r, 5));
        t->unit_name = gg_strdup(op->arena, gg_db_text(r, 6));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static const task_t *lead_of(const task_t *t, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(t[i].role, "lead")) return &t[i];
    return NULL;
}

/* An assisting task auth may act for: case.handle over its unit, not yet reported. */
static int assist_mine(const gg_auth_t *auth, const task_t *t)
{
    return auth && !strcmp(t->role, "assist") && strcmp(t->state, "reported") != 0 &&
           gg_auth_can(auth, GG_P_CASE_HANDLE, t->unit_path);
}

static int mask_of(const gg_auth_t *auth, const gg_case_t *k, const task_t *tasks, int ntasks)
{
    int m = 0;
    if (!auth) return 0;
    if (gg_auth_can(auth, GG_P_CASE_DISPATCH, k->owner_unit_path)) m |= GG_ACTOR_DISPATCHER;
    const task_t *lead = lead_of(tasks, ntasks);
    if (lead && (gg_auth_can(auth, GG_P_CASE_HANDLE, lead->unit_path) ||
                 (lead->account_id && lead->account_id == auth->account_id)))
        m |= GG_ACTOR_HANDLER;
    for (int i = 0; i < ntasks; i++)
        if (assist_mine(auth, &tasks[i])) m |= GG_ACTOR_ASSISTANT;
    if (gg_auth_can(auth, GG_P_CASE_SUPERVISE, k->owner_unit_path) ||
        gg_auth_can(auth, GG_P_CASE_SUPERVISE, k->unit_path))
        m |= GG_ACTOR_SUPERVISOR;
    if (k->reporter_account_id && k->reporter_account_id == auth->account_id) m |= GG_ACTOR_REPORTER;
    return m;
}

int gg_case_actor_mask(gg_op_t *op, const gg_case_t *k, int *mask, gg_error_t *err)
{
    task_t *tasks;
    int n;
    if (load_tasks(op, k->id, &tasks, &n, err) < 0) return -1;
    *mask = mask_of(op->auth, k, tasks, n);
    return 0;
}

static int facts_of(const gg_case_t *k)
{
    return k->extension_pending ? GG_WF_FACT_EXT_PENDING : 0;
}

/* Why the reporter may not reopen k at now (NULL: they may): a satisfied rating, or past the window. */
static const char *reopen_refusal(const gg_case_t *k, int64_t now, int reopen_days)
{
    if (k->rating && strcmp(k->rating, "unsatisfied") != 0) return "rated_satisfied";
    if (!k->closed_at || now > k->closed_at + (int64_t)reopen_days * DAY_MS) return "window_passed";
    return NULL;
}

static int allowed_codes(const gg_case_t *k, int mask, const char **out, int max)
{
    int a[GG_CA_COUNT];
    int n = gg_wf_allowed_facts(gg_case_state_parse(k->state), mask, facts_of(k), a, GG_CA_COUNT);
    int m = 0;
    for (int i = 0; i < n && m < max; i++)
        out[m++] = gg_case_action_code(a[i]);
    return m;
}

/* Drop reopen from out[0..n) when the reporter may not reopen now (the buttons should not offer a refusal).
 */
static int without_refused_reopen(gg_db_conn_t *c, gg_arena_t *a, const gg_case_t *k, const char **out, int n,
                                  gg_error_t *err)
{
    int at = -1;
    for (int i = 0; i < n; i++)
        if (!strcmp(out[i], "reopen")) at = i;
    if (at < 0) return n;
    gg_case_settings_t st;
    if (gg_case_settings(c, a, &st, err) < 0) return -1;
    if (!reopen_refusal(k, gg_now_ms(), st.reopen_days)) return n;
    memmove(out + at, out + at + 1, sizeof *out * (size_t)(n - at - 1));
    return n - 1;
}

int gg_case_allowed_actions(gg_op_t *op, const gg_case_t *k, const char **out, int max, gg_error_t *err)
{
    int mask;
    if (gg_case_actor_mask(op, k, &mask, err) < 0) return -1;
    return without_refused_reopen(op->c, op->arena, k, out, allowed_codes(k, mask, out, max), err);
}

int gg_case_reporter_actions(gg_db_conn_t *c, gg_arena_t *a, const gg_case_t *k, const char **out, int max,
                             gg_error_t *err)
{
    return without_refused_reopen(c, a, k, out, allowed_codes(k, GG_ACTOR_REPORTER, out, max), err);
}

/* 409 illegal_transition with the actions this caller may take now (reopen_days < 0: reopen not filtered). */
static int illegal(gg_error_t *err, const gg_case_t *k, int mask, int reopen_days, const char *action,
                   const char *reason)
{
    gg_error_set(err, 409, "illegal_transition", "action",
                 "%s is not possible on case %s in state %s for you", action, k->number, k->state);
    if (reason) gg_error_reason(err, reason);
    if (err) {
        err->has_allowed = 1;
        int n = allowed_codes(k, mask, err->allowed, (int)(sizeof err->allowed / sizeof err->allowed[0]));
        for (int i = 0; reopen_days >= 0 && i < n; i++)
            if (!strcmp(err->allowed[i], "reopen") && reopen_refusal(k, gg_now_ms(), reopen_days)) {
                memmove(err->allowed + i, err->allowed + i + 1, sizeof err->allowed[0] * (size_t)(n - i - 1));
                n--;
                break;
            }
        err->nallowed = n;
    }
    return -409;
}

/* ---- working time ---- */

/* The earliest instant t with working_ms(from, t) >= ms (from itself when ms <= 0). */
static int64_t add_working(const gg_cal_snapshot_t *cal, int64_t from, int64_t ms, int *fallback)
{
    if (ms <= 0) return from;
    int64_t lo = from, hi = from + ms;
    /* grow the bound until enough office time lies before it (a year of non-working days at most) */
    for (int i = 0; i < 40 && gg_cal_working_ms(cal, from, hi, fallback) < ms; i++)
        hi = from + (hi - from) * 2;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (gg_cal_working_ms(cal, from, mid, fallback) >= ms)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* Office time in one working day (the office hours' intervals). */
static int64_t day_ms(const gg_cal_snapshot_t *cal)
{
    const gg_office_hours_t *h = gg_cal_snapshot_hours(cal);
    int64_t ms = 0;
    for (int i = 0; i < h->n; i++)
        ms += (int64_t)(h->end[i] - h->start[i]) * 60000;
    return ms;
}

/* ---- units ---- */

static int live_unit(gg_op_t *op, int64_t id, const char *field, gg_unit_t *u, gg_error_t *err)
{
    int found;
    if (gg_unit_by_id(op->c, op->arena, id, u, &found, err) < 0) return -1;
    if (!found || u->retired_at) {
        gg_err_invalid(err, field, "unit %lld does not exist or is retired", (long long)id);
        return gg_error_reason(err, "not_found");
    }
    return 0;
}

/* A dispatch target for owner: a unit in the owner's subtree, or a department hanging under an
 * ancestor-or-self of the owner no higher than its county (the street blows the whistle, the departments
 * report). */
static int target_reachable(gg_op_t *op, const gg_case_t *k, const gg_unit_t *t, const char *field,
                            gg_error_t *err)
{
    if (gg_path_within(t->path, k->owner_unit_path)) return 0;
    if (!strcmp(t->level, "department") && t->parent_id) {
        gg_unit_t parent, owner, *anc;
        int found, n;
        if (gg_unit_by_id(op->c, op->arena, t->parent_id, &parent, &found, err) < 0) return -1;
        if (found && gg_path_within(k->owner_unit_path, parent.path)) {
            if (gg_unit_by_id(op->c, op->arena, k->owner_unit_id, &owner, &found, err) < 0) return -1;
            if (!found) return gg_err_internal(err, "the owner unit is missing");
            const char *county = !strcmp(owner.level, "county") ? owner.path : NULL;
            if (!county) {
                if (gg_unit_ancestors(op->c, op->arena, &owner, &anc, &n, err) < 0) return -1;
                for (int i = 0; i < n; i++)
                    if (!strcmp(anc[i].level, "county")) county = anc[i].path;
            }
            if (county && gg_path_within(parent.path, county)) return 0;
        }
    }
    /* not named: the unit may lie outside what the caller may read (the UI knows which one it picked) */
    gg_err_invalid(err, field,
                   "unit %lld is neither inside the owner unit nor a department it may dispatch to",
                   (long long)t->id);
    return gg_error_reason(err, "not_reachable");
}

/* The account must be active and hold case.handle covering unit path. */
static int account_handles(gg_op_t *op, int64_t account, const gg_unit_t *u, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT g.role, gu.path FROM role_grant g JOIN unit gu ON gu.id = g.unit_id "
                    "JOIN account a ON a.id = g.account_id WHERE g.account_id = $1 AND a.status = 'active'",
                    GG_ARGS(GG_I64(account)), &r, err) < 0)
        return -1;
    int ok = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        const gg_role_t *role = gg_role_find(gg_db_text(r, 0));
        if (role && (role->perms & GG_P_CASE_HANDLE) && gg_path_within(u->path, gg_db_text(r, 1))) ok = 1;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (!ok) {
        gg_err_invalid(err, "account_id", "account %lld cannot handle cases at %s", (long long)account,
                       u->name);
        return gg_error_named(err, "cannot_handle", "%s", u->name);
    }
    return 0;
}

/* ---- the step ---- */

typedef struct step {
    gg_op_t *op;
    const gg_case_act_in_t *in;
    gg_case_t cur, next;
    task_t *tasks;
    int ntasks, mask;
    int action;
    const gg_wf_rule_t *rule;
    int64_t now;
    gg_case_settings_t settings;
    /* the event */
    const char *note;
    int is_public;
    int64_t ev_unit, ev_account;
    const char *detail;
} step_t;

static int withdraw_tasks(step_t *s, gg_error_t *err)
{
    return gg_db_exec(s->op->c,
                      "UPDATE case_task SET state = 'withdrawn' WHERE case_id = $1 AND state <> 'withdrawn'",
                      GG_ARGS(GG_I64(s->cur.id)), NULL, err);
}

static int insert_task(step_t *s, const gg_unit_t *u, int64_t account, const char *role, gg_error_t *err)
{
    return gg_db_exec(
        s->op->c,
        "INSERT INTO case_task (case_id, unit_id, unit_path, account_id, role, state, created_at) "
        "VALUES ($1, $2, $3, $4, $5, 'open', $6)",
        GG_ARGS(GG_I64(s->cur.id), GG_I64(u->id), GG_TEXT(u->path), account ? GG_I64(account) : GG_NULL,
                GG_TEXT(role), GG_I64(s->now)),
        NULL, err);
}

static void clear_handler(gg_case_t *k)
{
    k->handler_unit_id = 0;
    k->handler_unit_path = NULL;
    k->handler_account_id = 0;
}

/* The handling clock from now (register, reopen). */
static int start_clock(step_t *s, gg_error_t *err)
{
    gg_case_t *k = &s->next;
    int fallback = 0;
    k->registered_at = s->now;
    if (gg_deadline_handling(s->in->cal, s->now, k->handling_limit, k->handling_unit,
                             s->settings.yellow_share, &k->due_at, &k->yellow_at, &fallback, err) < 0)
        return -1;
    k->calendar_fallback = fallback;
    k->extension_pending = 0;
    k->extension_ms = 0;
    k->extension_reason = NULL;
    return 0;
}

/* dispatch and reassign: the lead (unit_id, account_id?) and the assisting units, every earlier task
 * withdrawn. */
static int do_dispatch(step_t *s, gg_error_t *err)
{
    const gg_case_act_in_t *in = s->in;
    gg_unit_t lead;
    if (live_unit(s->op, in->unit_id, "unit_id", &lead, err) < 0 ||
        target_reachable(s->op, &s->cur, &lead, "unit_id", err) < 0)
        return -1;
    if (in->account_id && account_handles(s->op, in->account_id, &lead, err) < 0) return -1;
    gg_unit_t assists[GG_CASE_MAX_ASSISTS];
    for (int i = 0; i < in->nassist; i++) {
        const char *field = gg_sprintf(s->op->arena, "assist_unit_ids[%d]", i);
        if (in->assist_unit_ids[i] == in->unit_id) {
            gg_err_invalid(err, field, "the lead unit cannot also assist");
            return gg_error_reason(err, "duplicate");
        }
        for (int j = 0; j < i; j++)
            if (in->assist_unit_ids[j] == in->assist_unit_ids[i]) {
                gg_err_invalid(err, field, "unit %lld is listed twice", (long long)in->assist_unit_ids[i]);
                return gg_error_reason(err, "duplicate");
            }
        if (live_unit(s->op, in->assist_unit_ids[i], field, &assists[i], err) < 0 ||
            target_reachable(s->op, &s->cur, &assists[i], field, err) < 0)
            return -1;
    }
    if (withdraw_tasks(s, err) < 0 || insert_task(s, &lead, in->account_id, "lead", err) < 0) return -1;
    gg_buf_t d = {0};
    gg_buf_puts(&d, "{\"assist_unit_ids\":[");
    for (int i = 0; i < in->nassist; i++) {
        if (insert_task(s, &assists[i], 0, "assist", err) < 0) {
            gg_buf_free(&d);
            return -1;
        }
        gg_buf_printf(&d, "%s%lld", i ? "," : "", (long long)assists[i].id);
    }
    gg_buf_puts(&d, "]}");
    s->detail = gg_strndup(s->op->arena, d.data, d.len);
    gg_buf_free(&d);
    s->next.handler_unit_id = lead.id;
    s->next.handler_unit_path = lead.path;
    s->next.handler_account_id = in->account_id;
    s->ev_unit = lead.id;
    s->ev_account = in->account_id;
    return 0;
}

/* The owner one level up: the nearest ancestor that is a community, street or county (micro-grids and grids
 * are skipped); refused at the county. */
static int do_escalate(step_t *s, gg_error_t *err)
{
    gg_unit_t owner, *anc;
    int found, n;
    if (gg_unit_by_id(s->op->c, s->op->arena, s->cur.owner_unit_id, &owner, &found, err) < 0) return -1;
    if (!found) return gg_err_internal(err, "the owner unit is missing");
    static const char *const order[] = {"community", "street", "county"};
    int level = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(owner.level, order[i])) level = i;
    if (level == 2 || !strcmp(owner.level, "county") || !strcmp(owner.level, "city") ||
        !strcmp(owner.level, "province") || !strcmp(owner.level, "root"))
        return illegal(err, &s->cur, s->mask, s->settings.reopen_days, "escalate", "at_county");
    if (gg_unit_ancestors(s->op->c, s->op->arena, &owner, &anc, &n, err) < 0) return -1;
    const gg_unit_t *up = NULL;
    for (int i = n - 1; i >= 0 && !up; i--)
        for (int j = level + 1; j < 3; j++)
            if (!strcmp(anc[i].level, order[j])) {
                up = &anc[i];
                break;
            }
    if (!up) return illegal(err, &s->cur, s->mask, s->settings.reopen_days, "escalate", "at_county");
    if (withdraw_tasks(s, err) < 0) return -1;
    clear_handler(&s->next);
    s->next.owner_unit_id = up->id;
    s->next.owner_unit_path = up->path;
    s->ev_unit = up->id;
    s->detail = gg_sprintf(s->op->arena, "{\"from_owner_unit_id\":%lld,\"owner_unit_id\":%lld}",
                           (long long)owner.id, (long long)up->id);
    return 0;
}

static int do_assist_report(step_t *s, gg_error_t *err)
{
    const task_t *mine = NULL;
    for (int i = 0; i < s->ntasks && !mine; i++)
        if (assist_mine(s->op->auth, &s->tasks[i]) &&
            (!s->in->unit_id || s->tasks[i].unit_id == s->in->unit_id))
            mine = &s->tasks[i];
    if (!mine) return illegal(err, &s->cur, s->mask, s->settings.reopen_days, "assist_report", NULL);
    if (gg_db_exec(s->op->c,
                   "UPDATE case_task SET state = 'reported', note = $2, reported_at = $3 WHERE id = $1",
                   GG_ARGS(GG_I64(mine->id), GG_TEXT(s->in->note), GG_I64(s->now)), NULL, err) < 0)
        return -1;
    s->ev_unit = mine->unit_id;
    return 0;
}

static int do_feedback(step_t *s, gg_error_t *err)
{
    gg_buf_t names = {0};
    int waiting = 0;
    for (int i = 0; i < s->ntasks; i++)
        if (!strcmp(s->tasks[i].role, "assist") && strcmp(s->tasks[i].state, "reported") != 0) {
            gg_buf_printf(&names, "%s%s", waiting++ ? "、" : "", s->tasks[i].unit_name);
        }
    if (waiting) {
        gg_error_set(err, 409, "assists_pending", NULL, "%d assisting unit(s) have not reported yet",
                     waiting);
        gg_error_named(err, "assists_pending", "%.*s", (int)names.len, names.data ? names.data : "");
        gg_buf_free(&names);
        return -409;
    }
    gg_buf_free(&names);
    const task_t *lead = lead_of(s->tasks, s->ntasks);
    if (!lead) return illegal(err, &s->cur, s->mask, s->settings.reopen_days, "feedback", NULL);
    s->ev_unit = lead->unit_id;
    return gg_db_exec(s->op->c,
                      "UPDATE case_task SET state = 'reported', note = $2, reported_at = $3 WHERE id = $1",
                      GG_ARGS(GG_I64(lead->id), GG_TEXT(s->in->note), GG_I64(s->now)), NULL, err);
}

static int lead_state(step_t *s, const char *state, gg_error_t *err)
{
    const task_t *lead = lead_of(s->tasks, s->ntasks);
    if (!lead) return 0;
    s->ev_unit = lead->unit_id;
    return gg_db_exec(s->op->c, "UPDATE case_task SET state = $2 WHERE id = $1",
                      GG_ARGS(GG_I64(lead->id), GG_TEXT(state)), NULL, err);
}

static int do_extend_request(step_t *s, gg_error_t *err)
{
    const gg_case_act_in_t *in = s->in;
    if ((in->days > 0) == (in->hours > 0)) {
        gg_err_invalid(err, "days", "give the extension in days or in hours (one of them)");
        return gg_error_reason(err, "required");
    }
    if (in->days > 120 || in->hours > 240) {
        gg_err_invalid(err, in->days ? "days" : "hours",
                       "an extension is at most 120 working days or 240 hours");
        return gg_error_limits(err, "out_of_range", 1, 1, 1, in->days ? 120 : 240);
    }
    s->next.extension_pending = 1;
    s->next.extension_ms = in->days ? (int64_t)in->days * day_ms(in->cal) : (int64_t)in->hours * 3600000;
    s->next.extension_reason = in->reason;
    s->detail = in->days ? gg_sprintf(s->op->arena, "{\"days\":%d,\"extension_ms\":%lld}", in->days,
                                      (long long)s->next.extension_ms)
                         : gg_sprintf(s->op->arena, "{\"hours\":%d,\"extension_ms\":%lld}", in->hours,
                                      (long long)s->next.extension_ms);
    return 0;
}

static int do_extend_approve(step_t *s)
{
    gg_case_t *k = &s->next;
    int fallback = k->calendar_fallback;
    int64_t from = k->due_at ? k->due_at : s->now;
    int64_t old_due = k->due_at;
    k->due_at = add_working(s->in->cal, from, k->extension_ms, &fallback);
    if (k->yellow_at) k->yellow_at = add_working(s->in->cal, k->yellow_at, k->extension_ms, &fallback);
    k->calendar_fallback = fallback;
    s->detail = gg_sprintf(s->op->arena, "{\"from_due_at\":%lld,\"due_at\":%lld,\"extension_ms\":%lld}",
                           (long long)old_due, (long long)k->due_at, (long long)k->extension_ms);
    k->extension_pending = 0;
    k->extension_ms = 0;
    k->extension_reason = NULL;
    return 0;
}

static int do_suspend(step_t *s)
{
    gg_case_t *k = &s->next;
    int fallback = k->calendar_fallback;
    k->suspended_from = s->cur.state;
    k->suspended_left_ms = k->due_at ? gg_cal_working_ms(s->in->cal, s->now, k->due_at, &fallback) : -1;
    s->detail = gg_sprintf(s->op->arena, "{\"suspended_from\":\"%s\",\"left_ms\":%lld}", k->suspended_from,
                           (long long)k->suspended_left_ms);
    return 0;
}

static int do_resume(step_t *s)
{
    gg_case_t *k = &s->next;
    int fallback = k->calendar_fallback;
    if (k->due_at && k->suspended_left_ms >= 0) {
        /* the yellow card keeps its distance in working time from the deadline */
        int64_t yellow_left =
            k->yellow_at ? gg_cal_working_ms(s->in->cal, k->yellow_at, k->due_at, &fallback) : 0;
        int64_t old_due = k->due_at;
        k->due_at = add_working(s->in->cal, s->now, k->suspended_left_ms, &fallback);
        if (k->yellow_at)
            k->yellow_at =
                k->suspended_left_ms > yellow_left
                    ? add_working(s->in->cal, s->now, k->suspended_left_ms - yellow_left, &fallback)
                    : s->now;
        s->detail = gg_sprintf(s->op->arena, "{\"from_due_at\":%lld,\"due_at\":%lld,\"left_ms\":%lld}",
                               (long long)old_due, (long long)k->due_at, (long long)k->suspended_left_ms);
    }
    k->calendar_fallback = fallback;
    k->state = s->cur.suspended_from ? s->cur.suspended_from : "registered";
    k->suspended_from = NULL;
    k->suspended_left_ms = -1;
    return 0;
}

/* The top-level category a category belongs to (its family). */
static int category_family(gg_op_t *op, int64_t id, int64_t *top, gg_error_t *err)
{
    for (int depth = 0; depth < 16; depth++) {
        int64_t parent = 0;
        int found;
        if (gg_db_query_i64(op->c, "SELECT COALESCE(parent_id, 0) FROM category WHERE id = $1",
                            GG_ARGS(GG_I64(id)), &parent, &found, err) < 0)
            return -1;
        if (!found || !parent) break;
        id = parent;
    }
    *top = id;
    return 0;
}

static int do_merge(step_t *s, gg_error_t *err)
{
    gg_case_t into;
    int64_t a, b;
    if (s->in->into_case_id == s->cur.id) {
        gg_err_invalid(err, "into_case_id", "a case cannot be merged into itself");
        return gg_error_reason(err, "self");
    }
    gg_error_t miss = {0};
    if (gg_case_load(s->op, s->in->into_case_id, 1, &into, &miss) < 0) {
        if (miss.http_status != 404) {
            if (err) *err = miss;
            return -1;
        }
        gg_err_invalid(err, "into_case_id", "case %lld does not exist", (long long)s->in->into_case_id);
        return gg_error_reason(err, "not_found");
    }
    if (!gg_case_state_open(into.state) || into.merged_into) {
        gg_err_invalid(err, "into_case_id", "case %s is no longer open", into.number);
        return gg_error_named(err, "not_open", "%s", into.number);
    }
    if (category_family(s->op, s->cur.category_id, &a, err) < 0 ||
        category_family(s->op, into.category_id, &b, err) < 0)
        return -1;
    if (a != b) {
        gg_err_invalid(err, "into_case_id", "case %s is of another kind of matter", into.number);
        return gg_error_named(err, "other_category", "%s", into.number);
    }
    s->next.merged_into = into.id;
    if (withdraw_tasks(s, err) < 0) return -1;
    s->detail = gg_sprintf(s->op->arena, "{\"into_case_id\":%lld,\"into_number\":\"%s\"}", (long long)into.id,
                           into.number);
    gg_case_event_t other = {.case_id = into.id,
                             .action = "merge_in",
                             .from_state = into.state,
                             .to_state = into.state,
                             .note = s->in->note,
                             .detail = gg_sprintf(s->op->arena,
                                                  "{\"merged_case_id\":%lld,\"merged_number\":\"%s\"}",
                                                  (long long)s->cur.id, s->cur.number)};
    if (!s->op->auth) other.actor_name = "reporter";
    return gg_case_event_add(s->op, &other, NULL, err);
}

static int do_rate(step_t *s, gg_error_t *err)
{
    const char *r = s->in->rating;
    if (strcmp(r, "satisfied") && strcmp(r, "basically_satisfied") && strcmp(r, "unsatisfied")) {
        gg_err_invalid(err, "rating", "rating is satisfied, basically_satisfied or unsatisfied");
        return gg_error_reason(err, "not_allowed");
    }
    s->next.rating = r;
    s->next.rating_comment = s->in->comment;
    s->next.rated_at = s->now;
    s->note = s->in->comment;
    s->detail = gg_sprintf(s->op->arena, "{\"rating\":\"%s\"}", r);
    return 0;
}

static int do_reopen(step_t *s, gg_error_t *err)
{
    const gg_case_t *k = &s->cur;
    const char *refusal = reopen_refusal(k, s->now, s->settings.reopen_days);
    if (refusal && !strcmp(refusal, "rated_satisfied")) {
        gg_error_set(err, 409, "reopen_refused", NULL, "the case was rated %s", k->rating);
        return gg_error_reason(err, "rated_satisfied");
    }
    if (refusal) {
        gg_error_set(err, 409, "reopen_refused", NULL, "a case can be reopened within %d days of closing",
                     s->settings.reopen_days);
        return gg_error_limits(err, "window_passed", 0, 0, 1, s->settings.reopen_days);
    }
    gg_case_t *n = &s->next;
    n->reopen_count = k->reopen_count + 1;
    n->closed_at = 0;
    n->rating = NULL;
    n->rating_comment = NULL;
    n->rated_at = 0;
    n->rework_count = k->rework_count;
    clear_handler(n);
    if (withdraw_tasks(s, err) < 0) return -1;
    s->detail = gg_sprintf(s->op->arena, "{\"reopen_count\":%d,\"rating\":%s%s%s}", n->reopen_count,
                           k->rating ? "\"" : "", k->rating ? k->rating : "null", k->rating ? "\"" : "");
    return start_clock(s, err);
}

/* The required inputs of the rule (400 naming the first missing). */
static int inputs_present(const gg_wf_rule_t *rule, const gg_case_act_in_t *in, gg_error_t *err)
{
    struct {
        int bit, present;
    } checks[] = {
        {GG_WF_IN_REASON, in->reason && *in->reason},
        {GG_WF_IN_UNIT, in->unit_id > 0},
        {GG_WF_IN_DURATION, in->days > 0 || in->hours > 0},
        {GG_WF_IN_RATING, in->rating && *in->rating},
        {GG_WF_IN_INTO, in->into_case_id > 0},
        {GG_WF_IN_NOTE, in->note && *in->note},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if ((rule->inputs & checks[i].bit) && !checks[i].present) {
            const char *field = gg_wf_input_field(checks[i].bit);
            gg_err_invalid(err, field, "%s is required for this action", field);
            return gg_error_reason(err, "required");
        }
    return 0;
}

/* Whether the event shows on the tracking page when the caller does not say: the answers to the public (the
 * refusal's reason, the direct reply, the handler's result, the verdict, the reporter's own words) are; the
 * progress steps are too, but only without a note (a dispatcher's instruction is not for the public). */
static int public_by_default(int action, const char *note)
{
    switch (action) {
    case GG_CA_REJECT:
    case GG_CA_CLOSE:
    case GG_CA_FEEDBACK:
    case GG_CA_VERIFY_PASS:
    case GG_CA_RATE:
    case GG_CA_REOPEN:
        return 1;
    case GG_CA_ACCEPT:
    case GG_CA_REGISTER:
    case GG_CA_DISPATCH:
    case GG_CA_REASSIGN:
    case GG_CA_RECEIVE:
    case GG_CA_MERGE:
        return !note || !*note;
    default:
        return 0;
    }
}

static int effects(step_t *s, gg_error_t *err)
{
    gg_case_t *n = &s->next;
    switch (s->action) {
    case GG_CA_REGISTER:
        return start_clock(s, err);
    case GG_CA_CLOSE:
    case GG_CA_VERIFY_PASS:
        n->closed_at = s->now;
        return 0;
    case GG_CA_DISPATCH:
    case GG_CA_REASSIGN:
        return do_dispatch(s, err);
    case GG_CA_RECEIVE:
        return lead_state(s, "received", err);
    case GG_CA_RETURN:
        clear_handler(n);
        return withdraw_tasks(s, err);
    case GG_CA_ESCALATE:
        return do_escalate(s, err);
    case GG_CA_ASSIST_REPORT:
        return do_assist_report(s, err);
    case GG_CA_FEEDBACK:
        return do_feedback(s, err);
    case GG_CA_VERIFY_FAIL:
        n->rework_count = s->cur.rework_count + 1;
        s->detail = gg_sprintf(s->op->arena, "{\"rework_count\":%d}", n->rework_count);
        return lead_state(s, "received", err);
    case GG_CA_EXTEND_REQUEST:
        return do_extend_request(s, err);
    case GG_CA_EXTEND_APPROVE:
        return do_extend_approve(s);
    case GG_CA_EXTEND_REJECT:
        n->extension_pending = 0;
        n->extension_ms = 0;
        n->extension_reason = NULL;
        return 0;
    case GG_CA_SUSPEND:
        return do_suspend(s);
    case GG_CA_RESUME:
        return do_resume(s);
    case GG_CA_SUPERVISE:
        if (s->in->due_at && s->in->due_at <= s->now) {
            gg_err_invalid(err, "due_at", "the supervision deadline lies in the past");
            return gg_error_reason(err, "in_the_past");
        }
        n->supervised = 1;
        if (s->in->due_at) n->supervise_due_at = s->in->due_at;
        /* the notification to the handler is issue 10's (outbox): the event is what it will read */
        s->ev_unit = n->handler_unit_id;
        s->detail =
            s->in->due_at ? gg_sprintf(s->op->arena, "{\"due_at\":%lld}", (long long)s->in->due_at) : NULL;
        return 0;
    case GG_CA_MERGE:
        return do_merge(s, err);
    case GG_CA_RATE:
        return do_rate(s, err);
    case GG_CA_REOPEN:
        return do_reopen(s, err);
    default: /* accept, reject, note: the state and the event only */
        return 0;
    }
}

static gg_db_arg_t opt_i64(int64_t v)
{
    return v ? GG_I64(v) : GG_NULL;
}

static int write_case(step_t *s, gg_error_t *err)
{
    const gg_case_t *k = &s->next;
    int64_t changes;
    if (gg_db_exec(
            s->op->c,
            "UPDATE case_item SET owner_unit_id = $3, owner_unit_path = $4, handler_unit_id = $5, "
            "handler_unit_path = $6, handler_account_id = $7, state = $8, suspended_from = $9, "
            "suspended_left_ms = $10, registered_at = $11, due_at = $12, yellow_at = $13, "
            "calendar_fallback = $14, extension_pending = $15, extension_ms = $16, extension_reason = $17, "
            "supervised = $18, supervise_due_at = $19, rework_count = $20, merged_into = $21, rating = $22, "
            "rating_comment = $23, rated_at = $24, closed_at = $25, reopen_count = $26, updated_at = $27, "
            "version = version + 1 WHERE id = $1 AND version = $2",
            GG_ARGS(GG_I64(k->id), GG_I64(s->cur.version), GG_I64(k->owner_unit_id),
                    GG_TEXT(k->owner_unit_path), opt_i64(k->handler_unit_id), GG_TEXT(k->handler_unit_path),
                    opt_i64(k->handler_account_id), GG_TEXT(k->state), GG_TEXT(k->suspended_from),
                    k->suspended_left_ms >= 0 && k->suspended_from ? GG_I64(k->suspended_left_ms) : GG_NULL,
                    opt_i64(k->registered_at), opt_i64(k->due_at), opt_i64(k->yellow_at),
                    GG_I64(k->calendar_fallback ? 1 : 0), GG_I64(k->extension_pending ? 1 : 0),
                    k->extension_pending ? GG_I64(k->extension_ms) : GG_NULL,
                    GG_TEXT(k->extension_pending ? k->extension_reason : NULL), GG_I64(k->supervised ? 1 : 0),
                    opt_i64(k->supervise_due_at), GG_I64(k->rework_count), opt_i64(k->merged_into),
                    GG_TEXT(k->rating), GG_TEXT(k->rating_comment), opt_i64(k->rated_at),
                    opt_i64(k->closed_at), GG_I64(k->reopen_count), GG_I64(s->now)),
            &changes, err) < 0)
        return -1;
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "case %s was changed concurrently; reload", k->number);
    return 0;
}

static int act_on(gg_op_t *op, gg_case_t *k, const char *action, const gg_case_act_in_t *in, gg_error_t *err)
{
    step_t s = {.op = op, .in = in, .cur = *k, .next = *k, .now = gg_now_ms()};
    if (in->version && in->version != k->version)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "case %s was changed by someone else (version %d, you sent %d); reload and retry",
                            k->number, k->version, in->version);
    if (load_tasks(op, k->id, &s.tasks, &s.ntasks, err) < 0) return -1;
    s.mask = in->reporter ? GG_ACTOR_REPORTER : mask_of(op->auth, k, s.tasks, s.ntasks);
    s.action = gg_case_action_parse(action);
    int state = gg_case_state_parse(k->state);
    if (s.action < 0) {
        gg_err_not_found(err, "no action %s", action);
        return gg_error_reason(err, "unknown_action");
    }
    s.rule = gg_wf_find(state, s.action);
    int facts = facts_of(k);
    if (gg_case_settings(op->c, op->arena, &s.settings, err) < 0) return -1;
    if (!s.rule || !(s.rule->actors & s.mask) || (s.rule->need & facts) != s.rule->need ||
        (s.rule->need_not & facts))
        return illegal(err, k, s.mask, s.settings.reopen_days, action, NULL);
    if (inputs_present(s.rule, in, err) < 0) return -1;
    if (!in->cal) return gg_err_internal(err, "no working calendar");
    /* the event's text: the reason where the rule asks for one, else the note, else a reason given anyway
     * (a reassignment's) */
    s.note = s.rule->inputs & GG_WF_IN_REASON ? in->reason : in->note && *in->note ? in->note : in->reason;
    s.is_public = in->public_set ? in->is_public : public_by_default(s.action, s.note);
    if (s.rule->to >= 0) s.next.state = gg_case_state_code(s.rule->to);
    if (effects(&s, err) < 0 || write_case(&s, err) < 0) return -1;
    gg_case_event_t e = {.case_id = k->id,
                         .action = gg_case_action_code(s.action),
                         .from_state = k->state,
                         .to_state = s.next.state,
                         .unit_id = s.ev_unit,
                         .account_target = s.ev_account,
                         .note = s.note,
                         .public = s.is_public,
                         .detail = s.detail};
    if (!op->auth) e.actor_name = "reporter";
    int64_t event_id = 0;
    if (gg_case_event_add(op, &e, &event_id, err) < 0) return -1;
    if (in->event_id) *in->event_id = event_id;
    if (in->nattachments > 0) {
        const char *role = s.action == GG_CA_FEEDBACK || s.action == GG_CA_ASSIST_REPORT ? "after" : "note";
        if (gg_attachment_claim(op, in->attachment_ids, in->nattachments, NULL, "case_event", event_id, role,
                                err) < 0)
            return -1;
    }
    if (gg_rollup_case_changed(op, in->cal, k->id, err) < 0) return -1; /* docs/measures.md */
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)k->id);
    const char *detail =
        gg_sprintf(op->arena, "{\"action\":\"%s\",\"number\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"}", e.action,
                   k->number, k->state, s.next.state);
    gg_audit_entry_t a = {.action = "case.transition",
                          .object_type = "case",
                          .object_id = gg_strdup(op->arena, id),
                          .unit_id = k->owner_unit_id,
                          .detail_json = detail};
    if (gg_audit_append(op->c, &op->actor, &a, err) < 0) return -1;
    *k = s.next;
    if (in->result) *in->result = s.next;
    return 0;
}

int gg_case_act(gg_op_t *op, int64_t case_id, const char *action, const gg_case_act_in_t *in, gg_error_t *err)
{
    gg_case_t k;
    if (gg_case_load(op, case_id, 1, &k, err) < 0) return -1;
    gg_case_act_in_t mine = *in;
    mine.reporter = 0; /* only gg_case_act_public proves the secret */
    return act_on(op, &k, action, &mine, err);
}

int gg_case_act_public(gg_op_t *op, const char *number, const char *secret, const char *action,
                       const gg_case_act_in_t *in, int64_t *case_id, gg_error_t *err)
{
    /* the row lock first, as gg_case_load takes it */
    if (gg_db_exec(op->c, "UPDATE case_item SET version = version WHERE number = $1",
                   GG_ARGS(GG_TEXT(number ? number : "")), NULL, err) < 0)
        return -1;
    gg_case_t k;
    /* a wrong secret is the same answer as no such number */
    if (gg_case_load_tracked(op->c, op->arena, number, secret, &k, err) < 0) return -1;
    *case_id = k.id;
    gg_case_act_in_t mine = *in;
    mine.reporter = 1;
    mine.version = 0;
    return act_on(op, &k, action, &mine, err);
}
