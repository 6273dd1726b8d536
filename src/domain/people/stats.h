/*
 * stats.h — counts for a unit's subtree (辖区概况): sub-units by level, active
 * grids, buildings, houses, households, residents, migrants, 人户分离, party
 * members, volunteers, and residents per tag.
 *
 * Everything is counted within the unit's subtree AND the caller's scope for
 * the permission that reads that kind of object (unit.read for units,
 * place.read for buildings and houses, resident.read for households,
 * residents and tags), so a count never tells more than the caller could list.
 * Every query is a range on an indexed unit path (see scope.h), so the cost
 * grows with the subtree, not with the whole database.
 *
 * A count the caller may not see at all is not a 0: places_access and
 * people_access say, for each kind, whether the caller's grants cover the
 * whole subtree, a part of it, or none of it (then nothing is counted and the
 * API says "not permitted" instead of a number).
 */
#ifndef GG_DOMAIN_STATS_H
#define GG_DOMAIN_STATS_H

#include "domain/domain.h"
#include "domain/tree/unit.h"

typedef struct gg_count {
    const char *key, *name;
    int64_t n;
} gg_count_t;

typedef enum { GG_ACCESS_NONE = 0, GG_ACCESS_PART, GG_ACCESS_ALL } gg_access_t;

typedef struct gg_unit_stats {
    gg_access_t places_access; /* place.read: buildings, houses */
    gg_access_t people_access; /* resident.read: households, residents and their counts, tags */
    gg_count_t *levels;        /* sub-units (not the unit itself), live, by level */
    int nlevels;
    int64_t active_grids; /* live units of level grid, the unit itself included */
    int64_t buildings, houses, households;
    int64_t residents, migrants, foreigners, separated, party_members, volunteers;
    gg_count_t *tags; /* every live tag of the dictionary, with its count */
    int ntags;
} gg_unit_stats_t;

/* u: loaded by the caller within its unit.read scope. */
int gg_unit_stats(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                  gg_unit_stats_t *out, gg_error_t *err);

#endif
