/* rules.c — the scoring rules of assessment plans without SQL: a task's score for a value, a total's grade,
 * and the checks of a plan's and a task's fields (see assessment.h, docs/assessment.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/assessment/assessment.h"
#include "domain/validate.h"

static double round2(double v)
{
    return floor(v * 100.0 + 0.5) / 100.0;
}

void gg_assess_task_score(const gg_assess_task_t *t, int has_value, double value, double *score, int *met)
{
    if (!has_value) { /* 无数据: not scored (docs/assessment.md rule 2); the caller stores no met */
        *met = 0;
        *score = 0;
        return;
    }
    int le = t->comparison && strcmp(t->comparison, "le") == 0;
    *met = le ? value <= t->target : value >= t->target;
    if (*met) {
        *score = t->weight;
        return;
    }
    double s = 0;
    if (le) {
        if (value > 0 && t->target > 0) s = t->weight * t->target / value;
    } else if (value > 0 && t->target > 0) {
        s = t->weight * value / t->target;
    }
    if (s < 0) s = 0;
    if (s > t->weight) s = t->weight;
    *score = round2(s);
}

char gg_assess_grade(const double bands[4], double total)
{
    static const char grades[] = "ABCD";
    for (int i = 0; i < 4; i++)
        if (total >= bands[i]) return grades[i];
    return 'E';
}

static const char *const LEVELS[] = {"street", "community", "grid", "department", NULL};
static const char *const GRADES[] = {"A", "B", "C", "D", "E", NULL};
static const char *const COMPARISONS[] = {"ge", "le", NULL};

static int field_name_err(gg_error_t *err, const char *prefix, const char *name, const char *reason,
                          const char *msg)
{
    char f[96];
    snprintf(f, sizeof f, "%s%s", prefix, name);
    gg_err_invalid(err, f, "%s: %s", f, msg);
    return gg_error_reason(err, reason);
}

/* 1 when s is measure:<code>, code [a-z_]{1,40}, or manual */
static int source_valid(const char *s)
{
    if (!s) return 0;
    if (strcmp(s, "manual") == 0) return 1;
    if (strncmp(s, "measure:", 8) != 0) return 0;
    const char *c = s + 8;
    size_t n = strlen(c);
    if (n < 1 || n > 40) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((c[i] >= 'a' && c[i] <= 'z') || c[i] == '_' || (c[i] >= '0' && c[i] <= '9'))) return 0;
    return 1;
}

int gg_assess_task_check(gg_arena_t *a, gg_assess_task_t *t, const char *prefix, gg_error_t *err)
{
    char f[96];
    if (t->seq <= 0) return field_name_err(err, prefix, "seq", "out_of_range", "a positive sequence number");
    snprintf(f, sizeof f, "%stitle", prefix);
    if (gg_text_field(a, &t->title, gg_strdup(a, f), 1, err) < 0) return -1;
    snprintf(f, sizeof f, "%scategory", prefix);
    if (gg_text_field(a, &t->category, gg_strdup(a, f), 0, err) < 0) return -1;
    if (!t->category) t->category = "";
    snprintf(f, sizeof f, "%sresponsible", prefix);
    if (gg_text_field(a, &t->responsible, gg_strdup(a, f), 0, err) < 0) return -1;
    if (!(t->weight >= 0) || t->weight > 100 || !isfinite(t->weight))
        return field_name_err(err, prefix, "weight", "out_of_range", "a weight from 0 to 100");
    if (!isfinite(t->target)) return field_name_err(err, prefix, "target", "required", "a target value");
    if (!t->comparison) t->comparison = "ge";
    snprintf(f, sizeof f, "%scomparison", prefix);
    if (gg_choice_valid(t->comparison, COMPARISONS, gg_strdup(a, f), err) < 0) return -1;
    if (!source_valid(t->source))
        return field_name_err(err, prefix, "source", "malformed", "manual or measure:<code>");
    return 0;
}

int gg_assess_plan_check(gg_assess_plan_t *p, gg_error_t *err)
{
    if (!p->name || !*p->name) {
        gg_err_invalid(err, "name", "name is required");
        return gg_error_reason(err, "required");
    }
    if (gg_date_valid(p->period_from, "period_from", err) < 0 ||
        gg_date_valid(p->period_to, "period_to", err) < 0)
        return -1;
    if (strcmp(p->period_from, p->period_to) > 0) {
        gg_err_invalid(err, "period_to", "the period ends before it starts");
        return gg_error_reason(err, "before_start");
    }
    if (gg_choice_valid(p->target_level, LEVELS, "target_level", err) < 0) return -1;
    if (!p->hard_cap) p->hard_cap = "C";
    if (gg_choice_valid(p->hard_cap, GRADES, "hard_cap", err) < 0) return -1;
    static const char *const names[] = {"bands.A", "bands.B", "bands.C", "bands.D"};
    for (int i = 0; i < 4; i++) {
        double lo = i < 3 ? p->bands[i + 1] : 0;
        if (!(p->bands[i] >= lo) || p->bands[i] > 100) {
            gg_err_invalid(err, names[i], "grade bands go down from A to D, within 0..100");
            return gg_error_reason(err, "out_of_range");
        }
    }
    return 0;
}
