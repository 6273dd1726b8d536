/*
 * api.h — the application context and what every API handler shares.
 *
 * Handlers (one file per resource in src/api/) parse the request, call the
 * domain, and write JSON — nothing else: no SQL here.  Most are descriptors
 * run by gg_api_write (api/write.h).  Errors from any layer arrive as a
 * gg_error_t and are written by gg_api_error, which hands them to
 * gg_resp_error (http/server.c), the one function that turns an error into
 * the JSON body of DESIGN §5.
 */
#ifndef GG_API_API_H
#define GG_API_API_H

#include <jansson.h>

#include "core/map_tiles.h"
#include "db/db.h"
#include "domain/cases/calendar.h"
#include "domain/domain.h"
#include "domain/people/registration.h"
#include "geo/grid_index.h"
#include "http/http.h"
#include "json/jparse.h"
#include "json/jw.h"

typedef struct gg_app {
    gg_db_t *db;
    const char *data_dir;
    const char *tmp_dir; /* data_dir/tmp: upload spool and export files (unlinked once open) */
    const char *version;
    gg_keys_t keys;
    gg_security_t sec; /* sec.keys points at keys */
    /* point-in-grid lookup (geo/grid_index.h), built by `serve`; NULL = none */
    gg_grid_index_t *grid_index;
    /* QR house codes: the base URL printed in them (config public_url, no trailing slash), and the rate
     * limits of the public registration endpoints */
    const char *public_url;
    gg_public_limits_t public_limits;
    /* the maps' tile source (config map_tiles*, core/map_tiles.h); NULL = none */
    const gg_map_tiles_t *map_tiles;
    /* the working calendar's current snapshot (domain/cases/calendar.h), loaded by `serve` and rebuilt
     * after each local edit commits */
    gg_calendar_t *calendar;
    /* unit and category names for inbox rows (domain/cases/names.h); NULL = the rows join them */
    struct gg_names *names;
    /* the live stream's hub of this node (api/stream.c), started by `serve`; NULL = no stream */
    struct gg_live_hub *live;
} gg_app_t;

#define GG_SESSION_COOKIE "gg_session"
/* Set and cleared together with the session cookie but readable by the page's script (holds no secret):
 * a page without it knows nobody is logged in and need not ask GET /me for a 401. */
#define GG_SIGNED_IN_COOKIE "gg_signed_in"
#define GG_CSRF_HEADER "X-CSRF-Token"

/* Register every route of the API on r.  A route that cannot be added (a duplicate, or a parameter
 * named differently at the same place as another route's) fails the whole registration: -1 and err
 * names the route, so `serve` stops at start instead of serving without it. */
int gg_api_register(gg_router_t *r, gg_error_t *err);

/* One route of a resource's table; upload: a gg_router_add_upload route. */
typedef struct gg_api_route {
    const char *method;
    const char *pattern;
    gg_handler_fn fn;
    const void *data;
    int upload;
} gg_api_route_t;

/* Add the n routes of a table; the first that fails stops it (-1, err names it). */
int gg_api_add_routes(gg_router_t *r, const gg_api_route_t *routes, int n, gg_error_t *err);
#define GG_API_ROUTES(r, table, err)                                                                         \
    gg_api_add_routes((r), (table), (int)(sizeof(table) / sizeof((table)[0])), (err))

/* Resource registration, one per file (each returns gg_api_add_routes's result). */
int gg_api_health_routes(gg_router_t *r, gg_error_t *err);
int gg_api_session_routes(gg_router_t *r, gg_error_t *err);
int gg_api_account_routes(gg_router_t *r, gg_error_t *err);
int gg_api_audit_routes(gg_router_t *r, gg_error_t *err);
int gg_api_unit_routes(gg_router_t *r, gg_error_t *err);
int gg_api_grid_routes(gg_router_t *r, gg_error_t *err);     /* grids.c: grids, restructuring, locate */
int gg_api_place_routes(gg_router_t *r, gg_error_t *err);    /* places.c: buildings, houses, households */
int gg_api_resident_routes(gg_router_t *r, gg_error_t *err); /* residents.c: residents, tags */
int gg_api_calendar_routes(gg_router_t *r, gg_error_t *err); /* cases/calendar.c: the working calendar */
int gg_api_qr_routes(gg_router_t *r,
                     gg_error_t *err); /* qrcodes.c: QR house codes, public registration, approval */
int gg_api_transfer_routes(gg_router_t *r,
                           gg_error_t *err);            /* transfer.c: bulk import and export (CSV, XLSX) */
int gg_api_map_routes(gg_router_t *r, gg_error_t *err); /* map.c: the maps' tile source (public) */
int gg_api_category_routes(gg_router_t *r, gg_error_t *err); /* cases/categories.c: 事项分类 */
int gg_api_dispute_routes(gg_router_t *r, gg_error_t *err);  /* mediation/disputes.c: 矛盾纠纷 */
int gg_api_mediation_routes(gg_router_t *r,
                            gg_error_t *err);            /* mediation/mediation.c: roster, measures, desk */
int gg_api_case_routes(gg_router_t *r, gg_error_t *err); /* cases/cases.c: intake, read, boxes, export */
int gg_api_public_case_routes(gg_router_t *r, gg_error_t *err); /* cases/public_cases.c: 随手拍, tracking */
int gg_api_hotline_line_routes(gg_router_t *r, gg_error_t *err); /* cases/hotline_lines.c */
int gg_api_webhook_routes(gg_router_t *r, gg_error_t *err);      /* webhooks.c: outbox subscriptions */
int gg_api_notification_routes(gg_router_t *r, gg_error_t *err); /* notifications.c: staff notifications */
int gg_api_stream_routes(gg_router_t *r, gg_error_t *err);
/* centres/: the one window, petitions, legal services, counselling, screening (docs/centres.md) */
int gg_api_centre_routes(gg_router_t *r, gg_error_t *err);
int gg_api_petition_routes(gg_router_t *r, gg_error_t *err);
int gg_api_legal_routes(gg_router_t *r, gg_error_t *err); /* stream.c: Server-Sent Events */
/* cases/hotline_orders.c: the 12345 platform link (signed pushes, the line's link settings) */
int gg_api_hotline_link_routes(gg_router_t *r, gg_error_t *err);
int gg_api_video_routes(gg_router_t *r, gg_error_t *err); /* video.c: cameras and signed video alarms */
/* cases/case_actions.c: POST /cases/{id}/actions/{action}, the reporter's public rate and reopen */
int gg_api_case_action_routes(gg_router_t *r, gg_error_t *err);
/* cases/public_categories.c: what residents may pick, for 随手拍 without a login */
int gg_api_public_category_routes(gg_router_t *r, gg_error_t *err);
/* open311.c: /open311/v2/ (GeoReport v2); open311_keys.c: its keys and the answers stored with a case */
int gg_api_open311_routes(gg_router_t *r, gg_error_t *err);
int gg_api_report_routes(gg_router_t *r, gg_error_t *err);
int gg_api_open311_key_routes(gg_router_t *r, gg_error_t *err);
/* suggest.c: dispatch suggestions (智能派单) and their models */
int gg_api_suggest_routes(gg_router_t *r, gg_error_t *err);
/* grid_assignments.c: assignments and the staffing queries */
int gg_api_grid_assignment_routes(gg_router_t *r, gg_error_t *err);
/* measures/measures.c: the measures of a unit's subtree and their series */
int gg_api_measure_routes(gg_router_t *r, gg_error_t *err);

/* command/command.c: the command centre's summary and markers, hotspots, repeats, rising grids */
int gg_api_command_routes(gg_router_t *r, gg_error_t *err);
int gg_api_assessment_routes(gg_router_t *r, gg_error_t *err);
int gg_api_visit_routes(gg_router_t *r, gg_error_t *err);
/* visits/visits.c: 入户走访 (docs/visits.md) */ /* assessment/assessment.c: 考核 */

/* Write e as the JSON error response. */
void gg_api_error(gg_req_t *req, const gg_error_t *e);
/* The same, and when e is a 429 with retry_after_s > 0: the Retry-After header and "retry_after" in the
 * error object, so a client knows how long to wait. */
void gg_api_error_retry(gg_req_t *req, const gg_error_t *e, int retry_after_s);
/* Count one request of the client address against the public limit max (per the configured window) under
 * key "prefix:address".  0, or -1 with the 429 (or the database's error) written; the caller still releases
 * its connection.  Every endpoint reachable without a login goes through here. */
int gg_api_public_hit(gg_req_t *req, gg_db_conn_t *c, const char *prefix, int max);
/* A signed push from a remote platform (the 12345 link, a camera platform): the sender's positive id in
 * header, else -1 with a 401 naming the header written (missing says what to name). */
int gg_api_push_sender(gg_req_t *req, const char *header, const char *missing, long long *id);
/* Its X-Gridgov-Signature over the body with the sender's secret, within five minutes (domain/webhook.h).
 * found 0 (no such sender, or one that takes no pushes) is the same 401 as a bad signature, naming header:
 * nothing tells the two apart.  0, or -1 with err set (not written). */
int gg_api_push_verify(gg_req_t *req, const char *secret, int found, const char *header, const char *unknown,
                       gg_error_t *err);
/* The lookup every public read and step counts: prefix "public", the lookups_per_address limit. */
int gg_api_public_lookup(gg_req_t *req, gg_db_conn_t *c);

/* Start a JSON response body with the given status; returns the writer. */
gg_jw_t *gg_api_json(gg_req_t *req, int status);
/* Start a list answer, {"items": [ — the caller writes the items, closes the array, adds what follows
 * it ("next", "total") and closes the object. */
gg_jw_t *gg_api_items(gg_req_t *req, int status);
/* Close it: the array, "next" (the last id of a full page of limit rows, else null; limit 0: no "next"),
 * "total" when total >= 0 (asked for with ?total=1), the object. */
void gg_api_items_end(gg_req_t *req, gg_jw_t *w, int n, int limit, int64_t last_id, int64_t total);
/* ?limit= (1..max, default def) and ?after= (a last id seen) into page. */
int gg_api_query_page(gg_req_t *req, int max, int def, gg_page_t *page);

/* Parse req->body as a JSON object and check it against fields; on failure the
 * 4xx response is already written and -1 returned.  *out must be json_decref'd. */
int gg_api_body(gg_req_t *req, const gg_field_t *fields, int nfields, json_t **out);

/*
 * The one authorisation entry point of every protected handler: take a
 * database connection and authenticate the caller (Bearer token, or the
 * session cookie plus the CSRF header on state-changing methods).  On failure
 * the 401/403/503 is written and -1 returned.  Accounts that must change their
 * password get 403 password_change_required except where flags allow it.
 * Pair with gg_api_end.
 */
#define GG_API_ALLOW_PWCHANGE 1
int gg_api_begin(gg_req_t *req, int flags, gg_db_conn_t **c, gg_auth_t **auth);
void gg_api_end(gg_req_t *req, gg_db_conn_t *c);
/* The session token the request carries (Bearer or cookie), or NULL. */
const char *gg_api_token(gg_req_t *req, int *via_cookie);

/* Query parameters with validation: a bad value writes a 400 naming the
 * parameter and returns -1; absent gives def. */
int gg_api_query_int(gg_req_t *req, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out);
int gg_api_query_str(gg_req_t *req, const char *name, size_t max_chars, const char **out);
/* ?name=YYYY-MM-DD → Unix ms of 00:00 Asia/Shanghai that day (next_day: of the day after, for an inclusive
 * "to"); absent or empty: 0; otherwise a 400 naming the parameter (reason malformed). */
int gg_api_query_date(gg_req_t *req, const char *name, int next_day, int64_t *out);
/* ?reveal=id_number,phone on the read of one record with personal data. */
typedef struct gg_reveal {
    int id_number, phone;  /* asked for; after gg_api_reveal_check: what is shown unmasked */
    const char *fields[2]; /* the fields revealed, for the pii.read audit row */
    int nfields;
} gg_reveal_t;
/* Parse ?reveal= (a 400 naming "reveal" for anything but id_number and phone). */
int gg_api_query_reveal(gg_req_t *req, gg_reveal_t *rv);
/* Keep only the asked-for fields that hold something, and refuse (403: "you may not see unmasked personal
 * data of this <what>") unless the caller has pii.read at unit_path.  Nothing asked: 0, nothing checked.
 * The caller puts rv->fields on record (committed) before the data leaves. */
int gg_api_reveal_check(const gg_auth_t *auth, gg_reveal_t *rv, const char *unit_path, const char *id_number,
                        const char *phone, const char *what, gg_error_t *err);

/* Path parameter that must be a positive id; writes 404 when it is not one. */
int gg_api_path_id(gg_req_t *req, const char *name, int64_t *out);

/* Acquire a database connection or write a 503; -1 on failure. */
int gg_api_conn(gg_req_t *req, gg_db_conn_t **c);
void gg_api_release(gg_req_t *req, gg_db_conn_t *c);

#endif
