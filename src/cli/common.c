/* common.c — what every subcommand needs: help detection, error exit, opening the database. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

#include "cli/cli.h"
#include "domain/identity/audit_anchor.h"
#include "domain/setting.h"

int gg_cli_wants_help(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    return 0;
}

int gg_cli_fail(const gg_error_t *e)
{
    if (e->field[0] && !strstr(e->message, e->field))
        fprintf(stderr, "gridgov: %s: %s\n", e->field, e->message);
    else
        fprintf(stderr, "gridgov: %s\n", e->message);
    return e->http_status == 400 ? 2 : 1;
}

int gg_mkdirs(const char *path, gg_error_t *err)
{
    char tmp[1024];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
        return gg_err_invalid(err, "data_dir", "path is too long: %s", path);
    for (char *p = tmp + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
                return gg_error_set(err, 500, "io_error", "data_dir", "cannot create directory %s: %s", tmp,
                                    strerror(errno));
            *p = c;
            if (!c) break;
        }
    }
    return 0;
}

void gg_make_private(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || st.st_uid != geteuid() || !(st.st_mode & 077)) return;
    if (chmod(path, st.st_mode & 0700) != 0)
        gg_log_warn("cannot make %s private to its owner: %s", path, strerror(errno));
}

/* A SQLite database is one file and its companions; SQLite gives new companions the database's mode. */
static void make_sqlite_files_private(const char *file)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[1100];
        snprintf(path, sizeof path, "%s%s", file, suffixes[i]);
        gg_make_private(path);
    }
}

int gg_cli_open_db(const gg_config_t *cfg, gg_db_t **db, int *applied, gg_error_t *err)
{
    *db = NULL;
    if (gg_mkdirs(cfg->data_dir, err) < 0) return -1;
    gg_make_private(cfg->data_dir); /* made by an older version (0750) or by hand */
    if (strncmp(cfg->database, "sqlite:", 7) == 0 && strcmp(cfg->database, "sqlite::memory:") != 0) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s", cfg->database + 7);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = 0;
            if (gg_mkdirs(dir, err) < 0) return -1;
        }
    }
    int is_sqlite_file =
        strncmp(cfg->database, "sqlite:", 7) == 0 && strcmp(cfg->database, "sqlite::memory:") != 0;
    if (is_sqlite_file) make_sqlite_files_private(cfg->database + 7);
    int threads = cfg->threads;
    gg_db_config_t dc = {.url = cfg->database,
                         .pool_size = cfg->db_pool ? cfg->db_pool : threads + 4,
                         .no_group_commit = !cfg->group_commit};
    if (gg_db_open(&dc, db, err) < 0) return -1;
    if (gg_db_migrate(*db, cfg->migrations, applied, err) < 0) {
        gg_db_close(*db);
        *db = NULL;
        return -1;
    }
    if (is_sqlite_file) make_sqlite_files_private(cfg->database + 7); /* the companions opening made */
    return 0;
}

int gg_cli_open_app(const gg_config_t *cfg, gg_db_t **db, gg_keys_t *keys, gg_security_t *sec,
                    int *key_created, gg_error_t *err)
{
    int applied;
    if (gg_crypto_init() < 0) return gg_err_internal(err, "libsodium could not be initialised");
    if (gg_cli_open_db(cfg, db, &applied, err) < 0) return -1;
    if (gg_keys_open(*db, cfg->data_dir, keys, key_created, err) < 0) {
        gg_db_close(*db);
        *db = NULL;
        return -1;
    }
    gg_config_security(cfg, sec);
    sec->keys = keys;
    gg_db_set_context(*db, keys); /* the audit chain is keyed */
    /* every process that may write audit rows anchors the chain's head outside the database */
    if (gg_audit_anchor_open(cfg->data_dir, keys, err) < 0) {
        gg_db_close(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

int gg_cli_take_opts(int argc, char **argv, const gg_cli_opt_t *opts, int nopts, char **rest, int *nrest,
                     gg_error_t *err)
{
    *nrest = 0;
    for (int i = 0; i < argc; i++) {
        const gg_cli_opt_t *o = NULL;
        for (int k = 0; k < nopts && !o; k++)
            if (strcmp(argv[i], opts[k].name) == 0) o = &opts[k];
        if (!o) {
            rest[(*nrest)++] = argv[i];
        } else if (o->on) {
            *o->on = 1;
        } else {
            if (i + 1 >= argc) return gg_err_invalid(err, o->name, "option %s needs a value", o->name);
            *o->value = argv[++i];
        }
    }
    return 0;
}
