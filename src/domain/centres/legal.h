/*
 * legal.h — legal services of a centre (法治超市): counters, the professionals on duty at them (lawyers,
 * notaries, judges, legal advisers), their published slots (one booking each: a partial unique index on
 * legal_appointment (slot_id) WHERE status = 'booked' refuses a double booking in the database itself, on
 * SQLite and PostgreSQL), appointments (a resident's own — legal.book_own — or a desk booking for a walk-in —
 * legal.serve) and whether their visitor came (签到 / 爽约, legal.serve), the walk-in queue (a number per
 * counter per day) and consultation records (legal.serve).
 * Counters, professionals and free slots are readable by every signed-in account (residents pick from them).
 */
#ifndef GG_DOMAIN_CENTRES_LEGAL_H
#define GG_DOMAIN_CENTRES_LEGAL_H

#include "domain/centres/centre_common.h"

typedef struct gg_legal_counter {
    int64_t id, unit_id;
    const char *name, *unit_name;
    int64_t professionals, waiting;
    int may_serve; /* the caller holds legal.serve at the counter's unit (the web offers the desk's pages) */
} gg_legal_counter_t;

typedef struct gg_legal_pro {
    int64_t id, counter_id, account_id;
    const char *name, *kind, *org, *counter_name;
} gg_legal_pro_t;

typedef struct gg_legal_slot {
    int64_t id, professional_id, starts_at, ends_at;
    const char *professional_name, *professional_kind, *counter_name;
    int64_t counter_id;
    int booked;
} gg_legal_slot_t;

typedef struct gg_legal_appt {
    int64_t id, slot_id, account_id, matter_id, created_at, starts_at, ends_at, counter_id, checked_in_at;
    const char *visitor_name, *topic, *status, *professional_name, *professional_kind, *counter_name;
    const char *attendance; /* NULL, "checked_in" or "no_show" (migration 0029) */
} gg_legal_appt_t;

typedef struct gg_legal_ticket {
    int64_t id, counter_id, created_at, called_at;
    int seq;
    const char *day, *name, *status;
} gg_legal_ticket_t;

typedef struct gg_legal_consult {
    int64_t counter_id, professional_id, appointment_id, ticket_id, matter_id;
    const char *question, *advice;
} gg_legal_consult_t;

int gg_legal_counter_create(const gg_op_t *op, int64_t unit_id, const char *name, int64_t *id,
                            gg_error_t *err);
/* unit_id 0: every counter. */
int gg_legal_counters(const gg_op_t *op, int64_t unit_id, gg_legal_counter_t **rows, int *n, gg_error_t *err);
int gg_legal_pro_create(const gg_op_t *op, const gg_legal_pro_t *in, int64_t *id, gg_error_t *err);
int gg_legal_pros(const gg_op_t *op, int64_t counter_id, gg_legal_pro_t **rows, int *n, gg_error_t *err);
int gg_legal_slot_create(const gg_op_t *op, int64_t professional_id, int64_t starts_at, int64_t ends_at,
                         int64_t *id, gg_error_t *err);
/* Slots of [from, to) (ms), of one professional or counter (0: any); only_free: not booked. */
int gg_legal_slots(const gg_op_t *op, int64_t counter_id, int64_t professional_id, int64_t from, int64_t to,
                   int only_free, gg_legal_slot_t **rows, int *n, gg_error_t *err);
/* Book slot_id: a resident for themselves (visitor_name NULL), or staff with legal.serve for a walk-in. */
int gg_legal_book(const gg_op_t *op, int64_t slot_id, const char *topic, const char *visitor_name,
                  int64_t matter_id, int64_t *id, gg_error_t *err);
int gg_legal_cancel(const gg_op_t *op, int64_t id, gg_error_t *err);
/* The desk (legal.serve) records whether the visitor of a booked appointment came: "checked_in" (签到, from
 * an hour before the slot on) or "no_show" (爽约, once the slot has begun); once only — 409
 * wrong_state naming status otherwise, 400 too_early naming attendance before its time. */
int gg_legal_attend(const gg_op_t *op, int64_t id, const char *attendance, gg_error_t *err);
/* mine: the caller's own; else the appointments of counter_id (legal.serve) from from_ms on. */
int gg_legal_appointments(const gg_op_t *op, int mine, int64_t counter_id, int64_t from_ms,
                          gg_legal_appt_t **rows, int *n, gg_error_t *err);
int gg_legal_ticket_take(const gg_op_t *op, int64_t counter_id, const char *name, gg_legal_ticket_t *out,
                         gg_error_t *err);
/* Call the next waiting number (the one called before is done); 404 naming counter_id when none waits. */
int gg_legal_ticket_next(const gg_op_t *op, int64_t counter_id, gg_legal_ticket_t *out, gg_error_t *err);
int gg_legal_tickets(const gg_op_t *op, int64_t counter_id, gg_legal_ticket_t **rows, int *n,
                     gg_error_t *err);
int gg_legal_consult_create(const gg_op_t *op, const gg_legal_consult_t *in, int64_t *id, gg_error_t *err);

/* The counter's unit (any signed-in caller; 404 naming field). */
int gg_legal_counter_unit(const gg_op_t *op, int64_t counter_id, const char *field, gg_unit_t *u,
                          gg_error_t *err);

#endif
