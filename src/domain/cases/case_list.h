/*
 * case_list.h — the inboxes and the search of cases (GET /cases, the export,
 * GET /me/cases), all in SQL with the visibility rule (case.h), newest first
 * with an id cursor.
 *
 * Boxes, each backed by an index (sql/migrations/0012_cases.sql):
 *   mine        open tasks (lead or assisting) of units where the caller has case.handle, for the caller or
 *               for nobody in particular (case_task (unit_path, state, case_id));
 *   dispatch    reported / accepted / registered cases owned by a unit where the caller has case.dispatch
 *               (case_item (state, owner_unit_path, id));
 *   verify      awaiting_verification, owned the same way;
 *   supervised  supervised open cases (the partial index on supervised = 1);
 *   overdue     running cases past due_at (case_item (state, due_at));
 *   near_due    running cases past yellow_at and not yet due (case_item (state, yellow_at));
 *   all         everything visible (case_item (unit_path, id) and the primary key).
 * Filters narrow any box: state, category (with its subcategories), channel, unit (its subtree), assignee
 * (the handler account), created from/to (local dates), q (number, description, address), caller phone
 * (blind index; the caller must hold case.dispatch, and the lookup is audited by the API), ids (the cases of
 * a hotspot or repeat, at most GG_CASE_FILTER_IDS; visibility still applies).
 */
#ifndef GG_DOMAIN_CASES_CASE_LIST_H
#define GG_DOMAIN_CASES_CASE_LIST_H

#include "domain/cases/case.h"

typedef struct gg_case_filter {
    const char *box; /* NULL or "all" */
    const char *state, *channel, *q, *caller_phone;
    int64_t category_id, unit_id, assignee_id;
    int64_t from_ms, to_ms; /* created_at in [from, to); 0: open */
    const int64_t *ids;     /* nids > 0: only these cases */
    int nids;
    int64_t reporter_account_id; /* GET /me/cases: only this reporter's (visibility is then not needed) */
    int64_t now;
    int summary; /* 1: inbox rows (gg_case_list): only the fields of gg_case_summary_t's comment are read */
    int contact; /* 1: the rows carry the reporter's name and phone (decrypted); 0: NULL (an inbox shows none)
                  */
    struct gg_names *names; /* with summary: the names from this snapshot (domain/cases/names.h) instead of
                               joining category and unit on every row; NULL: the joins */
} gg_case_filter_t;

#define GG_CASE_FILTER_IDS 500

/* 1 when box is one of the boxes above. */
int gg_case_box_valid(const char *box);

/* Inbox rows (f->summary): id, number, channel, category (id, names), priority, description cut to
 * GG_CASE_SUMMARY_CHARS characters (summary_truncated says whether it was), unit (id, name), handler unit
 * (id, name), state, the clock fields (response_due_at, due_at, yellow_at, calendar_fallback,
 * suspended_left_ms), supervised, rework_count, created_at, version; every other field is zero / NULL. */
#define GG_CASE_SUMMARY_CHARS 60

/* One page; *total (when page->want_total) the count of the whole filter. */
int gg_case_list(gg_op_t *op, const gg_case_filter_t *f, const gg_page_t *page, gg_case_t **rows, int *n,
                 int64_t *total, gg_error_t *err);

/* Every matching case (up to max rows), newest first, handed to fn one by one (for exports). */
typedef int (*gg_case_row_fn)(void *ctx, const gg_case_t *k, gg_error_t *err);
int gg_case_each(gg_op_t *op, const gg_case_filter_t *f, int max, gg_case_row_fn fn, void *ctx, int64_t *rows,
                 gg_error_t *err);

#endif
