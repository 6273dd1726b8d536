/*
 * export.h — `?format=xlsx` on list endpoints (docs/reports.md "Exports"): the one piece that turns the
 * JSON a list operation answers into a spreadsheet, so every table the web app shows can be downloaded
 * as it is shown (same filters, same scope, same masking: the export IS the list answer).
 *
 * How a list opts in: its descriptor (api/write.h) gets `.xlsx = &EXPORT`, a gg_export_t naming the file,
 * the sheet and the columns (a dotted key into each item: "home_unit.name"; a header in Chinese).  The
 * operation runner (gg_api_write) then, for a request with format=xlsx:
 *  1. runs the operation as usual, except that gg_api_query_page gives it one page of up to
 *     GG_EXPORT_MAX_ROWS rows (from `after` on, if given) instead of its usual page size;
 *  2. reads the JSON answer's "items" and writes one row per item (strings as text, numbers as numbers,
 *     true/false as 是/否, arrays joined by "、" — of objects, their "name"), header bold, frozen;
 *  3. answers the XLSX as a download (Content-Disposition file-YYYYMMDD.xlsx, X-Export-Rows; when the list
 *     had more rows than the limit, X-Export-Truncated: true and the next cursor in X-Export-Next).
 * A list whose descriptor has no .xlsx ignores format (as before); format other than json/xlsx is 400.
 * The case list keeps its own streaming export (GET /cases/export, 100 000 rows, reporter columns).
 * Errors (a 4xx of the list) are answered as JSON, unchanged.
 */
#ifndef GG_API_EXPORT_H
#define GG_API_EXPORT_H

#include "api/api.h"

#define GG_EXPORT_MAX_ROWS 10000

typedef struct gg_export_col {
    const char *key;    /* "name", "home_unit.name" */
    const char *header; /* "姓名" */
    double width;       /* characters; 0 = 14 */
} gg_export_col_t;

typedef struct gg_export {
    const char *file;  /* "accounts" → accounts-20261204.xlsx */
    const char *sheet; /* "账号" */
    const gg_export_col_t *cols;
    int ncols;
} gg_export_t;

#define GG_EXPORT_COLS(a) (a), (int)(sizeof(a) / sizeof((a)[0]))

/* The runner's side: is this request an export of a list that has one (400 written and -1 for a bad
 * format)?  Sets the page override of gg_api_query_page for this thread until gg_api_export_end. */
int gg_api_export_begin(gg_req_t *req, const gg_export_t *x, int *active);
void gg_api_export_end(void);
/* The page size the current request's lists use in an export (0: no export under way). */
int gg_api_export_rows(void);
/* Turn the JSON list answer in req->out into the XLSX answer (after a 200 only); <0 with err set. */
int gg_api_export_respond(gg_req_t *req, const gg_export_t *x, gg_error_t *err);

#endif
