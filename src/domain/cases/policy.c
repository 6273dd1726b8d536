/* policy.c — a category's policy fields and their inheritance (see policy.h). */
#include "domain/cases/policy.h"

#include <string.h>

const gg_policy_field_info_t gg_policy_fields[GG_POLICY_NFIELDS] = {
    [GG_POLICY_RESPONSE_LIMIT] = {"response_limit", 1, 1, GG_POLICY_RESPONSE_UNIT},
    [GG_POLICY_RESPONSE_UNIT] = {"response_unit", 0, 1, GG_POLICY_RESPONSE_LIMIT},
    [GG_POLICY_HANDLING_LIMIT] = {"handling_limit", 1, 1, GG_POLICY_HANDLING_UNIT},
    [GG_POLICY_HANDLING_UNIT] = {"handling_unit", 0, 1, GG_POLICY_HANDLING_LIMIT},
    [GG_POLICY_FIRST_HANDLER] = {"first_handler", 0, 1, -1},
    [GG_POLICY_DEPARTMENT_KIND] = {"department_kind", 0, 0, -1},
    [GG_POLICY_PRIORITY] = {"priority", 0, 1, -1},
    [GG_POLICY_RESIDENT_SELECTABLE] = {"resident_selectable", 1, 1, -1},
    [GG_POLICY_OPEN_CONDITION] = {"open_condition", 0, 0, -1},
    [GG_POLICY_CLOSE_CONDITION] = {"close_condition", 0, 0, -1},
};

void gg_policy_inherit(const gg_policy_t *own, int64_t own_id, const gg_policy_t *parent,
                       const int64_t *parent_from, gg_policy_t *eff, int64_t from[GG_POLICY_NFIELDS])
{
    memset(eff, 0, sizeof *eff);
    for (int f = 0; f < GG_POLICY_NFIELDS; f++) {
        int pair = gg_policy_fields[f].pair;
        /* a limit is the node's own only when both halves are set there */
        int mine = own->set[f] && (pair < 0 || own->set[pair]);
        if (mine) {
            eff->set[f] = 1;
            eff->num[f] = own->num[f];
            eff->text[f] = own->text[f];
            from[f] = own_id;
        } else if (parent && parent->set[f]) {
            eff->set[f] = 1;
            eff->num[f] = parent->num[f];
            eff->text[f] = parent->text[f];
            from[f] = parent_from[f];
        } else {
            from[f] = 0;
        }
    }
}

int gg_policy_equal(const gg_policy_t *a, const gg_policy_t *b)
{
    for (int f = 0; f < GG_POLICY_NFIELDS; f++) {
        if (a->set[f] != b->set[f]) return 0;
        if (!a->set[f]) continue;
        if (gg_policy_fields[f].numeric ? a->num[f] != b->num[f] : strcmp(a->text[f], b->text[f]) != 0)
            return 0;
    }
    return 1;
}

int64_t gg_policy_hours(int64_t value, const char *unit)
{
    return unit && !strcmp(unit, "working_days") ? value * 8 : value;
}
