/*
 * petition.h — petitions (信访: letters, visits, online) with their statutory limits (信访工作条例: decide
 * whether to accept within 15 days of receipt, handle within 60 days of acceptance, extend once by up to 30
 * days, review within 30 days), duplicates of the same person linked by blind index, the reply, a timeline.
 * Limits are dates computed with gg_centre_period_end (centre_common.h): a last day on a holiday moves to the
 * next working day.
 *
 * Scope: reading a petition needs petition.read, centre.intake or dispute.read over its unit; the
 * petitioner's identity (name, ID number, phone) is decrypted only for petition.read (the petition role) —
 * everyone else gets no identity at all (ident_visible 0), and searching by petitioner needs petition.read.
 * Writes need petition.manage, except registration from the one window (from_window: centre.intake).
 */
#ifndef GG_DOMAIN_CENTRES_PETITION_H
#define GG_DOMAIN_CENTRES_PETITION_H

#include "domain/centres/centre_common.h"

#define GG_PETITION_ACCEPT_DAYS 15
#define GG_PETITION_HANDLE_DAYS 60
#define GG_PETITION_EXTEND_MAX 30
#define GG_PETITION_REVIEW_DAYS 30

typedef struct gg_petition_new {
    int64_t unit_id;
    const char *kind; /* letter | visit | online */
    const char *name, *id_number, *phone;
    const char *subject, *content;
    const char *received_on; /* YYYY-MM-DD; NULL: today */
    int64_t matter_id;
    int from_window;
} gg_petition_new_t;

typedef struct gg_petition {
    int64_t id, unit_id, duplicate_of, matter_id, reply_attachment_id, created_at, updated_at;
    const char *number, *unit_name, *unit_path, *kind, *status, *subject, *content;
    const char *received_on, *accept_due, *decided_on, *decision_note, *handle_due, *extension_reason;
    const char *reply_text, *reply_on, *review_requested_on, *review_due, *review_result;
    int extended;
    int ident_visible; /* name/id_number/phone filled (petition.read) */
    const char *name, *id_number, *phone;
    const char *due;    /* the limit that runs now (accept_due, handle_due or review_due), NULL when none */
    int overdue;        /* today is past due */
    int64_t duplicates; /* petitions linked to the same root */
    const char *actions[5]; /* what the caller may do now: decide, extend, reply, review, close */
    int nactions;
} gg_petition_t;

typedef struct gg_petition_event {
    int64_t id, account_id, at;
    const char *kind, *detail, *username;
} gg_petition_event_t;

int gg_petition_create(const gg_op_t *op, const gg_cal_snapshot_t *cal, const gg_petition_new_t *in,
                       int64_t *id, const char **number, gg_error_t *err);
int gg_petition_get(const gg_op_t *op, int64_t id, gg_petition_t *out, gg_error_t *err);
int gg_petition_events(const gg_op_t *op, int64_t id, gg_petition_event_t **rows, int *n, gg_error_t *err);

typedef struct gg_petition_filter {
    int64_t unit_id;        /* 0: all in scope */
    const char *status;     /* NULL: any */
    const char *petitioner; /* name, ID number or phone (exact, by blind index): petition.read only */
    int overdue;            /* 1: only overdue */
    int64_t duplicates_of;  /* the petitions linked to this root */
    int limit;
    int64_t after_id;
} gg_petition_filter_t;
int gg_petition_list(const gg_op_t *op, const gg_petition_filter_t *f, gg_petition_t **rows, int *n,
                     gg_error_t *err);

/* Actions (petition.manage).  on: YYYY-MM-DD, NULL = today. */
int gg_petition_decide(const gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t id, int accept,
                       const char *on, const char *note, gg_error_t *err);
int gg_petition_extend(const gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t id, int days,
                       const char *reason, gg_error_t *err);
int gg_petition_reply(const gg_op_t *op, int64_t id, const char *text, const char *on, int64_t attachment_id,
                      gg_error_t *err);
int gg_petition_review(const gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t id, const char *on,
                       gg_error_t *err);
int gg_petition_close(const gg_op_t *op, int64_t id, const char *result, gg_error_t *err);

#endif
