/* write.c — gg_api_write: the runner of descriptor-driven operations (the contract is in write.h). */
#include "api/write.h"

#include "api/export.h"

#include <string.h>

#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/idempotency.h"

/* The body checked against fields followed by more (the two lists joined in the arena). */
static int write_body(gg_req_t *req, const gg_write_op_t *op, json_t **out)
{
    if (!op->nmore) return gg_api_body(req, op->fields, op->nfields, out);
    int n = op->nfields + op->nmore;
    gg_field_t *all = gg_alloc(req->arena, sizeof *all * (size_t)n);
    memcpy(all, op->fields, sizeof *all * (size_t)op->nfields);
    memcpy(all + op->nfields, op->more, sizeof *all * (size_t)op->nmore);
    return gg_api_body(req, all, n, out);
}

/* The refused attempt as its own audit row; its failure is not the caller's concern (the refusal is). */
static void audit_refusal(const gg_write_t *w, const gg_write_op_t *op, const gg_error_t *why)
{
    gg_jw_t jw;
    gg_buf_t b = {0};
    gg_jw_init(&jw, &b);
    gg_jw_obj(&jw);
    gg_jw_kstr(&jw, "refused", why->message);
    gg_jw_kint(&jw, "status", why->http_status);
    gg_jw_obj_end(&jw);
    gg_audit_entry_t e = {.action = op->refused_action,
                          .object_type = op->refused_type,
                          .object_id = w->id ? gg_sprintf(w->op.arena, "%lld", (long long)w->id) : NULL,
                          .detail_json = gg_strdup(w->op.arena, b.data)};
    gg_buf_free(&b);
    gg_error_t ignored;
    gg_audit_alone(w->op.c, &w->op.actor, &e, &ignored);
}

static int run_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    gg_write_t *w = ctx;
    const gg_write_op_t *op = w->req->route_data;
    gg_idem_t *idem = w->idem_;
    w->result = w->id; /* a retried run starts again from the same place */
    w->replayed = 0;
    w->result_secret = NULL;
    w->op.c =
        c; /* the transaction's connection (the group committer's on SQLite; db.c redirects it anyway) */
    if (idem) {
        int claim = gg_idem_claim(c, idem, gg_now_ms(), err);
        if (claim < 0) return -1;
        if (claim == GG_IDEM_REPLAY) { /* the first request's result; nothing written */
            w->replayed = 1;
            return 0;
        }
    }
    if (op->run(w, err) < 0) return -1;
    if (!idem) return 0;
    idem->status = w->status;
    idem->result_id = w->result;
    idem->secret = w->result_secret;
    return gg_idem_finish(c, idem, err);
}

int gg_api_idem(gg_req_t *req, int64_t account_id, gg_idem_t *x)
{
    const char *k = gg_req_header(req, GG_IDEM_HEADER);
    if (!k) return 0;
    gg_error_t err;
    if (gg_idem_key_check(k, &err) < 0) {
        gg_api_error(req, &err);
        return -1;
    }
    gg_idem_init(x, req->arena, &((gg_app_t *)req->app)->keys, account_id, gg_req_client_ip(req), k,
                 req->method_name, req->path, req->body, req->body_len);
    return 1;
}

/* Idempotency-Key: every POST that runs a transaction takes one (optional) unless the descriptor opts out.
 * A malformed key is refused before authentication, like any malformed request. */
static int idem_key(gg_req_t *req, const gg_write_op_t *op, const char **key)
{
    *key = NULL;
    /* an upload's body is in a file, not hashed here: upload routes are handlers of their own anyway */
    if (!op->run || op->no_idempotency || req->method != GG_POST || req->body_fd >= 0) return 0;
    const char *k = gg_req_header(req, GG_IDEM_HEADER);
    if (!k) return 0;
    gg_error_t err;
    if (gg_idem_key_check(k, &err) < 0) {
        gg_api_error(req, &err);
        return -1;
    }
    *key = k;
    return 0;
}

void gg_api_write(gg_req_t *req)
{
    const gg_write_op_t *op = req->route_data;
    gg_app_t *app = req->app;
    gg_write_t w = {.req = req, .status = op->status ? op->status : 200};
    gg_error_t err;
    for (int i = 0; i < GG_WRITE_MAX_IDS && op->path_ids[i]; i++)
        if (gg_api_path_id(req, op->path_ids[i], &w.ids[i]) < 0) return;
    w.id = w.result = w.ids[0];
    if (op->state_size) w.state = gg_zalloc(req->arena, op->state_size);
    int exporting = 0; /* ?format=xlsx of a list that has an export (api/export.h) */
    if (gg_api_export_begin(req, op->xlsx, &exporting) < 0) return;
    if (op->parse && op->parse(&w) < 0) {
        gg_api_export_end();
        return;
    }
    gg_api_export_end(); /* the page size is read in parse only */
    const char *key;
    if (idem_key(req, op, &key) < 0) return;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    if (gg_api_begin(req, op->flags, &c, &auth) < 0) return;
    w.op = gg_op_make(c, req->arena, auth, &app->keys);
    if (op->fields && !(op->body_optional && !req->body_len) && write_body(req, op, &w.body) < 0) {
        gg_api_end(req, c);
        return;
    }
    gg_idem_t idem;
    if (key) {
        gg_idem_init(&idem, req->arena, &app->keys, auth->account_id, gg_req_client_ip(req), key,
                     req->method_name, req->path, req->body, req->body_len);
        w.idem_ = &idem;
    }
    /* a read-only operation reads in one snapshot (gg_db_read_begin: one read transaction, not one per
     * statement; any write it makes still ends it first) */
    int reads_only = !op->run;
    if (reads_only) gg_db_read_begin(c);
    int rc = op->prepare ? op->prepare(&w, &err) : 0;
    if (rc == 0 && op->run) {
        rc = gg_db_tx(c, run_tx, &w, &err);
        w.op.c = c;
        if (rc < 0 && op->refused_action && (err.http_status == 403 || err.http_status == 404))
            audit_refusal(&w, op, &err);
        if (rc == 0 && w.replayed) {
            w.result = idem.result_id;
            w.status = idem.status;
            w.result_secret = idem.secret;
            gg_resp_header(req, "Idempotent-Replayed", "true");
        }
    }
    if (rc == 0 && op->respond) {
        rc = op->respond(&w, &err);
        if (rc == 0 && exporting) rc = gg_api_export_respond(req, op->xlsx, &err);
        if (rc == 0 && w.status == 201 && op->location)
            gg_resp_header(req, "Location", gg_sprintf(req->arena, op->location, (long long)w.result));
    } else if (rc == 0) {
        req->status = 204;
    }
    if (reads_only) gg_db_read_end(c);
    if (w.body) json_decref(w.body);
    gg_api_end(req, c);
    if (rc < 0) gg_api_error(req, &err);
}
