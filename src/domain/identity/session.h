/*
 * session.h — logging in and out, and turning a session token into the
 * caller's gg_auth_t (DESIGN §6.1, §6.2).
 *
 * Tokens are 256-bit random values, handed to the client once and stored only
 * as SHA-256.  A session ends when idle too long, at its absolute expiry, at
 * logout, on a password change and when the account is disabled.  Sessions
 * live in the database, so any node can serve any user.
 *
 * Login throttling (session.c): wrong passwords lock the pair (account, client
 * address) after login_max_failures, and a client address after
 * login_ip_max_failures; for the account from other addresses they only add
 * an increasing delay (1 s doubling to 64 s), so a guesser cannot lock the
 * owner out.  While locked or delayed every attempt — right password or not —
 * gets 429 with the seconds to wait.
 * Unknown user and wrong password give the same 401, after the same work
 * (a password hash is verified either way).
 */
#ifndef GG_DOMAIN_SESSION_H
#define GG_DOMAIN_SESSION_H

#include "domain/domain.h"

typedef struct gg_login {
    const char *username, *password, *client_ip, *user_agent;
    int via_cookie;
} gg_login_t;

typedef struct gg_login_result {
    char token[44]; /* give to the client; never stored */
    int64_t account_id;
    int64_t expires_at;
    int retry_after_s; /* with a 429 error */
} gg_login_result_t;

int gg_session_login(gg_db_t *db, gg_arena_t *a, const gg_security_t *sec, const gg_login_t *in,
                     gg_login_result_t *out, gg_error_t *err);

/* Load the caller of token; 401 when the session is unknown, expired or revoked. */
int gg_session_authenticate(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const char *token,
                            const char *client_ip, gg_auth_t *auth, gg_error_t *err);

int gg_session_logout(gg_db_t *db, gg_arena_t *a, const gg_auth_t *auth, gg_error_t *err);

/* What gg_session_purge deleted. */
typedef struct gg_session_purged {
    int64_t sessions;  /* expired (absolute or idle, by sec) or revoked: never accepted again */
    int64_t throttles; /* login_throttle rows past their window and lock: the same as no row */
} gg_session_purged_t;

/* Delete the rows that can no longer change any answer, as of now (Unix ms): housekeeping, so not
 * audited (the login, logout and revocation that ended a session were).  Safe to run at any time and
 * on several nodes at once: each statement deletes only rows already dead, and a row a login touches
 * meanwhile is alive again and no longer matches. */
int gg_session_purge(gg_db_conn_t *c, const gg_security_t *sec, int64_t now, gg_session_purged_t *out,
                     gg_error_t *err);

#endif
