/* case_json.c — the JSON of a case (case_json.h). */
#include "api/cases/case_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/body.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "domain/cases/deadline.h"

const char *gg_case_mask_name(gg_arena_t *a, const char *name)
{
    if (!name || !*name) return NULL;
    size_t first = gg_utf8_seq((const unsigned char *)name, strlen(name));
    if (!first) first = 1;
    size_t rest = gg_utf8_len(name) - 1;
    char *out = gg_alloc(a, first + rest + 1);
    memcpy(out, name, first);
    memset(out + first, '*', rest);
    out[first + rest] = '\0';
    return out;
}

/* The due instant a clock of state runs to (0: none) */
static int64_t clock_due(const char *state, int64_t response_due_at, int64_t due_at, int *pre)
{
    *pre = !strcmp(state, "reported") || !strcmp(state, "accepted");
    return *pre ? response_due_at : due_at;
}

/* "remaining":{"clock", "due_at", "working_ms", "mark", "calendar_fallback"} (or null) as one member, as the
 * writer would put it, from literals: every inbox row and kept answer writes one per request, and its texts
 * never need escaping (two clock names, RFC 3339 digits, three mark names).  due_text: the due instant's RFC
 * 3339 text when known ("" for none), NULL to format it here. */
static void remaining_member(gg_jw_t *w, const gg_case_t *k, const char *due_text,
                             const gg_cal_snapshot_t *cal, int64_t now)
{
    if (!cal || !gg_case_state_open(k->state)) {
        gg_jw_raw(w, "\"remaining\":null", 16);
        return;
    }
    int pre;
    int64_t due = clock_due(k->state, k->response_due_at, k->due_at, &pre);
    int fallback = k->calendar_fallback;
    int64_t left = 0;
    gg_deadline_mark_t mark;
    if (!strcmp(k->state, "suspended")) {
        left = k->suspended_left_ms > 0 ? k->suspended_left_ms : 0;
        mark = GG_MARK_NONE;
    } else {
        mark = gg_deadline_mark(cal, now, due, pre ? 0 : k->yellow_at, &left, &fallback);
    }
    char out[192], *p = out;
#define LIT(s) (memcpy(p, s, sizeof s - 1), p += sizeof s - 1)
    LIT("\"remaining\":{\"clock\":\"");
    if (pre)
        LIT("response");
    else
        LIT("handling");
    LIT("\",\"due_at\":");
    char t[32];
    if (!due_text) {
        t[0] = 0;
        if (due > 0) gg_time_rfc3339(due, t);
        due_text = t;
    }
    if (*due_text) {
        size_t n = strlen(due_text);
        *p++ = '"';
        memcpy(p, due_text, n);
        p += n;
        *p++ = '"';
    } else {
        LIT("null");
    }
    LIT(",\"working_ms\":");
    char digits[24], *d = digits + sizeof digits;
    uint64_t u = left < 0 ? (uint64_t)0 - (uint64_t)left : (uint64_t)left;
    do {
        *--d = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (left < 0) *--d = '-';
    memcpy(p, d, (size_t)(digits + sizeof digits - d));
    p += digits + sizeof digits - d;
    LIT(",\"mark\":\"");
    const char *m = gg_deadline_mark_name(mark);
    size_t mn = strlen(m);
    memcpy(p, m, mn);
    p += mn;
    LIT("\",\"calendar_fallback\":");
    if (fallback)
        LIT("true}");
    else
        LIT("false}");
#undef LIT
    gg_jw_raw(w, out, (size_t)(p - out));
}

void gg_case_json_remaining(gg_jw_t *w, const gg_case_t *k, const gg_cal_snapshot_t *cal, int64_t now)
{
    remaining_member(w, k, NULL, cal, now);
}

void gg_case_holes_free(gg_case_holes_t *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

/* "remaining" of k at the writer's current place: written, or (o->holes) recorded as a hole */
static void remaining_or_hole(gg_jw_t *w, const gg_case_t *k, const gg_case_json_opt_t *o)
{
    if (!o->cal) return;
    gg_case_holes_t *h = o->holes;
    if (!h) {
        gg_case_json_remaining(w, k, o->cal, o->now);
        return;
    }
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = gg_xrealloc(h->v, sizeof *h->v * (size_t)h->cap);
    }
    gg_case_hole_t *x = &h->v[h->n++];
    *x = (gg_case_hole_t){.at = w->buf->len,
                          .response_due_at = k->response_due_at,
                          .due_at = k->due_at,
                          .yellow_at = k->yellow_at,
                          .suspended_left_ms = k->suspended_left_ms,
                          .calendar_fallback = k->calendar_fallback};
    snprintf(x->state, sizeof x->state, "%s", k->state ? k->state : "");
    int pre;
    int64_t due = clock_due(x->state, k->response_due_at, k->due_at, &pre);
    x->due_text[0] = 0;
    if (due > 0) gg_time_rfc3339(due, x->due_text);
}

void gg_case_json_splice(gg_jw_t *w, const char *text, size_t len, const gg_case_hole_t *holes, int nholes,
                         const gg_cal_snapshot_t *cal, int64_t now)
{
    size_t at = nholes ? holes[0].at : len;
    gg_jw_raw(w, text, at);
    for (int i = 0; i < nholes; i++) {
        /* "remaining" is never an object's first member: a comma, then the member */
        gg_jw_t sub = {.buf = w->buf};
        sub.count[0] = 1;
        gg_case_t k = {.state = holes[i].state,
                       .response_due_at = holes[i].response_due_at,
                       .due_at = holes[i].due_at,
                       .yellow_at = holes[i].yellow_at,
                       .suspended_left_ms = holes[i].suspended_left_ms,
                       .calendar_fallback = holes[i].calendar_fallback};
        remaining_member(&sub, &k, holes[i].due_text, cal, now);
        size_t next = i + 1 < nholes ? holes[i + 1].at : len;
        gg_buf_append(w->buf, text + holes[i].at, next - holes[i].at);
    }
}

void gg_case_json_open(gg_jw_t *w, gg_arena_t *a, const gg_case_t *k, const gg_case_json_opt_t *o)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->id);
    gg_jw_kstr(w, "number", k->number);
    gg_jw_kstr(w, "channel", k->channel);
    gg_body_kref(w, "line", "id", k->line_id, "name", k->line_name);
    gg_jw_kstr(w, "external_no", k->external_no);
    gg_jw_kint(w, "category_id", k->category_id);
    gg_jw_key(w, "category");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->category_id);
    gg_jw_kstr(w, "code", k->category_code);
    gg_jw_kstr(w, "name", k->category_name);
    gg_jw_kstr(w, "name_en", k->category_name_en);
    gg_jw_kint(w, "version_id", k->category_version_id);
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "priority", k->priority);
    gg_jw_kstr(w, "description", k->description);
    gg_jw_kstr(w, "address", k->address);
    gg_jw_key(w, "lat");
    k->has_point ? gg_jw_num(w, k->lat) : gg_jw_null(w);
    gg_jw_key(w, "lon");
    k->has_point ? gg_jw_num(w, k->lon) : gg_jw_null(w);
    gg_body_kid(w, "place_id", k->place_id);
    gg_body_kref(w, "unit", "id", k->unit_id, "name", k->unit_name);
    gg_jw_kint(w, "unit_id", k->unit_id);
    gg_jw_key(w, "owner_unit");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->owner_unit_id);
    gg_jw_kstr(w, "name", k->owner_unit_name);
    gg_jw_kstr(w, "level", k->owner_unit_level);
    gg_jw_obj_end(w);
    gg_jw_kint(w, "owner_unit_id", k->owner_unit_id);
    gg_body_kref(w, "handler_unit", "id", k->handler_unit_id, "name", k->handler_unit_name);
    gg_body_kid(w, "handler_account_id", k->handler_account_id);
    gg_jw_kstr(w, "state", k->state);
    gg_jw_kstr(w, "suspended_from", k->suspended_from);
    gg_jw_kbool(w, "anonymous", k->anonymous);
    gg_body_kid(w, "reporter_account_id", k->reporter_account_id);
    gg_jw_key(w, "reporter");
    if (o->contact == GG_CASE_CONTACT_NONE || (!k->reporter_name && !k->reporter_phone)) {
        gg_jw_null(w);
    } else {
        int full = o->contact == GG_CASE_CONTACT_FULL;
        gg_jw_obj(w);
        gg_jw_kstr(w, "name", full ? k->reporter_name : gg_case_mask_name(a, k->reporter_name));
        gg_jw_kstr(w, "phone",
                   full                ? k->reporter_phone
                   : k->reporter_phone ? gg_mask_phone(a, k->reporter_phone)
                                       : NULL);
        gg_jw_kbool(w, "masked", !full);
        gg_jw_obj_end(w);
    }
    gg_jw_key(w, "limits");
    gg_jw_obj(w);
    gg_jw_kint(w, "response_limit", k->response_limit);
    gg_jw_kstr(w, "response_unit", k->response_unit);
    gg_jw_kint(w, "handling_limit", k->handling_limit);
    gg_jw_kstr(w, "handling_unit", k->handling_unit);
    gg_jw_obj_end(w);
    gg_jw_ktime(w, "response_due_at", k->response_due_at);
    gg_jw_ktime(w, "registered_at", k->registered_at);
    gg_jw_ktime(w, "due_at", k->due_at);
    gg_jw_ktime(w, "yellow_at", k->yellow_at);
    gg_jw_kbool(w, "calendar_fallback", k->calendar_fallback);
    gg_jw_kbool(w, "extension_pending", k->extension_pending);
    gg_jw_key(w, "extension_ms");
    k->extension_pending ? gg_jw_int(w, k->extension_ms) : gg_jw_null(w);
    gg_jw_kstr(w, "extension_reason", k->extension_reason);
    gg_jw_kbool(w, "supervised", k->supervised);
    gg_jw_ktime(w, "supervise_due_at", k->supervise_due_at);
    gg_jw_kint(w, "rework_count", k->rework_count);
    gg_body_kid(w, "merged_into", k->merged_into);
    gg_jw_kstr(w, "rating", k->rating);
    gg_jw_kstr(w, "rating_comment", k->rating_comment);
    gg_jw_ktime(w, "rated_at", k->rated_at);
    gg_jw_ktime(w, "closed_at", k->closed_at);
    gg_jw_kint(w, "reopen_count", k->reopen_count);
    gg_body_kid(w, "created_by", k->created_by);
    gg_jw_ktime(w, "created_at", k->created_at);
    gg_jw_ktime(w, "updated_at", k->updated_at);
    gg_jw_kint(w, "version", k->version);
    remaining_or_hole(w, k, o);
}

void gg_case_json(gg_jw_t *w, gg_arena_t *a, const gg_case_t *k, const gg_case_json_opt_t *o)
{
    gg_case_json_open(w, a, k, o);
    gg_jw_obj_end(w);
}

/* An inbox row (gg_case_list with f->summary): what a list shows and sorts by; the case page has the rest. */
void gg_case_json_summary(gg_jw_t *w, const gg_case_t *k, const gg_case_json_opt_t *o)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->id);
    gg_jw_kstr(w, "number", k->number);
    gg_jw_kstr(w, "state", k->state);
    gg_jw_kstr(w, "channel", k->channel);
    gg_jw_kint(w, "category_id", k->category_id);
    gg_jw_key(w, "category");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->category_id);
    gg_jw_kstr(w, "name", k->category_name);
    gg_jw_kstr(w, "name_en", k->category_name_en);
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "priority", k->priority);
    gg_jw_kstr(w, "description", k->description); /* a summary: its first 60 characters */
    gg_jw_kbool(w, "description_truncated", k->summary_truncated);
    gg_body_kref(w, "unit", "id", k->unit_id, "name", k->unit_name);
    gg_body_kref(w, "handler_unit", "id", k->handler_unit_id, "name", k->handler_unit_name);
    gg_jw_ktime(w, "due_at", k->due_at);
    gg_jw_kbool(w, "supervised", k->supervised);
    gg_jw_kint(w, "rework_count", k->rework_count);
    gg_jw_ktime(w, "created_at", k->created_at);
    gg_jw_kint(w, "version", k->version);
    remaining_or_hole(w, k, o);
    gg_jw_obj_end(w);
}
