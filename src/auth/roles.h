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

/* A permission is one bit of a gg_perm_t; a role or grant carries a set of them.  Constants, not an enum:
 * C17 wants enum constants to fit an int, and the set is meant to grow past 31 bits. */
typedef uint64_t gg_perm_t;
#define GG_PERM(bit) ((gg_perm_t)1 << (bit))
#define GG_P_UNIT_READ GG_PERM(0)
#define GG_P_UNIT_MANAGE GG_PERM(1)
#define GG_P_ACCOUNT_READ GG_PERM(2)
#define GG_P_ACCOUNT_MANAGE GG_PERM(3)
#define GG_P_GRANT_MANAGE GG_PERM(4)
#define GG_P_AUDIT_READ GG_PERM(5)
#define GG_P_PII_READ GG_PERM(6)
#define GG_P_RESIDENT_READ GG_PERM(7)
#define GG_P_RESIDENT_WRITE GG_PERM(8)
#define GG_P_PLACE_READ GG_PERM(9)
#define GG_P_PLACE_WRITE GG_PERM(10)
#define GG_P_CASE_READ GG_PERM(11)
#define GG_P_CASE_REPORT GG_PERM(12)
#define GG_P_CASE_DISPATCH GG_PERM(13)
#define GG_P_CASE_HANDLE GG_PERM(14)
#define GG_P_CASE_SUPERVISE GG_PERM(15)
#define GG_P_DISPUTE_READ GG_PERM(16)
#define GG_P_DISPUTE_MANAGE GG_PERM(17)
#define GG_P_DASHBOARD_READ GG_PERM(18)
#define GG_P_PARTICIPATION_MANAGE GG_PERM(19)
#define GG_P_SETTINGS_MANAGE GG_PERM(20)
#define GG_P_CASE_REPORT_OWN GG_PERM(21)
#define GG_P_PETITION_READ GG_PERM(22)   /* petitions and petitioners' identities (信访) */
#define GG_P_PETITION_MANAGE GG_PERM(23) /* register, decide, reply to petitions */
#define GG_P_COUNSEL_MANAGE GG_PERM(24)  /* psychological counselling records: the counsellor only */
#define GG_P_CENTRE_INTAKE GG_PERM(25)   /* one-window intake (一窗受理) at a governance centre */
#define GG_P_LEGAL_SERVE GG_PERM(26)     /* legal-service counters, slots, consultation records */
#define GG_P_LEGAL_BOOK_OWN GG_PERM(27)  /* a resident books and sees their own consultations */
#define GG_P_ASSESS_MANAGE GG_PERM(28)   /* assessment office: plans, indicators, review, grades */
#define GG_P_ASSESS_SCORE GG_PERM(29)    /* a responsible unit enters manual scores with evidence */
#define GG_PERM_COUNT 30
#define GG_P_ALL (GG_PERM(GG_PERM_COUNT) - 1)
_Static_assert(GG_PERM_COUNT < 64, "permissions are the bits of a gg_perm_t");

typedef struct gg_role {
    const char *code;    /* "grid_worker" */
    const char *name_zh; /* 网格员 */
    const char *name_en;
    gg_perm_t perms;
} gg_role_t;

extern const gg_role_t gg_roles[];
extern const int gg_nroles;

const gg_role_t *gg_role_find(const char *code); /* NULL when unknown */
const char *gg_perm_name(int bit);               /* "case.read" */

typedef struct gg_grant {
    int64_t id;
    const char *role;
    gg_perm_t perms;
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
    gg_perm_t perms_any; /* union over all grants */
    const char *client_ip;
} gg_auth_t;

/* 1 when some grant with perm covers unit_path (path prefix). */
int gg_auth_can(const gg_auth_t *a, gg_perm_t perm, const char *unit_path);
/* 1 when the caller holds perm anywhere. */
int gg_auth_has(const gg_auth_t *a, gg_perm_t perm);
/* Union of permissions the caller holds at unit_path (for "no granting what you do not have"). */
gg_perm_t gg_auth_perms_at(const gg_auth_t *a, const char *unit_path);
/* 1 when path is a materialised unit path ("/1/7/"): digits and slashes only, so it
 * can be placed in SQL text safely. */
int gg_unit_path_valid(const char *path);
int gg_path_within(const char *path, const char *ancestor_path);

#endif
