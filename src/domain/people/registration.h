/*
 * registration.h — registrations through the QR code on a door (扫码登记), and
 * the rate limits of the public endpoints that receive them.
 *
 * Who may do what:
 *  - anyone with the code (no login): look the house up by its qr_token — only
 *    what is printed on the door (community, building, entrance, room), never
 *    who lives there — and submit a registration: name, ID number (GB 11643),
 *    phone, relation to the household head, a note;
 *  - a grid worker (resident.read over the house's grid): list and read them,
 *    masked; unmask with pii.read (audited);
 *  - resident.write: approve — the resident is created, or the one already
 *    known by that ID number (blind index) is updated, and joins the house's
 *    household (one is created when the house has none; the registrant becomes
 *    head when the household has none) — or reject with a reason.
 *
 * The ID number and phone are stored like a resident's (ciphertext + blind
 * index).  A second pending submission for the same person and house replaces
 * the first (a unique index backs this), so resubmitting after a typo works
 * and the answer says nothing about earlier submissions.  Audit rows carry no
 * personal data: registration.submit names the house, approve/reject the
 * decision and the resident.
 *
 * Rate limits are fixed-window counters in the database (so every node shares
 * them), per client address for every public request, and per address and per
 * house for accepted submissions.  Past a limit the answer is 429 with the
 * seconds until the window ends.
 */
#ifndef GG_DOMAIN_REGISTRATION_H
#define GG_DOMAIN_REGISTRATION_H

#include "domain/domain.h"

typedef struct gg_public_limits {
    int lookups_per_address;     /* every public request, per client address and window */
    int submissions_per_address; /* accepted submissions per client address and window */
    int submissions_per_house;   /* accepted submissions per house and window */
    int attachments_per_address; /* anonymous attachment uploads per client address and window */
    int64_t window_ms;
} gg_public_limits_t;

void gg_public_limits_defaults(gg_public_limits_t *l);

/* What the door says: the public view of a house. */
typedef struct gg_public_house {
    int64_t house_id; /* internal: never sent to the public */
    const char *unit_path;
    int64_t grid_id;
    const char *community, *building, *entrance, *room, *label;
} gg_public_house_t;

typedef struct gg_registration {
    int64_t id, house_id, grid_id;
    const char *unit_path, *status;
    const char *house_code, *house_label;
    const char *name, *id_number, *phone; /* plaintext in memory only */
    const char *relation, *note, *client_ip;
    int64_t submitted_at, decided_at, decided_by;
    const char *decided_by_username, *decision_note;
    int64_t resident_id, household_id;
    int version;
} gg_registration_t;

typedef struct gg_registration_filter {
    const char *status; /* NULL = any */
    int64_t unit_id, house_id;
} gg_registration_filter_t;

/*
 * Count one request against key; 429 "too_many_requests" with *retry_after_s
 * when the key has had more than max in the current window.  Runs in a
 * transaction of its own, so the count stays even when the request fails.
 */
int gg_rate_limit_hit(gg_db_conn_t *c, const char *key, int max, int64_t window_ms, int *retry_after_s,
                      gg_error_t *err);

/* The live house with this token; 404 with one fixed message for unknown, rotated and retired tokens. */
int gg_public_house_get(gg_db_conn_t *c, gg_arena_t *a, const char *token, gg_public_house_t *out,
                        gg_error_t *err);

typedef struct gg_registration_in {
    const char *name, *id_number, *phone, *relation, *note;
    const char *client_ip;
} gg_registration_in_t;

/* Check the fields (errors name them) without touching the database. */
int gg_registration_validate(gg_arena_t *a, gg_registration_in_t *in, gg_error_t *err);

/*
 * Store a submission for the house behind token (validated first), counting
 * it against the per-address and per-house limits.  Runs its own
 * transactions.  *retry_after_s is set with a 429.
 */
int gg_registration_submit(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_public_limits_t *l,
                           const char *token, gg_registration_in_t *in, int *retry_after_s, gg_error_t *err);

int gg_registration_get(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                        int64_t id, gg_registration_t *out, gg_error_t *err);
int gg_registration_list(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                         const gg_registration_filter_t *f, const gg_page_t *page, gg_registration_t **rows,
                         int *n, gg_error_t *err);
/* The resident already known by the registration's ID number, when the caller may read them (0 otherwise). */
int gg_registration_match(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                          const gg_registration_t *r, int64_t *resident_id, const char **name,
                          gg_error_t *err);
/* Record that the caller saw these fields of r unmasked; 403 without pii.read. */
int gg_registration_audit_reveal(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor,
                                 const gg_auth_t *auth, const gg_registration_t *r, const char *const *fields,
                                 int nfields, gg_error_t *err);

typedef struct gg_registration_decision {
    const char *relation;      /* approve: overrides the registrant's (NULL = theirs) */
    const char *resident_type; /* approve: for a new resident (NULL = registered) */
    const char *note;          /* approve: optional; reject: the reason (required) */
    int version;               /* 0 = any */
} gg_registration_decision_t;

/* Inside the caller's transaction. */
int gg_registration_approve(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                            const gg_auth_t *auth, int64_t id, const gg_registration_decision_t *d,
                            gg_error_t *err);
int gg_registration_reject(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                           const gg_auth_t *auth, int64_t id, const gg_registration_decision_t *d,
                           gg_error_t *err);

/* New random qr_token for a house (place.write); the old one stops working at once. */
int gg_house_rotate_qr(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                       int64_t house_id, gg_error_t *err);

#endif
