/* transfer.c — /api/v1: bulk import of houses and residents from CSV/XLSX with row-by-row errors, templates, scoped and masked export. */
#include "api/api.h"

void gg_api_transfer_routes(gg_router_t *r)
{
    (void)r;
}
