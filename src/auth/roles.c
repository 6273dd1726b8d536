/* roles.c — the role table and permission checks on a loaded gg_auth_t (see roles.h). */
#include "auth/roles.h"

#include <string.h>

#define READS (GG_P_UNIT_READ | GG_P_CASE_READ)

const gg_role_t gg_roles[] = {
    /* every permission, so an administrator can grant every role within their scope */
    {"admin", "系统管理员", "Administrator", GG_P_ALL},
    {"dispatcher", "指挥调度员", "Dispatcher",
     READS | GG_P_ACCOUNT_READ | GG_P_RESIDENT_READ | GG_P_PLACE_READ | GG_P_CASE_REPORT |
         GG_P_CASE_DISPATCH | GG_P_CASE_HANDLE | GG_P_CASE_SUPERVISE | GG_P_DISPUTE_READ |
         GG_P_DASHBOARD_READ | GG_P_CENTRE_INTAKE | GG_P_ASSESS_SCORE},
    {"department", "职能部门", "Department handler",
     READS | GG_P_CASE_HANDLE | GG_P_DASHBOARD_READ | GG_P_ASSESS_SCORE},
    {"grid_worker", "网格员", "Grid worker",
     READS | GG_P_RESIDENT_READ | GG_P_RESIDENT_WRITE | GG_P_PLACE_READ | GG_P_PLACE_WRITE | GG_P_PII_READ |
         GG_P_CASE_REPORT | GG_P_CASE_HANDLE | GG_P_DISPUTE_READ},
    {"community", "社区工作者", "Community staff",
     READS | GG_P_ACCOUNT_READ | GG_P_RESIDENT_READ | GG_P_RESIDENT_WRITE | GG_P_PLACE_READ |
         GG_P_PLACE_WRITE | GG_P_PII_READ | GG_P_CASE_REPORT | GG_P_CASE_DISPATCH | GG_P_CASE_HANDLE |
         GG_P_DISPUTE_READ | GG_P_PARTICIPATION_MANAGE | GG_P_DASHBOARD_READ | GG_P_CENTRE_INTAKE |
         GG_P_ASSESS_SCORE},
    /* people's mediators, lawyers and legal advisers: they also staff the legal-service counters */
    {"mediator", "调解员", "Mediator", READS | GG_P_DISPUTE_READ | GG_P_DISPUTE_MANAGE | GG_P_LEGAL_SERVE},
    /* the one window (一窗受理) of a community, street or county governance centre */
    {"centre", "综治中心窗口", "Centre intake desk",
     READS | GG_P_RESIDENT_READ | GG_P_CASE_REPORT | GG_P_CENTRE_INTAKE | GG_P_DISPUTE_READ |
         GG_P_LEGAL_SERVE},
    /* petitioners' identities are visible to this role only (issue 11) */
    {"petition", "信访工作人员", "Petition officer",
     READS | GG_P_RESIDENT_READ | GG_P_PETITION_READ | GG_P_PETITION_MANAGE | GG_P_CENTRE_INTAKE},
    /* counselling content is visible to the counsellor only */
    {"counsellor", "心理咨询师", "Counsellor", GG_P_UNIT_READ | GG_P_COUNSEL_MANAGE},
    {"assessor", "考核办", "Assessment office", READS | GG_P_DASHBOARD_READ | GG_P_ASSESS_MANAGE},
    {"leader", "领导", "Leader",
     READS | GG_P_ACCOUNT_READ | GG_P_RESIDENT_READ | GG_P_PLACE_READ | GG_P_DISPUTE_READ |
         GG_P_DASHBOARD_READ},
    {"resident", "居民", "Resident", GG_P_CASE_REPORT_OWN | GG_P_LEGAL_BOOK_OWN},
};
const int gg_nroles = (int)(sizeof gg_roles / sizeof gg_roles[0]);

static const char *const perm_names[GG_PERM_COUNT] = {
    "unit.read",       "unit.manage",     "account.read",   "account.manage",  "grant.manage",
    "audit.read",      "pii.read",        "resident.read",  "resident.write",  "place.read",
    "place.write",     "case.read",       "case.report",    "case.dispatch",   "case.handle",
    "case.supervise",  "dispute.read",    "dispute.manage", "dashboard.read",  "participation.manage",
    "settings.manage", "case.report_own", "petition.read",  "petition.manage", "counsel.manage",
    "centre.intake",   "legal.serve",     "legal.book_own", "assess.manage",   "assess.score",
};

const gg_role_t *gg_role_find(const char *code)
{
    for (int i = 0; i < gg_nroles; i++)
        if (strcmp(gg_roles[i].code, code) == 0) return &gg_roles[i];
    return NULL;
}

const char *gg_perm_name(int bit)
{
    return bit >= 0 && bit < GG_PERM_COUNT ? perm_names[bit] : NULL;
}

int gg_path_within(const char *path, const char *ancestor)
{
    return path && ancestor && strncmp(path, ancestor, strlen(ancestor)) == 0;
}

int gg_auth_can(const gg_auth_t *a, gg_perm_t perm, const char *unit_path)
{
    for (int i = 0; i < a->ngrants; i++)
        if ((a->grants[i].perms & perm) == perm && gg_path_within(unit_path, a->grants[i].unit_path))
            return 1;
    return 0;
}

int gg_auth_has(const gg_auth_t *a, gg_perm_t perm)
{
    return (a->perms_any & perm) == perm;
}

gg_perm_t gg_auth_perms_at(const gg_auth_t *a, const char *unit_path)
{
    gg_perm_t p = 0;
    for (int i = 0; i < a->ngrants; i++)
        if (gg_path_within(unit_path, a->grants[i].unit_path)) p |= a->grants[i].perms;
    return p;
}

int gg_unit_path_valid(const char *path)
{
    if (!path || path[0] != '/') return 0;
    for (const char *c = path; *c; c++)
        if (*c != '/' && (*c < '0' || *c > '9')) return 0;
    return 1;
}
