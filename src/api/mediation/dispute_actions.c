/* dispute_actions.c — the steps of mediation on one dispute (POST /api/v1/disputes/{id}/…). */
#include "api/mediation/mediation_api.h"

int gg_api_dispute_action_routes(gg_router_t *r, gg_error_t *err)
{
    (void)r;
    (void)err;
    return 0;
}
