/*
 * place.h — buildings (楼栋) and houses (房屋/户室) in a grid.
 *
 * A building stands in a grid or micro-grid and carries that unit's path
 * (unit_path) so scope filters need no join; its houses carry the same path.
 * Reading needs place.read over the path, writing place.write; objects outside
 * the caller's scope are 404, in scope without the permission 403.
 *
 * Codes are given once and never change, so printed labels stay valid:
 *  - a building's code is unique in its grid ("B007", or one the user chose);
 *  - a house code is "<grid code>-<building code>-<serial>" with a serial from
 *    the building's counter, whatever its entrance/floor/room later become;
 *  - the QR token is 256 random bits (gg_random_token), so a code on a door
 *    says nothing about the house and cannot be guessed from its neighbours.
 * Writes run inside the caller's transaction and append to the audit log.
 */
#ifndef GG_DOMAIN_PLACE_H
#define GG_DOMAIN_PLACE_H

#include "domain/domain.h"

typedef struct gg_building {
    int64_t id, grid_id;
    const char *unit_path, *grid_code, *grid_name;
    const char *code, *name, *address, *use_type; /* code NULL on create: generated */
    int has_location;
    double lat, lon;
    int has_floors;
    int64_t floors;
    int64_t house_count; /* live houses (read only) */
    int64_t created_at, updated_at, retired_at;
    int version;
} gg_building_t;

typedef struct gg_house {
    int64_t id, building_id, grid_id;
    const char *unit_path, *building_code, *building_name;
    const char *house_code, *qr_token;
    const char *entrance, *room, *use_type;
    int has_floor;
    int64_t floor;
    int has_area;
    double area_m2;
    int64_t household_count; /* live households (read only) */
    int64_t created_at, updated_at, retired_at;
    int version;
} gg_house_t;

typedef struct gg_place_filter {
    int64_t unit_id;     /* subtree; 0 = everything in scope */
    int64_t building_id; /* houses of one building; 0 = any */
    const char *q;       /* name / room fragment; NULL = any */
    int include_retired;
} gg_place_filter_t;

/* Bounds of unit_id's subtree for a unit_path column (lo <= path < hi), for list filters.  unit_id 0 gives
 * the whole tree.  A unit the caller cannot see (unit.read) is 404 naming field "unit_id". */
int gg_subtree_bounds(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id, const char **lo,
                      const char **hi, gg_error_t *err);

/* "下陆小区 12栋 2单元 301室": the label people read on a house. */
const char *gg_house_label(gg_arena_t *a, const char *building_name, const char *entrance, const char *room);

int gg_building_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                       const gg_building_t *in, int64_t *id, gg_error_t *err);
/* A building the caller may read (place.read); 404 otherwise. */
int gg_building_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_building_t *out,
                    gg_error_t *err);
int gg_building_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_place_filter_t *f,
                     const gg_page_t *page, gg_building_t **rows, int *n, gg_error_t *err);
/* Write next over cur (loaded with gg_building_get in the same transaction).  version is what the client
 * last saw: a mismatch is 409 version_conflict.  next->retired_at set retires (no live houses allowed). */
int gg_building_update(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                       const gg_building_t *cur, const gg_building_t *next, int version, gg_error_t *err);

/* Move a building into another grid (as a restructure does): its houses, their households and residents
 * follow — grid and scope path — and pending QR registrations with them (they are scoped by the house).
 * The building keeps its code unless the new grid already uses it, then takes the next free one.
 * Audited as building.move.  The caller holds the transaction and has checked permission. */
int gg_building_move(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, int64_t building_id,
                     int64_t to_grid_id, const char *to_path, gg_error_t *err);

/* The same at a person's request (POST /buildings/{id}/move): the caller needs place.write over the
 * building and over the target, which must be an active grid or micro-grid other than its own; version
 * is what the client last saw (409 on a mismatch). */
int gg_building_move_to(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        int64_t building_id, int64_t to_grid_id, int version, gg_error_t *err);

int gg_house_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                    const gg_house_t *in, int64_t *id, gg_error_t *err);
/* Houses as the caller may read them.  qr_token is NULL unless the caller prints QR labels there
 * (place.write): the token lets anyone submit registrations for the house. */
int gg_house_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, uint64_t perm, int64_t id,
                 gg_house_t *out, gg_error_t *err);
int gg_house_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_place_filter_t *f,
                  const gg_page_t *page, gg_house_t **rows, int *n, gg_error_t *err);
/* 0 when the caller may print QR codes (and so read tokens) at unit_path: place.write; 403 otherwise.
 * auth NULL (the local operator) may. */
int gg_qr_may_print(const gg_auth_t *auth, const char *unit_path, gg_error_t *err);
int gg_house_update(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                    const gg_house_t *cur, const gg_house_t *next, int version, gg_error_t *err);

#endif
