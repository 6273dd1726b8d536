/*
 * static.c — serves the built web app (web/dist) safely.
 *
 * Paths are checked segment by segment before touching the file system: no
 * "..", no backslash, no control characters.  Only regular files are served.
 * The SPA's client-side routes (paths whose last segment has no extension)
 * fall back to index.html.  Vite's hashed files under /assets/ are cached for a
 * year; everything else is revalidated by ETag.
 *
 * Compression is done once, at build time: scripts/build-web.sh leaves NAME.br
 * and NAME.gz beside each compressible file, and the one the client's
 * Accept-Encoding prefers is sent with Content-Encoding (each encoding with its
 * own ETag, Vary: Accept-Encoding).  A single byte range (Range, If-Range) is
 * served from the representation chosen; several ranges get the whole file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http.h"
#include "http/negotiate.h"

int gg_path_is_safe(const char *path)
{
    const char *seg = path;
    for (const char *c = path;; c++) {
        if (*c == '/' || *c == 0) {
            size_t len = (size_t)(c - seg);
            if (len == 2 && seg[0] == '.' && seg[1] == '.') return 0;
            if (*c == 0) return 1;
            seg = c + 1;
        } else if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\') {
            return 0;
        }
    }
}

static const struct {
    const char *ext, *type;
} mime[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".wasm", "application/wasm"},
};

const char *gg_mime_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash)) return "application/octet-stream";
    for (size_t i = 0; i < sizeof mime / sizeof mime[0]; i++)
        if (strcasecmp(dot, mime[i].ext) == 0) return mime[i].type;
    return "application/octet-stream";
}

static int open_regular(const char *full, struct stat *st)
{
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The precompressed siblings scripts/build-web.sh leaves beside each compressible file, best first. */
static const struct {
    const char *coding, *suffix, *tag;
} codings[] = {{"br", ".br", "b"}, {"gzip", ".gz", "g"}};

/* Open the representation of full the client prefers (RFC 9110 §12.5.3: highest q wins, ties go to the
 * smaller file, identity is acceptable unless refused and is the fallback anyway).  A sibling older than
 * the file (by a whole second) is stale and ignored.  Fills *st, *coding (NULL = identity) and *varies (a
 * sibling exists). */
static int open_encoded(gg_req_t *req, const char *full, int fd, struct stat *st, const char **coding,
                        const char **tag, int *varies)
{
    *coding = NULL;
    *tag = "";
    *varies = 0;
    const char *accept = gg_req_header(req, "Accept-Encoding");
    int best_q = accept ? gg_accept_q(accept, "identity") : 1000;
    if (best_q < 0) best_q = 1; /* not named: acceptable, below any coding the client asked for */
    for (size_t i = 0; i < sizeof codings / sizeof codings[0]; i++) {
        char *sib = gg_sprintf(req->arena, "%s%s", full, codings[i].suffix);
        struct stat sst;
        /* whole seconds: gzip -k and brotli -k copy the file's time to the second */
        if (stat(sib, &sst) != 0 || !S_ISREG(sst.st_mode) || sst.st_mtim.tv_sec < st->st_mtim.tv_sec)
            continue;
        *varies = 1;
        int q = accept ? gg_accept_q(accept, codings[i].coding) : -1;
        /* a tie with identity goes to the coding; with another coding to the earlier (smaller) one */
        if (q <= 0 || q < best_q || (q == best_q && *coding)) continue;
        int sfd = open_regular(sib, &sst);
        if (sfd < 0) continue;
        close(fd);
        fd = sfd;
        *st = sst;
        best_q = q;
        *coding = codings[i].coding;
        *tag = codings[i].tag;
    }
    return fd;
}

int gg_static_serve(gg_req_t *req, const char *dir)
{
    if (!gg_path_is_safe(req->path)) return 400;
    const char *path = req->path;
    size_t plen = strlen(path);
    const char *rel =
        (plen == 0 || path[plen - 1] == '/') ? gg_sprintf(req->arena, "%sindex.html", path) : path;
    char *full = gg_sprintf(req->arena, "%s%s", dir, rel);
    struct stat st;
    int fd = open_regular(full, &st);
    if (fd < 0) {
        const char *last = strrchr(path, '/');
        if (last && strchr(last, '.')) return 404; /* a missing file, not a client-side route */
        rel = "/index.html";
        full = gg_sprintf(req->arena, "%s/index.html", dir);
        fd = open_regular(full, &st);
        if (fd < 0) return 404;
    }
    const char *coding, *tag;
    int varies;
    fd = open_encoded(req, full, fd, &st, &coding, &tag, &varies);
    /* each encoding is its own representation, with its own validator (a cache must not answer a gzip
     * client's If-None-Match with brotli bytes) */
    char etag[72];
    snprintf(etag, sizeof etag, "\"%llx-%llx%s\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec * 1000000000ull + (unsigned long long)st.st_mtim.tv_nsec,
             tag);
    gg_resp_header(req, "ETag", etag);
    gg_resp_header(req, "Cache-Control",
                   strncmp(rel, "/assets/", 8) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
    gg_resp_header(req, "Accept-Ranges", "bytes");
    if (varies) gg_resp_header(req, "Vary", "Accept-Encoding");
    if (coding) gg_resp_header(req, "Content-Encoding", coding);
    req->content_type = gg_mime_type(rel);
    const char *inm = gg_req_header(req, "If-None-Match");
    if (inm && gg_etag_listed(inm, etag)) {
        close(fd);
        req->status = 304;
        return 0;
    }
    uint64_t size = (uint64_t)st.st_size, from = 0, len = size;
    const char *if_range = gg_req_header(req, "If-Range");
    int range = (!if_range || strcmp(if_range, etag) == 0)
                    ? gg_byte_range(gg_req_header(req, "Range"), size, &from, &len)
                    : 0;
    if (range < 0) {
        close(fd);
        gg_resp_header(req, "Content-Range",
                       gg_sprintf(req->arena, "bytes */%llu", (unsigned long long)size));
        req->status = 416;
        req->content_type = "text/plain; charset=utf-8";
        return 0;
    }
    if (range > 0) {
        gg_resp_header(req, "Content-Range",
                       gg_sprintf(req->arena, "bytes %llu-%llu/%llu", (unsigned long long)from,
                                  (unsigned long long)(from + len - 1), (unsigned long long)size));
        req->status = 206;
    } else {
        req->status = 200;
    }
    req->file_fd = fd;
    req->file_offset = from;
    req->file_size = len;
    return 0;
}
