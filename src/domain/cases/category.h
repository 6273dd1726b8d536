/*
 * category.h — the matter categories (事项分类) cases are filed under: one
 * tree for the whole installation, managed by administrators with
 * settings.manage at the root; everyone logged in may read it (forms need it).
 *
 * Each node has its own policy (policy.h: fields set on it) and an effective
 * policy inherited down the tree.  Every change of an effective policy is
 * frozen in a new category_version row (the node's and every descendant's
 * whose effective policy it changed), and a case points at the version it was
 * opened under, so editing a limit never moves a running case's deadline.
 *
 * Codes are stable identifiers ([a-z0-9_], unique among siblings); a node is
 * retired, never deleted; a retired node's subtree counts as retired.  Writes
 * run inside the caller's transaction and are audited.
 */
#ifndef GG_DOMAIN_CASES_CATEGORY_H
#define GG_DOMAIN_CASES_CATEGORY_H

#include "domain/cases/policy.h"
#include "domain/domain.h"
#include "domain/op.h"

typedef struct gg_category {
    int64_t id, parent_id; /* parent_id 0: top level */
    const char *code, *name, *name_en;
    int sort;
    int64_t retired_at, created_at, updated_at;
    int version; /* of the row, for optimistic concurrency */
    gg_policy_t own;
    /* filled by gg_category_tree / gg_category_get: */
    gg_policy_t eff;
    int64_t from[GG_POLICY_NFIELDS]; /* the node each effective value comes from (0: none) */
    int depth;                       /* 0 at the top */
    int retired;                     /* it or an ancestor is retired */
    int64_t policy_version_id;       /* the category_version row of the effective policy */
    int policy_version_seq;
} gg_category_t;

/* The whole tree in display order (depth first, siblings by sort then code), effective policies worked out.
 * resident_only: only what a resident may pick (not retired, and it and its ancestors resident_selectable).
 */
int gg_category_tree(gg_db_conn_t *c, gg_arena_t *a, int resident_only, gg_category_t **rows, int *n,
                     gg_error_t *err);
/* One node with its effective policy; 404 when absent.  tree/ntree: the tree it was found in (for names). */
int gg_category_get(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_category_t *out, gg_category_t **tree,
                    int *ntree, gg_error_t *err);

int gg_category_create(const gg_op_t *op, const gg_category_t *in, int64_t *id, gg_error_t *err);
/* next over cur (loaded with gg_category_get in the same transaction); version is the caller's. */
int gg_category_update(const gg_op_t *op, const gg_category_t *cur, const gg_category_t *next, int version,
                       gg_error_t *err);
/* Retire (on = 1) or restore (on = 0) node id. */
int gg_category_retire(const gg_op_t *op, int64_t id, int on, int version, gg_error_t *err);

typedef struct gg_category_version {
    int64_t id;
    int seq;
    gg_policy_t policy;
    int64_t created_at, created_by;
} gg_category_version_t;

/* The node's policy versions, newest first; 404 when there is no such node. */
int gg_category_versions(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_category_version_t **rows, int *n,
                         gg_error_t *err);

#endif
