/*
 * case_json.h — the one JSON shape of a case, written by every response that
 * returns one (create, read, lists, the transitions of case_actions.c).
 *
 * gg_case_json_open writes "{" and the case's fields and leaves the object
 * open, so a caller adds its own keys (tasks, actions, possible_duplicates)
 * and closes it; gg_case_json writes the whole object.  Reporter contact:
 * contact = GG_CASE_CONTACT_NONE leaves it out (null), _MASKED masks the
 * phone and the name's given name, _FULL writes it as stored (the caller has
 * pii.read and has put the read on record first).  remaining: the clock that
 * runs now (the response clock before registration, the handling clock
 * after; the time left when suspended), with cal the working calendar.
 */
#ifndef GG_API_CASES_CASE_JSON_H
#define GG_API_CASES_CASE_JSON_H

#include "domain/cases/calendar.h"
#include "domain/cases/case.h"
#include "json/jw.h"

typedef enum {
    GG_CASE_CONTACT_NONE = 0,
    GG_CASE_CONTACT_MASKED = 1,
    GG_CASE_CONTACT_FULL = 2
} gg_case_contact_t;

/* Where a "remaining" belongs in a text written without it, and the clock fields it is computed from: the
 * read caches (case_cache.h) keep the text and compute "remaining" at each answer, since it moves with now.
 */
typedef struct gg_case_hole {
    size_t at; /* offset in the text: the "remaining" member goes here, a comma first */
    char state[24];
    char due_text[32]; /* the RFC 3339 text of the due instant its clock runs to, "" for none */
    int64_t response_due_at, due_at, yellow_at, suspended_left_ms;
    int calendar_fallback;
} gg_case_hole_t;

typedef struct gg_case_holes {
    gg_case_hole_t *v;
    int n, cap; /* v is malloc'd: gg_case_holes_free */
} gg_case_holes_t;

void gg_case_holes_free(gg_case_holes_t *h);

typedef struct gg_case_json_opt {
    const gg_cal_snapshot_t *cal; /* NULL: no "remaining" */
    int64_t now;
    gg_case_contact_t contact;
    gg_case_holes_t *holes; /* with cal: record where "remaining" goes instead of writing it */
} gg_case_json_opt_t;

/* Write text[0..len) as one value (the separator before it as any value) with each hole's "remaining"
 * computed at now. */
void gg_case_json_splice(gg_jw_t *w, const char *text, size_t len, const gg_case_hole_t *holes, int nholes,
                         const gg_cal_snapshot_t *cal, int64_t now);

void gg_case_json_open(gg_jw_t *w, gg_arena_t *a, const gg_case_t *k, const gg_case_json_opt_t *o);
void gg_case_json(gg_jw_t *w, gg_arena_t *a, const gg_case_t *k, const gg_case_json_opt_t *o);
/* "remaining": {clock, due_at, working_ms, mark, calendar_fallback} or null when no clock runs. */
/* An inbox row: id, number, state, channel, category {id, name, name_en}, priority, description (its
 * first 60 characters: a summary) and description_truncated, unit, handler_unit, due_at, supervised,
 * rework_count, created_at, version, remaining. */
void gg_case_json_summary(gg_jw_t *w, const gg_case_t *k, const gg_case_json_opt_t *o);
void gg_case_json_remaining(gg_jw_t *w, const gg_case_t *k, const gg_cal_snapshot_t *cal, int64_t now);
/* A name masked for display: the first character and '*' (张**). */
const char *gg_case_mask_name(gg_arena_t *a, const char *name);

#endif
