/* config.c — loading and validating settings (see config.h). */
#include "cli/config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/cases/calendar.h"
#include "domain/domain.h"
#include "domain/people/registration.h"

#ifndef GG_SOURCE_DIR
#define GG_SOURCE_DIR "."
#endif

void gg_config_defaults(gg_config_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
    c->listen_port = 8080;
    snprintf(c->database, sizeof c->database, "sqlite:var/gridgov.db");
    snprintf(c->data_dir, sizeof c->data_dir, "var");
    snprintf(c->web_dir, sizeof c->web_dir, "%s/web/dist", GG_SOURCE_DIR);
    snprintf(c->migrations, sizeof c->migrations, "%s/sql/migrations", GG_SOURCE_DIR);
    c->access_log = 1;
    c->argon2_ops = 2;             /* crypto_pwhash_OPSLIMIT_INTERACTIVE */
    c->argon2_mem_kib = 64 * 1024; /* crypto_pwhash_MEMLIMIT_INTERACTIVE */
    c->session_idle_minutes = 120;
    c->session_cache_ms = 1000;
    c->session_hours = 12;
    c->login_max_failures = 5;
    c->login_lockout_minutes = 15;
    c->max_upload_mib = 20;
    c->housekeeping_seconds = 300;
    c->group_commit = 1;
    c->scheduler_seconds = 15;
    c->suggest_seconds = 60;
    snprintf(c->public_url, sizeof c->public_url, "http://127.0.0.1:8080");
    gg_public_limits_t l;
    gg_public_limits_defaults(&l);
    c->registration_window_minutes = (int)(l.window_ms / 60000);
    c->public_max_per_address = l.lookups_per_address;
    c->registration_max_per_address = l.submissions_per_address;
    c->registration_max_per_house = l.submissions_per_house;
    c->public_attachments_per_address = l.attachments_per_address;
    c->attachment_max_bytes = GG_ATTACHMENT_DEFAULT_MAX_BYTES;
    gg_map_tiles_defaults(&c->map_tiles);
    gg_error_t err = {0};
    gg_office_hours_parse(GG_OFFICE_HOURS_DEFAULT, "office_hours", &c->office_hours, &err);
}

void gg_config_public_limits(const gg_config_t *c, gg_public_limits_t *l)
{
    l->window_ms = (int64_t)c->registration_window_minutes * 60000;
    l->lookups_per_address = c->public_max_per_address;
    l->submissions_per_address = c->registration_max_per_address;
    l->submissions_per_house = c->registration_max_per_house;
    l->attachments_per_address = c->public_attachments_per_address;
}

void gg_config_security(const gg_config_t *c, gg_security_t *s)
{
    gg_security_defaults(s);
    s->argon2_ops = (uint64_t)c->argon2_ops;
    s->argon2_mem = (size_t)c->argon2_mem_kib * 1024;
    s->session_idle_ms = (int64_t)c->session_idle_minutes * 60000;
    s->session_absolute_ms = (int64_t)c->session_hours * 3600000;
    s->session_cache_ms = c->session_cache_ms;
    s->login_max_failures = c->login_max_failures;
    s->login_window_ms = s->login_lockout_ms = (int64_t)c->login_lockout_minutes * 60000;
}

static const struct int_setting {
    const char *key;
    size_t offset;
    int min, max;
} int_settings[] = {
    {"threads", offsetof(gg_config_t, threads), 0, 256},
    {"db_pool", offsetof(gg_config_t, db_pool), 0, 1024},
    {"group_commit", offsetof(gg_config_t, group_commit), 0, 1},
    {"argon2_ops", offsetof(gg_config_t, argon2_ops), 1, 20},
    {"argon2_mem_kib", offsetof(gg_config_t, argon2_mem_kib), 8, 4 * 1024 * 1024},
    {"session_idle_minutes", offsetof(gg_config_t, session_idle_minutes), 1, 7 * 24 * 60},
    {"session_hours", offsetof(gg_config_t, session_hours), 1, 30 * 24},
    {"session_cache_ms", offsetof(gg_config_t, session_cache_ms), 0, 60000},
    {"login_max_failures", offsetof(gg_config_t, login_max_failures), 1, 100},
    {"login_lockout_minutes", offsetof(gg_config_t, login_lockout_minutes), 1, 24 * 60},
    {"max_upload_mib", offsetof(gg_config_t, max_upload_mib), 1, 1024},
    {"housekeeping_seconds", offsetof(gg_config_t, housekeeping_seconds), 1, 24 * 3600},
    {"scheduler_seconds", offsetof(gg_config_t, scheduler_seconds), 1, 3600},
    {"suggest_seconds", offsetof(gg_config_t, suggest_seconds), 1, 86400},
    {"registration_window_minutes", offsetof(gg_config_t, registration_window_minutes), 1, 24 * 60},
    {"public_max_per_address", offsetof(gg_config_t, public_max_per_address), 1, 1000000},
    {"registration_max_per_address", offsetof(gg_config_t, registration_max_per_address), 1, 100000},
    {"registration_max_per_house", offsetof(gg_config_t, registration_max_per_house), 1, 100000},
    {"public_attachments_per_address", offsetof(gg_config_t, public_attachments_per_address), 1, 100000},
    {"attachment_max_bytes", offsetof(gg_config_t, attachment_max_bytes), 1024, 1 << 30},
};

static int parse_int(const char *v, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max) return -1;
    *out = (int)n;
    return 0;
}

/* http(s)://host[:port][/path]: what a phone opens, so no spaces, query, fragment or credentials, and short
 * enough that the QR code stays easy to scan. */
static int set_public_url(gg_config_t *c, const char *key, const char *v, const char *src, gg_error_t *err)
{
    const char *rest = strncmp(v, "https://", 8) == 0 ? v + 8 : strncmp(v, "http://", 7) == 0 ? v + 7 : NULL;
    if (!rest)
        return gg_err_invalid(err, key, "%s: public_url must start with http:// or https:// (got \"%s\")",
                              src, v);
    size_t n = strlen(v);
    if (n > 200) return gg_err_invalid(err, key, "%s: public_url is too long (at most 200 characters)", src);
    if (!*rest || *rest == '/' || *rest == ':')
        return gg_err_invalid(err, key, "%s: public_url needs a host name, e.g. https://grid.example.gov.cn",
                              src);
    for (const char *p = v; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= 0x20 || ch >= 0x7f || ch == '?' || ch == '#' || ch == '@' || ch == '\\' || ch == '"' ||
            ch == '<' || ch == '>')
            return gg_err_invalid(err, key,
                                  "%s: public_url may hold only a scheme, host, port and path (no spaces, "
                                  "query, fragment or user name): \"%s\"",
                                  src, v);
    }
    snprintf(c->public_url, sizeof c->public_url, "%.*s", (int)n, v);
    /* the QR path is appended as "/r/<token>": no trailing slash */
    n = strlen(c->public_url);
    while (n > 0 && c->public_url[n - 1] == '/')
        c->public_url[--n] = 0;
    return 0;
}

static int set_path(char *dst, size_t size, const char *key, const char *v, const char *src, gg_error_t *err)
{
    if (!*v) return gg_err_invalid(err, key, "%s: %s must not be empty", src, key);
    if (strlen(v) >= size)
        return gg_err_invalid(err, key, "%s: %s is too long (at most %zu bytes)", src, key, size - 1);
    snprintf(dst, size, "%s", v);
    return 0;
}

int gg_config_set(gg_config_t *c, const char *key, const char *v, const char *src, gg_error_t *err)
{
    if (strcmp(key, "listen") == 0) {
        /* host:port, [v6]:port or :port */
        const char *colon = strrchr(v, ':');
        if (!colon)
            return gg_err_invalid(err, key, "%s: listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got \"%s\")",
                                  src, v);
        int port;
        if (parse_int(colon + 1, 0, 65535, &port) < 0)
            return gg_err_invalid(err, key, "%s: listen port must be a number from 0 to 65535 (got \"%s\")",
                                  src, colon + 1);
        const char *h = v;
        size_t hl = (size_t)(colon - v);
        if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') h++, hl -= 2;
        if (hl >= sizeof c->listen_host) return gg_err_invalid(err, key, "%s: listen host is too long", src);
        if (hl == 0)
            snprintf(c->listen_host, sizeof c->listen_host, "0.0.0.0");
        else
            snprintf(c->listen_host, sizeof c->listen_host, "%.*s", (int)hl, h);
        c->listen_port = port;
        return 0;
    }
    if (strcmp(key, "database") == 0) {
        gg_error_t e2;
        if (gg_db_url_check(v, &e2) < 0) return gg_err_invalid(err, "database", "%s: %s", src, e2.message);
        return set_path(c->database, sizeof c->database, key, v, src, err);
    }
    if (strcmp(key, "public_url") == 0) return set_public_url(c, key, v, src, err);
    if (gg_map_tiles_is_key(key)) return gg_map_tiles_set(&c->map_tiles, key, v, src, err);
    if (strcmp(key, "trusted_proxies") == 0) {
        gg_error_t e2;
        if (gg_netlist_parse(&c->trusted_proxies, v, key, &e2) < 0)
            return gg_err_invalid(err, key, "%s: %s", src, e2.message);
        return 0;
    }
    if (strcmp(key, "data_dir") == 0) return set_path(c->data_dir, sizeof c->data_dir, key, v, src, err);
    if (strcmp(key, "web_dir") == 0) return set_path(c->web_dir, sizeof c->web_dir, key, v, src, err);
    if (strcmp(key, "migrations") == 0)
        return set_path(c->migrations, sizeof c->migrations, key, v, src, err);
    for (size_t i = 0; i < sizeof int_settings / sizeof int_settings[0]; i++) {
        const struct int_setting *s = &int_settings[i];
        if (strcmp(key, s->key) != 0) continue;
        if (parse_int(v, s->min, s->max, (int *)((char *)c + s->offset)) < 0)
            return gg_err_invalid(err, key, "%s: %s must be a whole number from %d to %d (got \"%s\")", src,
                                  key, s->min, s->max, v);
        return 0;
    }
    if (strcmp(key, "office_hours") == 0) {
        gg_error_t e = {0};
        if (gg_office_hours_parse(v, key, &c->office_hours, &e) < 0)
            return gg_err_invalid(err, key, "%s: %s", src, e.message);
        return 0;
    }
    if (strcmp(key, "access_log") == 0) {
        if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "1"))
            c->access_log = 1;
        else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "0"))
            c->access_log = 0;
        else
            return gg_err_invalid(err, key, "%s: access_log must be on or off (got \"%s\")", src, v);
        return 0;
    }
    return gg_err_invalid(err, key, "%s: unknown setting \"%s\"", src, key);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

int gg_config_load_file(gg_config_t *c, const char *path, int required, gg_error_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!required && errno == ENOENT) return 0;
        return gg_err_invalid(err, "config", "cannot read config file %s: %s", path, strerror(errno));
    }
    char line[2048];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        char *eq = strchr(s, '=');
        char src[1100];
        snprintf(src, sizeof src, "%s:%d", path, lineno);
        if (!eq) {
            rc = gg_err_invalid(err, "config", "%s: expected key = value", src);
            break;
        }
        *eq = 0;
        if ((rc = gg_config_set(c, trim(s), trim(eq + 1), src, err)) < 0) break;
    }
    fclose(f);
    return rc;
}

static const struct {
    const char *env, *key;
} envmap[] = {
    {"GRIDGOV_LISTEN", "listen"},
    {"GRIDGOV_DATABASE", "database"},
    {"GRIDGOV_DATA_DIR", "data_dir"},
    {"GRIDGOV_WEB_DIR", "web_dir"},
    {"GRIDGOV_THREADS", "threads"},
    {"GRIDGOV_DB_POOL", "db_pool"},
    {"GRIDGOV_GROUP_COMMIT", "group_commit"},
    {"GRIDGOV_ACCESS_LOG", "access_log"},
    {"GRIDGOV_MIGRATIONS", "migrations"},
    {"GRIDGOV_ARGON2_OPS", "argon2_ops"},
    {"GRIDGOV_ARGON2_MEM_KIB", "argon2_mem_kib"},
    {"GRIDGOV_SESSION_IDLE_MINUTES", "session_idle_minutes"},
    {"GRIDGOV_SESSION_HOURS", "session_hours"},
    {"GRIDGOV_SESSION_CACHE_MS", "session_cache_ms"},
    {"GRIDGOV_LOGIN_MAX_FAILURES", "login_max_failures"},
    {"GRIDGOV_LOGIN_LOCKOUT_MINUTES", "login_lockout_minutes"},
    {"GRIDGOV_MAX_UPLOAD_MIB", "max_upload_mib"},
    {"GRIDGOV_HOUSEKEEPING_SECONDS", "housekeeping_seconds"},
    {"GRIDGOV_SCHEDULER_SECONDS", "scheduler_seconds"},
    {"GRIDGOV_SUGGEST_SECONDS", "suggest_seconds"},
    {"GRIDGOV_PUBLIC_URL", "public_url"},
    {"GRIDGOV_TRUSTED_PROXIES", "trusted_proxies"},
    {"GRIDGOV_REGISTRATION_WINDOW_MINUTES", "registration_window_minutes"},
    {"GRIDGOV_PUBLIC_MAX_PER_ADDRESS", "public_max_per_address"},
    {"GRIDGOV_REGISTRATION_MAX_PER_ADDRESS", "registration_max_per_address"},
    {"GRIDGOV_REGISTRATION_MAX_PER_HOUSE", "registration_max_per_house"},
    {"GRIDGOV_PUBLIC_ATTACHMENTS_PER_ADDRESS", "public_attachments_per_address"},
    {"GRIDGOV_ATTACHMENT_MAX_BYTES", "attachment_max_bytes"},
    {"GRIDGOV_MAP_TILES", "map_tiles"},
    {"GRIDGOV_MAP_TILES_OVERLAY", "map_tiles_overlay"},
    {"GRIDGOV_MAP_TILES_SUBDOMAINS", "map_tiles_subdomains"},
    {"GRIDGOV_MAP_TILES_ATTRIBUTION", "map_tiles_attribution"},
    {"GRIDGOV_MAP_TILES_MAX_ZOOM", "map_tiles_max_zoom"},
    {"GRIDGOV_OFFICE_HOURS", "office_hours"},
};

int gg_config_load_env(gg_config_t *c, gg_error_t *err)
{
    for (size_t i = 0; i < sizeof envmap / sizeof envmap[0]; i++) {
        const char *v = getenv(envmap[i].env);
        if (v && gg_config_set(c, envmap[i].key, v, envmap[i].env, err) < 0) return -1;
    }
    return 0;
}

int gg_config_load_flags(gg_config_t *c, int argc, char **argv, int first, const char **pos, int maxpos,
                         int *npos, gg_error_t *err)
{
    *npos = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || strlen(a) == 2) {
            if (*npos >= maxpos) return gg_err_invalid(err, a, "unexpected argument \"%s\"", a);
            pos[(*npos)++] = a;
            continue;
        }
        char key[64];
        const char *val;
        const char *eq = strchr(a, '=');
        size_t kl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (kl >= sizeof key) return gg_err_invalid(err, a, "unknown option %s", a);
        memcpy(key, a + 2, kl);
        key[kl] = 0;
        for (char *k = key; *k; k++)
            if (*k == '-') *k = '_';
        if (strcmp(key, "config") == 0) { /* handled by gg_config_load */
            if (!eq) i++;
            continue;
        }
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return gg_err_invalid(err, key, "option --%.*s needs a value", (int)kl, a + 2);
        char src[80];
        snprintf(src, sizeof src, "--%.*s", (int)kl, a + 2);
        if (gg_config_set(c, key, val, src, err) < 0) {
            if (strstr(err->message, "unknown setting")) gg_err_invalid(err, key, "unknown option %s", src);
            return -1;
        }
    }
    return 0;
}

int gg_config_load(gg_config_t *c, int argc, char **argv, int first, const char **pos, int maxpos, int *npos,
                   gg_error_t *err)
{
    gg_config_defaults(c);
    const char *file = getenv("GRIDGOV_CONFIG");
    int required = file != NULL;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            file = argv[i + 1], required = 1;
        else if (strncmp(argv[i], "--config=", 9) == 0)
            file = argv[i] + 9, required = 1;
    }
    if (gg_config_load_file(c, file ? file : "gridgov.conf", required, err) < 0) return -1;
    if (gg_config_load_env(c, err) < 0) return -1;
    if (gg_config_load_flags(c, argc, argv, first, pos, maxpos, npos, err) < 0) return -1;
    /* keys that only make sense together, checked once every source is read */
    return gg_map_tiles_check(&c->map_tiles, err);
}
