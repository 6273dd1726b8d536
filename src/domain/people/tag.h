/*
 * tag.h — the tag dictionary (特殊人群标签: 独居老人, 留守儿童, 残疾人, 低保,
 * 退役军人, 重点人员 …) and the tags on residents.
 *
 * The dictionary is one list for the whole installation, so changing it
 * needs settings.manage at the root; everyone logged in may read it (forms
 * and filters need it).  Codes are stable identifiers ([a-z0-9_]); names are
 * what people see and may change.  A tag is retired, never deleted, because
 * residents and statistics refer to it.  "sensitive" marks groups whose exact
 * address is personal data (DESIGN §6.4).
 *
 * Tagging a resident needs resident.write over the resident; each change is
 * audited.  Writes run inside the caller's transaction.
 *
 * Derived tags (未成年人: under 18, 老年人: 60 and over) follow from the data:
 * a tag with an age range applies to every resident whose age today
 * (Asia/Shanghai) falls in it, worked out from the birth date whenever it is
 * read — a resident's tags, lists filtered by tag and the counts all use the
 * helpers below, so they agree and never drift.  They cannot be put on or
 * taken off by hand.
 */
#ifndef GG_DOMAIN_TAG_H
#define GG_DOMAIN_TAG_H

#include "domain/domain.h"
#include "domain/op.h"

typedef struct gg_tag {
    int64_t id;
    const char *code, *name, *name_en;
    int sensitive;
    int min_age, max_age; /* derived tags: the age range it stands for (-1: no bound); both -1: set by hand */
    int64_t retired_at, created_at, updated_at;
    int version;
} gg_tag_t;

int gg_tag_list(gg_db_conn_t *c, gg_arena_t *a, int include_retired, gg_tag_t **rows, int *n,
                gg_error_t *err);
/* *found = 0 when there is no tag with that code. */
int gg_tag_by_code(gg_db_conn_t *c, gg_arena_t *a, const char *code, gg_tag_t *out, int *found,
                   gg_error_t *err);
/* The dictionary's writes take the operation context (domain/op.h: connection, arena, caller, actor). */
int gg_tag_create(const gg_op_t *op, const gg_tag_t *in, int64_t *id, gg_error_t *err);
/* next over cur (loaded with gg_tag_by_code in the same transaction); next->retired_at retires. */
int gg_tag_update(const gg_op_t *op, const gg_tag_t *cur, const gg_tag_t *next, int version, gg_error_t *err);
int gg_tag_is_derived(const gg_tag_t *t);
/* The SQL condition (a parenthesised boolean on the text column birth_col) for derived tag t today;
 * only dates made here appear in it. */
const char *gg_tag_derived_sql(gg_arena_t *a, const gg_tag_t *t, const char *birth_col);
/* 1 when derived tag t applies today to someone born on birth_date (YYYY-MM-DD). */
int gg_tag_derived_applies(const gg_tag_t *t, const char *birth_date);
/* The derived tags in use (not retired), for the readers above. */
int gg_tag_derived_list(gg_db_conn_t *c, gg_arena_t *a, gg_tag_t **rows, int *n, gg_error_t *err);

/* 1 when the caller may change the dictionary (settings.manage at the root). */
int gg_tag_may_manage(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int *may, gg_error_t *err);

/*
 * Put a tag on a resident (on = 1) or take it off (on = 0); doing what is
 * already so changes nothing and writes no audit row.  The resident must have
 * been loaded in scope by the caller (its unit path and id are used); the
 * caller needs resident.write over it.  An unknown code is a 404 naming
 * field (or 400 when field is a body field, see gg_resident_create); putting a
 * retired tag on is 409, and so is setting a derived tag either way (400
 * naming field when it is a body field).
 */
int gg_resident_tag_set(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        int64_t resident_id, int64_t unit_id, const char *unit_path, const char *code, int on,
                        const char *field, gg_error_t *err);

#endif
