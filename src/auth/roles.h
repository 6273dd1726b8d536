/*
 * roles.h — roles as named permission sets (DESIGN §1), and the caller's
 * authorisation context.
 *
 * A grant is (account, role, unit) and covers the unit's whole subtree.  A
 * permission check therefore asks: does any of the caller's grants carry the
 * permission at a unit whose path is a prefix of the object's unit path?
 * Lists are filtered in SQL by the same rule (domain/scope.c).
 */
#ifndef GG_AUTH_ROLES_H
#define GG_AUTH_ROLES_H

#include <stdint.h>

#include "core/error.h"

enum {
    GG_P_UNIT_READ = 1ull << 0,
    GG_P_UNIT_MANAGE = 1ull << 1,
    GG_P_ACCOUNT_READ = 1ull << 2,
    GG_P_ACCOUNT_MANAGE = 1ull << 3,
    GG_P_GRANT_MANAGE = 1ull << 4,
    GG_P_AUDIT_READ = 1ull << 5,
    GG_P_PII_READ = 1ull << 6,
    GG_P_RESIDENT_READ = 1ull << 7,
    GG_P_RESIDENT_WRITE = 1ull << 8,
    GG_P_PLACE_READ = 1ull << 9,
    GG_P_PLACE_WRITE = 1ull << 10,
    GG_P_CASE_READ = 1ull << 11,
    GG_P_CASE_REPORT = 1ull << 12,
    GG_P_CASE_DISPATCH = 1ull << 13,
    GG_P_CASE_HANDLE = 1ull << 14,
    GG_P_CASE_SUPERVISE = 1ull << 15,
    GG_P_DISPUTE_READ = 1ull << 16,
    GG_P_DISPUTE_MANAGE = 1ull << 17,
    GG_P_DASHBOARD_READ = 1ull << 18,
    GG_P_PARTICIPATION_MANAGE = 1ull << 19,
    GG_P_SETTINGS_MANAGE = 1ull << 20,
    GG_P_CASE_REPORT_OWN = 1ull << 21,
};
#define GG_PERM_COUNT 22
#define GG_P_ALL ((1ull << GG_PERM_COUNT) - 1)

typedef struct gg_role {
    const char *code;    /* "grid_worker" */
    const char *name_zh; /* 网格员 */
    const char *name_en;
    uint64_t perms;
} gg_role_t;

extern const gg_role_t gg_roles[];
extern const int gg_nroles;

const gg_role_t *gg_role_find(const char *code); /* NULL when unknown */
const char *gg_perm_name(int bit);               /* "case.read" */

typedef struct gg_grant {
    int64_t id;
    const char *role;
    uint64_t perms;
    int64_t unit_id;
    const char *unit_path; /* "/1/7/" */
    const char *unit_code;
    const char *unit_name;
} gg_grant_t;

/* Who is calling: loaded once per request from the session (domain/session.c). */
typedef struct gg_auth {
    int64_t account_id;
    const char *username;
    const char *display_name;
    int must_change_password;
    int via_cookie;
    const char *token_hash;
    char csrf[44];
    int ngrants;
    gg_grant_t *grants;
    uint64_t perms_any; /* union over all grants */
    const char *client_ip;
} gg_auth_t;

/* 1 when some grant with perm covers unit_path (path prefix). */
int gg_auth_can(const gg_auth_t *a, uint64_t perm, const char *unit_path);
/* 1 when the caller holds perm anywhere. */
int gg_auth_has(const gg_auth_t *a, uint64_t perm);
/* Union of permissions the caller holds at unit_path (for "no granting what you do not have"). */
uint64_t gg_auth_perms_at(const gg_auth_t *a, const char *unit_path);
/* 1 when path is a materialised unit path ("/1/7/"): digits and slashes only, so it
 * can be placed in SQL text safely. */
int gg_unit_path_valid(const char *path);
int gg_path_within(const char *path, const char *ancestor_path);

#endif
