/*
 * visit.h — the grid worker's household visits (入户走访, docs/visits.md): a call at a house, on a household
 * or — nobody at home and no household to name — on the house alone, by the visiting account, of a kind
 * from a fixed list, with whom was met (members of that household), what was found and what was asked for
 * (诉求), up to nine photos (domain/attachment.h, owner type "visit") and at most one case made from the
 * needs (转为事件, through cases/case_create.h with channel patrol).
 *
 * Scope: a visit carries its house's grid and unit path, copied when it is made.  Reading needs
 * resident.read over that path (a visit is about people), making one resident.write over the house's path;
 * anything else is 404 (a house or household named in the body: 400 naming the field, reason not_found,
 * as a case's place_id).  A visit is corrected only by its author and only within
 * GG_VISIT_CORRECTION_MS of its making (decision "Visits: the author corrects within 24 hours"):
 * another account gets 403 author_only, a late correction 409 correction_closed.
 * Every write runs in the caller's transaction and appends to the audit log.
 */
#ifndef GG_DOMAIN_VISITS_VISIT_H
#define GG_DOMAIN_VISITS_VISIT_H

#include "domain/cases/case_create.h"
#include "domain/op.h"

#define GG_VISIT_MAX_PHOTOS 9
#define GG_VISIT_MAX_MET 20
#define GG_VISIT_TEXT_MAX 2000
#define GG_VISIT_CORRECTION_MS (24LL * 3600 * 1000)
/* a visit recorded offline may be sent days later, but not from further back than this */
#define GG_VISIT_MAX_AGE_MS (30LL * 24 * 3600 * 1000)
/* a special-group household is 待走访 when its last visit is older than this */
#define GG_VISIT_DUE_MS (30LL * 24 * 3600 * 1000)

/* The kinds, NULL-terminated: routine 例行走访, special_care 特殊人群关爱, dispute_followup 矛盾纠纷回访,
 * policy 政策宣传, safety 安全隐患排查, epidemic 疫情防控, other 其他. */
extern const char *const gg_visit_kinds[];
/* The tags that make a household a special group's (elderly alone, left-behind, disabled), NULL-terminated.
 */
extern const char *const gg_visit_special_tags[];

typedef struct gg_visit_in {
    int64_t house_id, household_id; /* one of them; both: the household must live in the house */
    int64_t visited_at;             /* Unix ms; 0 = now */
    const char *kind;
    int met; /* someone was met */
    const char *findings, *needs;
    int64_t met_ids[GG_VISIT_MAX_MET]; /* residents met: current members of household_id */
    int nmet;
    int64_t attachment_ids[GG_VISIT_MAX_PHOTOS];
    int nattachments;
} gg_visit_in_t;

typedef struct gg_visit {
    int64_t id, house_id, household_id, grid_id, account_id, visited_at, case_id, created_at, updated_at;
    const char *unit_path, *grid_name, *house_code, *house_label, *head_name, *account_name, *kind;
    const char *findings, *needs, *case_number;
    int met, version;
    int nmet;
    int64_t *met_ids;
    const char **met_names;
} gg_visit_t;

typedef struct gg_visit_filter {
    int64_t household_id, house_id, unit_id, account_id; /* 0 = any; unit_id: a subtree (a grid …) */
    const char *kind;                                    /* NULL = any */
    int64_t from_ms, to_ms;                              /* visited_at in [from, to); 0 = open */
    int limit;
    int64_t after_id;   /* the cursor: ids below it (newest first) */
    int household_page; /* 1: household_id must be a household the caller may read (404 otherwise) */
} gg_visit_filter_t;

/* Check in's fields that need no database (kind, visited_at against now, met and met_ids). */
int gg_visit_in_check(const gg_visit_in_t *in, int64_t now, gg_error_t *err);
int gg_visit_create(const gg_op_t *op, const gg_visit_in_t *in, int64_t *id, gg_error_t *err);
/* One visit the caller may read, with whom was met. */
int gg_visit_get(const gg_op_t *op, int64_t id, gg_visit_t *out, gg_error_t *err);
int gg_visit_list(const gg_op_t *op, const gg_visit_filter_t *f, gg_visit_t **rows, int *n, gg_error_t *err);

typedef struct gg_visit_patch {
    const char *kind; /* NULL = unchanged */
    int has_met, met;
    const char *findings, *needs; /* NULL = unchanged; "" clears */
    int has_met_ids;
    int64_t met_ids[GG_VISIT_MAX_MET];
    int nmet;
    int version;
} gg_visit_patch_t;
/* The author's correction within GG_VISIT_CORRECTION_MS (see above); version as last seen (409). */
int gg_visit_correct(const gg_op_t *op, int64_t id, const gg_visit_patch_t *p, int64_t now, gg_error_t *err);

/* 转为事件: a case from the visit's needs — channel patrol, at the visit's house, the description the
 * given one or else the needs — linked to the visit.  A visit has at most one (409 already_converted). */
int gg_visit_to_case(gg_op_t *op, const gg_case_env_t *env, int64_t id, int64_t category_id,
                     const char *description, int64_t *case_id, gg_error_t *err);

/* Visit coverage (走访覆盖率) of unit_id's subtree (0: everything in scope): the live households in the
 * caller's resident.read scope and those with at least one visit in [from, to), per grid. */
typedef struct gg_visit_coverage {
    int64_t grid_id;
    const char *grid_name;
    int64_t households, visited;
} gg_visit_coverage_t;
int gg_visit_coverage(const gg_op_t *op, int64_t unit_id, int64_t from, int64_t to,
                      gg_visit_coverage_t **rows, int *n, gg_error_t *err);

/* 待走访: live special-group households of the subtree in scope whose last visit is before now -
 * GG_VISIT_DUE_MS (or who were never visited), never visited first, at most limit; *total counts all. */
typedef struct gg_visit_due {
    int64_t household_id, house_id, grid_id, last_visited_at;
    const char *house_label, *head_name, *grid_name, *tags; /* tags: the special tags' names, "、"-joined */
} gg_visit_due_t;
int gg_visit_due(const gg_op_t *op, int64_t unit_id, int64_t now, int limit, gg_visit_due_t **rows, int *n,
                 int64_t *total, gg_error_t *err);

/* Register "visit" as an attachment owner: its photos are seen by whoever may read the visit. */
void gg_visit_attachments_init(void);

/* The demo's visits (docs/visits.md): a few hundred over this quarter by the grid workers of 下陆区's
 * staffed grids; nothing when any visit exists already. */
int gg_visit_demo(gg_db_t *db, const gg_keys_t *keys, int64_t *made, gg_error_t *err);

#endif
