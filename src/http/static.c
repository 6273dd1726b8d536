/*
 * static.c — serves the built web app (web/dist) safely.
 *
 * Paths are checked segment by segment before touching the file system: no
 * "..", no backslash, no control characters.  Only regular files are served.
 * The SPA's client-side routes (paths whose last segment has no extension)
 * fall back to index.html.  Vite's hashed files under /assets/ are cached for a
 * year; everything else is revalidated by ETag.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http.h"

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
    char etag[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec * 1000000000ull + (unsigned long long)st.st_mtim.tv_nsec);
    gg_resp_header(req, "ETag", etag);
    gg_resp_header(req, "Cache-Control",
                   strncmp(rel, "/assets/", 8) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
    req->content_type = gg_mime_type(rel);
    const char *inm = gg_req_header(req, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        close(fd);
        req->status = 304;
        return 0;
    }
    req->status = 200;
    req->file_fd = fd;
    req->file_size = (uint64_t)st.st_size;
    return 0;
}
