/* residents.c — /api/v1: residents, tag dictionary, bulk import and export. */
#include "api/api.h"

void gg_api_resident_routes(gg_router_t *r)
{
    (void)r;
}
