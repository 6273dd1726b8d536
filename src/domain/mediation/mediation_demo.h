/*
 * mediation_demo.h — the mediation area's demo data and the bulk loader (docs/mediation.md "Demo and bulk"):
 *  - gg_mediation_demo: in 下陆区 the committees (district, street, community people's mediation committees
 *    and the professional ones), a roster (the demo mediator accounts linked), and a few hundred disputes run
 *    through the domain functions — sessions, outcomes mostly successful, agreements, follow-ups, a few
 *    escalated, failed or referred to litigation, sessions today on the demo mediators' desks.  Once: skipped
 *    when any dispute exists.
 *  - gg_mediation_bulk: count disputes spread over the communities of a unit (the bench's 100,000, the
 *    1,515-dispute test) written directly — no timeline beyond the registration, no audit rows — then the
 *    rollup rebuilt.  For loading test and bench databases, not production.
 *  - gg_mediation_rollup_rebuild: the rollup recomputed from the disputes (also an operator's repair).
 */
#ifndef GG_DOMAIN_MEDIATION_DEMO_H
#define GG_DOMAIN_MEDIATION_DEMO_H

#include "domain/domain.h"

int gg_mediation_demo(gg_db_t *db, const gg_keys_t *keys, int64_t *made, gg_error_t *err);

typedef struct gg_mediation_bulk {
    int64_t unit_id;
    int64_t count;      /* disputes */
    int64_t success;    /* of which mediated successfully (each with an agreement and a follow-up) */
    int64_t performed;  /* of the successes, the follow-up found performed (the rest: not performed) */
    int64_t litigation; /* referred to litigation (the rest of the closed ones: failure) */
    int64_t open;       /* still open */
    int days;           /* registration days spread over the last days (1: today) */
    uint64_t seed;
} gg_mediation_bulk_t;

int gg_mediation_bulk(gg_db_t *db, const gg_mediation_bulk_t *o, int64_t *made, gg_error_t *err);
int gg_mediation_rollup_rebuild(gg_db_conn_t *c, gg_error_t *err);

#endif
