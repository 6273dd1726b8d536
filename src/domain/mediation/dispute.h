/*
 * dispute.h — the dispute register (矛盾纠纷, GB/T 31000 data items) and mediation work on a dispute
 * (docs/mediation.md): creation from any source (walk-in, a case, the one window, grid screening, a
 * referral, 12345), the parties (persons linked to residents when known — ID number and phone encrypted
 * with a blind index and masked as residents' are — or organisations), reading one dispute with everything
 * on its page, the register list, and the steps of mediation (assigning mediators with the
 * conflict-of-interest warning, sessions, the outcome, the 人民调解协议书, performance follow-ups, judicial
 * confirmation, escalation 三级联调 and hand-over to a professional committee).  Every write appends to the
 * dispute's timeline, is audited and keeps the measures rollup (domain/mediation/measures.h) in the same
 * transaction.
 *
 * Scope: dispute.read over the handling unit (unit_path) or the unit it was first handled at
 * (origin_unit_path: a community keeps read of what it escalated); writes need dispute.manage over the
 * handling unit — or centre.intake there for a creation with source "window".  Outside scope: 404.
 */
#ifndef GG_DOMAIN_MEDIATION_DISPUTE_H
#define GG_DOMAIN_MEDIATION_DISPUTE_H

#include "domain/cases/calendar.h"
#include "domain/op.h"

#define GG_DISPUTE_MAX_PARTIES 20
#define GG_DISPUTE_MAX_TERMS 30

/* One party of a new dispute. */
typedef struct gg_dispute_party_new {
    const char *kind;      /* "person" (default) | "organisation" */
    const char *role;      /* "applicant" | "respondent" | "party" (NULL: party) */
    const char *name;      /* required */
    const char *id_number; /* a person's 公民身份号码 (checked, GB 11643), may be NULL */
    const char *phone;     /* may be NULL */
    const char *address;
    const char *org_code; /* an organisation's 统一社会信用代码, may be NULL */
    int64_t resident_id;  /* a person who is a resident of the base data (0: not linked) */
} gg_dispute_party_new_t;

typedef struct gg_dispute_new {
    int64_t unit_id; /* where it is handled (community/street/county); scope: dispute.manage there,
                        or centre.intake there when source is "window" */
    const char *title, *type, *summary, *source; /* source: window, case, walk_in, screening, referral,
                                                    hotline_12345 */
    const char *occurred_on;                     /* YYYY-MM-DD, may be NULL */
    double lat, lon;
    int has_point;
    int64_t case_id;   /* 0 when not from a case (source "case" requires it, and case.read over it) */
    int64_t matter_id; /* 0 when not from a one-window matter */
    const gg_dispute_party_new_t *parties;
    int nparties;
    /* optional items (NULL / 0: defaults) */
    const char *scale;      /* small | medium | large | major (default small) */
    const char *risk_level; /* low | medium | high (default low) */
    const char *place, *units_involved, *referral_from, *method, *responsible_org;
    int people_count;     /* 0: the number of parties */
    int64_t committee_id; /* a committee in scope (0: none yet) */
    int64_t grid_id;      /* the grid of the place (0: none) */
    /* the working calendar for the resolution deadline (NULL: calendar days) and the instant (0: now) */
    const gg_cal_snapshot_t *cal;
    int64_t now;
} gg_dispute_new_t;

/* Create the dispute in the caller's transaction: number TJ + local YYYYMMDD + 6-digit serial; *number
 * (may be NULL) points into op->arena.  400 naming the field ("parties[0].id_number"). */
int gg_dispute_create(gg_op_t *op, const gg_dispute_new_t *in, int64_t *id, const char **number,
                      gg_error_t *err);

/* ---- reading ---- */

typedef struct gg_dispute_party {
    int64_t id;
    int seq;
    const char *kind, *role, *name, *address, *org_code;
    const char *id_number, *phone; /* decrypted; the API masks them */
    int64_t resident_id, household_id;
} gg_dispute_party_t;

typedef struct gg_dispute_mediator {
    int64_t mediator_id;
    const char *name, *kind, *role, *coi_warning;
    int64_t account_id, assigned_at;
} gg_dispute_mediator_t;

typedef struct gg_dispute_session {
    int64_t id, at, created_at;
    const char *place, *attendance, *minutes;
    int held;
} gg_dispute_session_t;

typedef struct gg_dispute_agreement {
    int present;
    const char *number, *facts, *performance, *performance_due, *signed_on, *mediator_signature;
    const char **terms;
    int nterms;
    const char **party_signatures;
    int nsignatures;
    int copies;
    int64_t created_at, updated_at;
} gg_dispute_agreement_t;

typedef struct gg_dispute_followup {
    int64_t id, done_at, created_at;
    const char *due_on, *result, *note;
} gg_dispute_followup_t;

typedef struct gg_dispute_event {
    int64_t id, at, account_id, unit_id;
    const char *actor_name, *action, *note, *detail;
} gg_dispute_event_t;

typedef struct gg_dispute {
    int64_t id;
    const char *number, *title, *type, *scale, *summary, *units_involved, *occurred_on, *place;
    int people_count;
    int has_point;
    double lat, lon;
    int64_t grid_id, unit_id, committee_id, case_id, matter_id, lead_mediator_id;
    const char *unit_path, *unit_name, *unit_level, *origin_unit_path, *grid_name, *committee_name;
    const char *case_number;
    const char *risk_level, *source, *referral_from, *method, *responsible_org, *lead_mediator_name;
    const char *state, *outcome, *outcome_text, *evaluation, *day;
    int64_t outcome_at, due_at, created_at, updated_at, created_by;
    int judicial_requested;
    const char *judicial_on, *judicial_outcome;
    int version;
    int64_t revoked_at;         /* revoked as registered by mistake (0: not); state is then "closed" */
    const char *revoked_reason; /* why */
    int may_manage;             /* the caller has dispute.manage over the handling unit */
    int may_reveal; /* gg_dispute_get only: the caller may reveal a party (gg_dispute_party_reveal) */
    int overdue;    /* open past due_at, or closed after it */
    /* filled by gg_dispute_get only */
    gg_dispute_party_t *parties;
    int nparties;
    gg_dispute_mediator_t *mediators;
    int nmediators;
    gg_dispute_session_t *sessions;
    int nsessions;
    gg_dispute_agreement_t agreement;
    gg_dispute_followup_t *followups;
    int nfollowups;
    gg_dispute_event_t *events;
    int nevents;
} gg_dispute_t;

/* One dispute the caller may read, with everything on its page; 404 otherwise. */
int gg_dispute_get(gg_op_t *op, int64_t id, gg_dispute_t *out, gg_error_t *err);

typedef struct gg_dispute_filter {
    int64_t unit_id;     /* subtree (0: all in scope) */
    int64_t mediator_id; /* assigned to this mediator */
    int64_t case_id;     /* made from this case */
    int mine;            /* assigned to a roster entry linked to the caller's account */
    const char *state;   /* registered | mediating | closed | open (= not closed) | revoked */
    const char *outcome; /* success | failure | litigation | withdrawn */
    const char *type, *source, *q;
    const char *from, *to; /* registration days, inclusive */
} gg_dispute_filter_t;

/* Disputes in scope matching f, newest first (cursor: page->after = last id). */
int gg_dispute_list(gg_op_t *op, const gg_dispute_filter_t *f, const gg_page_t *page, gg_dispute_t **rows,
                    int *n, int64_t *total, gg_error_t *err);

/* ---- mediation work (each: dispute.manage over the handling unit; 409 on a closed dispute unless said) ----
 */

/* Assign mediator_id as role "lead" (replaces the lead) or "assist".  *warning (may be NULL) gets the
 * conflict-of-interest warning (NULL when none): the mediator's resident record is a party or in the same
 * household as a party. */
int gg_dispute_assign(gg_op_t *op, int64_t id, int64_t mediator_id, const char *role, const char **warning,
                      gg_error_t *err);

typedef struct gg_dispute_session_new {
    int64_t at; /* 0: now */
    const char *place, *attendance, *minutes;
    int held; /* 1: held (minutes recorded), 0: scheduled */
} gg_dispute_session_new_t;
int gg_dispute_session_add(gg_op_t *op, int64_t id, const gg_dispute_session_new_t *in, int64_t *session_id,
                           gg_error_t *err);

/* outcome: success | failure | litigation | withdrawn; closes the dispute. */
int gg_dispute_outcome(gg_op_t *op, int64_t id, const char *outcome, const char *text, const char *evaluation,
                       gg_error_t *err);

typedef struct gg_dispute_agreement_new {
    const char *facts;
    const char *const *terms;
    int nterms;
    const char *performance, *performance_due; /* how and by when (YYYY-MM-DD) */
    int copies;                                /* 0: parties + 1 */
    const char *signed_on;                     /* YYYY-MM-DD (NULL: today) */
    const char *const *party_signatures;       /* names that signed */
    int nsignatures;
    const char *mediator_signature;
    const char *const *followup_days; /* performance follow-up dates (YYYY-MM-DD, not before signed_on) */
    int nfollowups;
} gg_dispute_agreement_new_t;
/* Write (or replace) the agreement; a dispute with an agreement and no outcome gets outcome success. */
int gg_dispute_agreement_put(gg_op_t *op, int64_t id, const gg_dispute_agreement_new_t *in, gg_error_t *err);

/* A follow-up date (not before the agreement's date: 400 due_on). */
int gg_dispute_followup_add(gg_op_t *op, int64_t id, const char *due_on, int64_t *followup_id,
                            gg_error_t *err);
/* The result of a follow-up: performed | partial | not_performed. */
int gg_dispute_followup_record(gg_op_t *op, int64_t id, int64_t followup_id, const char *result,
                               const char *note, gg_error_t *err);

/* 司法确认: requested (on YYYY-MM-DD), and its outcome (confirmed | rejected | NULL: pending). */
int gg_dispute_judicial(gg_op_t *op, int64_t id, int requested, const char *on, const char *outcome,
                        gg_error_t *err);

/* 三级联调: to the parent unit (community → street → county); or to committee_id (a professional
 * committee in scope) when committee_id > 0. */
int gg_dispute_escalate(gg_op_t *op, int64_t id, int64_t committee_id, const char *note, gg_error_t *err);

/* The agreement as a PDF in the 人民调解协议书 layout (*out malloc'd); 404 no_agreement without one. */
int gg_dispute_agreement_pdf(gg_op_t *op, int64_t id, unsigned char **out, size_t *len, gg_error_t *err);

/* ---- editing the register (domain/mediation/dispute_edit.c) ----
 * Before the dispute is concluded (no outcome, no agreement: else 409 dispute_closed) and at the version the
 * caller read (else 409 version_conflict naming version); each change on the timeline ("edit", "party_add",
 * "party_edit", "party_remove", "revoke": the items changed, never a party's ID number or phone) and audited.
 */

/* Register items; NULL: unchanged; "" clears an optional one (occurred_on, place, units_involved,
 * responsible_org, referral_from). */
typedef struct gg_dispute_edit {
    const char *title, *type, *summary, *occurred_on, *place, *scale, *risk_level, *units_involved,
        *responsible_org, *referral_from;
    int people_count; /* 0: unchanged */
} gg_dispute_edit_t;

/* A change to one existing party: the fields set (NULL unchanged; "" clears phone, id_number, address). */
typedef struct gg_dispute_party_edit {
    int64_t party_id;
    const char *role, *name, *id_number, *phone, *address;
} gg_dispute_party_edit_t;

/* The register items and changes to parties (errors name "parties[i].<item>" by the index in parties). */
int gg_dispute_update(gg_op_t *op, int64_t id, int version, const gg_dispute_edit_t *in,
                      const gg_dispute_party_edit_t *parties, int nparties, gg_error_t *err);
/* A party added or removed before the first session held (409 session_held after; 409 last_party for the
 * last one); *party_id (may be NULL) gets the new party's id. */
int gg_dispute_party_add(gg_op_t *op, int64_t id, int version, const gg_dispute_party_new_t *p,
                         int64_t *party_id, gg_error_t *err);
int gg_dispute_party_remove(gg_op_t *op, int64_t id, int64_t party_id, int version, gg_error_t *err);
/* 撤销: a dispute registered by mistake leaves the register's counts (reason required); it stays readable. */
int gg_dispute_revoke(gg_op_t *op, int64_t id, int version, const char *reason, gg_error_t *err);

/* A party's ID number and phone unmasked, for a mediator assigned to the dispute or a caller with
 * dispute.manage and pii.read over its unit (404 for everyone else, and for a party of another dispute);
 * reason required.  Writes a pii.read audit row naming the dispute and the party (never the values). */
int gg_dispute_party_reveal(gg_op_t *op, int64_t id, int64_t party_id, const char *reason,
                            const char **id_number, const char **phone, gg_error_t *err);

/* A remark on the timeline. */
int gg_dispute_note(gg_op_t *op, int64_t id, const char *note, gg_error_t *err);

/* Settings (app_setting): mediation_days (30, 人民调解法: generally within 30 days) and
 * mediation_days_unit ("calendar" | "working", default "calendar"). */
int gg_dispute_settings(gg_db_conn_t *c, gg_arena_t *a, int *days, int *working, gg_error_t *err);

/* Choices (for the API's field checks and the UI). */
extern const char *const gg_dispute_types[];
extern const char *const gg_dispute_sources[];
extern const char *const gg_dispute_methods[];
extern const char *const gg_dispute_outcomes[];

#endif
