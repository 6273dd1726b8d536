/*
 * case_create.h — making a case through any channel (docs/cases.md "Channels",
 * "Routing"): validation naming the field, routing to a location unit, the
 * first handler from the category's pinned policy version, the number, the
 * tracking secret, the reporter's contact encrypted, the deadlines, the first
 * events (and the full 随手办 timeline) with their attachments claimed
 * (domain/attachment.h: attachment_ids to the report, role "report";
 * after_attachment_ids to the 随手办 feedback, role "after"), possible
 * duplicates both ways and the audit row — all inside the caller's transaction (the write runner's), so a
 * refusal leaves nothing behind.
 *
 * Who may: staff (op->auth set, public = 0) need case.report at the location
 * unit; the public intake (public = 1) needs nobody (op->auth NULL:
 * anonymous) or a logged-in resident (reporter_account_id), and only a
 * category a resident may pick (resident_selectable).
 */
#ifndef GG_DOMAIN_CASES_CASE_CREATE_H
#define GG_DOMAIN_CASES_CASE_CREATE_H

#include "domain/cases/calendar.h"
#include "domain/cases/case.h"
#include "geo/grid_index.h"

#define GG_CASE_MAX_ATTACHMENTS 9
#define GG_CASE_DESCRIPTION_MAX 5000

typedef struct gg_case_in {
    const char *channel; /* app | hotline | patrol | walk_in | open311 | video_alarm */
    int public;          /* the resident intake (POST /public/cases) */
    int64_t category_id;
    const char *description, *address;
    int has_point;
    double lat, lon;
    int64_t place_id;
    const char *qr_token;
    int64_t unit_id;
    const char *reporter_name, *reporter_phone;
    int anonymous;
    int64_t line_id;
    const char *external_no;
    int64_t attachment_ids[GG_CASE_MAX_ATTACHMENTS];
    int nattachments;
    const char *upload_token; /* the public intake: the anonymous uploads' token (POST /public/attachments) */
    int64_t after_attachment_ids[GG_CASE_MAX_ATTACHMENTS];
    int nafter;
    int handled_on_spot; /* 随手办 (patrol) */
    const char *note;
} gg_case_in_t;

/* What creation reads besides the database: the point-in-grid snapshot (NULL: none loaded), the calendar
 * snapshot, the instant. */
typedef struct gg_case_env {
    const gg_grid_snapshot_t *grids;
    const gg_cal_snapshot_t *cal;
    int64_t now;
} gg_case_env_t;

/* Check in's fields that need no database (errors name them). */
int gg_case_in_check(const gg_case_in_t *in, gg_error_t *err);

/* Create the case in the caller's transaction; *id and the tracking secret (shown once) on success. */
int gg_case_create(gg_op_t *op, const gg_case_env_t *env, const gg_case_in_t *in, int64_t *id,
                   char secret[44], gg_error_t *err);

#endif
