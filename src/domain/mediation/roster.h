/*
 * roster.h — the roster of mediators (people's mediators, lawyers, legal advisers, retired judges, veteran
 * party members), with their specialities, the committees they sit on (people's mediation committees of a
 * community/street/county and the industry and professional committees), an optional account (the mediator
 * role) and resident record (the conflict-of-interest check), and each one's workload and success rate.
 * Read: dispute.read over the entry's unit (a roster entry of a unit above the caller's is listed too: the
 * county's retired judge can be assigned in a community).  Write: dispute.manage over the unit.
 */
#ifndef GG_DOMAIN_MEDIATION_ROSTER_H
#define GG_DOMAIN_MEDIATION_ROSTER_H

#include "domain/op.h"

typedef struct gg_committee {
    int64_t id, unit_id;
    const char *name, *kind, *speciality, *unit_name, *unit_level;
    int64_t members;
} gg_committee_t;

typedef struct gg_mediator {
    int64_t id, unit_id, account_id, resident_id;
    const char *name, *kind, *specialities, *unit_name, *phone; /* phone decrypted (the API masks it) */
    int64_t *committee_ids;
    int ncommittees;
    const char **committee_names;
    /* workload: disputes assigned now open; as lead: mediated and succeeded (all time) */
    int64_t open, assigned, mediated, success;
    int64_t retired_at, created_at;
} gg_mediator_t;

typedef struct gg_mediator_new {
    int64_t unit_id, account_id, resident_id;
    const char *name, *kind, *specialities, *phone;
    const int64_t *committee_ids;
    int ncommittees;
} gg_mediator_new_t;

int gg_committee_create(gg_op_t *op, const gg_committee_t *in, int64_t *id, gg_error_t *err);
int gg_committee_list(gg_op_t *op, int64_t unit_id, gg_committee_t **rows, int *n, gg_error_t *err);
int gg_mediator_create(gg_op_t *op, const gg_mediator_new_t *in, int64_t *id, gg_error_t *err);
/* unit_id 0: every entry in scope and above it; account_id > 0: the entries linked to that account. */
int gg_mediator_list(gg_op_t *op, int64_t unit_id, int64_t account_id, gg_mediator_t **rows, int *n,
                     gg_error_t *err);
int gg_mediator_get(gg_op_t *op, int64_t id, gg_mediator_t *out, gg_error_t *err);
/* The roster entry linked to the caller's account, made at unit_path's unit when there is none (a mediator
 * who assigns themself). */
int gg_mediator_self(gg_op_t *op, int64_t unit_id, int64_t *id, gg_error_t *err);

#endif
