/* mediation_work.c — the steps of mediation on one dispute (dispute.h "mediation work"): assigning mediators
 * with the conflict-of-interest check, sessions, the outcome, the agreement, follow-ups, judicial
 * confirmation, escalation and hand-over.  Each step: the row loaded in scope, the write, the rollup moved
 * from the dispute's old counters to its new ones, a timeline event and an audit row — one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "domain/mediation/dispute.h"
#include "domain/mediation/mediation_internal.h"
#include "domain/scope.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"

/* Begin a step: load the row, take the rollup snapshot before. */
int gg_med_begin(gg_op_t *op, int64_t id, int open_only, gg_med_row_t *row, gg_med_snap_t *before,
                 gg_error_t *err)
{
    if (gg_med_load(op, id, open_only, row, err) < 0) return -1;
    return gg_med_snap(op, id, before, err);
}

/* Finish a step: move the rollup, bump the version, the event and the audit row. */
int gg_med_finish(gg_op_t *op, const gg_med_row_t *row, const gg_med_snap_t *before, const char *action,
                  int64_t event_unit, const char *note, const char *detail, gg_error_t *err)
{
    gg_med_snap_t after;
    if (gg_med_snap(op, row->id, &after, err) < 0) return -1;
    if (memcmp(&before->registered, &after.registered, sizeof(int64_t) * 10) ||
        strcmp(before->unit_path, after.unit_path) || strcmp(before->type, after.type)) {
        if (gg_med_rollup_apply(op->c, before, -1, err) < 0 || gg_med_rollup_apply(op->c, &after, 1, err) < 0)
            return -1;
    }
    if (gg_db_exec(op->c, "UPDATE dispute SET version = version + 1, updated_at = $2 WHERE id = $1",
                   GG_ARGS(GG_I64(row->id), GG_I64(gg_now_ms())), NULL, err) < 0)
        return -1;
    if (gg_med_event(op, row->id, action, event_unit ? event_unit : row->unit_id, note, detail, err) < 0)
        return -1;
    return gg_med_audit(op, row->id, row->unit_id, gg_sprintf(op->arena, "dispute.%s", action),
                        detail ? detail : "{}", err);
}

static int text_ok(gg_arena_t *a, const char **s, const char *field, int required, int max, gg_error_t *err)
{
    if (gg_text_field(a, s, field, required, err) < 0) return -1;
    if (*s && (int)gg_utf8_len(*s) > max) {
        gg_err_invalid(err, field, "%s has at most %d characters", field, max);
        return gg_error_limits(err, "too_long", 1, 1, 1, max);
    }
    return 0;
}

static const char *json_quote(gg_arena_t *a, const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *t = json_dumps(j, JSON_ENCODE_ANY);
    json_decref(j);
    const char *out = gg_strdup(a, t);
    free(t);
    return out;
}

/* ---- assignment ---- */

/* The warning for mediator m on dispute id: the mediator's resident record is a party, or lives in the same
 * household as a party (linked by resident_id, or by the same ID number through the blind index). */
static int coi_check(gg_op_t *op, int64_t id, int64_t mediator, const char **warning, gg_error_t *err)
{
    *warning = NULL;
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT p.name, CASE WHEN mr.id = pr.id THEN 'self' ELSE 'household' END FROM mediator m "
            "JOIN resident mr ON mr.id = m.resident_id JOIN dispute_party p ON p.dispute_id = $1 "
            "JOIN resident pr ON (pr.id = p.resident_id OR (p.id_number_bidx IS NOT NULL AND "
            "pr.id_number_bidx = p.id_number_bidx)) WHERE m.id = $2 AND (pr.id = mr.id OR "
            "(mr.household_id IS NOT NULL AND pr.household_id = mr.household_id)) ORDER BY p.seq LIMIT 1",
            GG_ARGS(GG_I64(id), GG_I64(mediator)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *warning = gg_sprintf(op->arena, "%s:%s", gg_db_text(r, 1), gg_db_text(r, 0));
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_dispute_assign(gg_op_t *op, int64_t id, int64_t mediator_id, const char *role,
                      const char **warning_out, gg_error_t *err)
{
    static const char *const roles[] = {"lead", "assist", NULL};
    role = role && *role ? role : "lead";
    if (gg_choice_valid(role, roles, "role", err) < 0) return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 1, &row, &before, err) < 0) return -1;
    /* a roster entry of the dispute's unit or above it, or one the caller may see */
    const char *sql = gg_sprintf(op->arena,
                                 "SELECT name FROM mediator WHERE id = $1 AND retired_at IS NULL AND (%s OR "
                                 "substr($2, 1, length(unit_path)) = unit_path)",
                                 gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "unit_path"));
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(mediator_id), GG_TEXT(row.unit_path)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    const char *name = step == 1 ? gg_strdup(op->arena, gg_db_text(r, 0)) : NULL;
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (!name) {
        gg_err_invalid(err, "mediator_id", "no such mediator");
        return gg_error_reason(err, "not_found");
    }
    const char *warning;
    if (coi_check(op, id, mediator_id, &warning, err) < 0) return -1;
    int64_t now = gg_now_ms();
    if (!strcmp(role, "lead") &&
        gg_db_exec(op->c,
                   "UPDATE dispute_mediator SET role = 'assist' WHERE dispute_id = $1 AND role = 'lead'",
                   GG_ARGS(GG_I64(id)), NULL, err) < 0)
        return -1;
    if (gg_db_exec(
            op->c,
            "INSERT INTO dispute_mediator (dispute_id, mediator_id, role, coi_warning, assigned_at) VALUES "
            "($1, $2, $3, $4, $5) ON CONFLICT (dispute_id, mediator_id) DO UPDATE SET role = excluded.role, "
            "coi_warning = excluded.coi_warning",
            GG_ARGS(GG_I64(id), GG_I64(mediator_id), GG_TEXT(role), GG_TEXT(warning), GG_I64(now)), NULL,
            err) < 0)
        return -1;
    if (!strcmp(role, "lead")) {
        if (gg_db_exec(
                op->c,
                "UPDATE dispute SET lead_mediator_id = $2, state = CASE WHEN state = 'registered' THEN "
                "'mediating' ELSE state END WHERE id = $1",
                GG_ARGS(GG_I64(id), GG_I64(mediator_id)), NULL, err) < 0)
            return -1;
    } else if (row.lead_mediator_id == mediator_id &&
               gg_db_exec(op->c, "UPDATE dispute SET lead_mediator_id = NULL WHERE id = $1",
                          GG_ARGS(GG_I64(id)), NULL, err) < 0) {
        return -1;
    }
    if (warning_out) *warning_out = warning;
    const char *detail =
        gg_sprintf(op->arena, "{\"mediator_id\":%lld,\"name\":%s,\"role\":\"%s\",\"coi_warning\":%s}",
                   (long long)mediator_id, json_quote(op->arena, name), role,
                   warning ? json_quote(op->arena, warning) : "null");
    return gg_med_finish(op, &row, &before, "assign", 0, NULL, detail, err);
}

/* ---- sessions ---- */

int gg_dispute_session_add(gg_op_t *op, int64_t id, const gg_dispute_session_new_t *in0, int64_t *session_id,
                           gg_error_t *err)
{
    gg_dispute_session_new_t in = *in0;
    if (text_ok(op->arena, &in.place, "place", 0, 200, err) < 0 ||
        text_ok(op->arena, &in.attendance, "attendance", 0, 1000, err) < 0)
        return -1;
    if (in.minutes && (int)gg_utf8_len(in.minutes) > 10000) {
        gg_err_invalid(err, "minutes", "minutes have at most 10000 characters");
        return gg_error_limits(err, "too_long", 1, 1, 1, 10000);
    }
    if (in.held && (!in.minutes || !*in.minutes)) {
        gg_err_invalid(err, "minutes", "a session held has its minutes");
        return gg_error_reason(err, "required");
    }
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 1, &row, &before, err) < 0) return -1;
    int64_t now = gg_now_ms();
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO dispute_session (dispute_id, at, place, attendance, minutes, held, created_by, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            GG_ARGS(GG_I64(id), GG_I64(in.at ? in.at : now), GG_TEXT(in.place), GG_TEXT(in.attendance),
                    GG_TEXT(in.minutes && *in.minutes ? in.minutes : NULL), GG_I64(in.held ? 1 : 0),
                    op->auth->account_id ? GG_I64(op->auth->account_id) : GG_NULL, GG_I64(now)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1 && session_id) *session_id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (gg_db_exec(op->c, "UPDATE dispute SET state = 'mediating' WHERE id = $1 AND state = 'registered'",
                   GG_ARGS(GG_I64(id)), NULL, err) < 0)
        return -1;
    return gg_med_finish(op, &row, &before, in.held ? "session" : "session_scheduled", 0, in.place,
                         gg_sprintf(op->arena, "{\"held\":%s}", in.held ? "true" : "false"), err);
}

/* ---- the outcome ---- */

int gg_dispute_outcome(gg_op_t *op, int64_t id, const char *outcome, const char *text, const char *evaluation,
                       gg_error_t *err)
{
    if (!outcome || !*outcome) {
        gg_err_invalid(err, "outcome", "outcome is required");
        return gg_error_reason(err, "required");
    }
    if (gg_choice_valid(outcome, gg_dispute_outcomes, "outcome", err) < 0) return -1;
    int needs_reason = strcmp(outcome, "success") != 0;
    if (text_ok(op->arena, &text, "outcome_text", needs_reason, 2000, err) < 0 ||
        text_ok(op->arena, &evaluation, "evaluation", 0, 2000, err) < 0)
        return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 1, &row, &before, err) < 0) return -1;
    if (row.has_agreement && strcmp(outcome, "success")) {
        gg_err_conflict(err, "a dispute with an agreement was mediated successfully");
        return gg_error_reason(err, "has_agreement");
    }
    if (gg_db_exec(
            op->c,
            "UPDATE dispute SET state = 'closed', outcome = $2, outcome_text = $3, evaluation = $4, "
            "outcome_at = $5, method = CASE WHEN $2 = 'litigation' THEN 'litigation_mediation' ELSE method "
            "END WHERE id = $1",
            GG_ARGS(GG_I64(id), GG_TEXT(outcome), GG_TEXT(text), GG_TEXT(evaluation), GG_I64(gg_now_ms())),
            NULL, err) < 0)
        return -1;
    return gg_med_finish(op, &row, &before, "outcome", 0, text,
                         gg_sprintf(op->arena, "{\"outcome\":\"%s\"}", outcome), err);
}

/* ---- the agreement ---- */

static int date_ok(const char *d, const char *field, gg_error_t *err)
{
    if (gg_date_valid(d, field, err) < 0) return gg_error_reason(err, "malformed");
    return 0;
}

int gg_dispute_agreement_put(gg_op_t *op, int64_t id, const gg_dispute_agreement_new_t *in0, gg_error_t *err)
{
    gg_dispute_agreement_new_t in = *in0;
    gg_arena_t *a = op->arena;
    if (text_ok(a, &in.facts, "facts", 1, 5000, err) < 0) return -1;
    json_t *terms = json_array();
    for (int i = 0; i < in.nterms; i++) {
        const char *t = in.terms[i];
        char field[24];
        snprintf(field, sizeof field, "terms[%d]", i);
        if (text_ok(a, &t, field, 0, 2000, err) < 0) {
            json_decref(terms);
            return -1;
        }
        if (t) json_array_append_new(terms, json_string(t));
    }
    if (json_array_size(terms) == 0) {
        json_decref(terms);
        gg_err_invalid(err, "terms", "an agreement has at least one term");
        return gg_error_reason(err, "required");
    }
    if (in.nterms > GG_DISPUTE_MAX_TERMS) {
        json_decref(terms);
        gg_err_invalid(err, "terms", "at most %d terms", GG_DISPUTE_MAX_TERMS);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_DISPUTE_MAX_TERMS);
    }
    char *terms_text = json_dumps(terms, JSON_COMPACT);
    json_decref(terms);
    const char *terms_json = gg_strdup(a, terms_text);
    free(terms_text);
    if (text_ok(a, &in.performance, "performance", 0, 2000, err) < 0 ||
        text_ok(a, &in.mediator_signature, "mediator_signature", 0, 100, err) < 0)
        return -1;
    if (in.performance_due && *in.performance_due && date_ok(in.performance_due, "performance_due", err) < 0)
        return -1;
    char today[11];
    gg_med_day(gg_now_ms(), today);
    const char *signed_on = in.signed_on && *in.signed_on ? in.signed_on : gg_strdup(a, today);
    if (date_ok(signed_on, "signed_on", err) < 0) return -1;
    json_t *sigs = json_array();
    for (int i = 0; i < in.nsignatures; i++)
        if (in.party_signatures[i] && *in.party_signatures[i])
            json_array_append_new(sigs, json_string(in.party_signatures[i]));
    char *sigs_text = json_dumps(sigs, JSON_COMPACT);
    json_decref(sigs);
    const char *sigs_json = gg_strdup(a, sigs_text);
    free(sigs_text);
    for (int i = 0; i < in.nfollowups; i++) {
        char field[32];
        snprintf(field, sizeof field, "followup_days[%d]", i);
        if (date_ok(in.followup_days[i], field, err) < 0) return -1;
        if (strcmp(in.followup_days[i], signed_on) < 0) {
            gg_err_invalid(err, field, "a follow-up falls on or after the agreement's date %s", signed_on);
            return gg_error_reason(err, "before_agreement");
        }
    }
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 0, &row, &before, err) < 0) return -1;
    if (row.outcome && strcmp(row.outcome, "success")) {
        gg_err_conflict(err, "the mediation ended without agreement");
        return gg_error_reason(err, "dispute_closed");
    }
    int64_t parties = 0;
    int found;
    if (gg_db_query_i64(op->c, "SELECT COUNT(*) FROM dispute_party WHERE dispute_id = $1",
                        GG_ARGS(GG_I64(id)), &parties, &found, err) < 0)
        return -1;
    int copies = in.copies > 0 ? in.copies : (int)parties + 1;
    int64_t now = gg_now_ms();
    const char *number = gg_sprintf(a, "%s-XY", row.number);
    if (gg_db_exec(
            op->c,
            "INSERT INTO dispute_agreement (dispute_id, number, facts, terms, performance, performance_due, "
            "copies, signed_on, party_signatures, mediator_signature, created_at, updated_at) VALUES ($1, "
            "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (dispute_id) DO UPDATE SET facts = "
            "excluded.facts, terms = excluded.terms, performance = excluded.performance, performance_due "
            "= excluded.performance_due, copies = excluded.copies, signed_on = excluded.signed_on, "
            "party_signatures = excluded.party_signatures, mediator_signature = "
            "excluded.mediator_signature, updated_at = excluded.updated_at",
            GG_ARGS(GG_I64(id), GG_TEXT(number), GG_TEXT(in.facts), GG_TEXT(terms_json),
                    GG_TEXT(in.performance),
                    GG_TEXT(in.performance_due && *in.performance_due ? in.performance_due : NULL),
                    GG_I64(copies), GG_TEXT(signed_on), GG_TEXT(sigs_json), GG_TEXT(in.mediator_signature),
                    GG_I64(now)),
            NULL, err) < 0)
        return -1;
    if (!row.outcome &&
        gg_db_exec(op->c,
                   "UPDATE dispute SET state = 'closed', outcome = 'success', outcome_at = $2 WHERE id = $1",
                   GG_ARGS(GG_I64(id), GG_I64(now)), NULL, err) < 0)
        return -1;
    for (int i = 0; i < in.nfollowups; i++)
        if (gg_db_exec(op->c,
                       "INSERT INTO dispute_followup (dispute_id, due_on, created_at) VALUES ($1, $2, $3)",
                       GG_ARGS(GG_I64(id), GG_TEXT(in.followup_days[i]), GG_I64(now)), NULL, err) < 0)
            return -1;
    return gg_med_finish(op, &row, &before, row.has_agreement ? "agreement_changed" : "agreement", 0, NULL,
                         gg_sprintf(a, "{\"terms\":%d,\"signed_on\":\"%s\"}", in.nterms, signed_on), err);
}

/* ---- follow-ups ---- */

int gg_dispute_followup_add(gg_op_t *op, int64_t id, const char *due_on, int64_t *followup_id,
                            gg_error_t *err)
{
    if (!due_on || !*due_on) {
        gg_err_invalid(err, "due_on", "due_on is required");
        return gg_error_reason(err, "required");
    }
    if (date_ok(due_on, "due_on", err) < 0) return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 0, &row, &before, err) < 0) return -1;
    if (!row.has_agreement) {
        gg_err_conflict(err, "a follow-up checks an agreement; there is none yet");
        return gg_error_reason(err, "no_agreement");
    }
    if (strcmp(due_on, row.agreement_day) < 0) {
        gg_err_invalid(err, "due_on", "a follow-up falls on or after the agreement's date %s",
                       row.agreement_day);
        return gg_error_reason(err, "before_agreement");
    }
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO dispute_followup (dispute_id, due_on, created_at) VALUES ($1, $2, $3) RETURNING id",
            GG_ARGS(GG_I64(id), GG_TEXT(due_on), GG_I64(gg_now_ms())), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1 && followup_id) *followup_id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step < 0) return -1;
    return gg_med_finish(op, &row, &before, "followup_planned", 0, NULL,
                         gg_sprintf(op->arena, "{\"due_on\":\"%s\"}", due_on), err);
}

int gg_dispute_followup_record(gg_op_t *op, int64_t id, int64_t followup_id, const char *result,
                               const char *note, gg_error_t *err)
{
    static const char *const results[] = {"performed", "partial", "not_performed", NULL};
    if (!result || !*result) {
        gg_err_invalid(err, "result", "result is required");
        return gg_error_reason(err, "required");
    }
    if (gg_choice_valid(result, results, "result", err) < 0) return -1;
    if (text_ok(op->arena, &note, "note", 0, 2000, err) < 0) return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 0, &row, &before, err) < 0) return -1;
    int64_t changes = 0;
    if (gg_db_exec(
            op->c,
            "UPDATE dispute_followup SET result = $3, note = $4, done_at = $5 WHERE id = $2 AND dispute_id "
            "= $1",
            GG_ARGS(GG_I64(id), GG_I64(followup_id), GG_TEXT(result), GG_TEXT(note), GG_I64(gg_now_ms())),
            &changes, err) < 0)
        return -1;
    if (changes == 0) return gg_err_not_found(err, "no such follow-up");
    return gg_med_finish(
        op, &row, &before, "followup", 0, note,
        gg_sprintf(op->arena, "{\"followup_id\":%lld,\"result\":\"%s\"}", (long long)followup_id, result),
        err);
}

/* ---- judicial confirmation ---- */

int gg_dispute_judicial(gg_op_t *op, int64_t id, int requested, const char *on, const char *outcome,
                        gg_error_t *err)
{
    static const char *const outcomes[] = {"confirmed", "rejected", NULL};
    if (on && *on && date_ok(on, "on", err) < 0) return -1;
    if (outcome && *outcome && gg_choice_valid(outcome, outcomes, "outcome", err) < 0) return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 0, &row, &before, err) < 0) return -1;
    if (!row.has_agreement) {
        gg_err_conflict(err, "judicial confirmation confirms an agreement; there is none yet");
        return gg_error_reason(err, "no_agreement");
    }
    if (gg_db_exec(op->c,
                   "UPDATE dispute SET judicial_requested = $2, judicial_on = $3, judicial_outcome = $4 "
                   "WHERE id = $1",
                   GG_ARGS(GG_I64(id), GG_I64(requested ? 1 : 0), GG_TEXT(on && *on ? on : NULL),
                           GG_TEXT(outcome && *outcome ? outcome : NULL)),
                   NULL, err) < 0)
        return -1;
    return gg_med_finish(op, &row, &before, "judicial", 0, NULL,
                         gg_sprintf(op->arena, "{\"requested\":%s,\"outcome\":%s}",
                                    requested ? "true" : "false",
                                    outcome && *outcome ? json_quote(op->arena, outcome) : "null"),
                         err);
}

/* ---- escalation and hand-over ---- */

int gg_dispute_escalate(gg_op_t *op, int64_t id, int64_t committee_id, const char *note, gg_error_t *err)
{
    if (text_ok(op->arena, &note, "note", 0, 2000, err) < 0) return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 1, &row, &before, err) < 0) return -1;
    if (committee_id > 0) {
        const char *sql =
            gg_sprintf(op->arena,
                       "SELECT name FROM mediation_committee WHERE id = $1 AND (%s OR substr($2, 1, "
                       "length(unit_path)) = unit_path)",
                       gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "unit_path"));
        gg_db_res_t *r;
        if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(committee_id), GG_TEXT(row.unit_path)), &r, err) < 0)
            return -1;
        int step = gg_db_next(r, err);
        const char *name = step == 1 ? gg_strdup(op->arena, gg_db_text(r, 0)) : NULL;
        gg_db_res_free(r);
        if (step < 0) return -1;
        if (!name) {
            gg_err_invalid(err, "committee_id", "no such committee");
            return gg_error_reason(err, "not_found");
        }
        if (gg_db_exec(op->c, "UPDATE dispute SET committee_id = $2 WHERE id = $1",
                       GG_ARGS(GG_I64(id), GG_I64(committee_id)), NULL, err) < 0)
            return -1;
        return gg_med_finish(op, &row, &before, "hand_over", 0, note,
                             gg_sprintf(op->arena, "{\"committee_id\":%lld,\"name\":%s}",
                                        (long long)committee_id, json_quote(op->arena, name)),
                             err);
    }
    gg_unit_t u, parent;
    int found = 0;
    if (gg_unit_by_id(op->c, op->arena, row.unit_id, &u, &found, err) < 0) return -1;
    if (!found) return gg_err_not_found(err, "no such unit");
    if (strcmp(u.level, "community") && strcmp(u.level, "street")) {
        gg_err_conflict(err, "a %s is the top of 三级联调 (community → street → county)", u.level);
        return gg_error_reason(err, "top_level");
    }
    if (gg_unit_by_id(op->c, op->arena, u.parent_id, &parent, &found, err) < 0) return -1;
    if (!found) return gg_err_not_found(err, "no parent unit");
    if (gg_db_exec(
            op->c,
            "UPDATE dispute SET unit_id = $2, unit_path = $3, lead_mediator_id = NULL, state = CASE WHEN "
            "state = 'mediating' THEN 'registered' ELSE state END WHERE id = $1",
            GG_ARGS(GG_I64(id), GG_I64(parent.id), GG_TEXT(parent.path)), NULL, err) < 0)
        return -1;
    gg_med_row_t moved = row;
    moved.unit_id = parent.id;
    return gg_med_finish(op, &moved, &before, "escalate", parent.id, note,
                         gg_sprintf(op->arena, "{\"from_unit_id\":%lld,\"to_unit_id\":%lld,\"to\":%s}",
                                    (long long)u.id, (long long)parent.id,
                                    json_quote(op->arena, parent.name)),
                         err);
}

int gg_dispute_note(gg_op_t *op, int64_t id, const char *note, gg_error_t *err)
{
    if (text_ok(op->arena, &note, "note", 1, 2000, err) < 0) return -1;
    gg_med_row_t row;
    gg_med_snap_t before;
    if (gg_med_begin(op, id, 0, &row, &before, err) < 0) return -1;
    return gg_med_finish(op, &row, &before, "note", 0, note, NULL, err);
}
