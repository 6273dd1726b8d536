/*
 * case_demo.h — what the demo (domain/demo.c) needs for the case loop besides
 * its counties: the hotline lines (12345 at each demo county, 仙游's 8251825
 * good-neighbour line at its first community) and a few 物业 (property
 * management) units under 马鞍山社区.  Idempotent; a county or community the
 * demo did not import is skipped.
 */
#ifndef GG_DOMAIN_CASES_CASE_DEMO_H
#define GG_DOMAIN_CASES_CASE_DEMO_H

#include "domain/domain.h"

/* In the caller's transaction. */
int gg_case_demo_setup(gg_db_conn_t *c, gg_arena_t *a, gg_error_t *err);

#endif
