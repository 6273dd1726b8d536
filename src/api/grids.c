/* grids.c — /api/v1: grids, restructuring, assignments, point-in-grid lookup. */
#include "api/api.h"

void gg_api_grid_routes(gg_router_t *r)
{
    (void)r;
}
