/*
 * cmd_serve.c — `gridgov serve`: open the database, migrate, serve until
 * SIGTERM/SIGINT, then stop gracefully (in-flight requests finish).  Background
 * jobs (worker/worker.h) run on a thread of their own meanwhile.
 *
 * Signals are blocked before any thread starts and taken with sigwait in the
 * main thread, so no handler runs in a random server thread.
 */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "cli/cli.h"
#include "core/log.h"
#include "core/version.h"
#include "domain/visits/visit.h"
#include "domain/assessment/assessment.h"
#include "domain/attachment.h"
#include "domain/cases/calendar_store.h"
#include "domain/cases/names.h"
#include "domain/tree/grid.h"
#include "api/stream.h"
#include "worker/deadlines.h"
#include "worker/reports_job.h"
#include "worker/housekeeping.h"
#include "worker/suggest_worker.h"
#include "worker/webhook_worker.h"
#include "worker/worker.h"

static int load_grid_index(gg_app_t *app, gg_error_t *err)
{
    gg_db_conn_t *c;
    if (gg_db_acquire(app->db, &c, err) < 0) return -1;
    int rc = gg_grid_index_reload(c, app->grid_index, err);
    gg_db_release(app->db, c);
    return rc;
}

static int load_calendar(gg_app_t *app, const gg_office_hours_t *hours, gg_error_t *err)
{
    gg_db_conn_t *c;
    if (gg_db_acquire(app->db, &c, err) < 0) return -1;
    int rc = gg_calendar_reload(c, app->calendar, hours, err);
    gg_db_release(app->db, c);
    return rc;
}

/* One runner (a thread of its own) with its jobs, started: each slow kind of work — an endpoint's delivery, a
 * report's rendering, a model's training — gets its own, so it never delays another runner's jobs.  *out is
 * set first, so the caller frees whatever exists when a step fails. */
static int start_runner(gg_worker_t **out, const gg_job_t *jobs, int njobs, gg_error_t *err)
{
    *out = gg_worker_new();
    for (int i = 0; i < njobs; i++)
        if (gg_worker_add(*out, &jobs[i], err) < 0) return -1;
    return gg_worker_start(*out, err);
}

int gg_cmd_serve(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *pos[1];
    int npos;
    if (gg_config_load(&cfg, argc, argv, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    int threads = cfg.threads > 0 ? cfg.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    cfg.threads = threads;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Everything made below is released once, in reverse order, at `done`: a failure on the way jumps
     * there with what exists so far (the NULLs are skipped). */
    int rc = 1;
    gg_router_t *router = NULL;
    gg_server_t *server = NULL;
    /* the background runners, started in this order and freed in reverse (docs/operations.md "Jobs") */
    enum { RUN_HOUSEKEEPING, RUN_WEBHOOKS, RUN_REPORTS, RUN_SUGGEST, NRUNNERS };
    gg_worker_t *runners[NRUNNERS] = {0};
    /* the jobs' contexts, used by their runners until these stop */
    gg_housekeeping_t housekeeping = {0};
    gg_deadlines_t deadlines = {0};
    gg_webhook_worker_t webhooks = {0};
    gg_reports_job_t reports = {0};
    gg_suggest_worker_t suggest = {0};
    gg_app_t app = {.data_dir = cfg.data_dir, .version = GG_VERSION, .public_url = cfg.public_url};
    gg_config_public_limits(&cfg, &app.public_limits);
    app.map_tiles = &cfg.map_tiles;
    char img_sources[2 * GG_TILE_URL_MAX + 8];
    gg_map_tiles_csp(&cfg.map_tiles, img_sources, sizeof img_sources);
    int key_created = 0;
    if (gg_cli_open_app(&cfg, &app.db, &app.keys, &app.sec, &key_created, &err) < 0) goto done;
    app.sec.keys = &app.keys;
    if (key_created) gg_log_info("created a new key file in %s — back it up with the database", cfg.data_dir);
    /* The point-in-grid index (geo/grid_index.h), built before the first request; handlers rebuild it after
     * grid writes and check the database's grid generation at most once a second for other nodes' writes. */
    app.grid_index = gg_grid_index_new();
    if (load_grid_index(&app, &err) < 0) goto done;
    /* The working calendar (domain/cases/calendar.h) with the configured office hours. */
    app.calendar = gg_calendar_new();
    if (!app.calendar) {
        gg_err_internal(&err, "out of memory");
        goto done;
    }
    if (load_calendar(&app, &cfg.office_hours, &err) < 0) goto done;
    app.names = gg_names_new(); /* loaded by the first inbox (NULL: the inboxes join the names) */
    if (gg_cli_rollups_with(app.db, app.calendar, 0, &err) < 0) goto done; /* once, an older database */
    gg_attachment_set_max_bytes(cfg.attachment_max_bytes);
    gg_attachment_owners_init();
    gg_assess_attachments_init(); /* evidence of assessment scores */
    gg_visit_attachments_init();  /* photos of household visits */
    router = gg_router_new();
    if (gg_api_register(router, &err) < 0)
        goto done; /* a route missing would be a 404 nobody notices until used */

    char index[1100];
    snprintf(index, sizeof index, "%s/index.html", cfg.web_dir);
    int have_web = access(index, R_OK) == 0;
    if (!have_web) gg_log_warn("no web app at %s (run `make web`); serving the API only", cfg.web_dir);

    /* uploads (bulk imports) are spooled here, each file unlinked as soon as it is made */
    char upload_dir[1100];
    snprintf(upload_dir, sizeof upload_dir, "%s/tmp", cfg.data_dir);
    if (gg_mkdirs(upload_dir, &err) < 0) goto done;
    gg_make_private(upload_dir);
    app.tmp_dir = upload_dir;
    gg_server_config_t sc = {
        .host = cfg.listen_host,
        .port = cfg.listen_port,
        .threads = threads,
        .max_body = 1u << 20,
        .max_upload = (size_t)cfg.max_upload_mib << 20,
        .upload_dir = upload_dir,
        .static_dir = have_web ? cfg.web_dir : NULL,
        .access_log = cfg.access_log ? stdout : NULL,
        .trusted_proxies = &cfg.trusted_proxies,
        .img_sources = img_sources,
        .public_url = cfg.public_url,
    };
    /* the live stream's hub (api/stream.h) before the first request can subscribe */
    app.live = gg_live_hub_start(app.db, app.sec.session_idle_ms, &err);
    if (!app.live) goto done;
    if (gg_server_start(&sc, router, &app, &server, &err) < 0) goto done;
    housekeeping = (gg_housekeeping_t){.db = app.db, .sec = &app.sec, .data_dir = cfg.data_dir};
    deadlines = (gg_deadlines_t){.db = app.db, .keys = &app.keys, .calendar = app.calendar};
    webhooks = (gg_webhook_worker_t){.db = app.db, .keys = &app.keys};
    /* monthly reports (docs/reports.md): GRIDGOV_REPORT_LEVELS, default county and street; "" turns the
     * schedule off (reports asked for are still generated) */
    const char *levels = getenv("GRIDGOV_REPORT_LEVELS");
    reports =
        (gg_reports_job_t){.db = app.db, .tmp_dir = upload_dir, .levels = levels ? levels : "county,street"};
    suggest = (gg_suggest_worker_t){.db = app.db};
    const gg_job_t housekeeping_jobs[] = {
        {.name = "housekeeping",
         .interval_ms = (int64_t)cfg.housekeeping_seconds * 1000,
         .run = gg_housekeeping_run,
         .ctx = &housekeeping},
        {.name = "scheduler",
         .interval_ms = (int64_t)cfg.scheduler_seconds * 1000,
         .run = gg_deadlines_run,
         .ctx = &deadlines},
    };
    const gg_job_t webhook_jobs[] = {
        {.name = "webhooks", .interval_ms = 500, .run = gg_webhook_worker_run, .ctx = &webhooks}};
    const gg_job_t report_jobs[] = {{.name = "reports",
                                     .interval_ms = GG_REPORTS_JOB_INTERVAL_MS,
                                     .run = gg_reports_job_run,
                                     .ctx = &reports}};
    const gg_job_t suggest_jobs[] = {{.name = "suggest",
                                      .interval_ms = (int64_t)cfg.suggest_seconds * 1000,
                                      .run = gg_suggest_worker_run,
                                      .ctx = &suggest}};
    if (start_runner(&runners[RUN_HOUSEKEEPING], housekeeping_jobs, 2, &err) < 0 ||
        gg_webhook_worker_init(&err) < 0 || start_runner(&runners[RUN_WEBHOOKS], webhook_jobs, 1, &err) < 0 ||
        start_runner(&runners[RUN_REPORTS], report_jobs, 1, &err) < 0 ||
        start_runner(&runners[RUN_SUGGEST], suggest_jobs, 1, &err) < 0)
        goto done;
    gg_log_info("gridgov %s listening on http://%s:%d/ (database %s, %d threads)", GG_VERSION,
                cfg.listen_host, gg_server_port(server),
                gg_db_kind(app.db) == GG_DB_SQLITE ? "sqlite" : "postgresql", threads);

    int sig = 0;
    sigwait(&set, &sig);
    gg_log_info("received %s; finishing in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    rc = 0;

done:
    /* first: their jobs use the database; each wakes, lets a running job finish, joins */
    for (int i = NRUNNERS - 1; i >= 0; i--)
        gg_worker_free(runners[i]);
    if (server) gg_server_stop(server, 10000);
    gg_live_hub_stop(app.live); /* after the server: its streams have ended */
    if (router) gg_router_free(router);
    if (app.grid_index) gg_grid_index_free(app.grid_index);
    gg_calendar_free(app.calendar);
    gg_names_free(app.names);
    if (app.db) {
        long long txs, commits;
        gg_db_group_counts(app.db, &txs, &commits);
        if (txs) gg_log_info("group commit: %lld write transactions in %lld commits", txs, commits);
        gg_db_close(app.db);
    }
    if (rc != 0) return gg_cli_fail(&err);
    gg_log_info("stopped");
    return 0;
}
