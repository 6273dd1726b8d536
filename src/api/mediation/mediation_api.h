/* mediation_api.h — what the handler files of /api/v1/disputes, /mediators, /committees and /mediation share
 * (api/mediation/). */
#ifndef GG_API_MEDIATION_API_H
#define GG_API_MEDIATION_API_H

#include "api/api.h"
#include "domain/mediation/dispute.h"

/* One dispute as JSON (full: with parties masked, mediators, sessions, agreement, follow-ups, timeline). */
void gg_api_dispute_json(gg_jw_t *w, gg_arena_t *a, const gg_dispute_t *d, int full);

/* Answer GET /disputes/{w->result} (the dispute after a write). */
struct gg_write;
int gg_api_dispute_respond(struct gg_write *w, gg_error_t *err);
/* One party of a request body (prefix "parties[2]." or "" names its fields in errors). */
int gg_api_dispute_party_read(gg_arena_t *a, json_t *o, const char *prefix, gg_dispute_party_new_t *p,
                              gg_error_t *err);

int gg_api_dispute_edit_routes(gg_router_t *r, gg_error_t *err);   /* dispute_edits.c */
int gg_api_dispute_action_routes(gg_router_t *r, gg_error_t *err); /* dispute_actions.c */

#endif
