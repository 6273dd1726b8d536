/*
 * names.h — the names an inbox row shows (unit names, category names zh/en)
 * from an immutable, reference-counted snapshot instead of three joins per
 * row (issue 9's read ratios).
 *
 * Contracts
 *  - A gg_names_snapshot_t never changes once built: any number of threads
 *    read it at once.  gg_names_t holds the current one (a pointer swapped
 *    under a mutex; the last reference frees the old one), like the calendar
 *    (domain/cases/calendar.h).
 *  - Freshness: every rename of a unit or a category bumps the counter `names_generation` (gg_names_changed,
 * in the writer's transaction).  gg_names_sync reads that counter (one primary-key read) and rebuilds when it
 * moved, so a rename committed on any node is seen by the next request on every node.  A unit created since
 * the snapshot (no rename, so no bump) is a miss: gg_names_unit answers NULL and the reader calls
 * gg_names_reload once (case_list.c does).
 *  - Strings live in the snapshot: valid while the caller holds its reference.
 */
#ifndef GG_DOMAIN_CASES_NAMES_H
#define GG_DOMAIN_CASES_NAMES_H

#include "domain/domain.h"

typedef struct gg_names gg_names_t;
typedef struct gg_names_snapshot gg_names_snapshot_t;

gg_names_t *gg_names_new(void); /* empty (generation -1: the first sync loads) */
void gg_names_free(gg_names_t *n);

/* Rebuild when names_generation moved past the snapshot's (or nothing is loaded yet). */
int gg_names_sync(gg_db_conn_t *c, gg_names_t *n, gg_error_t *err);
/* Rebuild now (after a miss). */
int gg_names_reload(gg_db_conn_t *c, gg_names_t *n, gg_error_t *err);

gg_names_snapshot_t *gg_names_acquire(gg_names_t *n);
void gg_names_release(gg_names_snapshot_t *s);

/* The unit's name, NULL when the snapshot does not know the id. */
const char *gg_names_unit(const gg_names_snapshot_t *s, int64_t id);
/* The category's names: 1 and *name / *name_en (may be NULL) when known, 0 otherwise. */
int gg_names_category(const gg_names_snapshot_t *s, int64_t id, const char **name, const char **name_en);

/* In a writer's transaction: a unit or category name changed (bumps names_generation). */
#define GG_NAMES_GENERATION_KEY "names_generation"
int gg_names_changed(gg_db_conn_t *c, gg_error_t *err);

#endif
