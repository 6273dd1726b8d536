/* places.c — /api/v1: buildings, houses, QR house codes, households. */
#include "api/api.h"

void gg_api_place_routes(gg_router_t *r)
{
    (void)r;
}
