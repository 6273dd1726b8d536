/* cmd_init.c — `gridgov init`: create the data directory, the database schema and the key file. */
#include <stdio.h>

#include "cli/cli.h"

int gg_cmd_init(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *pos[1];
    int npos, created = 0;
    if (gg_config_load(&cfg, argc, argv, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    gg_db_t *db;
    gg_keys_t keys;
    gg_security_t sec;
    if (gg_cli_open_app(&cfg, &db, &keys, &sec, &created, &err) < 0) return gg_cli_fail(&err);
    printf("init: database ready; key file %s/gridgov.key %s\n", cfg.data_dir,
           created ? "created (back it up: personal data cannot be read without it)"
                   : "already present and valid");
    gg_db_close(db);
    return 0;
}
