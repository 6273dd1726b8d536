/* report_demo.h — demo reports: `gridgov demo` asks for the counties' reports of the three months before this
 * one (pending rows; the first `serve` renders them, and its schedule adds last month's of every street). */
#ifndef GG_DOMAIN_REPORTS_REPORT_DEMO_H
#define GG_DOMAIN_REPORTS_REPORT_DEMO_H

#include "db/db.h"

int gg_report_demo(gg_db_t *db, gg_error_t *err);

#endif
