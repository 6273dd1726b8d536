/* case_list.c — inboxes, search and export rows of cases (case_list.h). */
#include "domain/cases/case_list.h"

#include <string.h>

#include "domain/cases/category.h"
#include "domain/scope.h"
#include "domain/tree/unit.h"

#define MAX_ARGS 16

static const char *const boxes[] = {"mine", "dispatch", "verify", "supervised", "overdue", "near_due", "all"};

int gg_case_box_valid(const char *box)
{
    for (size_t i = 0; box && i < sizeof boxes / sizeof boxes[0]; i++)
        if (!strcmp(boxes[i], box)) return 1;
    return 0;
}

typedef struct where {
    gg_buf_t b;
    gg_db_arg_t args[MAX_ARGS];
    int n;
} where_t;

static void add(where_t *w, const char *cond)
{
    gg_buf_printf(&w->b, " AND %s", cond);
}

/* a condition with one argument: cond holds "$%d" once */
static void add_arg(where_t *w, const char *cond, gg_db_arg_t arg)
{
    w->args[w->n] = arg;
    w->n++;
    gg_buf_puts(&w->b, " AND ");
    gg_buf_printf(&w->b, cond, w->n);
}

#define RUNNING "('registered', 'dispatched', 'in_progress', 'awaiting_verification')"

static int build_where(gg_op_t *op, const gg_case_filter_t *f, where_t *w, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_buf_init(&w->b, 512);
    w->n = 0;
    if (f->reporter_account_id) {
        gg_buf_puts(&w->b, "1=1");
        add_arg(w, "c.reporter_account_id = $%d", GG_I64(f->reporter_account_id));
    } else {
        gg_buf_puts(&w->b, gg_case_visible_sql(a, op->auth, "c"));
    }
    const char *box = f->box ? f->box : "all";
    if (!strcmp(box, "mine")) {
        const char *scope = gg_scope_sql(a, op->auth, GG_P_CASE_HANDLE, "t.unit_path");
        add(w, gg_sprintf(a,
                          "c.id IN (SELECT t.case_id FROM case_task t WHERE t.state IN ('open', 'received') "
                          "AND %s AND (t.account_id IS NULL OR t.account_id = %lld))",
                          scope, (long long)op->auth->account_id));
        add(w, "c.state IN ('dispatched', 'in_progress', 'suspended')");
    } else if (!strcmp(box, "dispatch")) {
        add(w, "c.state IN ('reported', 'accepted', 'registered')");
        add(w, gg_scope_sql(a, op->auth, GG_P_CASE_DISPATCH, "c.owner_unit_path"));
    } else if (!strcmp(box, "verify")) {
        add(w, "c.state = 'awaiting_verification'");
        add(w, gg_scope_sql(a, op->auth, GG_P_CASE_DISPATCH, "c.owner_unit_path"));
    } else if (!strcmp(box, "supervised")) {
        add(w, "c.supervised = 1");
        add(w, "c.state NOT IN ('closed', 'rated', 'rejected', 'merged')");
    } else if (!strcmp(box, "overdue")) {
        add(w, "c.state IN " RUNNING);
        add_arg(w, "c.due_at < $%d", GG_I64(f->now));
    } else if (!strcmp(box, "near_due")) {
        add(w, "c.state IN " RUNNING);
        add_arg(w, "c.yellow_at <= $%d", GG_I64(f->now));
        add_arg(w, "c.due_at > $%d", GG_I64(f->now));
    }
    if (f->state && *f->state) add_arg(w, "c.state = $%d", GG_TEXT(f->state));
    if (f->channel && *f->channel) add_arg(w, "c.channel = $%d", GG_TEXT(f->channel));
    if (f->category_id) {
        /* the category and everything under it (the tree is small and ours: ids inline) */
        gg_category_t *rows;
        int n;
        if (gg_category_tree(op->c, a, 0, &rows, &n, err) < 0) return -1;
        gg_buf_t ids = {0};
        gg_buf_init(&ids, 64);
        int depth = -1, count = 0;
        for (int i = 0; i < n; i++) {
            if (depth >= 0 && rows[i].depth <= depth) break;
            if (rows[i].id == f->category_id) depth = rows[i].depth;
            if (depth < 0) continue;
            gg_buf_printf(&ids, "%s%lld", count++ ? ", " : "", (long long)rows[i].id);
        }
        add(w, count ? gg_sprintf(a, "c.category_id IN (%s)", ids.data) : "1=0");
        gg_buf_free(&ids);
    }
    if (f->unit_id) {
        gg_unit_t u;
        int found = 0;
        if (gg_unit_by_id(op->c, a, f->unit_id, &u, &found, err) < 0) return -1;
        if (!found || !gg_unit_path_valid(u.path)) {
            add(w, "1=0");
        } else {
            size_t len = strlen(u.path);
            add(w, gg_sprintf(a, "c.unit_path >= '%s' AND c.unit_path < '%.*s0'", u.path, (int)(len - 1),
                              u.path));
        }
    }
    if (f->assignee_id) add_arg(w, "c.handler_account_id = $%d", GG_I64(f->assignee_id));
    if (f->from_ms) add_arg(w, "c.created_at >= $%d", GG_I64(f->from_ms));
    if (f->to_ms) add_arg(w, "c.created_at < $%d", GG_I64(f->to_ms));
    if (f->q && *f->q) {
        const char *like = gg_sql_like_contains(a, f->q);
        w->args[w->n++] = GG_TEXT(gg_strdup(a, f->q));
        w->args[w->n++] = GG_TEXT(like);
        gg_buf_printf(
            &w->b,
            " AND (c.number = $%d OR c.description LIKE $%d ESCAPE '\\' OR c.address LIKE $%d ESCAPE '\\' "
            "OR c.external_no = $%d)",
            w->n - 1, w->n, w->n, w->n - 1);
    }
    if (f->caller_phone && *f->caller_phone)
        add_arg(w, "c.reporter_phone_bidx = $%d", GG_TEXT(gg_pii_blind_index(op->keys, a, f->caller_phone)));
    return 0;
}

int gg_case_list(gg_op_t *op, const gg_case_filter_t *f, const gg_page_t *page, gg_case_t **rows, int *n,
                 int64_t *total, gg_error_t *err)
{
    where_t w;
    *rows = NULL;
    *n = 0;
    if (total) *total = -1;
    if (build_where(op, f, &w, err) < 0) {
        gg_buf_free(&w.b);
        return -1;
    }
    int base = w.n;
    if (page->want_total && total) {
        const char *sql = gg_sprintf(op->arena, "SELECT COUNT(*) FROM case_item c WHERE %s", w.b.data);
        int found;
        if (gg_db_query_i64(op->c, sql, w.args, base, total, &found, err) < 0) {
            gg_buf_free(&w.b);
            return -1;
        }
    }
    if (page->after) {
        w.args[w.n++] = GG_I64(page->after);
        gg_buf_printf(&w.b, " AND c.id < $%d", w.n);
    }
    const char *sql =
        gg_sprintf(op->arena, "SELECT %s FROM case_item c %s WHERE %s ORDER BY c.id DESC LIMIT %d",
                   gg_case_columns, gg_case_joins, w.b.data, page->limit);
    gg_buf_free(&w.b);
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, w.args, w.n, &r, err) < 0) return -1;
    *rows = gg_alloc(op->arena, sizeof **rows * (size_t)(page->limit > 0 ? page->limit : 1));
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < page->limit)
        gg_case_row(r, op->arena, op->keys, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_case_each(gg_op_t *op, const gg_case_filter_t *f, int max, gg_case_row_fn fn, void *ctx,
                 int64_t *count, gg_error_t *err)
{
    /* page by page so a large export holds one page of rows at a time */
    *count = 0;
    gg_page_t page = {.limit = 200};
    for (;;) {
        gg_case_t *rows;
        int n;
        if (gg_case_list(op, f, &page, &rows, &n, NULL, err) < 0) return -1;
        for (int i = 0; i < n; i++) {
            if (*count >= max) return 0;
            if (fn(ctx, &rows[i], err) < 0) return -1;
            (*count)++;
        }
        if (n < page.limit) return 0;
        page.after = rows[n - 1].id;
    }
}
