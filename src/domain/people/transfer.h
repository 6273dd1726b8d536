/*
 * transfer.h — bulk import (批量导入) of residents and houses from CSV/XLSX
 * rows, and the columns, labels and row iteration that export (导出) and the
 * templates share.
 *
 * Import: the first row is the header; columns are recognised by their
 * Chinese template name or an English alias (姓名/name, 身份证号/id_number …),
 * in any order, with a trailing "*" (the templates' "required" mark) ignored.
 * Each data row is validated and written by the same domain functions as the
 * single-record API (gg_resident_create/update, gg_house_create/update,
 * gg_household_*), so an imported row obeys exactly the same rules, scope and
 * audit.  Each row runs in a SAVEPOINT: it is written whole or not at all.
 * Rows are committed in batches of GG_IMPORT_BATCH (short write locks, memory
 * bounded); a dry run rolls every batch back.  A resident whose ID number is
 * already registered in the caller's scope is updated with the row's
 * non-empty cells; a house with the same building, entrance and room likewise.
 * Re-running an import therefore converges instead of duplicating.
 *
 * A row's failure is collected as {row, field, column, message}; row is the
 * spreadsheet row (header = 1).  Problems with the file as a whole (no header,
 * an unknown column, a malformed file, a target outside scope) fail the call.
 * One audit row per import ("import.residents" / "import.houses") records the
 * counts, no personal data; the rows' own writes are audited as usual.
 */
#ifndef GG_DOMAIN_TRANSFER_H
#define GG_DOMAIN_TRANSFER_H

#include "core/table.h"
#include "domain/domain.h"
#include "domain/tree/place.h"
#include "domain/people/resident.h"

#define GG_IMPORT_BATCH 200
#define GG_IMPORT_MAX_ERRORS 1000 /* kept in the result; the rest are counted */
#define GG_IMPORT_MAX_ROWS 200000

typedef enum { GG_XFER_RESIDENTS = 1, GG_XFER_HOUSES = 2 } gg_xfer_kind_t;

/* A column of the template / export. */
typedef struct gg_xfer_col {
    const char *field;   /* API field name, also the English header alias */
    const char *zh;      /* Chinese header (the template's) */
    const char *aliases; /* more accepted headers, '|'-separated, or NULL */
    int required;        /* import: the column must be present and the cell non-empty */
    int import;          /* 0: export only (ignored on import) */
    const char *help;    /* the XLSX template's explanation (Chinese) */
    const char *example; /* the template's example value */
} gg_xfer_col_t;

/* The columns of a kind, in template order. */
const gg_xfer_col_t *gg_xfer_columns(gg_xfer_kind_t kind, int *n);

typedef struct gg_import_error {
    long row;
    const char *field;  /* API field name ("id_number"), or "" */
    const char *column; /* the header as written in the file, or "" */
    const char *message;
    const char *reason; /* as in gg_error_t: why, for the UI to say in its language (NULL: none) */
    int has_min, has_max;
    long long min, max;
} gg_import_error_t;

typedef struct gg_import_result {
    long read, imported, updated, failed;
    gg_import_error_t *errors; /* the first GG_IMPORT_MAX_ERRORS, in row order */
    int nerrors;
} gg_import_result_t;

typedef struct gg_import_opts {
    gg_xfer_kind_t kind;
    int64_t unit_id;     /* residents: community, grid or micro-grid; houses: the grid of the 楼栋 column */
    int64_t building_id; /* houses: every row into this building (then no 楼栋 column is needed) */
    int dry_run;         /* validate and roll back */
    const char *format;  /* "csv" / "xlsx", for the audit row */
} gg_import_opts_t;

/* Import every row of t.  <0 only for problems with the request or the file as a whole. */
int gg_import_run(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth, gg_table_t *t,
                  const gg_import_opts_t *o, gg_import_result_t *res, gg_error_t *err);

/* ---- export ---- */

/* One exported row: cells in gg_xfer_columns order (NULL = empty), valid during the callback. */
typedef int (*gg_export_row_fn)(void *ctx, const char *const *cells, int n, gg_error_t *err);

typedef struct gg_export_opts {
    gg_resident_filter_t residents; /* residents: unit_id, type, tag, separated, q */
    gg_place_filter_t houses;       /* houses: unit_id, building_id, q */
    int reveal;                     /* unmask ID numbers and phones where the caller has pii.read */
} gg_export_opts_t;

typedef struct gg_export_counts {
    int64_t rows, unmasked; /* unmasked: rows shown with a clear ID number or phone */
} gg_export_counts_t;

/* Every row in the caller's scope matching the filters, in id order, a page at a time (memory stays
 * bounded whatever the count).  Values are the labels people read (男, 户籍, 是 …): what the import takes. */
int gg_export_run(gg_db_conn_t *c, const gg_keys_t *keys, const gg_auth_t *auth, gg_xfer_kind_t kind,
                  const gg_export_opts_t *o, gg_export_row_fn fn, void *ctx, gg_export_counts_t *counts,
                  gg_error_t *err);
/* The audit row of an unmasked export (pii.export), with counts and filters; call in a transaction that
 * commits before the file leaves. */
int gg_export_audit(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, gg_xfer_kind_t kind,
                    const gg_export_opts_t *o, const gg_export_counts_t *counts, gg_error_t *err);

#endif
