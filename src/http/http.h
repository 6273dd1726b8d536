/*
 * http.h — the request/response object handlers see, and the server.
 *
 * A gg_req_t lives from the first byte of a request to the moment its response
 * is sent.  Everything request-scoped is allocated from req->arena and dies
 * with it.  A handler reads the request (method, path, params, query, headers,
 * body) and fills the response (status, headers, body or file); the server
 * queues it with libmicrohttpd once the handler returns.  Handlers never talk
 * to libmicrohttpd directly.
 */
#ifndef GG_HTTP_HTTP_H
#define GG_HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/mem.h"

typedef enum {
    GG_GET = 0,
    GG_HEAD,
    GG_POST,
    GG_PUT,
    GG_PATCH,
    GG_DELETE,
    GG_OPTIONS,
    GG_METHOD_COUNT,
    GG_METHOD_OTHER = GG_METHOD_COUNT
} gg_method_t;

#define GG_MAX_PATH_PARAMS 8

typedef struct gg_hdr {
    const char *name, *value;
    struct gg_hdr *next;
} gg_hdr_t;

typedef struct gg_req gg_req_t;
typedef void (*gg_handler_fn)(gg_req_t *req);
typedef struct gg_stream gg_stream_t;

struct gg_req {
    gg_arena_t *arena;
    void *app;  /* the application context given to gg_server_new */
    void *user; /* per-request slot for the layer above (the api's auth context) */

    gg_method_t method;
    const char *method_name;
    const char *path;              /* percent-decoded path, without the query */
    const char *body;              /* NUL-terminated; NULL when there was none (and on upload routes) */
    size_t body_len;               /* bytes of body, or of the upload in body_fd */
    int body_fd;                   /* upload routes: the body in an unlinked temp file at offset 0 (the server
                                      closes it); -1 otherwise or when there was no body */
    int body_sha256_ok;            /* GG_UPLOAD_SHA256 routes: body_sha256 holds the body's hash */
    unsigned char body_sha256[32]; /* SHA-256 of the body_len bytes in body_fd (of nothing when empty) */
    int body_too_large;            /* GG_UPLOAD_OWN_413 routes: the body passed body_limit (and is gone) */
    size_t body_limit;             /* the limit the body was held to */
    int nparams;
    const char *param_name[GG_MAX_PATH_PARAMS];
    const char *param_value[GG_MAX_PATH_PARAMS];
    const void *route_data; /* the data pointer given to gg_router_add */

    /* response */
    int status;
    const char *content_type;
    gg_buf_t out;
    gg_hdr_t *headers;
    int file_fd; /* >= 0: send file_size bytes of this file from file_offset (the server closes it) */
    uint64_t file_offset;
    uint64_t file_size;

    /* private to the server */
    struct MHD_Connection *conn_;
    struct gg_server *server_;
    int64_t start_us_;
    int too_large_;
    int dispatched_;
    gg_stream_t *stream_; /* gg_resp_stream was called */
    char client_ip_[48];
};

/* ---- reading the request ---- */
const char *gg_req_header(gg_req_t *req, const char *name);
const char *gg_req_query(gg_req_t *req, const char *name); /* decoded; NULL if absent */
const char *gg_req_cookie(gg_req_t *req, const char *name);
const char *gg_req_param(gg_req_t *req, const char *name); /* path parameter */
const char *gg_req_client_ip(gg_req_t *req);
/* 1 when the client reached us over HTTPS, as told by X-Forwarded-Proto from a trusted proxy only. */
int gg_req_is_https(gg_req_t *req);
/* Iterate query arguments: calls fn for each, stops when fn returns non-zero. */
typedef int (*gg_query_iter_fn)(void *ctx, const char *key, const char *value);
void gg_req_query_each(gg_req_t *req, gg_query_iter_fn fn, void *ctx);

/* ---- writing the response ---- */
void gg_resp_header(gg_req_t *req, const char *name, const char *value); /* value copied */
/* Body is req->out; set status and content type.  JSON is the default type. */
void gg_resp_status(gg_req_t *req, int status);
void gg_resp_text(gg_req_t *req, int status, const char *content_type, const char *body);
/* Send the JSON error of DESIGN §5 from e; extra_json, if not NULL, is inserted
 * as additional members of the "error" object (e.g. "\"retry_after\":57"). */
void gg_resp_error(gg_req_t *req, const gg_error_t *e, const char *extra_json);
/* Helper for the layers below the API: status + code + message, no field. */
void gg_resp_error_simple(gg_req_t *req, int status, const char *code, const char *message);

/* ---- streaming responses (stream.c) ----
 * For a body that should not be built in memory first (an export of every row) or that has no end
 * yet (Server-Sent Events), a handler sets status, content type and headers as usual, then calls
 *
 *     gg_stream_t *st = gg_resp_stream(req, fill, done, ctx);
 *
 * and returns.  The head is sent at once and the body (chunked) is whatever fill produces.
 *
 *  - fill(ctx, buf, cap) runs on a server thread each time the client can take more, never two at a
 *    time for one stream.  It writes at most cap bytes into buf and returns how many (> 0), or:
 *      GG_STREAM_WAIT   nothing to send now.  The connection is parked: no thread waits for it and
 *                       fill is not called again until gg_stream_wake(st) is (from any thread).
 *      GG_STREAM_END    the body is complete.
 *      GG_STREAM_ABORT  cut the response short (the client sees a body without its end).
 *    fill may block briefly (a database page); it must not wait for events: return WAIT instead.
 *  - done(ctx, completed) runs exactly once, after the last fill, when the response is over:
 *    completed is 1 when the whole body was sent, 0 when the client went away or the server stopped.
 *    Free ctx there.  ctx may live in req->arena, which lasts until done has returned.
 *  - gg_stream_wake(st) may be called any number of times until done starts, never after: a producer
 *    on another thread removes st from what it wakes inside done, under the same lock it wakes with.
 *  - A parked connection does not notice that its client left; a stream that may idle for long should
 *    wake itself now and then (an SSE comment line) so a dead client is found by the failing write.
 *  - On gg_server_stop every stream ends: parked ones are resumed, fill is not called again, and done
 *    runs with completed = 0.
 *  - HEAD gets the head only; fill may never run, done still does. */
#define GG_STREAM_WAIT 0
#define GG_STREAM_END (-1)
#define GG_STREAM_ABORT (-2)
typedef long (*gg_stream_fill_fn)(void *ctx, char *buf, size_t cap);
typedef void (*gg_stream_done_fn)(void *ctx, int completed);
gg_stream_t *gg_resp_stream(gg_req_t *req, gg_stream_fill_fn fill, gg_stream_done_fn done, void *ctx);
void gg_stream_wake(gg_stream_t *st);

/* ---- the router (router.c) ---- */
typedef struct gg_router gg_router_t;
gg_router_t *gg_router_new(void);
void gg_router_free(gg_router_t *r);
/* pattern: "/api/v1/units/{id}/children"; method: "GET", "POST" ... Returns <0 on a bad pattern. */
int gg_router_add(gg_router_t *r, const char *method, const char *pattern, gg_handler_fn fn,
                  const void *data);
/* 0: matched (params and *fn filled); 404: no route; 405: the path exists but
 * not for this method (allow gets "GET, HEAD, POST").  A trailing slash is
 * ignored; HEAD falls back to GET. */
int gg_router_match(gg_router_t *r, gg_req_t *req, gg_handler_fn *fn, char *allow, size_t allow_size);
/* An upload route (bulk imports): its body may be up to the server's max_upload instead of max_body and
 * reaches the handler as req->body_fd, streamed to a temp file instead of memory. */
int gg_router_add_upload(gg_router_t *r, const char *method, const char *pattern, gg_handler_fn fn,
                         const void *data);
/* 1 when req's method and path name an upload route (the server asks before the body arrives). */
int gg_router_is_upload(gg_router_t *r, gg_req_t *req);
/* An upload route with its own limit (max_bytes; 0 = the server's max_upload) and flags:
 *  GG_UPLOAD_SHA256   the body is hashed (SHA-256) as it streams in: req->body_sha256 (attachments)
 *  GG_UPLOAD_OWN_413  a body over the limit still reaches the handler, with req->body_too_large set and no
 *                     body (body_fd -1), so it can answer 413 in its own words (field, reason, limits)
 * A route with its own limit drains an oversized body up to 4 times that limit (at least 8 MiB) before it
 * answers, so a phone that sends a 10 MB photo against an 8 MiB limit reads a clean 413 on a connection
 * that stays open instead of a reset. */
#define GG_UPLOAD_SHA256 1u
#define GG_UPLOAD_OWN_413 2u
int gg_router_add_upload_ex(gg_router_t *r, const char *method, const char *pattern, gg_handler_fn fn,
                            const void *data, size_t max_bytes, unsigned flags);
/* 1 for an upload route (then *max_bytes and *flags, when not NULL, are its own), else 0. */
int gg_router_upload_info(gg_router_t *r, gg_req_t *req, size_t *max_bytes, unsigned *flags);
gg_method_t gg_method_parse(const char *name);

/* ---- the server (server.c) ---- */
typedef struct gg_server_config {
    const char *host; /* "127.0.0.1" */
    int port;
    int threads;            /* thread pool size; 0 = number of CPUs */
    size_t max_body;        /* bytes; larger bodies get 413 */
    size_t max_upload;      /* bytes, for upload routes (gg_router_add_upload); 0 = 20 MiB */
    const char *upload_dir; /* where upload bodies are spooled (unlinked at once); NULL = no uploads */
    const char *static_dir; /* web/dist; NULL = none */
    FILE *access_log;       /* NULL = no access log */
    int connection_timeout_s;
    const struct gg_netlist *trusted_proxies; /* believe X-Forwarded-For and X-Forwarded-Proto from these
                                                 peers (http/proxy.h); NULL = none */
    const char *public_url; /* its origin may send state changes besides the Host's own; NULL = none */
    const char
        *img_sources; /* more CSP img-src sources for pages (" https://tiles.example.cn"); NULL = none */
} gg_server_config_t;

typedef struct gg_server gg_server_t;
int gg_server_start(const gg_server_config_t *cfg, gg_router_t *router, void *app, gg_server_t **out,
                    gg_error_t *err);
int gg_server_port(gg_server_t *s); /* the bound port (useful with port 0) */
/* Stop accepting, let in-flight requests finish (up to grace_ms), then close everything. */
void gg_server_stop(gg_server_t *s, int grace_ms);

/* ---- static files (static.c) ---- */
/* Resolve req->path under dir and fill a file response; SPA fallback to
 * index.html for paths without an extension.  Returns 0 when a response was
 * prepared, 404 when nothing matched, 400 for an unsafe path. */
int gg_static_serve(gg_req_t *req, const char *dir);
/* MIME type for a file name by extension. */
const char *gg_mime_type(const char *name);
/* 1 when every segment of path is safe (no "..", no NUL, no backslash). */
int gg_path_is_safe(const char *path);

#endif
