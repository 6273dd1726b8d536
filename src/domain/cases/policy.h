/*
 * policy.h — the handling policy of a matter category (事项分类) and how it is
 * inherited down the category tree.  No SQL: category.c reads and writes it.
 *
 * A policy is a fixed list of fields (gg_policy_field), each set or unset on a
 * node.  A node's effective policy takes each field from the node when set
 * there, else from its parent's effective policy; from[] says which node each
 * effective value came from.  A limit and its unit (response_limit with
 * response_unit, handling_limit with handling_unit) are one value to inherit:
 * "4" from a child and "working_days" from its parent would be a limit nobody
 * set.
 */
#ifndef GG_DOMAIN_CASES_POLICY_H
#define GG_DOMAIN_CASES_POLICY_H

#include <stdint.h>

typedef enum {
    GG_POLICY_RESPONSE_LIMIT,
    GG_POLICY_RESPONSE_UNIT,
    GG_POLICY_HANDLING_LIMIT,
    GG_POLICY_HANDLING_UNIT,
    GG_POLICY_FIRST_HANDLER,
    GG_POLICY_DEPARTMENT_KIND,
    GG_POLICY_PRIORITY,
    GG_POLICY_RESIDENT_SELECTABLE,
    GG_POLICY_OPEN_CONDITION,
    GG_POLICY_CLOSE_CONDITION,
    GG_POLICY_NFIELDS
} gg_policy_field_t;

typedef struct gg_policy_field_info {
    const char *name; /* the column and JSON key */
    int numeric;      /* num[] holds it (a limit, or resident_selectable as 0/1); else text[] */
    int required;     /* every node's effective policy has it (a top-level node sets it) */
    int pair;         /* the field it is inherited together with, or -1 */
} gg_policy_field_info_t;

extern const gg_policy_field_info_t gg_policy_fields[GG_POLICY_NFIELDS];

typedef struct gg_policy {
    int set[GG_POLICY_NFIELDS];
    int64_t num[GG_POLICY_NFIELDS];
    const char *text[GG_POLICY_NFIELDS];
} gg_policy_t;

/* The effective policy of a node with policy own (id own_id) under a parent whose effective policy is
 * parent (with parent_from), or a top-level node when parent is NULL.  from[f] is the id of the node the
 * effective value of f comes from, 0 when no node on the path sets it. */
void gg_policy_inherit(const gg_policy_t *own, int64_t own_id, const gg_policy_t *parent,
                       const int64_t *parent_from, gg_policy_t *eff, int64_t from[GG_POLICY_NFIELDS]);

/* 1 when a and b have the same fields set to the same values. */
int gg_policy_equal(const gg_policy_t *a, const gg_policy_t *b);

/* A limit in working hours (a working day is 8 working hours), for comparing limits in different units. */
int64_t gg_policy_hours(int64_t value, const char *unit);

#endif
