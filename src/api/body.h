/*
 * body.h — reading optional fields of a checked JSON body into domain structs
 * (used by the places and residents handlers, whose PATCH bodies name only
 * what changes).
 *
 * Convention: a key absent from the body leaves the destination as it is; a
 * JSON null clears it (NULL string, "has" flag 0).  Call after gg_api_body has
 * checked the body against its field schema, so types are already right.
 * Strings are copied into the arena: the body is json_decref'd long before
 * the response is written.
 */
#ifndef GG_API_BODY_H
#define GG_API_BODY_H

#include <jansson.h>
#include <stdint.h>

#include "auth/roles.h"
#include "core/error.h"
#include "core/mem.h"
#include "json/jw.h"

void gg_body_str(gg_arena_t *a, json_t *body, const char *key, const char **dst);
void gg_body_int(json_t *body, const char *key, int *has, int64_t *dst);
void gg_body_num(json_t *body, const char *key, int *has, double *dst);
void gg_body_bool(json_t *body, const char *key, int *dst);
/* {"lat": …, "lng": …} under key; errors name "key.lat" etc. */
int gg_body_location(json_t *body, const char *key, int *has, double *lat, double *lon, gg_error_t *err);
/* "YYYY-MM-DD" under key (absent or null: *ms = 0) → Unix ms at 00:00 Asia/Shanghai. */
int gg_body_date_ms(json_t *body, const char *key, int64_t *ms, gg_error_t *err);
/* An array of at most max positive ids under key (absent or null: none); errors name key (too_many) or
 * key[i] (wrong_type). */
int gg_body_ids(gg_arena_t *a, json_t *body, const char *key, int max, int64_t *ids, int *n, gg_error_t *err);
/* An instant in RFC 3339 under key ("2026-12-06T10:30:00+08:00", seconds and fraction optional, Z or an
 * offset) → Unix ms; absent or null: *ms = 0; otherwise 400 naming key, reason malformed. */
int gg_body_time_ms(json_t *body, const char *key, int64_t *ms, gg_error_t *err);
/* An array of strings of 1..max_chars characters each, at most max_items; errors name "key[i]". */
int gg_body_str_array(gg_arena_t *a, json_t *body, const char *key, int max_items, int max_chars,
                      const char ***out, int *n, gg_error_t *err);

/* "next": the last id of a full page (the cursor for ?after=), else null. */
void gg_body_next(gg_jw_t *w, gg_arena_t *a, int n, int limit, int64_t last_id);
/* An id, or null for 0. */
void gg_body_kid(gg_jw_t *w, const char *key, int64_t id);
/* A reference to someone or something: {id_key: id, name_key: name}, or null for id 0
 * ("decided_by", "head", "by" …). */
void gg_body_kref(gg_jw_t *w, const char *key, const char *id_key, int64_t id, const char *name_key,
                  const char *name);
/* Grants as an array of {id, role, role_name (Chinese), unit_id, unit_code, unit_name, outside_scope,
 * unit_path, permissions} (GET /me, GET /accounts/{id}). */
void gg_body_grants(gg_jw_t *w, const gg_grant_t *g, int n);
/* The permission names of a set, as a JSON array. */
void gg_body_permissions(gg_jw_t *w, gg_perm_t perms);

#endif
