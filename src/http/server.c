/*
 * server.c — libmicrohttpd glue: request lifecycle, body limits, dispatch,
 * response queueing (buffers, files, streams: stream.c), access log, graceful stop.
 *
 * Lifecycle of one request (libmicrohttpd calls on_request several times):
 *  1. headers arrive: a gg_req_t is made from a per-thread cached arena and
 *     nothing is queued yet: libmicrohttpd closes the connection after a
 *     response queued in this first call (it cannot know the request was read
 *     to the end), which would defeat keep-alive.  Only a body declared far too
 *     large is answered here, on purpose, with the connection closed after.
 *  2. body chunks: appended up to max_body; beyond it the rest is read and
 *     dropped (up to DRAIN_LIMIT) so the client gets a clean 413 on a
 *     connection that stays usable, instead of a reset.  Upload routes
 *     (gg_router_add_upload: bulk imports) are the one exception: their limit
 *     is max_upload and their body goes to an unlinked temp file in
 *     upload_dir, so a 20 MiB spreadsheet costs no memory and leaves no file
 *     behind even after a crash (docs/decisions.md, "Uploads").  An upload route may have its own
 *     limit and flags (gg_router_add_upload_ex: attachments): its body is hashed as it is spooled,
 *     an oversized one is drained up to four times that limit and still handed to the route's
 *     handler (body_too_large) so the 413 can name the field and the limit.
 *  3. the final call (upload_data_size == 0): dispatch.
 *  on_completed logs the access line and recycles the arena.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"
#include "http/http.h"
#include "http/proxy.h"
#include "http/stream.h"
#include "json/jw.h"

/* Each connection's libmicrohttpd memory pool: it holds the request line and headers, the read
 * buffer and the response headers, and libmicrohttpd zeroes it between requests, so its size is a
 * cost on every request (32 KiB, the default, was a tenth of /healthz's CPU).  16 KiB admits
 * request headers up to about 15 KiB (nginx's default limit is 8 KiB per line); above that the
 * client gets 431 (decision 37). */
#define GG_CONN_POOL_BYTES (16u << 10)
#define DRAIN_LIMIT (8u << 20) /* read and drop at most this much of an oversized body */

struct gg_server {
    struct MHD_Daemon *d;
    gg_router_t *router;
    void *app;
    size_t max_body;
    size_t max_upload;
    char *upload_dir;
    char *static_dir;
    int access_log;
    int port;
    gg_netlist_t trusted; /* reverse proxies whose X-Forwarded-For and X-Forwarded-Proto count */
    char *public_origin;  /* "https://grid.example.gov.cn" of public_url, or NULL */
    char csp[1600];       /* the pages' Content-Security-Policy (CSP_FORMAT) */
    atomic_int inflight;
    gg_stream_list_t streams; /* streaming responses under way (stream.h), ended at stop */
};

/* Per-connection request state beyond gg_req_t. */
typedef struct req_priv {
    gg_req_t req;
    gg_buf_t body_in;
    size_t limit;          /* max_body, or max_upload (or the route's own limit) on an upload route */
    size_t drain;          /* read and drop at most this much of an oversized body (DRAIN_LIMIT or more) */
    int upload;            /* an upload route: the body goes to req.body_fd */
    unsigned upload_flags; /* GG_UPLOAD_* of the route */
    crypto_hash_sha256_state sha; /* GG_UPLOAD_SHA256: the body's hash so far */
    int upload_err;               /* the temp file could not be written (errno) */
    size_t drained;
    size_t resp_bytes;
    const char *bad_uri_field; /* "path" or "query" when the raw URI holds a control character */
} req_priv_t;

/* What the URI callback hands on_request as *req_cls when the raw request target holds a control character
 * (a NUL decoded from %00 would silently cut the path or a query value short). */
static char uri_has_control_char_path, uri_has_control_char_query;

/* One spare arena and one spare response buffer per server thread: a
 * connection is served by one thread, so recycling here saves the malloc/free
 * pairs of every request.  The response body is handed to libmicrohttpd as
 * persistent memory and parked again in on_completed, which libmicrohttpd
 * calls only after the last byte was sent (or the connection dropped).
 * Thread-specific data (not _Thread_local) so the spares are freed when the
 * thread ends. */
#define SPARE_OUT_MAX (256u << 10) /* a bigger response buffer is freed, not kept */

typedef struct thread_spare {
    gg_arena_t *arena; /* NULL while a request of this thread uses it */
    gg_buf_t out;      /* data NULL while a request of this thread uses it */
} thread_spare_t;

static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *p)
{
    thread_spare_t *t = p;
    if (t->arena) gg_arena_free(t->arena);
    gg_buf_free(&t->out);
    free(t);
}

static void spare_init(void)
{
    pthread_key_create(&spare_key, spare_free);
}

static thread_spare_t *thread_spare(void)
{
    thread_spare_t *t = pthread_getspecific(spare_key);
    if (!t) {
        t = gg_xcalloc(1, sizeof *t);
        pthread_setspecific(spare_key, t);
    }
    return t;
}

/* Documents get the policy the web app needs; everything else (JSON, files)
 * is never meant to render, so it gets the shortest policy that forbids all. */
static const char CSP_NONE[] = "default-src 'none'; frame-ancestors 'none'";
/* Images may also come from the map tile servers the settings name (core/map_tiles.h), and from no other
 * host: the page's policy is built once at start with them (gg_server_t.csp). */
#define CSP_FORMAT                                                                                           \
    "default-src 'self'; img-src 'self' data: blob:%s; "                                                     \
    "style-src 'self' 'unsafe-inline'; script-src 'self'; worker-src 'self'; manifest-src 'self'; "          \
    "object-src 'none'; "                                                                                    \
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

/* Every response: no Referer beyond the origin to other sites, and no powerful feature except the location
 * (residents pin what they report on a map). */
static const char REFERRER_POLICY[] = "strict-origin-when-cross-origin";
static const char PERMISSIONS_POLICY[] =
    "camera=(), microphone=(), geolocation=(self), payment=(), usb=(), serial=(), bluetooth=(), "
    "display-capture=()";

/* ---------- request accessors ---------- */

const char *gg_req_header(gg_req_t *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn_, MHD_HEADER_KIND, name);
}

const char *gg_req_query(gg_req_t *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn_, MHD_GET_ARGUMENT_KIND, name);
}

const char *gg_req_cookie(gg_req_t *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn_, MHD_COOKIE_KIND, name);
}

const char *gg_req_param(gg_req_t *req, const char *name)
{
    for (int i = 0; i < req->nparams; i++)
        if (strcmp(req->param_name[i], name) == 0) return req->param_value[i];
    return NULL;
}

/* The TCP peer of the connection (a proxy's address when there is one). */
static void peer_ip(gg_req_t *req, char *peer, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn_, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(peer, size, "unknown");
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, peer, (socklen_t)size);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, peer, (socklen_t)size);
    }
}

const char *gg_req_client_ip(gg_req_t *req)
{
    if (req->client_ip_[0]) return req->client_ip_;
    char peer[sizeof req->client_ip_];
    peer_ip(req, peer, sizeof peer);
    gg_server_t *s = req->server_;
    if (s && s->trusted.n)
        gg_forwarded_client(&s->trusted, peer, gg_req_header(req, "X-Forwarded-For"), req->client_ip_,
                            sizeof req->client_ip_);
    else
        memcpy(req->client_ip_, peer, sizeof peer);
    return req->client_ip_;
}

int gg_req_is_https(gg_req_t *req)
{
    gg_server_t *s = req->server_;
    const char *proto = gg_req_header(req, "X-Forwarded-Proto");
    if (!proto || strcasecmp(proto, "https") != 0 || !s || !s->trusted.n) return 0;
    /* anybody can write the header: only a configured reverse proxy's word counts */
    char peer[sizeof req->client_ip_];
    peer_ip(req, peer, sizeof peer);
    return gg_netlist_contains(&s->trusted, peer);
}

struct query_iter {
    gg_query_iter_fn fn;
    void *ctx;
};

static enum MHD_Result query_iter_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct query_iter *it = cls;
    return it->fn(it->ctx, key, value ? value : "") ? MHD_NO : MHD_YES;
}

void gg_req_query_each(gg_req_t *req, gg_query_iter_fn fn, void *ctx)
{
    struct query_iter it = {fn, ctx};
    MHD_get_connection_values(req->conn_, MHD_GET_ARGUMENT_KIND, query_iter_cb, &it);
}

/* ---------- response helpers ---------- */

void gg_resp_header(gg_req_t *req, const char *name, const char *value)
{
    gg_hdr_t *h = gg_alloc(req->arena, sizeof *h);
    h->name = name;
    h->value = gg_strdup(req->arena, value);
    h->next = req->headers;
    req->headers = h;
}

void gg_resp_status(gg_req_t *req, int status)
{
    req->status = status;
}

void gg_resp_text(gg_req_t *req, int status, const char *content_type, const char *body)
{
    req->status = status;
    req->content_type = content_type;
    req->out.len = 0;
    gg_buf_puts(&req->out, body);
}

void gg_resp_error(gg_req_t *req, const gg_error_t *e, const char *extra_json)
{
    int status = e->http_status >= 400 && e->http_status <= 599 ? e->http_status : 500;
    req->status = status;
    req->content_type = "application/json; charset=utf-8";
    req->out.len = 0;
    gg_jw_t w;
    gg_jw_init(&w, &req->out);
    gg_jw_obj(&w);
    gg_jw_key(&w, "error");
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "code", e->code[0] ? e->code : "error");
    gg_jw_kstr(&w, "message", e->message[0] ? e->message : "request failed");
    gg_jw_kstr(&w, "field", e->field[0] ? e->field : NULL);
    /* the reason and its bounds let the UI say it in the user's language (the message is English) */
    if (e->reason && *e->reason) gg_jw_kstr(&w, "reason", e->reason);
    if (e->has_min || e->has_max || e->name[0]) {
        gg_jw_key(&w, "params");
        gg_jw_obj(&w);
        if (e->has_min) gg_jw_kint(&w, "min", e->min);
        if (e->has_max) gg_jw_kint(&w, "max", e->max);
        if (e->name[0]) gg_jw_kstr(&w, "name", e->name);
        gg_jw_obj_end(&w);
    }
    if (e->has_allowed) {
        gg_jw_key(&w, "allowed");
        gg_jw_arr(&w);
        for (int i = 0; i < e->nallowed && i < (int)(sizeof e->allowed / sizeof e->allowed[0]); i++)
            gg_jw_str(&w, e->allowed[i]);
        gg_jw_arr_end(&w);
    }
    if (extra_json && *extra_json) {
        gg_buf_putc(&req->out, ',');
        gg_buf_puts(&req->out, extra_json);
    }
    gg_jw_obj_end(&w);
    gg_jw_obj_end(&w);
}

void gg_resp_error_simple(gg_req_t *req, int status, const char *code, const char *message)
{
    gg_error_t e;
    gg_error_set(&e, status, code, NULL, "%s", message);
    gg_resp_error(req, &e, NULL);
}

/* ---------- lifecycle ---------- */

static req_priv_t *req_new(gg_server_t *s, struct MHD_Connection *conn, const char *url, const char *method)
{
    thread_spare_t *t = thread_spare();
    gg_arena_t *a = t->arena ? t->arena : gg_arena_new(16384);
    t->arena = NULL;
    req_priv_t *p = gg_zalloc(a, sizeof *p);
    gg_req_t *req = &p->req;
    req->out = t->out; /* empty, or the buffer the last request of this thread left */
    memset(&t->out, 0, sizeof t->out);
    req->arena = a;
    req->app = s->app;
    req->server_ = s;
    req->conn_ = conn;
    req->start_us_ = gg_mono_us();
    req->method_name = gg_strdup(a, method);
    req->method = gg_method_parse(method);
    req->path = gg_strdup(a, url);
    req->status = 200;
    req->content_type = "application/json; charset=utf-8";
    req->file_fd = -1;
    req->body_fd = -1;
    return p;
}

static enum MHD_Result send_response(gg_server_t *s, req_priv_t *p)
{
    gg_req_t *req = &p->req;
    struct MHD_Response *r;
    if (req->stream_) {
        r = gg_stream_response(req->stream_, &s->streams);
        /* libmicrohttpd 0.9.75 writes the chunked body's last chunk ("0\r\n\r\n") even after the headers of a
         * HEAD, where the client expects none: the next response on a kept-alive connection would start with
         * it.  Closing after a streamed HEAD keeps those bytes from being read as a response. */
        if (r && req->method == GG_HEAD) MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    } else if (req->file_fd >= 0) {
        r = MHD_create_response_from_fd_at_offset64(req->file_size, req->file_fd, req->file_offset);
        p->resp_bytes = req->file_size;
        req->file_fd = -1; /* owned by libmicrohttpd now */
    } else {
        /* req->out stays ours until on_completed, after libmicrohttpd has sent it */
        r = MHD_create_response_from_buffer(req->out.len, req->out.data ? req->out.data : (char *)"",
                                            MHD_RESPMEM_PERSISTENT);
        p->resp_bytes = req->out.len;
    }
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", REFERRER_POLICY);
    MHD_add_response_header(r, "Permissions-Policy", PERMISSIONS_POLICY);
    /* the service worker's script gets the pages' policy too: a worker runs under its own script's CSP, and
     * CSP_NONE would forbid its fetches (the app shell it precaches, docs/architecture.md "PWA") */
    int page =
        strncmp(req->content_type, "text/html", 9) == 0 || (req->path && strcmp(req->path, "/sw.js") == 0);
    MHD_add_response_header(r, "Content-Security-Policy", page ? s->csp : CSP_NONE);
    int has_cache = 0;
    for (gg_hdr_t *h = req->headers; h; h = h->next) {
        MHD_add_response_header(r, h->name, h->value);
        if (strcasecmp(h->name, "Cache-Control") == 0) has_cache = 1;
    }
    if (!has_cache) MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(req->conn_, (unsigned)req->status, r);
    MHD_destroy_response(r);
    return ret;
}

static int is_state_change(gg_method_t m)
{
    return m == GG_POST || m == GG_PUT || m == GG_PATCH || m == GG_DELETE;
}

/* 1 when origin (an Origin header: scheme://host[:port]) is scheme://host. */
static int origin_is(const char *origin, const char *scheme, const char *host)
{
    size_t n = strlen(scheme);
    return strncasecmp(origin, scheme, n) == 0 && strncmp(origin + n, "://", 3) == 0 &&
           strcasecmp(origin + n + 3, host) == 0;
}

/* A browser names the page that sent a request in Origin; a state change sent by another site's page
 * (cross-site request forgery, including logging the victim in to the attacker's account) is refused.
 * Requests without Origin (curl, API clients) and Bearer-authenticated ones, which a foreign page cannot
 * make without the token, are not a browser's forgery and pass. */
static int foreign_origin(gg_server_t *s, gg_req_t *req)
{
    const char *origin = gg_req_header(req, "Origin");
    const char *authz = gg_req_header(req, "Authorization");
    if (!origin || (authz && strncasecmp(authz, "Bearer ", 7) == 0)) return 0;
    /* Open311 (api/open311.c) authenticates by the api_key in the form and never reads a cookie: a page of
     * another site (a city portal's report form) may post to it */
    if (strncmp(req->path, "/open311/", 9) == 0) return 0;
    if (s->public_origin && strcasecmp(origin, s->public_origin) == 0) return 0;
    const char *host = gg_req_header(req, "Host");
    if (host && origin_is(origin, gg_req_is_https(req) ? "https" : "http", host)) return 0;
    return 1;
}

static void dispatch(gg_server_t *s, req_priv_t *p)
{
    gg_req_t *req = &p->req;
    req->dispatched_ = 1;
    req->body_limit = p->limit;
    if (req->too_large_ && (p->upload_flags & GG_UPLOAD_OWN_413)) {
        /* the handler answers in its own words; what was spooled is dropped (unlinked: closing frees it) */
        if (req->body_fd >= 0) close(req->body_fd);
        req->body_fd = -1;
        req->body_len = 0;
        req->body_too_large = 1;
    } else if (req->too_large_) {
        char msg[96];
        snprintf(msg, sizeof msg, "the request body is larger than the limit of %zu bytes", p->limit);
        gg_resp_error_simple(req, 413, "payload_too_large", msg);
        return;
    }
    if (p->upload_err) {
        gg_log("http", "cannot spool an upload to %s: %s", s->upload_dir, strerror(p->upload_err));
        gg_resp_error_simple(req, 507, "insufficient_storage", "the server could not store the upload");
        return;
    }
    if (req->body_fd >= 0 && lseek(req->body_fd, 0, SEEK_SET) != 0) {
        gg_resp_error_simple(req, 500, "internal", "the upload could not be read back");
        return;
    }
    if (p->upload && (p->upload_flags & GG_UPLOAD_SHA256) && !req->body_too_large) {
        crypto_hash_sha256_final(&p->sha, req->body_sha256);
        req->body_sha256_ok = 1;
    }
    if (p->body_in.data) {
        req->body = p->body_in.data;
        req->body_len = p->body_in.len;
    }
    if (p->bad_uri_field) {
        gg_error_t e;
        gg_error_set(&e, 400, "invalid_url", p->bad_uri_field,
                     "the %s contains a control character (such as %%00)", p->bad_uri_field);
        gg_resp_error(req, &e, NULL);
        return;
    }
    if (!gg_path_is_safe(req->path)) {
        gg_resp_error_simple(req, 400, "invalid_path",
                             "the path contains \"..\", a backslash or a control character");
        return;
    }
    if (is_state_change(req->method) && foreign_origin(s, req)) {
        gg_error_t e;
        gg_error_set(&e, 403, "foreign_origin", "Origin",
                     "a page of another site may not change anything here (Origin is not this server's)");
        gg_resp_error(req, &e, NULL);
        return;
    }
    gg_handler_fn fn = NULL;
    char allow[96];
    int rc = gg_router_match(s->router, req, &fn, allow, sizeof allow);
    if (rc == 0) {
        fn(req);
        return;
    }
    if (rc == 405) {
        gg_resp_header(req, "Allow", allow);
        char msg[160];
        snprintf(msg, sizeof msg, "%s is not allowed here; allowed: %s", req->method_name, allow);
        gg_resp_error_simple(req, 405, "method_not_allowed", msg);
        return;
    }
    int is_api = strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/api") == 0 ||
                 strncmp(req->path, "/open311/", 9) == 0;
    if (!is_api && s->static_dir && (req->method == GG_GET || req->method == GG_HEAD)) {
        rc = gg_static_serve(req, s->static_dir);
        if (rc == 0) return;
    }
    gg_resp_error_simple(req, 404, "not_found", "no such resource");
}

/* Append an upload chunk to the request's temp file, made on the first chunk and unlinked at once: the
 * open descriptor is the only name it has, so it disappears with the request or the process. */
static int spool(gg_server_t *s, req_priv_t *p, const char *data, size_t n)
{
    gg_req_t *req = &p->req;
    if (req->body_fd < 0) {
        /* O_TMPFILE where the file system has it: nameless from the start, and a consumer may still give it
         * a name with linkat (domain/attachment.c does, to keep a file without copying it) */
        int fd = -1;
#ifdef O_TMPFILE
        fd = open(s->upload_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
        if (fd < 0) {
            char path[1100];
            snprintf(path, sizeof path, "%s/upload-XXXXXX", s->upload_dir);
            fd = mkostemp(path, O_CLOEXEC);
            if (fd < 0) return -1;
            unlink(path);
        }
        req->body_fd = fd;
    }
    if (p->upload_flags & GG_UPLOAD_SHA256)
        crypto_hash_sha256_update(&p->sha, (const unsigned char *)data, n);
    while (n) {
        ssize_t w = write(req->body_fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        data += w;
        n -= (size_t)w;
        req->body_len += (size_t)w;
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    (void)version;
    gg_server_t *s = cls;
    req_priv_t *p = *req_cls;
    if (!p || p == (void *)&uri_has_control_char_path || p == (void *)&uri_has_control_char_query) {
        const char *bad = !p ? NULL : p == (void *)&uri_has_control_char_path ? "path" : "query";
        p = req_new(s, conn, url, method);
        p->bad_uri_field = bad;
        *req_cls = p;
        atomic_fetch_add(&s->inflight, 1);
        p->limit = s->max_body;
        p->drain = DRAIN_LIMIT;
        /* only writes can be uploads: GETs (the hot path) skip the route lookup */
        size_t own_max = 0;
        if (s->upload_dir && (p->req.method == GG_POST || p->req.method == GG_PUT) &&
            gg_router_upload_info(s->router, &p->req, &own_max, &p->upload_flags)) {
            p->upload = 1;
            p->limit = own_max ? own_max : s->max_upload;
            if (own_max && own_max <= SIZE_MAX / 4 && 4 * own_max > p->drain) p->drain = 4 * own_max;
            if (p->upload_flags & GG_UPLOAD_SHA256) crypto_hash_sha256_init(&p->sha);
        }
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end) n = ~0ull;
            if (n > p->limit) {
                p->req.too_large_ = 1;
                if (n > p->drain) { /* not worth reading: answer now, libmicrohttpd closes after */
                    dispatch(s, p);
                    return send_response(s, p);
                }
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (p->req.dispatched_) return MHD_YES;
        if (!p->req.too_large_ && p->upload) {
            if (p->req.body_len + n > p->limit) {
                p->req.too_large_ = 1;
                if (p->req.body_fd >= 0) close(p->req.body_fd); /* unlinked: the space is freed now */
                p->req.body_fd = -1;
            } else if (!p->upload_err && spool(s, p, upload_data, n) < 0) {
                p->upload_err = errno ? errno : EIO;
            }
        } else if (!p->req.too_large_) {
            if (p->body_in.len + n > p->limit) {
                p->req.too_large_ = 1;
                gg_buf_free(&p->body_in);
            } else {
                if (!p->body_in.data) gg_buf_init(&p->body_in, n + 1 > 4096 ? n + 1 : 4096);
                gg_buf_append(&p->body_in, upload_data, n);
            }
        }
        p->drained += n;
        if (p->req.too_large_ && p->drained > p->drain) {
            dispatch(s, p);
            return send_response(s, p);
        }
        return MHD_YES;
    }
    if (p->req.dispatched_) return MHD_YES;
    dispatch(s, p);
    return send_response(s, p);
}

/* Append s to line[*j..cap-1], replacing control characters and spaces in
 * untrusted text so one request cannot forge a second log line. */
static void put_text(char *line, size_t cap, size_t *j, const char *s, int untrusted)
{
    for (; *s && *j < cap; s++)
        line[(*j)++] = untrusted && ((unsigned char)*s < 0x20 || *s == 0x7f || *s == ' ') ? '?' : *s;
}

static void put_uint(char *line, size_t cap, size_t *j, unsigned long long v)
{
    char digits[24];
    int k = 0;
    do
        digits[k++] = (char)('0' + v % 10);
    while ((v /= 10) && k < (int)sizeof digits);
    while (k && *j < cap)
        line[(*j)++] = digits[--k];
}

/* The access line "TIME METHOD PATH STATUS BYTES MICROSus[ aborted]\n", built
 * by hand: snprintf's format parsing was the largest cost of logging a
 * request.  The path is cut to leave room for the rest; returns the length. */
static size_t access_line(char *line, size_t cap, const char *ts, const char *method, const char *path,
                          int status, size_t bytes, int64_t micros, int completed)
{
    size_t j = 0, tail = 80; /* room kept for status, bytes, time and " aborted\n" */
    put_text(line, cap - tail, &j, ts, 0);
    line[j++] = ' ';
    put_text(line, cap - tail, &j, method, 1);
    line[j++] = ' ';
    put_text(line, cap - tail, &j, path, 1);
    line[j++] = ' ';
    put_uint(line, cap, &j, (unsigned long long)(status < 0 ? 0 : status));
    line[j++] = ' ';
    put_uint(line, cap, &j, (unsigned long long)bytes);
    line[j++] = ' ';
    put_uint(line, cap, &j, (unsigned long long)(micros < 0 ? 0 : micros));
    put_text(line, cap, &j, completed ? "us\n" : "us aborted\n", 0);
    return j;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    gg_server_t *s = cls;
    req_priv_t *p = *req_cls;
    *req_cls = NULL;
    if (!p || p == (void *)&uri_has_control_char_path || p == (void *)&uri_has_control_char_query) return;
    gg_req_t *req = &p->req;
    /* a stream's done runs first: it may use the arena, recycled below */
    if (req->stream_)
        p->resp_bytes = gg_stream_finish(req->stream_, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    if (s->access_log) {
        char line[600];
        /* the timestamp text changes once a second: format it once a second per thread */
        static _Thread_local int64_t ts_sec = -1;
        static _Thread_local char ts[32];
        struct timespec coarse; /* a log line needs the second: the coarse clock is a memory read */
        clock_gettime(CLOCK_REALTIME_COARSE, &coarse);
        int64_t now_s = coarse.tv_sec;
        if (now_s != ts_sec) {
            gg_time_rfc3339(now_s * 1000, ts);
            ts_sec = now_s;
        }
        size_t n = access_line(line, sizeof line, ts, req->method_name, req->path,
                               req->dispatched_ ? req->status : 0, p->resp_bytes,
                               gg_mono_us() - req->start_us_, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
        gg_accesslog_write(line, n);
    }
    if (req->file_fd >= 0) close(req->file_fd);
    if (req->body_fd >= 0) close(req->body_fd);
    gg_buf_free(&p->body_in);
    thread_spare_t *t = thread_spare();
    if (!t->out.data && req->out.data && req->out.cap <= SPARE_OUT_MAX) {
        t->out = req->out;
        t->out.len = 0;
        t->out.data[0] = 0;
    } else {
        gg_buf_free(&req->out);
    }
    gg_arena_t *a = req->arena;
    if (!t->arena) {
        gg_arena_reset(a);
        t->arena = a;
    } else {
        gg_arena_free(a);
    }
    atomic_fetch_sub(&s->inflight, 1);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* libmicrohttpd's first look at a request: the raw request target, before it percent-decodes the path and
 * the query in place (where %00 would end the string early).  A control character, raw or encoded, marks
 * the request; dispatch answers it with 400 naming the part. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls, (void)conn;
    int in_query = 0;
    for (const char *c = uri; *c; c++) {
        int byte = (unsigned char)*c;
        if (*c == '?') in_query = 1;
        if (*c == '%' && hex_value(c[1]) >= 0 && hex_value(c[2]) >= 0)
            byte = hex_value(c[1]) * 16 + hex_value(c[2]);
        if (byte < 0x20 || byte == 0x7f)
            return in_query ? (void *)&uri_has_control_char_query : (void *)&uri_has_control_char_path;
    }
    return NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = 0;
    gg_log("http", "%s", msg);
}

/* "https://host[:port]" of a URL with a path: what a browser sends as Origin from pages under it. */
static char *origin_of(const char *url)
{
    const char *host = strstr(url, "://");
    if (!host) return NULL;
    size_t n = strcspn(host + 3, "/?#");
    char *o = gg_xcalloc(1, (size_t)(host + 3 - url) + n + 1);
    memcpy(o, url, (size_t)(host + 3 - url) + n);
    return o;
}

int gg_server_start(const gg_server_config_t *cfg, gg_router_t *router, void *app, gg_server_t **out,
                    gg_error_t *err)
{
    *out = NULL;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME; /* idle streams are parked (stream.c) */
    const char *host = cfg->host && *cfg->host ? cfg->host : "127.0.0.1";
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)cfg->port);
    } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)cfg->port);
        flags |= MHD_USE_IPv6;
    } else {
        return gg_err_invalid(err, "listen", "listen address \"%s\" is not an IPv4 or IPv6 address", host);
    }
    pthread_once(&spare_once, spare_init);
    gg_server_t *s = gg_xcalloc(1, sizeof *s);
    s->router = router;
    s->app = app;
    s->max_body = cfg->max_body ? cfg->max_body : (1u << 20);
    s->max_upload = cfg->max_upload ? cfg->max_upload : (20u << 20);
    s->upload_dir = cfg->upload_dir ? gg_xstrdup(cfg->upload_dir) : NULL;
    s->static_dir = cfg->static_dir ? gg_xstrdup(cfg->static_dir) : NULL;
    s->access_log = cfg->access_log != NULL;
    if (cfg->trusted_proxies) s->trusted = *cfg->trusted_proxies;
    snprintf(s->csp, sizeof s->csp, CSP_FORMAT, cfg->img_sources ? cfg->img_sources : "");
    gg_stream_list_init(&s->streams);
    s->public_origin = cfg->public_url ? origin_of(cfg->public_url) : NULL;
    if (cfg->access_log) gg_accesslog_start(cfg->access_log);
    int threads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) threads = 1;
    /* open streams (SSE) are connections held for hours: as many as the descriptors allow, not
     * libmicrohttpd's default of about a thousand; the soft descriptor limit is raised to the hard one */
    struct rlimit rl;
    unsigned conn_limit = 1000;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
            getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur > 256) conn_limit = (unsigned)(rl.rlim_cur > 65536 ? 65536 : rl.rlim_cur) - 128;
    }
    s->d = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_CONNECTION_LIMIT, conn_limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)GG_CONN_POOL_BYTES, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(cfg->connection_timeout_s > 0 ? cfg->connection_timeout_s : 60), MHD_OPTION_END);
    if (!s->d) {
        int e = errno;
        free(s->static_dir);
        free(s->upload_dir);
        free(s->public_origin);
        gg_stream_list_destroy(&s->streams);
        free(s);
        if (cfg->access_log) gg_accesslog_stop();
        return gg_error_set(err, 500, "listen_failed", "listen", "cannot listen on %s:%d (%s)", host,
                            cfg->port,
                            e == EADDRINUSE ? "address already in use"
                            : e             ? strerror(e)
                                            : "failed");
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : cfg->port;
    *out = s;
    return 0;
}

int gg_server_port(gg_server_t *s)
{
    return s->port;
}

void gg_server_stop(gg_server_t *s, int grace_ms)
{
    if (!s) return;
    MHD_socket fd = MHD_quiesce_daemon(s->d); /* no new connections from here on */
    if (fd != MHD_INVALID_SOCKET) close(fd);
    gg_stream_list_stop(&s->streams); /* streams have no end of their own; libmicrohttpd may not stop with
                                         parked ones */
    int64_t deadline = gg_mono_us() + (int64_t)grace_ms * 1000;
    while (atomic_load(&s->inflight) > 0 && gg_mono_us() < deadline)
        usleep(5000);
    MHD_stop_daemon(s->d);
    if (s->access_log) gg_accesslog_stop();
    free(s->static_dir);
    free(s->upload_dir);
    free(s->public_origin);
    gg_stream_list_destroy(&s->streams);
    free(s);
}
