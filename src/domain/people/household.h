/*
 * household.h — households (户) in houses, their head (户长) and members, and
 * the move-in/move-out history (迁入/迁出).
 *
 * A household lives in one house and carries its unit path.  Members are
 * residents; the open household_move row of a resident (moved_out_at NULL) is
 * their current membership, and a unique index makes sure there is at most
 * one.  Joining a household moves the resident to its house (and grid);
 * joining another household first moves them out of the old one, so the
 * history shows both.  The head is a member with relation "head"; the head
 * cannot leave while other members remain (choose another head first).
 *
 * Households hold people, so reading needs resident.read and changing
 * resident.write over their unit path (and over the resident's).  Writes run
 * in the caller's transaction and are audited.
 */
#ifndef GG_DOMAIN_HOUSEHOLD_H
#define GG_DOMAIN_HOUSEHOLD_H

#include "domain/domain.h"

typedef struct gg_household {
    int64_t id, house_id, grid_id, head_resident_id;
    const char *unit_path, *kind, *house_code, *house_label, *head_name;
    int64_t member_count, created_at, updated_at, dissolved_at;
    int version;
} gg_household_t;

/* A membership: current members, or every row of the history. */
typedef struct gg_member {
    int64_t resident_id;
    const char *name, *relation, *in_reason, *out_reason;
    int64_t moved_in_at, moved_out_at;
} gg_member_t;

typedef struct gg_household_filter {
    int64_t unit_id, house_id; /* 0 = any */
    int include_dissolved;
} gg_household_filter_t;

/* head_resident_id optional (0): that resident joins as the head. */
int gg_household_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        int64_t house_id, const char *kind, int64_t head_resident_id, int64_t *id,
                        gg_error_t *err);
int gg_household_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_household_t *out,
                     gg_error_t *err);
int gg_household_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_household_filter_t *f,
                      const gg_page_t *page, gg_household_t **rows, int *n, gg_error_t *err);
/* history = 0: current members (head first); 1: every membership row, oldest first. */
int gg_household_members(gg_db_conn_t *c, gg_arena_t *a, int64_t household_id, int history,
                         gg_member_t **rows, int *n, gg_error_t *err);

/* A resident joins (moving out of any other household first).  at: Unix ms of the move-in, 0 = now.
 * Relation "head" makes them the head when the household has none. */
int gg_household_add_member(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                            int64_t household_id, int64_t resident_id, const char *relation, int64_t at,
                            const char *reason, gg_error_t *err);
int gg_household_move_out(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                          int64_t household_id, int64_t resident_id, int64_t at, const char *reason,
                          gg_error_t *err);
/* Change a member's relation to the head (not to or from "head": use the head change). */
int gg_household_set_relation(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                              int64_t household_id, int64_t resident_id, const char *relation,
                              gg_error_t *err);

typedef struct gg_household_patch {
    const char *kind;                 /* NULL = unchanged */
    int64_t head_resident_id;         /* 0 = unchanged; must be a member */
    const char *former_head_relation; /* the old head's relation afterwards (default "other") */
    int dissolve;                     /* 1 = dissolve (no members left) */
    int version;
} gg_household_patch_t;

int gg_household_update(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        int64_t id, const gg_household_patch_t *p, gg_error_t *err);

/* A member's relation to the household head (GB/T 4761: head, spouse, child …); 400 naming field otherwise.
 */
int gg_relation_valid(const char *relation, const char *field, gg_error_t *err);

#endif
