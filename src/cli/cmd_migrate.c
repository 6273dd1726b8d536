/* cmd_migrate.c — `gridgov migrate`: apply pending schema migrations and exit. */
#include <stdio.h>

#include "cli/cli.h"

int gg_cmd_migrate(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *pos[1];
    int npos;
    if (gg_config_load(&cfg, argc, argv, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    gg_db_t *db;
    int applied = 0;
    if (gg_cli_open_db(&cfg, &db, &applied, &err) < 0) return gg_cli_fail(&err);
    printf("migrate: %d migration(s) applied\n", applied);
    if (gg_cli_rollups_build(&cfg, db, 0, &err) < 0) {
        gg_db_close(db);
        return gg_cli_fail(&err);
    }
    gg_db_close(db);
    return 0;
}
