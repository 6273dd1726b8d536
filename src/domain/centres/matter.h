/*
 * matter.h — the governance centres (综治中心, one per community, street or county unit, with their
 * functional areas) and the one window (一窗受理): a visitor's matter registered once with a YC number and
 * routed — to mediation (a dispute), legal aid, a legal consultation (an appointment), the petition office (a
 * petition), psychological counselling (a referral) or the case loop (a walk_in case) — in the same
 * transaction as its target.  A matter may be escalated to the centre a level up (三级联调) and closed.  The
 * number alone opens a public view of its status (no personal data).  Writes need centre.intake at the unit.
 */
#ifndef GG_DOMAIN_CENTRES_MATTER_H
#define GG_DOMAIN_CENTRES_MATTER_H

#include "domain/cases/case_create.h"
#include "domain/centres/centre_common.h"

/* The functional areas' codes, NULL-terminated: command, petition, legal, mediation, grid, counselling. */
extern const char *const gg_centre_areas[];
extern const char *const gg_matter_routes[];

typedef struct gg_centre {
    int64_t id, unit_id, created_at;
    const char *name, *unit_name, *level, *areas, *address, *phone;
} gg_centre_t;

/* Create or update the centre of unit_id (unit.manage there; level community, street or county). */
int gg_centre_save(const gg_op_t *op, const gg_centre_t *in, int64_t *id, gg_error_t *err);
/* Centres in the caller's scope (unit.read) under unit_id (0: all). */
int gg_centre_list(const gg_op_t *op, int64_t unit_id, gg_centre_t **rows, int *n, gg_error_t *err);

typedef struct gg_matter_new {
    int64_t unit_id;
    const char *visitor_name, *visitor_phone, *summary, *route;
    /* route case: */
    int64_t category_id;
    const char *address;
    /* route petition: */
    const char *petition_kind, *id_number;
    /* route consultation: a slot to book for the visitor (0: none yet) */
    int64_t slot_id;
    /* route mediation: the dispute's title and type (the summary is its summary) */
    const char *title, *dispute_type;
    /* out: the visitor's tracking code (GG_CASE_CODE_LEN + 2 bytes, "XXXX-XXXX"), shown once; may be NULL */
    char *secret;
} gg_matter_new_t;

typedef struct gg_matter {
    int64_t id, unit_id, target_id, created_at, updated_at, closed_at, due_at, created_by;
    const char *number, *unit_name, *unit_level, *unit_path, *summary, *route, *status, *target_type,
        *target_number;
    const char *visitor_name,
        *visitor_phone;        /* masked ("*" for all but the first character / last 4 digits) */
    const char *target_status; /* the target's state now (case state, petition status …) */
} gg_matter_t;

typedef struct gg_matter_event {
    int64_t id, at;
    const char *kind, *detail, *username;
} gg_matter_event_t;

int gg_matter_create(gg_op_t *op, const gg_case_env_t *env, const gg_matter_new_t *in, int64_t *id,
                     gg_error_t *err);
int gg_matter_get(const gg_op_t *op, int64_t id, gg_matter_t *out, gg_error_t *err);
int gg_matter_list(const gg_op_t *op, int64_t unit_id, const char *route, const char *status,
                   int64_t after_id, int limit, gg_matter_t **rows, int *n, gg_error_t *err);
int gg_matter_events(const gg_op_t *op, int64_t id, gg_matter_event_t **rows, int *n, gg_error_t *err);
/* To the parent unit's centre (a street's or the county's); 409 naming id at the county. */
int gg_matter_escalate(const gg_op_t *op, int64_t id, const char *note, gg_error_t *err);
int gg_matter_close(const gg_op_t *op, int64_t id, const char *note, gg_error_t *err);
/* The public view by number and tracking code (op->auth NULL): number, status, route, the unit, target type,
 * number and status, timeline kinds; a wrong number or code: the same 404. */
int gg_matter_track(const gg_op_t *op, const char *number, const char *secret, gg_matter_t *out,
                    gg_matter_event_t **ev, int *nev, gg_error_t *err);

/* The centre director's overview: per level (county, street, community) under unit_id and per route, the
 * matters received, still open, closed and overdue (due_at passed while open). */
typedef struct gg_matter_stat {
    const char *level, *route;
    int64_t received, open, closed, overdue;
} gg_matter_stat_t;
int gg_matter_overview(const gg_op_t *op, int64_t unit_id, gg_matter_stat_t **rows, int *n, gg_error_t *err);

#endif
