/*
 * cmd_import_calendar.c — `gridgov import-calendar [--from DIR]`: load the
 * holidays and 调休 working days of the chinese-days package into the working
 * calendar (domain/cases/calendar_store.h).  Idempotent; local edits are kept.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "domain/cases/calendar_store.h"

#ifndef GG_SOURCE_DIR
#define GG_SOURCE_DIR "."
#endif
#define DEFAULT_FROM GG_SOURCE_DIR "/.cache/chinese-days/package/dist"

int gg_cmd_import_calendar(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *from = NULL;
    char *rest[64];
    const char *pos[1];
    int nrest, npos;
    if (argc > 64) return fprintf(stderr, "gridgov: too many arguments\n"), 2;
    const gg_cli_opt_t spec[] = {{"--from", &from, NULL}};
    if (gg_cli_take_opts(argc, argv, spec, 1, rest, &nrest, &err) < 0) return gg_cli_fail(&err);
    if (gg_config_load(&cfg, nrest, rest, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    gg_db_t *db;
    int applied;
    if (gg_cli_open_db(&cfg, &db, &applied, &err) < 0) return gg_cli_fail(&err);
    gg_calendar_import_stats_t st;
    int rc = gg_calendar_import(db, from ? from : DEFAULT_FROM, &st, &err);
    gg_db_close(db);
    if (rc < 0) return gg_cli_fail(&err);
    printf("import-calendar: %d years (%d to %d), %d holidays and 调休 working days; local edits kept\n",
           st.years, st.first_year, st.last_year, st.days);
    return 0;
}
