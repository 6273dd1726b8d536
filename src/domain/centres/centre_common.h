/*
 * centre_common.h — what the centre areas (one window, petitions, legal services, counselling, screening:
 * docs/centres.md) share: their numbers, the statutory-period rule of petitions, timeline rows, audit rows
 * and the role checks that go beyond a permission bit.
 */
#ifndef GG_DOMAIN_CENTRES_CENTRE_COMMON_H
#define GG_DOMAIN_CENTRES_CENTRE_COMMON_H

#include "domain/cases/calendar.h"
#include "domain/domain.h"
#include "domain/op.h"
#include "domain/tree/unit.h"

/* The next number of prefix ("YC", "XF") on the local day of now: prefix + YYYYMMDD + 6-digit serial, from
 * centre_counter in the caller's transaction (the same upsert as case numbers, domain/cases/case_number.h).
 */
int gg_centre_number_next(gg_db_conn_t *c, const char *prefix, int64_t now, char out[32], gg_error_t *err);

/*
 * A statutory period of n calendar days (日) from date (YYYY-MM-DD) into out (YYYY-MM-DD): the day of date
 * itself is not counted (期间开始的日，不计算在内), so the last day is date + n; when that last day is not a
 * working day of the calendar (a weekend or a 法定节假日; a 调休 workday counts as a working day) the
 * period ends on the next working day (民事诉讼法 第八十五条:
 * 期间届满的最后一日是法定休假日的，以法定休假日后 的第一日为期间届满的日期).  cal NULL: Monday to Friday.
 * *fallback (may be NULL): a year without data.
 */
void gg_centre_period_end(const gg_cal_snapshot_t *cal, const char *date, int n, char out[11], int *fallback);

/* Append a timeline row to table ("matter_event" / "petition_event", owner column col) in the transaction. */
int gg_centre_event(const gg_op_t *op, const char *table, const char *col, int64_t owner_id, const char *kind,
                    const char *detail_json, gg_error_t *err);
/* An audit row of action on (type, id) at unit_id. */
int gg_centre_audit(const gg_op_t *op, const char *action, const char *type, int64_t id, int64_t unit_id,
                    const char *detail_json, gg_error_t *err);

/* 1 when one of the caller's grants of role (a code: "counsellor") covers unit_path. */
int gg_centre_role_covers(const gg_auth_t *auth, const char *role, const char *unit_path);

/* A unit the caller may see with any of perms (an OR of bits); 404 otherwise (field names it). */
int gg_centre_unit(const gg_op_t *op, int64_t unit_id, gg_perm_t perms, const char *field, gg_unit_t *u,
                   gg_error_t *err);
/* 1 when any of perms covers path. */
int gg_centre_can_any(const gg_auth_t *auth, gg_perm_t perms, const char *path);

/* "" → NULL for optional text; a JSON string literal of s (quoted, escaped) from the arena. */
const char *gg_centre_json_str(gg_arena_t *a, const char *s);

#endif
