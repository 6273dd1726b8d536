/*
 * config.h — gridgov's settings: defaults < gridgov.conf < GRIDGOV_* environment < flags.
 *
 * Every value is validated when it is set, and the error names the key and
 * the source ("GRIDGOV_THREADS: threads must be a whole number from 1 to 256").
 * Keys (file / environment / flag):
 *   listen      GRIDGOV_LISTEN     --listen      127.0.0.1:8080
 *   database    GRIDGOV_DATABASE   --database    sqlite:var/gridgov.db
 *   data_dir    GRIDGOV_DATA_DIR   --data-dir    var/
 *   web_dir     GRIDGOV_WEB_DIR    --web-dir     web/dist
 *   threads     GRIDGOV_THREADS    --threads     HTTP worker threads (0 = CPUs)
 *   db_pool     GRIDGOV_DB_POOL    --db-pool     database connections (0 = threads + 2)
 *   group_commit GRIDGOV_GROUP_COMMIT            SQLite: 1 (default) batches write transactions into one
 *                  commit (db/db.h, gg_db_tx); 0 = one commit per transaction
 *   access_log  GRIDGOV_ACCESS_LOG --access-log  on | off
 *   migrations  GRIDGOV_MIGRATIONS --migrations  directory of sql/migrations
 *   max_upload_mib GRIDGOV_MAX_UPLOAD_MIB --max-upload-mib  body limit of import uploads (default 20)
 *   housekeeping_seconds GRIDGOV_HOUSEKEEPING_SECONDS --housekeeping-seconds  how often ended sessions
 *                  and spent login throttles are deleted (default 300; 1 to 86400)
 *   scheduler_seconds GRIDGOV_SCHEDULER_SECONDS  how often the deadline scheduler marks cases near due and
 *                  overdue (worker/deadlines.h; default 15; 1 to 3600)
 * Security (file or GRIDGOV_<KEY in upper case>):
 *   argon2_ops, argon2_mem_kib     password hashing cost (libsodium argon2id; default "interactive")
 *   session_idle_minutes           idle sessions end (default 120)
 *   session_cache_ms               how long a node remembers a checked session (default 1000, 0 = off)
 *   session_hours                  every session ends (default 12)
 *   login_max_failures             wrong passwords per account before lockout (default 5)
 *   login_lockout_minutes          lockout and counting window (default 15)
 *   trusted_proxies                reverse proxies whose X-Forwarded-For names the client: addresses
 *                                  or CIDR ranges, comma-separated (default none; http/proxy.h)
 * QR house codes and public registration:
 *   public_url                     the address residents' phones reach, printed in QR codes
 *                                  (http(s)://host[:port][/path]; default http://127.0.0.1:8080)
 *   registration_window_minutes    the public endpoints' rate-limit window (default 60)
 *   public_max_per_address         public requests per client address and window (default 300)
 *   registration_max_per_address   registrations accepted per client address and window (default 20)
 *   registration_max_per_house     registrations accepted per house and window (default 5)
 *   public_attachments_per_address anonymous uploads (POST /public/attachments) per client address and
 *                                  window (default 30)
 * Attachments (domain/attachment.h; file or GRIDGOV_ATTACHMENT_MAX_BYTES):
 *   attachment_max_bytes           the largest photo or PDF accepted, in bytes (default 8388608 = 8 MiB;
 *                                  1024 to 1073741824); files live in <data_dir>/attachments
 * Maps (core/map_tiles.h; file or GRIDGOV_<KEY in upper case>):
 *   map_tiles                      none (default: the units' borders are the base map) | osm | a URL
 *                                  template with {z} {x} {y} and optionally {s}
 *   map_tiles_overlay              a second template drawn on top (天地图's labels); default none
 *   map_tiles_subdomains           what {s} takes, e.g. abc or 01234567
 *   map_tiles_attribution          text in the map's corner
 *   map_tiles_max_zoom             1–22 (default 18, osm 19)
 * Working calendar (domain/cases/calendar.h; file or GRIDGOV_OFFICE_HOURS):
 *   office_hours                   Asia/Shanghai office hours that working-hour deadlines count
 *                                  (default 08:30-12:00,14:30-18:00; up to four intervals)
 */
#ifndef GG_CLI_CONFIG_H
#define GG_CLI_CONFIG_H

#include "core/error.h"
#include "core/map_tiles.h"
#include "domain/attachment.h"
#include "domain/cases/calendar.h"
#include "http/proxy.h"

typedef struct gg_config {
    char listen_host[64];
    int listen_port;
    char database[1024];
    char data_dir[1024];
    char web_dir[1024];
    char migrations[1024];
    int threads;
    int db_pool;
    int group_commit; /* 1: SQLite write transactions go through the group committer (db/db.h) */
    int access_log;
    int argon2_ops;
    int argon2_mem_kib;
    int session_idle_minutes;
    int session_cache_ms;
    int session_hours;
    int login_max_failures;
    int login_lockout_minutes;
    int max_upload_mib;       /* upload routes (bulk imports); JSON bodies stay at 1 MiB */
    int suggest_seconds;      /* how often `serve` checks the suggestion models (worker/suggest_worker.h) */
    int scheduler_seconds;    /* how often `serve` runs the deadline scheduler (worker/deadlines.h) */
    int housekeeping_seconds; /* how often `serve` purges ended sessions (worker/housekeeping.h) */
    char public_url[256];
    gg_netlist_t trusted_proxies;
    int registration_window_minutes;
    int public_max_per_address;
    int registration_max_per_address;
    int registration_max_per_house;
    int public_attachments_per_address; /* anonymous uploads per client address and window */
    int attachment_max_bytes;           /* the size limit of one attachment (domain/attachment.h) */
    gg_map_tiles_t map_tiles;
    gg_office_hours_t office_hours;
} gg_config_t;

struct gg_public_limits;
/* Fill the public endpoints' rate limits from the config. */
void gg_config_public_limits(const gg_config_t *c, struct gg_public_limits *l);

struct gg_security;
/* Fill the security settings from the config (keys are attached later). */
void gg_config_security(const gg_config_t *c, struct gg_security *s);

void gg_config_defaults(gg_config_t *c);
/* Set one key from a source ("gridgov.conf:3", "GRIDGOV_LISTEN", "--listen"). */
int gg_config_set(gg_config_t *c, const char *key, const char *value, const char *source, gg_error_t *err);
/* Read key = value lines; missing file is an error only when required. */
int gg_config_load_file(gg_config_t *c, const char *path, int required, gg_error_t *err);
int gg_config_load_env(gg_config_t *c, gg_error_t *err);
/* Parse --key value / --key=value flags from argv[first..); unknown flags are errors.
 * Positional arguments are collected into pos (up to maxpos). */
int gg_config_load_flags(gg_config_t *c, int argc, char **argv, int first, const char **pos, int maxpos,
                         int *npos, gg_error_t *err);
/* Everything above in order; config file from --config, GRIDGOV_CONFIG or ./gridgov.conf. */
int gg_config_load(gg_config_t *c, int argc, char **argv, int first, const char **pos, int maxpos, int *npos,
                   gg_error_t *err);

#endif
