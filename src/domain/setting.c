/* setting.c — app_setting rows and the key-file check (see setting.h). */
#include "domain/setting.h"

#include <string.h>

#include "core/clock.h"
#include "domain/tree/unit.h"

int gg_setting_get(gg_db_conn_t *c, gg_arena_t *a, const char *key, const char **value, gg_error_t *err)
{
    gg_db_res_t *r;
    *value = NULL;
    if (gg_db_query(c, "SELECT value FROM app_setting WHERE key = $1", GG_ARGS(GG_TEXT(key)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *value = gg_strdup(a, gg_db_text(r, 0));
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_setting_put(gg_db_conn_t *c, const char *key, const char *value, gg_error_t *err)
{
    return gg_db_exec(
        c,
        "INSERT INTO app_setting (key, value, updated_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        GG_ARGS(GG_TEXT(key), GG_TEXT(value), GG_I64(gg_now_ms())), NULL, err);
}

int gg_setting_counter_bump(gg_db_conn_t *c, const char *key, gg_error_t *err)
{
    int64_t changed = 0;
    if (gg_db_exec(c,
                   "UPDATE app_setting SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT), updated_at = $2 "
                   "WHERE key = $1",
                   GG_ARGS(GG_TEXT(key), GG_I64(gg_now_ms())), &changed, err) < 0)
        return -1;
    if (changed) return 0;
    return gg_db_exec(c, "INSERT INTO app_setting (key, value, updated_at) VALUES ($1, '1', $2)",
                      GG_ARGS(GG_TEXT(key), GG_I64(gg_now_ms())), NULL, err);
}

int gg_setting_counter_get(gg_db_conn_t *c, const char *key, int64_t *value, gg_error_t *err)
{
    int found = 0;
    *value = 0;
    return gg_db_query_i64(c, "SELECT CAST(value AS BIGINT) FROM app_setting WHERE key = $1",
                           GG_ARGS(GG_TEXT(key)), value, &found, err);
}

int gg_keys_open(gg_db_t *db, const char *data_dir, gg_keys_t *keys, int *created, gg_error_t *err)
{
    gg_db_conn_t *c;
    gg_arena_t *a = gg_arena_new(1024);
    int rc = -1;
    const char *recorded;
    char check[65];
    if (gg_db_acquire(db, &c, err) < 0) goto out_arena;
    if (gg_setting_get(c, a, "key_check", &recorded, err) < 0) goto out;
    if (gg_keys_load(data_dir, recorded == NULL, keys, created, err) < 0) goto out;
    gg_keys_check_value(keys, check);
    if (!recorded) {
        if (gg_setting_put(c, "key_check", check, err) < 0) goto out;
    } else if (strcmp(recorded, check) != 0) {
        gg_error_set(err, 500, "key_file", "data_dir",
                     "the key file in %s does not belong to this database (key check differs); "
                     "use the key file this database was created with",
                     data_dir);
        goto out;
    }
    rc = 0;
out:
    gg_db_release(db, c);
out_arena:
    gg_arena_free(a);
    return rc;
}

int gg_settings_may_manage(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int *may, gg_error_t *err)
{
    gg_unit_t root;
    int found;
    *may = 0;
    if (gg_unit_by_code(c, a, "root", &root, &found, err) < 0) return -1;
    *may = found && gg_auth_can(auth, GG_P_SETTINGS_MANAGE, root.path);
    return 0;
}
