/* mediation_api.h — what the handler files of /api/v1/disputes, /mediators, /committees and /mediation share
 * (api/mediation/). */
#ifndef GG_API_MEDIATION_API_H
#define GG_API_MEDIATION_API_H

#include "api/api.h"
#include "domain/mediation/dispute.h"

/* One dispute as JSON (full: with parties masked, mediators, sessions, agreement, follow-ups, timeline). */
void gg_api_dispute_json(gg_jw_t *w, gg_arena_t *a, const gg_dispute_t *d, int full);

int gg_api_dispute_action_routes(gg_router_t *r, gg_error_t *err); /* dispute_actions.c */

#endif
