/* outbox.c — the transactional outbox (outbox.h): the rows, and the payload of a case event. */
#include "domain/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/live.h"
#include "domain/setting.h"
#include "json/jw.h"

/* scope: who sees the row on the live stream (domain/live.h); NULL: not a live event */
static int emit(gg_op_t *op, const char *event_type, const char *unit_path, int64_t line_id,
                const char *payload_json, const char *scope, gg_error_t *err)
{
    return gg_db_exec(op->c,
                      "INSERT INTO outbox (event_type, unit_path, line_id, payload, created_at, scope) "
                      "VALUES ($1, $2, $3, $4, $5, $6)",
                      GG_ARGS(GG_TEXT(event_type), GG_TEXT(unit_path),
                              line_id > 0 ? GG_I64(line_id) : GG_NULL, GG_TEXT(payload_json),
                              GG_I64(gg_now_ms()), GG_TEXT(scope)),
                      NULL, err);
}

int gg_outbox_emit(gg_op_t *op, const char *event_type, const char *unit_path, int64_t line_id,
                   const char *payload_json, gg_error_t *err)
{
    return emit(op, event_type, unit_path, line_id, payload_json, NULL, err);
}

const char *gg_outbox_hotline_callback(const char *action)
{
    static const char *const map[][2] = {
        {"accept", "accepted"}, {"register", "accepted"},
        {"reject", "returned"}, {"extend_approve", "extended"},
        {"close", "completed"}, {"verify_pass", "completed"},
        {"rate", "rated"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(action, map[i][0])) return map[i][1];
    return NULL;
}

static const char *text(gg_db_res_t *r, gg_arena_t *a, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static int64_t num(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

int gg_outbox_case_event(gg_op_t *op, const gg_case_event_t *e, int64_t event_id, int64_t at, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT c.number, c.channel, c.state, k.code, c.unit_id, c.unit_path, c.due_at, c.line_id, "
            "c.external_no, c.rating, c.rating_comment, c.created_at, "
            "(SELECT 1 FROM hotline_link h WHERE h.line_id = c.line_id AND h.active = 1) "
            "FROM case_item c JOIN category k ON k.id = c.category_id WHERE c.id = $1",
            GG_ARGS(GG_I64(e->case_id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step <= 0) {
        gg_db_res_free(r);
        return step < 0 ? -1 : gg_err_internal(err, "no case %lld for its event", (long long)e->case_id);
    }
    const char *number = text(r, op->arena, 0), *channel = text(r, op->arena, 1),
               *state = text(r, op->arena, 2);
    const char *code = text(r, op->arena, 3), *path = text(r, op->arena, 5);
    int64_t unit = num(r, 4), due = num(r, 6), line = num(r, 7);
    const char *ext = text(r, op->arena, 8), *rating = text(r, op->arena, 9),
               *rcomment = text(r, op->arena, 10);
    int linked = !gg_db_isnull(r, 12);
    gg_db_res_free(r);

    const char *type =
        !strcmp(e->action, "report") ? "case.created" : gg_sprintf(op->arena, "case.%s", e->action);
    /* completion's reply: the close note, or the handler's last public result (feedback) */
    const char *callback = linked && ext ? gg_outbox_hotline_callback(e->action) : NULL;
    /* acceptance is told once: register after an accept is no news to the platform */
    if (callback && !strcmp(e->action, "register") && e->from_state && strcmp(e->from_state, "reported"))
        callback = NULL;
    const char *reply = NULL;
    if (callback && !strcmp(e->action, "verify_pass")) {
        if (gg_db_query(op->c,
                        "SELECT note FROM case_event WHERE case_id = $1 AND action = 'feedback' "
                        "ORDER BY id DESC LIMIT 1",
                        GG_ARGS(GG_I64(e->case_id)), &r, err) < 0)
            return -1;
        if (gg_db_next(r, err) == 1) reply = text(r, op->arena, 0);
        gg_db_res_free(r);
    } else if (callback && !strcmp(e->action, "close")) {
        reply = e->note;
    }

    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kint(&w, "event_id", event_id);
    gg_jw_kstr(&w, "type", type);
    gg_jw_ktime(&w, "at", at);
    gg_jw_kstr(&w, "action", e->action);
    gg_jw_kstr(&w, "from_state", e->from_state);
    gg_jw_kstr(&w, "to_state", e->to_state);
    gg_jw_kstr(&w, "note", e->public ? e->note : NULL);
    gg_jw_key(&w, "case");
    gg_jw_obj(&w);
    gg_jw_kint(&w, "id", e->case_id);
    gg_jw_kstr(&w, "number", number);
    gg_jw_kstr(&w, "channel", channel);
    gg_jw_kstr(&w, "state", state);
    gg_jw_kstr(&w, "category_code", code);
    gg_jw_kint(&w, "unit_id", unit);
    gg_jw_kstr(&w, "unit_path", path);
    gg_jw_ktime(&w, "due_at", due);
    if (line)
        gg_jw_kint(&w, "line_id", line);
    else
        gg_jw_knull(&w, "line_id");
    gg_jw_kstr(&w, "external_no", ext);
    gg_jw_kstr(&w, "rating", rating);
    gg_jw_kstr(&w, "rating_comment", rcomment);
    gg_jw_obj_end(&w);
    if (callback) {
        /* what the 12345 platform is told (docs/api.md "12345 platform link") */
        gg_jw_key(&w, "hotline");
        gg_jw_obj(&w);
        gg_jw_kstr(&w, "external_no", ext);
        gg_jw_kstr(&w, "case_number", number);
        gg_jw_kstr(&w, "callback", callback);
        if (!strcmp(callback, "returned")) gg_jw_kstr(&w, "reason", e->note);
        if (!strcmp(callback, "extended")) gg_jw_ktime(&w, "due_at", due);
        if (!strcmp(callback, "completed")) gg_jw_kstr(&w, "reply", reply);
        if (!strcmp(callback, "rated")) {
            gg_jw_kstr(&w, "rating", rating);
            gg_jw_kstr(&w, "comment", rcomment);
        }
        gg_jw_obj_end(&w);
    }
    gg_jw_obj_end(&w);
    /* the live loop's hook: notifications of this step and the stream's scope (domain/live.h) */
    const char *scope = NULL;
    if (gg_live_case_event(op, e, &scope, err) < 0) {
        gg_buf_free(&b);
        return -1;
    }
    int rc = emit(op, type, path, callback ? line : 0, b.data, scope, err);
    gg_buf_free(&b);
    return rc;
}

/* ---- trimming ---- */

#define TRIM_BATCH 1000
#define TRIM_BATCHES 20

typedef struct trim {
    int64_t before, deleted;
    int n;
} trim_t;

static int trim_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    trim_t *t = ctx;
    gg_db_res_t *r;
    t->n = 0;
    /* never the newest row: SQLite would hand its id out again, and ids are the live stream's and the
     * fan-out's cursors (Last-Event-ID) */
    if (gg_db_query(
            c,
            "SELECT o.id FROM outbox o WHERE o.created_at < $1 AND o.fanned_at IS NOT NULL AND o.id < "
            "(SELECT MAX(id) FROM outbox) AND NOT "
            "EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.outbox_id = o.id AND d.state <> "
            "'delivered') ORDER BY o.created_at, o.id LIMIT 1000",
            GG_ARGS(GG_I64(t->before)), &r, err) < 0)
        return -1;
    gg_buf_t ids = {0};
    gg_buf_init(&ids, 1024);
    int step;
    while ((step = gg_db_next(r, err)) == 1)
        gg_buf_printf(&ids, "%s%lld", t->n++ ? "," : "", (long long)gg_db_i64(r, 0));
    gg_db_res_free(r);
    int rc = step < 0 ? -1 : 0;
    if (rc == 0 && t->n) {
        /* the ids are integers just read: inline */
        size_t size = ids.len + 64;
        char *sql = malloc(size);
        if (!sql) rc = gg_err_internal(err, "out of memory");
        if (rc == 0) {
            snprintf(sql, size, "DELETE FROM webhook_delivery WHERE outbox_id IN (%s)", ids.data);
            rc = gg_db_exec(c, sql, GG_NOARGS, NULL, err);
        }
        if (rc == 0) {
            snprintf(sql, size, "DELETE FROM outbox WHERE id IN (%s)", ids.data);
            rc = gg_db_exec(c, sql, GG_NOARGS, NULL, err);
        }
        free(sql);
    }
    gg_buf_free(&ids);
    if (rc == 0) t->deleted += t->n;
    return rc;
}

int gg_outbox_trim(gg_db_conn_t *c, int64_t now, int64_t *deleted, gg_error_t *err)
{
    *deleted = 0;
    gg_arena_t *a = gg_arena_new(256);
    const char *v = NULL;
    int rc = gg_setting_get(c, a, "outbox_keep_days", &v, err);
    char *end = NULL;
    long days = v ? strtol(v, &end, 10) : 90;
    if (v && (end == v || *end || days < 0 || days > 36500)) days = 90;
    gg_arena_free(a);
    if (rc < 0 || days == 0) return rc;
    trim_t t = {.before = now - (int64_t)days * 86400000};
    for (int i = 0; i < TRIM_BATCHES; i++) {
        if (gg_db_tx(c, trim_tx, &t, err) < 0) return -1;
        if (t.n < TRIM_BATCH) break;
    }
    *deleted = t.deleted;
    return 0;
}
