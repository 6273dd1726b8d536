/*
 * counselling.h — referrals to psychological counselling (心理咨询) from a one-window matter or a legal
 * consultation.  The reason and the counsellor's notes are encrypted and shown to a grant of the counsellor
 * ROLE only — not to whoever holds counsel.manage through another role (an administrator holds every
 * permission but still sees only that a referral exists, its unit and its status: docs/centres.md).
 * Creating needs centre.intake, legal.serve or counsel.manage at the unit; updating needs the counsellor
 * role.
 */
#ifndef GG_DOMAIN_CENTRES_COUNSELLING_H
#define GG_DOMAIN_CENTRES_COUNSELLING_H

#include "domain/centres/centre_common.h"

typedef struct gg_referral {
    int64_t id, unit_id, matter_id, consultation_id, counsellor_id, created_at, updated_at;
    const char *unit_name, *unit_path, *status;
    int content_visible;
    const char *reason, *notes; /* NULL unless content_visible */
} gg_referral_t;

int gg_referral_create(const gg_op_t *op, int64_t unit_id, int64_t matter_id, int64_t consultation_id,
                       const char *reason, int64_t *id, gg_error_t *err);
int gg_referral_list(const gg_op_t *op, int64_t unit_id, gg_referral_t **rows, int *n, gg_error_t *err);
int gg_referral_get(const gg_op_t *op, int64_t id, gg_referral_t *out, gg_error_t *err);
/* The counsellor takes it on (in_progress), writes notes, closes it; status NULL: unchanged. */
int gg_referral_update(const gg_op_t *op, int64_t id, const char *status, const char *notes, gg_error_t *err);

#endif
