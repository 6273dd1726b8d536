/*
 * write.h — the one shell of every authenticated operation on a resource
 * (its writes, and the reads of one thing or one list): an operation is a
 * descriptor (gg_write_op_t) reached through the router's route data, and
 * gg_api_write runs it.  A new operation is a route-table entry,
 * GG_WRITE_ROUTE(method, pattern, descriptor), plus the functions that
 * differ: what it reads from the query and body, what it does in the
 * transaction, what it answers.
 *
 * Contract of gg_api_write, in order (each failing step writes its 4xx/5xx
 * and stops; the order is the one the API's handlers always had):
 *  1. Path ids: each name in path_ids must be a positive id, else 404.
 *     ids[i] gets path_ids[i]; id is ids[0].  Other path parameters
 *     ({tag_code}) are read with gg_req_param(w->req, ...).
 *  2. parse (optional): query parameters into state, like step 1 before
 *     authentication; it writes its own 400 (gg_api_query_*) and returns -1.
 *  3. gg_api_begin(flags): connection plus caller (401/403/503); w->op is
 *     the per-operation context (domain/op.h) from here on.
 *  4. The body, when fields is set: JSON only (415), checked against fields
 *     followed by more (400 naming the field); more lets a POST and a PATCH
 *     share one field list and add their own.  No fields: the body is
 *     ignored; body_optional: an empty body is none (w->body stays NULL).
 *  5. prepare (optional), outside any transaction: read the body into state,
 *     check what the schema cannot ("name is required").  No effects.
 *  6. run (optional), inside gg_db_tx with w->op.c in the transaction.  It
 *     may be run more than once (gg_db_tx retries on busy/serialization), so
 *     it starts from w->body/state each time (w->result is reset to id) and
 *     has no effect outside the database; what must follow the commit is an
 *     after-commit hook (gg_db_on_commit, db/db.h).  It sets w->result when
 *     it makes something (the new id).  A 403/404 from run of an operation
 *     with refused_action is audited in a transaction of its own: to the
 *     caller an object outside its scope looks missing, but reaching past
 *     one's scope is what an auditor looks for.
 *  7. respond (optional), with the connection still held and outside any
 *     transaction: load (what run wrote, or what a read reads), then write
 *     the JSON with gg_api_json(req, w->status) or gg_api_items; return <0
 *     only before writing anything.  A read that shows personal data unmasked
 *     puts that read on record first (its own gg_db_tx) — before the data
 *     leaves.  No respond: 204.  With status 201 and location set, the runner
 *     adds the Location header (a printf format taking w->result as long long).
 *  8. The body is released (it lives through respond), the connection
 *     returned, an error from steps 5–7 written with gg_api_error.
 * A descriptor without run is a read: steps 1, 2, 3, 7, 8.
 * Idempotency-Key: a POST with run (unless no_idempotency) that carries the header has its key checked
 * after step 2 (400 naming Idempotency-Key), claimed inside run's transaction before run, and stored
 * with w->status and w->result in that same transaction.  A retry with the same key, method, path and
 * body skips run and goes to respond with the first result (w->replayed = 1, header Idempotent-Replayed:
 * true); the same key for another request is 422 idempotency_key_reused.  A failed run stores nothing.
 * state: state_size zeroed bytes from the request arena, the operation's own
 * struct, alive from parse to respond.
 */
#ifndef GG_API_WRITE_H
#define GG_API_WRITE_H

#include "api/api.h"
#include "domain/op.h"

#define GG_WRITE_MAX_IDS 2

typedef struct gg_write {
    gg_req_t *req;
    gg_op_t op;                    /* connection, arena, caller, actor, keys */
    int64_t ids[GG_WRITE_MAX_IDS]; /* the path ids named by path_ids */
    int64_t id;                    /* ids[0] */
    json_t *body;                  /* the checked body (NULL without fields), until respond returns */
    int64_t result;                /* the id respond answers with; starts as id */
    int status;                    /* the status respond writes (the descriptor's, default 200) */
    void *state;                   /* state_size zeroed bytes from the arena */
    int replayed;                  /* 1: an Idempotency-Key replay (run skipped; result, status and
                                      result_secret are the first request's) */
    const char *result_secret;     /* run may set it: a secret the answer shows once (a case's tracking
                                      secret), kept encrypted with the key so a replay shows it too */
    void *idem_;                   /* private to write.c */
} gg_write_t;

typedef struct gg_write_op {
    const char *path_ids[GG_WRITE_MAX_IDS];
    int flags; /* GG_API_ALLOW_PWCHANGE */
    const gg_field_t *fields;
    int nfields;
    const gg_field_t *more;
    int nmore;
    int body_optional; /* an empty body is no body (w->body NULL): for writes whose details may all default */
    size_t state_size;
    int (*parse)(gg_write_t *w);
    int (*prepare)(gg_write_t *w, gg_error_t *err);
    int (*run)(gg_write_t *w, gg_error_t *err);
    int (*respond)(gg_write_t *w, gg_error_t *err);
    int status;           /* 0 = 200 */
    const char *location; /* with status 201: "/api/v1/residents/%lld" */
    /* Refusals on record: when run fails with 403 or 404, an audit row refused_action on
     * (refused_type, path id) is written in a transaction of its own (the refused change rolled back). */
    const char *refused_action;
    const char *refused_type;
    /* Idempotency-Key (domain/idempotency.h) is honoured by every POST with run; 1 opts out. */
    int no_idempotency;
    /* A list that answers ?format=xlsx|csv too (api/export.h): its file, sheet and columns. */
    const struct gg_export *xlsx;
} gg_write_op_t;

/* A field list for a descriptor: .fields = GG_FIELDS(resident_fields) sets fields and nfields. */
#define GG_FIELDS(a) (a), (int)(sizeof(a) / sizeof((a)[0]))

/* Idempotency-Key for a handler outside the runner (the public case intake): the header checked — a 400
 * written and -1 when malformed — and, when present, x made for this request (caller: the account when
 * account_id > 0, else the client address) and 1 returned; 0 without a header.  The handler then claims
 * and finishes x inside its transaction (domain/idempotency.h) as the runner does. */
struct gg_idem;
int gg_api_idem(gg_req_t *req, int64_t account_id, struct gg_idem *x);

/* The handler every descriptor route registers (route data: a const gg_write_op_t *). */
void gg_api_write(gg_req_t *req);

/* A route table entry for the operation op. */
#define GG_WRITE_ROUTE(method, pattern, op)                                                                  \
    {                                                                                                        \
        (method), (pattern), gg_api_write, &(op), 0                                                          \
    }

#endif
