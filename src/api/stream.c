/*
 * stream.c — GET /api/v1/stream (Server-Sent Events) and the hub that feeds its subscribers (stream.h):
 * one polling thread per node, subscribers' buffers under the hub's lock, parked connections while idle.
 */
#include "api/stream.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/command/command.h"
#include "domain/live.h"
#include "domain/tree/unit.h"
#include "json/jw.h"

#define POLL_MS 250            /* without a listener (SQLite, or the PostgreSQL listener is down) */
#define POLL_LISTENING_MS 2000 /* with one: a safety net only */
#define HEARTBEAT_MS 20000
#define LOOKBACK 64            /* PostgreSQL: ids re-read for rows committed out of order */
#define SENT_RING 256          /* ids already sent, for the lookback */
#define MAX_WAITING (1u << 20) /* a subscriber that reads nothing gets a reset past this */
#define REPLAY_MAX 1000        /* Last-Event-ID further back than this: reset */
#define TOUCH_MAX 256
#define COUNTERS_MS 1000 /* at most one counters event a second per stream */

typedef struct sub {
    struct sub *prev, *next;
    gg_stream_t *st;
    const gg_auth_t *auth; /* in the request's arena, alive until done */
    int64_t account_id;
    const char *token_hash; /* the session it was opened with: checked at each heartbeat */
    int64_t floor;          /* events up to this id were replayed or are older than the stream */
    gg_buf_t out;
    size_t sent;
    int ending; /* reset sent: end once drained */
    /* ?counters_unit_id=: the command centre's counters of that unit (dashboard.read), sent again when a case
     * located in its subtree changes, at most every COUNTERS_MS */
    int64_t cunit;
    char cpath[256];
    int cdue;
    int64_t clast_ms;
} sub_t;

struct gg_live_hub {
    gg_db_t *db;
    int64_t session_idle_ms;
    int is_pg;
    pthread_t thread;
    pthread_t listen_thread;
    int listening;      /* the PostgreSQL listener is connected (hub polls slowly) */
    int listen_started; /* listen_thread runs */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stop, kicked, started;
    sub_t *subs;
    int nsubs;
    int64_t last;       /* highest outbox id handed out */
    int64_t last_notif; /* highest notification id looked at */
    int64_t sent_ring[SENT_RING];
    int sent_pos;
    int64_t touched[TOUCH_MAX];
    int ntouched;
    int cpending; /* some stream's counters are due: poll soon */
};

static gg_live_hub_t *the_hub; /* for the domain's waker: one hub per process */

static void kick(void)
{
    gg_live_hub_t *h = the_hub;
    if (!h) return;
    pthread_mutex_lock(&h->lock);
    h->kicked = 1;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

void gg_live_hub_touch(gg_live_hub_t *h, int64_t account_id)
{
    if (!h) return;
    pthread_mutex_lock(&h->lock);
    if (h->ntouched < TOUCH_MAX) h->touched[h->ntouched++] = account_id;
    h->kicked = 1;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

/* under h->lock */
static void push(gg_live_hub_t *h, sub_t *s, const char *text)
{
    (void)h;
    if (s->ending) return;
    if (s->out.len - s->sent > MAX_WAITING) {
        s->out.len = s->sent = 0;
        gg_buf_puts(&s->out, "event: reset\ndata: {\"reason\":\"slow_reader\"}\n\n");
        s->ending = 1;
    } else {
        gg_buf_puts(&s->out, text);
    }
    if (s->st) gg_stream_wake(s->st); /* NULL: the handler has not started the response yet */
}

static int was_sent(gg_live_hub_t *h, int64_t id)
{
    for (int i = 0; i < SENT_RING; i++)
        if (h->sent_ring[i] == id) return 1;
    return 0;
}

static void case_frame(gg_buf_t *b, const gg_live_row_t *r)
{
    gg_buf_printf(b, "id: %lld\nevent: case\ndata: %s\n\n", (long long)r->id, r->payload);
}

static void count_frame(gg_buf_t *b, int64_t n)
{
    gg_buf_printf(b, "event: notifications\ndata: {\"unread\":%lld}\n\n", (long long)n);
}

typedef struct {
    int64_t account, count;
} count_t;

/* the case's location path in an outbox scope ("u=/1/7/;o=…"), or NULL */
static const char *location_of(const char *scope)
{
    return scope && !strncmp(scope, "u=", 2) ? scope + 2 : NULL;
}

static void counters_frame(gg_buf_t *b, int64_t unit, const gg_command_counters_t *k)
{
    gg_buf_printf(b,
                  "event: counters\ndata: {\"unit_id\":%lld,\"open\":%lld,\"overdue\":%lld,\"yellow\":%lld,"
                  "\"reported_today\":%lld,\"closed_today\":%lld,\"on_time_month\":{\"numerator\":%lld,"
                  "\"denominator\":%lld}}\n\n",
                  (long long)unit, (long long)k->open, (long long)k->overdue, (long long)k->yellow,
                  (long long)k->reported_today, (long long)k->closed_today, (long long)k->on_time_closed,
                  (long long)k->on_time_total);
}

static int counters_of(gg_db_conn_t *c, int64_t unit, const char *path, gg_command_counters_t *k,
                       gg_error_t *err)
{
    gg_unit_t u = {0};
    u.id = unit;
    u.path = path;
    return gg_command_counters(c, &u, gg_now_ms(), k, err);
}

/* The streams whose counters are due and whose last counters are COUNTERS_MS old: one read per unit, then a
 * counters event to each (those still subscribed). */
static void counters_once(gg_live_hub_t *h)
{
    int64_t now = gg_mono_us() / 1000;
    pthread_mutex_lock(&h->lock);
    if (!h->cpending) {
        pthread_mutex_unlock(&h->lock);
        return;
    }
    int n = 0, still = 0;
    for (sub_t *s = h->subs; s; s = s->next)
        if (s->cdue) n++;
    sub_t **of = calloc((size_t)n + 1, sizeof *of);
    char(*paths)[256] = calloc((size_t)n + 1, sizeof *paths);
    int64_t *units = calloc((size_t)n + 1, sizeof *units);
    int k = 0;
    for (sub_t *s = h->subs; s && of && paths && units && k < n; s = s->next) {
        if (!s->cdue) continue;
        if (now - s->clast_ms < COUNTERS_MS) {
            still = 1;
            continue;
        }
        of[k] = s;
        units[k] = s->cunit;
        memcpy(paths[k], s->cpath, sizeof paths[k]);
        k++;
    }
    h->cpending = still || !of || !paths || !units;
    pthread_mutex_unlock(&h->lock);
    gg_command_counters_t *got = calloc((size_t)k + 1, sizeof *got);
    int *ok = calloc((size_t)k + 1, sizeof *ok);
    gg_db_conn_t *c = NULL;
    gg_error_t err;
    if (k && got && ok && gg_db_acquire(h->db, &c, &err) == 0) {
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i && !ok[i]; j++)
                if (ok[j] && units[j] == units[i]) {
                    got[i] = got[j];
                    ok[i] = 1;
                }
            if (!ok[i]) ok[i] = counters_of(c, units[i], paths[i], &got[i], &err) == 0;
            if (!ok[i]) gg_log_warn("live: counters: %s", err.message);
        }
        gg_db_release(h->db, c);
    } else if (k && got && ok) {
        gg_log_warn("live: counters: %s", err.message);
    }
    pthread_mutex_lock(&h->lock);
    gg_buf_t frame = {0};
    for (int i = 0; i < k; i++) {
        for (sub_t *s = h->subs; s; s = s->next) {
            if (s != of[i] || s->cunit != units[i]) continue;
            s->cdue = 0;
            s->clast_ms = now;
            if (!ok || !ok[i]) break;
            frame.len = 0;
            counters_frame(&frame, units[i], &got[i]);
            push(h, s, frame.data);
            break;
        }
    }
    pthread_mutex_unlock(&h->lock);
    gg_buf_free(&frame);
    free(of);
    free(paths);
    free(units);
    free(got);
    free(ok);
}

static void poll_once(gg_live_hub_t *h, int heartbeat)
{
    gg_error_t err;
    gg_db_conn_t *c;
    if (gg_db_acquire(h->db, &c, &err) < 0) {
        gg_log_warn("live: %s", err.message);
        return;
    }
    gg_arena_t *a = gg_arena_new(0);
    pthread_mutex_lock(&h->lock);
    int64_t after = h->last > LOOKBACK && h->is_pg ? h->last - LOOKBACK : h->is_pg ? 0 : h->last;
    int64_t nafter = h->last_notif;
    int nt = h->ntouched;
    int64_t touched[TOUCH_MAX];
    memcpy(touched, h->touched, sizeof touched[0] * (size_t)nt);
    h->ntouched = 0;
    pthread_mutex_unlock(&h->lock);

    gg_live_row_t *rows = NULL;
    int n = 0, na = 0;
    int64_t *accounts = NULL, nlast = nafter;
    if (gg_live_outbox_after(c, a, after, 500, &rows, &n, &err) < 0 ||
        gg_live_notified_after(c, a, nafter, &accounts, &na, &nlast, &err) < 0) {
        gg_log_warn("live: %s", err.message);
        n = na = 0;
        nlast = nafter;
    }
    count_t *counts = gg_alloc(a, sizeof *counts * (size_t)(na + nt + 1));
    int nc = 0;
    for (int i = 0; i < na + nt; i++) {
        int64_t acc = i < na ? accounts[i] : touched[i - na];
        int dup = 0;
        for (int j = 0; j < nc && !dup; j++)
            dup = counts[j].account == acc;
        if (dup) continue;
        int64_t k = 0;
        if (gg_notification_unread(c, acc, &k, &err) < 0) continue;
        counts[nc++] = (count_t){acc, k};
    }
    /* at each heartbeat: the streams whose session ended (logout, revocation, expiry) end too */
    int nh = 0, *alive = NULL;
    const char **hashes = NULL;
    sub_t **of = NULL;
    if (heartbeat) {
        pthread_mutex_lock(&h->lock);
        hashes = gg_alloc(a, sizeof *hashes * (size_t)(h->nsubs + 1));
        of = gg_alloc(a, sizeof *of * (size_t)(h->nsubs + 1));
        for (sub_t *s = h->subs; s && nh < h->nsubs; s = s->next) {
            hashes[nh] = s->token_hash ? gg_strdup(a, s->token_hash) : NULL;
            of[nh++] = s;
        }
        pthread_mutex_unlock(&h->lock);
        alive = gg_alloc(a, sizeof *alive * (size_t)(nh + 1));
        if (gg_live_sessions_alive(c, a, hashes, nh, gg_now_ms(), h->session_idle_ms, alive, &err) < 0) {
            gg_log_warn("live: %s", err.message);
            nh = 0; /* checked at the next heartbeat */
        }
    }
    gg_db_release(h->db, c);

    pthread_mutex_lock(&h->lock);
    /* a sub in of[] may have ended meanwhile: only those still listed are touched */
    for (int i = 0; i < nh; i++) {
        if (alive[i]) continue;
        for (sub_t *s = h->subs; s; s = s->next)
            /* the same address and session: not a new stream made where an ended one was */
            if (s == of[i] && !s->ending && s->token_hash && hashes[i] && !strcmp(s->token_hash, hashes[i])) {
                push(h, s, "event: reset\ndata: {\"reason\":\"session_ended\"}\n\n");
                s->ending = 1;
            }
    }
    gg_buf_t frame = {0};
    for (int i = 0; i < n; i++) {
        const gg_live_row_t *r = &rows[i];
        if (h->is_pg ? was_sent(h, r->id) : r->id <= h->last) continue;
        h->sent_ring[h->sent_pos] = r->id;
        h->sent_pos = (h->sent_pos + 1) % SENT_RING;
        if (r->id > h->last) h->last = r->id;
        frame.len = 0;
        case_frame(&frame, r);
        const char *loc = location_of(r->scope);
        for (sub_t *s = h->subs; s; s = s->next)
            if (r->id > s->floor && gg_live_visible(s->auth, r->scope)) {
                push(h, s, frame.data);
                if (s->cunit && loc && !strncmp(loc, s->cpath, strlen(s->cpath))) s->cdue = h->cpending = 1;
            }
    }
    h->last_notif = nlast;
    for (int i = 0; i < nc; i++) {
        frame.len = 0;
        count_frame(&frame, counts[i].count);
        for (sub_t *s = h->subs; s; s = s->next)
            if (s->account_id == counts[i].account) push(h, s, frame.data);
    }
    if (heartbeat)
        for (sub_t *s = h->subs; s; s = s->next)
            push(h, s, ": hb\n\n");
    if (n == 500) h->kicked = 1; /* a full page: read on at once */
    pthread_mutex_unlock(&h->lock);
    gg_buf_free(&frame);
    gg_arena_free(a);
}

static void *hub_main(void *arg)
{
    gg_live_hub_t *h = arg;
    int64_t next_hb = gg_mono_us() / 1000 + HEARTBEAT_MS;
    for (;;) {
        pthread_mutex_lock(&h->lock);
        if (!h->kicked && !h->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            long wait_ms = h->cpending ? POLL_MS : h->listening ? POLL_LISTENING_MS : POLL_MS;
            ts.tv_sec += wait_ms / 1000;
            ts.tv_nsec += (wait_ms % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&h->cond, &h->lock, &ts);
        }
        int stop = h->stop;
        h->kicked = 0;
        pthread_mutex_unlock(&h->lock);
        if (stop) break;
        int64_t now = gg_mono_us() / 1000;
        int hb = now >= next_hb;
        if (hb) next_hb = now + HEARTBEAT_MS;
        poll_once(h, hb);
        counters_once(h);
    }
    return NULL;
}

/* PostgreSQL: one connection per node LISTENs on gg_live; each NOTIFY (a case event committed on any node)
 * kicks the hub.  A lost connection is reopened after a pause, the hub polling fast meanwhile. */
static void *listen_main(void *arg)
{
    gg_live_hub_t *h = arg;
    gg_db_conn_t *l = NULL;
    int warned = 0;
    for (;;) {
        pthread_mutex_lock(&h->lock);
        int stop = h->stop;
        pthread_mutex_unlock(&h->lock);
        if (stop) break;
        gg_error_t err;
        if (!l) {
            if (gg_db_listener_open(h->db, "gg_live", &l, &err) < 0 || !l) {
                if (!warned) gg_log_warn("live: cannot listen for other nodes' events: %s", err.message);
                warned = 1;
                l = NULL;
                usleep(1000 * 1000);
                continue;
            }
            warned = 0;
            pthread_mutex_lock(&h->lock);
            h->listening = 1;
            h->kicked = 1; /* whatever came while not listening */
            pthread_cond_signal(&h->cond);
            pthread_mutex_unlock(&h->lock);
        }
        int r = gg_db_listener_wait(l, 500, &err);
        if (r > 0) {
            kick();
        } else if (r < 0) {
            gg_log_warn("live: lost the listener connection: %s", err.message);
            gg_db_listener_close(l);
            l = NULL;
            pthread_mutex_lock(&h->lock);
            h->listening = 0;
            pthread_mutex_unlock(&h->lock);
        }
    }
    gg_db_listener_close(l);
    return NULL;
}

gg_live_hub_t *gg_live_hub_start(gg_db_t *db, int64_t session_idle_ms, gg_error_t *err)
{
    gg_live_hub_t *h = gg_xcalloc(1, sizeof *h);
    h->db = db;
    h->session_idle_ms = session_idle_ms;
    h->is_pg = gg_db_kind(db) == GG_DB_POSTGRES;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) goto fail;
    int rc = gg_live_outbox_last(c, &h->last, err);
    if (rc == 0) rc = gg_live_notification_last(c, &h->last_notif, err);
    gg_db_release(db, c);
    if (rc < 0) goto fail;
    if (pthread_create(&h->thread, NULL, hub_main, h) != 0) {
        gg_err_internal(err, "cannot start the live stream's thread");
        goto fail;
    }
    h->started = 1;
    the_hub = h;
    gg_live_set_waker(kick);
    if (h->is_pg && pthread_create(&h->listen_thread, NULL, listen_main, h) == 0) h->listen_started = 1;
    return h;
fail:
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->lock);
    free(h);
    return NULL;
}

void gg_live_hub_stop(gg_live_hub_t *h)
{
    if (!h) return;
    gg_live_set_waker(NULL);
    pthread_mutex_lock(&h->lock);
    h->stop = 1;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->lock);
    if (h->started) pthread_join(h->thread, NULL);
    if (h->listen_started) pthread_join(h->listen_thread, NULL);
    the_hub = NULL;
    for (sub_t *s = h->subs; s;) { /* none after the server stopped; for safety */
        sub_t *next = s->next;
        gg_buf_free(&s->out);
        free(s);
        s = next;
    }
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* ---- the handler ---- */

typedef struct {
    gg_live_hub_t *hub;
    sub_t *sub;
} sctx_t;

static long stream_fill(void *ctx, char *buf, size_t cap)
{
    sctx_t *x = ctx;
    gg_live_hub_t *h = x->hub;
    sub_t *s = x->sub;
    long n = GG_STREAM_WAIT;
    pthread_mutex_lock(&h->lock);
    if (s->sent < s->out.len) {
        size_t k = s->out.len - s->sent < cap ? s->out.len - s->sent : cap;
        memcpy(buf, s->out.data + s->sent, k);
        s->sent += k;
        if (s->sent == s->out.len) s->out.len = s->sent = 0;
        n = (long)k;
    } else if (s->ending) {
        n = GG_STREAM_END;
    }
    pthread_mutex_unlock(&h->lock);
    return n;
}

static void stream_done(void *ctx, int completed)
{
    (void)completed;
    sctx_t *x = ctx;
    gg_live_hub_t *h = x->hub;
    sub_t *s = x->sub;
    pthread_mutex_lock(&h->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        h->subs = s->next;
    if (s->next) s->next->prev = s->prev;
    h->nsubs--;
    pthread_mutex_unlock(&h->lock);
    gg_buf_free(&s->out);
    free(s);
}

static void stream(gg_req_t *req)
{
    gg_live_hub_t *h = ((gg_app_t *)req->app)->live;
    if (!h) {
        gg_resp_error_simple(req, 503, "unavailable", "the live stream is not running on this node");
        return;
    }
    /* Last-Event-ID (a reconnecting EventSource sends it), or ?last_event_id= for a first connection */
    const char *lei = gg_req_header(req, "Last-Event-ID");
    if (!lei || !*lei) lei = gg_req_query(req, "last_event_id");
    int64_t from = -1;
    if (lei && *lei) {
        char *end;
        long long v = strtoll(lei, &end, 10);
        if (*end || v < 0) {
            gg_resp_error_simple(req, 400, "invalid", "Last-Event-ID is an event id");
            return;
        }
        from = v;
    }
    int64_t cunit = 0;
    if (gg_api_query_int(req, "counters_unit_id", 0, INT64_MAX, 0, &cunit) < 0) return;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_error_t err;
    /* the command centre's counters: dashboard.read over the unit, else the stream is a 404 */
    gg_unit_t cu = {0};
    if (cunit && gg_unit_get_scoped(c, req->arena, auth, GG_P_DASHBOARD_READ, cunit, &cu, &err) < 0) {
        gg_api_end(req, c);
        gg_api_error(req, &err);
        return;
    }
    if (cunit && strlen(cu.path) >= sizeof((sub_t *)0)->cpath) {
        gg_api_end(req, c);
        gg_resp_error_simple(req, 400, "invalid", "the unit's path is too long for counters");
        return;
    }
    sub_t *s = gg_xcalloc(1, sizeof *s);
    if (cunit) {
        s->cunit = cunit;
        memcpy(s->cpath, cu.path, strlen(cu.path) + 1);
    }
    s->auth = auth;
    s->account_id = auth->account_id;
    s->token_hash = auth->token_hash;
    /* registered first, so nothing the hub hands out from now is missed; what came before is replayed */
    pthread_mutex_lock(&h->lock);
    int64_t upto = h->last;
    s->floor = upto;
    s->next = h->subs;
    if (h->subs) h->subs->prev = s;
    h->subs = s;
    h->nsubs++;
    pthread_mutex_unlock(&h->lock);

    gg_buf_t head = {0};
    gg_buf_puts(&head, "retry: 3000\n\n");
    int rc = 0;
    if (from >= 0 && from < upto) {
        gg_arena_t *a = req->arena;
        gg_live_row_t *rows;
        int n;
        rc = gg_live_outbox_after(c, a, from, REPLAY_MAX + 1, &rows, &n, &err);
        if (rc == 0 && n > REPLAY_MAX) {
            gg_buf_puts(&head, "event: reset\ndata: {\"reason\":\"too_far_behind\"}\n\n");
        } else if (rc == 0) {
            for (int i = 0; i < n && rows[i].id <= upto; i++)
                if (gg_live_visible(auth, rows[i].scope)) case_frame(&head, &rows[i]);
        }
    }
    int64_t unread = 0, csent = 0;
    if (rc == 0) rc = gg_notification_unread(c, auth->account_id, &unread, &err);
    gg_command_counters_t counters;
    if (rc == 0 && cunit && (rc = counters_of(c, cunit, s->cpath, &counters, &err)) == 0) {
        counters_frame(&head, cunit, &counters);
        csent = gg_mono_us() / 1000;
    }
    gg_api_end(req, c);
    if (rc < 0) {
        pthread_mutex_lock(&h->lock);
        if (s->prev)
            s->prev->next = s->next;
        else
            h->subs = s->next;
        if (s->next) s->next->prev = s->prev;
        h->nsubs--;
        pthread_mutex_unlock(&h->lock);
        gg_buf_free(&head);
        gg_buf_free(&s->out); /* what the hub added meanwhile */
        free(s);
        gg_api_error(req, &err);
        return;
    }
    count_frame(&head, unread);
    /* nothing is sent before gg_resp_stream: the replay goes in front of what the hub added meanwhile */
    pthread_mutex_lock(&h->lock);
    if (csent) s->clast_ms = csent;
    gg_buf_puts(&head, s->out.data ? s->out.data : "");
    gg_buf_free(&s->out);
    s->out = head;
    s->sent = 0;
    pthread_mutex_unlock(&h->lock);

    sctx_t *x = gg_zalloc(req->arena, sizeof *x);
    x->hub = h;
    x->sub = s;
    req->status = 200;
    req->content_type = "text/event-stream; charset=utf-8";
    gg_resp_header(req, "Cache-Control", "no-cache");
    gg_resp_header(req, "X-Accel-Buffering", "no"); /* nginx: do not buffer the stream */
    pthread_mutex_lock(&h->lock);
    s->st = gg_resp_stream(req, stream_fill, stream_done, x);
    pthread_mutex_unlock(&h->lock);
}

static const gg_api_route_t routes[] = {
    {"GET", "/api/v1/stream", stream, NULL, 0},
};

int gg_api_stream_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
