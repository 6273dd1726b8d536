/*
 * account.h — accounts (账号) and their role grants (授权).
 *
 * Scope: an account belongs to its home unit.  Reading it needs account.read
 * over that unit, changing it account.manage, granting grant.manage over the
 * grant's unit — and nobody grants a role whose permissions they do not hold
 * themselves at that unit (no escalation).  Administering an account (change,
 * password reset, disable, unlock, grants) further needs reach over every grant
 * it holds: each must lie within the caller's scope and carry no permission the
 * caller lacks there — else a district administrator could take over an account
 * homed in the district that holds a role above it.  Refused attempts are audited.
 * auth == NULL means the local operator (the CLI), who is trusted.
 * Every write here must run inside a transaction (it appends to the audit log).
 */
#ifndef GG_DOMAIN_ACCOUNT_H
#define GG_DOMAIN_ACCOUNT_H

#include "domain/domain.h"

typedef struct gg_account {
    int64_t id;
    const char *username, *display_name, *status;
    const char *phone; /* decrypted; NULL when none */
    int must_change_password;
    int64_t home_unit_id;
    const char *home_unit_path, *home_unit_name, *home_unit_code;
    const char *password_hash;
    int64_t created_at, updated_at;
    int version;
    /* ID numbers it tried that are registered outside its scope (domain/id_probe.h); set only for callers
     * with account.manage over the account (id_probe_visible) */
    int id_probe_visible;
    int64_t id_probe_hits, id_probe_last_at, id_probe_flagged_at;
} gg_account_t;

typedef struct gg_account_new {
    const char *username, *display_name, *phone, *password;
    int64_t home_unit_id;
    int must_change_password;
} gg_account_new_t;

int gg_account_create(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_actor_t *actor,
                      const gg_auth_t *auth, const gg_account_new_t *in, int64_t *id, gg_error_t *err);
/* By user name, unscoped (login, CLI).  *found = 0 when absent. */
int gg_account_by_username(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const char *username,
                           gg_account_t *out, int *found, gg_error_t *err);
/* By id, within the caller's account.read scope; 404 otherwise. */
int gg_account_get(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                   int64_t id, gg_account_t *out, gg_error_t *err);
int gg_account_list(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                    const char *q, const gg_page_t *page, gg_account_t **rows, int *n, int64_t *total,
                    gg_error_t *err);

typedef struct gg_account_patch {
    const char *display_name; /* NULL = unchanged */
    const char *phone;        /* NULL = unchanged, "" = remove */
    const char *status;       /* active | disabled; NULL = unchanged */
    int version;              /* must match (optimistic concurrency); 0 = not checked */
} gg_account_patch_t;

int gg_account_update(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_actor_t *actor,
                      const gg_auth_t *auth, int64_t id, const gg_account_patch_t *p, gg_error_t *err);
/* Set a password.  Revokes the account's sessions except keep_token_hash (may be NULL). */
int gg_account_set_password(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_actor_t *actor,
                            const gg_auth_t *auth, int64_t id, const char *password, int must_change,
                            const char *keep_token_hash, gg_error_t *err);

/* Until when logins of this user name are refused after too many failures (0: not locked). */
int gg_account_locked_until(gg_db_conn_t *c, gg_arena_t *a, const char *username, int64_t *until,
                            gg_error_t *err);
/* Lift a lockout early (account.manage over the account's unit; audited as account.unlock). */
int gg_account_unlock(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                      int64_t id, gg_error_t *err);

/* What the caller may do to another account, for offering only those actions: *manage (change, reset,
 * disable, unlock: account.manage over its home unit and reach over its grants) and *grant (add and remove
 * grants). */
int gg_account_may(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_account_t *target,
                   int *manage, int *grant, gg_error_t *err);

/* Grants of an account (with unit path/code/name). */
int gg_account_grants(gg_db_conn_t *c, gg_arena_t *a, int64_t account_id, gg_grant_t **rows, int *n,
                      gg_error_t *err);
/* The same as the caller may see them: a grant at a unit outside the caller's unit.read scope keeps its role
 * but not its unit (unit_id 0, path, code and name NULL) — its existence explains why the caller may not
 * administer the account, its place is not theirs to know. */
int gg_account_grants_seen(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t account_id,
                           gg_grant_t **rows, int *n, gg_error_t *err);
int gg_grant_add(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                 int64_t account_id, const char *role, int64_t unit_id, int64_t *grant_id, gg_error_t *err);
int gg_grant_remove(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                    int64_t account_id, int64_t grant_id, gg_error_t *err);

/* Validation shared with the CLI (phone numbers: domain/validate.h). */
int gg_username_valid(const char *u, gg_error_t *err);

#endif
