/*
 * open311.h — the Open311 GeoReport v2 channel (docs/api.md "Open311"): client keys, the services offered
 * (categories a resident may pick), their questions (category_attribute), an Open311 request made into an
 * ordinary case (channel open311, through gg_case_create), and what the public listing shows of such cases.
 *
 * Contracts
 *  - Keys: 43 chars base64url of 256 random bits, shown once; only sha256 hex is stored.  A key names a unit
 *    subtree: its requests must lie there, and GET answers given with the key only show cases there.
 *    Create and revoke need settings.manage at the root (gg_settings_may_manage) and are audited
 *    (open311_key.create, open311_key.revoke).
 *  - The listing shows cases of channel open311 only (what their reporters sent to a public interface),
 *    never a name, phone or e-mail.
 *  - Errors name the Open311 parameter (service_code, lat, attribute[CODE], description, jurisdiction_id).
 */
#ifndef GG_DOMAIN_OPEN311_H
#define GG_DOMAIN_OPEN311_H

#include "domain/cases/case_create.h"
#include "domain/attachment.h"
#include "domain/cases/category.h"
#include "domain/domain.h"
#include "domain/op.h"

#define GG_O311_MAX_ATTRS 64
#define GG_O311_MAX_LIST 1000 /* requests per GET (the spec's default and ours) */
#define GG_O311_DEFAULT_DAYS 90

/* ---- keys ---- */

typedef struct gg_o311_key {
    int64_t id, unit_id;
    const char *name, *unit_name, *unit_path, *key_prefix;
    int rate_per_minute;
    int64_t created_by, created_at, revoked_at, last_used_at;
} gg_o311_key_t;

int gg_o311_key_list(gg_op_t *op, gg_o311_key_t **rows, int *n, gg_error_t *err);
int gg_o311_key_get(gg_op_t *op, int64_t id, gg_o311_key_t *out, gg_error_t *err);
/* Create (settings.manage at the root); *key the plain key, shown once. */
int gg_o311_key_create(gg_op_t *op, const char *name, int64_t unit_id, int rate_per_minute, int64_t *id,
                       char key[44], gg_error_t *err);
int gg_o311_key_revoke(gg_op_t *op, int64_t id, gg_error_t *err);
/* The live (unrevoked) key whose plain text is key: *found 0 when none. */
int gg_o311_key_find(gg_db_conn_t *c, gg_arena_t *a, const char *key, gg_o311_key_t *out, int *found,
                     gg_error_t *err);

/* ---- services ---- */

typedef struct gg_o311_value {
    const char *key, *name;
} gg_o311_value_t;

typedef struct gg_o311_attr {
    const char *code, *datatype, *description, *datatype_description;
    int required, order;
    gg_o311_value_t *values;
    int nvalues;
} gg_o311_attr_t;

typedef struct gg_o311_service {
    int64_t category_id;
    const char *code; /* the category's code path: complaint.city_appearance.exposed_rubbish */
    const char *name, *name_en, *description, *group, *keywords;
    int nattrs; /* questions it has (metadata = nattrs > 0) */
} gg_o311_service_t;

/* Every service offered, in catalogue order. */
int gg_o311_services(gg_db_conn_t *c, gg_arena_t *a, gg_o311_service_t **rows, int *n, gg_error_t *err);
/* One service by code (its code path); 404 naming service_code when it is not offered. */
int gg_o311_service_find(gg_db_conn_t *c, gg_arena_t *a, const char *code, gg_o311_service_t *out,
                         gg_error_t *err);
/* The questions of a category, in order. */
int gg_o311_attributes(gg_db_conn_t *c, gg_arena_t *a, int64_t category_id, gg_o311_attr_t **rows, int *n,
                       gg_error_t *err);

/* ---- requests ---- */

typedef struct gg_o311_answer {
    const char *code, *value; /* one value; a multivaluelist answer is several with the same code */
    int is_list;              /* it came as attribute[CODE][] */
    const char *question;     /* gg_o311_case_answers: the question's text (NULL: no such question now) */
    const char *value_name;   /* and the list value's name (NULL: not a list value) */
} gg_o311_answer_t;

typedef struct gg_o311_request_in {
    const gg_o311_key_t *key;
    const char *service_code, *description, *address, *email, *first_name, *last_name, *phone, *media_url;
    int has_point;
    double lat, lon;
    gg_o311_answer_t answers[GG_O311_MAX_ATTRS];
    int nanswers;
} gg_o311_request_in_t;

/* Check the answers against the service's questions (required, datatype, list values; 400 naming
 * attribute[CODE]) and make the case (gg_case_create, channel open311) with its open311_request and
 * case_attribute rows, in the caller's transaction.  *number: the case number; token: the request token. */
int gg_o311_request_create(gg_op_t *op, const gg_case_env_t *env, const gg_o311_request_in_t *in,
                           int64_t *case_id, const char **number, char token[44], gg_error_t *err);

typedef struct gg_o311_filter {
    const char **numbers; /* service_request_id list (case numbers); NULL/0: any */
    int nnumbers;
    const int64_t *categories; /* service_code list as category ids; ncategories -1: none matched */
    int ncategories;
    int64_t start, end;      /* requested between (ms; 0: open) */
    int status;              /* 0 any, 1 open, 2 closed */
    const char *within_path; /* a key's subtree, or NULL */
    int limit;
} gg_o311_filter_t;

typedef struct gg_o311_request {
    int64_t case_id, category_id;
    const char *number, *state, *status, *service_code, *service_name, *description, *agency, *address;
    const char *status_notes, *media_url, *token;
    int has_point;
    double lat, lon;
    int64_t requested_at, updated_at, expected_at;
    int64_t photo_id; /* the first photo of a public event (0: none) */
} gg_o311_request_t;

/* The newest updated_at of the open311 cases (0: none): what a kept listing is valid for. */
int gg_o311_list_version(gg_db_conn_t *c, int64_t *version, gg_error_t *err);
/* "open" or "closed" for a case state. */
const char *gg_o311_status(const char *state);
int gg_o311_requests(gg_db_conn_t *c, gg_arena_t *a, const gg_o311_filter_t *f, gg_o311_request_t **rows,
                     int *n, gg_error_t *err);
/* The case number of a request token; 404 when unknown. */
int gg_o311_token_number(gg_db_conn_t *c, gg_arena_t *a, const char *token, const char **number,
                         gg_error_t *err);
/* An attachment the listing points at (media_url): a photo linked to a public event of an open311 case;
 * 404 otherwise. */
int gg_o311_media(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_attachment_t *out, gg_error_t *err);

/* The answers stored with a case, for staff (GET /api/v1/cases/{id}/attributes; the case visible to op). */
int gg_o311_case_answers(gg_op_t *op, int64_t case_id, gg_o311_answer_t **rows, int *n, gg_error_t *err);

#endif
