/* case_create.c — one case through any channel, in one transaction (case_create.h). */
#include "domain/cases/case_create.h"

#include <math.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/attachment.h"
#include "domain/cases/case_number.h"
#include "domain/cases/category.h"
#include "domain/cases/deadline.h"
#include "domain/identity/audit.h"
#include "domain/measures/rollup.h"
#include "domain/people/registration.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"
#include "json/jw.h"

static const char *phone_field(const gg_case_in_t *in)
{
    return in->public ? "phone" : "reporter_phone";
}

int gg_case_in_check(const gg_case_in_t *in, gg_error_t *err)
{
    if (!gg_case_channel_valid(in->channel)) {
        gg_err_invalid(err, "channel", "unknown channel \"%s\"", in->channel ? in->channel : "");
        return gg_error_reason(err, "not_allowed");
    }
    if (in->category_id <= 0) {
        gg_err_invalid(err, "category_id", "category_id is required");
        return gg_error_reason(err, "required");
    }
    size_t chars = in->description ? gg_utf8_len(in->description) : 0;
    if (chars == 0) {
        gg_err_invalid(err, "description", "a description is required");
        return gg_error_reason(err, "required");
    }
    if (chars > GG_CASE_DESCRIPTION_MAX) {
        gg_err_invalid(err, "description", "a description has at most %d characters",
                       GG_CASE_DESCRIPTION_MAX);
        return gg_error_limits(err, "too_long", 1, 1, 1, GG_CASE_DESCRIPTION_MAX);
    }
    if (in->has_point) {
        if (!(in->lat >= -90 && in->lat <= 90)) {
            gg_err_invalid(err, "lat", "lat must be between -90 and 90");
            return gg_error_limits(err, "out_of_range", 1, -90, 1, 90);
        }
        if (!(in->lon >= -180 && in->lon <= 180)) {
            gg_err_invalid(err, "lon", "lon must be between -180 and 180");
            return gg_error_limits(err, "out_of_range", 1, -180, 1, 180);
        }
    }
    if (in->nattachments > GG_CASE_MAX_ATTACHMENTS || in->nafter > GG_CASE_MAX_ATTACHMENTS) {
        gg_err_invalid(err,
                       in->nattachments > GG_CASE_MAX_ATTACHMENTS ? "attachment_ids" : "after_attachment_ids",
                       "at most %d attachments", GG_CASE_MAX_ATTACHMENTS);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_CASE_MAX_ATTACHMENTS);
    }
    if (in->reporter_phone && *in->reporter_phone &&
        gg_phone_valid(in->reporter_phone, phone_field(in), err) < 0)
        return gg_error_reason(err, "malformed");
    if (in->handled_on_spot && strcmp(in->channel, "patrol")) {
        gg_err_invalid(err, "handled_on_spot", "only a patrol case can be handled on the spot");
        return gg_error_reason(err, "not_allowed");
    }
    if (in->public && strcmp(in->channel, "app") && strcmp(in->channel, "open311")) {
        gg_err_invalid(err, "channel", "a resident reports through the app or the open311 channel");
        return gg_error_reason(err, "not_allowed");
    }
    if (!in->public && !strcmp(in->channel, "app")) {
        gg_err_invalid(err, "channel", "staff intake uses hotline, walk_in, patrol, open311 or video_alarm");
        return gg_error_reason(err, "not_allowed");
    }
    return 0;
}

/* ---- routing ---- */

static int field_not_found(gg_error_t *err, const char *field, const char *what)
{
    gg_err_invalid(err, field, "%s", what);
    return gg_error_reason(err, "not_found");
}

static int load_unit(gg_op_t *op, int64_t id, const char *field, gg_unit_t *u, gg_error_t *err)
{
    int found = 0;
    if (gg_unit_by_id(op->c, op->arena, id, u, &found, err) < 0) return -1;
    if (!found || u->retired_at) return field_not_found(err, field, "no such unit");
    return 0;
}

/* The grid the point lies in; 400 location outside_grids when none. */
static int route_point(gg_op_t *op, const gg_case_env_t *env, const gg_case_in_t *in, gg_unit_t *u,
                       gg_error_t *err)
{
    const gg_grid_entry_t *hits[8];
    int n = env->grids ? gg_grid_snapshot_locate(env->grids, in->lat, in->lon, hits, 8) : 0;
    int64_t grid = 0;
    for (int i = 0; i < n && !grid; i++)
        if (!strcmp(hits[i]->level, "grid")) grid = hits[i]->id;
    for (int i = 0; i < n && !grid; i++)
        if (!strcmp(hits[i]->level, "micro_grid") && hits[i]->up[0].id) grid = hits[i]->up[0].id;
    if (!grid) {
        gg_err_invalid(err, "location", "the point lat %.6f, lon %.6f lies outside every grid", in->lat,
                       in->lon);
        return gg_error_reason(err, "outside_grids");
    }
    return load_unit(op, grid, "location", u, err);
}

static int route_house(gg_op_t *op, int64_t place_id, gg_unit_t *u, int64_t *house, gg_error_t *err)
{
    int64_t grid = 0;
    int found = 0;
    if (gg_db_query_i64(op->c,
                        "SELECT b.grid_id FROM house h JOIN building b ON b.id = h.building_id "
                        "WHERE h.id = $1 AND h.retired_at IS NULL AND b.retired_at IS NULL",
                        GG_ARGS(GG_I64(place_id)), &grid, &found, err) < 0)
        return -1;
    if (!found) return field_not_found(err, "place_id", "no such house");
    *house = place_id;
    return load_unit(op, grid, "place_id", u, err);
}

/* The grid of a grid worker's grant with case.report (the patrol's own grid), or 0. */
static int own_grid(gg_op_t *op, gg_unit_t *u, int *found, gg_error_t *err)
{
    *found = 0;
    for (int i = 0; op->auth && i < op->auth->ngrants; i++) {
        const gg_grant_t *g = &op->auth->grants[i];
        if (!(g->perms & GG_P_CASE_REPORT)) continue;
        int f = 0;
        if (gg_unit_by_id(op->c, op->arena, g->unit_id, u, &f, err) < 0) return -1;
        if (f && !u->retired_at && !strcmp(u->level, "grid")) {
            *found = 1;
            return 0;
        }
    }
    return 0;
}

static int route(gg_op_t *op, const gg_case_env_t *env, const gg_case_in_t *in, gg_unit_t *loc,
                 int64_t *house, gg_error_t *err)
{
    *house = 0;
    if (in->has_point) {
        if (route_point(op, env, in, loc, err) < 0) return -1;
        if (in->place_id > 0) *house = in->place_id;
        return 0;
    }
    if (in->place_id > 0) return route_house(op, in->place_id, loc, house, err);
    if (in->qr_token && *in->qr_token) {
        gg_public_house_t h;
        if (gg_public_house_get(op->c, op->arena, in->qr_token, &h, err) < 0)
            return field_not_found(err, "qr_token", "no house has this code");
        *house = h.house_id;
        return load_unit(op, h.grid_id, "qr_token", loc, err);
    }
    if (in->unit_id > 0 && !in->public) {
        if (load_unit(op, in->unit_id, "unit_id", loc, err) < 0) return -1;
        if (strcmp(loc->level, "grid") && strcmp(loc->level, "community")) {
            gg_err_invalid(err, "unit_id", "a case is located in a grid or a community, not a %s",
                           loc->level);
            return gg_error_reason(err, "not_allowed");
        }
        return 0;
    }
    if (!in->public && !strcmp(in->channel, "patrol")) {
        int found;
        if (own_grid(op, loc, &found, err) < 0) return -1;
        if (found) return 0;
    }
    gg_err_invalid(err, "location", "say where: a point (lat, lon), a house%s",
                   in->public ? "" : " or a unit_id");
    return gg_error_reason(err, "required");
}

/* ---- the row ---- */

typedef struct plan {
    gg_unit_t loc, community, owner, handler; /* handler.id 0: none */
    const char *state;
    int registered, dispatched, on_spot;
} plan_t;

static int parent_of(gg_op_t *op, const gg_unit_t *u, gg_unit_t *out, gg_error_t *err)
{
    if (!u->parent_id) {
        *out = *u;
        return 0;
    }
    return load_unit(op, u->parent_id, "location", out, err);
}

static int plan_case(gg_op_t *op, const gg_case_in_t *in, const char *first_handler, plan_t *p,
                     gg_error_t *err)
{
    if (!strcmp(p->loc.level, "community"))
        p->community = p->loc;
    else if (parent_of(op, &p->loc, &p->community, err) < 0)
        return -1;
    int loc_is_grid = !strcmp(p->loc.level, "grid");
    memset(&p->handler, 0, sizeof p->handler);
    if (in->handled_on_spot) {
        if (!loc_is_grid) {
            gg_err_invalid(err, "handled_on_spot", "a case handled on the spot lies in the worker's grid");
            return gg_error_reason(err, "not_allowed");
        }
        if (!gg_auth_can(op->auth, GG_P_CASE_HANDLE, p->loc.path)) {
            gg_err_forbidden(err, "you may not handle cases in %s", p->loc.name);
            return gg_error_reason(err, "not_allowed");
        }
        p->owner = p->community;
        p->handler = p->loc;
        p->state = "closed";
        p->registered = p->dispatched = p->on_spot = 1;
        return 0;
    }
    if (!strcmp(first_handler, "grid") && loc_is_grid) {
        p->owner = p->community;
        p->handler = p->loc;
        p->state = "dispatched";
        p->registered = p->dispatched = 1;
    } else if (!strcmp(first_handler, "dispatcher")) {
        if (!strcmp(p->community.level, "community")) {
            if (parent_of(op, &p->community, &p->owner, err) < 0) return -1;
        } else {
            p->owner = p->community;
        }
        int must_accept =
            !strcmp(in->channel, "app") || !strcmp(in->channel, "hotline") || !strcmp(in->channel, "open311");
        p->state = must_accept ? "reported" : "registered";
        p->registered = !must_accept;
    } else {
        p->owner = p->community;
        p->state = "registered";
        p->registered = 1;
    }
    return 0;
}

static double haversine_m(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371008.8, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h =
        sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(h < 1 ? h : 1));
}

/* Open cases of the same category near the new one, flagged both ways. */
static int flag_duplicates(gg_op_t *op, const gg_case_settings_t *set, int64_t id, int64_t category,
                           double lat, double lon, int64_t now, gg_error_t *err)
{
    if (set->duplicate_radius_m <= 0 || set->duplicate_window_hours <= 0) return 0;
    double dlat = set->duplicate_radius_m / 111320.0;
    double coslat = cos(lat * M_PI / 180.0);
    double dlon = set->duplicate_radius_m / (111320.0 * (coslat > 0.01 ? coslat : 0.01));
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT id, lat, lon FROM case_item WHERE category_id = $1 "
                    "AND state IN ('reported', 'accepted', 'registered', 'dispatched', 'in_progress', "
                    "'awaiting_verification', 'suspended') AND created_at >= $2 AND id <> $3 "
                    "AND lat BETWEEN $4 AND $5 AND lon BETWEEN $6 AND $7 ORDER BY id DESC LIMIT 50",
                    GG_ARGS(GG_I64(category), GG_I64(now - (int64_t)set->duplicate_window_hours * 3600000),
                            GG_I64(id), GG_F64(lat - dlat), GG_F64(lat + dlat), GG_F64(lon - dlon),
                            GG_F64(lon + dlon)),
                    &r, err) < 0)
        return -1;
    int64_t near[50];
    int n = 0, step;
    while ((step = gg_db_next(r, err)) == 1)
        if (haversine_m(lat, lon, gg_db_f64(r, 1), gg_db_f64(r, 2)) <= set->duplicate_radius_m && n < 50)
            near[n++] = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step < 0) return -1;
    for (int i = 0; i < n; i++)
        if (gg_db_exec(op->c,
                       "INSERT INTO case_duplicate (case_id, other_id, created_at) VALUES ($1, $2, $3), ($2, "
                       "$1, $3)",
                       GG_ARGS(GG_I64(id), GG_I64(near[i]), GG_I64(now)), NULL, err) < 0)
            return -1;
    return 0;
}

static int add_event(gg_op_t *op, int64_t id, int64_t at, const char *action, const char *from,
                     const char *to, int64_t unit, const char *note, const char *detail, int64_t *event_id,
                     gg_error_t *err)
{
    gg_case_event_t e = {.case_id = id,
                         .at = at,
                         .action = action,
                         .from_state = from,
                         .to_state = to,
                         .unit_id = unit,
                         .note = note,
                         .public = 1,
                         .detail = detail};
    return gg_case_event_add(op, &e, event_id, err);
}

int gg_case_create(gg_op_t *op, const gg_case_env_t *env, const gg_case_in_t *in, int64_t *id,
                   char secret[44], gg_error_t *err)
{
    if (gg_case_in_check(in, err) < 0) return -1;
    if (!in->public && !op->auth) return gg_err_forbidden(err, "staff intake needs a login");
    /* the category and its pinned policy */
    gg_category_t k, *tree;
    int ntree;
    if (gg_category_get(op->c, op->arena, in->category_id, &k, &tree, &ntree, err) < 0) {
        if (err->http_status != 404) return -1;
        return field_not_found(err, "category_id", "no such category");
    }
    if (k.retired) {
        gg_err_invalid(err, "category_id", "category %s is retired", k.name);
        return gg_error_reason(err, "retired");
    }
    if (in->public && !k.eff.num[GG_POLICY_RESIDENT_SELECTABLE]) {
        gg_err_invalid(err, "category_id", "residents cannot report under category %s", k.name);
        return gg_error_reason(err, "not_resident_selectable");
    }
    if (in->line_id > 0) {
        int64_t one;
        int found;
        if (gg_db_query_i64(op->c, "SELECT 1 FROM hotline_line WHERE id = $1 AND retired_at IS NULL",
                            GG_ARGS(GG_I64(in->line_id)), &one, &found, err) < 0)
            return -1;
        if (!found) return field_not_found(err, "line_id", "no such hotline line");
        /* a line's work-order number makes one case (the unique index case_item_line, migration 0018) */
        if (in->external_no && *in->external_no) {
            gg_db_res_t *dup;
            if (gg_db_query(op->c, "SELECT number FROM case_item WHERE line_id = $1 AND external_no = $2",
                            GG_ARGS(GG_I64(in->line_id), GG_TEXT(in->external_no)), &dup, err) < 0)
                return -1;
            int step = gg_db_next(dup, err);
            const char *number = step == 1 ? gg_strdup(op->arena, gg_db_text(dup, 0)) : NULL;
            gg_db_res_free(dup);
            if (step < 0) return -1;
            if (number) {
                gg_error_set(err, 409, "conflict", "external_no", "this work order is case %s already",
                             number);
                return gg_error_named(err, "work_order_taken", "%s", number);
            }
        }
    }
    plan_t p;
    memset(&p, 0, sizeof p);
    int64_t house = 0;
    if (route(op, env, in, &p.loc, &house, err) < 0) return -1;
    if (in->within_path && strncmp(p.loc.path, in->within_path, strlen(in->within_path)) != 0) {
        gg_err_invalid(err, in->within_field ? in->within_field : "location",
                       "the place lies outside the area this client may report in");
        return gg_error_reason(err, "outside_key_area");
    }
    if (!in->public && !gg_auth_can(op->auth, GG_P_CASE_REPORT, p.loc.path)) {
        gg_err_forbidden(err, "you may not report cases in %s", p.loc.name);
        return gg_error_reason(err, "not_allowed");
    }
    if (plan_case(op, in, k.eff.text[GG_POLICY_FIRST_HANDLER], &p, err) < 0) return -1;
    gg_case_settings_t set;
    if (gg_case_settings(op->c, op->arena, &set, err) < 0) return -1;

    /* clocks */
    int64_t now = env->now;
    int fallback = 0;
    int64_t response_due = 0, due = 0, yellow = 0;
    int rlimit = (int)k.eff.num[GG_POLICY_RESPONSE_LIMIT], hlimit = (int)k.eff.num[GG_POLICY_HANDLING_LIMIT];
    const char *runit = k.eff.text[GG_POLICY_RESPONSE_UNIT], *hunit = k.eff.text[GG_POLICY_HANDLING_UNIT];
    if (gg_deadline_due(env->cal, now, rlimit, runit, "response_limit", &response_due, &fallback, err) < 0)
        return -1;
    if (p.registered && gg_deadline_handling(env->cal, now, hlimit, hunit, set.yellow_share, &due, &yellow,
                                             &fallback, err) < 0)
        return -1;

    char number[32], hash[65];
    if (gg_case_number_next(op->c, now, number, err) < 0) return -1;
    gg_case_code_new(secret);
    gg_case_code_hash(number, secret, hash);
    const char *name = in->reporter_name && *in->reporter_name ? in->reporter_name : NULL;
    const char *phone = in->reporter_phone && *in->reporter_phone ? in->reporter_phone : NULL;
    int64_t reporter = in->public && op->auth ? op->auth->account_id : 0;

    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO case_item (number, secret_hash, channel, line_id, external_no, category_id, "
            "category_version_id, priority, description, address, lat, lon, place_id, unit_id, unit_path, "
            "owner_unit_id, owner_unit_path, handler_unit_id, handler_unit_path, handler_account_id, state, "
            "reporter_account_id, anonymous, reporter_name_enc, reporter_phone_enc, reporter_phone_bidx, "
            "response_limit, response_unit, handling_limit, handling_unit, response_due_at, registered_at, "
            "due_at, yellow_at, calendar_fallback, closed_at, created_by, created_at, updated_at) VALUES "
            "($1, $2, "
            "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
            "$23, "
            "$24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $38) RETURNING id",
            GG_ARGS(GG_TEXT(number), GG_TEXT(hash), GG_TEXT(in->channel),
                    in->line_id > 0 ? GG_I64(in->line_id) : GG_NULL,
                    GG_TEXT(in->external_no && *in->external_no ? in->external_no : NULL), GG_I64(k.id),
                    GG_I64(k.policy_version_id), GG_TEXT(k.eff.text[GG_POLICY_PRIORITY]),
                    GG_TEXT(in->description), GG_TEXT(in->address && *in->address ? in->address : NULL),
                    in->has_point ? GG_F64(in->lat) : GG_NULL, in->has_point ? GG_F64(in->lon) : GG_NULL,
                    house ? GG_I64(house) : GG_NULL, GG_I64(p.loc.id), GG_TEXT(p.loc.path),
                    GG_I64(p.owner.id), GG_TEXT(p.owner.path), p.handler.id ? GG_I64(p.handler.id) : GG_NULL,
                    GG_TEXT(p.handler.id ? p.handler.path : NULL),
                    p.on_spot ? GG_I64(op->auth->account_id) : GG_NULL, GG_TEXT(p.state),
                    reporter ? GG_I64(reporter) : GG_NULL, GG_I64(in->anonymous ? 1 : 0),
                    GG_TEXT(name ? gg_pii_encrypt(op->keys, op->arena, name) : NULL),
                    GG_TEXT(phone ? gg_pii_encrypt(op->keys, op->arena, phone) : NULL),
                    GG_TEXT(phone ? gg_pii_blind_index(op->keys, op->arena, phone) : NULL), GG_I64(rlimit),
                    GG_TEXT(runit), GG_I64(hlimit), GG_TEXT(hunit), GG_I64(response_due),
                    p.registered ? GG_I64(now) : GG_NULL, due ? GG_I64(due) : GG_NULL,
                    yellow ? GG_I64(yellow) : GG_NULL, GG_I64(fallback), p.on_spot ? GG_I64(now) : GG_NULL,
                    op->auth && !in->public && op->auth->account_id ? GG_I64(op->auth->account_id) : GG_NULL,
                    GG_I64(now)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_internal(err, "the case was not stored");

    /* the timeline: report, then what the first handler's policy did at once */
    int64_t report_event = 0, feedback_event = 0;
    if (add_event(op, *id, now, "report", NULL, "reported", p.loc.id,
                  in->note && !p.on_spot ? in->note : NULL, NULL, &report_event, err) < 0)
        return -1;
    /* the reporter's photos belong to the report (their own uploads: 400 attachment_ids otherwise) */
    if (gg_attachment_claim(op, in->attachment_ids, in->nattachments, in->upload_token, "case_event",
                            report_event, "report", err) < 0)
        return -1;
    if (p.registered &&
        add_event(op, *id, now, "register", "reported", "registered", p.owner.id, NULL, NULL, NULL, err) < 0)
        return -1;
    if (p.dispatched) {
        if (add_event(op, *id, now, "dispatch", "registered", "dispatched", p.handler.id, NULL, NULL, NULL,
                      err) < 0)
            return -1;
        if (gg_db_exec(
                op->c,
                "INSERT INTO case_task (case_id, unit_id, unit_path, account_id, role, state, created_at, "
                "reported_at) VALUES ($1, $2, $3, $4, 'lead', $5, $6, $7)",
                GG_ARGS(GG_I64(*id), GG_I64(p.handler.id), GG_TEXT(p.handler.path),
                        p.on_spot ? GG_I64(op->auth->account_id) : GG_NULL,
                        GG_TEXT(p.on_spot ? "reported" : "open"), GG_I64(now),
                        p.on_spot ? GG_I64(now) : GG_NULL),
                NULL, err) < 0)
            return -1;
    }
    if (p.on_spot) {
        if (add_event(op, *id, now, "receive", "dispatched", "in_progress", p.handler.id, NULL, NULL, NULL,
                      err) < 0 ||
            add_event(op, *id, now, "feedback", "in_progress", "awaiting_verification", p.handler.id,
                      in->note ? in->note : "随手办：现场已处置", NULL, &feedback_event, err) < 0 ||
            gg_attachment_claim(op, in->after_attachment_ids, in->nafter, NULL, "case_event", feedback_event,
                                "after", err) < 0 ||
            add_event(op, *id, now, "verify_pass", "awaiting_verification", "closed", p.owner.id, NULL, NULL,
                      NULL, err) < 0)
            return -1;
    }
    if (in->has_point && flag_duplicates(op, &set, *id, k.id, in->lat, in->lon, now, err) < 0) return -1;
    if (gg_rollup_case_changed(op, env->cal, *id, err) < 0) return -1; /* docs/measures.md */

    /* on record: what was made, where, by which channel — no personal data */
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "number", number);
    gg_jw_kstr(&w, "channel", in->channel);
    gg_jw_kint(&w, "category_id", k.id);
    gg_jw_kstr(&w, "state", p.state);
    if (p.on_spot) gg_jw_kbool(&w, "handled_on_spot", 1);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = "case.create",
                          .object_type = "case",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)*id),
                          .unit_id = p.loc.id,
                          .detail_json = gg_strdup(op->arena, b.data)};
    gg_buf_free(&b);
    return gg_audit_append(op->c, &op->actor, &e, err);
}
