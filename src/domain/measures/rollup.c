/*
 * rollup.c — the daily case rollups, each case's contribution (case_fact) and the open-case gauge
 * (case_load): their upkeep in the case write's transaction, and their recomputation from the raw rows
 * (gridgov rollup-check [--fix]).  See rollup.h and docs/measures.md "Rollup model".
 *
 * One table drives both: COUNTERS says, for each rollup column, which fact of the case sets its bit and
 * which events can move it.  A case's contribution is computed from its rows by one statement (FACT_SQL)
 * and fact_of(); a change adds (new − old) to the rows of the case's unit and every ancestor, so the mapping
 * from an event to its deltas is the difference of the facts before and after it, never a second copy of
 * the workflow.
 */
#include "domain/measures/rollup.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

/* ---- the table ---- */

enum {
    C_REPORTED,
    C_REGISTERED,
    C_DISPATCHED,
    C_CLOSED,
    C_CLOSED_ON_TIME,
    C_OVERDUE,
    C_REWORKED,
    C_RETURNED,
    C_REOPENED,
    C_REJECTED,
    C_MERGED,
    C_RESPONDED,
    C_RESPONDED_ON_TIME,
    C_RESOLVED,
    C_RATED,
    C_SATISFIED,
    C_BASICALLY,
    C_UNSATISFIED,
    C_PATROL,
    C_SELF_HANDLED,
    C_HANDLED,
    NFLAGS,
    C_RESPONSE_MS = NFLAGS,
    C_HANDLING_MS,
    NCOUNTERS
};
/* the gauge's bits in case_fact.flags, after the counters' */
#define G_OPEN (1LL << 24)
#define G_OVERDUE (1LL << 25)
#define G_YELLOW (1LL << 26)

typedef struct {
    const char *column; /* case_rollup's */
    const char *fact;   /* when the bit is set (docs/measures.md repeats these) */
    const char *moved_by;
} counter_t;

static const counter_t COUNTERS[NCOUNTERS] = {
    [C_REPORTED] = {"reported", "always (the report)", "report"},
    [C_REGISTERED] = {"registered", "registered_at is set", "report (registered at once), register, reopen"},
    [C_DISPATCHED] = {"dispatched", "it has a task", "report (grid policy, 随手办), dispatch"},
    [C_CLOSED] = {"closed", "state closed or rated", "close, verify_pass, reopen (−1)"},
    [C_CLOSED_ON_TIME] = {"closed_on_time", "closed and not overdue", "close, verify_pass, mark_red, reopen"},
    [C_OVERDUE] = {"overdue", "marked red once, or closed after its handling deadline", "mark_red, close"},
    [C_REWORKED] = {"reworked", "closed and rework_count > 0", "verify_fail, then closing"},
    [C_RETURNED] = {"returned", "a return event", "return"},
    [C_REOPENED] = {"reopened", "reopen_count > 0", "reopen"},
    [C_REJECTED] = {"rejected", "state rejected", "reject"},
    [C_MERGED] = {"merged", "state merged", "merge"},
    [C_RESPONDED] = {"responded", "an accept, register, reject, close or merge event", "those"},
    [C_RESPONDED_ON_TIME] = {"responded_on_time", "the first of those by response_due_at", "those"},
    [C_RESOLVED] = {"resolved", "closed, never reopened, not rated unsatisfied", "verify_pass, rate, reopen"},
    [C_RATED] = {"rated", "a rating", "rate, reopen (a new rating replaces it)"},
    [C_SATISFIED] = {"satisfied", "rated satisfied", "rate"},
    [C_BASICALLY] = {"basically_satisfied", "rated basically_satisfied", "rate"},
    [C_UNSATISFIED] = {"unsatisfied", "rated unsatisfied", "rate"},
    [C_PATROL] = {"patrol", "channel patrol", "report"},
    [C_SELF_HANDLED] = {"self_handled", "a patrol closed at its report (随手办)", "report"},
    [C_HANDLED] = {"handled", "closed with registered_at (the average's denominator)", "close, verify_pass"},
    [C_RESPONSE_MS] = {"response_ms", "working ms from the report to the first response", "those"},
    [C_HANDLING_MS] = {"handling_ms", "working ms from registered_at to closed_at", "close, verify_pass"},
};

static const char *const CHANNELS[] = {"", "app", "hotline", "patrol", "walk_in", "open311", "video_alarm"};
#define NCHANNELS 7

static int channel_code(const char *s)
{
    for (int i = 1; i < NCHANNELS; i++)
        if (s && !strcmp(s, CHANNELS[i])) return i;
    return 0;
}

int gg_rollup_enabled(void)
{
    static int v = -1;
    if (v < 0) {
        const char *e = getenv("GRIDGOV_ROLLUPS");
        v = !(e && !strcmp(e, "off"));
    }
    return v;
}

/* ---- one case's contribution ---- */

typedef struct {
    int64_t case_id, unit_id, category_id;
    int channel;
    int64_t day; /* days since 1970-01-01, local */
    int64_t flags, response_ms, handling_ms;
    const char *unit_path;
    int has; /* 0: no contribution (no case_fact row yet) */
} fact_t;

#define FACT_COLS                                                                                            \
    "k.id, k.unit_id, k.unit_path, k.category_id, k.channel, k.created_at, k.state, k.registered_at, "       \
    "k.due_at, k.closed_at, k.rework_count, k.reopen_count, k.rating, k.response_due_at, "                   \
    "CASE WHEN EXISTS (SELECT 1 FROM case_task t WHERE t.case_id = k.id) THEN 1 ELSE 0 END, "                \
    "CASE WHEN EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = k.id AND e.action = 'return') "          \
    "THEN 1 ELSE 0 END, "                                                                                    \
    "CASE WHEN EXISTS (SELECT 1 FROM case_mark m WHERE m.case_id = k.id AND m.kind = 'red') THEN 1 ELSE 0 "  \
    "END, "                                                                                                  \
    "(SELECT min(e.at) FROM case_event e WHERE e.case_id = k.id AND e.action IN ('accept', 'register', "     \
    "'reject', 'close', 'merge')), "                                                                         \
    "CASE WHEN k.channel = 'patrol' AND EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = k.id AND "      \
    "e.action = 'verify_pass' AND e.at = k.created_at) THEN 1 ELSE 0 END, "                                  \
    "CASE WHEN EXISTS (SELECT 1 FROM case_mark m WHERE m.case_id = k.id AND m.kind = 'red' AND m.due_at = "  \
    "k.due_at) THEN 1 ELSE 0 END, "                                                                          \
    "CASE WHEN EXISTS (SELECT 1 FROM case_mark m WHERE m.case_id = k.id AND m.kind = 'yellow' AND "          \
    "m.due_at = k.due_at) THEN 1 ELSE 0 END"
#define FACT_NCOLS 21

static int64_t local_day(int64_t ms)
{
    int64_t t = ms + GG_CAL_UTC_OFFSET_MS;
    return (t >= 0 ? t : t - 86399999) / 86400000;
}

static void day_text(int64_t day, char out[11])
{
    int y, m, d;
    gg_cal_civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int64_t day_parse(const char *s)
{
    int y, m, d;
    if (!s || gg_cal_parse_date(s, &y, &m, &d) < 0) return 0;
    return gg_cal_days_from_civil(y, m, d);
}

/* The fact of the case in row r (FACT_COLS from column 0); cal NULL: working times 0 (*need_cal = 1). */
static void fact_of(gg_db_res_t *r, const gg_cal_snapshot_t *cal, fact_t *f, int *need_cal)
{
    memset(f, 0, sizeof *f);
    f->has = 1;
    f->case_id = gg_db_i64(r, 0);
    f->unit_id = gg_db_i64(r, 1);
    f->unit_path = gg_db_text(r, 2);
    f->category_id = gg_db_i64(r, 3);
    f->channel = channel_code(gg_db_text(r, 4));
    int64_t created = gg_db_i64(r, 5);
    f->day = local_day(created);
    const char *state = gg_db_text(r, 6);
    int64_t registered = gg_db_isnull(r, 7) ? 0 : gg_db_i64(r, 7);
    int64_t due = gg_db_isnull(r, 8) ? 0 : gg_db_i64(r, 8);
    int64_t closed_at = gg_db_isnull(r, 9) ? 0 : gg_db_i64(r, 9);
    int64_t rework = gg_db_i64(r, 10), reopen = gg_db_i64(r, 11);
    const char *rating = gg_db_text(r, 12);
    int64_t response_due = gg_db_isnull(r, 13) ? 0 : gg_db_i64(r, 13);
    int tasks = (int)gg_db_i64(r, 14), returned = (int)gg_db_i64(r, 15), red_ever = (int)gg_db_i64(r, 16);
    int64_t response_at = gg_db_isnull(r, 17) ? 0 : gg_db_i64(r, 17);
    int self = (int)gg_db_i64(r, 18), red_now = (int)gg_db_i64(r, 19), yellow_now = (int)gg_db_i64(r, 20);

    int closed = !strcmp(state, "closed") || !strcmp(state, "rated");
    int overdue = red_ever || (closed && due && closed_at > due);
    int open = !closed && strcmp(state, "rejected") && strcmp(state, "merged");
    int64_t fl = 0;
#define SET(c, v)                                                                                            \
    if (v) fl |= 1LL << (c)
    SET(C_REPORTED, 1);
    SET(C_REGISTERED, registered);
    SET(C_DISPATCHED, tasks);
    SET(C_CLOSED, closed);
    SET(C_CLOSED_ON_TIME, closed && !overdue);
    SET(C_OVERDUE, overdue);
    SET(C_REWORKED, closed && rework > 0);
    SET(C_RETURNED, returned);
    SET(C_REOPENED, reopen > 0);
    SET(C_REJECTED, !strcmp(state, "rejected"));
    SET(C_MERGED, !strcmp(state, "merged"));
    SET(C_RESPONDED, response_at);
    SET(C_RESPONDED_ON_TIME, response_at && (!response_due || response_at <= response_due));
    SET(C_RESOLVED, closed && reopen == 0 && !(rating && !strcmp(rating, "unsatisfied")));
    SET(C_RATED, rating);
    SET(C_SATISFIED, rating && !strcmp(rating, "satisfied"));
    SET(C_BASICALLY, rating && !strcmp(rating, "basically_satisfied"));
    SET(C_UNSATISFIED, rating && !strcmp(rating, "unsatisfied"));
    SET(C_PATROL, f->channel == 3);
    SET(C_SELF_HANDLED, self);
    SET(C_HANDLED, closed && registered && closed_at);
#undef SET
    int running = open && strcmp(state, "suspended");
    if (open) fl |= G_OPEN;
    if (running && red_now) fl |= G_OVERDUE;
    if (running && yellow_now && !red_now) fl |= G_YELLOW;
    f->flags = fl;
    if (!cal) {
        *need_cal = 1;
        return;
    }
    if (response_at) f->response_ms = gg_cal_working_ms(cal, created, response_at, NULL);
    if (fl & (1LL << C_HANDLED)) f->handling_ms = gg_cal_working_ms(cal, registered, closed_at, NULL);
}

static void counters_of(const fact_t *f, int64_t v[NCOUNTERS])
{
    for (int i = 0; i < NFLAGS; i++)
        v[i] = f->has && (f->flags >> i) & 1;
    v[C_RESPONSE_MS] = f->has ? f->response_ms : 0;
    v[C_HANDLING_MS] = f->has ? f->handling_ms : 0;
}

/* ---- which ancestors keep rows per category × channel ---- */

/* Units of level street and above keep the rows per category × channel; every level keeps the totals
 * (docs/measures.md: the grid and community rows per category would be about one row per case). */
#define LEVEL_CACHE 8192
static struct {
    int64_t id;
    int fine; /* 1 fine, 2 not fine */
} level_cache[LEVEL_CACHE];
static pthread_mutex_t level_mu = PTHREAD_MUTEX_INITIALIZER;

static int is_fine_level(const char *level)
{
    return level && strcmp(level, "community") && strcmp(level, "grid") && strcmp(level, "department");
}

static int unit_fine(gg_db_conn_t *c, int64_t id, int *fine, gg_error_t *err)
{
    unsigned h = (unsigned)((uint64_t)id * 2654435761u) % LEVEL_CACHE;
    pthread_mutex_lock(&level_mu);
    int v = level_cache[h].id == id ? level_cache[h].fine : 0;
    pthread_mutex_unlock(&level_mu);
    if (v) {
        *fine = v == 1;
        return 0;
    }
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT level FROM unit WHERE id = $1", GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    *fine = step == 1 && is_fine_level(gg_db_text(r, 0));
    gg_db_res_free(r);
    if (step < 0) return -1;
    pthread_mutex_lock(&level_mu);
    level_cache[h].id = id;
    level_cache[h].fine = *fine ? 1 : 2;
    pthread_mutex_unlock(&level_mu);
    return 0;
}

/* The ids in a path '/1/7/9/' (at most max). */
static int path_ids(const char *path, int64_t *ids, int max)
{
    int n = 0;
    for (const char *p = path; p && *p && n < max;) {
        if (*p == '/') {
            p++;
            continue;
        }
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p) break;
        ids[n++] = v;
        p = end;
    }
    return n;
}

/* ---- the upkeep ---- */

#define MAX_DEPTH 16

static int apply(gg_op_t *op, const fact_t *f, int sign, int64_t *rows_out, gg_error_t *err);

/* The upserts' texts by number of rows, built once per process: a case write then hashes a cached text
 * instead of printing ~350 placeholders, and the same text finds the same prepared statement. */
static pthread_mutex_t sql_mu = PTHREAD_MUTEX_INITIALIZER;
static char *rows_sql[2 * MAX_DEPTH + 1], *load_sql[MAX_DEPTH + 1];

static const char *rows_text(int nrows)
{
    pthread_mutex_lock(&sql_mu);
    if (!rows_sql[nrows]) {
        gg_buf_t sql = {0};
        gg_buf_puts(&sql, "INSERT INTO case_rollup (unit_id, category_id, channel, day");
        for (int i = 0; i < NCOUNTERS; i++)
            gg_buf_printf(&sql, ", %s", COUNTERS[i].column);
        gg_buf_puts(&sql, ") VALUES ");
        int per = 4 + NCOUNTERS, k = 1;
        for (int r = 0; r < nrows; r++) {
            gg_buf_puts(&sql, r ? ", (" : "(");
            for (int i = 0; i < per; i++)
                gg_buf_printf(&sql, i ? ", $%d" : "$%d", k++);
            gg_buf_puts(&sql, ")");
        }
        gg_buf_puts(&sql, " ON CONFLICT (unit_id, category_id, channel, day) DO UPDATE SET ");
        for (int i = 0; i < NCOUNTERS; i++)
            gg_buf_printf(&sql, "%s%s = case_rollup.%s + excluded.%s", i ? ", " : "", COUNTERS[i].column,
                          COUNTERS[i].column, COUNTERS[i].column);
        rows_sql[nrows] = gg_buf_steal(&sql, NULL); /* kept for the process */
    }
    const char *t = rows_sql[nrows];
    pthread_mutex_unlock(&sql_mu);
    return t;
}

static const char *load_text(int n)
{
    pthread_mutex_lock(&sql_mu);
    if (!load_sql[n]) {
        gg_buf_t sql = {0};
        gg_buf_puts(&sql, "INSERT INTO case_load (unit_id, open, overdue, yellow) VALUES ");
        for (int r = 0; r < n; r++)
            gg_buf_printf(&sql, "%s($%d, $%d, $%d, $%d)", r ? ", " : "", 4 * r + 1, 4 * r + 2, 4 * r + 3,
                          4 * r + 4);
        gg_buf_puts(
            &sql,
            " ON CONFLICT (unit_id) DO UPDATE SET open = case_load.open + excluded.open, "
            "overdue = case_load.overdue + excluded.overdue, yellow = case_load.yellow + excluded.yellow");
        load_sql[n] = gg_buf_steal(&sql, NULL);
    }
    const char *t = load_sql[n];
    pthread_mutex_unlock(&sql_mu);
    return t;
}

static int upsert_rows(gg_op_t *op, const int64_t *units, const int64_t *cats, const int *chans, int nrows,
                       int64_t day, const int64_t v[NCOUNTERS], gg_error_t *err)
{
    if (nrows <= 0) return 0;
    int per = 4 + NCOUNTERS;
    gg_db_arg_t *args = gg_alloc(op->arena, sizeof(gg_db_arg_t) * (size_t)(per * nrows));
    char *dtext = gg_alloc(op->arena, 11);
    day_text(day, dtext);
    for (int r = 0; r < nrows; r++) {
        gg_db_arg_t *a = args + r * per;
        a[0] = GG_I64(units[r]);
        a[1] = GG_I64(cats[r]);
        a[2] = GG_TEXT(CHANNELS[chans[r]]);
        a[3] = GG_TEXT(dtext);
        for (int i = 0; i < NCOUNTERS; i++)
            a[4 + i] = GG_I64(v[i]);
    }
    return gg_db_exec(op->c, rows_text(nrows), args, per * nrows, NULL, err);
}

static int upsert_load(gg_op_t *op, const int64_t *units, int n, int64_t open, int64_t overdue,
                       int64_t yellow, gg_error_t *err)
{
    if (n <= 0) return 0;
    gg_db_arg_t *args = gg_alloc(op->arena, sizeof(gg_db_arg_t) * (size_t)(4 * n));
    for (int r = 0; r < n; r++) {
        args[4 * r] = GG_I64(units[r]);
        args[4 * r + 1] = GG_I64(open);
        args[4 * r + 2] = GG_I64(overdue);
        args[4 * r + 3] = GG_I64(yellow);
    }
    return gg_db_exec(op->c, load_text(n), args, 4 * n, NULL, err);
}

/* The rows (unit, category, channel) a fact is counted in: per ancestor the total, and for ancestors of
 * level street and above also the row of its category × channel. */
static int fact_rows(gg_op_t *op, const fact_t *f, int64_t *units, int64_t *cats, int *chans, int *n,
                     int64_t *anc, int *nanc, gg_error_t *err)
{
    *nanc = path_ids(f->unit_path, anc, MAX_DEPTH);
    *n = 0;
    for (int i = 0; i < *nanc; i++) {
        units[*n] = anc[i], cats[*n] = 0, chans[*n] = 0, (*n)++;
        int fine;
        if (unit_fine(op->c, anc[i], &fine, err) < 0) return -1;
        if (fine) units[*n] = anc[i], cats[*n] = f->category_id, chans[*n] = f->channel, (*n)++;
    }
    return 0;
}

/* Add sign × f's counters (and, sign × its gauge) to its rows. */
static int apply(gg_op_t *op, const fact_t *f, int sign, int64_t *rows_out, gg_error_t *err)
{
    int64_t units[2 * MAX_DEPTH], cats[2 * MAX_DEPTH], anc[MAX_DEPTH];
    int chans[2 * MAX_DEPTH], n, nanc;
    if (fact_rows(op, f, units, cats, chans, &n, anc, &nanc, err) < 0) return -1;
    int64_t v[NCOUNTERS];
    counters_of(f, v);
    for (int i = 0; i < NCOUNTERS; i++)
        v[i] *= sign;
    if (rows_out) *rows_out += n;
    return upsert_rows(op, units, cats, chans, n, f->day, v, err);
}

static int write_fact(gg_op_t *op, const fact_t *f, gg_error_t *err)
{
    char day[11];
    day_text(f->day, day);
    return gg_db_exec(op->c,
                      "INSERT INTO case_fact (case_id, unit_id, unit_path, category_id, channel, day, flags, "
                      "response_ms, handling_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT "
                      "(case_id) DO UPDATE SET unit_id = excluded.unit_id, unit_path = excluded.unit_path, "
                      "category_id = excluded.category_id, channel = excluded.channel, day = excluded.day, "
                      "flags = excluded.flags, response_ms = excluded.response_ms, "
                      "handling_ms = excluded.handling_ms",
                      GG_ARGS(GG_I64(f->case_id), GG_I64(f->unit_id), GG_TEXT(f->unit_path),
                              GG_I64(f->category_id), GG_TEXT(CHANNELS[f->channel]), GG_TEXT(day),
                              GG_I64(f->flags), GG_I64(f->response_ms), GG_I64(f->handling_ms)),
                      NULL, err);
}

static int64_t gauge(int64_t flags, int64_t bit)
{
    return flags & bit ? 1 : 0;
}

int gg_rollup_case_changed(gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t case_id, gg_error_t *err)
{
    if (!gg_rollup_enabled()) return 0;
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT " FACT_COLS
                    ", f.case_id, f.unit_id, f.unit_path, f.category_id, f.channel, f.day, "
                    "f.flags, f.response_ms, f.handling_ms FROM case_item k LEFT JOIN case_fact f ON "
                    "f.case_id = k.id WHERE k.id = $1",
                    GG_ARGS(GG_I64(case_id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step <= 0) {
        gg_db_res_free(r);
        return step < 0 ? -1 : gg_err_internal(err, "case %lld is not stored", (long long)case_id);
    }
    fact_t now, old;
    int need_cal = 0;
    fact_of(r, cal, &now, &need_cal);
    now.unit_path = gg_strdup(op->arena, now.unit_path);
    memset(&old, 0, sizeof old);
    int b = FACT_NCOLS;
    if (!gg_db_isnull(r, b)) {
        old.has = 1;
        old.case_id = gg_db_i64(r, b);
        old.unit_id = gg_db_i64(r, b + 1);
        old.unit_path = gg_strdup(op->arena, gg_db_text(r, b + 2));
        old.category_id = gg_db_i64(r, b + 3);
        old.channel = channel_code(gg_db_text(r, b + 4));
        old.day = day_parse(gg_db_text(r, b + 5));
        old.flags = gg_db_i64(r, b + 6);
        old.response_ms = gg_db_i64(r, b + 7);
        old.handling_ms = gg_db_i64(r, b + 8);
    }
    gg_db_res_free(r);
    if (need_cal && old.has) { /* no calendar (the scheduler's marks): the working times did not move */
        now.response_ms = old.response_ms;
        now.handling_ms = old.handling_ms;
    }
    int same_key = old.has && old.unit_id == now.unit_id && !strcmp(old.unit_path, now.unit_path) &&
                   old.category_id == now.category_id && old.channel == now.channel && old.day == now.day;
    if (same_key && old.flags == now.flags && old.response_ms == now.response_ms &&
        old.handling_ms == now.handling_ms)
        return 0;
    if (same_key) { /* one upsert of the difference */
        int64_t units[2 * MAX_DEPTH], cats[2 * MAX_DEPTH], anc[MAX_DEPTH];
        int chans[2 * MAX_DEPTH], n, nanc;
        if (fact_rows(op, &now, units, cats, chans, &n, anc, &nanc, err) < 0) return -1;
        int64_t a[NCOUNTERS], o[NCOUNTERS];
        counters_of(&now, a);
        counters_of(&old, o);
        int any = 0;
        for (int i = 0; i < NCOUNTERS; i++)
            any |= (a[i] -= o[i]) != 0;
        if (any && upsert_rows(op, units, cats, chans, n, now.day, a, err) < 0) return -1;
        int64_t dopen = gauge(now.flags, G_OPEN) - gauge(old.flags, G_OPEN),
                dover = gauge(now.flags, G_OVERDUE) - gauge(old.flags, G_OVERDUE),
                dyel = gauge(now.flags, G_YELLOW) - gauge(old.flags, G_YELLOW);
        if ((dopen || dover || dyel) && upsert_load(op, anc, nanc, dopen, dover, dyel, err) < 0) return -1;
    } else {
        if (old.has) {
            int64_t anc[MAX_DEPTH];
            int nanc = path_ids(old.unit_path, anc, MAX_DEPTH);
            if (apply(op, &old, -1, NULL, err) < 0) return -1;
            if ((old.flags & (G_OPEN | G_OVERDUE | G_YELLOW)) &&
                upsert_load(op, anc, nanc, -gauge(old.flags, G_OPEN), -gauge(old.flags, G_OVERDUE),
                            -gauge(old.flags, G_YELLOW), err) < 0)
                return -1;
        }
        int64_t anc[MAX_DEPTH];
        int nanc = path_ids(now.unit_path, anc, MAX_DEPTH);
        if (apply(op, &now, 1, NULL, err) < 0) return -1;
        if ((now.flags & (G_OPEN | G_OVERDUE | G_YELLOW)) &&
            upsert_load(op, anc, nanc, gauge(now.flags, G_OPEN), gauge(now.flags, G_OVERDUE),
                        gauge(now.flags, G_YELLOW), err) < 0)
            return -1;
    }
    return write_fact(op, &now, err);
}

/* ---- recomputation ---- */

typedef struct {
    int64_t unit_id, category_id, day;
    int channel, used;
    int seen;
    int64_t v[NCOUNTERS];
} agg_t;

typedef struct {
    agg_t *slots;
    size_t cap, n;
} aggmap_t;

static uint64_t agg_hash(int64_t u, int64_t c, int ch, int64_t d)
{
    uint64_t h = (uint64_t)u * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)c * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
    h ^= (uint64_t)ch * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
    h ^= (uint64_t)d * 0x27D4EB2F165667C5ull + (h << 6) + (h >> 2);
    return h ^ (h >> 31);
}

static agg_t *agg_get(aggmap_t *m, int64_t u, int64_t c, int ch, int64_t d)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 4096;
        agg_t *ns = calloc(ncap, sizeof(agg_t));
        if (!ns) return NULL;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].used) {
                agg_t *s = &m->slots[i];
                size_t j = agg_hash(s->unit_id, s->category_id, s->channel, s->day) & (ncap - 1);
                while (ns[j].used)
                    j = (j + 1) & (ncap - 1);
                ns[j] = *s;
            }
        free(m->slots);
        m->slots = ns;
        m->cap = ncap;
    }
    size_t j = agg_hash(u, c, ch, d) & (m->cap - 1);
    while (m->slots[j].used) {
        agg_t *s = &m->slots[j];
        if (s->unit_id == u && s->category_id == c && s->channel == ch && s->day == d) return s;
        j = (j + 1) & (m->cap - 1);
    }
    agg_t *s = &m->slots[j];
    memset(s, 0, sizeof *s);
    s->used = 1, s->unit_id = u, s->category_id = c, s->channel = ch, s->day = d;
    m->n++;
    return s;
}

typedef struct {
    int64_t case_id, unit_id, category_id, day, flags, response_ms, handling_ms;
    int channel;
    const char *path; /* interned */
} stored_fact_t;

typedef struct {
    gg_db_t *db;
    const gg_cal_snapshot_t *cal;
    FILE *out;
    int fix;
    aggmap_t rows, load;
    stored_fact_t *facts;
    size_t nfacts, capfacts;
    char **paths;
    int npaths, cappaths;
    int64_t differences, cases;
} check_t;

static const char *intern(check_t *x, const char *p)
{
    for (int i = x->npaths - 1; i >= 0 && i >= x->npaths - 64; i--)
        if (!strcmp(x->paths[i], p)) return x->paths[i];
    for (int i = 0; i < x->npaths; i++)
        if (!strcmp(x->paths[i], p)) return x->paths[i];
    if (x->npaths == x->cappaths) {
        x->cappaths = x->cappaths ? x->cappaths * 2 : 256;
        x->paths = realloc(x->paths, sizeof(char *) * (size_t)x->cappaths);
    }
    x->paths[x->npaths] = strdup(p);
    return x->paths[x->npaths++];
}

static int add_fact(check_t *x, gg_op_t *op, const fact_t *f, gg_error_t *err)
{
    int64_t units[2 * MAX_DEPTH], cats[2 * MAX_DEPTH], anc[MAX_DEPTH];
    int chans[2 * MAX_DEPTH], n, nanc;
    if (fact_rows(op, f, units, cats, chans, &n, anc, &nanc, err) < 0) return -1;
    int64_t v[NCOUNTERS];
    counters_of(f, v);
    for (int r = 0; r < n; r++) {
        agg_t *s = agg_get(&x->rows, units[r], cats[r], chans[r], f->day);
        if (!s) return gg_err_internal(err, "out of memory");
        for (int i = 0; i < NCOUNTERS; i++)
            s->v[i] += v[i];
    }
    for (int r = 0; r < nanc; r++) {
        agg_t *s = agg_get(&x->load, anc[r], 0, 0, 0);
        if (!s) return gg_err_internal(err, "out of memory");
        s->v[0] += gauge(f->flags, G_OPEN);
        s->v[1] += gauge(f->flags, G_OVERDUE);
        s->v[2] += gauge(f->flags, G_YELLOW);
    }
    if (x->fix) {
        if (x->nfacts == x->capfacts) {
            x->capfacts = x->capfacts ? x->capfacts * 2 : 65536;
            stored_fact_t *nf = realloc(x->facts, sizeof(stored_fact_t) * x->capfacts);
            if (!nf) return gg_err_internal(err, "out of memory");
            x->facts = nf;
        }
        x->facts[x->nfacts++] = (stored_fact_t){.case_id = f->case_id,
                                                .unit_id = f->unit_id,
                                                .category_id = f->category_id,
                                                .day = f->day,
                                                .flags = f->flags,
                                                .response_ms = f->response_ms,
                                                .handling_ms = f->handling_ms,
                                                .channel = f->channel,
                                                .path = intern(x, f->unit_path)};
    }
    return 0;
}

static void say(check_t *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(check_t *x, const char *fmt, ...)
{
    x->differences++;
    if (!x->out || x->differences > 200) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(x->out, fmt, ap);
    va_end(ap);
    fputc('\n', x->out);
}

static int recompute(check_t *x, gg_db_conn_t *c, gg_arena_t *a, gg_error_t *err)
{
    gg_op_t op = {.c = c, .arena = a};
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT " FACT_COLS " FROM case_item k", GG_NOARGS, &r, err) < 0) return -1;
    int step, need_cal = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        fact_t f;
        fact_of(r, x->cal, &f, &need_cal);
        x->cases++;
        if (add_fact(x, &op, &f, err) < 0) {
            gg_db_res_free(r);
            return -1;
        }
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static int compare(check_t *x, gg_db_conn_t *c, gg_error_t *err)
{
    gg_buf_t sql = {0};
    gg_buf_puts(&sql, "SELECT unit_id, category_id, channel, day");
    for (int i = 0; i < NCOUNTERS; i++)
        gg_buf_printf(&sql, ", %s", COUNTERS[i].column);
    gg_buf_puts(&sql, " FROM case_rollup");
    gg_db_res_t *r;
    int rc = gg_db_query(c, sql.data, GG_NOARGS, &r, err);
    gg_buf_free(&sql);
    if (rc < 0) return -1;
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        int64_t u = gg_db_i64(r, 0), cat = gg_db_i64(r, 1);
        int ch = channel_code(gg_db_text(r, 2));
        int64_t d = day_parse(gg_db_text(r, 3));
        int64_t v[NCOUNTERS], any = 0;
        for (int i = 0; i < NCOUNTERS; i++)
            any |= v[i] = gg_db_i64(r, 4 + i);
        agg_t *s = agg_get(&x->rows, u, cat, ch, d);
        if (!s) {
            gg_db_res_free(r);
            return gg_err_internal(err, "out of memory");
        }
        s->seen = 1;
        for (int i = 0; i < NCOUNTERS; i++)
            if (s->v[i] != v[i])
                say(x, "rollup unit %lld category %lld channel '%s' day %s: %s stored %lld, recomputed %lld",
                    (long long)u, (long long)cat, CHANNELS[ch], gg_db_text(r, 3), COUNTERS[i].column,
                    (long long)v[i], (long long)s->v[i]);
        (void)any;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    for (size_t i = 0; i < x->rows.cap; i++) {
        agg_t *s = &x->rows.slots[i];
        if (!s->used || s->seen) continue;
        for (int k = 0; k < NCOUNTERS; k++)
            if (s->v[k]) {
                char day[11];
                day_text(s->day, day);
                say(x, "rollup unit %lld category %lld channel '%s' day %s: missing (%s recomputed %lld)",
                    (long long)s->unit_id, (long long)s->category_id, CHANNELS[s->channel], day,
                    COUNTERS[k].column, (long long)s->v[k]);
                break;
            }
    }
    if (gg_db_query(c, "SELECT unit_id, open, overdue, yellow FROM case_load", GG_NOARGS, &r, err) < 0)
        return -1;
    static const char *const gnames[] = {"open", "overdue", "yellow"};
    while ((step = gg_db_next(r, err)) == 1) {
        int64_t u = gg_db_i64(r, 0);
        agg_t *s = agg_get(&x->load, u, 0, 0, 0);
        if (!s) {
            gg_db_res_free(r);
            return gg_err_internal(err, "out of memory");
        }
        s->seen = 1;
        for (int i = 0; i < 3; i++)
            if (s->v[i] != gg_db_i64(r, 1 + i))
                say(x, "case_load unit %lld: %s stored %lld, recomputed %lld", (long long)u, gnames[i],
                    (long long)gg_db_i64(r, 1 + i), (long long)s->v[i]);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    for (size_t i = 0; i < x->load.cap; i++) {
        agg_t *s = &x->load.slots[i];
        if (s->used && !s->seen && (s->v[0] || s->v[1] || s->v[2]))
            say(x, "case_load unit %lld: missing (open %lld, overdue %lld, yellow %lld)",
                (long long)s->unit_id, (long long)s->v[0], (long long)s->v[1], (long long)s->v[2]);
    }
    return 0;
}

/* Rewrite the three tables from the recomputation (in fix_tx's transaction). */
static int rewrite(gg_db_conn_t *c, check_t *x, gg_error_t *err)
{
    if (gg_db_exec(c, "DELETE FROM case_rollup", GG_NOARGS, NULL, err) < 0 ||
        gg_db_exec(c, "DELETE FROM case_fact", GG_NOARGS, NULL, err) < 0 ||
        gg_db_exec(c, "DELETE FROM case_load", GG_NOARGS, NULL, err) < 0)
        return -1;
    gg_buf_t sql = {0};
    gg_buf_puts(&sql, "INSERT INTO case_rollup (unit_id, category_id, channel, day");
    for (int i = 0; i < NCOUNTERS; i++)
        gg_buf_printf(&sql, ", %s", COUNTERS[i].column);
    gg_buf_puts(&sql, ") VALUES ($1, $2, $3, $4");
    for (int i = 0; i < NCOUNTERS; i++)
        gg_buf_printf(&sql, ", $%d", 5 + i);
    gg_buf_puts(&sql, ")");
    char *ins = strdup(sql.data);
    gg_buf_free(&sql);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < x->rows.cap; i++) {
        agg_t *s = &x->rows.slots[i];
        if (!s->used) continue;
        int any = 0;
        for (int k = 0; k < NCOUNTERS; k++)
            any |= s->v[k] != 0;
        if (!any) continue;
        char day[11];
        day_text(s->day, day);
        gg_db_arg_t args[4 + NCOUNTERS];
        args[0] = GG_I64(s->unit_id);
        args[1] = GG_I64(s->category_id);
        args[2] = GG_TEXT(CHANNELS[s->channel]);
        args[3] = GG_TEXT(day);
        for (int k = 0; k < NCOUNTERS; k++)
            args[4 + k] = GG_I64(s->v[k]);
        rc = gg_db_exec(c, ins, args, 4 + NCOUNTERS, NULL, err);
    }
    free(ins);
    for (size_t i = 0; rc == 0 && i < x->load.cap; i++) {
        agg_t *s = &x->load.slots[i];
        if (!s->used || !(s->v[0] || s->v[1] || s->v[2])) continue;
        rc = gg_db_exec(c, "INSERT INTO case_load (unit_id, open, overdue, yellow) VALUES ($1, $2, $3, $4)",
                        GG_ARGS(GG_I64(s->unit_id), GG_I64(s->v[0]), GG_I64(s->v[1]), GG_I64(s->v[2])), NULL,
                        err);
    }
    for (size_t i = 0; rc == 0 && i < x->nfacts; i++) {
        stored_fact_t *f = &x->facts[i];
        char day[11];
        day_text(f->day, day);
        rc = gg_db_exec(
            c,
            "INSERT INTO case_fact (case_id, unit_id, unit_path, category_id, channel, day, flags, "
            "response_ms, handling_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            GG_ARGS(GG_I64(f->case_id), GG_I64(f->unit_id), GG_TEXT(f->path), GG_I64(f->category_id),
                    GG_TEXT(CHANNELS[f->channel]), GG_TEXT(day), GG_I64(f->flags), GG_I64(f->response_ms),
                    GG_I64(f->handling_ms)),
            NULL, err);
    }
    if (rc == 0)
        rc = gg_db_exec(c, "UPDATE app_setting SET value = '1', updated_at = $1 WHERE key = 'rollups_built'",
                        GG_ARGS(GG_I64(gg_now_ms())), NULL, err);
    return rc;
}

/* Forget a recomputation: a retried transaction starts it again. */
static void check_clear(check_t *x)
{
    free(x->rows.slots);
    free(x->load.slots);
    free(x->facts);
    for (int i = 0; i < x->npaths; i++)
        free(x->paths[i]);
    free(x->paths);
    x->rows = x->load = (aggmap_t){0};
    x->facts = NULL, x->nfacts = x->capfacts = 0;
    x->paths = NULL, x->npaths = x->cappaths = 0;
    x->differences = x->cases = 0;
}

typedef struct {
    check_t *x;
    gg_arena_t *a;
} fix_t;

/* --fix: recompute and rewrite in one transaction.  On PostgreSQL the tables are locked against the case
 * writes' upkeep first (SHARE ROW EXCLUSIVE: reads go on, upserts wait for this commit), so a write either
 * committed before the recomputation reads the cases or adds its change on top of the rewritten rows — a
 * running server's scheduler marking cases while `gridgov demo` rebuilds can neither be lost nor collide
 * with the rewrite's inserts (it did: duplicate key in case_rollup_pkey).  SQLite has one writer anyway. */
static int fix_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    fix_t *f = ctx;
    check_clear(f->x);
    if (gg_db_kind(f->x->db) == GG_DB_POSTGRES &&
        gg_db_exec(c, "LOCK TABLE case_rollup, case_fact, case_load IN SHARE ROW EXCLUSIVE MODE", GG_NOARGS,
                   NULL, err) < 0)
        return -1;
    if (recompute(f->x, c, f->a, err) < 0 || compare(f->x, c, err) < 0) return -1;
    return rewrite(c, f->x, err);
}

int gg_rollup_check(gg_db_t *db, const gg_cal_snapshot_t *cal, int fix, FILE *out, int64_t *differences,
                    int64_t *cases, gg_error_t *err)
{
    check_t x = {.db = db, .cal = cal, .out = out, .fix = fix};
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    gg_arena_t *a = gg_arena_new(1 << 16);
    int rc = a ? 0 : gg_err_internal(err, "out of memory");
    fix_t f = {.x = &x, .a = a};
    if (rc == 0 && fix) {
        rc = gg_db_tx(c, fix_tx, &f, err);
    } else if (rc == 0) {
        rc = recompute(&x, c, a, err);
        if (rc == 0) rc = compare(&x, c, err);
    }
    gg_db_release(db, c);
    if (a) gg_arena_free(a);
    if (differences) *differences = x.differences;
    if (cases) *cases = x.cases;
    check_clear(&x);
    return rc;
}

int gg_rollup_build_if_needed(gg_db_t *db, const gg_cal_snapshot_t *cal, int *built, gg_error_t *err)
{
    *built = 0;
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    gg_db_res_t *r;
    int rc = gg_db_query(c, "SELECT value FROM app_setting WHERE key = 'rollups_built'", GG_NOARGS, &r, err);
    int need = 0;
    if (rc == 0) {
        int step = gg_db_next(r, err);
        need = step == 1 && !strcmp(gg_db_text(r, 0), "0");
        if (step < 0) rc = -1;
        gg_db_res_free(r);
    }
    gg_db_release(db, c);
    if (rc < 0 || !need) return rc;
    int64_t d, n;
    if (gg_rollup_check(db, cal, 1, NULL, &d, &n, err) < 0) return -1;
    *built = 1;
    return 0;
}
