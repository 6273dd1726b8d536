/*
 * assignment.h — who serves which grid (grid_assignment): grid leader (网格长),
 * grid workers (网格员), unit chiefs (单元长), building chiefs (楼栋长) and
 * household-head contacts (户长联系人), with dates — and the two questions a
 * community asks of them: which grids have no worker, and which workers carry
 * too many households.
 *
 * Dates are Asia/Shanghai days 'YYYY-MM-DD'; starts_on is the first day
 * served, ends_on the first day no longer served (NULL: open-ended), so an
 * assignment ended today stops counting at once.  "Current" means
 * starts_on <= today < ends_on.
 *
 * Scope: reading needs unit.read over the grid; adding and ending need
 * unit.manage or account.manage over it (404 outside the scope, 403 without
 * the permission).  An account being assigned must be readable by the caller
 * (account.read).  A person without an account is given by name (and phone,
 * stored encrypted, shown masked).  Writes are audited (grid_assignment.create,
 * grid_assignment.end) and must run inside gg_db_tx; auth == NULL is the local
 * operator (CLI, demo).
 */
#ifndef GG_DOMAIN_ASSIGNMENT_H
#define GG_DOMAIN_ASSIGNMENT_H

#include "domain/domain.h"
#include "domain/tree/grid.h"

typedef struct gg_assignment {
    int64_t id, unit_id;
    const char *unit_level, *unit_code, *unit_name, *unit_path;
    const char *duty;
    int64_t account_id; /* 0 when a person without an account */
    const char *username, *display_name;
    const char *person_name, *person_phone; /* phone decrypted; mask before showing */
    int64_t building_id;
    const char *building_name, *entrance, *note;
    const char *starts_on, *ends_on; /* ends_on NULL: open-ended */
    int current;
    int64_t created_at, ended_at;
} gg_assignment_t;

typedef struct gg_assignment_new {
    int64_t unit_id;
    const char *duty;
    int64_t account_id;
    const char *person_name, *person_phone;
    int64_t building_id;
    const char *entrance, *note;
    const char *starts_on; /* NULL: today */
    const char *ends_on;   /* NULL: open-ended */
} gg_assignment_new_t;

extern const char *const gg_duties[]; /* NULL-terminated */

int gg_assignment_create(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_actor_t *actor,
                         const gg_auth_t *auth, const gg_assignment_new_t *in, int64_t *id, gg_error_t *err);
/* End on ends_on (NULL: today); an assignment already over is 409. */
int gg_assignment_end(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                      int64_t id, const char *ends_on, gg_error_t *err);
int gg_assignment_get(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                      int64_t id, gg_assignment_t *out, gg_error_t *err);
/* A grid's assignments (current ones, or all with include_ended), current first. */
int gg_assignment_list(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                       int64_t grid_id, int include_ended, gg_assignment_t **rows, int *n, gg_error_t *err);

/* Active grids (level grid) under unit_id (0: the whole scope) with no current grid worker, by id after
 * page->after; households counted. */
int gg_grids_unassigned(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id,
                        const gg_page_t *page, gg_grid_t **rows, int *n, gg_error_t *err);

typedef struct gg_overloaded {
    int64_t account_id;
    const char *username, *display_name;
    int64_t grids, households;
} gg_overloaded_t;

/* Accounts whose current grid_worker assignments (active grids under unit_id, in scope) hold more than
 * max_households live households together, most loaded first, at most limit. */
int gg_workers_overloaded(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id,
                          int64_t max_households, int limit, gg_overloaded_t **rows, int *n, gg_error_t *err);

#endif
