/* map_tiles.c — the map tile settings: presets, template checks, CSP sources (see map_tiles.h). */
#include "core/map_tiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OSM_URL "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
#define OSM_ATTRIBUTION "© OpenStreetMap contributors"

void gg_map_tiles_defaults(gg_map_tiles_t *t)
{
    memset(t, 0, sizeof *t);
    t->max_zoom = 18;
}

int gg_map_tiles_is_key(const char *key)
{
    return strncmp(key, "map_tiles", 9) == 0;
}

/* The host of an http(s) URL: [start, end) after the scheme. */
static const char *host_of(const char *url, const char **end)
{
    const char *h = strncmp(url, "https://", 8) == 0 ? url + 8 : url + 7;
    *end = h + strcspn(h, "/");
    return h;
}

/* A tile URL template: http(s)://host/…{z}…{x}…{y}…, placeholders {s} {z} {x} {y} only, {s} only as or in
 * the host's first label (a CSP wildcard covers only that), nothing a header or an attribute would break on.
 */
static int check_template(const char *key, const char *v, const char *src, gg_error_t *err)
{
    if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
        return gg_err_invalid(err, key,
                              "%s: %s is none, osm or a URL template starting with https:// such as "
                              "https://tiles.example.gov.cn/{z}/{x}/{y}.png (got \"%s\")",
                              src, key, v);
    if (strlen(v) >= GG_TILE_URL_MAX)
        return gg_err_invalid(err, key, "%s: %s is too long (at most %d characters)", src, key,
                              GG_TILE_URL_MAX - 1);
    for (const char *p = v; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\'' || ch == '<' || ch == '>' || ch == '\\' ||
            ch == ';' || ch == ',' || ch == '`')
            return gg_err_invalid(err, key, "%s: %s may not hold spaces, quotes, ';' or ',' (\"%s\")", src,
                                  key, v);
        if (ch == '{') {
            if (!(p[1] == 's' || p[1] == 'x' || p[1] == 'y' || p[1] == 'z') || p[2] != '}')
                return gg_err_invalid(err, key,
                                      "%s: %s knows only the placeholders {s}, {z}, {x} and {y} (\"%s\")",
                                      src, key, v);
            p += 2;
        } else if (ch == '}') {
            return gg_err_invalid(err, key, "%s: %s has a '}' without its '{' (\"%s\")", src, key, v);
        }
    }
    if (!strstr(v, "{z}") || !strstr(v, "{x}") || !strstr(v, "{y}"))
        return gg_err_invalid(err, key, "%s: %s needs the placeholders {z}, {x} and {y} (\"%s\")", src, key,
                              v);
    const char *end, *host = host_of(v, &end);
    if (host == end || *host == '.' || *host == ':')
        return gg_err_invalid(err, key, "%s: %s needs a host name (\"%s\")", src, key, v);
    const char *label_end = memchr(host, '.', (size_t)(end - host));
    for (const char *p = host; p < end; p++) {
        if (*p == '{' && p[1] == 's') {
            if (!label_end || p > label_end)
                return gg_err_invalid(err, key,
                                      "%s: %s may have {s} only in the first part of the host name (\"%s\")",
                                      src, key, v);
            p += 2;
        } else if (*p == '{') {
            return gg_err_invalid(err, key, "%s: %s may have only {s} in the host name (\"%s\")", src, key,
                                  v);
        }
    }
    return 0;
}

int gg_map_tiles_set(gg_map_tiles_t *t, const char *key, const char *v, const char *src, gg_error_t *err)
{
    if (strcmp(key, "map_tiles") == 0) {
        if (strcmp(v, "none") == 0 || !*v) {
            t->url[0] = 0;
            return 0;
        }
        if (strcmp(v, "osm") == 0) {
            snprintf(t->url, sizeof t->url, "%s", OSM_URL);
            if (!t->subdomains[0]) snprintf(t->subdomains, sizeof t->subdomains, "abc");
            if (!t->attribution[0]) snprintf(t->attribution, sizeof t->attribution, "%s", OSM_ATTRIBUTION);
            t->max_zoom = 19;
            return 0;
        }
        if (check_template(key, v, src, err) < 0) return -1;
        snprintf(t->url, sizeof t->url, "%s", v);
        return 0;
    }
    if (strcmp(key, "map_tiles_overlay") == 0) {
        if (strcmp(v, "none") == 0 || !*v) {
            t->overlay[0] = 0;
            return 0;
        }
        if (check_template(key, v, src, err) < 0) return -1;
        snprintf(t->overlay, sizeof t->overlay, "%s", v);
        return 0;
    }
    if (strcmp(key, "map_tiles_subdomains") == 0) {
        size_t n = strlen(v);
        if (n >= sizeof t->subdomains || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != n)
            return gg_err_invalid(
                err, key,
                "%s: map_tiles_subdomains is up to 16 letters or digits, one per server, such as "
                "abc or 01234567 (got \"%s\")",
                src, v);
        snprintf(t->subdomains, sizeof t->subdomains, "%s", v);
        return 0;
    }
    if (strcmp(key, "map_tiles_attribution") == 0) {
        if (strlen(v) >= sizeof t->attribution)
            return gg_err_invalid(err, key, "%s: map_tiles_attribution is too long (at most %zu bytes)", src,
                                  sizeof t->attribution - 1);
        for (const unsigned char *p = (const unsigned char *)v; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                return gg_err_invalid(err, key, "%s: map_tiles_attribution may not hold control characters",
                                      src);
        snprintf(t->attribution, sizeof t->attribution, "%s", v);
        return 0;
    }
    if (strcmp(key, "map_tiles_max_zoom") == 0) {
        char *end;
        long n = strtol(v, &end, 10);
        if (end == v || *end || n < 1 || n > 22)
            return gg_err_invalid(
                err, key, "%s: map_tiles_max_zoom must be a whole number from 1 to 22 (got \"%s\")", src, v);
        t->max_zoom = (int)n;
        return 0;
    }
    return gg_err_invalid(err, key, "%s: unknown setting \"%s\"", src, key);
}

int gg_map_tiles_check(const gg_map_tiles_t *t, gg_error_t *err)
{
    int uses_s = strstr(t->url, "{s}") || strstr(t->overlay, "{s}");
    if (uses_s && !t->subdomains[0])
        return gg_err_invalid(
            err, "map_tiles_subdomains",
            "map_tiles_subdomains: the tile template has {s}; name its servers, such as abc");
    if (t->overlay[0] && !t->url[0])
        return gg_err_invalid(err, "map_tiles_overlay",
                              "map_tiles_overlay needs map_tiles (a template or osm)");
    return 0;
}

/* " scheme://host" of one template, {s}'s label as the CSP wildcard "*". */
static void append_source(const char *url, char *out, size_t size)
{
    if (!url[0]) return;
    const char *end, *host = host_of(url, &end);
    size_t len = strlen(out);
    const char *dot = memchr(host, '.', (size_t)(end - host));
    int wild = dot && memchr(host, '{', (size_t)(dot - host)) != NULL;
    snprintf(out + len, size - len, " %.*s%s%.*s", (int)(host - url), url, wild ? "*" : "",
             (int)(end - (wild ? dot : host)), wild ? dot : host);
}

void gg_map_tiles_csp(const gg_map_tiles_t *t, char *out, size_t size)
{
    if (!size) return;
    out[0] = 0;
    append_source(t->url, out, size);
    append_source(t->overlay, out, size);
}
