/*
 * centres_demo.h — the governance centres' demo data in 下陆区 (docs/centres.md "Demo data"), run by
 * `gridgov demo` after the mediation demo:
 *  - once (skipped when 下陆区 has any legal counter): the centres of the county and its streets, the legal
 *    counters (法律咨询, 公证, 法律援助 at the county; a 公共法律服务工作站 per street), their professionals
 *    (lawyers, a notary, a judge on duty, legal-aid staff), a few booked appointments (resident_demo's own,
 *    desk bookings for walk-ins, one cancelled), one-window matters on every route but mediation and the
 *    case loop, and petitions in several states;
 *  - every run: the demo professionals' consultation slots on the working days of the next 14 days (the
 *    working calendar), only those not there yet — running it twice adds nothing, running it a week later
 *    keeps two weeks bookable.
 * Everything goes through the domain functions (validated, audited) as the centre's desk would.
 */
#ifndef GG_DOMAIN_CENTRES_CENTRES_DEMO_H
#define GG_DOMAIN_CENTRES_CENTRES_DEMO_H

#include "domain/cases/calendar.h"
#include "domain/domain.h"

typedef struct gg_centres_demo_stats {
    int already; /* the counters, appointments, matters and petitions were there before */
    int64_t counters, professionals, slots, appointments, matters, petitions;
} gg_centres_demo_stats_t;

/* cal: the working calendar (NULL: Monday to Friday). */
int gg_centres_demo(gg_db_t *db, const gg_keys_t *keys, const gg_cal_snapshot_t *cal,
                    gg_centres_demo_stats_t *st, gg_error_t *err);

#endif
