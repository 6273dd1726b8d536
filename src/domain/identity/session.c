/* session.c — login with throttling, session lookup, logout (see session.h). */
#include "domain/identity/session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/identity/account.h"
#include "domain/identity/audit.h"
#include "domain/identity/session_cache.h"
#include "json/jw.h"

/* A hash to verify against when the user does not exist, so that answer costs
 * as much as a wrong password.  It must be made with the configured argon2
 * cost, not libsodium's default: verifying costs what the hash was made with,
 * and a cheaper or dearer stand-in lets the response time tell which user
 * names exist.  Built on first use and again only if the cost changes. */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[128];
static uint64_t dummy_ops;
static size_t dummy_mem;

static void dummy_for(const gg_security_t *sec, char out[128])
{
    gg_error_t e;
    pthread_mutex_lock(&dummy_lock);
    if (!dummy_hash[0] || dummy_ops != sec->argon2_ops || dummy_mem != sec->argon2_mem) {
        if (gg_password_hash("not a real password 0123", sec->argon2_ops, sec->argon2_mem, dummy_hash, &e) <
            0)
            dummy_hash[0] = 0;
        dummy_ops = sec->argon2_ops;
        dummy_mem = sec->argon2_mem;
    }
    memcpy(out, dummy_hash, sizeof dummy_hash);
    pthread_mutex_unlock(&dummy_lock);
}

static char *reason_json(gg_arena_t *a, const char *reason)
{
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "reason", reason);
    gg_jw_obj_end(&w);
    char *s = gg_strdup(a, b.data);
    gg_buf_free(&b);
    return s;
}

/* ---- throttling ----
 *
 * Three counters in login_throttle, each over the window (login_window_ms):
 *   ua:NAME/ADDR  wrong passwords for one account from one client address: at login_max_failures that
 *                 pair is locked for login_lockout_ms — the guesser is stopped, the owner elsewhere is not;
 *   u:NAME        wrong passwords for the account from anywhere: past login_max_failures each further one
 *                 makes the next attempt wait 1, 2, 4 … up to GG_LOGIN_MAX_DELAY_S seconds (its
 *                 locked_until is that "not before"), so guessing from many addresses is slowed to a crawl
 *                 while the owner still gets in within a minute;
 *   ip:ADDR       wrong passwords from one address for any name: at login_ip_max_failures the address is
 *                 locked (password spraying). */
#define GG_LOGIN_MAX_DELAY_S 64

/* The latest "not before" over the three keys; *slowed = 1 when it is the account's delay, not a lock. */
static int throttle_locked_until(gg_db_conn_t *c, const char *uakey, const char *ukey, const char *ipkey,
                                 int64_t *until, int *slowed, gg_error_t *err)
{
    gg_db_res_t *r;
    int step;
    *until = 0;
    *slowed = 0;
    if (gg_db_query(c, "SELECT key, locked_until FROM login_throttle WHERE key = $1 OR key = $2 OR key = $3",
                    GG_ARGS(GG_TEXT(uakey), GG_TEXT(ukey), GG_TEXT(ipkey)), &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1)
        if (gg_db_i64(r, 1) > *until) {
            *until = gg_db_i64(r, 1);
            *slowed = strcmp(gg_db_text(r, 0), ukey) == 0;
        }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* Count one failure for key within the window; returns the count (or -1). */
static int64_t throttle_count(gg_db_conn_t *c, const gg_security_t *sec, const char *key, int64_t now,
                              gg_error_t *err)
{
    gg_db_res_t *r;
    int64_t window_floor = now - sec->login_window_ms;
    if (gg_db_query(
            c,
            "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, 1, $2, 0) "
            "ON CONFLICT (key) DO UPDATE SET "
            "failures = CASE WHEN login_throttle.window_start > $3 THEN login_throttle.failures + 1 ELSE 1 "
            "END, "
            "window_start = CASE WHEN login_throttle.window_start > $3 THEN login_throttle.window_start ELSE "
            "$2 END "
            "RETURNING failures",
            GG_ARGS(GG_TEXT(key), GG_I64(now), GG_I64(window_floor)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    int64_t failures = step == 1 ? gg_db_i64(r, 0) : 0;
    gg_db_res_free(r);
    return step < 0 ? -1 : failures;
}

/* Count one failure for key; lock it when max is reached.  Runs inside the failure transaction. */
static int throttle_fail(gg_db_conn_t *c, const gg_security_t *sec, const char *key, int max, int64_t now,
                         int *locked, gg_error_t *err)
{
    int64_t failures = throttle_count(c, sec, key, now, err);
    if (failures < 0) return -1;
    if (failures >= max) {
        *locked = 1;
        /* counting starts afresh after the lockout */
        if (gg_db_exec(
                c,
                "UPDATE login_throttle SET locked_until = $1, failures = 0, window_start = $2 WHERE key = $3",
                GG_ARGS(GG_I64(now + sec->login_lockout_ms), GG_I64(now), GG_TEXT(key)), NULL, err) < 0)
            return -1;
    }
    return 0;
}

/* Count one failure for the account; past max, make the next attempt wait twice as long as the last. */
static int throttle_slow(gg_db_conn_t *c, const gg_security_t *sec, const char *key, int64_t now,
                         gg_error_t *err)
{
    int64_t failures = throttle_count(c, sec, key, now, err);
    if (failures < 0) return -1;
    if (failures <= sec->login_max_failures) return 0;
    int64_t over = failures - sec->login_max_failures - 1, delay_s = 1;
    while (over-- > 0 && delay_s < GG_LOGIN_MAX_DELAY_S)
        delay_s *= 2;
    if (delay_s > GG_LOGIN_MAX_DELAY_S) delay_s = GG_LOGIN_MAX_DELAY_S;
    return gg_db_exec(c, "UPDATE login_throttle SET locked_until = $1 WHERE key = $2",
                      GG_ARGS(GG_I64(now + delay_s * 1000), GG_TEXT(key)), NULL, err);
}

struct fail_ctx {
    const gg_security_t *sec;
    const char *uakey, *ukey, *ipkey;
    int64_t now;
    int locked;
    const gg_actor_t *actor;
    gg_audit_entry_t e;
};

static int fail_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct fail_ctx *x = ctx;
    x->locked = 0;
    if (throttle_fail(c, x->sec, x->uakey, x->sec->login_max_failures, x->now, &x->locked, err) < 0)
        return -1;
    if (throttle_slow(c, x->sec, x->ukey, x->now, err) < 0) return -1;
    int ip_locked = 0;
    if (throttle_fail(c, x->sec, x->ipkey, x->sec->login_ip_max_failures, x->now, &ip_locked, err) < 0)
        return -1;
    x->locked |= ip_locked;
    if (x->locked) x->e.detail_json = "{\"reason\":\"wrong password or unknown user\",\"locked\":true}";
    return gg_audit_append(c, x->actor, &x->e, err);
}

struct ok_ctx {
    const gg_security_t *sec;
    const gg_login_t *in;
    const char *uakey, *ukey;
    const char *token_hash;
    int64_t account_id, now, expires_at;
    const gg_actor_t *actor;
    gg_audit_entry_t e;
};

static int ok_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct ok_ctx *x = ctx;
    /* the owner is in: their account's count and their address's count start over (a lock of another
     * address, maybe a guesser's, stays) */
    if (gg_db_exec(c, "DELETE FROM login_throttle WHERE key = $1 OR key = $2",
                   GG_ARGS(GG_TEXT(x->ukey), GG_TEXT(x->uakey)), NULL, err) < 0)
        return -1;
    if (gg_db_exec(
            c,
            "INSERT INTO session (token_hash, account_id, via_cookie, created_at, last_seen_at, expires_at, "
            "client_ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
            GG_ARGS(GG_TEXT(x->token_hash), GG_I64(x->account_id), GG_I64(x->in->via_cookie ? 1 : 0),
                    GG_I64(x->now), GG_I64(x->expires_at), GG_TEXT(x->in->client_ip),
                    GG_TEXT(x->in->user_agent)),
            NULL, err) < 0)
        return -1;
    return gg_audit_append(c, x->actor, &x->e, err);
}

int gg_session_login(gg_db_t *db, gg_arena_t *a, const gg_security_t *sec, const gg_login_t *in,
                     gg_login_result_t *out, gg_error_t *err)
{
    gg_db_conn_t *c = NULL;
    int rc = -1;
    memset(out, 0, sizeof *out);
    char dummy[128];
    dummy_for(sec, dummy); /* before taking a connection: the first call hashes */
    const char *addr = in->client_ip ? in->client_ip : "unknown";
    const char *ukey = gg_sprintf(a, "u:%s", in->username);
    const char *uakey = gg_sprintf(a, "ua:%s/%s", in->username, addr);
    const char *ipkey = gg_sprintf(a, "ip:%s", addr);
    gg_actor_t actor = {.account_id = 0, .username = in->username, .client_ip = in->client_ip};
    if (gg_db_acquire(db, &c, err) < 0) return -1;

    int64_t now = gg_now_ms(), until;
    int slowed;
    if (throttle_locked_until(c, uakey, ukey, ipkey, &until, &slowed, err) < 0) goto out;
    if (until > now) {
        out->retry_after_s = (int)((until - now + 999) / 1000);
        gg_audit_entry_t e = {.action = "login.refused",
                              .object_type = "account",
                              .detail_json =
                                  reason_json(a, slowed ? "slowed after failed attempts on the account"
                                                        : "locked after too many failed attempts")};
        gg_error_t ignored;
        gg_audit_alone(c, &actor, &e, &ignored);
        gg_error_set(err, 429, "too_many_attempts", NULL, "too many failed logins; try again in %d seconds",
                     out->retry_after_s);
        goto out;
    }

    gg_account_t acc;
    int found;
    if (gg_account_by_username(c, a, NULL, in->username, &acc, &found, err) < 0) goto out;
    /* the password hash is checked whether or not the user exists: same work, same answer */
    int ok = gg_password_verify(found ? acc.password_hash : dummy, in->password) && found;
    if (!ok) {
        struct fail_ctx x = {.sec = sec,
                             .uakey = uakey,
                             .ukey = ukey,
                             .ipkey = ipkey,
                             .now = now,
                             .actor = &actor,
                             .e = {.action = "login.failed",
                                   .object_type = "account",
                                   .object_id = found ? gg_sprintf(a, "%lld", (long long)acc.id) : NULL,
                                   .unit_id = found ? acc.home_unit_id : 0,
                                   .detail_json = "{\"reason\":\"wrong password or unknown user\"}"}};
        if (found) actor.account_id = acc.id;
        if (gg_db_tx(c, fail_tx, &x, err) < 0) goto out;
        gg_error_set(err, 401, "invalid_credentials", NULL, "wrong user name or password");
        goto out;
    }
    actor.account_id = acc.id;
    if (strcmp(acc.status, "active") != 0) {
        gg_audit_entry_t e = {.action = "login.refused",
                              .object_type = "account",
                              .object_id = gg_sprintf(a, "%lld", (long long)acc.id),
                              .unit_id = acc.home_unit_id,
                              .detail_json = reason_json(a, "account disabled")};
        gg_error_t ignored;
        gg_audit_alone(c, &actor, &e, &ignored);
        gg_error_set(err, 403, "account_disabled", NULL, "this account is disabled; ask your administrator");
        goto out;
    }
    char hash[65];
    gg_random_token(out->token);
    gg_sha256_hex(out->token, strlen(out->token), hash);
    struct ok_ctx x = {
        .sec = sec,
        .in = in,
        .uakey = uakey,
        .ukey = ukey,
        .token_hash = hash,
        .account_id = acc.id,
        .now = now,
        .expires_at = now + sec->session_absolute_ms,
        .actor = &actor,
        .e = {.action = "login",
              .object_type = "account",
              .object_id = gg_sprintf(a, "%lld", (long long)acc.id),
              .unit_id = acc.home_unit_id,
              .detail_json = in->via_cookie ? "{\"client\":\"web\"}" : "{\"client\":\"api\"}"}};
    if (gg_db_tx(c, ok_tx, &x, err) < 0) goto out;
    out->account_id = acc.id;
    out->expires_at = x.expires_at;
    rc = 0;
out:
    if (c) gg_db_release(db, c);
    return rc;
}

static int grant_by_id(const void *x, const void *y)
{
    const gg_grant_t *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

int gg_session_authenticate(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const char *token,
                            const char *client_ip, gg_auth_t *auth, gg_error_t *err)
{
    gg_db_res_t *r;
    char hash[65];
    memset(auth, 0, sizeof *auth);
    size_t tl = strlen(token);
    if (tl < 20 || tl > 100) return gg_error_set(err, 401, "unauthenticated", NULL, "please log in");
    gg_sha256_hex(token, tl, hash);
    int64_t now = gg_now_ms();
    if (sec->session_cache_ms > 0 && gg_session_cache_get(hash, now, a, auth)) {
        auth->token_hash = gg_strdup(a, hash);
        auth->client_ip = client_ip;
        return 0;
    }
    uint64_t epoch = gg_session_cache_epoch(); /* before the read: see session_cache.h */
    /* one statement: the session, its account and every grant with its unit */
    if (gg_db_query(
            c,
            "SELECT a.id, a.username, a.display_name, a.must_change_password, s.via_cookie, s.last_seen_at, "
            "g.id, g.role, g.unit_id, u.path, u.code, u.name, s.expires_at "
            "FROM session s JOIN account a ON a.id = s.account_id "
            "LEFT JOIN role_grant g ON g.account_id = a.id LEFT JOIN unit u ON u.id = g.unit_id "
            "WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3 "
            "AND a.status = 'active'",
            GG_ARGS(GG_TEXT(hash), GG_I64(now), GG_I64(now - sec->session_idle_ms)), &r, err) < 0)
        return -1;
    int step, rows = 0, cap = 0;
    int64_t last_seen = 0, expires_at = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        if (rows++ == 0) {
            auth->account_id = gg_db_i64(r, 0);
            auth->username = gg_strdup(a, gg_db_text(r, 1));
            auth->display_name = gg_strdup(a, gg_db_text(r, 2));
            auth->must_change_password = (int)gg_db_i64(r, 3);
            auth->via_cookie = (int)gg_db_i64(r, 4);
            last_seen = gg_db_i64(r, 5);
            expires_at = gg_db_i64(r, 12);
        }
        if (gg_db_isnull(r, 6)) continue;
        if (auth->ngrants == cap) {
            cap = cap ? cap * 2 : 4;
            gg_grant_t *g = gg_alloc(a, sizeof(gg_grant_t) * (size_t)cap);
            if (auth->ngrants) memcpy(g, auth->grants, sizeof(gg_grant_t) * (size_t)auth->ngrants);
            auth->grants = g;
        }
        gg_grant_t *g = &auth->grants[auth->ngrants++];
        g->id = gg_db_i64(r, 6);
        g->role = gg_strdup(a, gg_db_text(r, 7));
        const gg_role_t *role = gg_role_find(g->role);
        g->perms = role ? role->perms : 0;
        g->unit_id = gg_db_i64(r, 8);
        g->unit_path = gg_strdup(a, gg_db_text(r, 9));
        g->unit_code = gg_strdup(a, gg_db_text(r, 10));
        g->unit_name = gg_strdup(a, gg_db_text(r, 11));
        auth->perms_any |= g->perms;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (rows == 0)
        return gg_error_set(err, 401, "unauthenticated", NULL, "your session has ended; please log in again");
    /* grants in the order they were made; sorted here rather than by ORDER BY, which made
     * SQLite open a sorter (an allocation under a shared lock) on every request */
    if (auth->ngrants > 1) qsort(auth->grants, (size_t)auth->ngrants, sizeof *auth->grants, grant_by_id);
    auth->token_hash = gg_strdup(a, hash);
    auth->client_ip = client_ip;
    gg_csrf_token(sec->keys, token, auth->csrf);
    /* keep the idle clock honest without a write per request: touch at most once a minute */
    if (now - last_seen > 60000 && gg_db_exec(c, "UPDATE session SET last_seen_at = $1 WHERE token_hash = $2",
                                              GG_ARGS(GG_I64(now), GG_TEXT(hash)), NULL, err) == 0)
        last_seen = now;
    if (sec->session_cache_ms > 0) {
        int64_t until = now + sec->session_cache_ms;
        if (until > expires_at) until = expires_at;
        if (until > last_seen + sec->session_idle_ms) until = last_seen + sec->session_idle_ms;
        gg_session_cache_put(hash, auth, epoch, until);
    }
    return 0;
}

struct logout_ctx {
    const gg_auth_t *auth;
    gg_actor_t actor;
    gg_audit_entry_t e;
};

static int logout_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct logout_ctx *x = ctx;
    if (gg_db_exec(c, "UPDATE session SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
                   GG_ARGS(GG_I64(gg_now_ms()), GG_TEXT(x->auth->token_hash)), NULL, err) < 0)
        return -1;
    gg_session_cache_invalidate_on_commit(c);
    return gg_audit_append(c, &x->actor, &x->e, err);
}

int gg_session_logout(gg_db_t *db, gg_arena_t *a, const gg_auth_t *auth, gg_error_t *err)
{
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    struct logout_ctx x = {.auth = auth,
                           .actor = gg_actor_of(auth),
                           .e = {.action = "logout",
                                 .object_type = "account",
                                 .object_id = gg_sprintf(a, "%lld", (long long)auth->account_id)}};
    int rc = gg_db_tx(c, logout_tx, &x, err);
    gg_db_release(db, c);
    return rc;
}

int gg_session_purge(gg_db_conn_t *c, const gg_security_t *sec, int64_t now, gg_session_purged_t *out,
                     gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    /* the negation of gg_session_authenticate's test: expires_at is fixed at login, revoked_at is never
     * cleared and last_seen_at moves only on an accepted request, so these rows stay dead */
    if (gg_db_exec(
            c, "DELETE FROM session WHERE revoked_at IS NOT NULL OR expires_at <= $1 OR last_seen_at <= $2",
            GG_ARGS(GG_I64(now), GG_I64(now - sec->session_idle_ms)), &out->sessions, err) < 0)
        return -1;
    /* throttle_count starts a row afresh once its window has passed, and an ended lock delays nobody:
     * such a row answers as an absent one does */
    return gg_db_exec(c, "DELETE FROM login_throttle WHERE window_start <= $1 AND locked_until <= $2",
                      GG_ARGS(GG_I64(now - sec->login_window_ms), GG_I64(now)), &out->throttles, err);
}
