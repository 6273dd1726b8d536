/* setting.h — small key/value settings kept in the database (app_setting), and
 * binding the key file to the database it encrypts. */
#ifndef GG_DOMAIN_SETTING_H
#define GG_DOMAIN_SETTING_H

#include "domain/domain.h"

int gg_setting_get(gg_db_conn_t *c, gg_arena_t *a, const char *key, const char **value, gg_error_t *err);
int gg_setting_put(gg_db_conn_t *c, const char *key, const char *value, gg_error_t *err);
/* A generation counter kept as an app_setting row (grid_generation, calendar_generation): bump adds one in
 * the caller's transaction (creating the row at 1); get reads it (0 when there is no row).  Caches built from
 * the data compare it to know that another process changed the data. */
int gg_setting_counter_bump(gg_db_conn_t *c, const char *key, gg_error_t *err);
int gg_setting_counter_get(gg_db_conn_t *c, const char *key, int64_t *value, gg_error_t *err);

/* *may = 1 when the caller may change what the whole installation shares (dictionaries, catalogues):
 * settings.manage at the root. */
int gg_settings_may_manage(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int *may, gg_error_t *err);

/*
 * Load the key file for this database.  A database that has never seen a key
 * (first start, or `gridgov init`) gets a new key file and records its check
 * value; afterwards the key file must exist, be private (0600) and match the
 * recorded check value, or the server refuses to start: writing personal data
 * under a wrong or lost key would make it unreadable.
 */
int gg_keys_open(gg_db_t *db, const char *data_dir, gg_keys_t *keys, int *created, gg_error_t *err);

#endif
