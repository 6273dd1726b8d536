/*
 * cmd_user.c — `gridgov user add|passwd|grant|list`: accounts from the
 * command line, for the first administrator and for operators.  The operator
 * at the console is trusted (no scope checks), but every change is audited as
 * done by "cli".
 *
 *   echo 'S3cret-pass!' | gridgov user add alice --password-stdin [--display-name 张三] [--unit CODE|root]
 *   gridgov user grant alice admin root
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/identity/account.h"
#include "domain/tree/unit.h"

struct opts {
    const char *display_name, *unit, *phone;
    int password_stdin, temporary;
};

static int read_password(char *buf, size_t size, gg_error_t *err)
{
    if (!fgets(buf, (int)size, stdin))
        return gg_err_invalid(err, "password", "no password on standard input");
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = 0;
    if (!n) return gg_err_invalid(err, "password", "the password on standard input is empty");
    return 0;
}

struct op {
    gg_security_t *sec;
    gg_arena_t *arena;
    const char *verb, *name, *role, *unit, *password;
    struct opts *o;
    int64_t id;
};

static const gg_actor_t cli_actor = {.account_id = 0, .username = "cli", .client_ip = "local"};

static int find_unit(gg_db_conn_t *c, gg_arena_t *a, const char *code, gg_unit_t *u, gg_error_t *err)
{
    int found;
    if (gg_unit_by_code(c, a, code, u, &found, err) < 0) return -1;
    if (!found)
        return gg_err_not_found(err, "no unit with code %s (use a division code such as 420204, or root)",
                                code);
    return 0;
}

static int op_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct op *x = ctx;
    gg_account_t acc;
    gg_unit_t unit;
    int found;
    if (!strcmp(x->verb, "add")) {
        if (find_unit(c, x->arena, x->o->unit ? x->o->unit : "root", &unit, err) < 0) return -1;
        gg_account_new_t in = {.username = x->name,
                               .display_name = x->o->display_name ? x->o->display_name : x->name,
                               .phone = x->o->phone,
                               .password = x->password,
                               .home_unit_id = unit.id,
                               .must_change_password = x->o->temporary};
        return gg_account_create(c, x->arena, x->sec, &cli_actor, NULL, &in, &x->id, err);
    }
    if (gg_account_by_username(c, x->arena, x->sec, x->name, &acc, &found, err) < 0) return -1;
    if (!found) return gg_err_not_found(err, "no account named %s", x->name);
    x->id = acc.id;
    if (!strcmp(x->verb, "passwd"))
        return gg_account_set_password(c, x->arena, x->sec, &cli_actor, NULL, acc.id, x->password,
                                       x->o->temporary, NULL, err);
    /* grant */
    if (find_unit(c, x->arena, x->unit, &unit, err) < 0) return -1;
    int64_t gid;
    return gg_grant_add(c, x->arena, &cli_actor, NULL, acc.id, x->role, unit.id, &gid, err);
}

static int list_accounts(gg_db_conn_t *c, gg_arena_t *a, gg_security_t *sec, gg_error_t *err)
{
    /* the operator sees everything: a synthetic admin grant at the root */
    gg_unit_t top;
    int found;
    if (gg_unit_by_code(c, a, "root", &top, &found, err) < 0) return -1;
    if (!found) return gg_err_internal(err, "the root unit is missing");
    gg_grant_t root = {.role = "admin", .perms = GG_P_ALL, .unit_path = top.path};
    gg_auth_t op = {.account_id = 0, .ngrants = 1, .grants = &root, .perms_any = GG_P_ALL};
    gg_page_t page = {.limit = 200};
    printf("%-20s %-20s %-9s %s\n", "USER", "NAME", "STATUS", "ROLES");
    for (;;) {
        gg_account_t *rows;
        int n;
        if (gg_account_list(c, a, sec, &op, NULL, &page, &rows, &n, NULL, err) < 0) return -1;
        for (int i = 0; i < n; i++) {
            gg_grant_t *g;
            int ng;
            if (gg_account_grants(c, a, rows[i].id, &g, &ng, err) < 0) return -1;
            printf("%-20s %-20s %-9s", rows[i].username, rows[i].display_name, rows[i].status);
            for (int k = 0; k < ng; k++)
                printf("%s%s@%s", k ? ", " : " ", g[k].role, g[k].unit_code);
            printf("\n");
        }
        if (n < page.limit) break;
        page.after = rows[n - 1].id;
    }
    return 0;
}

int gg_cmd_user(int argc, char **argv)
{
    static const char usage[] =
        "usage: gridgov user add NAME --password-stdin [--display-name TEXT] [--unit CODE|root] "
        "[--phone NUMBER] [--temporary]\n"
        "       gridgov user passwd NAME --password-stdin [--temporary]\n"
        "       gridgov user grant NAME ROLE CODE|root\n"
        "       gridgov user list\n";
    gg_config_t cfg;
    gg_error_t err = {0};
    struct opts o = {0};
    char *rest[64];
    int nrest, npos;
    const char *pos[4];
    if (argc > 64) return fprintf(stderr, "gridgov: too many arguments\n"), 2;
    const gg_cli_opt_t spec[] = {
        {"--display-name", &o.display_name, NULL},
        {"--unit", &o.unit, NULL},
        {"--phone", &o.phone, NULL},
        {"--password-stdin", NULL, &o.password_stdin},
        {"--temporary", NULL, &o.temporary},
    };
    if (gg_cli_take_opts(argc, argv, spec, 5, rest, &nrest, &err) < 0) return gg_cli_fail(&err);
    if (gg_config_load(&cfg, nrest, rest, 2, pos, 4, &npos, &err) < 0) return gg_cli_fail(&err);
    if (npos < 1) return fputs(usage, stderr), 2;
    const char *verb = pos[0];
    int want = !strcmp(verb, "add") || !strcmp(verb, "passwd") ? 2
               : !strcmp(verb, "grant")                        ? 4
               : !strcmp(verb, "list")                         ? 1
                                                               : -1;
    if (want < 0 || npos != want) return fputs(usage, stderr), 2;
    char password[256] = "";
    if (!strcmp(verb, "add") || !strcmp(verb, "passwd")) {
        if (!o.password_stdin) {
            fprintf(stderr, "gridgov: pass the password on standard input with --password-stdin "
                            "(it must not appear in the process list or shell history)\n");
            return 2;
        }
        if (read_password(password, sizeof password, &err) < 0) return gg_cli_fail(&err);
    }
    gg_db_t *db;
    gg_keys_t keys;
    gg_security_t sec;
    if (gg_cli_open_app(&cfg, &db, &keys, &sec, NULL, &err) < 0) return gg_cli_fail(&err);
    gg_arena_t *a = gg_arena_new(8192);
    gg_db_conn_t *c = NULL;
    int rc = gg_db_acquire(db, &c, &err);
    if (rc == 0) {
        if (!strcmp(verb, "list")) {
            rc = list_accounts(c, a, &sec, &err);
        } else {
            struct op x = {.sec = &sec,
                           .arena = a,
                           .verb = verb,
                           .name = pos[1],
                           .role = npos > 2 ? pos[2] : NULL,
                           .unit = npos > 3 ? pos[3] : NULL,
                           .password = password,
                           .o = &o};
            rc = gg_db_tx(c, op_tx, &x, &err);
            if (rc == 0 && !strcmp(verb, "add"))
                printf("user: added %s (id %lld)\n", pos[1], (long long)x.id);
            else if (rc == 0 && !strcmp(verb, "passwd"))
                printf("user: password of %s changed; its sessions ended\n", pos[1]);
            else if (rc == 0)
                printf("user: %s is now %s at %s\n", pos[1], pos[2], pos[3]);
        }
        gg_db_release(db, c);
    }
    memset(password, 0, sizeof password);
    gg_arena_free(a);
    gg_db_close(db);
    return rc < 0 ? gg_cli_fail(&err) : 0;
}
