/* case_list.c — inboxes, search and export rows of cases (case_list.h). */
#include "domain/cases/case_list.h"

#include <string.h>

#include "core/utf8.h"

#include "domain/cases/category.h"
#include "domain/cases/names.h"
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

/* The exact paths of the units where the caller holds perm, as an SQL IN list ('…', '…'), or NULL for none.
 */
static const char *own_paths(gg_arena_t *a, const gg_auth_t *auth, gg_perm_t perm)
{
    gg_buf_t b = {0};
    gg_buf_init(&b, 64);
    int n = 0;
    for (int i = 0; i < auth->ngrants; i++) {
        const gg_grant_t *g = &auth->grants[i];
        if ((g->perms & perm) != perm || !gg_unit_path_valid(g->unit_path)) continue;
        gg_buf_printf(&b, "%s'%s'", n++ ? ", " : "", g->unit_path);
    }
    char *out = n ? gg_strdup(a, b.data) : NULL;
    gg_buf_free(&b);
    return out;
}

/* The WHERE of a box and filters.  *selective: the box narrows to few rows through an index of its own (the
 * page is then sorted, instead of walking the primary key backwards until it fills). */
static int build_where(gg_op_t *op, const gg_case_filter_t *f, where_t *w, int *selective, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_buf_init(&w->b, 512);
    w->n = 0;
    *selective = 0;
    const char *box = f->box ? f->box : "all";
    if (f->reporter_account_id) {
        gg_buf_puts(&w->b, "1=1");
        add_arg(w, "c.reporter_account_id = $%d", GG_I64(f->reporter_account_id));
    } else if (!strcmp(box, "mine")) {
        /* tasks dispatched to a unit of the caller's own (not the units under it), unassigned or the
         * caller's: case.handle there makes each visible, so no visibility term.  The state test is written
         * so no index takes it (`|| ''`): the task indexes drive. */
        const char *paths = own_paths(a, op->auth, GG_P_CASE_HANDLE);
        long long me = (long long)op->auth->account_id;
        gg_buf_printf(&w->b,
                      "c.id IN (SELECT t.case_id FROM case_task t WHERE t.state IN ('open', 'received') AND "
                      "t.unit_path IN (%s) AND (t.account_id IS NULL OR t.account_id = %lld) UNION "
                      "SELECT t.case_id FROM case_task t WHERE t.account_id = %lld AND t.state IN ('open', "
                      "'received')) AND c.state || '' IN ('dispatched', 'in_progress', 'suspended')",
                      paths ? paths : "''", me, me);
        *selective = 1;
    } else if (!strcmp(box, "dispatch") || !strcmp(box, "verify")) {
        /* owned where the caller dispatches and reads (so visible by the rule) */
        gg_buf_puts(&w->b, !strcmp(box, "dispatch") ? "c.state IN ('reported', 'accepted', 'registered')"
                                                    : "c.state = 'awaiting_verification'");
        add(w, gg_scope_sql(a, op->auth, GG_P_CASE_DISPATCH | GG_P_CASE_READ, "c.owner_unit_path"));
        *selective = 1;
    } else {
        /* a small area: its ids from the indexes; a wide one: the rule tested on the rows walked */
        const char *ids;
        if (gg_case_visible_ids_sql(op->c, a, op->auth, &ids, err) < 0) return -1;
        if (ids) {
            gg_buf_printf(&w->b, "c.id IN (%s)", ids);
            *selective = 1;
        } else {
            gg_buf_puts(&w->b, gg_case_visible_sql(a, op->auth, "c"));
        }
        if (!strcmp(box, "supervised")) {
            add(w, "c.supervised = 1");
            add(w, "c.state NOT IN ('closed', 'rated', 'rejected', 'merged')");
        } else if (!strcmp(box, "overdue")) {
            add(w, "c.state IN " RUNNING);
            add_arg(w, "c.due_at < $%d", GG_I64(f->now));
            *selective = 1;
        } else if (!strcmp(box, "near_due")) {
            add(w, "c.state IN " RUNNING);
            add_arg(w, "c.yellow_at <= $%d", GG_I64(f->now));
            add_arg(w, "c.due_at > $%d", GG_I64(f->now));
            *selective = 1;
        }
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
    if (f->nids > 0) {
        gg_buf_t ids = {0};
        for (int i = 0; i < f->nids && i < GG_CASE_FILTER_IDS; i++)
            gg_buf_printf(&ids, "%s%lld", i ? ", " : "", (long long)f->ids[i]);
        add(w, gg_sprintf(a, "c.id IN (%s)", ids.data));
        gg_buf_free(&ids);
        *selective = 1;
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
            " AND (c.number = $%d OR c.description LIKE $%d ESCAPE '\\' OR c.address LIKE $%d ESCAPE "
            "'\\' OR c.external_no = $%d)",
            w->n - 1, w->n, w->n, w->n - 1);
    }
    if (f->caller_phone && *f->caller_phone) {
        add_arg(w, "c.reporter_phone_bidx = $%d", GG_TEXT(gg_pii_blind_index(op->keys, a, f->caller_phone)));
        *selective = 1;
    }
    return 0;
}

/* An inbox row: fewer columns than gg_case_columns, the description cut (one more character fetched so the
 * cut is known). */
static const char summary_columns[] =
    "c.id, c.number, c.channel, c.category_id, c.priority, substr(c.description, 1, 61), c.unit_id, "
    "c.handler_unit_id, c.state, c.suspended_left_ms, c.response_due_at, c.due_at, c.yellow_at, "
    "c.calendar_fallback, c.supervised, c.rework_count, c.created_at, c.version";
static const char summary_names[] = ", k.name, k.name_en, lu.name, hu.name";
static const char summary_joins[] = "JOIN category k ON k.id = c.category_id "
                                    "JOIN unit lu ON lu.id = c.unit_id "
                                    "LEFT JOIN unit hu ON hu.id = c.handler_unit_id";

static const char *col_txt(gg_db_res_t *r, gg_arena_t *a, int col)
{
    const char *s = gg_db_text(r, col);
    return s ? gg_strdup(a, s) : NULL;
}

static int64_t col_i64(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

static void summary_row(gg_db_res_t *r, gg_arena_t *a, int names, gg_case_t *o)
{
    memset(o, 0, sizeof *o);
    int i = 0;
    o->id = col_i64(r, i++);
    o->number = col_txt(r, a, i++);
    o->channel = col_txt(r, a, i++);
    o->category_id = col_i64(r, i++);
    o->priority = col_txt(r, a, i++);
    const char *d = gg_db_text(r, i++);
    if (d) {
        /* GG_CASE_SUMMARY_CHARS characters, and whether there was more */
        size_t len = strlen(d), at = 0;
        int chars = 0;
        while (at < len && chars < GG_CASE_SUMMARY_CHARS) {
            size_t q = gg_utf8_seq((const unsigned char *)d + at, len - at);
            at += q ? q : 1;
            chars++;
        }
        o->summary_truncated = at < len;
        o->description = gg_strndup(a, d, at);
    }
    o->unit_id = col_i64(r, i++);
    o->handler_unit_id = col_i64(r, i++);
    o->state = col_txt(r, a, i++);
    o->suspended_left_ms = gg_db_isnull(r, i) ? -1 : gg_db_i64(r, i);
    i++;
    o->response_due_at = col_i64(r, i++);
    o->due_at = col_i64(r, i++);
    o->yellow_at = col_i64(r, i++);
    o->calendar_fallback = (int)col_i64(r, i++);
    o->supervised = (int)col_i64(r, i++);
    o->rework_count = (int)col_i64(r, i++);
    o->created_at = col_i64(r, i++);
    o->version = (int)col_i64(r, i++);
    if (!names) return;
    o->category_name = col_txt(r, a, i++);
    o->category_name_en = col_txt(r, a, i++);
    o->unit_name = col_txt(r, a, i++);
    o->handler_unit_name = col_txt(r, a, i++);
}

/* The names of rows[0..n) from the snapshot (copied into the arena); a unit or category it does not know
 * (created since it was built) reloads it once. */
static int fill_names(gg_op_t *op, gg_names_t *names, gg_case_t *rows, int n, gg_error_t *err)
{
    for (int pass = 0; pass < 2; pass++) {
        gg_names_snapshot_t *s = gg_names_acquire(names);
        int missing = 0;
        for (int i = 0; i < n; i++) {
            gg_case_t *k = &rows[i];
            const char *cn, *ce;
            const char *un = gg_names_unit(s, k->unit_id);
            const char *hn = k->handler_unit_id ? gg_names_unit(s, k->handler_unit_id) : NULL;
            if (!gg_names_category(s, k->category_id, &cn, &ce) || !un || (k->handler_unit_id && !hn)) {
                missing = 1;
                if (!pass) break;
            }
            k->category_name = cn ? gg_strdup(op->arena, cn) : NULL;
            k->category_name_en = ce ? gg_strdup(op->arena, ce) : NULL;
            k->unit_name = un ? gg_strdup(op->arena, un) : NULL;
            k->handler_unit_name = hn ? gg_strdup(op->arena, hn) : NULL;
        }
        gg_names_release(s);
        if (!missing || pass) return 0;
        if (gg_names_reload(op->c, names, err) < 0) return -1;
    }
    return 0;
}

int gg_case_list(gg_op_t *op, const gg_case_filter_t *f, const gg_page_t *page, gg_case_t **rows, int *n,
                 int64_t *total, gg_error_t *err)
{
    where_t w;
    int selective;
    *rows = NULL;
    *n = 0;
    if (total) *total = -1;
    if (build_where(op, f, &w, &selective, err) < 0) {
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
    /* the page's ids first (no joins, mostly from indexes), then the rows of those ids.  A selective box
     * sorts its few rows ("+c.id" keeps SQLite from walking the primary key instead of using the box's
     * index); a wide one walks the primary key backwards and stops at a full page. */
    int snap = f->summary && f->names; /* the names from the snapshot, no joins */
    const char *sql = gg_sprintf(
        op->arena,
        "SELECT %s%s FROM case_item c %s WHERE c.id IN (SELECT c.id FROM case_item c WHERE %s ORDER "
        "BY %s DESC LIMIT %d) ORDER BY c.id DESC",
        f->summary ? summary_columns : gg_case_columns, f->summary && !snap ? summary_names : "",
        snap         ? ""
        : f->summary ? summary_joins
                     : gg_case_joins,
        w.b.data, selective ? "+c.id" : "c.id", page->limit);
    gg_buf_free(&w.b);
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, w.args, w.n, &r, err) < 0) return -1;
    *rows = gg_alloc(op->arena, sizeof **rows * (size_t)(page->limit > 0 ? page->limit : 1));
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < page->limit) {
        if (f->summary)
            summary_row(r, op->arena, !snap, &(*rows)[(*n)++]);
        else
            gg_case_row(r, op->arena, f->contact ? op->keys : NULL, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    return snap ? fill_names(op, f->names, *rows, *n, err) : 0;
}

int gg_case_each(gg_op_t *op, const gg_case_filter_t *f, int max, gg_case_row_fn fn, void *ctx,
                 int64_t *count, gg_error_t *err)
{
    /* page by page, each page's rows in an arena of its own, so a large export holds one page at a time */
    *count = 0;
    gg_page_t page = {.limit = 200};
    for (;;) {
        gg_case_t *rows;
        int n, rc = 0;
        gg_op_t pop = *op;
        pop.arena = gg_arena_new(64 * 1024);
        if (gg_case_list(&pop, f, &page, &rows, &n, NULL, err) < 0) rc = -1;
        for (int i = 0; rc == 0 && i < n && *count < max; i++) {
            if (fn(ctx, &rows[i], err) < 0) rc = -1;
            (*count)++;
        }
        int64_t last = n ? rows[n - 1].id : 0;
        gg_arena_free(pop.arena);
        if (rc < 0) return -1;
        if (n < page.limit || *count >= max) return 0;
        page.after = last;
    }
}
