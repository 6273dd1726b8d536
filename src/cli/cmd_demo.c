/*
 * cmd_demo.c — `gridgov demo`: fill a database with demonstration data and
 * print the logins.  Idempotent: running it again changes nothing and prints
 * the same logins.  Used by `make demo`.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/account.h"
#include "domain/unit.h"

#define DEMO_PASSWORD "Demo-gridgov-2026"

typedef struct demo_account {
    const char *username, *display_name, *role, *unit_code, *duty;
} demo_account_t;

static const demo_account_t demo_accounts[] = {
    {"admin", "系统管理员", "admin", "root", "全部功能 / everything"},
};

struct demo_ctx {
    gg_security_t *sec;
    gg_arena_t *arena;
    int created;
};

static const gg_actor_t demo_actor = {.account_id = 0, .username = "demo", .client_ip = "local"};

static int demo_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct demo_ctx *x = ctx;
    for (size_t i = 0; i < sizeof demo_accounts / sizeof demo_accounts[0]; i++) {
        const demo_account_t *d = &demo_accounts[i];
        gg_account_t acc;
        gg_unit_t unit;
        int found;
        if (gg_account_by_username(c, x->arena, x->sec, d->username, &acc, &found, err) < 0) return -1;
        if (found) continue;
        if (gg_unit_by_code(c, x->arena, d->unit_code, &unit, &found, err) < 0) return -1;
        if (!found) return gg_err_not_found(err, "demo unit %s is missing", d->unit_code);
        gg_account_new_t in = {.username = d->username,
                               .display_name = d->display_name,
                               .password = DEMO_PASSWORD,
                               .home_unit_id = unit.id};
        int64_t id, gid;
        if (gg_account_create(c, x->arena, x->sec, &demo_actor, NULL, &in, &id, err) < 0) return -1;
        if (gg_grant_add(c, x->arena, &demo_actor, NULL, id, d->role, unit.id, &gid, err) < 0) return -1;
        x->created++;
    }
    return 0;
}

int gg_cmd_demo(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *pos[1];
    int npos;
    if (gg_config_load(&cfg, argc, argv, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    gg_db_t *db;
    gg_keys_t keys;
    gg_security_t sec;
    if (gg_cli_open_app(&cfg, &db, &keys, &sec, NULL, &err) < 0) return gg_cli_fail(&err);
    gg_arena_t *a = gg_arena_new(8192);
    gg_db_conn_t *c;
    struct demo_ctx x = {.sec = &sec, .arena = a};
    int rc = gg_db_acquire(db, &c, &err);
    if (rc == 0) {
        rc = gg_db_tx(c, demo_tx, &x, &err);
        gg_db_release(db, c);
    }
    gg_arena_free(a);
    gg_db_close(db);
    if (rc < 0) return gg_cli_fail(&err);
    printf("demo: %d account(s) created\n\n  Demo logins (password %s for all):\n", x.created, DEMO_PASSWORD);
    for (size_t i = 0; i < sizeof demo_accounts / sizeof demo_accounts[0]; i++)
        printf("    %-16s %s — %s\n", demo_accounts[i].username, demo_accounts[i].display_name,
               demo_accounts[i].duty);
    return 0;
}
