/*
 * case.h — the case (事件/诉求/工单, docs/cases.md): one matter reported
 * through any channel, routed to a location unit, owned by the level that
 * dispatches and verifies it, handled through tasks, with an append-only
 * timeline.  The shared pieces every case module uses live here: the row,
 * loading one case within the caller's visibility, appending an event, the
 * visibility filter as SQL, and the settings of the loop.
 *
 * Contracts (stable: helpers `workflow`, `attach`, `durable`, `democases`
 * build on them)
 *  - Visibility (docs/cases.md "Visibility"), always in SQL: a caller sees a
 *    case when case.read covers its unit_path or owner_unit_path, or
 *    case.handle covers the unit_path of one of its case_task rows (a
 *    department sees only what was dispatched to it), or the caller is its
 *    reporter (reporter_account_id).  Anything else is 404 — the same answer
 *    as a case that does not exist.
 *  - gg_case_load(op, id, for_update, out, err): the case as op->auth may see
 *    it, 404 otherwise.  for_update = 1 inside a write transaction takes the
 *    row lock first (PostgreSQL: SELECT … FOR UPDATE; SQLite holds the write
 *    lock already with BEGIN IMMEDIATE), so a transition reads the state it
 *    changes.  Strings live in op->arena.  Reporter name and phone are
 *    decrypted (plaintext in memory only; the JSON writer masks them).
 *  - gg_case_event_add(op, e, event_id, err): append one event in the
 *    caller's transaction; at = now when e->at is 0, account_id and
 *    actor_name from op->actor when e->account_id is 0 and op->auth is set.
 *    Events are never updated or deleted.  Each event also writes its outbox
 *    row (domain/outbox.h) in the same transaction: webhooks and callbacks.
 *  - Visibility SQL: gg_case_visible_sql(a, auth, alias) is a boolean SQL
 *    expression over the case_item alias, built from the caller's grants
 *    (paths are digits and slashes, the account id an integer: no user input).
 *  - Invariant the SQL relies on: owner_unit_path is unit_path or a prefix of
 *    it (the owner is the location unit or an ancestor; routing sets it so and
 *    escalation only moves it up), so case.read over the owner implies
 *    case.read over the location and the rule needs no owner term.
 *  - States, channels and event actions are the strings of docs/cases.md.
 */
#ifndef GG_DOMAIN_CASES_CASE_H
#define GG_DOMAIN_CASES_CASE_H

#include "domain/domain.h"
#include "domain/op.h"

typedef struct gg_case {
    int64_t id;
    const char *number;
    const char *secret_hash;
    const char *channel;
    int64_t line_id;
    const char *external_no;
    int64_t category_id, category_version_id;
    const char *priority, *description, *address;
    int summary_truncated; /* an inbox row: description holds only its first GG_CASE_SUMMARY_CHARS characters
                            */
    int has_point;
    double lat, lon;
    int64_t place_id;
    int64_t unit_id;
    const char *unit_path;
    int64_t owner_unit_id;
    const char *owner_unit_path;
    int64_t handler_unit_id; /* 0: none yet */
    const char *handler_unit_path;
    int64_t handler_account_id;
    const char *state;
    const char *suspended_from;
    int64_t suspended_left_ms; /* -1: none */
    int64_t reporter_account_id;
    int anonymous;
    const char *reporter_name, *reporter_phone; /* decrypted; NULL when none */
    int response_limit;
    const char *response_unit;
    int handling_limit;
    const char *handling_unit;
    int64_t response_due_at, registered_at, due_at, yellow_at; /* 0: not set */
    int calendar_fallback;
    int extension_pending;
    int64_t extension_ms;
    const char *extension_reason;
    int supervised;
    int64_t supervise_due_at;
    int rework_count;
    int64_t merged_into;
    const char *rating, *rating_comment;
    int64_t rated_at, closed_at;
    int reopen_count;
    int64_t created_by, created_at, updated_at;
    int version;
    /* joined names for the JSON (read only) */
    const char *category_name, *category_name_en, *category_code;
    const char *unit_name, *owner_unit_name, *owner_unit_level, *handler_unit_name, *line_name;
} gg_case_t;

/* The columns gg_case_row reads, in order, over case_item alias "c" (with its joins GG_CASE_JOINS). */
extern const char *const gg_case_columns;
extern const char *const gg_case_joins;
/* Fill out from the current row of a query that selected gg_case_columns first (decrypting with keys). */
void gg_case_row(gg_db_res_t *r, gg_arena_t *a, const gg_keys_t *keys, gg_case_t *out);

/* The visibility rule over case_item alias (e.g. "c") as an SQL boolean expression. */
const char *gg_case_visible_sql(gg_arena_t *a, const gg_auth_t *auth, const char *alias);

/* For a caller whose area holds few cases (fewer than GG_CASE_NARROW_MAX, counted on the unit_path index up
 * to that bound: a grid, a department, a resident) *out is the ids it may see as a query (SELECT … UNION …,
 * each part from an index) — cheaper than testing the rule row by row; for a wider caller *out is NULL (use
 * gg_case_visible_sql). */
#define GG_CASE_NARROW_MAX 20000
int gg_case_visible_ids_sql(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const char **out,
                            gg_error_t *err);

/* One case visible to op->auth; 404 otherwise.  for_update: lock the row (inside a transaction). */
int gg_case_load(gg_op_t *op, int64_t id, int for_update, gg_case_t *out, gg_error_t *err);
/* The same visibility check, reading only id, unit_path, owner_unit_path, handler_unit_path and state (enough
 * for gg_case_is_staff); the rest of *out is zero. */
int gg_case_load_brief(gg_op_t *op, int64_t id, gg_case_t *out, gg_error_t *err);
/* 0 when case id is visible to op->auth, else 404. */
int gg_case_visible(gg_op_t *op, int64_t id, gg_error_t *err);
/* 1 when the caller has staff rights over the case (case.read/dispatch/handle/supervise at its units or its
 * tasks' units), 0 when it sees it only as its reporter. */
int gg_case_is_staff(const gg_auth_t *auth, const gg_case_t *k);

typedef struct gg_case_event {
    int64_t id, case_id, at;
    int64_t account_id;     /* 0: op->actor's */
    const char *actor_name; /* NULL: op->actor's username */
    const char *action;     /* report, register, dispatch, receive, feedback, verify_pass, note … */
    const char *from_state, *to_state;
    int64_t unit_id, account_target; /* 0: none */
    const char *note;
    int public;
    const char *detail; /* JSON text or NULL */
} gg_case_event_t;

/* Append e to the timeline in the caller's transaction (see the contract above). */
int gg_case_event_add(gg_op_t *op, const gg_case_event_t *e, int64_t *event_id, gg_error_t *err);

/* The counter app_setting `case_generation`: gg_case_event_add bumps it in the event's transaction, so it
 * moves with every committed step of any case on any node or process (creation, transitions, the scheduler's
 * marks, reminders and escalations, video alarms) — every change of a case row, its tasks, its events or its
 * duplicates' states comes with an event.  A row lock on PostgreSQL: its committed values follow commit
 * order, so a reader that sees value g sees every case change that bumped it to g or below.  The API's read
 * caches (api/cases/case_cache.h) compare it, with names_generation (names.h), read in one statement. */
#define GG_CASE_GENERATION_KEY "case_generation"
int gg_case_generations(gg_db_conn_t *c, int64_t *cases, int64_t *names, gg_error_t *err);

/* What one case's page is made of, as four numbers read in one statement: its version, the count of its
 * events, the count of its duplicates' events and names_generation (*found 0: no such case).  Events are
 * never updated or deleted and every change of the case row, its tasks, its attachments and its duplicate
 * links comes with an event of the case or of the duplicate (a new duplicate's report), so equal stamps mean
 * an unchanged page (but for what the read cache's maximum age covers); on PostgreSQL the counts are of one
 * statement's snapshot, exact whatever order events commit in.  Unlike case_generation it does not move with
 * other cases' steps or the scheduler's marks of other cases. */
int gg_case_page_stamp(gg_db_conn_t *c, int64_t id, int64_t stamp[4], int *found, gg_error_t *err);

/* The events of case id (visible: check first) in order; internal (non-public) ones only with staff = 1. */
int gg_case_events(gg_op_t *op, int64_t id, int staff, gg_case_event_t **rows, int *n, gg_error_t *err);

typedef struct gg_case_task {
    int64_t id, case_id, unit_id, account_id;
    const char *unit_path, *unit_name, *account_name, *role, *state, *note;
    int64_t created_at, reported_at;
} gg_case_task_t;

/* The tasks of case id, lead first. */
int gg_case_tasks(gg_op_t *op, int64_t id, gg_case_task_t **rows, int *n, gg_error_t *err);

typedef struct gg_case_ref {
    int64_t id;
    const char *number, *state;
    int64_t created_at;
} gg_case_ref_t;

/* The possible duplicates flagged on case id that the caller may see. */
int gg_case_duplicates(gg_op_t *op, int64_t id, gg_case_ref_t **rows, int *n, gg_error_t *err);

/* The case loop's settings (app_setting), with their defaults when unset or unreadable. */
typedef struct gg_case_settings {
    double yellow_share;        /* case_yellow_share, 0.8 */
    int reopen_days;            /* case_reopen_days, 7 */
    int duplicate_radius_m;     /* 100 */
    int duplicate_window_hours; /* 72 */
} gg_case_settings_t;
int gg_case_settings(gg_db_conn_t *c, gg_arena_t *a, gg_case_settings_t *s, gg_error_t *err);

/* The case with this number whose tracking secret is secret (for the public tracking page): one 404 for an
 * unknown number and a wrong secret alike (the hash compared in constant time). */
int gg_case_load_tracked(gg_db_conn_t *c, gg_arena_t *a, const char *number, const char *secret,
                         gg_case_t *out, gg_error_t *err);

/* 1 when the state is one of docs/cases.md's states. */
int gg_case_state_valid(const char *state);
/* 1 for a state whose case is still open (not closed, rated, rejected, merged). */
int gg_case_state_open(const char *state);
int gg_case_channel_valid(const char *channel);
/* The channel's Chinese name as the web app shows it (居民随手拍, 热线 …; the code itself when unknown): for
 * the printed and exported tables (reports, the case export). */
const char *gg_case_channel_zh(const char *channel);

#endif
