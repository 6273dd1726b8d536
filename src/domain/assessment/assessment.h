/*
 * assessment.h — assessment plans (考核方案): per period, an assessing unit (下陆区) assesses the units of
 * one level below it (its streets) on tasks and indicators, each worth a weight, with a target, and scored
 * from a measure (computed) or from a value the responsible unit enters with evidence and the assessment
 * office reviews.  Totals, A–E grades, the cap of a failed hard indicator, rankings, the period comparison
 * and the history of every score change.  The rules are docs/assessment.md; this header is their interface.
 *
 * Scope (every function that takes a gg_op_t checks it; outside scope is 404, never 403):
 *  - assess.manage at the plan's unit: create and edit plans (while draft), activate, close, compute,
 *    review manual scores;
 *  - assess.score over an assessed unit: enter that unit's manual scores;
 *  - a plan is readable by whoever holds dashboard.read, assess.manage or assess.score at its unit, above
 *    it or inside it; a unit's scorecard and ranking row only by whoever holds one of them over that unit
 *    (or assess.manage at the plan's unit).
 * Writes run on op->c inside the caller's transaction, append to the audit log and (scores) to
 * assess_score_history in it.
 */
#ifndef GG_DOMAIN_ASSESSMENT_H
#define GG_DOMAIN_ASSESSMENT_H

#include "domain/op.h"

#define GG_ASSESS_MAX_TASKS 500          /* per plan */
#define GG_ASSESS_MAX_TASKS_PER_CALL 300 /* per request */
#define GG_ASSESS_MAX_EVIDENCE 9

typedef struct gg_assess_task {
    int64_t id, plan_id;
    int seq;
    const char *title, *category;
    double weight; /* points: the task's maximum score */
    int is_hard;
    double target;
    const char *comparison;  /* "ge" | "le" */
    const char *source;      /* "manual" | "measure:<code>" */
    const char *responsible; /* who answers for it (a note), may be NULL */
    int version;
} gg_assess_task_t;

typedef struct gg_assess_plan {
    int64_t id, unit_id;
    const char *unit_name, *unit_path, *unit_level;
    const char *name, *period_from, *period_to, *target_level, *status;
    double bands[4];          /* lowest total of A, B, C, D */
    const char *hard_cap;     /* "A".."E" */
    int64_t previous_plan_id; /* as stored (0: none given) */
    int64_t created_at, updated_at, activated_at, computed_at;
    int version;
    int ntasks, nhard;
    double weight_sum;
    int can_manage; /* the caller holds assess.manage at its unit */
} gg_assess_plan_t;

typedef struct gg_assess_score {
    int64_t id, plan_id, task_id, unit_id;
    const char *status; /* computed, pending, submitted, approved, returned */
    int has_value;
    double value, score;
    int has_met, met;
    const char *note, *review_note;
    int64_t submitted_by, submitted_at, reviewed_by, reviewed_at, updated_at;
    const char *submitted_by_name, *reviewed_by_name;
    int version;
} gg_assess_score_t;

/* One assessed unit's standing in a plan. */
typedef struct gg_assess_result {
    int64_t unit_id;
    const char *unit_name, *unit_code, *unit_path;
    double score_sum, total; /* total: score_sum / weight_sum × 100, 1 decimal */
    double weight_sum;       /* the plan's weights less those of the tasks without data (无数据) */
    int no_data;             /* computed tasks whose measure had nothing to count: left out of the total */
    char band_grade, grade;  /* grade: band_grade, capped by hard_cap when a hard indicator failed */
    int capped;
    int nfailed_hard;
    const gg_assess_task_t **failed_hard;
    int pending; /* manual tasks not approved yet (count 0) */
    int rank;    /* 1 = best, ties share a rank; over all assessed units, also those the caller cannot see */
    int has_previous;
    double previous_total;
    char previous_grade;
    int64_t previous_plan_id;
} gg_assess_result_t;

typedef struct gg_assess_history {
    int64_t id, score_id, account_id, at;
    const char *action, *status, *note, *username, *display_name;
    int has_value;
    double value, score;
} gg_assess_history_t;

/* ---- the rules (no SQL; tests/unit/test_assessment.c) ---- */

/* The score of a task for a value: met when the value reaches the target (ge) or stays within it (le);
 * met: the weight; else proportional (ge: weight × value / target, le: weight × target / value), 0 for a
 * non-positive value or target; 2 decimals.  Without a value (a measure with no denominator: 无数据) the
 * task is not scored: *score 0 and *met 0, stored with met NULL, and the standings leave it out of the total
 * with its weight (gg_assess_no_data). */
void gg_assess_task_score(const gg_assess_task_t *t, int has_value, double value, double *score, int *met);
/* The grade of a total for bands (lowest total of A..D). */
char gg_assess_grade(const double bands[4], double total);

/* ---- plans and tasks ---- */

/* Check one task as given (fields named prefix + name: "tasks[3].weight"); 400 otherwise. */
int gg_assess_task_check(gg_arena_t *a, gg_assess_task_t *t, const char *prefix, gg_error_t *err);
/* Check a plan's own fields (name, dates, level, bands, cap); 400 naming the field otherwise. */
int gg_assess_plan_check(gg_assess_plan_t *p, gg_error_t *err);

/* A new draft plan of p->unit_id with tasks[0..n) (n may be 0); *id the new plan. */
int gg_assess_plan_create(const gg_op_t *op, const gg_assess_plan_t *p, const gg_assess_task_t *tasks, int n,
                          int64_t *id, gg_error_t *err);
/* Replace the plan's own fields while draft (version must match: 409 version_conflict). */
int gg_assess_plan_update(const gg_op_t *op, int64_t id, const gg_assess_plan_t *next, int version,
                          gg_error_t *err);
/* Add tasks to a draft plan: a seq already in the plan is 400 tasks[i].seq reason duplicate. */
int gg_assess_tasks_add(const gg_op_t *op, int64_t plan_id, const gg_assess_task_t *tasks, int n,
                        gg_error_t *err);
int gg_assess_task_update(const gg_op_t *op, int64_t plan_id, int64_t task_id, const gg_assess_task_t *next,
                          int version, gg_error_t *err);
/* draft → active: a score row for every task × assessed unit (plan.c), the computed ones computed
 * (score.c: gg_assess_plan_open, then gg_assess_compute). */
int gg_assess_plan_activate(const gg_op_t *op, int64_t id, int version, gg_error_t *err);
/* draft → active without computing: the score rows only (gg_assess_plan_activate's first step). */
int gg_assess_plan_open(const gg_op_t *op, int64_t id, int version, gg_error_t *err);
/* active → closed: no more submissions or reviews. */
int gg_assess_plan_close(const gg_op_t *op, int64_t id, int version, gg_error_t *err);
/* Recompute the computed tasks of an active plan; *changed: scores whose value or score changed. */
int gg_assess_compute(const gg_op_t *op, int64_t id, int *changed, gg_error_t *err);

/* The plans the caller may read, newest period first. */
int gg_assess_plans(const gg_op_t *op, gg_assess_plan_t **rows, int *n, gg_error_t *err);
/* One plan the caller may read, else 404. */
int gg_assess_plan_get(const gg_op_t *op, int64_t id, gg_assess_plan_t *out, gg_error_t *err);
int gg_assess_tasks(const gg_op_t *op, int64_t plan_id, gg_assess_task_t **rows, int *n, gg_error_t *err);

/* ---- scores ---- */

typedef struct gg_assess_submit {
    int64_t task_id, unit_id;
    double value;
    const char *note;
    const int64_t *attachment_ids;
    int nattachments;
} gg_assess_submit_t;

/* The responsible unit's value (with evidence) for a manual task: 400 task_id when the task is not the
 * plan's or is computed; 404 when the unit is not assessed by the plan or outside assess.score; 409 when
 * the plan is not active or the score is approved.  *score_id: the score. */
int gg_assess_submit(const gg_op_t *op, int64_t plan_id, const gg_assess_submit_t *in, int64_t *score_id,
                     gg_error_t *err);
/* The office's decision on a submitted score: approve (optionally with score, 0..weight) or return (note
 * required). */
int gg_assess_review(const gg_op_t *op, int64_t score_id, int approve, const char *note, int has_score,
                     double score, int version, gg_error_t *err);

/* One unit's scores, in task order (one per task; task i of tasks is scores[i]), and its standing. */
int gg_assess_scorecard(const gg_op_t *op, int64_t plan_id, int64_t unit_id, gg_assess_plan_t *plan,
                        gg_assess_task_t **tasks, gg_assess_score_t **scores, int *n, gg_assess_result_t *res,
                        gg_error_t *err);
/* The ranking: the assessed units the caller may see, best first. */
int gg_assess_ranking(const gg_op_t *op, int64_t plan_id, gg_assess_plan_t *plan, gg_assess_result_t **rows,
                      int *n, gg_error_t *err);
/* One score the caller may see (and its plan and task), else 404. */
int gg_assess_score_get(const gg_op_t *op, int64_t score_id, gg_assess_score_t *out, gg_assess_task_t *task,
                        gg_assess_plan_t *plan, gg_error_t *err);
int gg_assess_history_list(const gg_op_t *op, int64_t score_id, gg_assess_history_t **rows, int *n,
                           gg_error_t *err);

/* The demo's plans for 下陆区's streets (assess_demo.c): this quarter's 128-task programme, scored, and last
 * quarter's closed plan; once (nothing when 下陆区 has a plan, or is not imported). */
int gg_assess_demo(gg_db_t *db, gg_error_t *err);

/* Register "assess_score" as an attachment owner (evidence visible to whoever may see the score). */
void gg_assess_attachments_init(void);

#endif
