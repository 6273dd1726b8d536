/* qrcodes.c — /api/v1: QR house codes (PNG/SVG, printable building sheets), the public registration page's API, approval by grid workers. */
#include "api/api.h"

void gg_api_qr_routes(gg_router_t *r)
{
    (void)r;
}
