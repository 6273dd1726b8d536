/* cli.h — gridgov subcommands; each lives in its own cmd_*.c file. */
#ifndef GG_CLI_CLI_H
#define GG_CLI_CLI_H

#include "cli/config.h"
#include "db/db.h"

typedef struct gg_command {
    const char *name;
    const char *summary;
    const char *usage; /* full --help text */
    int (*run)(int argc, char **argv);
} gg_command_t;

int gg_cmd_serve(int argc, char **argv);
int gg_cmd_migrate(int argc, char **argv);
int gg_cmd_init(int argc, char **argv);
int gg_cmd_user(int argc, char **argv);
int gg_cmd_verify_audit(int argc, char **argv);
int gg_cmd_demo(int argc, char **argv);
int gg_cmd_import_divisions(int argc, char **argv);
int gg_cmd_import_calendar(int argc, char **argv);
int gg_cmd_demo_cases(int argc, char **argv);
int gg_cmd_workflow(int argc, char **argv);
int gg_cmd_rollup_check(int argc, char **argv);
int gg_cmd_demo_disputes(int argc, char **argv);

struct gg_division_stats;
/* The import as `gridgov demo` also uses it; only: "420204,652901" or NULL. */
int gg_import_divisions_run(const gg_config_t *cfg, gg_db_t *db, const char *source, const char *only,
                            int quiet, struct gg_division_stats *st, gg_error_t *err);

struct gg_demo_cases_options;
struct gg_demo_cases_stats;
struct gg_security;
/* Load the working calendar (import chinese-days from calendar_dir, default .cache/chinese-days/package/dist)
 * and generate cases (domain/demo_cases.h) with it: `gridgov demo` and `gridgov demo-cases`. */
int gg_cli_demo_cases(const gg_config_t *cfg, gg_db_t *db, const struct gg_security *sec,
                      const char *calendar_dir, struct gg_demo_cases_options *o,
                      struct gg_demo_cases_stats *st, gg_error_t *err);
void gg_cli_demo_cases_print(const char *who, const struct gg_demo_cases_stats *st, double seconds);

extern const char gg_common_flags_help[];

/* 1 when argv has -h or --help. */
int gg_cli_wants_help(int argc, char **argv);
/* Print "gridgov: <message>" for e and return the exit code 2 (usage) or 1. */
int gg_cli_fail(const gg_error_t *e);
/* Create the data directory and the SQLite file's directory; open the
 * database and apply migrations. */
int gg_cli_open_db(const gg_config_t *cfg, gg_db_t **db, int *applied, gg_error_t *err);
/* mkdir -p, each directory made 0700 (private to the service user). */
int gg_mkdirs(const char *path, gg_error_t *err);
/* Take group and other permissions off path when this user owns it (a file or directory an older
 * version or an operator made readable); a failure is logged, not fatal. */
void gg_make_private(const char *path);

/* A subcommand's own flags, taken out of argv before the config parser sees
 * the rest: value flags fill *value, switches set *on to 1. */
typedef struct gg_cli_opt {
    const char *name; /* "--only" */
    const char **value;
    int *on;
} gg_cli_opt_t;
/* rest receives argv without the taken flags (rest must hold argc pointers). */
int gg_cli_take_opts(int argc, char **argv, const gg_cli_opt_t *opts, int nopts, char **rest, int *nrest,
                     gg_error_t *err);

#include "domain/domain.h"
/* Open the database (migrated) and the key file bound to it; fills sec. */
int gg_cli_open_app(const gg_config_t *cfg, gg_db_t **db, gg_keys_t *keys, gg_security_t *sec,
                    int *key_created, gg_error_t *err);

/* The case rollups (domain/measures/rollup.h), cmd_rollup_check.c: built once when the setting rollups_built
 * is '0' (force: rebuilt anyway, after a bulk load), on the office hours of cfg or on cal. */
int gg_cli_rollups_build(const gg_config_t *cfg, gg_db_t *db, int force, gg_error_t *err);
#include "domain/cases/calendar.h"
int gg_cli_rollups_with(gg_db_t *db, gg_calendar_t *cal, int force, gg_error_t *err);
/* The working calendar as the database holds it, on cfg's office hours (cmd_demo_cases.c); NULL on error. */
gg_calendar_t *gg_cli_calendar_load(const gg_config_t *cfg, gg_db_t *db, gg_error_t *err);

#endif
