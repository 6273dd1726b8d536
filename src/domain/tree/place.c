/* place.c — buildings and houses (see place.h). */
#include "domain/tree/place.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/change.h"
#include "domain/scope.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"

static const char *const building_uses[] = {"residential", "commercial", "mixed", "public", "other", NULL};
static const char *const house_uses[] = {"residence", "rental", "shop", "vacant", "other", NULL};

#define BUILDING_COLS                                                                                        \
    "b.id, b.grid_id, b.unit_path, g.code, g.name, b.code, b.name, b.address, b.lat, b.lon, b.floors, "      \
    "b.use_type, b.created_at, b.updated_at, b.retired_at, b.version, "                                      \
    "(SELECT count(*) FROM house h WHERE h.building_id = b.id AND h.retired_at IS NULL)"
#define BUILDING_FROM " FROM building b JOIN unit g ON g.id = b.grid_id "

#define HOUSE_COLS                                                                                           \
    "h.id, h.building_id, b.grid_id, h.unit_path, b.code, b.name, h.house_code, h.qr_token, h.entrance, "    \
    "h.floor, h.room, h.use_type, h.area_m2, h.created_at, h.updated_at, h.retired_at, h.version, "          \
    "(SELECT count(*) FROM household k WHERE k.house_id = h.id AND k.dissolved_at IS NULL)"
#define HOUSE_FROM " FROM house h JOIN building b ON b.id = h.building_id "

static char *id_text(gg_arena_t *a, int64_t id)
{
    return gg_sprintf(a, "%lld", (long long)id);
}

static const char *dup_text(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

int gg_subtree_bounds(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id, const char **lo,
                      const char **hi, gg_error_t *err)
{
    gg_unit_t u;
    *lo = "/";
    *hi = "0"; /* '0' follows '/': every path is below it */
    if (!unit_id) return 0;
    if (gg_unit_get_scoped(c, a, auth, GG_P_UNIT_READ, unit_id, &u, err) < 0) {
        snprintf(err->field, sizeof err->field, "unit_id");
        return -1;
    }
    size_t n = strlen(u.path);
    char *up = gg_strdup(a, u.path);
    up[n - 1] = '0';
    *lo = u.path;
    *hi = up;
    return 0;
}

const char *gg_house_label(gg_arena_t *a, const char *building_name, const char *entrance, const char *room)
{
    /* numbers get their unit word (2 → 2单元, 301 → 301室); names people typed in full stay as they are */
    int ent_digits = entrance && *entrance, room_digits = room && *room;
    for (const char *p = entrance; ent_digits && *p; p++)
        ent_digits = isdigit((unsigned char)*p);
    for (const char *p = room; room_digits && *p; p++)
        room_digits = isdigit((unsigned char)*p);
    return gg_sprintf(a, "%s%s%s%s %s%s", building_name ? building_name : "", entrance ? " " : "",
                      entrance ? entrance : "", ent_digits ? "单元" : "", room ? room : "",
                      room_digits ? "室" : "");
}

/* ---- buildings ---- */

static void read_building(gg_db_res_t *r, gg_arena_t *a, gg_building_t *b)
{
    b->id = gg_db_i64(r, 0);
    b->grid_id = gg_db_i64(r, 1);
    b->unit_path = gg_strdup(a, gg_db_text(r, 2));
    b->grid_code = gg_strdup(a, gg_db_text(r, 3));
    b->grid_name = gg_strdup(a, gg_db_text(r, 4));
    b->code = gg_strdup(a, gg_db_text(r, 5));
    b->name = gg_strdup(a, gg_db_text(r, 6));
    b->address = dup_text(a, r, 7);
    b->has_location = !gg_db_isnull(r, 8) && !gg_db_isnull(r, 9);
    b->lat = b->has_location ? gg_db_f64(r, 8) : 0;
    b->lon = b->has_location ? gg_db_f64(r, 9) : 0;
    b->has_floors = !gg_db_isnull(r, 10);
    b->floors = b->has_floors ? gg_db_i64(r, 10) : 0;
    b->use_type = gg_strdup(a, gg_db_text(r, 11));
    b->created_at = gg_db_i64(r, 12);
    b->updated_at = gg_db_i64(r, 13);
    b->retired_at = gg_db_isnull(r, 14) ? 0 : gg_db_i64(r, 14);
    b->version = (int)gg_db_i64(r, 15);
    b->house_count = gg_db_i64(r, 16);
}

/* Checks shared by create and update; normalises the text fields in place. */
static int building_valid(gg_arena_t *a, gg_building_t *b, gg_error_t *err)
{
    if (gg_text_field(a, &b->name, "name", 1, err) < 0 ||
        gg_text_field(a, &b->address, "address", 0, err) < 0)
        return -1;
    if (!b->use_type) b->use_type = "residential";
    if (gg_choice_valid(b->use_type, building_uses, "use_type", err) < 0) return -1;
    if (b->has_floors && (b->floors < 1 || b->floors > 200))
        return gg_err_invalid(err, "floors", "floors must be between 1 and 200");
    if (b->has_location) {
        if (!(b->lat >= -90 && b->lat <= 90))
            return gg_err_invalid(err, "location.lat", "location.lat must be between -90 and 90");
        if (!(b->lon >= -180 && b->lon <= 180))
            return gg_err_invalid(err, "location.lng", "location.lng must be between -180 and 180");
    }
    return 0;
}

static int code_valid(const char *code, const char *field, gg_error_t *err)
{
    size_t n = strlen(code);
    if (n < 1 || n > 16) return gg_err_invalid(err, field, "%s must have 1 to 16 characters", field);
    for (const char *p = code; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return gg_err_invalid(err, field, "%s may contain only letters A-Z, digits, '-' and '_'", field);
    return 0;
}

/* The next free "B%03d" code of a grid.  Called inside the insert's transaction after
 * lock_grid_codes(), so two writers of one grid cannot both pick the same code. */
static int next_building_code(gg_db_conn_t *c, gg_arena_t *a, int64_t grid_id, const char **code,
                              gg_error_t *err)
{
    int64_t count, taken;
    int found;
    if (gg_db_query_i64(c, "SELECT count(*) FROM building WHERE grid_id = $1", GG_ARGS(GG_I64(grid_id)),
                        &count, &found, err) < 0)
        return -1;
    for (int64_t k = count + 1;; k++) {
        char *cand = gg_sprintf(a, "B%03lld", (long long)k);
        if (gg_db_query_i64(c, "SELECT count(*) FROM building WHERE grid_id = $1 AND code = $2",
                            GG_ARGS(GG_I64(grid_id), GG_TEXT(cand)), &taken, &found, err) < 0)
            return -1;
        if (!taken) {
            *code = cand;
            return 0;
        }
    }
}

/* Serialises code assignment per grid: a no-op write to the grid's row takes its row lock on
 * PostgreSQL until COMMIT (read committed, so the count read after it sees the other writer's
 * building); on SQLite BEGIN IMMEDIATE already serialises every writer.  A savepoint-and-retry
 * loop was tried first and lost to 8 concurrent writers on PostgreSQL (decision 36). */
static int lock_grid_codes(gg_db_conn_t *c, int64_t grid_id, gg_error_t *err)
{
    return gg_db_exec(c, "UPDATE unit SET id = id WHERE id = $1", GG_ARGS(GG_I64(grid_id)), NULL, err);
}

/* The grid a building is to stand in, for a create or a move: an active grid or micro-grid the
 * caller may write places in.  Not visible: 404 naming grid_id, as if it did not exist. */
static int target_grid(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t grid_id,
                       gg_unit_t *grid, gg_error_t *err)
{
    int found;
    if (gg_unit_by_id(c, a, grid_id, grid, &found, err) < 0) return -1;
    if (!found || !gg_auth_can(auth, GG_P_PLACE_READ, grid->path))
        return gg_error_set(err, 404, "not_found", "grid_id",
                            "grid %lld does not exist or is outside your scope", (long long)grid_id);
    if (!gg_auth_can(auth, GG_P_PLACE_WRITE, grid->path))
        return gg_err_forbidden(err, "you may not add buildings to %s", grid->name);
    if (strcmp(grid->level, "grid") != 0 && strcmp(grid->level, "micro_grid") != 0)
        return gg_err_invalid(err, "grid_id", "buildings stand in a grid or micro-grid, and %s is a %s",
                              grid->name, grid->level);
    if (grid->retired_at) return gg_err_invalid(err, "grid_id", "grid %s is retired", grid->name);
    return 0;
}

struct building_insert {
    gg_building_t *b;
    int auto_code; /* b->code was NULL: the next free code is assigned here, again on a retry */
    const gg_unit_t *grid;
    gg_arena_t *a;
    int64_t now, id;
};

static int building_insert_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct building_insert *x = ctx;
    gg_building_t *b = x->b;
    if (x->auto_code) {
        if (lock_grid_codes(c, x->grid->id, err) < 0) return -1;
        if (next_building_code(c, x->a, x->grid->id, &b->code, err) < 0) return -1;
    }
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "INSERT INTO building (grid_id, unit_path, code, name, address, lat, lon, floors, use_type, "
            "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            GG_ARGS(GG_I64(x->grid->id), GG_TEXT(x->grid->path), GG_TEXT(b->code), GG_TEXT(b->name),
                    GG_TEXT(b->address), b->has_location ? GG_F64(b->lat) : GG_NULL,
                    b->has_location ? GG_F64(b->lon) : GG_NULL, b->has_floors ? GG_I64(b->floors) : GG_NULL,
                    GG_TEXT(b->use_type), GG_I64(x->now)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) x->id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "building insert returned no id");
    return 0;
}

int gg_building_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                       const gg_building_t *in, int64_t *id, gg_error_t *err)
{
    gg_building_t b = *in;
    gg_unit_t grid;
    if (target_grid(c, a, auth, b.grid_id, &grid, err) < 0) return -1;
    if (building_valid(a, &b, err) < 0) return -1;
    if (b.code && code_valid(b.code, "code", err) < 0) return -1;
    /* A code the caller chose is never changed: a clash is theirs (409 naming the field). */
    struct building_insert x = {.b = &b, .auto_code = !b.code, .grid = &grid, .a = a, .now = gg_now_ms()};
    if (gg_db_tx(c, building_insert_tx, &x, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "code", "grid %s already has a building with code %s",
                         grid.name, b.code);
        return -1;
    }
    *id = x.id;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note(&ch, "code", b.code);
    gg_change_note(&ch, "name", b.name);
    gg_change_note_int(&ch, "grid_id", grid.id);
    gg_audit_entry_t e = {.action = "building.create",
                          .object_type = "building",
                          .object_id = id_text(a, *id),
                          .unit_id = grid.id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_building_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_building_t *out,
                    gg_error_t *err)
{
    gg_db_res_t *r;
    char *sql = gg_sprintf(a, "SELECT " BUILDING_COLS BUILDING_FROM "WHERE b.id = $1 AND %s",
                           gg_scope_sql(a, auth, GG_P_PLACE_READ, "b.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_building(r, a, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_err_not_found(err, "building %lld does not exist or is outside your scope", (long long)id);
    return 0;
}

int gg_building_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_place_filter_t *f,
                     const gg_page_t *page, gg_building_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    const char *lo, *hi;
    int step, limit = page->limit > 0 ? page->limit : 50;
    *n = 0;
    if (gg_subtree_bounds(c, a, auth, f->unit_id, &lo, &hi, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_building_t) * (size_t)limit);
    char *sql = gg_sprintf(a,
                           "SELECT " BUILDING_COLS BUILDING_FROM
                           "WHERE %s AND b.unit_path >= $1 AND b.unit_path < $2 AND b.id > $3 "
                           "AND (CAST($4 AS TEXT) = '' OR b.name LIKE $4 ESCAPE '\\' OR b.code = $5) "
                           "AND ($6 = 1 OR b.retired_at IS NULL) ORDER BY b.id LIMIT %d",
                           gg_scope_sql(a, auth, GG_P_PLACE_READ, "b.unit_path"), limit);
    if (gg_db_query(c, sql,
                    GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(page->after),
                            GG_TEXT(gg_sql_like_contains(a, f->q)), GG_TEXT(f->q ? f->q : ""),
                            GG_I64(f->include_retired ? 1 : 0)),
                    &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit)
        read_building(r, a, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static int version_conflict(gg_error_t *err, const char *what, int have, int sent)
{
    return gg_error_set(err, 409, "version_conflict", "version",
                        "%s was changed by someone else (version %d, you sent %d); reload and retry", what,
                        have, sent);
}

int gg_building_update(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                       const gg_building_t *cur, const gg_building_t *next, int version, gg_error_t *err)
{
    gg_building_t b = *next;
    if (!gg_auth_can(auth, GG_P_PLACE_WRITE, cur->unit_path))
        return gg_err_forbidden(err, "you may not change building %s", cur->name);
    if (version != cur->version) return version_conflict(err, "the building", cur->version, version);
    if (building_valid(a, &b, err) < 0) return -1;
    if (b.retired_at && !cur->retired_at && cur->house_count > 0)
        return gg_error_set(err, 409, "conflict", "retired",
                            "building %s still has %lld houses; retire them first", cur->name,
                            (long long)cur->house_count);
    int64_t changes;
    if (gg_db_exec(
            c,
            "UPDATE building SET name = $1, address = $2, lat = $3, lon = $4, floors = $5, use_type = $6, "
            "retired_at = $7, updated_at = $8, version = version + 1 WHERE id = $9 AND version = $10",
            GG_ARGS(GG_TEXT(b.name), GG_TEXT(b.address), b.has_location ? GG_F64(b.lat) : GG_NULL,
                    b.has_location ? GG_F64(b.lon) : GG_NULL, b.has_floors ? GG_I64(b.floors) : GG_NULL,
                    GG_TEXT(b.use_type), b.retired_at ? GG_I64(b.retired_at) : GG_NULL, GG_I64(gg_now_ms()),
                    GG_I64(cur->id), GG_I64(cur->version)),
            &changes, err) < 0)
        return -1;
    if (changes != 1) return version_conflict(err, "the building", cur->version + 1, version);
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "name", cur->name, b.name);
    gg_change_str(&ch, "address", cur->address, b.address);
    gg_change_num(&ch, "lat", cur->has_location, cur->lat, b.has_location, b.lat);
    gg_change_num(&ch, "lng", cur->has_location, cur->lon, b.has_location, b.lon);
    gg_change_int(&ch, "floors", cur->has_floors, cur->floors, b.has_floors, b.floors);
    gg_change_str(&ch, "use_type", cur->use_type, b.use_type);
    gg_change_int(&ch, "retired", 1, cur->retired_at != 0, 1, b.retired_at != 0);
    gg_audit_entry_t e = {.action = "building.update",
                          .object_type = "building",
                          .object_id = id_text(a, cur->id),
                          .unit_id = cur->grid_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

/* ---- houses ---- */

static void read_house(gg_db_res_t *r, gg_arena_t *a, gg_house_t *h)
{
    h->id = gg_db_i64(r, 0);
    h->building_id = gg_db_i64(r, 1);
    h->grid_id = gg_db_i64(r, 2);
    h->unit_path = gg_strdup(a, gg_db_text(r, 3));
    h->building_code = gg_strdup(a, gg_db_text(r, 4));
    h->building_name = gg_strdup(a, gg_db_text(r, 5));
    h->house_code = gg_strdup(a, gg_db_text(r, 6));
    h->qr_token = gg_strdup(a, gg_db_text(r, 7));
    h->entrance = dup_text(a, r, 8);
    h->has_floor = !gg_db_isnull(r, 9);
    h->floor = h->has_floor ? gg_db_i64(r, 9) : 0;
    h->room = gg_strdup(a, gg_db_text(r, 10));
    h->use_type = gg_strdup(a, gg_db_text(r, 11));
    h->has_area = !gg_db_isnull(r, 12);
    h->area_m2 = h->has_area ? gg_db_f64(r, 12) : 0;
    h->created_at = gg_db_i64(r, 13);
    h->updated_at = gg_db_i64(r, 14);
    h->retired_at = gg_db_isnull(r, 15) ? 0 : gg_db_i64(r, 15);
    h->version = (int)gg_db_i64(r, 16);
    h->household_count = gg_db_i64(r, 17);
}

static int house_valid(gg_arena_t *a, gg_house_t *h, gg_error_t *err)
{
    if (gg_text_field(a, &h->room, "room", 1, err) < 0 ||
        gg_text_field(a, &h->entrance, "entrance", 0, err) < 0)
        return -1;
    if (!h->use_type) h->use_type = "residence";
    if (gg_choice_valid(h->use_type, house_uses, "use_type", err) < 0) return -1;
    if (h->has_floor && (h->floor < -5 || h->floor > 200))
        return gg_err_invalid(err, "floor", "floor must be between -5 and 200");
    if (h->has_area && !(h->area_m2 > 0 && h->area_m2 <= 100000))
        return gg_err_invalid(err, "area_m2", "area_m2 must be more than 0 and at most 100000");
    return 0;
}

/* Another live house of the building at the same entrance and room (the unique index backs this up). */
static int room_taken(gg_db_conn_t *c, int64_t building_id, int64_t self, const gg_house_t *h,
                      gg_error_t *err)
{
    int64_t n;
    int found;
    if (gg_db_query_i64(
            c,
            "SELECT count(*) FROM house WHERE building_id = $1 AND id <> $2 AND retired_at IS NULL "
            "AND COALESCE(entrance, '') = $3 AND room = $4",
            GG_ARGS(GG_I64(building_id), GG_I64(self), GG_TEXT(h->entrance ? h->entrance : ""),
                    GG_TEXT(h->room)),
            &n, &found, err) < 0)
        return -1;
    if (n)
        return gg_error_set(err, 409, "conflict", "room", "the building already has a house %s%s%s",
                            h->entrance ? h->entrance : "", h->entrance ? "-" : "", h->room);
    return 0;
}

int gg_house_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                    const gg_house_t *in, int64_t *id, gg_error_t *err)
{
    gg_house_t h = *in;
    gg_building_t b;
    if (gg_building_get(c, a, auth, h.building_id, &b, err) < 0) return -1;
    if (!gg_auth_can(auth, GG_P_PLACE_WRITE, b.unit_path))
        return gg_err_forbidden(err, "you may not add houses to building %s", b.name);
    if (b.retired_at) return gg_err_conflict(err, "building %s is retired", b.name);
    if (house_valid(a, &h, err) < 0 || room_taken(c, b.id, 0, &h, err) < 0) return -1;
    /* the serial comes from the building's counter: stable, and never reused even after a retirement */
    int64_t seq;
    int found;
    gg_db_res_t *r;
    if (gg_db_query_i64(c, "UPDATE building SET house_seq = house_seq + 1 WHERE id = $1 RETURNING house_seq",
                        GG_ARGS(GG_I64(b.id)), &seq, &found, err) < 0)
        return -1;
    char token[44];
    gg_random_token(token);
    char *code = gg_sprintf(a, "%s-%s-%04lld", b.grid_code, b.code, (long long)seq);
    int64_t now = gg_now_ms();
    if (gg_db_query(
            c,
            "INSERT INTO house (building_id, unit_path, house_code, qr_token, entrance, floor, room, "
            "use_type, area_m2, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
            "$10) RETURNING id",
            GG_ARGS(GG_I64(b.id), GG_TEXT(b.unit_path), GG_TEXT(code), GG_TEXT(token), GG_TEXT(h.entrance),
                    h.has_floor ? GG_I64(h.floor) : GG_NULL, GG_TEXT(h.room), GG_TEXT(h.use_type),
                    h.has_area ? GG_F64(h.area_m2) : GG_NULL, GG_I64(now)),
            &r, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "room", "the building already has a house %s", h.room);
        return -1;
    }
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "house insert returned no id");
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note(&ch, "house_code", code);
    gg_change_note_int(&ch, "building_id", b.id);
    gg_change_note(&ch, "entrance", h.entrance);
    gg_change_note(&ch, "room", h.room);
    gg_audit_entry_t e = {.action = "house.create",
                          .object_type = "house",
                          .object_id = id_text(a, *id),
                          .unit_id = b.grid_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_qr_may_print(const gg_auth_t *auth, const char *unit_path, gg_error_t *err)
{
    if (!auth || gg_auth_can(auth, GG_P_PLACE_WRITE, unit_path)) return 0;
    return gg_err_forbidden(err, "printing QR codes needs place.write here");
}

/* The token lets anyone register people into the house, so it goes only to those who print the labels. */
static void hide_token_unless_printer(const gg_auth_t *auth, gg_house_t *h)
{
    if (auth && !gg_auth_can(auth, GG_P_PLACE_WRITE, h->unit_path)) h->qr_token = NULL;
}

int gg_house_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, uint64_t perm, int64_t id,
                 gg_house_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    char *sql = gg_sprintf(a, "SELECT " HOUSE_COLS HOUSE_FROM "WHERE h.id = $1 AND %s",
                           gg_scope_sql(a, auth, perm, "h.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        read_house(r, a, out);
        hide_token_unless_printer(auth, out);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_err_not_found(err, "house %lld does not exist or is outside your scope", (long long)id);
    return 0;
}

int gg_house_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_place_filter_t *f,
                  const gg_page_t *page, gg_house_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    const char *lo, *hi;
    int step, limit = page->limit > 0 ? page->limit : 50;
    *n = 0;
    if (gg_subtree_bounds(c, a, auth, f->unit_id, &lo, &hi, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_house_t) * (size_t)limit);
    char *sql = gg_sprintf(a,
                           "SELECT " HOUSE_COLS HOUSE_FROM
                           "WHERE %s AND h.unit_path >= $1 AND h.unit_path < $2 AND h.id > $3 "
                           "AND (CAST($4 AS BIGINT) = 0 OR h.building_id = $4) "
                           "AND (CAST($5 AS TEXT) = '' OR h.room LIKE $5 ESCAPE '\\' OR h.house_code = $6) "
                           "AND ($7 = 1 OR h.retired_at IS NULL) ORDER BY h.id LIMIT %d",
                           gg_scope_sql(a, auth, GG_P_PLACE_READ, "h.unit_path"), limit);
    if (gg_db_query(c, sql,
                    GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(page->after), GG_I64(f->building_id),
                            GG_TEXT(gg_sql_like_contains(a, f->q)), GG_TEXT(f->q ? f->q : ""),
                            GG_I64(f->include_retired ? 1 : 0)),
                    &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit) {
        read_house(r, a, &(*rows)[*n]);
        hide_token_unless_printer(auth, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_house_update(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                    const gg_house_t *cur, const gg_house_t *next, int version, gg_error_t *err)
{
    gg_house_t h = *next;
    if (!gg_auth_can(auth, GG_P_PLACE_WRITE, cur->unit_path))
        return gg_err_forbidden(err, "you may not change house %s", cur->house_code);
    if (version != cur->version) return version_conflict(err, "the house", cur->version, version);
    if (house_valid(a, &h, err) < 0) return -1;
    if (!h.retired_at && room_taken(c, cur->building_id, cur->id, &h, err) < 0) return -1;
    if (h.retired_at && !cur->retired_at) {
        int64_t people;
        int found;
        if (cur->household_count > 0)
            return gg_error_set(err, 409, "conflict", "retired",
                                "house %s still has %lld households; move them out first", cur->house_code,
                                (long long)cur->household_count);
        /* residents placed in the house without a household would point at a house that is gone */
        if (gg_db_query_i64(c, "SELECT count(*) FROM resident WHERE house_id = $1", GG_ARGS(GG_I64(cur->id)),
                            &people, &found, err) < 0)
            return -1;
        if (people > 0)
            return gg_error_set(err, 409, "conflict", "retired",
                                "%lld residents still live in house %s; move them first", (long long)people,
                                cur->house_code);
    }
    int64_t changes;
    if (gg_db_exec(c,
                   "UPDATE house SET entrance = $1, floor = $2, room = $3, use_type = $4, area_m2 = $5, "
                   "retired_at = $6, updated_at = $7, version = version + 1 WHERE id = $8 AND version = $9",
                   GG_ARGS(GG_TEXT(h.entrance), h.has_floor ? GG_I64(h.floor) : GG_NULL, GG_TEXT(h.room),
                           GG_TEXT(h.use_type), h.has_area ? GG_F64(h.area_m2) : GG_NULL,
                           h.retired_at ? GG_I64(h.retired_at) : GG_NULL, GG_I64(gg_now_ms()),
                           GG_I64(cur->id), GG_I64(cur->version)),
                   &changes, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "room", "the building already has a house %s", h.room);
        return -1;
    }
    if (changes != 1) return version_conflict(err, "the house", cur->version + 1, version);
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "entrance", cur->entrance, h.entrance);
    gg_change_int(&ch, "floor", cur->has_floor, cur->floor, h.has_floor, h.floor);
    gg_change_str(&ch, "room", cur->room, h.room);
    gg_change_str(&ch, "use_type", cur->use_type, h.use_type);
    gg_change_num(&ch, "area_m2", cur->has_area, cur->area_m2, h.has_area, h.area_m2);
    gg_change_int(&ch, "retired", 1, cur->retired_at != 0, 1, h.retired_at != 0);
    gg_audit_entry_t e = {.action = "house.update",
                          .object_type = "house",
                          .object_id = id_text(a, cur->id),
                          .unit_id = cur->grid_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_building_move(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, int64_t building_id,
                     int64_t to_grid_id, const char *to_path, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT grid_id, code FROM building WHERE id = $1", GG_ARGS(GG_I64(building_id)), &r,
                    err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    int64_t from = step == 1 ? gg_db_i64(r, 0) : 0;
    const char *code = step == 1 ? gg_strdup(a, gg_db_text(r, 1)) : NULL;
    gg_db_res_free(r);
    if (step != 1)
        return step < 0 ? -1 : gg_err_not_found(err, "building %lld does not exist", (long long)building_id);
    int64_t taken;
    int found;
    /* the code may have to change: the same per-grid lock as a create, so a create in the target grid
     * cannot pick the code this building is about to take */
    if (lock_grid_codes(c, to_grid_id, err) < 0 ||
        gg_db_query_i64(c, "SELECT count(*) FROM building WHERE grid_id = $1 AND code = $2",
                        GG_ARGS(GG_I64(to_grid_id), GG_TEXT(code)), &taken, &found, err) < 0)
        return -1;
    const char *new_code = code;
    if (taken && next_building_code(c, a, to_grid_id, &new_code, err) < 0) return -1;
    int64_t now = gg_now_ms();
    if (gg_db_exec(c,
                   "UPDATE building SET grid_id = $1, unit_path = $2, code = $3, updated_at = $4, version = "
                   "version + 1 "
                   "WHERE id = $5",
                   GG_ARGS(GG_I64(to_grid_id), GG_TEXT(to_path), GG_TEXT(new_code), GG_I64(now),
                           GG_I64(building_id)),
                   NULL, err) < 0 ||
        gg_db_exec(c, "UPDATE house SET unit_path = $1 WHERE building_id = $2",
                   GG_ARGS(GG_TEXT(to_path), GG_I64(building_id)), NULL, err) < 0 ||
        gg_db_exec(c,
                   "UPDATE household SET unit_path = $1 WHERE house_id IN (SELECT id FROM house WHERE "
                   "building_id = $2)",
                   GG_ARGS(GG_TEXT(to_path), GG_I64(building_id)), NULL, err) < 0 ||
        gg_db_exec(c,
                   "UPDATE resident SET unit_id = $1, unit_path = $2 WHERE house_id IN (SELECT id FROM house "
                   "WHERE building_id = $3)",
                   GG_ARGS(GG_I64(to_grid_id), GG_TEXT(to_path), GG_I64(building_id)), NULL, err) < 0)
        return -1;
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note_int(&ch, "from_grid_id", from);
    gg_change_note_int(&ch, "to_grid_id", to_grid_id);
    if (strcmp(new_code, code) != 0) {
        gg_change_note(&ch, "code_before", code);
        gg_change_note(&ch, "code_after", new_code);
    }
    gg_audit_entry_t e = {.action = "building.move",
                          .object_type = "building",
                          .object_id = id_text(a, building_id),
                          .unit_id = to_grid_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_building_move_to(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        int64_t building_id, int64_t to_grid_id, int version, gg_error_t *err)
{
    gg_building_t cur;
    if (gg_building_get(c, a, auth, building_id, &cur, err) < 0) return -1;
    if (!gg_auth_can(auth, GG_P_PLACE_WRITE, cur.unit_path))
        return gg_err_forbidden(err, "you may not move building %s", cur.name);
    if (cur.version != version)
        return gg_error_set(
            err, 409, "version_conflict", "version",
            "building %s was changed by someone else (version %d, you sent %d); reload and retry", cur.name,
            cur.version, version);
    if (cur.retired_at) return gg_err_invalid(err, "grid_id", "building %s is retired", cur.name);
    gg_unit_t grid;
    if (target_grid(c, a, auth, to_grid_id, &grid, err) < 0) return -1;
    if (grid.id == cur.grid_id)
        return gg_err_invalid(err, "grid_id", "building %s already stands in %s", cur.name, grid.name);
    return gg_building_move(c, a, actor, building_id, grid.id, grid.path, err);
}
